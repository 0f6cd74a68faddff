/*!
Filling in what the front matter left out, from the file name and the Markdown body.

Real postmortems rarely have front matter. This module reads the conventions they do follow:
an incident number at the start of the file name, a date in the name or the text, a title in
the first heading, a Summary section, a Lessons learned section and an Action items section
(lists, task lists or tables).
*/

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::content::frontmatter::ActionStatus;
use crate::markdown::{collapse_ws, slugify, Parsed, Section};

/// Section titles (normalised: lowercase, letters and spaces) that hold learnings.
pub const LEARNING_SECTIONS: &[&str] = &[
    "lessons learned",
    "lessons learnt",
    "lesson learned",
    "lessons",
    "learnings",
    "learning",
    "key learnings",
    "takeaways",
    "key takeaways",
    "what we learned",
    "what we learnt",
    "what did we learn",
    "things we learned",
];

/// Section titles that hold action items.
pub const ACTION_SECTIONS: &[&str] = &[
    "action items",
    "action item",
    "actions",
    "action points",
    "follow ups",
    "followups",
    "follow up",
    "follow up actions",
    "follow up items",
    "remediation",
    "remediations",
    "remediation items",
    "next steps",
    "corrective actions",
    "preventive actions",
    "preventative actions",
    "todo",
    "to do",
];

const SUMMARY_SECTIONS: &[&str] = &[
    "summary",
    "overview",
    "tldr",
    "tl dr",
    "executive summary",
    "incident summary",
    "description",
];

/// Lowercases and keeps letters, digits and single spaces: "Follow-ups:" -> "follow ups".
pub fn normalise_title(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else {
            s.push(' ');
        }
    }
    collapse_ws(&s)
}

/// Whether a section title names one of `names` (or `extra`), ignoring case, punctuation and numbering.
pub fn title_is(sec: &Section, names: &[&str], extra: &[String]) -> bool {
    let n = normalise_title(&sec.title);
    // Leading numbering like "5 Lessons learned" or "V. Actions" is ignored.
    let n = n
        .split_once(' ')
        .filter(|(first, _)| {
            first.chars().all(|c| c.is_ascii_digit())
                || ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"].contains(first)
        })
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(n);
    names.contains(&n.as_str()) || extra.iter().any(|e| normalise_title(e) == n)
}

/// The top-level sections (not nested in another matching one) whose titles match.
fn sections<'a>(parsed: &'a Parsed, names: &[&str], extra: &[String]) -> Vec<&'a Section> {
    let mut out: Vec<&Section> = Vec::new();
    for s in &parsed.sections {
        if title_is(s, names, extra) {
            // A nested match inside an already matched section is covered by its parent.
            if let Some(last) = out.last() {
                if s.level > last.level
                    && s.line > last.line
                    && s.items.is_empty()
                    && s.rows.is_empty()
                {
                    continue;
                }
            }
            out.push(s);
        }
    }
    out
}

fn is_placeholder(t: &str) -> bool {
    let n = normalise_title(t);
    n.is_empty()
        || matches!(
            n.as_str(),
            "tbd" | "tba" | "n a" | "na" | "none" | "todo" | "nothing" | "xxx" | "yyy" | "zzz"
        )
}

/// A derived learning: text and the line it was written on.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedLearning {
    pub text: String,
    pub line: usize,
}

/// Learnings from a Lessons learned / Learnings / Takeaways section: its list items, or its
/// paragraphs when the section has no list.
pub fn learnings(parsed: &Parsed, extra: &[String]) -> Vec<DerivedLearning> {
    let mut out = Vec::new();
    for sec in sections(parsed, LEARNING_SECTIONS, extra) {
        if !sec.items.is_empty() {
            out.extend(
                sec.items
                    .iter()
                    .filter(|i| !is_placeholder(&i.text))
                    .map(|i| DerivedLearning {
                        text: i.text.clone(),
                        line: i.line,
                    }),
            );
        } else {
            out.extend(
                sec.paragraphs
                    .iter()
                    .filter(|(p, _)| !is_placeholder(p))
                    .map(|(p, line)| DerivedLearning {
                        text: p.clone(),
                        line: *line,
                    }),
            );
        }
    }
    out
}

/// A derived action item.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedAction {
    pub text: String,
    pub owner: Option<String>,
    pub status: ActionStatus,
    pub due: Option<NaiveDate>,
    pub line: usize,
}

