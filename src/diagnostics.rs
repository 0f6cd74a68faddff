/*!
Findings about the input: one type for every problem Hindsight reports, whether it stops a
build (error) or only informs the author (warning, info).

Every stage pushes findings into a [`Diagnostics`] collection instead of returning at the
first problem, so one run reports every bad file. Each finding names a rule id, the file
(relative to the site root), a 1-based line and column, what was expected and how to fix it.
Rendering for people uses miette's graphical handler (source line, caret, hint), with the
characters that would drive a terminal (escape sequences, a bell, a NUL) written out as escapes
such as `\x1b`, so that a hostile file cannot rewrite the terminal or the CI log that shows it,
and a line wider than a screen cropped around the finding's column.
*/

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    /// Parses a level name as written in `hindsight.toml`.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        })
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub level: Level,
    /// Path relative to the site root, with `/` separators; empty for a finding about no file
    /// (shown without a location; its line and column are then 1).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

impl Diagnostic {
    pub fn new(rule: &'static str, level: Level, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            level,
            file: file.to_string(),
            line: 1,
            column: 1,
            message: message.into(),
            hint: String::new(),
        }
    }

    pub fn error(rule: &'static str, file: &str, message: impl Into<String>) -> Self {
        Self::new(rule, Level::Error, file, message)
    }

    pub fn warning(rule: &'static str, file: &str, message: impl Into<String>) -> Self {
        Self::new(rule, Level::Warning, file, message)
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line.max(1);
        self.column = column.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }
}

/// A thread-safe collection of findings, sorted on output so that reports are deterministic.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        self.items.lock().expect("diagnostics lock").push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.lock().expect("diagnostics lock").extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .expect("diagnostics lock")
            .iter()
            .any(|d| d.level == Level::Error)
    }

    /// All findings, sorted by file, position and rule; exact duplicates removed.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut v = self.items.into_inner().expect("diagnostics lock");
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
        });
        v.dedup();
        v
    }
}

/// `n` and a noun that takes an `s` in the plural: "1 error", "2 errors".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Counts of findings by level.
pub fn count(ds: &[Diagnostic], level: Level) -> usize {
    ds.iter().filter(|d| d.level == level).count()
}

/// Where characters were left out of a file's lines as it was read (see
/// [`crate::markdown::strip_forbidden`]): a column counted in the text without them is turned
/// back into a column of the file.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    /// (line, column in the text without them of the character they stood before, how many).
    runs: Vec<(usize, usize, usize)>,
}

impl Removed {
    /// From the file's text and the byte ranges left out of it (in order, none holding a line
    /// break).
    pub fn new(text: &str, ranges: &[std::ops::Range<usize>]) -> Self {
        let mut runs = Vec::with_capacity(ranges.len());
        let (mut line, mut line_start, mut scanned) = (1, 0, 0);
        // Characters left out of the current line so far.
        let mut gone = 0;
        for r in ranges {
            for (i, _) in text[scanned..r.start].match_indices('\n') {
                line += 1;
                line_start = scanned + i + 1;
                gone = 0;
            }
            let column = text[line_start..r.start].chars().count() + 1;
            let count = text[r.clone()].chars().count();
            runs.push((line, column - gone, count));
            gone += count;
            scanned = r.start;
        }
        Removed { runs }
    }

    /// The column in the file of `column` of `line` in the text without them.
    pub fn column(&self, line: usize, column: usize) -> usize {
        column
            + self
                .runs
                .iter()
                .filter(|&&(l, c, _)| l == line && c <= column)
                .map(|&(_, _, n)| n)
                .sum::<usize>()
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column); the column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Converts a 1-based (line, column) back to a byte offset in `text`.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_off: usize = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(l.trim_end_matches('\n').len());
            return off + col_off;
        }
        off += l.len();
    }
    text.len()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How a character that would drive a terminal is shown: `\0`, `\x1b`, `\r`, `\u{9b}`; `None`
