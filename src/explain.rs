/*!
`hindsight check --explain RULE`: one rule's section of docs/check.md, for readers who installed
the binary and have no docs folder.

The reference is embedded as it is written (`include_str!`), so docs/check.md stays the one
source: a rule's section runs from its `` ### `rule` `` heading to the next heading, or to the
bold paragraph that opens the next group of rules (`**Content.** These rules ...`).
*/

use crate::diagnostics::did_you_mean;

/// docs/check.md as the binary was built with it.
const REFERENCE: &str = include_str!("../docs/check.md");

/// Every rule section of the reference, in its order: the rule id and the section's Markdown,
/// heading included, without trailing blank lines.
pub fn sections() -> Vec<(&'static str, &'static str)> {
    let mut found = Vec::new();
    // The rule whose section is being read, and the byte offset of its heading.
    let mut open: Option<(&'static str, usize)> = None;
    let mut fenced = false;
    let mut blank_before = false;
    let mut offset = 0;
    for line in REFERENCE.split_inclusive('\n') {
        let text = line.trim_end();
        if text.starts_with("```") {
            fenced = !fenced;
        }
        let heading = !fenced && text.starts_with('#');
        // A rule's level line (`**error, locked.**`) follows its heading directly; a bold
        // paragraph after a blank line opens the next group of rules.
        let group = !fenced && blank_before && text.starts_with("**");
        if heading || group {
            if let Some((id, at)) = open.take() {
                found.push((id, REFERENCE[at..offset].trim_end()));
            }
        }
        if heading {
            open = rule_heading(text).map(|id| (id, offset));
        }
        blank_before = text.is_empty();
        offset += line.len();
    }
    if let Some((id, at)) = open {
        found.push((id, REFERENCE[at..].trim_end()));
    }
    found
}

/// The rule id of a `` ### `rule` `` heading.
fn rule_heading(line: &str) -> Option<&str> {
    line.strip_prefix("### `")?.strip_suffix('`')
}

/// A rule `--explain` does not know: what to print after `error:` and after `help:`.
#[derive(Debug)]
pub struct UnknownRule {
    pub message: String,
    pub help: String,
}

/// The section of docs/check.md on `rule`, or why there is none, with the nearest rule id
/// when one is close (else the list of rules).
pub fn explain(rule: &str) -> Result<&'static str, UnknownRule> {
    let all = sections();
    // As a finding prints it, whatever the case and spaces it was typed in.
    let key = rule.trim().to_lowercase();
    if let Some((_, text)) = all.iter().find(|(id, _)| *id == key) {
        return Ok(text);
    }
    let ids: Vec<&str> = all.iter().map(|(id, _)| *id).collect();
    if key.is_empty() {
        return Err(UnknownRule {
            message: "`--explain` needs the name of a rule, as a finding prints it".into(),
            help: format!("the rules are: {}", ids.join(", ")),
        });
    }
    Err(UnknownRule {
        message: format!("`{rule}` is not a rule of `hindsight check`"),
        help: match did_you_mean(&key, &ids) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the rules are: {}", ids.join(", ")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_typed_in_capitals_or_with_spaces_is_explained_and_an_empty_one_asks_for_a_name() {
        assert_eq!(
            explain(" Time-Order ").unwrap(),
            explain("time-order").unwrap()
        );
        let empty = explain("").unwrap_err();
        assert!(
            empty.message.contains("needs the name of a rule"),
            "{}",
            empty.message
        );
        assert!(empty.help.contains("time-order"), "{}", empty.help);
    }

    #[test]
    fn a_section_runs_from_its_heading_to_the_next_one() {
        let text = explain("time-order").unwrap();
        assert!(text.starts_with("### `time-order`\n**error.**"), "{text}");
        assert!(
            text.ends_with("*Fix:* check both times and their offsets."),
            "{text}"
        );
    }

    #[test]
    fn a_section_stops_before_the_paragraph_that_opens_the_next_group_of_rules() {
        let text = explain("path-step").unwrap();
        assert!(text.ends_with("or remove the step."), "{text}");
        assert!(!text.contains("**Content.**"), "{text}");
    }

    #[test]
    fn a_code_block_in_a_section_stays_in_it() {
        let text = explain("learnings-missing").unwrap();
        assert!(text.contains("```toml\n[learnings]\n"), "{text}");
        assert!(text.trim_end().ends_with("```"), "{text}");
    }
}
