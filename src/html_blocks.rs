/*!
Postmortems written in HTML inside Markdown: a block of raw HTML that is the document's own
structure (`<h2>Lessons learned</h2><ul><li>...</li></ul>`, as a page saved from a wiki or
copied from a rich-text editor reads) is read as the Markdown it stands for, so that its title,
sections, learnings and action items are found and its headings get anchors like any other.

A block is read this way when it holds a heading or a list and no comment (a learning mark is
one). Headings, paragraphs, lists, rules and the inline elements of text (bold, italics, code,
links, line breaks) become Markdown events; `<div>`, `<section>` and the like are read
through; what Markdown has no syntax for (a table, an image, a `<details>`, a script) is kept
as written, as raw HTML inside the read block, so its tables are read and it is sanitized as
before. What a rich-text editor adds for looks is left out, so the theme sets fonts and
colours: `style`, `class` and other attributes (a link keeps its `href` and `title`, a list
its `start`, and each `id` stays an anchor), and the styles of what is kept as written; a
weight or slant set by `style` is bold or italics; an inline element around blocks (Google
Docs wraps a page in `<b>`) is read as a `<div>`; a list written straight inside another (as
Google Docs nests them) belongs to the item before it. Each event keeps the place in the body
where its element or text is written, so findings still name the right line.
*/

use std::ops::Range;

use markup5ever_rcdom::{Handle, NodeData};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

/// Markdown blocks: headings, paragraphs, lists, items and rules.
const BLOCKS: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "hr",
];
/// Elements around blocks that say nothing themselves, read through as `<div>` is.
const CONTAINERS: &[&str] = &[
    "div", "section", "article", "header", "footer", "main", "aside", "center",
];
/// Inline elements of text that Markdown writes (or [`KEPT`] ones).
const INLINE: &[&str] = &[
    "strong", "b", "em", "i", "code", "a", "br", "span", "u", "s", "del", "strike", "sup", "sub",
    "kbd", "mark", "small", "font",
];
/// Inline elements written back as they are, without attributes: they mean something
/// Markdown has no syntax for.
const KEPT: &[&str] = &["sup", "sub", "kbd", "mark", "small"];
/// Elements that show nothing and are left out (a clipboard's `<meta charset>`).
const UNSEEN: &[&str] = &["meta"];
/// Blocks Markdown has no events for, kept as raw HTML (as written, so that the tables of an
/// HTML block are read as before and findings in them keep their place). Any other element
/// (an image, an SVG) is kept as inline raw HTML.
const RAW_BLOCKS: &[&str] = &[
    "table",
    "pre",
    "blockquote",
    "figure",
    "details",
    "dl",
    "address",
    "fieldset",
    "form",
    "dialog",
    "menu",
    "nav",
    "hgroup",
    "noscript",
    "script",
    "style",
    "template",
    "video",
    "audio",
    "iframe",
    "object",
    "canvas",
    "textarea",
    "select",
];
/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// What an element is to the reading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Block,
    Container,
    Inline,
    Unseen,
    RawBlock,
    RawInline,
}

/// What `node` is, if it is an element.
fn kind(node: &Handle) -> Option<Kind> {
    let NodeData::Element { name, .. } = &node.data else {
        return None;
    };
    let tag = &*name.local;
    Some(if name.ns != html5ever::ns!(html) {
        Kind::RawInline
    } else if BLOCKS.contains(&tag) {
        Kind::Block
    } else if CONTAINERS.contains(&tag) {
        Kind::Container
    } else if INLINE.contains(&tag) {
        Kind::Inline
    } else if UNSEEN.contains(&tag) {
        Kind::Unseen
    } else if RAW_BLOCKS.contains(&tag) {
        Kind::RawBlock
    } else {
        Kind::RawInline
    })
}

/// A Markdown event with the range of the body it is read from.
type Placed<'a> = (Event<'a>, Range<usize>);

