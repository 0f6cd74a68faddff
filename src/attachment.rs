/*!
The files a page links to or embeds that `build` copies into the site (`markdown::Asset`), as
they are published.

Most attachments are images, PDFs and logs, which a browser shows and nothing more. An HTML
page, an SVG picture or another XML document opened at its own URL is a document of the site's
domain: a script in it would run there, with the site's cookies and storage, whoever committed
the file (stored XSS). Which files those are is told by the type a static host serves them as
([`kind`]): `text/html` (`.html`, `.htm`), and XML (`image/svg+xml`, `application/xhtml+xml`,
`text/xml`, ...). Such a file is published byte for byte when nothing in it could run a script;
otherwise its published copy is one without it ([`publish`]), and `check` and `build` say what
was left out, where it is written (`unsafe-attachment`). The file in the content folder is never
changed, and a team that publishes a file's scripts on purpose (an interactive flame graph) names
it in `trusted_attachments`.

- **XML** is read with quick-xml, which gives the place of every part, and the parts are cut out
  of the file as written, so the rest (the picture) is left exactly as it was: scripts of the
  XHTML, SVG and MathML namespaces with their content (and SVG Tiny's `<handler>`), event
  handler attributes (`onload`, ...) and `srcdoc`, `javascript:`, `vbscript:` and `data:` URLs
  (but an image's, see [`crate::sanitize::removed_scheme`]) and the `xml:base` that would make
  one, an animation that sets a link to such a URL or sets a handler, an `<?xml-stylesheet?>`
  that is no CSS (XSLT can write a script), and an entity of the DOCTYPE whose markup holds one
  of these (or a parameter entity, which can declare one). An element in no namespace is data,
  not HTML or SVG: a browser runs nothing of it. Where the file stops being well-formed XML, a
  browser stops reading it too; the copy ends there when what follows could hold a script.
- **A compressed SVG** (`.svgz`) is served as `image/svg+xml` with `Content-Encoding: gzip`, so
  a browser opens the SVG inside it: it is decompressed (with flate2) and read as XML; its copy
  is compressed again. One that holds more than [`SVGZ_MAX`] once decompressed (a gzip bomb
  would exhaust memory) or that is damaged cannot be checked, and is not published
  ([`Unsafe::TooLarge`], [`Unsafe::Damaged`]). A `.svgz` that is no gzip at all is read as
  the SVG it is, as a host that does not say it is compressed serves it.
- **HTML** is read with html5ever, the parser of ammonia, as a browser with scripts on reads it
  (see [`crate::html`] for the tokenizer that places what it finds, as for a page's raw HTML).
  The same parts are removed from the document, which is written out again with
  `<meta charset="utf-8">` and a Content-Security-Policy that forbids every script
  (`script-src 'none'`) first in its head, so that nothing that reading missed runs either.
*/

use std::borrow::Cow;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// How a browser reads an attachment opened at its URL, by the type a host serves it as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Xml,
}

/// What the published copy of an attachment leaves out (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// A script element (`script`, SVG Tiny's `handler`), by name as written, with its content.
    Element(String),
    /// An event handler attribute (`onload`, ...) or `srcdoc`, by name as written.
    Attribute(String),
    /// A URL with this scheme (`javascript`, `vbscript`, `data` but an image's), in an attribute
    /// or set by an animation.
    Url(String),
    /// An `<?xml-stylesheet?>` of this type, which is no CSS (XSLT can write a script).
    Stylesheet(String),
    /// An entity of the DOCTYPE, by name, whose markup holds a script, a handler or such a URL,
    /// or a parameter entity, which can declare one.
    Entity(String),
    /// The rest of a file that is no well-formed XML from here (why, in quick-xml's words), when
    /// it holds what could be one of the others: a browser stops reading at the error too.
    Unreadable(String),
    /// A script in HTML that the tokenizer of [`crate::html`] cannot place (the parser found one
    /// more than it did); reported at the top of the file.
    Unplaced,
    /// A compressed SVG that holds more than this many bytes once decompressed: it is not
    /// published, since it cannot be checked.
    TooLarge(u64),
    /// A compressed SVG that cannot be decompressed (why, in flate2's words): it is not
    /// published, since what a browser reads of it cannot be checked.
    Damaged(String),
}

/// One part left out, where it starts in the file (line and column count characters, from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub what: Unsafe,
    pub line: usize,
    pub column: usize,
}

/// The published copy of an attachment that holds something unsafe, and what it leaves out.
#[derive(Debug, Clone)]
pub struct Published {
    /// `None` when the attachment is not published at all (a compressed SVG that cannot be
    /// checked).
    pub bytes: Option<Vec<u8>>,
    pub found: Vec<Found>,
}

/// The most a compressed SVG (`.svgz`) may hold once decompressed to be published: 64 MiB, far
/// above any diagram or flame graph, and far below what a gzip bomb unpacks to.
pub const SVGZ_MAX: u64 = 64 << 20;

const XHTML: &str = "http://www.w3.org/1999/xhtml";
const SVG: &str = "http://www.w3.org/2000/svg";
const MATHML: &str = "http://www.w3.org/1998/Math/MathML";
const XLINK: &str = "http://www.w3.org/1999/xlink";

