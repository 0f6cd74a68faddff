/*!
The URLs that raw HTML in a postmortem points at: `<img src>`, `<img srcset>`,
`<source srcset>`, the files a page plays or embeds (`<video src|poster>`, `<audio src>`,
`<source src>`, `<track src>`, `<iframe src>`, `<object data>`, `<embed src>`) and `<a href>`.

Postmortems written for GitHub often use HTML to size an image (`<img src="graph.png"
width="600">`) or to centre it, and embed screen recordings and dashboards. `markdown` sends
these URLs down the same path as Markdown images and links, so that the files are copied beside
the page, rewritten like a Markdown URL and checked (`missing-image`, `broken-link`); an
`<iframe>`, `<object>` or `<embed>` of a postmortem or a learning shows its page, as a link
leads to it. The same tags tell which `<img>` has no text alternative (`missing-alt`),
which anchors the elements offer a link's `#fragment` (their `id`, an `<a>`'s `name`: see
`anchors`), for `broken-anchor` and for the headings' ids, which no element may share, and
where the scripts, event handlers and `javascript:` URLs are that the published page leaves out
(`unsafe-html`; `sanitize` is what leaves them out). This is
a tokenizer of tags, not an HTML parser:
it reads start tags and their attributes as HTML does (tag and attribute names in any case,
values in double quotes, single quotes or none, character references decoded), passes over
comments (ended as a browser ends them), end tags, declarations and the text of the elements
whose text is no HTML (`script`, `style`, `textarea`, `noscript`, `iframe`, ..., but not in an
`<svg>` or a `<math>`, where it is), and never fails: what it cannot read as a tag is text.
The pieces of raw HTML of one page are read in turn, each from where the one before left off,
so that what the probe calls a tag is what the sanitizer, reading the page whole, calls one.
*/

/// How a URL of an attribute is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Shown in the page (`<img src>`, a candidate of `srcset`, `<video poster>`).
    Image,
    /// Played or embedded in the page, with what it is ("video", "audio file", ...):
    /// `<video src>`, `<audio src>`, `<source src>`, `<track src>`, `<iframe src>`,
    /// `<object data>`, `<embed src>`.
    Media(&'static str),
    /// Followed (`<a href>`).
    Link,
}

/// One URL in a piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The URL with character references decoded (`&amp;` is `&`).
    pub url: String,
    /// Byte range of the URL as written in the HTML (inside the quotes).
    pub range: std::ops::Range<usize>,
    /// Byte range of the whole attribute: from its name to the end of its value, the closing
    /// quote included.
    pub attribute: std::ops::Range<usize>,
    pub used: Use,
    /// The attribute's quote (`"` or `'`), or `None` for an unquoted value.
    pub quote: Option<u8>,
}

impl Use {
    /// What the file is, for a file the page shows, plays or embeds; `None` for a link.
    pub fn embedded(self) -> Option<&'static str> {
        match self {
            Use::Image => Some("image"),
            Use::Media(what) => Some(what),
            Use::Link => None,
        }
    }
}

/// What an `<iframe src>` is: an embed that a postmortem's or a learning's page may be, as a
/// link may (see `markdown::resolve_link`).
pub const EMBEDDED_PAGE: &str = "embedded page";

/// What an `<object data>` or an `<embed src>` is: a PDF, an SVG, ... or, as an iframe's, a
/// postmortem's or a learning's page (browsers show an HTML page in either).
pub const EMBEDDED_FILE: &str = "embedded file";

/// Whether an embed of this kind (see [`Use::embedded`]) of a postmortem or a learning shows
/// its page: `<iframe src>`, `<object data>` and `<embed src>` do; an image, a video, an audio
/// file or a text track cannot be a page.
pub fn may_show_a_page(what: &str) -> bool {
    what == EMBEDDED_PAGE || what == EMBEDDED_FILE
}

/// How the URL of an attribute of a tag is used, or `None` for an attribute that holds no
/// single URL (`srcset` holds several). A `<source src>` may be a video's or an audio's: it
/// is a "media file".
fn use_of(tag: &str, attr: &str) -> Option<Use> {
    Some(match (tag, attr) {
        ("img", "src") | ("video", "poster") => Use::Image,
        ("a", "href") => Use::Link,
        ("video", "src") => Use::Media("video"),
        ("audio", "src") => Use::Media("audio file"),
        ("source", "src") => Use::Media("media file"),
        ("track", "src") => Use::Media("text track"),
        ("iframe", "src") => Use::Media(EMBEDDED_PAGE),
        ("object", "data") | ("embed", "src") => Use::Media(EMBEDDED_FILE),
        _ => return None,
    })
}

