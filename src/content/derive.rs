/*!
Filling in what the front matter left out, from the file name and the Markdown body.

Real postmortems rarely have front matter. This module reads the conventions they do follow:
an incident number at the start of the file name, a date in the name or the text (or a day and
month in the text with the year in the name), a title in the first heading, a Summary section, a
Lessons learned section and an Action items section (lists, task lists or tables).
*/

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate};
use regex::Regex;

use crate::content::frontmatter::{ActionStatus, FrontMatter};
use crate::markdown::{collapse_ws, fold_items, slugify, ListItem, Mark, Parsed, Section};

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
    "tasks",
    "open tasks",
];

/// Section titles that hold the summary.
pub const SUMMARY_SECTIONS: &[&str] = &[
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

/// A title without case, punctuation or leading numbering: "5. Lessons Learned" and
/// "V. Lessons learned:" -> "lessons learned".
pub(crate) fn bare_title(t: &str) -> String {
    let n = normalise_title(t);
    n.split_once(' ')
        .filter(|(first, _)| {
            first.chars().all(|c| c.is_ascii_digit())
                || ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"].contains(first)
        })
        .map(|(_, rest)| rest.to_string())
        .unwrap_or(n)
}

/// Whether a section title names one of `names` (or `extra`), ignoring case, punctuation and
/// numbering.
pub fn title_is(sec: &Section, names: &[&str], extra: &[String]) -> bool {
    let n = bare_title(&sec.title);
    names.contains(&n.as_str()) || extra.iter().any(|e| bare_title(e) == n)
}

/// What a postmortem section holds, as its title says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Learnings,
    Actions,
}

/// Whether a section title says the section holds learnings (or action items): one of the
/// names above or in `extra`, or a title built the way postmortem templates build them.
/// Learnings: "lesson", "learned", "takeaway" anywhere ("Lessons Learned & Next Steps", "What
/// we learnt from this"), the "What went wrong" heading of the Google SRE template and its
/// kin in PagerDuty's ("What didn't go so well") and GitLab's ("What can be improved") (not
/// its "What went well" or "Where we got lucky": strengths and luck do not recur as lessons,
/// and "it happened on a quiet Tuesday" would link every incident it was written in). Action items: "action", "follow-up", "remediation", "prevention",
/// "next steps" anywhere ("Corrective and preventative measures", "What we're doing about
/// it", "How we're preventing this from happening again"), but not a record of what was done
/// during the incident ("Actions taken", "Immediate actions").
pub fn title_holds(title: &str, what: Holds, extra: &[String]) -> bool {
    let n = bare_title(title);
    if extra.iter().any(|e| bare_title(e) == n) {
        return true;
    }
    let words: Vec<&str> = n.split(' ').collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let padded = format!(" {n} ");
    let says = |list: &[&str]| list.iter().any(|p| padded.contains(&format!(" {p} ")));
    match what {
        Holds::Learnings => {
            LEARNING_SECTIONS.contains(&n.as_str())
                || has(&[
                    "lesson",
                    "lessons",
                    "learned",
                    "learnt",
                    "learnings",
                    "takeaway",
                    "takeaways",
                ])
                || says(&[
                    "went wrong",
                    "could have gone better",
                    "could have been better",
                    "didn t go well",
                    "did not go well",
                    "didn t go so well",
                    "did not go so well",
                    "went badly",
                    "went poorly",
                    "can be improved",
                    "could be improved",
                ])
        }
        Holds::Actions => {
            ACTION_SECTIONS.contains(&n.as_str())
                || (has(&[
                    "action",
                    "actions",
                    "followup",
                    "followups",
                    "remediation",
                    "remediations",
                    "corrective",
                    "preventive",
                    "preventative",
                    "prevention",
                    "todo",
                    "todos",
                ]) || says(&[
                    "follow up",
                    "follow ups",
                    "next steps",
                    "to do",
                    "doing about it",
                    "prevent this",
                    "preventing this",
                    "prevent it",
                    "preventing it",
                    "prevent recurrence",
                    "preventing recurrence",
                ])) && !has(&["taken", "immediate", "during"])
        }
    }
}

/// The top-level sections (not nested in another matching one) that hold `what`.
fn holding<'a>(parsed: &'a Parsed, what: Holds, extra: &[String]) -> Vec<&'a Section> {
    matching(parsed, |s| title_holds(&s.title, what, extra))
}

/// The top-level sections (not nested in another matching one) whose titles match.
fn sections<'a>(parsed: &'a Parsed, names: &[&str], extra: &[String]) -> Vec<&'a Section> {
    matching(parsed, |s| title_is(s, names, extra))
}

fn matching(parsed: &Parsed, matches: impl Fn(&Section) -> bool) -> Vec<&Section> {
    let mut out: Vec<&Section> = Vec::new();
    // The last match, while the sections after it are nested in it (sections are in order).
    let mut open: Option<u8> = None;
    for s in &parsed.sections {
        if open.is_some_and(|level| s.level > level) {
            // A nested section's items are its matched parent's too.
            continue;
        }
        open = None;
        if matches(s) {
            out.push(s);
            open = Some(s.level);
        }
    }
    out
}

/// A paragraph of a list written as prose without the word that joins it to the one before
/// ("Finally, we've added ..." is "We've added ..."), as an item of a list would be written.
fn without_connective(t: &str) -> String {
    for word in [
        "Finally, ",
        "Lastly, ",
        "And ",
        "Also, ",
        "Additionally, ",
        "In addition, ",
    ] {
        if let Some(rest) = t.strip_prefix(word) {
            let mut chars = rest.chars();
            if let Some(first) = chars.next() {
                return first.to_uppercase().chain(chars).collect();
            }
        }
    }
    t.to_string()
}

/// An apology or a thank-you, which a public postmortem's "What we're doing about it" ends
/// with ("We're sorry to everyone who ...", "Thank you for your patience"): no work to do.
fn is_courtesy(t: &str) -> bool {
    let n = normalise_title(t);
    [
        "we re sorry",
        "we are sorry",
        "we are very sorry",
        "we re very sorry",
        "we apologise",
        "we apologize",
        "we sincerely apologise",
        "we sincerely apologize",
        "we d like to apologise",
        "we d like to apologize",
        "we would like to apologise",
        "we would like to apologize",
        "sorry ",
        "our apologies",
        "thank you",
        "thanks ",
        "we thank",
        "we d like to thank",
        "we would like to thank",
    ]
    .iter()
    .any(|p| n.starts_with(p))
}

fn is_placeholder(t: &str) -> bool {
    let n = normalise_title(t);
    n.is_empty()
        || matches!(
            n.as_str(),
            "tbd" | "tba" | "n a" | "na" | "none" | "todo" | "nothing" | "xxx" | "yyy" | "zzz"
        )
}

/// A derived learning: text, the line it was written on, and the canonical learning its
/// author marked it with (`<!-- hindsight: learning ID -->`).
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedLearning {
    pub text: String,
    pub line: usize,
    pub mark: Option<Mark>,
}

/// Learnings from a Lessons learned / Learnings / Takeaways section: its list items, or its
/// paragraphs when the section has no list.
pub fn learnings(parsed: &Parsed, extra: &[String]) -> Vec<DerivedLearning> {
    let mut out = Vec::new();
    for sec in holding(parsed, Holds::Learnings, extra) {
        // "Lessons learned and action items": its tasks (checkboxes) are action items.
        let both = title_holds(&sec.title, Holds::Actions, &[]);
        // The Google SRE template puts "What went well" and "Where we got lucky" under
        // Lessons learned: strengths and luck, not lessons that can recur.
        let went_well = |line: usize| {
            parsed
                .sections
                .iter()
                .filter(|s| s.level > sec.level && s.line > sec.line && s.line < line)
                .max_by_key(|s| s.line)
                .is_some_and(|s| {
                    let n = format!(" {} ", bare_title(&s.title));
                    [" went well ", " worked well ", " went right ", " lucky "]
                        .iter()
                        .any(|p| n.contains(p))
                })
        };
        if !sec.items.is_empty() {
            out.extend(
                sec.items
                    .iter()
                    .filter(|i| {
                        let task = i.checked.is_some();
                        !(is_placeholder(&i.text) || (both && task) || went_well(i.line))
                    })
                    .map(|i| DerivedLearning {
                        text: i.text.clone(),
                        line: i.line,
                        mark: sec.mark_at(i.line).cloned(),
                    }),
            );
        } else {
            out.extend(
                sec.paragraphs
                    .iter()
                    .filter(|(p, line)| !is_placeholder(p) && !went_well(*line))
                    .map(|(p, line)| DerivedLearning {
                        text: p.clone(),
                        line: *line,
                        mark: sec.mark_at(*line).cloned(),
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
    /// `None` when the text records no status: no task box, no status in parentheses, no
    /// status cell.
    pub status: Option<ActionStatus>,
    pub due: Option<NaiveDate>,
    /// The ticket that tracks it: the cell of a Ticket column (`PAY-123`, a link).
    pub ticket: Option<String>,
    /// The due cell of a table row, or the due date in a list item's trailing parenthetical
    /// (`(due 2024-13-45)`), when it is written like a date but is none; with the line its
    /// row or item starts on (for a sub-task, the line of the item it is nested in that says
    /// it).
    pub bad_due: Option<(String, usize)>,
    /// The parts of its parentheses that say nothing read (see [`UnreadPart`]), kept in the
    /// text.
    pub unread: Vec<UnreadPart>,
    pub line: usize,
    /// The canonical learning its author marked it as addressing.
    pub mark: Option<Mark>,
}

fn owner_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)(?:\(\s*(?:owner|owned by|assignee|assigned to)\s*[:=]?\s*([^)]+?)\s*\)|\b(?:owner|assignee)\s*[:=]\s*(@?[\w.-]+(?:\s[\w.-]+)?)\s*(?:$|[,;|]\s*)|(?:^|\s)@([A-Za-z0-9][\w.-]*)\s*$)").unwrap()
    })
}

/// Something written as a date of numbers (`2024-13-45`, `2024-3-5`, `04/05/2024`): a due cell
/// that holds one and no date is a mistake, where "next sprint" is a plan.
fn numeric_date_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b")
            .unwrap()
    })
}

/// A part of the parentheses of a list item's action item that says nothing Hindsight reads
/// there, and stays in its text: a part of an `(owner: ...)` annotation that is neither a
/// status nor a due date (`(owner: team-sre, 2023-12-15)`), or of a parenthetical that says a
/// status or a due date that is neither an owner, a status nor a due date (`(team-x, done,
/// asap)`; see [`trailing_meta`]).
#[derive(Debug, Clone, PartialEq)]
pub struct UnreadPart {
    pub part: String,
    /// The parenthetical it is in, as the item's text writes it (`(team-x, done, asap)`);
    /// `None` for an `(owner: ...)` annotation's.
    pub parens: Option<String>,
    /// The line its item starts on.
    pub line: usize,
}

/// What a parenthetical at the end of an action item says of it, and the text without it.
#[derive(Debug, Default, PartialEq)]
struct Trailing {
    status: Option<ActionStatus>,
    owner: Option<String>,
    due: Option<NaiveDate>,
    /// A due date written like a date that is none (`due 2025-13-45`).
    bad_due: Option<String>,
    text: String,
    /// The parts of the parenthetical that say nothing read and are reported (see
    /// [`trailing_meta`]), with the parenthetical as written.
    unread: Vec<String>,
    parens: String,
}

/// Words that make `cross-team` or `team-wide` say how something is done, not who does it.
const NOT_A_TEAM: &[&str] = &[
    "all", "cross", "inter", "intra", "multi", "non", "per", "sub", "whole", "wide", "level",
    "based", "building", "specific", "owned", "internal", "external", "only",
];

/// An owner that is clearly one when written alone in parentheses: a handle (`@jane`) or a
/// team named as one (`team-payments`, `platform-team`, `team_x`), not `(cross-team)`.
fn is_team_or_handle(w: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?i)^(?:@\w[\w.-]*|team[-_]([\w.-]*\w)|(\w[\w.-]*)[-_]team)$").unwrap()
    });
    r.captures(w).is_some_and(|c| {
        c.get(1)
            .or(c.get(2))
            .is_none_or(|m| !NOT_A_TEAM.contains(&m.as_str().to_lowercase().as_str()))
    })
}

/// Takes a part of a parenthetical as the status or the due date not found yet (the status as
/// `status_text`, the part without any `status:` label, says it): whether it was one. A due
/// date written like a date that is none is kept in `bad_due`, to be reported.
fn status_or_due(
    part: &str,
    status_text: &str,
    status: &mut Option<ActionStatus>,
    due: &mut Option<NaiveDate>,
    bad_due: &mut Option<String>,
) -> bool {
    if status.is_none() {
        if let Some(s) = ActionStatus::parse(status_text) {
            *status = Some(s);
            return true;
        }
    }
    if due.is_none() && bad_due.is_none() {
        match due_clause(part) {
            Some(Ok(d)) => *due = Some(d),
            Some(Err(w)) => *bad_due = Some(w),
            None => return false,
        }
        return true;
    }
    false
}

/// A due date in a parenthetical: `due 2025-10-31`, `due: 31 October 2025`, `due by ...`,
/// `by 2025-10-31`, `deadline ...`. Only a date follows the word (`due next sprint` is a plan
/// and stays in the text): the date, or the written value when it looks like a date and is
/// none (`due 2025-13-45`).
fn due_clause(part: &str) -> Option<Result<NaiveDate, String>> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(r"(?i)^(?:due(?:\s+(?:by|on|date))?|by|deadline)\b\s*:?\s*(\S.*)$").unwrap()
    });
    let value = r.captures(part.trim())?.get(1)?.as_str().trim();
    let month = |w: &str| {
        w.len() >= 3
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ]
            .contains(&w[..3].to_ascii_lowercase().as_str())
    };
    // Every word is part of a date: numbers, ordinals, month names, "of".
    let dateish = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .all(|w| {
            let digits = w.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
            w.eq_ignore_ascii_case("of")
                || month(w.trim_end_matches('.'))
                || (!digits.is_empty()
                    && digits
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.')))
        });
    if !dateish {
        return None;
    }
    match crate::markdown::date_written(value) {
        Some(d) => Some(Ok(d)),
        None if numeric_date_regex().is_match(value) => Some(Err(value.to_string())),
        None => None,
    }
}

/// The parts of a parenthetical between commas and semicolons, with where each starts; a year
/// alone is the end of the date before it ("due October 31, 2025").
fn parts_of(inside: &str) -> Vec<(usize, &str)> {
    let mut parts: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (i, c) in inside.char_indices().chain([(inside.len(), ',')]) {
        if c != ',' && c != ';' {
            continue;
        }
        let part = &inside[start..i];
        let year = part.trim().len() == 4 && part.trim().bytes().all(|b| b.is_ascii_digit());
        match parts.last_mut() {
            Some((at, last)) if year => *last = &inside[*at..i],
            _ => parts.push((start, part)),
        }
        start = i + 1;
    }
    parts
}

/// What the parts after the owner of an `(owner: team-x, ...)` annotation say: the same
/// status and due date as a parenthetical without the label (`(owner: team-sre, done)`,
/// `(owner: team-sre, due 2023-12-15)`). A due word followed by no date (`due next sprint`)
/// is a plan and stays in the text, as it does there; any other part is unread, stays in the
/// text and is reported. `None` when no part after the first says a status or a due date:
/// the whole value is the owner, as in `(owner: Alice, Bob)`.
struct Annotation {
    owner: String,
    status: Option<ActionStatus>,
    due: Option<NaiveDate>,
    bad_due: Option<String>,
    /// The parts that stay in the text, in their parentheses, in the order written.
    kept: Vec<String>,
    /// The parts of them that say nothing Hindsight reads (`2023-12-15` without `due`).
    unread: Vec<String>,
}

fn annotation(value: &str) -> Option<Annotation> {
    static PLAN: OnceLock<Regex> = OnceLock::new();
    static STATUS_LABEL: OnceLock<Regex> = OnceLock::new();
    let plan = PLAN.get_or_init(|| Regex::new(r"(?i)^(?:due|by|deadline)\b").unwrap());
    let parts = parts_of(value);
    let (first, rest) = parts.split_first()?;
    let mut found = Annotation {
        owner: first.1.trim().to_string(),
        status: None,
        due: None,
        bad_due: None,
        kept: Vec::new(),
        unread: Vec::new(),
    };
    let status = STATUS_LABEL.get_or_init(|| Regex::new(r"(?i)^status\s*:?\s*").unwrap());
    let mut planned = false;
    for &(_, part) in rest {
        let part = part.trim();
        let f = &mut found;
        let status_text = status.replace(part, "");
        if status_or_due(
            part,
            &status_text,
            &mut f.status,
            &mut f.due,
            &mut f.bad_due,
        ) {
            continue;
        }
        if !part.is_empty() {
            if plan.is_match(part) {
                planned = true;
            } else {
                found.unread.push(part.to_string());
            }
            found.kept.push(part.to_string());
        }
    }
    // Names alone after the first are more owners.
    let read = found.status.is_some() || found.due.is_some() || found.bad_due.is_some();
    (read || planned || !found.unread.iter().all(|p| names_someone(p))).then_some(found)
}

/// A parenthetical at the end of an action item (before a full stop or not) that says its
/// status, due date or owner: `(done)`, `(Completed)`, `(in progress)`, `(due 2025-10-31)`,
/// `(team-x, done)`, `(team-x, due 2025-10-31)`, `(team-x, done, due 2025-10-31)`, or an owner
/// alone when it is written as a handle or a team (`(@jane)`, `(team-x)`, `(platform-team)`).
/// A parenthetical of prose (`(see runbook)`, `(AWS)`, `(not urgent)`, `(due next sprint)`)
/// says none of these and is `None`.
///
/// A parenthetical of several parts (between commas or semicolons) is read only when one of
/// them is a status word or a due date: then each other part is read, in any order, when it is
/// unambiguous: an owner written as a handle or a team, or one word first (`sre`, but not a
/// word of priority or time such as `asap`, `P1` or `Q3`, nor a ticket such as `ACT-12`); a
/// second owner is not. Any other part stays in the text, in its parentheses, and is reported
/// ([`Trailing::unread`]) when it is short, one or two words (`asap`, `next week`, `Priya
/// Raman`): written beside a status or a due date, it was meant to say something of the item
/// too. A longer part, a reference (`see runbook`, `e.g. ...`, `ACT-12`, a URL) or a plan (`due
/// next sprint`) is a remark that the text keeps, and is not reported.
fn trailing_meta(text: &str) -> Option<Trailing> {
    static OWNER: OnceLock<Regex> = OnceLock::new();
    static NOT_AN_OWNER: OnceLock<Regex> = OnceLock::new();
    static PLAN: OnceLock<Regex> = OnceLock::new();
    static REFERENCE: OnceLock<Regex> = OnceLock::new();
    let t = text.trim_end();
    let stop = t.ends_with('.');
    let inner = t.trim_end_matches('.').trim_end().strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let inside = &inner[open + 1..];
    if inside.contains(')') || inner[..open].trim().is_empty() {
        return None;
    }
    let parts: Vec<&str> = parts_of(inside)
        .into_iter()
        .map(|(_, p)| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let says = |p: &str| ActionStatus::parse(p).is_some() || due_clause(p).is_some();
    let mut found = Trailing::default();
    let mut kept: Vec<&str> = Vec::new();
    if !parts.iter().any(|p| says(p)) {
        // No status or due date: an owner alone only when it is written as one.
        let w = inside.trim();
        if !is_team_or_handle(w) {
            return None;
        }
        if !names_no_one(w) {
            found.owner = Some(w.trim_start_matches('@').to_string());
        }
    } else {
        let owner_like = OWNER.get_or_init(|| Regex::new(r"^@?\w[\w.-]*$").unwrap());
        let not_an_owner = NOT_AN_OWNER.get_or_init(|| {
            Regex::new(
                r"(?i)^(?:asap|urgent|soon|later|now|today|tomorrow|high|medium|low|critical|blocker|major|minor|optional|priority|p\d|q\d|h\d|sev\d|[a-z][a-z0-9]*-\d+)$",
            )
            .unwrap()
        });
        let plan = PLAN.get_or_init(|| Regex::new(r"(?i)^(?:due|by|deadline)\b").unwrap());
        let reference = REFERENCE.get_or_init(|| {
            Regex::new(
                r"(?i)^(?:(?:see|cf|e\.?g|i\.?e|via|per|incl|including|like|also|after|before|until|since|for|with|without|from|except|unless|if|as|not)\b|#\d+$|[A-Z][A-Z0-9]*-\d+$|https?://)",
            )
            .unwrap()
        });
        let mut owned = false;
        for (i, &part) in parts.iter().enumerate() {
            let f = &mut found;
            if status_or_due(part, part, &mut f.status, &mut f.due, &mut f.bad_due) {
                continue;
            }
            let first_word = i == 0 && owner_like.is_match(part) && !not_an_owner.is_match(part);
            if !owned && (first_word || is_team_or_handle(part)) {
                owned = true;
                if !names_no_one(part) {
                    found.owner = Some(part.trim_start_matches('@').to_string());
                }
                continue;
            }
            kept.push(part);
            let remark = !part.chars().any(char::is_alphanumeric)
                || part.split_whitespace().count() > 2
                || plan.is_match(part)
                || reference.is_match(part);
            if !remark {
                found.unread.push(part.to_string());
            }
        }
        found.parens = format!("({inside})");
    }
    let mut rest = collapse_ws(inner[..open].trim_end_matches([' ', '-', '\u{2014}', ',', ';']));
    if !kept.is_empty() {
        rest = format!("{rest} ({})", kept.join(", "));
    }
    if stop {
        rest.push('.');
    }
    found.text = rest;
    Some(found)
}

/// The status a Status cell records, if any: a status word ("Done", "In progress", "TODO"), a
/// check mark (`✅`, `✔`, `☑`, `✓`, `[x]`) for done, an empty box (`☐`, `[ ]`) for open; any
/// other words are a status that is not done ("Blocked", "Waiting on vendor"). An empty cell,
/// a dash or "n/a" records none.
fn status_cell(cell: &str) -> Option<ActionStatus> {
    let cell = cell.trim();
    if cell.contains(['\u{2705}', '\u{2714}', '\u{2611}', '\u{2713}'])
        || cell.eq_ignore_ascii_case("[x]")
    {
        return Some(ActionStatus::Done);
    }
    if cell.contains(['\u{2610}', '\u{2B1C}']) || cell.replace(' ', "") == "[]" {
        return Some(ActionStatus::Open);
    }
    let n = normalise_title(cell);
    if n.is_empty()
        || matches!(
            n.as_str(),
            "n a" | "na" | "none" | "tbd" | "tba" | "unknown"
        )
    {
        return None;
    }
    Some(ActionStatus::parse(cell).unwrap_or_else(|| {
        if n.contains("done") || n.contains("complete") || n == "x" || n == "yes" {
            ActionStatus::Done
        } else {
            ActionStatus::Open
        }
    }))
}

/// An owner with the `@` of each handle dropped (`@carol` is "carol", `@bob, @dave` is "bob,
/// dave"), as an owner written `@carol` at the end of a list item is: an owner cell, and
/// front matter's `owner:` too, so that one owner is one group on the action items pages
/// however it was written.
pub fn owner_cell(cell: String) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| Regex::new(r"(^|[\s,;/&(])@(\w)").unwrap());
    match r.replace_all(&cell, "$1$2") {
        std::borrow::Cow::Borrowed(_) => cell,
        std::borrow::Cow::Owned(s) => s,
    }
}

