/*!
Front matter: splitting it off a file and reading it field by field.

Front matter is YAML between `---` lines, or TOML between `+++` lines (as Hugo writes it). Both
are read into the same value tree (serde_yaml's `Value`; the TOML side is in `toml_front`) and
from it into the same typed [`FrontMatter`], by one reader of fields, so that every key has the
same checks and messages in either format; only the examples in hints are written in the file's
own format. Keys are read whatever their case (`Title` is `title`, see [`canonical_key`]), at
the top level and in the items of `learnings`, `action_items` and `path` ([`canonical_item`]);
one written twice in two cases is reported. This is the only module that touches YAML
(serde_yaml), so that moving to another parser is a one-file change. Every field is read on its own so that one bad field never hides
another: each problem becomes a finding with the line and column *in the file* (serde_yaml
counts from the start of the YAML block; the block's offset is added here). serde_yaml's values
carry no position, so where keys are written is read from the YAML text: the top-level keys,
and the items of `learnings`, `action_items` and `path` with the keys and values of each item's
mapping, so that a problem in one nested key is reported at that key. TOML's parser gives the
same positions from its spans. A control character that an escape decodes to (`"\e[31m"`) is
left out of every value as it is read, with a warning at its key (`control-character`), as one
written as such is left out of the file.
*/

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_yaml::Value;

use crate::diagnostics::{did_you_mean, Diagnostic, Level};
use crate::markdown;

mod toml_front;

/// The language of a file's front matter, told by its fence. Hints that show what to write
/// in front matter show it in this language (YAML for a file without front matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Between `---` lines.
    #[default]
    Yaml,
    /// Between `+++` lines, as Hugo writes it.
    Toml,
}

impl Format {
    /// The line that opens and closes front matter in this format.
    pub fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }

    /// How `key` is set to a value in this format, for the examples of hints: `key: value` in
    /// YAML, `key = value` in TOML (whose texts are quoted).
    pub fn set(self, key: &str, yaml: &str, toml: &str) -> String {
        match self {
            Format::Yaml => format!("`{key}: {yaml}`"),
            Format::Toml => format!("`{key} = {toml}`"),
        }
    }

    /// [`Format::set`] for a text: `key: text` in YAML, `key = "text"` in TOML.
    pub fn set_text(self, key: &str, text: &str) -> String {
        self.set(key, text, &toml_text(text))
    }

    /// [`Format::set`] for a list of texts: `key: [a, b]` in YAML, `key = ["a", "b"]` in TOML.
    pub fn set_texts(self, key: &str, texts: &[&str]) -> String {
        let toml: Vec<String> = texts.iter().map(|t| toml_text(t)).collect();
        self.set(
            key,
            &format!("[{}]", texts.join(", ")),
            &format!("[{}]", toml.join(", ")),
        )
    }

    /// How a hint names `key` to be set: `` `key:` `` in YAML, `` `key =` `` in TOML.
    pub fn key(self, key: &str) -> String {
        match self {
            Format::Yaml => format!("`{key}:`"),
            Format::Toml => format!("`{key} =`"),
        }
    }
}

/// A text as TOML writes it, quoted and escaped.
fn toml_text(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The parts of a postmortem file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The text between the fences, if the file has front matter.
    pub front: Option<&'a str>,
    /// The language of that text (YAML when there is none).
    pub format: Format,
    /// Line of the first line of front matter in the file (1-based).
    pub front_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Line of the body's first line in the file (1-based).
    pub body_line: usize,
}

/// Splits fenced front matter off a file: YAML between `---` lines (the closing one may be
/// `...`), or TOML between `+++` lines. A file that opens a fence and never closes it is an
/// error, since its whole text would otherwise be read as front matter or as body. Blank lines
/// before the fence are let be (an editor or a paste left them) when the fence is closed and
/// what it holds opens with a key: a thematic break after a blank line stays Markdown.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let no_front = Split {
        front: None,
        format: Format::Yaml,
        front_line: 0,
        body: text,
        body_line: 1,
    };
    // The blank lines before the first that is not.
    let (mut start, mut first_line) = (0, 1);
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
        first_line += 1;
    }
    let led = first_line > 1;
    let rest = &text[start..];
    let first_line_end = start + rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    let format = match text[start..first_line_end].trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Ok(no_front),
    };
    let fence = format.fence();
    let mut offset = first_line_end;
    for (line_no, line) in (first_line + 1..).zip(text[first_line_end..].split_inclusive('\n')) {
        let t = line.trim_end();
        if t == fence || (format == Format::Yaml && t == "...") {
            let front = &text[first_line_end..offset];
            if led && !opens_with_key(front) {
                return Ok(no_front);
            }
            let body_start = offset + line.len();
            return Ok(Split {
                front: Some(front),
                format,
                front_line: first_line + 1,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    if led {
        return Ok(no_front);
    }
    let hint = match keys_end(&text[first_line_end..], format) {
        Some((n, last)) => format!(
            "the keys seem to end on line {} (`{}`), where the text begins after them: put a line that holds only `{fence}` after it, or remove the first line if the file has no front matter",
            first_line + n,
            last.trim()
        ),
        None => format!("end the front matter with a line that holds only `{fence}`, or remove the first line if the file has no front matter"),
    };
    Err(Diagnostic::error(
        "yaml-invalid",
        file,
        format!("front matter opened with `{fence}` on line 1 is never closed"),
    )
    .at(1, 1)
    .hint(hint))
}

/// The first line after line `n` of `front` that is not blank (its number, counted as `n`
/// is, and its text).
fn text_after(front: &str, n: usize) -> Option<(usize, &str)> {
    (1..)
        .zip(front.lines())
        .skip(n)
        .find(|(_, l)| !l.trim().is_empty())
}

/// Where the keys of a front matter that is never closed most likely end: the number of its
/// last line that reads as front matter (a key, a list item or an indented line under one,
/// counted from 1 after the fence) and that line, when a line that does not follows it (a
/// heading, a paragraph). `None` when every line reads as front matter.
fn keys_end(after_fence: &str, format: Format) -> Option<(usize, &str)> {
    static KEY: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        regex::Regex::new(
            r#"^(?:[A-Za-z_][\w.-]*|"[^"]+"|'[^']+')\s*(?::(?:\s|$)|=)|^\[\[?[\w.-]+\]\]?\s*$"#,
        )
        .expect("a valid pattern")
    });
    let mut last = None;
    for (n, line) in (1..).zip(after_fence.lines()) {
        let t = line.trim_end();
        let under = line.starts_with([' ', '\t']) || t.starts_with("- ") || t == "-";
        let comment = format == Format::Yaml && t.starts_with("# ") && last.is_none();
        if t.is_empty() || comment {
            continue;
        }
        if key.is_match(t) || (under && last.is_some()) {
            last = Some((n, line));
            continue;
        }
        return last;
    }
    None
}

/// Whether the first line of `front` that is not blank or a comment is a key (`title:`,
/// `title =`).
fn opens_with_key(front: &str) -> bool {
    front
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| l.split_once([':', '=']))
        .is_some_and(|(key, _)| {
            let key = key.trim().trim_matches(['"', '\'']);
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
        })
}

/// Status of a postmortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Published => "published",
        }
    }
}

/// Status of an action item, where its postmortem records one: an item whose postmortem says
/// nothing of its status has none (`Option<ActionStatus>` is `None`), which is not "open".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Open,
    Done,
    Wontfix,
}

impl ActionStatus {
    /// Reads an action status, accepting the common synonyms authors write, in English and in
    /// the languages of Western Europe whose teams write postmortems in their own (German,
    /// French, Spanish, Portuguese, Italian, Dutch, the Nordic ones): a Status cell that says
    /// "Erledigt" is done, not a status that is not done.
    pub fn parse(s: &str) -> Option<ActionStatus> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        match norm.as_str() {
            "open" | "todo" | "inprogress" | "doing" | "started" | "planned" | "new" => {
                Some(ActionStatus::Open)
            }
            "done" | "closed" | "complete" | "completed" | "fixed" | "resolved" | "finished" => {
                Some(ActionStatus::Done)
            }
            "wontfix" | "wontdo" | "cancelled" | "canceled" | "rejected" | "dropped" => {
                Some(ActionStatus::Wontfix)
            }
            // de, fr, es, pt, it, nl, sv, da, no.
            "offen" | "inarbeit" | "geplant" | "ouvert" | "encours" | "àfaire" | "afaire"
            | "abierto" | "pendiente" | "enprogreso" | "encurso" | "aberto" | "pendente"
            | "emandamento" | "aperto" | "incorso" | "dafare" | "bezig" | "gepland"
            | "openstaand" | "öppen" | "pågående" | "åben" | "åpen" | "igang" => {
                Some(ActionStatus::Open)
            }
            "erledigt" | "abgeschlossen" | "fertig" | "behoben" | "gelöst" | "fait" | "terminé"
            | "résolu" | "fermé" | "hecho" | "completado" | "terminado" | "resuelto"
            | "cerrado" | "feito" | "concluído" | "concluido" | "resolvido" | "fechado"
            | "fatto" | "completato" | "risolto" | "chiuso" | "klaar" | "gedaan" | "afgerond"
            | "opgelost" | "gesloten" | "klar" | "klart" | "åtgärdad" | "løst" | "færdig"
            | "ferdig" => Some(ActionStatus::Done),
            "abgelehnt" | "verworfen" | "annulé" | "abandonné" | "rejeté" | "cancelado"
            | "descartado" | "rechazado" | "rejeitado" | "annullato" | "rifiutato"
            | "geannuleerd" | "afgewezen" | "avbruten" | "annulleret" | "avbrutt" => {
                Some(ActionStatus::Wontfix)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Wontfix => "wontfix",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Internal,
}

/// A learning as written in front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningEntry {
    pub text: String,
    pub id: Option<String>,
    /// Line of the item's `- `.
    pub line: usize,
    /// Line and column of the `id` value, else of the item.
    pub id_at: (usize, usize),
}

/// An action item as written in front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionEntry {
    pub text: String,
    pub owner: Option<String>,
    /// `None` when the item has no `status` (or an empty one).
    pub status: Option<ActionStatus>,
    pub due: Option<NaiveDate>,
    pub learning: Option<String>,
    /// The ticket that tracks it, as written: an id (`PAY-123`) or a URL.
    pub ticket: Option<String>,
    /// Line of the item's `- `.
    pub line: usize,
    /// Line and column of the `owner` value (or key, when it has no value), else of the item.
    pub owner_at: (usize, usize),
    /// Line and column of the `learning` value, else of the item.
    pub learning_at: (usize, usize),
    /// Whether an owner was written that could not be read (`ownr: sre`, an `owner` that is
    /// a mapping): its own finding says so, so no other says the item has no owner.
    pub owner_reported: bool,
}

/// Front matter with every field optional. `lines` records where each key was written.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
    pub severity: Option<String>,
    pub status: Option<Status>,
    pub visibility: Option<Visibility>,
    pub services: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub authors: Option<Vec<String>>,
    pub started_at: Option<DateTime<FixedOffset>>,
    pub detected_at: Option<DateTime<FixedOffset>>,
    pub resolved_at: Option<DateTime<FixedOffset>>,
    pub summary: Option<String>,
    pub learnings: Option<Vec<LearningEntry>>,
    pub action_items: Option<Vec<ActionEntry>>,
    pub related: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    /// For canonical learnings and pages: free keys the templates may use.
    pub path: Option<Vec<PathStep>>,
    /// The language it is written in, which hints about it speak.
    pub format: Format,
    /// Line of each key that was present, for later findings.
    pub lines: Vec<(String, usize)>,
    /// Line and column of each entry of the lists of texts (`services`, `tags`, `authors`,
    /// `related`, `aliases`), by key; and of the `severity` value, its one entry.
    pub entries: Vec<(String, Vec<(usize, usize)>)>,
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.iter().find(|(k, _)| k == key).map(|(_, l)| *l)
    }

    /// Line and column of entry `i` of the list of texts under `key`; column 1 of the key's
    /// line when that entry cannot be located.
    pub fn entry_at(&self, key: &str, i: usize) -> (usize, usize) {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, at)| at.get(i).copied())
            .unwrap_or((self.line_of(key).unwrap_or(1), 1))
    }
}

/// One step of the onboarding reading path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    pub incident: Option<String>,
    pub learning: Option<String>,
    pub why: String,
    /// Line and column of the step's id (the `incident` or `learning` value), else of the item.
    pub at: (usize, usize),
}

/// Keys known in an incident's front matter.
pub const INCIDENT_KEYS: &[&str] = &[
    "id",
    "title",
    "date",
    "severity",
    "status",
    "visibility",
    "services",
    "tags",
    "authors",
    "started_at",
    "detected_at",
    "resolved_at",
    "summary",
    "learnings",
    "action_items",
    "related",
    "aliases",
];

/// Keys known in a canonical learning's or a page's front matter.
pub const PAGE_KEYS: &[&str] = &["id", "title", "summary", "path", "aliases", "tags"];

/// Hugo's own keys that an incident's front matter reads as Hindsight's (see [`read_fields`]).
/// Hugo's `title`, `date`, `summary`, `tags` and `aliases` are Hindsight's keys already. Jekyll's
/// `published` (`false` is a draft) and `excerpt` (a description) are read too, so that a Jekyll
/// blog's postmortems build as they are.
const HUGO_READ: &[&str] = &[
    "draft",
    "categories",
    "description",
    "author",
    "published",
    "excerpt",
];

