//! Finding and registering the CJK font plotters draws with.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use plotters::style::{FontStyle, register_font};

use super::RenderError;

/// Environment variable naming a font file to use before the system paths.
pub const ENV_FONT: &str = "FIELDSCHOOL_CJK_FONT";

/// Usual system locations of a CJK font, in order of preference. Collections (`.ttc`) are read at
/// face index 0 (WenQuanYi Micro Hei / Zen Hei; for Noto Sans CJK collections that is the Japanese
/// face, which still covers simplified Chinese).
pub const SYSTEM_FONT_PATHS: &[&str] = &[
    // Debian / Ubuntu: fonts-wqy-microhei, fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    // Fedora / Arch packagings of the same fonts
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    // Noto Sans CJK: Debian fonts-noto-cjk, Arch noto-fonts-cjk, Fedora google-noto-*-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJKsc-Regular.otf",
];

/// Family name the render module draws with. The same font is also registered as plotters'
/// `"sans-serif"` so any default-styled chart text gets CJK glyphs too.
pub(super) const FAMILY: &str = "fieldschool-cjk";

/// The font file the operator named ([`ENV_FONT`], read by `config`), set once at start.
static CONFIGURED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Tries `path` first from now on (startup passes the configured font; `None` keeps the system's).
pub fn use_font_file(path: Option<PathBuf>) {
    *CONFIGURED.lock().unwrap_or_else(|e| e.into_inner()) = path.filter(|p| !p.as_os_str().is_empty());
}

/// Candidate font files in lookup order: the configured one (see [`use_font_file`]), then
/// [`SYSTEM_FONT_PATHS`].
pub fn font_candidates() -> Vec<PathBuf> {
    let mut out = Vec::with_capacity(SYSTEM_FONT_PATHS.len() + 1);
    out.extend(CONFIGURED.lock().unwrap_or_else(|e| e.into_inner()).clone());
    out.extend(SYSTEM_FONT_PATHS.iter().map(PathBuf::from));
    out
}

/// The first candidate that is a readable TrueType/OpenType font or font collection (judged by its
/// first four bytes; the full parse happens on registration). `NoFont` lists what was tried.
pub fn find_font(candidates: &[PathBuf]) -> Result<PathBuf, RenderError> {
    for path in candidates {
        if looks_like_font(path) {
            return Ok(path.clone());
        }
    }
    let tried = if candidates.is_empty() {
        "no candidate paths".to_string()
    } else {
        let list: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        format!("tried {}", list.join(", "))
    };
    Err(RenderError::NoFont(tried))
}

fn looks_like_font(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    match std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)) {
        Ok(()) => matches!(&magic, b"\x00\x01\x00\x00" | b"OTTO" | b"true" | b"ttcf"),
        Err(_) => false,
    }
}

struct State {
    loaded: Option<PathBuf>,
    /// Files that passed [`find_font`] but failed to parse: skipped later, so each is read (and
    /// its bytes leaked) at most once.
    rejected: Vec<PathBuf>,
}

static STATE: Mutex<State> = Mutex::new(State { loaded: None, rejected: Vec::new() });

/// Makes sure a CJK font is registered with plotters, returning the file in use. The first success
/// is kept for the life of the process (the font bytes, a few MB, are leaked once, as plotters
/// requires `'static` data); failures are retried on the next call, so installing the font fixes a
/// running bot. Cheap after the first success; callers may use it at startup to warn early.
pub fn ensure_font() -> Result<PathBuf, RenderError> {
    let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = &state.loaded {
        return Ok(path.clone());
    }
    loop {
        let candidates: Vec<PathBuf> = font_candidates().into_iter().filter(|p| !state.rejected.contains(p)).collect();
        let path = find_font(&candidates).map_err(|e| match e {
            RenderError::NoFont(tried) if !state.rejected.is_empty() => {
                let bad: Vec<String> = state.rejected.iter().map(|p| p.display().to_string()).collect();
                RenderError::NoFont(format!("{tried}; not usable: {}", bad.join(", ")))
            }
            other => other,
        })?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                state.rejected.push(path);
                continue;
            }
        };
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        if register_font(FAMILY, FontStyle::Normal, bytes).is_err() {
            tracing::warn!(path = %path.display(), "font file could not be parsed; skipping it");
            state.rejected.push(path);
            continue;
        }
        // Same bytes, already parsed once: cannot fail differently.
        let _ = register_font("sans-serif", FontStyle::Normal, bytes);
        tracing::debug!(path = %path.display(), "registered CJK font for rendering");
        state.loaded = Some(path.clone());
        return Ok(path);
    }
}
