/*!
The content graph: incidents, canonical learnings and the two special pages, loaded from the
content folder once and read by every later stage.

`load` walks the folder (following symbolic links, see `walk`) and reads front matter; `parse`
runs the Markdown pass over every body in parallel and fills in what the front matter left out
(see `derive`); then, every heading known, links written for GitHub's heading anchors are led
to Hindsight's ids (`lead_github_fragments`). Only this module and `output` touch the disk.
*/

pub mod derive;
pub mod frontmatter;
pub mod git;
pub mod ignoring;
pub mod template;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{rel_path, Diagnostic, Diagnostics, Level, Removed};
use crate::markdown::{self, Asset, Link, PageLocation, Parsed, Section, SiteLinks, TocEntry};
use derive::DateSource;
pub use frontmatter::{ActionStatus, Status, Visibility};
use frontmatter::{FrontMatter, PathStep};

/// A learning as cited by one incident.
#[derive(Debug, Clone)]
pub struct Learning {
    pub text: String,
    /// The canonical learning the author named, if any (`none`: a lesson of its own, see
    /// [`crate::learnings::NO_LEARNING`]).
    pub canonical: Option<String>,
    /// Where the author named it: a mark's line and column (see [`markdown::Mark`]), else
    /// the learning's own line.
    pub cited_at: (usize, usize),
    /// The learning (canonical or cluster) this is grouped under; set by `learnings`.
    pub group: Option<String>,
    /// How alike it is to the canonical learning it was attached to by similarity.
    pub similarity: Option<f32>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct ActionItem {
    pub text: String,
    pub owner: Option<String>,
    /// `None` when its postmortem records no status: not said to be open, nor done.
    pub status: Option<ActionStatus>,
    pub due: Option<NaiveDate>,
    /// The canonical learning this action is meant to address, as the author wrote it.
    pub learning: Option<String>,
    /// The ticket that tracks it, as written: an id (`PAY-123`) or a URL.
    pub ticket: Option<String>,
    /// Where the author named it (see [`Learning::cited_at`]).
    pub cited_at: (usize, usize),
    /// Where a finding about its owner points: the `owner` written in front matter (empty),
    /// else the item.
    pub owner_at: (usize, usize),
    /// Whether its front matter writes an owner that could not be read, which its own
    /// finding reports (see [`frontmatter::ActionEntry::owner_reported`]).
    pub owner_reported: bool,
    /// The learning (canonical or cluster) this action is grouped under; set by `learnings`.
    pub group: Option<String>,
    pub line: usize,
}

/// One postmortem.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    /// Path relative to the site root, with `/`.
    pub source: String,
    /// Path relative to the content folder.
    pub content_path: String,
    pub title: String,
    /// The links of the first H1 when it left the body as the title: the title is plain text,
    /// the incident page keeps them (see [`markdown::TitleLink`]).
    pub title_links: Vec<markdown::TitleLink>,
    pub date: Option<NaiveDate>,
    pub date_source: DateSource,
    /// The day git last recorded a change to the file (see [`git`]), when the history says.
    pub changed: Option<NaiveDate>,
    pub severity: Option<String>,
    pub status: Status,
    pub visibility: Visibility,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub started_at: Option<DateTime<FixedOffset>>,
    pub detected_at: Option<DateTime<FixedOffset>>,
    pub resolved_at: Option<DateTime<FixedOffset>>,
    /// Times to detect and to resolve the body states in a Stats-like section, read only when
    /// the front matter lacks the timestamps to compute that time from.
    pub stated: derive::StatedTimes,
    /// Where in the body `started_at`, `detected_at` and `resolved_at` were read, for those
    /// derived from it (see [`derive::stated_timestamps`]).
    pub stated_timestamps: derive::StatedTimestamps,
    pub summary: String,
    pub learnings: Vec<Learning>,
    pub action_items: Vec<ActionItem>,
    pub related: Vec<String>,
    pub aliases: Vec<String>,
    /// Fields that were not in the front matter and were derived.
    pub derived: Vec<&'static str>,
    pub has_front_matter: bool,
    pub front_matter: FrontMatter,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub sections: Vec<Section>,
    /// Plain text before the first heading; with `sections` it is the whole text (see
    /// [`Incident::text`]).
    pub preamble: String,
    /// The file as read (front matter included), when `LoadOptions::keep_source` kept it.
    pub source_text: Option<String>,
    pub links: Vec<Link>,
    pub assets: Vec<Asset>,
    /// Anchors besides headings (see [`markdown::Parsed::ids`]).
    pub ids: Vec<String>,
    /// GitHub's anchors of headings, with the ids they lead to (see
    /// [`markdown::Parsed::github_anchors`]).
    pub github_anchors: Vec<(String, String)>,
    /// Heading ids written by the author that the page gave another id (see
    /// [`markdown::RenamedId`]).
    pub renamed_ids: Vec<markdown::RenamedId>,
    /// Images with no alt text (see [`markdown::Parsed::images_without_alt`]).
    pub images_without_alt: Vec<markdown::ImageWithoutAlt>,
    /// What the published page leaves out because it could run a script (see
    /// [`markdown::Parsed::unsafe_html`]).
    pub unsafe_html: Vec<markdown::UnsafeHtml>,
}

impl Incident {
    /// The whole plain text of the body (for search).
    pub fn text(&self) -> String {
        markdown::plain_text(&self.preamble, &self.sections)
    }

    /// Page URL relative to the site root.
    pub fn url(&self) -> String {
        format!("incidents/{}/", self.id)
    }

    /// Published and public: appears in the default build.
    pub fn is_public(&self) -> bool {
        self.status == Status::Published && self.visibility == Visibility::Public
    }

    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        self.date.map(|d| d.year())
    }
}

/// A canonical learning: `learnings/<id>.md`.
#[derive(Debug, Clone)]
pub struct CanonicalLearning {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub source: String,
    pub html: String,
    /// Its text before the first heading and its sections, as an incident's (for search);
    /// empty unless `LoadOptions::keep_text`.
    pub preamble: String,
    pub sections: Vec<Section>,
    pub aliases: Vec<String>,
    /// Line and column of each entry of `aliases` (see [`FrontMatter::entry_at`]).
    pub alias_at: Vec<(usize, usize)>,
    /// Every link of its text, for `check` (see [`Incident::links`]).
    pub links: Vec<Link>,
    /// The images and files its text links to, copied beside its page.
    pub assets: Vec<Asset>,
    /// The anchors its text offers: headings' and raw HTML's ids (for `check`).
    pub anchors: Vec<String>,
    /// GitHub's anchors of its headings, with the ids they lead to (see
    /// [`Incident::github_anchors`]).
    pub github_anchors: Vec<(String, String)>,
    /// Images with no alt text, for `check` (see [`Incident::images_without_alt`]).
    pub images_without_alt: Vec<markdown::ImageWithoutAlt>,
    /// What its page leaves out, for `check` (see [`Incident::unsafe_html`]).
    pub unsafe_html: Vec<markdown::UnsafeHtml>,
}

/// The overview intro (`index.md`) or the reading path (`onboarding.md`).
#[derive(Debug, Clone, Default)]
pub struct SpecialPage {
    pub title: Option<String>,
    pub html: String,
    pub source: String,
    pub path: Vec<PathStep>,
    /// The language of its front matter, which hints about `path` speak.
    pub format: frontmatter::Format,
    /// Every link of its text, for `check` (see [`Incident::links`]).
    pub links: Vec<Link>,
    /// The images and files its text links to, copied into the site (see [`Incident::assets`]).
    pub assets: Vec<Asset>,
    /// The anchors its text offers, for `check` (see [`CanonicalLearning::anchors`]).
    pub anchors: Vec<String>,
    /// GitHub's anchors of its headings, with the ids they lead to (see
    /// [`Incident::github_anchors`]).
    pub github_anchors: Vec<(String, String)>,
    /// Images with no alt text, for `check` (see [`Incident::images_without_alt`]).
    pub images_without_alt: Vec<markdown::ImageWithoutAlt>,
    /// What its page leaves out, for `check` (see [`Incident::unsafe_html`]).
    pub unsafe_html: Vec<markdown::UnsafeHtml>,
}

/// A postmortem that was read but is not built.
#[derive(Debug, Clone)]
pub struct LeftOut {
    pub id: String,
    /// Path relative to the site root, with `/`.
    pub source: String,
    pub status: Status,
    pub visibility: Visibility,
}

/// The id of the postmortem that lists `old` among its old ids, in `old_urls` (see
/// [`Library::old_urls`]).
pub fn renamed<'a>(old_urls: &'a HashMap<String, String>, old: &str) -> Option<&'a str> {
    if old_urls.is_empty() || old.contains('/') {
        return None;
    }
    old_urls
        .get(&format!("incidents/{old}/"))
        .map(String::as_str)
}

/// Why a postmortem of this status and visibility is not on the published site ("a draft",
/// "in review", "internal"), or `None` when it is.
pub fn not_published(status: Status, visibility: Visibility) -> Option<&'static str> {
    match (status, visibility) {
        (Status::Draft, _) => Some("a draft"),
        (Status::Review, _) => Some("in review"),
        (Status::Published, Visibility::Internal) => Some("internal"),
        (Status::Published, Visibility::Public) => None,
    }
}

/// Two ids in natural order: runs of ASCII digits compare as the numbers they write
/// (`PM2021-9` before `PM2021-10`, `INC-2` before `INC-010`), everything else character by
/// character as plain string order does; ids that differ only in leading zeros (`INC-7`,
/// `INC-007`) are then told apart by plain string order, so that only equal ids are equal.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let (m, n) = (digits(x), digits(y));
                let (p, q) = (&x[..m], &y[..n]);
                // Without leading zeros, the longer run is the larger number; of runs as long,
                // the first digit that differs decides.
                fn trim(r: &[u8]) -> &[u8] {
                    &r[r.iter().take_while(|&&c| c == b'0').count()..]
                }
                let (p, q) = (trim(p), trim(q));
                let order = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
                if order != Ordering::Equal {
                    return order;
                }
                (x, y) = (&x[m..], &y[n..]);
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

/// The order of the library's incidents and of every list of them: newest first, undated
/// last; of incidents of one date, the later id first in natural order ([`natural_cmp`]:
/// `PM2021-10` before `PM2021-9`), as the later-filed of two postmortems of one day usually
/// has the later number.
pub fn newest_first<D: Ord>(
    (a_date, a_id): (&D, &str),
    (b_date, b_id): (&D, &str),
) -> std::cmp::Ordering {
    b_date.cmp(a_date).then_with(|| natural_cmp(b_id, a_id))
}

/// The whole knowledge base.
#[derive(Debug, Default)]
pub struct Library {
    /// Incidents, newest first (undated last), the later id first of one date (see
    /// [`newest_first`]).
    pub incidents: Vec<Incident>,
    pub learnings: Vec<CanonicalLearning>,
    pub index: Option<SpecialPage>,
    pub onboarding: Option<SpecialPage>,
    /// Markdown-looking files that are not built (for `check`), from the content folder:
    /// ignored, of another extension, or repository files (a README) below its top.
    pub skipped: Vec<String>,
    /// The indexes of the `ignore` patterns that match no file under the content folder.
    pub unused_ignore: Vec<usize>,
    /// Postmortems that were read but are not built (drafts, in review, internal): what names
    /// them can say why it leads nowhere.
    pub left_out: Vec<LeftOut>,
    /// The old URLs that the `aliases` of every postmortem read (those left out too) stand for,
    /// as paths from the site root (`incidents/PM2019-9/` for the old id `PM2019-9`,
    /// `posts/old/`), each with the id of the postmortem now at it: an old id or URL that
    /// authors still write leads to that postmortem (see [`Library::renamed`]).
    pub old_urls: HashMap<String, String>,
    /// The characters left out of each file as it was read (see [`without_controls`]), by
    /// path from the site root.
    pub removed: HashMap<String, Removed>,
}

impl Library {
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    /// The id of the postmortem that lists `old` among its old ids (`aliases`), whether it is
    /// built or left out.
    pub fn renamed(&self, old: &str) -> Option<&str> {
        renamed(&self.old_urls, old)
    }

    /// The id that `name`, written by an author, stands for: `name` itself when a postmortem
    /// read (built or left out) has it, else the id of the one that lists it among its old ids,
    /// else `name`.
    pub fn current_id<'a>(&'a self, name: &'a str) -> &'a str {
        let read =
            |id: &str| self.incident(id).is_some() || self.left_out.iter().any(|l| l.id == id);
        match self.renamed(name) {
            Some(id) if !read(name) => id,
            _ => name,
        }
    }

    /// Turns the columns of findings, counted in the text without its control characters,
    /// back into columns of the files (see [`without_controls`]).
    pub fn restore_columns(&self, findings: &mut [Diagnostic]) {
        if self.removed.is_empty() {
            return;
        }
        for d in findings {
            // These two are found in the file before anything is left out.
            if matches!(d.rule, "control-character" | "encoding") {
                continue;
            }
            if let Some(r) = self.removed.get(&d.file) {
                d.column = r.column(d.line, d.column);
            }
        }
    }
}

/// A forbidden character as a finding names it: `the control character U+0007 (BEL)`.
fn control_name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = c as u32;
    match code {
        0..=0x1f => format!("the control character U+{code:04X} ({})", C0[code as usize]),
        0x7f => "the control character U+007F (DEL)".to_string(),
        0x80..=0x9f => format!("the control character U+{code:04X}"),
        _ => format!("the noncharacter U+{code:04X}"),
    }
}

/// What a finding calls a run of characters that [`markdown::strip_forbidden`] left out: an
/// ANSI escape sequence, or else its first character.
fn forbidden_name(what: &str) -> String {
    if what.starts_with("\u{1b}[") {
        // The first sequence of the run: up to its final byte (ASCII, see strip_forbidden).
        let end = what
            .bytes()
            .skip(2)
            .position(|b| (0x40..=0x7e).contains(&b))
            .map_or(what.len(), |p| p + 3);
        let seq = &what[1..end];
        let kind = if seq.ends_with('m') {
            "colour"
        } else {
            "control"
        };
        format!("an ANSI escape sequence (`ESC{seq}`, a terminal {kind} code)")
    } else {
        control_name(what.chars().next().unwrap_or_default())
    }
}

