/*!
TOML front matter, between `+++` lines as Hugo writes it: read with `toml_edit`, whose document
keeps where each key and value is written, into the value tree that YAML front matter is read
into, and into where each top-level key, each entry of a list of texts and each item of a list
of mappings (with the keys of its mapping) is written; the fields are then read by the same code
as YAML's ([`super::read_fields`]). A TOML date or time (`date = 2024-03-01`,
`started_at = 2024-03-01T10:00:00Z`) becomes its text, as YAML gives it; an array of tables
(`[[action_items]]`) is a list of mappings, as YAML's `- text: ...` items are, each item placed
at its `[[...]]` header.
*/

use std::ops::Range;

use serde_yaml::{Mapping, Value};
use toml_edit::{ImDocument, InlineTable, Item, Table};

use super::{read_fields, Format, FrontMatter, ItemPos, KeyPos, Layout, Placed};
use crate::diagnostics::Diagnostic;

/// Reads TOML front matter that starts on line `first_line` of the file.
pub(super) fn parse(
    text: &str,
    first_line: usize,
    file: &str,
    known: &[&str],
) -> (FrontMatter, Vec<Diagnostic>) {
    if text.trim().is_empty() {
        return (FrontMatter::default(), Vec::new());
    }
    let lines = Lines::new(text, first_line);
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let (line, column) = lines.start(e.span()).unwrap_or((first_line, 1));
            let message: Vec<&str> = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let message = message.join("; ");
            // `duplicate key `severity` in document root`: the second place of the key.
            let twice = message
                .strip_prefix("duplicate key `")
                .and_then(|rest| rest.split('`').next());
            let hint = match twice {
                Some(key) => format!("keep one `{key} =` line and delete the other (merge their values first if both hold something)"),
                None => "in TOML each key is followed by `=` and each text is quoted (`title = \"Disk full on db-1\"`); a key written after a `[table]` or `[[table]]` header belongs to that table".to_string(),
            };
            let problem = Diagnostic::error(
                "yaml-invalid",
                file,
                format!("invalid TOML front matter: {message}"),
            )
            .at(line, column)
            .hint(hint);
            return (FrontMatter::default(), vec![problem]);
        }
    };
    let root = doc.as_table();
    let mut map = Mapping::new();
    let mut keys = Vec::with_capacity(root.len());
    for (key, item) in root.iter() {
        map.insert(Value::String(key.to_string()), item_value(item));
        keys.push((key.to_string(), placed(root, key, item, &lines)));
    }
    let layout = Layout::Toml {
        keys,
        first: first_line,
    };
    read_fields(map, &layout, Format::Toml, file, known)
}

/// A TOML item as YAML would have given it.
fn item_value(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(v) => value(v),
        Item::Table(t) => table_value(t),
        Item::ArrayOfTables(a) => Value::Sequence(a.iter().map(table_value).collect()),
    }
}

fn table_value(t: &Table) -> Value {
    Value::Mapping(
        t.iter()
            .map(|(k, v)| (Value::String(k.to_string()), item_value(v)))
            .collect(),
    )
}

/// A TOML value as YAML would have given it: a date or time is its text.
fn value(v: &toml_edit::Value) -> Value {
    use toml_edit::Value as T;
    match v {
        T::String(s) => Value::String(s.value().clone()),
        T::Integer(i) => Value::Number((*i.value()).into()),
        T::Float(f) => Value::Number((*f.value()).into()),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::String(d.value().to_string()),
        T::Array(a) => Value::Sequence(a.iter().map(value).collect()),
        T::InlineTable(t) => Value::Mapping(
            t.iter()
                .map(|(k, v)| (Value::String(k.to_string()), value(v)))
                .collect(),
        ),
    }
}