/// A column of an action items table that is read.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    Text,
    Owner,
    Status,
    Ticket,
    Due,
}

/// The headers that name each column: normalised (see [`normalise_title`]) and singular, as a
/// header names it with an `s` or an `(s)` at its end too ("Owners", "Owner(s)", "Tickets").
const COLUMNS: &[(Col, &[&str])] = &[
    (
        Col::Text,
        &[
            "action",
            "action item",
            "action point",
            "task",
            "item",
            "description",
            "what",
            "follow up",
            "remediation",
            "next step",
            "todo",
            "to do",
            // de, fr, es, pt, it, nl, sv.
            "maßnahme",
            "maßnahmen",
            "massnahme",
            "massnahmen",
            "aufgabe",
            "aufgaben",
            "mesure",
            "tâche",
            "acción",
            "acciones",
            "tarea",
            "ação",
            "ações",
            "tarefa",
            "azione",
            "azioni",
            "attività",
            "actie",
            "taak",
            "maatregel",
            "åtgärd",
        ],
    ),
    (
        Col::Owner,
        &[
            "owner",
            "owned by",
            "who",
            "assignee",
            "assigned",
            "assigned to",
            "responsible",
            "dri",
            "team",
            "verantwortlich",
            "verantwortliche",
            "zuständig",
            "responsable",
            "propriétaire",
            "responsável",
            "responsavel",
            "dono",
            "responsabile",
            "eigenaar",
            "verantwoordelijke",
            "ansvarig",
            "ansvarlig",
        ],
    ),
    (
        Col::Status,
        &[
            "status", "state", "done", "progress", "stand", "statut", "état", "estado", "stato",
        ],
    ),
    (Col::Ticket, &["bug", "ticket", "issue", "jira", "tracking"]),
    (
        Col::Due,
        &[
            "due",
            "due date",
            "due by",
            "deadline",
            "by",
            "by when",
            "target",
            "target date",
            "eta",
            "when",
            "fällig",
            "frist",
            "termin",
            "échéance",
            "fecha límite",
            "prazo",
            "scadenza",
        ],
    ),
];

/// The first column of `header` that names `col`.
fn column(header: &[String], col: Col) -> Option<usize> {
    let (_, names) = COLUMNS.iter().find(|(c, _)| *c == col)?;
    header.iter().position(|h| {
        let n = normalise_title(h);
        let one = n.strip_suffix(" s").or(n.strip_suffix('s'));
        names.iter().any(|x| n == *x || one == Some(*x))
    })
}

/// What a list item's text says of it as an action item, and the text without it.
struct ListMeta {
    text: String,
    owner: Option<String>,
    /// The status it states in words (`(done)`), not by a task box.
    status: Option<ActionStatus>,
    due: Option<NaiveDate>,
    bad_due: Option<String>,
    /// The parts of its parentheses that say nothing read (see [`Annotation`] and
    /// [`trailing_meta`]), their line not yet set.
    unread: Vec<UnreadPart>,
}

impl ListMeta {
    /// Whether the text records an owner, a status or a due date.
    fn records(&self) -> bool {
        self.owner.is_some()
            || self.status.is_some()
            || self.due.is_some()
            || self.bad_due.is_some()
    }
}

/// The text, owner, status and due date an action item written as one text in front matter
/// says, read as a list item's are: `- Add an expiry alert (owner: sre, done)` is the task
/// "Add an expiry alert", owned by `sre` and done.
pub(crate) fn action_text_meta(
    text: &str,
) -> (
    String,
    Option<String>,
    Option<ActionStatus>,
    Option<NaiveDate>,
) {
    let meta = list_meta(text);
    if meta.text.trim().is_empty() {
        return (text.to_string(), None, None, None);
    }
    (meta.text, meta.owner, meta.status, meta.due)
}

/// Whether an owner as a postmortem's text writes it names no one: `Unassigned`, `None`,
/// `Nobody`, `TBD`, `TBA`, `Unknown` (in any case, with or without an `@`). A list item's
/// clause, parenthetical or annotation and an action items table's owner cell all read it as no
/// owner, so that such items are listed with the other unassigned ones, not under an owner
/// named so.
fn names_no_one(owner: &str) -> bool {
    let owner = owner.trim().trim_start_matches('@').to_lowercase();
    ["unassigned", "none", "nobody", "tbd", "tba", "unknown"].contains(&owner.as_str())
}

/// Whether `s` is written as someone: one to three words of a name or a handle ("Priya Raman",
/// "@li", "team-network").
fn names_someone(s: &str) -> bool {
    static WHO: OnceLock<Regex> = OnceLock::new();
    WHO.get_or_init(|| Regex::new(r"^@?\p{L}[\w.'-]*(?:\s+@?\p{L}[\w.'-]*){0,2}$").unwrap())
        .is_match(s.trim())
}

/// What one clause at the end of a list item says of it, into `found`: `Owner: Priya Raman`,
/// `assigned to Chloe`, `@maria`, `Status: Completed`, a due date (`by 2024-06-01`), or, after
/// a dash, a status word alone (`— done`). An owner written as no one (`Owner: Unassigned`)
/// is read as none. False when the clause says none of these, or says again what a later one
/// said.
fn clause_meta(clause: &str, dash: bool, found: &mut Trailing) -> bool {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        Regex::new(
            r"(?i)^(owners?|assignees?|assigned to|owned by|dri|status)\s*(?::\s*|\s)(\S.*)$",
        )
        .unwrap()
    });
    let clause = clause.trim();
    if let Some(c) = label.captures(clause) {
        let value = c[2].trim();
        if c[1].eq_ignore_ascii_case("status") {
            if found.status.is_some() {
                return false;
            }
            found.status = status_cell(value);
            return found.status.is_some();
        }
        if found.owner.is_some() || !names_someone(value) {
            return false;
        }
        if !names_no_one(value) {
            found.owner = Some(value.trim_start_matches('@').to_string());
        }
        return true;
    }
    if clause.starts_with('@') && !clause.contains(char::is_whitespace) && names_someone(clause) {
        if found.owner.is_some() {
            return false;
        }
        found.owner = Some(clause[1..].to_string());
        return true;
    }
    if found.due.is_none() && found.bad_due.is_none() {
        match due_clause(clause) {
            Some(Ok(d)) => {
                found.due = Some(d);
                return true;
            }
            Some(Err(w)) => {
                found.bad_due = Some(w);
                return true;
            }
            None => {}
        }
    }
    match (dash, found.status, ActionStatus::parse(clause)) {
        (true, None, Some(s)) => {
            found.status = Some(s);
            true
        }
        _ => false,
    }
}

/// Clauses at the end of a list item that say its owner, status or due date, set off by dashes
/// or commas as exports and hand-written follow-ups write them: `— Owner: Priya Raman —
/// Status: Completed` (incident.io), `@maria — by 2024-06-01`, `@jonas, due 2024-06-15`,
/// `— assigned to Chloe`, `— done` (a status word alone only after a dash). `None` when the
/// last clause says none of these; the text keeps a handle right before the clauses
/// (`@maria`), which the caller reads as an owner at the end.
fn trailing_clauses(text: &str) -> Option<Trailing> {
    let mut rest = text.trim_end().trim_end_matches('.').trim_end();
    let mut found = Trailing::default();
    let mut any = false;
    loop {
        let cut = [" \u{2014} ", " \u{2013} ", " -- ", ", ", "; "]
            .iter()
            .filter_map(|sep| {
                rest.rfind(sep)
                    .map(|at| (at, sep.len(), !sep.starts_with([',', ';'])))
            })
            .max_by_key(|(at, _, _)| *at);
        let Some((at, len, dash)) = cut else {
            break;
        };
        let head = rest[..at].trim_end();
        // A clause inside parentheses is the parenthetical's: "(owner: @bob; status: done)".
        let open = head.matches('(').count() > head.matches(')').count();
        if open
            || !head.chars().any(char::is_alphanumeric)
            || !clause_meta(&rest[at + len..], dash, &mut found)
        {
            break;
        }
        any = true;
        rest = head;
    }
    any.then(|| Trailing {
        text: rest.to_string(),
        ..found
    })
}

/// Reads the owner, status and due date a list item's text records, and takes them out of it.
fn list_meta(item_text: &str) -> ListMeta {
    // GitLab labels at the end (`~"corrective action" ~P2`, before or after the owner) are
    // the issue's labels, not the task's words.
    static LABELS: OnceLock<Regex> = OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        Regex::new(r#"(?:\s+~(?:"[^"\n]+"|[A-Za-z][\w:.-]*))+(\s+@[A-Za-z0-9][\w.-]*)?\s*$"#)
            .expect("a valid pattern")
    });
    let unlabelled;
    let item_text = match labels.captures(item_text) {
        Some(c) if c.get(0).is_some_and(|m| m.start() > 0) => {
            let whole = c.get(0).expect("a match");
            unlabelled = format!(
                "{}{}",
                &item_text[..whole.start()],
                c.get(1).map_or("", |m| m.as_str())
            );
            unlabelled.as_str()
        }
        _ => item_text,
    };
    // Clauses after a dash or a comma at the end ("— Owner: Priya — Status: Done").
    let clauses = trailing_clauses(item_text);
    let item_text = clauses.as_ref().map_or(item_text, |c| c.text.as_str());
    // An `(owner: ...)` annotation says its status and due date after the owner as a
    // parenthetical does: "(owner: team-sre, due 2023-12-15)".
    let mut said = None;
    let found = owner_regex().captures(item_text).and_then(|c| {
        let whole = c.get(0)?;
        if let Some(m) = c.get(1) {
            said = annotation(m.as_str());
        }
        c.get(1).or(c.get(2)).or(c.get(3)).map(|m| {
            let owner = said.as_ref().map_or(m.as_str(), |a| a.owner.as_str());
            (
                owner.trim().trim_start_matches('@').to_string(),
                whole.range(),
            )
        })
    });
    // The owner annotation is metadata: it leaves the text, but for what it says that is
    // not read.
    let (mut owner, mut text) = match found {
        Some((owner, range)) => {
            let mut t = item_text.to_string();
            let kept = match &said {
                Some(a) if !a.kept.is_empty() => format!(" ({}) ", a.kept.join(", ")),
                _ => String::new(),
            };
            t.replace_range(range, &kept);
            (
                Some(owner).filter(|o| !names_no_one(o)),
                collapse_ws(t.trim_end_matches([' ', '-', '—', ','])),
            )
        }
        None => (None, item_text.to_string()),
    };
    // So is a parenthetical at the end that says its status, due date or owner:
    // "(done)", "(team-x, due 2025-10-31)", "(team-x)"; and one before it, as in
    // "(team-x) (done)", when the two do not say the same thing twice.
    let (mut status, mut due, mut bad_due, mut paren_owner) = match &clauses {
        Some(c) => (c.status, c.due, c.bad_due.clone(), false),
        None => (None, None, None, false),
    };
    let mut unread = Vec::new();
    if let Some(a) = said {
        status = status.or(a.status);
        due = due.or(a.due);
        if due.is_none() {
            bad_due = bad_due.or(a.bad_due);
        }
        unread = a
            .unread
            .into_iter()
            .map(|part| UnreadPart {
                part,
                parens: None,
                line: 0,
            })
            .collect();
    }
    owner = clauses.as_ref().and_then(|c| c.owner.clone()).or(owner);
    for _ in 0..3 {
        let Some(found) = trailing_meta(&text) else {
            break;
        };
        let dated = due.is_some() || bad_due.is_some();
        if (found.status.is_some() && status.is_some())
            || ((found.due.is_some() || found.bad_due.is_some()) && dated)
            || (found.owner.is_some() && paren_owner)
        {
            break;
        }
        status = status.or(found.status);
        due = due.or(found.due);
        bad_due = bad_due.or(found.bad_due);
        paren_owner |= found.owner.is_some();
        owner = owner.or(found.owner);
        text = found.text;
        unread.extend(found.unread.into_iter().map(|part| UnreadPart {
            part,
            parens: Some(found.parens.clone()),
            line: 0,
        }));
    }
    // A handle before the parenthetical just read ("Add the panel — @carol (in progress)")
    // is its owner, as it is at the end.
    if owner.is_none() && text.len() < item_text.len() {
        if let Some(m) = owner_regex().captures(&text).and_then(|c| c.get(3)) {
            owner = Some(m.as_str().to_string());
            let at = text[..m.start()].trim_end_matches('@').len();
            text = collapse_ws(text[..at].trim_end_matches([' ', '-', '—', ',']));
        }
    }
    // A status word in brackets at the end ("Rotate the keys [done]"), as trackers export
    // a state, or a "TODO:" or "DONE:" before the task, as notes mark one.
    static BRACKET: OnceLock<Regex> = OnceLock::new();
    let bracket = BRACKET.get_or_init(|| Regex::new(r"\s*\[([^\[\]\n]{2,20})\]\s*\.?$").unwrap());
    if status.is_none() {
        if let Some(c) = bracket.captures(&text) {
            let whole = c.get(0).expect("a match");
            if let Some(s) = ActionStatus::parse(&c[1]).filter(|_| whole.start() > 0) {
                status = Some(s);
                text.truncate(whole.start());
            }
        }
    }
    static MARK: OnceLock<Regex> = OnceLock::new();
    let mark = MARK.get_or_init(|| Regex::new(r"(?i)^(todo|done)\s*:\s+(\S)").unwrap());
    if status.is_none() {
        if let Some(c) = mark.captures(&text) {
            status = ActionStatus::parse(&c[1]);
            text = text[c.get(2).expect("a match").start()..].to_string();
        }
    }
    ListMeta {
        text,
        owner,
        status,
        due,
        bad_due,
        unread,
    }
}

/// Verbs that start a task: sub-items that all start with one are tasks of their own
/// ("Write a runbook", "Add a soak test"), not details of their parent ("on consumer lag",
/// "See the metrics docs").
const TASK_VERBS: &str =
    "add adjust agree alert align analyse analyze archive ask assess audit automate backfill \
    build change clarify clean collect communicate configure confirm consolidate create \
    decide decommission define delete deploy deprecate design disable discuss document drop \
    enable enforce ensure establish evaluate expand explore expose extend fix follow \
    implement improve increase inform install instrument integrate introduce investigate \
    limit look make measure merge migrate monitor move notify page patch pin plan prepare \
    prevent prioritise prioritize publish reach reduce refactor remove rename replace \
    reproduce require restore restrict review revisit rewrite roll rotate run schedule \
    scale separate set setup share simplify split standardise standardize switch test track \
    train tune update upgrade validate verify write";

/// Whether a list item's text starts with a verb of [`TASK_VERBS`].
fn starts_a_task(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches([':', ',', '.'])
        .to_lowercase();
    TASK_VERBS.split_whitespace().any(|v| v == first)
}

/// Whether the items nested in an action item are action items of their own, not details of
/// it folded into its text: when one of them records its own status, owner or due date (a task
/// box, `(done)`, `(owner: team-x)`) or has such items nested in it, or when each of them
/// starts a task ("Write an upgrade runbook"). Items that start a task in lower case under an
/// item that is a task itself continue its sentence, and are details ("Improve alerting
/// (team-sre):" with "add a page for X" and "tune Y" is one action item): it records a status,
/// owner or due date, or starts a task with a capital, where the case of its items says
/// something.
fn splits(item: &ListItem) -> bool {
    let own = item.own.trim_start();
    let task = item.checked.is_some()
        || list_meta(own).records()
        || (own.starts_with(char::is_uppercase) && starts_a_task(own));
    let details = |c: &ListItem| task && c.own.trim_start().starts_with(char::is_lowercase);
    !item.children.is_empty()
        && (item
            .children
            .iter()
            .any(|c| c.checked.is_some() || list_meta(&c.own).records() || splits(c))
            || item
                .children
                .iter()
                .all(|c| starts_a_task(&c.own) && !details(c)))
}

/// What an action item nested in another takes from it when it does not say it itself.
struct Inherited<'a> {
    /// The text of the items it is nested in ("CoreDNS upgrade process").
    prefix: String,
    status: Option<ActionStatus>,
    owner: Option<String>,
    due: Option<NaiveDate>,
    bad_due: Option<(String, usize)>,
    /// What its parentheses say that is not read, reported once.
    unread: Vec<UnreadPart>,
    mark: Option<&'a Mark>,
}

/// The action items of a list item of an Action items section: the item, or, when the items
/// nested in it are tasks of their own (see [`splits`]), each of those, its text after the
/// item's ("CoreDNS upgrade process: Write an upgrade runbook"), with the item's owner, status
/// and due date when it records none. `block` is the line of the top-level item (learning marks
/// belong to it) and `lines` the lines the item spans (its mark is the one written in them).
fn list_actions<'a>(
    sec: &'a Section,
    item: &ListItem,
    block: usize,
    lines: (usize, usize),
    up: Inherited<'a>,
    out: &mut Vec<DerivedAction>,
) {
    let split = splits(item) && item.children.iter().any(|c| !is_placeholder(&c.text));
    // Its own text says its owner, status and due date; its details follow it.
    let meta = list_meta(&item.own);
    let marks_in = |from: usize, to: usize| {
        sec.marks
            .iter()
            .find(|m| m.block == block && m.line >= from && m.line < to)
    };
    let status = match item.checked {
        Some(true) => Some(ActionStatus::Done),
        Some(false) => meta.status.or(Some(ActionStatus::Open)),
        None => meta.status,
    }
    .or(up.status);
    let owner = meta.owner.or(up.owner);
    let (due, mut bad_due) = match (meta.due, meta.bad_due) {
        (None, None) => (up.due, up.bad_due),
        (due, bad) => (due, bad.map(|b| (b, item.line))),
    };
    let mut unread = up.unread;
    unread.extend(meta.unread.into_iter().map(|u| UnreadPart {
        line: item.line,
        ..u
    }));
    let mut text = meta.text;
    if !split {
        text = fold_items(&text, item.children.iter().map(|c| c.text.as_str()));
    }
    if !up.prefix.is_empty() {
        text = fold_items(&up.prefix, [text.as_str()]);
    }
    if !split {
        out.push(DerivedAction {
            text,
            owner,
            status,
            due,
            ticket: None,
            bad_due,
            unread,
            line: item.line,
            mark: marks_in(lines.0, lines.1).or(up.mark).cloned(),
        });
        return;
    }
    // Its own mark is one written before its first nested item.
    let first = item.children.first().map_or(lines.1, |c| c.line);
    let mark = marks_in(lines.0, first).or(up.mark);
    let kids: Vec<&ListItem> = item
        .children
        .iter()
        .filter(|c| !is_placeholder(&c.text))
        .collect();
    for (k, child) in kids.iter().enumerate() {
        let to = kids.get(k + 1).map_or(lines.1, |next| next.line);
        let up = Inherited {
            prefix: text.clone(),
            status,
            owner: owner.clone(),
            due,
            // A due date that is none is reported once.
            bad_due: bad_due.take(),
            unread: std::mem::take(&mut unread),
            mark,
        };
        list_actions(sec, child, block, (child.line, to), up, out);
    }
}

