//! Telegram's text formatting, parsed the way the Bot API server does it (after tdlib's `parse_markdown_v2`
//! and `parse_html`), so a bot's formatting mistakes fail in tests the way they fail in production.
//!
//! Offsets and lengths of entities are in UTF-16 code units, as Telegram counts them.

use serde_json::{Value, json};

/// One formatting entity of a parsed text, offsets in UTF-16 code units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Bot API entity type: "bold", "italic", "underline", "strikethrough", "spoiler", "code", "pre",
    /// "text_link", "custom_emoji", "blockquote", "bot_command".
    pub kind: &'static str,
    pub offset: usize,
    pub length: usize,
    /// `url` of a text_link, `language` of a pre, `custom_emoji_id` of a custom_emoji.
    pub argument: Option<String>,
}

impl Entity {
    /// The entity as the Bot API serialises it in a Message.
    pub fn to_json(&self) -> Value {
        let mut value = json!({"type": self.kind, "offset": self.offset, "length": self.length});
        if let Some(argument) = &self.argument {
            let key = match self.kind {
                "text_link" => "url",
                "pre" => "language",
                "custom_emoji" => "custom_emoji_id",
                _ => return value,
            };
            value[key] = Value::String(argument.clone());
        }
        value
    }
}

/// Text with its formatting resolved: what the person reads plus where the formatting is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub text: String,
    pub entities: Vec<Entity>,
}

/// Length as Telegram counts it: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Parses `text` under a Bot API `parse_mode` ("MarkdownV2", "HTML", "Markdown" or none).
/// The error is the part of Telegram's description after "Bad Request: can't parse entities: ".
pub fn parse(text: &str, parse_mode: Option<&str>) -> Result<Parsed, String> {
    match parse_mode {
        None | Some("") => Ok(Parsed { text: text.to_owned(), entities: Vec::new() }),
        Some("MarkdownV2") => parse_markdown_v2(text),
        Some("HTML") => parse_html(text),
        // Legacy Markdown is rarely used; treat it as MarkdownV2's lenient cousin by not reserving anything.
        Some("Markdown") => parse_legacy_markdown(text),
        Some(other) => Err(format!("Unsupported parse_mode \"{other}\"")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum MdKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    TextUrl,
    CustomEmoji,
}

impl MdKind {
    /// The name tdlib prints in "Can't find end of X entity".
    fn tdlib_name(self) -> &'static str {
        match self {
            MdKind::Bold => "Bold",
            MdKind::Italic => "Italic",
            MdKind::Underline => "Underline",
            MdKind::Strikethrough => "Strikethrough",
            MdKind::Spoiler => "Spoiler",
            MdKind::Code => "Code",
            MdKind::Pre => "Pre",
            MdKind::TextUrl => "TextUrl",
            MdKind::CustomEmoji => "CustomEmoji",
        }
    }

    fn api_name(self) -> &'static str {
        match self {
            MdKind::Bold => "bold",
            MdKind::Italic => "italic",
            MdKind::Underline => "underline",
            MdKind::Strikethrough => "strikethrough",
            MdKind::Spoiler => "spoiler",
            MdKind::Code => "code",
            MdKind::Pre => "pre",
            MdKind::TextUrl => "text_link",
            MdKind::CustomEmoji => "custom_emoji",
        }
    }
}

struct OpenEntity {
    kind: MdKind,
    argument: Option<String>,
    utf16_start: usize,
    byte_offset: usize,
    text_start: usize,
}

const MARKDOWN_V2_RESERVED: &[u8] = b"_*[]()~`>#+-=|{}.!";

fn reserved_error(c: char) -> String {
    format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")
}