/// The text of a file without the characters no page, feed or sitemap may hold (control
/// characters such as an ANSI colour code pasted from a terminal, see
/// [`markdown::strip_forbidden`]), so that every later stage, and every output, reads it
/// clean. Only characters within lines are left out, so line numbers hold; the columns they
/// move are kept in `removed` (see [`Library::restore_columns`]). A warning names the first.
/// A file that starts with a UTF-16 or UTF-32 byte order mark, decoded (see [`decode_bom`]).
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`.
    pub encoding: &'static str,
    /// The units of a UTF-32 file that are no character, each read as U+FFFD: see [`NoChar`].
    pub invalid: Option<NoChar>,
}

/// The units of a UTF-32 file that are no character: a value above U+10FFFF or a surrogate
/// (U+D800 to U+DFFF), or the one to three bytes of a last unit cut short.
#[derive(Debug, PartialEq, Eq)]
pub struct NoChar {
    /// Where the first is read, as a byte offset of [`Decoded::text`].
    pub at: usize,
    /// What the first is, as a finding says it: `the unit 0x00110000 is no character`.
    pub what: String,
    /// How many more there are.
    pub more: usize,
}

/// The text of a file that starts with a UTF-32 byte order mark (`FF FE 00 00`, little-endian,
/// which opens like a UTF-16LE one and is told first; `00 00 FE FF`, big-endian) or a UTF-16
/// one (what Windows PowerShell 5.1's `Out-File` and `>` write), with the name of its
/// encoding; `None` for any other file. The byte order mark is kept, as a UTF-8 one is (front
/// matter is read after it). In UTF-16 an unpaired surrogate, or a last odd byte, is read as
/// U+FFFD; in UTF-32 a unit that is no character too, and it is noted in
/// [`Decoded::invalid`] (`load` reports it).
pub fn decode_bom(bytes: &[u8]) -> Option<Decoded> {
    match bytes {
        [0xff, 0xfe, 0, 0, ..] => return Some(utf32(bytes, true)),
        [0, 0, 0xfe, 0xff, ..] => return Some(utf32(bytes, false)),
        _ => {}
    }
    let (little, encoding) = match bytes {
        [0xff, 0xfe, ..] => (true, "UTF-16LE"),
        [0xfe, 0xff, ..] => (false, "UTF-16BE"),
        _ => return None,
    };
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        // An odd last byte: no character, U+FFFD as a lone surrogate would be.
        _ => 0xd800,
    });
    let text = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some(Decoded {
        text,
        encoding,
        invalid: None,
    })
}

/// A UTF-32 file, byte order mark included: each 4 bytes are the code point of a character.
fn utf32(bytes: &[u8], little: bool) -> Decoded {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut invalid: Option<NoChar> = None;
    for unit in bytes.chunks(4) {
        let c = match *unit {
            [a, b, c, d] => {
                let code = if little {
                    u32::from_le_bytes([a, b, c, d])
                } else {
                    u32::from_be_bytes([a, b, c, d])
                };
                char::from_u32(code).ok_or_else(|| match code {
                    0xd800..=0xdfff => {
                        format!("the unit U+{code:04X} is a surrogate, which is no character")
                    }
                    _ => format!("the unit 0x{code:08X} is no character (the last is U+10FFFF)"),
                })
            }
            [_] => Err("the last byte is no whole character".to_string()),
            _ => Err(format!(
                "the last {} bytes are no whole character",
                unit.len()
            )),
        };
        match c {
            Ok(c) => text.push(c),
            Err(what) => {
                match &mut invalid {
                    Some(n) => n.more += 1,
                    None => {
                        invalid = Some(NoChar {
                            at: text.len(),
                            what,
                            more: 0,
                        })
                    }
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Decoded {
        text,
        encoding: if little { "UTF-32LE" } else { "UTF-32BE" },
        invalid,
    }
}

/// The text of a file as `load` reads it, for what reads a file again (allow comments, the
/// source lines of a finding): UTF-16 or UTF-32 with a byte order mark (see [`decode_bom`]),
/// else UTF-8 with invalid bytes replaced.
pub fn text_of(bytes: &[u8]) -> String {
    match decode_bom(bytes) {
        Some(d) => d.text,
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn without_controls(
    text: String,
    source: &str,
    diags: &Diagnostics,
    removed: &std::sync::Mutex<HashMap<String, Removed>>,
) -> String {
    let (clean, ranges) = markdown::strip_forbidden(&text);
    let Some(first) = ranges.first() else {
        return text;
    };
    let clean = clean.into_owned();
    let (line, column) = crate::diagnostics::line_col(&text, first.start);
    let name = forbidden_name(&text[first.clone()]);
    let more = match ranges.len() {
        1 => "it is left out of the site".to_string(),
        n => format!("it and {} more like it are left out of the site", n - 1),
    };
    diags.push(
        Diagnostic::warning(
            "control-character",
            source,
            format!("{name}, which no web page, feed or sitemap may hold; {more}"),
        )
        .at(line, column)
        .hint(r"delete it (an editor may not show it, but it is at this line and column); `sed -i 's/\x1b\[[0-9;]*[A-Za-z]//g' FILE` removes terminal colour codes from a file"),
    );
    removed
        .lock()
        .expect("removed lock")
        .insert(source.to_string(), Removed::new(&text, &ranges));
    clean
}

/// A warning about the characters no page may hold that character references in the body
/// decoded to (`&#7;`, `&#x1b;[31m`; see [`markdown::Decoded`]), at the first, or `None`.
/// Its column counts the characters [`without_controls`] left out of the line, as an editor does.
fn decoded_controls(
    parsed: &Parsed,
    source: &str,
    removed: Option<&Removed>,
) -> Option<Diagnostic> {
    let first = parsed.decoded.first()?;
    let column = removed.map_or(first.column, |r| r.column(first.line, first.column));
    let more = match parsed.decoded.len() {
        1 => "it is left out of the site".to_string(),
        n => format!("it and {} more like it are left out of the site", n - 1),
    };
    Some(
        Diagnostic::warning(
            "control-character",
            source,
            format!(
                "{}, written as a character reference, which no web page, feed or sitemap may hold; {more}",
                forbidden_name(&first.text)
            ),
        )
        .at(first.line, column)
        .hint("delete the reference (such as `&#7;` or `&#x1b;[31m`); to name the character, write its name (`BEL`, `ESC`)"),
    )
}

/// The kind of a file under the content folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Incident,
    Learning,
    Index,
    Onboarding,
}

struct RawFile {
    kind: Kind,
    path: PathBuf,
    content_path: String,
    source: String,
    text: String,
}

/// Meta files of a repository that are never postmortems.
const META_FILES: &[&str] = &[
    "readme",
    "contributing",
    "changelog",
    "license",
    "licence",
    "code_of_conduct",
    "security",
    "summary",
];

/// Whether a file of this name is a repository file such as a README (see [`META_FILES`]).
pub fn repository_file(name: &str) -> bool {
    let lower = name.to_lowercase();
    META_FILES.contains(&lower.split('.').next().unwrap_or(""))
}

/// Files without an extension that repositories keep for their tools and people, never
/// postmortems whatever they open with: a `# comment` atop a Dockerfile reads like a heading.
const TOOL_FILES: &[&str] = &[
    "authors",
    "berksfile",
    "brewfile",
    "build",
    "capfile",
    "changes",
    "codeowners",
    "containerfile",
    "contributors",
    "copying",
    "dangerfile",
    "dockerfile",
    "earthfile",
    "fastfile",
    "gemfile",
    "gnumakefile",
    "guardfile",
    "history",
    "install",
    "jenkinsfile",
    "justfile",
    "maintainers",
    "makefile",
    "news",
    "notice",
    "owners",
    "patents",
    "pipfile",
    "podfile",
    "procfile",
    "rakefile",
    "sconscript",
    "sconstruct",
    "snakefile",
    "thanks",
    "tiltfile",
    "vagrantfile",
    "workspace",
];

/// A file or folder that a link names, that exists but that `build` does not publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpublished {
    /// "file" or "folder".
    pub what: &'static str,
    /// Why it is not published.
    pub why: String,
    /// How to link it instead.
    pub hint: String,
}

/// The pattern of `ignore` in hindsight.toml that leaves out the file at `rel` (from the
/// content folder, with `/`), matched as the walk matches it (see [`ignoring`]).
pub fn ignored_by<'c>(config: &'c Config, rel: &str) -> Option<&'c str> {
    ignoring::Ignore::new(&config.ignore)
        .matched(rel, false)
        .map(|i| config.ignore[i].as_str())
}

/// Why the file or folder at `path` (from the content folder, as [`markdown::Link::path`]
/// gives it) is not published, when there is one there: the reasons of [`walk`] (a symbolic
/// link out of the folders Hindsight reads, outside the content folder, hidden, in a folder
/// never read, ignored, a repository file such as a README). `None` when nothing is there, or
/// it is above the root.
pub fn unpublished(root: &Path, config: &Config, path: &str) -> Option<Unpublished> {
    let content: Vec<String> = config
        .content_dir
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let mut parts = content.clone();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p.to_string()),
        }
    }
    let from_root = parts.join("/");
    if from_root.is_empty() {
        return None;
    }
    let meta = std::fs::metadata(root.join(&from_root)).ok()?;
    let what = if meta.is_dir() { "folder" } else { "file" };
    let folder = if content.is_empty() {
        "the root".to_string()
    } else {
        format!("`{}/`", content.join("/"))
    };
    let inside = parts.len() > content.len() && parts.starts_with(&content);
    let within = if inside {
        &parts[content.len()..]
    } else {
        &[][..]
    };
    let name = parts.last().map(String::as_str).unwrap_or_default();
    let stem = name.to_lowercase();
    let stem = stem.split('.').next().unwrap_or_default();
    let rel = within.join("/");
    let (why, instead) = if let Some(real) =
        crate::confine::Areas::new(root, config).outside(&root.join(&from_root))
    {
        (
            format!("a symbolic link on its path leads to `{}`, outside the site root, the content folder and the theme, where nothing is read", real.display()),
            "or copy the file into the content folder to publish it".to_string(),
        )
    } else if let Some(rest) = parts
        .split_first()
        .filter(|(first, rest)| {
            *first == crate::render::SITE_FILES
                && !rest.is_empty()
                && content.first() != Some(first)
        })
        .map(|(_, rest)| rest.join("/"))
        .filter(|_| meta.is_file())
    {
        // A file of the site's `static/` is published, at the site's root, not beside the page.
        let base = config.base_path();
        let url = if base.is_empty() {
            format!("/{rest}")
        } else {
            format!("/{base}/{rest}")
        };
        return Some(Unpublished {
            what,
            why: format!("it is in `{}/`, whose files are published as they are at the site's root, this one at `{url}`", crate::render::SITE_FILES),
            hint: format!("link to it where it is published: `{url}`"),
        });
    } else if !inside {
        (
            format!("it is outside the content folder {folder}, and only the content folder is published"),
            format!("or move it under {folder} to publish it"),
        )
    } else if meta.is_dir() {
        (
            "a folder has no page".to_string(),
            "or link to a postmortem in it".to_string(),
        )
    } else if let Some(i) = within.iter().position(|p| p.starts_with('.')) {
        (
            format!(
                "`{}` is hidden, and hidden files and folders are never read",
                within[..=i].join("/")
            ),
            "or move it out of the hidden folder to publish it".to_string(),
        )
    } else if within.len() > 1 && SKIPPED_DIRS.contains(&within[0].as_str()) {
        (
            format!(
                "it is in `{}/`, a folder that is never read as content",
                within[0]
            ),
            format!("or move it out of `{}/` to publish it", within[0]),
        )
    } else if let Some(pattern) = ignored_by(config, &rel) {
        (
            format!("it matches `{pattern}` in `ignore` of hindsight.toml"),
            "or change the `ignore` pattern to publish it".to_string(),
        )
    } else if META_FILES.contains(&stem) && stem == "readme" && within.len() > 1 {
        (
            format!("`{name}` is a repository file here: a README is its folder's postmortem only when it is the one Markdown file of its folder and reads like a postmortem"),
            "or give it a name of its own, if it is a postmortem".to_string(),
        )
    } else if META_FILES.contains(&stem) {
        (
            format!("`{name}` is a repository file (like README, CONTRIBUTING or LICENSE), never a postmortem"),
            "or rename it, if it is a postmortem".to_string(),
        )
    } else if let Some(t) = std::fs::read_to_string(root.join(&from_root))
        .ok()
        .filter(|text| frontmatter::split(text, "").is_ok_and(|s| s.front.is_none()))
        .filter(|_| name.to_lowercase().contains("template"))
        .and_then(|text| template::template(name, &text))
    {
        (
            format!(
                "it is a postmortem template (it has no date, and holds placeholders such as `{}`)",
                t.placeholders[0]
            ),
            "or give it a date, if it is a postmortem".to_string(),
        )
    } else {
        return None;
    };
    let link = if config.repository_url.is_empty() {
        "link to it by an absolute URL, such as its page in the repository (with `repository_url` set in hindsight.toml, this hint names it)".to_string()
    } else {
        format!(
            "link to its page in the repository, {}/{}",
            config.repository_url.trim_end_matches('/'),
            markdown::percent_encode_path(&from_root)
        )
    };
    Some(Unpublished {
        what,
        why,
        hint: format!("{link}; {instead}"),
    })
}

/// The folders at the top of `root` (at most three, by name) that hold postmortems, directly
/// or in a folder of theirs (`postmortems/2024/...`): where the postmortems are, when `root`
/// has no content folder and none of its own. Hidden and skipped folders are none.
fn folders_of_postmortems(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| !never_read(name))
        .filter(|name| {
            let dir = root.join(name);
            holds_postmortems(&dir)
                || std::fs::read_dir(&dir).is_ok_and(|inner| {
                    inner.flatten().any(|e| {
                        let hidden = e.file_name().to_string_lossy().starts_with('.');
                        !hidden && e.path().is_dir() && holds_postmortems(&e.path())
                    })
                })
        })
        .collect();
    found.sort();
    found.truncate(3);
    found
}