/// The SVG elements that animate another element's attribute.
const ANIMATIONS: &[&str] = &[
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
];

/// The attachments a team publishes as they are, scripts and all: those matching
/// `trusted_attachments` in hindsight.toml (globs relative to the content folder, or file
/// names, as `ignore`).
pub struct Trusted {
    patterns: globset::GlobSet,
    content: std::path::PathBuf,
}

impl Trusted {
    pub fn new(root: &Path, config: &crate::config::Config) -> Trusted {
        let mut patterns = globset::GlobSetBuilder::new();
        for p in &config.trusted_attachments {
            if let Ok(g) = globset::GlobBuilder::new(p)
                .literal_separator(false)
                .build()
            {
                patterns.add(g);
            }
        }
        Trusted {
            patterns: patterns
                .build()
                .unwrap_or_else(|_| globset::GlobSet::empty()),
            content: root.join(&config.content_dir),
        }
    }

    /// Whether the attachment at `path` (in the content folder) is published as it is: a
    /// pattern matches its path from the content folder, or its file name.
    pub fn covers(&self, path: &Path) -> bool {
        !self.patterns.is_empty()
            && path.strip_prefix(&self.content).is_ok_and(|rel| {
                self.patterns
                    .is_match(rel.to_string_lossy().replace('\\', "/"))
                    || rel.file_name().is_some_and(|n| self.patterns.is_match(n))
            })
    }
}

/// The `io` error of the attachment `file` (relative to the root) that cannot be read to be
/// copied into the site, at the link, image or embed of the page `page` (`line`, `column`) that
/// uses it, where the author can act on it; `check` reports it as `build` does, at every such
/// link of every page.
pub fn unreadable(
    file: &str,
    page: &str,
    line: usize,
    column: usize,
    e: &std::io::Error,
) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(
        "io",
        page,
        format!("cannot read `{file}`, which is linked or shown here, to copy it into the site: {e}"),
    )
    .at(line, column)
    .hint(format!("make it readable by whoever runs Hindsight (`chmod a+r {file}`), or remove it and the link to it"))
}

/// Copies the attachment `from` into the site at `to` as it is published: byte for byte, or
/// the copy [`publish`] makes when it holds something unsafe and is not trusted. Returns what
/// the copy leaves out.
pub fn copy(
    out: &crate::output::Output,
    from: &Path,
    to: &str,
    trusted: &Trusted,
) -> Result<Vec<Found>, crate::output::OutputError> {
    let bytes = std::fs::read(from).map_err(|source| crate::output::OutputError::Read {
        path: from.to_path_buf(),
        source,
    })?;
    let copy = if trusted.covers(from) {
        None
    } else {
        publish(from, &bytes)
    };
    match copy {
        Some(copy) => {
            if let Some(bytes) = &copy.bytes {
                out.write(to, bytes)?;
            }
            Ok(copy.found)
        }
        None => {
            out.write(to, &bytes)?;
            Ok(Vec::new())
        }
    }
}

/// How a browser reads the file at `path` when a host serves it by its extension: `None` for a
/// file it shows without running anything (an image, a PDF, text).
pub fn kind(path: &Path) -> Option<Kind> {
    let mime = mime_guess::from_path(path).first()?;
    let (kind, sub) = (mime.type_().as_str(), mime.subtype().as_str());
    if (kind, sub) == ("text", "html") {
        Some(Kind::Html)
    } else if mime.suffix().is_some_and(|s| s.as_str() == "xml")
        || (sub == "xml" && matches!(kind, "text" | "application"))
    {
        Some(Kind::Xml)
    } else {
        None
    }
}

/// The copy of the attachment `path` (its content `bytes`) to publish, when it holds something
/// that could run a script on the site; `None` when it is published as it is. A compressed SVG
/// is checked decompressed, and its copy compressed again.
pub fn publish(path: &Path, bytes: &[u8]) -> Option<Published> {
    let kind = kind(path)?;
    if !is_svgz(path, bytes) {
        return publish_text(kind, bytes);
    }
    let svg = match gunzip(bytes) {
        Ok(svg) => svg,
        Err(what) => {
            return Some(Published {
                bytes: None,
                found: vec![Found {
                    what,
                    line: 1,
                    column: 1,
                }],
            })
        }
    };
    let copy = publish_text(kind, &svg)?;
    Some(Published {
        bytes: copy.bytes.map(|b| gzip(&b)),
        found: copy.found,
    })
}

/// The text of the attachment `path` (its content `bytes`) as a browser reads it, and as
/// findings in it count lines and columns: a compressed SVG decompressed. `None` for one that
/// cannot be decompressed.
pub fn readable(path: &Path, bytes: Vec<u8>) -> Option<Vec<u8>> {
    match is_svgz(path, &bytes) {
        true => gunzip(&bytes).ok(),
        false => Some(bytes),
    }
}

/// Whether the attachment `path` is a compressed SVG: named `.svgz` (in any case, as the
/// loader reads extensions) and starting as gzip does.
fn is_svgz(path: &Path, bytes: &[u8]) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svgz"))
        && bytes.starts_with(&[0x1f, 0x8b])
}

