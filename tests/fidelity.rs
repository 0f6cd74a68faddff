/*!
Content fidelity: nothing an author wrote is lost on the way to an incident page.

Each postmortem of the real-postmortem corpora (`tests/fixtures/dfds`, `tests/fixtures/quayside`),
of `tests/fixtures/basic` and of the demo `content/` is built, and each sentence of its source
(the text of every paragraph, list item, heading, table cell, footnote, image's alt text and line
of code, reduced to its words: case, punctuation and Markdown and HTML syntax aside) must be on
its incident page as a run of the same words, in the page's main content (its `<article>`; the
contents list, which repeats the headings, and the anchor links are left out).

Every link to another site (`http:`, `https:`, `mailto:`) is on the page too, the links of the
first H1, which is the page's title, among them.

What the page shows elsewhere or differently by design (docs/content.md, docs/site.md) is
written down in [`by_design`], each with its reason.
*/

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

mod common;
use common::{build_drafts_ok, fixture, read_json, repo};

/// The words of a text: runs of letters and digits, in lower case.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A body without its front matter (YAML between `---` lines, or TOML between `+++` lines).
fn body(source: &str) -> &str {
    let s = source.trim_start_matches('\u{feff}');
    for fence in ["---", "+++"] {
        if let Some(rest) = s.strip_prefix(fence) {
            if !rest.starts_with(['\n', '\r']) {
                continue;
            }
            let mut at = 0;
            for line in rest.split_inclusive('\n') {
                at += line.len();
                if at > line.len() && line.trim_end() == fence {
                    return &rest[at..];
                }
            }
        }
    }
    s
}

