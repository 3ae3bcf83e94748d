//! Reads a catalogue file entry by entry and field by field, so that one mistake does not hide the
//! next: an unknown field, a missing field and a value of the wrong type are each reported, and the
//! rest of the entry is still read and checked.
//!
//! The entries keep their `#[derive(Deserialize)]` shapes. Each field is tried on its own (the other
//! required fields made up), which tells exactly which fields are wrong; then the entry is built from
//! its good fields, with made-up values for the bad or missing required ones. A made-up value carries
//! [`MADE_UP`] as its span: whatever a later check finds on it is a consequence of a problem already
//! reported, and is dropped.

use std::cell::Cell;
use std::fmt;
use std::ops::Range;

use serde::de::value::{BorrowedStrDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use toml_edit::{Item, Value};

/// The span of a made-up value (see the module docs).
pub const MADE_UP: Range<usize> = usize::MAX..usize::MAX;

pub fn is_made_up(span: &Range<usize>) -> bool {
    span.start == usize::MAX
}

/// A problem found while reading: where, which entry, which field, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub span: Range<usize>,
    pub item: String,
    pub field: Option<String>,
    pub message: String,
}

/// One entry as written: its span and its fields with the span of each key.
#[derive(Debug, Clone)]
pub struct Raw {
    pub span: Range<usize>,
    pub fields: Vec<(String, Range<usize>, Item)>,
}

impl Raw {
    fn of_table(t: &toml_edit::Table) -> Raw {
        let fields = t
            .iter()
            .filter_map(|(k, v)| {
                let (key, _) = t.get_key_value(k)?;
                Some((k.to_owned(), key.span().or_else(|| v.span()).unwrap_or(0..0), v.clone()))
            })
            .collect();
        Raw { span: t.span().unwrap_or(0..0), fields }
    }

    fn of_inline(t: &toml_edit::InlineTable) -> Raw {
        let fields = t
            .iter()
            .filter_map(|(k, v)| {
                let (key, _) = t.get_key_value(k)?;
                Some((k.to_owned(), key.span().or_else(|| v.span()).unwrap_or(0..0), Item::Value(v.clone())))
            })
            .collect();
        Raw { span: t.span().unwrap_or(0..0), fields }
    }

    /// Where the entry is written, for a problem with the entry as a whole: its first field (a table of
    /// an array of tables may have no span of its own), else the entry's span.
    pub fn at(&self) -> Range<usize> {
        self.fields.first().map(|(_, span, _)| span.clone()).filter(|s| !s.is_empty()).unwrap_or(self.span.clone())
    }

    /// The value of `key` when it is written as text: what names the entry in messages.
    pub fn text(&self, key: &str) -> Option<String> {
        self.fields.iter().find(|(k, _, _)| k == key).and_then(|(_, _, v)| v.as_str()).map(str::to_owned)
    }

    /// The entries of a nested list such as `[[class.session]]` (`header`) of this entry (`item`).
    pub fn nested(&self, key: &str, item: &str, header: &str, found: &mut Vec<Found>) -> Vec<Raw> {
        match self.fields.iter().find(|(k, _, _)| k == key) {
            None => Vec::new(),
            Some((_, span, value)) => entries(value, span, item, header, found),
        }
    }
}

/// The entries of one list (`[[region]]` written as tables, or an array of inline tables) under
/// `header`, belonging to `item` (empty at the top of the file).
pub fn entries(value: &Item, span: &Range<usize>, item: &str, header: &str, found: &mut Vec<Found>) -> Vec<Raw> {
    match value {
        Item::ArrayOfTables(list) => list.iter().map(Raw::of_table).collect(),
        Item::Value(Value::Array(list)) if list.iter().all(|v| v.is_inline_table()) => {
            list.iter().filter_map(|v| v.as_inline_table()).map(Raw::of_inline).collect()
        }
        _ => {
            found.push(Found {
                span: span.clone(),
                item: item.to_owned(),
                field: None,
                message: format!("write each entry under its own {header} line"),
            });
            Vec::new()
        }
    }
}