/// Whether `dir` holds a Markdown file of its own that is not a README or the like.
pub fn holds_postmortems(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            let markdown = name.ends_with(".md") || name.ends_with(".markdown");
            let stem = name.split('.').next().unwrap_or("");
            markdown && !META_FILES.contains(&stem) && e.path().is_file()
        })
    })
}

/// Folders never searched for content (`templates/` holds what `hindsight new` scaffolds from,
/// `static/` files published as they are).
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "templates",
    "themes",
    "static",
    "vendor",
];

/// Whether the walk never reads a file or folder of this name at the top of the content folder:
/// a hidden one, or one of [`SKIPPED_DIRS`].
pub fn never_read(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Options that change what is loaded.
pub struct LoadOptions<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    /// Output folder (absolute), never read as content.
    pub output: &'a Path,
    pub drafts: bool,
    /// Render each body to HTML (build); `false` only reads them (check, search).
    pub render: bool,
    /// Keep the plain text of each body (build, search); `check` needs only its structure.
    pub keep_text: bool,
    /// Keep the source of each incident for which this returns true, in
    /// [`Incident::source_text`] (`check` keeps those it must scan again, so that no file is
    /// read twice).
    pub keep_source: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
}

/// Loads and parses the whole knowledge base. Problems go to `diags`; what could be read is
/// returned even when some files are bad, so that every problem is found in one run.
pub fn load(opts: &LoadOptions, diags: &Diagnostics) -> Library {
    let content_root = opts.root.join(&opts.config.content_dir);
    let mut lib = Library::default();
    if !content_root.is_dir() {
        let (what, fix) = if content_root.exists() {
            ("is not a folder", "set `content_dir` in hindsight.toml to the folder of postmortems, not a file in it")
        } else {
            (
                "does not exist",
                "create it, or set `content_dir` in hindsight.toml to the folder of postmortems",
            )
        };
        let message = format!("content folder `{}` {what}", content_root.display());
        // At the `content_dir` line that names it; the default folder has no line of its own.
        let finding = match crate::config::key_in_file(opts.root, "content_dir") {
            Some((line, column)) => {
                Diagnostic::error("content-missing", crate::config::FILE_NAME, message)
                    .at(line, column)
                    .hint(format!(
                        "{fix} (use \".\" when postmortems sit at the repository root)"
                    ))
            }
            // The default folder is missing only when the root holds no postmortem either
            // (else the root is read): say so, as the README promises the root is read.
            None => Diagnostic::error(
                "content-missing",
                "",
                format!("{message}, and the root holds no postmortem to read instead"),
            )
            .hint(match crate::config::knowledge_base_above(opts.root) {
                // Run in a subfolder of a knowledge base: that is the likely fix.
                Some((above, holds)) => format!(
                    "`{above}` holds {holds}: run Hindsight there, or pass `--root {above}`; else {fix}"
                ),
                None => match folders_of_postmortems(opts.root).as_slice() {
                    // `postmortems/` beside a README: the likely fix is to name it.
                    [one] => format!(
                        "`{one}/` holds postmortems: write `content_dir = \"{one}\"` in hindsight.toml to read them; else {fix}"
                    ),
                    [] => format!(
                        "{fix}; postmortems at the root are read without one (a README is not a postmortem): `hindsight new \"What happened\"` starts one, and `--root DIR` names the folder that holds them"
                    ),
                    several => format!(
                        "{} hold postmortems: write `content_dir = \"...\"` in hindsight.toml naming the folder to read; else {fix}",
                        several.iter().map(|f| format!("`{f}/`")).collect::<Vec<_>>().join(", ")
                    ),
                },
            }),
        };
        diags.push(finding);
        return lib;
    }
    let started = std::time::Instant::now();
    let areas = crate::confine::Areas::new(opts.root, opts.config);
    let Walked {
        files,
        skipped,
        repository,
        unused_ignore,
    } = walk(opts, &content_root, &areas, diags);
    lib.unused_ignore = unused_ignore;
    // Markdown files that are read as no postmortem, for when there is none.
    let mut passed = skipped.clone();
    passed.sort();
    let passed: Vec<String> = repository.into_iter().chain(passed).collect();
    lib.skipped = skipped;
    crate::timing("  walked", started);

    // Read every file and split its front matter, in parallel.
    let removed = std::sync::Mutex::new(HashMap::new());
    // Folders that may be listed but not entered (`a-x`), each named once: nothing in one can
    // even be looked at, so the folder, not each file in it, is what to make readable.
    let unentered = std::sync::Mutex::new(HashSet::new());
    let raws: Vec<(RawFile, Option<FrontMatter>, usize, usize)> = files
        .into_par_iter()
        .filter_map(|(kind, path)| {
            let source = rel_path(opts.root, &path);
            let content_path = rel_path(&content_root, &path);
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    let denied = |e: &std::io::Error| {
                        e.kind() == std::io::ErrorKind::PermissionDenied
                    };
                    let unentered_folder = path.parent().filter(|_| {
                        denied(&e)
                            && std::fs::symlink_metadata(&path).is_err_and(|m| denied(&m))
                    });
                    match unentered_folder {
                        Some(folder) => {
                            let source = rel_path(opts.root, folder);
                            if unentered.lock().unwrap().insert(source.clone()) {
                                let rel = rel_path(&content_root, folder);
                                diags.push(unreadable(&source, &rel, true, &e));
                            }
                        }
                        None => diags.push(unreadable(&source, &content_path, false, &e)),
                    }
                    return None;
                }
            };
            if let Some(Decoded { text, encoding, invalid }) = decode_bom(&bytes) {
                diags.push(
                    Diagnostic::warning(
                        "encoding",
                        &source,
                        format!("file is {encoding}: it is read, but git diffs it as a binary file (a pull request shows no change in it) and most tools cannot read it"),
                    )
                    .at(1, 1)
                    .hint(if encoding.starts_with("UTF-16") {
                        "save the file as UTF-8: in PowerShell, `(Get-Content FILE) | Set-Content -Encoding utf8 FILE` (`Out-File` writes UTF-16 unless given `-Encoding utf8`); elsewhere `iconv -f UTF-16 -t UTF-8 FILE > NEW`"
                    } else {
                        "save the file as UTF-8: in PowerShell, `(Get-Content FILE) | Set-Content -Encoding utf8 FILE` (`-Encoding utf32` writes UTF-32); elsewhere `iconv -f UTF-32 -t UTF-8 FILE > NEW`"
                    }),
                );
                if let Some(NoChar { at, what, more }) = invalid {
                    let (line, column) = crate::diagnostics::line_col(&text, at);
                    let more = match more {
                        0 => String::new(),
                        1 => ", and so is 1 more".to_string(),
                        n => format!(", and so are {n} more"),
                    };
                    diags.push(
                        Diagnostic::warning(
                            "encoding",
                            &source,
                            format!("file is {encoding}, but {what}: it is read as U+FFFD, the replacement character{more}"),
                        )
                        .at(line, column)
                        .hint("the file is damaged, or is not UTF-32 after all: write the character again here (a UTF-32 unit is a code point up to U+10FFFF, and no surrogate), and save the file as UTF-8"),
                    );
                }
                let text = without_controls(text, &source, diags, &removed);
                return Some(RawFile {
                    kind,
                    path,
                    content_path,
                    source,
                    text,
                });
            }
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.into_bytes();
                    let prefix = String::from_utf8_lossy(&bytes[..valid]);
                    let (line, col) = crate::diagnostics::line_col(&prefix, prefix.len());
                    let invalid = bytes
                        .utf8_chunks()
                        .filter(|c| !c.invalid().is_empty())
                        .count();
                    let replaced = match invalid {
                        1 => "is replaced by U+FFFD".to_string(),
                        n => format!("and {} more are replaced by U+FFFD", n - 1),
                    };
                    diags.push(
                        Diagnostic::warning(
                            "encoding",
                            &source,
                            format!(
                                "file is not valid UTF-8: the byte 0x{:02X} here {replaced}, the replacement character",
                                bytes[valid]
                            ),
                        )
                        .at(line, col)
                        .hint("save the file as UTF-8; a file written as Windows-1252 or Latin-1 (where `é` is the one byte 0xE9) converts with `iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW`"),
                    );
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            };
            let text = without_controls(text, &source, diags, &removed);
            Some(RawFile {
                kind,
                path,
                content_path,
                source,
                text,
            })
        })
        .filter_map(|raw| {
            let known = match raw.kind {
                Kind::Incident => frontmatter::INCIDENT_KEYS,
                _ => frontmatter::PAGE_KEYS,
            };
            match frontmatter::split(&raw.text, &raw.source) {
                Ok(split) => {
                    if matches!(raw.kind, Kind::Incident | Kind::Learning) {
                        if let Some(d) = empty_file(&raw, &split) {
                            diags.push(d);
                            return None;
                        }
                    }
                    if raw.kind == Kind::Incident && split.front.is_none() {
                        if let Some(d) = template_file(&raw, &opts.config.ignore) {
                            diags.push(d);
                            return None;
                        }
                    }
                    let body_line = split.body_line;
                    let body_offset = raw.text.len() - split.body.len();
                    let fm = split.front.map(|front| {
                        let (fm, problems) = frontmatter::parse_as(
                            split.format,
                            front,
                            split.front_line,
                            &raw.source,
                            known,
                        );
                        diags.extend(problems);
                        fm
                    });
                    Some((raw, fm, body_line, body_offset))
                }
                Err(d) => {
                    diags.push(d);
                    Some((raw, None, 1, 0))
                }
            }
        })
        .collect();
    crate::timing("  read, front matter", started);
    lib.removed = removed.into_inner().unwrap_or_default();

    // Ids and the maps the Markdown pass needs to resolve links.
    let mut ids: HashSet<String> = HashSet::with_capacity(raws.len());
    // Those that have a page in this build (see `build_incident` for the defaults).
    let mut published: HashSet<String> = HashSet::with_capacity(raws.len());
    // Per id in lower case: each file that has it, the id as written there and its line.
    // By id in lower case: each file with it, its id, the line of its `id` and its format.
    let mut id_sources: BTreeMap<String, Vec<(String, String, usize, frontmatter::Format)>> =
        BTreeMap::new();
    let mut incident_paths: HashMap<String, String> = HashMap::with_capacity(raws.len());
    let mut old_urls: HashMap<String, String> = HashMap::new();
    let mut learning_paths: HashMap<String, String> = HashMap::new();
    let mut planned: Vec<(RawFile, FrontMatter, usize, usize, String, bool)> =
        Vec::with_capacity(raws.len());
    // Files whose id cannot be a URL segment, by their index in `planned`, and why.
    let mut unsafe_ids: Vec<(usize, &str)> = Vec::new();
    for (raw, fm, body_line, body_offset) in raws {
        let has_fm = fm.is_some();
        let fm = fm.unwrap_or_default();
        let stem = file_stem(&raw.path);
        let id = match raw.kind {
            Kind::Incident => fm
                .id
                .clone()
                .unwrap_or_else(|| derive::id_and_title_from_stem(naming(&raw.content_path).0).0),
            Kind::Learning => fm.id.clone().unwrap_or_else(|| stem.clone()),
            Kind::Index => "index".into(),
            Kind::Onboarding => "onboarding".into(),
        };
        if matches!(raw.kind, Kind::Incident | Kind::Learning) {
            if let Some(problem) = unsafe_id(&id) {
                unsafe_ids.push((planned.len(), problem));
                planned.push((raw, fm, body_line, body_offset, id, has_fm));
                continue;
            }
        }
        match raw.kind {
            Kind::Incident => {
                ids.insert(id.clone());
                let public = fm.status.unwrap_or(Status::Published) == Status::Published
                    && fm.visibility.unwrap_or(Visibility::Public) == Visibility::Public;
                if public || opts.drafts {
                    published.insert(id.clone());
                }
                // An id the file name gives has no line of its own.
                let line = fm.id.as_ref().and_then(|_| fm.line_of("id")).unwrap_or(1);
                id_sources.entry(id.to_lowercase()).or_default().push((
                    raw.source.clone(),
                    id.clone(),
                    line,
                    fm.format,
                ));
                incident_paths.insert(raw.content_path.clone(), id.clone());
                // A folder it names is its page: a link to `../INC-201/` leads to it, as
                // GitHub shows the folder's README.
                if let Some((folder, true)) = raw
                    .content_path
                    .rsplit_once('/')
                    .map(|(folder, _)| (folder, naming(&raw.content_path).1))
                {
                    incident_paths
                        .entry(folder.to_string())
                        .or_insert_with(|| id.clone());
                }
                // An alias two postmortems claim is an error (`bad-alias`): the first keeps it.
                for alias in fm.aliases.iter().flatten() {
                    if let Ok(path) = crate::render::alias_path(alias, "incidents") {
                        old_urls.entry(path).or_insert_with(|| id.clone());
                    }
                }
            }
            Kind::Learning => {
                learning_paths.insert(raw.content_path.clone(), id.clone());
            }
            _ => {}
        }
        planned.push((raw, fm, body_line, body_offset, id, has_fm));
    }
    // A file whose id cannot be used is still read and checked, under a stand-in id that no
    // other file has (the id the hint suggests), so that one run reports its other problems
    // too. Nothing is built from it: `unsafe-id` is an error that `build` cannot get past. The
    // stand-in takes no part in `duplicate-id`, and a link by id cannot name it; a link by
    // path leads to it.
    if !unsafe_ids.is_empty() {
        let mut taken: HashSet<String> = id_sources.keys().cloned().collect();
        taken.extend(learning_paths.values().map(|id| id.to_lowercase()));
        for &(i, problem) in &unsafe_ids {
            let (raw, fm, _, _, id, _) = &mut planned[i];
            let base = markdown::slugify(id);
            let stand_in = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    }
                })
                .find(|s| !taken.contains(&s.to_lowercase()))
                .expect("an unused id");
            taken.insert(stand_in.to_lowercase());
            diags.push(
                Diagnostic::error(
                    "unsafe-id",
                    &raw.source,
                    format!("id `{id}` cannot be used in a URL: {problem}"),
                )
                .at(fm.line_of("id").unwrap_or(1), 1)
                .hint(format!(
                    "set {} in the front matter to letters, digits, `-`, `_` or `.`, e.g. {}",
                    fm.format.key("id"),
                    fm.format.set_text("id", &stand_in)
                )),
            );
            match raw.kind {
                Kind::Incident => incident_paths.insert(raw.content_path.clone(), stand_in.clone()),
                _ => learning_paths.insert(raw.content_path.clone(), stand_in.clone()),
            };
            *id = stand_in;
        }
    }
    for sources in id_sources.values() {
        if sources.len() > 1 {
            for (s, id, line, format) in sources {
                // Each file is told its own id, and how another spells it when only case differs.
                let others: Vec<String> = sources
                    .iter()
                    .filter(|(o, ..)| o != s)
                    .map(|(o, other, ..)| {
                        if other == id {
                            o.clone()
                        } else {
                            format!("{o} (as `{other}`)")
                        }
                    })
                    .collect();
                diags.push(
                    Diagnostic::error("duplicate-id", s, format!("incident id `{id}` is also used by {}", others.join(", ")))
                        .at(*line, 1)
                        .hint(format!("give each postmortem a unique {} in its front matter (ids that differ only in case collide on case-insensitive file systems)", format.key("id"))),
                );
            }
        }
    }
    let base_path = markdown::percent_decode(&opts.config.base_path());
    let base_host = base_host(&opts.config.base_url);
    let site_links = SiteLinks {
        ids: &ids,
        published: &published,
        incident_paths: &incident_paths,
        old_urls: &old_urls,
        learning_paths: &learning_paths,
        content_root: &content_root,
        areas: &areas,
        base_path: &base_path,
        base_host: &base_host,
    };

    crate::timing("  ids", started);

    // The Markdown pass and what is derived from it, in parallel.
    let loaded: Vec<Loaded> = planned
        .into_par_iter()
        .map(|(raw, fm, body_line, body_offset, id, has_fm)| {
            let body = &raw.text[body_offset..];
            let source_dir = match raw.content_path.rfind('/') {
                Some(i) => raw.content_path[..i].to_string(),
                None => String::new(),
            };
            let (out_dir, to_root) = match raw.kind {
                Kind::Incident => (format!("incidents/{id}/"), "../../"),
                Kind::Learning => (format!("learnings/{id}/"), "../../"),
                Kind::Index => (String::new(), ""),
                Kind::Onboarding => ("onboarding/".to_string(), "../"),
            };
            let page = PageLocation {
                id: if raw.kind == Kind::Incident { &id } else { "" },
                source_dir: &source_dir,
                out_dir: &out_dir,
                to_root,
                first_line: body_line,
                title: fm.title.as_deref(),
            };
            let mut parsed = if opts.render {
                markdown::parse(body, &site_links, &page)
            } else {
                markdown::read(body, &site_links, &page)
            };
            if let Some(d) = decoded_controls(&parsed, &raw.source, lib.removed.get(&raw.source)) {
                diags.push(d);
            }
            diags.extend(parsed.dropped_cells.iter().map(|d| dropped_cells(d, &raw.source)));
            diags.extend(parsed.broken_tables.iter().map(|t| broken_table(t, &raw.source)));
            diags.extend(outside_links(
                &parsed.links,
                &raw.source,
                &content_root,
                &areas,
            ));
            // The labels of the text are read before `check` forgets it, where the front
            // matter does not say what they do.
            let incident = raw.kind == Kind::Incident;
            let labelled = Labelled {
                severity: (incident && fm.severity.is_none())
                    .then(|| derive::severity(&parsed, &opts.config.severities))
                    .flatten(),
                services: if incident && fm.services.is_none() {
                    derive::services(&parsed)
                } else {
                    Vec::new()
                },
                tags: if incident && fm.tags.is_none() {
                    derive::tags(&parsed)
                } else {
                    Vec::new()
                },
                actions: None,
            };
            // A severity label of the text that is off the scale is messy input, not a
            // mistake in what Hindsight reads: a warning, where the front matter's is an error.
            if incident && fm.severity.is_none() && labelled.severity.is_none() {
                if let Some((written, line, column)) =
                    derive::off_scale_severity(body, body_line, &opts.config.severities)
                {
                    diags.push(
                        Diagnostic::new(
                            "unknown-severity",
                            Level::Warning,
                            &raw.source,
                            format!(
                                "unknown severity `{written}` in the text: it is not on the scale, so the postmortem has no severity"
                            ),
                        )
                        .at(line, column)
                        .hint(severity_hint(&written, opts.config)),
                    );
                }
            }
            // A date of the text mistyped (`20202-01-16`) where no other one dates the incident
            // to the day: the author meant it, and the page shows a year or no date instead.
            if incident && fm.date.is_none() && fm.started_at.is_none() && fm.detected_at.is_none()
            {
                let stem = naming(&raw.content_path).0;
                if let Some(d) = broken_date(&raw, &fm, &parsed, stem, body, body_offset, opts) {
                    diags.push(d);
                }
            }
            if !opts.keep_text {
                // Derivation looks for a date in the text only when the front matter has none.
                let action_sections = opts.config.learnings.action_sections.as_slice();
                parsed.forget_text(derive::dated_by_text(&fm).then_some(action_sections));
            }
            // Action items are derived while the source can still place a finding.
            let derived_actions = (raw.kind == Kind::Incident && fm.action_items.is_none())
                .then(|| derive::action_items(&parsed, &opts.config.learnings.action_sections));
            // Front matter's list replaces the text's: those are said, not silently dropped.
            if raw.kind == Kind::Incident {
                let sections = &opts.config.learnings;
                let replaced = [
                    (
                        derive::Holds::Actions,
                        &sections.action_sections,
                        (fm.action_items.as_ref())
                            .map(|l| l.iter().map(|a| a.text.as_str()).collect::<Vec<_>>()),
                    ),
                    (
                        derive::Holds::Learnings,
                        &sections.sections,
                        (fm.learnings.as_ref())
                            .map(|l| l.iter().map(|l| l.text.as_str()).collect::<Vec<_>>()),
                    ),
                ];
                for (holds, extra, listed) in replaced {
                    let Some(listed) = listed else { continue };
                    if let Some(unread) = derive::unread_items(&parsed, holds, extra, &listed) {
                        diags.push(unread_section(&raw, &fm, holds, listed.len(), unread));
                    }
                }
            }
            for a in derived_actions.iter().flatten() {
                if let Some((written, line)) = &a.bad_due {
                    diags.push(bad_due(&raw, *line, written));
                }
                for part in &a.unread {
                    diags.push(unread_part(&raw, part));
                }
            }
            // A time the body states counts only where the front matter cannot give it.
            let stated = if raw.kind == Kind::Incident {
                let mut t = derive::StatedTimes::default();
                let detect = fm.started_at.is_none() || fm.detected_at.is_none();
                let resolve = fm.started_at.is_none() || fm.resolved_at.is_none();
                if detect || resolve {
                    t = derive::stated_times(body, body_line);
                    if !detect {
                        t.detect = None;
                    }
                    if !resolve {
                        t.resolve = None;
                    }
                }
                t
            } else {
                derive::StatedTimes::default()
            };
            // Timestamps the body states, only where the front matter gives none of them (a
            // start from one and a resolution from the other would mix two accounts).
            let timestamps = if raw.kind == Kind::Incident
                && fm.started_at.is_none()
                && fm.detected_at.is_none()
                && fm.resolved_at.is_none()
            {
                derive::stated_timestamps(body, body_line)
            } else {
                derive::StatedTimestamps::default()
            };
            // What the text still writes as its template did where a time or a date goes.
            if raw.kind == Kind::Incident {
                for p in derive::placeholder_lines(body, body_line) {
                    diags.push(placeholder_line(&raw, p));
                }
            }
            // The source is not needed once parsed; freeing it here lets the next files
            // reuse its memory (on 10,000 postmortems that is most of the input's size).
            let mut raw = raw;
            let keep = raw.kind == Kind::Incident && opts.keep_source.is_some_and(|k| k(&raw.text));
            if !keep {
                raw.text = String::new();
            }
            match raw.kind {
                Kind::Incident => {
                    if let Some(d) = unknown_severity(&fm, &raw.source, opts.config) {
                        diags.push(d);
                    }
                    let labelled = Labelled {
                        actions: derived_actions,
                        ..labelled
                    };
                    let mut inc =
                        build_incident(raw, fm, id, has_fm, parsed, labelled, opts.config);
                    inc.stated = stated;
                    for (field, at, t) in [
                        ("started_at", &mut inc.started_at, &timestamps.started),
                        ("detected_at", &mut inc.detected_at, &timestamps.detected),
                        ("resolved_at", &mut inc.resolved_at, &timestamps.resolved),
                    ] {
                        if let Some(t) = t {
                            *at = Some(t.at);
                            inc.derived.push(field);
                        }
                    }
                    inc.stated_timestamps = timestamps;
                    if !opts.keep_text {
                        // Learnings, action items and the summary are derived; what stays of
                        // the sections is their headings.
                        for s in &mut inc.sections {
                            s.paragraphs = Vec::new();
                            s.items = Vec::new();
                            s.tables = Vec::new();
                            s.marks = Vec::new();
                        }
                    }
                    Loaded::Incident(inc)
                }
                Kind::Learning => {
                    let stem = file_stem(&raw.path);
                    let anchors = anchors_of(&parsed);
                    Loaded::Learning(CanonicalLearning {
                        title: fm
                            .title
                            .clone()
                            .or(parsed.h1.clone().filter(|h| !h.trim().is_empty()))
                            .unwrap_or_else(|| stem.replace(['-', '_'], " ")),
                        summary: fm
                            .summary
                            .clone()
                            .unwrap_or_else(|| derive::summary(&parsed)),
                        id,
                        source: raw.source,
                        html: parsed.html,
                        preamble: if opts.keep_text {
                            parsed.preamble
                        } else {
                            String::new()
                        },
                        sections: if opts.keep_text {
                            parsed.sections
                        } else {
                            Vec::new()
                        },
                        links: parsed.links,
                        assets: parsed.assets,
                        images_without_alt: parsed.images_without_alt,
                        unsafe_html: parsed.unsafe_html,
                        anchors,
                        github_anchors: parsed.github_anchors,
                        alias_at: (0..fm.aliases.as_ref().map_or(0, Vec::len))
                            .map(|i| fm.entry_at("aliases", i))
                            .collect(),
                        aliases: fm.aliases.unwrap_or_default(),
                    })
                }
                kind @ (Kind::Index | Kind::Onboarding) => Loaded::Special(
                    kind,
                    SpecialPage {
                        anchors: anchors_of(&parsed),
                        title: fm
                            .title
                            .clone()
                            .or(parsed.h1.clone().filter(|h| !h.trim().is_empty())),
                        html: parsed.html,
                        source: raw.source,
                        path: fm.path.unwrap_or_default(),
                        github_anchors: parsed.github_anchors,
                        format: fm.format,
                        links: parsed.links,
                        assets: parsed.assets,
                        images_without_alt: parsed.images_without_alt,
                        unsafe_html: parsed.unsafe_html,
                    },
                ),
            }
        })
        .collect();
    crate::timing("  Markdown pass", started);

    // Reserved up front: growing a vector of ten thousand incidents copies them again and
    // again into fresh memory.
    lib.incidents.reserve(loaded.len());
    for item in loaded {
        match item {
            Loaded::Incident(inc) => {
                if inc.is_public() || opts.drafts {
                    lib.incidents.push(inc);
                } else {
                    lib.left_out.push(LeftOut {
                        id: inc.id,
                        source: inc.source,
                        status: inc.status,
                        visibility: inc.visibility,
                    });
                }
            }
            Loaded::Learning(l) => lib.learnings.push(l),
            Loaded::Special(Kind::Index, page) => lib.index = Some(page),
            Loaded::Special(_, page) => lib.onboarding = Some(page),
        }
    }
    date_by_history(&content_root, &mut lib.incidents, diags);
    lib.incidents
        .sort_by(|a, b| newest_first((&a.date, &a.id), (&b.date, &b.id)));
    lib.learnings.sort_by(|a, b| a.id.cmp(&b.id));
    lib.old_urls = old_urls;
    if opts.render {
        lead_github_fragments(&mut lib);
        crate::timing("  GitHub anchors", started);
    }
    if lib.incidents.is_empty() && lib.left_out.is_empty() && !passed.is_empty() {
        diags.push(no_postmortems(opts, &passed));
    }
    lib
}