/// Hugo's own keys that an incident's front matter accepts and does not use (with a `hugo-key`
/// note), so that a Hugo site's postmortems build as they are.
const HUGO_IGNORED: &[&str] = &[
    "publishDate",
    "pubDate",
    "lastmod",
    "expiryDate",
    "weight",
    "slug",
    "url",
    "layout",
    "type",
    "keywords",
    "images",
    "toc",
    "linkTitle",
    "headless",
    "build",
    "cascade",
    "outputs",
    "markup",
    "menu",
    "menus",
    "params",
    "resources",
    "sitemap",
    "translationKey",
    "isCJKLanguage",
    "permalink",
];

/// The keys of [`HUGO_READ`] and [`HUGO_IGNORED`] that are Jekyll's, not Hugo's: a `hugo-key`
/// note that names one says so.
const JEKYLL_ONLY: &[&str] = &["published", "excerpt", "permalink"];

/// The Hugo key that `key` is, as Hugo reads keys: whatever their case.
fn hugo_key(key: &str) -> Option<&'static str> {
    HUGO_READ
        .iter()
        .chain(HUGO_IGNORED)
        .find(|k| k.eq_ignore_ascii_case(key))
        .copied()
}

/// The key of `known` (or, with `hugo`, Hugo's key) that `key` is, as spelled canonically:
/// keys are read whatever their case (`Title` is `title`, as Hugo and Jekyll users write it),
/// since no two known keys differ in case alone. `None` for an unknown key.
fn canonical_key<'a>(key: &str, known: &[&'a str], hugo: bool) -> Option<&'a str> {
    known
        .iter()
        .find(|k| **k == key)
        .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(key)))
        .copied()
        .or_else(|| hugo.then(|| hugo_key(key)).flatten())
}

/// For each key of front matter (as written, in order), the key written before it that sets
/// the same field in another case (`Title` after `title`), if any: that one is read and this
/// one is not. The canonical spelling wins over the others, else the first written. Hugo's
/// keys that are not used are left alone.
fn repeated_keys(keys: &[String], known: &[&str], hugo: bool) -> Vec<Option<usize>> {
    let mut read: Vec<(&str, usize)> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(name) = canonical_key(key, known, hugo).filter(|n| !HUGO_IGNORED.contains(n))
        else {
            continue;
        };
        match read.iter_mut().find(|(n, _)| *n == name) {
            Some((_, first)) if key == name => *first = i,
            Some(_) => {}
            None => read.push((name, i)),
        }
    }
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            let name = canonical_key(key, known, hugo)?;
            let (_, winner) = read.iter().find(|(n, _)| *n == name)?;
            (*winner != i).then_some(*winner)
        })
        .collect()
}

/// The `duplicate-key` error for `key`, ignored, and `first`, written at `(line, column)` and
/// read: both are `name` (in another case). The caller places it at `key`.
fn duplicate_key(
    file: &str,
    key: &str,
    first: &str,
    (line, column): (usize, usize),
    name: &str,
) -> Diagnostic {
    Diagnostic::error(
        "duplicate-key",
        file,
        format!("`{key}` and `{first}` (line {line}, column {column}) are one key, `{name}`, written twice: `{first}` is read and `{key}` is ignored"),
    )
    .hint(format!("keep one of them, spelled `{name}` (keys are read whatever their case)"))
}

/// The mapping of a list item (a learning, an action item, a reading-path step) with its keys
/// read as the keys of `known` they spell, whatever their case, as top-level keys are
/// ([`canonical_key`], [`repeated_keys`]): `Text:` is `text`. Returns the mapping and `pos`
/// with the keys read under their canonical names; a key not in `known` stays as written. One
/// written twice in two cases is a `duplicate-key` error at the one ignored, which is left out.
fn canonical_item(
    m: &serde_yaml::Mapping,
    known: &[&str],
    pos: &ItemPos,
    file: &str,
    problems: &mut Vec<Diagnostic>,
) -> (serde_yaml::Mapping, ItemPos) {
    let keys: Vec<String> = m
        .keys()
        .map(|k| yaml_scalar_string(k).unwrap_or_default())
        .collect();
    let repeated = repeated_keys(&keys, known, false);
    let mut out = serde_yaml::Mapping::with_capacity(m.len());
    let mut pos = pos.clone();
    for (((k, v), key), repeats) in m.iter().zip(&keys).zip(repeated) {
        let name = canonical_key(key, known, false);
        match (name, repeats) {
            (Some(name), Some(first)) => {
                let first = &keys[first];
                let (line, column) = pos.key(key);
                problems
                    .push(duplicate_key(file, key, first, pos.key(first), name).at(line, column));
            }
            (Some(name), None) => {
                out.insert(Value::String(name.to_string()), v.clone());
                if let Some(p) = pos.keys.iter_mut().find(|p| p.key == *key) {
                    p.key = name.to_string();
                }
            }
            (None, _) => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    (out, pos)
}

/// Reads front matter in `format` ([`parse`] for YAML) that starts on line `first_line` of
/// the file. `known` is the set of keys allowed for this kind of file.
pub fn parse_as(
    format: Format,
    text: &str,
    first_line: usize,
    file: &str,
    known: &[&str],
) -> (FrontMatter, Vec<Diagnostic>) {
    let (mut fm, problems) = match format {
        Format::Yaml => parse(text, first_line, file, known),
        Format::Toml => toml_front::parse(text, first_line, file, known),
    };
    fm.format = format;
    (fm, problems)
}

/// Reads front matter YAML. `known` is the set of keys allowed for this kind of file.
/// Returns what could be read and every problem found.
pub fn parse(
    yaml: &str,
    yaml_line: usize,
    file: &str,
    known: &[&str],
) -> (FrontMatter, Vec<Diagnostic>) {
    let fm = FrontMatter::default();
    let mut problems = Vec::new();
    if yaml.trim().is_empty() {
        return (fm, problems);
    }
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let (line, col) = e
                .location()
                .map(|l| (l.line() + yaml_line - 1, l.column()))
                .unwrap_or((yaml_line, 1));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let stop = (line + 1 - yaml_line, col);
            // A tab that indents a line (pasted from an editor that indents with tabs) is
            // what YAML stopped at, on that line or a later one: YAML indents with spaces only.
            if let Some((tab_line, tab_col)) = indenting_tab(yaml, stop.0) {
                problems.push(
                    Diagnostic::error(
                        "yaml-invalid",
                        file,
                        format!(
                            "invalid YAML front matter: a tab indents line {}, and YAML indents with spaces only",
                            tab_line + yaml_line - 1
                        ),
                    )
                    .at(tab_line + yaml_line - 1, tab_col)
                    .hint(tab_hint(yaml.lines().nth(tab_line - 1).unwrap_or_default())),
                );
                return (fm, problems);
            }
            // A key written twice (a field pasted in again, edited in one place): YAML reads
            // none of the front matter, and says where the mapping starts, not the key.
            const TWICE: &str = "duplicate entry with key ";
            let twice = msg
                .find(TWICE)
                .and_then(|at| serde_yaml::from_str::<String>(&msg[at + TWICE.len()..]).ok())
                .and_then(|key| twice_written(yaml, stop, &key).map(|at| (key, at)));
            if let Some((key, (first, second, column))) = twice {
                problems.push(
                    Diagnostic::error(
                        "yaml-invalid",
                        file,
                        format!(
                            "invalid YAML front matter: the key `{key}` is written twice, on lines {} and {}, and YAML reads no front matter with a key written twice",
                            first + yaml_line - 1,
                            second + yaml_line - 1
                        ),
                    )
                    .at(second + yaml_line - 1, column)
                    .hint(format!("keep one `{key}:` line and delete the other (merge their values first if both hold something)")),
                );
                return (fm, problems);
            }
            let problem = match left_open(yaml, stop) {
                Some((open, mended)) => {
                    let what = match open.ch {
                        '[' => "list",
                        '{' => "mapping",
                        _ => "string",
                    };
                    let close = closer(open.ch);
                    Diagnostic::error(
                        "yaml-invalid",
                        file,
                        format!(
                            "invalid YAML front matter: the {what} opened by `{}` here is still open at line {line}, column {col}, where YAML stopped reading ({msg})",
                            open.ch
                        ),
                    )
                    .at(open.line + yaml_line - 1, open.col)
                    .hint(format!("close it with `{close}` on its line: `{mended}`"))
                }
                // Text where keys should be, and YAML stopped at or after it: the front
                // matter's closing fence is missing, and a rule of the text (`---`) closed it.
                None => match keys_end(yaml, Format::Yaml)
                    .and_then(|(n, last)| text_after(yaml, n).map(|t| (n, last, t)))
                    .filter(|(n, _, (t, _))| {
                        // Prose, not only headings YAML would read as comments, before the stop.
                        *t <= stop.0
                            && yaml.lines().take(stop.0).skip(*n).any(|l| {
                                let l = l.trim();
                                !l.is_empty() && !l.starts_with('#') && !l.starts_with('-')
                            })
                    })
                {
                    Some((n, last, (t, text))) => Diagnostic::error(
                        "yaml-invalid",
                        file,
                        format!(
                            "invalid YAML front matter: line {} (`{}`) is text, not a key: the front matter's closing `---` seems to be missing, so a `---` of the text (line {}) closed it",
                            t + yaml_line - 1,
                            crate::render::truncate(text.trim(), 40),
                            yaml_line + yaml.lines().count()
                        ),
                    )
                    .at(t + yaml_line - 1, 1)
                    .hint(format!(
                        "put a line that holds only `---` after line {} (`{}`), where the keys seem to end",
                        n + yaml_line - 1,
                        last.trim()
                    )),
                    None => Diagnostic::error(
                    "yaml-invalid",
                    file,
                    format!("invalid YAML front matter: {msg}"),
                )
                .at(line, col)
                .hint("YAML stopped reading here: the mistake is here or on a line above; check indentation and quoting; a value containing `: ` or starting with `[`, `{`, `*` or `&` needs quotes"),
                },
            };
            problems.push(problem);
            return (fm, problems);
        }
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => return (fm, problems),
        _ => {
            problems.push(
                Diagnostic::error(
                    "yaml-invalid",
                    file,
                    "front matter must be a mapping of keys to values",
                )
                .at(yaml_line, 1)
                .hint("write one `key: value` per line, e.g. `title: Disk full on db-1`"),
            );
            return (fm, problems);
        }
    };
    let layout = Layout::Yaml {
        lines: yaml.lines().collect(),
        first: yaml_line,
    };
    read_fields(map, &layout, Format::Yaml, file, known)
}

/// Where `key` is written twice in the mapping that YAML says starts at `stop` (a line and
/// column of `yaml`, from 1): the lines of its first two places and its column. A key of the
/// mapping starts at the mapping's column, on its first line (after `- ` for a list item's)
/// or on a later line indented as far; the mapping ends at a line indented less.
fn twice_written(
    yaml: &str,
    (line, column): (usize, usize),
    key: &str,
) -> Option<(usize, usize, usize)> {
    let mut found = Vec::new();
    for (i, l) in yaml.lines().enumerate().skip(line.checked_sub(1)?) {
        let indent = l.chars().take_while(|c| *c == ' ').count();
        let text = l.trim();
        if i + 1 > line && !text.is_empty() && !text.starts_with('#') && indent < column - 1 {
            break;
        }
        let at: String = l.chars().skip(column - 1).collect();
        let named = [
            format!("{key}:"),
            format!("\"{key}\":"),
            format!("'{key}':"),
        ]
        .iter()
        .any(|k| at.starts_with(k.as_str()));
        if named && (i + 1 == line || indent == column - 1) {
            found.push(i + 1);
        }
    }
    match found[..] {
        [a, b, ..] => Some((a, b, column)),
        _ => None,
    }
}

/// The first tab in the indentation of a line of `yaml` up to line `stop` (from 1), as its
/// line in the YAML text and its column (in characters, from 1). A tab may follow a key's
/// colon, but never indent a line; block scalars (`|`, `>`) are not told apart, as this is
/// only asked once YAML has failed to read the front matter.
fn indenting_tab(yaml: &str, stop: usize) -> Option<(usize, usize)> {
    yaml.lines().take(stop).enumerate().find_map(|(i, l)| {
        let indent = l.len() - l.trim_start_matches([' ', '\t']).len();
        let at = l[..indent].find('\t')?;
        // Only a line with something on it: a tab on a blank line is read as nothing.
        (indent < l.trim_end().len()).then_some((i + 1, l[..at].chars().count() + 1))
    })
}

/// A quote, `[` or `{` of front matter YAML: its line in the YAML text and its column, from 1.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Opener {
    ch: char,
    line: usize,
    col: usize,
}

/// The character that closes what `open` opens.
fn closer(open: char) -> char {
    match open {
        '[' => ']',
        '{' => '}',
        q => q,
    }
}