/// for every other character. Tab and line feed are kept, and a carriage return before a line
/// feed (a CRLF line ending); the other C0 control characters, DEL and the C1 control
/// characters (U+009B is an escape sequence's start to some terminals) are written out.
fn escape_of(c: char, next: Option<char>) -> Option<String> {
    match c {
        '\t' | '\n' => None,
        '\r' if next == Some('\n') => None,
        '\0' => Some("\\0".into()),
        '\r' => Some("\\r".into()),
        '\u{0}'..='\u{1f}' | '\u{7f}' => Some(format!("\\x{:02x}", c as u32)),
        '\u{80}'..='\u{9f}' => Some(format!("\\u{{{:x}}}", c as u32)),
        _ => None,
    }
}

/// `text` with the characters that would drive a terminal written out (see [`escape_of`]), for
/// printing a message, a hint or a file name that may quote the input.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| escape_of(c, None).is_some()) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match escape_of(c, chars.peek().copied()) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out.into()
}

/// Renders findings for people: the style of rustc/miette with the source line and a caret.
/// `root` is where `file` paths are relative to, so the source line can be shown; each file is
/// named from the current folder (see [`path_from`]), so that a terminal or an editor opens it.
pub fn render_human(ds: &[Diagnostic], root: &Path, color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
    use rayon::prelude::*;
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Lines wrap at spaces only: wrapped at a hyphen, an id (`not-having-a-clear-way`), a
    // date (`2019-11-29`) or a flag would be cut in two, and could not be copied whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    // Findings of one file read it once; files render in parallel, and come out in order.
    let ds = named_from(ds, root, None);
    let runs: Vec<&[Diagnostic]> = ds.chunk_by(|a, b| a.file == b.file).collect();
    runs.par_iter()
        .map(|run| {
            // Read as `content::load` reads it: a UTF-16 or UTF-32 file's lines are shown too.
            // Not a symbolic link that leads outside the folders Hindsight reads, whose finding
            // is at the link: what it leads to is never read, nor shown (it may be a key).
            let path = Path::new(&run[0].file);
            let at_link = run.iter().any(|d| d.rule == crate::confine::RULE)
                && path
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink());
            // A compressed SVG's lines are those of the SVG inside, where its findings are.
            let text: Option<std::sync::Arc<Shown>> = (!at_link)
                .then(|| std::fs::read(path).ok())
                .flatten()
                .and_then(|bytes| crate::attachment::readable(path, bytes))
                .map(|bytes| Shown::new(crate::content::text_of(&bytes).into()).into());
            let mut out = String::new();
            for d in run.iter() {
                let report = Report {
                    d,
                    source: text
                        .as_ref()
                        .map(|s| NamedSource::new(printable(&d.file), Window::new(s, d))),
                };
                let _ = handler.render_report(&mut out, &report);
                out.push('\n');
            }
            out
        })
        .collect::<Vec<String>>()
        .concat()
}

struct Report<'a> {
    d: &'a Diagnostic,
    source: Option<miette::NamedSource<Window>>,
}

/// A file's text as it is shown: the characters that would drive a terminal written out (see
/// [`escape_of`]), with where each escape is, so that columns of the file can be found in it.
struct Shown {
    /// The file's text.
    text: std::sync::Arc<str>,
    /// The text shown: `text` itself when nothing in it is escaped.
    shown: std::sync::Arc<str>,
    /// Each escape: (byte offset of its character in `text`, that character's length in bytes,
    /// byte offset of the escape in `shown`, its length), in order.
    escapes: Vec<(usize, usize, usize, usize)>,
    /// The byte offset in `shown` where each line starts.
    lines: Vec<usize>,
}

