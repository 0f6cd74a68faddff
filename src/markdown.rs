/*!
One pulldown-cmark pass over a postmortem body that both renders HTML and reads its structure.

Rendering: tables, footnotes, strikethrough, task lists, heading ids with anchor links (and
the anchors GitHub gives the same headings, to which authors' links often point: once every
page is parsed, `lead_github_fragments` leads those links to the ids), code
highlighted at build time (syntect, CSS classes, no client JavaScript), links between
postmortems and bare ids of the incidents the build publishes turned into site links (one to an
incident it leaves out is its text alone: no URL of a missing page, nor its id), images
and files a postmortem links to copied, whether by Markdown or by raw HTML (`<img src>`,
`srcset`, `<video>`, `<audio>`,
`<iframe>`, `<a href>`, ...; see `html`). A body with more raw HTML than comments and bare tags,
or a link of another scheme than `http:`, `https:` and `mailto:`, is sanitized (see `sanitize`),
and what that leaves out is noted for `check` (`unsafe-html`).

Reading: the first H1 (title), the first paragraph, every section with its paragraphs, list
items (with task-list state) and table rows, the dates mentioned in the text, and every link
(raw HTML's too), so that `content::derive` can fill what the front matter left out and `check`
can verify links.

Character references that decode to a character no page may hold (`&#7;`, `&#x1b;[31m`) are
left out of the text as it is read, and noted for a warning (see `Decoded`).
*/

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// What a body link points at, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// Another incident, by id.
    Incident(String),
    /// A canonical learning, by id.
    Learning(String),
    /// One of the site's own pages that a file of the content folder writes: the home page
    /// (`index.md`, at `""`) or the reading path (`onboarding.md`, at `"onboarding/"`), by
    /// its URL from the site root (see [`site_page`]).
    Page(&'static str),
    /// An anchor in this same page.
    SelfAnchor,
    /// A file in the content folder that is copied beside the page.
    Asset,
    /// An http(s), mailto or other absolute URL.
    External,
    /// A relative link that names nothing Hindsight knows.
    Broken,
    /// A file the page shows, plays or embeds that does not exist, with what it is
    /// ("image", "video", ...; see `html::Use::embedded`).
    MissingEmbed(&'static str),
    /// A Markdown file in the content folder that the page shows, plays or embeds as a file,
    /// with what it is used as ("image", ...) and what it is ("postmortem", "learning" or
    /// "Markdown file"): Markdown is built into pages, never copied.
    EmbeddedMarkdown(&'static str, &'static str),
    /// A file or folder whose path, through a symbolic link, leads outside the folders
    /// Hindsight reads (see [`crate::confine`]): never read nor copied. With what the page uses
    /// it as ("image", ...; `None` for a link), and its path from the content folder in
    /// [`Link::path`].
    Outside(Option<&'static str>),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub kind: LinkKind,
    pub target: String,
    pub anchor: Option<String>,
    /// For a broken link, a missing embed, or one that leads outside, the path it names from
    /// the content folder, percent-decoded, with `.` and `..` resolved (`../README.md` is above the content
    /// folder).
    pub path: Option<String>,
    /// For a link or an embed that names nothing of the content folder, which `build` leaves
    /// as it is written: the path in the output it leads to from the page's own URL (from the
    /// site's root for a path from the host's root, under the base URL's path), percent-decoded
    /// (`/files/runbook.pdf` is `files/runbook.pdf`); None when it leads out of the site.
    pub served: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// A link in the heading that became a page's title (`# [INC-12](https://tracker/INC-12):
/// Database failover stalled`): its text, collapsed as the title's, and its URL, resolved as
/// any link of the body. A link to a page this build does not have is no link, only text.
/// An image of the heading outside any link is one too (`image`), its text its alt text: the
/// title reads the alt text, the incident page shows the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleLink {
    pub text: String,
    pub url: String,
    pub image: bool,
    /// The images inside a link (`[![logo](logo.png)](https://example.com)`), in order, each
    /// one of its own (`image`) whose alt text is part of the link's text, with where in that
    /// text its alt text starts at the earliest (a byte offset: the link's words before it).
    pub images: Vec<(usize, TitleLink)>,
}

impl TitleLink {
    fn new(url: &str, image: bool) -> Self {
        TitleLink {
            text: String::new(),
            url: url.to_string(),
            image,
            images: Vec::new(),
        }
    }

    /// Done reading: its text collapsed as the title's.
    fn read(mut self) -> Self {
        self.text = collapse_ws(&self.text);
        self
    }
}

/// The links and images of a heading's events (see [`TitleLink`]), in order.
fn title_links(events: &[Event]) -> Vec<TitleLink> {
    let mut links = Vec::new();
    // The link or image being read, and an image being read inside that link with the length
    // of the link's text before it.
    let mut open: Option<TitleLink> = None;
    let mut inner: Option<(usize, TitleLink)> = None;
    for event in events {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some(TitleLink::new(dest_url, false));
            }
            Event::Start(Tag::Image { dest_url, .. }) => match &open {
                None => open = Some(TitleLink::new(dest_url, true)),
                // An image inside a link: its alt text is part of the link's text too.
                Some(link) if !link.image && inner.is_none() => {
                    let before = collapse_ws(&link.text).len();
                    inner = Some((before, TitleLink::new(dest_url, true)));
                }
                _ => {}
            },
            Event::End(TagEnd::Image) if inner.is_some() => {
                if let (Some((before, image)), Some(link)) = (inner.take(), open.as_mut()) {
                    link.images.push((before, image.read()));
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                let closes = match (event, &open) {
                    (Event::End(TagEnd::Link), Some(l)) => !l.image,
                    (Event::End(TagEnd::Image), Some(l)) => l.image,
                    _ => false,
                };
                if closes {
                    links.extend(open.take().map(TitleLink::read));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                for reading in open.iter_mut().chain(inner.iter_mut().map(|(_, i)| i)) {
                    reading.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                for reading in open.iter_mut().chain(inner.iter_mut().map(|(_, i)| i)) {
                    reading.text.push(' ');
                }
            }
            _ => {}
        }
    }
    links
}

/// A file to copy into the site: from an absolute source path to a path relative to the output.
/// Every one is found through a link, an image or an embed of the page, at `line` and `column`
/// of its file: where a finding about the file (one that cannot be read) is given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    pub from: PathBuf,
    pub to: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct ListItem {
    /// Its text with its nested items folded in (see [`fold_items`]).
    pub text: String,
    /// Its own text, without its nested items.
    pub own: String,
    pub checked: Option<bool>,
    pub line: usize,
    /// Its nested items, each with its own, down to [`NESTED_ITEMS_KEPT`] levels below the
    /// top-level item (deeper ones are only in the text).
    pub children: Vec<ListItem>,
}

/// How many levels of nested list items a top-level item keeps as [`ListItem::children`].
pub const NESTED_ITEMS_KEPT: usize = 8;

/// A list item's text with the texts of its nested items folded in: "Parent: child a; child
/// b". Punctuation is not doubled: a parent ending with a colon, question mark or exclamation
/// mark keeps it ("Why?: no" would be odd), one ending with a full stop, comma or semicolon has
/// it give way to the colon ("Monitor expiry dates.: the calendar" reads "Monitor expiry dates:
/// the calendar"), and a child ending a sentence is followed by the next without a semicolon.
pub fn fold_items<'a>(parent: &str, kids: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(parent.len());
    let mut before: Option<char> = None;
    for kid in kids {
        match before {
            None if parent.is_empty() => {}
            None => {
                let keep = parent.ends_with([':', '?', '!', '\u{2026}']) || parent.ends_with("..");
                out.push_str(if keep {
                    parent
                } else {
                    parent.trim_end_matches(['.', ',', ';'])
                });
                out.push_str(if keep { " " } else { ": " });
            }
            Some('.' | '!' | '?' | '\u{2026}' | ';' | ',' | ':') => out.push(' '),
            Some(_) => out.push_str("; "),
        }
        out.push_str(kid);
        before = kid.chars().next_back();
    }
    if before.is_none() {
        out.push_str(parent);
    }
    out
}

/// An author's `<!-- hindsight: learning ID -->` in a list item, paragraph or table row: the
/// canonical learning that item states or addresses (`none`: a lesson of its own, never
/// grouped by similarity). Postmortems without front matter cite learnings this way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub id: String,
    /// The first line of the item, paragraph or row it belongs to.
    pub block: usize,
    /// Where the comment is.
    pub line: usize,
    pub column: usize,
}

/// A table row: its cell texts and its line.
pub type Row = (Vec<String>, usize);

/// One heading and what follows it up to the next heading of the same or a higher level.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub level: u8,
    pub anchor: String,
    pub line: usize,
    /// Where a nested section (a deeper heading, or a label) starts in the text it is part of:
    /// its top-level section's `text`, or the preamble for a label before any heading. `None`
    /// for a top-level section, whose `text` holds its nested sections' too.
    pub nested_at: Option<usize>,
    /// Top-level paragraphs (not inside lists), with their lines.
    pub paragraphs: Vec<(String, usize)>,
    /// Top-level list items; nested items are folded into their parent's text.
    pub items: Vec<ListItem>,
    /// Its top-level tables, each its rows as cell texts with the line of each row, the
    /// header row first.
    pub tables: Vec<Vec<Row>>,
    /// All plain text of the section (for search and similarity).
    pub text: String,
    /// The learning marks in its top-level items, paragraphs and rows.
    pub marks: Vec<Mark>,
}

impl Section {
    /// The learning mark of the item, paragraph or row that starts on `line`.
    pub fn mark_at(&self, line: usize) -> Option<&Mark> {
        self.marks.iter().find(|m| m.block == line)
    }
}

/// The level of a section that a paragraph of bold text alone opens ("**Takeaways:**"): deeper
/// than any heading.
const LABEL_LEVEL: u8 = 7;

/// Everything one pass learned about a body.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub h1: Option<String>,
    /// The links of the first H1 when it left the body as the page's title (see
    /// [`TitleLink`]), in order: the title is plain text, but its links stay on the page.
    pub title_links: Vec<TitleLink>,
    pub first_paragraph: Option<String>,
    /// The first top-level paragraph of prose (see [`is_prose`]): what a summary is made of.
    pub first_prose: Option<String>,
    /// The lines where the top-level paragraphs that are no prose start (see [`is_prose`]).
    pub not_prose: Vec<usize>,
    /// Every heading's section, in order. Text before the first heading is in `preamble`.
    pub sections: Vec<Section>,
    pub preamble: String,
    pub links: Vec<Link>,
    pub assets: Vec<Asset>,
    /// Anchors the page offers besides its headings: the ids of the elements of its raw HTML
    /// and the names of its `<a>`s (see [`crate::html::anchors`]), and its footnotes' ids.
    pub ids: Vec<String>,
    /// The anchors GitHub gives headings (see [`github_slug`]) that are no id of this page,
    /// each with the id Hindsight gives the same heading: a link written for GitHub's
    /// (`#-fire` for `## 🔥 Fire`, whose id is `fire-fire`) is led to it. The title (the H1
    /// that leaves the body) has the empty id: a link to it leads to the top of the page.
    pub github_anchors: Vec<(String, String)>,
    /// The dates of the text, kept by [`Parsed::forget_text`].
    pub(crate) kept_dates: Option<KeptDates>,
    /// The characters no page may hold that character references decoded to, left out of the
    /// text (see [`Decoded`]).
    pub decoded: Vec<Decoded>,
    /// The headings whose id, written by the author (`## Note {#note}`), another heading, a
    /// footnote or an element of the raw HTML of the page had already: each got another (see
    /// [`RenamedId`]).
    pub renamed_ids: Vec<RenamedId>,
    /// The table rows with more cells than their header, whose cells past it a page does not
    /// show (see [`DroppedCells`]), in order.
    pub dropped_cells: Vec<DroppedCells>,
    /// The paragraphs written as a table whose header and separator rows differ in cells,
    /// which a page shows as text (see [`BrokenTable`]), in order.
    pub broken_tables: Vec<BrokenTable>,
    /// The images with no alt text: Markdown ones (`![](chart.png)`) and raw HTML ones
    /// (`<img src="chart.png">`, see [`crate::html::images_without_alt`]), in order.
    pub images_without_alt: Vec<ImageWithoutAlt>,
    /// The scripts, event handlers, `javascript:` URLs and the like that the published page
    /// leaves out (see [`crate::sanitize`]), in order.
    pub unsafe_html: Vec<UnsafeHtml>,
    /// Where the raw HTML read so far left the HTML tokenizer, for the next piece of it (see
    /// [`crate::html::unsafe_parts_after`]).
    pub(crate) html_state: crate::html::State,
}

/// What the published page leaves out of a body because it could run a script (see
/// [`crate::html::Unsafe`]), where it is written: a raw HTML element's `<`, an attribute's
/// name, a URL, or a Markdown link's or image's first character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsafeHtml {
    pub what: crate::html::Unsafe,
    pub line: usize,
    pub column: usize,
}

/// A table row with more cells than its header: GitHub's tables, and so the page, leave out
/// the cells past the header's, most often because a `|` in a cell's text (`a || b`, a shell
/// pipe in `code`) ended the cell.
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedCells {
    /// Where the first cell left out starts.
    pub line: usize,
    pub column: usize,
    /// How many cells the header has.
    pub columns: usize,
    /// The cells left out that hold text, as written.
    pub cells: Vec<String>,
}

/// A paragraph that opens as a table does, a row of cells over a separator row (`|---|---|`),
/// but whose two rows differ in cells: GitHub's tables, and so the page, show it as text,
/// pipes and dashes included.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenTable {
    pub line: usize,
    pub column: usize,
    /// The cells of the header row and of the separator row under it.
    pub header: usize,
    pub separator: usize,
}

/// Whether `line` is a table's separator row: cells of dashes, each with an optional colon at
/// either end, between pipes (`|---|:--:|`, `--- | ---`).
fn is_separator_row(line: &str) -> bool {
    let cells = source_cells(line.trim());
    line.contains('-')
        && (line.contains('|') || cells.len() > 1)
        && cells.iter().all(|(_, c)| {
            let c = c.trim();
            let c = c.strip_prefix(':').unwrap_or(c);
            let c = c.strip_suffix(':').unwrap_or(c);
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

/// The cells of a table row as its source line writes them, with the byte offset each starts
/// at: split at each `|` that no backslash escapes (a `|` in a code span splits too, as
/// GitHub's tables read it), without the row's leading and trailing pipe.
fn source_cells(row: &str) -> Vec<(usize, &str)> {
    let mut cells = Vec::new();
    let bytes = row.as_bytes();
    let mut start = 0;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\\' => {
                escaped = !escaped;
                continue;
            }
            b'|' if !escaped => {
                cells.push((start, &row[start..i]));
                start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    cells.push((start, &row[start..]));
    // The pipes that open and close the row bound no cell.
    if cells.first().is_some_and(|(_, c)| c.trim().is_empty()) {
        cells.remove(0);
    }
    if cells.len() > 1 && cells.last().is_some_and(|(_, c)| c.trim().is_empty()) {
        cells.pop();
    }
    cells
}

/// An image with no alt text, where it starts (its `!`, or the `<` of its `<img>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageWithoutAlt {
    pub line: usize,
    pub column: usize,
    /// Whether it is a raw HTML `<img>` (else a Markdown image).
    pub html: bool,
}

/// A heading id written by the author that the page could not give the heading, as ids on a
/// page are unique: an earlier heading has it, a footnote (`{#fn-note}` is the id of
/// `[^note]`), or an element of the page's raw HTML (`<a id="note">`), wherever it is. The
/// heading gets the id with `-1`, `-2`... as a repeated heading does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenamedId {
    pub written: String,
    pub given: String,
    /// What has the id written.
    pub holder: IdHolder,
    /// The heading's line.
    pub line: usize,
}

/// What has the id a heading could not have (see [`RenamedId`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdHolder {
    /// An earlier heading.
    Heading,
    /// A footnote.
    Footnote,
    /// An element of the page's raw HTML (`<a id="note">`).
    Html,
}

/// A run of characters no page, feed or sitemap may hold (see [`strip_forbidden`]) that the
/// parser decoded from character references (`&#7;`, `&#x1b;[31m`), left out of the text. The
/// file was cleaned of such characters as it was read, but references are decoded only here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// What was left out: an escape sequence as a whole, or the characters of the run.
    pub text: String,
    /// Where the reference of its first character is written.
    pub line: usize,
    pub column: usize,
}

/// What [`Parsed::forget_text`] keeps of the text for deriving a date.
#[derive(Debug, Clone)]
pub(crate) struct KeptDates {
    dates: Vec<NaiveDate>,
    day_of_month: Option<DayOfMonth>,
    weekday: Option<chrono::Weekday>,
}

impl Parsed {
    /// Dates written in the text, in order of appearance (at most 32), but for those that are
    /// plans rather than the incident's (see [`Parsed::incident_text`] and [`Plans`]). Only
    /// postmortems whose front matter gives no date need them, so they are found on demand.
    /// `action_sections` are the titles of sections of action items besides the usual ones.
    pub fn dates(&self, action_sections: &[String]) -> Vec<NaiveDate> {
        if let Some(k) = &self.kept_dates {
            return k.dates.clone();
        }
        let mut dates = Vec::new();
        for piece in self.incident_text(action_sections) {
            if dates.len() >= 32 {
                break;
            }
            let plans = Plans::of(piece);
            dates.extend(
                dates_at(piece)
                    .into_iter()
                    .filter(|(at, _)| !plans.holds(*at))
                    .map(|(_, d)| d),
            );
        }
        dates.truncate(32);
        dates
    }

    /// The first day of a month written without its year in the text (`Tuesday 9 November`),
    /// in the same order as [`Parsed::dates`] and, as there, not in a plan.
    pub fn day_of_month(&self, action_sections: &[String]) -> Option<DayOfMonth> {
        if let Some(k) = &self.kept_dates {
            return k.day_of_month;
        }
        self.incident_text(action_sections)
            .into_iter()
            .find_map(|piece| day_of_month_in(piece, &Plans::of(piece)))
    }

    /// The first day of the week the text writes on its own (see [`weekday_in`]), in the
    /// same order as [`Parsed::dates`] and, as there, not in a plan.
    pub fn weekday(&self, action_sections: &[String]) -> Option<chrono::Weekday> {
        if let Some(k) = &self.kept_dates {
            return k.weekday;
        }
        self.incident_text(action_sections)
            .into_iter()
            .find_map(|piece| weekday_in(piece, &Plans::of(piece)))
    }

    /// The text that may date the incident, in pieces in order: the preamble, and each
    /// section's title and text, but not a section of action items (one whose title says so,
    /// see [`crate::content::derive::title_holds`], or one of `action_sections`) nor any
    /// section nested in it. A date written there is a plan, not the incident's.
    fn incident_text(&self, action_sections: &[String]) -> Vec<&str> {
        use crate::content::derive::{title_holds, Holds};
        let mut pieces = Vec::new();
        // The text the current span is part of, where it starts, and whether it is left out.
        let (mut text, mut from, mut left_out) = (self.preamble.as_str(), 0, false);
        // The levels of the sections the current one is nested in, and whether each is left out.
        let mut open: Vec<(u8, bool)> = Vec::new();
        for s in &self.sections {
            while open.last().is_some_and(|&(level, _)| level >= s.level) {
                open.pop();
            }
            let actions = open.last().is_some_and(|&(_, out)| out)
                || title_holds(&s.title, Holds::Actions, action_sections);
            open.push((s.level, actions));
            let end = s.nested_at.unwrap_or(text.len()).min(text.len());
            if !left_out {
                pieces.push(&text[from.min(end)..end]);
            }
            match s.nested_at {
                Some(at) => from = at,
                None => {
                    if !actions {
                        pieces.push(s.title.as_str());
                    }
                    (text, from) = (s.text.as_str(), 0);
                }
            }
            left_out = actions;
        }
        if !left_out {
            pieces.push(&text[from.min(text.len())..]);
        }
        pieces
    }
}

impl Parsed {
    /// Drops the plain text of the preamble and sections (paragraphs, items and rows stay),
    /// keeping its dates first when `keep_dates` gives the titles of sections of action items
    /// besides the usual ones (see [`Parsed::dates`]): `check` never shows the text, and on
    /// 10,000 postmortems it is as large as the input.
    pub fn forget_text(&mut self, keep_dates: Option<&[String]>) {
        if let Some(action_sections) = keep_dates {
            self.kept_dates = Some(KeptDates {
                dates: self.dates(action_sections),
                day_of_month: self.day_of_month(action_sections),
                weekday: self.weekday(action_sections),
            });
        }
        self.preamble = String::new();
        for s in &mut self.sections {
            s.text = String::new();
        }
    }
}

/// The whole plain text of a body: the text before the first heading, then each heading
/// and its section.
pub fn plain_text(preamble: &str, sections: &[Section]) -> String {
    let mut s = preamble.to_string();
    for sec in sections {
        s.push('\n');
        s.push_str(&sec.title);
        s.push('\n');
        s.push_str(&sec.text);
    }
    s
}

/// What the renderer needs to know about the rest of the site.
pub struct SiteLinks<'a> {
    /// Known incident ids.
    pub ids: &'a HashSet<String>,
    /// The ids of the incidents that have a page in this build (drafts, those in review and
    /// internal ones only when it includes them): a bare id in the text links only to one of
    /// these, and another stays text rather than a link to a page that is not there.
    pub published: &'a HashSet<String>,
    /// Content-relative source path (with `/`) to incident id.
    pub incident_paths: &'a HashMap<String, String>,
    /// The old URLs of incidents (their `aliases`) to their ids (see
    /// [`crate::content::Library::old_urls`]).
    pub old_urls: &'a HashMap<String, String>,
    /// Content-relative source path to canonical learning id.
    pub learning_paths: &'a HashMap<String, String>,
    /// The content folder on disk, to find images and files.
    pub content_root: &'a Path,
    /// Where the files a page links to may lie (see [`crate::confine`]).
    pub areas: &'a crate::confine::Areas,
    /// The path the site is served under, percent-decoded (see
    /// [`crate::config::Config::base_path`]).
    pub base_path: &'a str,
    /// The host (and port) of `base_url` when it is an `http(s)` URL, else "": a link written
    /// as a full URL of the site's own page is read as that page's path (see
    /// [`SiteLinks::own_url`]).
    pub base_host: &'a str,
}