/// The text of raw HTML without its tags and comments, its character references read.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = &rest[i..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |e| e + 3)
        } else {
            rest.find('>').map_or(rest.len(), |e| e + 1)
        };
        // An image's alt text is the author's text too.
        let tag = &rest[..end];
        if tag.starts_with("<img") {
            if let Some(a) = tag.find("alt=\"") {
                let alt = &tag[a + 5..];
                out.push_str(&alt[..alt.find('"').unwrap_or(alt.len())]);
                out.push(' ');
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The sentences of a Markdown body, each as its words, with the text of its first H1 apart.
/// A block (paragraph, list item, heading, table cell, line of code) ends a sentence, and so do
/// `.`, `!` and `?` followed by a space. Task boxes, list numbers, a code block's language and
/// footnote marks are syntax, not text.
fn sentences(markdown: &str) -> (Option<String>, Vec<Vec<String>>) {
    let mut blocks: Vec<String> = vec![String::new()];
    let mut h1: Option<String> = None;
    let mut in_h1 = false;
    let mut first_block = true;
    let mut code = false;
    for event in Parser::new_ext(markdown, hindsight::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                blocks.push(String::new());
                in_h1 = first_block && level == pulldown_cmark::HeadingLevel::H1 && h1.is_none();
                first_block = false;
            }
            Event::End(TagEnd::Heading(_)) => {
                if in_h1 {
                    h1 = blocks.pop();
                    blocks.push(String::new());
                    in_h1 = false;
                }
                blocks.push(String::new());
            }
            Event::Start(Tag::CodeBlock(_)) => {
                code = true;
                first_block = false;
                blocks.push(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                code = false;
                blocks.push(String::new());
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::TableCell
                | Tag::FootnoteDefinition(_)
                | Tag::BlockQuote(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::FootnoteDefinition
                | TagEnd::BlockQuote(_),
            ) => {
                first_block = false;
                blocks.push(String::new());
            }
            Event::Text(t) if code => {
                for line in t.lines() {
                    blocks.push(line.to_string());
                }
                blocks.push(String::new());
            }
            Event::Text(t) | Event::Code(t) => blocks.last_mut().unwrap().push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) => {
                if !t.trim_start().starts_with("<!--") {
                    first_block = false;
                }
                blocks.last_mut().unwrap().push_str(&html_text(&t))
            }
            Event::SoftBreak | Event::HardBreak => blocks.last_mut().unwrap().push(' '),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for block in blocks {
        let mut sentence = String::new();
        let mut chars = block.chars().peekable();
        while let Some(c) = chars.next() {
            sentence.push(c);
            if matches!(c, '.' | '!' | '?') && chars.peek().is_some_and(|n| n.is_whitespace()) {
                out.push(words(&sentence));
                sentence.clear();
            }
        }
        out.push(words(&sentence));
    }
    out.retain(|s| !s.is_empty());
    (h1, out)
}

/// The URLs of a Markdown body's links to other sites (`http:`, `https:`, `mailto:`), which
/// no page leaves out or rewrites.
fn outside_links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, hindsight::markdown::options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .filter(|url| {
            let lower = url.to_ascii_lowercase();
            ["http://", "https://", "mailto:"]
                .iter()
                .any(|s| lower.starts_with(s))
        })
        .collect()
}

/// The `href`s of the links in an incident page's `<article>`, their character references
/// read.
fn page_hrefs(html: &str) -> HashSet<String> {
    let start = html
        .find("<article")
        .expect("an incident page has an <article>");
    let end = html[start..].find("</article>").unwrap() + start;
    html[start..end]
        .split("<a ")
        .skip(1)
        .filter_map(|a| {
            let tag = &a[..a.find('>')?];
            let at = tag.find("href=\"")? + 6;
            let value = &tag[at..];
            Some(html_text(&value[..value.find('"')?]))
        })
        .collect()
}

/// Whether the page's links, `hrefs`, hold `url`, as written or escaped as pulldown-cmark
/// escapes an `href` (`%20` for a space).
fn links_to(hrefs: &HashSet<String>, url: &str) -> bool {
    let mut escaped = String::new();
    pulldown_cmark_escape::escape_href(&mut escaped, url).unwrap();
    hrefs.contains(url) || hrefs.contains(&html_text(&escaped))
}

/// The words of an incident page's main content: its `<article>`, without the contents list
/// (which repeats the headings) and the headings' anchor links (`#`).
fn page_words(html: &str) -> Vec<String> {
    let start = html
        .find("<article")
        .expect("an incident page has an <article>");
    let end = html[start..].find("</article>").unwrap() + start;
    let mut article = html[start..end].to_string();
    while let Some(n) = article.find("<nav class=\"toc\"") {
        let e = article[n..].find("</nav>").unwrap() + n + "</nav>".len();
        article.replace_range(n..e, " ");
    }
    while let Some(a) = article.find("<a class=\"anchor\"") {
        let e = article[a..].find("</a>").unwrap() + a + "</a>".len();
        article.replace_range(a..e, " ");
    }
    words(&html_text(&article))
}

fn contains(haystack: &[String], needle: &[String]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Differences between a source and its page that are by design, each with its reason: why
/// `sentence` (words of the source, whose first H1 is `h1`) may be missing from `page`, whose
/// title is `title`, or `None`.
fn by_design(
    sentence: &[String],
    h1: Option<&[String]>,
    title: &[String],
    page: &[String],
) -> Option<&'static str> {
    if h1 == Some(sentence) && !title.is_empty() {
        // docs/content.md#title: the first H1 is the page's title, without a label that names
        // the document (`Postmortem:`), a severity tag (`[SEV2]`, shown as the severity) or
        // the incident's own id (shown above the title). So the title is in the heading, and
        // what else the heading says is such a label, or on the page.
        const LABEL: &[&str] = &[
            "postmortem",
            "post",
            "mortem",
            "incident",
            "report",
            "review",
            "rca",
            "pir",
            "retrospective",
            "debrief",
        ];
        let on_page: HashSet<&String> = page.iter().collect();
        let at = sentence.windows(title.len()).position(|w| w == title)?;
        let rest = sentence[..at].iter().chain(&sentence[at + title.len()..]);
        if rest
            .clone()
            .all(|w| LABEL.contains(&w.as_str()) || on_page.contains(w))
            && rest.count() <= 4
        {
            return Some("the first H1 is the page's title, without its label, tag or id");
        }
    }
    None
}

/// The words of an incident page's title, its `<h1>`.
fn title_words(html: &str) -> Vec<String> {
    let Some(start) = html.find("<h1") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</h1>")
        .map_or(html.len(), |e| e + start);
    words(&html_text(&html[start..end]))
}

/// Builds the corpus at `root` into a scratch folder and returns, for each postmortem, what
/// of its source is missing from its page: `file: sentence`.
fn missing_from_pages(root: &Path) -> (usize, usize, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    build_drafts_ok(root, out.path());
    let incidents = read_json(&out.path().join("api/incidents.json"));
    let (mut files, mut checked, mut missing) = (0, 0, Vec::new());
    for incident in incidents.as_array().unwrap() {
        let source = incident["source"].as_str().unwrap();
        let id = incident["id"].as_str().unwrap();
        let text = std::fs::read_to_string(root.join(source)).unwrap();
        let page =
            std::fs::read_to_string(out.path().join(format!("incidents/{id}/index.html"))).unwrap();
        let title = title_words(&page);
        let hrefs = page_hrefs(&page);
        let page = page_words(&page);
        for url in outside_links(body(&text)) {
            checked += 1;
            if !links_to(&hrefs, &url) {
                missing.push(format!("{source}: the link to {url}"));
            }
        }
        let (h1, sentences) = sentences(body(&text));
        let h1 = h1.map(|h| words(&h));
        files += 1;
        for sentence in h1.iter().chain(&sentences) {
            checked += 1;
            if !contains(&page, sentence)
                && by_design(sentence, h1.as_deref(), &title, &page).is_none()
            {
                missing.push(format!("{source}: {}", sentence.join(" ")));
            }
        }
    }
    (files, checked, missing)
}

fn assert_nothing_is_lost(root: &Path, at_least: usize) {
    let (files, checked, missing) = missing_from_pages(root);
    assert!(files >= at_least, "{files} postmortems built from {root:?}");
    assert!(checked > files, "{checked} sentences checked");
    assert!(
        missing.is_empty(),
        "{} of {checked} sentences and links of {root:?} are not on their incident page:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_sentence_of_every_dfds_postmortem_is_on_its_incident_page() {
    assert_nothing_is_lost(&fixture("dfds"), 39);
}

#[test]
fn every_sentence_of_every_quayside_postmortem_is_on_its_incident_page() {
    assert_nothing_is_lost(&fixture("quayside"), 40);
}

#[test]
fn every_sentence_of_every_demo_and_basic_postmortem_is_on_its_incident_page() {
    assert_nothing_is_lost(repo(), 19);
    assert_nothing_is_lost(&fixture("basic"), 4);
}

#[test]
fn a_sentence_left_out_of_a_page_is_reported_with_its_file() {
    // The check itself: a page that lost a sentence, and a title that is not the heading.
    let html =
        "<article class=\"incident\"><h1>Disk full</h1><nav class=\"toc\">The disk filled</nav>\
         <p>It filled <a class=\"anchor\" href=\"#x\">#</a>up.</p></article>";
    let (title, page) = (title_words(html), page_words(html));
    let (h1, sentences) = sentences(
        "# Postmortem: Disk full\n\nIt filled up. The disk filled.\n\n- [x] Alert `df`\n",
    );
    let h1 = h1.map(|h| words(&h));
    assert_eq!(h1.as_deref().unwrap().join(" "), "postmortem disk full");
    assert!(by_design(h1.as_deref().unwrap(), h1.as_deref(), &title, &page).is_some());
    // A heading that says more than the title, such as one the front matter's title replaced.
    let other = words("# Why the disk filled up");
    assert!(by_design(&other, Some(&other), &title, &page).is_none());
    let lost: Vec<String> = sentences
        .iter()
        .filter(|s| !contains(&page, s))
        .map(|s| s.join(" "))
        .collect();
    assert_eq!(lost, ["the disk filled", "alert df"]);
    assert!(by_design(&words("Why it filled"), h1.as_deref(), &title, &page).is_none());
}

#[test]
fn a_link_in_the_heading_that_is_the_title_is_on_its_incident_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    common::write_files(
        root,
        &[
            (
                "content/2026-11-02-db-failover.md",
                "# [INC-12](https://tracker.example/INC-12?a=1&b=2): Database failover stalled\n\nThe replica never took over ([graph](https://grafana.example/d/1 \"Replica lag\")).\n",
            ),
            (
                "content/INC-13.md",
                "---\ndate: 2026-11-03\n---\n# [INC-13](https://tracker.example/INC-13): Cache stampede\n\nIt stampeded.\n",
            ),
        ],
    );
    assert_nothing_is_lost(root, 2);
    // And the check itself finds a link that is missing.
    let hrefs = page_hrefs(
        "<article><a class=\"x\" href=\"https://a.example/?q=1&amp;r=2\">a</a></article>",
    );
    assert!(links_to(&hrefs, "https://a.example/?q=1&r=2"));
    assert!(!links_to(&hrefs, "https://tracker.example/INC-12"));
}
