/*!
Safe HTML for the pages authors write. A postmortem's body (and a canonical learning's,
`index.md`'s and `onboarding.md`'s) is published on the organisation's domain: raw HTML in it
must not run a script there, whoever opened the pull request.

The HTML `markdown` renders is safe as it is, but for what the author wrote as HTML and the
URL of a link or an image: text, titles, alt texts, code and ids are escaped. So a body whose
raw HTML is no more than comments and bare tags (`<br>`, `<details>`, `</sub>`; see
[`is_plain`]) and whose Markdown URLs are relative or `http:`, `https:` or `mailto:` ones (see
[`is_plain_url`]) is published as rendered, byte for byte: nearly every postmortem. Any other
body goes whole through ammonia ([`clean`]), which parses it as a browser does and keeps only
what postmortems use and the site itself writes (see [`builder`]): scripts, style sheets, event
handlers, `srcdoc`, forms and `javascript:`, `vbscript:` or `data:` URLs (but an image's) are
removed. `check` says where each script, handler and such URL was (`unsafe-html`, see
[`crate::html::unsafe_parts`]), so that the author learns why it is not on the page.
*/

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The elements a published body may hold: ammonia's defaults, the ones the site writes
/// (`input` for task lists) and the media and embeds that postmortems use and `markdown`
/// copies (see [`crate::html`]).
const TAGS: &str = "\
    a abbr acronym area article aside audio b bdi bdo blockquote br caption center cite \
    code col colgroup data dd del details dfn div dl dt em embed figcaption figure footer \
    h1 h2 h3 h4 h5 h6 header hgroup hr i iframe img input ins kbd li map mark nav object ol \
    p picture pre q rp rt rtc ruby s samp section small source span strike strong sub \
    summary sup table tbody td tfoot th thead time tr track tt u ul var video wbr\
";

/// The elements a bare tag of raw HTML may open or close and leave the body as it is written
/// (see [`is_plain`]): text-level and block elements with nothing to load and no text of their
/// own kind (an `<iframe>`'s or a `<textarea>`'s content is no HTML).
const PLAIN_TAGS: &str = "\
    abbr b blockquote br caption center cite code dd del details div dl dt em figcaption \
    figure h1 h2 h3 h4 h5 h6 hr i ins kbd li mark ol p pre q s samp small span strike \
    strong sub summary sup table tbody td tfoot th thead tr tt u ul var wbr\
";

/// Attributes every kept element may have. `class` is kept for the theme's classes (the
/// site's own `anchor`, `table-wrap`, `footnote-*`, `code`, `hl-*`, and an author's), `id`
/// for anchors, `style` for what [`STYLE_PROPERTIES`] keeps of it.
const GENERIC_ATTRIBUTES: &str = "align class dir id lang role style title";

/// What `style` attributes keep: pulldown-cmark aligns table cells with `text-align`; colours
/// and sizes are what authors write. Nothing that moves an element out of its place.
const STYLE_PROPERTIES: &str = "\
    background-color color font-style font-weight height max-height max-width text-align \
    text-decoration vertical-align white-space width\
";

/// Attributes of single elements, besides [`GENERIC_ATTRIBUTES`] and `aria-*`. (Each list
/// here is written as words.)
const TAG_ATTRIBUTES: &[(&str, &str)] = &[
    ("a", "href hreflang name"),
    ("audio", "controls loop muted preload src"),
    ("blockquote", "cite"),
    ("col", "char charoff span width"),
    ("colgroup", "char charoff span width"),
    ("data", "value"),
    ("del", "cite datetime"),
    ("details", "open"),
    ("embed", "height src type width"),
    ("hr", "size width"),
    (
        "iframe",
        "allowfullscreen frameborder height loading referrerpolicy sandbox scrolling src width",
    ),
    ("img", "alt decoding height loading sizes src srcset width"),
    ("input", "checked disabled"),
    ("ins", "cite datetime"),
    ("li", "value"),
    ("object", "data height type width"),
    ("ol", "reversed start type"),
    ("pre", "tabindex"),
    ("q", "cite"),
    ("source", "height media sizes src srcset type width"),
    ("table", "char charoff summary width"),
    ("tbody", "char charoff"),
    ("td", "char charoff colspan headers rowspan width"),
    ("tfoot", "char charoff"),
    ("th", "char charoff colspan headers rowspan scope width"),
    ("thead", "char charoff"),
    ("time", "datetime"),
    ("tr", "char charoff"),
    ("track", "default kind label src srclang"),
    ("ul", "type"),
    (
        "video",
        "controls height loop muted playsinline poster preload src width",
    ),
];