impl<'a> SiteLinks<'a> {
    /// The id of the incident that `name`, written by an author, names: its id, or an old id
    /// of it (in its `aliases`).
    fn incident_named(&self, name: &str) -> Option<&'a str> {
        match self.ids.get(name) {
            Some(id) => Some(id),
            None => crate::content::renamed(self.old_urls, name),
        }
    }

    /// The id of the incident whose page a URL path written as a URL of the site leads to, or
    /// an old URL of it (in its `aliases`: `/incidents/PM-0/`, `/posts/old/`): from the site
    /// root (`/incidents/PM-1/`), from the page at `out_dir` (`../PM-1/` on an incident's
    /// page), or from another page (`../../incidents/PM-1/`, any number of `../`).
    fn incident_at(&self, path: &str, out_dir: &str) -> Option<&'a str> {
        if let Some(id) = join_relative(out_dir, path).and_then(|p| self.page_at(&p)) {
            return Some(id);
        }
        let mut rest = path.trim_start_matches('/');
        while let Some(r) = rest.strip_prefix("../").or_else(|| rest.strip_prefix("./")) {
            rest = r;
        }
        self.page_at(rest)
    }

    /// The path from the site root, percent-decoded, and the fragment of `url` when it is a
    /// full URL of this site (`https://kb.example.org/pm/incidents/PM-1/#timeline` under the
    /// `base_url` `https://kb.example.org/pm/`, in `http:` or `https:`, or `//kb...`).
    fn own_url<'u>(&self, url: &'u str) -> Option<(String, Option<&'u str>)> {
        if self.base_host.is_empty() {
            return None;
        }
        let rest = ["https:", "http:"]
            .iter()
            .find_map(|s| {
                url.get(..s.len())
                    .filter(|p| p.eq_ignore_ascii_case(s))
                    .map(|_| &url[s.len()..])
            })
            .unwrap_or(url)
            .strip_prefix("//")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if !rest[..end].eq_ignore_ascii_case(self.base_host) {
            return None;
        }
        let (path, fragment) = match rest[end..].split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (&rest[end..], None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let in_site = served_path(
            &format!("/{}", percent_decode(path.trim_start_matches('/'))),
            "",
            self.base_path,
        )?;
        Some((in_site, fragment))
    }

    /// The site's own page (see [`site_page`]) that a URL path written as a URL of the site
    /// leads to: the home page from the site root (`/`, `/index.html`) or as the page at
    /// `out_dir` reaches it (`../../`), the reading path from the site root
    /// (`/onboarding/`), from the page or from another page (`../onboarding/`).
    fn site_page_at(path: &str, out_dir: &str) -> Option<&'static str> {
        let page = |p: &str| {
            let p = p.strip_suffix("index.html").unwrap_or(p);
            match p.strip_suffix('/').unwrap_or(p) {
                "" => Some(""),
                "onboarding" => Some("onboarding/"),
                _ => None,
            }
        };
        if let Some(url) = join_relative(out_dir, path).and_then(|p| page(&p)) {
            return Some(url);
        }
        // Written as from another page; no such path leads home (`./` is this page).
        let mut rest = path.trim_start_matches('/');
        while let Some(r) = rest.strip_prefix("../").or_else(|| rest.strip_prefix("./")) {
            rest = r;
        }
        page(rest).filter(|url| !url.is_empty())
    }

    /// The id of the incident whose page, or old URL, is at `path` from the site root.
    fn page_at(&self, path: &str) -> Option<&'a str> {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let folder = path.strip_suffix('/').unwrap_or(path);
        if folder.is_empty() {
            return None;
        }
        if let Some(id) = folder
            .strip_prefix("incidents/")
            .and_then(|id| self.ids.get(id))
        {
            return Some(id);
        }
        if self.old_urls.is_empty() {
            return None;
        }
        // An old URL is a folder (`posts/old/`) or a file (`old/page.html`), as an alias is
        // read (see `crate::render::alias_path`).
        self.old_urls
            .get(&format!("{folder}/"))
            .or_else(|| self.old_urls.get(folder))
            .map(String::as_str)
    }
}

/// The URL from the site root of the site's page that the content file at `path` (from the
/// content folder, with `/`) is the text of: `index.md` (or `_index.md`) is the home page's,
/// `onboarding.md` the reading path's. Both pages are built whether the file is there or not.
pub fn site_page(path: &str) -> Option<&'static str> {
    match path {
        "index.md" | "_index.md" => Some(""),
        "onboarding.md" => Some("onboarding/"),
        _ => None,
    }
}

/// Where the page being rendered lives.
pub struct PageLocation<'a> {
    /// This incident's id (never linked to itself), or "" for other pages.
    pub id: &'a str,
    /// Content-relative folder of the source file ("" at the top).
    pub source_dir: &'a str,
    /// The page's output folder, relative to the site root, e.g. `incidents/PM1/`.
    pub out_dir: &'a str,
    /// Relative path from the page to the site root, e.g. `../../`.
    pub to_root: &'a str,
    /// Line of the body's first line in the file (front matter excluded), 1-based.
    pub first_line: usize,
    /// The title the front matter sets, if any. The body's first H1 is the page's title and
    /// leaves the body, unless the front matter sets a title that it does not repeat
    /// ([`repeats_title`]): then the heading is the author's text, and stays.
    pub title: Option<&'a str>,
}

/// Whether a body's first H1, `h1`, says nothing that the front matter's `title` does not:
/// the same words (case and punctuation aside), once the label, tag or id that a heading
/// may carry before them is left out, as [`crate::content::derive::title_from_heading`]
/// leaves it out of a title (`# Postmortem: Checkout down` repeats `title: Checkout down`;
/// `# Why some of you were charged twice` does not repeat `title: Customers charged twice`).
pub fn repeats_title(h1: &str, title: &str, id: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let title = words(title);
    words(h1) == title || words(&crate::content::derive::title_from_heading(h1, id, "")) == title
}

/// A site around one incident page, for reading a Markdown body on its own: the fuzz targets,
/// the property tests and this module's tests all parse through it. It knows the incidents
/// `known` names as (content path, id) and the page's own id; nothing exists on disk.
pub struct Standalone {
    id: String,
    out_dir: String,
    ids: HashSet<String>,
    paths: HashMap<String, String>,
    old_urls: HashMap<String, String>,
    learnings: HashMap<String, String>,
    root: PathBuf,
    areas: crate::confine::Areas,
    title: Option<String>,
}

impl Standalone {
    pub fn new(id: &str, known: &[(&str, &str)]) -> Self {
        let mut ids: HashSet<String> = known.iter().map(|(_, id)| id.to_string()).collect();
        ids.insert(id.to_string());
        Standalone {
            id: id.to_string(),
            out_dir: format!("incidents/{id}/"),
            ids,
            paths: known
                .iter()
                .map(|(path, id)| (path.to_string(), id.to_string()))
                .collect(),
            old_urls: HashMap::new(),
            learnings: HashMap::new(),
            root: std::env::temp_dir().join("hindsight-standalone-no-such-dir"),
            areas: crate::confine::Areas::default(),
            title: None,
        }
    }

    /// The same site, for a page whose front matter sets `title`.
    pub fn with_title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// [`parse`] of `body`, whose first line is line `first_line` of its file.
    pub fn parse(&self, body: &str, first_line: usize) -> Parsed {
        self.run(body, first_line, parse)
    }

    /// [`read`] of `body`, whose first line is line `first_line` of its file.
    pub fn read(&self, body: &str, first_line: usize) -> Parsed {
        self.run(body, first_line, read)
    }

    fn run(
        &self,
        body: &str,
        first_line: usize,
        pass: fn(&str, &SiteLinks, &PageLocation) -> Parsed,
    ) -> Parsed {
        let site = SiteLinks {
            ids: &self.ids,
            published: &self.ids,
            incident_paths: &self.paths,
            old_urls: &self.old_urls,
            learning_paths: &self.learnings,
            content_root: &self.root,
            areas: &self.areas,
            base_path: "",
            base_host: "",
        };
        let page = PageLocation {
            id: &self.id,
            source_dir: "",
            out_dir: &self.out_dir,
            to_root: "../../",
            first_line,
            title: self.title.as_deref(),
        };
        pass(body, &site, &page)
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

struct Highlighter {
    syntaxes: syntect::parsing::SyntaxSet,
}

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(|| Highlighter {
        syntaxes: syntect::parsing::SyntaxSet::load_defaults_newlines(),
    })
}

/// Highlights code into HTML spans with `hl-` classes; unknown languages are escaped as is.
pub fn highlight(code: &str, lang: &str) -> String {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::util::LinesWithEndings;
    let h = highlighter();
    let syntax = (!lang.is_empty())
        .then(|| {
            h.syntaxes
                .find_syntax_by_token(lang)
                .or_else(|| h.syntaxes.find_syntax_by_extension(lang))
        })
        .flatten();
    let Some(syntax) = syntax else {
        return escape(code);
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &h.syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape(code);
        }
    }
    gen.finalize()
}

/// The names of the highlighting themes `highlight_theme` and `highlight_theme_dark` can name
/// (syntect's defaults), sorted.
pub fn highlight_themes() -> Vec<String> {
    let mut names: Vec<String> = syntect::highlighting::ThemeSet::load_defaults()
        .themes
        .into_keys()
        .collect();
    names.sort();
    names
}

/// CSS for highlighted code: a light theme, and a dark one under `prefers-color-scheme: dark`,
/// each under its own media query so that no colour of one shows in the other (a class that
/// only the light theme colours would keep its light colour on a dark page).
pub fn highlight_css(light: &str, dark: &str) -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::{css_for_theme_with_class_style, ClassStyle};
    let themes = ThemeSet::load_defaults();
    let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
    let pick = |name: &str, fallback: &str| {
        themes
            .themes
            .get(name)
            .or_else(|| themes.themes.get(fallback))
            .cloned()
            .expect("syntect ships its default themes")
    };
    let light_css =
        css_for_theme_with_class_style(&readable(pick(light, "InspiredGitHub"), CODE_BG[0]), style)
            .unwrap_or_default();
    let dark_css = css_for_theme_with_class_style(
        &readable(pick(dark, "base16-ocean.dark"), CODE_BG[1]),
        style,
    )
    .unwrap_or_default();
    format!(
        "/* Code highlighting, generated by Hindsight from syntect themes. */\n@media not all and (prefers-color-scheme: dark) {{\n{light_css}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
    )
}

/// The background of code blocks in the default theme, light and dark (`--code-bg` in
/// `style.css`).
const CODE_BG: [syntect::highlighting::Color; 2] = [
    syntect::highlighting::Color {
        r: 0xf6,
        g: 0xf8,
        b: 0xfa,
        a: 0xff,
    },
    syntect::highlighting::Color {
        r: 0x1b,
        g: 0x1f,
        b: 0x26,
        a: 0xff,
    },
];

/// The contrast every highlighting colour gets against its background: WCAG AA's 4.5:1 for
/// normal text, with a margin for the print stylesheet's slightly darker background.
const MIN_CONTRAST: f32 = 4.7;

/// `theme` with each colour that is too faint against `background` (or against the scope's
/// own background) darkened, or lightened on a dark background, just enough to reach
/// [`MIN_CONTRAST`]: syntect's themes were made for editors, and their comments and some
/// keywords fail WCAG AA on a page (InspiredGitHub's grey comments are 2.7:1). The hue stays.
fn readable(
    mut theme: syntect::highlighting::Theme,
    background: syntect::highlighting::Color,
) -> syntect::highlighting::Theme {
    use syntect::highlighting::Color;
    let fix = |fg: Color, bg: Color| -> Color {
        // A translucent colour is seen over the background.
        let fg = mix(bg, Color { a: 0xff, ..fg }, f32::from(fg.a) / 255.0);
        if contrast(fg, bg) >= MIN_CONTRAST {
            return fg;
        }
        let toward = if luminance(bg) > 0.18 {
            Color::BLACK
        } else {
            Color::WHITE
        };
        // The least mixing that reaches the contrast (it grows with the mix).
        let (mut lo, mut hi) = (0.0f32, 1.0f32);
        for _ in 0..24 {
            let t = (lo + hi) / 2.0;
            if contrast(mix(fg, toward, t), bg) >= MIN_CONTRAST {
                hi = t;
            } else {
                lo = t;
            }
        }
        mix(fg, toward, hi)
    };
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(fix(fg, background));
    }
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground {
            let bg = item.style.background.map_or(background, |b| {
                mix(background, Color { a: 0xff, ..b }, f32::from(b.a) / 255.0)
            });
            item.style.foreground = Some(fix(fg, bg));
        }
    }
    theme
}

/// WCAG's relative luminance of a colour.
fn luminance(c: syntect::highlighting::Color) -> f32 {
    let channel = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG's contrast ratio of two colours, 1 to 21.
fn contrast(a: syntect::highlighting::Color, b: syntect::highlighting::Color) -> f32 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// `a` mixed with `t` of `b`, opaque.
fn mix(
    a: syntect::highlighting::Color,
    b: syntect::highlighting::Color,
    t: f32,
) -> syntect::highlighting::Color {
    let m = |x: u8, y: u8| (f32::from(x) * (1.0 - t) + f32::from(y) * t).round() as u8;
    syntect::highlighting::Color {
        r: m(a.r, b.r),
        g: m(a.g, b.g),
        b: m(a.b, b.b),
        a: 0xff,
    }
}

/// Escapes text for HTML and XML (`&`, `<`, `>`, `"`), leaving out the characters neither may
/// hold (see [`strip_forbidden`]): the templates, the feed and the sitemap escape with this.
pub fn escape(s: &str) -> String {
    let s = strip_forbidden(s).0;
    let mut out = String::with_capacity(s.len() + 8);
    pulldown_cmark_escape::escape_html(&mut out, &s).expect("writing to a String");
    out
}

/// Whether a character may not appear in a published page, feed or sitemap: the C0 controls
/// but tab, line feed and carriage return (XML 1.0 forbids them, HTML too), DEL and the C1
/// controls (HTML forbids them) and the noncharacters (U+FDD0 to U+FDEF, and the last two
/// code points of every plane).
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}')
        || ((c as u32) & 0xfffe) == 0xfffe
}

/// Whether `s` may hold a forbidden character: a cheap test on bytes, true for every text that
/// holds one (and for some that do not, such as `°` or a byte order mark).
fn may_hold_forbidden(s: &str) -> bool {
    s.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2 || b >= 0xef
    })
}

/// Whether `s` holds a character of [`is_forbidden`].
fn holds_forbidden(s: &str) -> bool {
    may_hold_forbidden(s) && s.chars().any(is_forbidden)
}

/// The byte offsets in `source` of the character references (`&#7;`, `&#x1b;`) that decode to
/// a character of [`is_forbidden`]. `&#0;` decodes to U+FFFD (CommonMark), and a reference after
/// a backslash is text.
fn forbidden_references(source: &str) -> impl Iterator<Item = usize> + '_ {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| Regex::new(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));").unwrap());
    re.captures_iter(source).filter_map(move |c| {
        let at = c.get(0)?.start();
        let code = match (c.get(1), c.get(2)) {
            (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok()?,
            (_, Some(dec)) => dec.as_str().parse().ok()?,
            _ => return None,
        };
        let c = char::from_u32(code).filter(|&c| c != '\0')?;
        (is_forbidden(c) && !source[..at].ends_with('\\')).then_some(at)
    })
}

/// `event` without the characters of [`is_forbidden`] that character references decoded to,
/// in its text or a link's title; each run left out goes to `found` with the offset in the
/// body of its first reference. A reference comes as a text event of its own, so a text that
/// holds one takes the texts that follow it: `&#x1b;[31m` goes as a whole.
fn without_decoded<'a, I>(
    event: Event<'a>,
    mut range: std::ops::Range<usize>,
    rest: &mut std::iter::Peekable<I>,
    body: &str,
    found: &mut Vec<(usize, String)>,
) -> (Event<'a>, std::ops::Range<usize>)
where
    I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
{
    let mut strip = |text: &str, range: &std::ops::Range<usize>| {
        let (clean, removed) = strip_forbidden(text);
        let mut refs = forbidden_references(&body[range.clone()]);
        for r in removed {
            let run = &text[r];
            found.push((
                refs.next().map_or(range.start, |at| range.start + at),
                run.into(),
            ));
            // A run of references (`&#7;&#7;`) is one run of characters.
            for _ in 1..run.chars().filter(|&c| is_forbidden(c)).count() {
                refs.next();
            }
        }
        CowStr::from(clean.into_owned())
    };
    let event = match event {
        Event::Text(t) if holds_forbidden(&t) => {
            let mut text = t.into_string();
            while let Some((Event::Text(next), r)) = rest.peek() {
                text.push_str(next);
                range.end = r.end;
                rest.next();
            }
            Event::Text(strip(&text, &range))
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if holds_forbidden(&title) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title: strip(&title, &range),
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if holds_forbidden(&title) => Event::Start(Tag::Image {
            link_type,
            dest_url,
            title: strip(&title, &range),
            id,
        }),
        other => other,
    };
    (event, range)
}

/// `s` without the characters of [`is_forbidden`], and the byte ranges of `s` that were left
/// out. An ANSI escape sequence (`ESC [ 31 m`, colour codes pasted from a terminal) goes as a
/// whole, so that `\x1b[31mERROR\x1b[0m` reads `ERROR`. No range holds a line break, so lines
/// stay where they were.
pub fn strip_forbidden(s: &str) -> (std::borrow::Cow<'_, str>, Vec<std::ops::Range<usize>>) {
    if !holds_forbidden(s) {
        return (std::borrow::Cow::Borrowed(s), Vec::new());
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut kept = 0;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if !is_forbidden(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        // A control sequence: ESC [, parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F,
        // one final byte 0x40-0x7E (ECMA-48).
        if c == '\u{1b}' && bytes.get(end) == Some(&b'[') {
            let mut j = end + 1;
            while bytes.get(j).is_some_and(|b| (0x30..=0x3f).contains(b)) {
                j += 1;
            }
            while bytes.get(j).is_some_and(|b| (0x20..=0x2f).contains(b)) {
                j += 1;
            }
            if bytes.get(j).is_some_and(|b| (0x40..=0x7e).contains(b)) {
                end = j + 1;
                // Every byte of the sequence is ASCII: one character each.
                for _ in i + 1..end {
                    chars.next();
                }
            }
        }
        out.push_str(&s[kept..i]);
        kept = end;
        match removed.last_mut() {
            Some(last) if last.end == i => last.end = end,
            _ => removed.push(i..end),
        }
    }
    out.push_str(&s[kept..]);
    (std::borrow::Cow::Owned(out), removed)
}

/// A URL-safe slug: lowercase ASCII letters, digits and dashes.
pub fn slugify(s: &str) -> String {
    let s = slug::slugify(s);
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// The most characters of an id Hindsight makes for a heading (before `-1`, `-2`... tell
/// repeated ones apart). GitHub does not cap its anchors, but the id of a heading of a
/// paragraph's length would make a URL fragment no one can read, quote or paste.
pub const HEADING_ID_MAX: usize = 80;

/// The id Hindsight gives a heading with the text `text` when none is written: its
/// [`slugify`]d text, cut to at most [`HEADING_ID_MAX`] characters after a whole word (a word
/// longer than that alone is cut where the cap falls). Every anchor of a heading (the page's
/// ids, `check`'s links and the search's hits) is this one.
pub fn heading_id(text: &str) -> String {
    let mut id = slugify(text);
    if id.len() > HEADING_ID_MAX {
        // A slug is ASCII: a byte is a character. The cut is at the last `-` at or before
        // the cap, so that the id ends on a whole word.
        let cut = match id[..=HEADING_ID_MAX].rfind('-') {
            Some(at) if at > 0 => at,
            _ => HEADING_ID_MAX,
        };
        id.truncate(cut);
    }
    id
}

/// The anchor GitHub gives a heading with the text `text`, before duplicates are told apart
/// (github-slugger's `slug`, which follows GitHub): lower case, without every character that
/// is not a letter, mark, decimal digit, connector punctuation (`_`), space or `-`, and each
/// space a `-`. Letters of every script stay (`日本語`, `é`); emoji, symbols and punctuation
/// go, so `🔥 Fire` is `-fire` and `Step 2 – rollback` is `step-2--rollback`.
pub fn github_slug(text: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    let r =
        R.get_or_init(|| Regex::new(r"[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc} -]").expect("valid regex"));
    r.replace_all(&text.to_lowercase(), "").replace(' ', "-")
}

/// GitHub's anchors for the headings of one page, in order: a slug seen before gets `-1`,
/// `-2`... after it, skipping any that a heading already has (github-slugger's `slug` of
/// `BananaSlug`).
#[derive(Default)]
struct GithubSlugger {
    /// Each slug given, with the last number added to it.
    occurrences: HashMap<String, usize>,
}

impl GithubSlugger {
    fn slug(&mut self, text: &str) -> String {
        let base = github_slug(text);
        let mut slug = base.clone();
        while self.occurrences.contains_key(&slug) {
            let n = self.occurrences.entry(base.clone()).or_default();
            *n += 1;
            slug = format!("{base}-{n}");
        }
        self.occurrences.insert(slug.clone(), 0);
        slug
    }
}

/// The id of the heading that GitHub's anchor `fragment` (as written in a link, percent-encoded
/// or not) names, among a page's [`Parsed::github_anchors`].
pub fn github_anchor_target<'a>(
    anchors: &'a [(String, String)],
    fragment: &str,
) -> Option<&'a str> {
    if anchors.is_empty() {
        return None;
    }
    let decoded = percent_decode(fragment);
    anchors
        .iter()
        .find(|(github, _)| *github == fragment || *github == decoded)
        .map(|(_, id)| id.as_str())
}

/// `html` with the fragment of each link into a postmortem, a canonical learning or one of the
/// site's own pages (see [`site_page`]) that is a GitHub anchor of one of its headings (see
/// [`Parsed::github_anchors`]) made that heading's id. The links looked at are `#x` (into
/// `this` page, named as `anchors` names pages) and `{to_root}incidents/ID/#x`,
/// `{to_root}learnings/ID/#x`, `{to_root}#x` and `{to_root}onboarding/#x`, as [`parse`] writes
/// them. `anchors` gives a page's GitHub anchors by its URL from the site root
/// (`incidents/ID/`, `learnings/ID/`, `""`, `onboarding/`). A link to the title's anchor leads to the page itself, with no fragment
/// (`#`, the top, on the page itself). `None` when no link changes.
pub fn lead_github_fragments<'a>(
    html: &str,
    to_root: &str,
    this: Option<&str>,
    anchors: impl Fn(&str) -> Option<&'a [(String, String)]>,
) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    for u in crate::html::urls(html) {
        let Some((path, fragment)) = u.url.split_once('#') else {
            continue;
        };
        // The page it points into, by its URL from the site root.
        let page = if path.is_empty() {
            this
        } else {
            path.strip_prefix(to_root)
        };
        let Some(target) = page
            .and_then(&anchors)
            .and_then(|a| github_anchor_target(a, fragment))
        else {
            continue;
        };
        out.push_str(&html[copied..u.range.start]);
        let url = if target.is_empty() && !path.is_empty() {
            path.to_string()
        } else {
            format!("{path}#{target}")
        };
        pulldown_cmark_escape::escape_href(&mut out, &url).expect("writing to a String");
        copied = u.range.end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// A month's name, in full or short, captured.
const MONTH: &str = "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

fn date_regexes() -> &'static [Regex; 3] {
    static R: OnceLock<[Regex; 3]> = OnceLock::new();
    R.get_or_init(|| {
        let month = MONTH;
        [
            Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").unwrap(),
            Regex::new(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\.?,?\s+(\d{{4}})\b"
            ))
            .unwrap(),
            Regex::new(&format!(
                r"\b{month}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
            ))
            .unwrap(),
        ]
    })
}