/// The content of gzip `bytes` (every member of it, as a browser may read on), up to
/// [`SVGZ_MAX`]: a file that unpacks to more is never held in memory whole.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, Unsafe> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(SVGZ_MAX + 1)
        .read_to_end(&mut out)
        .map_err(|e| Unsafe::Damaged(e.to_string()))?;
    if out.len() as u64 > SVGZ_MAX {
        return Err(Unsafe::TooLarge(SVGZ_MAX));
    }
    Ok(out)
}

/// `bytes` compressed with gzip.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory cannot fail")
}

/// [`publish`] for the text of an attachment of this kind.
fn publish_text(kind: Kind, bytes: &[u8]) -> Option<Published> {
    let text = crate::content::text_of(bytes);
    let utf8 = std::str::from_utf8(bytes).is_ok();
    match kind {
        Kind::Xml => xml(&text, utf8),
        Kind::Html => html(&text),
    }
}

/// Where an XML file's parts to leave out are, and why.
struct Cut {
    range: Range<usize>,
    at: usize,
    what: Unsafe,
}

fn found(text: &str, at: usize, what: Unsafe) -> Found {
    let (line, column) = crate::diagnostics::line_col(text, at);
    Found { what, line, column }
}

/// An XML file without its unsafe parts (see the module's documentation). `utf8`: the file is
/// UTF-8, so the copy, always UTF-8, may keep what its XML declaration says of its encoding.
fn xml(text: &str, utf8: bool) -> Option<Published> {
    // quick-xml counts its offsets after a byte order mark, and the copy keeps the mark.
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let entities = Entities::declared(text);
    let mut scan = scan_xml(text, false, &entities, 0);
    for (name, range) in entities.unsafe_declarations() {
        scan.cuts.push(Cut {
            at: range.start,
            range,
            what: Unsafe::Entity(name),
        });
    }
    if scan.cuts.is_empty() {
        return None;
    }
    let mut found_parts: Vec<Found> = scan
        .cuts
        .iter()
        .map(|c| found(text, c.at, c.what.clone()))
        .collect();
    found_parts.sort_by_key(|f| (f.line, f.column));
    let mut cuts: Vec<Range<usize>> = scan.cuts.into_iter().map(|c| c.range).collect();
    if !utf8 {
        cuts.extend(scan.encoding);
    }
    Some(Published {
        bytes: Some(format!("{bom}{}", without(text, cuts)).into_bytes()),
        found: found_parts,
    })
}

/// `text` without the byte ranges `cuts` (which may overlap).
fn without(text: &str, mut cuts: Vec<Range<usize>>) -> String {
    cuts.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in cuts {
        if r.start >= at {
            out.push_str(&text[at..r.start]);
        }
        at = at.max(r.end);
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}

/// What reading XML found.
#[derive(Default)]
struct Scan {
    cuts: Vec<Cut>,
    /// The general entities referred to in the text (for an entity's markup).
    refs: Vec<String>,
    /// The `encoding="..."` of the XML declaration, with the space before it.
    encoding: Option<Range<usize>>,
}

/// Reads XML `text` and finds its unsafe parts. `anywhere`: elements count whatever their
/// namespace (for an entity's markup, whose namespace is the one where it is used).
fn scan_xml(text: &str, anywhere: bool, entities: &Entities, depth: usize) -> Scan {
    let mut scan = Scan::default();
    let mut reader = NsReader::from_str(text);
    // The element being left out: where it starts, how deep its content is, why.
    let mut skipping: Option<(usize, usize, usize, Unsafe)> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event();
        let end = reader.buffer_position() as usize;
        let event = match event {
            Ok(ok) => ok,
            Err(e) => {
                let at = (reader.error_position() as usize).min(text.len());
                match skipping.take() {
                    Some((from, _, at, what)) => scan.cuts.push(Cut {
                        range: from..text.len(),
                        at,
                        what,
                    }),
                    None if could_run(&text[at..]) => scan.cuts.push(Cut {
                        range: at..text.len(),
                        at,
                        what: Unsafe::Unreadable(e.to_string()),
                    }),
                    None => {}
                }
                return scan;
            }
        };
        if let Some((from, open, at, _)) = skipping.as_mut() {
            match event {
                Event::Start(_) => *open += 1,
                Event::End(_) => *open -= 1,
                Event::Eof => *open = 0,
                _ => {}
            }
            if *open == 0 {
                let (from, at) = (*from, *at);
                let what = skipping.take().map(|s| s.3).expect("skipping");
                let to = if matches!(event, Event::Eof) {
                    text.len()
                } else {
                    end
                };
                scan.cuts.push(Cut {
                    range: from..to,
                    at,
                    what,
                });
            }
            if matches!(event, Event::Eof) {
                return scan;
            }
            continue;
        }
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let checked = anywhere || counts(&reader.resolver().resolve_element(e.name()).0);
                let empty = matches!(event, Event::Empty(_));
                let written = e.name().as_ref().to_string();
                let local = e.local_name().as_ref().to_lowercase();
                let whole = if !checked {
                    None
                } else if matches!(local.as_str(), "script" | "handler") {
                    Some((start, Unsafe::Element(written)))
                } else if ANIMATIONS.contains(&local.as_str()) {
                    animation(text, e, entities)
                } else {
                    None
                };
                if let Some((at, what)) = whole {
                    if empty {
                        scan.cuts.push(Cut {
                            range: start..end,
                            at,
                            what,
                        });
                    } else {
                        skipping = Some((start, 1, at, what));
                    }
                    continue;
                }
                if checked {
                    match attribute_cuts(text, &reader, e, &local, entities) {
                        Ok(cuts) => scan.cuts.extend(cuts),
                        // A browser stops at an attribute it cannot read, as at any XML error.
                        Err(why) => {
                            if could_run(&text[start..]) {
                                scan.cuts.push(Cut {
                                    range: start..text.len(),
                                    at: start,
                                    what: Unsafe::Unreadable(why),
                                });
                            }
                            return scan;
                        }
                    }
                }
            }
            Event::PI(ref pi) if pi.target() == "xml-stylesheet" => {
                let kind = pi
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "type")
                    .map(|a| a.value.trim().to_ascii_lowercase())
                    .unwrap_or_default();
                if kind != "text/css" {
                    scan.cuts.push(Cut {
                        range: start..end,
                        at: start,
                        what: Unsafe::Stylesheet(kind),
                    });
                }
            }
            Event::Decl(_) => scan.encoding = encoding_in(text, start..end),
            Event::GeneralRef(ref r) if depth > 0 => {
                scan.refs.push(r.to_string());
            }
            Event::Eof => return scan,
            _ => {}
        }
    }
}