impl Shown {
    fn new(text: std::sync::Arc<str>) -> Shown {
        let starts = |shown: &str| {
            std::iter::once(0)
                .chain(shown.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        };
        if !text.chars().any(|c| escape_of(c, None).is_some()) {
            return Shown {
                lines: starts(&text),
                shown: text.clone(),
                text,
                escapes: Vec::new(),
            };
        }
        let mut shown = String::with_capacity(text.len() + 16);
        let mut escapes = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match escape_of(c, chars.peek().map(|&(_, n)| n)) {
                Some(e) => {
                    escapes.push((i, c.len_utf8(), shown.len(), e.len()));
                    shown.push_str(&e);
                }
                None => shown.push(c),
            }
        }
        Shown {
            lines: starts(&shown),
            text,
            shown: shown.into(),
            escapes,
        }
    }

    /// Line `index` (from 0) of the text shown, without its line ending; "" past the end.
    fn line(&self, index: usize) -> (usize, &str) {
        let Some(&start) = self.lines.get(index) else {
            return (self.shown.len(), "");
        };
        let end = self
            .lines
            .get(index + 1)
            .map_or(self.shown.len(), |e| e - 1);
        let line = &self.shown[start..end];
        (start, line.strip_suffix('\r').unwrap_or(line))
    }

    /// The offset in the text shown of byte `offset` of the file's text.
    fn shown_offset(&self, offset: usize) -> usize {
        let before = self.escapes.partition_point(|e| e.0 < offset);
        match before.checked_sub(1).map(|i| self.escapes[i]) {
            Some((at, len, shown_at, shown_len)) => {
                shown_at + shown_len + offset.saturating_sub(at + len)
            }
            None => offset,
        }
    }

    /// The bytes of `line` (which starts at `line_start` in the text shown) that take the
    /// terminal columns `from` to `from + room`, on character boundaries and never cutting an
    /// escape (`\x1b`) in two.
    fn columns(
        &self,
        line_start: usize,
        line: &str,
        from: usize,
        room: usize,
    ) -> std::ops::Range<usize> {
        let (mut start, mut end) = (line.len(), line.len());
        let mut col = 0;
        for (i, c) in line.char_indices() {
            if col >= from && start == line.len() {
                start = i;
            }
            col += width(c);
            if col > from + room {
                end = i;
                break;
            }
        }
        let start = start.min(end);
        // An escape is shown whole, or not at all on the side it is cut.
        let escape_at = |i: usize| {
            let k = self
                .escapes
                .partition_point(|e| e.2 + e.3 <= line_start + i);
            self.escapes
                .get(k)
                .filter(|e| e.2 < line_start + i)
                .map(|e| (e.2 - line_start, e.2 + e.3 - line_start))
        };
        let start = escape_at(start).map_or(start, |(s, _)| s);
        let end = escape_at(end).map_or(end, |(_, e)| e.min(line.len()));
        start..end
    }

    /// The characters of the file's text that `range` of the text shown shows (an escape
    /// shows one).
    fn chars_of(&self, range: std::ops::Range<usize>) -> usize {
        let from = self.escapes.partition_point(|e| e.2 < range.start);
        let to = self.escapes.partition_point(|e| e.2 < range.end);
        let extra: usize = self.escapes[from..to].iter().map(|e| e.3 - 1).sum();
        self.shown[range].chars().count() - extra
    }
}

/// The widest a line of the source is shown, in terminal columns: a longer one is cropped
/// around the finding's column, with `…` on each side where it is cut.
const SHOWN_WIDTH: usize = 100;