/// The lines (from, to) of the sections nested in `sec` that ask rather than plan ("Open
/// questions" under "Next steps"): what they list is no action item.
fn question_ranges(parsed: &Parsed, sec: &Section) -> Vec<(usize, usize)> {
    let Some(at) = parsed.sections.iter().position(|s| std::ptr::eq(s, sec)) else {
        return Vec::new();
    };
    let nested: Vec<&Section> = parsed.sections[at + 1..]
        .iter()
        .take_while(|s| s.level > sec.level)
        .collect();
    let end = parsed
        .sections
        .get(at + 1 + nested.len())
        .map_or(usize::MAX, |s| s.line);
    nested
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            normalise_title(&s.title)
                .split(' ')
                .any(|w| w == "question" || w == "questions")
        })
        .map(|(i, s)| {
            let to = nested[i + 1..]
                .iter()
                .find(|n| n.level <= s.level)
                .map_or(end, |n| n.line);
            (s.line, to)
        })
        .collect()
}

/// Action items from an Action items / Follow-ups / Remediation section: list items (a
/// checked task is done, an unchecked one open), or table rows with Action / Owner / Status /
/// Due columns. An item whose text records no status has none.
pub fn action_items(parsed: &Parsed, extra: &[String]) -> Vec<DerivedAction> {
    let mut out = Vec::new();
    for sec in holding(parsed, Holds::Actions, extra) {
        // "Lessons learned and action items": its plain list items are learnings; its tasks
        // and table rows are action items.
        let both = title_holds(&sec.title, Holds::Learnings, &[]);
        let questions = question_ranges(parsed, sec);
        let asked = |line: usize| {
            questions
                .iter()
                .any(|&(from, to)| from <= line && line < to)
        };
        for item in &sec.items {
            if is_placeholder(&item.text) || (both && item.checked.is_none()) || asked(item.line) {
                continue;
            }
            let whole = Inherited {
                prefix: String::new(),
                status: None,
                owner: None,
                due: None,
                bad_due: None,
                unread: Vec::new(),
                mark: None,
            };
            list_actions(
                sec,
                item,
                item.line,
                (item.line, usize::MAX),
                whole,
                &mut out,
            );
        }
        // Each table is read by its own header row.
        for table in &sec.tables {
            let Some(((header, head_line), rows)) = table.split_first() else {
                continue;
            };
            if asked(*head_line) {
                continue;
            }
            let text_col = column(header, Col::Text).unwrap_or(0);
            let owner_col = column(header, Col::Owner);
            let status_col = column(header, Col::Status);
            let done_col = status_col.is_some_and(|i| normalise_title(&header[i]) == "done");
            let ticket_col = column(header, Col::Ticket);
            let due_col = column(header, Col::Due);
            for (cells, line) in rows {
                let get = |c: Option<usize>| {
                    c.and_then(|i| cells.get(i))
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty() && !is_placeholder(s))
                };
                let Some(text) = get(Some(text_col)) else {
                    continue;
                };
                // Not `get`: "TODO" and "✅" are statuses, not placeholders. A Done column
                // is ticked, like a task box: a row left blank in it is not done yet.
                let status = status_col
                    .and_then(|i| cells.get(i))
                    .and_then(|s| status_cell(s).or(done_col.then_some(ActionStatus::Open)))
                    // The Google SRE template has no status column: "Bug 5554823 DONE".
                    .or_else(|| {
                        get(ticket_col)?
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|w| !w.is_empty())
                            .find_map(ActionStatus::parse)
                    });
                let written = get(due_col);
                let due = written.as_deref().and_then(crate::markdown::date_written);
                out.push(DerivedAction {
                    text,
                    owner: get(owner_col).filter(|o| !names_no_one(o)).map(owner_cell),
                    status,
                    due,
                    ticket: get(ticket_col),
                    bad_due: written
                        .filter(|d| due.is_none() && numeric_date_regex().is_match(d))
                        .map(|d| (d, *line)),
                    unread: Vec::new(),
                    line: *line,
                    mark: sec.mark_at(*line).cloned(),
                });
            }
        }
        // A section of prose alone ("What we're doing about it", written as a paragraph or
        // two): each paragraph is an item, as each is a learning of a learnings section.
        if sec.items.is_empty() && sec.tables.is_empty() && !both {
            for (text, line) in &sec.paragraphs {
                if is_placeholder(text) || asked(*line) || is_courtesy(text) {
                    continue;
                }
                out.push(DerivedAction {
                    text: without_connective(text),
                    owner: None,
                    status: None,
                    due: None,
                    ticket: None,
                    bad_due: None,
                    unread: Vec::new(),
                    line: *line,
                    mark: sec.mark_at(*line).cloned(),
                });
            }
        }
    }
    out
}

/// What the text lists as action items or learnings when the front matter's `action_items`
/// or `learnings` replaces it (see [`action_items`], [`learnings`]) and the front matter does
/// not list as much.
#[derive(Debug, PartialEq)]
pub struct UnreadItems {
    /// The title and line of the section of the first item it lists.
    pub title: String,
    pub line: usize,
    /// How many items the text lists.
    pub count: usize,
    /// The first item that shares no word with any of the front matter's.
    pub first_unlisted: Option<String>,
}

/// The action items (or learnings, as `holds` says) of the text that the front matter's
/// `action_items` (or `learnings`; `listed`, their texts) replaces without listing them all:
/// when the text lists more, or lists one that shares no word (of three letters or more) with
/// any of the front matter's. A postmortem may keep its list for readers in the text and the
/// same items for the site in front matter, in other words: that is none. `None` too when the
/// text lists none (a scaffold's empty table, an Action items heading alone). `extra` names the
/// site's own sections of that kind.
pub fn unread_items(
    parsed: &Parsed,
    holds: Holds,
    extra: &[String],
    listed: &[&str],
) -> Option<UnreadItems> {
    let items: Vec<(String, usize)> = match holds {
        Holds::Actions => (action_items(parsed, extra).into_iter())
            .map(|a| (a.text, a.line))
            .collect(),
        Holds::Learnings => (learnings(parsed, extra).into_iter())
            .map(|l| (l.text, l.line))
            .collect(),
    };
    unread(parsed, holds, extra, &items, listed)
}

fn unread(
    parsed: &Parsed,
    holds: Holds,
    extra: &[String],
    items: &[(String, usize)],
    listed: &[&str],
) -> Option<UnreadItems> {
    fn words(t: &str) -> HashSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .filter(|w| {
                !["the", "and", "for", "with", "from", "into", "that"].contains(&w.as_str())
            })
            .collect()
    }
    let listed: Vec<HashSet<String>> = listed.iter().map(|t| words(t)).collect();
    let first_unlisted = items
        .iter()
        .find(|(text, _)| {
            let own = words(text);
            !own.is_empty() && listed.iter().all(|l| own.is_disjoint(l))
        })
        .map(|(text, _)| text.clone());
    if items.len() <= listed.len() && first_unlisted.is_none() {
        return None;
    }
    let first = items.iter().map(|(_, line)| *line).min()?;
    let sec = holding(parsed, holds, extra)
        .into_iter()
        .rfind(|s| s.line <= first)?;
    Some(UnreadItems {
        title: sec.title.clone(),
        line: sec.line,
        count: items.len(),
        first_unlisted,
    })
}

/// The first paragraph of prose of a Summary section (see [`crate::markdown::is_prose`]: no
/// `Label: value` metadata, no label ending with a colon), else its first list item, else its
/// first paragraph; when there is no Summary section, the first paragraph of prose of the body,
/// else its first paragraph. A Summary section with neither paragraph nor item (a scaffold not
/// yet written) gives no summary: the body's first paragraph would be whatever a later
/// section starts with ("All times are UTC.").
pub fn summary(parsed: &Parsed) -> String {
    let summaries = sections(parsed, SUMMARY_SECTIONS, &[]);
    if summaries.is_empty() {
        let first = parsed
            .first_prose
            .as_ref()
            .or(parsed.first_paragraph.as_ref())
            .cloned()
            .unwrap_or_default();
        return without_summary_label(&first).to_string();
    }
    let prose = summaries.iter().find_map(|s| {
        s.paragraphs
            .iter()
            .find(|(_, line)| !parsed.not_prose.contains(line))
    });
    prose
        .map(|(p, _)| p)
        .or_else(|| {
            summaries.iter().find_map(|s| {
                s.items
                    .first()
                    .map(|i| &i.text)
                    .or(s.paragraphs.first().map(|(p, _)| p))
            })
        })
        .cloned()
        .unwrap_or_default()
}

/// A paragraph without a label that names it the summary, as the Google SRE template writes
/// its summary in a paragraph of its own: "**Summary:** Card payments timed out ..." is "Card
/// payments timed out ...". A paragraph with nothing after the label is kept.
fn without_summary_label(p: &str) -> &str {
    let Some((label, rest)) = p.split_once(':') else {
        return p;
    };
    let rest = rest.trim_start();
    if label.len() <= 20
        && SUMMARY_SECTIONS.contains(&bare_title(label).as_str())
        && !rest.is_empty()
    {
        rest
    } else {
        p
    }
}

/// A severity the text states as a label ("**Severity:** SEV2", "Severity: SEV3.", a
/// `| Severity | SEV1 |` table row), when it is one of the configured `scale`, spelled as the
/// scale spells it ("sev-2" is "SEV2"). "Other severity 1 work" is no label. Else GitLab's
/// scoped label `~"severity::2"`, as the one level of the scale numbered 2 (SEV2 of SEV1..SEV4;
/// none on a scale of words, or of two levels numbered 2). Else a level of the scale in brackets
/// before the first heading's title (`# [SEV2] Checkout down`), which the title leaves out.
pub fn severity(parsed: &Parsed, scale: &[String]) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(r"(?i)\bseverity\s*(?::|\|)\s*([a-z]{0,8}[- ]?[0-9])\b").unwrap()
    });
    static SCOPED: OnceLock<Regex> = OnceLock::new();
    let scoped = SCOPED.get_or_init(|| Regex::new(r#"(?i)~"?severity::([0-9])\b"#).unwrap());
    let key = crate::config::severity_key;
    let texts = || {
        std::iter::once(parsed.preamble.as_str())
            .chain(parsed.sections.iter().map(|s| s.text.as_str()))
    };
    texts()
        .flat_map(|text| re.captures_iter(text))
        .find_map(|c| {
            let found = key(&c[1]);
            scale.iter().find(|s| key(s) == found).cloned()
        })
        .or_else(|| {
            // GitLab's scoped label `~"severity::2"`: the one level of the scale numbered 2.
            let n = texts().find_map(|text| scoped.captures(text))?[1].to_string();
            let number = |s: &String| -> String {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                digits.trim_start_matches('0').to_string()
            };
            let mut levels = scale.iter().filter(|s| number(s) == n);
            match (levels.next(), levels.next()) {
                (Some(level), None) => Some(level.clone()),
                _ => None,
            }
        })
        .or_else(|| {
            // `# [SEV2] Checkout down`: the tag before the title.
            let h1 = parsed.h1.as_deref()?.trim_start();
            let inside = h1.strip_prefix(['[', '('])?.split_once([']', ')'])?.0;
            let found = key(inside);
            scale.iter().find(|s| key(s) == found).cloned()
        })
}

/// A severity the body states as a label, as [`severity`] reads one, that is not on the
/// configured `scale` (a Confluence table's `| **Severity** | P1 |` where the scale is SEV1 to
/// SEV4): the value as written, with its line in the file (the body's first line being
/// `first_line`) and its column, for a warning. The first such label outside fenced code; asked
/// only when the body states no level of the scale, which [`severity`] would have read.
pub fn off_scale_severity(
    body: &str,
    first_line: usize,
    scale: &[String],
) -> Option<(String, usize, usize)> {
    static R: OnceLock<Regex> = OnceLock::new();
    // As written: the label may be bold (`**Severity:** P1`, `| **Severity** | P1 |`).
    let re = R.get_or_init(|| {
        Regex::new(r"(?i)\bseverity[*_]*\s*(?::|\|)\s*[*_]*\s*([a-z]{0,8}[- ]?[0-9])\b").unwrap()
    });
    let key = crate::config::severity_key;
    body_lines(body).find_map(|(i, written, line)| {
        if !matches!(line, BodyLine::Text(_)) {
            return None;
        }
        let value = re.captures(written)?.get(1)?;
        let found = key(value.as_str());
        if scale.iter().any(|s| key(s) == found) {
            return None;
        }
        let column = written[..value.start()].chars().count() + 1;
        Some((value.as_str().to_string(), first_line + i, column))
    })
}

/// The services a metadata line of the text names when the front matter names none
/// ("Services: checkout, payments", "Severity: SEV3. Services involved: a, b and c", a
/// `| Affected services | a, b |` table row; also "Service:", "Services affected:",
/// "Service(s) affected:", "Impacted services:", "Systems affected:" and "Affected systems:";
/// not a GitLab scoped label, `~"Service::Registry"`): the first such label's
/// value up to the end of its sentence or the next label, split at commas and "and". The label
/// starts with a capital letter ("most stateless services: a, b" is prose) and is the whole
/// label (see [`starts_a_label`]): "Customer Service: we called 40 merchants" names none.
pub fn services(parsed: &Parsed) -> Vec<String> {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        Regex::new(
            r"(?i)\b((?:affected|impacted)\s+(?:services|service\(s\)|systems)|(?:services|service\(s\))(?:\s+(?:involved|affected|impacted))?|service|systems\s+affected)\s*(?::|\|)[ \t]*([^\n|]*)",
        )
        .unwrap()
    });
    labelled_list(parsed, label, "service")
}

/// The tags a `Tags: email, vendor` line of metadata names when the front matter names none,
/// as FireHydrant exports them, read as [`services`] reads its label. Only when each is a tag's
/// name, a word or two (`email`, `third party`, `on-call`), not a phrase.
pub fn tags(parsed: &Parsed) -> Vec<String> {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let label =
        LABEL.get_or_init(|| Regex::new(r"(?i)\b(tags)\s*(?::|\|)[ \t]*([^\n|]*)").unwrap());
    let tags = labelled_list(parsed, label, "");
    let clean = |t: &String| {
        t.split_whitespace().count() <= 2
            && t.chars().count() <= 30
            && t.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/'))
    };
    if tags.iter().all(clean) {
        tags
    } else {
        Vec::new()
    }
}

/// The names the first line of metadata labelled by `label` (a regex capturing the label and
/// the rest of its line) lists: its value up to the end of its sentence or the next label,
/// split at commas and "and". The label starts with a capital letter and is the whole label
/// (see [`starts_a_label`]; `singular` is the label a capitalised word before it makes a name's
/// end, "Customer Service:"), and is no GitLab scoped label (`~"Service::Registry"`).
fn labelled_list(parsed: &Parsed, label: &Regex, singular: &str) -> Vec<String> {
    static END: OnceLock<Regex> = OnceLock::new();
    static SPLIT: OnceLock<Regex> = OnceLock::new();
    // The end of the value: a full stop or semicolon ending its sentence, or the next label
    // of a line of several ("Services: api, web Duration: 2 h").
    let end = END
        .get_or_init(|| Regex::new(r"[.;](?:\s|$)|\s\p{Lu}[\w-]*(?:\s[\w-]+){0,2}\s*:").unwrap());
    let split = SPLIT.get_or_init(|| Regex::new(r"(?i)\s*,\s*(?:and\s+)?|\s+and\s+").unwrap());
    let found = std::iter::once(parsed.preamble.as_str())
        .chain(parsed.sections.iter().map(|s| s.text.as_str()))
        .find_map(|text| {
            label.captures_iter(text).find(|c| {
                let name = c.get(1).expect("a label");
                // A GitLab scoped label, `~"Service::Registry"`, is a label of the issue, not
                // a line of metadata; what follows it is other labels.
                let scoped = text[name.end()..].trim_start().starts_with("::");
                !scoped
                    && name.as_str().starts_with(char::is_uppercase)
                    && starts_a_label(
                        &text[..name.start()],
                        name.as_str().eq_ignore_ascii_case(singular),
                    )
            })
        });
    let Some(c) = found else {
        return Vec::new();
    };
    let value = &c[2];
    let value = value[..end.find(value).map_or(value.len(), |m| m.start())].trim();
    let mut out: Vec<String> = Vec::new();
    for name in split.split(value) {
        let name = name.trim().trim_end_matches('.').trim();
        if !is_placeholder(name) && !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
            out.push(name.to_string());
        }
    }
    out
}

/// Whether a label written after `before` (the text before it) is a label of its own, not the
/// end of a longer one ("Customer Service:", "Billing Service:"): it starts its line, its
/// sentence or its table cell, or ends the value of an earlier label on its line ("Date:
/// 2024-09-17 Services: api", "Severity: sev2 Services: api"; the lines of a paragraph are
/// read as one). A capitalised word right before it would be part of the label, unless an
/// earlier label on the line makes it the end of that label's value ("Status: Resolved
/// Services: api"), and never before the `singular` label `Service`, which such a word makes a
/// service's name ("Impact: Customer Service: we called"). A label run into the word before
/// it ("Web-Services:") is part of it.
fn starts_a_label(before: &str, singular: bool) -> bool {
    let line = before.rsplit('\n').next().unwrap_or("");
    let segment = line.rsplit(['.', ';', '!', '?', '|']).next().unwrap_or("");
    if segment.ends_with(|c: char| c.is_alphanumeric() || c == '-') {
        return false;
    }
    let Some(word) = segment.split_whitespace().next_back() else {
        return true;
    };
    let mut chars = word.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_lowercase() || matches!(c, '-' | '\''));
    !capitalised || (!singular && segment.contains(':'))
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
/// otherwise the slug of the stem and the stem itself. A slug whose number is a date after a
/// word (`slack-2024-02-deploy-freeze`, `pm-2024-02-03-db-failover`) is named whole: that number
/// says when, not which incident, and two writeups of one month would otherwise share an id.
pub fn id_and_title_from_stem(stem: &str) -> (String, String) {
    static DATED: OnceLock<Regex> = OnceLock::new();
    let dated = DATED.get_or_init(|| {
        Regex::new(
            r"^[A-Za-z]+[-_](?:19|20)\d{2}[-_](?:0[1-9]|1[0-2])(?:[-_](?:0[1-9]|[12]\d|3[01]))?$",
        )
        .unwrap()
    });
    if let Some(c) = id_prefix_regex().captures(stem.trim()) {
        let id = c[1].to_string();
        let rest = c[2].trim();
        let slug_with_date =
            dated.is_match(&id) && !rest.is_empty() && !stem.trim().contains(char::is_whitespace);
        if id.bytes().any(|b| b.is_ascii_digit()) && id.len() >= 3 && !slug_with_date {
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

/// A title taken from a postmortem's first heading without a leading label that names the
/// document rather than the incident: "Postmortem: Checkout blocked by WAF rule" ->
/// "Checkout blocked by WAF rule". The label (any case) is one of postmortem, post-mortem,
/// post mortem, post-incident review or report, incident report, review, postmortem or
/// summary, incident, debrief, RCA, root cause analysis, PIR or retrospective, followed by
/// `:`, `-`, `–`, `—` or `|`. A heading that is nothing but the label is kept. So is a
/// trailing "Postmortem" with the Google SRE template's "(incident #465)" after it, or not:
/// "Payment Gateway Timeouts Postmortem (incident #2024-031)" -> "Payment Gateway Timeouts",
/// unless what comes before is no title ("Disk full: a postmortem", "Blameless postmortem").
pub fn title_without_label(h1: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    static TRAILING: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)^\s*{DOCUMENT_LABEL}\s*(?::|\s[-–—|]|[-–—|]\s)\s*(\S.*)$"
        ))
        .unwrap()
    });
    if let Some(c) = r.captures(h1) {
        return c[1].trim_end().to_string();
    }
    let trailing = TRAILING.get_or_init(|| {
        Regex::new(
            r"(?i)^(.*\w\S*)(?:\s+[-–—|:])?\s+post[- ]?mortem(?:\s*\(\s*incident\s*#?\s*[\w.-]+\s*\))?\s*$",
        )
        .unwrap()
    });
    const NO_TITLE: &[&str] = &[
        "a",
        "an",
        "the",
        "our",
        "this",
        "blameless",
        "incident",
        "draft",
        "final",
        "full",
    ];
    match trailing.captures(h1) {
        Some(c)
            if !normalise_title(&c[1])
                .rsplit(' ')
                .next()
                .is_some_and(|w| NO_TITLE.contains(&w)) =>
        {
            c[1].trim().to_string()
        }
        _ => h1.to_string(),
    }
}