/// MarkdownV2 as specified in the Bot API docs ("Formatting options"), following tdlib's tokenizer:
/// reserved characters outside entities must be escaped; inside `code`/`pre` only '`' and '\' are special;
/// inside a link's (url) only ')' and '\'. A '>' at the start of a line opens a block quote for that line.
pub fn parse_markdown_v2(text: &str) -> Result<Parsed, String> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    let mut utf16 = 0usize;
    let mut entities = Vec::new();
    let mut open: Vec<OpenEntity> = Vec::new();
    // Block quote being built: (utf16 start) while consecutive lines start with '>'.
    let mut quote_start: Option<usize> = None;
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        let line_start = i == 0 || bytes[i - 1] == b'\n';
        let in_code = matches!(open.last().map(|e| e.kind), Some(MdKind::Code | MdKind::Pre));
        if line_start && !in_code {
            if c == b'>' {
                if quote_start.is_none() {
                    quote_start = Some(utf16);
                }
                i += 1;
                continue;
            } else if let Some(start) = quote_start.take() {
                // The quote ended with the previous line; its closing newline is not part of it.
                let end = utf16.saturating_sub(1).max(start);
                if end > start {
                    entities.push(Entity { kind: "blockquote", offset: start, length: end - start, argument: None });
                }
            }
        }
        if c == b'\\' && (1..=126).contains(&at(i + 1)) {
            out.push(at(i + 1) as char);
            utf16 += 1;
            i += 2;
            continue;
        }
        let reserved: &[u8] = if in_code { b"`" } else { MARKDOWN_V2_RESERVED };
        if !reserved.contains(&c) {
            // Copy one whole UTF-8 character.
            let ch_len = utf8_len(c);
            let piece = &text[i..(i + ch_len).min(text.len())];
            out.push_str(piece);
            utf16 += utf16_len(piece);
            i += ch_len;
            continue;
        }
        let closes = match open.last().map(|e| e.kind) {
            Some(MdKind::Bold) => c == b'*',
            Some(MdKind::Italic) => c == b'_' && at(i + 1) != b'_',
            Some(MdKind::Code) => c == b'`',
            Some(MdKind::Pre) => c == b'`' && at(i + 1) == b'`' && at(i + 2) == b'`',
            Some(MdKind::TextUrl | MdKind::CustomEmoji) => c == b']',
            Some(MdKind::Underline) => c == b'_' && at(i + 1) == b'_',
            Some(MdKind::Strikethrough) => c == b'~',
            Some(MdKind::Spoiler) => c == b'|' && at(i + 1) == b'|',
            None => false,
        };
        if !closes {
            let byte_offset = i;
            let mut argument = None;
            let kind = match c {
                b'_' if at(i + 1) == b'_' => {
                    i += 1;
                    MdKind::Underline
                }
                b'_' => MdKind::Italic,
                b'*' => MdKind::Bold,
                b'~' => MdKind::Strikethrough,
                b'|' if at(i + 1) == b'|' => {
                    i += 1;
                    MdKind::Spoiler
                }
                b'[' => MdKind::TextUrl,
                b'!' if at(i + 1) == b'[' => {
                    i += 1;
                    MdKind::CustomEmoji
                }
                b'`' if at(i + 1) == b'`' && at(i + 2) == b'`' => {
                    i += 3;
                    let mut language_end = i;
                    while language_end < bytes.len()
                        && !bytes[language_end].is_ascii_whitespace()
                        && bytes[language_end] != b'`'
                    {
                        language_end += 1;
                    }
                    if i != language_end && language_end < bytes.len() && bytes[language_end] != b'`' {
                        argument = Some(text[i..language_end].to_owned());
                        i = language_end;
                    }
                    // One newline right after the opening fence is not part of the code.
                    if at(i) == b'\n' || at(i) == b'\r' {
                        if (at(i + 1) == b'\n' || at(i + 1) == b'\r') && at(i) != at(i + 1) {
                            i += 2;
                        } else {
                            i += 1;
                        }
                    }
                    i -= 1;
                    MdKind::Pre
                }
                b'`' => MdKind::Code,
                other => return Err(reserved_error(other as char)),
            };
            open.push(OpenEntity { kind, argument, utf16_start: utf16, byte_offset, text_start: out.len() });
            i += 1;
            continue;
        }
        // Closing the innermost entity.
        let Some(entity) = open.pop() else { break };
        let mut skip = utf16 == entity.utf16_start;
        let mut argument = entity.argument;
        match entity.kind {
            MdKind::Underline | MdKind::Spoiler => i += 1,
            MdKind::Pre => i += 2,
            MdKind::TextUrl | MdKind::CustomEmoji => {
                let url = if at(i + 1) != b'(' {
                    out[entity.text_start..].to_owned()
                } else {
                    i += 2;
                    let url_begin = i;
                    let mut url = Vec::new();
                    while i < bytes.len() && bytes[i] != b')' {
                        if bytes[i] == b'\\' && (1..=126).contains(&at(i + 1)) {
                            url.push(bytes[i + 1]);
                            i += 2;
                            continue;
                        }
                        url.push(bytes[i]);
                        i += 1;
                    }
                    if at(i) != b')' {
                        return Err(format!("Can't find end of a URL at byte offset {url_begin}"));
                    }
                    String::from_utf8_lossy(&url).into_owned()
                };
                if entity.kind == MdKind::CustomEmoji {
                    match url.strip_prefix("tg://emoji?id=") {
                        Some(id) if !id.is_empty() => argument = Some(id.to_owned()),
                        _ => return Err("Custom emoji URL must have an emoji identifier".to_owned()),
                    }
                } else if is_valid_link(&url) {
                    argument = Some(url);
                } else {
                    // Telegram silently drops links it cannot use.
                    skip = true;
                }
            }
            _ => {}
        }
        if !skip {
            entities.push(Entity {
                kind: entity.kind.api_name(),
                offset: entity.utf16_start,
                length: utf16 - entity.utf16_start,
                argument,
            });
        }
        i += 1;
    }
    if let Some(entity) = open.last() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            entity.kind.tdlib_name(),
            entity.byte_offset
        ));
    }
    if let Some(start) = quote_start
        && utf16 > start
    {
        entities.push(Entity { kind: "blockquote", offset: start, length: utf16 - start, argument: None });
    }
    entities.sort_by_key(|e| e.offset);
    Ok(Parsed { text: out, entities })
}

