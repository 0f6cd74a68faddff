/*!
Postmortems written in HTML inside Markdown: a block of raw HTML that is the document's own
structure (`<h2>Lessons learned</h2><ul><li>...</li></ul>`, as a page saved from a wiki or a
rich-text editor reads) is read as the Markdown it stands for, so that its title, sections,
learnings and action items are found and its headings get anchors like any other.

Only a block of plain structure is read this way: headings, paragraphs, lists and the inline
elements of text (bold, italics, code, links, line breaks, `<span>` and `<div>` around them),
with at least one heading or list. A block holding anything else (a table, an image, a
comment, a `<details>`, a script, an attribute other than a link's `href` or a list's
`start`) stays raw HTML, rendered and sanitized as before. Each event keeps the place in the
body where its element or text is written, so findings still name the right line.
*/

use std::ops::Range;

use markup5ever_rcdom::{Handle, NodeData};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

/// The elements a block of plain structure may hold.
const BLOCKS: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "div",
];
const INLINE: &[&str] = &["strong", "b", "em", "i", "code", "a", "br", "span", "u"];

/// A Markdown event with the range of the body it is read from.
type Placed<'a> = (Event<'a>, Range<usize>);

/// The events of a Markdown body (with their ranges), each HTML block of plain structure
/// replaced by the events of the Markdown it stands for.
pub fn read_structure<'a>(events: impl Iterator<Item = Placed<'a>>, body: &str) -> Vec<Placed<'a>> {
    let mut out = Vec::new();
    let mut block: Option<(Vec<Placed<'a>>, Range<usize>)> = None;
    for (event, range) in events {
        match (&mut block, event) {
            (None, Event::Start(Tag::HtmlBlock)) => {
                block = Some((vec![(Event::Start(Tag::HtmlBlock), range.clone())], range));
            }
            (Some((held, at)), Event::End(TagEnd::HtmlBlock)) => {
                held.push((Event::End(TagEnd::HtmlBlock), range.clone()));
                at.end = at.end.max(range.end);
                let (held, at) = block.take().expect("open block");
                match structure(&body[at.clone()], at.start) {
                    Some(read) => out.extend(read),
                    None => out.extend(held),
                }
            }
            (Some((held, at)), event) => {
                at.end = at.end.max(range.end);
                held.push((event, range));
            }
            (None, event) => out.push((event, range)),
        }
    }
    if let Some((held, _)) = block {
        out.extend(held);
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
    let mut shaped = false;
    if !plain(&root, &mut shaped) || !shaped {
        return None;
    }
    let mut w = Writer {
        lower: &lower,
        offset,
        cursor: 0,
        out: Vec::new(),
    };
    w.blocks(&root);
    Some(w.out)
}

/// Whether every element under `node` is one of [`BLOCKS`] or [`INLINE`] with no attribute
/// but a link's `href` or a list's `start`; `shaped` is set when one is a heading or a list.
fn plain(node: &Handle, shaped: &mut bool) -> bool {
    node.children
        .borrow()
        .iter()
        .all(|child| match &child.data {
            NodeData::Text { .. } => true,
            NodeData::Element { name, attrs, .. } => {
                let tag = &*name.local;
                let allowed = attrs
                    .borrow()
                    .iter()
                    .all(|a| matches!((tag, &*a.name.local), ("a", "href") | ("ol", "start")));
                if matches!(
                    tag,
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "li"
                ) {
                    *shaped = true;
                }
                name.ns == html5ever::ns!(html)
                    && (BLOCKS.contains(&tag) || INLINE.contains(&tag))
                    && allowed
                    && plain(child, shaped)
            }
            _ => false,
        })
}

/// Writes the events of a block's DOM, finding where each element and text is written.
struct Writer<'h, 'a> {
    /// The block as written, lowercased (ASCII), to find tags in.
    lower: &'h str,
    /// Where the block starts in the body.
    offset: usize,
    /// How far into the block the elements read so far are written.
    cursor: usize,
    out: Vec<Placed<'a>>,
}

impl<'a> Writer<'_, 'a> {
    /// The range of the next `<tag` in the block, moving past it (or where the last one was).
    fn tag_at(&mut self, tag: &str) -> Range<usize> {
        let open = format!("<{tag}");
        match self.lower[self.cursor..].find(&open) {
            Some(i) => {
                let start = self.cursor + i;
                let end = self.lower[start..]
                    .find('>')
                    .map_or(self.lower.len(), |e| start + e + 1);
                self.cursor = end;
                self.offset + start..self.offset + end
            }
            None => self.offset + self.cursor..self.offset + self.cursor,
        }
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

    /// Block content: each block element in turn, runs of inline content as paragraphs.
    fn blocks(&mut self, node: &Handle) {
        let children: Vec<Handle> = node.children.borrow().iter().cloned().collect();
        let mut run: Vec<Handle> = Vec::new();
        for child in children {
            if block_tag(&child).is_some() {
                self.loose_paragraph(&mut run);
                self.block(&child);
            } else {
                run.push(child);
            }
        }
        self.loose_paragraph(&mut run);
    }

    /// Inline content between blocks, as a paragraph when it holds any text.
    fn loose_paragraph(&mut self, run: &mut Vec<Handle>) {
        let worded = run.iter().any(|n| !text_of(n).trim().is_empty());
        if worded {
            let at = self.offset + self.cursor..self.offset + self.cursor;
            self.push(Event::Start(Tag::Paragraph), at.clone());
            for n in run.iter() {
                self.inline(n);
            }
            self.push(Event::End(TagEnd::Paragraph), at);
        }
        run.clear();
    }

    fn block(&mut self, node: &Handle) {
        let Some(tag) = block_tag(node) else { return };
        let at = self.tag_at(&tag);
        let (start, end) = match tag.as_str() {
            "div" => return self.blocks(node),
            "p" => (Tag::Paragraph, TagEnd::Paragraph),
            "ul" | "ol" => {
                let start = (tag == "ol").then(|| {
                    attr(node, "start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                });
                self.push(Event::Start(Tag::List(start)), at.clone());
                for child in node.children.borrow().iter() {
                    if block_tag(child).as_deref() == Some("li") {
                        self.item(child);
                    }
                }
                self.push(Event::End(TagEnd::List(start.is_some())), at);
                return;
            }
            // An item whose list opened in an earlier block (a blank line between items).
            "li" => {
                self.push(Event::Start(Tag::List(None)), at.clone());
                self.cursor = at.start - self.offset;
                self.item(node);
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
                        id: None,
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    },
                    TagEnd::Heading(level),
                )
            }
        };
        self.push(Event::Start(start), at.clone());
        for child in node.children.borrow().iter() {
            self.inline(child);
        }
        self.trim_last_text();
        self.push(Event::End(end), at);
    }

    /// A list item: its text, and any paragraphs or lists inside it.
    fn item(&mut self, node: &Handle) {
        let at = self.tag_at("li");
        self.push(Event::Start(Tag::Item), at.clone());
        let nested = node
            .children
            .borrow()
            .iter()
            .any(|c| block_tag(c).is_some());
        if nested {
            self.blocks(node);
        } else {
            for child in node.children.borrow().iter() {
                self.inline(child);
            }
            self.trim_last_text();
        }
        self.push(Event::End(TagEnd::Item), at);
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
                let at = self.tag_at(&tag);
                let wrap = match tag.as_str() {
                    "strong" | "b" => Some((Tag::Strong, TagEnd::Strong)),
                    "em" | "i" => Some((Tag::Emphasis, TagEnd::Emphasis)),
                    "a" => Some((
                        Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: attr(node, "href").unwrap_or_default().into(),
                            title: CowStr::Borrowed(""),
                            id: CowStr::Borrowed(""),
                        },
                        TagEnd::Link,
                    )),
                    "br" => {
                        self.push(Event::HardBreak, at);
                        return;
                    }
                    "code" => {
                        let text = text_of(node);
                        let at = self.text_at(&text);
                        self.push(Event::Code(text.into()), at);
                        return;
                    }
                    _ => None,
                };
                if let Some((start, _)) = &wrap {
                    self.push(Event::Start(start.clone()), at.clone());
                }
                for child in node.children.borrow().iter() {
                    self.inline(child);
                }
                if let Some((_, end)) = wrap {
                    self.push(Event::End(end), at);
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
        matches!(self.out.last(), Some((Event::Text(t), _)) if !t.ends_with(' '))
            || matches!(self.out.last(), Some((Event::End(_), _)))
    }

    /// Leaves out the white space that ends the last text of a heading, paragraph or item.
    fn trim_last_text(&mut self) {
        if let Some((Event::Text(t), _)) = self.out.last_mut() {
            let trimmed = t.trim_end().to_string();
            *t = trimmed.into();
        }
    }
}

/// The tag of a block element ([`BLOCKS`]), if `node` is one.
fn block_tag(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } if BLOCKS.contains(&&*name.local) => {
            Some(name.local.to_string())
        }
        _ => None,
    }
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

    fn read(body: &str) -> Vec<Event<'static>> {
        read_structure(
            Parser::new_ext(body, crate::markdown::options()).into_offset_iter(),
            body,
        )
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
    fn a_block_with_a_table_an_image_a_comment_or_an_attribute_stays_raw_html() {
        for body in [
            "<h2>Timeline</h2>\n<table><tr><td>09:00</td></tr></table>\n",
            "<h2>Graph</h2>\n<img src=\"g.png\">\n",
            "<h2>Summary</h2>\n<!-- note -->\n<p>Text.</p>\n",
            "<h2 class=\"x\">Summary</h2>\n",
            "<p>Only a paragraph, no heading or list.</p>\n",
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
    fn each_element_of_a_read_block_keeps_where_it_is_written() {
        let body = "Intro.\n\n<h2>Summary</h2>\n<ul>\n<li>First</li>\n<li>Second</li>\n</ul>\n";
        let events = read_structure(
            Parser::new_ext(body, crate::markdown::options()).into_offset_iter(),
            body,
        );
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