/// The title a postmortem's first heading gives: without a label ([`title_without_label`]) or
/// the incident's own id before it ([`title_without_id`]); and when the heading is nothing but
/// the file's name (`stem`), which starts with the id, as the file name gives it ("IR-2022-14
/// VPN gateway certificate expired" in `IR-2022-14 VPN gateway certificate expired.md` is
/// "VPN gateway certificate expired", as that file's title would be without the heading).
pub fn title_from_heading(h1: &str, id: &str, stem: &str) -> String {
    let (stem_id, stem_title) = id_and_title_from_stem(stem);
    let starts_with_id = stem
        .trim()
        .get(..id.len())
        .is_some_and(|head| !id.is_empty() && head.eq_ignore_ascii_case(id));
    if starts_with_id
        && stem_id.eq_ignore_ascii_case(id)
        && stem_title != stem_id
        && collapse_ws(h1).eq_ignore_ascii_case(&collapse_ws(stem))
    {
        return stem_title;
    }
    let mut title = h1.trim().to_string();
    // "[SEV2] Incident INC-201: DNS resolution failures": each prefix in turn, as long as one goes.
    loop {
        let next = without_leading_tag(&title, id);
        let next = without_label_before_id(&next, id);
        let next = title_without_id(&title_without_label(&next), id);
        if next == title {
            return title;
        }
        title = next;
    }
}

/// The label of a heading that names the document rather than the incident, as
/// [`title_without_label`] reads it: "Postmortem", "Incident report", "RCA", ... (any case).
const DOCUMENT_LABEL: &str = r"(?:post[- ]?mortem|post[- ]incident (?:review|report)|incident (?:report|review|post[- ]?mortem|summary)|incident|debrief|rca|root cause analysis|pir|retrospective)";

/// A heading without a tag in brackets before its title that says the severity (`[SEV2]`,
/// `[Sev 1]`, `[P1]`), names the document (`[Postmortem]`) or is the incident's own id
/// (`[INC-201]`): "[SEV2] Checkout down" -> "Checkout down". Any other tag (`[EU] Checkout down`)
/// is part of the title, and so is a tag with nothing after it.
fn without_leading_tag(title: &str, id: &str) -> String {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static SEVERITY: OnceLock<Regex> = OnceLock::new();
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| {
        Regex::new(r"^\s*[\[(]([^\[\]()]{1,40})[\])]\s*(?:[:|]|[-–—]\s)?\s*(\S.*)$").unwrap()
    });
    let severity =
        SEVERITY.get_or_init(|| Regex::new(r"(?i)^(?:sev(?:erity)?|p)[\s_-]?\d$").unwrap());
    let label = LABEL.get_or_init(|| Regex::new(&format!(r"(?i)^{DOCUMENT_LABEL}$")).unwrap());
    match tag.captures(title) {
        Some(c)
            if {
                let inside = c[1].trim();
                severity.is_match(inside)
                    || label.is_match(inside)
                    || (!id.is_empty() && inside.eq_ignore_ascii_case(id))
            } =>
        {
            c[2].trim_end().to_string()
        }
        _ => title.to_string(),
    }
}

/// A heading without a label that names the document before the incident's own id and its
/// separator: "Incident INC-201: DNS resolution failures" (id `INC-201`) -> "DNS resolution
/// failures", as "INC-201: DNS resolution failures" is. A label before another id, or before
/// the id with no `:` or ` - ` after it, is kept.
fn without_label_before_id(title: &str, id: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = R.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)^\s*{DOCUMENT_LABEL}\s*(?:[:|#]|[-–—])?\s*(\S.*)$"
        ))
        .unwrap()
    });
    if let Some(c) = r.captures(title) {
        let rest = &c[1];
        let without = title_without_id(rest, id);
        if without != rest {
            return without;
        }
    }
    title.to_string()
}

/// A title taken from a postmortem's first heading without the incident's own id before it,
/// which the page shows apart: "INC-4412: Nordfreight API outage" (id `INC-4412`) ->
/// "Nordfreight API outage". The id (any case) must be followed by `:` or by ` - ` (or an en
/// or em dash between spaces); "INC-4412 outage" and a heading that is nothing but the id are
/// kept.
pub fn title_without_id(title: &str, id: &str) -> String {
    let t = title.trim_start();
    let rest = t
        .get(..id.len())
        .filter(|head| !id.is_empty() && head.eq_ignore_ascii_case(id))
        .map(|_| &t[id.len()..])
        .and_then(|r| {
            r.strip_prefix(':').or_else(|| {
                ["-", "–", "—"]
                    .iter()
                    .find_map(|dash| r.strip_prefix(' ')?.strip_prefix(dash)?.strip_prefix(' '))
            })
        })
        .map(str::trim);
    match rest {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => title.to_string(),
    }
}

fn title_without_date(t: &str) -> String {
    static R: OnceLock<Regex> = OnceLock::new();
    // At the start, or after the one word a slug starts with (`slack 2024 02 deploy freeze`).
    let r = R.get_or_init(|| {
        Regex::new(r"^(\p{L}+ )?(?:19|20)\d{2} (?:0[1-9]|1[0-2])(?: (?:0[1-9]|[12]\d|3[01]))? ")
            .unwrap()
    });
    let s = r.replace(t, "$1").to_string();
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
    /// The day of the front matter's `started_at` (in its own offset).
    StartedAt,
    /// The day of `detected_at`, when the front matter gives no `started_at`.
    DetectedAt,
    /// The day of `resolved_at`, when nothing else dates the incident.
    ResolvedAt,
    FileName,
    Body,
    /// A date in the text on the day of the week the text names on its own (`On Monday`),
    /// not the first date (see [`on_named_weekday`]).
    BodyNamedWeekday,
    /// The day and month from the text (`Tuesday 9 November`), the year from the file name.
    BodyWithFileNameYear,
    FileNameYear,
    Git,
    Missing,
}

/// The incident date, the day it started: the front matter's `date`, else the day of its
/// `started_at`, else of its `detected_at` (each in its own offset, as written), else what the
/// file name and the text give (see [`date`]), else the day of `resolved_at` (an incident can
/// end days after it starts, so the end dates it only when nothing else does), else the year
/// of the file name alone. `action_sections` are the titles of sections of action items
/// besides the usual ones, whose dates are plans (see [`Parsed::dates`]); `latest` is the last
/// day that is not in the future (see [`date`]).
pub fn incident_date(
    fm: &FrontMatter,
    name: &str,
    parsed: &Parsed,
    action_sections: &[String],
    latest: NaiveDate,
) -> (Option<NaiveDate>, DateSource) {
    if let Some(d) = fm.date {
        return (Some(d), DateSource::FrontMatter);
    }
    if let Some(t) = fm.started_at {
        return (Some(t.date_naive()), DateSource::StartedAt);
    }
    if let Some(t) = fm.detected_at {
        return (Some(t.date_naive()), DateSource::DetectedAt);
    }
    match (date(name, parsed, action_sections, latest), fm.resolved_at) {
        ((_, DateSource::FileNameYear | DateSource::Missing), Some(t)) => {
            (Some(t.date_naive()), DateSource::ResolvedAt)
        }
        (found, _) => found,
    }
}

/// Whether [`incident_date`] may date the incident by its text: the front matter gives no
/// `date`, `started_at` or `detected_at`.
pub fn dated_by_text(fm: &FrontMatter) -> bool {
    fm.date.is_none() && fm.started_at.is_none() && fm.detected_at.is_none()
}

/// The date the file name and the text give: the date in the file name, then the first date
/// in the body that is not a plan (not in a section of action items, not a due date: see
/// [`Parsed::dates`]) nor after `latest` (a target written above the timeline, "retire this
/// cache by 2027-06-01", is no day the incident happened; `latest` is the day rule
/// `future-date` allows, [`crate::check::latest_date`], so that a build is the same all day),
/// preferring one in the year the file name gives (see
/// [`on_named_weekday`] for a weekday written on its own), then the first day and month the
/// body writes without a year in the year of the file name (when a weekday is written, only if
/// that day falls on it; not after `latest` either), then the year of the file name alone (1 January).
pub fn date(
    name: &str,
    parsed: &Parsed,
    action_sections: &[String],
    latest: NaiveDate,
) -> (Option<NaiveDate>, DateSource) {
    use chrono::Datelike;
    if let Some(d) = date_from_name(name) {
        return (Some(d), DateSource::FileName);
    }
    let year = year_from_name(name);
    let mut dates = parsed.dates(action_sections);
    dates.retain(|d| year.is_none_or(|y| d.year() == y) && *d <= latest);
    if let Some(&first) = dates.first() {
        let d = on_named_weekday(first, &dates, parsed.weekday(action_sections));
        let source = if d == first {
            DateSource::Body
        } else {
            DateSource::BodyNamedWeekday
        };
        return (Some(d), source);
    }
    if let Some(y) = year {
        if let Some(d) = parsed
            .day_of_month(action_sections)
            .and_then(|d| d.in_year(y))
            .filter(|d| *d <= latest)
        {
            return (Some(d), DateSource::BodyWithFileNameYear);
        }
        return (NaiveDate::from_ymd_opt(y, 1, 1), DateSource::FileNameYear);
    }
    (None, DateSource::Missing)
}

/// The first of the body's `dates`, unless the text names a day of the week on its own
/// (`On Monday our nightly job...`) that it does not fall on and the body writes the next such
/// day too: then that day. A timeline often opens with a precursor (a release on Saturday that
/// broke nothing until Monday) before the day the summary names.
fn on_named_weekday(
    first: NaiveDate,
    dates: &[NaiveDate],
    weekday: Option<chrono::Weekday>,
) -> NaiveDate {
    use chrono::Datelike;
    let Some(w) = weekday else { return first };
    let ahead = (7 + w.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    let named = first + chrono::Days::new(ahead.into());
    if dates.contains(&named) {
        named
    } else {
        first
    }
}

/// Section titles (see [`bare_title`]) whose labelled lines may state how long an incident
/// took: "Stats", "Impact" and the like.
const TIME_SECTIONS: &[&str] = &["stats", "statistics", "metrics", "key metrics", "impact"];

/// A time to detect or to resolve that the body states in a labelled line of a Stats-like
/// section ("- Time to detection: 54 minutes"), for a postmortem whose front matter has no
/// timestamps to compute it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedTime {
    pub minutes: i64,
    /// The line as written, without list marker or emphasis ("Time to detection: 54 minutes").
    pub text: String,
    /// The heading of the section it was read from, as written ("Stats").
    pub section: String,
    /// Line in the file.
    pub line: usize,
}

/// Times to detect and to resolve stated in the body (see [`StatedTime`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatedTimes {
    pub detect: Option<StatedTime>,
    pub resolve: Option<StatedTime>,
}

const DETECT_LABELS: &[&str] = &[
    "time to detection",
    "time to detect",
    "ttd",
    "detection time",
];
const RESOLVE_LABELS: &[&str] = &[
    "time to recovery",
    "time to recover",
    "time to resolution",
    "time to resolve",
    "ttr",
    "recovery time",
    "resolution time",
    "duration",
];

/// A line of a Markdown body outside fenced code, trimmed: an ATX heading (its level and its
/// text without the `#` marks) or any other line.
enum BodyLine<'a> {
    Heading(usize, &'a str),
    Text(&'a str),
}

/// The lines of `body` outside fenced code blocks, each with its index in the body and as
/// written, as [`BodyLine`]s; the fences are left out. What [`stated_times`] and
/// [`stated_timestamps`] walk.
fn body_lines(body: &str) -> impl Iterator<Item = (usize, &str, BodyLine<'_>)> {
    let mut fence: Option<&str> = None;
    body.lines().enumerate().filter_map(move |(i, line)| {
        let t = line.trim();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            return None;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            return None;
        }
        let level = t.len() - t.trim_start_matches('#').len();
        if (1..=6).contains(&level) && t[level..].starts_with([' ', '\t']) {
            let heading = t[level..].trim().trim_end_matches('#').trim();
            return Some((i, line, BodyLine::Heading(level, heading)));
        }
        Some((i, line, BodyLine::Text(t)))
    })
}

/// Reads [`StatedTimes`] from a Markdown body whose first line is line `first_line` of the
/// file. Conservative: only a line that is a label, a colon and nothing but a duration ("7
/// hours", "45 minutes", "1h 30m", "4 hours 42 minutes", "1.5 days"; a trailing footnote mark
/// or full stop allowed) in a section titled like [`TIME_SECTIONS`]; "?", "N/A" or "about an
/// hour" state nothing. The first of each wins.
pub fn stated_times(body: &str, first_line: usize) -> StatedTimes {
    let mut out = StatedTimes::default();
    // The level and heading of the Stats-like section the line is in, if any.
    let mut section: Option<(usize, String)> = None;
    for (i, _, line) in body_lines(body) {
        let t = match line {
            BodyLine::Heading(level, heading) => {
                if TIME_SECTIONS.contains(&bare_title(heading).as_str()) {
                    section = Some((level, heading.to_string()));
                } else if section.as_ref().is_some_and(|(l, _)| level <= *l) {
                    section = None;
                }
                continue;
            }
            BodyLine::Text(t) => t,
        };
        let Some((_, heading)) = &section else {
            continue;
        };
        let item = t
            .strip_prefix("- ")
            .or_else(|| t.strip_prefix("* "))
            .or_else(|| t.strip_prefix("+ "))
            .unwrap_or(t)
            .trim();
        let plain = item.replace("**", "").replace("__", "");
        let Some((label, value)) = plain.split_once(':') else {
            continue;
        };
        let label = normalise_title(label);
        let slot = if DETECT_LABELS.contains(&label.as_str()) {
            &mut out.detect
        } else if RESOLVE_LABELS.contains(&label.as_str()) {
            &mut out.resolve
        } else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        if let Some(minutes) = duration_minutes(value) {
            let text = footnote_marks().replace_all(&plain, "");
            *slot = Some(StatedTime {
                minutes,
                text: collapse_ws(&text),
                section: heading.clone(),
                line: first_line + i,
            });
        }
    }
    out
}

/// A timestamp the text states (see [`stated_timestamps`]), with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedTimestamp {
    pub at: DateTime<FixedOffset>,
    /// The label as written, without emphasis or colon ("Started", "Incident end").
    pub label: String,
    /// Read from a row of a Milestones table, not from a labelled line before the first
    /// section.
    pub milestone: bool,
    /// Line in the file, and column (in characters) where the value starts.
    pub line: usize,
    pub column: usize,
}

/// When the incident started, was detected and was resolved, as the text states them in
/// timestamps (see [`stated_timestamps`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatedTimestamps {
    pub started: Option<StatedTimestamp>,
    pub detected: Option<StatedTimestamp>,
    pub resolved: Option<StatedTimestamp>,
}

const START_LABELS: &[&str] = &[
    "started",
    "started at",
    "start time",
    "incident start",
    "incident started",
    "incident start time",
];
const DETECTED_LABELS: &[&str] = &["detected", "detected at", "incident detected"];
const RESOLVED_LABELS: &[&str] = &[
    "resolved",
    "resolved at",
    "incident resolved",
    "incident end",
    "incident ended",
    "incident end time",
];

/// A timestamp written with its day, its time of day and its zone, and nothing else:
/// "2024-05-02 10:14 UTC", "2023-12-04 07:55:00 UTC", "2024-05-02T10:14:00+02:00". A day alone
/// or a time without a zone states no instant.
fn zoned_timestamp(value: &str) -> Option<DateTime<FixedOffset>> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        Regex::new(
            r"(?i)^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*(utc|gmt|z|[+-]\d{2}:?\d{2})$",
        )
        .expect("valid regex")
    });
    let c = re.captures(value.trim().trim_end_matches('.').trim())?;
    let zone = match c[3].to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "Z" => "+00:00".to_string(),
        z if z.len() == 5 => format!("{}:{}", &z[..3], &z[3..]),
        z => z.to_string(),
    };
    let time = if c[2].len() <= 5 {
        format!("{}:00", &c[2])
    } else {
        c[2].to_string()
    };
    let time = if time.len() == 7 {
        format!("0{time}")
    } else {
        time
    };
    DateTime::parse_from_rfc3339(&format!("{}T{time}{zone}", &c[1])).ok()
}

/// Reads [`StatedTimestamps`] from a Markdown body, for a postmortem whose front matter has
/// no timestamps: the labelled lines of metadata before its first section ("**Started:**
/// 2024-05-02 10:14 UTC", "- **Resolved:** ...", "Incident start: ...", "Incident end: ...",
/// "Detected at: ..."), else the rows of a table in a Milestones section as FireHydrant exports
/// it (`| Started | 2023-12-04 07:55 UTC |`, Detected, Resolved). Conservative: each value is a
/// timestamp with its zone and nothing else (see [`zoned_timestamp`]); the first of each wins;
/// and when they are out of order (detected or resolved before the start, resolved before
/// detected) none is read. The body's first line is line `first_line` of the file.
pub fn stated_timestamps(body: &str, first_line: usize) -> StatedTimestamps {
    let mut out = StatedTimestamps::default();
    // Before the first section (the title aside), then in a Milestones section.
    let mut place = Place::Leading;
    // Whether a title underlined with `===` was read.
    let mut titled = false;
    #[derive(PartialEq)]
    enum Place {
        Leading,
        Milestones(usize),
        Other,
    }
    for (i, written, line) in body_lines(body) {
        let t = match line {
            BodyLine::Heading(level, heading) => {
                if bare_title(heading) == "milestones" {
                    place = Place::Milestones(level);
                } else if level == 1 && place == Place::Leading {
                    // The title.
                } else if !matches!(place, Place::Milestones(l) if level > l) {
                    place = Place::Other;
                }
                continue;
            }
            BodyLine::Text(t) => t,
        };
        // A Setext heading's underline (or a rule) ends the leading lines, but the title's.
        if t.len() >= 2 && (t.bytes().all(|b| b == b'=') || t.bytes().all(|b| b == b'-')) {
            if t.starts_with('=') && !titled && place == Place::Leading {
                titled = true;
            } else {
                place = Place::Other;
            }
            continue;
        }
        let (label, value) = match place {
            Place::Leading => {
                let item = t
                    .strip_prefix("- ")
                    .or_else(|| t.strip_prefix("* "))
                    .unwrap_or(t);
                let plain = item.replace("**", "").replace("__", "");
                let Some((label, value)) = plain.split_once(':') else {
                    continue;
                };
                (label.to_string(), value.to_string())
            }
            Place::Milestones(_) => {
                let cells: Vec<&str> = t.trim_matches('|').split('|').map(|c| c.trim()).collect();
                if !t.starts_with('|') || cells.len() != 2 {
                    continue;
                }
                (cells[0].replace("**", ""), cells[1].replace("**", ""))
            }
            Place::Other => continue,
        };
        let label_as_written = label;
        let label = normalise_title(&label_as_written);
        let slot = if START_LABELS.contains(&label.as_str()) {
            &mut out.started
        } else if DETECTED_LABELS.contains(&label.as_str()) {
            &mut out.detected
        } else if RESOLVED_LABELS.contains(&label.as_str()) {
            &mut out.resolved
        } else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        if let Some(at) = zoned_timestamp(&value) {
            // The value as written starts where its text does in the line (emphasis around
            // it aside), else where the line's text does.
            let value = value.trim();
            let start = written
                .find(value)
                .unwrap_or(written.len() - written.trim_start().len());
            *slot = Some(StatedTimestamp {
                at,
                label: label_as_written.trim().to_string(),
                milestone: matches!(place, Place::Milestones(_)),
                line: first_line + i,
                column: written[..start].chars().count() + 1,
            });
        }
    }
    let at = |t: &Option<StatedTimestamp>| t.as_ref().map(|t| t.at);
    let before = |a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>| matches!((a, b), (Some(a), Some(b)) if b < a);
    if before(at(&out.started), at(&out.detected))
        || before(at(&out.started), at(&out.resolved))
        || before(at(&out.detected), at(&out.resolved))
    {
        return StatedTimestamps::default();
    }
    out
}

/// A line of a postmortem that still holds its template's example where a time or a date
/// goes (see [`placeholder_lines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderLine {
    /// The placeholder as written (`HH:mm`, `YYYY-MM-DD`, `<date>`, `TBD`).
    pub placeholder: String,
    /// Whether it is a table row, not a labelled line (`Started: YYYY-MM-DD HH:mm UTC`).
    pub row: bool,
    /// Line in the file, and column (in characters) where the placeholder starts.
    pub line: usize,
    pub column: usize,
}