/// Every URL of `<img src|srcset>`, `<source src|srcset>`, `<video src|poster>`,
/// `<audio src>`, `<track src>`, `<iframe src>`, `<object data>`, `<embed src>` and
/// `<a href>` in `html`, in order.
pub fn urls(html: &str) -> Vec<Url> {
    let mut out = Vec::new();
    // Cheap refusal: nearly every piece of HTML in a postmortem is a comment or a `<br>`.
    let lower_has = |needle: &[u8]| {
        html.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !(lower_has(b"src") || lower_has(b"href") || lower_has(b"data")) {
        return out;
    }
    for tag in tags(html) {
        for attr in &tag.attrs {
            let Some(value) = attr.value.clone() else {
                continue;
            };
            let attribute =
                attr.at..(value.end + usize::from(attr.quote.is_some())).min(html.len());
            match (tag.name.as_str(), attr.name.as_str()) {
                ("img" | "source", "srcset") => {
                    for r in srcset(&html[value.clone()]) {
                        let range = value.start + r.start..value.start + r.end;
                        out.push(Url {
                            url: decode_references(&html[range.clone()]),
                            range,
                            attribute: attribute.clone(),
                            used: Use::Image,
                            quote: attr.quote,
                        });
                    }
                }
                (tag_name, attr_name) => {
                    let Some(used) = use_of(tag_name, attr_name) else {
                        continue;
                    };
                    let raw = &html[value.clone()];
                    let url = decode_references(raw.trim());
                    if url.is_empty() {
                        continue;
                    }
                    // A URL is read without the white space around it, as browsers do.
                    let lead = raw.len() - raw.trim_start().len();
                    let start = value.start + lead;
                    out.push(Url {
                        url,
                        range: start..start + raw.trim().len(),
                        attribute,
                        used,
                        quote: attr.quote,
                    });
                }
            }
        }
    }
    out
}

/// The byte ranges of the `<img>` tags of `html` that give a screen reader nothing to say of
/// the image and do not mark it as decoration: no `alt` attribute (`alt=""` is the mark of a
/// decorative image), no `aria-label`, `aria-labelledby` or `title` with text, no `role` of
/// `presentation` or `none` and no `aria-hidden="true"` (what axe's image-alt rule accepts).
/// A screen reader reads out such an image's file name, or only "image".
pub fn images_without_alt(html: &str) -> Vec<std::ops::Range<usize>> {
    let has_img = html
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"<img"));
    if !has_img {
        return Vec::new();
    }
    tags(html)
        .into_iter()
        .filter(|tag| tag.name == "img")
        .filter(|tag| {
            let value = |name: &str| {
                tag.attrs.iter().find(|a| a.name == name).map(|a| {
                    a.value
                        .clone()
                        .map(|v| decode_references(html[v].trim()))
                        .unwrap_or_default()
                })
            };
            let named = ["aria-label", "aria-labelledby", "title"]
                .iter()
                .any(|a| value(a).is_some_and(|v| !v.is_empty()));
            let hidden = value("role").is_some_and(|r| {
                r.split_ascii_whitespace().next().is_some_and(|r| {
                    r.eq_ignore_ascii_case("presentation") || r.eq_ignore_ascii_case("none")
                })
            }) || value("aria-hidden").is_some_and(|h| h.eq_ignore_ascii_case("true"));
            value("alt").is_none() && !named && !hidden
        })
        .map(|tag| tag.range)
        .collect()
}

