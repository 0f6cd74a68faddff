/*!
Telling a postmortem template from a postmortem.

Repositories of postmortems keep the template they copy next to them (`PMyyyy-nnn - Postmortem
template.md`, `TEMPLATE.md`): without front matter it reads like a postmortem, and would be
published as an undated incident titled "Incident Title". A file without front matter is a
template when three things hold: its name says `template`, no date is written in its name or
its text, and it holds placeholders (see [`template`]). A postmortem about a template engine
(`2023-01-01-template-rendering-outage.md`) has a date, and stays a postmortem.
*/

use std::sync::OnceLock;

use regex::Regex;

use crate::content::derive;
use crate::markdown;

/// What makes a file a template: its placeholders, and where the first one in the text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The placeholders found, as written (`yyyy` in the name, `Incident Title`, `XXX`), the
    /// first few.
    pub placeholders: Vec<String>,
    /// The line and column (in characters) of the first placeholder in the text, else 1, 1.
    pub at: (usize, usize),
}

/// Placeholder ids of a template's file name: `PMyyyy-nnn`, `INC-XXX`, `20xx-...`.
const NAME_PLACEHOLDERS: &[&str] = &["yyyy", "nnn", "xxx", "20xx", "19xx"];

/// Titles that name no incident: what a template puts where the title goes (lowercase,
/// letters and spaces, as [`derive::normalise_title`] gives them).
const PLACEHOLDER_TITLES: &[&str] = &[
    "title",
    "title here",
    "incident title",
    "incident title here",
    "incident name",
    "postmortem title",
    "post mortem title",
    "postmortem name",
    "short title",
    "title of the incident",
    "name of the incident",
];

/// Whether a title names no incident but is what a template puts where the title goes
/// (`Incident Title`, `[Title]`, `<Postmortem title>`).
pub fn is_placeholder_title(title: &str) -> bool {
    PLACEHOLDER_TITLES.contains(&derive::normalise_title(title).as_str())
}

/// Placeholders in the text: ids (`YYYY-MM-DD`, `20xx`, `nnn`, `XXX`, `HH:mm`), words in angle
/// brackets (`<service name>`, `<TICKET>`), in double braces (`{{ title }}`), or in square
/// brackets that are no link (`[Describe the impact]`; checked by [`bracketed`]).
fn placeholder_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?x)
            \b(?i:yyyy|nnnn?|x{3,}|y{3,}|z{3,}|(?:19|20)xx|mm-dd|dd-mm|hh:mm)\b
            | <[A-Za-z][\w'/-]*(?:\ [\w'/.-]+)+>
            | <[A-Z][A-Z0-9_]+>
            | \{\{[^{}\n]+\}\}
            | \[[A-Za-z][^\[\]\n]*\ [^\[\]\n]*\]",
        )
        .unwrap()
    })
}

/// Whether a `[...]` match at `end` of `text` is a placeholder: not followed by `(`, `[` or
/// `:` (a link, a reference link or its definition), nor a task list's box.
fn bracketed(text: &str, end: usize) -> bool {
    !matches!(text[end..].chars().next(), Some('(' | '[' | ':'))
}