/// The URL schemes a kept URL may have (ammonia's defaults), and `data`, which only an image
/// keeps (see [`removed_scheme`]).
const URL_SCHEMES: &str = "\
    bitcoin data ftp ftps geo http https im irc ircs magnet mailto mms mx news nntp \
    openpgp4fpr sip sms smsto ssh tel url webcal wtai xmpp\
";

/// The sanitizer every body that is not plain goes through: the allowlist above, comments kept
/// (a `<!-- hindsight: ... -->` comment stays where a plain body keeps it), relative URLs
/// kept as they are, and no `rel` added to links.
pub fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        let tag_attributes: HashMap<&str, HashSet<&str>> = TAG_ATTRIBUTES
            .iter()
            .map(|(tag, attrs)| (*tag, attrs.split_whitespace().collect()))
            .collect();
        b.tags(TAGS.split_whitespace().collect())
            .generic_attributes(GENERIC_ATTRIBUTES.split_whitespace().collect())
            .generic_attribute_prefixes(["aria-"].into_iter().collect())
            .tag_attributes(tag_attributes)
            // Task lists' checkboxes; no other input, as there is no form to fill. A table's
            // box is focusable, as it may scroll (see `markdown::pass`).
            .tag_attribute_values(HashMap::from([
                (
                    "input",
                    HashMap::from([("type", ["checkbox"].into_iter().collect())]),
                ),
                (
                    "div",
                    HashMap::from([("tabindex", ["0"].into_iter().collect())]),
                ),
            ]))
            .filter_style_properties(STYLE_PROPERTIES.split_whitespace().collect())
            .url_schemes(URL_SCHEMES.split_whitespace().collect())
            .attribute_filter(|element, attribute, value| {
                if removed_scheme(element, attribute, value).is_some() {
                    None
                } else {
                    Some(value.into())
                }
            })
            .strip_comments(false)
            .link_rel(None);
        b
    })
}

/// `html` with what could run a script, or show a page of its own, removed (see [`builder`]),
/// and each `<svg>` or `<math>` element made the text it shows ([`foreign_text`]).
pub fn clean(html: &str) -> String {
    builder().clean(&foreign_text(html)).to_string()
}

/// A fragment of HTML parsed as a browser parses the inside of a `<div>`: the parser of
/// ammonia (html5ever), so that what is read of raw HTML is what is sanitized and shown.
pub fn fragment(html: &str) -> markup5ever_rcdom::RcDom {
    use html5ever::tendril::TendrilSink;
    html5ever::parse_fragment(
        markup5ever_rcdom::RcDom::default(),
        Default::default(),
        html5ever::QualName::new(None, html5ever::ns!(html), html5ever::local_name!("div")),
        vec![],
        false,
    )
    .one(html)
}