fn owner_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?:\(\s*(?:owner|owned by|assignee|assigned to)\s*[:=]?\s*([^)]+?)\s*\)|\b(?:owner|assignee)\s*[:=]\s*(@?[\w.-]+(?:\s[\w.-]+)?)\s*$|(?:^|\s)@([A-Za-z0-9][\w.-]*)\s*$)").unwrap()
    })
}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let n = normalise_title(h);
        names.iter().any(|x| n == *x)
    })
}

/// Action items from an Action items / Follow-ups / Remediation section: list items (a
/// checked task is done), or table rows with Action / Owner / Status / Due columns.
pub fn action_items(parsed: &Parsed, extra: &[String]) -> Vec<DerivedAction> {
    let mut out = Vec::new();
    for sec in sections(parsed, ACTION_SECTIONS, extra) {
        for item in &sec.items {
            if is_placeholder(&item.text) {
                continue;
            }
            let found = owner_regex().captures(&item.text).and_then(|c| {
                let whole = c.get(0)?;
                c.get(1).or(c.get(2)).or(c.get(3)).map(|m| {
                    (
                        m.as_str().trim().trim_start_matches('@').to_string(),
                        whole.range(),
                    )
                })
            });
            // The owner annotation is metadata: it leaves the text.
            let (owner, text) = match found {
                Some((owner, range)) => {
                    let mut t = item.text.clone();
                    t.replace_range(range, "");
                    (
                        Some(owner),
                        collapse_ws(t.trim_end_matches([' ', '-', '—', ','])),
                    )
                }
                None => (None, item.text.clone()),
            };
            out.push(DerivedAction {
                text,
                owner,
                status: if item.checked == Some(true) {
                    ActionStatus::Done
                } else {
                    ActionStatus::Open
                },
                due: None,
                line: item.line,
            });
        }
        if let Some(((header, _), rows)) = sec.rows.split_first() {
            let text_col = column(
                header,
                &[
                    "action",
                    "action item",
                    "actions",
                    "task",
                    "item",
                    "description",
                    "what",
                    "follow up",
                    "remediation",
                ],
            )
            .unwrap_or(0);
            let owner_col = column(
                header,
                &[
                    "owner",
                    "owners",
                    "who",
                    "assignee",
                    "responsible",
                    "team",
                    "assigned to",
                ],
            );
            let status_col = column(header, &["status", "state", "done", "progress"]);
            let due_col = column(
                header,
                &["due", "due date", "deadline", "by", "target date", "when"],
            );
            for (cells, line) in rows {
                let get = |c: Option<usize>| {
                    c.and_then(|i| cells.get(i))
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty() && !is_placeholder(s))
                };
                let Some(text) = get(Some(text_col)) else {
                    continue;
                };
                let status = get(status_col)
                    .map(|s| {
                        ActionStatus::parse(&s).unwrap_or_else(|| {
                            let n = normalise_title(&s);
                            if n.contains("done")
                                || n.contains("complete")
                                || n == "x"
                                || n == "yes"
                            {
                                ActionStatus::Done
                            } else {
                                ActionStatus::Open
                            }
                        })
                    })
                    .unwrap_or(ActionStatus::Open);
                out.push(DerivedAction {
                    text,
                    owner: get(owner_col),
                    status,
                    due: get(due_col)
                        .and_then(|d| crate::markdown::find_dates(&d).first().copied()),
                    line: *line,
                });
            }
        }
    }
    out
}

/// The first paragraph of a Summary section, else the first paragraph of the body.
pub fn summary(parsed: &Parsed) -> String {
    sections(parsed, SUMMARY_SECTIONS, &[])
        .iter()
        .find_map(|s| s.paragraphs.first().map(|(p, _)| p.clone()))
        .or_else(|| parsed.first_paragraph.clone())
        .unwrap_or_default()
}

fn id_prefix_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // "PM2019-009 - Title", "INC-1234 Title", "2024-001_title"
        Regex::new(r"^([A-Za-z]{1,10}[-_]?\d[A-Za-z0-9]*(?:[-_.]\d+)*)(?:\s*[-–—:_]\s*|\s+|$)(.*)$")
            .unwrap()
    })
}