/// The events of a Markdown body (with their ranges), each HTML block of plain structure
/// replaced by the events of the Markdown it stands for. So is a paragraph of the body's top
/// level that opens with an HTML tag: Markdown reads HTML that opens with an inline tag
/// (`<b>`, `<meta>`, as a page copied from Google Docs does) as a paragraph.
pub fn read_structure<'a>(events: impl Iterator<Item = Placed<'a>>, body: &str) -> Vec<Placed<'a>> {
    let mut out = Vec::new();
    // The events of an HTML block or a paragraph that may be read, and where it is written.
    let mut held: Option<(Vec<Placed<'a>>, Range<usize>)> = None;
    // How many lists, quotes and the like the events are in.
    let mut depth = 0usize;
    for (event, range) in events {
        let opens = |e: &Event| match e {
            Event::Start(Tag::HtmlBlock) => true,
            Event::Start(Tag::Paragraph) => depth == 0,
            _ => false,
        };
        let Some((events, at)) = &mut held else {
            match &event {
                e if opens(e) => held = Some((Vec::new(), range.clone())),
                Event::Start(Tag::Paragraph | Tag::HtmlBlock) => {}
                Event::Start(_) => depth += 1,
                Event::End(TagEnd::Paragraph | TagEnd::HtmlBlock) => {}
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            match &mut held {
                Some((events, _)) => events.push((event, range)),
                None => out.push((event, range)),
            }
            continue;
        };
        // A paragraph that does not open with a tag is Markdown.
        if events.len() == 1
            && matches!(events[0].0, Event::Start(Tag::Paragraph))
            && !matches!(event, Event::InlineHtml(_))
        {
            out.append(events);
            out.push((event, range));
            held = None;
            continue;
        }
        at.end = at.end.max(range.end);
        let ends = matches!(event, Event::End(TagEnd::HtmlBlock | TagEnd::Paragraph));
        events.push((event, range));
        if ends {
            let (events, at) = held.take().expect("held");
            match structure(&body[at.clone()], at.start) {
                Some(read) => out.extend(read),
                None => out.extend(events),
            }
        }
    }
    if let Some((events, _)) = held {
        out.extend(events);
    }
    out
}

/// The Markdown events of an HTML block of plain structure written at `offset` in the body, or
/// `None` when it is not one.
fn structure<'a>(html: &str, offset: usize) -> Option<Vec<Placed<'a>>> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<!--") || lower.contains("<![cdata[") {
        return None;
    }
    let dom = crate::sanitize::fragment(html);
    let root = dom.document.children.borrow().first()?.clone();
    if !shaped(&root) {
        return None;
    }
    let mut w = Writer {
        html,
        lower: &lower,
        offset,
        cursor: 0,
        out: Vec::new(),
    };
    w.blocks(&root);
    Some(w.out)
}

/// Whether a heading or a list is under `node`, outside what is kept raw.
fn shaped(node: &Handle) -> bool {
    node.children
        .borrow()
        .iter()
        .any(|child| match kind(child) {
            Some(Kind::RawBlock | Kind::RawInline) => false,
            _ => {
                matches!(
                    element_tag(child).as_deref(),
                    Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li")
                ) || shaped(child)
            }
        })
}

/// Writes the events of a block's DOM, finding where each element and text is written.
struct Writer<'h, 'a> {
    /// The block as written.
    html: &'h str,
    /// The block as written, lowercased (ASCII), to find tags in.
    lower: &'h str,
    /// Where the block starts in the body.
    offset: usize,
    /// How far into the block the elements read so far are written.
    cursor: usize,
    out: Vec<Placed<'a>>,
}

impl<'a> Writer<'_, 'a> {
    /// Where the next `<tag` (or `</tag`, with `open` = "</") is written from `from` on: not
    /// where a longer name starts (`<b` is not the start of `<br>`).
    fn find_tag(&self, from: usize, open: &str, tag: &str) -> Option<usize> {
        let name = format!("{open}{tag}");
        self.lower[from..]
            .match_indices(&name)
            .map(|(i, _)| from + i)
            .find(|&i| {
                self.lower[i + name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
            })
    }

    /// Where the tag written at `at` ends, past its `>`.
    fn tag_end(&self, at: usize) -> usize {
        self.lower[at..]
            .find('>')
            .map_or(self.lower.len(), |e| at + e + 1)
    }

    /// The range of the next `<tag` in the block, moving past it (or where the last one was).
    fn tag_at(&mut self, tag: &str) -> Range<usize> {
        match self.find_tag(self.cursor, "<", tag) {
            Some(start) => {
                let end = self.tag_end(start);
                self.cursor = end;
                self.offset + start..self.offset + end
            }
            None => self.here(),
        }
    }

    /// The range of the next element `tag` as written, from its start tag to the end tag that
    /// closes it (elements of the same name inside it counted), moving past it.
    fn element_at(&mut self, tag: &str) -> Range<usize> {
        let open = self.tag_at(tag);
        if open.is_empty() || VOID.contains(&tag) {
            return open;
        }
        let mut at = self.cursor;
        let mut depth = 1;
        while depth > 0 {
            let close = self.find_tag(at, "</", tag);
            match (self.find_tag(at, "<", tag), close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    at = self.tag_end(o);
                }
                (_, Some(c)) => {
                    depth -= 1;
                    at = self.tag_end(c);
                }
                (_, None) => at = self.lower.len(),
            }
            if at == self.lower.len() {
                break;
            }
        }
        self.cursor = at;
        open.start..self.offset + at
    }

    /// An element kept as raw HTML, as written: a block of its own, or inline HTML.
    fn raw(&mut self, node: &Handle, block: bool) {
        let Some(tag) = element_tag(node) else { return };
        let at = self.element_at(&tag);
        let text = without_styles(&self.html[at.start - self.offset..at.end - self.offset]);
        if !block {
            return self.push(Event::InlineHtml(text.into()), at);
        }
        let newline = !text.ends_with('\n');
        self.push(Event::Start(Tag::HtmlBlock), at.clone());
        self.push(Event::Html(text.into()), at.clone());
        if newline {
            self.push(Event::Html("\n".into()), at.end..at.end);
        }
        self.push(Event::End(TagEnd::HtmlBlock), at);
    }

    /// The range of the next text whose first word is `text`'s, moving past it.
    fn text_at(&mut self, text: &str) -> Range<usize> {
        let first = text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match self.lower[self.cursor..].find(&first) {
            Some(i) if !first.is_empty() => {
                let start = self.cursor + i;
                self.cursor = start + first.len();
                self.offset + start..self.offset + start + first.len()
            }
            _ => self.offset + self.cursor..self.offset + self.cursor,
        }
    }

    fn push(&mut self, event: Event<'a>, range: Range<usize>) {
        self.out.push((event, range));
    }

    /// Where the cursor is, as an empty range of the body.
    fn here(&self) -> Range<usize> {
        self.offset + self.cursor..self.offset + self.cursor
    }

    /// Block content: each block element in turn, runs of inline content as paragraphs.
    fn blocks(&mut self, node: &Handle) {
        let children: Vec<Handle> = node.children.borrow().iter().cloned().collect();
        self.blocks_of(&children, false);
    }

    /// Each block of `children` in turn; runs of inline content between them are paragraphs,
    /// or, when `tight` (an item's text before its nested list), text.
    fn blocks_of(&mut self, children: &[Handle], tight: bool) {
        let mut run: Vec<Handle> = Vec::new();
        for child in children {
            if !block_like(child) {
                run.push(child.clone());
                continue;
            }
            self.run(&mut run, tight);
            if block_tag(child).is_some() {
                self.block(child);
            } else if kind(child) == Some(Kind::RawBlock) {
                self.raw(child, true);
            } else if let Some(tag) = element_tag(child) {
                // An inline element around blocks (Google Docs' `<b>` around a page).
                self.tag_at(&tag);
                self.anchor(child);
                self.blocks(child);
            }
        }
        self.run(&mut run, tight);
    }

    /// Inline content between blocks, as a paragraph when it holds any text (or as text when
    /// `tight`).
    fn run(&mut self, run: &mut Vec<Handle>, tight: bool) {
        if tight {
            for n in run.iter() {
                self.inline(n);
            }
            self.trim_last_text();
        } else if run.iter().any(shows) {
            let at = self.here();
            self.push(Event::Start(Tag::Paragraph), at.clone());
            for n in run.iter() {
                self.inline(n);
            }
            self.trim_last_text();
            self.push(Event::End(TagEnd::Paragraph), at);
        }
        run.clear();
    }

    fn block(&mut self, node: &Handle) {
        let Some(tag) = block_tag(node) else { return };
        let at = self.tag_at(&tag);
        let (start, end) = match tag.as_str() {
            t if CONTAINERS.contains(&t) => {
                self.anchor(node);
                return self.blocks(node);
            }
            "hr" => return self.push(Event::Rule, at),
            "p" => (Tag::Paragraph, TagEnd::Paragraph),
            "ul" | "ol" => {
                let start = (tag == "ol").then(|| {
                    attr(node, "start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                });
                self.anchor(node);
                return self.list(node, start, at);
            }
            // An item whose list opened in an earlier block (a blank line between items).
            "li" => {
                self.push(Event::Start(Tag::List(None)), at.clone());
                self.cursor = at.start - self.offset;
                self.item(node, &[]);
                self.push(Event::End(TagEnd::List(false)), at);
                return;
            }
            h => {
                let level = match h {
                    "h1" => HeadingLevel::H1,
                    "h2" => HeadingLevel::H2,
                    "h3" => HeadingLevel::H3,
                    "h4" => HeadingLevel::H4,
                    "h5" => HeadingLevel::H5,
                    _ => HeadingLevel::H6,
                };
                (
                    Tag::Heading {
                        level,
                        id: id_of(node).map(CowStr::from),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    },
                    TagEnd::Heading(level),
                )
            }
        };
        self.push(Event::Start(start), at.clone());
        if tag == "p" {
            self.anchor(node);
        }
        for child in node.children.borrow().iter() {
            self.inline(child);
        }
        self.trim_last_text();
        self.push(Event::End(end), at);
    }

    /// A list and its items. A list written straight inside it, as Google Docs nests lists,
    /// belongs to the item before it; other content outside any item is an item of its own.
    fn list(&mut self, node: &Handle, start: Option<u64>, at: Range<usize>) {
        self.push(Event::Start(Tag::List(start)), at.clone());
        let children: Vec<Handle> = node.children.borrow().iter().cloned().collect();
        let mut i = 0;
        while i < children.len() {
            let child = &children[i];
            i += 1;
            let li = block_tag(child).as_deref() == Some("li");
            if !li && text_of(child).trim().is_empty() && !holds(child, &["li", "hr"]) {
                continue;
            }
            let mut tail = Vec::new();
            if li {
                while let Some(next) = children.get(i) {
                    if is_list(next) {
                        tail.push(next.clone());
                    } else if !(text_of(next).trim().is_empty() && element_tag(next).is_none()) {
                        break;
                    }
                    i += 1;
                }
            }
            self.item(child, &tail);
        }
        self.push(Event::End(TagEnd::List(start.is_some())), at);
    }

    /// A list item: an `<li>`'s content, then the lists in `tail` (written after it, straight
    /// inside its list). Any other node is the content of an item of its own.
    fn item(&mut self, node: &Handle, tail: &[Handle]) {
        let li = block_tag(node).as_deref() == Some("li");
        let at = if li { self.tag_at("li") } else { self.here() };
        let mut content: Vec<Handle> = if li {
            node.children.borrow().iter().cloned().collect()
        } else {
            vec![node.clone()]
        };
        content.extend(tail.iter().cloned());
        self.push(Event::Start(Tag::Item), at.clone());
        if li {
            self.anchor(node);
        }
        // Text with at most lists after it is a tight item, as Markdown writes one.
        let tight = content.iter().all(|c| !block_like(c) || is_list(c));
        self.blocks_of(&content, tight);
        self.push(Event::End(TagEnd::Item), at);
    }

    /// An empty element with the id of `node`, where anything may link to it.
    fn anchor(&mut self, node: &Handle) {
        if let Some(id) = id_of(node) {
            let at = self.here();
            let html = format!("<span id=\"{}\"></span>", crate::markdown::escape(&id));
            self.push(Event::InlineHtml(html.into()), at);
        }
    }

    /// Inline content, white space collapsed as a browser shows it.
    fn inline(&mut self, node: &Handle) {
        match &node.data {
            NodeData::Text { contents } => {
                let raw = contents.borrow().to_string();
                let mut text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                if text.is_empty() {
                    if !raw.is_empty() && self.ends_with_word() {
                        self.push_text(" ".into());
                    }
                    return;
                }
                if raw.starts_with(char::is_whitespace) && self.ends_with_word() {
                    text.insert(0, ' ');
                }
                if raw.ends_with(char::is_whitespace) {
                    text.push(' ');
                }
                self.push_text(text);
            }
            NodeData::Element { name, .. } => {
                let tag = name.local.to_string();
                match kind(node) {
                    Some(Kind::Unseen) => return,
                    Some(Kind::RawBlock | Kind::RawInline) => return self.raw(node, false),
                    _ => {}
                }
                let at = self.tag_at(&tag);
                self.anchor(node);
                let (bold, italic) = looks(&attr(node, "style").unwrap_or_default());
                let mut wraps: Vec<(Event<'a>, Event<'a>)> = Vec::new();
                let strong = || (Event::Start(Tag::Strong), Event::End(TagEnd::Strong));
                let emphasis = || (Event::Start(Tag::Emphasis), Event::End(TagEnd::Emphasis));
                match tag.as_str() {
                    "br" => return self.push(Event::HardBreak, at),
                    "code" => {
                        let text = text_of(node);
                        let at = self.text_at(&text);
                        return self.push(Event::Code(text.into()), at);
                    }
                    "strong" | "b" if bold != Some(false) => wraps.push(strong()),
                    "em" | "i" if italic != Some(false) => wraps.push(emphasis()),
                    "s" | "del" | "strike" => wraps.push((
                        Event::Start(Tag::Strikethrough),
                        Event::End(TagEnd::Strikethrough),
                    )),
                    "a" => {
                        if let Some(href) = attr(node, "href") {
                            let title = attr(node, "title").unwrap_or_default();
                            wraps.push((
                                Event::Start(Tag::Link {
                                    link_type: LinkType::Inline,
                                    dest_url: href.into(),
                                    title: title.into(),
                                    id: CowStr::Borrowed(""),
                                }),
                                Event::End(TagEnd::Link),
                            ));
                        }
                    }
                    t if KEPT.contains(&t) => wraps.push((
                        Event::InlineHtml(format!("<{t}>").into()),
                        Event::InlineHtml(format!("</{t}>").into()),
                    )),
                    _ => {}
                }
                if bold == Some(true) && !matches!(tag.as_str(), "strong" | "b") {
                    wraps.push(strong());
                }
                if italic == Some(true) && !matches!(tag.as_str(), "em" | "i") {
                    wraps.push(emphasis());
                }
                for (start, _) in &wraps {
                    self.push(start.clone(), at.clone());
                }
                for child in node.children.borrow().iter() {
                    self.inline(child);
                }
                for (_, end) in wraps.into_iter().rev() {
                    self.push(end, at.clone());
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, text: String) {
        let at = self.text_at(&text);
        self.push(Event::Text(text.into()), at);
    }

    /// Whether the last event is text that does not end in white space.
    fn ends_with_word(&self) -> bool {
        match self.out.last() {
            Some((Event::Text(t), _)) => !t.ends_with(' '),
            Some((Event::End(_), _)) => true,
            // An image kept as written stands as a word; an anchor does not.
            Some((Event::InlineHtml(h), _)) => !h.starts_with("<span id=\""),
            _ => false,
        }
    }

    /// Leaves out the white space that ends the last text of a heading, paragraph or item.
    fn trim_last_text(&mut self) {
        if let Some((Event::Text(t), _)) = self.out.last_mut() {
            let trimmed = t.trim_end().to_string();
            *t = trimmed.into();
        }
    }
}

/// The tag of a block element ([`BLOCKS`] or [`CONTAINERS`]), if `node` is one.
fn block_tag(node: &Handle) -> Option<String> {
    matches!(kind(node), Some(Kind::Block | Kind::Container))
        .then(|| element_tag(node))
        .flatten()
}

/// `html` with each `style` attribute blanked out, space for byte, so that what is kept as
/// written takes its fonts and colours from the theme too (Google Docs writes `color:#000000`
/// on every cell, unreadable on a dark background) and every finding in it keeps its column.
fn without_styles(html: &str) -> String {
    static STYLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let style = STYLE.get_or_init(|| {
        regex::Regex::new(r#"(?i)\sstyle\s*=\s*(?:"[^"]*"|'[^']*')"#).expect("a valid pattern")
    });
    let mut out = html.to_string();
    for m in style.find_iter(html) {
        // After the white space that parts it from the attribute before.
        out.replace_range(m.start() + 1..m.end(), &" ".repeat(m.len() - 1));
    }
    out
}

/// The tag of an element of any kind.
fn element_tag(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

/// Whether `node` is a list.
fn is_list(node: &Handle) -> bool {
    matches!(block_tag(node).as_deref(), Some("ul" | "ol"))
}

/// Whether `node` is a block (one kept raw too), or an inline element around one.
fn block_like(node: &Handle) -> bool {
    match kind(node) {
        Some(Kind::Block | Kind::Container | Kind::RawBlock) => true,
        Some(Kind::Inline) => node.children.borrow().iter().any(block_like),
        _ => false,
    }
}

/// Whether `node` shows anything: text, or an element kept raw (an image).
fn shows(node: &Handle) -> bool {
    match kind(node) {
        Some(Kind::RawBlock | Kind::RawInline) => true,
        Some(Kind::Unseen) => false,
        Some(_) => node.children.borrow().iter().any(shows),
        None => !text_of(node).trim().is_empty(),
    }
}

/// Whether an element of one of `tags` is under `node`.
fn holds(node: &Handle, tags: &[&str]) -> bool {
    node.children.borrow().iter().any(|c| {
        matches!(&c.data, NodeData::Element { name, .. } if tags.contains(&&*name.local))
            || holds(c, tags)
    })
}

/// The id an element can be linked to by: its `id`, or an `<a name>`. Not the id Google Docs
/// gives what it copies (`docs-internal-guid-...`), which nothing links to.
fn id_of(node: &Handle) -> Option<String> {
    attr(node, "id")
        .or_else(|| {
            (element_tag(node).as_deref() == Some("a"))
                .then(|| attr(node, "name"))
                .flatten()
        })
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty() && !id.starts_with("docs-internal-guid-"))
}

/// Whether a `style` makes text bold and whether italic (`None` where it says nothing):
/// rich-text editors write both as style, Google Docs on every span.
fn looks(style: &str) -> (Option<bool>, Option<bool>) {
    let (mut bold, mut italic) = (None, None);
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let value = value.trim().to_ascii_lowercase();
        match prop.trim().to_ascii_lowercase().as_str() {
            "font-weight" => {
                bold = Some(match value.parse::<u32>() {
                    Ok(n) => n >= 600,
                    Err(_) => matches!(value.as_str(), "bold" | "bolder"),
                })
            }
            "font-style" => italic = Some(matches!(value.as_str(), "italic" | "oblique")),
            _ => {}
        }
    }
    (bold, italic)
}

/// The value of an attribute of an element.
fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// The text under a node, white space collapsed.
fn text_of(node: &Handle) -> String {
    fn walk(node: &Handle, out: &mut String) {
        match &node.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            _ => {
                for c in node.children.borrow().iter() {
                    walk(c, out);
                }
            }
        }
    }
    let mut s = String::new();
    walk(node, &mut s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    /// The events of `body` as the Markdown pass reads them, with their ranges.
    fn placed(body: &str) -> Vec<Placed<'_>> {
        read_structure(
            Parser::new_ext(body, crate::markdown::options()).into_offset_iter(),
            body,
        )
    }

    fn read(body: &str) -> Vec<Event<'static>> {
        placed(body)
            .into_iter()
            .map(|(e, _)| e.into_static())
            .collect()
    }

    /// The HTML pulldown-cmark writes for the events `read` gives.
    fn rendered(body: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, read(body).into_iter());
        html
    }

    #[test]
    fn a_block_of_headings_paragraphs_and_lists_is_read_as_the_markdown_it_stands_for() {
        let body = "<h2>Lessons learned</h2>\n<p>We <strong>learned</strong>:</p>\n<ul>\n  <li>Config changes need review</li>\n  <li>Canary <a href=\"https://x.org\">pushes</a></li>\n</ul>\n";
        assert_eq!(
            rendered(body),
            "<h2>Lessons learned</h2>\n<p>We <strong>learned</strong>:</p>\n<ul>\n<li>Config changes need review</li>\n<li>Canary <a href=\"https://x.org\">pushes</a></li>\n</ul>\n"
        );
    }

    #[test]
    fn items_after_a_blank_line_inside_a_list_are_read_as_a_list_of_their_own() {
        let body = "<h2>Action items</h2>\n<ul>\n<li>One</li>\n\n<li>Two</li>\n</ul>\n";
        assert_eq!(
            rendered(body),
            "<h2>Action items</h2>\n<ul>\n<li>One</li>\n</ul>\n<ul>\n<li>Two</li>\n</ul>\n"
        );
    }

    #[test]
    fn a_block_with_a_comment_or_with_no_heading_or_list_stays_raw_html() {
        for body in [
            "<h2>Summary</h2>\n<!-- note -->\n<p>Text.</p>\n",
            "<p>Only a paragraph, no heading or list.</p>\n",
            "<table><tr><td><h2>In a table</h2></td></tr></table>\n",
        ] {
            let events = read(body);
            assert!(
                events.iter().any(|e| matches!(e, Event::Html(_))),
                "{body}: {events:?}"
            );
            assert!(
                !events
                    .iter()
                    .any(|e| matches!(e, Event::Start(Tag::Heading { .. }))),
                "{body}"
            );
        }
    }

    #[test]
    fn a_table_or_an_image_in_a_read_block_is_kept_as_written() {
        let body = "<h2>Timeline</h2>\n<TABLE class=\"t\"><tr><td>09:00</td><td><table><tr><td>x</td></tr></table></td></tr></TABLE>\n<p>See <img src=\"g.png\" alt=\"graph\"> here.</p>\n<ul><li>One</li></ul>\n";
        assert_eq!(
            rendered(body),
            concat!(
                "<h2>Timeline</h2>\n",
                "<TABLE class=\"t\"><tr><td>09:00</td><td><table><tr><td>x</td></tr></table></td></tr></TABLE>\n",
                "<p>See <img src=\"g.png\" alt=\"graph\"> here.</p>\n",
                "<ul>\n<li>One</li>\n</ul>\n"
            )
        );
        let events = placed(body);
        let table = events
            .iter()
            .find(|(e, _)| matches!(e, Event::Html(h) if h.starts_with("<TABLE")))
            .expect("the table");
        assert!(body[table.1.clone()].ends_with("</TABLE>"));
    }

    #[test]
    fn a_page_copied_from_google_docs_is_read_without_its_styles() {
        let body = concat!(
            "<meta charset=\"utf-8\"><b style=\"font-weight:normal;\" id=\"docs-internal-guid-1f\">",
            "<h1 dir=\"ltr\" style=\"line-height:1.38\"><span style=\"font-size:20pt;color:#000000\">Checkout outage</span></h1>",
            "<p dir=\"ltr\"><span style=\"font-weight:700\">Impact:</span><span style=\"font-weight:400\"> carts </span>",
            "<span style=\"font-style:italic\">emptied</span></p>",
            "<h2 id=\"h.lessons\" class=\"c3\"><span class=\"c7\">Lessons learned</span></h2>",
            "<ul style=\"margin:0\"><li dir=\"ltr\" aria-level=\"1\"><p dir=\"ltr\" role=\"presentation\"><span>Config is code</span></p></li>",
            "<ul><li aria-level=\"2\"><p role=\"presentation\"><span>Review it</span></p></li></ul>",
            "<li aria-level=\"1\"><p role=\"presentation\"><span>Canary first</span></p></li></ul></b>",
            "<br class=\"Apple-interchange-newline\">\n",
        );
        assert_eq!(
            rendered(body),
            concat!(
                "<h1>Checkout outage</h1>\n",
                "<p><strong>Impact:</strong> carts <em>emptied</em></p>\n",
                "<h2 id=\"h.lessons\">Lessons learned</h2>\n",
                "<ul>\n<li>\n<p>Config is code</p>\n<ul>\n<li>\n<p>Review it</p>\n</li>\n</ul>\n</li>\n",
                "<li>\n<p>Canary first</p>\n</li>\n</ul>\n",
            )
        );
    }

    #[test]
    fn a_list_nested_straight_inside_a_list_belongs_to_the_item_before_it() {
        let body = "<h2>Action items</h2>\n<ul><li>Alerting</li><ul><li>Page on 5xx</li></ul><li>Runbook</li></ul>\n";
        assert_eq!(
            rendered(body),
            "<h2>Action items</h2>\n<ul>\n<li>Alerting\n<ul>\n<li>Page on 5xx</li>\n</ul>\n</li>\n<li>Runbook</li>\n</ul>\n"
        );
    }

    #[test]
    fn ids_stay_anchors_and_a_link_without_href_is_no_link() {
        let body = "<h2 id=\"Postmortem-Timeline\" class=\"x\">Timeline</h2>\n<p id=\"note\">See <a name=\"top\"></a>the <a href=\"#note\" title=\"Note\">note</a>.</p>\n<ul><li>One</li></ul>\n";
        assert_eq!(
            rendered(body),
            "<h2 id=\"Postmortem-Timeline\">Timeline</h2>\n<p><span id=\"note\"></span>See <span id=\"top\"></span>the <a href=\"#note\" title=\"Note\">note</a>.</p>\n<ul>\n<li>One</li>\n</ul>\n"
        );
    }

    #[test]
    fn a_tag_is_found_by_its_whole_name() {
        let body = "<h2>Summary</h2>\n<p>One<br>two <b>three</b></p>\n<ul><li>x</li></ul>\n";
        let events = placed(body);
        let bold = events
            .iter()
            .find(|(e, _)| matches!(e, Event::Start(Tag::Strong)))
            .expect("the bold text");
        assert_eq!(&body[bold.1.clone()], "<b>");
    }

    #[test]
    fn each_element_of_a_read_block_keeps_where_it_is_written() {
        let body = "Intro.\n\n<h2>Summary</h2>\n<ul>\n<li>First</li>\n<li>Second</li>\n</ul>\n";
        let events = placed(body);
        let second = events
            .iter()
            .find(|(e, _)| matches!(e, Event::Text(t) if &**t == "Second"))
            .expect("the second item's text");
        assert_eq!(&body[second.1.clone()], "Second");
        let heading = events
            .iter()
            .find(|(e, _)| matches!(e, Event::Start(Tag::Heading { .. })))
            .expect("the heading");
        assert_eq!(&body[heading.1.clone()], "<h2>");
    }
}