/// The string, list (`[`) or mapping (`{`) of `yaml` still open at `stop` (line and column,
/// from 1), where YAML stopped reading: the innermost, with its line as it would read closed
/// (what that line opens, closed at its end). `title: "DB down` leaves its string open to the
/// end; `tags: [db, postgres` leaves its list open into the next key. Quotes open a string only
/// where a value starts (`title: Don't panic` opens none), as YAML reads them; comments and
/// block scalars (`|`, `>`) are skipped.
fn left_open(yaml: &str, stop: (usize, usize)) -> Option<(Opener, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut flows: Vec<Opener> = Vec::new();
    let mut quote: Option<Opener> = None;
    // The indentation of the key whose block scalar is being skipped.
    let mut block: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().take(stop.0) {
        let n = i + 1;
        let limit = if n == stop.0 {
            stop.1.saturating_sub(1)
        } else {
            usize::MAX
        };
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block {
            if line.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let chars: Vec<char> = line.chars().collect();
        let space_at = |j: usize| chars.get(j).is_none_or(|c| c.is_whitespace());
        // Where a value may start: a quote or a bracket there opens something.
        let mut start = true;
        let mut j = 0;
        while j < chars.len() && j < limit {
            let c = chars[j];
            if let Some(q) = quote {
                if q.ch == '"' && c == '\\' {
                    j += 2;
                    continue;
                }
                if c == q.ch {
                    if q.ch == '\'' && chars.get(j + 1) == Some(&'\'') {
                        j += 2;
                        continue;
                    }
                    quote = None;
                    start = false;
                }
                j += 1;
                continue;
            }
            let here = Opener {
                ch: c,
                line: n,
                col: j + 1,
            };
            match c {
                ' ' | '\t' => {}
                '#' if j == 0 || chars[j - 1].is_whitespace() => break,
                '"' | '\'' if start => quote = Some(here),
                '[' | '{' if start => flows.push(here),
                ']' | '}' if flows.last().is_some_and(|o| closer(o.ch) == c) => {
                    flows.pop();
                    start = false;
                }
                ',' if !flows.is_empty() => start = true,
                '-' | '?' if start && space_at(j + 1) => {}
                ':' if space_at(j + 1)
                    || (!flows.is_empty() && matches!(chars.get(j + 1), Some(',' | ']' | '}'))) =>
                {
                    start = true;
                    let rest = chars[j + 1..].iter().collect::<String>();
                    let rest = rest.trim_start();
                    if flows.is_empty() && (rest.starts_with('|') || rest.starts_with('>')) {
                        block = Some(indent);
                        break;
                    }
                }
                _ => start = false,
            }
            j += 1;
        }
    }
    let open = quote.or_else(|| flows.last().copied())?;
    let line = lines.get(open.line - 1)?;
    let closers: String = quote
        .into_iter()
        .chain(flows.iter().rev().copied())
        .filter(|o| o.line == open.line)
        .map(|o| closer(o.ch))
        .collect();
    Some((open, format!("{}{closers}", line.trim())))
}

/// Where the keys of front matter, and what is under them, are written in the file.
enum Layout<'a> {
    /// Read from the YAML text when asked: its lines, and the file line of the first.
    Yaml { lines: Vec<&'a str>, first: usize },
    /// Read beforehand from TOML's spans, by top-level key; `first` as for YAML.
    Toml {
        keys: Vec<(String, Placed)>,
        first: usize,
    },
}

/// Where a top-level key of TOML front matter, and what is under it, are written.
#[derive(Debug)]
struct Placed {
    at: (usize, usize),
    /// Its entries, as a list of texts (or a severity) has them: see [`Layout::entries`].
    entries: Vec<(usize, usize)>,
    /// Its items, as a list of mappings has them: see [`Layout::items`].
    items: Vec<ItemPos>,
}

impl Layout<'_> {
    fn placed(&self, key: &str) -> Option<&Placed> {
        match self {
            Layout::Toml { keys, .. } => keys.iter().find(|(k, _)| k == key).map(|(_, p)| p),
            Layout::Yaml { .. } => None,
        }
    }

    /// Line (in the file) and column of a top-level key.
    fn key(&self, key: &str) -> (usize, usize) {
        match self {
            Layout::Yaml { lines, first } => key_position(lines, key, *first),
            Layout::Toml { first, .. } => self.placed(key).map_or((*first, 1), |p| p.at),
        }
    }

    /// Where each entry of the list of texts under `key` (on file line `key_line`) is
    /// written; see [`entry_positions`].
    fn entries(&self, key: &str, key_line: usize) -> Vec<(usize, usize)> {
        match self {
            Layout::Yaml { lines, first } => entry_positions(lines, key_line, *first),
            Layout::Toml { .. } => self.placed(key).map_or(Vec::new(), |p| p.entries.clone()),
        }
    }

    /// Where each item of the list under `key` (on file line `key_line`) is written, with the
    /// keys of its mapping; see [`item_positions`].
    fn items(&self, key: &str, key_line: usize) -> Vec<ItemPos> {
        match self {
            Layout::Yaml { lines, first } => item_positions(lines, key_line, *first),
            Layout::Toml { .. } => self.placed(key).map_or(Vec::new(), |p| p.items.clone()),
        }
    }
}

/// Why a date written as YYYY-MM-DD is no day of the calendar, and how to write it: the
/// month, or the day in that month, does not exist (`2024-02-30`, `2023-14-03`). None when it
/// is not written so. `set` writes a date as the front matter sets it, for the hint.
pub(crate) fn no_such_day(s: &str, set: impl Fn(&str) -> String) -> Option<(String, String)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts[..] else { return None };
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) {
        let hint = match NaiveDate::from_ymd_opt(year, day, month) {
            Some(swapped) => format!(
                "did you mean {}? Dates are written year, month, day, e.g. {}",
                set(&swapped.to_string()),
                set("2024-03-01")
            ),
            None => format!(
                "months are 01 to 12: dates are written year, month, day, e.g. {}",
                set("2024-03-01")
            ),
        };
        return Some((format!("month {month} does not exist"), hint));
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let (days, last) = (28..=31)
        .rev()
        .find_map(|n| NaiveDate::from_ymd_opt(year, month, n).map(|last| (n, last)))?;
    if (1..=days).contains(&day) {
        return None;
    }
    let month_year = first.format("%B %Y");
    Some((
        format!("{month_year} has {days} days"),
        format!(
            "write a day from 01 to {days}, e.g. {}",
            set(&last.to_string())
        ),
    ))
}