fn month_number(name: &str) -> Option<u32> {
    let m = name.get(..3)?.to_ascii_lowercase();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == m)
    .map(|i| i as u32 + 1)
}

/// Dates written in `text`, in order of appearance: ISO `2024-03-01`, `1 March 2024`,
/// `March 1, 2024`.
pub fn find_dates(text: &str) -> Vec<NaiveDate> {
    dates_at(text).into_iter().map(|(_, d)| d).collect()
}

/// A date written as a value on its own, as in a Due cell or after `due`: the first date
/// [`find_dates`] reads in it, else numbers in an order that only one reading makes a date:
/// the year first, `2024/04/15` or `2024.04.15`; the day first with dots, `15.04.2024`, as
/// much of Europe writes it; with slashes and the year last, `15/04/2024` or `04/15/2024`,
/// when only one of day-first and month-first is a day of the calendar. `04/05/2024` may be
/// either and is none ([`why_not_a_date`] says so).
pub fn date_written(value: &str) -> Option<NaiveDate> {
    if let Some(d) = find_dates(value).first() {
        return Some(*d);
    }
    match numeric_date(value)? {
        Numeric::One(d) => Some(d),
        Numeric::Either(..) | Numeric::Neither => None,
    }
}

/// What numbers written as a date read as (see [`date_written`]).
enum Numeric {
    One(NaiveDate),
    /// Day-first and month-first are two days: `04/05/2024`.
    Either(NaiveDate, NaiveDate),
    Neither,
}

/// Three numbers joined by one of `/`, `.` or `-`, the year of four digits first or last.
fn numeric_date(value: &str) -> Option<Numeric> {
    let v = value.trim();
    let sep = v.chars().find(|c| !c.is_ascii_digit())?;
    let parts: Vec<&str> = v.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let short = |p: &str| p.len() <= 2;
    let n = |p: &str| p.parse::<u32>().ok();
    let (first, last) = (
        a.len() == 4 && short(b) && short(c),
        c.len() == 4 && short(a) && short(b),
    );
    let one = |d: Option<NaiveDate>| d.map_or(Numeric::Neither, Numeric::One);
    match sep {
        '/' | '.' if first => Some(one(NaiveDate::from_ymd_opt(a.parse().ok()?, n(b)?, n(c)?))),
        '.' if last => Some(one(NaiveDate::from_ymd_opt(c.parse().ok()?, n(b)?, n(a)?))),
        '/' if last => {
            let y = c.parse().ok()?;
            let day_first = NaiveDate::from_ymd_opt(y, n(b)?, n(a)?);
            let month_first = NaiveDate::from_ymd_opt(y, n(a)?, n(b)?);
            Some(match (day_first, month_first) {
                (Some(d), Some(m)) if d != m => Numeric::Either(d, m),
                (Some(d), _) | (None, Some(d)) => Numeric::One(d),
                (None, None) => Numeric::Neither,
            })
        }
        _ => None,
    }
}

/// The days a value written as three numbers (`03/04/2024`, `15.04.2024`, `2024/04/15`) can
/// mean: one, two when day-first and month-first are both days (day-first first), or none.
pub fn date_readings(value: &str) -> Vec<NaiveDate> {
    match numeric_date(value) {
        Some(Numeric::One(d)) => vec![d],
        Some(Numeric::Either(d, m)) => vec![d, m],
        _ => Vec::new(),
    }
}

/// Why a value written like a date of numbers is none, and what to write, when it can say:
/// the order of day and month is ambiguous (`04/05/2024`), or the month or the day does not
/// exist (`2024-13-45`, `2024-02-30`, said as front matter says it), or the month and the day
/// lack a digit (`2024-3-5`).
pub fn why_not_a_date(value: &str) -> Option<String> {
    if let Some(Numeric::Either(d, m)) = numeric_date(value) {
        return Some(format!(
            "day and month order is ambiguous; write {d} (day first) or {m} (month first), as YYYY-MM-DD"
        ));
    }
    let v = value.trim();
    if let Some((why, hint)) = crate::content::frontmatter::no_such_day(v, |d| format!("`{d}`")) {
        return Some(format!("{why}; {hint}"));
    }
    let parts: Vec<&str> = v.split('-').collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return Some(format!("months and days have two digits; write {date}"));
            }
        }
    }
    None
}

/// The first value of `text` written as a `YYYY-MM-DD` date that is none, with where it starts
/// and why: a year of five digits (`20202-01-16`, a digit typed twice), with the date meant
/// when dropping one digit gives one year from 1970 on (`year`, the year the file name gives,
/// chooses among several), or a month or a day that does not exist (`2024-02-30`).
pub fn first_broken_date(
    text: &str,
    year: Option<i32>,
) -> Option<(usize, String, String, Option<NaiveDate>)> {
    use chrono::Datelike;
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| Regex::new(r"\b(\d{4,5})-(\d{2})-(\d{2})\b").unwrap());
    re.captures_iter(text).find_map(|c| {
        let whole = c.get(0)?;
        // Part of a longer run of numbers (`1-2024-13-01`, `2024-13-01-2`): no date.
        let before = text[..whole.start()].chars().next_back();
        let after = text[whole.end()..].chars().next();
        if before == Some('-') || after == Some('-') {
            return None;
        }
        let written = whole.as_str().to_string();
        let (y, m, d) = (&c[1], c[2].parse().ok()?, c[3].parse().ok()?);
        if y.len() == 5 {
            let mut meant: Vec<NaiveDate> = (0..5)
                .filter_map(|i| {
                    let y: i32 = format!("{}{}", &y[..i], &y[i + 1..]).parse().ok()?;
                    (y >= 1970).then_some(())?;
                    NaiveDate::from_ymd_opt(y, m, d)
                })
                .collect();
            meant.dedup();
            if let Some(y) = year {
                if meant.iter().any(|d| d.year() == y) {
                    meant.retain(|d| d.year() == y);
                }
            }
            let meant = match meant[..] {
                [date] => Some(date),
                _ => None,
            };
            let why = match meant {
                Some(date) => format!("its year has five digits; did you mean {date}?"),
                None => "its year has five digits".to_string(),
            };
            return Some((whole.start(), written, why, meant));
        }
        let y: i32 = y.parse().ok()?;
        if NaiveDate::from_ymd_opt(y, m, d).is_some() {
            return None;
        }
        let why = why_not_a_date(&written).unwrap_or_else(|| "no day has that date".to_string());
        Some((whole.start(), written, why, None))
    })
}

/// [`find_dates`], each date with where it starts in `text`.
fn dates_at(text: &str) -> Vec<(usize, NaiveDate)> {
    let [iso, dmy, mdy] = date_regexes();
    let mut found: Vec<(usize, NaiveDate)> = Vec::new();
    for c in iso.captures_iter(text) {
        let (y, m, d) = (c[1].parse().ok(), c[2].parse().ok(), c[3].parse().ok());
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                found.push((c.get(0).unwrap().start(), date));
            }
        }
    }
    for c in dmy.captures_iter(text) {
        if let (Ok(d), Some(m), Ok(y)) = (c[1].parse(), month_number(&c[2]), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                found.push((c.get(0).unwrap().start(), date));
            }
        }
    }
    for c in mdy.captures_iter(text) {
        if let (Some(m), Ok(d), Ok(y)) = (month_number(&c[1]), c[2].parse(), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                found.push((c.get(0).unwrap().start(), date));
            }
        }
    }
    found.sort_by_key(|(pos, _)| *pos);
    found
}

/// Headings of table columns (see [`crate::content::derive::normalise_title`]) that hold
/// when something is due, wherever the table is: a plan, not when anything happened. Not
/// "When" or "By", which a timeline's columns may be.
const DUE_COLUMNS: &[&str] = &[
    "due",
    "due date",
    "due by",
    "due on",
    "deadline",
    "eta",
    "target date",
    "by when",
];

/// Where a piece of text writes a plan rather than what happened: a date, day or weekday
/// right after `due` (`(team-x, due 2025-10-31)`, `due: 31 Oct`, `due by Friday`),
/// `deadline`, `ETA` or `target date`, or after `by` opening a parenthetical or a part of
/// one (`(by 2025-12-01)`, `(team-x, by 2025-12-01)`); and a cell of a table column headed
/// Due, Deadline, ETA and the like (see [`DUE_COLUMNS`]).
struct Plans {
    /// Where a date right after a due word starts.
    after_due: Vec<usize>,
    /// The cells of due columns.
    cells: Vec<std::ops::Range<usize>>,
}

impl Plans {
    fn of(text: &str) -> Plans {
        static R: OnceLock<Regex> = OnceLock::new();
        let due = R.get_or_init(|| {
            Regex::new(r"(?i)(?:\b(?:due(?:\s+(?:date|by|on|before))?|deadline|eta|target\s+date)|[(,;]\s*by)\b\s*:?\s*").unwrap()
        });
        Plans {
            after_due: due.find_iter(text).map(|m| m.end()).collect(),
            cells: due_cells(text),
        }
    }

    /// Whether a date (or day, or weekday) that starts at `at` is a plan. Both lists are in
    /// order of position, and the cells do not overlap.
    fn holds(&self, at: usize) -> bool {
        let cell = self.cells.partition_point(|c| c.end <= at);
        self.after_due.binary_search(&at).is_ok()
            || self.cells.get(cell).is_some_and(|c| c.contains(&at))
    }
}

/// The cells of the due columns of the tables in a section's text, where each row is a line
/// and each cell ends with ` | ` (see `parse`): the first row of a table is its header.
fn due_cells(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut cells = Vec::new();
    // The due columns of the table being read, once its header is.
    let mut due: Option<Vec<usize>> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let row = line.trim_end_matches('\n');
        if !row.ends_with(" | ") {
            due = None;
        } else if let Some(columns) = &due {
            let mut at = start;
            for (i, cell) in row.split_terminator(" | ").enumerate() {
                if columns.contains(&i) {
                    cells.push(at..at + cell.len());
                }
                at += cell.len() + " | ".len();
            }
        } else {
            due = Some(
                row.split_terminator(" | ")
                    .enumerate()
                    .filter(|(_, h)| {
                        DUE_COLUMNS.contains(&crate::content::derive::normalise_title(h).as_str())
                    })
                    .map(|(i, _)| i)
                    .collect(),
            );
        }
        start += line.len();
    }
    cells
}

/// A day of a month written without its year, with the day of the week when one is written:
/// `Tuesday 9 November`, `Tue, 9 Nov`, `9th of November`, `November 9th`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayOfMonth {
    pub month: u32,
    pub day: u32,
    pub weekday: Option<chrono::Weekday>,
}

impl DayOfMonth {
    /// This day in `year`: none when the year has no such day or when it is not the day of
    /// the week that was written.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        use chrono::Datelike;
        let date = NaiveDate::from_ymd_opt(year, self.month, self.day)?;
        match self.weekday {
            Some(w) if date.weekday() != w => None,
            _ => Some(date),
        }
    }
}

/// The first day of a month written without a year in `text` that is not in one of its
/// `plans`; a full date (`9 November 2021`, `Nov 9, 2021`) is not one.
fn day_of_month_in(text: &str, plans: &Plans) -> Option<DayOfMonth> {
    static R: OnceLock<[Regex; 3]> = OnceLock::new();
    let [dm, md, year_after] = R.get_or_init(|| {
        let weekday = r"(Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)";
        [
            Regex::new(&format!(r"\b(?:{weekday}\.?,?\s+(?:the\s+)?)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b\.?")).unwrap(),
            Regex::new(&format!(r"\b(?:{weekday}\.?,?\s+)?{MONTH}\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b")).unwrap(),
            Regex::new(r"^\.?,?\s*\d{4}\b").unwrap(),
        ]
    });
    let read = |c: regex::Captures, day: usize, month: usize| {
        let weekday = c.get(1).map(|w| match &w.as_str()[..3] {
            "Mon" => chrono::Weekday::Mon,
            "Tue" => chrono::Weekday::Tue,
            "Wed" => chrono::Weekday::Wed,
            "Thu" => chrono::Weekday::Thu,
            "Fri" => chrono::Weekday::Fri,
            "Sat" => chrono::Weekday::Sat,
            _ => chrono::Weekday::Sun,
        });
        let at = c.get(0).filter(|at| !plans.holds(at.start()))?;
        let day = DayOfMonth {
            month: month_number(&c[month])?,
            day: c[day].parse().ok()?,
            weekday,
        };
        // A year right after it makes it a full date, which `find_dates` reads.
        (!year_after.is_match(&text[at.end()..])).then_some((at.start(), day))
    };
    let first = |re: &Regex, day, month| re.captures_iter(text).find_map(|c| read(c, day, month));
    [first(dm, 2, 3), first(md, 3, 2)]
        .into_iter()
        .flatten()
        .min_by_key(|(at, _)| *at)
        .map(|(_, d)| d)
}

/// The first day of the week written in `text` on its own, in full (`On Monday our nightly
/// job...`, `monday's deploy`), and not in one of its `plans` (`due Friday`): not one written
/// with its day of the month (`Monday 31 October`, `Monday, October 31`), which names that
/// day and no other.
fn weekday_in(text: &str, plans: &Plans) -> Option<chrono::Weekday> {
    static R: OnceLock<[Regex; 2]> = OnceLock::new();
    let [weekday, day_after] = R.get_or_init(|| {
        [
            Regex::new(r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day\b").unwrap(),
            Regex::new(&format!(r"^\.?,?\s+(?:the\s+)?(?:\d|{MONTH}\b)")).unwrap(),
        ]
    });
    weekday
        .captures_iter(text)
        .find(|c| {
            let at = c.get(0).unwrap();
            !plans.holds(at.start()) && !day_after.is_match(&text[at.end()..])
        })
        .map(|c| match c[1].to_ascii_lowercase().as_str() {
            "mon" => chrono::Weekday::Mon,
            "tues" => chrono::Weekday::Tue,
            "wednes" => chrono::Weekday::Wed,
            "thurs" => chrono::Weekday::Thu,
            "fri" => chrono::Weekday::Fri,
            "satur" => chrono::Weekday::Sat,
            _ => chrono::Weekday::Sun,
        })
}

/// Byte ranges of the words that could be ids: each run of ASCII letters, digits, `_`, `.`
/// and `-` that holds a `-` or `_`, without the punctuation at its ends, two characters or
/// more. Only the runs around a dash or underscore are looked at (memchr finds them), since
/// an id always has one; the rest of the text is skipped at memchr's speed.
fn id_candidates(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let in_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let mut separators = memchr::memchr2_iter(b'-', b'_', bytes);
    let mut done = 0;
    std::iter::from_fn(move || {
        for at in separators.by_ref() {
            if at < done {
                continue;
            }
            let mut start = at;
            while start > 0 && in_word(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = at;
            while end < bytes.len() && in_word(bytes[end]) {
                end += 1;
            }
            done = end;
            while start < end && !bytes[start].is_ascii_alphanumeric() {
                start += 1;
            }
            while end > start && !bytes[end - 1].is_ascii_alphanumeric() {
                end -= 1;
            }
            if end - start >= 2 {
                return Some((start, end));
            }
        }
        None
    })
}

/// A `<!-- hindsight: DIRECTIVE ARGS -->` comment in a piece of source: the two that Hindsight
/// reads are `allow RULE...` (see `check`) and `learning ID` (see [`Mark`]).
pub struct HindsightComment<'a> {
    /// Byte offset of `<!--` in the source.
    pub offset: usize,
    pub directive: &'a str,
    /// The words after the directive (split at white space and commas).
    pub args: Vec<&'a str>,
}

/// Every hindsight comment in `source`, in order: the one parser that building, checking and
/// silencing findings share.
pub fn hindsight_comments(source: &str) -> impl Iterator<Item = HindsightComment<'_>> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| Regex::new(r"(?s)<!--\s*hindsight:(.*?)-->").expect("valid regex"));
    let found = if source.contains("hindsight:") {
        Some(r.captures_iter(source))
    } else {
        None
    };
    found.into_iter().flatten().map(|c| {
        let whole = c.get(0).expect("a match");
        let body = c.get(1).map_or("", |m| m.as_str());
        let mut words = body
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .filter(|w| !w.is_empty());
        HindsightComment {
            offset: whole.start(),
            directive: words.next().unwrap_or(""),
            args: words.collect(),
        }
    })
}

/// The hindsight comments of a whole file that Markdown reads as HTML: one shown in a code
/// block or code span is an example, not a comment. For `check`, which reads files as they are.
pub fn hindsight_comments_in_html(source: &str) -> Vec<HindsightComment<'_>> {
    if !source.contains("hindsight:") {
        return Vec::new();
    }
    // The body as the build reads it, after the front matter.
    let body = crate::content::frontmatter::split(source, "").map_or(source, |s| s.body);
    let at = body.as_ptr() as usize - source.as_ptr() as usize;
    let html: Vec<std::ops::Range<usize>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        .map(|(_, r)| r.start + at..r.end + at)
        .collect();
    hindsight_comments(source)
        .filter(|c| html.iter().any(|r| r.contains(&c.offset)))
        .collect()
}

/// The learning marks (`<!-- hindsight: learning ID -->`) in a piece of source: the offset
/// of each comment and the id it names.
fn learning_marks(source: &str) -> Vec<(usize, String)> {
    hindsight_comments(source)
        .filter(|c| c.directive == "learning")
        .filter_map(|c| Some((c.offset, c.args.first()?.to_string())))
        .collect()
}

/// The anchors the elements of a piece of HTML offer: their ids and the names of its `<a>`s
/// (see [`crate::html::anchors`]).
pub fn html_ids(html: &str) -> Vec<String> {
    crate::html::anchors(html)
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

/// The ids of the elements of a piece of HTML, which no heading of the page may have too (a
/// `name` is no id).
fn element_ids(html: &str) -> impl Iterator<Item = String> {
    crate::html::anchors(html)
        .into_iter()
        .filter_map(|(id, v)| id.then_some(v))
}

/// Whether `text` may give an element an id: it has `id` (in any case) right before an `=`,
/// white space between or not. Spares the bodies that give none (nearly all) a parse for ids.
fn may_give_an_id(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'=', b).any(|i| {
        let name = b[..i].trim_ascii_end();
        name.len() >= 2 && name[name.len() - 2..].eq_ignore_ascii_case(b"id")
    })
}

/// Splits text into plain runs and runs that name a known incident (ids with a digit and a dash
/// or underscore only, so ordinary words never become links), each with the id of the incident
/// it names (see [`SiteLinks::incident_named`]). The page's own incident is never named.
/// A part of a text: a bare URL, or text with maybe an incident id (see [`split_ids`]).
enum Piece<'s> {
    Url,
    Id(Option<&'s str>),
}

/// `text` cut into its bare http(s) URLs (`true`) and the text between them, in order, as
/// GitHub links them: from the scheme to the last character that can end a URL (not a
/// sentence's full stop or a closing parenthesis it does not open).
fn split_urls(text: &str) -> Vec<(&str, bool)> {
    if !text.contains("://") {
        return vec![(text, false)];
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    // Ranges of `text`, each a URL or not; a scheme other than http(s) joins the text.
    let mut out: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    for span in finder.spans(text) {
        let s = span.as_str();
        let web = span.kind().is_some() && (s.starts_with("http://") || s.starts_with("https://"));
        match out.last_mut() {
            Some((last, false)) if !web => last.end = span.end(),
            _ => out.push((span.start()..span.end(), web)),
        }
    }
    out.into_iter().map(|(r, web)| (&text[r], web)).collect()
}

fn split_ids<'t, 's>(
    text: &'t str,
    site: &SiteLinks<'s>,
    self_id: &str,
) -> Vec<(&'t str, Option<&'s str>)> {
    let mut out = Vec::new();
    let mut last = 0;
    for (start, end) in id_candidates(text) {
        let s = &text[start..end];
        let looks_like_id =
            s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b == b'-' || b == b'_');
        let Some(id) = looks_like_id
            .then(|| site.incident_named(s))
            .flatten()
            .filter(|id| *id != self_id)
        else {
            continue;
        };
        // Whole-token match only: not part of a longer word or path.
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| {
            c.map(|c| !(c.is_alphanumeric() || c == '/' || c == '-' || c == '_'))
                .unwrap_or(true)
        };
        if boundary(before) && boundary(after) {
            if start > last {
                out.push((&text[last..start], None));
            }
            out.push((s, Some(id)));
            last = end;
        }
    }
    if last < text.len() {
        out.push((&text[last..], None));
    }
    out
}