/// `html` with each `<svg>` and `<math>` element replaced by the text it shows (the labels of
/// a diagram, a formula's letters), without the text of its scripts and style sheets. The
/// sanitizer does not keep them, as a picture or formula written in the body could hide a
/// script, and it drops every element nested in them (an SVG's `<text>`, MathML's `<mi>`)
/// with its text: what the author wrote there would be on no page. Read with ammonia's
/// parser, as ammonia reads it (a tag that leaves the SVG, such as an `<img>` in its
/// `<style>`, is no part of it), and written back for ammonia to clean. A body with neither
/// is left as it is.
fn foreign_text(html: &str) -> std::borrow::Cow<'_, str> {
    use markup5ever_rcdom::{Handle, Node, NodeData, SerializableHandle};
    use std::borrow::Cow;

    let lower = html.to_ascii_lowercase();
    if !lower.contains("<svg") && !lower.contains("<math") {
        return Cow::Borrowed(html);
    }
    let dom = fragment(html);
    fn shown(node: &Handle, out: &mut String) {
        match &node.data {
            NodeData::Text { contents } => {
                out.push_str(&contents.borrow());
                out.push(' ');
            }
            NodeData::Element { name, .. } if matches!(&*name.local, "script" | "style") => {}
            NodeData::Element { .. } => {
                out.push(' ');
                for child in node.children.borrow().iter() {
                    shown(child, out);
                }
            }
            _ => {}
        }
    }
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        let mut children = node.children.borrow_mut();
        for child in children.iter_mut() {
            let foreign = matches!(&child.data, NodeData::Element { name, .. }
                if name.ns == html5ever::ns!(svg) || name.ns == html5ever::ns!(mathml));
            if foreign {
                let mut text = String::new();
                shown(child, &mut text);
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let replacement = Node::new(NodeData::Text {
                    contents: std::cell::RefCell::new(text.into()),
                });
                replacement.parent.set(Some(std::rc::Rc::downgrade(&node)));
                *child = replacement;
            } else {
                stack.push(child.clone());
            }
        }
    }
    // The fragment's nodes are the children of its one `<html>` element.
    let root = dom.document.children.borrow()[0].clone();
    let mut bytes = Vec::with_capacity(html.len());
    let root: SerializableHandle = root.into();
    let written = html5ever::serialize(
        &mut bytes,
        &root,
        html5ever::serialize::SerializeOpts {
            traversal_scope: html5ever::serialize::TraversalScope::ChildrenOnly(None),
            ..Default::default()
        },
    );
    match (written, String::from_utf8(bytes)) {
        (Ok(()), Ok(out)) => Cow::Owned(out),
        _ => Cow::Borrowed(html),
    }
}

/// The scheme of a URL as a browser reads it (leading and trailing spaces and controls left
/// out, tabs and line breaks anywhere), in lower case; `None` for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether a Markdown link's or image's URL leaves the body plain: relative, or `http:`,
/// `https:` or `mailto:`. Any other has ammonia look at the body.
pub fn is_plain_url(url: &str) -> bool {
    scheme(url).is_none_or(|s| matches!(s.as_str(), "http" | "https" | "mailto"))
}

/// The scheme of the URL of `element`'s `attribute` when it is one that is removed because it
/// runs a script or opens content of its own in the site's name: `javascript:`, `vbscript:`,
/// and `data:` but an image's (`<img src="data:image/png;base64,...">`, a `<video poster>`).
/// `None` for every other attribute and URL.
pub fn removed_scheme(element: &str, attribute: &str, url: &str) -> Option<String> {
    let is_url = match attribute {
        "href" | "src" | "xlink:href" | "formaction" | "action" | "ping" | "poster" => true,
        "data" => element == "object",
        _ => false,
    };
    if !is_url {
        return None;
    }
    let scheme = scheme(url)?;
    let image = matches!((element, attribute), ("img", "src") | ("video", "poster"))
        && url
            .trim_start_matches(|c: char| c <= ' ')
            .get(..11)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:image/"));
    match scheme.as_str() {
        "javascript" | "vbscript" | "livescript" => Some(scheme),
        "data" if !image => Some(scheme),
        _ => None,
    }
}