/// The columns a character takes on a terminal, as miette lays it out (a tab is 4).
fn width(c: char) -> usize {
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// What miette shows of a file for one finding: the finding's line and the line on each side,
/// each cropped to [`SHOWN_WIDTH`] columns around the finding's column, so that a finding at
/// column 382 of a long paragraph shows the words around it, with the caret under them.
/// miette counts the column in the finding's `file:line:column` heading in bytes of what it is
/// given: this gives it in characters of the file, as the finding itself, `--format json` and
/// editors do (`réstore` is column 2 of `é`'s line either way, but not `restore` after it),
/// while the line shown has its escapes.
struct Window {
    /// The lines shown, joined by `\n`.
    text: String,
    /// The index (from 0) in the file of the first line shown.
    first: usize,
    /// Where the finding is in `text`.
    offset: usize,
    /// The finding's column (from 0), in characters of its line in the file.
    column: usize,
}

impl Window {
    fn new(shown: &Shown, d: &Diagnostic) -> Window {
        let at = shown.shown_offset(offset_of(&shown.text, d.line, d.column));
        let index = shown.lines.partition_point(|&s| s <= at).saturating_sub(1);
        let (start, line) = shown.line(index);
        let caret = at.saturating_sub(start).min(line.len());
        let column = shown.chars_of(start..start + caret);
        // The first column shown: the line as it is when it fits, else the columns around
        // the caret, as many after it as before where the line allows.
        let room = SHOWN_WIDTH - 2;
        let total: usize = line.chars().map(width).sum();
        let from = if total <= SHOWN_WIDTH {
            0
        } else {
            let before: usize = line[..caret].chars().map(width).sum();
            before.saturating_sub(room / 2).min(total - room)
        };
        let first = index.saturating_sub(1);
        let mut text = String::new();
        let mut offset = 0;
        for i in first..=index + 1 {
            if i >= shown.lines.len() {
                break;
            }
            if i > first {
                text.push('\n');
            }
            let (line_start, l) = shown.line(i);
            // A line on either side is cut where the finding's is, as far as it reaches.
            let columns: usize = l.chars().map(width).sum();
            let (kept, cut) = if columns <= SHOWN_WIDTH {
                (0..l.len(), false)
            } else {
                let from = from.min(columns.saturating_sub(room));
                (shown.columns(line_start, l, from, room), true)
            };
            let left = if cut && kept.start > 0 { "…" } else { "" };
            if i == index {
                offset = text.len() + left.len() + caret.saturating_sub(kept.start);
            }
            text.push_str(left);
            text.push_str(&l[kept.clone()]);
            if cut && kept.end < l.len() {
                text.push('…');
            }
        }
        Window {
            text,
            first,
            offset,
            column,
        }
    }
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text: &str = &self.text;
        let contents = text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line() + self.first,
            self.column,
            contents.line_count(),
        )))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(&self.d.message))
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = printable(&self.d.message);
        if self.source.is_some() || self.d.file.is_empty() {
            f.write_str(&message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                printable(&self.d.file),
                self.d.line,
                self.d.column,
                message
            )
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.d.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
            Level::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.d.hint.is_empty() {
            None
        } else {
            Some(Box::new(printable(&self.d.hint)))
        }
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let off = self.source.as_ref()?.inner().offset;
        // The heading names the file, line and column; the caret says what is wrong there.
        let label = crate::check::rule(self.d.rule).map_or_else(
            || {
                format!(
                    "{}:{}:{}",
                    printable(&self.d.file),
                    self.d.line,
                    self.d.column
                )
            },
            |r| r.catches.to_string(),
        );
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some(label),
            off,
            0,
        ))))
    }
}

/// A finding's `file` (relative to the root, as every finding names it) as a path from the
/// folder `from`, where whoever reads the finding opens it: the current folder for a terminal,
/// the repository's root for GitHub's annotations. `root` is the root as given (`--root
/// postmortems`, or a full path) and `cwd` the current folder, which a relative `root` or
/// `from` is read from. A file in `from` is named from it (`postmortems/x.md`), any other in
/// full; `/` separates its parts. Empty for a finding about no file.
pub fn path_from(root: &Path, file: &str, cwd: &Path, from: &Path) -> String {
    Namer::new(root, cwd, from).name(file)
}

/// The findings with each file named from `from` (see [`path_from`]), or from the current
/// folder: what `check`, `build` and `new` show.
pub fn named_from(ds: &[Diagnostic], root: &Path, from: Option<&Path>) -> Vec<Diagnostic> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let namer = Namer::new(root, &cwd, from.unwrap_or(&cwd));
    ds.iter()
        .map(|d| Diagnostic {
            file: namer.name(&d.file),
            ..d.clone()
        })
        .collect()
}