/// Where in `body` the piece `part` of an event's `text`, `at` bytes into it, is written, the
/// event being read from `range`. The text is the source itself, unless the parser changed it
/// (a character reference decoded); then the same occurrence of `part` is looked for in the
/// source, and failing that the event's start is given.
fn written_at(
    body: &str,
    range: std::ops::Range<usize>,
    text: &str,
    at: usize,
    part: &str,
) -> usize {
    let source = &body[range.clone()];
    if source == text {
        return range.start + at;
    }
    let nth = text[..at].matches(part).count();
    source
        .match_indices(part)
        .nth(nth)
        .map_or(range.start, |(i, _)| range.start + i)
}

/// Percent-decodes a URL path (`%20` and friends); invalid sequences are kept as written, and
/// a path that does not decode to UTF-8 is returned as it is.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), std::borrow::Cow::into_owned)
}

/// What a path segment of a URL cannot hold as written: everything but ASCII letters, digits
/// and `-._~!$&'()*+,;=:@` (RFC 3986 `pchar`), so `%`, `#`, `?`, spaces and non-ASCII letters
/// are encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// A file path (with `/`) as the path of a URL: each segment percent-encoded
/// (`C# build broke?.md` is `C%23%20build%20broke%3F.md`, `100% CPU.md` is `100%25%20CPU.md`).
pub fn percent_encode_path(path: &str) -> String {
    path.split('/')
        .map(|seg| percent_encoding::utf8_percent_encode(seg, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Joins a relative link to a content-relative folder and normalises `.` and `..`.
/// Returns None when the result would leave the content folder.
pub fn join_relative(dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in link.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Where a path as a link writes it (percent-decoded, with no query or fragment) leads in the
/// output, read as a browser reads it on a page published at `out_dir`: from that folder, or
/// from the site's root for a path from the host's root, which must then start with
/// `base_path`, the path the site is served under. None when it leads out of the site.
fn served_path(link: &str, out_dir: &str, base_path: &str) -> Option<String> {
    let Some(from_host) = link.strip_prefix('/') else {
        return join_relative(out_dir, link);
    };
    let in_site = if base_path.is_empty() {
        from_host
    } else {
        from_host
            .strip_prefix(base_path)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))?
    };
    join_relative("", in_site)
}

/// [`join_relative`] for a link that leaves the content folder: the path keeps a `..` for each
/// folder it goes above it (`../README.md`).
fn join_above(dir: &str, link: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    if link.starts_with('/') {
        parts.clear();
    }
    let mut above = 0;
    for p in link.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = vec![".."; above];
    out.extend(parts);
    out.join("/")
}

fn is_external(url: &str) -> bool {
    url.starts_with("//")
        || url
            .split_once(':')
            .map(|(scheme, _)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
            })
            .unwrap_or(false)
}

/// Byte offsets of line starts, to turn byte offsets into 1-based lines and columns.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }
    /// The column counts characters, as every diagnostic does (see
    /// [`crate::diagnostics::line_col`]), not bytes.
    fn at(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let before = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, before + 1)
    }
}

/// A heading being read.
struct OpenHeading {
    level: HeadingLevel,
    /// The id written (`## Timeline {#timeline}`).
    id: Option<String>,
    /// Where its events start in the page's: they are read as anywhere else (a link is
    /// resolved, an image found), and rendered at its end.
    start: usize,
    /// Its plain text: a line break is a space, and an image's alt text is read (for the table
    /// of contents and the anchor link's label).
    text: String,
    /// Its text as GitHub slugs it: the text content of the rendered heading, in which a line
    /// break is a newline, which the slug drops (`One` / `Two` underlined is `#onetwo`), and
    /// an image has no text, its alt being an attribute (`## Timeline ![icon](x.png)` is
    /// `#timeline-`). Its id is made from it too (see [`OpenHeading::id_text`]).
    github: String,
    /// How many images the text being read is in.
    images: usize,
    line: usize,
}

impl OpenHeading {
    /// The text a heading's id is made from: its text without images' alt text, as GitHub's
    /// anchor, a line break a space; its plain text when that has no letter or digit (a
    /// heading of an image alone, `## ![Kestrel](logo.png)`).
    fn id_text(&self) -> String {
        if self.github.chars().any(char::is_alphanumeric) {
            self.github.replace('\n', " ")
        } else {
            self.text.clone()
        }
    }
}

/// The most characters every body cell of a table's first column may have for that column to
/// stay on one line: a time, a date or both, with a zone or a range (`2020-10-06 09:00 - 11:00`
/// has 24). A longer first cell, an action item's sentence, wraps like any other.
const SHORT_FIRST_CELL: usize = 25;

/// A table being rendered: its wrapper's opening tag is written when the table ends, once its
/// cells are read.
struct OpenTable {
    /// Where the wrapper's opening tag goes in the page's events.
    at: usize,
    /// What the wrapper is called: the heading the table is under.
    label: String,
    /// Whether the header row is being read.
    head: bool,
    /// Whether every body cell of the first column so far is short (see [`SHORT_FIRST_CELL`]).
    short_first: bool,
}

#[derive(Default)]
struct ItemFrame {
    text: String,
    children: Vec<ListItem>,
    checked: Option<bool>,
    line: usize,
}

/// Renders and reads a Markdown body in one pass.
pub fn parse(body: &str, site: &SiteLinks, page: &PageLocation) -> Parsed {
    pass(body, site, page, true)
}

/// Reads a Markdown body without rendering it: everything [`parse`] finds except `html`
/// (for `check`, which never shows a page, so it skips HTML and code highlighting). A body
/// that would render to some HTML gets [`UNRENDERED`] instead, so that pages rendered from
/// what was read (`check`'s theme probe) show a body where `build` would show one.
pub fn read(body: &str, site: &SiteLinks, page: &PageLocation) -> Parsed {
    pass(body, site, page, false)
}

/// The HTML [`read`] gives a body that it did not render.
pub const UNRENDERED: &str =
    "<p>The body of this page, which <code>check</code> does not render.</p>\n";

fn pass<'s>(body: &str, site: &SiteLinks<'s>, page: &PageLocation, render: bool) -> Parsed {
    let lines = Lines::new(body);
    let line_of = |off: usize| {
        let (l, c) = lines.at(off);
        (l + page.first_line - 1, c)
    };
    let mut out = Parsed::default();
    let mut events: Vec<Event> = Vec::new();
    let mut used_anchors: HashSet<String> = HashSet::new();
    let mut github = GithubSlugger::default();
    // A footnote keeps the id its references link to (`fn-NAME`), wherever it is defined, and
    // an element of raw HTML the id written (`<a id="rollback">`), wherever it is: a heading
    // that would have one is told apart as a repeated heading is, so that no two elements of
    // the page share an id.
    let (footnote_ids, html_element_ids) = taken_ids(body);
    used_anchors.extend(footnote_ids.iter().cloned());
    used_anchors.extend(html_element_ids.iter().cloned());

    // Heading state.
    let mut heading: Option<OpenHeading> = None;
    // Code block state.
    let mut code: Option<(String, String)> = None;
    // Structure state.
    let mut current: Option<Section> = None;
    // The headings open inside `current`, innermost last: (index in `out.sections`, level).
    // What `current` collects, its innermost one collects too, so that "### Lessons learned"
    // under "## Review" has its items.
    let mut nested: Vec<(usize, u8)> = Vec::new();
    // Whether the open top-level paragraph is, so far, only bold text ("**Takeaways:**"), and
    // how deep in bold the parser is.
    let mut label = false;
    let mut strong = 0u32;
    // Where the bold text that opens the paragraph ends, when a line break follows it and the
    // paragraph goes on ("**What didn't go well?**" then its answer on the next line).
    let mut lead: Option<usize> = None;
    // Whether the open top-level paragraph is, so far, one line of text (bold or emphasised
    // or not), which a colon at its end and a list after it make a label ("Lessons learned:"),
    // and whether it has any text outside images.
    let mut plain = false;
    let mut worded = false;
    let mut para: Option<(String, usize)> = None;
    let mut items: Vec<ItemFrame> = Vec::new();
    let mut table_row: Option<Row> = None;
    // The header's cells of the open table, and where the open row is written.
    let mut columns = 0usize;
    let mut row_at = 0usize;
    let mut cell: Option<String> = None;
    let mut table: Option<OpenTable> = None;
    // How many tables each wrapper label has named: labels are told apart, as a screen
    // reader lists each table's box by its label (the second under a heading is "table 2").
    let mut table_labels: HashMap<String, usize> = HashMap::new();
    let mut link_depth = 0usize;
    // For each open link, whether it is left out for its text alone (see `resolve_link`).
    let mut dropped_links: Vec<bool> = Vec::new();
    // The alt text of the image being read, and where the image starts.
    let mut image: Option<(String, (usize, usize))> = None;
    // The lines of the open HTML block, each with its range in the body.
    let mut html_block: Option<Vec<(CowStr, std::ops::Range<usize>)>> = None;
    let mut first_block = true;
    let mut skip_first_h1 = false;
    // The body's headings as written (the title left out), and where each rendered one is in
    // `events`: their levels are normalised at the end (see [`heading_levels`]).
    let mut headings: Vec<TocEntry> = Vec::new();
    let mut rendered_headings: Vec<usize> = Vec::new();
    let mut block_depth = 0usize;
    // The last top-level paragraph or item that ended: its first and last lines. A learning
    // mark on the line right after it belongs to it.
    let mut last_block: Option<(usize, usize)> = None;
    // The line of the last character of a range that is not white space.
    let last_line = |range: std::ops::Range<usize>| {
        let text = body[range.clone()].trim_end();
        line_of(range.start + text.len().saturating_sub(1)).0
    };

    // Footnote numbers, in the order footnotes are first referenced or defined.
    let mut footnotes: HashMap<String, usize> = HashMap::new();

    // Whether the body has any Markdown at all, that is, renders to any HTML.
    let mut blank = true;
    // Whether the body holds raw HTML or a URL that only a sanitizer can vouch for (see
    // `crate::sanitize`).
    let mut sanitize = false;
    // A block of raw HTML that is the postmortem's structure is read as its Markdown.
    let mut parser = crate::html_blocks::read_structure(
        Parser::new_ext(body, options()).into_offset_iter(),
        body,
    )
    .into_iter()
    .peekable();
    let mut decoded = Vec::new();
    while let Some((event, range)) = parser.next() {
        let (event, range) = without_decoded(event, range, &mut parser, body, &mut decoded);
        // A text split where a character could have been emphasis or an escape is one text,
        // so that a URL written across one (`https://x.org/a_b_c`) is read whole.
        let (event, range) = match event {
            Event::Text(t) if matches!(parser.peek(), Some((Event::Text(n), _)) if !holds_forbidden(n)) =>
            {
                let (mut text, mut range) = (t.into_string(), range);
                while let Some((Event::Text(next), r)) = parser.peek() {
                    if holds_forbidden(next) {
                        break;
                    }
                    text.push_str(next);
                    range.end = r.end;
                    parser.next();
                }
                (Event::Text(text.into()), range)
            }
            e => (e, range),
        };
        blank = false;
        // A footnote reference is rendered here, before a heading buffers it, so that it
        // links to the footnote's prefixed id (see [`footnote_id`]) wherever it is.
        // (Ours, not the author's: its link is not read as one of the postmortem's.)
        let (event, ours) = match event {
            Event::FootnoteReference(name) if render => {
                let n = footnote_number(&mut footnotes, &name);
                let html = format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{}\">{n}</a></sup>",
                    escape(&footnote_id(&name))
                );
                (Event::InlineHtml(html.into()), true)
            }
            e => (e, false),
        };
        match &event {
            Event::Html(h) | Event::InlineHtml(h) => {
                // An HTML block's anchors are read from it whole, at its end: a tag may span
                // its lines.
                if html_block.is_none() {
                    out.ids.extend(html_ids(h));
                }
                // A learning mark belongs to the top-level item, row or paragraph it is in.
                let block = match (&table_row, items.first(), &para) {
                    (Some((_, line)), _, _) => Some(*line),
                    (None, Some(top), _) => Some(top.line),
                    (None, None, Some((_, line))) => Some(*line),
                    // A comment on a line of its own interrupts a paragraph or ends a list.
                    _ => last_block
                        .filter(|&(_, end)| line_of(range.start).0 == end + 1)
                        .map(|(start, _)| start),
                };
                if let Some(block) = block.filter(|_| current.is_some() || !nested.is_empty()) {
                    // Read from the source, so a column holds in an indented block too.
                    for (at, id) in learning_marks(&body[range.clone()]) {
                        // Columns in characters, as every diagnostic counts them.
                        let (line, column) = crate::diagnostics::line_col(body, range.start + at);
                        let line = line + page.first_line - 1;
                        let mark = Mark {
                            id,
                            block,
                            line,
                            column,
                        };
                        if let Some(&(k, _)) = nested.last() {
                            out.sections[k].marks.push(mark.clone());
                        }
                        if let Some(sec) = current.as_mut() {
                            sec.marks.push(mark);
                        }
                    }
                }
            }
            Event::Start(Tag::FootnoteDefinition(n)) => out.ids.push(footnote_id(n)),
            _ => {}
        }
        // The URLs of raw HTML (`<img src>`, `<a href>`) go the way of Markdown ones. An HTML
        // block comes line by line, and a tag may span lines: the block is read whole at its
        // end.
        let inline = matches!(event, Event::InlineHtml(_));
        let event = match event {
            Event::Html(h) if html_block.is_some() => {
                let block = html_block.as_mut().expect("an open HTML block");
                block.push((h, range));
                continue;
            }
            Event::End(TagEnd::HtmlBlock) => {
                let pieces = html_block.take().unwrap_or_default();
                // The tables and lists of a page converted to Markdown (a Confluence export)
                // are read as Markdown ones are.
                if block_depth == 0 && items.is_empty() {
                    let read = html_block_content(&pieces, |off| line_of(off).0);
                    for (tables, list, text) in std::iter::once(current.as_mut())
                        .flatten()
                        .map(|sec| (&mut sec.tables, &mut sec.items, &mut sec.text))
                        .chain(nested.last().map(|&(k, _)| {
                            let sec = &mut out.sections[k];
                            (&mut sec.tables, &mut sec.items, &mut sec.text)
                        }))
                    {
                        tables.extend(read.tables.iter().cloned());
                        list.extend(read.items.iter().cloned());
                        text.push_str(&read.text);
                    }
                    if current.is_none() {
                        out.preamble.push_str(&read.text);
                    }
                }
                let (html, plain) = html_urls(&pieces, body, &lines, site, page, &mut out);
                sanitize |= !plain;
                out.ids.extend(html_ids(&html));
                events.push(Event::Html(html));
                event
            }
            Event::InlineHtml(h) | Event::Html(h) if h.contains('<') && !ours => {
                let (html, plain) =
                    html_urls(&[(h, range.clone())], body, &lines, site, page, &mut out);
                sanitize |= !plain;
                if inline {
                    Event::InlineHtml(html)
                } else {
                    Event::Html(html)
                }
            }
            other => other,
        };
        // The text of a `<script>` or a `<style>` written inline (`Intro <script>x</script>`)
        // comes as Markdown text between two pieces of raw HTML: the page leaves it out, and so
        // does every text read from the page.
        let hidden =
            out.html_state.in_script_or_style() && matches!(event, Event::Text(_) | Event::Code(_));
        if para.is_some() && !hidden {
            match &event {
                Event::Start(Tag::Strong) => strong += 1,
                Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
                Event::Text(t) if strong > 0 || t.trim().is_empty() => {}
                Event::SoftBreak | Event::HardBreak if label && strong == 0 && lead.is_none() => {
                    lead = para.as_ref().map(|(p, _)| p.len()).filter(|&n| n > 0);
                }
                Event::SoftBreak | Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                }
                _ if strong == 0 => label = false,
                _ => {}
            }
            match &event {
                Event::Text(t) | Event::Code(t) => {
                    worded |= image.is_none() && !t.trim().is_empty();
                    plain &= matches!(event, Event::Text(_));
                }
                Event::Start(Tag::Strong | Tag::Emphasis | Tag::Paragraph)
                | Event::End(TagEnd::Strong | TagEnd::Emphasis | TagEnd::Paragraph) => {}
                _ => plain = false,
            }
        }
        // Text for structure (paragraphs, items, cells, section text).
        // A `<br>` reads as a line break, so the words on either side of it stay apart.
        let br = match &event {
            Event::SoftBreak | Event::HardBreak => true,
            Event::InlineHtml(h) => is_br(h),
            _ => false,
        };
        let text_piece: Option<&str> = match &event {
            _ if hidden => None,
            Event::Text(t) | Event::Code(t) => Some(t),
            _ if br => Some(" "),
            _ => None,
        };
        if let Some(t) = text_piece {
            if let Some((alt, _)) = image.as_mut() {
                alt.push_str(t);
            }
            if let Some(h) = heading.as_mut() {
                h.text.push_str(t);
                // GitHub's anchor leaves raw HTML out, `<br>` too.
                if h.images == 0 && !matches!(event, Event::InlineHtml(_)) {
                    h.github.push_str(if br { "\n" } else { t });
                }
            } else {
                if let Some(c) = cell.as_mut() {
                    c.push_str(t);
                } else if let Some(top) = items.last_mut() {
                    top.text.push_str(t);
                } else if let Some((p, _)) = para.as_mut() {
                    // Its lines stay apart until it is read (see `is_prose`).
                    p.push_str(if br { "\n" } else { t });
                }
                match current.as_mut() {
                    Some(sec) => sec.text.push_str(t),
                    None => out.preamble.push_str(t),
                }
            }
        }

        // Heading: its events go the way of any, and our own HTML is made of them at its end.
        if let Some(h) = heading.as_mut() {
            match event {
                Event::Start(Tag::Image { .. }) => h.images += 1,
                Event::End(TagEnd::Image) => h.images = h.images.saturating_sub(1),
                _ => {}
            }
        }

        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let (line, _) = line_of(range.start);
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    start: events.len(),
                    text: String::new(),
                    github: String::new(),
                    images: 0,
                    line,
                });
                if first_block && level == HeadingLevel::H1 {
                    skip_first_h1 = true;
                }
                first_block = false;
            }
            Event::End(TagEnd::Heading(_)) => {
                let h = heading.take().expect("heading started");
                // GitHub anchors every heading, the title too, from its text as written.
                let github_anchor = github.slug(&h.github);
                let id_text = h.id_text();
                let OpenHeading {
                    level,
                    id,
                    start,
                    text: htext,
                    line,
                    ..
                } = h;
                let inner: Vec<Event> = events.drain(start..).collect();
                let htext = collapse_ws(&htext);
                if skip_first_h1
                    && page
                        .title
                        .is_none_or(|title| repeats_title(&htext, title, page.id))
                {
                    skip_first_h1 = false;
                    out.h1 = Some(htext);
                    out.title_links = title_links(&inner);
                    // The title is the page's, not a heading of the body: GitHub's anchor of
                    // it leads to the top of the page (the empty id, see
                    // `lead_github_fragments`).
                    if !github_anchor.is_empty() {
                        out.github_anchors.push((github_anchor, String::new()));
                    }
                    continue;
                }
                skip_first_h1 = false;
                if out.h1.is_none() && level == HeadingLevel::H1 && out.sections.is_empty() {
                    out.h1 = Some(htext.clone());
                }
                let written = id.is_some();
                let base = id.unwrap_or_else(|| heading_id(&id_text));
                let mut anchor = base.clone();
                let mut n = 1;
                while !used_anchors.insert(anchor.clone()) {
                    anchor = format!("{base}-{n}");
                    n += 1;
                }
                if written && anchor != base {
                    let holder = if footnote_ids.contains(&base) {
                        IdHolder::Footnote
                    } else if html_element_ids.contains(&base) {
                        IdHolder::Html
                    } else {
                        IdHolder::Heading
                    };
                    out.renamed_ids.push(RenamedId {
                        holder,
                        written: base.clone(),
                        given: anchor.clone(),
                        line,
                    });
                }
                // A heading of emoji alone has the empty anchor on GitHub: `#` is the top.
                if !github_anchor.is_empty() && github_anchor != anchor {
                    out.github_anchors.push((github_anchor, anchor.clone()));
                }
                let lvl = level as u8;
                let mut inner_html = String::new();
                if render {
                    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                }
                let h = format!(
                    "<h{lvl} id=\"{a}\">{inner_html} <a class=\"anchor\" href=\"#{a}\" aria-label=\"Link to this section: {t}\">#</a></h{lvl}>\n",
                    a = escape(&anchor),
                    t = escape(&htext),
                );
                if render {
                    rendered_headings.push(events.len());
                }
                events.push(Event::Html(h.into()));
                headings.push(TocEntry {
                    level: lvl,
                    id: anchor.clone(),
                    title: htext.clone(),
                });
                // A heading closes the current section if it is at the same or a higher level;
                // a deeper heading stays within it (its text joins the parent section too).
                if let Some(sec) = current.as_ref() {
                    if lvl <= sec.level {
                        out.sections.push(current.take().unwrap());
                        nested.clear();
                    }
                }
                match current.as_mut() {
                    Some(parent) => {
                        let at = parent.text.len();
                        parent.text.push('\n');
                        parent.text.push_str(&htext);
                        parent.text.push('\n');
                        // Nested sections are also recorded on their own.
                        nested.retain(|&(_, l)| l < lvl);
                        nested.push((out.sections.len(), lvl));
                        out.sections.push(Section {
                            title: htext,
                            level: lvl,
                            anchor,
                            line,
                            nested_at: Some(at),
                            ..Default::default()
                        });
                    }
                    None => {
                        nested.clear();
                        current = Some(Section {
                            title: htext,
                            level: lvl,
                            anchor,
                            line,
                            ..Default::default()
                        });
                    }
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                first_block = false;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                code.as_mut().unwrap().1.push_str(&t);
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, src) = code.take().expect("code block started");
                if !render {
                    continue;
                }
                let class = if lang.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"language-{}\"", escape(&lang))
                };
                let html = format!(
                    "<pre class=\"code\" tabindex=\"0\"><code{class}>{}</code></pre>\n",
                    highlight(&src, &lang)
                );
                events.push(Event::Html(html.into()));
            }
            Event::Start(Tag::Paragraph) => {
                first_block = false;
                // A table whose separator row does not match its header is a paragraph.
                let mut rows = body[range.clone()].lines();
                if let (Some(head), Some(sep)) = (rows.next(), rows.next()) {
                    let sep = sep.trim_start().trim_start_matches(['>', ' ']);
                    if head.contains('|') && is_separator_row(sep) {
                        let (line, column) = line_of(range.start);
                        out.broken_tables.push(BrokenTable {
                            line,
                            column,
                            header: source_cells(head.trim()).len(),
                            separator: source_cells(sep.trim()).len(),
                        });
                    }
                }
                if items.is_empty() && cell.is_none() && block_depth == 0 {
                    let (line, _) = line_of(range.start);
                    para = Some((String::new(), line));
                    label = true;
                    plain = true;
                    worded = false;
                    strong = 0;
                    lead = None;
                }
                events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((_, line)) = &para {
                    last_block = Some((*line, last_line(range.clone())));
                }
                if let Some((written, line)) = para.take() {
                    let p = collapse_ws(&written);
                    // A short paragraph of bold text alone labels what follows as a heading
                    // would ("**Takeaways:**", "**Follow-ups**"): it opens a section deeper than
                    // any heading, nested in the heading's section if there is one, until the
                    // next label or heading. It collects items, paragraphs and rows, not text
                    // (that stays with the heading's section, or the preamble). So does a
                    // short line of text that ends with a colon right before a list
                    // ("Lessons learned:"), which stays a paragraph too.
                    let title = p.trim_end_matches(':').trim();
                    let short = !title.is_empty() && title.chars().count() <= 60;
                    let labels = label && short;
                    let introduces = !labels
                        && plain
                        && short
                        && p.ends_with(':')
                        && matches!(parser.peek(), Some((Event::Start(Tag::List(_)), _)));
                    // A paragraph that opens with a short line of bold text alone and goes on
                    // ("**What didn't go well?**" and its answer on the next line, as
                    // FireHydrant writes its questions) ends the section a label opened; it
                    // opens one of its own only when the bold text is a known title of
                    // learnings or action items (see [`crate::content::derive::title_holds`]),
                    // which collects the rest of the paragraph and what follows.
                    let lead_title = lead.filter(|_| !labels).map(|n| {
                        let t = collapse_ws(&written[..n]);
                        (t.trim_end_matches([':', '?']).trim().to_string(), n)
                    });
                    let lead_opens = lead_title.as_ref().filter(|(t, _)| {
                        use crate::content::derive::{title_holds, Holds};
                        !t.is_empty()
                            && t.chars().count() <= 60
                            && !t.contains(['.', '!', '?', ':', ';'])
                            && (title_holds(t, Holds::Learnings, &[])
                                || title_holds(t, Holds::Actions, &[]))
                    });
                    if lead_title.is_some() {
                        nested.retain(|&(_, l)| l < LABEL_LEVEL);
                    }
                    // A section a label opens here, nested in the current one.
                    let labelled = |title: String| Section {
                        title,
                        level: LABEL_LEVEL,
                        anchor: current
                            .as_ref()
                            .map(|c| c.anchor.clone())
                            .unwrap_or_default(),
                        line,
                        nested_at: Some(
                            current
                                .as_ref()
                                .map_or(out.preamble.len(), |c| c.text.len()),
                        ),
                        ..Default::default()
                    };
                    let lead_section = lead_opens.map(|(t, n)| Section {
                        paragraphs: vec![(collapse_ws(&written[*n..]), line)],
                        ..labelled(t.clone())
                    });
                    let opened = (labels || introduces).then(|| labelled(title.to_string()));
                    if !labels && !p.is_empty() {
                        // Without the bold label on its first line that opens a section
                        // ("**Symptoms**" above its text): a summary starts at the text.
                        let (text, lines) = match &lead_title {
                            Some((t, n)) if !t.contains(['.', '!', '?', ';']) => {
                                (collapse_ws(&written[*n..]), &written[*n..])
                            }
                            _ => (p.clone(), written.as_str()),
                        };
                        if out.first_paragraph.is_none() {
                            out.first_paragraph = Some(text.clone());
                        }
                        if !worded || !is_prose(lines) {
                            out.not_prose.push(line);
                        } else if out.first_prose.is_none() {
                            out.first_prose = Some(text);
                        }
                        if let Some(&(k, _)) = nested.last() {
                            out.sections[k].paragraphs.push((p.clone(), line));
                        }
                        if let Some(sec) = current.as_mut() {
                            sec.paragraphs.push((p, line));
                        }
                    }
                    if let Some(section) = opened.or(lead_section) {
                        nested.retain(|&(_, l)| l < LABEL_LEVEL);
                        nested.push((out.sections.len(), LABEL_LEVEL));
                        out.sections.push(section);
                    }
                }
                push_break(&mut current, &mut out.preamble);
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::BlockQuote(k)) => {
                block_depth += 1;
                first_block = false;
                events.push(Event::Start(Tag::BlockQuote(k)));
            }
            Event::End(TagEnd::BlockQuote(k)) => {
                block_depth = block_depth.saturating_sub(1);
                events.push(Event::End(TagEnd::BlockQuote(k)));
            }
            Event::Start(Tag::FootnoteDefinition(n)) => {
                block_depth += 1;
                if render {
                    let number = footnote_number(&mut footnotes, &n);
                    events.push(Event::Html(
                        format!(
                            "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{number}</sup>",
                            escape(&footnote_id(&n))
                        )
                        .into(),
                    ));
                }
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                block_depth = block_depth.saturating_sub(1);
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Item) => {
                first_block = false;
                let (line, _) = line_of(range.start);
                items.push(ItemFrame {
                    line,
                    ..Default::default()
                });
                events.push(Event::Start(Tag::Item));
            }
            Event::TaskListMarker(done) => {
                if let Some(top) = items.last_mut() {
                    top.checked = Some(done);
                }
                // pulldown-cmark's checkbox has no accessible name; a screen reader would say
                // "checkbox, checked" and not what the check means.
                events.push(Event::InlineHtml(CowStr::Borrowed(if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"done\">\n"
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"not done\">\n"
                })));
            }
            Event::End(TagEnd::Item) => {
                let frame = items.pop().expect("item started");
                let own = collapse_ws(&frame.text);
                let mut item = ListItem {
                    text: fold_items(&own, frame.children.iter().map(|c| c.text.as_str())),
                    own,
                    checked: frame.checked,
                    line: frame.line,
                    children: frame.children,
                };
                // Lists nested deeper are folded only: what walks the tree stays shallow.
                if items.len() >= NESTED_ITEMS_KEPT {
                    item.children = Vec::new();
                }
                match items.last_mut() {
                    Some(parent) => {
                        if !item.text.is_empty() {
                            parent.children.push(item);
                        }
                    }
                    None => {
                        last_block = Some((frame.line, last_line(range.clone())));
                        if block_depth == 0 {
                            if let Some(&(k, _)) = nested.last() {
                                out.sections[k].items.push(item.clone());
                            }
                            if let Some(sec) = current.as_mut() {
                                sec.items.push(item);
                            }
                        }
                    }
                }
                push_break(&mut current, &mut out.preamble);
                events.push(Event::End(TagEnd::Item));
            }
            Event::Start(tag @ (Tag::TableRow | Tag::TableHead)) => {
                first_block = false;
                if let Some(t) = table.as_mut() {
                    t.head = matches!(tag, Tag::TableHead);
                }
                let (line, _) = line_of(range.start);
                table_row = Some((Vec::new(), line));
                row_at = range.start;
                events.push(Event::Start(tag));
            }
            Event::End(tag @ (TagEnd::TableRow | TagEnd::TableHead)) => {
                if let Some((cells, _)) = &table_row {
                    if matches!(tag, TagEnd::TableHead) {
                        columns = cells.len();
                    } else {
                        let text = &body[row_at..];
                        let text = &text[..text.find('\n').unwrap_or(text.len())];
                        let mut all = source_cells(text);
                        let past = all.split_off(columns.min(all.len()));
                        let written: Vec<String> = past
                            .iter()
                            .map(|(_, c)| c.trim().to_string())
                            .filter(|c| !c.is_empty())
                            .collect();
                        if let (Some(&(at, first)), false) = (past.first(), written.is_empty()) {
                            let blank = first.len() - first.trim_start().len();
                            let (line, column) = line_of(row_at + at + blank);
                            out.dropped_cells.push(DroppedCells {
                                line,
                                column,
                                columns,
                                cells: written,
                            });
                        }
                    }
                }
                if let Some(row) = table_row.take() {
                    if block_depth == 0 && items.is_empty() {
                        // A header row starts a table of its own: the header of a second
                        // table is no row of the first.
                        let head = matches!(tag, TagEnd::TableHead);
                        let add = |tables: &mut Vec<Vec<Row>>, row: Row| match tables.last_mut() {
                            Some(table) if !head => table.push(row),
                            _ => tables.push(vec![row]),
                        };
                        if let Some(&(k, _)) = nested.last() {
                            add(&mut out.sections[k].tables, row.clone());
                        }
                        if let Some(sec) = current.as_mut() {
                            add(&mut sec.tables, row);
                        }
                    }
                }
                push_break(&mut current, &mut out.preamble);
                events.push(Event::End(tag));
            }
            Event::Start(Tag::TableCell) => {
                cell = Some(String::new());
                events.push(Event::Start(Tag::TableCell));
            }
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some((row, _))) = (cell.take(), table_row.as_mut()) {
                    let c = collapse_ws(&c);
                    if let Some(t) = table.as_mut().filter(|t| row.is_empty() && !t.head) {
                        t.short_first &= c.chars().count() <= SHORT_FIRST_CELL;
                    }
                    row.push(c);
                }
                match current.as_mut() {
                    Some(sec) => sec.text.push_str(" | "),
                    None => out.preamble.push_str(" | "),
                }
                events.push(Event::End(TagEnd::TableCell));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                link_depth += 1;
                let (line, column) = line_of(range.start);
                sanitize |= unsafe_url("a", "href", &dest_url, (line, column), &mut out);
                let dest = resolve_link(&dest_url, None, site, page, line, column, &mut out);
                // A link to a page this build does not have is its text alone.
                dropped_links.push(dest.is_none());
                if let Some(dest) = dest {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest.into(),
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                if !dropped_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = line_of(range.start);
                image = Some((String::new(), (line, column)));
                sanitize |= unsafe_url("img", "src", &dest_url, (line, column), &mut out);
                // (An image is never a page: it always has a URL.)
                let dest =
                    resolve_link(&dest_url, Some("image"), site, page, line, column, &mut out)
                        .unwrap_or_default();
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                if let Some((alt, (line, column))) = image.take() {
                    if alt.trim().is_empty() {
                        out.images_without_alt.push(ImageWithoutAlt {
                            line,
                            column,
                            html: false,
                        });
                    }
                }
                events.push(Event::End(TagEnd::Image));
            }
            // An id in a heading stays text.
            Event::Text(t) if link_depth == 0 && image.is_none() && heading.is_none() => {
                // A bare URL is a link, as GitHub writes it; the rest of the text is read for
                // incident ids.
                let mut parts: Vec<(&str, Piece<'s>)> = Vec::new();
                for (text, url) in split_urls(&t) {
                    if url {
                        parts.push((text, Piece::Url));
                    } else {
                        let ids = split_ids(text, site, page.id);
                        parts.extend(ids.into_iter().map(|(s, id)| (s, Piece::Id(id))));
                    }
                }
                // Each id at its own line and column: the parts follow one another in `t`.
                let mut at = 0;
                for (s, piece) in &parts {
                    at += s.len();
                    let Piece::Id(Some(id)) = piece else { continue };
                    let written = written_at(body, range.clone(), &t, at - s.len(), s);
                    let (line, column) = line_of(written);
                    out.links.push(Link {
                        kind: LinkKind::Incident(id.to_string()),
                        target: id.to_string(),
                        anchor: None,
                        path: None,
                        served: None,
                        line,
                        column,
                    });
                }
                // Only an incident with a page in this build is linked to; another's id stays
                // text.
                let linked = |piece: &Piece<'s>| match piece {
                    Piece::Id(id) => id.filter(|id| site.published.contains(*id)).is_some(),
                    Piece::Url => true,
                };
                if parts.iter().any(|(_, piece)| linked(piece)) {
                    let mut html = String::new();
                    for (s, piece) in parts {
                        match piece {
                            Piece::Url => {
                                let _ = write!(html, "<a href=\"{}\">{}</a>", escape(s), escape(s));
                            }
                            Piece::Id(Some(id)) if site.published.contains(id) => {
                                let _ = write!(
                                    html,
                                    "<a href=\"{}incidents/{}/\">{}</a>",
                                    page.to_root,
                                    escape(id),
                                    escape(s)
                                );
                            }
                            Piece::Id(_) => html.push_str(&escape(s)),
                        }
                    }
                    events.push(Event::InlineHtml(html.into()));
                } else {
                    events.push(Event::Text(t));
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                first_block = false;
                html_block = Some(Vec::new());
                events.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Start(Tag::List(n)) => {
                first_block = false;
                // A list nested in an item starts after its text: "probes failed" and
                // "context deadline exceeded" are two lines, not "failedcontext".
                if !items.is_empty() {
                    push_break(&mut current, &mut out.preamble);
                }
                events.push(Event::Start(Tag::List(n)));
            }
            Event::Start(Tag::Table(a)) => {
                first_block = false;
                if render {
                    let under = headings.last().map(|h| h.title.as_str());
                    let label = under.map_or("Table".to_string(), |h| format!("{h} table"));
                    let n = table_labels.entry(label.clone()).or_default();
                    *n += 1;
                    table = Some(OpenTable {
                        at: events.len(),
                        label: if *n == 1 {
                            label
                        } else {
                            format!("{label} {n}")
                        },
                        head: false,
                        short_first: true,
                    });
                }
                events.push(Event::Html("<div class=\"table-wrap\">".into()));
                events.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                // A wide table scrolls in its box, not the page: the box is focusable, so that
                // it scrolls from the keyboard, and named, so that focus lands on something.
                // A short first column (times, dates) stays on one line.
                if let Some(t) = table.take() {
                    events[t.at] = Event::Html(
                        format!(
                            "<div class=\"table-wrap{}\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
                            if t.short_first { " short-first" } else { "" },
                            escape(&t.label)
                        )
                        .into(),
                    );
                }
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            other => events.push(other),
        }
        if !render {
            // Reading keeps no HTML: the events were only needed for rendering.
            events.clear();
        }
    }
    if let Some(sec) = current.take() {
        out.sections.push(sec);
    }
    // An id of the page wins over GitHub's anchor of another heading.
    let ids: HashSet<&str> = out.ids.iter().map(String::as_str).collect();
    out.github_anchors
        .retain(|(github, _)| !used_anchors.contains(github) && !ids.contains(github.as_str()));
    out.decoded = decoded
        .into_iter()
        .map(|(at, text)| {
            let (line, column) = line_of(at);
            Decoded { text, line, column }
        })
        .collect();
    // Sections were pushed when closed; nested ones when opened. Restore document order.
    out.sections.sort_by_key(|s| s.line);
    // The page's title is its one H1: the body's headings go from H2 down, skipping no level.
    // Ids and anchors stay as they are. The table of contents lists the top two levels.
    let levels = heading_levels(&headings.iter().map(|h| h.level).collect::<Vec<_>>());
    for (k, &to) in rendered_headings.iter().zip(&levels) {
        if let Event::Html(h) = &events[*k] {
            // `<hN ... </hN>\n`, as rendered above.
            let inner = &h[3..h.len() - 6];
            events[*k] = Event::Html(format!("<h{to}{inner}</h{to}>\n").into());
        }
    }
    if render {
        events = with_empty_sections_marked(events, &rendered_headings, &levels);
    }
    for (mut t, level) in headings.into_iter().zip(levels) {
        if level <= 3 {
            t.level = level;
            out.toc.push(t);
        }
    }
    if render {
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, without_empty_items(events).into_iter());
        out.html = if sanitize {
            crate::sanitize::clean(&html)
        } else {
            html
        };
    } else if !blank {
        out.html = UNRENDERED.to_string();
    }
    out
}