/// Whether raw HTML is only text, comments and tags of [`PLAIN_TAGS`] with no attributes, so
/// that a browser reads it as `markdown` wrote it, with nothing to load or run: a body of
/// Markdown and such HTML needs no sanitizer. Strict: a `<` that opens nothing of these (a
/// stray `a < b` too) makes the HTML not plain.
pub fn is_plain(html: &str) -> bool {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        i += k;
        if b[i..].starts_with(b"<!--") {
            match comment_end(b, i + 4) {
                Some(end) => i = end,
                None => return false,
            }
            continue;
        }
        let name_at = if b.get(i + 1) == Some(&b'/') {
            i + 2
        } else {
            i + 1
        };
        let name_end = name_at
            + b[name_at..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
        let mut j = name_end;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if name_at == i + 1 && b.get(j) == Some(&b'/') {
            j += 1;
        }
        let name = html[name_at..name_end].to_ascii_lowercase();
        if b.get(j) != Some(&b'>') || !PLAIN_TAGS.split_whitespace().any(|t| t == name) {
            return false;
        }
        i = j + 1;
    }
    true
}

/// The offset after the comment whose text starts at `from` (after its `<!--`), as a browser
/// ends it: `<!-->` and `<!--->` are whole comments, and `--!>` ends one as `-->` does. `None`
/// for a comment that never ends.
pub(crate) fn comment_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = &b[from..];
    if rest.starts_with(b">") {
        return Some(from + 1);
    }
    if rest.starts_with(b"->") {
        return Some(from + 2);
    }
    comment_rest_end(b, from)
}

/// The offset after the `-->` or `--!>` that ends a comment whose text goes on at `from`.
pub(crate) fn comment_rest_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = &b[from..];
    let ends = [&b"-->"[..], &b"--!>"[..]];
    ends.iter()
        .filter_map(|end| {
            rest.windows(end.len())
                .position(|w| w == *end)
                .map(|p| from + p + end.len())
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_bare_tags_are_plain_and_anything_else_is_not() {
        for plain in [
            "<br>",
            "<br/>",
            "<br />",
            "<details>\n<summary>Logs</summary>\n",
            "</details>",
            "<!-- hindsight: learning own-it -->",
            "<!-- a --> <sub>2</sub> <!---->",
            "text & more",
        ] {
            assert!(is_plain(plain), "{plain:?}");
        }
        for not in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<b onclick=x>",
            "</b onclick=x>",
            "<iframe>",
            "<br\n",
            "<!-- a --!> <script>alert(1)</script> -->",
            "<!-- never closed",
            "a < b",
            "<svg>",
        ] {
            assert!(!is_plain(not), "{not:?}");
        }
    }

    #[test]
    fn the_text_of_an_svg_or_a_formula_in_the_body_stays_without_its_scripts() {
        let html = "<p>Latency: <svg width=\"90\"><g><text x=\"0\">p99 5s</text>\
            <script>alert(1)</script><style>.a{}</style><text>at 17:20</text></g></svg>, \
            where <math><mi>n</mi><mo>=</mo><mn>12</mn></math> nodes.</p>";
        let out = clean(html);
        assert!(out.contains("p99 5s at 17:20"), "{out}");
        assert!(out.contains("where n = 12 nodes"), "{out}");
        for gone in ["<svg", "<text", "<math", "script", "alert", "style", ".a{}"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
    }

    #[test]
    fn a_scheme_is_read_as_a_browser_reads_it() {
        assert_eq!(
            scheme(" JavaScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("../a:b.png"), None);
        assert_eq!(scheme("#timeline"), None);
        assert!(is_plain_url("https://example.org"));
        assert!(!is_plain_url("data:image/png;base64,AAAA"));
        assert_eq!(
            removed_scheme("img", "src", "data:image/png;base64,AAAA"),
            None
        );
        assert_eq!(
            removed_scheme("a", "href", "data:text/html,<script>").as_deref(),
            Some("data")
        );
        assert_eq!(removed_scheme("a", "title", "javascript:x"), None);
    }
}
