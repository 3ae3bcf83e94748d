//! CSV as coordinators open it in Excel: RFC 4180 quoting, CRLF line ends, and cells a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`…) defused with a leading `'` in a way that reads back
//! exactly. Phone numbers are the exception (see [`Cell::Phone`]). Every export of the bot writes
//! through here.

/// Characters that make a spreadsheet read a cell as a formula; such a cell gets a leading `'`.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes `'` to a cell a spreadsheet would run as a formula, and to one that already starts with `'`
/// followed by such a character or another `'`, so [`undefuse`] restores every cell exactly.
fn defuse(cell: &str) -> String {
    let mut chars = cell.chars();
    let needs = match chars.next() {
        Some(c) if FORMULA_START.contains(&c) => true,
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || FORMULA_START.contains(&c)),
        _ => false,
    };
    if needs { format!("'{cell}") } else { cell.to_owned() }
}

pub fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c == '\'' || FORMULA_START.contains(&c)) => rest,
        _ => cell,
    }
}

/// One cell of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text, defused when a spreadsheet would run it as a formula.
    Text(String),
    /// A phone number as typed (`+8613800001002`, `+86 138 0000 1002`). Excel and WPS run a cell
    /// starting with `+` as a formula, and the defusing `'` stays visible in a CSV; so a number made
    /// only of digits, spaces, `+`, `-` and brackets is written `="+8613800001002"`: a formula whose
    /// only content is that text, which both show as the number typed and which can do nothing else.
    /// Anything else is written as [`Cell::Text`]. [`read_phone`] reads both back.
    Phone(String),
}

fn is_plain_phone(phone: &str) -> bool {
    phone.chars().any(|c| c.is_ascii_digit())
        && phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
}

impl Cell {
    fn written(&self) -> String {
        match self {
            Cell::Phone(p) if is_plain_phone(p) => format!("=\"{p}\""),
            Cell::Phone(p) | Cell::Text(p) => defuse(p),
        }
    }
}

/// The phone number in a cell written as [`Cell::Phone`].
pub fn read_phone(cell: &str) -> &str {
    match cell.strip_prefix("=\"").and_then(|c| c.strip_suffix('"')) {
        Some(phone) if is_plain_phone(phone) => phone,
        _ => undefuse(cell),
    }
}

pub fn push_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    push_cells(out, cells.into_iter().map(Cell::Text))
}

/// One CSV line of `cells`, CRLF-terminated, appended to `out`.
pub fn push_cells(out: &mut String, cells: impl IntoIterator<Item = Cell>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let c = c.written();
        if c.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&c);
        }
    }
    out.push_str("\r\n");
}

/// One CSV line of `cells`, CRLF-terminated.
pub fn line(cells: &[String]) -> String {
    let mut out = String::new();
    push_line(&mut out, cells.iter().cloned());
    out
}

/// RFC 4180 records; CRLF or LF line ends; blank lines skipped.
pub fn records(csv: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = csv.chars().peekable();
    let mut line = 1;
    let end_record = |record: &mut Vec<String>, field: &mut String, records: &mut Vec<Vec<String>>| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].is_empty()) {
            records.push(r);
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => {
                loop {
                    match chars.next() {
                        None => return Err(format!("line {line}: a quoted field is not closed")),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                if !matches!(chars.peek(), None | Some(',') | Some('\r') | Some('\n')) {
                    return Err(format!("line {line}: text after a closing quote"));
                }
            }
            ',' => record.push(std::mem::take(&mut field)),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_record(&mut record, &mut field, &mut records);
                line += 1;
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        end_record(&mut record, &mut field, &mut records);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_defusing_read_back_exactly() {
        let cells: Vec<String> =
            ["plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", "+86 138", "'=x", "'plain", ""]
                .iter()
                .map(|c| c.to_string())
                .collect();
        let text = line(&cells);
        assert!(text.ends_with("\r\n"));
        assert!(text.contains("'=SUM(A1)") && text.contains("\"a,b\""), "{text}");
        let back: Vec<Vec<String>> = records(&text).unwrap();
        let back: Vec<String> = back[0].iter().map(|c| undefuse(c).to_owned()).collect();
        assert_eq!(back, cells);
    }

    #[test]
    fn phones_are_written_so_spreadsheets_show_them_as_typed_and_run_nothing() {
        let mut out = String::new();
        let phones = ["+8613800001002", "+86 138 0000 1002", "(0379) 6721-0000", "=HYPERLINK(\"x\")", "", "+86\"x"];
        push_cells(&mut out, phones.iter().map(|p| Cell::Phone(p.to_string())));
        // The bytes a spreadsheet gets: a text-valued formula for a number, defused text otherwise.
        assert_eq!(
            out,
            "\"=\"\"+8613800001002\"\"\",\"=\"\"+86 138 0000 1002\"\"\",\"=\"\"(0379) 6721-0000\"\"\",\
             \"'=HYPERLINK(\"\"x\"\")\",,\"'+86\"\"x\"\r\n"
        );
        let back: Vec<String> = records(&out).unwrap()[0].iter().map(|c| read_phone(c).to_owned()).collect();
        assert_eq!(back, phones);
        // A text cell that happens to look like one is still defused, and reads back as it was.
        let text = line(&["=\"+86138\"".to_owned()]);
        assert_eq!(text, "\"'=\"\"+86138\"\"\"\r\n");
        assert_eq!(undefuse(&records(&text).unwrap()[0][0]), "=\"+86138\"");
    }
}