/// What a list whose items are all empty renders as (see [`without_empty_items`]), and what a
/// heading with nothing under it is followed by (see [`with_empty_sections_marked`]).
const EMPTY_LIST: &str = "<p class=\"muted\">Left empty.</p>\n";

/// `events` with [`EMPTY_LIST`] after each heading (at `headings`, at `levels` as rendered)
/// that has nothing under it: the next heading is at its level or higher, or the body ends,
/// with at most HTML comments between (a template's `<!-- what went well -->`, which the
/// page does not show). A section left empty reads as a section that failed to show, and says
/// so as a section whose list holds a `-` alone does. A heading followed by a deeper one has a
/// section under it.
fn with_empty_sections_marked<'a>(
    events: Vec<Event<'a>>,
    headings: &[usize],
    levels: &[u8],
) -> Vec<Event<'a>> {
    let mut empty = HashSet::new();
    for (j, (&at, &level)) in headings.iter().zip(levels).enumerate() {
        let (end, closes) = match (headings.get(j + 1), levels.get(j + 1)) {
            (Some(&next), Some(&l)) => (next, l <= level),
            _ => (events.len(), true),
        };
        let shown = events[at + 1..end].iter().any(|e| match e {
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => false,
            Event::Html(h) => !only_comments(h),
            _ => true,
        });
        if closes && !shown {
            empty.insert(at);
        }
    }
    if empty.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + empty.len());
    for (k, e) in events.into_iter().enumerate() {
        out.push(e);
        if empty.contains(&k) {
            out.push(Event::Html(EMPTY_LIST.into()));
        }
    }
    out
}

/// Whether some HTML is only comments and white space, which a browser shows nothing of.
fn only_comments(html: &str) -> bool {
    let b = html.as_bytes();
    let mut at = 0;
    loop {
        while at < b.len() && b[at].is_ascii_whitespace() {
            at += 1;
        }
        if at == b.len() {
            return true;
        }
        if !b[at..].starts_with(b"<!--") {
            return false;
        }
        match crate::sanitize::comment_end(b, at + 4) {
            Some(end) => at = end,
            None => return false,
        }
    }
}

/// The body's events without the list items that hold nothing (a `-` alone, as a template's
/// "Lessons learned" is often left): an empty bullet reads as text that failed to show. A list
/// left with no item says it was left empty. Checkboxes and nested lists are content.
fn without_empty_items(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for e in events {
        match e {
            Event::End(TagEnd::Item) if matches!(out.last(), Some(Event::Start(Tag::Item))) => {
                out.pop();
            }
            Event::End(TagEnd::List(_))
                if matches!(out.last(), Some(Event::Start(Tag::List(_)))) =>
            {
                out.pop();
                out.push(Event::Html(EMPTY_LIST.into()));
            }
            e => out.push(e),
        }
    }
    out
}

/// The ids of a body that no heading may take: its footnotes' (see [`footnote_id`]) and those
/// its raw HTML gives elements (see [`element_ids`]). Read before the headings are, as one may
/// be written after the heading that would take it. A body with neither (nearly all) is not
/// parsed for them.
fn taken_ids(body: &str) -> (HashSet<String>, HashSet<String>) {
    let (mut footnotes, mut elements) = (HashSet::new(), HashSet::new());
    let html = may_give_an_id(body);
    if !body.contains("[^") && !html {
        return (footnotes, elements);
    }
    // The lines of the open HTML block, read whole at its end (a tag may span lines).
    let mut block = String::new();
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::FootnoteDefinition(n)) => {
                footnotes.insert(footnote_id(&n));
            }
            Event::Html(h) if html => block.push_str(&h),
            Event::End(TagEnd::HtmlBlock) if html => {
                elements.extend(element_ids(&block));
                block.clear();
            }
            Event::InlineHtml(h) if html => elements.extend(element_ids(&h)),
            _ => {}
        }
    }
    (footnotes, elements)
}

/// The levels at which headings written at `written` levels (in order, the title left out)
/// are rendered: the page's title is its one H1, so the body's headings go from H2 down, each
/// one level below the nearest heading before it written at a higher level (its parent), or
/// at H2 if there is none. So a heading is a sibling of the ones before it written at its
/// level or deeper: `## Summary`, `## Timeline`, then a closing `# Stats` are three H2s (not
/// an H2 Stats over H3s); `#### Summary` under the title is an H2; and no heading is more than
/// one level below the one before it (`## A` then `#### B` is H2 then H3), which
/// screen-reader users navigate by and axe's heading-order rule checks. HTML has no level
/// below H6: what would be is an H6.
fn heading_levels(written: &[u8]) -> Vec<u8> {
    // The written levels of the headings the current one is under, outermost first.
    let mut open: Vec<u8> = Vec::new();
    written
        .iter()
        .map(|&level| {
            while open.last().is_some_and(|&o| o >= level) {
                open.pop();
            }
            open.push(level);
            (open.len() as u8 + 1).min(6)
        })
        .collect()
}