/// Reads the fields of front matter, given as a mapping of keys to values, into
/// [`FrontMatter`], whichever `format` it was written in; `layout` says where each is written.
///
/// An incident's front matter (the kind with a `status`, which Hugo's `draft` becomes) also
/// takes Hugo's own keys, in any case as Hugo does: `draft = true` makes it a draft whatever
/// `status` says (`false` says nothing), `categories` are more tags, `author` more authors,
/// `description` is the summary when `summary` is not set; the other keys of [`HUGO_IGNORED`]
/// are accepted and named in one `hugo-key` note.
fn read_fields(
    map: serde_yaml::Mapping,
    layout: &Layout,
    format: Format,
    file: &str,
    known: &[&str],
) -> (FrontMatter, Vec<Diagnostic>) {
    let mut fm = FrontMatter::default();
    let mut problems = Vec::new();
    let hugo = known.contains(&"status");
    let mut candidates = known.to_vec();
    if hugo {
        candidates.extend(HUGO_READ.iter().chain(HUGO_IGNORED));
    }
    // Hugo's keys as read: the line of `draft = true`; `categories` and `author`; the
    // `description` (as written, where, its text); the keys not used (as written, where).
    let mut draft = None;
    let (mut categories, mut author) = (None, None);
    let mut description = None;
    let mut ignored: Vec<(String, (usize, usize))> = Vec::new();
    let entries: Vec<(String, Value, Option<String>)> = map
        .into_iter()
        .map(|(k, v)| {
            let mut first_removed = None;
            let k = without_forbidden(k, &mut first_removed);
            let v = without_forbidden(v, &mut first_removed);
            let key = match k {
                Value::String(s) => s,
                other => yaml_scalar_string(&other).unwrap_or_default(),
            };
            (key, v, first_removed)
        })
        .collect();
    let keys: Vec<String> = entries.iter().map(|(k, _, _)| k.clone()).collect();
    let repeated = repeated_keys(&keys, known, hugo);
    for ((key, v, first_removed), repeats) in entries.into_iter().zip(repeated) {
        let name = canonical_key(&key, known, hugo);
        let (line, col) = layout.key(&key);
        // Where the field is set, under its canonical name, so that later findings find it.
        let recorded = match name {
            Some(n) if repeats.is_none() => n.to_string(),
            _ => key.clone(),
        };
        fm.lines.push((recorded, line));
        let at = |d: Diagnostic| d.at(line, col);
        // A value that cannot be read is pointed at where it is written, not at its key.
        let at_value = |d: Diagnostic| {
            let (l, c) = layout
                .entries(&key, line)
                .first()
                .copied()
                .unwrap_or((line, col));
            d.at(l, c)
        };
        if let Some(what) = first_removed {
            problems.push(at(Diagnostic::warning(
                "control-character",
                file,
                format!(
                    "`{key}` holds {}, written as {} escape, which no web page, feed or sitemap may hold; it is left out of the site",
                    super::forbidden_name(&what),
                    match format {
                        Format::Yaml => "a YAML",
                        Format::Toml => "a TOML",
                    },
                ),
            )
            .hint(match format {
                Format::Yaml => "delete the escape (such as `\\e`, `\\x07` or `\\u001b`) from the quoted value",
                Format::Toml => "delete the escape (such as `\\u001b`, `\\b` or `\\f`) from the quoted value",
            })));
        }
        if let (Some(first), Some(name)) = (repeats, name) {
            let first = &keys[first];
            problems.push(at(duplicate_key(
                file,
                &key,
                first,
                layout.key(first),
                name,
            )));
            continue;
        }
        if name.is_some_and(|n| HUGO_IGNORED.contains(&n)) {
            ignored.push((key.clone(), (line, col)));
            continue;
        }
        let Some(name) = name else {
            // A key that is no typo of a known one is most likely a team's own (`jira`,
            // `impact`): the hint says how to keep it, not only which keys there are.
            let hint = match did_you_mean(&key, &candidates) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "keep `{key}` as a key of your own by writing `unknown-key = \"warning\"` (or `\"off\"`) under `[check.rules]` in hindsight.toml; known keys: {}",
                    known.join(", ")
                ),
            };
            problems.push(at(Diagnostic::error(
                "unknown-key",
                file,
                format!("unknown front-matter key `{key}`"),
            )
            .hint(hint)));
            continue;
        };
        let wrong_type = |expected: &str, hint: String| {
            at(Diagnostic::error(
                "wrong-type",
                file,
                format!("`{key}` should be {expected}, found {}", describe(&v)),
            )
            .hint(hint))
        };
        // The example is given as YAML and as TOML writes it, with the key spelled as Hindsight
        // spells it.
        let type_err = |expected: &str, yaml: &str, toml: &str| {
            wrong_type(
                expected,
                format!("for example {}", format.set(name, yaml, toml)),
            )
        };
        // A list of mappings, which TOML writes best as a table for each item.
        let list_err = |example: &str| match format {
            Format::Yaml => type_err("a list", example, example),
            Format::Toml => wrong_type(
                "a list",
                format!("for example `{name} = {example}`, or a `[[{name}]]` table for each item"),
            ),
        };
        match name {
            "draft" => match yaml_scalar_string(&v).map(|s| s.to_lowercase()).as_deref() {
                Some("true") => draft = Some(line),
                Some("false") => {}
                _ => problems.push(type_err("true or false", "true", "true")),
            },
            // Jekyll's `published: false` is Hugo's `draft: true`.
            "published" => match yaml_scalar_string(&v).map(|s| s.to_lowercase()).as_deref() {
                Some("false") => draft = draft.or(Some(line)),
                Some("true") => {}
                _ => problems.push(type_err("true or false", "false", "false")),
            },
            // Jekyll's `excerpt` is a description; Hugo's `description` wins over it.
            "excerpt" | "description" => match yaml_scalar_string(&v) {
                Some(s) if s.is_empty() => {}
                Some(_) if name == "excerpt" && description.is_some() => {
                    ignored.push((key.clone(), (line, col)));
                }
                Some(s) => {
                    if let Some((old, at, _)) = description.replace((key.clone(), (line, col), s)) {
                        ignored.push((old, at));
                    }
                }
                None => problems.push(type_err(
                    "a text",
                    "One or two sentences",
                    "\"One or two sentences\"",
                )),
            },
            "id" => match yaml_scalar_string(&v) {
                Some(s) => fm.id = Some(s),
                None => problems.push(type_err("a text id", "PM2024-003", "\"PM2024-003\"")),
            },
            "title" => match yaml_scalar_string(&v) {
                Some(s) => fm.title = Some(s),
                None => problems.push(type_err("a text", "Checkout outage", "\"Checkout outage\"")),
            },
            // An empty summary is none: the summary is derived from the text.
            "summary" => match yaml_scalar_string(&v) {
                Some(s) if s.is_empty() => {}
                Some(s) => fm.summary = Some(s),
                None => problems.push(type_err(
                    "a text",
                    "One or two sentences",
                    "\"One or two sentences\"",
                )),
            },
            "severity" => match yaml_scalar_string(&v) {
                Some(s) => {
                    fm.severity = Some(s);
                    // Where the value is written, for a severity that is not on the scale.
                    let at = layout.entries(&key, line);
                    fm.entries.push((name.to_string(), at));
                }
                None => problems.push(type_err("a severity name", "SEV2", "\"SEV2\"")),
            },
            "date" => match yaml_scalar_string(&v) {
                Some(s) => match parse_date(&s) {
                    Some(d) => {
                        fm.date = Some(d);
                        // Where the value is written, for a date in the future.
                        fm.entries
                            .push((name.to_string(), layout.entries(&key, line)));
                    }
                    None => problems.push(at_value(
                        match no_such_day(&s, |d| format.set("date", d, d)) {
                            Some((why, hint)) => Diagnostic::error(
                                "bad-date",
                                file,
                                format!("`{key}` is not a valid date: `{s}`: {why}"),
                            )
                            .hint(hint),
                            None => {
                                let set = |d: NaiveDate| {
                                    let d = d.to_string();
                                    format.set("date", &d, &d)
                                };
                                let day = |d: NaiveDate| d.format("%-d %B").to_string();
                                let (why, hint) = match date_meant(&s)[..] {
                                    [d] => (String::new(), format!("write it as YYYY-MM-DD: {}", set(d))),
                                    [d, m] => (
                                        ": day and month order is ambiguous".to_string(),
                                        format!(
                                            "write it as YYYY-MM-DD: {} if it is {}, or {} if it is {}",
                                            set(d),
                                            day(d),
                                            set(m),
                                            day(m)
                                        ),
                                    ),
                                    _ => (
                                        String::new(),
                                        format!(
                                            "write dates as YYYY-MM-DD, e.g. {}",
                                            format.set("date", "2024-03-01", "2024-03-01")
                                        ),
                                    ),
                                };
                                Diagnostic::error(
                                    "bad-date",
                                    file,
                                    format!("`{key}` is not a valid date: `{s}`{why}"),
                                )
                                .hint(hint)
                            }
                        },
                    )),
                },
                None => problems.push(type_err("a date", "2024-03-01", "2024-03-01")),
            },
            "started_at" | "detected_at" | "resolved_at" => match yaml_scalar_string(&v) {
                Some(s) => match parse_datetime(&s) {
                    Some(t) => {
                        match name {
                            "started_at" => fm.started_at = Some(t),
                            "detected_at" => fm.detected_at = Some(t),
                            _ => fm.resolved_at = Some(t),
                        }
                        fm.entries
                            .push((name.to_string(), layout.entries(&key, line)));
                    }
                    None => problems.push(at_value(
                        Diagnostic::error(
                            "bad-date",
                            file,
                            format!("`{key}` is not a valid date and time: `{s}`"),
                        )
                        .hint(format!(
                            "write an ISO 8601 time, e.g. {} (UTC when no offset is given)",
                            format.set(name, "2024-03-01T14:05:00Z", "2024-03-01T14:05:00Z")
                        )),
                    )),
                },
                None => problems.push(type_err(
                    "a date and time",
                    "2024-03-01T14:05:00Z",
                    "2024-03-01T14:05:00Z",
                )),
            },
            "status" => match yaml_scalar_string(&v).map(|s| s.to_lowercase()) {
                Some(s) if s == "draft" => fm.status = Some(Status::Draft),
                Some(s) if s == "review" || s == "in-review" => fm.status = Some(Status::Review),
                Some(s) if s == "published" || s == "final" => fm.status = Some(Status::Published),
                Some(s) => problems.push(at_value(
                    Diagnostic::error("unknown-status", file, format!("unknown status `{s}`"))
                        .hint("use one of: draft, review, published"),
                )),
                None => problems.push(type_err(
                    "draft, review or published",
                    "published",
                    "\"published\"",
                )),
            },
            // `private` reads as internal: a word for keeping it in fails safe.
            "visibility" => match yaml_scalar_string(&v) {
                Some(s) if s.eq_ignore_ascii_case("public") => {
                    fm.visibility = Some(Visibility::Public)
                }
                Some(s)
                    if s.eq_ignore_ascii_case("internal") || s.eq_ignore_ascii_case("private") =>
                {
                    fm.visibility = Some(Visibility::Internal)
                }
                Some(s) => problems.push(at_value(
                    Diagnostic::error(
                        "wrong-type",
                        file,
                        format!("`{key}` should be public or internal, found `{s}`"),
                    )
                    .hint(format!(
                        "for example {}; an incident that must not be published is internal",
                        format.set(name, "internal", "\"internal\"")
                    )),
                )),
                None => problems.push(type_err("public or internal", "internal", "\"internal\"")),
            },
            "services" | "tags" | "authors" | "related" | "aliases" | "categories" | "author" => {
                match string_list(&v) {
                    Some((list, bad, empty)) => {
                        let mut at = layout.entries(&key, line);
                        // Each item that is no text, at its own place; the texts are kept.
                        for &(i, item) in &bad {
                            let (il, ic) = at.get(i).copied().unwrap_or((line, col));
                            let (what, hint) = match item {
                            Value::Null => (
                                "is empty".to_string(),
                                "remove the empty item (a `-` or a `,` with nothing after it), or write its text".to_string(),
                            ),
                            other => (
                                format!("is {}", describe(other)),
                                match format {
                                    Format::Yaml => format!("write each item as a text, e.g. `{name}: [a, b]`; quote a text that holds `[`, `{{` or `: `"),
                                    Format::Toml => format!("write each item as a quoted text, e.g. `{name} = [\"a\", \"b\"]`"),
                                },
                            ),
                        };
                            problems.push(
                                Diagnostic::error(
                                    "wrong-type",
                                    file,
                                    format!(
                                        "`{key}` should be a list of texts: item {} {what}",
                                        i + 1
                                    ),
                                )
                                .at(il, ic)
                                .hint(hint),
                            );
                        }
                        // Each empty text, left out with a warning at its place: a blank tag,
                        // service or author would be published as one.
                        for &i in &empty {
                            let (il, ic) = at.get(i).copied().unwrap_or((line, col));
                            problems.push(
                                Diagnostic::warning(
                                    "empty-item",
                                    file,
                                    format!("`{key}` item {} is an empty text, left out", i + 1),
                                )
                                .at(il, ic)
                                .hint("remove the empty item, or write its text"),
                            );
                        }
                        // The places of the texts kept, in their order.
                        let dropped = bad.len() + empty.len();
                        if dropped > 0 && at.len() == list.len() + dropped {
                            at = at
                                .into_iter()
                                .enumerate()
                                .filter(|(i, _)| {
                                    !bad.iter().any(|&(b, _)| b == *i) && !empty.contains(i)
                                })
                                .map(|(_, p)| p)
                                .collect();
                        }
                        let slot = match name {
                            "services" => &mut fm.services,
                            "tags" => &mut fm.tags,
                            "authors" => &mut fm.authors,
                            "related" => &mut fm.related,
                            "categories" => &mut categories,
                            "author" => &mut author,
                            _ => &mut fm.aliases,
                        };
                        *slot = Some(list);
                        fm.entries.push((name.to_string(), at));
                    }
                    None => problems.push(type_err("a list of texts", "[a, b]", "[\"a\", \"b\"]")),
                }
            }
            "learnings" => {
                let items = one_or_list(&v);
                let positions = layout.items(&key, line);
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let pos = positions
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| ItemPos::on_key_line(line));
                    let (iline, icol) = pos.at();
                    let read;
                    let item = match item {
                        Value::Mapping(m) => {
                            read = colon_text(m, &["text", "id"], "a learning", (iline, icol), file, &mut problems);
                            read.as_ref().unwrap_or(item)
                        }
                        _ => item,
                    };
                    match item {
                        Value::Mapping(m) => {
                            let (m, pos) = canonical_item(m, &["text", "id"], &pos, file, &mut problems);
                            let m = &m;
                            let not_texts = nested_not_texts(m, &["text", "id"], "a learning", &pos, format, file, &mut problems);
                            let text = m.get("text").and_then(yaml_scalar_string);
                            let id = m.get("id").and_then(yaml_scalar_string);
                            for k in m.keys() {
                                let k = yaml_scalar_string(k).unwrap_or_default();
                                if k != "text" && k != "id" {
                                    let (kl, kc) = pos.key(&k);
                                    problems.push(
                                        Diagnostic::error(
                                            "unknown-key",
                                            file,
                                            format!("unknown key `{k}` in a learning"),
                                        )
                                        .at(kl, kc)
                                        .hint(match did_you_mean(&k, &["text", "id"]) {
                                            Some(s) => format!("did you mean `{s}`? A learning has `text` and an optional `id`"),
                                            None => "a learning has `text` and an optional `id` naming a canonical learning".into(),
                                        }),
                                    );
                                }
                            }
                            let id_at = pos.value("id");
                            match (text, id) {
                                (Some(text), id) => out.push(LearningEntry { text, id, line: iline, id_at }),
                                (None, Some(id)) => out.push(LearningEntry { text: String::new(), id: Some(id), line: iline, id_at }),
                                (None, None) if !not_texts.is_empty() => {}
                                (None, None) => problems.push(
                                    Diagnostic::error("wrong-type", file, "a learning needs `text` or `id`")
                                        .at(iline, icol)
                                        .hint(match format {
                                            Format::Yaml => "write `- text: What we learned` and optionally `id: canonical-learning-id`",
                                            Format::Toml => "write `text = \"What we learned\"` under `[[learnings]]`, and optionally `id = \"canonical-learning-id\"`",
                                        }),
                                ),
                            }
                        }
                        other => match yaml_scalar_string(other) {
                            Some(text) => out.push(LearningEntry { text, id: None, line: iline, id_at: (iline, icol) }),
                            None => problems.push(
                                Diagnostic::error("wrong-type", file, format!("a learning should be a text or a mapping, found {}", describe(other)))
                                    .at(iline, icol)
                                    .hint(match format {
                                        Format::Yaml => "write `- What we learned` or `- text: ...` with `id: ...`",
                                        Format::Toml => "write `learnings = [\"What we learned\"]`, or a `[[learnings]]` table for each with `text = ...` and `id = ...`",
                                    }),
                            ),
                        },
                    }
                }
                if !matches!(v, Value::Sequence(_) | Value::Null | Value::String(_)) {
                    problems.push(list_err("[\"Alert on symptoms\"]"));
                } else {
                    fm.learnings = Some(out);
                }
            }
            "action_items" => {
                let items = one_or_list(&v);
                let positions = layout.items(&key, line);
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let pos = positions
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| ItemPos::on_key_line(line));
                    match action_item(item, &pos, format, file, &mut problems) {
                        Some(a) => out.push(a),
                        None => continue,
                    }
                }
                if !matches!(v, Value::Sequence(_) | Value::Null | Value::String(_)) {
                    problems.push(list_err("[\"Add an alert on disk usage\"]"));
                } else {
                    fm.action_items = Some(out);
                }
            }
            "path" => {
                let items = list_items(&v);
                let positions = layout.items(&key, line);
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let pos = positions
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| ItemPos::on_key_line(line));
                    let (iline, icol) = pos.at();
                    let (item, pos) = match item {
                        Value::Mapping(m) => {
                            let (m, pos) = canonical_item(
                                m,
                                &["incident", "learning", "why"],
                                &pos,
                                file,
                                &mut problems,
                            );
                            (Value::Mapping(m), pos)
                        }
                        other => (other.clone(), pos),
                    };
                    let item = &item;
                    let not_texts = match item {
                        Value::Mapping(m) => nested_not_texts(
                            m,
                            &["incident", "learning", "why"],
                            "a reading-path step",
                            &pos,
                            format,
                            file,
                            &mut problems,
                        ),
                        _ => Vec::new(),
                    };
                    let get = |k: &str| match item {
                        Value::Mapping(m) => m.get(k).and_then(yaml_scalar_string),
                        _ => None,
                    };
                    let incident = get("incident");
                    let step = PathStep {
                        at: if incident.is_some() {
                            pos.value("incident")
                        } else {
                            pos.value("learning")
                        },
                        incident: incident.or_else(|| match item {
                            Value::String(s) => Some(s.clone()),
                            _ => None,
                        }),
                        learning: get("learning"),
                        why: get("why").unwrap_or_default(),
                    };
                    if step.incident.is_none() && step.learning.is_none() {
                        if not_texts.iter().any(|k| *k != "why") {
                            continue;
                        }
                        problems.push(
                            Diagnostic::error("wrong-type", file, "a reading-path step needs `incident` or `learning`")
                                .at(iline, icol)
                                .hint(match format {
                                    Format::Yaml => "write `- incident: PM2023-004` with `why: ...`",
                                    Format::Toml => "write `incident = \"PM2023-004\"` under `[[path]]`, with `why = ...`",
                                }),
                        );
                    } else {
                        out.push(step);
                    }
                }
                fm.path = Some(out);
            }
            _ => unreachable!("every known key is handled"),
        }
    }
    if let Some(line) = draft {
        fm.status = Some(Status::Draft);
        if fm.line_of("status").is_none() {
            fm.lines.push(("status".into(), line));
        }
    }
    merge_list(&mut fm, "tags", "categories", categories);
    merge_list(&mut fm, "authors", "author", author);
    if let Some((key, at, text)) = description {
        match fm.summary {
            None => {
                fm.summary = Some(text);
                fm.lines.push(("summary".into(), at.0));
            }
            Some(_) => ignored.push((key, at)),
        }
    }
    if let Some(&(_, (line, col))) = ignored.first() {
        problems.push(hugo_note(&ignored, format, file).at(line, col));
    }
    (fm, problems)
}

/// Adds the texts read under Hugo's key `from` to those under `into`, each once, where they
/// are written.
fn merge_list(fm: &mut FrontMatter, into: &str, from: &str, extra: Option<Vec<String>>) {
    let Some(extra) = extra else { return };
    let from_at: Vec<_> = (0..extra.len()).map(|i| fm.entry_at(from, i)).collect();
    let from_line = fm.line_of(from).unwrap_or(1);
    let mut list = match into {
        "tags" => fm.tags.take(),
        _ => fm.authors.take(),
    }
    .unwrap_or_default();
    let mut at: Vec<_> = (0..list.len()).map(|i| fm.entry_at(into, i)).collect();
    let mut seen: std::collections::HashSet<String> = list.iter().cloned().collect();
    for (text, place) in extra.into_iter().zip(from_at) {
        if seen.insert(text.clone()) {
            list.push(text);
            at.push(place);
        }
    }
    if fm.line_of(into).is_none() {
        fm.lines.push((into.to_string(), from_line));
    }
    fm.entries.retain(|(k, _)| k != into);
    fm.entries.push((into.to_string(), at));
    match into {
        "tags" => fm.tags = Some(list),
        _ => fm.authors = Some(list),
    }
}