/// Whether an element of this namespace is one a browser runs scripts of: XHTML, SVG or
/// MathML (or a prefix never declared, which a browser stops at, or a namespace written with
/// references, `xmlns="&ns_svg;"` as Illustrator writes it, which a browser expands).
fn counts(ns: &ResolveResult) -> bool {
    match ns {
        ResolveResult::Bound(n) => [XHTML, SVG, MATHML].contains(&n.0) || n.0.contains('&'),
        ResolveResult::Unbound => false,
        ResolveResult::Unknown(_) => true,
    }
}

/// The cuts of a start tag's unsafe attributes: each with the space before it.
fn attribute_cuts(
    text: &str,
    reader: &NsReader<&[u8]>,
    e: &quick_xml::events::BytesStart,
    element: &str,
    entities: &Entities,
) -> Result<Vec<Cut>, String> {
    let mut cuts = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let Some(at) = offset_in(text, attr.key.as_ref()) else {
            continue;
        };
        let written = attr.key.as_ref().to_string();
        let (ns, local) = reader.resolver().resolve_attribute(attr.key);
        let local = local.as_ref().to_lowercase();
        let range = attribute_range(text, at);
        if (local.len() > 2 && local.starts_with("on")) || local == "srcdoc" {
            cuts.push(Cut {
                range,
                at,
                what: Unsafe::Attribute(written),
            });
            continue;
        }
        let name = match &ns {
            ResolveResult::Bound(n) if n.0 == XLINK => "xlink:href".to_string(),
            ResolveResult::Bound(n) if n.0 == "http://www.w3.org/XML/1998/namespace" => {
                format!("xml:{local}")
            }
            _ => local,
        };
        let value = entities.expand(&attr);
        if let Some(scheme) = removed(element, &name, &value) {
            let value_at = text[at..range.end]
                .find(['"', '\''])
                .map_or(at, |q| at + q + 1);
            cuts.push(Cut {
                range,
                at: value_at,
                what: Unsafe::Url(scheme),
            });
        }
    }
    Ok(cuts)
}

/// The scheme of a URL that attribute `attribute` of `element` holds when a browser would run
/// it or open it as a document of its own: as on a page (see
/// [`crate::sanitize::removed_scheme`]), with SVG's `<image href>` and `<feImage href>` taken
/// for an image, and `xml:base`, which makes the relative URLs under it into such a URL.
fn removed(element: &str, attribute: &str, url: &str) -> Option<String> {
    let image = matches!(element, "image" | "feimage")
        && matches!(attribute, "href" | "xlink:href")
        && url
            .trim_start_matches(|c: char| c <= ' ')
            .get(..11)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:image/"));
    if image {
        return None;
    }
    let attribute = if attribute == "xml:base" {
        "href"
    } else {
        attribute
    };
    crate::sanitize::removed_scheme(element, attribute, url)
}

/// An SVG animation that sets a link to a `javascript:`-like URL, or sets an event handler:
/// where to report it and why (the whole element is left out).
fn animation(
    text: &str,
    e: &quick_xml::events::BytesStart,
    entities: &Entities,
) -> Option<(usize, Unsafe)> {
    let attrs: Vec<_> = e.attributes().flatten().collect();
    let target = attrs.iter().find(|a| {
        a.key
            .local_name()
            .as_ref()
            .eq_ignore_ascii_case("attributename")
    })?;
    let target_name = entities.expand(target);
    let target_local = target_name
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if target_local.len() > 2 && target_local.starts_with("on") {
        let at = offset_in(text, target.key.as_ref())?;
        return Some((at, Unsafe::Attribute(target_name.trim().to_string())));
    }
    if target_local != "href" {
        return None;
    }
    for a in &attrs {
        let key = a.key.local_name().as_ref().to_ascii_lowercase();
        if !matches!(&key[..], "to" | "from" | "by" | "values") {
            continue;
        }
        let value = entities.expand(a);
        for url in value.split(';') {
            if let Some(scheme) = crate::sanitize::removed_scheme("a", "href", url) {
                let at = offset_in(text, a.key.as_ref())?;
                let range = attribute_range(text, at);
                let value_at = text[at..range.end]
                    .find(['"', '\''])
                    .map_or(at, |q| at + q + 1);
                return Some((value_at, Unsafe::Url(scheme)));
            }
        }
    }
    None
}