/// Resolves the URLs of a piece of raw HTML (an inline tag, or the lines of an HTML block
/// with their ranges in `body`) as Markdown images and links are resolved: a local file is
/// copied, a link to a postmortem leads to its page, and a missing file is reported at the
/// line and column of its URL. Notes each `<img>` with no alt text at its `<`, as a Markdown
/// image with none is noted, and what the published page leaves out (see [`UnsafeHtml`]).
/// Returns the HTML with each rewritten URL replaced, and whether it is plain (see
/// [`crate::sanitize::is_plain`]).
fn html_urls<'a>(
    pieces: &[(CowStr<'a>, std::ops::Range<usize>)],
    body: &str,
    lines: &Lines,
    site: &SiteLinks,
    page: &PageLocation,
    out: &mut Parsed,
) -> (CowStr<'a>, bool) {
    let joined: CowStr<'a> = match pieces {
        [(h, _)] => h.clone(),
        _ => pieces
            .iter()
            .map(|(h, _)| h.as_ref())
            .collect::<String>()
            .into(),
    };
    let plain = crate::sanitize::is_plain(&joined);
    let urls = crate::html::urls(&joined);
    let without_alt = crate::html::images_without_alt(&joined);
    // Read as the sanitizer reads the page, whole: a piece may be the text of an element that
    // an earlier piece opened (`<noscript>`), or end one.
    let unsafe_parts = if plain && out.html_state.is_start() {
        Vec::new()
    } else {
        crate::html::unsafe_parts_after(&joined, &mut out.html_state)
    };
    if urls.is_empty() && without_alt.is_empty() && unsafe_parts.is_empty() {
        return (joined, plain);
    }
    // Where each piece starts in the joined text.
    let mut starts = Vec::with_capacity(pieces.len());
    let mut at = 0;
    for (h, _) in pieces {
        starts.push(at);
        at += h.len();
    }
    // The line and column in the file of what starts at `written.start` in the joined text.
    let locate = |written: std::ops::Range<usize>| {
        let k = starts.partition_point(|&s| s <= written.start) - 1;
        let (piece, range) = (&pieces[k].0, &pieces[k].1);
        // The piece is the source itself, unless a container's markers (a list's indent, a
        // block quote's `>`) were taken out of it: then what is written in the piece is looked
        // for in the source.
        let source = &body[range.clone()];
        let offset = if source == piece.as_ref() {
            range.start + written.start - starts[k]
        } else {
            let end = written.end.min(starts[k] + piece.len());
            range.start + source.find(&joined[written.start..end]).unwrap_or(0)
        };
        let (line, column) = lines.at(offset);
        (line + page.first_line - 1, column)
    };
    for tag in without_alt {
        let (line, column) = locate(tag);
        out.images_without_alt.push(ImageWithoutAlt {
            line,
            column,
            html: true,
        });
    }
    for (written, what) in unsafe_parts {
        let (line, column) = locate(written);
        out.unsafe_html.push(UnsafeHtml { what, line, column });
    }
    let mut rewritten = String::new();
    let mut copied = 0;
    for u in urls {
        let (line, column) = locate(u.range.clone());
        match resolve_link(&u.url, u.used.embedded(), site, page, line, column, out) {
            Some(dest) if dest != u.url => {
                rewritten.push_str(&joined[copied..u.range.start]);
                pulldown_cmark_escape::escape_href(&mut rewritten, &dest)
                    .expect("writing to a String");
                copied = u.range.end;
            }
            Some(_) => {}
            // A page this build does not have: the attribute goes, with the white space before
            // it, and the element leads nowhere (`<a>` is its text alone).
            None => {
                let b = joined.as_bytes();
                let mut start = u.attribute.start;
                while start > copied && b[start - 1].is_ascii_whitespace() {
                    start -= 1;
                }
                rewritten.push_str(&joined[copied..start]);
                copied = u.attribute.end;
            }
        }
    }
    if copied == 0 {
        return (joined, plain);
    }
    rewritten.push_str(&joined[copied..]);
    (rewritten.into(), plain)
}

/// Notes a Markdown link's or image's URL (as `element`'s `attribute`) that the published page
/// leaves out (see [`crate::sanitize::removed_scheme`]) at its line and column; returns whether the URL is
/// one that only the sanitizer can vouch for (see [`crate::sanitize::is_plain_url`]).
fn unsafe_url(
    element: &str,
    attribute: &str,
    url: &str,
    (line, column): (usize, usize),
    out: &mut Parsed,
) -> bool {
    if crate::sanitize::is_plain_url(url) {
        return false;
    }
    if let Some(scheme) = crate::sanitize::removed_scheme(element, attribute, url) {
        out.unsafe_html.push(UnsafeHtml {
            what: crate::html::Unsafe::Url(scheme),
            line,
            column,
        });
    }
    true
}

/// The id of a footnote's definition: its name behind `fn-`, so that no footnote takes a
/// heading's anchor (`## Note` is `#note`, `[^note]` is `#fn-note`).
pub fn footnote_id(name: &str) -> String {
    format!("fn-{name}")
}

/// The number a footnote shows, by the order in which footnotes first appear (as
/// pulldown-cmark numbers them).
fn footnote_number(numbers: &mut HashMap<String, usize>, name: &str) -> usize {
    let next = numbers.len() + 1;
    *numbers.entry(name.to_string()).or_insert(next)
}

fn push_break(current: &mut Option<Section>, preamble: &mut String) {
    match current.as_mut() {
        Some(sec) => sec.text.push('\n'),
        None => preamble.push('\n'),
    }
}

/// Whether raw inline HTML is a line break: `<br>`, `<br/>`, `<br />`, `<BR>`, with or
/// without attributes.
fn is_br(html: &str) -> bool {
    let Some(tag) = html
        .trim()
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
    else {
        return false;
    };
    let name_end = tag
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(tag.len());
    tag[..name_end].eq_ignore_ascii_case("br") && !tag[name_end..].contains(['<', '>'])
}

/// Whether a top-level paragraph, its text with its lines apart, reads as prose, what a
/// summary is made of. It does not when it ends with a colon (a label, or the introduction of
/// the list, table or code that follows: "Lessons learned:"), nor when each of its lines is a
/// `Label: value` line of metadata (see [`is_metadata_line`]): "Date: 2024-04-10",
/// "**Severity:** SEV1", "Traefik versions confirmed affected: 1.7", or of GitLab labels (see
/// [`is_label_line`]).
pub fn is_prose(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && !text.ends_with(':')
        && !text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| is_metadata_line(l) || is_label_line(l))
        && !is_byline(text)
}

/// Whether a paragraph is a byline or a dateline rather than what happened: short (twenty
/// words at most), it says how the text was written (a blog, notes, written or cleaned up)
/// and when (a month's name or a year): "*Platform engineering blog — July 2022*",
/// "On-call notes, Wed 7 Feb 2024. Written up by platform on-call".
fn is_byline(text: &str) -> bool {
    const WRITTEN: &[&str] = &[
        "blog", "notes", "written", "cleaned", "write-up", "writeup", "posted", "authored",
    ];
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let written = words.iter().any(|w| WRITTEN.contains(&w.as_str()));
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let month = |w: &str| {
        MONTHS
            .iter()
            .any(|m| *m == w || (w.len() >= 3 && m.starts_with(w) && w.len() <= 4))
    };
    let dated = words.iter().any(|w| {
        month(w)
            || (w.len() == 4
                && w.chars().all(|c| c.is_ascii_digit())
                && (w.starts_with("19") || w.starts_with("20")))
    });
    words.len() <= 20 && written && dated
}

/// Whether a line is only GitLab labels, as an incident issue exported from GitLab opens:
/// `~"severity::2" ~incident ~"Service::Container Registry"` (a label is `~` and a word, or
/// `~` and a quoted name, which may hold spaces).
pub fn is_label_line(line: &str) -> bool {
    let mut rest = line.trim();
    if rest.is_empty() {
        return false;
    }
    while let Some(after) = rest.strip_prefix('~') {
        let end = match after.strip_prefix('"') {
            Some(quoted) => match quoted.find('"') {
                Some(close) if close > 0 => close + 2,
                _ => return false,
            },
            None => after.find(char::is_whitespace).unwrap_or(after.len()),
        };
        if end == 0 {
            return false;
        }
        rest = after[end..].trim_start();
        if rest.is_empty() {
            return true;
        }
    }
    false
}

/// Whether a line (its text, bold marks gone) is a `Label: value` line of metadata: a label
/// of one to five words and 40 characters at most, with no sentence punctuation, that is no
/// summary's ("Summary: ..." introduces prose), then a colon, then a short value: six words
/// and 60 characters at most ("2024-04-10", "SEV1", "all users."), or a list of short items
/// ("Jane Doe, John Smith, Alice Wong"). "Root cause: a retry storm took the queue down for an
/// hour" is prose.
pub fn is_metadata_line(line: &str) -> bool {
    let Some((label, value)) = line.trim().split_once(':') else {
        return false;
    };
    let (label, value) = (label.trim(), value.trim());
    let words = |s: &str| s.split_whitespace().count();
    let label_ok = label.chars().next().is_some_and(char::is_alphanumeric)
        && label.chars().count() <= 40
        && words(label) <= 5
        && !label.contains(['.', ',', ';', '!', '?', '"'])
        && !crate::content::derive::SUMMARY_SECTIONS
            .contains(&crate::content::derive::normalise_title(label).as_str());
    let short = |s: &str| words(s) <= 6 && s.chars().count() <= 60;
    let listed = || value.contains(',') && value.split([',', ';']).all(|i| words(i) <= 4);
    // When it happened and who was there, however long: "who was on: platform on-call + one
    // SRE from the checkout team helping".
    let header = || {
        const HEADER: &[&str] = &[
            "date",
            "when",
            "who",
            "who was on",
            "on call",
            "authors",
            "author",
            "written by",
            "responders",
            "participants",
            "attendees",
            "present",
        ];
        HEADER.contains(&crate::content::derive::normalise_title(label).as_str())
    };
    label_ok && !value.starts_with("//") && (short(value) || listed() || header())
}

/// Collapses runs of white space to one space and trims (white space as `char::is_whitespace`
/// has it). Every paragraph goes through here, so it walks bytes and decodes a character only
/// where a byte is not ASCII.
pub fn collapse_ws(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut word = None;
    let mut i = 0;
    while i < bytes.len() {
        let (len, space) = match bytes[i] {
            b if b.is_ascii() => (1, matches!(b, b'\t'..=b'\r' | b' ')),
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace())
            }
        };
        match (space, word) {
            (false, None) => word = Some(i),
            (true, Some(start)) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
                word = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(start) = word {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[start..]);
    }
    out
}