/// What serde's derive says about an entry type: all its fields and the ones it cannot do without.
pub struct Shape {
    pub fields: &'static [&'static str],
    pub required: Vec<&'static str>,
}

impl Shape {
    pub fn of<T: DeserializeOwned>() -> Shape {
        let seen = Cell::new(&[][..]);
        let _ = T::deserialize(FieldsProbe(&seen));
        let fields = seen.get();
        let mut required: Vec<&'static str> = Vec::new();
        // Each round makes up the fields found missing so far; the derive then names the next one.
        for _ in 0..=fields.len() {
            let made_up = required.iter().map(|f| (*f, Source::MadeUp(None))).collect();
            match T::deserialize(Entries(made_up)) {
                Err(DeError { missing: Some(field), .. }) if !required.contains(&field) => required.push(field),
                _ => break,
            }
        }
        Shape { fields, required }
    }
}

/// Reads one entry of type `T` (named `item` in messages; `nested` are its nested lists, read
/// separately). Returns the entry, made whole with made-up values where fields were missing or bad,
/// or `None` when even that fails.
pub fn read<T: DeserializeOwned>(
    raw: &Raw,
    shape: &Shape,
    item: &str,
    nested: &[&str],
    key_stand_in: &str,
    found: &mut Vec<Found>,
) -> Option<T> {
    let mut problem = |span: Range<usize>, field: &str, message: String| {
        found.push(Found { span, item: item.to_owned(), field: Some(field.to_owned()), message })
    };
    let mut present: Vec<(&'static str, Value)> = Vec::new();
    for (key, key_span, value) in &raw.fields {
        if nested.contains(&key.as_str()) {
            continue;
        }
        let Some(field) = shape.fields.iter().find(|f| *f == key) else {
            let known: Vec<&str> = shape.fields.iter().copied().filter(|f| !nested.contains(f)).collect();
            problem(key_span.clone(), key, format!("is not a field here; the fields are: {}", known.join(", ")));
            continue;
        };
        let value = match value.clone().into_value() {
            Ok(v) => v,
            Err(_) => continue,
        };
        present.push((field, value));
    }
    let at_key = raw.fields.iter().find(|(k, _, _)| k == "key").map(|(_, s, _)| s.clone()).unwrap_or(raw.span.clone());
    for field in &shape.required {
        if !present.iter().any(|(f, _)| f == field) && !nested.contains(field) {
            problem(at_key.clone(), field, "is missing".to_owned());
        }
    }

    // Each field on its own, the other required fields made up.
    let made_up = |except: &str| -> Vec<(&'static str, Source)> {
        shape
            .required
            .iter()
            .filter(|r| **r != except)
            .map(|r| (*r, Source::MadeUp(stand_in(r, key_stand_in))))
            .collect()
    };
    let mut good: Vec<(&'static str, Value)> = Vec::new();
    for (field, value) in present {
        let mut entries = made_up(field);
        entries.push((field, Source::Real(value.clone())));
        match T::deserialize(Entries(entries)) {
            Ok(_) => good.push((field, value)),
            Err(e) => {
                let span = e.span.clone().filter(|s| !is_made_up(s)).or_else(|| value.span()).unwrap_or(at_key.clone());
                problem(span, field, friendly(&e.message, &value));
            }
        }
    }

    let mut entries: Vec<(&'static str, Source)> = good.iter().map(|(f, v)| (*f, Source::Real(v.clone()))).collect();
    for r in &shape.required {
        if !good.iter().any(|(f, _)| f == r) {
            entries.push((r, Source::MadeUp(stand_in(r, key_stand_in))));
        }
    }
    match T::deserialize(Entries(entries)) {
        Ok(entry) => Some(entry),
        Err(e) => {
            found.push(Found {
                span: raw.span.clone(),
                item: item.to_owned(),
                field: None,
                message: format!("cannot be read: {}", e.message),
            });
            None
        }
    }
}

/// The made-up value of a field: the entry's stand-in name for its key (e.g. `#3`), else empty.
fn stand_in(field: &str, key_stand_in: &str) -> Option<String> {
    (field == "key").then(|| key_stand_in.to_owned())
}

/// serde's "invalid type: string \"30\", expected i64" in a catalogue writer's words.
fn friendly(message: &str, value: &Value) -> String {
    if let Value::Datetime(d) = value {
        return format!("write it in quotes: \"{}\"", d.value());
    }
    let Some((found, expected)) = message.strip_prefix("invalid type: ").and_then(|m| m.split_once(", expected "))
    else {
        return message.to_owned();
    };
    let want = match expected.trim() {
        "i64" | "u64" | "i32" | "u32" | "usize" | "an integer" => "a whole number without quotes (example: 30)",
        "f64" | "f32" => "a number without quotes (example: 1.5)",
        "a string" => "text in quotes (example: \"...\")",
        "a boolean" => "true or false, without quotes",
        "a sequence" => "a list in square brackets (example: [\"a\", \"b\"])",
        other => return format!("must be {other}, not {found}"),
    };
    let found = match found {
        "map" => "a table",
        "sequence" => "a list",
        other => other,
    };
    format!("must be {want}, not {found}")
}

// ---------------------------------------------------------------------------------------------------
// The deserializers behind it
// ---------------------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct DeError {
    message: String,
    span: Option<Range<usize>>,
    /// A required field the derive found missing.
    missing: Option<&'static str>,
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError { message: msg.to_string(), span: None, missing: None }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError { message: format!("missing field `{field}`"), span: None, missing: Some(field) }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl From<toml_edit::de::Error> for DeError {
    fn from(e: toml_edit::de::Error) -> Self {
        DeError { message: e.message().to_owned(), span: e.span(), missing: None }
    }
}

/// Learns the field names a derived struct asks for, then stops.
struct FieldsProbe<'a>(&'a Cell<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldsProbe<'_> {
    type Error = DeError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DeError> {
        self.0.set(fields);
        Err(de::Error::custom("probe"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

enum Source {
    Real(Value),
    /// Made up, with the text a made-up string holds.
    MadeUp(Option<String>),
}

/// An entry's fields as a map for the derive.
struct Entries(Vec<(&'static str, Source)>);

impl<'de> de::Deserializer<'de> for Entries {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(EntriesAccess { entries: self.0.into_iter(), value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct EntriesAccess {
    entries: std::vec::IntoIter<(&'static str, Source)>,
    value: Option<Source>,
}

impl<'de> MapAccess<'de> for EntriesAccess {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((field, value)) => {
                self.value = Some(value);
                seed.deserialize(BorrowedStrDeserializer::<DeError>::new(field)).map(Some)
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some(Source::Real(value)) => Ok(seed.deserialize(value.into_deserializer())?),
            Some(Source::MadeUp(text)) => seed.deserialize(MadeUp(text)),
            None => Err(de::Error::custom("a value without its field")),
        }
    }
}

/// A value that fits whatever asks for it: empty text, zero, an empty list, or a spanned one of
/// those at [`MADE_UP`].
struct MadeUp(Option<String>);

impl<'de> de::Deserializer<'de> for MadeUp {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_string(self.0.unwrap_or_default())
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_bool(false)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_i64(0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_u64(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_none()
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(SeqDeserializer::new(std::iter::empty::<MadeUp>()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(MapDeserializer::new(std::iter::empty::<(MadeUp, MadeUp)>()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if serde_spanned::__unstable::is_spanned(name, fields) {
            visitor.visit_map(SpannedMadeUp { stage: 0, text: self.0 })
        } else {
            self.deserialize_map(visitor)
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char str string bytes byte_buf unit unit_struct newtype_struct
        tuple tuple_struct enum identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, DeError> for MadeUp {
    type Deserializer = MadeUp;

    fn into_deserializer(self) -> MadeUp {
        self
    }
}

/// A made-up `Spanned<T>`: start, end (both [`MADE_UP`]) and the value.
struct SpannedMadeUp {
    stage: u8,
    text: Option<String>,
}

impl<'de> MapAccess<'de> for SpannedMadeUp {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        use serde_spanned::__unstable::{END_FIELD, START_FIELD, VALUE_FIELD};
        let key = match self.stage {
            0 => START_FIELD,
            1 => END_FIELD,
            2 => VALUE_FIELD,
            _ => return Ok(None),
        };
        seed.deserialize(BorrowedStrDeserializer::<DeError>::new(key)).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        self.stage += 1;
        match self.stage {
            1 | 2 => seed.deserialize(<usize as IntoDeserializer<'de, DeError>>::into_deserializer(MADE_UP.start)),
            _ => seed.deserialize(MadeUp(self.text.take())),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_spanned::Spanned;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Entry {
        key: Spanned<String>,
        seats: Spanned<i64>,
        note: Option<String>,
        #[serde(default)]
        flag: bool,
        #[serde(default)]
        part: Vec<Part>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Part {
        key: Spanned<String>,
    }

    fn raws(text: &str) -> Vec<Raw> {
        let doc = toml_edit::ImDocument::parse(text).unwrap();
        let (_, item) = doc.as_table().iter().next().unwrap();
        entries(item, &(0..0), "", "[[entry]]", &mut Vec::new())
    }

    #[test]
    fn the_shape_of_a_derived_entry_is_learnt_from_the_derive() {
        let shape = Shape::of::<Entry>();
        assert_eq!(shape.fields, ["key", "seats", "note", "flag", "part"]);
        assert_eq!(shape.required, ["key", "seats"]);
    }

    #[test]
    fn every_bad_field_of_an_entry_is_reported_and_the_rest_is_read() {
        let text = "[[entry]]\nseats = \"30\"\nnote = 5\nnmae = \"x\"\n";
        let raw = &raws(text)[0];
        let mut found = Vec::new();
        let entry: Entry = read(raw, &Shape::of::<Entry>(), "entry #1", &["part"], "#1", &mut found).unwrap();
        let fields: Vec<&str> = found.iter().filter_map(|f| f.field.as_deref()).collect();
        assert_eq!(fields, ["nmae", "key", "seats", "note"], "{found:?}");
        assert!(found[2].message.contains("whole number"), "{found:?}");
        assert_eq!(&text[found[2].span.clone()], "\"30\"");
        assert_eq!(entry.key.get_ref(), "#1", "the stand-in names the entry");
        assert!(is_made_up(&entry.key.span()) && is_made_up(&entry.seats.span()));
        assert_eq!(entry.note, None, "a bad optional field is left out");
    }

    #[test]
    fn a_good_entry_reads_with_its_spans() {
        let text = "[[entry]]\nkey = \"a\"\nseats = 3\n\n[[entry.part]]\nkey = \"p\"\n";
        let raw = &raws(text)[0];
        let mut found = Vec::new();
        let entry: Entry = read(raw, &Shape::of::<Entry>(), "entry \"a\"", &["part"], "#1", &mut found).unwrap();
        assert!(found.is_empty(), "{found:?}");
        assert_eq!((*entry.seats.get_ref(), &text[entry.seats.span()]), (3, "3"));
        let parts = raw.nested("part", "entry \"a\"", "[[entry.part]]", &mut found);
        let part: Part = read(&parts[0], &Shape::of::<Part>(), "part", &[], "#1", &mut found).unwrap();
        assert_eq!(part.key.get_ref(), "p");
    }
}