fn utf8_len(first_byte: u8) -> usize {
    match first_byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn is_valid_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = ["http://", "https://", "tg://", "ton://"].iter().find_map(|p| lower.strip_prefix(p));
    match rest {
        Some(rest) => !rest.is_empty(),
        // Telegram accepts bare domains ("example.com") and adds http://.
        None => !url.is_empty() && url.contains('.') && !url.contains(char::is_whitespace),
    }
}

/// Legacy "Markdown": *bold*, _italic_, `code`, ```pre```, [text](url); nothing needs escaping
/// outside entities, but an entity left open is an error.
fn parse_legacy_markdown(text: &str) -> Result<Parsed, String> {
    let mut out = String::with_capacity(text.len());
    let mut entities = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut utf16 = 0usize;
    while let Some((offset, c)) = chars.next() {
        let closing = match c {
            '*' | '_' | '`' => c,
            '[' => ']',
            _ => {
                out.push(c);
                utf16 += c.len_utf16();
                continue;
            }
        };
        let rest = &text[offset + 1..];
        let Some(end) = rest.find(closing) else {
            return Err(format!("Can't find end of the entity starting at byte offset {offset}"));
        };
        let inner = &rest[..end];
        let mut consumed = end + 1;
        let (kind, argument) = match c {
            '*' => ("bold", None),
            '_' => ("italic", None),
            '`' => ("code", None),
            _ => {
                let after = &rest[end + 1..];
                match after.strip_prefix('(').and_then(|a| a.find(')').map(|e| &a[..e])) {
                    Some(url) => {
                        consumed += url.len() + 2;
                        ("text_link", Some(url.to_owned()))
                    }
                    None => return Err(format!("Can't find end of the entity starting at byte offset {offset}")),
                }
            }
        };
        let length = utf16_len(inner);
        if length > 0 {
            entities.push(Entity { kind, offset: utf16, length, argument });
        }
        out.push_str(inner);
        utf16 += length;
        for _ in 0..rest[..consumed].chars().count() {
            chars.next();
        }
    }
    Ok(Parsed { text: out, entities })
}

const HTML_TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
];

struct OpenTag {
    name: String,
    argument: Option<String>,
    utf16_start: usize,
}