/// What a template writes where a time or a date goes: `HH:mm`, `hh:mm:ss`, `XX:XX`, `??:??`,
/// `14:??`, `YYYY-MM-DD`, `20xx-MM-DD`, `2024-MM-DD`, `2024-03-DD`, `DD/MM/YYYY`, `<date>`,
/// `<time of detection>`, `[date]`, `{{ date }}`, `TBD`, `XXX`. None has the digits of a time
/// or a date, so none is read as one (see [`zoned_timestamp`], [`duration_minutes`],
/// [`crate::markdown::find_dates`]).
fn time_placeholder() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?ix)
              \b(?:yyyy|(?:19|20)xx|xxxx)(?:[-/.](?:mm|xx)(?:[-/.](?:dd|xx))?)?\b
            | \b\d{4}[-/.](?:mm|xx|\?\?)(?:[-/.](?:dd|xx|\?\?))?
            | \b\d{4}[-/.]\d{1,2}[-/.](?:dd|xx|\?\?)
            | \b(?:dd|mm)[-/.](?:mm|dd)(?:[-/.](?:yyyy|yy))?\b
            | \b(?:hh|xx):(?:mm|xx)(?::(?:ss|xx))?\b
            | \?\?:\?\?
            | \b\d{1,2}:\?\?
            | <[^<>\n]*\b(?:date|time|timestamp|day)\b[^<>\n]*>
            | \[[^\[\]\n]*\b(?:date|time|timestamp)\b[^\[\]\n]*\]
            | \{\{?[^{}\n]*\b(?:date|time|timestamp)\b[^{}\n]*\}\}?
            | \b(?:tbd|tba|tbc)\b
            | \b(?:x{3,}|y{3,}|z{3,})\b",
        )
        .expect("valid regex")
    })
}

/// Words of what a template writes for an example event, not what happened: "Short event
/// description", "What happened", "Description of the action taken".
const EXAMPLE_WORDS: &str =
    "a action actions add an brief describe description detail details e eg \
                             enter event events example g happened here incident insert milestone \
                             note notes of short step taken text the what who";
/// Whether a cell or a value says nothing but what a template wrote: empty, a placeholder
/// word (`TBD`, `N/A`, `...`), the digits and placeholders of a time or a date half filled in
/// (`2024-03-13 HH:mm UTC`), a label of a time (`Started`, `Time to detect`), or the words of
/// an example event ("Short event description").
fn says_nothing(cell: &str) -> bool {
    let c = cell.replace("**", "").replace("__", "").replace('`', "");
    let c = c.trim().trim_end_matches('.').trim();
    if c.is_empty() || is_placeholder(c) || matches!(c, "…" | "-" | "–" | "—" | "?") {
        return true;
    }
    let rest = time_placeholder().replace_all(c, " ");
    let words: Vec<String> = rest
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let zone = |w: &str| {
        w.bytes().all(|b| b.is_ascii_digit())
            || matches!(w, "utc" | "gmt" | "z" | "t" | "am" | "pm")
    };
    if words.iter().all(|w| zone(w)) {
        return true;
    }
    let label = normalise_title(c);
    if TIME_LABEL_LISTS
        .iter()
        .any(|labels| labels.contains(&label.as_str()))
    {
        return true;
    }
    words
        .iter()
        .all(|w| EXAMPLE_WORDS.split_whitespace().any(|e| e == w))
}

/// Labels of a line or a cell that holds when something happened, besides those of
/// [`StatedTimestamps`] and [`StatedTimes`].
const TIME_LABELS: &[&str] = &["date", "time", "when", "timestamp", "incident date"];

/// Every label of a time or a date (see [`TIME_LABELS`]).
const TIME_LABEL_LISTS: &[&[&str]] = &[
    START_LABELS,
    DETECTED_LABELS,
    RESOLVED_LABELS,
    DETECT_LABELS,
    RESOLVE_LABELS,
    TIME_LABELS,
];

/// The lines of a Markdown body (outside fenced code) that are still a template's example
/// where a time or a date goes (see [`time_placeholder`]), for `check`: a table row (its
/// header and delimiter rows aside) that holds such a placeholder and says nothing else (see
/// [`says_nothing`]: `| HH:mm | Short event description |`, `| Started | YYYY-MM-DD HH:mm UTC
/// |`), and a line labelled like a time or a date whose value is such a placeholder and
/// nothing else (`**Started:** YYYY-MM-DD HH:mm UTC`, `- Time to detection: YYY`). A row
/// that says what happened at a time not known (`| 2022-06-02 HH:mm | The limit was deleted
/// |`) is none. The body's first line is line `first_line` of the file.
pub fn placeholder_lines(body: &str, first_line: usize) -> Vec<PlaceholderLine> {
    let lines: Vec<(usize, &str, BodyLine<'_>)> = body_lines(body).collect();
    let delimiter = |t: &str| {
        t.starts_with('|')
            && t.contains('-')
            && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
    };
    let mut out = Vec::new();
    for (k, (i, written, line)) in lines.iter().enumerate() {
        let BodyLine::Text(t) = line else { continue };
        let row = t.starts_with('|');
        let cells: Vec<String> = if row {
            // A header row is followed by the delimiter row.
            let header = lines
                .get(k + 1)
                .is_some_and(|(_, _, next)| matches!(next, BodyLine::Text(n) if delimiter(n)));
            if delimiter(t) || header {
                continue;
            }
            t.trim_matches('|').split('|').map(str::to_string).collect()
        } else {
            let item = t
                .strip_prefix("- ")
                .or_else(|| t.strip_prefix("* "))
                .or_else(|| t.strip_prefix("+ "))
                .unwrap_or(t);
            let plain = item.replace("**", "").replace("__", "");
            let Some((label, value)) = plain.split_once(':') else {
                continue;
            };
            let label = normalise_title(label);
            if !TIME_LABEL_LISTS
                .iter()
                .any(|labels| labels.contains(&label.as_str()))
            {
                continue;
            }
            vec![value.to_string()]
        };
        if !cells.iter().all(|c| says_nothing(c)) {
            continue;
        }
        let Some(m) = cells.iter().find_map(|c| time_placeholder().find(c)) else {
            continue;
        };
        let placeholder = m.as_str();
        let at = written.find(placeholder).unwrap_or(0);
        out.push(PlaceholderLine {
            placeholder: placeholder.to_string(),
            row,
            line: first_line + i,
            column: written[..at].chars().count() + 1,
        });
    }
    out
}

/// Footnote marks (`[^3]`).
fn footnote_marks() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\[\^[^\]]*\]").expect("valid regex"))
}