/// The warning of a content folder that holds Markdown files but no postmortem: every one
/// of them is a repository file, ignored, or of another extension, and the site would be
/// published empty.
fn no_postmortems(opts: &LoadOptions, passed: &[String]) -> Diagnostic {
    const NAMED: usize = 3;
    let mut named: Vec<String> = passed
        .iter()
        .take(NAMED)
        .map(|p| format!("`{p}`"))
        .collect();
    if passed.len() > NAMED {
        named.push(format!("{} more", passed.len() - NAMED));
    }
    let folder = match opts.config.content_dir.to_string_lossy().as_ref() {
        "" | "." => "the content folder (the root)".to_string(),
        dir => format!("the content folder `{}/`", dir.trim_end_matches('/')),
    };
    let files = if passed.len() == 1 {
        "its one Markdown file is".to_string()
    } else {
        format!("its {} Markdown files are", passed.len())
    };
    let ignore = ignoring::Ignore::new(&opts.config.ignore);
    let mut why = Vec::new();
    let name = |p: &String| p.rsplit('/').next().unwrap_or(p).to_lowercase();
    if passed.iter().any(|p| ignore.matched(p, false).is_some()) {
        why.push("a pattern of `ignore` in hindsight.toml matches some: narrow it".to_string());
    }
    if passed.iter().any(|p| {
        ignore.matched(p, false).is_none()
            && META_FILES.contains(&name(p).split('.').next().unwrap_or(""))
    }) {
        why.push("README, CONTRIBUTING, CHANGELOG, LICENSE, SECURITY and SUMMARY files are repository files: a postmortem needs a name of its own (`2024-06-01-dns-outage.md`), or a folder of its own with only its text in it, as `README.md` or `index.md`, that reads like a postmortem (front matter, or two sections such as Summary and Timeline)".to_string());
    }
    if passed.iter().any(|p| {
        let n = name(p);
        n.ends_with(".txt") || n.ends_with(".mdx") || n.ends_with(".mkd")
    }) {
        why.push(
            "a postmortem is read from a `.md` or `.markdown` file: rename the others".to_string(),
        );
    }
    Diagnostic::warning(
        "no-postmortems",
        "",
        format!(
            "no postmortem in {folder}: {files} not read as postmortems ({}), so the site has no incident",
            named.join(", ")
        ),
    )
    .hint(why.join("; "))
}