/// The `hugo-key` note naming the Hugo keys (as written) that a file's front matter does not
/// use, with what to do about those whose loss changes the site.
fn hugo_note(ignored: &[(String, (usize, usize))], format: Format, file: &str) -> Diagnostic {
    let names: Vec<String> = ignored.iter().map(|(k, _)| format!("`{k}`")).collect();
    let has = |names: &[&str]| {
        ignored
            .iter()
            .any(|(k, _)| names.iter().any(|n| n.eq_ignore_ascii_case(k)))
    };
    let jekyll = has(JEKYLL_ONLY);
    let mut hint = vec![if jekyll {
        "Hindsight accepts Hugo's and Jekyll's keys so that such a site builds as it is; it has no use for these"
    } else {
        "Hindsight accepts Hugo's keys so that a Hugo site builds as it is; it has no use for these"
    }
    .to_string()];
    if has(&["url", "slug"]) {
        hint.push("the postmortem's URL is `/incidents/<id>/`: to keep its old Hugo URL working, add that path to `aliases`".into());
    } else if has(&["permalink"]) {
        hint.push("the postmortem's URL is `/incidents/<id>/`: to keep its old `permalink` working, add that path to `aliases`".into());
    }
    if has(&["publishDate", "pubDate", "expiryDate"]) {
        hint.push(format!(
            "a postmortem is published when the site is built, whatever these dates say: {} leaves one out",
            format.set("draft", "true", "true")
        ));
    }
    if has(&["description"]) {
        hint.push("`description` is read as the summary only when `summary` is not set".into());
    }
    if has(&["excerpt"]) {
        hint.push(
            "`excerpt` is read as the summary only when neither `summary` nor `description` is set"
                .into(),
        );
    }
    Diagnostic::new(
        "hugo-key",
        Level::Info,
        file,
        format!(
            "{} front-matter keys that Hindsight does not use: {}",
            if jekyll { "Hugo and Jekyll" } else { "Hugo" },
            names.join(", ")
        ),
    )
    .hint(hint.join("; "))
}

/// The key of an action item that another tool's word for it means, as an action items
/// table reads its headers: `assignee` is `owner`, `deadline` is `due`, `state` is `status`,
/// `task` is `text`, `jira` is `ticket`.
fn action_key_meant(key: &str) -> Option<&'static str> {
    let key = key.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    Some(match key.as_str() {
        "assignee" | "assignees" | "assigned_to" | "assigned" | "owners" | "dri" | "who"
        | "responsible" | "team" => "owner",
        "deadline" | "due_date" | "due_by" | "eta" | "target_date" | "by" => "due",
        "state" | "done" | "progress" => "status",
        "task" | "action" | "title" | "description" | "item" | "name" | "summary" => "text",
        "learned" | "lesson" | "addresses" | "learning_id" => "learning",
        "tickets" | "issue" | "jira" | "bug" | "tracking" | "link" | "url" | "tracker" => "ticket",
        _ => return None,
    })
}

/// The text of a list item that YAML read as a mapping of one key because its text holds
/// `: ` (`- Add an expiry alert (owner: sre, done)`, `- Lesson: watch the expiry`), with the
/// `colon-in-text` warning that says so; `None` for a mapping that is one (its key is one of
/// `keys` or a near miss of one, or key and value are single words, as `ownr: sre` is).
fn colon_text(
    m: &serde_yaml::Mapping,
    keys: &[&str],
    what: &str,
    (line, column): (usize, usize),
    file: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let (k, v) = m.iter().next().filter(|_| m.len() == 1)?;
    let (Value::String(k), Some(v)) = (k, yaml_scalar_string(v)) else {
        return None;
    };
    let known = keys.iter().any(|key| key.eq_ignore_ascii_case(k.trim()))
        || did_you_mean(k.trim(), keys).is_some();
    if known || !(k.trim().contains(char::is_whitespace) || v.contains(char::is_whitespace)) {
        return None;
    }
    let text = format!("{}: {v}", k.trim());
    problems.push(
        Diagnostic::warning(
            "colon-in-text",
            file,
            format!(
                "{what} holds `: `, which YAML reads as a key: it is read as the text `{text}`"
            ),
        )
        .at(line, column)
        .hint(format!(
            "put the text in quotes so that YAML reads it as one: `- \"{}\"`",
            text.replace('"', "\\\"")
        )),
    );
    Some(Value::String(text))
}

fn action_item(
    item: &Value,
    pos: &ItemPos,
    format: Format,
    file: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<ActionEntry> {
    const KEYS: &[&str] = &["text", "owner", "status", "due", "learning", "ticket"];
    let (line, column) = pos.at();
    let read;
    let item = match item {
        Value::Mapping(m) => {
            read = colon_text(m, KEYS, "an action item", (line, column), file, problems);
            read.as_ref().unwrap_or(item)
        }
        _ => item,
    };
    match item {
        Value::Mapping(m) => {
            let (m, pos) = canonical_item(m, KEYS, pos, file, problems);
            let (m, pos) = (&m, &pos);
            let mut owner_reported = false;
            for k in m.keys() {
                let k = yaml_scalar_string(k).unwrap_or_default();
                if !KEYS.contains(&k.as_str()) {
                    owner_reported |= did_you_mean(&k, KEYS) == Some("owner");
                    let (kl, kc) = pos.key(&k);
                    problems.push(
                        Diagnostic::error(
                            "unknown-key",
                            file,
                            format!("unknown key `{k}` in an action item"),
                        )
                        .at(kl, kc)
                        .hint(
                            match did_you_mean(&k, KEYS).or_else(|| action_key_meant(&k)) {
                                Some(s) => format!(
                                    "did you mean `{s}`? An action item has: {}",
                                    KEYS.join(", ")
                                ),
                                None => format!("an action item has: {}", KEYS.join(", ")),
                            },
                        ),
                    );
                }
            }
            owner_reported |= m
                .keys()
                .filter_map(yaml_scalar_string)
                .any(|k| !KEYS.contains(&k.as_str()) && action_key_meant(&k) == Some("owner"));
            // Owners written as a list (`owner: [team-payments, sre]`) are the owners, as
            // `(owner: Alice, Bob)` names two in a list item.
            let owners = m
                .get("owner")
                .and_then(Value::as_sequence)
                .and_then(|seq| {
                    seq.iter()
                        .map(yaml_scalar_string)
                        .collect::<Option<Vec<_>>>()
                })
                .map(|o| o.join(", "));
            let keys: Vec<&str> = KEYS
                .iter()
                .copied()
                .filter(|k| owners.is_none() || *k != "owner")
                .collect();
            let not_texts =
                nested_not_texts(m, &keys, "an action item", pos, format, file, problems);
            let get = |k: &str| m.get(k).and_then(yaml_scalar_string);
            let Some(text) = get("text") else {
                if not_texts.contains(&"text") {
                    return None;
                }
                problems.push(
                    Diagnostic::error("wrong-type", file, "an action item needs `text`")
                        .at(line, column)
                        .hint(match format {
                            Format::Yaml => "write `- text: Add an alert on disk usage` with optional owner, status, due",
                            Format::Toml => "write `text = \"Add an alert on disk usage\"` under `[[action_items]]`, with optional owner, status, due",
                        }),
                );
                return None;
            };
            // No status, or an empty one, records none: the item is not said to be open.
            let status = match get("status").filter(|s| s.chars().any(char::is_alphanumeric)) {
                None => None,
                Some(s) => match ActionStatus::parse(&s) {
                    Some(st) => Some(st),
                    None => {
                        let (vl, vc) = pos.value("status");
                        problems.push(
                            Diagnostic::error(
                                "unknown-status",
                                file,
                                format!("unknown action item status `{s}`"),
                            )
                            .at(vl, vc)
                            .hint("use one of: open, done, wontfix"),
                        );
                        None
                    }
                },
            };
            let due = match get("due") {
                None => None,
                Some(s) => match due_date(&s) {
                    Some(d) => Some(d),
                    None => {
                        let (vl, vc) = pos.value("due");
                        problems.push(bad_due(&s, format, file).at(vl, vc));
                        None
                    }
                },
            };
            Some(ActionEntry {
                text,
                owner: owners
                    .clone()
                    .or_else(|| get("owner"))
                    .filter(|s| !s.trim().is_empty()),
                status,
                due,
                learning: get("learning"),
                ticket: get("ticket").filter(|s| !s.trim().is_empty()),
                line,
                owner_at: pos.value("owner"),
                learning_at: pos.value("learning"),
                owner_reported: owner_reported
                    || (owners.is_none() && not_texts.contains(&"owner")),
            })
        }
        other => match yaml_scalar_string(other) {
            Some(text) => {
                let (text, owner, status, due) = crate::content::derive::action_text_meta(&text);
                Some(ActionEntry {
                    text,
                    owner: owner.filter(|s| !s.trim().is_empty()),
                    status,
                    due,
                    learning: None,
                    ticket: None,
                    line,
                    owner_at: (line, column),
                    learning_at: (line, column),
                    owner_reported: false,
                })
            }
            None => {
                problems.push(
                    Diagnostic::error(
                        "wrong-type",
                        file,
                        format!(
                            "an action item should be a text or a mapping, found {}",
                            describe(other)
                        ),
                    )
                    .at(line, column)
                    .hint(match format {
                        Format::Yaml => "write `- Add an alert on disk usage`, or `- text: ...` with optional owner, status, due",
                        Format::Toml => "write `action_items = [\"Add an alert on disk usage\"]`, or a `[[action_items]]` table for each with `text = ...` and optional owner, status, due",
                    }),
                );
                None
            }
        },
    }
}

/// The days a front-matter `date` that is not read may mean, for the hint that says how to
/// write it: numbers in either order with `/`, `.` or `-` (`20/11/2026`, `20-11-2026`, both
/// readings when both are days), or a date in words (`20 Nov 2026`, `Nov 20 2026`,
/// `November 20, 2026`).
fn date_meant(s: &str) -> Vec<NaiveDate> {
    let readings = crate::markdown::date_readings(&s.replace('-', "/"));
    if !readings.is_empty() {
        return readings;
    }
    // `Nov 20 2026` is `Nov 20, 2026` without its comma.
    let comma = month_day_year_comma(s);
    crate::markdown::date_written(s)
        .or_else(|| comma.as_deref().and_then(crate::markdown::date_written))
        .filter(|d| d.year() >= 1970)
        .into_iter()
        .collect()
}

/// `Month D YYYY` with the comma put back (`Nov 20 2026` is `Nov 20, 2026`); `None` for
/// anything else.
fn month_day_year_comma(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let [month, day, year] = words[..] else {
        return None;
    };
    (month.chars().all(char::is_alphabetic)
        && day.chars().all(|c| c.is_ascii_digit())
        && year.len() == 4)
        .then(|| format!("{month} {day}, {year}"))
}

/// An action item's `due` as the text's due cells read one (see
/// [`crate::markdown::date_written`]): `2024-04-15`, also with a time after it, `2024/04/15`,
/// `2024.04.15`, `15.04.2024`, `15/04/2024` or `04/15/2024` where only one order of day and
/// month is a day, `15 April 2024`, `April 15, 2024`; with a year 1970 or later, as
/// [`parse_date`] wants it. `04/05/2024` is none: it may be 4 May or April 5.
fn due_date(s: &str) -> Option<NaiveDate> {
    parse_date(s).or_else(|| crate::markdown::date_written(s).filter(|d| d.year() >= 1970))
}

/// The `bad-date` error of an action item's `due` that [`due_date`] does not read: why, when it
/// can say (day and month in an ambiguous order, a month or a day that does not exist), what it
/// expects and how to write it.
fn bad_due(s: &str, format: Format, file: &str) -> Diagnostic {
    let example = format.set("due", "2024-04-15", "2024-04-15");
    let expected = format!(
        "write the due date as YYYY-MM-DD, e.g. {example}; `2024/04/15`, `15.04.2024` and `15 April 2024` are read too"
    );
    if let Some((why, hint)) = no_such_day(s, |d| format.set("due", d, d)) {
        return Diagnostic::error(
            "bad-date",
            file,
            format!("`due` is not a valid date: `{s}`: {why}"),
        )
        .hint(hint);
    }
    match crate::markdown::why_not_a_date(s) {
        Some(why) => Diagnostic::error(
            "bad-date",
            file,
            format!("`due` is not a valid date: `{s}`: {why}"),
        )
        .hint(expected),
        None => Diagnostic::error(
            "bad-date",
            file,
            format!("`due` is not a valid date: `{s}`"),
        )
        .hint(expected),
    }
}

/// `v` without the characters no page, feed or sitemap may hold (see
/// [`markdown::strip_forbidden`]) in any of its texts. Written as such they were left out of
/// the file before it was read; written as YAML escapes (`"\e[31m"`, `"\x07"`) they appear
/// only now. The first run left out goes to `first`.
fn without_forbidden(v: Value, first: &mut Option<String>) -> Value {
    match v {
        Value::String(s) => {
            let (clean, removed) = markdown::strip_forbidden(&s);
            match removed.first() {
                Some(r) => {
                    first.get_or_insert_with(|| s[r.clone()].to_string());
                    Value::String(clean.into_owned())
                }
                None => Value::String(s),
            }
        }
        Value::Sequence(items) => Value::Sequence(
            items
                .into_iter()
                .map(|v| without_forbidden(v, first))
                .collect(),
        ),
        Value::Mapping(m) => Value::Mapping(
            m.into_iter()
                .map(|(k, v)| (without_forbidden(k, first), without_forbidden(v, first)))
                .collect(),
        ),
        Value::Tagged(mut t) => {
            t.value = without_forbidden(t.value, first);
            Value::Tagged(t)
        }
        other => other,
    }
}

fn list_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Sequence(s) => s.clone(),
        _ => Vec::new(),
    }
}

/// The items of `learnings` or `action_items`: a single text is a list of one, as it is for
/// every list of texts.
fn one_or_list(v: &Value) -> Vec<Value> {
    match v {
        Value::String(_) => vec![v.clone()],
        _ => list_items(v),
    }
}

/// Scalars as text: strings as written, numbers and booleans printed.
fn yaml_scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => yaml_scalar_string(&t.value),
        _ => None,
    }
}

/// The texts of a list that are not empty, the items that are no text (their index and
/// value), and the indexes of the empty texts.
type Texts<'a> = (Vec<String>, Vec<(usize, &'a Value)>, Vec<usize>);