/// The byte offset in `text` of `part`, a slice of it.
fn offset_in(text: &str, part: &str) -> Option<usize> {
    let at = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (at + part.len() <= text.len()).then_some(at)
}

/// The range of the attribute whose name starts at `at` in a well-formed start tag: from the
/// white space before it to after its value's closing quote.
fn attribute_range(text: &str, at: usize) -> Range<usize> {
    let b = text.as_bytes();
    let mut start = at;
    while start > 0 && b[start - 1].is_ascii_whitespace() {
        start -= 1;
    }
    let mut i = at;
    while i < b.len() && b[i] != b'=' {
        i += 1;
    }
    while i < b.len() && !matches!(b[i], b'"' | b'\'') {
        i += 1;
    }
    let end = b
        .get(i)
        .and_then(|&q| memchr::memchr(q, &b[i + 1..]).map(|e| i + 1 + e + 1))
        .unwrap_or(b.len());
    start..end
}

/// The `encoding="..."` of the XML declaration written at `decl`, with the space before it.
fn encoding_in(text: &str, decl: Range<usize>) -> Option<Range<usize>> {
    let at = decl.start + text[decl.clone()].find("encoding")?;
    Some(attribute_range(text, at))
}

/// Whether the rest of a file that a browser stops reading could hold a script, a handler or
/// a `javascript:`-like URL, were it read on: it is then left out of the copy.
fn could_run(rest: &str) -> bool {
    let lower = rest.to_ascii_lowercase();
    [
        "script",
        "srcdoc",
        "data:",
        "xml-stylesheet",
        "&#",
        "<!entity",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower.match_indices("on").any(|(i, _)| {
            let name = lower[i + 2..]
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .count();
            name > 0
                && lower[i + 2 + name..].trim_start().starts_with('=')
                && (i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric())
        })
}

/// The general entities of a DOCTYPE's internal subset, by name: the text that replaces each
/// (its character references decoded), where it is declared; and the parameter entities.
#[derive(Default)]
struct Entities {
    general: std::collections::HashMap<String, (String, Range<usize>)>,
    parameter: Vec<(String, Range<usize>)>,
}

impl Entities {
    /// The entities declared in the DOCTYPE of `text`, if it has one (before its first
    /// element, where XML allows one).
    fn declared(text: &str) -> Entities {
        let mut out = Entities::default();
        let mut reader = NsReader::from_str(text);
        let doctype = loop {
            let start = reader.buffer_position() as usize;
            match reader.read_event() {
                Ok(Event::DocType(_)) => break start,
                Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return out,
                Ok(_) => {}
            }
        };
        let b = text.as_bytes();
        let mut i = doctype;
        // The internal subset, up to the `]` that ends it, outside quotes and comments.
        let Some(open) = text[i..].find(['[', '>']).map(|k| i + k) else {
            return out;
        };
        if b[open] != b'[' {
            return out;
        }
        i = open + 1;
        while i < b.len() && b[i] != b']' {
            if text[i..].starts_with("<!--") {
                i = text[i..].find("-->").map_or(b.len(), |k| i + k + 3);
            } else if text[i..].starts_with("<!ENTITY") {
                let decl_end = declaration_end(b, i);
                let decl = &text[i + 8..decl_end];
                let body = decl.trim_start();
                let (parameter, body) = match body.strip_prefix('%') {
                    Some(rest) => (true, rest.trim_start()),
                    None => (false, body),
                };
                let name: String = body
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
                    .collect();
                let range = i..(decl_end + 1).min(b.len());
                if parameter {
                    out.parameter.push((name, range));
                } else {
                    let rest = body[name.len()..].trim_start();
                    if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
                        let literal = rest[1..].split(q).next().unwrap_or_default();
                        out.general
                            .insert(name, (crate::html::decode_references(literal), range));
                    }
                }
                i = (decl_end + 1).min(b.len());
            } else if matches!(b[i], b'"' | b'\'') {
                i = memchr::memchr(b[i], &b[i + 1..]).map_or(b.len(), |k| i + 1 + k + 1);
            } else {
                i += 1;
            }
        }
        out
    }

    /// The declarations a browser must not read: each parameter entity, and each general
    /// entity whose text, expanded, holds something unsafe.
    fn unsafe_declarations(&self) -> Vec<(String, Range<usize>)> {
        let mut out = self.parameter.clone();
        for (name, (_, range)) in &self.general {
            if self.is_unsafe(name, 0) {
                out.push((name.clone(), range.clone()));
            }
        }
        out.sort_by_key(|(_, r)| r.start);
        out
    }

    fn is_unsafe(&self, name: &str, depth: usize) -> bool {
        let Some((text, _)) = self.general.get(name) else {
            return false;
        };
        if !text.contains(['<', '&']) {
            return false;
        }
        // A chain this deep is no picture's: a browser refuses it, or it is an attack.
        if depth > 8 {
            return true;
        }
        let scan = scan_xml(text, true, self, depth + 1);
        !scan.cuts.is_empty() || scan.refs.iter().any(|r| self.is_unsafe(r, depth + 1))
    }

    /// The value of an attribute as a browser reads it: references to characters and entities
    /// expanded (the raw value when it refers to an entity never declared).
    fn expand<'a>(&self, attr: &quick_xml::events::attributes::Attribute<'a>) -> Cow<'a, str> {
        attr.normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 16, |name| {
            self.general.get(name).map(|(text, _)| text.as_str())
        })
        .unwrap_or_else(|_| Cow::Owned(crate::html::decode_references(&attr.value)))
    }
}