/// The anchors the elements of `html` offer a link's `#fragment`, in order, each with whether
/// it is an `id` (else the `name` of an `<a>`, which a browser looks a fragment up by too).
/// Attributes are read as HTML reads them (see [`tags`]): `id="x"`, `ID='x'` and `id=x` are one
/// id, and an `id="x"` in text, in a comment or in a script is none. An empty value is no
/// anchor.
pub fn anchors(html: &str) -> Vec<(bool, String)> {
    // Cheap refusal: an anchor is the value of an attribute.
    if memchr::memchr(b'=', html.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for tag in tags(html) {
        for attr in &tag.attrs {
            let id = attr.name == "id";
            let name = attr.name == "name" && tag.name == "a";
            if !(id || name) {
                continue;
            }
            let value = attr
                .value
                .clone()
                .map_or_else(String::new, |v| decode_references(&html[v]));
            if !value.is_empty() {
                out.push((id, value));
            }
        }
    }
    out
}

/// What a published page leaves out of raw HTML because it would run a script, or show
/// content of its own in the site's name (see [`crate::sanitize`]), for `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// A `<script>` or a `<style>` element, by name: left out with its content.
    Element(String),
    /// An event handler (`onerror`, `onclick`, ...) or `srcdoc`, by name.
    Attribute(String),
    /// A URL with one of the schemes of [`crate::sanitize::removed_scheme`]: `javascript`,
    /// `vbscript`, `data` (but an image's).
    Url(String),
}

/// Every script, style sheet, event handler, `srcdoc` and `javascript:`-like URL of `html`
/// (see [`Unsafe`]), each with the byte range of its start tag, its attribute's name or its
/// URL.
pub fn unsafe_parts(html: &str) -> Vec<(std::ops::Range<usize>, Unsafe)> {
    unsafe_parts_after(html, &mut State::default())
}

/// [`unsafe_parts`] of a piece of raw HTML that follows others in one page, read from where
/// the pieces before it left the tokenizer (`state`), which it leaves where this piece ends. A
/// `<noscript>` in one piece makes the next piece its text up to `</noscript>`, as the
/// sanitizer, which reads the page whole, reads it.
pub fn unsafe_parts_after(html: &str, state: &mut State) -> Vec<(std::ops::Range<usize>, Unsafe)> {
    let mut out = Vec::new();
    for tag in tags_after(html, state) {
        if matches!(tag.name.as_str(), "script" | "style") && !tag.continued {
            out.push((tag.range.clone(), Unsafe::Element(tag.name.clone())));
        }
        for attr in &tag.attrs {
            let handler = attr.name.len() > 2 && attr.name.starts_with("on");
            if handler || attr.name == "srcdoc" {
                let name = attr.at..attr.at + attr.name.len();
                out.push((name, Unsafe::Attribute(attr.name.clone())));
                continue;
            }
            let Some(value) = attr.value.clone() else {
                continue;
            };
            let url = decode_references(&html[value.clone()]);
            if let Some(scheme) = crate::sanitize::removed_scheme(&tag.name, &attr.name, &url) {
                out.push((value, Unsafe::Url(scheme)));
            }
        }
    }
    out
}

/// Where the HTML tokenizer is at the end of a piece of raw HTML, for the piece after it (see
/// [`unsafe_parts_after`]). A page's raw HTML comes in pieces (an HTML block, an inline tag)
/// with escaped text and Markdown's own tags between them, which open nothing of this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    mode: Mode,
    /// How many `<svg>` and `<math>` elements are open: in them no element's text is raw.
    foreign: u32,
    /// How many `<script>` and `<style>` elements are open in them, whose text (read as tags
    /// and text there) the published page leaves out all the same (see [`crate::sanitize`]).
    foreign_hidden: u32,
}

impl State {
    /// Whether the next piece starts as a page does: in text, with no SVG or MathML open.
    pub fn is_start(&self) -> bool {
        *self == State::default()
    }