/// Resolves a URL of the body; `embedded` says what the file is when the page shows, plays or
/// embeds it ("image", "video", ...) rather than links to it. `None` for a link to an incident
/// that has no page in this build (a draft, one in review, an internal one): no URL leads to a
/// page that is not there, nor names it.
fn resolve_link(
    dest: &str,
    embedded: Option<&'static str>,
    site: &SiteLinks,
    page: &PageLocation,
    line: usize,
    column: usize,
    out: &mut Parsed,
) -> Option<String> {
    let push = |out: &mut Parsed, kind: LinkKind, target: &str, anchor: Option<&str>| {
        out.links.push(Link {
            kind,
            target: target.to_string(),
            anchor: anchor.map(str::to_string),
            path: None,
            served: None,
            line,
            column,
        });
    };
    if dest.is_empty() || is_external(dest) {
        // A full URL of an incident's page on this site is a link to that incident, as the
        // same URL written from the site root is (`/incidents/ID/`): its text alone when this
        // build leaves the incident out; as written when it has a page, which it leads to.
        if let Some((path, fragment)) = site.own_url(dest) {
            let to_page = embedded.is_none_or(crate::html::may_show_a_page);
            if let Some(id) = site.incident_at(&path, "").filter(|_| to_page) {
                push(out, LinkKind::Incident(id.to_string()), id, fragment);
                return site.published.contains(id).then(|| dest.to_string());
            }
            // The home page or the reading path, whose anchors are checked.
            if let Some(url) = SiteLinks::site_page_at(&path, "").filter(|_| to_page) {
                push(out, LinkKind::Page(url), url, fragment);
                return Some(dest.to_string());
            }
            // Anything else under the base URL is a page or a file this site publishes, as
            // the same path from the site root is: one the build does not write leads nowhere.
            let kind = match embedded {
                Some(what) => LinkKind::MissingEmbed(what),
                None => LinkKind::Broken,
            };
            push(out, kind, dest, fragment);
            if let Some(l) = out.links.last_mut() {
                l.served = Some(path);
            }
            return Some(dest.to_string());
        }
        push(out, LinkKind::External, dest, None);
        return Some(dest.to_string());
    }
    if let Some(anchor) = dest.strip_prefix('#') {
        push(out, LinkKind::SelfAnchor, "", Some(anchor));
        return Some(dest.to_string());
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let (path_part, _query) = path_part.split_once('?').unwrap_or((path_part, ""));
    let decoded = percent_decode(path_part);
    let broken = |out: &mut Parsed, target: &str, anchor: Option<&str>, path: String| {
        let kind = match embedded {
            Some(what) => LinkKind::MissingEmbed(what),
            None => LinkKind::Broken,
        };
        push(out, kind, target, anchor);
        if let Some(l) = out.links.last_mut() {
            l.served = served_path(&decoded, page.out_dir, site.base_path);
            l.path = Some(path);
        }
    };
    let with_anchor = |url: String| match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    };
    let incident = |out: &mut Parsed, id: &str| {
        push(out, LinkKind::Incident(id.to_string()), id, anchor);
        site.published
            .contains(id)
            .then(|| with_anchor(format!("{}incidents/{}/", page.to_root, id)))
    };
    // A link, or an embed that may show a page (`<iframe src="other.md">`, `<object data>`,
    // `<embed src>`), leads to the page of a postmortem or a learning.
    let to_page = embedded.is_none_or(crate::html::may_show_a_page);
    let joined = join_relative(page.source_dir, &decoded);
    // Written as the site's URL of a postmortem's page, or as an old URL of it; a file of the
    // content folder at that path wins.
    let no_file = || {
        joined
            .as_ref()
            .is_none_or(|j| !site.content_root.join(j).is_file())
    };
    if let Some(id) = site
        .incident_at(&decoded, page.out_dir)
        .filter(|_| to_page && no_file())
    {
        return incident(out, id);
    }
    // Written as the site's URL of the home page or the reading path (`/`, `/onboarding/`),
    // or as the path of their file (`onboarding.md`): they lead to the built page, as a
    // postmortem's or a learning's do, under the base URL's path as the page is.
    let own_page = SiteLinks::site_page_at(&decoded, page.out_dir)
        .filter(|_| to_page && no_file())
        .or_else(|| joined.as_deref().and_then(site_page).filter(|_| to_page));
    if let Some(url) = own_page {
        push(out, LinkKind::Page(url), url, anchor);
        let href = format!("{}{url}", page.to_root);
        // The home page from itself: `./`, or the anchor alone.
        return Some(if href.is_empty() && anchor.is_none() {
            "./".to_string()
        } else {
            with_anchor(href)
        });
    }
    let Some(joined) = joined else {
        broken(out, dest, anchor, join_above(page.source_dir, &decoded));
        return Some(dest.to_string());
    };
    if to_page {
        if let Some(id) = site.incident_paths.get(&joined) {
            return incident(out, id);
        }
        if let Some(id) = site.learning_paths.get(&joined) {
            push(out, LinkKind::Learning(id.clone()), id, anchor);
            return Some(with_anchor(format!("{}learnings/{}/", page.to_root, id)));
        }
        // A bare id used as a relative link: `[x](PM2020-001)`, or an old id of it.
        if let Some(id) = site.incident_named(decoded.trim_end_matches('/')) {
            return incident(out, id);
        }
    }
    let on_disk = site.content_root.join(&joined);
    // Nothing that a symbolic link leads out of the folders Hindsight reads is read or
    // copied: not an attachment, not a Markdown file, not a folder.
    if !joined.is_empty() && on_disk.exists() && site.areas.outside(&on_disk).is_some() {
        push(out, LinkKind::Outside(embedded), &decoded, anchor);
        if let Some(l) = out.links.last_mut() {
            l.path = Some(joined);
        }
        return Some(dest.to_string());
    }
    if !joined.is_empty() && on_disk.is_file() && !joined.ends_with(".md") {
        // Copy the file beside the page when it sits in the page's folder or below it;
        // otherwise under assets/, mirroring the content folder.
        let beside = if page.out_dir.is_empty() {
            None
        } else if page.source_dir.is_empty() {
            Some(joined.as_str())
        } else {
            joined
                .strip_prefix(page.source_dir)
                .and_then(|r| r.strip_prefix('/'))
        };
        let (to, href) = match beside {
            Some(rel) => (format!("{}{}", page.out_dir, rel), percent_encode_path(rel)),
            None => (
                format!("assets/{joined}"),
                format!("{}assets/{}", page.to_root, percent_encode_path(&joined)),
            ),
        };
        out.assets.push(Asset {
            from: on_disk,
            to,
            line,
            column,
        });
        push(out, LinkKind::Asset, &joined, anchor);
        return Some(with_anchor(href));
    }
    if let Some(what) = embedded.filter(|_| joined.ends_with(".md") && on_disk.is_file()) {
        let is = if site.incident_paths.contains_key(&joined) {
            "postmortem"
        } else if site.learning_paths.contains_key(&joined) {
            "learning"
        } else if site_page(&joined).is_some() {
            "page"
        } else {
            "Markdown file"
        };
        push(out, LinkKind::EmbeddedMarkdown(what, is), &decoded, anchor);
        return Some(dest.to_string());
    }
    broken(out, &decoded, anchor, joined);
    Some(dest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_cells_split_at_each_unescaped_pipe_without_the_bounding_ones() {
        fn cells(row: &str) -> Vec<&str> {
            source_cells(row)
                .into_iter()
                .map(|(_, c)| c.trim())
                .collect()
        }
        assert_eq!(cells("| a | b |"), ["a", "b"]);
        assert_eq!(cells("a | b"), ["a", "b"]);
        assert_eq!(cells("| `x | y` | b |"), ["`x", "y`", "b"]);
        assert_eq!(cells(r"| a \| b | c |"), [r"a \| b", "c"]);
        assert_eq!(cells(r"| a \\| b |"), [r"a \\", "b"]);
        assert_eq!(cells("| a | b | |"), ["a", "b", ""]);
    }

    #[test]
    fn a_table_whose_separator_row_does_not_match_its_header_is_found_as_the_text_it_becomes() {
        let body = "Intro.\n\n| Action | Owner | Status |\n|---|---|\n| Alert | sre | open |\n\n| A | B |\n|:--|--:|\n| 1 | 2 |\n\nA sentence - with a dash\nand --- more.\n";
        let p = site().read(body, 1);
        assert_eq!(
            p.broken_tables,
            [BrokenTable {
                line: 3,
                column: 1,
                header: 3,
                separator: 2
            }]
        );
        assert!(is_separator_row("|---|:--:|"));
        assert!(is_separator_row("--- | ---"));
        assert!(!is_separator_row("---"));
        assert!(!is_separator_row("| a | --- |"));
    }

    #[test]
    fn a_row_with_more_cells_than_its_header_names_the_cells_the_page_leaves_out() {
        let body = "| Time | Event |\n|---|---|\n| 10:00 | Ran `grep lag | wc -l` |\n| 10:05 | ok | |\n| 10:06 | `a \\| b` |\n";
        let p = site().read(body, 1);
        assert_eq!(
            p.dropped_cells,
            [DroppedCells {
                line: 3,
                column: 27,
                columns: 2,
                cells: vec!["wc -l`".to_string()],
            }]
        );
    }

    fn site() -> Standalone {
        Standalone::new("PM2021-002", &[("PM2020-001 - Disk full.md", "PM2020-001")])
    }

    fn render(body: &str) -> Parsed {
        site().parse(body, 1)
    }

    #[test]
    fn a_list_of_empty_items_says_it_was_left_empty_and_an_empty_item_among_others_is_dropped() {
        let p = render(
            "## Lessons Learned\n\n-\n\n## Attendees\n\n- RF\n-\n- [ ] \n\n1. one\n2.\n3. three\n",
        );
        assert!(
            p.html
                .contains("</h2>\n<p class=\"muted\">Left empty.</p>\n<h2 id=\"attendees\""),
            "{}",
            p.html
        );
        assert!(!p.html.contains("<li></li>"), "{}", p.html);
        // A checkbox with no text is still an item: it says something is (not) done.
        assert!(p.html.contains("aria-label=\"not done\""), "{}", p.html);
        assert!(p.html.contains("<li>RF</li>"), "{}", p.html);
        assert!(
            p.html.contains("<li>one</li>\n<li>three</li>"),
            "{}",
            p.html
        );
        assert_eq!(p.html.matches("Left empty.").count(), 1, "{}", p.html);
    }

    #[test]
    fn the_text_of_an_item_and_of_the_list_nested_in_it_stay_apart() {
        let p = render("## Timeline\n\n- Liveness probes failed\n  - context deadline exceeded\n");
        let text = &p.sections[0].text;
        assert!(text.contains("failed\ncontext"), "{text:?}");
        assert!(!text.contains("failedcontext"), "{text:?}");
    }

    #[test]
    fn a_heading_with_nothing_under_it_says_it_was_left_empty_as_a_list_of_nothing_does() {
        // As dfds's PM2024-003 leaves its "Lessons Learned", and as templates leave sections
        // with only their prompt in a comment.
        let p = render(
            "## Summary\n\nText.\n\n## Lessons Learned\n\n## Review\n\n### Went well\n\n\
             A thing.\n\n### Went wrong\n\n<!-- What went wrong? -->\n\n## Lessons\n\n-\n\n\
             ## Attendees\n",
        );
        // Whether the note follows the heading of id `id`.
        let left_empty = |id: &str| {
            let rest = &p.html[p.html.find(&format!("id=\"{id}\"")).unwrap()..];
            let after = rest.find("</h").unwrap() + "</h2>".len();
            rest[after..].starts_with("\n<p class=\"muted\">Left empty.</p>")
        };
        for id in ["lessons-learned", "went-wrong", "lessons", "attendees"] {
            assert!(left_empty(id), "{id}: {}", p.html);
        }
        // "Review" holds its subsections.
        for id in ["summary", "review", "went-well"] {
            assert!(!left_empty(id), "{id}: {}", p.html);
        }
        assert_eq!(p.html.matches("Left empty.").count(), 4, "{}", p.html);
        // The comment stays, as it does in any section.
        assert!(p.html.contains("<!-- What went wrong? -->"), "{}", p.html);
    }

    #[test]
    fn a_learning_mark_belongs_to_the_item_paragraph_or_row_it_is_written_in() {
        let body = "## Lessons learned\n\n\
            - Alerts must name the broken thing <!-- hindsight: learning clear-alerts -->\n\
            - Runbooks go stale\n  - nobody owned them\n    <!--hindsight:learning  none-->\n\
            - Plain item\n\n\
            A paragraph of its own. <!-- hindsight: learning own-it -->\n\n\
            | Action | Owner |\n|---|---|\n\
            | Fix the alert text | sre <!-- hindsight: learning clear-alerts --> |\n\n\
            <!-- hindsight: learning nothing-here -->\n";
        let p = render(body);
        let sec = &p.sections[0];
        let at = |id: &str| -> Vec<(usize, usize, usize)> {
            sec.marks
                .iter()
                .filter(|m| m.id == id)
                .map(|m| (m.block, m.line, m.column))
                .collect()
        };
        // An item's mark, a nested item's (its top-level item's), a paragraph's, a row's.
        assert_eq!(at("clear-alerts"), vec![(3, 3, 37), (13, 13, 28)]);
        assert_eq!(at("none"), vec![(4, 6, 5)]);
        assert_eq!(at("own-it"), vec![(9, 9, 25)]);
        // A comment in no item, paragraph or row marks nothing.
        assert!(at("nothing-here").is_empty());
        // On the line right after a paragraph or an item, on a line of its own, it belongs to
        // it; after a blank line, to nothing.
        let p = render(
            "## Lessons\n\nA paragraph.\n<!-- hindsight: learning after-paragraph -->\n\n\
             - An item\n<!-- hindsight: learning after-item -->\n\n\
             - Another\n\n<!-- hindsight: learning after-a-blank -->\n",
        );
        let marks: Vec<(&str, usize)> = p.sections[0]
            .marks
            .iter()
            .map(|m| (m.id.as_str(), m.block))
            .collect();
        assert_eq!(marks, vec![("after-paragraph", 3), ("after-item", 6)]);
        assert_eq!(sec.mark_at(3).map(|m| m.id.as_str()), Some("clear-alerts"));
        assert_eq!(sec.mark_at(7), None);
        // The comment is not part of the text.
        assert_eq!(sec.items[0].text, "Alerts must name the broken thing");
    }

    #[test]
    fn only_hindsight_comments_that_markdown_reads_as_html_are_comments() {
        let source = "---\ntitle: T\n---\n# T\n\n\
            Shown as an example: `<!-- hindsight: allow blameless -->`.\n\n\
            ```\n<!-- hindsight: learning example -->\n```\n\n\
            - A lesson <!-- hindsight: learning real -->\n";
        let found: Vec<(usize, &str, Vec<&str>)> = hindsight_comments_in_html(source)
            .into_iter()
            .map(|c| (c.offset, c.directive, c.args))
            .collect();
        let at = source.find("<!-- hindsight: learning real").unwrap();
        assert_eq!(found, vec![(at, "learning", vec!["real"])]);
    }

    #[test]
    fn the_links_of_the_heading_that_becomes_the_title_are_kept_with_their_words() {
        let p = render(
            "# [INC-12](https://tracker.example/INC-12): `db` failover [after  the deploy](https://ci.example/7)\n\nText.\n",
        );
        assert_eq!(
            p.h1.as_deref(),
            Some("INC-12: db failover after the deploy")
        );
        let links: Vec<(&str, &str)> = p
            .title_links
            .iter()
            .map(|l| (l.text.as_str(), l.url.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("INC-12", "https://tracker.example/INC-12"),
                ("after the deploy", "https://ci.example/7")
            ]
        );
        // An image inside a link is one of the link's images, its alt text in the link's text.
        let p = render("# Queue full [on ![the  logo](logo.png) `x`](https://example.com)\n");
        assert_eq!(p.h1.as_deref(), Some("Queue full on the logo x"));
        let [link] = &p.title_links[..] else {
            panic!("{:?}", p.title_links)
        };
        assert_eq!((link.text.as_str(), link.image), ("on the logo x", false));
        let images: Vec<(usize, &str, &str, bool)> = link
            .images
            .iter()
            .map(|(at, i)| (*at, i.text.as_str(), i.url.as_str(), i.image))
            .collect();
        assert_eq!(images, [(2, "the logo", "logo.png", true)]);
        // A heading that stays in the body keeps its links there.
        let p = render("Intro.\n\n# [INC-12](https://tracker.example/INC-12): Down\n");
        assert!(p.title_links.is_empty());
        assert!(
            p.html.contains("href=\"https://tracker.example/INC-12\""),
            "{}",
            p.html
        );
    }

    #[test]
    fn the_text_of_a_script_or_a_style_sheet_is_no_part_of_the_text_read_from_a_body() {
        let p = render(
            "# Down <script>alert(0)</script>again\n\n\
             Intro <script>alert(1)</script> text <style>.x{color:red}</style>end.\n\n\
             ## Lessons\n\n- Alerts <script>`alert(2)`</script>matter\n\n\
             <table><tr><td>Owner<script>alert(3)</script></td><td><style>td{}</style>sre</td></tr></table>\n\n\
             <script>\nalert(4)\n</script>\n\nAfter.\n",
        );
        assert_eq!(p.h1.as_deref(), Some("Down again"));
        assert_eq!(p.first_paragraph.as_deref(), Some("Intro text end."));
        let sec = &p.sections[0];
        assert_eq!(sec.items[0].text, "Alerts matter");
        assert_eq!(sec.tables[0][0].0, ["Owner", "sre"]);
        let text = plain_text(&p.preamble, &p.sections);
        for gone in ["alert", "color", "td{}"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert!(text.contains("After."), "{text}");
    }

    #[test]
    fn the_text_of_a_script_or_a_style_sheet_nested_in_an_svg_or_a_formula_is_no_part_of_the_text_read(
    ) {
        let p = render(
            "# Down <svg><script>alert(0)</script></svg>again\n\n\
             Intro <svg width=\"9\"><style>.x{fill:red}</style><text>p99</text></svg> text \
             <math><style>m{}</style><mi>n</mi></math> end.\n\n\
             ## Lessons\n\n- Alerts <svg><g><script>`alert(2)`</script></g></svg>matter\n\n\
             After <svg><style>s{}</svg> the end.\n",
        );
        assert_eq!(p.h1.as_deref(), Some("Down again"));
        // The text an SVG or a formula shows stays, as on the page.
        assert_eq!(p.first_paragraph.as_deref(), Some("Intro p99 text n end."));
        assert_eq!(p.sections[0].items[0].text, "Alerts matter");
        // The end of the picture ends its style sheet.
        let text = plain_text(&p.preamble, &p.sections);
        for gone in ["alert", "fill", "m{}", "s{}"] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert!(text.contains("the end."), "{text}");
    }

    #[test]
    fn the_first_h1_becomes_the_title_and_leaves_the_body() {
        let p = render("# Disk full\n\nIt filled.\n\n## Summary\n\nText.\n");
        assert_eq!(p.h1.as_deref(), Some("Disk full"));
        assert!(!p.html.contains("<h1"));
        assert!(p.html.contains("<h2 id=\"summary\">"));
        assert_eq!(p.first_paragraph.as_deref(), Some("It filled."));
    }

    #[test]
    fn a_first_h1_that_the_front_matter_title_does_not_repeat_stays_in_the_body() {
        // QS-2024-008: `title: Some customers charged twice` over `# Why some of you were
        // charged twice on 14 May`, a heading written for the customers, which was lost.
        let body = "# Why some of you were charged twice\n\nWe are sorry.\n\n## What happened\n\nA retry.\n";
        let p = Standalone::new("QS-2024-008", &[])
            .with_title("Some customers charged twice")
            .parse(body, 1);
        assert!(
            p.html
                .contains(">Why some of you were charged twice <a class=\"anchor\""),
            "{}",
            p.html
        );
        // The page has one H1, its title: the kept heading is the body's first H2.
        assert!(!p.html.contains("<h1"), "{}", p.html);
        assert!(p
            .html
            .contains("<h2 id=\"why-some-of-you-were-charged-twice\">"));
        assert!(p.html.contains("<h3 id=\"what-happened\">"), "{}", p.html);
        assert_eq!(p.toc[0].title, "Why some of you were charged twice");
    }

    #[test]
    fn a_first_h1_that_only_repeats_the_front_matter_title_leaves_the_body() {
        for h1 in [
            "# Some customers charged twice",
            "# Postmortem: Some customers charged twice",
            "# QS-2024-008: some customers charged twice!",
            "# [SEV1] Some customers charged twice",
        ] {
            let p = Standalone::new("QS-2024-008", &[])
                .with_title("Some customers charged twice")
                .parse(&format!("{h1}\n\nWe are sorry.\n"), 1);
            assert!(!p.html.contains("charged twice"), "{h1}: {}", p.html);
        }
    }

    #[test]
    fn setext_headings_are_titles_too() {
        let p = render("Disk full\n=========\n\nBody.\n");
        assert_eq!(p.h1.as_deref(), Some("Disk full"));
    }

    #[test]
    fn sections_collect_items_paragraphs_and_table_rows() {
        let body = "## Lessons learned\n\n- One\n- Two\n  - nested a\n  - nested b\n\n## Action items\n\n| Action | Owner |\n|---|---|\n| Fix it | ops |\n\n- [x] Done thing\n- [ ] Open thing\n";
        let p = render(body);
        assert_eq!(p.sections.len(), 2);
        let l = &p.sections[0];
        assert_eq!(l.items.len(), 2);
        assert_eq!(l.items[1].text, "Two: nested a; nested b");
        assert_eq!(l.items[1].line, 4);
        let a = &p.sections[1];
        assert_eq!(a.tables.len(), 1);
        assert_eq!(a.tables[0].len(), 2);
        assert_eq!(a.tables[0][1].0, vec!["Fix it", "ops"]);
        assert_eq!(a.items[0].checked, Some(true));
        assert_eq!(a.items[1].checked, Some(false));
    }

    #[test]
    fn every_highlighting_theme_is_made_readable_on_both_code_backgrounds() {
        let themes = syntect::highlighting::ThemeSet::load_defaults();
        for (name, theme) in &themes.themes {
            for bg in CODE_BG {
                let fixed = readable(theme.clone(), bg);
                for (before, after) in theme.scopes.iter().zip(&fixed.scopes) {
                    let Some(fg) = after.style.foreground else {
                        continue;
                    };
                    let under = after.style.background.unwrap_or(bg);
                    assert!(
                        contrast(fg, under) >= 4.5,
                        "{name}: {:?} on {under:?} is {:.2}:1",
                        fg,
                        contrast(fg, under)
                    );
                    // A colour that was readable is kept as it was.
                    let was = before.style.foreground.expect("same scopes");
                    if was.a == 0xff && contrast(was, under) >= MIN_CONTRAST {
                        assert_eq!(fg, was, "{name}");
                    }
                }
            }
        }
        // InspiredGitHub's grey comments (#969896, 2.7:1) are darkened, not replaced.
        let css = highlight_css("InspiredGitHub", "base16-ocean.dark");
        assert!(!css.contains("#969896"), "{css}");
    }

    #[test]
    fn a_body_with_an_h1_of_its_own_moves_every_heading_down_so_the_page_has_one_h1() {
        let p = render("# Disk full\n\n## Summary\n\nIt filled.\n\n# Stats\n\n###### Deep\n");
        assert_eq!(p.h1.as_deref(), Some("Disk full"));
        // `# Stats` closes `## Summary` rather than holding it: both are H2s, and
        // `###### Deep` is one level below the heading before it.
        assert!(p.html.contains("<h2 id=\"summary\">"), "{}", p.html);
        assert!(p.html.contains("<h2 id=\"stats\">"), "{}", p.html);
        assert!(p.html.contains("<h3 id=\"deep\">"), "{}", p.html);
        assert!(!p.html.contains("<h1"), "{}", p.html);
        // Without a second H1, headings keep their levels.
        let p = render("# Disk full\n\n## Summary\n\nIt filled.\n");
        assert!(p.html.contains("<h2 id=\"summary\">"), "{}", p.html);
    }

    #[test]
    fn task_list_checkboxes_say_what_the_check_means_to_a_screen_reader() {
        let p = render("- [x] Done thing\n- [ ] Open thing\n");
        assert!(p.html.contains(
            "<li><input type=\"checkbox\" disabled checked aria-label=\"done\">\nDone thing</li>"
        ));
        assert!(p.html.contains(
            "<li><input type=\"checkbox\" disabled aria-label=\"not done\">\nOpen thing</li>"
        ));
    }

    #[test]
    fn links_to_other_postmortems_become_site_links() {
        let p = render("See [before](PM2020-001%20-%20Disk%20full.md#timeline) and PM2020-001.\n");
        assert!(
            p.html
                .contains("href=\"../../incidents/PM2020-001/#timeline\""),
            "{}",
            p.html
        );
        assert!(p
            .html
            .contains("<a href=\"../../incidents/PM2020-001/\">PM2020-001</a>"));
        assert_eq!(
            p.links
                .iter()
                .filter(|l| l.kind == LinkKind::Incident("PM2020-001".into()))
                .count(),
            2
        );
    }

    #[test]
    fn an_incident_never_links_its_own_id_and_ids_inside_words_stay_text() {
        let p = render("PM2021-002 repeats; xPM2020-001 and PM2020-0011 do not link.\n");
        assert!(!p.html.contains("<a "), "{}", p.html);
    }

    #[test]
    fn ids_link_next_to_punctuation_but_not_inside_longer_tokens() {
        let p = render(
            "(PM2020-001), see PM2020-001. Also \"PM2020-001\" but not PM2020-001-b or a_PM2020-001.\n",
        );
        let linked = p
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Incident("PM2020-001".into()))
            .count();
        assert_eq!(linked, 3, "{}", p.html);
        assert!(p.html.contains("PM2020-001-b"), "{}", p.html);
    }

    #[test]
    fn a_bare_web_address_is_a_link_as_github_writes_it_and_ids_beside_it_still_link() {
        let p = render(
            "See https://example.org/a_b_c/?q=1&r=2, (https://example.org/x) and PM2020-001.\n\n\
             Not ftp://example.org/y, nor `https://example.org/code`, nor [twice](https://example.org/z).\n",
        );
        for linked in [
            "<a href=\"https://example.org/a_b_c/?q=1&amp;r=2\">https://example.org/a_b_c/?q=1&amp;r=2</a>,",
            "(<a href=\"https://example.org/x\">https://example.org/x</a>)",
            "<a href=\"../../incidents/PM2020-001/\">PM2020-001</a>.",
            "Not ftp://example.org/y,",
            "<code>https://example.org/code</code>",
            "<a href=\"https://example.org/z\">twice</a>",
        ] {
            assert!(p.html.contains(linked), "{linked}: {}", p.html);
        }
    }

    #[test]
    fn forgetting_the_text_keeps_its_dates_only_when_asked() {
        let body = "It began on 3 March 2021.\n\n## Timeline\n\nFixed on 2021-03-04.\n";
        let mut kept = render(body);
        let all = kept.dates(&[]);
        assert_eq!(all.len(), 2);
        kept.forget_text(Some(&[]));
        assert!(kept.preamble.is_empty() && kept.sections[0].text.is_empty());
        assert_eq!(kept.dates(&[]), all);
        let mut gone = render(body);
        gone.forget_text(None);
        assert!(gone.dates(&[]).is_empty());
    }

    #[test]
    fn reading_finds_what_rendering_finds_and_every_anchor_of_the_html() {
        let body = "# T\n\nSee PM2020-001 and [x](#notes).[^why]\n\n## Notes\n\n\
                    <a id=\"raw-anchor\"></a>\n\n```rust\nfn main() {}\n```\n\n\
                    - one\n- two\n\n[^why]: Because.\n";
        let (rendered, read) = (render(body), site().read(body, 1));
        assert_eq!(read.html, UNRENDERED);
        assert_eq!(
            format!("{:?}", read.sections),
            format!("{:?}", rendered.sections)
        );
        assert_eq!(format!("{:?}", read.links), format!("{:?}", rendered.links));
        assert_eq!(read.ids, rendered.ids);
        assert_eq!(read.ids, ["raw-anchor", "fn-why"]);
        for id in &read.ids {
            assert!(
                rendered.html.contains(&format!("id=\"{id}\"")),
                "{}",
                rendered.html
            );
        }
    }

    #[test]
    fn a_footnote_has_an_id_of_its_own_that_no_heading_can_take() {
        let p = render(
            "# T\n\n## Note\n\nSee the note[^note] and [^nope].\n\n\
             ## Why[^why]\n\nText.\n\n[^note]: The note.\n\n[^why]: Because.\n",
        );
        let ids = html_ids(&p.html);
        assert_eq!(ids, ["note", "why", "fn-note", "fn-why"], "{}", p.html);
        assert!(
            p.html
                .contains("<sup class=\"footnote-reference\"><a href=\"#fn-note\">1</a></sup>"),
            "{}",
            p.html
        );
        // A reference in a heading is numbered and linked like any other.
        assert!(p.html.contains("<a href=\"#fn-why\">2</a>"), "{}", p.html);
        assert!(
            p.html.contains(
                "<div class=\"footnote-definition\" id=\"fn-note\"><sup class=\"footnote-definition-label\">1</sup>"
            ),
            "{}",
            p.html
        );
        // A reference to no footnote stays text, as pulldown-cmark leaves it.
        assert!(p.html.contains("and [^nope]."), "{}", p.html);
        assert_eq!(p.ids, ["fn-note", "fn-why"]);
    }

    #[test]
    fn control_characters_are_left_out_and_an_escape_sequence_goes_as_a_whole() {
        let s = "\x1b[31mERROR\x1b[0m\tok\x07\r\n\x1b[1;31mé\x1bx\u{85}\u{fffe}😀\x0b";
        let (clean, removed) = strip_forbidden(s);
        assert_eq!(clean, "ERROR\tok\r\néx😀");
        let gone: Vec<&str> = removed.iter().map(|r| &s[r.clone()]).collect();
        assert_eq!(
            gone,
            [
                "\x1b[31m",
                "\x1b[0m",
                "\x07",
                "\x1b[1;31m",
                "\x1b",
                "\u{85}\u{fffe}",
                "\x0b"
            ]
        );
        assert!(matches!(
            strip_forbidden("plain, ° and ©"),
            (std::borrow::Cow::Borrowed(_), ref r) if r.is_empty()
        ));
        // Whatever a template or the feed escapes is clean too.
        assert_eq!(escape("\x1b[31m<b>\x1b[0m & \x01"), "&lt;b&gt; &amp; ");
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes() {
        let p = render("```rust\nfn main() {}\n```\n");
        assert!(p.html.contains("class=\"language-rust\""));
        assert!(p.html.contains("hl-"), "{}", p.html);
    }

    #[test]
    fn duplicate_headings_get_distinct_anchors() {
        let p = render("## Notes\n\n## Notes\n");
        assert_eq!(p.toc[0].id, "notes");
        assert_eq!(p.toc[1].id, "notes-1");
    }

    #[test]
    fn dates_are_found_in_three_common_forms() {
        let d = find_dates("On Friday 29 November 2019, then 2020-01-02 and March 3, 2021.");
        assert_eq!(
            d,
            vec![
                NaiveDate::from_ymd_opt(2019, 11, 29).unwrap(),
                NaiveDate::from_ymd_opt(2020, 1, 2).unwrap(),
                NaiveDate::from_ymd_opt(2021, 3, 3).unwrap(),
            ]
        );
    }

    #[test]
    fn a_date_written_alone_reads_numbers_in_an_order_only_one_reading_makes_a_date() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        for (written, want) in [
            ("2024/04/15", day(2024, 4, 15)),
            ("2024.04.15", day(2024, 4, 15)),
            ("15.04.2024", day(2024, 4, 15)),
            ("5.4.2024", day(2024, 4, 5)),
            ("15/04/2024", day(2024, 4, 15)),
            ("04/15/2024", day(2024, 4, 15)),
            ("04/04/2024", day(2024, 4, 4)),
            ("April 15, 2024", day(2024, 4, 15)),
            ("2024-04-15", day(2024, 4, 15)),
            ("04/05/2024", None),
            ("2024/13/45", None),
            ("2024-3-5", None),
            ("next sprint", None),
        ] {
            assert_eq!(date_written(written), want, "{written}");
        }
        assert_eq!(
            why_not_a_date("04/05/2024").as_deref(),
            Some("day and month order is ambiguous; write 2024-05-04 (day first) or 2024-04-05 (month first), as YYYY-MM-DD")
        );
        assert_eq!(
            why_not_a_date("2024-3-5").as_deref(),
            Some("months and days have two digits; write 2024-03-05")
        );
        assert!(why_not_a_date("2024-13-45")
            .unwrap()
            .starts_with("month 13 does not exist"));
        assert_eq!(why_not_a_date("13/13/2024"), None);
    }

    #[test]
    fn a_missing_image_is_reported() {
        let p = render("![chart](nope.png)\n");
        assert!(p
            .links
            .iter()
            .any(|l| l.kind == LinkKind::MissingEmbed("image")));
    }

    #[test]
    fn an_image_in_raw_html_is_found_at_its_url_in_a_list_a_quote_and_a_heading() {
        let p = render(
            "- item\n\n  <div>\n  <img src=\"a.png\">\n  </div>\n\n\
             > <p>\n> <img\n>   src='b.png'>\n\n\
             ## Graph <img src=c.png width=20>\n\n\
             <!-- <img src=\"not-an-image.png\"> -->\n",
        );
        let missing: Vec<(&str, usize, usize)> = p
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::MissingEmbed("image"))
            .map(|l| (l.target.as_str(), l.line, l.column))
            .collect();
        assert_eq!(
            missing,
            vec![("a.png", 4, 13), ("b.png", 9, 10), ("c.png", 11, 19)]
        );
    }

    #[test]
    fn relative_paths_are_joined_and_cannot_escape() {
        assert_eq!(join_relative("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_relative("", "../c.md"), None);
        assert_eq!(percent_decode("a%20b"), "a b");
        // An escape at the very end is decoded too (the hand-written decoder missed it).
        assert_eq!(percent_decode("a%20"), "a ");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn github_anchors_are_the_ones_github_slugger_gives() {
        // Each as github-slugger 2.0.0 gives it, with one slugger for the whole list, so that
        // repeats are numbered as on one page.
        let cases = [
            ("🔥 Fire", "-fire"),
            ("日本語の見出し", "日本語の見出し"),
            ("Café crème", "café-crème"),
            ("Step 2 – rollback", "step-2--rollback"),
            ("What went wrong? (and why!)", "what-went-wrong-and-why"),
            ("Q&A: kubectl / helm", "qa-kubectl--helm"),
            ("⚠\u{fe0f} Warning", "\u{fe0f}-warning"),
            ("👩\u{200d}💻 On-call", "-on-call"),
            ("Ünïcödé ½ ² Ⅻ Ⓔ", "ünïcödé---ⅻ-ⓔ"),
            ("Привет non-latin 你好", "привет-non-latin-你好"),
            ("I ♥ unicode", "i--unicode"),
            ("em—dash", "emdash"),
            ("a_b", "a_b"),
            ("echo", "echo"),
            ("echo", "echo-1"),
            ("echo 1", "echo-1-1"),
            ("echo-1", "echo-1-2"),
            ("echo", "echo-2"),
        ];
        let mut slugger = GithubSlugger::default();
        for (text, github) in cases {
            assert_eq!(slugger.slug(text), github, "{text}");
        }
    }

    #[test]
    fn a_headings_github_anchor_leads_to_its_id_unless_an_id_of_the_page_is_that_anchor() {
        let p = render(
            "# Fire\n\n[a](#-fire) [b](#fire-1) [c](#%C3%BCn%C3%AF) [d](#a-b) [e](#nope) [f](#)\n\n\
             ## Fire\n\n## 🔥 Fire\n\n## a_b\n\n## A B\n\n<a id=\"ünï\"></a>\n\n## Ünï\n\n## 🔥🔥\n",
        );
        let ids: Vec<&str> = p.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["fire", "fire-fire", "a-b", "a-b-1", "uni", "fire-fire-1"]
        );
        // GitHub numbers `## Fire` after the title's `fire`; `a-b` (GitHub's for `## A B`) and
        // `ünï` are ids of the page already, and they win. `## 🔥🔥` has the empty anchor on
        // GitHub, and `#` stays the top of the page.
        assert_eq!(
            p.github_anchors,
            [
                ("fire-1".to_string(), "fire".to_string()),
                ("-fire".to_string(), "fire-fire".to_string()),
                ("a_b".to_string(), "a-b".to_string()),
            ]
        );
        let this = "incidents/PM2021-002/";
        let html = lead_github_fragments(&p.html, "../../", Some(this), |page| {
            (page == this).then_some(&p.github_anchors[..])
        })
        .expect("links change");
        for href in [
            "#fire-fire",
            "#fire",
            "#%C3%BCn%C3%AF",
            "#a-b",
            "#nope",
            "#",
        ] {
            assert!(
                html.contains(&format!("href=\"{href}\">")),
                "{href}: {html}"
            );
        }
        assert!(
            !html.contains("#-fire") && !html.contains("#fire-1"),
            "{html}"
        );
        // A link to another postmortem's anchor changes only when that postmortem has it.
        let other = "<p><a href=\"../../incidents/PM2020-001/#-fire\">x</a></p>";
        let led = lead_github_fragments(other, "../../", None, |page| {
            (page == "incidents/PM2020-001/").then_some(&p.github_anchors[..])
        });
        assert_eq!(
            led.as_deref(),
            Some("<p><a href=\"../../incidents/PM2020-001/#fire-fire\">x</a></p>")
        );
        assert_eq!(lead_github_fragments(other, "../../", None, |_| None), None);
        assert_eq!(
            github_anchor_target(&p.github_anchors, "%2Dfire"),
            Some("fire-fire")
        );
    }

    #[test]
    fn reading_gives_the_stand_in_html_exactly_where_rendering_gives_some() {
        for body in ["", "\n  \n", "[a]: https://example.org\n"] {
            assert_eq!(render(body).html, "", "{body:?}");
            assert_eq!(site().read(body, 1).html, "", "{body:?}");
        }
        for body in ["Text.", "<!-- only a comment -->\n", "```\ncode\n```\n"] {
            assert!(!render(body).html.is_empty(), "{body:?}");
            assert_eq!(site().read(body, 1).html, UNRENDERED, "{body:?}");
        }
    }

    #[test]
    fn an_iframe_of_a_postmortem_shows_its_page_as_a_link_leads_to_it() {
        let p = render(
            "<iframe src=\"PM2020-001%20-%20Disk%20full.md#timeline\" width=\"600\"></iframe>\n",
        );
        assert!(
            p.html
                .contains("<iframe src=\"../../incidents/PM2020-001/#timeline\" width=\"600\">"),
            "{}",
            p.html
        );
        assert_eq!(p.links.len(), 1);
        assert_eq!(p.links[0].kind, LinkKind::Incident("PM2020-001".into()));
        assert_eq!(p.links[0].anchor.as_deref(), Some("timeline"));
    }

    #[test]
    fn an_object_or_an_embed_of_a_postmortem_shows_its_page_as_an_iframe_does() {
        let p = render(
            "<object data=\"PM2020-001%20-%20Disk%20full.md#timeline\"></object>\n\n\
             <embed src=\"PM2020-001\">\n",
        );
        assert!(
            p.html
                .contains("<object data=\"../../incidents/PM2020-001/#timeline\">"),
            "{}",
            p.html
        );
        assert!(
            p.html
                .contains("<embed src=\"../../incidents/PM2020-001/\">"),
            "{}",
            p.html
        );
        let kinds: Vec<&LinkKind> = p.links.iter().map(|l| &l.kind).collect();
        assert_eq!(kinds, [&LinkKind::Incident("PM2020-001".into()); 2]);
    }

    #[test]
    fn a_heading_id_written_like_a_footnotes_or_an_earlier_headings_is_told_apart_and_noted() {
        let body = "Text.[^note]\n\n## Note {#fn-note}\n\n## Intro\n\n## Again {#intro}\n\n\
                    [^note]: Why.\n";
        let p = render(body);
        let ids = html_ids(&p.html);
        assert_eq!(
            ids,
            ["fn-note-1", "intro", "intro-1", "fn-note"],
            "{}",
            p.html
        );
        assert!(p.html.contains("<a href=\"#fn-note\">1</a>"), "{}", p.html);
        let renamed = |holder, written: &str, given: &str, line| RenamedId {
            written: written.into(),
            given: given.into(),
            holder,
            line,
        };
        assert_eq!(
            p.renamed_ids,
            [
                renamed(IdHolder::Footnote, "fn-note", "fn-note-1", 3),
                renamed(IdHolder::Heading, "intro", "intro-1", 7)
            ]
        );
        // Reading gives the same ids as rendering, for `check`.
        let read = site().read(body, 1);
        assert_eq!(read.renamed_ids, p.renamed_ids);
    }

    #[test]
    fn a_heading_never_takes_an_id_of_raw_html_written_before_or_after_it() {
        let body = "## Note {#note}\n\n<p id=\"intro\">Hi.</p>\n\n## Intro\n\n## Later\n\n\
                    Text <span id=\"note\"></span><a name=\"later\"></a>.\n";
        let p = render(body);
        // A `name` is no id: `later` stays the heading's.
        assert_eq!(
            html_ids(&p.html),
            ["note-1", "intro", "intro-1", "later", "note", "later"],
            "{}",
            p.html
        );
        let toc: Vec<_> = p.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(toc, ["note-1", "intro-1", "later"]);
        // Only the id written is noted.
        assert_eq!(
            p.renamed_ids,
            [RenamedId {
                written: "note".into(),
                given: "note-1".into(),
                holder: IdHolder::Html,
                line: 1,
            }]
        );
        assert_eq!(site().read(body, 1).renamed_ids, p.renamed_ids);
    }

    #[test]
    fn metadata_lines_are_short_labels_with_short_values_and_prose_is_the_rest() {
        for line in [
            "Date: 2024-04-10",
            "Severity: SEV1",
            "Traefik versions confirmed affected: 1.7",
            "Start: 14:02 UTC",
            "Impact: all users.",
            "Attendees: Jane Doe, John Smith, Alice Wong, Bob Lee, Eve Park",
        ] {
            assert!(is_metadata_line(line), "{line}");
        }
        for line in [
            "Root cause: a retry storm took the queue down for an hour.",
            "Summary: cache full.",
            "TL;DR: cache full.",
            "See https://status.example.com",
            "It broke. Then: nothing.",
            "No colon here",
        ] {
            assert!(!is_metadata_line(line), "{line}");
        }
        assert!(!is_prose("Date: 2024-04-10\nSeverity: SEV1"));
        assert!(!is_prose("The errors were:"));
        assert!(is_prose(
            "Date: 2024-04-10\nThe cache filled up and every page was slow."
        ));
        // Read from a body: the paragraph's lines stay apart until it is judged.
        let p = render("Date: 2024-04-10\nOwner: sre\n\n![graph](g.png)\n\nIt broke.\n");
        assert_eq!(
            p.first_paragraph.as_deref(),
            Some("Date: 2024-04-10 Owner: sre")
        );
        assert_eq!(p.first_prose.as_deref(), Some("It broke."));
        assert_eq!(p.not_prose, [1, 4]);
    }

    #[test]
    fn a_broken_date_is_a_five_digit_year_or_no_day_and_a_run_of_numbers_is_none() {
        let broken = |t: &str, y| first_broken_date(t, y).map(|(at, w, _, meant)| (at, w, meant));
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            broken("| 20202-01-16 12:00 |", Some(2020)),
            Some((2, "20202-01-16".into(), day(2020, 1, 16)))
        );
        // 2020 or 2002: the file name's year chooses, and without one neither is offered.
        assert_eq!(broken("20202-01-16", None).unwrap().2, None);
        assert_eq!(
            broken("On 2024-02-30 and 2024-13-01.", None),
            Some((3, "2024-02-30".into(), None))
        );
        for none in [
            "2024-02-29",
            "build 1-2024-13-01",
            "id 2024-13-01-7",
            "v2024.13.01",
        ] {
            assert_eq!(broken(none, None), None, "{none}");
        }
    }

    #[test]
    fn a_byline_a_header_of_who_and_when_and_a_bold_label_are_no_summary() {
        // Who and when, however long the value.
        assert!(is_metadata_line(
            "who was on: platform on-call + one SRE from the checkout team helping"
        ));
        assert!(is_metadata_line(
            "date: 2 March 2021, intermittent from ~10:00 to 16:30 CET"
        ));
        // How and when the text was written is not what happened.
        for byline in [
            "Platform engineering blog — July 2022",
            "Internal engineering blog, warehouse systems team, November 2021",
            "On-call notes, Wed 7 Feb 2024. Written up by platform on-call + the dev who helped.",
            "Thursday 20 Oct 2022. Platform on-call notes, cleaned up a bit.",
        ] {
            assert!(!is_prose(byline), "{byline}");
        }
        for prose in [
            "Our notes were decided on in the market review.",
            "On 29 June 2022 we took down checkout for 25 minutes; the blog post has the details of why the change that two reviewers approved replaced the node pool.",
        ] {
            assert!(is_prose(prose), "{prose}");
        }
        let p = render(
            "*Platform engineering blog — July 2022*\n\nOn 29 June 2022 we took down checkout.\n",
        );
        assert_eq!(
            p.first_prose.as_deref(),
            Some("On 29 June 2022 we took down checkout.")
        );
        // A bold label alone on the first line names what follows, as a heading would.
        let p = render("**Symptoms**\nSellers got 504s on the CSV export.\n");
        assert_eq!(
            p.first_prose.as_deref(),
            Some("Sellers got 504s on the CSV export.")
        );
    }

    #[test]
    fn a_heading_is_a_sibling_of_those_before_it_written_at_its_level_or_deeper() {
        // A closing `# Stats` does not push the `##` sections before it down a level.
        assert_eq!(heading_levels(&[2, 2, 2, 1]), [2, 2, 2, 2]);
        assert_eq!(heading_levels(&[2, 3, 1, 2, 3]), [2, 3, 2, 3, 4]);
        // Headings under a later, higher one nest under it; none skips a level.
        assert_eq!(heading_levels(&[4, 2, 4, 3]), [2, 2, 3, 3]);
        assert_eq!(heading_levels(&[1, 2, 3, 4, 5, 6]), [2, 3, 4, 5, 6, 6]);
    }

    #[test]
    fn an_id_of_raw_html_in_any_quoting_or_case_is_an_anchor_that_no_heading_takes() {
        let body = "## Single\n\n## Upper\n\n## Bare\n\n## Split\n\n## Text\n\n## Gone\n\n\
                    <a id='single'></a> <span ID=\"upper\"></span> <b id=bare>x</b>\n\n\
                    <div\n  id=\"split\">\n<p>Write id=\"text\" in text.</p>\n\
                    <!-- <a id=\"gone\"> -->\n</div>\n\n`<a id=\"code\">`\n";
        for p in [render(body), site().read(body, 1)] {
            assert_eq!(p.ids, ["single", "upper", "bare", "split"]);
            let toc: Vec<_> = p.toc.iter().map(|t| t.id.as_str()).collect();
            assert_eq!(
                toc,
                ["single-1", "upper-1", "bare-1", "split-1", "text", "gone"]
            );
        }
    }

    #[test]
    fn githubs_anchor_of_a_heading_written_on_two_lines_runs_the_lines_together() {
        // GitHub slugs the text content of the rendered heading, where a line break is a
        // newline (after a `<br />` for a hard one), and drops the newline as it drops
        // punctuation: `One` / `Two` underlined is `#onetwo`, not `#one-two`. The heading's
        // own id reads the break as a space.
        let p = render(
            "# T\n\n[a](#-fireand-smoke) [b](#step-2-rollback) [c](#qahelm) [d](#onetwo)\n\n\
             🔥 Fire\nand smoke\n---------\n\nStep 2 –  \n  rollback\n---\n\nQ&A:\\\nhelm\n===\n\n\
             One \nTwo\n===\n",
        );
        let toc: Vec<_> = p.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            toc,
            [
                "fire-fire-and-smoke",
                "step-2-rollback",
                "q-a-helm",
                "one-two"
            ]
        );
        let pair = |github: &str, id: &str| (github.to_string(), id.to_string());
        // `step-2-rollback` is GitHub's anchor and the heading's id alike.
        assert_eq!(
            p.github_anchors,
            [
                pair("t", ""),
                pair("-fireand-smoke", "fire-fire-and-smoke"),
                pair("qahelm", "q-a-helm"),
                pair("onetwo", "one-two"),
            ]
        );
        let this = "incidents/PM2021-002/";
        let html = lead_github_fragments(&p.html, "../../", Some(this), |page| {
            (page == this).then_some(&p.github_anchors[..])
        })
        .expect("links change");
        for href in [
            "#fire-fire-and-smoke",
            "#step-2-rollback",
            "#q-a-helm",
            "#one-two",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}: {html}");
        }
        // Joined with a space, the lines give an anchor GitHub never gives.
        assert_eq!(
            github_anchor_target(&p.github_anchors, "-fire-and-smoke"),
            None
        );
    }

    #[test]
    fn githubs_anchor_of_a_heading_leaves_out_its_images_alt_text_and_so_does_its_id() {
        // GitHub slugs the text content of the rendered heading, and an image's alt text is
        // an attribute, not text: `## Timeline ![icon](x.png)` is `#timeline-`.
        let p = render(
            "# T\n\n[a](#timeline-) [b](#status-) [c](#timeline-icon)\n\n\
             ## Timeline ![icon](x.png)\n\n## Status ![build *passing*](b.svg)\n\n\
             ## ![Kestrel logo](k.png)\n",
        );
        let toc: Vec<_> = p
            .toc
            .iter()
            .map(|t| (t.id.as_str(), t.title.as_str()))
            .collect();
        // The id leaves the alt text out too, unless the heading has no other text; the title
        // keeps it, as a screen reader reads it.
        assert_eq!(
            toc,
            [
                ("timeline", "Timeline icon"),
                ("status", "Status build passing"),
                ("kestrel-logo", "Kestrel logo")
            ]
        );
        let pair = |github: &str, id: &str| (github.to_string(), id.to_string());
        // A heading of an image alone has the empty anchor on GitHub.
        assert_eq!(
            p.github_anchors,
            [
                pair("t", ""),
                pair("timeline-", "timeline"),
                pair("status-", "status")
            ]
        );
        assert_eq!(
            github_anchor_target(&p.github_anchors, "timeline-icon"),
            None
        );
        assert!(!p.toc.iter().any(|t| t.id == "timeline-icon"));
    }

    #[test]
    fn a_link_or_an_image_in_a_heading_is_read_as_anywhere_else() {
        let body = "# T\n\n## After [the disk](PM2020-001%20-%20Disk%20full.md#timeline) \
                    ![](nope.png)\n\nText.\n\n## Also PM2020-001\n";
        let p = render(body);
        assert!(
            p.html.contains(
                "<h2 id=\"after-the-disk\">After <a href=\"../../incidents/PM2020-001/#timeline\">\
                 the disk</a> <img src=\"nope.png\" alt=\"\" /> <a class=\"anchor\""
            ),
            "{}",
            p.html
        );
        // An id in a heading's text stays text.
        assert!(p.html.contains(">Also PM2020-001 <a class"), "{}", p.html);
        for p in [p, site().read(body, 1)] {
            let links: Vec<_> = p
                .links
                .iter()
                .map(|l| (&l.kind, l.anchor.as_deref(), l.line, l.column))
                .collect();
            assert_eq!(
                links,
                [
                    (
                        &LinkKind::Incident("PM2020-001".into()),
                        Some("timeline"),
                        3,
                        10
                    ),
                    (&LinkKind::MissingEmbed("image"), None, 3, 63),
                ]
            );
            let no_alt: Vec<_> = p
                .images_without_alt
                .iter()
                .map(|i| (i.line, i.column))
                .collect();
            assert_eq!(no_alt, [(3, 63)]);
        }
    }

    #[test]
    fn a_heading_id_is_capped_after_a_whole_word_or_inside_one_word_longer_than_the_cap() {
        assert_eq!(heading_id("Timeline"), "timeline");
        let id = heading_id(&"Disk usage alerts fired late ".repeat(10));
        assert_eq!(
            id,
            "disk-usage-alerts-fired-late-disk-usage-alerts-fired-late-disk-usage-alerts"
        );
        assert_eq!(heading_id(&"x".repeat(200)), "x".repeat(HEADING_ID_MAX));
        let exact = format!("{} {}", "a".repeat(40), "b".repeat(39));
        assert_eq!(heading_id(&exact).len(), HEADING_ID_MAX);
    }
}