/// The offset of the `>` that ends the markup declaration starting at `i`, outside quotes.
fn declaration_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'>' => return i,
            q @ (b'"' | b'\'') => {
                i = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |k| i + 1 + k + 1);
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// An HTML file without its unsafe parts (see the module's documentation), or `None` when
/// it holds none.
fn html(text: &str) -> Option<Published> {
    use html5ever::tendril::TendrilSink;
    use markup5ever_rcdom::{NodeData, RcDom, SerializableHandle};

    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Placed by the tokenizer: where each is written. A `<style>` is no harm in a page of its
    // own (on a postmortem's page it is left out so as not to restyle the site).
    let placed: Vec<Found> = crate::html::unsafe_parts(text)
        .into_iter()
        .filter_map(|(range, what)| {
            let what = match what {
                crate::html::Unsafe::Element(name) if name == "style" => return None,
                crate::html::Unsafe::Element(name) => Unsafe::Element(name),
                crate::html::Unsafe::Attribute(name) => Unsafe::Attribute(name),
                crate::html::Unsafe::Url(scheme) => Unsafe::Url(scheme),
            };
            Some(found(text, range.start, what))
        })
        .collect();
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(text);
    // The parser decides, as it reads the file as a browser does.
    let removed = clean_dom(&dom.document);
    if removed == 0 {
        return None;
    }
    let mut found_parts = placed;
    if removed > found_parts.len() {
        found_parts.insert(0, found(text, 0, Unsafe::Unplaced));
    }
    // First in the head: the charset of the copy, and no script whatever the reading missed.
    let head = {
        let html = dom
            .document
            .children
            .borrow()
            .iter()
            .find(|n| matches!(&n.data, NodeData::Element { name, .. } if &*name.local == "html"))
            .cloned();
        html.and_then(|h| {
            h.children
                .borrow()
                .iter()
                .find(
                    |n| matches!(&n.data, NodeData::Element { name, .. } if &*name.local == "head"),
                )
                .cloned()
        })
    };
    if let Some(head) = head {
        let meta = |attrs: &[(&str, &str)]| {
            markup5ever_rcdom::Node::new(NodeData::Element {
                name: html5ever::QualName::new(
                    None,
                    html5ever::ns!(html),
                    html5ever::local_name!("meta"),
                ),
                attrs: std::cell::RefCell::new(
                    attrs
                        .iter()
                        .map(|(k, v)| html5ever::Attribute {
                            name: html5ever::QualName::new(
                                None,
                                html5ever::ns!(),
                                html5ever::LocalName::from(*k),
                            ),
                            value: (*v).into(),
                        })
                        .collect(),
                ),
                template_contents: std::cell::RefCell::new(None),
                mathml_annotation_xml_integration_point: false,
            })
        };
        let mut children = head.children.borrow_mut();
        children.insert(0, meta(&[("charset", "utf-8")]));
        children.insert(
            1,
            meta(&[
                ("http-equiv", "Content-Security-Policy"),
                ("content", "script-src 'none'"),
            ]),
        );
    }
    let mut bytes = Vec::with_capacity(text.len());
    let document: SerializableHandle = dom.document.clone().into();
    html5ever::serialize(
        &mut bytes,
        &document,
        html5ever::serialize::SerializeOpts {
            traversal_scope: html5ever::serialize::TraversalScope::ChildrenOnly(None),
            ..Default::default()
        },
    )
    .ok()?;
    Some(Published {
        bytes: Some(bytes),
        found: found_parts,
    })
}