    /// Whether the next piece of the page is in a `<script>` or a `<style>`, wherever it is
    /// (one of an `<svg>` or a `<math>`, whose text is tags and text, too): the published page
    /// leaves it out with its element (see [`crate::sanitize`]), so the text read from the page
    /// (a summary, a title, what search finds) leaves it out too.
    pub fn in_script_or_style(&self) -> bool {
        self.foreign_hidden > 0
            || matches!(&self.mode, Mode::Raw(name) if name == "script" || name == "style")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Mode {
    /// In text, where a `<` may open a tag.
    #[default]
    Text,
    /// In the text of an element whose text is no HTML (`<noscript>`, `<iframe>`, ...), by
    /// name, up to its end tag.
    Raw(String),
    /// In a comment.
    Comment,
    /// After `<plaintext>`: text to the end.
    Plaintext,
    /// In a start tag, by name: between attributes, or in a value in this quote.
    Tag(String, Option<u8>),
}

/// The elements whose text is no HTML, up to their end tag, as a browser with scripting on
/// (and the sanitizer) reads them: scripts, style sheets, `<textarea>`, `<title>`, and what
/// only shows where scripts or frames do not run (`<noscript>`, `<noembed>`, `<noframes>`,
/// `<iframe>`'s fallback, `<xmp>`). In an `<svg>` or a `<math>` none is: there a `<style>`'s
/// text is read as tags.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "noscript", "noembed", "noframes", "iframe", "xmp",
];

/// A start tag: its name in lower case, its attributes, and its byte range from its `<` to
/// after its `>`.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<Attr>,
    range: std::ops::Range<usize>,
    /// The rest of a start tag that an earlier piece opened (its range starts at 0).
    continued: bool,
}

#[derive(Debug)]
struct Attr {
    /// In lower case.
    name: String,
    /// Byte offset of the name.
    at: usize,
    /// Byte range of the value, without its quotes; `None` for an attribute with no value.
    value: Option<std::ops::Range<usize>>,
    quote: Option<u8>,
}

/// The start tags of `html`, in order.
fn tags(html: &str) -> Vec<Tag> {
    tags_after(html, &mut State::default())
}

/// The start tags of `html` read from `state` (see [`State`]), in order; leaves `state` where
/// `html` ends.
fn tags_after(html: &str, state: &mut State) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    match std::mem::take(&mut state.mode) {
        Mode::Text => {}
        Mode::Plaintext => {
            state.mode = Mode::Plaintext;
            return out;
        }
        Mode::Comment => match crate::sanitize::comment_rest_end(b, 0) {
            Some(end) => i = end,
            None => {
                state.mode = Mode::Comment;
                return out;
            }
        },
        Mode::Raw(name) => match find_ignore_case(b, 0, format!("</{name}").as_bytes()) {
            Some(end) => i = end,
            None => {
                state.mode = Mode::Raw(name);
                return out;
            }
        },
        Mode::Tag(name, quote) => {
            let from = match quote {
                None => 0,
                Some(q) => match memchr::memchr(q, b) {
                    Some(end) => end + 1,
                    None => {
                        state.mode = Mode::Tag(name, quote);
                        return out;
                    }
                },
            };
            let mut tag = Tag {
                name,
                attrs: Vec::new(),
                range: 0..0,
                continued: true,
            };
            let (end, open, self_closing) = attributes(html, from, &mut tag);
            tag.range = 0..end;
            i = end;
            if after_tag(b, &mut i, tag, open, self_closing, state, &mut out) {
                return out;
            }
        }
    }
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        i += k;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            match crate::sanitize::comment_end(b, i + 4) {
                Some(end) => i = end,
                None => {
                    state.mode = Mode::Comment;
                    return out;
                }
            }
            continue;
        }
        match rest.get(1) {
            // An end tag, a declaration (`<!DOCTYPE`, `<![CDATA[`) or an instruction.
            Some(b'/' | b'!' | b'?') => {
                if rest[1] == b'/' {
                    let name: Vec<u8> = rest[2..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .map(u8::to_ascii_lowercase)
                        .collect();
                    if matches!(&name[..], b"svg" | b"math") {
                        state.foreign = state.foreign.saturating_sub(1);
                        // The end of the last picture ends every element open in it.
                        if state.foreign == 0 {
                            state.foreign_hidden = 0;
                        }
                    }
                    if matches!(&name[..], b"script" | b"style") {
                        state.foreign_hidden = state.foreign_hidden.saturating_sub(1);
                    }
                }
                i = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |e| i + e + 1);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            // A `<` that opens no tag is text.
            _ => {
                i += 1;
                continue;
            }
        }
        let name_at = i + 1;
        let name_end = b[name_at..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
            .map_or(b.len(), |p| name_at + p);
        let mut tag = Tag {
            name: html[name_at..name_end].to_ascii_lowercase(),
            attrs: Vec::new(),
            range: 0..0,
            continued: false,
        };
        let (end, open, self_closing) = attributes(html, name_end, &mut tag);
        tag.range = i..end;
        i = end;
        if after_tag(b, &mut i, tag, open, self_closing, state, &mut out) {
            return out;
        }
    }
    out
}

