//! `hindsight new`: scaffolding postmortems into fixture sites in temporary folders.

use std::path::Path;
use std::process::Output;

mod common;
use common::*;

fn new(root: &Path, args: &[&str]) -> Output {
    bin()
        .arg("new")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

const INCIDENT: &str = "---\nid: {id}\ntitle: {title}\ndate: {date}\n---\n\n## Summary\n\nIt broke.\n\n## Learnings\n\n- A lesson.\n";

fn incident(id: &str, title: &str, date: &str) -> String {
    INCIDENT
        .replace("{id}", id)
        .replace("{title}", title)
        .replace("{date}", date)
}

/// A site whose incidents are numbered PM<year>-<nnn>, in content/postmortems/.
fn numbered_site(root: &Path) {
    write_files(
        root,
        &[
            (
                "content/postmortems/2025-01-10-a.md",
                &incident("PM2025-001", "A", "2025-01-10"),
            ),
            (
                "content/postmortems/2025-03-02-b.md",
                &incident("PM2025-002", "B", "2025-03-02"),
            ),
            (
                "content/postmortems/2024-11-20-c.md",
                &incident("PM2024-009", "C", "2024-11-20"),
            ),
            ("content/index.md", "# Overview\n"),
        ],
    );
}

#[test]
fn a_new_postmortem_is_a_draft_with_the_next_id_that_check_accepts_and_build_leaves_out() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let o = new(
        root,
        &["Checkout: card payments failed #2", "--date", "2025-06-01"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = Path::new(&stdout(&o)).to_path_buf();
    assert_eq!(
        path,
        root.join("content/postmortems/2025-06-01-checkout-card-payments-failed-2.md")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\nid: PM2025-003\n"), "{text}");
    assert!(text.contains("date: 2025-06-01\n"), "{text}");
    assert!(text.contains("status: draft\n"), "{text}");
    assert!(stderr(&o).contains("PM2025-003"), "{}", stderr(&o));

    let (code, findings) = check_json(root, &[]);
    let errors: Vec<_> = findings.iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, Some(0));

    // Drafts are published only when asked for; the title survives YAML's special characters.
    let out = tmp.path().join("public");
    build_ok(root, &out);
    let title = "Checkout: card payments failed #2".to_string();
    assert!(!exported(&out, "title").contains(&title));
    build_drafts_ok(root, &out);
    assert!(exported(&out, "title").contains(&title));
}

#[test]
fn a_new_postmortem_is_written_and_nothing_panics_when_no_reader_takes_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    // stdout is a pipe whose read end is already closed: printing the path fails.
    let o = output_with_stdout_closed(
        bin()
            .args(["new", "Cache stampede", "--date", "2025-04-01", "--root"])
            .arg(root),
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Created "), "{}", stderr(&o));
    assert!(
        tree(root).keys().any(|p| p.contains("cache-stampede")),
        "{:?}",
        tree(root).keys().collect::<Vec<_>>()
    );
}

#[test]
fn a_new_postmortem_run_where_the_postmortems_are_makes_no_folder_and_says_none_was_made() {
    // Postmortems at the repository root, `new` run there: with no hindsight.toml, and with
    // `content_dir = "."`, the file goes beside them and no note names a folder.
    for config in [None, Some("content_dir = \".\"\n")] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write_files(
            root,
            &[
                (
                    "PM2025-001.md",
                    &incident("PM2025-001", "Disk full", "2025-03-01"),
                ),
                (
                    "PM2025-002.md",
                    &incident("PM2025-002", "DNS", "2025-03-02"),
                ),
            ],
        );
        if let Some(config) = config {
            write_files(root, &[("hindsight.toml", config)]);
        }
        let o = bin()
            .args(["new", "Cache stampede", "--date", "2025-04-01"])
            .current_dir(root)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{config:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("made the folder"),
            "{config:?}: {}",
            stderr(&o)
        );
        let made: Vec<String> = tree(root)
            .into_keys()
            .filter(|p| !["PM2025-001.md", "PM2025-002.md", "hindsight.toml"].contains(&p.as_str()))
            .collect();
        assert_eq!(made.len(), 1, "{config:?}: {made:?}");
        assert!(!made[0].contains('/'), "{config:?}: {made:?}");
        assert_eq!(stdout(&o), made[0], "{config:?}");
    }
}

#[test]
fn a_new_postmortem_outside_any_knowledge_base_says_that_it_made_the_content_folder() {
    // Run in a folder with no hindsight.toml and no postmortem (a subfolder of the repository,
    // say): the file goes into a new `content/`, and stderr says so.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let o = new(root, &["Disk full", "--date", "2025-04-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("content/2025-04-01-disk-full.md"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains(&format!(
            "note: made the folder {} for it: there is no hindsight.toml here and no postmortem",
            root.join("content").display()
        )),
        "{}",
        stderr(&o)
    );
    // In a subfolder of a repository whose knowledge base is above it, the note names it.
    write_files(root, &[(".git/HEAD", "ref: refs/heads/main\n")]);
    let sub = root.join("docs");
    std::fs::create_dir(&sub).unwrap();
    let o = new(&sub, &["Disk full", "--date", "2025-04-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let above = root.canonicalize().unwrap();
    assert!(
        stderr(&o).contains(&format!(
            "note: made the folder {} for it, though there is no hindsight.toml here and no postmortem, and `{}` holds a `content` folder: if that is your knowledge base, move the file there, or run `hindsight new` there (or with `--root {}`)",
            sub.join("content").display(),
            above.display(),
            above.display()
        )),
        "{}",
        stderr(&o)
    );
    // Where postmortems already are, nothing of the kind is said.
    let o = new(root, &["Disk full again", "--date", "2025-04-02"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("note: made the folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_same_title_twice_makes_a_second_file_and_id_leaves_the_first_alone_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let first = new(root, &["Queue backed up", "--date", "2026-02-03"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first_path = stdout(&first);
    let notes = std::fs::read_to_string(&first_path).unwrap() + "\nMy notes.\n";
    std::fs::write(&first_path, &notes).unwrap();
    let second = new(root, &["Queue backed up", "--date", "2026-02-03"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let second_path = stdout(&second);
    assert_ne!(first_path, second_path);
    assert_eq!(std::fs::read_to_string(&first_path).unwrap(), notes);
    // The first run had no postmortem of that title to name; the second names the first, in
    // any case of the title.
    assert!(
        !stderr(&first).contains("has this title too"),
        "{}",
        stderr(&first)
    );
    let name = Path::new(&first_path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        stderr(&second).contains(&format!("{name} (PM2026-001) has this title too")),
        "{}",
        stderr(&second)
    );
    let third = new(root, &["queue BACKED  up", "--date", "2026-02-03"]);
    assert!(
        stderr(&third).contains("(PM2026-002) has this title too"),
        "{}",
        stderr(&third)
    );
    // A new year starts its numbering at one, and drafts count.
    assert!(notes.starts_with("---\nid: PM2026-001\n"), "{notes}");
    let text = std::fs::read_to_string(&second_path).unwrap();
    assert!(text.starts_with("---\nid: PM2026-002\n"), "{text}");
}

#[test]
fn a_team_template_without_front_matter_gets_one_and_its_folder_is_not_read_as_content() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Postmortems at the root, named without any numbering, with the team's template beside.
    write_files(
        root,
        &[
            ("hindsight.toml", "content_dir = \".\"\n"),
            (
                "db-failover.md",
                &incident("db-failover", "DB", "2024-01-02"),
            ),
            (
                "templates/postmortem.md",
                "# {{ title }}\n\nIncident {{ id }} of {{ date }}.\n\n## Learnings\n",
            ),
        ],
    );
    let o = new(
        root,
        &[
            "Cache stampede",
            "--template",
            "postmortem",
            "--date",
            "2026-03-04",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o);
    assert_eq!(Path::new(&path), root.join("2026-03-04-cache-stampede.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "---\nid: 2026-03-04-cache-stampede\ntitle: Cache stampede\ndate: 2026-03-04\nstatus: draft\n---\n\n\
         # Cache stampede\n\nIncident 2026-03-04-cache-stampede of 2026-03-04.\n\n## Learnings\n"
    );
    let out = tmp.path().join("site");
    build_drafts_ok(root, &out);
    let ids = exported(&out, "id");
    assert_eq!(ids, ["2026-03-04-cache-stampede", "db-failover"]);
}

#[test]
fn a_team_templates_placeholder_heading_becomes_the_title_of_the_new_postmortem() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "templates/plain.md",
                "# Incident Title\n\n```sh\n# Title\n```\n\n## Summary\n",
            ),
            (
                "templates/fronted.md",
                "---\n# Title: set by new\nseverity: SEV3\n---\n\n# [Incident title]\n\n## Summary\n\n# Title\n",
            ),
            ("templates/own.md", "# Our outage review\n\n## Summary\n"),
        ],
    );
    let scaffold = |template: &str| {
        let o = new(
            root,
            &[
                "Cache stampede",
                "--template",
                template,
                "--date",
                "2026-03-04",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let path = stdout(&o);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        text
    };
    let plain = scaffold("plain");
    assert!(
        plain.ends_with("---\n\n# Cache stampede\n\n```sh\n# Title\n```\n\n## Summary\n"),
        "{plain}"
    );
    // Front matter's comments and a later H1 are left as written.
    let fronted = scaffold("fronted");
    assert!(fronted.contains("# Title: set by new\n"), "{fronted}");
    assert!(
        fronted.ends_with("---\n\n# Cache stampede\n\n## Summary\n\n# Title\n"),
        "{fronted}"
    );
    // A heading the team wrote on purpose stays.
    let own = scaffold("own");
    assert!(own.contains("\n# Our outage review\n"), "{own}");
}

#[test]
fn an_unknown_or_broken_template_writes_nothing_and_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[(
            "templates/broken.md",
            "# {{ title }}\n\n## Impact\n\n{{ oops }\n",
        )],
    );
    let before = tree(root);

    let o = new(root, &["Anything", "--template", "shrot"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("did you mean `short`?"),
        "{}",
        stderr(&o)
    );

    let o = bin()
        .env("NO_COLOR", "1")
        .args(["new", "Anything", "--template", "broken", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("templates/broken.md:5:9"),
        "{}",
        stderr(&o)
    );

    let o = new(root, &["   "]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(tree(root), before);
}

#[test]
fn a_template_that_fails_to_render_is_reported_at_the_line_and_column_of_what_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[
            (
                "templates/undefined.md",
                "# {{ title }}\n\n## Impact\n\n{# {{ impact }} #}\nOn {{ date }}: {{ impact }}\n",
            ),
            (
                "templates/filter.md",
                "# {{ title }}\n\n## Owners\n\n- {{ title | upper }}, {{ id | owner_of }}\n",
            ),
        ],
    );
    let before = tree(root);
    for (template, at) in [
        ("undefined", "templates/undefined.md:6:19"),
        ("filter", "templates/filter.md:5:32"),
    ] {
        let o = bin()
            .env("NO_COLOR", "1")
            .args(["new", "Anything", "--template", template, "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains(at), "{at}: {}", stderr(&o));
    }
    assert_eq!(tree(root), before);
}

#[test]
fn the_built_in_templates_scaffold_the_sections_check_and_the_site_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    for template in ["default", "short"] {
        let o = new(
            root,
            &["Sections", "--template", template, "--date", "2026-05-06"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let path = stdout(&o);
        let text = std::fs::read_to_string(&path).unwrap();
        for heading in ["## Summary", "## Learnings", "## Action items"] {
            assert!(text.contains(heading), "{template}: {text}");
        }
        // The front matter is valid YAML with the keys filled in.
        let front = text.split("---\n").nth(1).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        assert_eq!(yaml["title"].as_str(), Some("Sections"), "{template}");
        assert_eq!(yaml["status"].as_str(), Some("draft"), "{template}");
        // Built before a word is written, it has no summary, not a later section's first
        // line ("All times are UTC.").
        let out = root.join("public");
        let o = bin()
            .args(["build", "--quiet", "--drafts", "--root"])
            .arg(root)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let incidents = read_json(&out.join("api/incidents.json"));
        let draft = incidents
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == "Sections")
            .unwrap();
        assert_eq!(draft["summary"], serde_json::Value::Null, "{template}");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_template_kept_in_the_content_folder_is_found_by_name_and_is_not_an_incident() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[(
            "content/templates/incident.md",
            "---\nid: {{ id }}\ntitle: {{ title | yaml }}\ndate: {{ date }}\nstatus: draft\n---\n\n## What happened\n",
        )],
    );
    let o = new(
        root,
        &[
            "Disk filled",
            "--template",
            "incident",
            "--date",
            "2025-07-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(
        text.starts_with("---\nid: PM2025-003\ntitle: Disk filled\n"),
        "{text}"
    );
    assert!(text.ends_with("## What happened\n"), "{text}");
    let out = root.join("public");
    build_drafts_ok(root, &out);
    let titles = exported(&out, "title");
    assert!(titles.contains(&"Disk filled".to_string()), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("{{")), "{titles:?}");
}

#[test]
fn a_root_that_is_not_a_folder_is_a_usage_failure_and_nothing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-repo");
    let o = new(&missing, &["Disk full"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert!(!missing.exists());
    let file = tmp.path().join("README.md");
    std::fs::write(&file, "# Not a repo\n").unwrap();
    let o = new(&file, &["Disk full"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# Not a repo\n");
}

#[test]
fn a_title_pasted_over_two_lines_is_one_line_and_a_content_folder_of_dot_prints_a_clean_path() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("hindsight.toml", "content_dir = \".\"\n"),
            (
                "2025-01-10-a.md",
                &incident("PM2025-001", "A", "2025-01-10"),
            ),
        ],
    );
    let o = new(
        root,
        &["Checkout failed\nafter the  deploy", "--date", "2025-06-01"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o);
    assert_eq!(
        Path::new(&path),
        root.join("2025-06-01-checkout-failed-after-the-deploy.md")
    );
    assert!(!path.contains("/./"), "{path}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("title: Checkout failed after the deploy\n"),
        "{text}"
    );
}

#[test]
fn the_id_of_a_postmortem_whose_front_matter_is_broken_is_not_given_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[(
            "content/postmortems/2025-04-01-d.md",
            "---\nid: PM2025-003\ntitle: D\ntags: [oops\n---\n\nIt broke.\n",
        )],
    );
    let o = new(root, &["Next one", "--date", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2025-004\n"), "{text}");
    let err = stderr(&o);
    assert!(
        err.contains("content/postmortems/2025-04-01-d.md") && err.contains("hindsight check"),
        "{err}"
    );
}

#[test]
fn a_template_with_its_own_front_matter_after_a_byte_order_mark_or_blank_line_keeps_it_first() {
    for lead in ["\u{feff}", "\n", "{# the team's template #}\n"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        numbered_site(root);
        let template = format!(
            "{lead}---\nid: {{{{ id }}}}\ntitle: {{{{ title | yaml }}}}\ndate: {{{{ date }}}}\nstatus: draft\n---\n\n## Summary\n"
        );
        write_files(root, &[("templates/ours.md", &template)]);
        let o = new(
            root,
            &["Disk full", "--template", "ours", "--date", "2025-06-01"],
        );
        assert!(o.status.success(), "{lead:?}: {}", stderr(&o));
        let text = std::fs::read_to_string(stdout(&o)).unwrap();
        assert!(
            text.starts_with("---\nid: PM2025-003\n"),
            "{lead:?}: {text}"
        );
        assert_eq!(
            text.matches("---\n").count(),
            2,
            "{lead:?}: one front matter: {text}"
        );
        let (code, findings) = check_json(root, &[]);
        assert_eq!(code, Some(0), "{lead:?}: {findings:#?}");
    }
}

#[test]
fn the_warning_of_a_postmortem_whose_front_matter_is_broken_names_only_the_id_it_kept_from_being_given(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[(
            "content/postmortems/2026-04-01-d.md",
            "---\nid: PM2026-009\ntitle: D\ntags: [oops\n---\n\nIt broke.\n",
        )],
    );
    let o = new(root, &["Next one", "--date", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2025-003\n"), "{text}");
    let err = stderr(&o);
    // PM2025-003 was not chosen by the broken file's id line: that only kept PM2026-009 free.
    assert!(!err.contains("chosen"), "{err}");
    assert!(
        err.contains("content/postmortems/2026-04-01-d.md") && err.contains("`PM2026-009`"),
        "{err}"
    );
}

#[test]
fn a_date_in_the_future_is_refused_unless_the_future_date_rule_is_set_below_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let o = new(root, &["Later", "--date", "2999-01-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("2999-01-01") && err.contains("future-date"),
        "{err}"
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "nothing was written: {findings:#?}");
    // A team that allows future dates gets its file.
    write_files(
        root,
        &[(
            "hindsight.toml",
            "[check.rules]\nfuture-date = \"warning\"\n",
        )],
    );
    let o = new(root, &["Later", "--date", "2999-01-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(stdout(&o))
        .unwrap()
        .contains("date: 2999-01-01"));
}

/// A postmortem written in the default template's shape, filled in with `topic`.
fn filled(id: &str, title: &str, date: &str, topic: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\ndate: {date}\nstatus: published\n---\n\n\
         ## Summary\n\n{topic}\n\n## Impact\n\n{topic}\n\n## Timeline\n\nAll times are UTC.\n\n\
         | Time | Event |\n|------|-------|\n| 10:00 | {topic} |\n\n\
         ## Contributing factors\n\n{topic}\n\n## What went well\n\nThe rollback.\n\n\
         ## Learnings\n\n- {topic}\n\n## Action items\n\n\
         | Action | Owner | Status | Due |\n|--------|-------|--------|-----|\n\
         | Fix it | sre | open | 2026-01-01 |\n"
    )
}

#[test]
fn a_fresh_draft_is_related_to_no_incident_by_the_text_its_template_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/postmortems/2025-01-10-a.md",
                &filled("PM2025-001", "Database primary ran out of disk", "2025-01-10",
                    "The database primary volume filled with write-ahead log segments and writes stopped."),
            ),
            (
                "content/postmortems/2025-03-02-b.md",
                &filled("PM2025-002", "Replica disk filled with write-ahead logs", "2025-03-02",
                    "The replica volume filled with write-ahead log segments and replication stopped."),
            ),
            (
                "content/postmortems/2024-11-20-c.md",
                &filled("PM2024-009", "Certificate expired on the edge proxy", "2024-11-20",
                    "The TLS certificate of the edge proxy expired and browsers refused the site."),
            ),
            // A team's own template, with boilerplate of its own.
            (
                "templates/security.md",
                "## Exposure\n\nData classes affected: none known yet.\n\n## Learnings\n\n## Action items\n",
            ),
        ],
    );
    let drafts = [
        ("Zebra quantum flux", "default"),
        ("Walrus tidal orbit", "default"),
        ("Heron lunar drift", "short"),
        ("Otter basalt prism", "security"),
        ("Lynx cobalt fjord", "security"),
    ];
    for (title, template) in drafts {
        let o = new(
            root,
            &[title, "--template", template, "--date", "2026-05-06"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = root.join("public");
    build_drafts_ok(root, &out);
    let incidents = read_json(&out.join("api/incidents.json"));
    let related = |title: &str| {
        incidents
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .unwrap()["related"]
            .clone()
    };
    // Nothing but the template's headings, "All times are UTC." and table headers: no text
    // of the incident's own to be similar.
    for (title, template) in drafts {
        assert_eq!(
            related(title),
            serde_json::json!([]),
            "{title} ({template})"
        );
    }
    // Text the authors wrote still relates postmortems.
    assert_eq!(
        related("Database primary ran out of disk")[0],
        "PM2025-002",
        "{incidents:#}"
    );
}

#[test]
fn a_template_whose_front_matter_the_title_breaks_writes_nothing_and_names_its_line_and_the_yaml_filter(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "templates/unq.md",
                "---\nid: {{ id }}\ntitle: {{ title }}\ndate: {{ date }}\nstatus: draft\n---\n\n## Summary\n",
            ),
            ("content/.keep", ""),
        ],
    );
    let o = new(root, &["Fix: the db", "--template", "unq"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("templates/unq.md:3:8"), "{err}");
    assert!(err.contains("invalid YAML front matter"), "{err}");
    assert!(err.contains("`title: {{ title | yaml }}`"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let written: Vec<_> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(written, [".keep"], "nothing is written");
    // A title YAML reads as it is is written, and `check` accepts it.
    let o = new(root, &["Fix the db", "--template", "unq"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = check(root, &["--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_template_whose_front_matter_check_rejects_by_the_configuration_writes_nothing_and_names_its_line(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("hindsight.toml", "title = \"KB\"\nseverities = [\"SEV1\", \"SEV2\", \"SEV3\"]\n"),
            (
                "templates/pub.md",
                "---\ntitle: {{ title | yaml }}\nseverity: SEV9\nservices: [api]\n---\n\n## Summary\n\n## Action items\n\n- [ ] Fill in (due 2024-13-45)\n",
            ),
            ("content/.keep", ""),
        ],
    );
    let o = new(root, &["Queue stalled", "--template", "pub"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // At the template's line, at the value, with the configured scale; the body's bad due
    // date is the author's text to fill in, not the template's front matter.
    assert!(err.contains("templates/pub.md:3:11"), "{err}");
    assert!(err.contains("unknown severity `SEV9`"), "{err}");
    assert!(err.contains("SEV1, SEV2, SEV3"), "{err}");
    assert!(!err.contains("2024-13-45"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let written: Vec<_> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(written, [".keep"], "nothing is written");
    // A team that keeps the rule below error gets its file, as `check` then passes it.
    write_files(
        root,
        &[(
            "hindsight.toml",
            "title = \"KB\"\nseverities = [\"SEV1\", \"SEV2\", \"SEV3\"]\n[check.rules]\nunknown-severity = \"warning\"\n",
        )],
    );
    let o = new(root, &["Queue stalled", "--template", "pub"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_template_with_several_problems_reports_each_in_one_run_in_line_order_where_check_points() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "hindsight.toml",
                "title = \"KB\"\nseverities = [\"SEV1\", \"SEV2\", \"SEV3\"]\n",
            ),
            (
                "templates/team.md",
                "---\ntitle: {{ title }}\nseverity: P1\nowner: x\n---\n\n## Summary\n",
            ),
            ("content/.keep", ""),
        ],
    );
    let o = new(root, &["Fix: the db", "--template", "team"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    // All three, each once, in the order of the template's lines.
    let at = |place: &str| {
        let place = format!("templates/team.md:{place}]");
        assert_eq!(err.matches(&place).count(), 1, "{place}:\n{err}");
        err.find(&place).unwrap()
    };
    let yaml = at("2:8");
    let severity = at("3:11");
    let key = at("4:1");
    assert!(yaml < severity && severity < key, "{err}");
    assert!(err.contains("`title: {{ title | yaml }}`"), "{err}");
    assert!(err.contains("unknown severity `P1`"), "{err}");
    assert!(err.contains("unknown front-matter key `owner`"), "{err}");
    assert_eq!(tree(&root.join("content")).len(), 1, "nothing is written");
    // The columns are those `check` gives of the same lines in a postmortem.
    write_files(
        root,
        &[(
            "content/a.md",
            "---\nid: A-1\ndate: 2024-01-02\ntitle: \"Fix: the db\"\nseverity: P1\nowner: x\n---\n\n## Summary\n",
        )],
    );
    let (_, findings) = check_json(root, &[]);
    let column = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {findings:#?}"))["column"]
            .clone()
    };
    assert_eq!(column("unknown-severity"), 11);
    assert_eq!(column("unknown-key"), 1);
}

#[test]
fn a_template_with_toml_front_matter_keeps_it_and_quotes_values_with_the_toml_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    // A postmortem whose TOML cannot be read still keeps its id from being given.
    write_files(
        root,
        &[
            (
                "templates/hugo.md",
                "+++\nid = {{ id | toml }}\ntitle = {{ title | toml }}\ndate = {{ date }}\nstatus = \"draft\"\n+++\n\n## Summary\n",
            ),
            (
                "content/postmortems/2025-05-01-e.md",
                "+++\nid = \"PM2025-003\"\ntitle = E\n+++\n\nIt broke.\n",
            ),
        ],
    );
    let o = new(
        root,
        &[
            "Disk \"full\" again",
            "--template",
            "hugo",
            "--date",
            "2025-06-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(
        text.starts_with("+++\nid = \"PM2025-004\"\ntitle = "),
        "{text}"
    );
    assert!(!text.contains("---"), "one front matter: {text}");
    assert!(
        stderr(&o).contains("`PM2025-003`"),
        "the broken file's id was kept free: {}",
        stderr(&o)
    );
    std::fs::remove_file(root.join("content/postmortems/2025-05-01-e.md")).unwrap();
    // The title, quoted by `| toml`, reads back as written.
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let (fm, problems) = hindsight::content::frontmatter::parse_as(
        hindsight::content::frontmatter::Format::Toml,
        text.trim_start_matches("+++\n")
            .split("+++\n")
            .next()
            .unwrap(),
        2,
        "new.md",
        hindsight::content::frontmatter::INCIDENT_KEYS,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(fm.title.as_deref(), Some("Disk \"full\" again"));
}

#[test]
fn a_toml_template_whose_front_matter_the_title_breaks_names_its_line_and_the_toml_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "templates/unq.md",
                "+++\nid = {{ id | toml }}\ntitle = {{ title }}\ndate = {{ date }}\nstatus = \"draft\"\n+++\n\n## Summary\n",
            ),
            ("content/.keep", ""),
        ],
    );
    let o = new(root, &["Fix: the db", "--template", "unq"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("templates/unq.md:3:9"), "{err}");
    assert!(err.contains("invalid TOML front matter ("), "{err}");
    assert!(err.contains("`title = {{ title | toml }}`"), "{err}");
    assert!(!err.contains("yaml"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn a_template_whose_own_front_matter_lacks_the_id_date_or_status_gets_them_and_its_id_is_not_given_again(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[
            (
                "templates/partial.md",
                "---\ntitle: {{ title | yaml }}\ntags: []\n---\ntext\n",
            ),
            (
                "templates/hugo.md",
                "+++\ntitle = {{ title | toml }}\n+++\ntext\n",
            ),
        ],
    );
    let o = new(
        root,
        &[
            "Partial again",
            "--template",
            "partial",
            "--date",
            "2025-06-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    // The template's keys keep their order; ours come where the built-in template has them.
    assert_eq!(
        text,
        "---\nid: PM2025-003\ntitle: Partial again\ndate: 2025-06-01\nstatus: draft\ntags: []\n---\ntext\n"
    );
    assert!(
        stderr(&o).contains("(PM2025-003), a draft"),
        "{}",
        stderr(&o)
    );
    let o = new(
        root,
        &[
            "Partial in TOML",
            "--template",
            "hugo",
            "--date",
            "2025-06-02",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert_eq!(
        text,
        "+++\nid = \"PM2025-004\"\ntitle = \"Partial in TOML\"\ndate = 2025-06-02\nstatus = \"draft\"\n+++\ntext\n"
    );
    // Both are drafts that `build` leaves out, under the ids the messages named.
    let out = root.join("public");
    build_ok(root, &out);
    assert_eq!(
        exported(&out, "id"),
        ["PM2025-002", "PM2025-001", "PM2024-009"]
    );
    build_drafts_ok(root, &out);
    let ids = exported(&out, "id");
    assert!(
        ids.contains(&"PM2025-003".to_string()) && ids.contains(&"PM2025-004".to_string()),
        "{ids:?}"
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let o = new(root, &["Next", "--date", "2025-06-03"]);
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2025-005\n"), "{text}");
}

#[test]
fn the_ids_of_postmortems_that_ignore_leaves_out_are_not_given_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[
            (
                "hindsight.toml",
                "ignore = [\"*template*\", \"drafts/**\"]\n",
            ),
            (
                "content/drafts/d.md",
                &incident("PM2026-004", "Still a draft", "2026-02-01"),
            ),
            (
                "content/postmortems/incident-template.md",
                "---\nid: {{ id }}\ntitle: {{ title | yaml }}\n---\n\n## Summary\n",
            ),
        ],
    );
    let o = new(root, &["After the draft", "--date", "2026-03-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2026-005\n"), "{text}");
}

#[test]
fn a_title_whose_file_name_ignore_would_leave_out_names_the_file_without_the_matching_word() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(root, &[("hindsight.toml", "ignore = [\"*template*\"]\n")]);
    let o = new(
        root,
        &["Email template rendering broke", "--date", "2026-03-01"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        Path::new(&stdout(&o)),
        root.join("content/postmortems/2026-03-01-email-rendering-broke.md")
    );
    let err = stderr(&o);
    assert!(
        err.contains("2026-03-01-email-template-rendering-broke.md")
            && err.contains("`*template*`"),
        "{err}"
    );
    // It is built, with its title as written.
    let out = root.join("public");
    build_drafts_ok(root, &out);
    assert!(exported(&out, "title").contains(&"Email template rendering broke".to_string()));
    // When no name escapes the pattern, nothing is written and the pattern is named.
    write_files(root, &[("hindsight.toml", "ignore = [\"2026-*\"]\n")]);
    let before = tree(root);
    let o = new(root, &["Email again", "--date", "2026-03-02"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`2026-*`"), "{}", stderr(&o));
    assert_eq!(tree(root), before);
}

#[test]
fn a_template_that_is_not_utf8_is_reported_as_unreadable_not_as_unwritable() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let bad = root.join("bad.md");
    std::fs::write(&bad, b"# \xff{{ title }}\n").unwrap();
    let before = tree(root);
    let o = new(root, &["Anything", "--template", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("cannot read {} as a template", bad.display()))
            && err.contains("not UTF-8")
            && !err.contains("cannot write"),
        "{err}"
    );
    assert_eq!(tree(root), before);
}

#[test]
fn a_title_whose_first_word_is_very_long_makes_a_file_name_the_file_system_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let title = format!("{} broke", "x".repeat(300));
    let o = new(root, &[&title, "--date", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o);
    let name = Path::new(&path).file_name().unwrap().to_str().unwrap();
    assert_eq!(name, format!("2025-06-01-{}.md", "x".repeat(60)));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("title: {title}\n")), "{text}");
}

#[test]
fn a_date_before_1970_is_refused_as_a_mistyped_year_and_nothing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let before = tree(root);
    for date in ["0001-01-01", "1969-12-31"] {
        let o = new(root, &["Long ago", "--date", date]);
        assert_eq!(o.status.code(), Some(2), "{date}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("--date {date} is before 1970")),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
    assert_eq!(tree(root), before);
    let o = new(root, &["Epoch", "--date", "1970-01-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM1970-001\n"), "{text}");
}

#[test]
fn ids_written_with_a_capitalised_key_in_files_that_are_not_built_are_not_given_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    let draft = |id: &str| {
        format!("---\nID: {id}\ntitle: Still a draft\ndate: 2026-02-01\n---\n\n## Summary\n\nIt broke.\n")
    };
    write_files(
        root,
        &[
            ("hindsight.toml", "ignore = [\"drafts/**\"]\n"),
            ("content/drafts/d.md", &draft("PM2026-004")),
            // Not built for its extension, whatever its case, as load reads extensions.
            ("content/postmortems/Notes.TXT", &draft("PM2026-006")),
        ],
    );
    let o = new(root, &["After the drafts", "--date", "2026-03-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2026-007\n"), "{text}");
}

#[test]
fn the_aliases_of_postmortems_that_ignore_leaves_out_are_not_given_as_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[
            ("hindsight.toml", "ignore = [\"drafts/**\"]\n"),
            (
                "content/drafts/d.md",
                "---\nid: PM2026-004\naliases: [PM2026-007]\ntitle: Still a draft\ndate: 2026-02-01\n---\n\n## Summary\n\nIt broke.\n",
            ),
            (
                "content/drafts/e.md",
                "+++\nid = \"PM2026-002\"\nAliases = [\"PM2026-008\"]\ntitle = \"Another draft\"\ndate = 2026-02-02\n+++\n\n## Summary\n\nIt broke.\n",
            ),
        ],
    );
    let o = new(root, &["After the drafts", "--date", "2026-03-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.starts_with("---\nid: PM2026-009\n"), "{text}");
}

#[test]
fn a_hugo_template_that_says_draft_false_scaffolds_a_published_postmortem_and_draft_true_a_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[
            (
                "templates/hugo.md",
                "+++\ntitle = {{ title | toml }}\ndraft = false\n+++\n\n## Summary\n\nIt broke.\n",
            ),
            (
                "templates/jekyll.md",
                "---\ntitle: {{ title | yaml }}\nDraft: true\n---\n\n## Summary\n\nIt broke.\n",
            ),
        ],
    );
    let o = new(
        root,
        &[
            "Queue stalled",
            "--template",
            "hugo",
            "--date",
            "2025-06-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert_eq!(
        text,
        "+++\nid = \"PM2025-003\"\ntitle = \"Queue stalled\"\ndate = 2025-06-01\ndraft = false\n+++\n\n## Summary\n\nIt broke.\n"
    );
    assert!(stderr(&o).contains("`status: published`"), "{}", stderr(&o));
    let out = root.join("public");
    build_ok(root, &out);
    assert!(exported(&out, "title").contains(&"Queue stalled".to_string()));

    let o = new(
        root,
        &["Disk full", "--template", "jekyll", "--date", "2025-06-02"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert_eq!(
        text,
        "---\nid: PM2025-004\ntitle: Disk full\ndate: 2025-06-02\nDraft: true\n---\n\n## Summary\n\nIt broke.\n"
    );
    assert!(stderr(&o).contains("a draft"), "{}", stderr(&o));
}

#[test]
fn a_template_whose_extension_is_upper_case_is_found_by_its_name_and_listed_as_known() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    numbered_site(root);
    write_files(
        root,
        &[(
            "templates/Outage.MD",
            "---\nid: {{ id }}\ntitle: {{ title | yaml }}\ndate: {{ date }}\n---\n\n## Impact\n",
        )],
    );
    let o = new(
        root,
        &[
            "Disk filled",
            "--template",
            "Outage",
            "--date",
            "2025-07-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(stdout(&o)).unwrap();
    assert!(text.ends_with("## Impact\n"), "{text}");
    let o = new(root, &["Disk filled", "--template", "outgae"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("known: Outage, default, short"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_new_postmortem_is_named_as_most_files_of_the_knowledge_base_are() {
    // dfds names its files `PM2019-009 - Kubernetes network infrastructure IP starvation.md`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&fixture("dfds"), root);
    let o = new(
        root,
        &[
            "Traefik dropped requests: 5xx / timeouts?",
            "--date",
            "2025-07-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o);
    let text = std::fs::read_to_string(&path).unwrap();
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(id.starts_with("PM20"), "{id}");
    assert!(
        path.ends_with(&format!("/{id} - Traefik dropped requests 5xx timeouts.md")),
        "{path}"
    );
    assert!(
        text.contains("title: 'Traefik dropped requests: 5xx / timeouts?'")
            || text.contains("title: \"Traefik dropped requests: 5xx / timeouts?\""),
        "{text}"
    );

    // Files named by id alone, or by id and slug, are followed too; the date-slug name stays
    // the default where no naming is most files'.
    for (files, expected) in [
        (["PM2025-001.md", "PM2025-002.md", "x.md"], "PM2025-004.md"),
        (
            ["PM2025-001-disk.md", "PM2025-002-dns.md", "x.md"],
            "PM2025-004-queue-stalled.md",
        ),
        (
            ["PM2025-001.md", "2025-01-02-dns.md", "2025-01-03-x.md"],
            "2025-07-01-queue-stalled.md",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for (n, f) in files.iter().enumerate() {
            let id = format!("PM2025-{:03}", n + 1);
            write_files(
                root,
                &[(
                    &format!("content/{f}"),
                    &incident(&id, "T", &format!("2025-01-0{}", n + 1)),
                )],
            );
        }
        let o = new(root, &["Queue stalled", "--date", "2025-07-01"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stdout(&o).ends_with(&format!("/{expected}")),
            "{files:?}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn a_title_whose_file_name_ignore_would_leave_out_loses_the_matching_word_however_files_are_named()
{
    // dfds: `<id> - <Title>.md`, at the root, with `ignore = ["*template*"]`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&fixture("dfds"), root);
    let o = new(
        root,
        &["Email template rendering broke", "--date", "2026-03-01"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let name = stdout(&o);
    assert!(
        name.ends_with(" - Email rendering broke.md") && Path::new(&name).is_file(),
        "{name}"
    );
    assert!(stderr(&o).contains("`*template*`"), "{}", stderr(&o));
    // Named by id, the id taken from the file name (`<date>-<slug>`).
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("hindsight.toml", "ignore = [\"*template*\"]\n"),
            (
                "content/2024-03-01-db-down.md",
                "---\ntitle: DB down\n---\n\nIt broke.\n",
            ),
            (
                "content/2024-03-05-cache-down.md",
                "---\ntitle: Cache down\n---\n\nIt broke.\n",
            ),
        ],
    );
    let o = new(
        root,
        &["Email template rendering broke", "--date", "2026-03-01"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        Path::new(&stdout(&o)),
        root.join("content/2026-03-01-email-rendering-broke.md")
    );
}

#[test]
fn a_file_name_that_does_not_come_from_the_title_is_not_said_to_lose_the_titles_words() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("hindsight.toml", "ignore = [\"PM2026-*\"]\n"),
            (
                "content/PM2025-001.md",
                "---\nid: PM2025-001\ntitle: DB down\ndate: 2025-01-01\n---\n\nIt broke.\n",
            ),
            (
                "content/PM2025-002.md",
                "---\nid: PM2025-002\ntitle: Cache down\ndate: 2025-01-02\n---\n\nIt broke.\n",
            ),
        ],
    );
    let before = tree(root);
    let o = new(root, &["Email rendering broke", "--date", "2026-03-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("`PM2026-001.md`")
            && err.contains("does not come from the title")
            && !err.contains("without any of the title's words"),
        "{err}"
    );
    assert_eq!(tree(root), before);
}

#[test]
fn a_postmortem_folder_named_like_the_new_file_gives_file_and_id_one_free_name_and_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // `2026-12-02-db-failover/index.md` is the postmortem `2026-12-02-db-failover`, named by
    // its folder; `2026-12-02-db-failover-2.md` has an id of its own, but its name is taken;
    // the folder `2026-12-02-db-failover-3/` holds only a picture, which takes no name.
    let folder_pm =
        "---\ntitle: DB failover\ndate: 2026-12-02\n---\n\n## Summary\n\nIt failed over.\n";
    write_files(
        root,
        &[
            ("content/2026-12-02-db-failover/index.md", folder_pm),
            (
                "content/2026-12-02-db-failover-2.md",
                &incident("legacy-db-note", "Note", "2026-12-02"),
            ),
            ("content/2026-12-02-db-failover-3/graph.png", "png"),
        ],
    );
    // `new` writes the file named `name`.md whose id is `name`; returns its output.
    let new_named = |name: &str| {
        let o = new(root, &["DB failover", "--date", "2026-12-02"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let path = stdout(&o);
        assert!(path.ends_with(&format!("content/{name}.md")), "{path}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("---\nid: {name}\n")), "{text}");
        o
    };
    let before = tree(&root.join("content"));
    let o = new_named("2026-12-02-db-failover-3");
    assert!(
        stderr(&o).contains("(2026-12-02-db-failover-3)"),
        "{}",
        stderr(&o)
    );
    // Nothing that was there is changed.
    let after = tree(&root.join("content"));
    for (file, bytes) in &before {
        assert_eq!(after.get(file), Some(bytes), "{file}");
    }
    assert_eq!(after.len(), before.len() + 1);

    // Again: the next name and id agree too, and `check` finds no duplicate.
    new_named("2026-12-02-db-failover-4");
    let (_, findings) = check_json(root, &[]);
    let errors: Vec<_> = findings.iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_template_that_check_would_reject_for_a_future_time_an_unknown_learning_or_a_taken_id_writes_nothing(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&fixture("basic"), root);
    let before = tree(&root.join("content"));
    for (template, at, says) in [
        (
            "---\ntitle: {{ title | yaml }}\nstarted_at: 2999-01-01T00:00:00Z\n---\n\n## Summary\n",
            "templates/t.md:3:",
            "`started_at` 2999-01-01T00:00:00+00:00 is in the future",
        ),
        (
            "---\ntitle: {{ title | yaml }}\ndetected_at: {{ date }}T10:00:00Z\nstarted_at: {{ date }}T11:00:00Z\n---\n",
            "templates/t.md:3:",
            "`detected_at`",
        ),
        (
            "---\ntitle: {{ title | yaml }}\nlearnings:\n  - id: alert-on-symptom\n    text: Alert on what users see\n---\n",
            "templates/t.md:4:",
            "unknown canonical learning `alert-on-symptom`",
        ),
        (
            "---\nid: FX-001\ntitle: {{ title | yaml }}\n---\n",
            "templates/t.md:2:",
            "incident id `FX-001` is also used",
        ),
        (
            "---\ntitle: {{ title | yaml }}\n---\n\n## Learnings\n\n- Alert on what users see <!-- hindsight: learning alert-on-symptom -->\n",
            "templates/t.md:7:",
            "unknown canonical learning `alert-on-symptom`",
        ),
        (
            "---\ntitle: {{ title | yaml }}\nstatus: published\nseverity: SEV2\n---\n",
            "templates/t.md:",
            "`services` is required",
        ),
    ] {
        write_files(
            root,
            &[
                ("templates/t.md", template),
                (
                    "hindsight.toml",
                    "title = \"Fixture: basic\"\n[check]\nrequired = [\"services\"]\n",
                ),
            ],
        );
        let o = new(root, &["Queue stalled", "--template", "t", "--date", "2024-05-01"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{template}\n{err}");
        assert!(err.contains(at), "{template}\n{err}");
        assert!(err.contains(says), "{template}\n{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        assert_eq!(tree(&root.join("content")), before, "{template}");
    }
    // A rule the team keeps below error lets the file be written, and says it.
    write_files(
        root,
        &[
            (
                "templates/t.md",
                "---\ntitle: {{ title | yaml }}\nstarted_at: 2999-01-01T00:00:00Z\n---\n",
            ),
            (
                "hindsight.toml",
                "title = \"Fixture: basic\"\n[check.rules]\nfuture-date = \"warning\"\n",
            ),
        ],
    );
    let o = new(
        root,
        &["Queue stalled", "--template", "t", "--date", "2024-05-01"],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // At the line of the file that was written, whose path is printed.
    assert!(err.contains("is in the future"), "{err}");
    assert!(
        err.contains(&format!(
            "{}:",
            stdout(&o).rsplit_once("/content/").unwrap().1
        )),
        "{err}"
    );
    assert!(!err.contains("nothing was written"), "{err}");
}

#[test]
fn a_template_that_cites_what_the_knowledge_base_has_is_written_and_its_warnings_are_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&fixture("basic"), root);
    write_files(
        root,
        &[(
            "templates/t.md",
            "---\ntitle: {{ title | yaml }}\nstarted_at: {{ date }}T10:00:00Z\ndetected_at: {{ date }}T10:05:00Z\nrelated: [FX-001, FX-404]\nlearnings:\n  - id: alert-on-symptoms\n    text: Alert on what users see\n---\n\n## Summary\n",
        )],
    );
    let o = new(
        root,
        &["Queue stalled", "--template", "t", "--date", "2024-05-01"],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let path = stdout(&o);
    assert!(Path::new(&path).is_file(), "{path}");
    // The unknown related id is a warning of `check`: said, at the new file's line.
    assert!(
        err.contains("`related` names `FX-404`, which is no postmortem's id"),
        "{err}"
    );
    assert!(err.contains("2024-05-01-queue-stalled.md:"), "{err}");
    assert!(!err.contains("FX-001`, which"), "{err}");
    let (code, findings) = check_json(root, &[]);
    let errors: Vec<_> = findings.iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(code, Some(0));

    // The built-in templates, as they are, are never refused, even where fields are required.
    for template in ["default", "short"] {
        write_files(
            root,
            &[(
                "hindsight.toml",
                "title = \"Fixture: basic\"\n[check]\nrequired = [\"severity\", \"services\"]\n",
            )],
        );
        let o = new(root, &["Cache cold", "--template", template]);
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        assert!(!stderr(&o).contains('⚠'), "{template}: {}", stderr(&o));
    }
}