/// A list of texts, the items that are none, and the empty ones (`""`, left out); a single
/// text is accepted as a list of one, and `a, b` is split. `None` when `v` is neither a list
/// nor a text.
fn string_list(v: &Value) -> Option<Texts<'_>> {
    match v {
        Value::Null => Some((Vec::new(), Vec::new(), Vec::new())),
        Value::Sequence(items) => {
            let mut texts = Vec::with_capacity(items.len());
            let (mut bad, mut empty) = (Vec::new(), Vec::new());
            for (i, item) in items.iter().enumerate() {
                match yaml_scalar_string(item) {
                    Some(s) if s.is_empty() => empty.push(i),
                    Some(s) => texts.push(s),
                    None => bad.push((i, item)),
                }
            }
            Some((texts, bad, empty))
        }
        other => yaml_scalar_string(other).map(|s| {
            let texts = s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            (texts, Vec::new(), Vec::new())
        }),
    }
}

/// A `wrong-type` error for each of `keys` of an item's mapping whose value is a list or a
/// mapping where a text is expected (`owner: {name: a}`), at the value; `item` says what the
/// item is ("an action item"). Returns those keys, which the item is read without.
fn nested_not_texts(
    m: &serde_yaml::Mapping,
    keys: &[&'static str],
    item: &str,
    pos: &ItemPos,
    format: Format,
    file: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<&'static str> {
    let mut bad = Vec::new();
    for &k in keys {
        let Some(v) = m.get(k) else { continue };
        if matches!(v, Value::Null) || yaml_scalar_string(v).is_some() {
            continue;
        }
        let (vl, vc) = pos.value(k);
        problems.push(
            Diagnostic::error(
                "wrong-type",
                file,
                format!("`{k}` of {item} should be a text, found {}", describe(v)),
            )
            .at(vl, vc)
            .hint(match format {
                Format::Yaml => format!(
                    "write one text after `{k}:`; quote a text that holds `[`, `{{` or `: `"
                ),
                Format::Toml => format!("write one quoted text after `{k} =`"),
            }),
        );
        bad.push(k);
    }
    bad
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Where each entry of the list of texts under the top-level key on file line `key_line` is
/// written: the `- ` items of a block list, the entries of a flow list (`[a, "b, c"]`, over
/// several lines if need be), or the comma-separated parts of a text (`a, b`).
fn entry_positions(lines: &[&str], key_line: usize, yaml_line: usize) -> Vec<(usize, usize)> {
    let index = key_line - yaml_line;
    let Some(l) = lines.get(index) else {
        return Vec::new();
    };
    let Some(colon) = l.find(':') else {
        return Vec::new();
    };
    let value = colon + 1 + (l[colon + 1..].len() - l[colon + 1..].trim_start().len());
    let rest = l[value..].trim_end();
    if rest.is_empty() || rest.starts_with('#') {
        return item_positions(lines, key_line, yaml_line)
            .iter()
            .map(ItemPos::at)
            .collect();
    }
    if !rest.starts_with('[') {
        let mut out = Vec::new();
        let mut from = value;
        for part in rest.split(',') {
            let lead = part.len() - part.trim_start().len();
            if !part.trim().is_empty() {
                out.push((key_line, column_of(l, from + lead)));
            }
            from += part.len() + 1;
        }
        return out;
    }
    // A flow list: an entry starts at the first character after `[` or after a `,` of the
    // list itself (not of a quoted text, nor of a list or mapping inside it).
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut expect = false;
    for (i, l) in lines.iter().enumerate().skip(index) {
        let from = if i == index { value } else { 0 };
        let mut prev = ' ';
        let mut chars = l[from..].char_indices();
        while let Some((j, c)) = chars.next() {
            let at = from + j;
            if let Some(q) = quote {
                if q == '"' && c == '\\' || q == '\'' && c == q && l[at + 1..].starts_with(q) {
                    // An escaped character: `\"` in double quotes, `''` in single ones.
                    chars.next();
                } else if c == q {
                    quote = None;
                }
                prev = c;
                continue;
            }
            if c == '#' && prev.is_whitespace() {
                break;
            }
            prev = c;
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth == 1 {
                        expect = true;
                        continue;
                    }
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return out;
                    }
                }
                ',' if depth == 1 => {
                    expect = true;
                    continue;
                }
                _ => {}
            }
            if expect && !c.is_whitespace() {
                out.push((i + yaml_line, column_of(l, at)));
                expect = false;
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    out
}

/// Line (in the file) and column of a top-level key.
fn key_position(lines: &[&str], key: &str, yaml_line: usize) -> (usize, usize) {
    for (i, l) in lines.iter().enumerate() {
        let unquoted = l
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix('"'));
        let rest = l.strip_prefix(key).or(unquoted);
        if let Some(rest) = rest {
            if rest.trim_start().starts_with(':') {
                return (i + yaml_line, 1);
            }
        }
    }
    (yaml_line, 1)
}

/// Where one `- ` item of a block list is written, and where each key of its mapping and
/// each key's value are: what findings about the item, or about a key nested in it, point at.
/// Lines are lines of the file; columns count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ItemPos {
    /// Line of the item's `- `.
    line: usize,
    /// Column of the item's content after `- ` (of the `-` when the content starts on a later
    /// line).
    column: usize,
    /// Each key of its block mapping, in order.
    keys: Vec<KeyPos>,
}

/// A key of an item's mapping and where it and its value are written (its value's position is
/// the key's own when the value is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyPos {
    key: String,
    at: (usize, usize),
    value: (usize, usize),
}

impl ItemPos {
    /// An item whose lines are unknown (in a flow list, `[a, b]`): the list key's line.
    fn on_key_line(line: usize) -> ItemPos {
        ItemPos {
            line,
            column: 1,
            keys: Vec::new(),
        }
    }

    fn at(&self) -> (usize, usize) {
        (self.line, self.column)
    }

    /// Where `key` is written; the item when it is not found (a flow mapping, `{a: b}`).
    fn key(&self, key: &str) -> (usize, usize) {
        self.keys
            .iter()
            .find(|k| k.key == key)
            .map_or(self.at(), |k| k.at)
    }

    /// Where the value of `key` is written; else as [`ItemPos::key`].
    fn value(&self, key: &str) -> (usize, usize) {
        self.keys
            .iter()
            .find(|k| k.key == key)
            .map_or(self.at(), |k| k.value)
    }
}

/// 1-based column of byte `at` of `line`.
fn column_of(line: &str, at: usize) -> usize {
    line[..at].chars().count() + 1
}

/// The `- ` items of the block list under the top-level key on file line `key_line`, with the
/// keys of each item's mapping. A flow list (`[a, b]`) has no item lines: nothing is returned
/// and its items are placed on the key's line.
fn item_positions(lines: &[&str], key_line: usize, yaml_line: usize) -> Vec<ItemPos> {
    let start = key_line + 1 - yaml_line; // index of the line after the key
                                          // (line index, byte of the `-`) of each item, and the index of the line after the list.
    let mut dashes: Vec<(usize, usize)> = Vec::new();
    let mut end = lines.len();
    let mut indent: Option<usize> = None;
    for (i, l) in lines.iter().enumerate().skip(start) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let lead = l.len() - t.len();
        let dash = t == "-" || t.starts_with("- ");
        if lead == 0 && !dash {
            end = i;
            break;
        }
        if dash {
            match indent {
                None => indent = Some(lead),
                Some(ind) if lead < ind => {
                    end = i;
                    break;
                }
                _ => {}
            }
            if Some(lead) == indent {
                dashes.push((i, lead));
            }
        }
    }
    dashes
        .iter()
        .enumerate()
        .map(|(n, &(i, dash))| {
            let to = dashes.get(n + 1).map_or(end, |&(next, _)| next);
            item_position(&lines[..to], i, dash, yaml_line)
        })
        .collect()
}

/// The position of the item whose `-` is byte `dash` of line index `first`, and of the keys
/// of its block mapping, which ends with `lines`. The keys are the lines at the indentation of
/// the mapping's first key, whether that key is on the dash line (`- text: ...`) or on the
/// next one; deeper lines are values, comments and blank lines are skipped.
fn item_position(lines: &[&str], first: usize, dash: usize, yaml_line: usize) -> ItemPos {
    let l = lines[first];
    let after = &l[dash + 1..];
    let content = dash + 1 + (after.len() - after.trim_start().len());
    let mut pos = ItemPos {
        line: first + yaml_line,
        column: column_of(l, dash),
        keys: Vec::new(),
    };
    // The indentation of the mapping's keys, and the key still waiting for a value that is
    // written on a later line.
    let mut key_indent = None;
    let mut waiting: Option<usize> = None;
    let rest = l[content..].trim_end();
    if !rest.is_empty() && !rest.starts_with('#') {
        pos.column = column_of(l, content);
        key_indent = Some(content);
        waiting = read_key(&mut pos, l, first + yaml_line, content);
    }
    for (i, l) in lines.iter().enumerate().skip(first + 1) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let lead = l.len() - t.len();
        let indent = *key_indent.get_or_insert(lead);
        if let Some(k) = waiting.take() {
            // A value on the lines under its key: deeper, or a list at the key's indentation.
            if lead > indent || (lead == indent && (t == "-" || t.starts_with("- "))) {
                pos.keys[k].value = (i + yaml_line, column_of(l, lead));
            }
        }
        if lead == indent {
            waiting = read_key(&mut pos, l, i + yaml_line, lead);
        }
    }
    pos
}

/// Reads a `key: value` that starts at byte `at` of `line` into `pos`. Returns the index of
/// the key when its value is not on this line.
fn read_key(pos: &mut ItemPos, line: &str, line_no: usize, at: usize) -> Option<usize> {
    let s = &line[at..];
    let (key, after) = match s.chars().next()? {
        q @ ('"' | '\'') => {
            // A quoted key ends at the next lone quote (`''` is a quote inside single quotes,
            // `\"` inside double ones).
            let body = &s[1..];
            let mut end = None;
            let mut chars = body.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        end = Some(i);
                        break;
                    }
                }
            }
            let end = end?;
            let key = if q == '\'' {
                body[..end].replace("''", "'")
            } else {
                body[..end].replace("\\\"", "\"")
            };
            (key, 1 + end + 1)
        }
        // Flow collections, block scalars, anchors, tags, aliases, complex keys: no key to
        // read here.
        '{' | '[' | '|' | '>' | '&' | '*' | '!' | '?' | '#' | '%' | '@' | '`' => return None,
        '-' if s == "-" || s.starts_with("- ") => return None,
        _ => {
            // A plain key ends at the first `:` followed by a space or the end of the line.
            let colon = s
                .char_indices()
                .find(|&(i, c)| {
                    c == ':' && s[i + 1..].chars().next().is_none_or(char::is_whitespace)
                })
                .map(|(i, _)| i)?;
            if s[..colon].contains(" #") {
                return None;
            }
            (s[..colon].trim_end().to_string(), colon)
        }
    };
    let rest = s[after..].trim_start();
    let rest = rest.strip_prefix(':')?;
    if key.is_empty() || !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let key_at = (line_no, column_of(line, at));
    let value = rest.trim_start();
    let waiting = value.is_empty() || value.starts_with('#');
    let value_at = if waiting {
        key_at
    } else {
        (line_no, column_of(line, line.len() - value.len()))
    };
    pos.keys.push(KeyPos {
        key,
        at: key_at,
        value: value_at,
    });
    waiting.then(|| pos.keys.len() - 1)
}

/// Dates as authors write them: `2024-03-01`, also with a time after it. The year has four
/// digits and is 1970 or later: `24-03-01` would be the year 24 (chrono reads any number of
/// digits), and `0024-03-01` is a mistyped year, not an incident of the first century.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !four_digit_year(s) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| parse_datetime(s).map(|t| t.date_naive()))
}

/// Whether `s` starts with a year of four digits, 1970 or later, and a `-`.
fn four_digit_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && s[..4] >= *"1970"
}

/// Date-times: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` taken as UTC, or a date alone (midnight UTC),
/// with a year as [`parse_date`] wants it.
pub fn parse_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if !four_digit_year(s) {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), f) {
            return Some(t.and_utc().with_timezone(&utc));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc().with_timezone(&utc))
}