/// Records a start tag that ends at `i` (or is still open: `open`), and moves `i` past the
/// text that follows it when that text is no HTML (see [`RAW_TEXT`]). Returns whether the rest
/// of the piece is read (the tag, or its element's text, runs to its end).
fn after_tag(
    b: &[u8],
    i: &mut usize,
    tag: Tag,
    open: Option<Option<u8>>,
    self_closing: bool,
    state: &mut State,
    out: &mut Vec<Tag>,
) -> bool {
    if let Some(quote) = open {
        state.mode = Mode::Tag(tag.name.clone(), quote);
        out.push(tag);
        return true;
    }
    let name = tag.name.clone();
    out.push(tag);
    if matches!(name.as_str(), "svg" | "math") && !self_closing {
        state.foreign += 1;
    }
    if state.foreign > 0 {
        if matches!(name.as_str(), "script" | "style") && !self_closing {
            state.foreign_hidden += 1;
        }
        return false;
    }
    if name == "plaintext" {
        state.mode = Mode::Plaintext;
        return true;
    }
    if RAW_TEXT.contains(&name.as_str()) {
        let close = format!("</{name}");
        match find_ignore_case(b, *i, close.as_bytes()) {
            Some(end) => *i = end,
            None => {
                state.mode = Mode::Raw(name);
                return true;
            }
        }
    }
    false
}

/// Reads the attributes of a start tag from `i` (after its name, or where an earlier piece left
/// it) into `tag`. Returns the offset after the tag; `None`, or where the piece ended inside the
/// tag, `Some` of the quote of the value it ended in (`Some(None)`: between attributes); and
/// whether the tag closes itself (`/>`).
fn attributes(html: &str, mut i: usize, tag: &mut Tag) -> (usize, Option<Option<u8>>, bool) {
    let b = html.as_bytes();
    loop {
        let mut slash = false;
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            slash = b[i] == b'/';
            i += 1;
        }
        if i >= b.len() {
            return (i, Some(None), false);
        }
        if b[i] == b'>' {
            return (i + 1, None, slash);
        }
        // An attribute name runs to white space, `/`, `>` or `=` (a leading `=` is part of it).
        let start = i;
        i += 1;
        while i < b.len() && !(b[i].is_ascii_whitespace() || matches!(b[i], b'/' | b'>' | b'=')) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= b.len() || b[j] != b'=' {
            tag.attrs.push(Attr {
                name,
                at: start,
                value: None,
                quote: None,
            });
            continue;
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut unclosed = None;
        let (value, quote) = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = match memchr::memchr(q, &b[j + 1..]) {
                    Some(e) => j + 1 + e,
                    None => {
                        unclosed = Some(q);
                        b.len()
                    }
                };
                i = (end + 1).min(b.len());
                (j + 1..end, Some(q))
            }
            _ => {
                let end = b[j..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || *c == b'>')
                    .map_or(b.len(), |p| j + p);
                i = end;
                (j..end, None)
            }
        };
        // The first of two attributes with one name counts, as in HTML.
        if !tag.attrs.iter().any(|a| a.name == name) {
            tag.attrs.push(Attr {
                name,
                at: start,
                value: Some(value),
                quote,
            });
        }
        if unclosed.is_some() {
            return (b.len(), Some(unclosed), false);
        }
    }
}