/// Section titles that mark a postmortem, besides learnings and action items.
const POSTMORTEM_SECTIONS: &[&str] = &[
    "summary",
    "timeline",
    "impact",
    "root cause",
    "root causes",
    "contributing factors",
    "resolution",
    "detection",
];

/// How much a text reads like a postmortem.
pub struct Signs {
    /// Its front matter sets a postmortem key (`date`, `severity`, `learnings`, ...), or its
    /// text has two postmortem sections (Summary, Timeline, Impact, Root cause, Lessons
    /// learned, Action items, ...).
    pub postmortem: bool,
    /// The words of its prose (not of headings or tables).
    pub words: usize,
}

/// How much `text`, a whole file, reads like a postmortem.
pub fn signs(text: &str) -> Signs {
    let (front, body) = match frontmatter::split(text, "") {
        Ok(s) => (s.front.unwrap_or(""), s.body),
        Err(_) => ("", text),
    };
    // `key:` in YAML, `key =` or `[[key]]` in TOML.
    let fm_keys = front.lines().any(|l| {
        [
            "date",
            "severity",
            "started_at",
            "resolved_at",
            "learnings",
            "action_items",
        ]
        .iter()
        .any(|k| {
            l.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with(':') || rest.trim_start().starts_with('='))
                || l.trim_end() == format!("[[{k}]]")
        })
    });
    let mut sections = 0;
    let mut words = 0;
    for line in body.lines() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('#') {
            let n = derive::normalise_title(h.trim_start_matches('#'));
            if POSTMORTEM_SECTIONS.contains(&n.as_str())
                || derive::title_holds(&n, derive::Holds::Learnings, &[])
                || derive::title_holds(&n, derive::Holds::Actions, &[])
            {
                sections += 1;
            }
        } else if !t.starts_with('|') {
            words += t
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
        }
    }
    Signs {
        postmortem: fm_keys || sections >= 2,
        words,
    }
}

/// The `symlink-outside` errors of a page's links to files that a symbolic link leads out of
/// the folders Hindsight reads (see [`crate::confine`]), at each link: `build` fails on them, so
/// a page never goes out with an image or a file silently missing.
fn outside_links(
    links: &[Link],
    source: &str,
    content_root: &Path,
    areas: &crate::confine::Areas,
) -> Vec<Diagnostic> {
    links
        .iter()
        .filter_map(|l| {
            let markdown::LinkKind::Outside(used) = l.kind else {
                return None;
            };
            let path = content_root.join(l.path.as_deref()?);
            let real = areas.outside(&path)?;
            let what = match used {
                Some(what) => format!("{what} `{}`", l.target),
                None => format!("the file `{}` linked here", l.target),
            };
            Some(
                areas
                    .finding(
                        source,
                        &what,
                        content_root,
                        &path,
                        &real,
                        "copy the file into the repository (beside this file is simplest) and link to the copy",
                    )
                    .at(l.line, l.column),
            )
        })
        .collect()
}

/// Gives each incident the day git last recorded a change to its file, and dates each
/// undated one by the day git first recorded it (see [`git`]), or says why the history
/// cannot, in a shallow clone.
fn date_by_history(content_root: &Path, incidents: &mut [Incident], diags: &Diagnostics) {
    match git::commit_days(content_root) {
        git::History::Dates(days) => {
            for inc in incidents.iter_mut() {
                inc.changed = days.changed.get(&inc.content_path).copied();
                if inc.date.is_none() {
                    if let Some(&d) = days.added.get(&inc.content_path) {
                        inc.date = Some(d);
                        inc.date_source = DateSource::Git;
                    }
                }
            }
        }
        git::History::Shallow if incidents.iter().all(|i| i.date.is_some()) => {}
        git::History::Shallow => {
            let mut undated: Vec<&str> = incidents
                .iter()
                .filter(|i| i.date.is_none())
                .map(|i| i.source.as_str())
                .collect();
            undated.sort_unstable();
            let others = match undated.len() {
                1 => String::new(),
                2 => " and 1 other postmortem".to_string(),
                n => format!(" and {} other postmortems", n - 1),
            };
            diags.push(
                Diagnostic::warning(
                    "shallow-history",
                    undated[0],
                    format!("this postmortem{others} could only be dated by git's history, and this is a shallow clone, which does not hold it: they are undated"),
                )
                .at(1, 1)
                .hint("fetch the whole history (`git fetch --unshallow`; in GitHub Actions `fetch-depth: 0` on actions/checkout, in GitLab CI `GIT_DEPTH: 0`), or give each a `date` in front matter"),
            );
        }
        git::History::None => {}
    }
}

/// The anchors a page's text offers: its headings' ids, and the ids of its raw HTML and its
/// footnotes.
fn anchors_of(parsed: &markdown::Parsed) -> Vec<String> {
    let sections = parsed.sections.iter().map(|s| s.anchor.clone());
    let headings = parsed.toc.iter().map(|t| t.id.clone());
    sections
        .chain(headings)
        .chain(parsed.ids.iter().cloned())
        .collect()
}

/// Leads each link written for GitHub's anchor of a heading (`#-fire` for `## 🔥 Fire`) to
/// the id Hindsight gives that heading (see [`markdown::lead_github_fragments`]), on every
/// page, whether it points into a postmortem or a canonical learning: only once every page is
/// parsed are the headings a link points into known.
fn lead_github_fragments(lib: &mut Library) {
    // By page, as `lead_github_fragments` names it: `incidents/ID/`, `learnings/ID/`.
    let incidents = lib
        .incidents
        .iter()
        .filter(|i| !i.github_anchors.is_empty())
        .map(|i| (i.url(), i.github_anchors.as_slice()));
    let learnings = lib
        .learnings
        .iter()
        .filter(|l| !l.github_anchors.is_empty())
        .map(|l| (learning_url(&l.id), l.github_anchors.as_slice()));
    // The home page and the reading path, as `""` and `onboarding/`.
    let pages = [(&lib.index, ""), (&lib.onboarding, "onboarding/")]
        .into_iter()
        .filter_map(|(p, url)| Some((url.to_string(), p.as_ref()?.github_anchors.as_slice())))
        .filter(|(_, a)| !a.is_empty());
    let anchors: HashMap<String, &[(String, String)]> =
        incidents.chain(learnings).chain(pages).collect();
    if anchors.is_empty() {
        return;
    }
    let of = |page: &str| anchors.get(page).copied();
    let leads = |page: &str, fragment: &str| {
        of(page).is_some_and(|a| markdown::github_anchor_target(a, fragment).is_some())
    };
    // Only the postmortems with such a link are read again.
    let incidents: Vec<(usize, String)> = lib
        .incidents
        .par_iter()
        .enumerate()
        .filter(|(_, inc)| {
            inc.links
                .iter()
                .any(|l| match (&l.kind, l.anchor.as_deref()) {
                    (markdown::LinkKind::Incident(id), Some(a)) => {
                        leads(&format!("incidents/{id}/"), a)
                    }
                    (markdown::LinkKind::Learning(id), Some(a)) => leads(&learning_url(id), a),
                    (markdown::LinkKind::Page(url), Some(a)) => leads(url, a),
                    (markdown::LinkKind::SelfAnchor, Some(a)) => leads(&inc.url(), a),
                    _ => false,
                })
        })
        .filter_map(|(k, inc)| {
            Some((
                k,
                markdown::lead_github_fragments(&inc.html, "../../", Some(&inc.url()), of)?,
            ))
        })
        .collect();
    let learnings: Vec<(usize, String)> = lib
        .learnings
        .par_iter()
        .enumerate()
        .filter_map(|(k, l)| {
            let this = learning_url(&l.id);
            Some((
                k,
                markdown::lead_github_fragments(&l.html, "../../", Some(&this), of)?,
            ))
        })
        .collect();
    // `index.md` and `onboarding.md`, at `url` from the site root: a `#x` link leads into
    // their own headings.
    let special = |page: &Option<SpecialPage>, to_root: &str, url: &str| {
        markdown::lead_github_fragments(&page.as_ref()?.html, to_root, Some(url), of)
    };
    let index = special(&lib.index, "", "");
    let onboarding = special(&lib.onboarding, "../", "onboarding/");
    for (k, html) in incidents {
        lib.incidents[k].html = html;
    }
    for (k, html) in learnings {
        lib.learnings[k].html = html;
    }
    for (page, html) in [(&mut lib.index, index), (&mut lib.onboarding, onboarding)] {
        if let (Some(p), Some(html)) = (page.as_mut(), html) {
            p.html = html;
        }
    }
}

/// The host (and port) of `base_url` when it is an `http(s)` URL, else "".
fn base_host(base_url: &str) -> String {
    let Some((scheme, rest)) = base_url.split_once("://") else {
        return String::new();
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return String::new();
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The URL of a canonical learning's page, relative to the site root.
fn learning_url(id: &str) -> String {
    format!("learnings/{id}/")
}

/// An empty file is not a postmortem, nor a canonical learning: one with no text, or only
/// white space, and no front matter (or one that sets no key) would otherwise be published as
/// an incident titled after its file name, or as an empty learning page that citations link
/// to. It is left out, with a warning naming it (so a citation of the learning's id is an
/// unknown learning). Front matter that sets a key and no text yet is a deliberate stub, and
/// is built.
fn empty_file(raw: &RawFile, split: &frontmatter::Split) -> Option<Diagnostic> {
    let blank = |s: &str| s.trim_start_matches('\u{feff}').trim().is_empty();
    let keys = split.front.is_some_and(|front| {
        front
            .lines()
            .any(|l| !blank(l) && !l.trim_start().starts_with('#'))
    });
    if keys || !blank(split.body) {
        return None;
    }
    let what = match raw.kind {
        Kind::Learning => "canonical learning",
        _ => "postmortem",
    };
    let holds = if split.front.is_some() {
        "only a front matter that sets nothing"
    } else if raw.text.is_empty() {
        "nothing"
    } else {
        "only white space"
    };
    Some(
        Diagnostic::warning(
            "empty-file",
            &raw.source,
            format!("empty file, not built: it holds {holds}, so it is not a {what}"),
        )
        .at(1, 1)
        .hint(format!("delete it, or write the {what} (a file whose front matter sets a key, such as {}, is built as a stub before it has text)", split.format.key("title"))),
    )
}

/// A postmortem template is not a postmortem (see [`template::template`]): without front matter
/// it would be published as an undated incident titled "Incident Title". It is left out, with
/// a warning at its first placeholder that says how to publish it if it is a postmortem after
/// all, or to silence the warning if it is a template (with a pattern of `ignore` that
/// matches it, beside those there). A file named by its folder (see [`naming`]) is a template
/// when the folder's name says so.
fn template_file(raw: &RawFile, ignore: &[String]) -> Option<Diagnostic> {
    let name = match naming(&raw.content_path) {
        (folder, true) => format!("{folder}.md"),
        _ => raw.path.file_name()?.to_string_lossy().into_owned(),
    };
    let t = template::template(&name, &raw.text)?;
    let placeholders: Vec<String> = t.placeholders.iter().map(|p| format!("`{p}`")).collect();
    Some(
        Diagnostic::warning(
            "postmortem-template",
            &raw.source,
            format!(
                "a postmortem template, not built: its name says template, it has no date, and it holds placeholders ({})",
                placeholders.join(", ")
            ),
        )
        .at(t.at.0, t.at.1)
        .hint(format!("if it is a postmortem, give it a date (in the file name, such as `2024-04-10-outage.md`, in the text, or as `date:` in front matter) or front matter, and it is built; if it is a template, {}", template_pattern(&name, ignore))),
    )
}

/// How to leave out a template named `name` with `ignore`: a pattern `*template*` written as
/// the name writes the word (`*Template*` for `Postmortem Template.md`, since patterns are
/// case-sensitive), added to those there, and why one there that differs only in case misses it.
fn template_pattern(name: &str, ignore: &[String]) -> String {
    let at = name.to_lowercase().find("template").unwrap_or(0);
    let word = name.get(at..at + "template".len()).unwrap_or("template");
    let pattern = format!("*{word}*");
    let list: Vec<String> = ignore
        .iter()
        .map(String::as_str)
        .chain([pattern.as_str()])
        .map(|p| format!("{p:?}"))
        .collect();
    let missed = ignore
        .iter()
        .find(|p| p.eq_ignore_ascii_case(&pattern))
        .map(|p| format!(": patterns are case-sensitive, as in .gitignore, so `{p}` there does not match `{name}`"))
        .unwrap_or_default();
    format!(
        "add `{pattern}` to `ignore` in hindsight.toml (`ignore = [{}]`) to leave it out without this warning{missed}",
        list.join(", ")
    )
}

/// One loaded file. Nearly every file is an incident, so the size of the other variants
/// costs nothing and boxing the incident would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Loaded {
    Incident(Incident),
    Learning(CanonicalLearning),
    Special(Kind, SpecialPage),
}

fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for ext in [".md", ".markdown", ".MD"] {
        if let Some(s) = name.strip_suffix(ext) {
            return s.to_string();
        }
    }
    name
}

/// File names (in lower case, without `-`, `_`, `.` and spaces) that say what a file is, not
/// which incident it is about: in a folder of its own, a postmortem so named is named by its
/// folder (see [`naming`]).
const GENERIC_NAMES: &[&str] = &[
    "index",
    "readme",
    "postmortem",
    "postincidentreview",
    "incident",
    "incidentreport",
    "report",
    "retro",
    "retrospective",
    "review",
    "pir",
    "rca",
    "debrief",
    "writeup",
];

