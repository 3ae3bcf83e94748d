//! Free text people type (comments, course requests, broadcast text) is stored literally, but without
//! the invisible characters that only cause harm: control characters (a bell, an escape, a NUL — they
//! break CSV files, terminals and some Telegram clients) and the bidirectional overrides that make a
//! line read differently from what it holds. Newlines are kept where a field may have several lines.
//! Names are stricter and refused instead (`person::PersonName`).
//!
//! Nothing here escapes for a parse mode: the bot sends every message as plain text (no `parse_mode`;
//! `outbox::Payload::html` exists but nothing uses it), so `<b>`, `&` and `*` reach the reader as typed.
//! A message that ever takes a parse mode must escape user text with [`escape_html`].

/// Whether `c` is dropped from typed text (`multi_line`: newlines are kept).
fn unwanted(c: char, multi_line: bool) -> bool {
    (c.is_control() && !(multi_line && c == '\n'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `text` without control characters and direction overrides (a tab or, in a one-line field, a newline
/// becomes a space, so words stay apart).
pub fn clean(text: &str, multi_line: bool) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' | '\r' if !multi_line => Some(' '),
            '\r' => None,
            c if unwanted(c, multi_line) => None,
            c => Some(c),
        })
        .collect()
}

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&`; quotes for attribute values).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_direction_overrides_go_and_the_rest_stays_literal() {
        assert_eq!(clean("<b>王</b>=1+1\u{0007}", false), "<b>王</b>=1+1");
        assert_eq!(clean("a\u{0000}b\u{001b}[31mc\u{202E}d", false), "ab[31mcd");
        assert_eq!(clean("第一行\r\n第二行\t完", true), "第一行\n第二行 完");
        assert_eq!(clean("第一行\n第二行", false), "第一行 第二行");
        assert_eq!(clean("阿依古丽·买买提 O'Neil-Smith 👨‍🌾", false), "阿依古丽·买买提 O'Neil-Smith 👨‍🌾");
    }

    #[test]
    fn html_escaping_keeps_the_text_readable() {
        assert_eq!(escape_html("<b>王</b> & \"李\""), "&lt;b&gt;王&lt;/b&gt; &amp; &quot;李&quot;");
    }
}
