//! A small `multipart/form-data` reader for the uploads teloxide sends (sendPhoto/sendDocument with
//! `InputFile::memory`). The bodies are complete in memory already, so a streaming parser (multer, axum's
//! `multipart` feature) would add a dependency without buying anything here.

/// One part of a form: its field name, the file name when it is a file, and the raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary from a `Content-Type: multipart/form-data; boundary=...` header value.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.trim().split_once('=')?;
        key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let last_start = haystack.len() - needle.len();
    let mut i = from;
    while i <= last_start {
        // Jump to the next occurrence of the first byte, then compare the rest.
        let offset = haystack[i..=last_start].iter().position(|b| *b == first)?;
        i += offset;
        if &haystack[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Splits a form body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let Some(mut pos) = find(body, delimiter, 0) else {
        return Err("multipart body has no boundary".to_owned());
    };
    loop {
        pos += delimiter.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        // Skip the CRLF after the delimiter.
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        }
        let headers_end = find(body, b"\r\n\r\n", pos).ok_or("multipart part without headers end")?;
        let headers = String::from_utf8_lossy(&body[pos..headers_end]);
        let data_start = headers_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(delimiter);
        let data_end = find(body, &closing, data_start).ok_or("multipart part without closing boundary")?;
        let (name, file_name) = disposition(&headers).ok_or("multipart part without a name")?;
        parts.push(Part { name, file_name, data: body[data_start..data_end].to_vec() });
        pos = data_end + 2;
    }
}

/// `name` and `filename` from the part's Content-Disposition header.
fn disposition(headers: &str) -> Option<(String, Option<String>)> {
    let line = headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let mut name = None;
    let mut file_name = None;
    for param in line.split(';').skip(1) {
        let Some((key, value)) = param.trim().split_once('=') else { continue };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim() {
            "name" => name = Some(value),
            "filename" => file_name = Some(value),
            _ => {}
        }
    }
    Some((name?, file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_file_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"abc\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x00\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], Part { name: "chat_id".into(), file_name: None, data: b"42".to_vec() });
        assert_eq!(parts[1].file_name.as_deref(), Some("p.png"));
        assert_eq!(parts[1].data, b"\x89PNG\r\n\x00");
    }

    #[test]
    fn reads_boundary_from_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc-123").as_deref(), Some("abc-123"));
        assert_eq!(boundary("multipart/form-data; boundary=\"q\"").as_deref(), Some("q"));
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