/// The root and the folder files are named from, as the file system reads them (`/tmp` may be
/// a link), for the two to be compared once for every finding.
struct Namer {
    root: PathBuf,
    from: PathBuf,
    /// The root in full as given, for a file outside `from`: `/tmp/site`, not what the link
    /// `/tmp` leads to.
    written: PathBuf,
}

impl Namer {
    fn new(root: &Path, cwd: &Path, from: &Path) -> Namer {
        let real = |p: &Path| {
            let p = lexical(&cwd.join(p));
            std::fs::canonicalize(&p).unwrap_or(p)
        };
        Namer {
            root: real(root),
            from: real(from),
            written: lexical(&cwd.join(root)),
        }
    }

    fn name(&self, file: &str) -> String {
        if file.is_empty() {
            return String::new();
        }
        let shown = match lexical(&self.root.join(file)).strip_prefix(&self.from) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => lexical(&self.written.join(file)),
        };
        shown.to_string_lossy().replace('\\', "/")
    }
}

/// `path` with `.` left out and each `..` taking away the part before it, without asking the
/// file system.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Makes a path relative to `root` and uses `/` separators, for messages and exports.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.to_string_lossy().replace('\\', "/")
}

/// The nearest candidate to `word`, for "did you mean" hints: the one the fewest
/// single-character edits away (a swap of two neighbours counts as one; case ignored), when
/// that is at most a third of the word's length (at least one), ties going to the candidate
/// most alike at the start (Jaro-Winkler), then to the first in order; else the candidate that
/// shares a long start with it (`payments-api` for `payment-gateway`), if one is alike enough;
/// else the one candidate the word abbreviates (`certificates` for `certs`: see
/// [`abbreviates`]). A similarity score alone would prefer a long shared start with several changes
/// (`PM2024-003` for `PM2023-044`) over a single typo (`PM2023-004`).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let alike = |c: &str| strsim::jaro_winkler(word, c);
    let by_edits = candidates
        .iter()
        .filter_map(|&c| {
            let distance = strsim::osa_distance(&lower, &c.to_lowercase());
            (distance <= limit).then(|| (distance, alike(c), c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)))
        .map(|(_, _, c)| c);
    by_edits
        .or_else(|| {
            candidates
                .iter()
                .map(|&c| (alike(c), c))
                .filter(|(score, _)| *score > 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
                .map(|(_, c)| c)
        })
        .or_else(|| {
            let mut short = candidates
                .iter()
                .filter(|c| abbreviates(&lower, &c.to_lowercase()));
            match (short.next(), short.next()) {
                (Some(&c), None) => Some(c),
                _ => None,
            }
        })
}

/// Whether `word` is a short form of `full` (both lowercase), as a tag or a key is often
/// shortened: it begins with the same three letters, is shorter, and keeps the rest of its
/// letters in `full`'s order (`certs` of `certificates`, `config` of `configuration`).
fn abbreviates(word: &str, full: &str) -> bool {
    let start: String = word.chars().take(3).collect();
    if start.chars().count() < 3 || word.len() >= full.len() || !full.starts_with(&start) {
        return false;
    }
    let mut rest = full.chars();
    word.chars().all(|w| rest.any(|f| f == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_finding_never_cuts_a_date_or_an_id_at_its_hyphen() {
        // Wherever the wrap falls, `2019-11-29` and the id stay whole on one line.
        for pad in 0..40 {
            let words = "word ".repeat(30) + &"x".repeat(pad);
            let d = Diagnostic::warning(
                "derived",
                "",
                format!("{words} date 2019-11-29 from the text"),
            )
            .hint(format!(
                "{words} cite it with `<!-- hindsight: learning not-having-a-clear-way -->`"
            ));
            let out = render_human(&[d], Path::new("."), false);
            assert!(out.contains("2019-11-29"), "{out}");
            assert!(out.contains("not-having-a-clear-way"), "{out}");
        }
    }

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let text = "ab\ncdé\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(offset_of(text, 2, 3), 5);
    }

    #[test]
    fn columns_of_the_text_without_control_characters_are_given_back_in_the_file() {
        let text = "ab\x1b[31mcd\x07e\nx\x1b[0my";
        let (clean, ranges) = crate::markdown::strip_forbidden(text);
        assert_eq!(clean, "abcde\nxy");
        let r = Removed::new(text, &ranges);
        // a b ESC [ 3 1 m c d BEL e: `c` is column 3 of the text and 8 of the file.
        assert_eq!([1, 2, 3, 4, 5].map(|c| r.column(1, c)), [1, 2, 8, 9, 11]);
        assert_eq!([1, 2].map(|c| r.column(2, c)), [1, 6]);
    }

    #[test]
    fn a_finding_s_file_is_named_from_the_folder_it_is_read_from() {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(cwd.join("repo/postmortems")).unwrap();
        let repo = cwd.join("repo");
        // From the repository, `--root postmortems` (or `./postmortems/`, or its full path).
        for root in [
            PathBuf::from("postmortems"),
            PathBuf::from("./postmortems/"),
            repo.join("postmortems"),
        ] {
            assert_eq!(path_from(&root, "x.md", &repo, &repo), "postmortems/x.md");
            assert_eq!(
                path_from(&root, "x.md", &repo, Path::new(".")),
                "postmortems/x.md"
            );
        }
        assert_eq!(
            path_from(Path::new("."), "content/x.md", &repo, &repo),
            "content/x.md"
        );
        // From a subfolder, for GitHub: from the repository's root all the same.
        let sub = repo.join("postmortems");
        assert_eq!(
            path_from(Path::new("."), "x.md", &sub, &repo),
            "postmortems/x.md"
        );
        assert_eq!(
            path_from(Path::new("."), "x.md", &sub, Path::new("..")),
            "postmortems/x.md"
        );
        // A root outside the folder: the file in full, which opens from anywhere.
        assert_eq!(
            path_from(Path::new("../elsewhere"), "x.md", &repo, &repo),
            cwd.join("elsewhere/x.md")
                .to_string_lossy()
                .replace('\\', "/")
        );
        // Named in full as given, not as a link in it resolves.
        #[cfg(unix)]
        {
            std::fs::create_dir_all(cwd.join("elsewhere")).unwrap();
            std::os::unix::fs::symlink(cwd.join("elsewhere"), cwd.join("link")).unwrap();
            assert_eq!(
                path_from(&cwd.join("link"), "x.md", &repo, &repo),
                cwd.join("link/x.md").to_string_lossy()
            );
        }
        // A finding about no file stays about none.
        assert_eq!(path_from(Path::new("postmortems"), "", &repo, &repo), "");
    }

    #[test]
    fn did_you_mean_suggests_the_nearest_key() {
        assert_eq!(
            did_you_mean("titel", &["title", "date", "tags"]),
            Some("title")
        );
        assert_eq!(did_you_mean("zzzz", &["title", "date"]), None);
    }

    #[test]
    fn did_you_mean_prefers_the_fewest_edits_over_a_longer_shared_start() {
        // Jaro-Winkler alone scores PM2024-003 above PM2023-004 for PM2023-044.
        assert_eq!(
            did_you_mean("PM2023-044", &["PM2024-003", "PM2023-004", "PM2022-001"]),
            Some("PM2023-004")
        );
        assert_eq!(
            did_you_mean("Severity", &["severity", "summary"]),
            Some("severity")
        );
        assert_eq!(did_you_mean("PM2019-777", &["PM2024-003"]), None);
    }

    #[test]
    fn a_short_form_suggests_the_one_word_it_abbreviates() {
        let tags = ["alerting", "certificates", "checkout", "configuration"];
        assert_eq!(did_you_mean("certs", &tags), Some("certificates"));
        assert_eq!(did_you_mean("Config", &tags), Some("configuration"));
        // Two words it could shorten, letters out of order, another start: no guess.
        assert_eq!(
            did_you_mean("certs", &["certificates", "certifications"]),
            None
        );
        assert_eq!(did_you_mean("cerst", &["certificates"]), None);
        assert_eq!(did_you_mean("alrts", &["alerting", "latency"]), None);
        assert_eq!(did_you_mean("ce", &["certificates"]), None);
    }
    #[test]
    fn characters_that_would_drive_a_terminal_are_shown_escaped_with_the_caret_under_them() {
        let dir = tempfile::tempdir().unwrap();
        let line = "Bad \x1b]0;pwned\x07 title\x1b[2J here\0 and\r\u{9b}31m é\x7f done\r\n";
        std::fs::write(dir.path().join("pm.md"), format!("# Title\r\n{line}last\n")).unwrap();
        let shown = "Bad \\x1b]0;pwned\\x07 title\\x1b[2J here\\0 and\\r\\u{9b}31m é\\x7f done";
        // (column in the file, its character: where the caret must stand in the line shown)
        let at = [
            (5, "\\x1b"),
            (14, "\\x07"),
            (16, "title"),
            (30, "\\0"),
            (35, "\\r"),
            (36, "\\u{9b}"),
            (41, "é"),
            (42, "\\x7f"),
            (44, "done"),
        ];
        let ds: Vec<Diagnostic> = at
            .iter()
            .map(|&(column, _)| {
                Diagnostic::warning("control-character", "pm.md", "bad \x1b[31mred")
                    .at(2, column)
                    .hint("a hint with \x07 a bell")
            })
            .collect();
        let out = render_human(&ds, dir.path(), false);
        assert!(
            !out.chars()
                .any(|c| escape_of(c, None).is_some() && c != '\r'),
            "{out:?}"
        );
        assert!(!out.contains('\r'), "{out:?}");
        assert!(out.contains("bad \\x1b[31mred"), "{out}");
        assert!(out.contains("a hint with \\x07 a bell"), "{out}");
        let reports: Vec<&str> = out.split("control-character").skip(1).collect();
        assert_eq!(reports.len(), at.len(), "{out}");
        for (report, (column, under)) in reports.iter().zip(at) {
            assert!(report.contains(&format!("/pm.md:2:{column}]")), "{report}");
            let lines: Vec<&str> = report.lines().collect();
            let source = lines.iter().position(|l| l.ends_with(shown)).expect(report);
            let start = lines[source].chars().count() - shown.chars().count();
            let want = start + shown[..shown.find(under).unwrap()].chars().count();
            let caret = lines[source + 1].chars().position(|c| c == '▲');
            assert_eq!(caret, Some(want), "column {column}:\n{report}");
        }
    }

    #[test]
    fn a_long_line_is_cut_between_escapes_never_inside_one() {
        let dir = tempfile::tempdir().unwrap();
        let line = format!("{}X{}", "\x1b".repeat(200), "\x07".repeat(200));
        std::fs::write(dir.path().join("pm.md"), format!("{line}\n")).unwrap();
        let d = Diagnostic::warning("control-character", "pm.md", "m").at(1, 201);
        let out = render_human(&[d], dir.path(), false);
        let shown = out
            .lines()
            .find_map(|l| l.split_once("1 │ ").map(|(_, s)| s))
            .expect(&out);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let inner = shown.trim_start_matches('…').trim_end_matches('…');
        assert!(
            inner.starts_with("\\x1b") && inner.ends_with("\\x07"),
            "{inner}"
        );
        assert_eq!(inner.replace("\\x1b", "").replace("\\x07", ""), "X");
        assert!(out.contains("/pm.md:1:201]"), "{out}");
    }
}