/// The name a postmortem's id comes from, and the title and date its name gives: its file
/// name without the extension, or, when that only says what the file is (`README.md`,
/// `index.md`, `postmortem.md`, `post-mortem.md`, `report.md`: see [`GENERIC_NAMES`]) and the
/// file is in a folder below the content folder, the folder's name (`INC-101/postmortem.md`
/// is named `INC-101`, a Hugo page bundle `2024-05-06-cache/index.md` `2024-05-06-cache`).
/// `content_path` is the file's path from the content folder; `true` when the folder names it.
pub fn naming(content_path: &str) -> (&str, bool) {
    let (folder, name) = match content_path.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, content_path),
    };
    let stem = [".md", ".markdown", ".MD"]
        .iter()
        .find_map(|e| name.strip_suffix(e))
        .unwrap_or(name);
    let generic = || {
        let key: String = stem
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        GENERIC_NAMES.contains(&key.as_str())
    };
    match folder.map(|f| f.rsplit('/').next().unwrap_or(f)) {
        Some(folder) if !folder.is_empty() && generic() => (folder, true),
        _ => (stem, false),
    }
}

/// Why an id cannot be a URL segment, if it cannot.
pub fn unsafe_id(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("it is empty");
    }
    if id == "." || id == ".." || id.starts_with('.') {
        return Some("it starts with a dot");
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Some("it may only contain ASCII letters, digits, `-`, `_` and `.`");
    }
    None
}

/// The `bad-date` warning of the first value of the text written as a date that is none
/// (see [`markdown::first_broken_date`]), when nothing dates the incident to the day instead:
/// not the file name, nor another date of the text. At the value.
fn broken_date(
    raw: &RawFile,
    fm: &FrontMatter,
    parsed: &markdown::Parsed,
    stem: &str,
    body: &str,
    body_offset: usize,
    opts: &LoadOptions,
) -> Option<Diagnostic> {
    let year = derive::year_from_name(stem);
    let (at, written, why, meant) = markdown::first_broken_date(body, year)?;
    let action_sections = &opts.config.learnings.action_sections;
    let latest = crate::check::latest_date();
    let (date, source) = derive::incident_date(fm, stem, parsed, action_sections, latest);
    let instead = match (source, date) {
        (DateSource::FileNameYear, Some(d)) => {
            format!("the date is {d}, from the year in the file name")
        }
        (DateSource::BodyWithFileNameYear, Some(d)) => {
            format!(
                "the date is {d}, from a day and month of the text and the year in the file name"
            )
        }
        (DateSource::ResolvedAt, Some(d)) => format!("the date is {d}, the day it was resolved"),
        (DateSource::Missing, _) => "no date is read from the text".to_string(),
        _ => return None,
    };
    let (line, column) = crate::diagnostics::line_col(&raw.text, body_offset + at);
    Some(
        Diagnostic::warning(
            "bad-date",
            &raw.source,
            format!("`{written}` is written like a date but is none ({why}), so {instead}"),
        )
        .at(line, column)
        .hint(match meant {
            Some(d) => format!(
                "write it as {d} in the text, or set {} in the front matter",
                fm.format.set("date", &d.to_string(), &d.to_string())
            ),
            None => format!(
                "correct the date in the text, or set the incident's date in the front matter, e.g. {}",
                fm.format.set("date", "2024-03-01", "2024-03-01")
            ),
        }),
    )
}

/// A due date of an action item (a table cell, or `(due ...)` at the end of a list item) that
/// is written like a date but is none: a warning where it is written (the item is kept, without
/// a due date). A list item can run over lines: the first line from the item's on that holds it.
fn bad_due(raw: &RawFile, line: usize, written: &str) -> Diagnostic {
    let (line, column) = find_from(raw, line, written);
    Diagnostic::warning(
        "bad-date",
        &raw.source,
        match crate::markdown::why_not_a_date(written) {
            Some(why) => {
                format!("the due date `{written}` of this action item is not a date: {why}")
            }
            None => format!("the due date `{written}` of this action item is not a date"),
        },
    )
    .at(line, column)
    .hint("write due dates as YYYY-MM-DD, e.g. `2024-03-01`; until then the item has no due date")
}

/// Action items (or learnings) of the text of a postmortem whose front matter sets
/// `action_items` (or `learnings`) and does not list them (see [`derive::unread_items`]): the
/// front matter's list is the postmortem's, and they are read nowhere (no page, export or
/// finding); a warning at the heading of the section of the first, with how many there are and
/// how to have them read.
fn unread_section(
    raw: &RawFile,
    fm: &FrontMatter,
    holds: derive::Holds,
    listed: usize,
    unread: derive::UnreadItems,
) -> Diagnostic {
    let (rule, field, one, many) = match holds {
        derive::Holds::Actions => (
            "unread-action-item",
            "action_items",
            "action item",
            "action items",
        ),
        derive::Holds::Learnings => ("unread-learning", "learnings", "learning", "learnings"),
    };
    let key = match fm.format {
        frontmatter::Format::Yaml => format!("`{field}:`"),
        frontmatter::Format::Toml => format!("`[[{field}]]`"),
    };
    let title = &unread.title;
    let message = match unread.first_unlisted {
        Some(first) if unread.count <= listed => format!(
            "the {one} “{first}” of the section “{title}” is not in the front matter's {key}, which replaces the section's list: it is read nowhere"
        ),
        _ => format!(
            "the section “{title}” lists {} and the front matter's {key} {listed}: the front matter's list replaces the section's, and what only the section lists is read nowhere",
            crate::diagnostics::counted(unread.count, one)
        ),
    };
    Diagnostic::warning(rule, &raw.source, message)
        .at(unread.line, 1)
        .hint(format!("add the section's {many} to the front matter's {key}, or remove {key} from the front matter to read every one from this section"))
}

/// A part of an action item's parentheses that is not read (see [`derive::UnreadPart`]): of
/// an `(owner: ...)` annotation, neither a status nor a due date (`(owner: team-sre,
/// 2023-12-15)`); of a parenthetical that says a status or a due date, neither an owner, a
/// status nor a due date (`(team-x, done, asap)`). A warning at the part, which stays in the
/// item's text.
fn unread_part(raw: &RawFile, unread: &derive::UnreadPart) -> Diagnostic {
    let part = unread.part.as_str();
    match &unread.parens {
        None => {
            let (line, column) = find_from(raw, unread.line, part);
            Diagnostic::warning(
                "unread-action-item",
                &raw.source,
                format!("`{part}` in this action item's `(owner: ...)` is neither a status nor a due date, and is left in its text"),
            )
            .at(line, column)
            .hint("after the owner write a status (open, in progress, done, won't fix) or a due date, separated by commas: `(owner: team-sre, done, due 2024-05-04)`; move anything else out of the parentheses")
        }
        Some(parens) => {
            // The part inside its parentheses, where they are written on one line; else the
            // part's first place from the item's line.
            let (line, _) = find_from(raw, unread.line, parens);
            let within = raw_line(raw, line).and_then(|l| {
                let at = l.find(parens.as_str())?;
                let k = l[at..].find(part)?;
                Some((line, l[..at + k].chars().count() + 1))
            });
            let (line, column) = within.unwrap_or_else(|| find_from(raw, unread.line, part));
            Diagnostic::warning(
                "unread-action-item",
                &raw.source,
                format!("`{part}` in this action item's `{parens}` is neither an owner, a status nor a due date, and is left in its text"),
            )
            .at(line, column)
            .hint("in parentheses at the end of an action item write its owner (a handle or a team: `@jane`, `team-sre`, or one word first), a status (open, in progress, done, won't fix) and a due date (`due 2024-05-04`), separated by commas: `(team-sre, done, due 2024-05-04)`; write a name as `(owner: Priya Raman, done)`; move anything else out of the parentheses")
        }
    }
}

/// The text of line `line` (from 1) of `raw`.
fn raw_line(raw: &RawFile, line: usize) -> Option<&str> {
    raw.text.lines().nth(line.checked_sub(1)?)
}

/// A line that still holds its template's example where a time or a date goes (see
/// [`derive::placeholder_lines`]): a warning at the placeholder. The page shows the line as
/// written, and no time or date is read from it.
fn placeholder_line(raw: &RawFile, p: derive::PlaceholderLine) -> Diagnostic {
    let (what, hint) = if p.row {
        (
            "this table row",
            "write when it happened and what happened, or delete the row if it is the template's example; a time of day you do not know can be left out (`2024-03-13`)",
        )
    } else {
        (
            "this line",
            "write the value (a time with its day and zone, `2024-05-02 10:14 UTC`, or a duration, `54 minutes`), or delete the line",
        )
    };
    Diagnostic::warning(
        "template-placeholder",
        &raw.source,
        format!(
            "{what} still holds the template's placeholder `{}`, which is read as no time or date; the page shows it as written",
            p.placeholder
        ),
    )
    .at(p.line, p.column)
    .hint(hint)
}

/// The line and column where `written` is first found from `line` on (over at most 50 lines,
/// as a list item can run over lines), else the start of `line`.
fn find_from(raw: &RawFile, line: usize, written: &str) -> (usize, usize) {
    raw.text
        .lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .take(50)
        .find_map(|(i, l)| {
            l.find(written)
                .map(|at| (i + 1, l[..at].chars().count() + 1))
        })
        .unwrap_or((line, 1))
}

/// The hint of an `unknown-severity` finding: the level `written` most likely means when one is
/// close, else the scale, and how to change it.
fn severity_hint(written: &str, config: &Config) -> String {
    let scale = config.severities.join(", ");
    match config.nearest_severity(written) {
        Some(level) => format!(
            "did you mean `{level}`? The scale is {scale} (case, spaces and punctuation do not matter); change it with `severities` in hindsight.toml"
        ),
        None => format!(
            "use one of {scale} (case, spaces and punctuation do not matter), or add `{}` to `severities` in hindsight.toml",
            written.trim()
        ),
    }
}

/// The `malformed-table` warning of a table row with more cells than its header, at the
/// first cell a page leaves out.
fn dropped_cells(d: &markdown::DroppedCells, source: &str) -> Diagnostic {
    let shown: Vec<String> = d
        .cells
        .iter()
        .map(|c| format!("“{}”", crate::render::truncate(c, 40)))
        .collect();
    Diagnostic::warning(
        "malformed-table",
        source,
        format!(
            "this table row has more cells than its header's {}, so the page leaves out {}",
            d.columns,
            shown.join(", ")
        ),
    )
    .at(d.line, d.column)
    .hint("a `|` in a cell's text ends the cell, even inside `code`: write it as `\\|`; or, if the row is right, add a header cell for each column")
}

/// The `malformed-table` warning of a table whose separator row does not match its header,
/// at its first row.
fn broken_table(t: &markdown::BrokenTable, source: &str) -> Diagnostic {
    Diagnostic::warning(
        "malformed-table",
        source,
        format!(
            "this table's header row has {} cells and the separator row under it {}, so the page shows it as text, pipes and dashes included",
            t.header, t.separator
        ),
    )
    .at(t.line, t.column)
    .hint(format!(
        "give the separator row one `---` for each cell of the header: `|{}|`",
        vec!["---"; t.header.max(1)].join("|")
    ))
}

/// The `unknown-severity` finding of a front-matter severity that is not on the configured
/// scale, at its value, quoted as written, with the level it most likely means when one is
/// close. `build` reports it as `check` does, and leaves the severity out (no page of its own).
fn unknown_severity(fm: &FrontMatter, source: &str, config: &Config) -> Option<Diagnostic> {
    let written = fm.severity.as_deref()?;
    if config.severity_level(written).is_some() {
        return None;
    }
    let hint = severity_hint(written, config);
    let (line, column) = fm.entry_at("severity", 0);
    Some(
        Diagnostic::error(
            "unknown-severity",
            source,
            format!(
                "unknown severity `{written}`: it is not on the scale, so the postmortem has no severity"
            ),
        )
        .at(line, column)
        .hint(hint),
    )
}

/// What the body of a postmortem gives where its front matter says nothing, read from its text
/// before `check` forgets it: a severity, services and tags stated as labels, and the action items
/// derived from it (`None` when the front matter lists some).
struct Labelled {
    severity: Option<String>,
    services: Vec<String>,
    tags: Vec<String>,
    actions: Option<Vec<derive::DerivedAction>>,
}