/// Minutes in a written duration that is nothing else: "7 hours", "45 min", "1h 30m",
/// "4 hours 42 minutes", "2 days, 3 hours", "1.5 h". A trailing full stop and footnote marks
/// (`[^3]`) are allowed.
fn duration_minutes(value: &str) -> Option<i64> {
    static PART: OnceLock<Regex> = OnceLock::new();
    let part = PART.get_or_init(|| {
        Regex::new(r"(?i)^(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m)")
            .expect("valid regex")
    });
    let cleaned = footnote_marks().replace_all(value, "");
    let mut rest = cleaned.trim().trim_end_matches('.').trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let c = part.captures(rest)?;
        let n: f64 = c[1].parse().ok()?;
        let unit = c[2].to_lowercase();
        total += n * match unit.as_bytes()[0] {
            b'd' => 1440.0,
            b'h' => 60.0,
            _ => 1.0,
        };
        rest = &rest[c.get(0).expect("match").end()..];
        // A unit ends at a non-letter ("5 months" is not 5 minutes); "and" or a comma may
        // join the parts.
        if rest.starts_with(char::is_alphabetic) {
            return None;
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        if let Some(r) = rest.strip_prefix("and ") {
            rest = r.trim_start();
        }
    }
    Some(total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_where_a_time_or_a_date_goes_are_read_as_no_time_and_no_date() {
        let body =
            "# T\n\n**Started:** YYYY-MM-DD HH:mm UTC\n**Resolved:** 20xx-MM-DD XX:XX UTC\n\n\
                    ## Milestones\n\n| Milestone | Time |\n|---|---|\n| Detected | <date> |\n\n\
                    ## Stats\n\n- Time to detection: YYY\n- Time to recovery: TBD\n";
        assert_eq!(stated_timestamps(body, 1), StatedTimestamps::default());
        assert_eq!(stated_times(body, 1), StatedTimes::default());
        for p in [
            "YYYY-MM-DD",
            "20xx-MM-DD HH:mm",
            "2024-MM-DD",
            "HH:mm",
            "hh:mm",
            "<date>",
            "TBD",
            "XX:XX",
            "DD/MM/YYYY",
        ] {
            assert_eq!(crate::markdown::date_written(p), None, "{p}");
            assert!(crate::markdown::find_dates(p).is_empty(), "{p}");
            assert_eq!(zoned_timestamp(&format!("{p} UTC")), None, "{p}");
            assert_eq!(duration_minutes(p), None, "{p}");
        }
    }

    #[test]
    fn a_row_or_a_line_still_holding_the_templates_placeholder_is_found_at_it_but_not_one_that_says_what_happened(
    ) {
        let body = "# Outage\n\n**Started:** YYYY-MM-DD HH:mm UTC\nDate: 2024-03-13\n\n\
                    ## Timeline\n\n| Time | Event |\n| :--- | --- |\n\
                    | HH:mm | Short event description |\n\
                    | 2024-03-13 HH:mm | What happened. |\n\
                    | 2024-03-13 10:01 | Node entered NotReady state |\n\
                    | 2022-06-02 HH:mm | The limit range was deleted |\n\
                    | 2024-03-13 14:?? | Scaled the container down |\n\n\
                    ## Stats\n\n- Time to detection: YYY\n- Category: XXX\n\n\
                    ```\n| HH:mm | Short event description |\n```\n";
        let found: Vec<(String, bool, usize, usize)> = placeholder_lines(body, 10)
            .into_iter()
            .map(|p| (p.placeholder, p.row, p.line, p.column))
            .collect();
        assert_eq!(
            found,
            [
                ("YYYY-MM-DD".to_string(), false, 12, 14),
                ("HH:mm".to_string(), true, 19, 3),
                ("HH:mm".to_string(), true, 20, 14),
                ("YYY".to_string(), false, 27, 22),
            ]
        );
    }

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
        // A number that is an incident's, even when it starts with a year.
        assert_eq!(
            id_and_title_from_stem("INC-2024-031 - checkout down"),
            ("INC-2024-031".into(), "checkout down".into())
        );
        assert_eq!(
            id_and_title_from_stem("INC-2024-03 checkout down"),
            ("INC-2024-03".into(), "checkout down".into())
        );
    }

    #[test]
    fn a_slug_whose_number_is_a_date_after_a_word_is_named_whole_so_writeups_of_one_month_differ() {
        assert_eq!(
            id_and_title_from_stem("slack-2024-02-deploy-freeze"),
            (
                "slack-2024-02-deploy-freeze".into(),
                "Slack deploy freeze".into()
            )
        );
        assert_eq!(
            id_and_title_from_stem("slack-2024-02-payments-retry-storm").0,
            "slack-2024-02-payments-retry-storm"
        );
        assert_eq!(
            id_and_title_from_stem("pm-2024-02-03-db-failover"),
            ("pm-2024-02-03-db-failover".into(), "Pm db failover".into())
        );
        assert_eq!(
            id_and_title_from_stem("incident_2024_03_dns").0,
            "incident-2024-03-dns"
        );
        // A month alone at the start is no title either.
        assert_eq!(id_and_title_from_stem("2024-03-dns-outage").1, "Dns outage");
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
            date("PM2019-009 - x", &parsed, &[], NaiveDate::MAX),
            (NaiveDate::from_ymd_opt(2019, 11, 29), DateSource::Body)
        );
        assert_eq!(
            date("PM2020-001", &Parsed::default(), &[], NaiveDate::MAX),
            (
                NaiveDate::from_ymd_opt(2020, 1, 1),
                DateSource::FileNameYear
            )
        );
    }

    #[test]
    fn a_day_and_month_without_a_year_is_dated_in_the_year_of_the_file_name_when_it_agrees() {
        let nov9 = NaiveDate::from_ymd_opt(2021, 11, 9);
        let with_year = |name: &str, body: &str| date(name, &parse(body), &[], NaiveDate::MAX);
        // 9 November 2021 was a Tuesday.
        for body in [
            "On Tuesday 9 November the provider timed out.",
            "Tue, 9 Nov: the provider timed out.",
            "It started on Tuesday the 9th of November.",
            "From 9 November onwards.",
            "On November 9th, at 14:02 UTC.",
            "Tuesday, November 9 at 14:02.",
            "## Timeline\n\n- Tue 9 Nov 14:02: alert fired\n",
        ] {
            for name in ["2021-outage-payments", "postmortem_2021"] {
                assert_eq!(
                    with_year(name, body),
                    (nov9, DateSource::BodyWithFileNameYear),
                    "{name}: {body}"
                );
            }
        }
        let year_only = (
            NaiveDate::from_ymd_opt(2021, 1, 1),
            DateSource::FileNameYear,
        );
        // A weekday that does not fall on that day in that year: no guess.
        assert_eq!(
            with_year("postmortem_2021", "On Monday 9 November."),
            year_only
        );
        // Only the first such day counts, and a day the year does not have is no date.
        assert_eq!(
            with_year(
                "postmortem_2021",
                "Monday 9 November, fixed Tuesday 10 November."
            ),
            year_only
        );
        assert_eq!(with_year("postmortem_2021", "On 29 February."), year_only);
        // A full date in that year comes first, wherever it is; a full date of another year
        // is not a day without a year.
        assert_eq!(
            with_year(
                "postmortem_2021",
                "On Tuesday 9 November; fixed on 2021-11-10."
            ),
            (NaiveDate::from_ymd_opt(2021, 11, 10), DateSource::Body)
        );
        assert_eq!(
            with_year(
                "postmortem_2021",
                "As on Friday 29 November 2019, it broke."
            ),
            year_only
        );
        // Without a year in the file name there is nothing to add the day to.
        assert_eq!(
            with_year("outage-payments", "On Tuesday 9 November."),
            (None, DateSource::Missing)
        );
        // Check forgets the text but keeps what the date needs.
        let mut parsed = parse("On Tuesday 9 November the provider timed out.");
        parsed.forget_text(Some(&[]));
        assert_eq!(
            date("postmortem_2021", &parsed, &[], NaiveDate::MAX),
            (nov9, DateSource::BodyWithFileNameYear)
        );
    }

    fn parse(body: &str) -> Parsed {
        crate::markdown::Standalone::new("x", &[]).parse(body, 1)
    }

    fn texts(l: &[DerivedLearning]) -> Vec<&str> {
        l.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn the_headings_of_common_postmortem_templates_hold_learnings_and_actions() {
        let learn = |t| title_holds(t, Holds::Learnings, &[]);
        let act = |t| title_holds(t, Holds::Actions, &[]);
        for t in [
            "Lessons Learned",
            "2. Lessons learnt",
            "What we learned from this",
            "Key takeaways",
            "What went wrong",
            "Lessons learned & next steps",
        ] {
            assert!(learn(t), "{t}");
        }
        for t in [
            "Action Items",
            "Follow-up actions",
            "What we're doing about it",
            "How we're preventing this from happening again",
            "Corrective and preventative measures",
            "Remediation and prevention",
            "Next steps",
            "Lessons learned & next steps",
        ] {
            assert!(act(t), "{t}");
        }
        for t in [
            "Timeline",
            "Root cause",
            "Machine learning pipeline",
            "What went well",
            "Where we got lucky",
            "Actions taken",
            "Immediate actions",
            "Transactions",
            "Impact",
        ] {
            assert!(!learn(t) && !act(t), "{t}");
        }
        // A team's own title counts for what it was configured as.
        assert!(title_holds(
            "Retro notes",
            Holds::Learnings,
            &["retro notes".into()]
        ));
    }

    #[test]
    fn a_blog_style_write_up_gives_its_lessons_and_its_prevention_steps() {
        let p = parse(
            "# Checkout outage\n\n## What happened\n\nIt broke.\n\n## What we learned\n\n\
             Retries without backoff turn a blip into an outage.\n\n\
             ## How we're preventing this from happening again\n\n\
             - Add jitter to client retries\n- Cap retry attempts\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            ["Retries without backoff turn a blip into an outage."]
        );
        let a: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(a, ["Add jitter to client retries", "Cap retry attempts"]);
    }

    #[test]
    fn a_severity_stated_as_a_label_is_read_in_the_scale_s_spelling() {
        let scale: Vec<String> = ["SEV1", "SEV2", "SEV3"].map(String::from).to_vec();
        let sev = |body: &str| severity(&parse(body), &scale);
        assert_eq!(
            sev("**Date:** 2024-09-17 **Severity:** SEV3 **Authors:** x\n").as_deref(),
            Some("SEV3")
        );
        assert_eq!(
            sev("# X\n\n| Field | Value |\n|---|---|\n| Severity | sev-1 |\n").as_deref(),
            Some("SEV1")
        );
        assert_eq!(
            sev("# X\n\n## Summary\n\nSeverity: SEV2. Services: checkout.\n").as_deref(),
            Some("SEV2")
        );
        // Not a label, or not on the scale.
        assert_eq!(
            sev("Two teams were busy with other severity 1 work.\n"),
            None
        );
        assert_eq!(sev("Severity: SEV9\n"), None);
    }

    #[test]
    fn services_stated_on_a_metadata_line_are_read_and_split_at_commas_and_and() {
        let services = |body: &str| services(&parse(body));
        assert_eq!(
            services("# X\n\n## Summary\n\nIt broke.\n\nSeverity: SEV3. Services involved: notifications, campaign scheduler, ios-app, android-app.\n"),
            ["notifications", "campaign scheduler", "ios-app", "android-app"]
        );
        assert_eq!(
            services("**Date:** 2024-09-17 **Services:** `api`, web and batch **Authors:** x\n"),
            ["api", "web", "batch"]
        );
        assert_eq!(
            services(
                "# X\n\n| Field | Value |\n|---|---|\n| Affected services | checkout, payments |\n"
            ),
            ["checkout", "payments"]
        );
        assert_eq!(services("Service: search\n"), ["search"]);
        assert_eq!(
            services("Systems affected: DNS, the load balancers, and CDN; all recovered.\n"),
            ["DNS", "the load balancers", "CDN"]
        );
        // Prose, or no value.
        assert!(
            services("The pool runs most stateless services: checkout-api and cart.\n").is_empty()
        );
        assert!(services("Services: TBD\n").is_empty());
    }

    #[test]
    fn lessons_under_a_heading_nested_in_another_section_are_found() {
        let p = parse(
            "# Outage\n\n## Review\n\nIt broke.\n\n### Lessons learned\n\n- Alpha\n- Beta\n\n\
             ## Follow-ups\n\n### Short term\n\n- Do X\n\n### Long term\n\n- Do Y\n",
        );
        assert_eq!(texts(&learnings(&p, &[])), ["Alpha", "Beta"]);
        // Nested under a matching section, items count once.
        let a: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(a, ["Do X", "Do Y"]);
    }

    #[test]
    fn a_paragraph_of_bold_text_alone_labels_a_list_as_a_heading_would() {
        // Terse notes with no heading but the title.
        let p = parse(
            "# CDN errors\n\n**Cause:** Their outage.\n\n**Takeaways:**\n- No CDN bypass\n\
             - Alert through the CDN\n\n**Follow-ups**\n- Add a synthetic check\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            ["No CDN bypass", "Alert through the CDN"]
        );
        let a: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(a, ["Add a synthetic check"]);
        // No heading at all; a bold label inside a matched section adds nothing twice.
        let p = parse("**Lessons**\n\n- One\n\n## Action items\n\n**Now**\n\n- Fix it\n");
        assert_eq!(texts(&learnings(&p, &[])), ["One"]);
        let a: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(a, ["Fix it"]);
        // Bold words that start a paragraph are no label, and a label is no summary: what it
        // labels is.
        let p = parse("# X\n\n**Summary**\n\n**Impact:** all users.\n");
        assert!(learnings(&p, &[]).is_empty());
        assert_eq!(summary(&p), "Impact: all users.");
    }

    #[test]
    fn the_google_sre_template_gives_what_went_wrong_but_not_what_went_well_or_where_we_got_lucky()
    {
        let p = parse(
            "# X\n\n## Lessons Learned\n\n### What went well\n\n- Alerts fired within a minute\n\n\
             ### What went wrong\n\n- Nobody knew the cache could not be warmed\n\n\
             ### Where we got lucky\n\n- The spare was already provisioned\n\n\
             ## Action Items\n\n| Action | Type | Owner | Bug |\n|---|---|---|---|\n\
             | Warm the cache on deploy | prevent | jane | Bug 5554823 DONE |\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            ["Nobody knew the cache could not be warmed"]
        );
        let a = action_items(&p, &[]);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].text, "Warm the cache on deploy");
        assert_eq!(a[0].owner.as_deref(), Some("jane"));
        assert_eq!(a[0].status, Some(ActionStatus::Done));
    }

    #[test]
    fn an_owner_written_as_no_one_in_a_table_annotation_or_parenthetical_is_no_owner() {
        let p = parse(
            "# X\n\n## Action items\n\n\
             | Action | Owner | Status |\n|---|---|---|\n\
             | Add an alert | Unassigned | open |\n\
             | Write a runbook | @nobody | open |\n\
             | Fix the probe | Priya | open |\n\n\
             ## Follow-ups\n\n\
             - Write docs (owner: None)\n\
             - Cap retries (Unknown, done)\n\
             - Split the alert \u{2014} Owner: Unassigned \u{2014} Status: Outstanding\n",
        );
        let a: Vec<(String, Option<String>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.text, a.owner))
            .collect();
        let want: Vec<(String, Option<String>)> = [
            ("Add an alert", None),
            ("Write a runbook", None),
            ("Fix the probe", Some("Priya")),
            ("Write docs", None),
            ("Cap retries", None),
            ("Split the alert", None),
        ]
        .into_iter()
        .map(|(t, o)| (t.to_string(), o.map(String::from)))
        .collect();
        let mut a = a;
        a.sort();
        let mut want = want;
        want.sort();
        assert_eq!(a, want);
    }

    #[test]
    fn an_owner_annotation_is_found_at_the_end_or_before_a_ticket_and_leaves_the_text() {
        let p = parse(
            "# X\n\n## Action items\n\n\
             - [ ] Add an alert on consumer lag (owner: team-payments)\n\
             - [ ] Cap retry attempts @jane\n\
             - [ ] Remove the fallback for `webhooks` \u{2014} owner: growth, [ACT-68](https://t.example/ACT-68)\n\
             - [x] Fix the liveness probe; owner: sre; due next sprint\n\
             - [ ] Write the runbook - assignee: Jane Doe\n\
             - [ ] Ask the owner of the DNS zone for a second admin\n",
        );
        let a: Vec<(String, Option<String>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.text, a.owner))
            .collect();
        let want = [
            ("Add an alert on consumer lag", Some("team-payments")),
            ("Cap retry attempts", Some("jane")),
            (
                "Remove the fallback for webhooks \u{2014} ACT-68",
                Some("growth"),
            ),
            ("Fix the liveness probe; due next sprint", Some("sre")),
            ("Write the runbook", Some("Jane Doe")),
            ("Ask the owner of the DNS zone for a second admin", None),
        ];
        let want: Vec<(String, Option<String>)> = want
            .iter()
            .map(|(t, o)| (t.to_string(), o.map(str::to_string)))
            .collect();
        assert_eq!(a, want);
    }

    #[test]
    fn a_status_in_brackets_at_the_end_or_a_todo_or_done_mark_before_the_task_is_its_status() {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Action items\n\n\
             - Rotate keys (owner: carol) [done]\n\
             - Add a probe [In progress].\n\
             - TODO: add alert, owner Ana\n\
             - DONE: grow the disk\n\
             - Read [the docs]\n\
             - Todo list for the migration [1]\n";
        let want = [
            item("Rotate keys", Some("carol"), Some(Done), None),
            item("Add a probe", None, Some(Open), None),
            item("add alert", Some("Ana"), Some(Open), None),
            item("grow the disk", None, Some(Done), None),
            item("Read [the docs]", None, None, None),
            item("Todo list for the migration [1]", None, None, None),
        ];
        assert_eq!(metadata(md), want);
    }

    #[test]
    fn gitlab_labels_at_the_end_of_an_action_item_leave_its_text_before_or_after_the_owner() {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Corrective actions\n\n\
             - [ ] Add canary for storage migrations ~\"corrective action\" @ivan\n\
             - [x] Add probe @ivan ~\"corrective action\" ~P2\n\
             - Keep the budget ~5 minutes\n";
        let want = [
            item(
                "Add canary for storage migrations",
                Some("ivan"),
                Some(Open),
                None,
            ),
            item("Add probe", Some("ivan"), Some(Done), None),
            item("Keep the budget ~5 minutes", None, None, None),
        ];
        assert_eq!(metadata(md), want);
    }

    #[test]
    fn a_handle_before_a_status_in_parentheses_is_the_owner() {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Action items\n\n\
             - [ ] Add expiry graph \u{2014} @carol (in progress)\n\
             - Add expiry panel @carol (done)\n\
             - Rotate keys - @dan.k (due 2025-10-31)\n\
             - Email support@example.com (done)\n";
        let want = [
            item("Add expiry graph", Some("carol"), Some(Open), None),
            item("Add expiry panel", Some("carol"), Some(Done), None),
            item("Rotate keys", Some("dan.k"), None, Some((2025, 10, 31))),
            item("Email support@example.com", None, Some(Done), None),
        ];
        assert_eq!(metadata(md), want);
    }

    #[test]
    fn an_owner_annotation_reads_a_status_and_a_due_date_after_the_owner_as_a_parenthetical_does() {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Action items\n\n\
             - [ ] Alpha alarm (owner: team-sre, due 2023-12-15)\n\
             - [ ] Bravo runbook (owner: team-sre, done)\n\
             - Charlie probe (owner: @bob; status: in progress; due: 31 October 2025)\n\
             - Delta docs (owner: Priya Raman, due next sprint)\n\
             - Echo cap (owner: team-sre, 2023-12-15)\n\
             - Foxtrot split (owner: Alice, Bob)\n\
             - Golf key (owner: team-sre, due 2023-13-45)\n\
             - Hotel metrics (owner: @bob; status: in progress)\n\
             - India cache (owner: kim, done)\n";
        let got = metadata(md);
        let want = [
            item(
                "Alpha alarm",
                Some("team-sre"),
                Some(Open),
                Some((2023, 12, 15)),
            ),
            item("Bravo runbook", Some("team-sre"), Some(Done), None),
            item(
                "Charlie probe",
                Some("bob"),
                Some(Open),
                Some((2025, 10, 31)),
            ),
            item(
                "Delta docs (due next sprint)",
                Some("Priya Raman"),
                None,
                None,
            ),
            item("Echo cap (2023-12-15)", Some("team-sre"), None, None),
            item("Foxtrot split", Some("Alice, Bob"), None, None),
            item("Golf key", Some("team-sre"), None, None),
            item("Hotel metrics", Some("bob"), Some(Open), None),
            item("India cache", Some("kim"), Some(Done), None),
        ];
        assert_eq!(got, want);
        // What is not read is said, once, with its item's line; a date that is none is a bad
        // due date as it is without the label.
        let a = action_items(&parse(md), &[]);
        let unread: Vec<(&str, usize)> = a
            .iter()
            .flat_map(|a| a.unread.iter().map(|u| (u.part.as_str(), u.line)))
            .collect();
        assert_eq!(unread, [("2023-12-15", 9)]);
        assert_eq!(a[6].bad_due, Some(("2023-13-45".to_string(), 11)));
    }

    #[test]
    fn a_combined_lessons_and_actions_section_splits_plain_items_from_tasks() {
        let p = parse(
            "# X\n\n## Lessons learned and action items\n\n\
             - Config needs review like code\n- [ ] Require approval on the settings repo\n\
             - [x] Revert the bad change\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            ["Config needs review like code"]
        );
        let a: Vec<(String, Option<ActionStatus>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.text, a.status))
            .collect();
        assert_eq!(
            a,
            [
                (
                    "Require approval on the settings repo".to_string(),
                    Some(ActionStatus::Open)
                ),
                (
                    "Revert the bad change".to_string(),
                    Some(ActionStatus::Done)
                )
            ]
        );
    }

    #[test]
    fn a_section_of_follow_up_work_written_as_prose_gives_each_paragraph_as_an_action_item() {
        let p = parse(
            "# X\n\n## What we're doing about it\n\n\
             We now page on the webhook failure rate.\n\n\
             Finally, the checkout page no longer asks customers to pay again.\n\n\
             We\u{2019}re sorry to everyone who was left waiting.\n\n\
             Thank you for your patience.\n",
        );
        let a: Vec<(String, Option<ActionStatus>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.text, a.status))
            .collect();
        assert_eq!(
            a,
            [
                ("We now page on the webhook failure rate.".to_string(), None),
                (
                    "The checkout page no longer asks customers to pay again.".to_string(),
                    None
                )
            ]
        );
        // Beside a list or a table a paragraph introduces it: only the list is read.
        let p =
            parse("# X\n\n## Action items\n\nThese were filed in the tracker:\n\n- Add an alert\n");
        assert_eq!(
            action_items(&p, &[])
                .into_iter()
                .map(|a| a.text)
                .collect::<Vec<_>>(),
            ["Add an alert"]
        );
        // Nor is a paragraph of a section of lessons and action items one.
        let p = parse("# X\n\n## Lessons learned and action items\n\nConfig needs review.\n");
        assert!(action_items(&p, &[]).is_empty());
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
    #[test]
    fn a_status_in_parentheses_at_the_end_of_an_action_item_is_read_and_leaves_the_text() {
        let p = parse(
            "# X\n\n## Action items\n\n\
             - Implement guards against invalid container runtime selection (done)\n\
             - Keep the previous index for 48 hours (Completed)\n\
             - Store slot windows as UTC instants (team-delivery, done).\n\
             - Rotate the webhook secret (team-payments, in progress)\n\
             - Drop the legacy endpoint (won't fix)\n\
             - Ask the vendor (see ACT-12, fixed)\n\
             - Page on success rate (owner: team-checkout) (done)\n\
             - Split the job (per node)\n\
             - Add a canary (team-platform, due 2025-10-31)\n",
        );
        let a: Vec<(String, Option<String>, Option<ActionStatus>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.text, a.owner, a.status))
            .collect();
        let want = [
            (
                "Implement guards against invalid container runtime selection",
                None,
                Some(ActionStatus::Done),
            ),
            (
                "Keep the previous index for 48 hours",
                None,
                Some(ActionStatus::Done),
            ),
            (
                "Store slot windows as UTC instants.",
                Some("team-delivery"),
                Some(ActionStatus::Done),
            ),
            (
                "Rotate the webhook secret",
                Some("team-payments"),
                Some(ActionStatus::Open),
            ),
            (
                "Drop the legacy endpoint",
                None,
                Some(ActionStatus::Wontfix),
            ),
            (
                "Ask the vendor (see ACT-12)",
                None,
                Some(ActionStatus::Done),
            ),
            (
                "Page on success rate",
                Some("team-checkout"),
                Some(ActionStatus::Done),
            ),
            ("Split the job (per node)", None, None),
            ("Add a canary", Some("team-platform"), None),
        ];
        let want: Vec<(String, Option<String>, Option<ActionStatus>)> = want
            .iter()
            .map(|(t, o, s)| (t.to_string(), o.map(str::to_string), *s))
            .collect();
        assert_eq!(a, want);
    }

    /// Text, owner, status and due date of an action item.
    type Item = (
        String,
        Option<String>,
        Option<ActionStatus>,
        Option<NaiveDate>,
    );

    /// Text, owner, status and due date of each derived action item of `md`.
    fn metadata(md: &str) -> Vec<Item> {
        action_items(&parse(md), &[])
            .into_iter()
            .map(|a| (a.text, a.owner, a.status, a.due))
            .collect()
    }

    fn item(
        text: &str,
        owner: Option<&str>,
        status: Option<ActionStatus>,
        due: Option<(i32, u32, u32)>,
    ) -> Item {
        (
            text.to_string(),
            owner.map(str::to_string),
            status,
            due.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        )
    }

    #[test]
    fn an_owner_and_a_due_date_in_parentheses_at_the_end_of_an_action_item_are_read_and_leave_the_text(
    ) {
        use ActionStatus::{Done, Open};
        let got = metadata(
            "# X\n\n## Action items\n\n\
             - [ ] Record the current owner of old tickets (team-platform, due 2025-10-31)\n\
             - [ ] Page on telematics updates below half the baseline (team-delivery, due 2025-09-30).\n\
             - Rotate the webhook secret (due 2025-11-15)\n\
             - Drop the legacy flag (sre; due: 31 October 2025)\n\
             - Add a canary stage (team-web, due October 31, 2025)\n\
             - Cap the retry budget (team-checkout, done, due 2025-10-01)\n\
             - Write the failover runbook (by 2025-12-01)\n\
             - [x] Reinstall the legacy controller (team-platform)\n\
             - Alert on consumer lag (@jane)\n\
             - Move the cron jobs to UTC (platform-team).\n\
             - Split the nightly job (team_data) (done)\n\
             - Check the slot math (see runbook, due 2025-10-31)\n",
        );
        let want = [
            item(
                "Record the current owner of old tickets",
                Some("team-platform"),
                Some(Open),
                Some((2025, 10, 31)),
            ),
            item(
                "Page on telematics updates below half the baseline.",
                Some("team-delivery"),
                Some(Open),
                Some((2025, 9, 30)),
            ),
            item(
                "Rotate the webhook secret",
                None,
                None,
                Some((2025, 11, 15)),
            ),
            item(
                "Drop the legacy flag",
                Some("sre"),
                None,
                Some((2025, 10, 31)),
            ),
            item(
                "Add a canary stage",
                Some("team-web"),
                None,
                Some((2025, 10, 31)),
            ),
            item(
                "Cap the retry budget",
                Some("team-checkout"),
                Some(Done),
                Some((2025, 10, 1)),
            ),
            item(
                "Write the failover runbook",
                None,
                None,
                Some((2025, 12, 1)),
            ),
            item(
                "Reinstall the legacy controller",
                Some("team-platform"),
                Some(Done),
                None,
            ),
            item("Alert on consumer lag", Some("jane"), None, None),
            item(
                "Move the cron jobs to UTC.",
                Some("platform-team"),
                None,
                None,
            ),
            item("Split the nightly job", Some("team_data"), Some(Done), None),
            item(
                "Check the slot math (see runbook)",
                None,
                None,
                Some((2025, 10, 31)),
            ),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn an_owner_alone_in_parentheses_is_read_only_when_written_as_a_handle_or_a_team_and_prose_stays(
    ) {
        // Each prose parenthetical is paired with the owner or due date it is not.
        let got = metadata(
            "# X\n\n## Action items\n\n\
             - Document the restore steps (team-sre)\n\
             - Document the restore steps (SRE)\n\
             - Move alerts to the new stack (platform-team)\n\
             - Move alerts to the new stack (AWS)\n\
             - Agree on the schema (team-payments)\n\
             - Agree on the schema (cross-team)\n\
             - Roll it out (team-wide)\n\
             - Add a dashboard (@sam)\n\
             - Add a dashboard (e.g. Grafana)\n\
             - Fix the probe (team-x, due 2025-10-31)\n\
             - Fix the probe (see runbook)\n\
             - Fix the probe (not urgent)\n\
             - Fix the probe (due next sprint)\n\
             - Fix the probe (by the end of Q3)\n\
             - Fix the probe (team-x, due 31 Oct)\n\
             - Fix the probe (2025-10-31)\n",
        );
        let want = [
            item("Document the restore steps", Some("team-sre"), None, None),
            item("Document the restore steps (SRE)", None, None, None),
            item(
                "Move alerts to the new stack",
                Some("platform-team"),
                None,
                None,
            ),
            item("Move alerts to the new stack (AWS)", None, None, None),
            item("Agree on the schema", Some("team-payments"), None, None),
            item("Agree on the schema (cross-team)", None, None, None),
            item("Roll it out (team-wide)", None, None, None),
            item("Add a dashboard", Some("sam"), None, None),
            item("Add a dashboard (e.g. Grafana)", None, None, None),
            item("Fix the probe", Some("team-x"), None, Some((2025, 10, 31))),
            item("Fix the probe (see runbook)", None, None, None),
            item("Fix the probe (not urgent)", None, None, None),
            item("Fix the probe (due next sprint)", None, None, None),
            item("Fix the probe (by the end of Q3)", None, None, None),
            item("Fix the probe (team-x, due 31 Oct)", None, None, None),
            item("Fix the probe (2025-10-31)", None, None, None),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn a_parenthetical_of_several_parts_is_read_in_any_order_and_reports_the_short_parts_it_cannot_read(
    ) {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Action items\n\n\
             - Fix the thing (team-x, done, asap)\n\
             - Fix the probe (team-x, asap, done)\n\
             - Grow the disk (done, @jane, due 2024-04-15)\n\
             - Page on lag (due 2024-04-15; platform-team; open)\n\
             - Rotate the logs (asap, done)\n\
             - Tune the alert (Priya Raman, in progress)\n\
             - Cap the retries (team-a, team-b, done)\n\
             - Ask the vendor (see ACT-12, fixed)\n\
             - Split the job (ACT-12, done)\n\
             - Move the cron (done, because nights are quiet)\n\
             - Drop the flag (sre, due next sprint, done)\n\
             - Add a canary (see the runbook)\n\
             - Add a dashboard (asap, P1)\n";
        let got = metadata(md);
        let want = [
            item("Fix the thing (asap)", Some("team-x"), Some(Done), None),
            item("Fix the probe (asap)", Some("team-x"), Some(Done), None),
            item(
                "Grow the disk",
                Some("jane"),
                Some(Done),
                Some((2024, 4, 15)),
            ),
            item(
                "Page on lag",
                Some("platform-team"),
                Some(Open),
                Some((2024, 4, 15)),
            ),
            item("Rotate the logs (asap)", None, Some(Done), None),
            item("Tune the alert (Priya Raman)", None, Some(Open), None),
            item("Cap the retries (team-b)", Some("team-a"), Some(Done), None),
            item("Ask the vendor (see ACT-12)", None, Some(Done), None),
            item("Split the job (ACT-12)", None, Some(Done), None),
            item(
                "Move the cron (because nights are quiet)",
                None,
                Some(Done),
                None,
            ),
            item(
                "Drop the flag (due next sprint)",
                Some("sre"),
                Some(Done),
                None,
            ),
            item("Add a canary (see the runbook)", None, None, None),
            item("Add a dashboard (asap, P1)", None, None, None),
        ];
        assert_eq!(got, want);
        // Short parts among a status or a due date are said, with their parentheses; prose,
        // references, plans and parentheses that say neither are not.
        let a = action_items(&parse(md), &[]);
        let unread: Vec<(&str, &str, usize)> = a
            .iter()
            .flat_map(|a| {
                a.unread
                    .iter()
                    .map(|u| (u.part.as_str(), u.parens.as_deref().unwrap_or("-"), u.line))
            })
            .collect();
        assert_eq!(
            unread,
            [
                ("asap", "(team-x, done, asap)", 5),
                ("asap", "(team-x, asap, done)", 6),
                ("asap", "(asap, done)", 9),
                ("Priya Raman", "(Priya Raman, in progress)", 10),
                ("team-b", "(team-a, team-b, done)", 11),
            ]
        );
    }

    #[test]
    fn a_due_date_in_parentheses_that_is_no_date_is_kept_as_bad_and_leaves_the_text() {
        let a = action_items(
            &parse(
                "# X\n\n## Action items\n\n\
                 - Rotate the secret (team-x, due 2025-13-45)\n\
                 - Rotate the key (due 03/04/2025)\n",
            ),
            &[],
        );
        let got: Vec<_> = a
            .iter()
            .map(|a| {
                (
                    a.text.as_str(),
                    a.owner.as_deref(),
                    a.due,
                    a.bad_due.as_ref().map(|(b, _)| b.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Rotate the secret",
                    Some("team-x"),
                    None,
                    Some("2025-13-45")
                ),
                ("Rotate the key", None, None, Some("03/04/2025")),
            ]
        );
    }

    #[test]
    fn a_due_cell_or_due_clause_reads_year_first_and_dotted_day_first_dates_but_not_ambiguous_ones()
    {
        let a = action_items(
            &parse(
                "# X\n\n## Action items\n\n\
                 | Action | Owner | Due |\n|---|---|---|\n\
                 | Alpha | sre | 2024/04/15 |\n\
                 | Bravo | sre | 15.04.2024 |\n\
                 | Charlie | sre | April 15, 2024 |\n\
                 | Delta | sre | 04/05/2024 |\n\n\
                 ## Follow-ups\n\n\
                 - Echo (team-x, due 2024/04/15)\n\
                 - Foxtrot (owner: team-x, due 15.04.2024)\n",
            ),
            &[],
        );
        let april = NaiveDate::from_ymd_opt(2024, 4, 15);
        let got: Vec<_> = a
            .iter()
            .map(|a| {
                (
                    a.text.as_str(),
                    a.due,
                    a.bad_due.as_ref().map(|(b, _)| b.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Alpha", april, None),
                ("Bravo", april, None),
                ("Charlie", april, None),
                ("Delta", None, Some("04/05/2024")),
                ("Echo", april, None),
                ("Foxtrot", april, None),
            ]
        );
    }

    #[test]
    fn action_items_the_front_matter_replaces_are_unread_when_it_lists_fewer_or_other_ones() {
        let p = parse(
            "# X\n\n## Summary\n\nIt broke.\n\n## Action items\n\n\
             - Store slot windows as UTC instants (team-delivery, done)\n\
             - Rotate the webhook secret\n",
        );
        let unread = |listed: &[&str]| unread_items(&p, Holds::Actions, &[], listed);
        // The same items in other words, as a postmortem keeps them for readers: none.
        assert_eq!(
            unread(&[
                "Store slot windows in UTC with a zone name",
                "Rotate secrets yearly"
            ]),
            None
        );
        // Fewer items in front matter.
        assert_eq!(
            unread(&["Store slot windows in UTC"]),
            Some(UnreadItems {
                title: "Action items".into(),
                line: 7,
                count: 2,
                first_unlisted: Some("Rotate the webhook secret".into()),
            })
        );
        // As many, one of them another item altogether.
        assert_eq!(
            unread(&["Store slot windows in UTC", "Add a disk alert"])
                .and_then(|u| u.first_unlisted),
            Some("Rotate the webhook secret".into())
        );
        // An empty table lists nothing to lose.
        let empty = parse("# X\n\n## Action items\n\n| Action | Owner |\n|---|---|\n| | |\n");
        assert_eq!(unread_items(&empty, Holds::Actions, &[], &[]), None);
    }

    #[test]
    fn a_summary_passes_over_metadata_lines_and_labels_to_the_first_paragraph_of_prose() {
        let prose = "The cache ran out of memory and every page was slow for an hour.";
        // Label and value lines, plain or bold, one a paragraph or several in one.
        let p = parse(&format!(
            "# T\n\nDate: 2024-04-10\n\n**Severity:** SEV1\n\n{prose}\n"
        ));
        assert_eq!(summary(&p), prose);
        let p = parse(&format!(
            "# T\n\nDate: 2024-04-10  \n**Owner**: team-cache\nAttendees: Jane Doe, John Smith, Alice Wong\n\n{prose}\n"
        ));
        assert_eq!(summary(&p), prose);
        // In a Summary section too (the DFDS PM2021-010 opens its Summary this way).
        let p = parse(&format!(
            "# T\n\n## Summary\n\n**Traefik versions confirmed affected**: 1.7\n\n{prose}\n"
        ));
        assert_eq!(summary(&p), prose);
        // A label that introduces a list, or a line that introduces a table, is no summary.
        let p = parse(&format!(
            "# T\n\nLessons Learned:\n- Alert on memory\n\nThe errors were:\n\n| a |\n|---|\n| b |\n\n{prose}\n"
        ));
        assert_eq!(summary(&p), prose);
        // A GitLab incident opens with its labels, which are no summary.
        let p = parse(&format!(
            "# T\n\n~\"incident\" ~\"severity::2\" ~\"Service::Container Registry\" ~P1\n\n{prose}\n"
        ));
        assert_eq!(summary(&p), prose);
        // A sentence that starts with a tilde is prose.
        let about = "~5 minutes of errors, then the cache recovered.";
        let p = parse(&format!("# T\n\n{about}\n\n{prose}\n"));
        assert_eq!(summary(&p), about);
        // A labelled sentence is prose; so is what a summary label introduces.
        let labelled = "Root cause: a retry storm took the queue down for an hour.";
        let p = parse(&format!("# T\n\nDate: 2024-04-10\n\n{labelled}\n"));
        assert_eq!(summary(&p), labelled);
        // (without the label, which the page does not need to repeat).
        let p = parse("# T\n\nSummary: cache full.\n\nDate: 2024-04-10\n");
        assert_eq!(summary(&p), "cache full.");
        // With no prose at all, the first paragraph still is the summary, as before; in a
        // Summary section, its first list item comes first.
        let p = parse("# T\n\nImpact: all users.\n\n## Timeline\n\n- 10:00 alert\n");
        assert_eq!(summary(&p), "Impact: all users.");
        let p = parse("# T\n\n## Summary\n\nSeverity: SEV1\n\n- Checkout was down\n");
        assert_eq!(summary(&p), "Checkout was down");
    }

    #[test]
    fn a_plain_line_ending_with_a_colon_labels_the_list_after_it_as_a_bold_one_does() {
        let p = parse(
            "# Cache outage\n\nThe cache filled up.\n\nLessons Learned:\n- Alert on cache memory\n\
             - Size for peak\n\nAction items:\n\n1. Add a memory alert\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            ["Alert on cache memory", "Size for peak"]
        );
        let a: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(a, ["Add a memory alert"]);
        // Under a heading, and bold with the colon outside.
        let p = parse("# X\n\n## Review\n\nIt broke.\n\n**Takeaways**:\n- One\n");
        assert_eq!(texts(&learnings(&p, &[])), ["One"]);
        // A colon before a paragraph, or a sentence running over two lines, labels nothing.
        let p = parse("# X\n\nLessons learned:\n\nNone yet.\n\n- Stray item\n");
        assert!(learnings(&p, &[]).is_empty());
        let p = parse("# X\n\nWe wrote down our\nlessons learned:\n- Stray item\n");
        assert!(learnings(&p, &[]).is_empty());
    }

    #[test]
    fn a_stats_section_states_times_only_in_labelled_lines_with_a_plain_duration() {
        let body = "# Outage\n\nTime to detection: 3 hours\n\n## Stats\n\n- Category: Kubernetes\n- Time to detection: 54 minutes\n- **Time to recovery:** 4 hours 42 minutes [^3]\n\n```\nTTD: 1 minute\n```\n\n## Timeline\n\n- TTR: 2 hours\n";
        let t = stated_times(body, 10);
        let d = t.detect.expect("detect");
        assert_eq!((d.minutes, d.line, d.section.as_str()), (54, 17, "Stats"));
        assert_eq!(d.text, "Time to detection: 54 minutes");
        assert_eq!(t.resolve.expect("resolve").minutes, 282);
        // Outside a Stats-like section, or with no plain duration, nothing is stated.
        let t = stated_times("## Stats\n\n- Time to detection: ?\n- Time to recovery: about an hour\n\n## Impact\n\nTTR: 1h 30m.\n", 1);
        assert_eq!(t.detect, None);
        assert_eq!(t.resolve.expect("resolve").minutes, 90);
    }

    #[test]
    fn written_durations_are_read_in_minutes() {
        for (s, m) in [
            ("7 hours", Some(420)),
            ("45 min", Some(45)),
            ("1h 30m", Some(90)),
            ("1h30m", Some(90)),
            ("11 Days", Some(15840)),
            (" 20 hours 20 minutes.", Some(1220)),
            ("2 days, 3 hours", Some(3060)),
            ("1.5 h", Some(90)),
            ("0 minutes", Some(0)),
            ("?", None),
            ("N/A", None),
            ("ZZZ", None),
            ("5 minutes (estimated)", None),
            ("~2 hours", None),
        ] {
            assert_eq!(duration_minutes(s), m, "{s}");
        }
    }

    #[test]
    fn a_weekday_written_on_its_own_passes_over_a_precursor_that_opens_the_timeline() {
        let day = |d| NaiveDate::from_ymd_opt(2022, 10, d);
        // 29 October 2022 was a Saturday, 31 October a Monday.
        let timeline = "## Timeline\n\n| Time | Event |\n| --- | --- |\n\
                        | 2022-10-29 01:02 | AMI released |\n\
                        | 2022-10-31 07:30 | Nodes roll over to the new AMI |\n\
                        | 2022-11-01 09:30 | Sockets keep growing |\n";
        let dated = |summary: &str| {
            let mut parsed = parse(&format!("## Summary\n\n{summary}\n\n{timeline}"));
            let found = date("PM2022-009 - Bad AMI", &parsed, &[], NaiveDate::MAX);
            // `check` forgets the text but keeps what dates it.
            parsed.forget_text(Some(&[]));
            assert_eq!(
                date("PM2022-009 - Bad AMI", &parsed, &[], NaiveDate::MAX),
                found,
                "{summary}"
            );
            found.0
        };
        assert_eq!(dated("On Monday the nodes rolled over."), day(31));
        assert_eq!(
            date(
                "PM2022-009",
                &parse(&format!("On Monday.\n\n{timeline}")),
                &[],
                NaiveDate::MAX
            )
            .1,
            DateSource::BodyNamedWeekday
        );
        assert_eq!(dated("monday's roll-over picked it up."), day(31));
        // The first date when it is on that weekday, when no weekday is named, or when the
        // body writes no date on the next such day.
        assert_eq!(dated("On Saturday AWS released it."), day(29));
        assert_eq!(dated("The nodes rolled over."), day(29));
        assert_eq!(dated("On Thursday we rolled back."), day(29));
        // A weekday written with its day of the month names that day, not the incident's.
        assert_eq!(dated("By Monday 31 October it had rolled out."), day(29));
        assert_eq!(dated("By Monday, October 31 it had rolled out."), day(29));
        // The first weekday written on its own counts.
        assert_eq!(
            dated("On Monday it broke; on Tuesday we rolled back."),
            day(31)
        );
    }

    #[test]
    fn each_table_of_an_action_items_section_is_read_by_its_own_header_row() {
        let md = "# X\n\n## Action items\n\n\
                  | Action | Owner | Status |\n|---|---|---|\n\
                  | Fix the load balancer | team-net | Done |\n\n\
                  Added after the review:\n\n\
                  | Owner | Action |\n|---|---|\n\
                  | team-obs | Add an alert |\n";
        assert_eq!(
            metadata(md),
            vec![
                item(
                    "Fix the load balancer",
                    Some("team-net"),
                    Some(ActionStatus::Done),
                    None
                ),
                item("Add an alert", Some("team-obs"), None, None),
            ]
        );
    }

    #[test]
    fn a_table_written_in_german_or_french_is_read_with_its_owners_and_statuses() {
        let md = "# X\n\n## Action items\n\n\
                  | Maßnahme | Verantwortlich | Status |\n|---|---|---|\n\
                  | Alarm bei Festplattenbelegung | team-ops | Erledigt |\n\
                  | Logrotate einrichten | team-ops | Offen |\n\
                  | Alte Knoten entfernen | team-ops | Abgelehnt |\n\n\
                  | Action | Responsable | État |\n|---|---|---|\n\
                  | Ajouter une alerte | équipe-sre | Terminé |\n";
        assert_eq!(
            metadata(md),
            vec![
                item(
                    "Alarm bei Festplattenbelegung",
                    Some("team-ops"),
                    Some(ActionStatus::Done),
                    None
                ),
                item(
                    "Logrotate einrichten",
                    Some("team-ops"),
                    Some(ActionStatus::Open),
                    None
                ),
                item(
                    "Alte Knoten entfernen",
                    Some("team-ops"),
                    Some(ActionStatus::Wontfix),
                    None
                ),
                item(
                    "Ajouter une alerte",
                    Some("équipe-sre"),
                    Some(ActionStatus::Done),
                    None
                ),
            ]
        );
        // Words of no language it knows are still a status that is not done ("Blocked").
        assert_eq!(status_cell("Blocked on vendor"), Some(ActionStatus::Open));
    }

    #[test]
    fn owner_and_due_columns_are_read_under_the_headers_teams_give_them() {
        for owner in [
            "Owner",
            "Owner(s)",
            "Owners",
            "Assignee",
            "Assignee(s)",
            "Assigned to",
            "DRI",
            "Responsible",
        ] {
            for due in ["Due", "ETA", "Target date", "Deadline", "Due date"] {
                let md = format!(
                    "# X\n\n## Action items\n\n| Action item(s) | {owner} | {due} |\n|---|---|---|\n\
                     | Add a disk alert | @alice | 2024-04-01 |\n"
                );
                assert_eq!(
                    metadata(&md),
                    vec![item(
                        "Add a disk alert",
                        Some("alice"),
                        None,
                        Some((2024, 4, 1))
                    )],
                    "{owner} | {due}"
                );
            }
        }
    }

    #[test]
    fn a_nested_item_folds_into_its_learning_without_doubled_punctuation() {
        let p = parse(
            "# X\n\n## Lessons learned\n\n\
             - Monitor certificate and key expiry dates.\n  - nested detail about the key expiry calendar\n\
             - Why did nobody notice?\n  - The alerts went to a decommissioned mailbox.\n  - Nobody read it.\n\
             - Alerts need owners:\n  - on-call\n  - escalation\n\
             - Runbooks go stale\n  - nobody owned them\n",
        );
        assert_eq!(
            texts(&learnings(&p, &[])),
            [
                "Monitor certificate and key expiry dates: nested detail about the key expiry calendar",
                "Why did nobody notice? The alerts went to a decommissioned mailbox. Nobody read it.",
                "Alerts need owners: on-call; escalation",
                "Runbooks go stale: nobody owned them",
            ]
        );
    }

    #[test]
    fn sub_tasks_nested_in_an_action_item_are_action_items_of_their_own_and_details_fold_into_it() {
        use ActionStatus::{Done, Open};
        let md = "# X\n\n## Action items\n\n\
                  - CoreDNS upgrade process\n  \
                    - Write an upgrade runbook (owner: team-dns)\n  \
                    - Add a staging soak test (done)\n\
                  - [ ] Harden the node rollout (team-platform, due 2024-05-01)\n  \
                    - [x] Pin the AMI version\n  \
                    - Drain one node at a time (@bob, due 2024-06-01)\n\
                  - Improve coverage of readiness probes\n  \
                    - Reach out to teams about probes\n  \
                    - Create a dashboard of probe coverage\n\
                  - Add an alert (team-obs)\n  \
                    - on consumer lag\n  \
                    - on rebalances\n\
                  - Set up alerting for KIAM errors\n  \
                    - See the metrics docs.\n";
        assert_eq!(
            metadata(md),
            vec![
                // The label gives context; no sub-task takes another's owner or status.
                item(
                    "CoreDNS upgrade process: Write an upgrade runbook",
                    Some("team-dns"),
                    None,
                    None
                ),
                item(
                    "CoreDNS upgrade process: Add a staging soak test",
                    None,
                    Some(Done),
                    None
                ),
                // What the parent records holds for a sub-task that records none of it.
                item(
                    "Harden the node rollout: Pin the AMI version",
                    Some("team-platform"),
                    Some(Done),
                    Some((2024, 5, 1))
                ),
                item(
                    "Harden the node rollout: Drain one node at a time",
                    Some("bob"),
                    Some(Open),
                    Some((2024, 6, 1))
                ),
                // Sub-items that each start a task are tasks.
                item(
                    "Improve coverage of readiness probes: Reach out to teams about probes",
                    None,
                    None,
                    None
                ),
                item(
                    "Improve coverage of readiness probes: Create a dashboard of probe coverage",
                    None,
                    None,
                    None
                ),
                // Details are folded into their item, which keeps its owner.
                item(
                    "Add an alert: on consumer lag; on rebalances",
                    Some("team-obs"),
                    None,
                    None
                ),
                item(
                    "Set up alerting for KIAM errors: See the metrics docs.",
                    None,
                    None,
                    None
                ),
            ]
        );
        // Each sub-task is at its own line, with the learning marked on it or on its parent.
        let p = parse(
            "# X\n\n## Action items\n\n\
             - DNS rollout <!-- hindsight: learning safe-rollouts -->\n  \
               - Write a runbook (done)\n  \
               - Add a soak test <!-- hindsight: learning soak-tests -->\n",
        );
        let got: Vec<(usize, Option<String>)> = action_items(&p, &[])
            .into_iter()
            .map(|a| (a.line, a.mark.map(|m| m.id)))
            .collect();
        assert_eq!(
            got,
            [
                (6, Some("safe-rollouts".to_string())),
                (7, Some("soak-tests".to_string()))
            ]
        );
    }

    #[test]
    fn an_action_item_nested_thousands_of_lists_deep_is_read_without_overflowing_the_stack() {
        let md = format!(
            "# X\n\n## Action items\n\n{}Add a depth limit\n",
            "- ".repeat(5000)
        );
        let a = action_items(&parse(&md), &[]);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].text, "Add a depth limit");
    }

    #[test]
    fn a_due_date_is_a_plan_and_never_dates_the_incident() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        // Dated by the text as `check` and the build read it: with the text kept, and forgotten.
        let dated = |name: &str, body: &str| {
            let mut parsed = parse(body);
            let found = date(name, &parsed, &[], NaiveDate::MAX);
            parsed.forget_text(Some(&[]));
            assert_eq!(date(name, &parsed, &[], NaiveDate::MAX), found, "{body}");
            found
        };
        // A due date in parentheses, in a list that is not one of action items.
        let plan = "# Checkout errors\n\n## Summary\n\nCheckout failed.\n\n## Lessons learned\n\n\
                    - Alert on errors.\n\n- Add checkout error alert (team-pay, due 2027-01-31)\n";
        assert_eq!(
            dated("INC-0300 checkout", plan),
            (None, DateSource::Missing)
        );
        let timeline = "\n## Timeline\n\n- 2024-03-01 10:00 errors start\n";
        assert_eq!(
            dated("INC-0300 checkout", &format!("{plan}{timeline}")),
            (day(2024, 3, 1), DateSource::Body)
        );
        // Other ways of writing a due date or a deadline; a weekday or a day and month.
        for written in [
            "Rotate the key (due: 31 January 2027).",
            "Rotate the key, due by 2027-01-31.",
            "Rotate the key (team-x, by 2027-01-31).",
            "Deadline: January 31, 2027.",
            "ETA 2027-01-31 for the fix.",
            "Target date: 2027-01-31.",
        ] {
            assert_eq!(
                dated("INC-0300", &format!("{written}\n{timeline}")),
                (day(2024, 3, 1), DateSource::Body),
                "{written}"
            );
        }
        assert_eq!(
            dated(
                "postmortem_2024",
                "Fix it (due Friday 31 May).\n\nOn Friday 1 March it broke."
            ),
            (day(2024, 3, 1), DateSource::BodyWithFileNameYear)
        );
        assert_eq!(
            dated(
                "PM2022-009",
                "Fix it (due Monday).\n\n## Timeline\n\n- 2022-10-29 released\n- 2022-10-31 rolled over\n",
            ),
            (day(2022, 10, 29), DateSource::Body)
        );
        // A table's Due, Deadline or ETA column, wherever the table is; not its When column.
        for column in ["Due", "Due date", "Deadline", "ETA"] {
            let body = format!(
                "## Follow-through\n\n| Task | {column} |\n|---|---|\n| Add an alert | 2027-01-31 |\n{timeline}"
            );
            assert_eq!(
                dated("INC-0301", &body),
                (day(2024, 3, 1), DateSource::Body),
                "{column}"
            );
        }
        let body = "| When | What |\n|---|---|\n| 2024-02-28 09:00 | deploy |\n";
        assert_eq!(
            dated("INC-0301", body),
            (day(2024, 2, 28), DateSource::Body)
        );
        // "Due to" is no due date.
        assert_eq!(
            dated("INC-0302", "It was due to the release of 2024-02-27."),
            (day(2024, 2, 27), DateSource::Body)
        );
    }

    #[test]
    fn dates_in_a_section_of_action_items_are_plans_nested_or_not_and_under_a_label_too() {
        let march1 = (NaiveDate::from_ymd_opt(2024, 3, 1), DateSource::Body);
        let timeline = "## Timeline\n\n- 2024-03-01 10:00 errors start\n";
        for actions in [
            "## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n| Add an alert | pay | 2026-12-20 |\n",
            "## Follow-ups\n\nShip the fix on 2026-12-20.\n\n### Later\n\n- Revisit on 2027-01-10\n",
            "## Review\n\n### Action items\n\n- Ship the fix on 2026-12-20\n",
            "**Next steps:**\n\n- Ship the fix on 2026-12-20\n",
            "Action items:\n- Ship the fix on 2026-12-20\n",
        ] {
            let body = format!("# Checkout errors\n\nCheckout failed.\n\n{actions}\n{timeline}");
            let mut parsed = parse(&body);
            assert_eq!(date("INC-0300", &parsed, &[], NaiveDate::MAX), march1, "{actions}");
            parsed.forget_text(Some(&[]));
            assert_eq!(date("INC-0300", &parsed, &[], NaiveDate::MAX), march1, "{actions}");
        }
        // What follows a nested section of action items in its parent is the incident's again.
        let body = "## Review\n\n### Action items\n\n- Ship on 2026-12-20\n\n### Timeline\n\n- 2024-03-01 alert\n";
        assert_eq!(date("INC-0300", &parse(body), &[], NaiveDate::MAX), march1);
        // A section the configuration names as one of action items.
        let body = format!("## Jira tickets\n\n- PAY-1 ships on 2026-12-20\n\n{timeline}");
        let extra = ["Jira tickets".to_string()];
        assert_eq!(
            date("INC-0300", &parse(&body), &extra, NaiveDate::MAX),
            march1
        );
        let mut parsed = parse(&body);
        parsed.forget_text(Some(&extra));
        assert_eq!(date("INC-0300", &parsed, &[], NaiveDate::MAX), march1);
    }

    #[test]
    fn the_front_matter_times_date_an_incident_by_its_start_before_the_file_name_and_the_text() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let at = |t: &str| Some(chrono::DateTime::parse_from_rfc3339(t).unwrap());
        let body = parse("On 2024-02-10 the queue backed up.\n");
        let dated =
            |fm: &FrontMatter, name: &str| incident_date(fm, name, &body, &[], NaiveDate::MAX);
        let mut fm = FrontMatter {
            started_at: at("2024-02-08T23:30:00-05:00"),
            detected_at: at("2024-02-09T06:00:00Z"),
            resolved_at: at("2024-02-11T06:00:00Z"),
            ..Default::default()
        };
        // The day it started, in its own offset (the 9th in UTC).
        assert_eq!(
            dated(&fm, "2024-02-12-queue"),
            (day(2024, 2, 8), DateSource::StartedAt)
        );
        fm.date = day(2024, 2, 7);
        assert_eq!(
            dated(&fm, "2024-02-12-queue"),
            (day(2024, 2, 7), DateSource::FrontMatter)
        );
        fm.date = None;
        fm.started_at = None;
        assert_eq!(
            dated(&fm, "2024-02-12-queue"),
            (day(2024, 2, 9), DateSource::DetectedAt)
        );
        // The end dates it only when the file name and the text do not.
        fm.detected_at = None;
        assert_eq!(
            dated(&fm, "2024-02-12-queue"),
            (day(2024, 2, 12), DateSource::FileName)
        );
        assert_eq!(dated(&fm, "queue"), (day(2024, 2, 10), DateSource::Body));
        let nothing = Parsed::default();
        assert_eq!(
            incident_date(&fm, "queue", &nothing, &[], NaiveDate::MAX),
            (day(2024, 2, 11), DateSource::ResolvedAt)
        );
        assert_eq!(
            incident_date(&fm, "PM2024-003", &nothing, &[], NaiveDate::MAX),
            (day(2024, 2, 11), DateSource::ResolvedAt)
        );
        fm.resolved_at = None;
        assert_eq!(
            incident_date(&fm, "PM2024-003", &nothing, &[], NaiveDate::MAX),
            (day(2024, 1, 1), DateSource::FileNameYear)
        );
        // Only a postmortem without `date`, `started_at` or `detected_at` is dated by its text.
        assert!(dated_by_text(&fm));
        fm.resolved_at = at("2024-02-11T06:00:00Z");
        assert!(dated_by_text(&fm));
        fm.detected_at = at("2024-02-09T06:00:00Z");
        assert!(!dated_by_text(&fm));
    }

    #[test]
    fn a_label_that_only_ends_in_service_names_no_services_and_labels_that_name_services_do() {
        let services = |body: &str| services(&parse(body));
        // A longer label that ends in "Service" or "Services" names no services.
        for body in [
            "# X\n\n## Impact\n\nCustomer Service: we called 40 merchants.\n",
            "Impact: Customer Service: we called 40 merchants\n",
            "We apologised. Billing Service: degraded for an hour.\n",
            "| Team | Action |\n|---|---|\n| Customer Service | called 40 merchants |\n",
            "Web-Services: down\n",
        ] {
            assert!(services(body).is_empty(), "{body:?}: {:?}", services(body));
        }
        // Past one, the label that names services is read.
        assert_eq!(
            services(
                "# X\n\n## Impact\n\nCustomer Service: we called 40 merchants.\n\n\
                 Services involved: notifications, payments\n"
            ),
            ["notifications", "payments"]
        );
        // A label of its own after another's value, the lines of a paragraph read as one.
        assert_eq!(
            services("Status: Resolved\nServices: api, web\n"),
            ["api", "web"]
        );
        assert_eq!(services("Severity: SEV2 Services: api\n"), ["api"]);
        assert_eq!(
            services("Services affected: checkout and cart\n"),
            ["checkout", "cart"]
        );
        assert_eq!(services("Impacted services: search\n"), ["search"]);
        assert_eq!(services("Affected systems: DNS\n"), ["DNS"]);
    }

    #[test]
    fn lowercase_steps_under_an_action_item_that_is_a_task_itself_stay_its_details() {
        use ActionStatus::Open;
        let md = "# X\n\n## Action items\n\n\
                  - Improve alerting (team-sre, due 2025-01-31)\n  \
                    - add a page for checkout errors\n  \
                    - tune the disk alert\n\
                  - [ ] Improve the restore runbook\n  \
                    - add the missing steps\n  \
                    - test them every quarter\n\
                  - Improve paging:\n  \
                    - add a page for lag\n  \
                    - tune the thresholds\n";
        assert_eq!(
            metadata(md),
            vec![
                item(
                    "Improve alerting: add a page for checkout errors; tune the disk alert",
                    Some("team-sre"),
                    None,
                    Some((2025, 1, 31))
                ),
                item(
                    "Improve the restore runbook: add the missing steps; test them every quarter",
                    None,
                    Some(Open),
                    None
                ),
                item(
                    "Improve paging: add a page for lag; tune the thresholds",
                    None,
                    None,
                    None
                ),
            ]
        );
        // Sub-items are tasks of their own when they read as tasks: capitalised under such an
        // item, each recording its own owner or status, or under an item that is no task.
        let md = "# X\n\n## Action items\n\n\
                  - Harden deploys (team-platform)\n  \
                    - Add a canary stage\n  \
                    - Pin the base image\n\
                  - Improve alerting (team-sre)\n  \
                    - add a page for lag (owner: team-obs)\n  \
                    - tune the disk alert\n\
                  - Monitoring\n  \
                    - add an alert on inodes\n  \
                    - add a dashboard of inodes\n";
        assert_eq!(
            metadata(md),
            vec![
                item(
                    "Harden deploys: Add a canary stage",
                    Some("team-platform"),
                    None,
                    None
                ),
                item(
                    "Harden deploys: Pin the base image",
                    Some("team-platform"),
                    None,
                    None
                ),
                item(
                    "Improve alerting: add a page for lag",
                    Some("team-obs"),
                    None,
                    None
                ),
                item(
                    "Improve alerting: tune the disk alert",
                    Some("team-sre"),
                    None,
                    None
                ),
                item("Monitoring: add an alert on inodes", None, None, None),
                item("Monitoring: add a dashboard of inodes", None, None, None),
            ]
        );
    }

    #[test]
    fn a_title_from_the_first_heading_drops_a_label_that_names_the_document() {
        for (h1, title) in [
            (
                "Postmortem: Checkout blocked by WAF rule",
                "Checkout blocked by WAF rule",
            ),
            ("Post-mortem - Orders stuck", "Orders stuck"),
            ("post mortem — Orders stuck", "Orders stuck"),
            ("Incident report: DNS outage", "DNS outage"),
            ("INCIDENT REVIEW | DNS outage", "DNS outage"),
            ("RCA: Disk full", "Disk full"),
            ("Root cause analysis: Disk full", "Disk full"),
            ("Post-incident review: Disk full", "Disk full"),
            // Not a label followed by a title: kept as written.
            ("Postmortem", "Postmortem"),
            ("Postmortem:", "Postmortem:"),
            ("RCA-123 outage", "RCA-123 outage"),
            (
                "Postmortem-driven development went wrong",
                "Postmortem-driven development went wrong",
            ),
            (
                "Incident in the postmortem tool: data lost",
                "Incident in the postmortem tool: data lost",
            ),
            ("Disk full: a postmortem", "Disk full: a postmortem"),
        ] {
            assert_eq!(title_without_label(h1), title, "{h1}");
        }
    }

    #[test]
    fn a_title_from_the_first_heading_drops_the_incident_s_own_id_before_it() {
        for (h1, title) in [
            ("INC-4412: Nordfreight API outage", "Nordfreight API outage"),
            (
                "inc-4412 - Nordfreight API outage",
                "Nordfreight API outage",
            ),
            (
                "INC-4412 — Nordfreight API outage",
                "Nordfreight API outage",
            ),
            ("INC-4412:Nordfreight", "Nordfreight"),
            // Not the id followed by ":" or " - ": kept as written.
            ("INC-4412", "INC-4412"),
            ("INC-4412:", "INC-4412:"),
            (
                "INC-4412 Nordfreight API outage",
                "INC-4412 Nordfreight API outage",
            ),
            ("INC-4412-b: a later one", "INC-4412-b: a later one"),
            ("INC-44120: another incident", "INC-44120: another incident"),
            (
                "Nordfreight API outage (INC-4412)",
                "Nordfreight API outage (INC-4412)",
            ),
        ] {
            assert_eq!(title_without_id(h1, "INC-4412"), title, "{h1}");
        }
    }

    #[test]
    fn a_gitlab_scoped_label_names_no_services_and_a_service_s_affected_line_does() {
        let services = |body: &str| services(&parse(body));
        let labels = "# Registry pulls failing\n\n~\"incident\" ~\"severity::2\" ~\"Service::Container Registry\" ~\"Incident::Resolved\"\n\n## Summary\n\nPulls failed.\n";
        assert!(services(labels).is_empty(), "{:?}", services(labels));
        let listed = format!("{labels}\n1. **Service(s) affected:** Container Registry\n1. **Team attribution:** registry\n");
        assert_eq!(services(&listed), ["Container Registry"]);
        assert_eq!(
            services("# T\n\nAffected service(s): api, web\n"),
            ["api", "web"]
        );
    }

    #[test]
    fn what_didn_t_go_so_well_and_what_can_be_improved_hold_learnings_as_what_went_wrong_does() {
        for title in [
            "What didn't go so well?",
            "What did not go so well",
            "What can be improved?",
            "What could be improved",
            "What went poorly",
        ] {
            assert!(title_holds(title, Holds::Learnings, &[]), "{title}");
        }
        for title in ["What went well?", "How'd We Do?", "Where we got lucky"] {
            assert!(!title_holds(title, Holds::Learnings, &[]), "{title}");
        }
    }

    #[test]
    fn a_title_drops_a_trailing_postmortem_and_incident_number_and_a_leading_incident_label() {
        for (h1, title) in [
            (
                "Payment Gateway Timeouts Postmortem (incident #2024-031)",
                "Payment Gateway Timeouts",
            ),
            ("Shakespeare Search Post-mortem", "Shakespeare Search"),
            ("Checkout outage - postmortem", "Checkout outage"),
            (
                "Incident: Search index stale after reindex job",
                "Search index stale after reindex job",
            ),
            ("Debrief: image uploads failing", "image uploads failing"),
            // What is left would be no title: kept as written.
            ("Blameless postmortem", "Blameless postmortem"),
            ("Disk full: a postmortem", "Disk full: a postmortem"),
            ("Incident postmortem", "Incident postmortem"),
            (
                "Postmortem culture (incident #4)",
                "Postmortem culture (incident #4)",
            ),
            ("Incident", "Incident"),
            ("Incident-42 follow-up", "Incident-42 follow-up"),
        ] {
            assert_eq!(title_without_label(h1), title, "{h1}");
        }
    }

    #[test]
    fn a_summary_paragraph_of_the_google_sre_template_loses_its_label() {
        let body = "# Gateway timeouts\n\n**Date:** 2024-03-11\n\n**Authors:** tomas, wen\n\n**Summary:** Card payments timed out for 47 minutes.\n\n**Impact:** 18% of payments failed.\n\n## Action Items\n\n- Fix it\n";
        assert_eq!(
            summary(&parse(body)),
            "Card payments timed out for 47 minutes."
        );
        for (p, kept) in [
            ("TL;DR: the queue filled up.", "the queue filled up."),
            (
                "Summary of the evening: calm.",
                "Summary of the evening: calm.",
            ),
            ("Root cause: a retry storm.", "Root cause: a retry storm."),
        ] {
            assert_eq!(without_summary_label(p), kept, "{p}");
        }
    }

    #[test]
    fn a_tasks_section_as_firehydrant_exports_it_holds_action_items() {
        let p = parse(
            "# Login emails not sent\n\n## Tasks\n\n- [ ] Move the notices to the team alias \u{2014} assigned to Chloe\n- [x] Rotate the key\n",
        );
        let items = action_items(&p, &[]);
        let got: Vec<(&str, Option<&str>, Option<ActionStatus>)> = items
            .iter()
            .map(|a| (a.text.as_str(), a.owner.as_deref(), a.status))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Move the notices to the team alias",
                    Some("Chloe"),
                    Some(ActionStatus::Open)
                ),
                ("Rotate the key", None, Some(ActionStatus::Done)),
            ]
        );
    }

    #[test]
    fn open_questions_nested_under_next_steps_are_no_action_items() {
        let p = parse(
            "# Backlog\n\n## Next steps\n\n### Follow-up tasks\n\n- Split the queue @maria\n\n### Open questions\n\n- Should campaigns move to the morning?\n\n| Question | Who |\n|---|---|\n| Why two queues? | li |\n\n### Later\n\n- Add a rate limit\n\n## Timeline\n\n- 10:00 alert\n",
        );
        let texts: Vec<String> = action_items(&p, &[]).into_iter().map(|a| a.text).collect();
        assert_eq!(texts, ["Split the queue", "Add a rate limit"]);
    }

    #[test]
    fn a_gitlab_severity_label_is_the_level_of_the_scale_with_its_number() {
        let scale: Vec<String> = ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec();
        let labels = "# Registry\n\n~\"incident\" ~\"severity::2\" ~\"Service::Registry\"\n";
        assert_eq!(severity(&parse(labels), &scale).as_deref(), Some("SEV2"));
        // A severity stated as a label wins; a scale of words has no level 2.
        let both = format!("{labels}\nSeverity: SEV1\n");
        assert_eq!(severity(&parse(&both), &scale).as_deref(), Some("SEV1"));
        let words: Vec<String> = ["Critical", "Major", "Minor"].map(String::from).to_vec();
        assert_eq!(severity(&parse(labels), &words), None);
        assert_eq!(
            severity(&parse("# T\n\nseverity::2 in prose\n"), &scale),
            None
        );
    }

    #[test]
    fn a_bold_question_that_names_a_learnings_section_starts_one_with_its_answer() {
        let body = "# Login emails\n\n## Questions\n\n**What went well?**\nThe dashboard made it obvious.\n\n\
                    **What didn't go well?**\nThe notice went to a mailbox nobody reads.\n\n\
                    Nobody owns that mailbox.\n\n**Where did we get lucky?**\nIt was a Monday.\n\n\
                    ## Notes\n\n**What went wrong was the deploy.**\nIt was late.\n";
        let texts: Vec<String> = learnings(&parse(body), &[])
            .into_iter()
            .map(|l| l.text)
            .collect();
        // The next bold lead, a question of no such title, ends it; a bold sentence is no title.
        assert_eq!(
            texts,
            [
                "The notice went to a mailbox nobody reads.",
                "Nobody owns that mailbox."
            ]
        );
    }

    #[test]
    fn stated_timestamps_are_zoned_and_in_order_and_read_before_the_first_section_or_in_milestones()
    {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).ok();
        let t = stated_timestamps(
            "Outage\n======\n\n- **Started:** 2024-05-02 10:14 UTC\n- **Detected at:** 2024-05-02T12:20+02:00\n\
             - Duration: 2h\n\n## Milestones\n\n| Milestone | Time |\n|---|---|\n\
             | Started | 2024-05-02 09:00 UTC |\n| Resolved | 2024-05-02 12:37:30 GMT. |\n",
            3,
        );
        let read = |t: &Option<StatedTimestamp>| t.as_ref().map(|t| t.at);
        assert_eq!(read(&t.started), at("2024-05-02T10:14:00Z"));
        assert_eq!(read(&t.detected), at("2024-05-02T10:20:00Z"));
        assert_eq!(read(&t.resolved), at("2024-05-02T12:37:30Z"));
        // Each where its value is written, in the file whose body starts on line 3.
        fn place(t: &Option<StatedTimestamp>) -> Option<(&str, bool, usize, usize)> {
            t.as_ref()
                .map(|t| (t.label.as_str(), t.milestone, t.line, t.column))
        }
        assert_eq!(place(&t.started), Some(("Started", false, 6, 16)));
        assert_eq!(place(&t.detected), Some(("Detected at", false, 7, 20)));
        assert_eq!(place(&t.resolved), Some(("Resolved", true, 15, 14)));
        for (value, read) in [
            ("2024-05-02 7:05 utc", at("2024-05-02T07:05:00Z")),
            ("2024-05-02 10:14 -0500", at("2024-05-02T15:14:00Z")),
            ("2024-05-02 10:14", None),
            ("2024-05-02", None),
            ("2024-05-02 10:14 CET", None),
            ("around 2024-05-02 10:14 UTC", None),
        ] {
            assert_eq!(zoned_timestamp(value), read, "{value}");
        }
        // A Setext section ends the leading lines; out of order, nothing is read.
        let later = stated_timestamps(
            "Outage\n======\n\nSummary\n-------\n\nStarted: 2024-05-02 10:14 UTC\n",
            1,
        );
        assert_eq!(later, StatedTimestamps::default());
        let backwards = stated_timestamps(
            "Incident start: 2024-05-02 10:14 UTC\nIncident end: 2024-05-02 10:00 UTC\n",
            1,
        );
        assert_eq!(backwards, StatedTimestamps::default());
    }

    #[test]
    fn a_tags_line_of_metadata_names_tags_when_each_is_a_word_or_two() {
        let tags = |body: &str| tags(&parse(body));
        assert_eq!(
            tags("# Login\n\n**Severity:** SEV2\n**Tags:** email, vendor\n\n## Description\n\nText.\n"),
            ["email", "vendor"]
        );
        assert_eq!(
            tags("# T\n\nTags: third party and on-call. Owner: sre\n"),
            ["third party", "on-call"]
        );
        // Prose, a phrase, a label in lower case or run into a word: none.
        for body in [
            "# T\n\nTags: we never agreed on a scheme for these, so none\n",
            "# T\n\nour tags: a, b\n",
            "# T\n\nPrice Tags: a, b\n",
            "# T\n\nTags: TBD\n",
        ] {
            assert!(tags(body).is_empty(), "{body}");
        }
    }

    #[test]
    fn a_heading_that_repeats_a_file_name_of_an_id_and_a_title_is_that_title() {
        let stem = "IR-2022-14 VPN gateway certificate expired";
        assert_eq!(
            title_from_heading(stem, "IR-2022-14", stem),
            "VPN gateway certificate expired"
        );
        // A heading that is not the file name keeps an id that only a space follows.
        assert_eq!(
            title_from_heading(stem, "IR-2022-14", "IR-2022-14"),
            "IR-2022-14 VPN gateway certificate expired"
        );
        assert_eq!(
            title_from_heading("INC-4412 outage", "INC-4412", "INC-4412 postmortem"),
            "INC-4412 outage"
        );
        // A file name with no id before its title keeps the heading.
        let dated = "2024-03-11 payment gateway timeouts";
        assert_eq!(
            title_from_heading(dated, "2024-03-11-payment-gateway-timeouts", dated),
            dated
        );
    }

    #[test]
    fn a_heading_that_opens_with_a_label_and_the_incident_s_own_id_or_a_severity_tag_is_titled_by_the_rest(
    ) {
        for (h1, title) in [
            (
                "Incident INC-201: DNS resolution failures",
                "DNS resolution failures",
            ),
            (
                "Postmortem INC-201 - DNS resolution failures",
                "DNS resolution failures",
            ),
            (
                "Post-mortem - INC-201: DNS resolution failures",
                "DNS resolution failures",
            ),
            (
                "Incident report: INC-201 — DNS resolution failures",
                "DNS resolution failures",
            ),
            ("[SEV2] DNS resolution failures", "DNS resolution failures"),
            ("[Sev 1] DNS resolution failures", "DNS resolution failures"),
            (
                "[SEV2] Incident INC-201: DNS resolution failures",
                "DNS resolution failures",
            ),
            (
                "[INC-201] DNS resolution failures",
                "DNS resolution failures",
            ),
            (
                "[Postmortem] DNS resolution failures",
                "DNS resolution failures",
            ),
            // Another incident's id, a tag that says something else, or no separator: kept.
            (
                "Incident INC-200: DNS resolution failures",
                "Incident INC-200: DNS resolution failures",
            ),
            (
                "Incident INC-201 DNS resolution failures",
                "Incident INC-201 DNS resolution failures",
            ),
            (
                "[EU] DNS resolution failures",
                "[EU] DNS resolution failures",
            ),
            (
                "[S3] Bucket listing failures",
                "[S3] Bucket listing failures",
            ),
            ("[SEV2]", "[SEV2]"),
            ("Incident INC-201:", "Incident INC-201:"),
            (
                "Incident in INC-201: a follow-up",
                "Incident in INC-201: a follow-up",
            ),
        ] {
            assert_eq!(title_from_heading(h1, "INC-201", "README"), title, "{h1}");
        }
        // A file named by its incident number: the same id.
        assert_eq!(
            title_from_heading(
                "Postmortem: PM2021-004 - ADFS outage",
                "PM2021-004",
                "PM2021-004 - ADFS outage"
            ),
            "ADFS outage"
        );
        let scale: Vec<String> = ["SEV1", "SEV2", "SEV3"].map(String::from).into();
        assert_eq!(
            severity(
                &parse("# [sev-2] DNS resolution failures\n\nText.\n"),
                &scale
            )
            .as_deref(),
            Some("SEV2")
        );
        assert_eq!(
            severity(&parse("# [EU] DNS resolution failures\n\nText.\n"), &scale),
            None
        );
    }

    #[test]
    fn a_day_after_the_last_allowed_one_does_not_date_the_incident() {
        let latest = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let body = parse("Retire the cache by 2027-06-01.\n\nOn 2026-02-03 the cache failed.\n");
        assert_eq!(
            date("cache", &body, &[], latest),
            (NaiveDate::from_ymd_opt(2026, 2, 3), DateSource::Body)
        );
        let body = parse("It broke on 9 December.\n");
        assert_eq!(
            date("PM2026-001", &body, &[], latest),
            (
                NaiveDate::from_ymd_opt(2026, 1, 1),
                DateSource::FileNameYear
            )
        );
    }
}