/// Removes from the document under `root` each script element (any namespace), event handler,
/// `srcdoc` and `javascript:`-like URL (see [`removed`]), and each SVG animation that sets a
/// link to such a URL or sets a handler; returns how many it removed.
fn clean_dom(root: &markup5ever_rcdom::Handle) -> usize {
    use markup5ever_rcdom::NodeData;
    let mut count = 0;
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        let mut children = node.children.borrow_mut();
        children.retain(|child| {
            let NodeData::Element {
                name,
                attrs,
                template_contents,
                ..
            } = &child.data
            else {
                return true;
            };
            let local = name.local.to_lowercase();
            let svg = name.ns == html5ever::ns!(svg);
            if local == "script" || (svg && local == "handler") {
                count += 1;
                return false;
            }
            let mut attrs = attrs.borrow_mut();
            if svg && ANIMATIONS.contains(&local.as_str()) {
                let value = |key: &str| {
                    attrs
                        .iter()
                        .find(|a| a.name.local.to_lowercase() == key.to_lowercase())
                        .map(|a| a.value.to_string())
                };
                let target = value("attributeName").unwrap_or_default().to_lowercase();
                let target = target
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let sets_script = (target.len() > 2 && target.starts_with("on"))
                    || (target == "href"
                        && ["to", "from", "by", "values"].iter().any(|k| {
                            value(k).is_some_and(|v| {
                                v.split(';').any(|u| {
                                    crate::sanitize::removed_scheme("a", "href", u).is_some()
                                })
                            })
                        }));
                if sets_script {
                    count += 1;
                    return false;
                }
            }
            let before = attrs.len();
            attrs.retain(|a| {
                let attr = a.name.local.to_lowercase();
                if (attr.len() > 2 && attr.starts_with("on")) || attr == "srcdoc" {
                    return false;
                }
                let attr = if a.name.ns == html5ever::ns!(xlink) {
                    format!("xlink:{attr}")
                } else if a.name.ns == html5ever::ns!(xml) {
                    format!("xml:{attr}")
                } else {
                    attr
                };
                removed(&local, &attr, &a.value).is_none()
            });
            count += before - attrs.len();
            if let Some(contents) = template_contents.borrow().as_ref() {
                stack.push(contents.clone());
            }
            stack.push(child.clone());
            true
        });
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each part left out is, and why.
    type Places = Vec<(usize, usize, Unsafe)>;

    fn svg(text: &str) -> Option<(String, Places)> {
        publish(Path::new("a.svg"), text.as_bytes()).map(|p| {
            (
                String::from_utf8(p.bytes.unwrap()).unwrap(),
                p.found
                    .into_iter()
                    .map(|f| (f.line, f.column, f.what))
                    .collect(),
            )
        })
    }

    #[test]
    fn a_file_is_read_as_the_type_a_host_serves_it_as() {
        assert_eq!(kind(Path::new("a/graph.SVG")), Some(Kind::Xml));
        assert_eq!(kind(Path::new("report.htm")), Some(Kind::Html));
        for xml in ["x.xhtml", "x.xml", "x.xsl", "x.rss"] {
            assert_eq!(kind(Path::new(xml)), Some(Kind::Xml), "{xml}");
        }
        for inert in ["x.png", "x.pdf", "x.txt", "x.js", "x.log", "x"] {
            assert_eq!(kind(Path::new(inert)), None, "{inert}");
        }
    }

    #[test]
    fn an_svg_without_script_is_published_as_it_is() {
        let clean = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY ns_svg \"http://www.w3.org/2000/svg\">]>\n\
                     <svg xmlns=\"&ns_svg;\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><style>rect{fill:red}</style>\
                     <a href=\"https://example.org\"><rect width=\"10\" height=\"10\"/></a>\
                     <image xlink:href=\"data:image/png;base64,iVBORw0KGgo=\"/><text>onload=1 javascript:</text></svg>";
        assert!(svg(clean).is_none());
        // In no namespace, a `<script>` is data: a browser shows the tree and runs nothing.
        assert!(svg("<svg><script>alert(1)</script></svg>").is_none());
        // A namespace written with an entity is the one the entity names.
        let illustrator = "<!DOCTYPE svg [<!ENTITY ns_svg \"http://www.w3.org/2000/svg\">]>\
                           <svg xmlns=\"&ns_svg;\"><script>alert(1)</script></svg>";
        assert!(svg(illustrator).is_some());
    }

    #[test]
    fn scripts_handlers_and_script_urls_are_cut_out_of_an_svg_and_the_rest_is_kept() {
        let text = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\">\n\
                    <script>alert(2)</script><rect width=\"1\"/>\n\
                    <a xlink:href=\"java&#115;cript:alert(3)\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">x</a>\n\
                    <set attributeName=\"href\" to=\"javascript:alert(4)\"/><svg:script xmlns:svg=\"http://www.w3.org/2000/svg\"/>\n\
                    <foreignObject><iframe xmlns=\"http://www.w3.org/1999/xhtml\" srcdoc=\"x\"/></foreignObject></svg>";
        let (out, found) = svg(text).unwrap();
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect width=\"1\"/>\n\
             <a xmlns:xlink=\"http://www.w3.org/1999/xlink\">x</a>\n\n\
             <foreignObject><iframe xmlns=\"http://www.w3.org/1999/xhtml\"/></foreignObject></svg>"
        );
        assert_eq!(
            found,
            [
                (1, 41, Unsafe::Attribute("onload".into())),
                (2, 1, Unsafe::Element("script".into())),
                (3, 16, Unsafe::Url("javascript".into())),
                (4, 31, Unsafe::Url("javascript".into())),
                (4, 53, Unsafe::Element("svg:script".into())),
                (5, 61, Unsafe::Attribute("srcdoc".into())),
            ]
        );
    }

    #[test]
    fn an_entity_that_writes_a_script_an_xslt_sheet_and_a_broken_rest_are_left_out() {
        let (out, found) = svg(
            "<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><!DOCTYPE svg [\n<!ENTITY ok \"fine\">\n\
             <!ENTITY x \"&#60;script>alert(1)&#60;/script>\">]>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\">&x;&ok;</svg>",
        )
        .unwrap();
        assert_eq!(
            out,
            "<!DOCTYPE svg [\n<!ENTITY ok \"fine\">\n]>\n<svg xmlns=\"http://www.w3.org/2000/svg\">&x;&ok;</svg>"
        );
        assert_eq!(
            found,
            [
                (1, 1, Unsafe::Stylesheet("text/xsl".into())),
                (3, 1, Unsafe::Entity("x".into()))
            ]
        );
        let (out, found) =
            svg("<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg><script>alert(1)</script>")
                .unwrap();
        assert_eq!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"><g>");
        assert!(
            matches!(found[..], [(1, 44, Unsafe::Unreadable(_))]),
            "{found:?}"
        );
    }

    #[test]
    fn a_byte_order_mark_and_an_encoding_are_read_and_a_copy_is_utf8() {
        let text = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script></svg>";
        let (out, found) = svg(text).unwrap();
        assert_eq!(
            out,
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"
        );
        assert_eq!(found, [(2, 41, Unsafe::Element("script".into()))]);
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"><text>caf\xe9</text></svg>";
        let copy = publish(Path::new("a.svg"), latin1).unwrap();
        assert_eq!(
            String::from_utf8(copy.bytes.unwrap()).unwrap(),
            "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><text>caf\u{fffd}</text></svg>"
        );
    }

    #[test]
    fn an_html_attachment_with_a_script_is_published_without_it_and_forbids_scripts() {
        let page = "<!DOCTYPE html>\n<html><head><title>Report</title><style>p{color:red}</style></head>\n\
                    <body><p onclick=\"alert(1)\">Latency</p><script>alert(2)</script>\
                    <a href=\"javascript:alert(3)\">x</a></body></html>";
        let p = publish(Path::new("report.html"), page.as_bytes()).unwrap();
        let out = String::from_utf8(p.bytes.unwrap()).unwrap();
        assert!(
            out.starts_with(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\"><title>Report</title><style>p{color:red}</style>"
            ),
            "{out}"
        );
        assert!(!out.contains("alert"), "{out}");
        assert!(out.contains("<p>Latency</p>"), "{out}");
        let at: Vec<(usize, usize)> = p.found.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(at, [(3, 10), (3, 40), (3, 74)]);
        assert!(publish(
            Path::new("report.html"),
            b"<!DOCTYPE html><p>fine</p><style>p{}</style>"
        )
        .is_none());
    }

    #[test]
    fn a_compressed_svg_is_checked_decompressed_and_one_that_is_no_gzip_as_the_svg_it_is() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let clean = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        let p = publish(Path::new("a.svgz"), &gzip(svg.as_bytes())).unwrap();
        assert_eq!(gunzip(&p.bytes.unwrap()).unwrap(), clean.as_bytes());
        assert_eq!(p.found.len(), 1);
        assert!(publish(Path::new("a.SVGZ"), &gzip(clean.as_bytes())).is_none());
        // Named `.svgz` but written plain: a host that does not say it is compressed serves
        // the SVG as it is.
        let p = publish(Path::new("a.svgz"), svg.as_bytes()).unwrap();
        assert_eq!(p.bytes.unwrap(), clean.as_bytes());
        // Cut short: nothing of it is published.
        let mut damaged = gzip(svg.as_bytes());
        damaged.truncate(12);
        let p = publish(Path::new("a.svgz"), &damaged).unwrap();
        assert!(p.bytes.is_none());
        assert!(matches!(
            p.found[..],
            [Found {
                what: Unsafe::Damaged(_),
                line: 1,
                column: 1
            }]
        ));
        assert_eq!(readable(Path::new("a.svgz"), damaged), None);
    }

    #[test]
    fn an_attachment_that_cannot_be_read_is_a_read_error_not_a_write_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::config::Config::default();
        let trusted = Trusted::new(dir.path(), &config);
        let from = dir.path().join("content/gone.png");
        let out = crate::output::Output::memory();
        let e = copy(&out, &from, "gone.png", &trusted).unwrap_err();
        assert!(
            matches!(e, crate::output::OutputError::Read { ref path, .. } if *path == from),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("cannot read "), "{e}");
        assert!(e.hint().is_some_and(|h| h.contains("chmod a+r")), "{e}");
    }

    #[test]
    fn an_attachment_that_cannot_be_read_is_reported_at_the_link_naming_the_file_and_the_chmod_to_run(
    ) {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = unreadable("content/pm/disk.png", "content/pm/a.md", 7, 3, &e);
        assert_eq!(
            (d.rule, d.file.as_str(), d.line, d.column),
            ("io", "content/pm/a.md", 7, 3)
        );
        assert!(
            d.message
                .starts_with("cannot read `content/pm/disk.png`, which is linked or shown here"),
            "{}",
            d.message
        );
        assert!(
            d.hint.contains("`chmod a+r content/pm/disk.png`"),
            "{}",
            d.hint
        );
    }
}