/// An id and a title from a file stem: `PM2019-009 - Disk full` -> (`PM2019-009`, `Disk full`);
/// otherwise the slug of the stem and the stem itself.
pub fn id_and_title_from_stem(stem: &str) -> (String, String) {
    if let Some(c) = id_prefix_regex().captures(stem.trim()) {
        let id = c[1].to_string();
        let rest = c[2].trim();
        if id.bytes().any(|b| b.is_ascii_digit()) && id.len() >= 3 {
            let title = if rest.is_empty() {
                id.clone()
            } else {
                rest.to_string()
            };
            return (id, title);
        }
    }
    let title = stem.replace(['_', '-'], " ");
    let title = collapse_ws(&title);
    // A date at the start of the stem is not part of the title.
    let title = title_without_date(&title);
    (slugify(stem), title)
}

fn title_without_date(t: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| Regex::new(r"^\d{4} \d{2} \d{2} ").unwrap());
    let s = r.replace(t, "").to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => t.to_string(),
    }
}

/// Date written in a file name (ISO `2024-03-01` or compact `20240301`).
pub fn date_from_name(name: &str) -> Option<NaiveDate> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?:[^0-9]|$)")
            .unwrap()
    });
    let c = r.captures(name)?;
    NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

/// A year written in a file name, such as the 2019 of `PM2019-009`.
pub fn year_from_name(name: &str) -> Option<i32> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})(?:[^0-9]|$)").unwrap());
    r.captures(name)?[1].parse().ok()
}

/// Where a derived date came from, for `check` and for readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    FrontMatter,
    FileName,
    Body,
    FileNameYear,
    Git,
    Missing,
}

/// The incident date: file name, then the first date in the body (preferring one in the
/// year the file name gives), then the year of the file name alone (1 January).
pub fn date(name: &str, parsed: &Parsed) -> (Option<NaiveDate>, DateSource) {
    use chrono::Datelike;
    if let Some(d) = date_from_name(name) {
        return (Some(d), DateSource::FileName);
    }
    let year = year_from_name(name);
    let dates = parsed.dates();
    let body_date = match year {
        Some(y) => dates.iter().find(|d| d.year() == y).copied(),
        None => dates.first().copied(),
    };
    if let Some(d) = body_date {
        return (Some(d), DateSource::Body);
    }
    if let Some(y) = year {
        return (NaiveDate::from_ymd_opt(y, 1, 1), DateSource::FileNameYear);
    }
    (None, DateSource::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_numbers_at_the_start_of_a_file_name_become_ids() {
        assert_eq!(
            id_and_title_from_stem("PM2019-009 - Kubernetes network infrastructure IP starvation"),
            (
                "PM2019-009".into(),
                "Kubernetes network infrastructure IP starvation".into()
            )
        );
        assert_eq!(
            id_and_title_from_stem("PM2022-002 -  Logs not shipped"),
            ("PM2022-002".into(), "Logs not shipped".into())
        );
        assert_eq!(
            id_and_title_from_stem("INC-1234 checkout down"),
            ("INC-1234".into(), "checkout down".into())
        );
        assert_eq!(
            id_and_title_from_stem("2023-04-02-db-failover"),
            ("2023-04-02-db-failover".into(), "Db failover".into())
        );
    }

    #[test]
    fn dates_come_from_file_names_then_the_body_in_the_named_year() {
        assert_eq!(
            date_from_name("2023-04-02-db-failover"),
            NaiveDate::from_ymd_opt(2023, 4, 2)
        );
        assert_eq!(date_from_name("PM2019-009 - x"), None);
        assert_eq!(year_from_name("PM2019-009 - x"), Some(2019));
        let parsed = Parsed {
            preamble: "On 1 May 2018 we planned it; it broke on 2019-11-29.".into(),
            ..Default::default()
        };
        assert_eq!(
            date("PM2019-009 - x", &parsed),
            (NaiveDate::from_ymd_opt(2019, 11, 29), DateSource::Body)
        );
        assert_eq!(
            date("PM2020-001", &Parsed::default()),
            (
                NaiveDate::from_ymd_opt(2020, 1, 1),
                DateSource::FileNameYear
            )
        );
    }

    #[test]
    fn section_titles_are_matched_loosely() {
        assert_eq!(normalise_title("Follow-ups:"), "follow ups");
        let sec = Section {
            title: "5. Lessons Learned".into(),
            ..Default::default()
        };
        assert!(title_is(&sec, LEARNING_SECTIONS, &[]));
    }
}