/// Where the top-level `key` of `root`, whose item is `item`, is written, and its entries and
/// items: the values of an array (with the keys of an inline table's), the tables of an array
/// of tables (at their headers, with their keys), or the comma-separated parts of a text.
fn placed(root: &Table, key: &str, item: &Item, lines: &Lines) -> Placed {
    let at = lines
        .start(root.key(key).and_then(|k| k.span()))
        .or_else(|| lines.start(item.span()))
        .unwrap_or((lines.first, 1));
    let items: Vec<ItemPos> = match item {
        Item::Value(toml_edit::Value::Array(a)) => a
            .iter()
            .map(|v| {
                let at = lines.start(v.span()).unwrap_or(at);
                match v {
                    toml_edit::Value::InlineTable(t) => inline_item(t, at, lines),
                    _ => item_at(at),
                }
            })
            .collect(),
        Item::ArrayOfTables(a) => a.iter().map(|t| table_item(t, at, lines)).collect(),
        _ => Vec::new(),
    };
    let entries = match item {
        Item::Value(toml_edit::Value::String(s)) => text_parts(s, lines),
        Item::Value(v) if items.is_empty() => lines.start(v.span()).into_iter().collect(),
        _ => items.iter().map(ItemPos::at).collect(),
    };
    Placed { at, entries, items }
}

fn item_at((line, column): (usize, usize)) -> ItemPos {
    ItemPos {
        line,
        column,
        keys: Vec::new(),
    }
}

/// An item written as an inline table at `at` (`{ text = "...", owner = "sre" }`).
fn inline_item(t: &InlineTable, at: (usize, usize), lines: &Lines) -> ItemPos {
    let mut pos = item_at(at);
    for (k, v) in t.iter() {
        let key_at = lines.start(t.key(k).and_then(|k| k.span())).unwrap_or(at);
        pos.keys.push(KeyPos {
            key: k.to_string(),
            at: key_at,
            value: lines.start(v.span()).unwrap_or(key_at),
        });
    }
    pos
}

/// An item written as a table of an array of tables: at its `[[...]]` header, else at `at`.
fn table_item(t: &Table, at: (usize, usize), lines: &Lines) -> ItemPos {
    let mut pos = item_at(lines.start(t.span()).unwrap_or(at));
    for (k, v) in t.iter() {
        let key_at = lines
            .start(t.key(k).and_then(|k| k.span()))
            .unwrap_or(pos.at());
        pos.keys.push(KeyPos {
            key: k.to_string(),
            at: key_at,
            value: lines.start(v.span()).unwrap_or(key_at),
        });
    }
    pos
}

/// Where each comma-separated part of a text (`services = "api, web"`) is written, which the
/// reader splits into a list; the value's start for each when the parts cannot be told apart
/// in what is written (a multi-line text, an escaped comma).
fn text_parts(s: &toml_edit::Formatted<String>, lines: &Lines) -> Vec<(usize, usize)> {
    let Some(span) = s.span() else {
        return Vec::new();
    };
    let parts = |t: &str| t.split(',').filter(|p| !p.trim().is_empty()).count();
    let raw = lines.text.get(span.clone()).unwrap_or("");
    let quote = raw.chars().next().filter(|&q| q == '"' || q == '\'');
    let inner = quote
        .filter(|&q| raw.len() >= 2 && !raw.starts_with(&format!("{q}{q}{q}")))
        .map(|_| &raw[1..raw.len() - 1]);
    match inner {
        Some(inner) if parts(inner) == parts(s.value()) => {
            let mut out = Vec::new();
            let mut from = span.start + 1;
            for part in inner.split(',') {
                let lead = part.len() - part.trim_start().len();
                if !part.trim().is_empty() {
                    out.push(lines.at(from + lead));
                }
                from += part.len() + 1;
            }
            out
        }
        _ => vec![lines.at(span.start); parts(s.value()).max(1)],
    }
}

/// Byte offsets of the TOML text turned into lines and columns of the file.
struct Lines<'a> {
    text: &'a str,
    /// The byte where each line starts.
    starts: Vec<usize>,
    /// The file line of the first.
    first: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first: usize) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            text,
            starts,
            first,
        }
    }

    /// Line and column (counted in characters from 1) of byte `at`.
    fn at(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.text.len());
        let i = self.starts.partition_point(|&s| s <= at) - 1;
        let start = self.starts[i];
        let column = self
            .text
            .get(start..at)
            .map_or(at - start, |s| s.chars().count());
        (self.first + i, column + 1)
    }

    fn start(&self, span: Option<Range<usize>>) -> Option<(usize, usize)> {
        span.map(|s| self.at(s.start))
    }
}