/// Telegram's HTML subset. Only the documented tags, properly nested; `<` and `&` must be written as
/// `&lt;` and `&amp;` (the named entities `&lt; &gt; &amp; &quot;` and numeric `&#NN; &#xHH;` are decoded).
///
/// tdlib itself keeps an unrecognised `&` as text; the Bot API docs require every `&` outside an entity to
/// be escaped, and this emulator is deliberately strict so such text is caught before it meets real users.
pub fn parse_html(text: &str) -> Result<Parsed, String> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    let mut utf16 = 0usize;
    let mut entities = Vec::new();
    let mut open: Vec<OpenTag> = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'&' {
            match decode_html_entity(&text[i..]) {
                Some((ch, consumed)) => {
                    out.push(ch);
                    utf16 += ch.len_utf16();
                    i += consumed;
                    continue;
                }
                None => {
                    return Err(format!(
                        "Character '&' at byte offset {i} is not part of an HTML entity and must be written as &amp;"
                    ));
                }
            }
        }
        if c != b'<' {
            let ch_len = utf8_len(c);
            let piece = &text[i..(i + ch_len).min(text.len())];
            out.push_str(piece);
            utf16 += utf16_len(piece);
            i += ch_len;
            continue;
        }
        let begin = i;
        i += 1;
        if at(i) != b'/' {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                i += 1;
            }
            if i >= bytes.len() {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }
            let name = text[begin + 1..i].to_ascii_lowercase();
            if !HTML_TAGS.contains(&name.as_str()) {
                return Err(format!("Unsupported start tag \"{name}\" at byte offset {begin}"));
            }
            let mut argument = None;
            while at(i) != b'>' {
                while at(i).is_ascii_whitespace() {
                    i += 1;
                }
                if at(i) == b'>' {
                    break;
                }
                let name_start = i;
                while at(i).is_ascii_alphanumeric() || at(i) == b'_' || at(i) == b'-' {
                    i += 1;
                }
                if i == name_start {
                    return Err(format!("Empty attribute name in the tag \"{name}\" at byte offset {begin}"));
                }
                let attribute = text[name_start..i].to_ascii_lowercase();
                while at(i).is_ascii_whitespace() {
                    i += 1;
                }
                if at(i) != b'=' {
                    return Err(format!(
                        "Expected equal sign in declaration of an attribute of the tag \"{name}\" at byte offset {begin}"
                    ));
                }
                i += 1;
                while at(i).is_ascii_whitespace() {
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err(format!("Unclosed start tag at byte offset {begin}"));
                }
                let value = if at(i) == b'"' || at(i) == b'\'' {
                    let quote = at(i);
                    i += 1;
                    let value_start = i;
                    while i < bytes.len() && bytes[i] != quote {
                        i += 1;
                    }
                    if i >= bytes.len() {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    let raw = &text[value_start..i];
                    i += 1;
                    decode_attribute(raw)
                } else {
                    let value_start = i;
                    while at(i).is_ascii_alphanumeric() || at(i) == b'.' || at(i) == b'-' {
                        i += 1;
                    }
                    if i == value_start {
                        return Err(format!("Unclosed start tag at byte offset {begin}"));
                    }
                    text[value_start..i].to_owned()
                };
                match (name.as_str(), attribute.as_str()) {
                    ("a", "href") => argument = Some(value),
                    ("code", "class") => argument = value.strip_prefix("language-").map(str::to_owned),
                    ("span", "class") => argument = value.strip_prefix("tg-").map(str::to_owned),
                    ("tg-emoji", "emoji-id") => argument = Some(value),
                    _ => {}
                }
            }
            if name == "span" && argument.as_deref() != Some("spoiler") {
                return Err(format!("Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"));
            }
            if name == "tg-emoji" && argument.is_none() {
                return Err(format!("Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset {begin}"));
            }
            open.push(OpenTag { name, argument, utf16_start: utf16 });
            i += 1;
        } else {
            if open.is_empty() {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            }
            i += 1;
            let name_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                i += 1;
            }
            let end_name = text[name_start..i].to_ascii_lowercase();
            while at(i).is_ascii_whitespace() {
                i += 1;
            }
            if at(i) != b'>' {
                return Err(format!("Unclosed end tag at byte offset {begin}"));
            }
            i += 1;
            let Some(tag) = open.pop() else { break };
            if !end_name.is_empty() && end_name != tag.name {
                return Err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                    tag.name
                ));
            }
            let length = utf16 - tag.utf16_start;
            if length == 0 {
                continue;
            }
            let (kind, argument) = match tag.name.as_str() {
                "b" | "strong" => ("bold", None),
                "i" | "em" => ("italic", None),
                "u" | "ins" => ("underline", None),
                "s" | "strike" | "del" => ("strikethrough", None),
                "tg-spoiler" | "span" => ("spoiler", None),
                "tg-emoji" => ("custom_emoji", tag.argument),
                "blockquote" => ("blockquote", None),
                "code" => {
                    // <pre><code class="language-x"> is one pre entity with a language.
                    if let Some(parent) = open.last_mut()
                        && parent.name == "pre"
                        && parent.argument.is_none()
                        && tag.argument.is_some()
                    {
                        parent.argument = tag.argument;
                        continue;
                    }
                    ("code", None)
                }
                "pre" => ("pre", tag.argument),
                _ => match tag.argument {
                    Some(url) if is_valid_link(&url) => ("text_link", Some(url)),
                    // An <a> without a usable href is plain text on Telegram.
                    _ => continue,
                },
            };
            entities.push(Entity { kind, offset: tag.utf16_start, length, argument });
        }
    }
    if let Some(tag) = open.last() {
        return Err(format!("Can't find end tag corresponding to start tag \"{}\"", tag.name));
    }
    entities.sort_by_key(|e| e.offset);
    Ok(Parsed { text: out, entities })
}