/// How to mend a line of front matter that a tab indents, by what the line holds: a list
/// entry is indented by spaces, and a key of the front matter (`severity:`) by none.
fn tab_hint(line: &str) -> String {
    let rest = line.trim_start();
    if rest.starts_with('-') {
        return "replace the tab with spaces: a list entry is indented by spaces (`tags:` then `  - a`, two spaces before the dash)".into();
    }
    match rest.split_once(':') {
        Some((key, _)) if !key.is_empty() && !key.contains(char::is_whitespace) => format!(
            "replace the tab with spaces: `{key}:` starts at the beginning of the line if it is a key of the front matter, or under the list entry it belongs to, indented by spaces as the entry's first key is"
        ),
        _ => "replace the tab with spaces: YAML indents with spaces only".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_fences_is_all_body() {
        let s = split("# Title\n", "a.md").unwrap();
        assert!(s.front.is_none());
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn the_body_starts_after_the_closing_fence() {
        let s = split("---\ntitle: x\n---\n# T\n", "a.md").unwrap();
        assert_eq!(s.front, Some("title: x\n"));
        assert_eq!(s.body, "# T\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn an_unclosed_fence_is_an_error_at_line_one() {
        let e = split("---\ntitle: x\n", "a.md").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.hint.starts_with("end the front matter"), "{}", e.hint);
    }

    #[test]
    fn another_tool_s_word_for_an_action_item_key_is_suggested_and_an_owner_so_written_is_no_missing_owner(
    ) {
        let yaml = "title: T\naction_items:\n  - text: Add an alert\n    assignee: sre\n    deadline: 2024-05-01\n    jira: OPS-1\n";
        let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        let hints: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.message.as_str(), p.hint.as_str()))
            .collect();
        assert_eq!(hints.len(), 3, "{problems:?}");
        assert!(
            hints[2].0.contains("`jira`") && hints[2].1.starts_with("did you mean `ticket`?"),
            "{hints:?}"
        );
        assert!(
            hints[0].0.contains("`assignee`") && hints[0].1.starts_with("did you mean `owner`?"),
            "{hints:?}"
        );
        assert!(
            hints[1].0.contains("`deadline`") && hints[1].1.starts_with("did you mean `due`?"),
            "{hints:?}"
        );
        assert!(fm.action_items.unwrap()[0].owner_reported);
    }

    #[test]
    fn front_matter_closed_by_a_rule_of_the_text_says_its_fence_is_missing_and_where_it_goes() {
        let yaml = "title: Queue\ndate: 2026-11-20\n\n# Queue backlog\n\nThe queue backed up.\n\n";
        let (_, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!((p.line, p.column), (5, 1), "{p:?}");
        assert!(
            p.message
                .contains("line 5 (`# Queue backlog`) is text, not a key")
                && p.message.contains("a `---` of the text (line 9) closed it"),
            "{}",
            p.message
        );
        assert_eq!(
            p.hint,
            "put a line that holds only `---` after line 3 (`date: 2026-11-20`), where the keys seem to end"
        );
        // Comments after the keys and a mistake of YAML's own are no missing fence.
        let (_, problems) = parse(
            "title: Queue\n# a comment\ntags: [a\n",
            2,
            "a.md",
            INCIDENT_KEYS,
        );
        assert!(
            !problems[0].message.contains("seems to be missing"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_date_written_another_way_gives_the_days_it_may_mean() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let nov20 = vec![day(2026, 11, 20)];
        for written in [
            "20-11-2026",
            "20/11/2026",
            "20 Nov 2026",
            "Nov 20 2026",
            "November 20, 2026",
            "20 November 2026",
        ] {
            assert_eq!(date_meant(written), nov20, "{written}");
        }
        assert_eq!(date_meant("04-05-2026"), [day(2026, 5, 4), day(2026, 4, 5)]);
        assert_eq!(date_meant("yesterday"), []);
        assert_eq!(date_meant("Nov 40 2026"), []);
    }

    #[test]
    fn an_unclosed_fence_names_the_line_its_keys_seem_to_end_on() {
        let hint = |text: &str| split(text, "a.md").unwrap_err().hint;
        let yaml = "---\n# Comment\ntitle: Queue\ntags:\n  - queue\n- kafka\nsummary: >\n  It backed up.\n\n# Queue backlog\n\nThe queue: it backed up.\n";
        assert!(
            hint(yaml).starts_with("the keys seem to end on line 8 (`It backed up.`)"),
            "{}",
            hint(yaml)
        );
        let toml =
            "+++\ntitle = \"Queue\"\n[[action_items]]\ntext = \"Alert\"\n\nThe queue backed up.\n";
        assert!(
            hint(toml).starts_with("the keys seem to end on line 4 (`text = \"Alert\"`)"),
            "{}",
            hint(toml)
        );
        // A text that starts at once names no end of keys.
        assert!(hint("---\nThe queue backed up.\n").starts_with("end the front matter"));
    }

    /// The one problem of front matter `yaml` (from line 2 of its file), a `yaml-invalid`
    /// error at `at`.
    fn the_yaml_error_at(yaml: &str, at: (usize, usize)) -> Diagnostic {
        let (_, mut problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        assert_eq!(problems.len(), 1, "{yaml:?}: {problems:?}");
        let p = problems.remove(0);
        assert_eq!(
            (p.rule, p.line, p.column),
            ("yaml-invalid", at.0, at.1),
            "{yaml:?}"
        );
        p
    }

    #[test]
    fn a_tab_that_indents_yaml_is_named_at_its_line_and_column_with_spaces_as_the_fix() {
        for (yaml, at, says) in [
            ("title: ok\ntags:\n\t- a\n", (4, 1), "two spaces before the dash"),
            ("title: ok\ntags:\n  - a\n \t- b\n", (5, 2), "two spaces before the dash"),
            (
                "title: ok\nlearnings:\n  - text: x\n\t  id: y\n",
                (5, 1),
                "`id:` starts at the beginning of the line if it is a key of the front matter, or under the list entry",
            ),
            // A top-level key after a list: no dash to indent.
            (
                "tags: a, b\n\tseverity: sev2\n",
                (3, 1),
                "`severity:` starts at the beginning of the line",
            ),
        ] {
            let p = &the_yaml_error_at(yaml, at);
            assert_eq!(
                p.message,
                format!(
                    "invalid YAML front matter: a tab indents line {}, and YAML indents with spaces only",
                    at.0
                )
            );
            assert!(p.hint.contains("replace the tab with spaces"), "{}", p.hint);
            assert!(p.hint.contains(says), "{}", p.hint);
        }
        // A tab after a colon is YAML's own, and a mistake elsewhere is no tab's.
        let (fm, problems) = parse("title:\tok\n", 2, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.title.as_deref(), Some("ok"));
        let (_, problems) = parse(
            "title: ok\ntags: [a, b\nseverity: SEV1\n",
            2,
            "a.md",
            INCIDENT_KEYS,
        );
        assert!(!problems[0].message.contains("tab"), "{problems:?}");
    }

    #[test]
    fn a_key_written_twice_is_named_at_its_second_line_with_both_lines_and_one_to_delete() {
        for (yaml, key, lines, at) in [
            (
                "title: ok\nseverity: SEV2\nseverity: SEV3\n",
                "severity",
                (3, 4),
                (4, 1),
            ),
            (
                "title: ok\naction_items:\n  - text: a\n    owner: x\n\n    owner: y\n",
                "owner",
                (5, 7),
                (7, 5),
            ),
            (
                "title: ok\n\"tags\": [a]\nservices: [b]\ntags: [c]\n",
                "tags",
                (3, 5),
                (5, 1),
            ),
        ] {
            let p = &the_yaml_error_at(yaml, at);
            assert_eq!(
                p.message,
                format!(
                    "invalid YAML front matter: the key `{key}` is written twice, on lines {} and {}, and YAML reads no front matter with a key written twice",
                    lines.0, lines.1
                )
            );
            assert!(
                p.hint.starts_with(&format!("keep one `{key}:` line")),
                "{}",
                p.hint
            );
        }
        // The same key in two items is no key written twice.
        let (_, problems) = parse(
            "action_items:\n  - text: a\n    owner: x\n  - text: b\n    owner: y\n",
            2,
            "a.md",
            INCIDENT_KEYS,
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn invalid_yaml_is_reported_at_its_line_in_the_file() {
        let text = "---\ntitle: ok\ntags: [a, b\nseverity: SEV1\n---\n";
        let s = split(text, "a.md").unwrap();
        let (_, problems) = parse(s.front.unwrap(), s.front_line, "a.md", INCIDENT_KEYS);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rule, "yaml-invalid");
        assert!(problems[0].line >= 3, "line {}", problems[0].line);
    }

    #[test]
    fn every_bad_field_is_reported_not_only_the_first() {
        let yaml = "titel: x\ndate: 2024-13-01\nstatus: finished\ntags: 3\n";
        let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        let rules: Vec<_> = problems.iter().map(|p| (p.rule, p.line)).collect();
        assert_eq!(
            rules,
            vec![("unknown-key", 2), ("bad-date", 3), ("unknown-status", 4)]
        );
        assert!(problems[0].hint.contains("title"));
        // A number is accepted as a one-item list of text.
        assert_eq!(fm.tags, Some(vec!["3".to_string()]));
    }

    #[test]
    fn learnings_and_action_items_accept_texts_and_mappings() {
        let yaml = "learnings:\n  - Plain text\n  - text: Labelled\n    id: alert-on-symptoms\naction_items:\n  - Fix it\n  - text: Add alert\n    owner: sre\n    status: completed\n    due: 2024-02-01\n";
        let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        let l = fm.learnings.unwrap();
        assert_eq!(l[1].id.as_deref(), Some("alert-on-symptoms"));
        assert_eq!(l[1].line, 4);
        let a = fm.action_items.unwrap();
        assert_eq!(a[1].status, Some(ActionStatus::Done));
        assert_eq!(a[1].owner.as_deref(), Some("sre"));
        assert_eq!(a[1].line, 8);
    }

    #[test]
    fn problems_in_keys_nested_in_list_items_are_reported_at_the_nested_key_or_value() {
        // File lines: the YAML starts on line 2.
        let yaml = "\
learnings:
  - text: Alerts need owners
    idd: alert-owners
  -
    # a comment between the dash and the keys
    text: Labelled

    id: alert-on-symptoms
action_items:
- text: Add alert
  ownr: sre
  status: doen
  due: 2021-13-01
-   text: Document it
    \"stauts\": done
    owner: ''
    learning: alert-on-symptoms
- {text: Flow item, ownr: x}
";
        let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        let at: Vec<_> = problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect();
        assert_eq!(
            at,
            vec![
                ("unknown-key", 4, 5),
                ("unknown-key", 12, 3),
                ("unknown-status", 13, 11),
                ("bad-date", 14, 8),
                ("unknown-key", 16, 5),
                // A flow mapping's keys are not located: its item is.
                ("unknown-key", 19, 3),
            ],
            "{problems:#?}"
        );
        assert!(problems[0].hint.contains("`id`"), "{}", problems[0].hint);
        assert!(problems[1].hint.contains("`owner`"), "{}", problems[1].hint);
        assert!(
            problems[4].hint.contains("`status`"),
            "{}",
            problems[4].hint
        );
        let l = fm.learnings.unwrap();
        assert_eq!((l[1].line, l[1].id_at), (5, (9, 9)));
        let a = fm.action_items.unwrap();
        // No owner key: the item; an empty owner: its key; a learning: its value.
        assert_eq!((a[0].line, a[0].owner_at), (11, (11, 3)));
        assert_eq!((a[1].line, a[1].owner_at), (15, (17, 12)));
        assert_eq!(a[1].learning_at, (18, 15));
    }

    #[test]
    fn times_without_offsets_are_utc() {
        let t = parse_datetime("2024-03-01 14:05").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-03-01T14:05:00+00:00");
    }

    #[test]
    fn each_entry_of_a_list_of_texts_is_located_in_flow_block_and_comma_forms() {
        let yaml = "\
aliases: [PM2024-1, /old/a/, \"old, thing\", 'it''s']
tags:
  - db
  -   disk # full
related: PM1,  PM2
services: [
    api, \"web\"  # the front end
  , batch]
";
        let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        let at = |key: &str, n: usize| (0..n).map(|i| fm.entry_at(key, i)).collect::<Vec<_>>();
        assert_eq!(at("aliases", 4), [(2, 11), (2, 21), (2, 30), (2, 44)]);
        assert_eq!(at("tags", 2), [(4, 5), (5, 7)]);
        assert_eq!(at("related", 2), [(6, 10), (6, 16)]);
        assert_eq!(at("services", 3), [(8, 5), (8, 10), (9, 5)]);
        // An entry that cannot be located falls back to the key's line.
        assert_eq!(fm.entry_at("aliases", 9), (2, 1));
    }

    #[test]
    fn front_matter_after_blank_lines_is_read_where_it_is_written() {
        let s = split(
            "\n \n---\nid: INC-5\nseverity: SEV2\n---\n\n## Summary\n",
            "a.md",
        )
        .unwrap();
        assert_eq!(s.front, Some("id: INC-5\nseverity: SEV2\n"));
        assert_eq!(
            (s.front_line, s.body, s.body_line),
            (4, "\n## Summary\n", 7)
        );
        let (fm, problems) = parse(s.front.unwrap(), s.front_line, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.severity.as_deref(), Some("SEV2"));
        assert_eq!(fm.entry_at("severity", 0).0, 5);
    }

    #[test]
    fn a_rule_after_a_blank_line_is_markdown_and_an_unclosed_one_no_error() {
        for text in [
            "\n---\nSome prose: with a colon later.\n---\n",
            "\n---\n# Title\n\nText.\n---\n",
            "\n---\nid: x\nnever closed\n",
        ] {
            let s = split(text, "a.md").unwrap();
            assert_eq!((s.front, s.body), (None, text), "{text:?}");
        }
    }

    #[test]
    fn a_file_that_opens_with_plus_signs_has_toml_front_matter_up_to_the_next_such_line() {
        let s = split("+++\ntitle = \"x\"\n---\n+++\n# T\n", "a.md").unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front, Some("title = \"x\"\n---\n"));
        assert_eq!((s.front_line, s.body, s.body_line), (2, "# T\n", 5));
    }

    #[test]
    fn an_unclosed_toml_fence_is_an_error_at_line_one_that_names_it() {
        let e = split("+++\ntitle = \"x\"\n---\n", "a.md").unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml-invalid", 1, 1));
        assert!(e.message.contains("`+++`"), "{}", e.message);
        assert!(e.hint.contains("`+++`"), "{}", e.hint);
    }

    #[test]
    fn toml_front_matter_reads_into_the_same_fields_as_yaml() {
        let yaml = "\
id: PM2024-007
title: Hugo style
date: 2024-03-01
severity: SEV1
status: published
tags: [dns, hugo]
services: api, web
started_at: 2024-03-01T10:00:00Z
resolved_at: 2024-03-01 11:30
learnings:
  - Plain text
  - text: Labelled
    id: alert-on-symptoms
action_items:
  - text: Add alert
    owner: sre
    status: done
    due: 2024-04-01
    learning: alert-on-symptoms
";
        let toml = "\
id = \"PM2024-007\"
title = \"Hugo style\"
date = 2024-03-01
severity = \"SEV1\"
status = \"published\"
tags = [\"dns\", \"hugo\"]
services = \"api, web\"
started_at = 2024-03-01T10:00:00Z
resolved_at = 2024-03-01T11:30:00
learnings = [\"Plain text\", { text = \"Labelled\", id = \"alert-on-symptoms\" }]

[[action_items]]
text = \"Add alert\"
owner = \"sre\"
status = \"done\"
due = 2024-04-01
learning = \"alert-on-symptoms\"
";
        let (y, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        let (t, problems) = parse_as(Format::Toml, toml, 2, "a.md", INCIDENT_KEYS);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(t.id, y.id);
        assert_eq!(t.title, y.title);
        assert_eq!(t.date, y.date);
        assert_eq!(t.severity, y.severity);
        assert_eq!(t.status, y.status);
        assert_eq!(t.tags, y.tags);
        assert_eq!(t.services, Some(vec!["api".to_string(), "web".to_string()]));
        assert_eq!(t.started_at, y.started_at);
        assert_eq!(t.resolved_at, y.resolved_at);
        let texts = |l: &[LearningEntry]| {
            l.iter()
                .map(|l| (l.text.clone(), l.id.clone()))
                .collect::<Vec<_>>()
        };
        let (yl, tl) = (y.learnings.clone().unwrap(), t.learnings.clone().unwrap());
        assert_eq!(texts(&tl), texts(&yl));
        let (ya, ta) = (
            y.action_items.clone().unwrap(),
            t.action_items.clone().unwrap(),
        );
        assert_eq!(ta.len(), 1);
        assert_eq!(
            (
                &ta[0].text,
                &ta[0].owner,
                ta[0].status,
                ta[0].due,
                &ta[0].learning
            ),
            (
                &ya[0].text,
                &ya[0].owner,
                ya[0].status,
                ya[0].due,
                &ya[0].learning
            )
        );
        // Where things are written in the file, the TOML starting on line 2.
        assert_eq!(t.line_of("severity"), Some(5));
        assert_eq!(t.entry_at("severity", 0), (5, 13));
        assert_eq!(
            (t.entry_at("tags", 0), t.entry_at("tags", 1)),
            ((7, 9), (7, 16))
        );
        assert_eq!(
            (t.entry_at("services", 0), t.entry_at("services", 1)),
            ((8, 13), (8, 18))
        );
        assert_eq!((tl[0].line, tl[1].line, tl[1].id_at), (11, 11, (11, 54)));
        assert_eq!(t.line_of("action_items"), Some(13));
        assert_eq!(
            (ta[0].line, ta[0].owner_at, ta[0].learning_at),
            (13, (15, 9), (18, 12))
        );
    }

    #[test]
    fn problems_in_toml_front_matter_are_reported_where_they_are_written_with_toml_hints() {
        // File lines: the TOML starts on line 2.
        let toml = "\
titel = \"x\"
date = \"2024-13-01\"
tags = [\"a\", [\"b\"]]
summary = [\"not\", \"a text\"]

[[learnings]]
text = \"Alerts need owners\"
idd = \"alert-owners\"

[[action_items]]
text = \"Add alert\"
status = \"doen\"
owner = { name = \"ops\" }
";
        let (_, problems) = parse_as(Format::Toml, toml, 2, "a.md", INCIDENT_KEYS);
        let at: Vec<_> = problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect();
        assert_eq!(
            at,
            vec![
                ("unknown-key", 2, 1),
                ("bad-date", 3, 9),
                ("wrong-type", 4, 14),
                ("wrong-type", 5, 1),
                ("unknown-key", 9, 1),
                ("wrong-type", 14, 9),
                ("unknown-status", 13, 10),
            ],
            "{problems:#?}"
        );
        assert!(
            problems[1].hint.contains("`date = 2024-03-01`"),
            "{}",
            problems[1].hint
        );
        assert!(
            problems[2].hint.contains("`tags = [\"a\", \"b\"]`"),
            "{}",
            problems[2].hint
        );
        assert!(
            problems[3]
                .hint
                .contains("`summary = \"One or two sentences\"`"),
            "{}",
            problems[3].hint
        );
        assert!(
            problems[5].hint.contains("`owner =`"),
            "{}",
            problems[5].hint
        );
    }

    #[test]
    fn invalid_toml_is_reported_at_its_line_in_the_file() {
        let text = "+++\ntitle = \"ok\"\nseverity = SEV1\n+++\n";
        let s = split(text, "a.md").unwrap();
        let (_, problems) = parse_as(
            s.format,
            s.front.unwrap(),
            s.front_line,
            "a.md",
            INCIDENT_KEYS,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].rule, "yaml-invalid");
        assert_eq!(
            (problems[0].line, problems[0].column),
            (3, 12),
            "{problems:?}"
        );
        assert!(
            problems[0].message.contains("TOML"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn capitalised_keys_are_read_as_the_keys_they_spell_in_yaml_and_toml() {
        let yaml = "Title: Disk full\nDate: 2024-03-01\nTags: [disk, db]\nSeverity: SEV2\nServices: api\nStarted_At: 2024-03-01T10:00:00Z\nAction_Items:\n  - Add an alert\n";
        let toml = "Title = \"Disk full\"\nDate = 2024-03-01\nTags = [\"disk\", \"db\"]\nSeverity = \"SEV2\"\nServices = \"api\"\nStarted_At = 2024-03-01T10:00:00Z\nAction_Items = [\"Add an alert\"]\n";
        for (format, text) in [(Format::Yaml, yaml), (Format::Toml, toml)] {
            let (fm, problems) = parse_as(format, text, 2, "a.md", INCIDENT_KEYS);
            assert!(problems.is_empty(), "{format:?}: {problems:?}");
            assert_eq!(fm.title.as_deref(), Some("Disk full"), "{format:?}");
            assert_eq!(fm.date, NaiveDate::from_ymd_opt(2024, 3, 1), "{format:?}");
            assert_eq!(fm.tags, Some(vec!["disk".to_string(), "db".to_string()]));
            assert_eq!(fm.severity.as_deref(), Some("SEV2"));
            assert_eq!(fm.services, Some(vec!["api".to_string()]));
            assert!(fm.started_at.is_some(), "{format:?}");
            assert_eq!(
                fm.action_items.as_ref().map(Vec::len),
                Some(1),
                "{format:?}"
            );
            // Later findings find each field under its own name, where it is written.
            assert_eq!(fm.line_of("title"), Some(2), "{format:?}");
            assert_eq!(fm.entry_at("severity", 0).0, 5, "{format:?}");
            assert_eq!(fm.entry_at("tags", 1).0, 4, "{format:?}");
        }
        // A value of the wrong type is hinted at with the key as Hindsight spells it.
        let (_, problems) = parse("Summary: [a, b]\n", 2, "a.md", INCIDENT_KEYS);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].hint.contains("`summary: "),
            "{}",
            problems[0].hint
        );
    }

    #[test]
    fn a_key_written_twice_in_two_cases_is_reported_where_it_is_ignored_naming_both_places() {
        // The canonical spelling is read, wherever it is written; else the first.
        for (yaml, read, ignored_at, named) in [
            (
                "Title: Big\ntitle: Small\n",
                "Small",
                2,
                "`title` (line 3, column 1)",
            ),
            (
                "title: Small\nTitle: Big\n",
                "Small",
                3,
                "`title` (line 2, column 1)",
            ),
            (
                "TITLE: Small\nTitle: Big\n",
                "Small",
                3,
                "`TITLE` (line 2, column 1)",
            ),
        ] {
            let (fm, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
            assert_eq!(fm.title.as_deref(), Some(read), "{yaml}");
            assert_eq!(problems.len(), 1, "{yaml}: {problems:?}");
            let p = &problems[0];
            assert_eq!((p.rule, p.line, p.column), ("duplicate-key", ignored_at, 1));
            assert!(p.message.contains(named), "{}", p.message);
            assert!(p.hint.contains("spelled `title`"), "{}", p.hint);
            assert_eq!(
                fm.line_of("title"),
                Some(if ignored_at == 2 { 3 } else { 2 })
            );
        }
        let toml = "title = \"Small\"\nTitle = \"Big\"\n";
        let (fm, problems) = parse_as(Format::Toml, toml, 2, "a.md", INCIDENT_KEYS);
        assert_eq!(fm.title.as_deref(), Some("Small"));
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.rule, p.line))
                .collect::<Vec<_>>(),
            [("duplicate-key", 3)]
        );
    }

    #[test]
    fn keys_of_learnings_and_action_items_are_read_whatever_their_case_in_yaml_and_toml() {
        let yaml = "\
learnings:
  - Text: Alerts need owners
    ID: alert-owners
action_items:
  - Text: Add alert
    Owner: sre
    Status: Done
    Due: 2024-02-01
    Learning: alert-owners
";
        let toml = "\
[[learnings]]
Text = \"Alerts need owners\"
ID = \"alert-owners\"

[[action_items]]
Text = \"Add alert\"
Owner = \"sre\"
Status = \"Done\"
Due = 2024-02-01
Learning = \"alert-owners\"
";
        for (format, text, owner_at, learning_at) in [
            (Format::Yaml, yaml, (7, 12), (10, 15)),
            (Format::Toml, toml, (8, 9), (11, 12)),
        ] {
            let (fm, problems) = parse_as(format, text, 2, "a.md", INCIDENT_KEYS);
            assert!(problems.is_empty(), "{format:?}: {problems:?}");
            let l = fm.learnings.unwrap();
            assert_eq!(l[0].text, "Alerts need owners", "{format:?}");
            assert_eq!(l[0].id.as_deref(), Some("alert-owners"), "{format:?}");
            let a = fm.action_items.unwrap();
            assert_eq!(a[0].text, "Add alert", "{format:?}");
            assert_eq!(a[0].owner.as_deref(), Some("sre"), "{format:?}");
            assert_eq!(a[0].status, Some(ActionStatus::Done), "{format:?}");
            assert_eq!(a[0].due, NaiveDate::from_ymd_opt(2024, 2, 1), "{format:?}");
            assert_eq!(a[0].learning.as_deref(), Some("alert-owners"));
            // Later findings are placed where the values are written.
            assert_eq!((a[0].owner_at, a[0].learning_at), (owner_at, learning_at));
        }
    }

    #[test]
    fn a_key_of_a_list_item_written_twice_in_two_cases_is_a_duplicate_key_where_it_is_ignored() {
        let yaml = "\
learnings:
  - Text: Big
    text: Small
action_items:
  - text: Add alert
    owner: sre
    OWNER: ops
";
        let toml = "\
[[learnings]]
Text = \"Big\"
text = \"Small\"

[[action_items]]
text = \"Add alert\"
owner = \"sre\"
OWNER = \"ops\"
";
        for (format, text, expected) in [
            (
                Format::Yaml,
                yaml,
                [(3, 5, "(line 4, column 5)"), (8, 5, "(line 7, column 5)")],
            ),
            (
                Format::Toml,
                toml,
                [(3, 1, "(line 4, column 1)"), (9, 1, "(line 8, column 1)")],
            ),
        ] {
            let (fm, problems) = parse_as(format, text, 2, "a.md", INCIDENT_KEYS);
            let at: Vec<_> = problems
                .iter()
                .map(|p| (p.rule, p.line, p.column))
                .collect();
            assert_eq!(
                at,
                [
                    ("duplicate-key", expected[0].0, expected[0].1),
                    ("duplicate-key", expected[1].0, expected[1].1),
                ],
                "{format:?}: {problems:#?}"
            );
            assert!(
                problems[0].message.starts_with(&format!(
                    "`Text` and `text` {} are one key, `text`",
                    expected[0].2
                )),
                "{}",
                problems[0].message
            );
            assert!(
                problems[1].message.contains(&format!(
                    "`OWNER` and `owner` {} are one key, `owner`",
                    expected[1].2
                )),
                "{}",
                problems[1].message
            );
            assert!(problems[1].hint.contains("spelled `owner`"));
            assert_eq!(fm.learnings.unwrap()[0].text, "Small", "{format:?}");
            assert_eq!(fm.action_items.unwrap()[0].owner.as_deref(), Some("sre"));
        }
    }

    #[test]
    fn a_quote_or_bracket_left_open_is_reported_where_it_opens_with_its_line_closed() {
        let at = |yaml: &str| {
            let (_, problems) = parse(yaml, 2, "a.md", INCIDENT_KEYS);
            assert_eq!(problems.len(), 1, "{problems:?}");
            let p = problems[0].clone();
            (p.line, p.column, p.message, p.hint)
        };
        let (line, col, message, hint) = at("title: \"DB down\ndate: 2024-01-02\nseverity: SEV2\n");
        assert_eq!((line, col), (2, 8), "{message}");
        assert!(message.contains("the string opened by `\"`"), "{message}");
        assert!(hint.contains("`title: \"DB down\"`"), "{hint}");
        let (line, col, message, hint) =
            at("title: DB down\ndate: 2024-01-02\ntags: [db, postgres\nseverity: SEV2\n");
        assert_eq!((line, col), (4, 7), "{message}");
        assert!(message.contains("the list opened by `[`"), "{message}");
        assert!(hint.contains("`tags: [db, postgres]`"), "{hint}");
        // An apostrophe inside a plain value, a closed list and a comment open nothing: the
        // mistake (a key indented under a plain value) is left where YAML found it, and the
        // hint does not call that line the culprit.
        let (line, _, message, hint) = at(
            "title: Don't panic # it's \"fine\nservices: [db]\nsummary: |\n  It's [open\nseverity: SEV2\n  owner: sre\n",
        );
        assert!(line >= 6 && !message.contains("opened by"), "{message}");
        assert!(!hint.contains("on this line"), "{hint}");
    }
}