/// What an HTML block holds that is read as Markdown's tables and lists are: the rows of each
/// `<table>` (the text of its `<th>` and `<td>` cells), the items of a `<ul>` or `<ol>` (`<li>`;
/// a list with lists nested in it is left unread), and their text, a ` | ` between cells, for
/// dates, labels and search.
#[derive(Default)]
struct HtmlBlockContent {
    tables: Vec<Vec<Row>>,
    items: Vec<ListItem>,
    text: String,
}

/// Reads [`HtmlBlockContent`] from the pieces of an HTML block as written, `line` giving the
/// line in the file of an offset in the body. A block with no table and no list item holds
/// none (most raw HTML is a `<details>`, an image or a comment, whose text is not read).
fn html_block_content(
    pieces: &[(CowStr, std::ops::Range<usize>)],
    line: impl Fn(usize) -> usize,
) -> HtmlBlockContent {
    static TABLE: OnceLock<Regex> = OnceLock::new();
    static ROW: OnceLock<Regex> = OnceLock::new();
    static CELL: OnceLock<Regex> = OnceLock::new();
    static ITEM: OnceLock<Regex> = OnceLock::new();
    static TAG: OnceLock<Regex> = OnceLock::new();
    let mut html = String::new();
    // Where each piece starts in `html`, and in the body.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (piece, range) in pieces {
        starts.push((html.len(), range.start));
        html.push_str(piece);
    }
    let mut out = HtmlBlockContent::default();
    let lower = html.to_ascii_lowercase();
    if !lower.contains("<table") && !lower.contains("<li") {
        return out;
    }
    let line_at = |at: usize| {
        let k = starts.partition_point(|&(s, _)| s <= at).max(1) - 1;
        line(starts[k].1 + (at - starts[k].0))
    };
    // A script or a style sheet goes with its text, as the page leaves both out.
    let tag = TAG.get_or_init(|| {
        Regex::new(
            r"(?is)<!--.*?-->|<script\b.*?(?:</script\s*>|$)|<style\b.*?(?:</style\s*>|$)|<br\s*/?>|<[^>]*>",
        )
        .unwrap()
    });
    // The references an export writes most, besides those `decode_references` reads.
    const NAMED: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&ndash;", "\u{2013}"),
        ("&mdash;", "\u{2014}"),
        ("&rsquo;", "\u{2019}"),
        ("&lsquo;", "\u{2018}"),
        ("&ldquo;", "\u{201c}"),
        ("&rdquo;", "\u{201d}"),
    ];
    let plain = |fragment: &str| {
        let mut t = tag.replace_all(fragment, " ").into_owned();
        for (name, c) in NAMED {
            t = t.replace(name, c);
        }
        collapse_ws(&crate::html::decode_references(&t).replace('\u{a0}', " "))
    };
    let table = TABLE.get_or_init(|| Regex::new(r"(?is)<table\b.*?</table\s*>").unwrap());
    let row = ROW.get_or_init(|| Regex::new(r"(?is)<tr\b[^>]*>(.*?)</tr\s*>").unwrap());
    let cell = CELL.get_or_init(|| Regex::new(r"(?is)<t[hd]\b[^>]*>(.*?)</t[hd]\s*>").unwrap());
    for t in table.find_iter(&html) {
        let mut rows: Vec<Row> = Vec::new();
        for r in row.captures_iter(t.as_str()) {
            let cells: Vec<String> = cell.captures_iter(&r[1]).map(|c| plain(&c[1])).collect();
            if cells.is_empty() {
                continue;
            }
            out.text.push_str(&cells.join(" | "));
            out.text.push('\n');
            rows.push((
                cells,
                line_at(t.start() + r.get(0).map_or(0, |m| m.start())),
            ));
        }
        if !rows.is_empty() {
            out.tables.push(rows);
        }
    }
    let item = ITEM.get_or_init(|| Regex::new(r"(?is)<li\b[^>]*>(.*?)</li\s*>").unwrap());
    // Items of a list in a table cell are that cell's text; a nested list is left unread.
    let nested = lower.matches("<ul").count() + lower.matches("<ol").count() > 1;
    if !nested && !lower.contains("<table") {
        for c in item.captures_iter(&html) {
            let text = plain(&c[1]);
            if text.is_empty() {
                continue;
            }
            out.text.push_str(&text);
            out.text.push('\n');
            out.items.push(ListItem {
                own: text.clone(),
                text,
                checked: None,
                line: line_at(c.get(0).map_or(0, |m| m.start())),
                children: Vec::new(),
            });
        }
    }
    out
}