/// Decodes one HTML entity at the start of `text` ("&amp;..."): the character and bytes consumed.
fn decode_html_entity(text: &str) -> Option<(char, usize)> {
    let end = text[..text.len().min(12)].find(';')?;
    let body = &text[1..end];
    let ch = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((ch, end + 1))
}

fn decode_attribute(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        match decode_html_entity(&rest[pos..]) {
            Some((ch, consumed)) => {
                out.push(ch);
                rest = &rest[pos + consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[pos + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Result<Parsed, String> {
        parse_markdown_v2(text)
    }

    fn kinds(parsed: &Parsed) -> Vec<(&'static str, usize, usize)> {
        parsed.entities.iter().map(|e| (e.kind, e.offset, e.length)).collect()
    }

    #[test]
    fn markdown_v2_plain_escaped_text_passes() {
        let parsed = md("Price: 3\\.5 yuan \\(approx\\)\\!").unwrap();
        assert_eq!(parsed.text, "Price: 3.5 yuan (approx)!");
        assert!(parsed.entities.is_empty());
    }

    #[test]
    fn markdown_v2_unescaped_reserved_character_is_refused_with_telegram_text() {
        assert_eq!(md("Done.").unwrap_err(), "Character '.' is reserved and must be escaped with the preceding '\\'");
        assert_eq!(md("a-b").unwrap_err(), "Character '-' is reserved and must be escaped with the preceding '\\'");
        assert!(md("1+1=2").is_err());
        assert!(md("#tag").is_err());
        assert!(md("x!").is_err());
        assert!(md("a|b").is_err());
    }

    #[test]
    fn markdown_v2_entities_are_resolved() {
        let parsed = md("*bold* _italic_ __under__ ~strike~ ||spoil|| `co.de`").unwrap();
        assert_eq!(parsed.text, "bold italic under strike spoil co.de");
        assert_eq!(
            kinds(&parsed),
            vec![
                ("bold", 0, 4),
                ("italic", 5, 6),
                ("underline", 12, 5),
                ("strikethrough", 18, 6),
                ("spoiler", 25, 5),
                ("code", 31, 5)
            ]
        );
    }

    #[test]
    fn markdown_v2_nested_and_links() {
        let parsed = md("*bold _both_* [site](https://example.com/a\\)b)").unwrap();
        assert_eq!(parsed.text, "bold both site");
        let link = parsed.entities.iter().find(|e| e.kind == "text_link").unwrap();
        assert_eq!(link.argument.as_deref(), Some("https://example.com/a)b"));
        assert_eq!((link.offset, link.length), (10, 4));
        assert!(parsed.entities.iter().any(|e| e.kind == "italic" && e.offset == 5 && e.length == 4));
    }

    #[test]
    fn markdown_v2_pre_block_with_language_keeps_reserved_characters() {
        let parsed = md("```rust\nlet x = a.b(1);\n```").unwrap();
        assert_eq!(parsed.text, "let x = a.b(1);\n");
        assert_eq!(parsed.entities[0].kind, "pre");
        assert_eq!(parsed.entities[0].argument.as_deref(), Some("rust"));
    }

    #[test]
    fn markdown_v2_unclosed_entity_is_refused() {
        assert_eq!(md("*bold").unwrap_err(), "Can't find end of Bold entity at byte offset 0");
        assert!(md("[link](http://x.org").unwrap_err().starts_with("Can't find end of a URL"));
    }

    #[test]
    fn markdown_v2_underline_is_greedy_before_italic() {
        // The Bot API docs: "___italic underline___" is ambiguous; an empty bold entity separates.
        assert!(md("___text___").is_err());
        let parsed = md("___text_**__").unwrap();
        assert_eq!(parsed.text, "text");
        let mut found: Vec<_> = parsed.entities.iter().map(|e| e.kind).collect();
        found.sort();
        assert_eq!(found, vec!["italic", "underline"]);
    }

    #[test]
    fn markdown_v2_block_quote_and_utf16_offsets() {
        let parsed = md(">quoted\nplain *\u{1F600}b*").unwrap();
        assert_eq!(parsed.text, "quoted\nplain \u{1F600}b");
        assert_eq!(kinds(&parsed), vec![("blockquote", 0, 6), ("bold", 13, 3)]);
    }

    #[test]
    fn markdown_v2_middle_dot_names_need_no_escaping() {
        let name = "\u{963F}\u{4F9D}\u{53E4}\u{4E3D}\u{00B7}\u{4E70}\u{4E70}\u{63D0}";
        assert_eq!(md(name).unwrap().text, name);
    }

    #[test]
    fn html_tags_and_entities_are_resolved() {
        let parsed =
            parse_html("<b>Tom &amp; Jerry</b> &lt;3 <a href=\"https://t.me/x?a=1&amp;b=2\">here</a>").unwrap();
        assert_eq!(parsed.text, "Tom & Jerry <3 here");
        assert_eq!(parsed.entities[0].kind, "bold");
        assert_eq!(parsed.entities[1].argument.as_deref(), Some("https://t.me/x?a=1&b=2"));
        let spoiler = parse_html("<span class=\"tg-spoiler\">s</span><tg-spoiler>t</tg-spoiler>").unwrap();
        assert_eq!(kinds(&spoiler), vec![("spoiler", 0, 1), ("spoiler", 1, 1)]);
        let numeric = parse_html("&#65;&#x42;&quot;&gt;").unwrap();
        assert_eq!(numeric.text, "AB\">");
        let pre = parse_html("<pre><code class=\"language-python\">x &lt; 1</code></pre>").unwrap();
        assert_eq!(pre.entities.len(), 1);
        assert_eq!(pre.entities[0].argument.as_deref(), Some("python"));
    }

    #[test]
    fn html_refuses_bare_ampersand_and_less_than() {
        assert!(parse_html("Tom & Jerry").unwrap_err().contains("'&'"));
        assert_eq!(parse_html("a < b").unwrap_err(), "Unsupported start tag \"\" at byte offset 2");
        assert_eq!(parse_html("x<5").unwrap_err(), "Unclosed start tag at byte offset 1");
    }

    #[test]
    fn html_refuses_unknown_unbalanced_and_misnested_tags() {
        assert_eq!(parse_html("<div>x</div>").unwrap_err(), "Unsupported start tag \"div\" at byte offset 0");
        assert_eq!(parse_html("<b>x").unwrap_err(), "Can't find end tag corresponding to start tag \"b\"");
        assert!(parse_html("<b><i>x</b></i>").unwrap_err().starts_with("Unmatched end tag"));
        assert!(parse_html("x</b>").unwrap_err().starts_with("Unexpected end tag"));
        assert!(parse_html("<span>x</span>").is_err());
    }

    #[test]
    fn utf16_length_counts_surrogate_pairs() {
        assert_eq!(utf16_len("a\u{4E2D}\u{1F600}"), 4);
    }

    #[test]
    fn entity_json_carries_its_argument() {
        let entity = Entity { kind: "text_link", offset: 1, length: 2, argument: Some("https://a.b".into()) };
        assert_eq!(entity.to_json(), json!({"type":"text_link","offset":1,"length":2,"url":"https://a.b"}));
    }
}