/// The byte ranges of the URLs of a `srcset` value: candidates are separated by commas, and
/// each is a URL (which may hold commas, as a `data:` URL does) and optional descriptors
/// (`2x`, `400w`), as the HTML standard reads them.
fn srcset(value: &str) -> Vec<std::ops::Range<usize>> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            return out;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut end = i;
        if b[end - 1] == b',' {
            // No descriptors: the commas end the candidate.
            while end > start && b[end - 1] == b',' {
                end -= 1;
            }
        } else {
            // Descriptors up to the next comma outside parentheses.
            let mut depth = 0u32;
            while i < b.len() {
                match b[i] {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
        if end > start {
            out.push(start..end);
        }
    }
}

fn find_ignore_case(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Decodes the character references a URL is likely to hold: `&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, numeric ones, and `&colon;`, `&Tab;` and `&NewLine;`, which hide a
/// `javascript:` URL from a careless reader. Others are kept as written.
pub fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                // What hides a URL's scheme from a reader (`javascript&colon;`).
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str) -> Vec<(&str, Use)> {
        urls(html)
            .into_iter()
            .map(|u| (&html[u.range], u.used))
            .collect()
    }

    #[test]
    fn urls_are_read_in_any_quoting_and_any_case() {
        assert_eq!(
            found(r#"<img src="a.png" width="400"><IMG SRC='b.png'><Img alt=x src=c.png/>"#),
            vec![
                ("a.png", Use::Image),
                ("b.png", Use::Image),
                ("c.png/", Use::Image)
            ]
        );
        assert_eq!(
            found("<img\n  width=600\n  src = \"d.png\"\n>"),
            vec![("d.png", Use::Image)]
        );
        assert_eq!(
            found(r#"<a class=x HREF="runbook.pdf#p2">x</a>"#),
            vec![("runbook.pdf#p2", Use::Link)]
        );
    }

    #[test]
    fn comments_end_tags_scripts_and_other_attributes_hold_no_urls() {
        assert!(found(r#"<!-- <img src="old.png"> --><br>"#).is_empty());
        assert!(found(r#"<script>let s = '<img src="x.png">';</script>"#).is_empty());
        assert!(found(r#"<img data-src="lazy.png" alt="src=x.png"></img>"#).is_empty());
        assert!(found(r#"<div src="x.png"><link href="x.css"></div>"#).is_empty());
        // `a < b` is text, and an unterminated tag is read to the end.
        assert_eq!(found("a < b <img src=e.png"), vec![("e.png", Use::Image)]);
    }

    #[test]
    fn srcset_candidates_are_split_at_commas_outside_urls() {
        assert_eq!(
            found(
                r#"<source srcset="small.png 1x, big.png 2x"><img srcset="a.png 1x,b.png, c.png">"#
            ),
            vec![
                ("small.png", Use::Image),
                ("big.png", Use::Image),
                ("a.png", Use::Image),
                ("b.png", Use::Image),
                ("c.png", Use::Image)
            ]
        );
        // As the HTML standard reads it, a URL runs to white space: a comma inside it (not at
        // its end) is part of it.
        assert_eq!(
            found(r#"<img srcset="a.png,b.png 2x">"#),
            vec![("a.png,b.png", Use::Image)]
        );
        assert_eq!(
            found(r#"<img srcset="data:image/png;base64,AAA= 1x, c.png 2x">"#),
            vec![
                ("data:image/png;base64,AAA=", Use::Image),
                ("c.png", Use::Image)
            ]
        );
    }

    #[test]
    fn character_references_in_a_url_are_decoded() {
        let u = urls(r#"<a href="a.pdf?x=1&amp;y=2&#35;top">"#);
        assert_eq!(u[0].url, "a.pdf?x=1&y=2#top");
        assert_eq!(decode_references("&unknown; &amp"), "&unknown; &amp");
    }

    #[test]
    fn the_files_a_page_plays_or_embeds_are_found_with_what_they_are() {
        let (video, source) = (Use::Media("video"), Use::Media("media file"));
        assert_eq!(
            found(
                "<video src=a.mp4 poster=p.png><source src=b.webm><track src=c.vtt></video>\
                 <audio><source src=d.ogg></audio><audio src=e.mp3>\
                 <iframe src=f.html></iframe><object data=g.svg></object><embed src=h.pdf>"
            ),
            vec![
                ("a.mp4", video),
                ("p.png", Use::Image),
                ("b.webm", source),
                ("c.vtt", Use::Media("text track")),
                ("d.ogg", source),
                ("e.mp3", Use::Media("audio file")),
                ("f.html", Use::Media("embedded page")),
                ("g.svg", Use::Media("embedded file")),
                ("h.pdf", Use::Media("embedded file"))
            ]
        );
        // Attributes that hold no URL of a file stay text.
        assert!(
            found(r#"<video data-src="x.mp4" title="src=y.mp4"><object type="data">"#).is_empty()
        );
    }

    #[test]
    fn anchors_are_ids_in_any_quoting_and_case_and_names_of_links_only_inside_tags() {
        assert_eq!(
            anchors(
                "<a id=\"dq\"></a><SPAN ID='sq'></SPAN><div id=bare/><p\n  Id = \"spaced\">\
                 <a NAME=old></a><input name=field><b id=\"a&amp;b\"><i id=\"\"><i id>"
            ),
            [
                (true, "dq".to_string()),
                (true, "sq".to_string()),
                (true, "bare/".to_string()),
                (true, "spaced".to_string()),
                (false, "old".to_string()),
                (true, "a&b".to_string()),
            ]
        );
        // Text, comments, end tags, scripts and attributes whose names end in `id` hold none.
        assert!(anchors(
            "<p>write id=\"text\" here</p><!-- <a id=\"gone\"> --></a id=\"end\">\
             <script>'<a id=\"js\">'</script><div data-id=\"d\" grid=\"g\">"
        )
        .is_empty());
    }

    #[test]
    fn an_img_is_without_alt_only_when_it_neither_has_a_text_alternative_nor_is_decoration() {
        fn without(html: &str) -> Vec<&str> {
            images_without_alt(html)
                .into_iter()
                .map(|r| &html[r])
                .collect()
        }
        assert_eq!(
            without("<p><img src=a.png>, <IMG SRC='b.png'/> and <img\nsrc=c.png></p>"),
            ["<img src=a.png>", "<IMG SRC='b.png'/>", "<img\nsrc=c.png>"]
        );
        // `alt=""` (or `alt` alone) marks decoration; a name or a role does what alt would.
        assert!(without(
            "<img src=a.png alt=\"\"><img src=a.png alt><img src=a.png alt=\"Disk at 100%\">\
             <img src=a.png aria-label=\"Disk\"><img src=a.png aria-labelledby=cap>\
             <img src=a.png title=Disk><img src=a.png role=presentation>\
             <img src=a.png role=\"none\"><img src=a.png aria-hidden=\"true\">"
        )
        .is_empty());
        // An empty name is none, and other tags, comments and scripts hold no image.
        assert_eq!(
            without("<img src=a.png title=\" \" role=img>"),
            ["<img src=a.png title=\" \" role=img>"]
        );
        assert!(without(
            "<!-- <img src=a.png> --><script>'<img src=a.png>'</script><image src=a.png>"
        )
        .is_empty());
    }

    #[test]
    fn the_probe_reads_raw_text_comments_and_foreign_content_as_the_sanitizer_does() {
        fn handlers(pieces: &[&str]) -> Vec<String> {
            let mut state = State::default();
            pieces
                .iter()
                .flat_map(|p| unsafe_parts_after(p, &mut state))
                .filter_map(|(_, u)| match u {
                    Unsafe::Attribute(name) => Some(name),
                    _ => None,
                })
                .collect()
        }
        // A `<noscript>`'s text ends at `</noscript>`, in one piece or in the next.
        let hidden = r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>"#;
        assert_eq!(handlers(&[hidden]), ["onerror"]);
        assert_eq!(
            handlers(&[
                "<noscript>",
                r#"<p title="</noscript><img src=x onerror=alert(1)>">"#,
                "</noscript>"
            ]),
            ["onerror"]
        );
        // What is text to a browser is no tag.
        assert!(handlers(&["<noscript><img onerror=x></noscript>"]).is_empty());
        assert!(
            handlers(&["<iframe>", "<img onerror=x>", "</iframe><b onclick=y>"]) == ["onclick"]
        );
        assert!(handlers(&["<plaintext>", "<img onerror=x>"]).is_empty());
        // `--!>` ends a comment, and a comment may end in a later piece.
        assert_eq!(handlers(&["<!-- a --!><img onerror=x> -->"]), ["onerror"]);
        assert_eq!(
            handlers(&["<!-- a", "<b onclick=x>", "--><i onclick=y>"]),
            ["onclick"]
        );
        // In an `<svg>`, a `<style>`'s text is tags; after `</svg>`, it is text again.
        assert_eq!(
            handlers(&["<svg><style><img onerror=x></style></svg>"]),
            ["onerror"]
        );
        assert!(handlers(&["<svg/><style><img onerror=x></style>"]).is_empty());
        // A tag that a piece leaves open goes on in the next.
        assert_eq!(handlers(&["<b title='x", "' onclick=y>"]), ["onclick"]);
        assert_eq!(handlers(&["<b", " onclick=y>"]), ["onclick"]);
    }
}
