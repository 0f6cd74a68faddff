//! Property tests: the entry points that read what authors write never panic, whatever the
//! input. The same entry points are fuzzed by the targets in fuzz/ (cargo fuzz, nightly).

use hindsight::content::{derive, frontmatter};
use hindsight::markdown;
use proptest::prelude::*;

/// Text that looks like a postmortem more often than uniform noise would: fences, keys,
/// headings, list markers, tables, links and dates mixed with arbitrary characters.
fn postmortemish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("id: PM2024-001\n".to_string()),
        Just("date: 2024-02-30\n".to_string()),
        Just("learnings:\n  - text: x\n    id: y\n".to_string()),
        Just("action_items: [a, {text: b, owner: c}]\n".to_string()),
        Just("tags: [a, b\n".to_string()),
        Just("# Title\n".to_string()),
        Just("## Lessons learned\n".to_string()),
        Just("## Action items\n".to_string()),
        Just("- [x] done @team\n".to_string()),
        Just("| Action | Owner |\n|---|---|\n| fix | ops |\n".to_string()),
        Just("[link](other.md#anchor) ![img](x.png)\n".to_string()),
        Just("```rust\nfn main() {}\n".to_string()),
        Just("> quote\n".to_string()),
        Just("On 1 March 2024 and 2024-03-01.\n".to_string()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn parse(body: &str) -> markdown::Parsed {
    markdown::Standalone::new("PM2024-002", &[("other.md", "PM2024-001")]).parse(body, 3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn splitting_front_matter_never_panics_and_keeps_the_body_a_suffix(text in postmortemish()) {
        if let Ok(split) = frontmatter::split(&text, "a.md") {
            prop_assert!(text.ends_with(split.body));
            prop_assert!(split.body_line >= 1);
        }
    }

    #[test]
    fn reading_yaml_front_matter_never_panics_and_positions_are_in_the_file(yaml in postmortemish()) {
        let (_, problems) = frontmatter::parse(&yaml, 2, "a.md", frontmatter::INCIDENT_KEYS);
        for p in problems {
            prop_assert!(p.line >= 1 && p.column >= 1);
            prop_assert!(!p.message.is_empty());
        }
    }

    #[test]
    fn parsing_markdown_never_panics_and_lines_stay_in_the_body(body in postmortemish()) {
        let parsed = parse(&body);
        let last = body.lines().count() + 3;
        for l in &parsed.links {
            prop_assert!(l.line >= 3 && l.line <= last.max(3), "link line {}", l.line);
        }
        for s in &parsed.sections {
            prop_assert!(s.line >= 3 && s.line <= last.max(3));
        }
    }

    #[test]
    fn deriving_fields_never_panics(body in postmortemish(), stem in any::<String>()) {
        let parsed = parse(&body);
        let _ = derive::learnings(&parsed, &[]);
        let _ = derive::action_items(&parsed, &["follow ups".to_string()]);
        let _ = derive::summary(&parsed);
        let _ = derive::date(
            &stem,
            &parsed,
            &["follow ups".to_string()],
            chrono::NaiveDate::MAX,
        );
        let (id, _) = derive::id_and_title_from_stem(&stem);
        prop_assert!(!id.is_empty());
    }

    #[test]
    fn collapsing_white_space_agrees_with_the_standard_library(
        text in prop::collection::vec(
            prop_oneof![
                Just(" ".to_string()), Just("\t\n\r\u{b}\u{c}".to_string()),
                Just("\u{a0}\u{2003}\u{3000}\u{85}".to_string()), Just("é—“x”".to_string()),
                "[a-z]{1,6}", any::<String>(),
            ],
            0..16,
        ).prop_map(|v| v.concat())
    ) {
        let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(markdown::collapse_ws(&text), expected);
    }
}

/// Text that looks like TOML front matter more often than noise would: keys of every type,
/// arrays of tables, inline tables, quoted texts with commas and escapes, with arbitrary text.
fn tomlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("id = \"PM2024-001\"\n".to_string()),
        Just("date = 2024-03-01\n".to_string()),
        Just("started_at = 2024-03-01T10:00:00Z\n".to_string()),
        Just("severity = \"SEV 1, x\"\n".to_string()),
        Just("services = \"a, \\u002c b,\"\n".to_string()),
        Just("tags = [\"a\", 3.5, [\"b\"], { c = 1 }]\n".to_string()),
        Just("learnings = [\"x\", { text = \"y\", idd = 2 }]\n".to_string()),
        Just("[[action_items]]\ntext = \"\"\"\nmulti, line\"\"\"\nowner = [1]\n".to_string()),
        Just("[[learnings]]\n".to_string()),
        Just("[path]\nwhy = 'é'\n".to_string()),
        Just("title = \"\\u001b[31mred\"\n".to_string()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reading_toml_front_matter_never_panics_and_positions_are_in_the_file(toml in tomlish()) {
        let (_, problems) = frontmatter::parse_as(
            frontmatter::Format::Toml, &toml, 2, "a.md", frontmatter::INCIDENT_KEYS,
        );
        let last = toml.lines().count() + 2;
        for p in problems {
            prop_assert!(p.line >= 1 && p.line <= last && p.column >= 1, "{p:?}");
            prop_assert!(!p.message.is_empty());
        }
    }
}