fn build_incident(
    raw: RawFile,
    fm: FrontMatter,
    id: String,
    has_fm: bool,
    parsed: Parsed,
    labelled: Labelled,
    config: &Config,
) -> Incident {
    let mut derived = Vec::new();
    let stem = naming(&raw.content_path).0.to_string();
    // A heading with no text (an image without alt text, in a link or not: `#
    // [![](logo.png)](https://example.com)`) gives no title: the file's name does.
    let heading = parsed
        .h1
        .as_deref()
        .map(|h1| derive::title_from_heading(h1, &id, &stem))
        .filter(|t| !t.trim().is_empty());
    let title = match fm.title.clone() {
        Some(t) => t,
        None => match heading {
            Some(t) => {
                derived.push("title");
                t
            }
            None => {
                derived.push("title-from-file-name");
                derive::id_and_title_from_stem(&stem).1
            }
        },
    };
    let (date, date_source) = derive::incident_date(
        &fm,
        &stem,
        &parsed,
        &config.learnings.action_sections,
        crate::check::latest_date(),
    );
    if date_source != DateSource::FrontMatter {
        derived.push("date");
    }
    let summary = match fm.summary.clone() {
        Some(s) => s,
        None => {
            derived.push("summary");
            derive::summary(&parsed)
        }
    };
    // Spelled as the scale spells it (`sev-2` is `SEV2`). One that is not on the scale is
    // reported (`unknown_severity`) and left out, rather than made a level of its own; nor is
    // one looked for in the text, which the front matter overrules.
    let severity = match &fm.severity {
        Some(s) => config.severity_level(s).map(String::from),
        None => {
            if labelled.severity.is_some() {
                derived.push("severity");
            }
            labelled.severity
        }
    };
    let services = match &fm.services {
        Some(s) => s.clone(),
        None => {
            if !labelled.services.is_empty() {
                derived.push("services");
            }
            labelled.services
        }
    };
    let tags = match &fm.tags {
        Some(t) => t.clone(),
        None => {
            if !labelled.tags.is_empty() {
                derived.push("tags");
            }
            labelled.tags
        }
    };
    let learnings = match fm.learnings.clone() {
        Some(ls) => ls
            .into_iter()
            .map(|l| Learning {
                text: l.text,
                canonical: l.id,
                cited_at: l.id_at,
                group: None,
                similarity: None,
                line: l.line,
            })
            .collect(),
        None => {
            derived.push("learnings");
            derive::learnings(&parsed, &config.learnings.sections)
                .into_iter()
                .map(|l| Learning {
                    text: l.text,
                    cited_at: l.mark.as_ref().map_or((l.line, 1), |m| (m.line, m.column)),
                    canonical: l.mark.map(|m| m.id),
                    group: None,
                    similarity: None,
                    line: l.line,
                })
                .collect()
        }
    };
    let action_items = match fm.action_items.clone() {
        Some(items) => items
            .into_iter()
            .map(|a| ActionItem {
                text: a.text,
                // `@sre` is the `sre` a body writes `@sre` as.
                owner: a.owner.map(derive::owner_cell),
                status: a.status,
                due: a.due,
                learning: a.learning,
                ticket: a.ticket,
                cited_at: a.learning_at,
                owner_at: a.owner_at,
                owner_reported: a.owner_reported,
                group: None,
                line: a.line,
            })
            .collect(),
        None => {
            derived.push("action_items");
            labelled
                .actions
                .unwrap_or_default()
                .into_iter()
                .map(|a| ActionItem {
                    text: a.text,
                    owner: a.owner,
                    status: a.status,
                    due: a.due,
                    cited_at: a.mark.as_ref().map_or((a.line, 1), |m| (m.line, m.column)),
                    learning: a.mark.map(|m| m.id),
                    ticket: a.ticket,
                    owner_at: (a.line, 1),
                    owner_reported: false,
                    group: None,
                    line: a.line,
                })
                .collect()
        }
    };
    Incident {
        id,
        source: raw.source,
        content_path: raw.content_path,
        title,
        title_links: parsed.title_links,
        date,
        date_source,
        changed: None,
        severity,
        status: fm.status.unwrap_or(Status::Published),
        visibility: fm.visibility.unwrap_or(Visibility::Public),
        services,
        tags,
        authors: fm.authors.clone().unwrap_or_default(),
        started_at: fm.started_at,
        detected_at: fm.detected_at,
        resolved_at: fm.resolved_at,
        stated: derive::StatedTimes::default(),
        stated_timestamps: derive::StatedTimestamps::default(),
        summary,
        learnings,
        action_items,
        related: fm.related.clone().unwrap_or_default(),
        aliases: fm.aliases.clone().unwrap_or_default(),
        derived,
        has_front_matter: has_fm,
        front_matter: fm,
        html: parsed.html,
        toc: parsed.toc,
        sections: parsed.sections,
        preamble: parsed.preamble,
        source_text: (!raw.text.is_empty()).then_some(raw.text),
        links: parsed.links,
        assets: parsed.assets,
        ids: parsed.ids,
        github_anchors: parsed.github_anchors,
        renamed_ids: parsed.renamed_ids,
        images_without_alt: parsed.images_without_alt,
        unsafe_html: parsed.unsafe_html,
    }
}

/// Walks the content folder in a stable order, following symbolic links to files and folders
/// (as Zola and mdBook do). Returns the files to build and the Markdown-looking files that are
/// skipped.
///
/// What a link cannot give is reported, never skipped in silence: a broken link (`io`), a
/// link that leads back into a folder it is in (`io`, not followed: a loop), and a file that
/// two paths reach (`duplicate-id`: it would be built twice). Nothing under the output folder
/// is read, whatever link leads there, unless the output folder is or holds the content folder
/// (which `build` refuses to write to): then everything is read, for `check` to report on.
/// Nothing is read either where a link leads outside the `areas` (see [`crate::confine`]): a
/// link to a folder out there, and a link to a file that could be a postmortem, is an error
/// at the link.
fn walk(
    opts: &LoadOptions,
    content_root: &Path,
    areas: &crate::confine::Areas,
    diags: &Diagnostics,
) -> Walked {
    let ignore = ignoring::Ignore::new(&opts.config.ignore);
    // The patterns no file has matched yet.
    let unused = std::cell::RefCell::new((0..ignore.len()).collect::<Vec<usize>>());
    let note = |rel: &str| {
        let mut unused = unused.borrow_mut();
        if !unused.is_empty() {
            unused.retain(|&i| !ignore.touches(i, rel));
        }
    };
    let content_canonical = content_root
        .canonicalize()
        .unwrap_or_else(|_| lexical(content_root));
    // An output folder that is or holds the content folder would leave nothing to read: it is
    // not one `build` writes to (it refuses it, and `check` says so), so it hides nothing.
    let output = Some(
        opts.output
            .canonicalize()
            .unwrap_or_else(|_| lexical(opts.output)),
    )
    .filter(|o| !content_canonical.starts_with(o));
    let in_output = |p: &Path| output.as_ref().is_some_and(|o| p.starts_with(o));
    let mut found: Vec<Found> = Vec::new();
    let mut skipped = Vec::new();
    let mut repository = Vec::new();
    let walker = walkdir::WalkDir::new(content_root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let dir = e.file_type().is_dir();
            if passed_over(&e.file_name().to_string_lossy(), e.depth(), dir) {
                return false;
            }
            if dir {
                if let Ok(c) = e.path().canonicalize() {
                    if in_output(&c) {
                        return false;
                    }
                    if let Some(real) = e
                        .path_is_symlink()
                        .then(|| areas.outside(e.path()))
                        .flatten()
                    {
                        let rel = rel_path(content_root, e.path());
                        note(&rel);
                        if ignore.matched(&rel, true).is_none() {
                            diags.push(areas.finding(
                                &rel_path(opts.root, e.path()),
                                "",
                                content_root,
                                e.path(),
                                &real,
                                FOLDER_INSTEAD,
                            ));
                        }
                        return false;
                    }
                    // A link to a folder that holds it, or the content folder, would read
                    // everything again; walkdir finds the loops this does not.
                    let holds_link = || {
                        e.path()
                            .parent()
                            .and_then(|p| p.canonicalize().ok())
                            .is_some_and(|p| p.starts_with(&c))
                    };
                    if e.path_is_symlink() && (content_canonical.starts_with(&c) || holds_link()) {
                        diags.push(loop_finding(opts.root, e.path(), &c));
                        return false;
                    }
                }
            } else if e.path_is_symlink() && e.path().canonicalize().is_ok_and(|c| in_output(&c)) {
                return false;
            }
            true
        });
    // The links to folders the walk is in, innermost last, with their depth.
    let mut links: Vec<(usize, PathBuf)> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if let Some(path) = e.path() {
                    note(&rel_path(content_root, path));
                }
                walk_error(
                    opts,
                    content_root,
                    areas,
                    &e,
                    &ignore,
                    output.as_deref(),
                    diags,
                );
                continue;
            }
        };
        while links.last().is_some_and(|(d, _)| *d >= entry.depth()) {
            links.pop();
        }
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && entry.path_is_symlink() {
                links.push((entry.depth(), entry.path().to_path_buf()));
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = rel_path(content_root, path);
        note(&rel);
        let name = entry.file_name().to_string_lossy().to_string();
        let lower = name.to_lowercase();
        let ext = Path::new(&lower)
            .extension()
            .map(|e| e.to_string_lossy().into_owned());
        let is_md = matches!(ext.as_deref(), Some("md") | Some("markdown"));
        let stem_lower = lower.split('.').next().unwrap_or("").to_string();
        // Before anything of the file is read: a link out of the areas is never followed,
        // and is an error where it could be a postmortem (an image is one where it is used).
        if let Some(real) = entry
            .path_is_symlink()
            .then(|| areas.outside(path))
            .flatten()
        {
            let postmortem = is_md || (ext.is_none() && !TOOL_FILES.contains(&lower.as_str()));
            if postmortem
                && ignore.matched(&rel, false).is_none()
                && !META_FILES.contains(&stem_lower.as_str())
            {
                diags.push(areas.finding(
                    &rel_path(opts.root, path),
                    "",
                    content_root,
                    path,
                    &real,
                    "copy the file into the content folder in place of the link",
                ));
            }
            continue;
        }
        let looks_md = is_md
            || (ext.is_none()
                && !TOOL_FILES.contains(&lower.as_str())
                && looks_like_markdown(path));
        if !looks_md {
            if matches!(ext.as_deref(), Some("txt") | Some("mdx") | Some("mkd"))
                && looks_like_markdown(path)
            {
                skipped.push(rel);
            }
            continue;
        }
        if ignore.matched(&rel, false).is_some() {
            skipped.push(rel);
            continue;
        }
        let kind = if rel.starts_with("learnings/") {
            Kind::Learning
        } else if rel == "index.md" || rel == "_index.md" {
            Kind::Index
        } else if rel == "onboarding.md" {
            Kind::Onboarding
        } else {
            Kind::Incident
        };
        // A repository file: the content folder's own is never read; below it, a README may
        // be its folder's postmortem (see `folder_pages`), and `check` looks at the others.
        let readme = stem_lower == "readme" && is_md && kind == Kind::Incident;
        if META_FILES.contains(&stem_lower.as_str()) && !(readme && rel.contains('/')) {
            if rel.contains('/') {
                skipped.push(rel);
            } else {
                repository.push(rel);
            }
            continue;
        }
        let via = if entry.path_is_symlink() {
            Some(path.to_path_buf())
        } else {
            links.last().map(|(_, l)| l.clone())
        };
        // Only a path through a link needs the file system to say where it leads.
        let resolved = match via {
            None => content_canonical.join(path.strip_prefix(content_root).unwrap_or(path)),
            Some(_) => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        };
        found.push(Found {
            kind,
            path: path.to_path_buf(),
            resolved,
            via,
            readme,
        });
    }
    let found = folder_pages(found, content_root, &mut skipped);
    // A file two paths reach is one postmortem: it is kept under the path without a link (else
    // the first), and each other path is an error, since two ids, or one id twice, would follow.
    let mut first: HashMap<&Path, usize> = HashMap::with_capacity(found.len());
    for (i, f) in found.iter().enumerate().filter(|(_, f)| f.via.is_none()) {
        first.entry(f.resolved.as_path()).or_insert(i);
    }
    for (i, f) in found.iter().enumerate() {
        first.entry(f.resolved.as_path()).or_insert(i);
    }
    let mut files = Vec::with_capacity(found.len());
    for (i, f) in found.iter().enumerate() {
        let k = first[f.resolved.as_path()];
        if k == i {
            files.push((f.kind, f.path.clone()));
            continue;
        }
        let kept = &found[k];
        let source = rel_path(opts.root, &f.path);
        let kept = rel_path(opts.root, &kept.path);
        let link = f.via.as_deref().unwrap_or(&f.path);
        let how = if link == f.path {
            format!(
                "`{source}` is a symbolic link to `{}`, the same file as `{kept}`",
                link_target(link)
            )
        } else {
            format!(
                "`{source}` is the same file as `{kept}`, reached again through the symbolic link `{}` (to `{}`)",
                rel_path(opts.root, link),
                link_target(link)
            )
        };
        diags.push(
            Diagnostic::error(
                "duplicate-id",
                &source,
                format!("{how}: read twice, it would become two postmortems from one file"),
            )
            .hint("delete the symbolic link, or add its path to `ignore` in hindsight.toml, so that each file is read by one path only"),
        );
    }
    Walked {
        files,
        skipped,
        repository,
        unused_ignore: unused.into_inner(),
    }
}

/// What [`walk`] found under the content folder.
struct Walked {
    /// The files to read.
    files: Vec<(Kind, PathBuf)>,
    /// Markdown-looking files below the content folder that are not read (see
    /// [`Library::skipped`]).
    skipped: Vec<String>,
    /// The content folder's own repository files (`README.md`, `CONTRIBUTING.md`).
    repository: Vec<String>,
    /// The `ignore` patterns that match no file there.
    unused_ignore: Vec<usize>,
}

/// The READMEs of the walk that are their folder's postmortem, kept among the files to read,
/// as GitHub shows a folder's README as its page: a `README.md` (or `.markdown`) below the
/// content folder that is the one Markdown file of its folder to be read as a postmortem,
/// and that reads like one (see [`signs`]): `INC-201/README.md` is the postmortem `INC-201`.
/// Any other README is a repository file, added to `skipped`.
fn folder_pages(found: Vec<Found>, content_root: &Path, skipped: &mut Vec<String>) -> Vec<Found> {
    if !found.iter().any(|f| f.readme) {
        return found;
    }
    let mut postmortems: HashMap<PathBuf, usize> = HashMap::new();
    for f in found.iter().filter(|f| f.kind == Kind::Incident) {
        if let Some(parent) = f.path.parent() {
            *postmortems.entry(parent.to_path_buf()).or_default() += 1;
        }
    }
    found
        .into_iter()
        .filter(|f| {
            if !f.readme {
                return true;
            }
            let alone = f.path.parent().and_then(|p| postmortems.get(p)) == Some(&1);
            let page = alone
                && std::fs::read(&f.path).is_ok_and(|bytes| signs(&text_of(&bytes)).postmortem);
            if !page {
                skipped.push(rel_path(content_root, &f.path));
            }
            page
        })
        .collect()
}

/// What to do in place of a link to a folder outside the folders Hindsight reads.
const FOLDER_INSTEAD: &str = "copy the folder into the content folder in place of the link (or, if it holds every postmortem, set `content_dir` in hindsight.toml to it)";

/// A file to build, as the walk found it.
struct Found {
    kind: Kind,
    /// The path walked (through links, when any).
    path: PathBuf,
    /// Where it leads, with every link resolved: one file has one.
    resolved: PathBuf,
    /// The symbolic link it was reached through: itself, or the innermost linked folder.
    via: Option<PathBuf>,
    /// A README below the content folder, which may be its folder's postmortem (see
    /// [`folder_pages`]).
    readme: bool,
}

