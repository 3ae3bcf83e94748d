//! CSV as coordinators open it in Excel: RFC 4180 quoting, CRLF line ends, and cells a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`…) defused with a leading `'` in a way that reads back
//! exactly. Every export of the bot writes through here.

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

pub fn push_line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let c = defuse(&c);
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
}