/// Whether a file without front matter, of this `name` (with its extension) and `text`, is a
/// postmortem template: its name says `template`, no date is written in its name or its text,
/// and it holds a placeholder: a placeholder id in its name (`PMyyyy-nnn`), a title that names
/// no incident (`# Incident Title`), or a placeholder in its text outside code (`YYYY-MM-DD`,
/// `XXX`, `<service>`, `{{ title }}`, `[Describe the impact]`).
pub fn template(name: &str, text: &str) -> Option<Template> {
    let lower = name.to_lowercase();
    if !lower.contains("template")
        || derive::date_from_name(name).is_some()
        || !markdown::find_dates(text).is_empty()
    {
        return None;
    }
    let mut placeholders: Vec<String> = NAME_PLACEHOLDERS
        .iter()
        .filter_map(|p| lower.find(p).map(|i| name[i..i + p.len()].to_string()))
        .collect();
    let mut at = None;
    let mut fenced: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        // Code is no placeholder: fenced blocks and inline code are passed over.
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        match (fenced, fence) {
            (None, Some(f)) if line.len() - trimmed.len() < 4 => {
                fenced = Some(f);
                continue;
            }
            (Some(open), Some(f)) if open == f => {
                fenced = None;
                continue;
            }
            (Some(_), _) => continue,
            _ => {}
        }
        if let Some(title) = trimmed.strip_prefix("# ") {
            if at.is_none() && is_placeholder_title(title) {
                let column = line.len() - trimmed.len() + 3;
                at = Some((start, column));
                placeholders.push(title.trim().to_string());
            }
        }
        let code = inline_code(line);
        for m in placeholder_regex().find_iter(line) {
            let in_code = code
                .iter()
                .any(|r| r.start <= m.start() && m.end() <= r.end);
            if in_code || (m.as_str().starts_with('[') && !bracketed(line, m.end())) {
                continue;
            }
            if at.is_none() {
                at = Some((start, line[..m.start()].chars().count() + 1));
            }
            if !placeholders.iter().any(|p| p == m.as_str()) {
                placeholders.push(m.as_str().to_string());
            }
        }
    }
    if placeholders.is_empty() {
        return None;
    }
    placeholders.truncate(4);
    let at = at.map_or((1, 1), |(start, column)| {
        (text[..start].matches('\n').count() + 1, column)
    });
    Some(Template { placeholders, at })
}

/// The byte ranges of a line's inline code spans (`` `{{ user }}` ``).
fn inline_code(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut open = None;
    for (i, c) in line.char_indices() {
        if c == '`' {
            match open.take() {
                None => open = Some(i),
                Some(s) => spans.push(s..i + 1),
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    const DFDS: &str = "# Incident Title\n\n## Summary\n\n## Timeline\n\nAll times in UTC.\n\n\
        | Time             | Event                   |\n| :--------------- | ----------------------- |\n\
        | 20xx-MM-DD HH:mm | Short event description |\n\n## Stats\n\n- Category: XXX\n";

    #[test]
    fn a_dated_or_unnamed_or_placeholder_free_file_is_no_template() {
        let t = template("PMyyyy-nnn - Postmortem template.md", DFDS).unwrap();
        assert_eq!(
            t.placeholders,
            ["yyyy", "nnn", "Incident Title", "20xx"],
            "{t:?}"
        );
        assert_eq!(t.at, (1, 3));
        // The name must say template.
        assert_eq!(template("PMyyyy-nnn - Postmortem.md", DFDS), None);
        // A date in the name or the text makes it a postmortem.
        assert_eq!(template("2023-01-01-template-outage.md", DFDS), None);
        let dated = format!("{DFDS}\nOn 2023-01-01 the template cache broke.\n");
        assert_eq!(template("template-outage.md", &dated), None);
        // A postmortem about a template engine, undated, with no placeholder.
        let prose =
            "# Template rendering outage\n\nThe renderer failed on every page for an hour.\n";
        assert_eq!(template("template-rendering-outage.md", prose), None);
        // Placeholders in code are code; links are links.
        let code = "# Template rendering outage\n\nThe tag `{{ user }}` broke \
                    [the renderer](r.md) and [every page][pages].\n\n```\n{{ user.name }} XXX\n```\n";
        assert_eq!(template("template-rendering-outage.md", code), None);
    }

    #[test]
    fn placeholders_of_a_template_are_found_where_they_are_written() {
        let t = template(
            "postmortem-template.md",
            "# <Short description>\n\nDate: YYYY-MM-DD\n\n## Impact\n\n[Describe the impact]\n",
        )
        .unwrap();
        assert_eq!(
            t.placeholders,
            [
                "<Short description>",
                "YYYY",
                "MM-DD",
                "[Describe the impact]"
            ]
        );
        assert_eq!(t.at, (1, 3));
        let t = template("TEMPLATE.md", "# Outage\n\n- Owner: {{ owner }}\n").unwrap();
        assert_eq!(t.placeholders, ["{{ owner }}"]);
        assert_eq!(t.at, (3, 10));
    }
}