/// Whether the walk passes over an entry of this name: hidden files and folders (editors'
/// lock files among them), and the folders of [`SKIPPED_DIRS`] at the top.
fn passed_over(name: &str, depth: usize, dir: bool) -> bool {
    name.starts_with('.') || (dir && depth == 1 && SKIPPED_DIRS.contains(&name))
}

/// What a symbolic link says it points to, as written.
fn link_target(link: &Path) -> String {
    std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// `path` made absolute, with `.` and `..` resolved without the file system (for paths that
/// do not exist).
fn lexical(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    crate::output::lexical(&abs)
}

/// A link that leads back into a folder the walk is in.
fn loop_finding(root: &Path, link: &Path, leads_to: &Path) -> Diagnostic {
    let source = rel_path(root, link);
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| leads_to.display().to_string());
    Diagnostic::error(
        "io",
        &source,
        format!("`{source}` is a symbolic link to `{target}`, a folder that holds it: following it would go round in a loop, so it is not followed"),
    )
    .hint("delete the link, or point it at a folder that holds neither the link nor the content folder")
}

/// The `io` error of a file (or, `folder`, a folder that cannot be listed) under the content
/// folder that cannot be read: `source` is its path from the site root, `rel` from the content
/// folder. The hint says how to make it readable, or to leave it out.
pub(crate) fn unreadable(source: &str, rel: &str, folder: bool, e: &std::io::Error) -> Diagnostic {
    let (what, expected, chmod, pattern) = if folder {
        (
            "list the folder",
            "every folder under the content folder is read, to find the postmortems in it",
            "a+rx",
            format!("/{rel}/"),
        )
    } else {
        (
            "read the file",
            "every Markdown file under the content folder is read as a postmortem, a learning or a page",
            "a+r",
            format!("/{rel}"),
        )
    };
    let fix = how_to_read(source, chmod, e);
    let hint = if rel.is_empty() {
        format!("{fix}, as {expected}")
    } else {
        format!("{fix}, or, as {expected}, move it out of the content folder or leave it out with `ignore = [\"{pattern}\"]` in hindsight.toml")
    };
    Diagnostic::error("io", source, format!("cannot {what} `{source}`: {e}")).hint(hint)
}

/// How to make `source` readable, which cannot be read for `e`: the `chmod` (`a+r` for a
/// file, `a+rx` for a folder) that lets whoever runs Hindsight read it when it may not be read,
/// what to check otherwise. The start of the hint of every finding about a file that cannot be
/// read (also [`crate::render::unreadable_site_file`]).
pub(crate) fn how_to_read(source: &str, chmod: &str, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        format!("make it readable by whoever runs Hindsight (`chmod {chmod} {source}`)")
    } else {
        "check that it can be read (a file on a disk or a network share that is gone, a special file such as a pipe)".to_string()
    }
}

/// Reports what the walk could not read: a broken link, a loop, a folder it may not list.
fn walk_error(
    opts: &LoadOptions,
    content_root: &Path,
    areas: &crate::confine::Areas,
    e: &walkdir::Error,
    ignore: &ignoring::Ignore,
    output: Option<&Path>,
    diags: &Diagnostics,
) {
    let Some(path) = e.path() else {
        diags.push(
            Diagnostic::error("io", "", format!("cannot read the content folder: {e}"))
                .hint("make the content folder and everything in it readable by whoever runs Hindsight (`chmod -R a+rX` on it)"),
        );
        return;
    };
    let source = rel_path(opts.root, path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = rel_path(content_root, path);
    // What the walk would have passed over had it been readable.
    if (e.depth() > 0 && passed_over(&name, e.depth(), true))
        || ignore.matched(&rel, false).is_some()
        || ignore.matched(&rel, true).is_some()
    {
        return;
    }
    if let Some(ancestor) = e.loop_ancestor() {
        // A link to a folder above the root is first of all one out of it.
        diags.push(match areas.outside(path) {
            Some(real) => areas.finding(&source, "", content_root, path, &real, FOLDER_INSTEAD),
            None => loop_finding(opts.root, path, ancestor),
        });
        return;
    }
    let Ok(target) = std::fs::read_link(path) else {
        let folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        match e.io_error() {
            Some(io) => diags.push(unreadable(&source, &rel, folder, io)),
            None => diags.push(
                Diagnostic::error("io", &source, format!("cannot read `{source}`: {e}"))
                    .hint(format!("make it readable by whoever runs Hindsight, or leave it out with `ignore = [\"/{rel}\"]` in hindsight.toml")),
            ),
        }
        return;
    };
    // A broken link is content only when its name is a postmortem's or a folder's: an image
    // is reported where it is used (`missing-image`).
    let ext = Path::new(&name.to_lowercase())
        .extension()
        .map(|x| x.to_string_lossy().into_owned());
    if ext.is_some_and(|x| x != "md" && x != "markdown") {
        return;
    }
    // A link to the output folder before the first build: never read anyway.
    let parent = path.parent().unwrap_or(Path::new("."));
    if output.is_some_and(|o| lexical(&parent.join(&target)).starts_with(o)) {
        return;
    }
    let why = match e.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => "which does not exist".to_string(),
        Some(io) => format!("which cannot be read: {io}"),
        None => format!("which cannot be read: {e}"),
    };
    diags.push(
        Diagnostic::error(
            "io",
            &source,
            format!("`{source}` is a symbolic link to `{}`, {why}", target.display()),
        )
        .hint("point the link at an existing file or folder (a relative target is read from the link's own folder), or delete it"),
    );
}

/// A file without an extension is read as Markdown when it opens with a heading (`# Title`,
/// `## Summary`, or a title underlined with `===` or `---`) or front matter.
fn looks_like_markdown(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    opens_like_markdown(&text_of(&buf[..n]))
}

/// Whether a text opens like Markdown. A `#` line is a title only when a blank line, the end or
/// a heading of another level follows it, and when it is not a directive such as
/// `# syntax=docker/dockerfile:1`: the comment atop a script or a configuration file runs
/// straight into the next line (`# Owners` then `* @team`) or into more comment lines.
fn opens_like_markdown(head: &str) -> bool {
    let mut lines = head
        .trim_start_matches('\u{feff}')
        .lines()
        .skip_while(|l| l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    let next = lines.next();
    if matches!(first.trim_end(), "---" | "+++") {
        return true;
    }
    if let Some(level) = atx_level(first) {
        let text = first[level..].trim();
        let directive = !text.contains(char::is_whitespace) && text.contains('=');
        return !directive
            && next
                .is_none_or(|l| l.trim().is_empty() || atx_level(l).is_some_and(|n| n != level));
    }
    let underline = |l: &str, c: char| {
        let l = l.trim();
        l.len() >= 2 && l.chars().all(|x| x == c)
    };
    next.is_some_and(|l| underline(l, '=') || underline(l, '-'))
}

/// The level of an ATX heading line (`## Summary` is 2), `None` for any other line (a shebang
/// `#!/bin/sh`, `#comment`, seven `#`).
fn atx_level(line: &str) -> Option<usize> {
    let text = line.trim_start_matches('#');
    let level = line.len() - text.len();
    ((1..=6).contains(&level) && text.starts_with([' ', '\t'])).then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_may_not_be_read_names_itself_and_says_how_to_make_it_readable_or_leave_it_out() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = unreadable("content/pm/a.md", "pm/a.md", false, &e);
        assert_eq!((d.rule, d.file.as_str()), ("io", "content/pm/a.md"));
        assert!(
            d.message
                .starts_with("cannot read the file `content/pm/a.md`: "),
            "{}",
            d.message
        );
        assert!(d.hint.contains("`chmod a+r content/pm/a.md`"), "{}", d.hint);
        assert!(d.hint.contains("`ignore = [\"/pm/a.md\"]`"), "{}", d.hint);
    }

    #[test]
    fn a_folder_that_may_not_be_listed_is_named_with_the_chmod_that_lets_it_be_listed() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = unreadable("content/pm/locked", "pm/locked", true, &e);
        assert!(
            d.message
                .starts_with("cannot list the folder `content/pm/locked`: "),
            "{}",
            d.message
        );
        assert!(
            d.hint.contains("`chmod a+rx content/pm/locked`"),
            "{}",
            d.hint
        );
        assert!(
            d.hint.contains("`ignore = [\"/pm/locked/\"]`"),
            "{}",
            d.hint
        );
    }

    #[test]
    fn a_file_that_cannot_be_read_for_another_reason_is_not_told_to_change_its_permissions() {
        let e = std::io::Error::other("Input/output error");
        let d = unreadable("content/a.md", "a.md", false, &e);
        assert!(d.message.ends_with("Input/output error"), "{}", d.message);
        assert!(!d.hint.contains("chmod"), "{}", d.hint);
        assert!(
            d.hint.contains("move it out of the content folder"),
            "{}",
            d.hint
        );
    }

    #[test]
    fn ids_compare_their_runs_of_digits_as_numbers() {
        use std::cmp::Ordering::*;
        for (a, b, order) in [
            ("PM2021-9", "PM2021-10", Less),
            ("PM2021-10", "PM2022-1", Less),
            ("INC-2", "INC-010", Less),
            ("INC-10", "INC-9b", Greater),
            ("a7", "a7x", Less),
            ("a-1", "a1", Less),
            ("b1", "a2", Greater),
            ("PM-12", "PM-12", Equal),
            // Equal numbers: plain string order, so that only equal ids are equal.
            ("INC-007", "INC-7", Less),
        ] {
            assert_eq!(natural_cmp(a, b), order, "{a} {b}");
            assert_eq!(natural_cmp(b, a), order.reverse(), "{b} {a}");
        }
    }

    #[test]
    fn natural_order_is_a_total_order_sort_can_rely_on() {
        let ids = [
            "",
            "0",
            "00",
            "1",
            "01",
            "9",
            "10",
            "a",
            "a0",
            "a00",
            "a1",
            "a01",
            "a10",
            "a-1",
            "a 1",
            "PM2021-9",
            "PM2021-09",
            "PM2021-10",
            "PM2021-010x",
            "Ω1",
            "Ω01",
            "ω2",
            "1a",
            "1A",
        ];
        for a in ids {
            assert_eq!(natural_cmp(a, a), std::cmp::Ordering::Equal);
            for b in ids {
                assert_eq!(natural_cmp(a, b), natural_cmp(b, a).reverse(), "{a} {b}");
                if a != b {
                    assert_ne!(natural_cmp(a, b), std::cmp::Ordering::Equal, "{a} {b}");
                }
                for c in ids {
                    if natural_cmp(a, b).is_le() && natural_cmp(b, c).is_le() {
                        assert!(natural_cmp(a, c).is_le(), "{a} {b} {c}");
                    }
                }
            }
        }
    }

    #[test]
    fn incidents_of_one_date_are_listed_later_id_first_and_undated_ones_last() {
        let day = NaiveDate::from_ymd_opt(2021, 3, 4);
        let mut list = [
            (None, "PM2021-1"),
            (day, "PM2021-9"),
            (NaiveDate::from_ymd_opt(2021, 3, 3), "PM2021-11"),
            (day, "PM2021-10"),
            (None, "PM2021-2"),
        ];
        list.sort_by(|a, b| newest_first((&a.0, a.1), (&b.0, b.1)));
        let ids: Vec<&str> = list.iter().map(|(_, id)| *id).collect();
        assert_eq!(
            ids,
            ["PM2021-10", "PM2021-9", "PM2021-11", "PM2021-2", "PM2021-1"]
        );
    }

    #[test]
    fn a_file_without_an_extension_is_markdown_when_it_opens_like_markdown() {
        for yes in [
            "# Disk full\n",
            "\u{feff}\n## Summary\n\ntext",
            "# Bad AWS EKS AMI \n\n## Summary\n",
            "# Disk full\n## Summary\n",
            "---\ntitle: x\n---\n",
            "+++\ntitle = \"x\"\n+++\n",
            "Kafka consumer lag\n==================\n\nnotes",
            "Kafka consumer lag\n---\n",
        ] {
            assert!(opens_like_markdown(yes), "{yes:?}");
        }
        for no in [
            "MIT License\n\nCopyright (c) 2020",
            "#!/bin/sh\necho hi",
            "####### seven\n",
            "",
            "plain text\nmore text\n",
            "# syntax=docker/dockerfile:1\n\nFROM alpine\n",
            "# Build the site\nall:\n\thindsight build\n",
            "# Owners\n* @team-sre\n",
            "# Copyright 2024 Example\n# Licensed under MIT\n\nset -e\n",
            "#\n\nnotes\n",
        ] {
            assert!(!opens_like_markdown(no), "{no:?}");
        }
    }

    #[test]
    fn a_utf32_text_with_a_byte_order_mark_is_read_in_either_byte_order() {
        let text = "\u{feff}---\ntitle: Café 🧾\n---\n";
        let le: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let be: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        for (bytes, encoding) in [(le, "UTF-32LE"), (be, "UTF-32BE")] {
            let d = decode_bom(&bytes).unwrap();
            assert_eq!(
                (d.text.as_str(), d.encoding, d.invalid),
                (text, encoding, None)
            );
            assert_eq!(text_of(&bytes), text);
        }
        // A UTF-16LE byte order mark opens like a UTF-32LE one, but is followed by a character.
        let utf16: Vec<u8> = "\u{feff}# T"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_bom(&utf16).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn a_utf32_unit_that_is_no_character_is_read_as_the_replacement_character_and_noted() {
        let mut bytes: Vec<u8> = "\u{feff}a\nb"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        bytes.extend(0x0011_0000u32.to_le_bytes());
        bytes.extend(0xd800u32.to_le_bytes());
        bytes.extend([b'c', 0]);
        let d = decode_bom(&bytes).unwrap();
        assert_eq!(d.text, "\u{feff}a\nb\u{fffd}\u{fffd}\u{fffd}");
        let invalid = d.invalid.unwrap();
        assert_eq!((invalid.at, invalid.more), ("\u{feff}a\nb".len(), 2));
        assert!(invalid.what.contains("0x00110000"), "{}", invalid.what);
    }
}
