//! `hindsight check`: the rules over the fixture with one file per rule, the demo content and
//! the dfds corpus, the output formats, URL permanence against a previous build's sitemap, and
//! the promise that check writes nothing.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

mod common;
use common::*;

/// A copy of the demo site (content, config, themes) in `to`.
fn copy_demo(to: &Path) {
    for part in ["content", "themes"] {
        if repo().join(part).is_dir() {
            copy_tree(&repo().join(part), &to.join(part));
        }
    }
    std::fs::copy(repo().join("hindsight.toml"), to.join("hindsight.toml")).unwrap();
}

fn with_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn the_fixture_with_one_file_per_rule_gives_exactly_the_expected_findings() {
    let root = fixture("check");
    let baseline = root.join("old-sitemap.xml");
    let (code, findings) = check_json(&root, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(code, Some(1), "errors were found");
    for f in &findings {
        let keys: BTreeSet<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["rule", "level", "file", "line", "column", "message", "hint"])
        );
        assert!(!f["hint"].as_str().unwrap().is_empty(), "{f} has a hint");
    }
    // Every rule that content can trigger is exercised by the fixture (`shallow-history`
    // needs a shallow clone, `symlink-outside` a link out of the repository,
    // `relative-feeds` is `build`'s alone: see tests/integration.rs, and `no-postmortems`
    // needs a content folder without one).
    let seen: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = hindsight::check::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| {
            ![
                "config",
                "io",
                "symlink-outside",
                "content-missing",
                "theme",
                "shallow-history",
                "relative-feeds",
                "no-postmortems",
            ]
            .contains(id)
        })
        .collect();
    assert_eq!(seen, expected);
    insta::assert_json_snapshot!("check_fixture_findings", findings);
}

#[test]
fn an_unknown_severity_is_reported_with_its_line_and_a_suggestion() {
    let (_, findings) = check_json(&fixture("check"), &[]);
    let f = with_rule(&findings, "unknown-severity");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["file"], "content/postmortems/unknown-severity.md");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(5), Some(11))
    );
    assert!(f[0]["hint"].as_str().unwrap().contains("`SEV2`"));
}

#[test]
fn the_demo_content_passes_with_no_error() {
    let (code, findings) = check_json(repo(), &[]);
    let errors: Vec<_> = findings.iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, Some(0));
}

#[test]
fn the_dfds_corpus_passes_with_no_error() {
    let (code, findings) = check_json(&fixture("dfds"), &[]);
    let errors: Vec<_> = findings.iter().filter(|f| f["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, Some(0));
    // Real postmortems without front matter: what was derived is said, owners are only noted.
    assert!(!with_rule(&findings, "derived").is_empty());
    assert!(with_rule(&findings, "action-owner")
        .iter()
        .all(|f| f["level"] == "info"));
}

#[test]
fn github_output_is_one_workflow_command_per_finding() {
    let root = fixture("check");
    let baseline = root.join("old-sitemap.xml");
    let b = baseline.to_str().unwrap();
    let (_, findings) = check_json(&root, &["--baseline", b]);
    let o = check(&root, &["--format", "github", "--baseline", b]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    let grammar = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=[a-z-]+::[^\r\n]+$",
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(&findings) {
        assert!(grammar.is_match(line), "not an annotation: {line}");
        let command = match f["level"].as_str().unwrap() {
            "error" => "::error ",
            "warning" => "::warning ",
            _ => "::notice ",
        };
        assert!(line.starts_with(command), "{line}");
        assert!(line.contains(&format!(
            "line={},col={},title={}::",
            f["line"],
            f["column"],
            f["rule"].as_str().unwrap()
        )));
        // The hint follows the message on an escaped new line.
        assert!(line.contains("%0Ahelp: "), "{line}");
    }
}

#[test]
fn findings_name_their_file_from_where_they_are_read_and_json_from_the_root_as_documented() {
    // A repository with its postmortems in a folder of their own, checked from its root.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write_files(
        &repo,
        &[
            ("postmortems/hindsight.toml", "content_dir = \".\"\n"),
            (
                "postmortems/x.md",
                "---\nid: PM2024-001\ntitle: Down\ndate: 2024-01-02\nseverity: P1\n---\n\nIt broke.\n",
            ),
        ],
    );
    let run = |dir: &Path, args: &[&str], workspace: Option<&Path>| {
        let mut c = bin();
        c.arg("check").args(args).current_dir(dir);
        c.env_remove("GITHUB_WORKSPACE");
        if let Some(w) = workspace {
            c.env("GITHUB_WORKSPACE", w);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let root = ["--root", "postmortems"];
    // A terminal opens `postmortems/x.md:5:11` from here.
    let human = run(&repo, &root, None);
    assert!(human.contains("postmortems/x.md:5:11"), "{human}");
    // GitHub annotates a path from the repository's root: the current folder, or the one it
    // checked out, wherever the step runs.
    let annotation = "::error file=postmortems/x.md,line=5,col=11,title=unknown-severity::";
    let annotated = |github: &str| github.lines().any(|l| l.starts_with(annotation));
    let github = run(&repo, &[&root[..], &["--format", "github"]].concat(), None);
    assert!(annotated(&github), "{github}");
    let inside = repo.join("postmortems");
    let github = run(&inside, &["--format", "github"], Some(&repo));
    assert!(annotated(&github), "{github}");
    // JSON names the file from the root, as docs/check.md says.
    let json: Value = serde_json::from_str(&run(
        &repo,
        &[&root[..], &["--format", "json"]].concat(),
        None,
    ))
    .unwrap();
    assert_eq!(json[0]["file"], "x.md", "{json:#}");
    // `build` shows its findings as `check` does.
    let o = bin()
        .args(["build", "--root", "postmortems", "--out"])
        .arg(tmp.path().join("public"))
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("postmortems/x.md:5:11"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn human_output_shows_file_line_column_and_the_hint() {
    let o = check(&fixture("check"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("content/postmortems/unknown-severity.md:5:11"),
        "{out}"
    );
    assert!(out.contains("did you mean `SEV2`?"), "{out}");
    assert!(stderr(&o).contains("check: 19 errors"), "{}", stderr(&o));
}

#[test]
fn quiet_leaves_out_notes_and_the_summary() {
    let o = check(&fixture("check"), &["--quiet", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|f| f["level"] != "info"));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("one.md"),
        "---\nid: one\ntitle: One\ndate: 2024-01-02\nlearnings: [Keep runbooks current]\n---\nThe operator forgot the flag.\n",
    )
    .unwrap();
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert_eq!(with_rule(&findings, "blameless")[0]["level"], "warning");
    let (code, findings) = check_json(tmp.path(), &["--deny", "warnings"]);
    assert_eq!(code, Some(1));
    assert_eq!(with_rule(&findings, "blameless")[0]["level"], "error");
}

#[test]
fn rule_levels_are_configurable_per_rule_and_off_silences_a_rule() {
    let site = Site::fixture("check");
    let toml = site.root.join("hindsight.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[check.rules]\nunknown-severity = \"warning\"\nblameless = \"off\"\nunknown-key = \"info\"\n"),
    )
    .unwrap();
    let (_, findings) = check_json(&site.root, &[]);
    assert!(with_rule(&findings, "blameless").is_empty());
    assert_eq!(
        with_rule(&findings, "unknown-severity")[0]["level"],
        "warning"
    );
    assert_eq!(with_rule(&findings, "unknown-key")[0]["level"], "info");
}

#[test]
fn an_unknown_rule_or_required_field_in_the_config_is_an_error_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(
        tmp.path().join("hindsight.toml"),
        "[check]\nrequired = [\"severty\"]\n\n[check.rules]\nblamless = \"off\"\nyaml-invalid = \"warning\"\n",
    )
    .unwrap();
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(1));
    let found: Vec<(u64, &str)> = findings
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(found.len(), 3, "{findings:#?}");
    assert!(findings
        .iter()
        .all(|f| f["rule"] == "config" && f["file"] == "hindsight.toml"));
    assert!(found
        .iter()
        .any(|(l, h)| *l == 2 && h.contains("`severity`")));
    assert!(found
        .iter()
        .any(|(l, h)| *l == 5 && h.contains("`blameless`")));
    assert!(found
        .iter()
        .any(|(l, h)| *l == 6 && h.contains("fix the input")));
}

#[test]
fn usage_and_io_failures_exit_with_2() {
    let o = check(&fixture("check"), &["--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = check(&fixture("no-such-site"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = check(
        &fixture("check"),
        &["--baseline", "https://example.org/sitemap.xml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("curl"), "{}", stderr(&o));
    let o = check(&fixture("check"), &["--baseline", "no-such-sitemap.xml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_empty_file_with_a_front_matter_is_not_labelled_as_having_none() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            (
                "content/2024-01-02-disk-full.md",
                "# Disk full\n\nIt filled.\n",
            ),
            ("content/2024-02-03-stub.md", "---\n---\n"),
        ],
    );
    let o = check(tmp.path(), &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("holds only a front matter that sets nothing"),
        "{out}"
    );
    assert!(!out.contains("no front matter"), "{out}");
}

#[test]
fn a_baseline_that_is_a_previous_builds_folder_names_the_sitemap_to_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    write_files(
        &public,
        &[("sitemap.xml", "<urlset><url><loc>/</loc></url></urlset>\n")],
    );
    let o = check(&fixture("check"), &["--baseline", public.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let sitemap = public.join("sitemap.xml");
    assert!(
        stderr(&o).contains(&format!("pass `--baseline {}`", sitemap.display())),
        "{}",
        stderr(&o)
    );
    // A folder without one is named as a folder, not as a file that cannot be read.
    std::fs::remove_file(&sitemap).unwrap();
    let o = check(&fixture("check"), &["--baseline", public.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a folder without a sitemap.xml"),
        "{}",
        stderr(&o)
    );
}

#[test]
#[cfg(unix)]
fn a_broken_symbolic_link_is_an_io_error_that_says_where_it_points_and_how_to_fix_it() {
    let site = Site::with(&[(
        "content/2024-01-02-disk-full.md",
        "# Disk full\n\nIt filled.\n",
    )]);
    std::os::unix::fs::symlink("../gone/2023-x.md", site.root.join("content/old.md")).unwrap();
    std::os::unix::fs::symlink("../gone", site.root.join("content/archive")).unwrap();
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let io = with_rule(&findings, "io");
    let files: Vec<&str> = io.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["content/archive", "content/old.md"], "{io:?}");
    for f in &io {
        assert_eq!(f["level"], "error");
        assert!(f["hint"].as_str().unwrap().contains("delete it"), "{f}");
    }
    let old = io[1]["message"].as_str().unwrap();
    assert_eq!(
        old,
        "`content/old.md` is a symbolic link to `../gone/2023-x.md`, which does not exist"
    );
}

/// Files and folders of a site made unreadable (mode 000) for a test, and readable again when
/// it ends, so that its temporary folder can be removed. Permissions do not stop root: when the
/// tests run as root (a container, a CI runner), `hindsight` is run as the unprivileged user
/// `nobody` (uid and gid 65534), to whom the rest of the site is made readable, so that the
/// test runs and asserts the same under any user and skips nothing.
#[cfg(unix)]
struct Unreadable {
    paths: Vec<std::path::PathBuf>,
    as_nobody: bool,
}

#[cfg(unix)]
impl Unreadable {
    fn new(root: &Path, paths: &[&str]) -> Unreadable {
        let modes: Vec<_> = paths.iter().map(|p| (*p, 0o000)).collect();
        Unreadable::with_modes(root, &modes)
    }

    /// [`Unreadable::new`] with a mode for each path (a folder that may be listed but not
    /// entered is `0o644`); the first must be `0o000`.
    fn with_modes(root: &Path, modes: &[(&str, u32)]) -> Unreadable {
        let paths: Vec<_> = modes.iter().map(|(p, _)| root.join(p)).collect();
        for (p, (_, mode)) in paths.iter().zip(modes) {
            chmod(p, *mode);
        }
        // Whoever reads a file of mode 000 is not stopped by permissions.
        assert_eq!(modes[0].1, 0o000);
        let first = &paths[0];
        let as_nobody = if first.is_dir() {
            std::fs::read_dir(first).is_ok()
        } else {
            std::fs::File::open(first).is_ok()
        };
        if as_nobody {
            // nobody reaches the site through its temporary folder, and builds beside it.
            chmod(root.parent().unwrap(), 0o777);
            let walk = walkdir::WalkDir::new(root)
                .into_iter()
                .filter_entry(|e| !paths.iter().any(|p| p == e.path()));
            for e in walk {
                let e = e.unwrap();
                chmod(e.path(), if e.file_type().is_dir() { 0o755 } else { 0o644 });
            }
        }
        Unreadable { paths, as_nobody }
    }

    /// `hindsight ARGS...`, run by a user who cannot read the files.
    fn run(&self, args: &[&std::ffi::OsStr]) -> std::process::Output {
        use std::os::unix::process::CommandExt;
        let mut cmd = bin();
        if self.as_nobody {
            cmd.uid(65534).gid(65534);
        }
        cmd.args(args).output().unwrap()
    }

    /// `check --format json` of `root`, parsed, with the exit code.
    fn check_json(&self, root: &Path) -> (Option<i32>, Vec<Value>) {
        let o = self.run(&[
            "check".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
        ]);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
        (o.status.code(), v.as_array().unwrap().clone())
    }

    /// `build --quiet` of `root` into `out`.
    fn build(&self, root: &Path, out: &Path) -> std::process::Output {
        self.run(&[
            "build".as_ref(),
            "--quiet".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
    }
}

#[cfg(unix)]
impl Drop for Unreadable {
    fn drop(&mut self) {
        for p in &self.paths {
            chmod(p, if p.is_dir() { 0o755 } else { 0o644 });
        }
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The `io` findings: file, line, column, message and hint.
fn io_findings(findings: &[Value]) -> Vec<(&str, u64, u64, &str, &str)> {
    located(findings, "io")
}

/// The findings of `rule`, each as its file, line, column, message and hint.
fn located<'a>(findings: &'a [Value], rule: &str) -> Vec<(&'a str, u64, u64, &'a str, &'a str)> {
    with_rule(findings, rule)
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
#[cfg(unix)]
fn every_file_and_folder_of_static_that_cannot_be_read_is_an_io_error_of_check_and_of_build() {
    let site = Site::with(&[
        (
            "content/2024-01-02-disk-full.md",
            "# Disk full\n\nIt filled.\n",
        ),
        ("static/CNAME", "pm.example.org\n"),
        ("static/secret.txt", "secret\n"),
        ("static/old/a.txt", "a\n"),
        ("static/half/a.txt", "a\n"),
        ("static/half/b/c.txt", "c\n"),
    ]);
    // A site built before, which the failed build must leave as it was.
    site.build_ok();
    let before = tree(&site.out);
    // `static/half` may be listed but not entered: what is in it cannot even be looked at.
    let locked = Unreadable::with_modes(
        &site.root,
        &[
            ("static/secret.txt", 0o000),
            ("static/old", 0o000),
            ("static/half", 0o644),
        ],
    );
    let denied = "Permission denied (os error 13)";
    let (code, findings) = locked.check_json(&site.root);
    assert_eq!(code, Some(1), "{findings:?}");
    assert_eq!(
        io_findings(&findings),
        [
            (
                "static/half",
                1,
                1,
                format!("cannot list the folder `static/half`: {denied}").as_str(),
                "make it readable by whoever runs Hindsight (`chmod a+rx static/half`), or, as every file under `static/` is published as it is, move it out of `static/`",
            ),
            (
                "static/old",
                1,
                1,
                format!("cannot list the folder `static/old`: {denied}").as_str(),
                "make it readable by whoever runs Hindsight (`chmod a+rx static/old`), or, as every file under `static/` is published as it is, move it out of `static/`",
            ),
            (
                "static/secret.txt",
                1,
                1,
                format!("cannot read the file `static/secret.txt`: {denied}").as_str(),
                "make it readable by whoever runs Hindsight (`chmod a+r static/secret.txt`), or, as every file under `static/` is published as it is, move it out of `static/`",
            ),
        ]
    );
    // `build` names every one of them too, not only the first, and writes nothing.
    let o = locked.build(&site.root, &site.out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for at in [
        format!("static/half:1:1: cannot list the folder `static/half`: {denied}"),
        format!("static/old:1:1: cannot list the folder `static/old`: {denied}"),
        format!("static/secret.txt:1:1: cannot read the file `static/secret.txt`: {denied}"),
        "build failed with 3 errors and".to_string(),
        "the previous site was left untouched".to_string(),
    ] {
        assert!(err.contains(&at), "{at} not in {err}");
    }
    assert_eq!(tree(&site.out), before);
}

#[test]
#[cfg(unix)]
fn every_postmortem_and_folder_of_content_that_cannot_be_read_is_named_once_with_the_chmod_that_fixes_it(
) {
    let site = Site::with(&[
        (
            "content/2024-01-02-disk-full.md",
            "# Disk full\n\nIt filled.\n",
        ),
        ("content/2024-01-03-secret.md", "# Secret\n\nHidden.\n"),
        ("content/old/2020-01-01-a.md", "# A\n\nA.\n"),
        ("content/half/2021-01-01-b.md", "# B\n\nB.\n"),
        ("content/half/2021-01-02-c.md", "# C\n\nC.\n"),
    ]);
    // `content/half` may be listed but not entered: its postmortems are found, but cannot even
    // be looked at, so the folder is named once, not each postmortem with a `chmod` that would
    // not help.
    let locked = Unreadable::with_modes(
        &site.root,
        &[
            ("content/2024-01-03-secret.md", 0o000),
            ("content/old", 0o000),
            ("content/half", 0o644),
        ],
    );
    let denied = "Permission denied (os error 13)";
    let (code, findings) = locked.check_json(&site.root);
    assert_eq!(code, Some(1), "{findings:?}");
    let folder_hint = |f: &str| {
        format!("make it readable by whoever runs Hindsight (`chmod a+rx content/{f}`), or, as every folder under the content folder is read, to find the postmortems in it, move it out of the content folder or leave it out with `ignore = [\"/{f}/\"]` in hindsight.toml")
    };
    assert_eq!(
        io_findings(&findings),
        [
            (
                "content/2024-01-03-secret.md",
                1,
                1,
                format!("cannot read the file `content/2024-01-03-secret.md`: {denied}").as_str(),
                "make it readable by whoever runs Hindsight (`chmod a+r content/2024-01-03-secret.md`), or, as every Markdown file under the content folder is read as a postmortem, a learning or a page, move it out of the content folder or leave it out with `ignore = [\"/2024-01-03-secret.md\"]` in hindsight.toml",
            ),
            (
                "content/half",
                1,
                1,
                format!("cannot list the folder `content/half`: {denied}").as_str(),
                folder_hint("half").as_str(),
            ),
            (
                "content/old",
                1,
                1,
                format!("cannot list the folder `content/old`: {denied}").as_str(),
                folder_hint("old").as_str(),
            ),
        ]
    );
}

#[test]
#[cfg(unix)]
fn an_attachment_that_cannot_be_read_is_an_io_error_at_each_link_to_it_naming_the_file() {
    let site = Site::with(&[
        (
            "content/pm/2024-01-02-disk-full.md",
            "# Disk full\n\nIt filled.\n\n![usage](disk.png)\n",
        ),
        (
            "content/pm/2024-02-03-disk-again.md",
            "---\ndate: 2024-02-03\n---\n# Disk again\n\nSee [the graph](disk.png) and <img src=\"disk.png\" alt=\"usage\">.\n",
        ),
        ("content/pm/disk.png", "not really a PNG"),
    ]);
    let locked = Unreadable::new(&site.root, &["content/pm/disk.png"]);
    let message = "cannot read `content/pm/disk.png`, which is linked or shown here, to copy it into the site: Permission denied (os error 13)";
    let hint = "make it readable by whoever runs Hindsight (`chmod a+r content/pm/disk.png`), or remove it and the link to it";
    let (code, findings) = locked.check_json(&site.root);
    assert_eq!(code, Some(1), "{findings:?}");
    // At each link, image and embed of each postmortem: none at the file itself.
    assert_eq!(
        io_findings(&findings),
        [
            ("content/pm/2024-01-02-disk-full.md", 5, 1, message, hint),
            ("content/pm/2024-02-03-disk-again.md", 6, 5, message, hint),
            ("content/pm/2024-02-03-disk-again.md", 6, 41, message, hint),
        ]
    );
    // `build` reports them where `check` does, and writes nothing.
    let o = locked.build(&site.root, &site.out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for at in [
        "content/pm/2024-01-02-disk-full.md:5:1]",
        "content/pm/2024-02-03-disk-again.md:6:5]",
        "content/pm/2024-02-03-disk-again.md:6:41]",
        "build failed with 3 errors",
    ] {
        assert!(err.contains(at), "{at} not in {err}");
    }
    assert_eq!(err.matches(message).count(), 3, "{err}");
    // Nor a half-written site: no output folder, no staging folder left beside it.
    assert!(!site.out.exists());
    let beside: Vec<_> = std::fs::read_dir(site.root.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["site"]);
}

#[test]
#[cfg(unix)]
fn a_file_reached_again_through_a_symbolic_link_is_one_duplicate_id_error_naming_both_paths() {
    // No front matter: the two paths would derive two different ids, two incidents from one
    // file, and no id would collide to say so.
    let site = Site::with(&[(
        "content/2024-01-02-disk-full.md",
        "# Disk full\n\nIt filled.\n",
    )]);
    std::os::unix::fs::symlink(
        "2024-01-02-disk-full.md",
        site.root.join("content/latest.md"),
    )
    .unwrap();
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let dup = with_rule(&findings, "duplicate-id");
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(dup[0]["file"], "content/latest.md");
    let message = dup[0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "`content/latest.md` is a symbolic link to `2024-01-02-disk-full.md`, the same file as \
         `content/2024-01-02-disk-full.md`: read twice, it would become two postmortems from one file"
    );
    // The file itself is read once, under its own path.
    let derived: Vec<&str> = with_rule(&findings, "derived")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(derived, ["content/2024-01-02-disk-full.md"]);
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("check");
    let before = tree(&site.root);
    let baseline = site.root.join("old-sitemap.xml");
    for format in ["human", "json", "github"] {
        let o = check(
            &site.root,
            &["--format", format, "--baseline", baseline.to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(1));
    }
    assert_eq!(tree(&site.root), before);
    assert!(!site.root.join("public").exists());
}

#[test]
fn renaming_a_postmortem_keeps_its_urls_and_deleting_one_reports_exactly_its_urls() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_demo(&root);
    let out = tmp.path().join("previous");
    build_ok(&root, &out);
    let sitemap = out.join("sitemap.xml");
    let baseline = ["--baseline", sitemap.to_str().unwrap()];
    let (code, findings) = check_json(&root, &baseline);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(with_rule(&findings, "dropped-url").is_empty());

    // Renamed: the id in the front matter keeps the URL.
    let posts = root.join("content/postmortems");
    std::fs::rename(
        posts.join("2022-04-19-search-empty-results-after-reindex.md"),
        posts.join("2022-04-19-search-returned-nothing.md"),
    )
    .unwrap();
    let (code, findings) = check_json(&root, &baseline);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(with_rule(&findings, "dropped-url").is_empty());

    // Deleted: its page and the pages only it produced are reported.
    let gone = "PM2023-005";
    std::fs::remove_file(posts.join("2023-07-21-inventory-sync-lag-oversold-items.md")).unwrap();
    let (code, findings) = check_json(&root, &baseline);
    assert_eq!(code, Some(1));
    let dropped: BTreeSet<String> = with_rule(&findings, "dropped-url")
        .iter()
        .map(|f| {
            let m = f["message"].as_str().unwrap();
            m.split('`').nth(1).unwrap().to_string()
        })
        .collect();
    let exported: Value =
        serde_json::from_slice(&std::fs::read(out.join("api/incidents.json")).unwrap()).unwrap();
    let exported = exported.as_array().unwrap();
    let me = exported.iter().find(|i| i["id"] == gone).unwrap();
    let mut must = BTreeSet::from([format!("/incidents/{gone}/")]);
    for (key, dir) in [("tags", "tags"), ("services", "services")] {
        for term in me[key].as_array().unwrap() {
            let shared = exported
                .iter()
                .filter(|i| i["id"] != gone)
                .any(|i| i[key].as_array().unwrap().contains(term));
            if !shared {
                let slug = hindsight::markdown::slugify(term.as_str().unwrap());
                must.insert(format!("/{dir}/{slug}/"));
            }
        }
    }
    // Learning pages exist only while a learning is cited; those that only it cited may go too.
    let learnings: Value =
        serde_json::from_slice(&std::fs::read(out.join("api/learnings.json")).unwrap()).unwrap();
    let may: BTreeSet<String> = learnings
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["canonical"] == false
                && l["incidents"]
                    .as_array()
                    .unwrap()
                    .contains(&Value::from(gone))
        })
        .map(|l| format!("/learnings/{}/", l["id"].as_str().unwrap()))
        .collect();
    assert!(must.is_subset(&dropped), "{must:?} not in {dropped:?}");
    assert!(
        dropped.iter().all(|u| must.contains(u) || may.contains(u)),
        "{dropped:?} reports more than {must:?} and {may:?}"
    );
    for f in with_rule(&findings, "dropped-url") {
        assert!(f["line"].as_u64().unwrap() > 1);
        assert!(!f["hint"].as_str().unwrap().is_empty());
    }
}

#[test]
fn a_cluster_page_renamed_by_an_added_postmortem_is_a_warning_that_says_where_its_lesson_went() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("quayside"), &root);
    // A 2021 postmortem added late: older than the learnings that named the clusters it joins.
    let added = "QS-2021-005 - Shipping labels delayed at Tilburg.md";
    let aside = tmp.path().join(added);
    std::fs::rename(root.join(added), &aside).unwrap();
    let before = tmp.path().join("before");
    build_ok(&root, &before);
    std::fs::rename(&aside, root.join(added)).unwrap();
    let after = tmp.path().join("after");
    build_ok(&root, &after);

    let sitemap = before.join("sitemap.xml");
    let (code, findings) = check_json(&root, &["--baseline", sitemap.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(
        with_rule(&findings, "dropped-url").is_empty(),
        "{findings:#?}"
    );
    let renamed = with_rule(&findings, "dropped-cluster");
    assert!(!renamed.is_empty(), "adding it renames a cluster");
    let mut moved = 0;
    for f in renamed {
        assert_eq!(f["level"], "warning");
        assert!(f["line"].as_u64().unwrap() > 1);
        let message = f["message"].as_str().unwrap();
        let old = message.split('`').nth(1).unwrap();
        assert!(
            !after.join(old.trim_start_matches('/')).exists(),
            "{old} is gone"
        );
        assert!(
            message.contains(".md:"),
            "names the learning's file and line: {message}"
        );
        // Where the lesson went is a page of the new build.
        if let Some(now) = message.split("now in `").nth(1) {
            let now = now.split('`').next().unwrap();
            assert!(
                after
                    .join(now.trim_start_matches('/'))
                    .join("index.html")
                    .is_file(),
                "{now}"
            );
            moved += 1;
        }
        assert!(f["hint"].as_str().unwrap().contains("canonical learning"));
    }
    assert!(moved > 0, "some renamed clusters live on under another id");
}

/// A copy of the `basic` fixture whose FX-001 postmortem has `aliases: <list>`.
fn basic_with_aliases(list: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("basic"), &root);
    let post = root.join("content/postmortems/2021-05-04-disk-full.md");
    let text = std::fs::read_to_string(&post).unwrap();
    let with = format!("id: FX-001\naliases: {list}\n");
    std::fs::write(&post, text.replacen("id: FX-001\n", &with, 1)).unwrap();
    (tmp, root)
}

#[test]
fn an_alias_keeps_an_old_url_alive_with_a_redirect_page_and_a_netlify_rule() {
    let (tmp, root) = basic_with_aliases(r#"[FX-1, "/old/disk-full/"]"#);
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    let page = std::fs::read_to_string(out.join("incidents/FX-1/index.html")).unwrap();
    // Relative, as every page's links are; canonical, for search engines, under the base URL.
    let target = "../../incidents/FX-001/";
    let canonical = "https://kb.example.org/pm/incidents/FX-001/";
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&format!(
        "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
    )));
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{canonical}\">")));
    assert!(page.contains(&format!("<a href=\"{target}\">")));
    assert!(out.join("old/disk-full/index.html").is_file());
    let rules = std::fs::read_to_string(out.join("_redirects")).unwrap();
    assert_eq!(
        rules,
        "/pm/incidents/FX-1/ /pm/incidents/FX-001/ 301\n/pm/old/disk-full/ /pm/incidents/FX-001/ 301\n"
    );
    // Redirects are no pages: the sitemap does not list them.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("FX-1/"));
}

#[test]
fn an_alias_that_would_replace_a_page_fails_the_build() {
    let (tmp, root) = basic_with_aliases(r#"["/stats/"]"#);
    let o = bin()
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(tmp.path().join("public"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad-alias"), "{}", stderr(&o));
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(with_rule(&findings, "bad-alias").len(), 1);
}

#[test]
fn every_rule_is_documented_in_the_reference() {
    let doc = std::fs::read_to_string(repo().join("docs/check.md")).unwrap();
    for r in hindsight::check::RULES {
        assert!(
            doc.contains(&format!("### `{}`", r.id)),
            "docs/check.md has no section for `{}`",
            r.id
        );
    }
}

#[test]
fn an_unusable_vocabulary_line_is_a_warning_at_its_line_and_a_missing_vocabulary_file_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/postmortems/2024-01-10-paycore-outage.md",
                "# Paycore stopped settling\n\n## Learnings\n\n- Paycore deploys need a canary.\n",
            ),
            (
                "hindsight.toml",
                "[learnings]\nconcepts = \"vocabulary.txt\"\n",
            ),
            (
                "vocabulary.txt",
                "# Our services\npayments core\npayments: paycore ledgerd\n  stops: the not\n",
            ),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "{findings:?}");
    let at: Vec<(&str, u64, u64)> = with_rule(&findings, "vocabulary")
        .iter()
        .map(|f| {
            assert_eq!(f["level"], "warning");
            assert!(!f["hint"].as_str().unwrap().is_empty());
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(at, [("vocabulary.txt", 2, 1), ("vocabulary.txt", 4, 10)]);

    std::fs::remove_file(root.join("vocabulary.txt")).unwrap();
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(1));
    let config = with_rule(&findings, "config");
    assert_eq!(config.len(), 1, "{findings:?}");
    assert!(config[0]["message"]
        .as_str()
        .unwrap()
        .contains("vocabulary.txt"));
}

#[test]
fn human_output_counts_columns_in_characters_in_the_heading() {
    let site = Site::with(
        &[
            (
                "content/learnings/restore.md",
                "---\ntitle: Restores are tested\n---\nText.\n",
            ),
            (
                "content/2024-01-01-outage.md",
                "# Ünïcödé outage\n\n## Lessons learned\n\n- Ünïcödé réstores fäiled <!-- hindsight: learning restor -->\n",
            ),
        ],
    );
    let o = check(&site.root, &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    // `<` is the 27th character of its line (and its 33rd byte).
    let at = "content/2024-01-01-outage.md:5:27";
    // (Named in full: the site is outside the current folder.)
    assert!(out.contains(&format!("/{at}]")), "{out}");
    // The caret's label says what is wrong; the heading already says where.
    assert!(out.contains("╰── "), "{out}");
    assert!(!out.contains(&format!("╰── {at}")), "{out}");
}

#[test]
fn ids_that_differ_only_in_case_collide_and_each_file_is_told_its_own_spelling() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: DUP-1\ntitle: A\ndate: 2024-01-01\n---\n\nText.\n",
        ),
        (
            "content/b.md",
            "---\nid: dup-1\ntitle: B\ndate: 2024-01-02\n---\n\nText.\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let messages: Vec<(&str, &str)> = with_rule(&findings, "duplicate-id")
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "content/a.md",
                "incident id `DUP-1` is also used by content/b.md (as `dup-1`)"
            ),
            (
                "content/b.md",
                "incident id `dup-1` is also used by content/a.md (as `DUP-1`)"
            ),
        ]
    );
}

/// The message of the `derived` note of a site of one postmortem, `file` holding `text`.
fn derived_message(file: &str, text: &str) -> String {
    let site = Site::with(&[(file, text)]);
    let (_, findings) = check_json(&site.root, &[]);
    with_rule(&findings, "derived")[0]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_title_taken_from_the_file_name_is_said_to_come_from_the_file_name() {
    let message = derived_message("content/disk-full-on-db.md", "The disk filled up.\n");
    assert!(
        message.contains("title “Disk full on db” from the file name (the text has no heading)"),
        "{message}"
    );
}

#[test]
fn a_title_taken_from_the_file_name_of_a_text_with_only_lower_headings_says_it_wants_a_level_1_one()
{
    // A GitLab issue pasted with its title as a level-2 heading.
    let message = derived_message(
        "content/gitlab-77.md",
        "## [INC-77] Payment webhook failures\n\nOn 2024-03-01 webhooks failed.\n",
    );
    assert!(
        message.contains("from the file name (the text has no level-1 (`# Title`) heading)"),
        "{message}"
    );
}

#[test]
fn learnings_and_action_items_under_titled_subsections_are_said_to_come_from_those() {
    let message = derived_message(
        "content/queue.md",
        "# Queue outage\n\nOn 2024-02-01 the queue stalled.\n\n## Review\n\nWe met on Friday.\n\n\
         ### Lessons learned\n\n- Queues need depth alerts.\n\n### Action items\n\n- Add a depth alert (@kim)\n\n\
         ## Lessons learned\n\n### General\n\n- Dashboards need owners.\n",
    );
    assert!(
        message.contains(
            "2 learnings from “Lessons learned” (line 9) and “Lessons learned” (line 17); 1 action item from “Action items” (line 13)"
        ),
        "{message}"
    );
}

#[test]
fn problems_in_keys_nested_in_front_matter_items_are_reported_at_those_keys_not_at_the_item() {
    let site = Site::with(&[(
        "content/nested.md",
        "---
title: Nested problems
date: 2024-03-01
learnings:
  - text: Alerts need owners
    id: alert-on-symptom
action_items:
  - text: Add an alert
    ownr: sre
    status: doen
    due: 2021-13-01
  - text: Write the runbook
    owner:
---
# Nested problems

## Summary

It broke.
",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let at = |rule: &str| -> Vec<(u64, u64)> {
        with_rule(&findings, rule)
            .iter()
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("unknown-learning"), [(6, 9)], "{findings:#?}");
    assert_eq!(at("unknown-key"), [(9, 5)], "{findings:#?}");
    assert_eq!(at("unknown-status"), [(10, 13)], "{findings:#?}");
    assert_eq!(at("bad-date"), [(11, 10)], "{findings:#?}");
    // A mistyped owner key is its own finding, not "no owner"; an empty owner is, at its key.
    assert_eq!(at("action-owner"), [(13, 5)], "{findings:#?}");
}

/// `check` of a copy of the basic fixture with `files` (path under the theme's templates,
/// text) added to its theme: the exit code and the findings of rule `theme`.
fn theme_findings(files: &[(&str, &str)]) -> (Option<i32>, Vec<Value>) {
    let tmp = tempfile::tempdir().unwrap();
    theme_findings_in(&basic_with_theme(tmp.path(), files))
}

/// A copy of the basic fixture in `tmp` with `files` added to its theme, as for
/// [`theme_findings`].
fn basic_with_theme(tmp: &Path, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = tmp.join("site");
    copy_tree(&fixture("basic"), &root);
    let files: Vec<(String, &str)> = files
        .iter()
        .map(|(name, text)| (format!("themes/default/templates/{name}"), *text))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write_files(&root, &files);
    root
}

/// The exit code of `check` of `root` and its findings of rule `theme`.
fn theme_findings_in(root: &Path) -> (Option<i32>, Vec<Value>) {
    let (code, findings) = check_json(root, &[]);
    let theme = findings
        .into_iter()
        .filter(|f| f["rule"] == "theme")
        .collect();
    (code, theme)
}

#[test]
fn a_theme_template_with_a_syntax_error_fails_check_at_its_file_line_and_column() {
    let (code, f) = theme_findings(
        &[(
            "incident.html",
            "{% extends \"default/incident.html\" %}\n{% block description %}\n  {% if incident.id %}{{ incident.id }\n{% endblock description %}\n",
        )],
    );
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["file"], "themes/default/templates/incident.html");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(3), Some(38)),
        "{f:#?}"
    );
    let message = f[0]["message"].as_str().unwrap();
    assert!(message.contains("a variable end (`}}`)"), "{message}");
    assert!(!f[0]["hint"].as_str().unwrap().is_empty());
}

#[test]
fn every_theme_template_that_does_not_parse_is_reported() {
    let (code, f) = theme_findings(&[
        ("base.html", "{% if page_title %}\n"),
        ("learning.html", "{{ learning.title }\n"),
    ]);
    assert_eq!(code, Some(1), "{f:#?}");
    let files: Vec<&str> = f.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "themes/default/templates/base.html",
            "themes/default/templates/learning.html"
        ]
    );
}

#[test]
fn a_theme_with_several_broken_templates_has_each_reported_once_at_its_file_in_one_check() {
    // See tests/fixtures/broken-theme/README.md: templates that do not parse hide neither the
    // render faults of the others nor a missing parent, and those that extend, include or
    // import a broken one are not reported for it.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("basic"), &root);
    copy_tree(&fixture("broken-theme/themes"), &root.join("themes"));
    let (code, f) = theme_findings_in(&root);
    assert_eq!(code, Some(1), "{f:#?}");
    let at: Vec<(&str, u64, u64)> = f
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let file = file.strip_prefix("themes/default/templates/").unwrap();
            (
                file,
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("404.html", 2, 38),
            ("base.html", 2, 42),
            ("incident.html", 3, 4),
            ("mine.html", 1, 37),
            ("partials/note.html", 1, 19),
            ("search.html", 2, 38),
            ("stats.html", 3, 7),
            ("term.html", 1, 12),
        ],
        "{f:#?}"
    );
    let message = |file: &str| {
        f.iter()
            .find(|f| f["file"] == format!("themes/default/templates/{file}"))
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(message("404.html").contains("not a valid Tera template"));
    assert!(message("stats.html").contains("`statz.total` is not defined"));
    assert!(message("search.html").contains("no filter `shout`"));
    assert!(message("incident.html").contains("`incident.titel` is not defined"));
    assert!(message("term.html").contains("`defualt/term.html`"));
}

#[test]
fn a_fault_in_any_template_of_a_long_sites_action_items_pages_fails_check_at_that_template() {
    // The summary, the owners of one status and one owner's list: only sites with more
    // action items than `paginate_by` render them, so `check` must render them on purpose.
    for name in [
        "action_summary.html",
        "action_status.html",
        "action_list.html",
    ] {
        let text = format!(
            "{{% extends \"default/{name}\" %}}\n{{% block content %}}\n  {{{{ ownerz.name }}}}\n{{% endblock content %}}\n"
        );
        let (code, f) = theme_findings(&[(name, &text)]);
        assert_eq!(code, Some(1), "{name}: {f:#?}");
        assert_eq!(f.len(), 1, "{name}: {f:#?}");
        assert_eq!(f[0]["file"], format!("themes/default/templates/{name}"));
        assert!(
            f[0]["message"].as_str().unwrap().contains("`ownerz.name`"),
            "{name}: {f:#?}"
        );
    }
}

#[test]
fn a_theme_template_using_an_undefined_variable_fails_check_naming_the_file() {
    let (code, f) = theme_findings(
        &[(
            "incident.html",
            "{% extends \"default/incident.html\" %}\n{% block description %}\n  {{ incident.titel }}\n{% endblock description %}\n",
        )],
    );
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["file"], "themes/default/templates/incident.html");
    // Tera gives no position for render errors; the variable's only use is it.
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(3), Some(6))
    );
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("`incident.titel`"),
        "{f:#?}"
    );
    assert!(
        f[0]["hint"]
            .as_str()
            .unwrap()
            .contains("did you mean `incident.title`?"),
        "{f:#?}"
    );
}

#[test]
fn a_fault_in_the_template_every_page_extends_is_reported_once_at_that_template() {
    let (code, f) = theme_findings(
        &[(
            "base.html",
            "{% extends \"default/base.html\" %}\n{% block head %}<meta name=\"x\" content=\"{{ site.title | shout }}\">{% endblock head %}\n",
        )],
    );
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["file"], "themes/default/templates/base.html");
    assert_eq!(f[0]["line"].as_u64(), Some(2));
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("no filter `shout`"),
        "{f:#?}"
    );
}

#[test]
fn a_template_that_fails_only_on_an_incident_without_a_severity_fails_check() {
    // The fixture's richest incident has a severity; check also renders its sparsest one.
    let (code, f) = theme_findings(
        &[(
            "incident.html",
            "{% extends \"default/incident.html\" %}\n{% block description %}{{ incident.severity | upper }}{% endblock description %}\n",
        )],
    );
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["file"], "themes/default/templates/incident.html");
}

#[test]
fn a_missing_image_in_raw_html_is_reported_at_its_url_like_a_markdown_one() {
    let site = Site::with(
        &[
            (
                "content/sized.md",
                "---\nid: HTML-1\ntitle: Sized images\ndate: 2024-01-05\nlearnings: [Size images]\n---\n\
                 Inline <img src=\"gone.png\" width=\"400\"> and <img src=\"here.png\">.\n\n\
                 <p align=\"center\">\n  <img width=600\n       SRC='nope/chart.png'>\n</p>\n\n\
                 <picture><source srcset=\"here.png 1x, big.png 2x\"></picture>\n\n\
                 - <a href=\"missing.pdf\">the runbook</a>, <a href=\"https://example.org/\">ok</a>\n",
            ),
            ("content/here.png", "png"),
        ],
    );
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let at = |rule: &str| -> Vec<(u64, u64, String)> {
        with_rule(&findings, rule)
            .iter()
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        at("missing-image"),
        vec![
            (7, 18, "image `gone.png` does not exist".to_string()),
            (11, 13, "image `nope/chart.png` does not exist".to_string()),
            (14, 39, "image `big.png` does not exist".to_string()),
        ]
    );
    let broken = at("broken-link");
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!((broken[0].0, broken[0].1), (16, 12));
    assert!(broken[0].2.contains("`missing.pdf`"), "{broken:?}");
}

#[test]
fn an_empty_file_is_a_warning_naming_it_and_not_a_postmortem() {
    let site = Site::with(&[
        ("content/2024-01-07-empty.md", ""),
        ("content/2024-01-08-blank.md", "\u{feff} \n\n"),
        ("content/2024-01-09-bare.md", "---\n---\n"),
        (
            "content/2024-01-10-stub.md",
            "---\nid: STUB-1\ntitle: Stub\n---\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let empty: Vec<(&str, u64, u64, &str)> = with_rule(&findings, "empty-file")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        empty,
        vec![
            ("content/2024-01-07-empty.md", 1, 1, "warning"),
            ("content/2024-01-08-blank.md", 1, 1, "warning"),
            ("content/2024-01-09-bare.md", 1, 1, "warning"),
        ]
    );
    let f = with_rule(&findings, "empty-file")[0];
    assert!(f["message"].as_str().unwrap().contains("not built"), "{f}");
    assert!(f["hint"].as_str().unwrap().contains("delete it"), "{f}");
    // Nothing else is said of them: they are not postmortems.
    assert!(findings
        .iter()
        .filter(|f| f["file"] != "content/2024-01-10-stub.md")
        .all(|f| f["rule"] == "empty-file"));
    // The stub is one: it is told that it has no learnings yet.
    assert!(with_rule(&findings, "learnings-missing")
        .iter()
        .any(|f| f["file"] == "content/2024-01-10-stub.md"));
}

#[test]
fn link_image_and_anchor_findings_count_columns_in_characters_like_every_other_rule() {
    let site = Site::with(&[(
        "content/columns.md",
        "# Columns\n\nÉé [x](nope.md) ÉÉ ![i](missing.png) [a](#nowhere) human error\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let at = |rule: &str| {
        let f = with_rule(&findings, rule);
        assert_eq!(f.len(), 1, "{rule}: {findings:#?}");
        (
            f[0]["line"].as_u64().unwrap(),
            f[0]["column"].as_u64().unwrap(),
        )
    };
    // `É` and `é` are two bytes each: byte columns would be 6, 24 and 42.
    assert_eq!(at("broken-link"), (3, 4));
    assert_eq!(at("missing-image"), (3, 20));
    assert_eq!(at("broken-anchor"), (3, 38));
    assert_eq!(at("blameless"), (3, 52));
}

#[test]
fn a_link_to_a_file_that_exists_but_is_not_published_says_why_and_how_to_link_it() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "ignore = [\"drafts/**\"]\nrepository_url = \"https://github.com/org/pm/blob/main/\"\n",
        ),
        ("README.md", "# Our postmortems\n"),
        ("content/README.md", "# About these postmortems\n"),
        ("content/templates/postmortem.md", "# Title\n"),
        ("content/drafts/next.md", "# Next\n"),
        (
            "content/2024-01-02-disk-full.md",
            "# Disk full\n\n[a](../README.md) [b](drafts/next.md) [c](templates/postmortem.md) \
                 [d](README.md) [e](nope.md)\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let links: Vec<(&str, &str)> = with_rule(&findings, "broken-link")
        .iter()
        .map(|f| (f["message"].as_str().unwrap(), f["hint"].as_str().unwrap()))
        .collect();
    let repo = "link to its page in the repository, https://github.com/org/pm/blob/main";
    assert_eq!(
        links,
        [
            (
                "link to `../README.md` leads to a file that is not published: it is outside the \
                 content folder `content/`, and only the content folder is published",
                format!("{repo}/README.md; or move it under `content/` to publish it").as_str()
            ),
            (
                "link to `drafts/next.md` leads to a file that is not published: it matches \
                 `drafts/**` in `ignore` of hindsight.toml",
                &format!(
                    "{repo}/content/drafts/next.md; or change the `ignore` pattern to publish it"
                )
            ),
            (
                "link to `templates/postmortem.md` leads to a file that is not published: it is \
                 in `templates/`, a folder that is never read as content",
                &format!(
                    "{repo}/content/templates/postmortem.md; or move it out of `templates/` to \
                     publish it"
                )
            ),
            (
                "link to `README.md` leads to a file that is not published: `README.md` is a \
                 repository file (like README, CONTRIBUTING or LICENSE), never a postmortem",
                &format!("{repo}/content/README.md; or rename it, if it is a postmortem")
            ),
            (
                "link to `nope.md` leads nowhere: no postmortem, learning or file has that path",
                "link to a postmortem by its file path (relative to this file) or its id, to a \
                 file in the content folder, to a file of `static/` where it is published \
                 (`/files/runbook.pdf` for `static/files/runbook.pdf`), or use an absolute \
                 http(s) URL"
            ),
        ]
    );
}

#[test]
fn a_control_character_is_a_warning_at_its_place_and_findings_after_it_keep_their_columns() {
    let site = Site::with(&[(
        "content/colours.md",
        "# Colours\n\nThe log said \x1b[31mERROR\x1b[0m, see [x](nope.md).\n\nA bell\x07.\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "the broken link is an error");
    let control = with_rule(&findings, "control-character");
    assert_eq!(control.len(), 1, "one finding per file: {findings:#?}");
    let f = control[0];
    assert_eq!(
        (&f["level"], &f["line"], &f["column"]),
        (&"warning".into(), &3.into(), &14.into())
    );
    assert_eq!(
        f["message"],
        "an ANSI escape sequence (`ESC[31m`, a terminal colour code), which no web page, feed or \
         sitemap may hold; it and 2 more like it are left out of the site"
    );
    assert!(f["hint"].as_str().unwrap().starts_with("delete it"), "{f}");
    // 13 characters, `ESC[31m`, `ERROR`, `ESC[0m` and `, see `: the link is at column 34 of
    // the file, though column 25 of the text without the escape sequences.
    let link = with_rule(&findings, "broken-link");
    assert_eq!(
        (&link[0]["line"], &link[0]["column"]),
        (&3.into(), &34.into())
    );
}

#[test]
fn a_missing_recording_or_embedded_file_in_raw_html_is_reported_as_what_it_is() {
    let site = Site::with(
        &[
            (
                "content/recorded.md",
                "---\nid: MEDIA-1\ntitle: Recorded\ndate: 2024-01-05\nlearnings: [Record it]\n---\n\
                 <video src=\"gone.mp4\" poster=\"gone.png\"></video>\n\n\
                 <video controls>\n  <source src=\"gone.webm\">\n  <track src=\"gone.vtt\">\n</video>\n\n\
                 <audio controls><source src=\"gone.ogg\"></audio> <audio src=\"here.ogg\"></audio>\n\n\
                 <iframe src=\"gone.html\"></iframe> <object data=\"gone.svg\"></object>\n\n\
                 <video src=\"https://example.org/remote.mp4\"></video>\n",
            ),
            ("content/here.ogg", "ogg"),
        ],
    );
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let missing: Vec<(u64, u64, &str)> = with_rule(&findings, "missing-image")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        vec![
            (7, 13, "video `gone.mp4` does not exist"),
            (7, 31, "image `gone.png` does not exist"),
            (10, 16, "media file `gone.webm` does not exist"),
            (11, 15, "text track `gone.vtt` does not exist"),
            (14, 30, "media file `gone.ogg` does not exist"),
            (16, 14, "embedded page `gone.html` does not exist"),
            (16, 49, "embedded file `gone.svg` does not exist"),
        ]
    );
    let f = with_rule(&findings, "missing-image")[0];
    assert!(
        f["hint"].as_str().unwrap().starts_with("put the video in"),
        "{f}"
    );
}

#[test]
fn a_control_character_written_as_a_yaml_escape_is_a_warning_at_its_key() {
    let site = Site::with(&[(
        "content/escapes.md",
        "---\ntitle: \"Outage \\e[31mred\\e[0m\"\ndate: 2024-03-02\n\
             summary: \"bell\\x07 rang\"\ntags: [db]\n---\n# Outage\n\n## Summary\n\nText.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let control: Vec<(u64, u64, &str)> = with_rule(&findings, "control-character")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        control,
        [
            (
                2,
                1,
                "`title` holds an ANSI escape sequence (`ESC[31m`, a terminal colour code), \
                 written as a YAML escape, which no web page, feed or sitemap may hold; it is \
                 left out of the site"
            ),
            (
                4,
                1,
                "`summary` holds the control character U+0007 (BEL), written as a YAML escape, \
                 which no web page, feed or sitemap may hold; it is left out of the site"
            ),
        ]
    );
    assert_eq!(
        with_rule(&findings, "control-character")[0]["level"],
        "warning"
    );
}

#[test]
fn an_output_dir_that_build_refuses_is_a_config_error_at_its_line() {
    for output_dir in ["content", "."] {
        let tmp = tempfile::tempdir().unwrap();
        write_files(
            tmp.path(),
            &[
                (
                    "hindsight.toml",
                    &format!("title = \"KB\"\noutput_dir = \"{output_dir}\"\n"),
                ),
                ("content/a.md", "# Disk full\n\nThe disk filled up.\n"),
            ],
        );
        let build = bin()
            .args(["build", "--quiet", "--root"])
            .arg(tmp.path())
            .output()
            .unwrap();
        // As `check` reports it: bad input, at the value, with a hint.
        assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
        assert!(
            stderr(&build).contains("hindsight.toml:2:14"),
            "{}",
            stderr(&build)
        );
        assert!(
            stderr(&build).contains("give it a folder of its own"),
            "{}",
            stderr(&build)
        );
        let (code, findings) = check_json(tmp.path(), &[]);
        assert_eq!(code, Some(1), "{output_dir}: {findings:#?}");
        let config = with_rule(&findings, "config");
        assert_eq!(config.len(), 1, "{findings:#?}");
        let f = config[0];
        assert_eq!(
            (&f["level"], &f["file"], &f["line"], &f["column"]),
            (
                &"error".into(),
                &"hindsight.toml".into(),
                &2.into(),
                &14.into()
            )
        );
        let message = f["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("`build` refuses `output_dir = \"{output_dir}\"`")),
            "{message}"
        );
    }
}

#[test]
fn wrong_values_in_hindsight_toml_are_config_errors_at_their_value_that_build_reports_too() {
    // (hindsight.toml after `title = "KB"`, message, a word of the hint, the column of the
    // value, or of the item of a list, on line 2)
    let cases = [
        (
            "theme = \"nope\"",
            "`theme`: there is no theme `nope` (no folder `themes/nope/`)",
            "the themes here are: default, kestrel",
            11,
        ),
        (
            "highlight_theme = \"NoSuchTheme\"",
            "`highlight_theme`: there is no highlighting theme `NoSuchTheme`",
            "InspiredGitHub",
            21,
        ),
        (
            "highlight_theme_dark = \"base16-ocean.drak\"",
            "`highlight_theme_dark`: there is no highlighting theme `base16-ocean.drak`",
            "did you mean `base16-ocean.dark`?",
            26,
        ),
        (
            "repository_url = \"not a url\"",
            "`repository_url`: `not a url` is not a URL",
            "https://",
            20,
        ),
        (
            "severities = [\"SEV1\", \"sev1\", \"P 1\", \"P/1\"]",
            "`severities` lists `SEV1` and `sev1`, which are one level (`sev1`): incidents of \
             either would be counted together",
            "name each level differently",
            25,
        ),
    ];
    for (line, message, hint, column) in cases {
        let tmp = tempfile::tempdir().unwrap();
        write_files(
            tmp.path(),
            &[
                ("hindsight.toml", &format!("title = \"KB\"\n  {line}\n")),
                ("themes/kestrel/templates/.keep", ""),
                ("content/a.md", "# Disk full\n\nThe disk filled up.\n"),
            ],
        );
        let (code, findings) = check_json(tmp.path(), &[]);
        assert_eq!(code, Some(1), "{line}: {findings:#?}");
        let f = findings
            .iter()
            .find(|f| f["message"] == message)
            .unwrap_or_else(|| panic!("{line}: {findings:#?}"));
        assert_eq!(
            (&f["rule"], &f["file"], &f["line"], &f["column"]),
            (
                &"config".into(),
                &"hindsight.toml".into(),
                &2.into(),
                &column.into()
            ),
            "{line}"
        );
        assert!(f["hint"].as_str().unwrap().contains(hint), "{line}: {f}");
        let o = build(tmp.path(), &tmp.path().join("public"));
        assert_eq!(o.status.code(), Some(1), "{line}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{line}: {}", stderr(&o));
    }
    // The second pair of a folded scale is named too; an empty title is refused.
    let errs = hindsight::config::Config::parse(
        "title = \" \"\nseverities = [\"SEV1\", \"sev1\", \"P 1\", \"P/1\"]\n",
    )
    .unwrap_err();
    let messages: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages
        .iter()
        .any(|m| m.starts_with("`severities` lists `P 1` and `P/1`")));
    assert!(messages.contains(&"`title` is empty"), "{messages:?}");
}

#[test]
fn a_content_dir_that_is_missing_or_a_file_is_reported_at_its_line_of_hindsight_toml() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[("hindsight.toml", "title = \"KB\"\ncontent_dir = \"nope\"\n")],
    );
    let content_missing = |findings: &[Value]| {
        let f = with_rule(findings, "content-missing");
        assert_eq!(f.len(), 1, "{findings:#?}");
        f[0].clone()
    };
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(1));
    let f = content_missing(&findings);
    assert_eq!(
        (&f["file"], &f["line"], &f["column"]),
        (&"hindsight.toml".into(), &2.into(), &1.into())
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("nope` does not exist"),
        "{f}"
    );
    // A file of that name is not a folder, and the hint says so.
    write_files(tmp.path(), &[("nope", "")]);
    let f = content_missing(&check_json(tmp.path(), &[]).1);
    assert_eq!(
        (&f["file"], &f["line"]),
        (&"hindsight.toml".into(), &2.into())
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("nope` is not a folder"),
        "{f}"
    );
    assert!(f["hint"].as_str().unwrap().contains("not a file"), "{f}");
    // Without hindsight.toml the default folder has no line to point at: no file at all, and
    // GitHub annotates the run rather than a file that does not exist.
    let bare = tempfile::tempdir().unwrap();
    let f = content_missing(&check_json(bare.path(), &[]).1);
    assert_eq!(f["file"], "");
    let o = check(bare.path(), &["--format", "github"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("::error title=content-missing::content folder"),
        "{out}"
    );
}

#[test]
fn run_in_a_subfolder_of_a_repository_check_names_the_knowledge_base_above_it() {
    // A repository whose postmortems are in `content/`, and `check` run in its `docs/`.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write_files(
        &repo,
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (
                "content/2024-01-02-disk-full.md",
                "# Disk full\n\nIt filled.\n",
            ),
            ("docs/guide/README.md", "# Guide\n"),
        ],
    );
    let hint_of = |findings: &[Value]| {
        let f = with_rule(findings, "content-missing");
        assert_eq!(f.len(), 1, "{findings:#?}");
        f[0]["hint"].as_str().unwrap().to_string()
    };
    // Run in the folder (the default root `.`): the way up is a path from there.
    let o = bin()
        .args(["check", "--format", "json"])
        .current_dir(repo.join("docs/guide"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let findings: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        hint_of(&findings).starts_with(
            "`../..` holds a `content` folder: run Hindsight there, or pass `--root ../..`; else create it"
        ),
        "{findings:#?}"
    );
    // Given as `--root`, the folder above is named in full, and hindsight.toml names it too.
    write_files(&repo, &[("hindsight.toml", "title = \"KB\"\n")]);
    let (code, findings) = check_json(&repo.join("docs"), &[]);
    assert_eq!(code, Some(1));
    let above = repo.canonicalize().unwrap();
    assert!(
        hint_of(&findings).starts_with(&format!(
            "`{}` holds hindsight.toml: run Hindsight there, or pass `--root {}`",
            above.display(),
            above.display()
        )),
        "{findings:#?}"
    );
    // Outside a repository nothing above counts: the folder may be anyone's.
    std::fs::remove_dir_all(repo.join(".git")).unwrap();
    let (_, findings) = check_json(&repo.join("docs"), &[]);
    assert!(
        hint_of(&findings).contains("postmortems at the root are read"),
        "{findings:#?}"
    );
}

#[test]
fn a_root_with_no_content_folder_and_no_postmortem_says_the_root_was_looked_at_too() {
    // A repository with only a README: the README promises the root is read without
    // `content/`, so the finding must not send the reader to create `content/` alone.
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), &[("README.md", "# Our repository\n")]);
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(1));
    let f = with_rule(&findings, "content-missing");
    assert_eq!(f.len(), 1, "{findings:#?}");
    let message = f[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("does not exist, and the root holds no postmortem to read instead"),
        "{message}"
    );
    let hint = f[0]["hint"].as_str().unwrap();
    assert!(hint.contains("postmortems at the root are read"), "{hint}");
    assert!(hint.contains("--root DIR"), "{hint}");
}

#[test]
fn a_root_with_a_folder_of_postmortems_beside_its_readme_is_told_to_name_that_folder() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("README.md", "# Our repository\n"),
            ("postmortems/2024-01-02-disk-full.md", "# Disk full\n"),
            ("docs/2024/2024-03-04-dns.md", "# DNS\n"),
            ("node_modules/x/readme-like.md", "# Not ours\n"),
        ],
    );
    let (_, findings) = check_json(tmp.path(), &[]);
    let f = with_rule(&findings, "content-missing");
    let hint = f[0]["hint"].as_str().unwrap();
    assert!(
        hint.starts_with("`docs/`, `postmortems/` hold postmortems: write `content_dir = \"...\"`"),
        "{hint}"
    );
    std::fs::remove_dir_all(tmp.path().join("docs")).unwrap();
    let (_, findings) = check_json(tmp.path(), &[]);
    let f = with_rule(&findings, "content-missing");
    let hint = f[0]["hint"].as_str().unwrap();
    assert!(
        hint.starts_with(
            "`postmortems/` holds postmortems: write `content_dir = \"postmortems\"` in hindsight.toml"
        ),
        "{hint}"
    );
}

#[test]
fn links_written_for_githubs_heading_anchors_are_no_broken_anchors_but_a_wrong_one_still_is() {
    let (_, findings) = check_json(&fixture("github-anchors"), &[]);
    let broken: Vec<(&str, u64, u64, &str)> = with_rule(&findings, "broken-anchor")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            (
                "content/PM2024-101 - Fire in the hole.md",
                15,
                44,
                "`#no-such-heading` is not a section of this page"
            ),
            (
                "content/PM2024-102 - The fire again.md",
                13,
                1,
                "`#-water` is not a section of content/PM2024-101 - Fire in the hole.md"
            ),
        ]
    );
}

/// Where `check` reports the one theme fault of `files` (as for [`theme_findings`]), after
/// asserting that `build` fails with 1 and reports it at the same file, line and column.
fn theme_fault_where_build_reports_it(files: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let root = basic_with_theme(tmp.path(), files);
    let (code, f) = theme_findings_in(&root);
    let built = build(&root, &tmp.path().join("public"));
    let errors = stderr(&built);
    assert_eq!(built.status.code(), Some(1), "build fails: {errors}");
    assert_eq!(code, Some(1), "check fails too: {f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    let at = format!(
        "{}:{}:{}",
        f[0]["file"].as_str().unwrap(),
        f[0]["line"],
        f[0]["column"]
    );
    assert!(errors.contains(&at), "build reports it at {at}: {errors}");
    at
}

#[test]
fn a_fault_that_only_a_related_incident_reaches_fails_check_where_it_fails_build() {
    let at = theme_fault_where_build_reports_it(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{% for r in incident.related %}{{ r.titel }}{% endfor %}\n{% endblock description %}\n",
    )]);
    assert_eq!(at, "themes/default/templates/incident.html:3:35");
}

#[test]
fn a_fault_that_only_a_page_with_a_body_reaches_fails_check_where_it_fails_build() {
    let at = theme_fault_where_build_reports_it(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{% if incident.html %}{{ incident.body }}{% endif %}\n{% endblock description %}\n",
    )]);
    assert_eq!(at, "themes/default/templates/incident.html:3:26");
    let at = theme_fault_where_build_reports_it(&[(
        "learning.html",
        "{% extends \"default/learning.html\" %}\n{% block description %}\n{% if learning.html %}{{ learning.body }}{% endif %}\n{% endblock description %}\n",
    )]);
    assert_eq!(at, "themes/default/templates/learning.html:3:26");
}

#[test]
fn a_variable_used_in_several_places_is_reported_at_the_use_that_failed() {
    // Tera does not say where; the first use never runs, the second fails.
    let at = theme_fault_where_build_reports_it(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{% if incident.id == \"none\" %}{{ incident.titel }}{% endif %}\n{{ incident.titel }}\n{% endblock description %}\n",
    )]);
    assert_eq!(at, "themes/default/templates/incident.html:4:4");
}

#[test]
fn a_filter_used_in_several_places_is_reported_at_the_use_that_failed() {
    // `upper` works on the title and fails on an incident without a severity.
    let at = theme_fault_where_build_reports_it(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{{ incident.title | upper }}\n{{ incident.severity | upper }}\n{% endblock description %}\n",
    )]);
    assert_eq!(at, "themes/default/templates/incident.html:4:22");
    // Two uses that fail alike: the first, said to be the first.
    let (code, f) = theme_findings(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{{ incident.title }}\n{{ incident.severity | upper }}{{ incident.severity | upper }}\n{% endblock description %}\n",
    )]);
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(4), Some(22)),
        "{f:#?}"
    );
    let message = f[0]["message"].as_str().unwrap();
    assert!(message.contains("first of its 2 uses"), "{message}");
}

#[test]
fn a_control_character_written_as_a_character_reference_is_a_warning_at_the_reference() {
    let site = Site::with(&[(
        "content/refs.md",
        "---\ndate: 2024-03-02\n---\n# Refs\n\n## Summary\n\n\
             A bell\x07 then &#x1b;[31mERROR&#x1b;[0m and &#7;.\n\n\
             Escaped \\&#7; is text, and &#0; is U+FFFD.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let control: Vec<(u64, u64, &str)> = with_rule(&findings, "control-character")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    // The literal BEL is counted in the column of the reference after it, as an editor does.
    assert_eq!(
        control,
        [
            (
                8,
                7,
                "the control character U+0007 (BEL), which no web page, feed or sitemap may \
                 hold; it is left out of the site"
            ),
            (
                8,
                14,
                "an ANSI escape sequence (`ESC[31m`, a terminal colour code), written as a \
                 character reference, which no web page, feed or sitemap may hold; it and 2 \
                 more like it are left out of the site"
            ),
        ]
    );
    let hint = with_rule(&findings, "control-character")[1]["hint"]
        .as_str()
        .unwrap();
    assert!(hint.starts_with("delete the reference"), "{hint}");
}

#[test]
fn an_image_or_embed_of_a_markdown_file_says_what_the_file_is_and_an_iframe_shows_its_page() {
    let site = Site::with(&[
        (
            "content/embeds.md",
            "---\nid: EMB-1\ntitle: Embeds\ndate: 2024-01-05\nlearnings: [Link it]\n---\n\
                 ![notes](other.md)\n\n\
                 <img src=\"learnings/retry.md\"> <video src=\"notes/README.md\"></video>\n\n\
                 <iframe src=\"other.md\"></iframe> <iframe src=\"gone.md\"></iframe>\n",
        ),
        (
            "content/other.md",
            "---\nid: EMB-2\ntitle: Other\ndate: 2024-01-04\nlearnings: [Link it]\n---\nText.\n",
        ),
        (
            "content/learnings/retry.md",
            "# Retry\n\nRetry with backoff.\n",
        ),
        ("content/notes/README.md", "# Notes\n"),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let missing: Vec<(u64, u64, &str, &str)> = with_rule(&findings, "missing-image")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect();
    // The iframe of `other.md` shows its page: no finding; `gone.md` does not exist.
    assert_eq!(
        missing,
        [
            (
                7,
                1,
                "image `other.md` is a postmortem, not an image: link to it instead",
                "write `[text](other.md)`, which leads to its page, or embed its page with \
                 `<iframe src=\"other.md\">`"
            ),
            (
                9,
                11,
                "image `learnings/retry.md` is a learning, not an image: link to it instead",
                "write `[text](learnings/retry.md)`, which leads to its page, or embed its page \
                 with `<iframe src=\"learnings/retry.md\">`"
            ),
            (
                9,
                44,
                "video `notes/README.md` is a Markdown file, not a video, and is never copied \
                 into the site",
                "link to it instead, `[text](notes/README.md)`; only a postmortem or a learning \
                 has a page to link to or embed"
            ),
            (
                11,
                47,
                "embedded page `gone.md` does not exist",
                "put the embedded page in the content folder (next to the postmortem is \
                 simplest) and give its path relative to this file"
            ),
        ]
    );
}

#[test]
fn an_unknown_related_id_is_a_warning_at_its_entry_with_the_nearest_id() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/a.md",
                &outage(
                    "PM2024-001",
                    "related: [PM9999-999, PM2024-02, PM2024-003]\n",
                ),
            ),
            (
                "content/b.md",
                &outage("PM2024-002", "related:\n  - PM2024-3\n"),
            ),
            (
                "content/c.md",
                &outage("PM2024-003", "aliases: [PM2024-3]\n"),
            ),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "a warning, not an error: {findings:#?}");
    let found: Vec<_> = with_rule(&findings, "unknown-related")
        .iter()
        .map(|f| {
            let at = (
                f["level"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            );
            (at, f["hint"].as_str().unwrap())
        })
        .collect();
    // An old id in another postmortem's `aliases` names it: b.md's entry is no unknown id.
    let at: Vec<_> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        at,
        [
            ("warning", "content/a.md", 5, 11),
            ("warning", "content/a.md", 5, 23),
        ]
    );
    assert!(!found[0].1.contains("did you mean"), "{}", found[0].1);
    assert!(
        found[1].1.contains("did you mean `PM2024-002`?"),
        "{}",
        found[1].1
    );
}

#[test]
fn a_bad_alias_is_reported_at_its_entry_in_the_list() {
    let (_tmp, root) = basic_with_aliases(r#"[FX-1, /stats/, "old thing"]"#);
    let (_, findings) = check_json(&root, &[]);
    let at: Vec<_> = with_rule(&findings, "bad-alias")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, [(3, 17), (3, 26)], "{findings:#?}");
}

#[test]
fn an_invalid_due_date_in_an_action_items_table_is_a_warning_at_its_cell() {
    let site = Site::with(&[(
        "content/2024-03-01-disk-full.md",
        "# Disk full\n\n## Action items\n\n\
             | Action | Owner | Due |\n\
             |---|---|---|\n\
             | Add a disk alert | sre | 2024-13-45 |\n\
             | Rotate logs | sre | next sprint |\n\
             | Grow the disk | dba | 2024-04-01 |\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let bad = with_rule(&findings, "bad-date");
    assert_eq!(bad.len(), 1, "{findings:#?}");
    assert_eq!(
        (&bad[0]["level"], &bad[0]["line"], &bad[0]["column"]),
        (&"warning".into(), &7.into(), &28.into())
    );
    assert!(bad[0]["message"].as_str().unwrap().contains("`2024-13-45`"));
    assert!(bad[0]["hint"].as_str().unwrap().contains("YYYY-MM-DD"));
}

#[test]
fn a_related_id_of_a_draft_or_internal_postmortem_is_a_warning_at_its_entry_saying_why() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/a.md",
                &outage(
                    "PM2024-001",
                    "related: [PM2024-002, PM2024-003, PM2024-004]\n",
                ),
            ),
            ("content/b.md", &outage("PM2024-002", "status: draft\n")),
            (
                "content/c.md",
                &outage("PM2024-003", "visibility: internal\n"),
            ),
            ("content/d.md", &outage("PM2024-004", "")),
            // A draft may name a draft: neither is on the published site.
            (
                "content/e.md",
                &outage("PM2024-005", "status: draft\nrelated: [PM2024-002]\n"),
            ),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "a warning, not an error: {findings:#?}");
    assert!(with_rule(&findings, "unknown-related").is_empty());
    let found: Vec<_> = with_rule(&findings, "link-to-unpublished")
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "warning",
                "content/a.md",
                5,
                11,
                "`related` names `PM2024-002`, which is a draft and will not be on the published site: the page does not list it"
            ),
            (
                "warning",
                "content/a.md",
                5,
                23,
                "`related` names `PM2024-003`, which is internal and will not be on the published site: the page does not list it"
            ),
        ]
    );
    // A site that publishes drafts has them all.
    std::fs::write(
        root.join("hindsight.toml"),
        "title = \"KB\"\ndrafts = true\n",
    )
    .unwrap();
    let (_, findings) = check_json(root, &[]);
    assert!(
        with_rule(&findings, "link-to-unpublished").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn build_reports_a_bad_alias_at_its_entry_too() {
    let (tmp, root) = basic_with_aliases("[FX-1, /stats/]");
    let learning = root.join("content/learnings/alert-on-symptoms.md");
    let text = std::fs::read_to_string(&learning).unwrap();
    std::fs::write(
        &learning,
        text.replacen(
            "---\n",
            "---\nid: alert-on-symptoms\naliases: [/stats/]\n",
            1,
        ),
    )
    .unwrap();
    let o = bin()
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(tmp.path().join("public"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bad-alias"), "{err}");
    // The same places as check gives: the entry in each file's list.
    assert!(
        err.contains("content/postmortems/2021-05-04-disk-full.md:3:17"),
        "{err}"
    );
    assert!(
        err.contains("content/learnings/alert-on-symptoms.md:3:11"),
        "{err}"
    );
}

#[test]
fn an_output_dir_that_holds_the_content_still_leaves_the_content_checked() {
    for output_dir in ["content", "."] {
        let tmp = tempfile::tempdir().unwrap();
        write_files(
            tmp.path(),
            &[
                (
                    "hindsight.toml",
                    &format!("title = \"KB\"\noutput_dir = \"{output_dir}\"\n"),
                ),
                (
                    "content/incidents/a.md",
                    "# Disk full\n\nSee [the runbook](runbok.md).\n",
                ),
            ],
        );
        let o = check(tmp.path(), &["--format", "json"]);
        assert!(
            stderr(&o).contains("in 1 postmortem "),
            "{output_dir}: {}",
            stderr(&o)
        );
        let (code, findings) = check_json(tmp.path(), &[]);
        assert_eq!(code, Some(1));
        assert_eq!(with_rule(&findings, "config").len(), 1, "{findings:#?}");
        let broken = with_rule(&findings, "broken-link");
        assert_eq!(broken.len(), 1, "{output_dir}: {findings:#?}");
        assert_eq!(broken[0]["file"], "content/incidents/a.md");
    }
}

#[test]
fn a_link_to_githubs_anchor_of_a_postmortems_title_leads_to_the_top_of_its_page() {
    let site = Site::with(
        &[
            (
                "content/PM2024-101 - Fire in the hole.md",
                "# Fire in the hole\n\nBack to [the top](#fire-in-the-hole).\n\n## Summary\n\nThe alarm rang.\n",
            ),
            (
                "content/PM2024-102 - The fire again.md",
                "# The fire again\n\nAs [before](PM2024-101%20-%20Fire%20in%20the%20hole.md#fire-in-the-hole), \
                 not [here](PM2024-101%20-%20Fire%20in%20the%20hole.md#fire-in-the-hol).\n",
            ),
        ],
    );
    let (_, findings) = check_json(&site.root, &[]);
    let anchors: Vec<_> = with_rule(&findings, "broken-anchor")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        anchors,
        ["`#fire-in-the-hol` is not a section of content/PM2024-101 - Fire in the hole.md"]
    );
    site.build_ok();
    let page = |id: &str| site.page(&format!("incidents/{id}/index.html"));
    assert!(
        page("PM2024-101").contains("<a href=\"#\">the top</a>"),
        "{}",
        page("PM2024-101")
    );
    assert!(
        page("PM2024-102").contains("<a href=\"../../incidents/PM2024-101/\">before</a>"),
        "{}",
        page("PM2024-102")
    );
}

#[test]
fn broken_links_of_the_overview_and_the_reading_path_are_reported_as_a_postmortems_are() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("README.md", "# The repository\n"),
            (
                "content/postmortems/2024-03-01-disk-full.md",
                "# Disk full\n\n## Summary\n\nThe disk filled up.\n",
            ),
            (
                "content/postmortems/2024-03-02-draft.md",
                "---\nstatus: draft\n---\n# Draft\n\nNot yet.\n",
            ),
            (
                "content/index.md",
                "# Welcome\n\nStart with [the disk](postmortems/2024-03-01-disk-ful.md) \
                 and read [the README](../README.md).\n",
            ),
            (
                "content/onboarding.md",
                "# Read these\n\nThen [the summary](postmortems/2024-03-01-disk-full.md#sumary) \
                 and [the draft](postmortems/2024-03-02-draft.md).\n",
            ),
        ],
    );
    let (_, findings) = check_json(root, &[]);
    let found: Vec<_> = findings
        .iter()
        .filter(|f| f["file"] == "content/index.md" || f["file"] == "content/onboarding.md")
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    let (rule, _, line, column, message, hint) = found[0];
    assert_eq!((rule, line, column), ("broken-link", 3, 12));
    assert!(message.contains("leads nowhere"), "{message}");
    assert!(
        hint.contains("did you mean `postmortems/2024-03-01-disk-full.md`?"),
        "{hint}"
    );
    let (rule, _, _, _, message, _) = found[1];
    assert_eq!(rule, "broken-link");
    assert!(
        message.contains("leads to a file that is not published: it is outside the content folder"),
        "{message}"
    );
    let (rule, file, line, _, message, hint) = found[2];
    assert_eq!(
        (rule, file, line),
        ("broken-anchor", "content/onboarding.md", 3)
    );
    assert!(message.contains("`#sumary`"), "{message}");
    assert!(hint.contains("did you mean `#summary`?"), "{hint}");
    let (rule, _, _, _, message, _) = found[3];
    assert_eq!(rule, "link-to-unpublished");
    assert!(message.contains("which is a draft"), "{message}");
}

#[test]
fn reading_path_steps_that_name_no_postmortem_or_learning_or_a_draft_are_warned_of_in_check_and_build(
) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    let post = |id: &str, status: &str| {
        format!("---\nid: {id}\ndate: 2024-03-01\nstatus: {status}\n---\n# Outage {id}\n\n## Learnings\n\n- Alerts need owners.\n")
    };
    write_files(
        &root,
        &[
            ("content/a.md", &post("PM2024-001", "published")),
            ("content/b.md", &post("PM2024-002", "draft")),
            (
                "content/learnings/alert-on-symptoms.md",
                "# Alert on symptoms\n\nPage on what users see.\n",
            ),
            (
                "content/onboarding.md",
                "---\ntitle: Start here\npath:\n\
                 \x20 - incident: PM2024-001\n    why: Fine.\n\
                 \x20 - incident: pm2024-001\n    why: In another case.\n\
                 \x20 - incident: PM2024-002\n    why: A draft.\n\
                 \x20 - learning: alert-on-symptom\n    why: Mistyped.\n\
                 \x20 - learning: alert-on-symptoms\n    why: Fine.\n\
                 ---\nRead these first.\n",
            ),
        ],
    );
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let steps: Vec<_> = with_rule(&findings, "path-step")
        .iter()
        .map(|f| {
            assert_eq!(f["level"], "warning");
            assert_eq!(f["file"], "content/onboarding.md");
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(steps.len(), 3, "{findings:#?}");
    assert_eq!((steps[0].0, steps[0].1), (6, 15));
    assert!(steps[0].2.contains("`pm2024-001`"), "{steps:?}");
    assert!(steps[0].3.contains("`incident: PM2024-001`"), "{steps:?}");
    assert_eq!((steps[1].0, steps[1].1), (8, 15));
    assert!(steps[1].2.contains("is a draft"), "{steps:?}");
    assert!(steps[1].3.contains("content/b.md"), "{steps:?}");
    assert_eq!((steps[2].0, steps[2].1), (10, 15));
    assert!(
        steps[2].3.contains("`learning: alert-on-symptoms`"),
        "{steps:?}"
    );
    // `build` says so too; with `--drafts` the draft is on the path.
    let o = build(&root, &tmp.path().join("site"));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("path-step"), "{err}");
    assert!(err.contains("`pm2024-001`"), "{err}");
    assert!(err.contains("`PM2024-002`, which is a draft"), "{err}");
    assert!(err.contains("`alert-on-symptom`"), "{err}");
    let o = bin()
        .args(["build", "--quiet", "--drafts", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(tmp.path().join("drafts"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("which is a draft"), "{}", stderr(&o));
}

#[test]
fn an_image_without_alt_text_is_a_warning_at_the_image() {
    let site = Site::with(&[
        (
            "content/2024-03-01-disk-full.md",
            "# Disk full\n\n## Impact\n\nThe graph: ![](disk.png)\n\n![  ](disk.png)\n\n\
                 ![Disk usage reached 100% at 14:05](disk.png)\n\n\
                 <!-- hindsight: allow missing-alt -->\n![](disk.png)\n",
        ),
        ("content/disk.png", "png"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "a warning: {findings:#?}");
    let at: Vec<_> = with_rule(&findings, "missing-alt")
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The described image and the one allowed as decoration are not reported.
    assert_eq!(
        at,
        [
            ("warning".to_string(), 5, 12),
            ("warning".to_string(), 7, 1)
        ],
        "{findings:#?}"
    );
    let hint = with_rule(&findings, "missing-alt")[0]["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(hint.contains("describe what the image shows"), "{hint}");
}

#[test]
fn a_changed_id_is_suggested_as_the_replacement_of_the_dropped_url_not_an_older_postmortem() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_demo(&root);
    let out = tmp.path().join("previous");
    build_ok(&root, &out);
    let sitemap = out.join("sitemap.xml");
    let file = root.join("content/postmortems/2023-03-14-catalog-cleanup-deleted-variants.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("id: PM2023-004", "id: PM2023-044", 1)).unwrap();
    let (_, findings) = check_json(&root, &["--baseline", sitemap.to_str().unwrap()]);
    let dropped: Vec<&Value> = with_rule(&findings, "dropped-url")
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("incidents/PM2023-004/")
        })
        .collect();
    assert_eq!(dropped.len(), 1, "{findings:#?}");
    let hint = dropped[0]["hint"].as_str().unwrap();
    // PM2023-003 and PM2023-005 are as few edits away, but were in the old site already.
    assert!(
        hint.starts_with("if `PM2023-044` (content/postmortems/2023-03-14-catalog-cleanup-deleted-variants.md) replaced it"),
        "{hint}"
    );
}

#[test]
fn an_invalid_due_date_in_parentheses_after_an_action_item_is_a_warning_where_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-03-01-disk-full.md",
            "# Disk full\n\n## Action items\n\n\
             - Add a disk alert (sre, due 2024-13-45)\n\
             - Rotate the logs on every node of the cluster, not only the ones that filled\n  \
             up (due 2024-02-30).\n\
             - Grow the disk (team-dba, due 2024-04-01)\n\
             - Clean the tmp folder (due next sprint)\n",
        )],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let bad: Vec<_> = with_rule(&findings, "bad-date")
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(bad.len(), 2, "{findings:#?}");
    assert_eq!((bad[0].0.as_str(), bad[0].1, bad[0].2), ("warning", 5, 30));
    assert!(bad[0].3.contains("`2024-13-45`"), "{}", bad[0].3);
    // The item runs over two lines: the warning is on the line that holds the date.
    assert_eq!((bad[1].0.as_str(), bad[1].1, bad[1].2), ("warning", 7, 11));
    assert!(bad[1].3.contains("`2024-02-30`"), "{}", bad[1].3);
}

#[test]
fn a_due_cell_written_year_first_or_day_first_with_dots_is_read_and_an_ambiguous_one_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-03-01-disk-full.md",
            "# Disk full\n\n## Action items\n\n\
             | Action | Owner | Due |\n|---|---|---|\n\
             | Add a disk alert | sre | 2024/04/15 |\n\
             | Grow the disk | dba | 15.04.2024 |\n\
             | Rotate the logs | sre | 04/05/2024 |\n",
        )],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let bad: Vec<(u64, u64, &str)> = with_rule(&findings, "bad-date")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bad,
        [(
            9,
            27,
            "the due date `04/05/2024` of this action item is not a date: day and month order is ambiguous; write 2024-05-04 (day first) or 2024-04-05 (month first), as YYYY-MM-DD"
        )],
        "{findings:#?}"
    );
}

#[test]
fn a_front_matter_date_of_numbers_is_an_error_whose_hint_gives_each_day_it_can_mean() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("content/a.md", "---\ndate: 03/04/2024\n---\n# A\n"),
            ("content/b.md", "---\ndate: 15.04.2024\n---\n# B\n"),
            ("content/c.md", "+++\ndate = \"03/04/2024\"\n+++\n# C\n"),
        ],
    );
    let (_, findings) = check_json(tmp.path(), &[]);
    let bad = located(&findings, "bad-date");
    assert_eq!(
        bad,
        [
            (
                "content/a.md",
                2,
                7,
                "`date` is not a valid date: `03/04/2024`: day and month order is ambiguous",
                "write it as YYYY-MM-DD: `date: 2024-04-03` if it is 3 April, or `date: 2024-03-04` if it is 4 March"
            ),
            (
                "content/b.md",
                2,
                7,
                "`date` is not a valid date: `15.04.2024`",
                "write it as YYYY-MM-DD: `date: 2024-04-15`"
            ),
            (
                "content/c.md",
                2,
                9,
                "`date` is not a valid date: `03/04/2024`: day and month order is ambiguous",
                "write it as YYYY-MM-DD: `date = 2024-04-03` if it is 3 April, or `date = 2024-03-04` if it is 4 March"
            ),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_front_matter_due_is_read_as_a_due_cell_is_and_an_ambiguous_or_unreadable_one_is_an_error_at_its_value(
) {
    let tmp = tempfile::tempdir().unwrap();
    let front = |items: &str| {
        format!("---\nid: PM2024-001\ntitle: Disk full\ndate: 2024-03-01\naction_items:\n{items}---\n# Disk full\n")
    };
    write_files(
        tmp.path(),
        &[
            (
                "content/2024-03-01-disk-full.md",
                &front(
                    "  - text: Add a disk alert\n    due: 2024/04/15\n\
                     \x20 - text: Grow the disk\n    due: 15.04.2024\n\
                     \x20 - text: Page on lag\n    due: 15 April 2024\n\
                     \x20 - text: Rotate the logs\n    due: 2024-04-15\n",
                ),
            ),
            (
                "content/2024-03-02-queue.md",
                &front(
                    "  - text: Rotate the logs\n    due: 04/05/2024\n\
                     \x20 - text: Grow the queue\n    due: next sprint\n\
                     \x20 - text: Add a queue alert\n    due: 2024-13-01\n",
                )
                .replace("2024-03-01", "2024-03-02")
                .replace("PM2024-001", "PM2024-002"),
            ),
        ],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let bad: Vec<(&str, u64, u64, &str, &str)> = located(&findings, "bad-date");
    let expected = "write the due date as YYYY-MM-DD, e.g. `due: 2024-04-15`; `2024/04/15`, `15.04.2024` and `15 April 2024` are read too";
    assert_eq!(
        bad,
        [
            (
                "content/2024-03-02-queue.md",
                7,
                10,
                "`due` is not a valid date: `04/05/2024`: day and month order is ambiguous; write 2024-05-04 (day first) or 2024-04-05 (month first), as YYYY-MM-DD",
                expected
            ),
            (
                "content/2024-03-02-queue.md",
                9,
                10,
                "`due` is not a valid date: `next sprint`",
                expected
            ),
            (
                "content/2024-03-02-queue.md",
                11,
                10,
                "`due` is not a valid date: `2024-13-01`: month 13 does not exist",
                "did you mean `due: 2024-01-13`? Dates are written year, month, day, e.g. `due: 2024-03-01`"
            ),
        ],
        "{findings:#?}"
    );
    // The dates read are the items' due dates, on the site as in the export.
    let out = tmp.path().join("public");
    let o = build(tmp.path(), &out);
    assert!(!o.status.success(), "an error stops the build");
    std::fs::remove_file(tmp.path().join("content/2024-03-02-queue.md")).unwrap();
    build_ok(tmp.path(), &out);
    let due: Vec<String> = exported_incident(&out, "PM2024-001")["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["due"].as_str().unwrap_or("none").to_string())
        .collect();
    assert_eq!(due, ["2024-04-15"; 4]);
}

#[test]
fn a_parenthetical_that_says_a_status_or_a_due_date_reads_every_part_it_can_and_warns_of_a_short_one_it_cannot(
) {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-03-01-disk-full.md",
            "---\nid: PM2024-001\ntitle: Disk full\ndate: 2024-03-01\n---\n# Disk full\n\n## Action items\n\n\
             - Fix the thing (team-x, done, asap)\n\
             - Grow the disk (done, @jane, due 2024-04-15)\n\
             - Rotate the logs (asap, team-sre, in progress)\n\
             - Add a queue alert (see the runbook)\n\
             - Page on lag (see the runbook, done)\n\
             - Tune the probe (team-y, done, because the old one paged at night)\n\
             - Split the job (per node)\n",
        )],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let unread: Vec<(u64, u64, &str)> = with_rule(&findings, "unread-action-item")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unread,
        [
            (
                10,
                32,
                "`asap` in this action item's `(team-x, done, asap)` is neither an owner, a status nor a due date, and is left in its text"
            ),
            (
                12,
                20,
                "`asap` in this action item's `(asap, team-sre, in progress)` is neither an owner, a status nor a due date, and is left in its text"
            ),
        ],
        "{findings:#?}"
    );
    // What is read leaves the text; what is not stays in it.
    let out = tmp.path().join("public");
    build_ok(tmp.path(), &out);
    let items: Vec<(String, String, String, String)> = exported_incident(&out, "PM2024-001")
        ["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("-").to_string();
            (s("text"), s("owner"), s("status"), s("due"))
        })
        .collect();
    let want = [
        ("Fix the thing (asap)", "team-x", "done", "-"),
        ("Grow the disk", "jane", "done", "2024-04-15"),
        ("Rotate the logs (asap)", "team-sre", "open", "-"),
        ("Add a queue alert (see the runbook)", "-", "-", "-"),
        ("Page on lag (see the runbook)", "-", "done", "-"),
        (
            "Tune the probe (because the old one paged at night)",
            "team-y",
            "done",
            "-",
        ),
        ("Split the job (per node)", "-", "-", "-"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(items, want);
}

#[test]
fn a_timeline_row_still_holding_the_templates_placeholder_is_a_warning_at_it_and_stays_on_the_page()
{
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-03-13-nodes.md",
            "---\nid: nodes\ndate: 2024-03-13\n---\n# Nodes went NotReady\n\n## Timeline\n\n\
             | Time | Event |\n| :--- | --- |\n\
             | 2024-03-13 HH:mm | Short event description. |\n\
             | 2024-03-13 10:01 | Node entered NotReady state |\n\
             | 2022-06-02 HH:mm | The limit range was deleted |\n",
        )],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let found: Vec<(&str, u64, u64, &str)> = with_rule(&findings, "template-placeholder")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["level"].as_str().unwrap(),
            )
        })
        .collect();
    // The row that says what happened at a time not known is no finding.
    assert_eq!(
        found,
        [("content/2024-03-13-nodes.md", 11, 14, "warning")],
        "{findings:#?}"
    );
    // The page shows the row as written, and reads no time from it.
    let out = tmp.path().join("public");
    let o = build(tmp.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2024-03-13-nodes.md:11:14"),
        "{}",
        stderr(&o)
    );
    let page = std::fs::read_to_string(out.join("incidents/nodes/index.html")).unwrap();
    assert!(page.contains(">2024-03-13 HH:mm</td>"), "{page}");
    assert!(page.contains("Short event description."), "{page}");
    assert!(!page.contains("<dt>Started</dt>"), "{page}");
}

#[test]
fn an_action_items_table_that_front_matter_action_items_replace_is_a_warning_at_its_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let front =
        "---\ntitle: Disk full\ndate: 2024-03-01\naction_items:\n  - text: Add a disk alert\n---\n";
    write_files(
        tmp.path(),
        &[
            (
                "content/2024-03-01-disk-full.md",
                &format!(
                    "{front}# Disk full\n\n## Action items\n\n\
                     | Action | Owner | Due |\n|---|---|---|\n\
                     | Grow the disk | dba | 2024-04-15 |\n\
                     | Rotate the logs | sre | 2024-04-20 |\n"
                ),
            ),
            // A table left empty, as `hindsight new` writes it, lists nothing to lose; nor
            // does a list for readers of what the front matter lists, in other words or not.
            (
                "content/2024-03-02-queue.md",
                &format!(
                    "{}# Queue\n\n## Action items\n\n\
                     | Action | Owner | Status | Due |\n|---|---|---|---|\n| | | | |\n",
                    front.replace("2024-03-01", "2024-03-02")
                ),
            ),
            (
                "content/2024-03-03-cache.md",
                &format!(
                    "{}# Cache\n\n## Follow-ups\n\n- Alert on the disk (team-sre, done)\n",
                    front.replace("2024-03-01", "2024-03-03")
                ),
            ),
        ],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let unread: Vec<(&str, u64, u64, &str)> = with_rule(&findings, "unread-action-item")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unread,
        [(
            "content/2024-03-01-disk-full.md",
            9,
            1,
            "the section “Action items” lists 2 action items and the front matter's `action_items:` 1: the front matter's list replaces the section's, and what only the section lists is read nowhere"
        )],
        "{findings:#?}"
    );
    // `build` says it too.
    let out = tmp.path().join("public");
    let o = build(tmp.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2024-03-01-disk-full.md:9:1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn learnings_of_the_text_that_front_matter_replaces_without_listing_are_a_warning_at_their_section()
{
    let tmp = tempfile::tempdir().unwrap();
    let front = |date: &str| {
        format!("---\ntitle: Outage\ndate: {date}\nlearnings:\n  - Alert on disk usage before the disk is full\n---\n")
    };
    write_files(
        tmp.path(),
        &[
            (
                "content/learnings/own-what-you-run.md",
                "---\ntitle: Own what you run\n---\nEvery job has an owner.\n",
            ),
            // Three learnings where the front matter lists one, one of them marked.
            (
                "content/2024-03-01-disk-full.md",
                &format!(
                    "{}# Disk full\n\n## Lessons learned\n\n\
                     - Alert on disk usage before the disk is full\n\
                     - Nobody owned the log rotation job <!-- hindsight: learning own-what-you-run -->\n\
                     - Backups belong on another volume\n",
                    front("2024-03-01")
                ),
            ),
            // One learning that shares no word with the front matter's.
            (
                "content/2024-03-02-queue.md",
                &format!(
                    "{}# Queue\n\n## Takeaways\n\n- Queues need a dead-letter topic\n",
                    front("2024-03-02")
                ),
            ),
            // The same learning for readers, in other words, is none; nor is an empty section.
            (
                "content/2024-03-03-cache.md",
                &format!(
                    "{}# Cache\n\n## Lessons learned\n\n- Alert before the disk fills\n",
                    front("2024-03-03")
                ),
            ),
            (
                "content/2024-03-04-dns.md",
                &format!("{}# DNS\n\n## Lessons learned\n\n", front("2024-03-04")),
            ),
        ],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let unread: Vec<(&str, u64, &str)> = with_rule(&findings, "unread-learning")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unread,
        [
            (
                "content/2024-03-01-disk-full.md",
                9,
                "the section “Lessons learned” lists 3 learnings and the front matter's `learnings:` 1: the front matter's list replaces the section's, and what only the section lists is read nowhere"
            ),
            (
                "content/2024-03-02-queue.md",
                9,
                "the learning “Queues need a dead-letter topic” of the section “Takeaways” is not in the front matter's `learnings:`, which replaces the section's list: it is read nowhere"
            ),
        ],
        "{findings:#?}"
    );
    // The mark on a learning the front matter replaces says why it cites nothing.
    let marks: Vec<(u64, &str)> = with_rule(&findings, "hindsight-comment")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        marks,
        [(12, "this learning mark is in no action item, and the front matter's `learnings:` replaces the learnings of the text, marks and all: it cites nothing")],
        "{findings:#?}"
    );
    // `build` says it too.
    let o = build(tmp.path(), &tmp.path().join("public"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2024-03-01-disk-full.md:9:1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn reading_path_steps_are_judged_against_the_clusters_of_the_published_site_not_those_drafts_form()
{
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("kb");
    let post = |id: &str, date: &str, status: &str, learning: &str| {
        format!("---\nid: {id}\ndate: {date}\nstatus: {status}\n---\n# Outage {id}\n\n## Learnings\n\n- {learning}\n")
    };
    let rotate = "Rotate database credentials well before they expire.";
    let page = "Page the on-call engineer when the queue backs up.";
    write_files(
        &root,
        &[
            ("content/a.md", &post("PM2024-001", "2024-03-01", "published", rotate)),
            ("content/b.md", &post("PM2024-002", "2024-04-01", "published", rotate)),
            // Older than both: with it, their cluster is named after it.
            (
                "content/c.md",
                &post("PM2023-001", "2023-01-01", "draft", &format!("Always {}", rotate.to_lowercase())),
            ),
            ("content/d.md", &post("PM2024-003", "2024-05-01", "published", page)),
            // With it, the learning above is in two postmortems: a cluster.
            (
                "content/e.md",
                &post("PM2024-004", "2024-06-01", "draft", &format!("Always {}", page.to_lowercase())),
            ),
            (
                "content/onboarding.md",
                "---\ntitle: Start here\npath:\n\
                 \x20 - learning: rotate-database-credentials-well-before-they-expire\n    why: Published.\n\
                 \x20 - learning: always-rotate-database-credentials-well-before-they\n    why: Named after a draft.\n\
                 \x20 - learning: page-the-on-call-engineer-when-the-queue\n    why: A cluster only with a draft.\n\
                 ---\nRead these first.\n",
            ),
        ],
    );
    // The published site has the first cluster and leaves the other two steps out.
    let out = tmp.path().join("site");
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let onboarding = std::fs::read_to_string(out.join("onboarding/index.html")).unwrap();
    assert!(
        onboarding.contains("learnings/rotate-database-credentials-well-before-they-expire/"),
        "{onboarding}"
    );
    let err = stderr(&o);
    let built: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("the reading path names the learning"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(
        built,
        [
            "always-rotate-database-credentials-well-before-they",
            "page-the-on-call-engineer-when-the-queue"
        ],
        "{err}"
    );
    // `check` reads the drafts, and says what `build` says.
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let steps: Vec<_> = with_rule(&findings, "path-step")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().split('`').nth(1).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (6, 15, "always-rotate-database-credentials-well-before-they"),
            (8, 15, "page-the-on-call-engineer-when-the-queue")
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_bad_alias_after_a_control_character_on_its_line_is_reported_at_its_column_in_the_file() {
    // The bell is left out of the text that is read, so the entry after it is one column
    // further right in the file than in that text.
    let (tmp, root) = basic_with_aliases("[FX-1,\u{7} /stats/]");
    let (_, findings) = check_json(&root, &[]);
    let at = |rule: &str| -> Vec<(u64, u64)> {
        with_rule(&findings, rule)
            .iter()
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("control-character"), [(3, 16)], "{findings:#?}");
    assert_eq!(at("bad-alias"), [(3, 18)], "{findings:#?}");
    let o = build(&root, &tmp.path().join("public"));
    assert!(!o.status.success(), "an alias over a page is an error");
    let err = stderr(&o);
    assert!(err.contains("bad-alias"), "{err}");
    assert!(err.contains("2021-05-04-disk-full.md:3:18"), "{err}");
    assert!(!err.contains("2021-05-04-disk-full.md:3:17"), "{err}");
}

#[test]
fn a_raw_img_without_an_alt_attribute_is_a_warning_at_its_tag() {
    let site = Site::with(&[
        (
            "content/2024-03-01-disk-full.md",
            "# Disk full\n\n## Impact\n\nThe graph: <img src=\"disk.png\" width=\"600\">\n\n\
                 <p align=\"center\">\n  <IMG\n    src=\"disk.png\">\n</p>\n\n\
                 > <img src=\"disk.png\">\n\n\
                 <img src=\"disk.png\" alt=\"\">\n\
                 <img src=\"disk.png\" alt=\"Disk usage reached 100% at 14:05\">\n\
                 <img src=\"disk.png\" role=\"presentation\">\n\
                 <!-- hindsight: allow missing-alt -->\n<img src=\"disk.png\">\n\n\
                 `<img src=\"disk.png\">` and <!-- <img src=\"disk.png\"> -->\n",
        ),
        ("content/disk.png", "png"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "a warning: {findings:#?}");
    let at: Vec<_> = with_rule(&findings, "missing-alt")
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // Inline, in an HTML block (over two lines, in capitals) and in a block quote; not the
    // decorative one (`alt=""`), the described one, the one marked as presentation, the one
    // allowed, nor one in code or in a comment.
    let w = |line, column| ("warning".to_string(), line, column);
    assert_eq!(at, [w(5, 12), w(8, 3), w(12, 3)], "{findings:#?}");
    let f = with_rule(&findings, "missing-alt")[0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no `alt` attribute"),
        "{f:#?}"
    );
    assert!(f["hint"].as_str().unwrap().contains("alt=\"\""), "{f:#?}");
}

#[test]
fn a_heading_id_that_raw_html_gives_an_element_is_told_apart_and_warned_at_the_heading() {
    let site = Site::with(&[(
        "content/2024-03-01-disk-full.md",
        "# Disk full\n\n## Summary\n\n\
             <a id=\"rollback\"></a>See [the rollback](#rollback) and [its steps](#rollback-1).\n\n\
             ## Rollback {#rollback}\n\nText.\n\n## Steps\n\n<div id=\"steps\">One.</div>\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "a warning: {findings:#?}");
    // The written id is the element's, so the heading gets `rollback-1`, to which a link leads;
    // a generated id (`steps`) is told apart without a word, as a repeated heading's is.
    assert!(
        with_rule(&findings, "broken-anchor").is_empty(),
        "{findings:#?}"
    );
    let found = with_rule(&findings, "heading-id");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(7), Some(1)),
        "{findings:#?}"
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`rollback` is already the id of an element of this page's HTML")
            && message.contains("gets `rollback-1`"),
        "{message}"
    );
}

#[test]
fn the_links_of_a_canonical_learning_are_checked_as_a_postmortems_are() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/incidents/disk.md",
                "---\nid: PM2024-001\ndate: 2024-03-01\n---\n# Disk full\n\n## Timeline\n\nIt filled.\n",
            ),
            (
                "content/incidents/draft.md",
                "---\nid: PM2024-002\ndate: 2024-03-02\nstatus: draft\n---\n# Draft\n\nNot yet.\n",
            ),
            ("content/learnings/diagram.png", "png"),
            (
                "content/learnings/own-it.md",
                "---\ntitle: Own what you run\n---\n\
                 ## Why\n\n\
                 See [the timeline](../incidents/disk.md#timeline) and [why](#why).\n\
                 Not [this](../incidents/disk.md#timelin), [that](../incidents/disk-ful.md),\n\
                 [the draft](../incidents/draft.md) or [here](#how).\n\n\
                 ![The owners](diagram.png) ![The chart](chart.png)\n",
            ),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let found: Vec<_> = findings
        .iter()
        .filter(|f| f["file"] == "content/learnings/own-it.md")
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 5, "{found:#?}");
    let rules: Vec<_> = found.iter().map(|f| (f.0, f.1, f.2)).collect();
    assert_eq!(
        rules,
        [
            ("broken-anchor", 7, 5),
            ("broken-link", 7, 43),
            ("link-to-unpublished", 8, 1),
            ("broken-anchor", 8, 39),
            ("missing-image", 10, 28),
        ]
    );
    assert!(found[0].3.contains("`#timelin`"), "{found:#?}");
    assert!(
        found[0].4.contains("did you mean `#timeline`?"),
        "{found:#?}"
    );
    assert!(found[1].3.contains("leads nowhere"), "{found:#?}");
    assert!(
        found[1].4.contains("did you mean `../incidents/disk.md`?"),
        "{found:#?}"
    );
    assert!(found[2].3.contains("which is a draft"), "{found:#?}");
    assert_eq!(found[3].3, "`#how` is not a section of this page");
    assert!(found[3].4.contains("#why"), "{found:#?}");
    assert_eq!(found[4].3, "image `chart.png` does not exist");
    assert!(found[4].4.contains("next to the learning"), "{found:#?}");
}

#[test]
fn an_object_or_an_embed_of_a_postmortem_is_its_page_and_no_missing_image() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/disk.md",
                "---\nid: PM2024-001\ndate: 2024-03-01\n---\n# Disk full\n\n## Timeline\n\nIt filled.\n",
            ),
            (
                "content/again.md",
                "---\nid: PM2024-002\ndate: 2024-03-02\n---\n# Again\n\n\
                 <object data=\"disk.md#timeline\"></object>\n\n<embed src=\"disk.md#timelin\">\n\n\
                 <object data=\"notes.md\"></object>\n",
            ),
        ],
    );
    let (_, findings) = check_json(root, &[]);
    let about: Vec<_> = findings
        .iter()
        .filter(|f| f["file"] == "content/again.md")
        .filter(|f| {
            ["missing-image", "broken-anchor", "broken-link"].contains(&f["rule"].as_str().unwrap())
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    // The embeds of the postmortem lead to its page, whose anchors are checked, as an
    // iframe's; a missing file is still reported.
    assert_eq!(
        about,
        [
            (
                "broken-anchor",
                9,
                13,
                "`#timelin` is not a section of content/disk.md"
            ),
            (
                "missing-image",
                11,
                15,
                "embedded file `notes.md` does not exist"
            ),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_severity_off_the_scale_in_the_text_is_a_warning_at_its_value_with_the_front_matter_s_hint() {
    // A Confluence export: the severity in a table, on a scale the site does not use.
    let post = |id: &str, row: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-01-02\nlearnings: [Keep runbooks current]\n---\n# Outage\n\n| Field | Value |\n|---|---|\n{row}\n\nIt broke.\n")
    };
    let site = Site::with(&[
        ("content/table.md", &post("table", "| **Severity** | P1 |")),
        ("content/on-scale.md", &post("on-scale", "| **Severity** | Sev 2 |")),
        ("content/front.md", "---\nid: front\ntitle: Outage front\ndate: 2024-01-02\nseverity: P1\nlearnings: [Keep runbooks current]\n---\n# Outage\n\nIt broke.\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let f = with_rule(&findings, "unknown-severity");
    let said: Vec<(&str, &str, u64, u64)> = f
        .iter()
        .map(|x| {
            (
                x["file"].as_str().unwrap(),
                x["level"].as_str().unwrap(),
                x["line"].as_u64().unwrap(),
                x["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The front matter's is an error; the text's a warning at `P1`, line 11, column 18.
    assert_eq!(
        said,
        [
            ("content/front.md", "error", 5, 11),
            ("content/table.md", "warning", 11, 18)
        ],
        "{f:#?}"
    );
    assert_eq!(
        f[1]["message"],
        "unknown severity `P1` in the text: it is not on the scale, so the postmortem has no severity"
    );
    assert_eq!(f[1]["hint"], f[0]["hint"]);
    assert!(
        f[1]["hint"]
            .as_str()
            .unwrap()
            .contains("add `P1` to `severities`"),
        "{f:#?}"
    );
    // A warning: the site builds, with no severity for it, and the one on the scale read.
    std::fs::remove_file(site.root.join("content/front.md")).unwrap();
    site.build_ok();
    let table = site.incident("table");
    assert_eq!(table["severity"], serde_json::Value::Null, "{table:#}");
    assert_eq!(site.incident("on-scale")["severity"], "SEV2");
}

#[test]
fn an_unknown_severity_is_quoted_as_written_with_the_nearest_level_only_when_one_is_close() {
    let post = |id: &str, sev: &str| {
        format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-01-02\nseverity: {sev}\nlearnings: [Keep runbooks current]\n---\n# Outage\n\nIt broke.\n")
    };
    let site = Site::with(&[
        ("content/folded.md", &post("folded", "Sev 2")),
        ("content/typo.md", &post("typo", "SVE 2")),
        ("content/five.md", &post("five", "SEV 5")),
        ("content/p1.md", &post("p1", "P1")),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let f = with_rule(&findings, "unknown-severity");
    let of = |file: &str| {
        f.iter()
            .find(|x| x["file"] == format!("content/{file}.md"))
            .unwrap_or_else(|| panic!("no finding for {file}: {f:#?}"))
    };
    // `Sev 2` is SEV2: no finding.
    assert_eq!(f.len(), 3, "{f:#?}");
    let typo = of("typo");
    assert_eq!(
        typo["message"].as_str().unwrap().split(':').next(),
        Some("unknown severity `SVE 2`")
    );
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(5), Some(11))
    );
    assert!(
        typo["hint"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `SEV2`?"),
        "{typo}"
    );
    // No level is close to SEV5 (SEV1 is not what it means), nor to P1: the scale is listed.
    for (file, written) in [("five", "SEV 5"), ("p1", "P1")] {
        let x = of(file);
        assert!(
            x["message"]
                .as_str()
                .unwrap()
                .contains(&format!("`{written}`")),
            "{x}"
        );
        let hint = x["hint"].as_str().unwrap();
        assert!(!hint.contains("did you mean"), "{hint}");
        assert!(hint.contains("use one of SEV1, SEV2, SEV3, SEV4"), "{hint}");
        assert!(
            hint.contains(&format!("add `{written}` to `severities`")),
            "{hint}"
        );
    }
}

#[test]
fn severity_levels_that_differ_only_in_punctuation_are_one_level_and_a_config_error() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "severities = [\"SEV1\", \"SEV-1\", \"SEV2\"]\n",
        ),
        ("content/a.md", "# A\n\nText.\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let f = with_rule(&findings, "config");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("`severities` lists `SEV1` and `SEV-1`, which are one level (`sev1`)"),
        "{f:#?}"
    );
}

#[test]
fn a_postmortem_template_without_config_is_a_warning_at_its_first_placeholder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dfds");
    copy_tree(&fixture("dfds"), &root);
    // With its hindsight.toml, `ignore = ["*template*"]` leaves the template out silently.
    let (_, findings) = check_json(&root, &[]);
    assert!(with_rule(&findings, "postmortem-template").is_empty());
    std::fs::remove_file(root.join("hindsight.toml")).unwrap();
    write_files(
        &root,
        &[(
            "2023-01-01-template-rendering-outage.md",
            "# Template rendering outage\n\nThe `{{ user }}` tag broke every page for an hour.\n",
        )],
    );
    let (_, findings) = check_json(&root, &[]);
    let f = with_rule(&findings, "postmortem-template");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["file"], "PMyyyy-nnn - Postmortem template.md");
    assert_eq!(f[0]["level"], "warning");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(1), Some(3))
    );
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("`Incident Title`"),
        "{}",
        f[0]["message"]
    );
    let hint = f[0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("ignore") && hint.contains("front matter"),
        "{hint}"
    );
    // Left out, it has no other finding; the postmortem about templates is checked as one.
    assert!(findings
        .iter()
        .filter(|f| f["file"] == "PMyyyy-nnn - Postmortem template.md")
        .all(|f| f["rule"] == "postmortem-template"));
    assert!(findings
        .iter()
        .any(|f| f["file"] == "2023-01-01-template-rendering-outage.md"));
}

#[test]
fn a_related_id_in_the_wrong_case_is_told_that_ids_are_matched_in_their_case() {
    let site = Site::with(&[
        (
            "content/a.md",
            &outage("PM2024-001", "related: [pm2024-002]\n"),
        ),
        ("content/b.md", &outage("PM2024-002", "")),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let found = with_rule(&findings, "unknown-related");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert_eq!(
        found[0]["hint"].as_str().unwrap(),
        "ids are matched in their case: write `PM2024-002`"
    );
}

#[test]
fn a_rule_level_set_in_the_config_applies_to_what_build_finds_while_rendering() {
    // An alias over a page is found by check's rules and, in build, only when the redirects
    // are written. At "warning", neither may fail; at "off", neither reports it.
    let (tmp, root) = basic_with_aliases(r#"["/stats/"]"#);
    let toml = root.join("hindsight.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[check.rules]\nbad-alias = \"warning\"\n"),
    )
    .unwrap();
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert_eq!(with_rule(&findings, "bad-alias")[0]["level"], "warning");
    let o = build(&root, &tmp.path().join("public"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("bad-alias"), "{err}");
    // The page keeps its place; no redirect replaces it.
    let stats = std::fs::read_to_string(tmp.path().join("public/stats/index.html")).unwrap();
    assert!(!stats.contains("http-equiv=\"refresh\""));

    std::fs::write(
        &toml,
        format!("{text}\n[check.rules]\nbad-alias = \"off\"\n"),
    )
    .unwrap();
    let o = build(&root, &tmp.path().join("public"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("bad-alias"), "{err}");
}

#[test]
fn an_image_without_alt_in_a_learning_the_overview_or_the_reading_path_is_a_warning_too() {
    let site = Site::with(
        &[
            (
                "content/2024-03-01-disk-full.md",
                "# Disk full\n\n## Impact\n\nThe disk filled.\n",
            ),
            (
                "content/learnings/watch-disks.md",
                "---\ntitle: Watch disks\n---\nThe trend: ![](disk.png)\n\n<img src=\"disk.png\">\n\n\
                 ![Disk usage reached 100% at 14:05](disk.png)\n",
            ),
            ("content/learnings/disk.png", "png"),
            ("content/index.md", "# Our incidents\n\n![](disk.png)\n"),
            (
                "content/onboarding.md",
                "# Start here\n\n<!-- hindsight: allow missing-alt -->\n![](disk.png)\n\n<img src=\"disk.png\">\n",
            ),
            ("content/disk.png", "png"),
        ],
    );
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "a warning: {findings:#?}");
    let at: Vec<_> = with_rule(&findings, "missing-alt")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let f = |file: &str, line, column| (format!("content/{file}"), line, column);
    // At the `!` or the `<`, counted in the file (front matter included); not the described
    // image, nor the one an allow comment silences.
    assert_eq!(
        at,
        [
            f("index.md", 3, 1),
            f("learnings/watch-disks.md", 4, 12),
            f("learnings/watch-disks.md", 6, 1),
            f("onboarding.md", 6, 1),
        ],
        "{findings:#?}"
    );
}

#[test]
fn no_learnings_under_a_heading_in_another_language_points_at_the_learnings_sections_key() {
    let tmp = tempfile::tempdir().unwrap();
    let post = "---\ntitle: Disco cheio\ndate: 2024-03-01\n---\n\n## Resumo\n\nO disco encheu.\n\n\
                ## Lições aprendidas\n\n- Alertar sobre sintomas.\n";
    write_files(tmp.path(), &[("content/2024-03-01-disco-cheio.md", post)]);
    let (_, findings) = check_json(tmp.path(), &[]);
    let missing = with_rule(&findings, "learnings-missing");
    assert_eq!(missing.len(), 1, "{findings:#?}");
    let hint = missing[0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("[learnings]") && hint.contains("sections"),
        "{hint}"
    );
    // What the hint says to do works.
    std::fs::write(
        tmp.path().join("hindsight.toml"),
        "[learnings]\nsections = [\"Lições aprendidas\"]\n",
    )
    .unwrap();
    let (_, findings) = check_json(tmp.path(), &[]);
    assert!(
        with_rule(&findings, "learnings-missing").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn a_finding_an_allow_comment_silences_in_check_does_not_fail_the_build_either() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let post = "---\ntitle: Disk full\ndate: 2024-03-01\n---\n\n## Lessons learned\n\n\
                <!-- hindsight: allow unknown-learning -->\n\
                - Alert on symptoms. <!-- hindsight: learning no-such-thing -->\n";
    write_files(
        root,
        &[
            ("hindsight.toml", "base_url = \"https://kb.example.org/\"\n"),
            ("content/2024-03-01-disk-full.md", post),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(with_rule(&findings, "unknown-learning").is_empty());
    let o = build(root, &root.join("public"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("unknown-learning"), "{}", stderr(&o));
    // Without the comment, both fail on it.
    let text = post.replace("<!-- hindsight: allow unknown-learning -->\n", "");
    write_files(root, &[("content/2024-03-01-disk-full.md", &text)]);
    assert_eq!(check_json(root, &[]).0, Some(1));
    let o = build(root, &root.join("public"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown-learning"), "{}", stderr(&o));
}

#[test]
fn blame_in_the_title_learnings_and_action_items_of_the_front_matter_is_reported_with_a_rephrasing()
{
    let site = Site::with(
        &[(
            "content/a.md",
            "---\ntitle: Bob deleted the prod database\ndate: 2024-01-01\nauthors: [Bob]\nlearnings:\n  - Be more careful next time\naction_items:\n  - text: Retrain Bob\n    owner: Alice\n---\n\nThe root cause was Dave. Bob failed to check the host. We messed up the restore.\n\nAssumed user error at the time; an issue which should have been addressed.\n",
        )],
    );
    let (_, findings) = check_json(&site.root, &[]);
    let found: Vec<(u64, String, String)> = with_rule(&findings, "blameless")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<u64> = found.iter().map(|f| f.0).collect();
    // Title, learning, action item, then three on line 12; none on line 14.
    assert_eq!(lines, vec![2, 6, 8, 12, 12, 12], "{found:#?}");
    let about = |needle: &str| {
        found
            .iter()
            .find(|f| f.1.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {found:#?}"))
    };
    assert!(about("the title names Bob")
        .2
        .contains("title the incident by what happened"));
    assert!(about("“more careful”").2.contains("name the safeguard"));
    assert!(about("“Retrain Bob”")
        .2
        .contains("put the fix in the system"));
    assert!(about("“cause was Dave”")
        .2
        .contains("describe the action and the conditions"));
    assert!(about("“Bob failed to”").2.contains("allow blameless"));
    // YAML holds no allow comment: the hint says how to keep a front-matter finding instead.
    assert!(about("“Retrain Bob”")
        .2
        .contains("cannot hold an allow comment"));
    assert!(about("“messed up”").2.contains("describe the action"));
}

/// A postmortem `id` dated 2024-03-01, with `extra` lines of front matter.
fn outage(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\ntitle: Outage {id}\ndate: 2024-03-01\n{extra}---\n\n# Outage {id}\n\nText.\n")
}

/// (line, column, message) of each finding of `rule` in `file`.
fn placed<'a>(findings: &'a [Value], rule: &str, file: &str) -> Vec<(u64, u64, &'a str)> {
    with_rule(findings, rule)
        .into_iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_action_owner_hint_names_the_owner_in_parentheses_as_the_parser_reads_it() {
    let post = |items: &str| {
        format!("---\ntitle: Queue backed up\ndate: 2024-03-01\n---\n# Queue backed up\n\n## Action items\n\n{items}")
    };
    let site = Site::with(&[(
        "content/owners.md",
        &post("- [ ] Add an alert on consumer lag\n"),
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let found = with_rule(&findings, "action-owner");
    assert_eq!(found.len(), 1, "{findings:#?}");
    let hint = found[0]["hint"].as_str().unwrap();
    assert!(hint.contains("`(team-payments)`"), "{hint}");
    assert!(hint.contains("`(team-payments, due 2025-10-31)`"), "{hint}");
    // The forms the hint names are owners.
    let site = Site::with(&[(
        "content/owners.md",
        &post(
            "- [ ] Add an alert on consumer lag (team-payments)\n\
             - [ ] Write the runbook (team-payments, due 2025-10-31)\n",
        ),
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    assert!(
        with_rule(&findings, "action-owner").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn a_date_taken_from_the_weekday_the_text_names_is_said_to_be_that_day_not_the_first_date() {
    // 29 October 2022 was a Saturday, 31 October a Monday.
    let site = Site::with(&[(
        "content/PM2022-009 - Bad AMI.md",
        "# Bad AMI\n\nOn Monday the nodes rolled over to a bad AMI.\n\n## Timeline\n\n\
         - 2022-10-29 01:02 AMI released\n- 2022-10-31 07:30 Nodes roll over\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let derived = with_rule(&findings, "derived");
    let message = derived[0]["message"].as_str().unwrap();
    assert!(
        message.contains("date 2022-10-31 from the text, the Monday it names, not its first date"),
        "{message}"
    );
}

#[test]
fn an_id_of_raw_html_in_any_quoting_or_case_is_a_section_but_one_in_text_or_a_comment_is_not() {
    let site = Site::with(&[(
        "content/PM2024-101 - Ids.md",
        "# Ids\n\nSee [one](#single), [two](#upper), [three](#bare), [four](#split), \
         [five](#text) and [six](#gone).\n\n## Upper {#upper}\n\nText.\n\n\
         <a id='single'></a> <span ID=\"upper\"></span> <b id=bare>x</b>\n\n\
         <div\n  id=\"split\">\n<p>Write id=\"text\" in text.</p>\n<!-- <a id=\"gone\"> -->\n</div>\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let messages = |rule: &str| -> Vec<String> {
        with_rule(&findings, rule)
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        messages("broken-anchor"),
        [
            "`#text` is not a section of this page",
            "`#gone` is not a section of this page"
        ]
    );
    assert_eq!(
        messages("heading-id"),
        [
            "the heading id `upper` is already the id of an element of this page's HTML \
          (`id=\"upper\"`), so this heading gets `upper-1`"
        ]
    );
}

#[test]
fn a_link_into_a_learning_is_checked_against_its_headings_and_githubs_anchors_lead_to_them() {
    let site = Site::with(&[
        (
            "content/learnings/fire-safety.md",
            "# Fire safety\n\nBack to [the fire](#-fire), [the top](#fire-safety) and \
             [smoke](#-smoke).\n\n## 🔥 Fire\n\nRun.\n\n## Drills\n\nPractise.\n",
        ),
        (
            "content/postmortems/PM2024-101 - Fire.md",
            "# Fire\n\nSee [drills](../learnings/fire-safety.md#drills), \
             [the fire](../learnings/fire-safety.md#-fire), \
             [the learning](../learnings/fire-safety.md#fire-safety) and \
             [drils](../learnings/fire-safety.md#drils).\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let anchors: Vec<_> = with_rule(&findings, "broken-anchor")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        anchors,
        [
            (
                "content/learnings/fire-safety.md",
                "`#-smoke` is not a section of this page",
                "sections of this page: #drills, #fire-fire"
            ),
            (
                "content/postmortems/PM2024-101 - Fire.md",
                "`#drils` is not a section of content/learnings/fire-safety.md",
                "did you mean `#drills`? Anchors are the headings' slugs"
            ),
        ]
    );
    // What check accepts, the build leads to the heading; what it reports stays as written.
    site.build_ok();
    let learning = site.page("learnings/fire-safety/index.html");
    for link in [
        "<a href=\"#fire-fire\">the fire</a>",
        "<a href=\"#\">the top</a>",
        "<a href=\"#-smoke\">smoke</a>",
    ] {
        assert!(learning.contains(link), "{link}: {learning}");
    }
    let postmortem = site.page("incidents/PM2024-101/index.html");
    for link in [
        "<a href=\"../../learnings/fire-safety/#drills\">drills</a>",
        "<a href=\"../../learnings/fire-safety/#fire-fire\">the fire</a>",
        "<a href=\"../../learnings/fire-safety/\">the learning</a>",
        "<a href=\"../../learnings/fire-safety/#drils\">drils</a>",
    ] {
        assert!(postmortem.contains(link), "{link}: {postmortem}");
    }
}

#[test]
fn a_postmortem_with_an_unsafe_id_gets_its_other_findings_in_the_same_run() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: PM2023/004\ntitle: Human error took the site down\ndate: 2099-01-01\nseverity: SEV7\n---\n\nSee [the runbook](runbook.md).\n\n## Lessons learned\n\n- Expiry needs an alert.\n",
        ),
        // The id the stand-in would take, and a link to the file with the unsafe id.
        (
            "content/b.md",
            "---\nid: pm2023-004\ntitle: Queue backlog\ndate: 2024-01-01\n---\n\nSee [the other outage](a.md).\n\n## Lessons learned\n\n- Backlogs need an alert.\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = findings
        .iter()
        .filter(|f| f["file"] == "content/a.md" && f["level"] != "info")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "unsafe-id",
            "blameless",
            "future-date",
            "unknown-severity",
            "broken-link"
        ],
        "{findings:#?}"
    );
    // The fix the hint suggests is an id no other postmortem has.
    let unsafe_id = with_rule(&findings, "unsafe-id");
    assert!(
        unsafe_id[0]["hint"]
            .as_str()
            .unwrap()
            .ends_with("e.g. `id: pm2023-004-2`"),
        "{unsafe_id:?}"
    );
    // Nothing about the other file: no duplicate id, and its link by path leads somewhere.
    let other: Vec<&Value> = findings
        .iter()
        .filter(|f| f["file"] == "content/b.md" && f["level"] != "info")
        .collect();
    assert!(other.is_empty(), "{other:#?}");
}

#[test]
fn a_duplicate_id_and_a_missing_required_field_point_into_the_front_matter() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"t\"\n\n[check]\nrequired = [\"services\"]\n",
        ),
        (
            "content/a.md",
            "---\n# Filled in by the on-call.\ntitle: Disk full\nid: INC-0104\ndate: 2024-01-01\n---\n\nText.\n",
        ),
        (
            "content/b.md",
            "---\nid: INC-0104\ndate: 2024-01-02\nservices: [db]\n---\n\nText.\n",
        ),
        ("content/2024-01-03-no-front-matter.md", "# Fire\n\nText.\n"),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let dup = |file| {
        let d = placed(&findings, "duplicate-id", file);
        assert_eq!(d.len(), 1, "{d:?}");
        (d[0].0, d[0].1)
    };
    assert_eq!(dup("content/a.md"), (4, 1));
    assert_eq!(dup("content/b.md"), (2, 1));
    // At the front matter's first key, as a key missing from an item is reported at the item.
    let required = |file| placed(&findings, "required-field", file);
    assert_eq!(
        required("content/a.md"),
        [(
            3,
            1,
            "`services` is required but not set in the front matter"
        )]
    );
    assert!(required("content/b.md").is_empty());
    assert_eq!(
        required("content/2024-01-03-no-front-matter.md")[0].0,
        1,
        "a file without front matter has no better place"
    );
}

#[test]
fn an_allow_comment_that_names_a_locked_rule_is_reported_as_doing_nothing() {
    let site = Site::with(&[(
        "content/a.md",
        "---\nid: a\ntitle: A\ndate: 2024-01-01\n---\n\n<!-- hindsight: allow duplicate-id, broken-link -->\nSee [x](gone.md).\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let comments = with_rule(&findings, "hindsight-comment");
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert_eq!(
        (comments[0]["line"].as_u64(), comments[0]["column"].as_u64()),
        (Some(7), Some(1))
    );
    assert_eq!(comments[0]["level"], "warning");
    assert_eq!(
        comments[0]["message"],
        "`duplicate-id` is a locked rule, which no comment can silence, so nothing is silenced"
    );
    let hint = comments[0]["hint"].as_str().unwrap();
    assert!(
        hint.contains("`build` cannot produce a correct site"),
        "{hint}"
    );
    assert!(hint.contains("two postmortems with the same id"), "{hint}");
    // The rule that can be silenced is.
    assert!(with_rule(&findings, "broken-link").is_empty());
}

#[test]
fn blameless_passes_over_denials_and_capitalised_words_that_name_things() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"t\"\n\n[learnings]\nconcepts = \"vocabulary.txt\"\n",
        ),
        ("vocabulary.txt", "tools: zorblax\n"),
        (
            "content/a.md",
            "---\nid: a\ntitle: Broker outage\ndate: 2024-01-01\nauthors: [Priya Shah]\nservices: [ledger]\n---\n\n\
             Nobody was to blame. No one is to blame for this. It wasn't human error.\n\n\
             It was caused by Kafka. It was caused by Kubernetes. The root cause was Postgres.\n\n\
             The root cause was Terraform. Amazon's mistake was the ELB. Retrain Kafka consumers.\n\n\
             It was caused by Ledger. The root cause was Zorblax.\n\n\
             The root cause was Dave. The root cause was Priya. Retrain Bob.\n\n\
             No alert fired, and we forgot the renewal.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let found: Vec<(u64, &str)> = placed(&findings, "blameless", "content/a.md")
        .into_iter()
        .map(|(line, _, message)| (line, message))
        .collect();
    assert_eq!(
        found,
        [
            (17, "“cause was Dave” names a person as the cause"),
            (17, "“cause was Priya” names a person as the cause"),
            (17, "“Retrain Bob” puts the fix on a person"),
            (19, "“forgot” puts the cause on a person"),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_list_of_texts_names_the_item_that_is_no_text_and_scalars_read_as_texts() {
    let site = Site::with(&[(
        "content/a.md",
        "---\nid: a\ntitle: A\ndate: 2024-01-01\ntags: [true, 3.5, null]\nauthors: [[nested]]\nservices: adfs\nrelated:\n  - {a: b}\n  - zz\naction_items:\n  - text: Renew the certificate\n    owner: 42\n    status: open\n  - text: Alert on expiry\n    owner: {name: ops}\n---\n\n# A\n\n## Lessons learned\n\n- Expiry needs an alert.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    assert_eq!(
        placed(&findings, "wrong-type", "content/a.md"),
        [
            (5, 19, "`tags` should be a list of texts: item 3 is empty"),
            (
                6,
                11,
                "`authors` should be a list of texts: item 1 is a list"
            ),
            (
                9,
                5,
                "`related` should be a list of texts: item 1 is a mapping"
            ),
            (
                16,
                12,
                "`owner` of an action item should be a text, found a mapping"
            ),
        ],
        "{findings:#?}"
    );
    // The text after the mapping in `related` is found at its own place.
    let related = placed(&findings, "unknown-related", "content/a.md");
    assert_eq!((related[0].0, related[0].1), (10, 5), "{related:?}");
    // `services: adfs` is a list of one (no finding above); `owner: 42` is the owner "42", so
    // the open item has one; the mapping is reported as one, not again as no owner.
    let owners = placed(&findings, "action-owner", "content/a.md");
    assert_eq!(owners, [], "{findings:#?}");
}

#[test]
fn an_invalid_due_date_of_an_item_with_sub_tasks_is_one_warning_where_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-03-01-dns.md",
            "# DNS outage\n\n## Action items\n\n\
             - CoreDNS upgrade process (due 2024-13-45)\n  \
               - Write an upgrade runbook (owner: team-dns)\n  \
               - Add a staging soak test (done)\n",
        )],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let bad: Vec<(u64, u64)> = with_rule(&findings, "bad-date")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(bad, [(5, 32)], "{findings:#?}");
}

#[test]
fn a_due_date_neither_dates_a_postmortem_nor_fails_check_as_a_future_date() {
    // No front matter: the only date is the due date of a follow-up in Lessons learned.
    let site = Site::with(&[(
        "content/INC-0300 checkout.md",
        "# Checkout errors\n\n## Summary\n\nCheckout returned errors after a deploy.\n\n\
         ## Lessons learned\n\n- Alert on the checkout error rate.\n\n\
         - Add checkout error alert (team-pay, due 2099-01-31)\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert!(
        with_rule(&findings, "future-date").is_empty(),
        "{findings:#?}"
    );
    assert_eq!(code, Some(0), "{findings:#?}");
    let message = with_rule(&findings, "derived")[0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("; no date (the postmortem is listed as undated"),
        "{message}"
    );
    // `started_at` and an action-item table whose Due cell is later: the start dates it.
    let site = Site::with(&[(
        "content/INC-0301 payments.md",
        "---\nstarted_at: 2024-11-20T10:00:00Z\n---\n# Payments slow\n\n## Summary\n\nSlow.\n\n\
         ## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n| Add a latency alert | team-pay | 2099-12-20 |\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert!(
        with_rule(&findings, "future-date").is_empty(),
        "{findings:#?}"
    );
    assert_eq!(code, Some(0), "{findings:#?}");
    let message = with_rule(&findings, "derived")[0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("; date 2024-11-20 from `started_at`;"),
        "{message}"
    );
}

#[test]
fn the_derived_note_names_the_front_matter_time_that_dates_a_postmortem() {
    let post = |times: &str| format!("---\ntitle: Queue backed up\n{times}---\n\nIt broke.\n");
    let site = Site::with(&[
        (
            "content/started.md",
            &post("started_at: 2024-02-08T23:30:00-05:00\ndetected_at: 2024-02-09T06:00:00Z\n"),
        ),
        (
            "content/detected.md",
            &post("detected_at: 2024-02-09T06:00:00Z\n"),
        ),
        (
            "content/resolved.md",
            &post("resolved_at: 2024-02-11T06:00:00Z\n"),
        ),
        // A future start is reported once, at `started_at`, not again as the incident date.
        (
            "content/future.md",
            &post("started_at: 2099-01-01T10:00:00Z\n"),
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let note = |file: &str| {
        with_rule(&findings, "derived")
            .into_iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("{file}: {findings:#?}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let started = note("started.md");
    assert!(
        started.contains("date 2024-02-08 from `started_at`"),
        "{started}"
    );
    let detected = note("detected.md");
    assert!(
        detected.contains("date 2024-02-09 from `detected_at`"),
        "{detected}"
    );
    let resolved = note("resolved.md");
    assert!(
        resolved
            .contains("date 2024-02-11 from `resolved_at` (the file name and the text give none)"),
        "{resolved}"
    );
    let future = note("future.md");
    assert!(
        future.contains("date 2099-01-01 from `started_at`"),
        "{future}"
    );
    let late = with_rule(&findings, "future-date");
    assert_eq!(late.len(), 1, "{late:#?}");
    assert_eq!(
        (late[0]["line"].as_u64(), late[0]["message"].as_str()),
        (
            Some(3),
            Some("`started_at` 2099-01-01T10:00:00+00:00 is in the future")
        )
    );
}

#[test]
fn every_fault_of_hindsight_toml_is_reported_in_one_run_each_at_its_key_or_value() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "titel = \"KB\"\n\
             feed_limit = \"20\"\n\
             base_url = \"example.org/pm\"\n\
             theme = \"nope\"\n\
             ignore = [\"drafts/**\", 3]\n\
             \n\
             [check]\n\
             required = [\"servics\"]\n\
             \n\
             [check.rules]\n\
             yaml-invalid = \"warning\"\n\
             no-such-rule = \"off\"\n\
             \n\
             [learnings]\n\
             concepts = \"vocabulary.txt\"\n",
        ),
        ("content/a.md", "# Disk full\n\nThe disk filled up.\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let found: Vec<(String, u64, u64)> = with_rule(&findings, "config")
        .iter()
        .map(|f| {
            assert_eq!(f["file"], "hindsight.toml");
            assert!(!f["hint"].as_str().unwrap().is_empty(), "{f}");
            (
                f["message"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: [(&str, u64, u64); 8] = [
        ("unknown key `titel`", 1, 1),
        ("`feed_limit` must be a whole number", 2, 14),
        ("`base_url`: `example.org/pm` is not an absolute URL", 3, 12),
        ("`theme`: there is no theme `nope`", 4, 9),
        ("`ignore` must be an array of strings, but item 2", 5, 24),
        ("`required` names `servics`", 8, 13),
        ("rule `yaml-invalid` is always an error", 11, 16),
        ("unknown rule `no-such-rule`", 12, 1),
    ];
    for (start, line, column) in expected {
        assert!(
            found
                .iter()
                .any(|(m, l, c)| m.starts_with(start) && (*l, *c) == (line, column)),
            "{start} at {line}:{column}: {found:#?}"
        );
    }
    let vocabulary = "cannot read the vocabulary file `vocabulary.txt`";
    assert!(
        found
            .iter()
            .any(|(m, l, c)| m.starts_with(vocabulary) && (*l, *c) == (15, 12)),
        "{found:#?}"
    );
    assert_eq!(found.len(), expected.len() + 1, "{found:#?}");
    // `build` reports the same findings in its one run.
    let o = build(&site.root, &site.out);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("build failed with 9 errors"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_type_error_in_toml_front_matter_is_reported_at_its_line_and_column_in_the_file() {
    let site = Site::with(&[(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\ntags = [\"dns\", 3.5, [\"nested\"]]\nseverity = [\"SEV1\"]\n\n[[action_items]]\ntext = \"Renew the certificate\"\nowner = { name = \"ops\" }\n+++\n\n# A\n\n## Lessons learned\n\n- Expiry needs an alert.\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    assert_eq!(
        placed(&findings, "wrong-type", "content/a.md"),
        [
            (4, 21, "`tags` should be a list of texts: item 3 is a list"),
            (5, 1, "`severity` should be a severity name, found a list"),
            (
                9,
                9,
                "`owner` of an action item should be a text, found a mapping"
            ),
        ],
        "{findings:#?}"
    );
    let hints: Vec<&str> = with_rule(&findings, "wrong-type")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert!(hints[1].contains("`severity = \"SEV2\"`"), "{hints:?}");
}

#[test]
fn a_mistyped_date_of_the_text_is_a_warning_where_nothing_else_dates_the_incident_to_the_day() {
    let tmp = tempfile::tempdir().unwrap();
    let timeline = |first: &str| {
        format!("# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| {first} 12:00 | It broke |\n| 2020-01-17 09:00 | Fixed |\n")
    };
    write_files(
        tmp.path(),
        &[
            // Only the year in the file name, and a five-digit year typed in the timeline.
            (
                "content/PM2020-003 - ADSync.md",
                &timeline("20202-01-16").replace("| 2020-01-17 09:00 | Fixed |\n", ""),
            ),
            // No date anywhere but a day February does not have.
            (
                "content/outage.md",
                "# Outage\n\nIt started on 2024-02-30 at noon.\n",
            ),
            // Another date of the text, or the front matter, dates it: no finding.
            ("content/PM2020-004 - Other.md", &timeline("20202-01-16")),
            (
                "content/dated.md",
                &format!("---\ndate: 2020-01-16\n---\n{}", timeline("20202-01-16")),
            ),
        ],
    );
    let (code, findings) = check_json(tmp.path(), &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let bad: Vec<(&str, u64, u64, &str, &str)> = located(&findings, "bad-date");
    assert_eq!(
        bad,
        [
            (
                "content/PM2020-003 - ADSync.md",
                7,
                3,
                "`20202-01-16` is written like a date but is none (its year has five digits; did you mean 2020-01-16?), so the date is 2020-01-01, from the year in the file name",
                "write it as 2020-01-16 in the text, or set `date: 2020-01-16` in the front matter"
            ),
            (
                "content/outage.md",
                3,
                15,
                "`2024-02-30` is written like a date but is none (February 2024 has 29 days; write a day from 01 to 29, e.g. `2024-02-29`), so no date is read from the text",
                "correct the date in the text, or set the incident's date in the front matter, e.g. `date: 2024-03-01`"
            ),
        ],
        "{findings:#?}"
    );
}

#[test]
fn toml_front_matter_that_is_never_closed_or_cannot_be_read_is_an_error_and_nothing_else() {
    let site = Site::with(&[
        (
            "content/open.md",
            "+++\ntitle = \"Open\"\n\n# Open\n\nIt broke.\n",
        ),
        (
            "content/bad.md",
            "+++\ntitle = \"Bad\"\nseverity = SEV1\n+++\n\n# Bad\n\nIt broke.\n",
        ),
        (
            "content/twice.md",
            "+++\ntitle = \"Twice\"\nseverity = \"SEV1\"\nseverity = \"SEV2\"\n+++\n\n# Twice\n\nIt broke.\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let open = placed(&findings, "yaml-invalid", "content/open.md");
    assert_eq!(
        open,
        [(
            1,
            1,
            "front matter opened with `+++` on line 1 is never closed"
        )],
        "{findings:#?}"
    );
    let bad = placed(&findings, "yaml-invalid", "content/bad.md");
    assert_eq!((bad.len(), bad[0].0, bad[0].1), (1, 3, 12), "{findings:#?}");
    assert!(bad[0].2.starts_with("invalid TOML front matter"), "{bad:?}");
    // A key written twice is named at its second line, with one line to delete.
    let twice = with_rule(&findings, "yaml-invalid")
        .into_iter()
        .find(|f| f["file"] == "content/twice.md")
        .unwrap();
    assert_eq!(twice["line"], 4, "{twice:#}");
    assert!(
        twice["hint"]
            .as_str()
            .unwrap()
            .starts_with("keep one `severity =` line and delete the other"),
        "{twice:#}"
    );
    // No other finding about either file: they follow from the front matter left unread.
    let others: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] != "yaml-invalid")
        .filter(|f| f["file"] == "content/open.md" || f["file"] == "content/bad.md")
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn each_script_event_handler_and_javascript_url_is_an_unsafe_html_warning_where_it_is_written() {
    let site = Site::with(&[(
        "content/postmortems/banner.md",
        &format!(
            "{}\n<script>alert(1)</script>\n\n\
             Cached <img src=\"https://example.org/b.png\" alt=\"banner\" onerror=\"alert(2)\">.\n\n\
             See the [replay](javascript:alert(3)) and <a href=\"data:text/html,hi\">this</a>.\n\n\
             <!-- hindsight: allow unsafe-html -->\n<b onclick=\"x()\">known</b>\n\n\
             <img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">\n",
            outage("BANNER-1", "")
        ),
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    let found: Vec<(u64, u64, &str, &str)> = with_rule(&findings, "unsafe-html")
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["level"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    let at: Vec<(u64, u64)> = found.iter().map(|f| (f.0, f.1)).collect();
    // The script's `<`, the handler's name, the Markdown link's `[` and the `data:` URL; the
    // allowed `onclick` and an image's `data:` URL are not reported.
    assert_eq!(at, vec![(11, 1), (13, 58), (15, 9), (15, 52)], "{found:#?}");
    assert!(found.iter().all(|f| f.2 == "warning"), "{found:#?}");
    assert!(found[0]
        .3
        .contains("`<script>` is left out of the published page"));
    assert!(found[1].3.contains("`onerror` attribute"));
    assert!(found[2].3.contains("`javascript:` URL"));
    assert!(found[3].3.contains("`data:` URL"));
    assert_eq!(code, Some(0), "a warning does not fail the check");
}

#[test]
fn a_utf16_file_is_read_and_reported_as_utf16_with_a_hint_to_save_it_as_utf8() {
    let text = "---\r\nid: INC-10\r\ntitle: Café outage\r\ndate: 2024-03-03\r\n---\r\n\r\n## What happened\r\n\r\nThe café's [runbook](missing.md) 🧾.\r\n";
    let bytes: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let site = Site::empty();
    std::fs::create_dir_all(site.root.join("content")).unwrap();
    std::fs::write(site.root.join("content/INC-10-utf16.md"), bytes).unwrap();
    let (_, findings) = check_json(&site.root, &[]);
    let encoding = with_rule(&findings, "encoding");
    assert_eq!(encoding.len(), 1, "{findings:#?}");
    let f = encoding[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(f["level"], "warning");
    assert!(f["message"].as_str().unwrap().contains("UTF-16LE"), "{f}");
    assert!(
        f["hint"].as_str().unwrap().contains("-Encoding utf8"),
        "{f}"
    );
    // The text is read as text: its front matter holds, and a finding in it is at the line and
    // column an editor shows.
    assert!(
        with_rule(&findings, "yaml-invalid").is_empty(),
        "{findings:#?}"
    );
    let broken = with_rule(&findings, "broken-link");
    assert_eq!(broken.len(), 1, "{findings:#?}");
    assert_eq!(
        (broken[0]["line"].as_u64(), broken[0]["column"].as_u64()),
        (Some(9), Some(12))
    );
}

#[test]
fn a_date_that_is_no_date_is_pointed_at_its_value_and_labelled_with_what_is_wrong() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ntitle: X\ndate: 2025-05-40\nstarted_at: tomorrow\n---\n\n## Summary\n\nA thing broke.\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let at: Vec<(u64, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "bad-date")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, vec![(3, 7), (4, 13)]);
    let o = check(&site.root, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("/content/a.md:3:7]"), "{out}");
    assert!(
        out.contains("╰── a date or time that cannot be read"),
        "{out}"
    );
    assert!(!out.contains("╰── content/a.md"), "{out}");
}

#[test]
fn hugo_front_matter_keys_check_clean_in_toml_and_yaml_with_one_note_naming_those_not_used() {
    let site = Site::with(&[
        (
            "content/hugo.md",
            "+++\ntitle = \"Hugo style\"\ndate = 2024-03-01\ndraft = false\ncategories = [\"dns\"]\nweight = 10\nlastmod = 2024-03-05T10:00:00Z\nSlug = \"hugo-style\"\n+++\n\n# Hugo style\n\nA record pointed at the old load balancer.\n\n## Lessons learned\n\n- A long TTL keeps a bad record alive.\n",
        ),
        (
            "content/hugo-yaml.md",
            "---\ntitle: Hugo in YAML\ndate: 2024-03-02\ndraft: false\ncategories: [dns]\nweight: 3\ntoc: true\n---\n\n# Hugo in YAML\n\nThe certificate expired.\n\n## Lessons learned\n\n- Expiry needs an alert.\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let loud: Vec<_> = findings.iter().filter(|f| f["level"] != "info").collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert_eq!(
        placed(&findings, "hugo-key", "content/hugo.md"),
        [(
            6,
            1,
            "Hugo front-matter keys that Hindsight does not use: `weight`, `lastmod`, `Slug`"
        )],
        "{findings:#?}"
    );
    let note = with_rule(&findings, "hugo-key")
        .into_iter()
        .find(|f| f["file"] == "content/hugo.md")
        .unwrap();
    assert!(
        note["hint"]
            .as_str()
            .unwrap()
            .contains("add that path to `aliases`"),
        "{note:#?}"
    );
    assert_eq!(
        placed(&findings, "hugo-key", "content/hugo-yaml.md"),
        [(
            6,
            1,
            "Hugo front-matter keys that Hindsight does not use: `weight`, `toc`"
        )],
        "{findings:#?}"
    );
}

#[test]
fn a_key_of_a_team_s_own_is_an_unknown_key_whose_hint_gives_the_line_that_keeps_it() {
    let site = Site::with(&[(
        "content/own.md",
        "---\nid: PM2024-001\ntitle: Own keys\ndate: 2024-01-02\njira: OPS-1234\nimpact: high\nlearnings: [Keep runbooks current]\n---\n\nIt broke.\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let unknown = with_rule(&findings, "unknown-key");
    assert_eq!(unknown.len(), 2, "{findings:#?}");
    for (f, key) in unknown.iter().zip(["jira", "impact"]) {
        let hint = f["hint"].as_str().unwrap();
        assert!(
            hint.starts_with(&format!(
                "keep `{key}` as a key of your own by writing `unknown-key = \"warning\"` (or `\"off\"`) under `[check.rules]` in hindsight.toml; known keys: "
            )),
            "{hint}"
        );
    }
    // The line the hint gives does keep them: check passes and the site builds.
    std::fs::write(
        site.root.join("hindsight.toml"),
        "[check.rules]\nunknown-key = \"warning\"\n",
    )
    .unwrap();
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let unknown = with_rule(&findings, "unknown-key");
    assert_eq!(unknown.len(), 2, "{findings:#?}");
    for f in unknown {
        assert_eq!(f["level"], "warning");
        // It no longer tells to write what is written.
        let hint = f["hint"].as_str().unwrap();
        assert!(
            hint.starts_with("a key of your own is kept as it is; set `unknown-key = \"off\"`"),
            "{hint}"
        );
    }
    site.build_ok();
}

#[test]
fn a_typo_in_a_hugo_postmortem_is_still_an_unknown_key_with_a_suggestion() {
    let site = Site::with(&[(
        "content/hugo.md",
        "+++\ntitel = \"Hugo style\"\ncategries = [\"dns\"]\ndraft = \"maybe\"\nweight = 1\n+++\n\n# Hugo style\n\nIt broke.\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let unknown = with_rule(&findings, "unknown-key");
    let said: Vec<(&str, &str)> = unknown
        .iter()
        .map(|f| (f["message"].as_str().unwrap(), f["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(
        said,
        [
            ("unknown front-matter key `titel`", "did you mean `title`?"),
            (
                "unknown front-matter key `categries`",
                "did you mean `categories`?"
            ),
        ],
        "{findings:#?}"
    );
    assert_eq!(
        placed(&findings, "wrong-type", "content/hugo.md"),
        [(4, 1, "`draft` should be true or false, found a text")],
        "{findings:#?}"
    );
}

#[test]
fn check_reads_the_severity_and_services_the_text_states_as_build_does() {
    let site = Site::with(&[(
        "content/2022-11-25-push-storm.md",
        "# Push storm\n\n## Summary\n\nThe promotion was sent four times.\n\nSeverity: SEV3. Services involved: notifications, campaign scheduler and ios-app.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let derived = with_rule(&findings, "derived");
    assert_eq!(derived.len(), 1, "{findings:#?}");
    let message = derived[0]["message"].as_str().unwrap();
    assert!(
        message.contains("; severity SEV3 from the text; ")
            && message
                .ends_with("; services notifications, campaign scheduler, ios-app from the text"),
        "{message}"
    );
}

#[test]
fn same_page_anchors_of_the_overview_and_the_reading_path_are_checked_as_a_postmortems_are() {
    let site = Site::with(&[
        (
            "content/postmortems/2024-03-01-disk-full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up.\n",
        ),
        (
            "content/index.md",
            "# Welcome\n\nSee [how to read](#how-to-read), [the 🔥 one](#-fire), \
             [the top](#welcome), [the note](#note)[^1] and [nothing](#how-to-raed).\n\n\
             ## How to read\n\nSlowly.\n\n## 🔥 Fire\n\nOnce.\n\n<a id=\"note\"></a>\n\n[^1]: A footnote.\n",
        ),
        (
            "content/onboarding.md",
            "---\ntitle: Start here\n---\nRead [the list](#the-list) and [the footnote](#fn-1)\n\
             and [the end](#the-end).\n\n## The list\n\nOne.\n\n[^1]: Why.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let broken: Vec<_> = located(&findings, "broken-anchor");
    assert_eq!(
        broken,
        [
            (
                "content/index.md",
                3,
                102,
                "`#how-to-raed` is not a section of this page",
                "did you mean `#how-to-read`? Anchors are the headings' slugs"
            ),
            (
                "content/onboarding.md",
                5,
                5,
                "`#the-end` is not a section of this page",
                "sections of this page: #fn-1, #the-list"
            ),
        ]
    );
    // The build leads GitHub's anchor of a heading to its id, on these pages too.
    site.build_ok();
    let index = site.page("index.html");
    assert!(
        index.contains("<a href=\"#fire-fire\">the 🔥 one</a>"),
        "{index}"
    );
    assert!(index.contains("<a href=\"#\">the top</a>"), "{index}");
}

#[test]
fn an_event_handler_that_a_noscript_or_an_svg_style_seems_to_hide_is_an_unsafe_html_warning() {
    // For a browser with scripts on, as for the sanitizer, the text of a `<noscript>` ends at
    // the first `</noscript>`, inside the quotes or not, so the `<img>` after it is live; in an
    // `<svg>`, a `<style>`'s text is tags. A tag in the text of a `<noscript>` is text.
    let site = Site::with(&[(
        "content/postmortems/hidden.md",
        &format!(
            "{}\n<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>\n\n\
             <div><noscript><b title=\"</noscript><img src=y onclick=alert(2)>\"></b></noscript></div>\n\n\
             <div><svg><style><img src=z onload=alert(3)></style></svg></div>\n\n\
             <noscript><img src=https://example.org/w.png alt=\"\" onerror=alert(4)></noscript>\n",
            outage("HIDDEN-1", "")
        ),
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    assert_eq!(
        placed(&findings, "unsafe-html", "content/postmortems/hidden.md"),
        [
            (11, 43, "this `onerror` attribute is left out of the published page: an event handler runs a script"),
            (13, 48, "this `onclick` attribute is left out of the published page: an event handler runs a script"),
            (15, 11, "this `<style>` is left out of the published page, with its content: a page cannot restyle the site"),
            (15, 29, "this `onload` attribute is left out of the published page: an event handler runs a script"),
        ],
        "{findings:#?}"
    );
    // The sanitizer read the same: each `<img>` is on the page without its handler, and the
    // one in the `<noscript>` is text.
    site.build_ok();
    let page = site.page("incidents/HIDDEN-1/index.html");
    for img in ["<img src=\"x\">", "<img src=\"y\">", "<img src=\"z\">"] {
        assert!(page.contains(img), "{img} in {page}");
    }
    for handler in ["alert(1)", "alert(2)", "alert(3)"] {
        assert!(!page.contains(handler), "{handler} in {page}");
    }
    assert!(
        page.contains("<p>&lt;img src=https://example.org/w.png"),
        "{page}"
    );
}

#[test]
fn a_script_in_an_svg_or_html_attachment_is_an_unsafe_attachment_warning_where_the_file_holds_it() {
    let site = Site::with(&[
        ("hindsight.toml", "trusted_attachments = [\"flame.svg\"]\n"),
        (
            "content/postmortems/map.md",
            &format!(
                "{}\n![map](map.svg), the [report](report.html), the [flame graph](flame.svg) and a [chart](chart.svg).\n",
                outage("MAP-1", "")
            ),
        ),
        (
            "content/postmortems/map.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect onclick=\"alert(1)\"/>\n  <!-- hindsight: allow unsafe-attachment -->\n  <a href=\"javascript:alert(2)\"/>\n</svg>\n",
        ),
        (
            "content/postmortems/report.html",
            "<!DOCTYPE html>\n<p>p99</p><script>alert(3)</script>\n",
        ),
        (
            "content/postmortems/flame.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>init()</script></svg>\n",
        ),
        (
            "content/postmortems/chart.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    let found: Vec<(&str, u64, u64, &str, &str)> = with_rule(&findings, "unsafe-attachment")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["level"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    // The handler and the script where the files hold them; the URL after the allow comment,
    // the trusted flame graph and the clean chart are not reported.
    assert_eq!(
        found,
        [
            (
                "content/postmortems/map.svg",
                2,
                9,
                "warning",
                "this `onclick` attribute is left out of the published copy of this attachment: an event handler runs a script"
            ),
            (
                "content/postmortems/report.html",
                2,
                11,
                "warning",
                "this `<script>` is left out of the published copy of this attachment, with its content: a file opened on the site cannot run scripts there"
            ),
        ],
        "{findings:#?}"
    );
    assert!(with_rule(&findings, "unsafe-attachment")[0]["hint"]
        .as_str()
        .unwrap()
        .contains("`trusted_attachments`"));
    assert_eq!(code, Some(0), "a warning does not fail the check");
    assert!(!site.root.join("public").exists(), "check writes nothing");
}

/// Where `hint` shows a YAML key being set (`` `title: `` or `` `id:` ``) or a YAML list item
/// (`` `- ``), if anywhere.
fn yaml_in(hint: &str) -> Option<&str> {
    hint.match_indices('`').find_map(|(i, _)| {
        let rest = &hint[i + 1..];
        if rest.starts_with("- ") {
            return Some(rest);
        }
        let key = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        let after = &rest[key..];
        (key > 0 && (after.starts_with(": ") || after.starts_with(":`"))).then_some(rest)
    })
}

#[test]
fn every_hint_about_a_file_with_toml_front_matter_shows_toml() {
    let pm = |id: &str, more: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Outage {id}\"\ndate = 2024-03-01\n{more}+++\n\nThe disk filled.\n"
        )
    };
    let alike = "learnings = [\"Alert on disk usage well before the disk fills up\"]\n";
    let owned = "[[action_items]]\ntext = \"Add an alert\"\nowner = \"sre\"\n";
    let files = [
        (
            "hindsight.toml".to_string(),
            "[check]\nrequired = [\"severity\"]\n".to_string(),
        ),
        (
            "content/a.md".to_string(),
            "+++\nid = \"INC-1\"\ntitle = \"Outage\"\ndate = 2999-01-01\nstarted_at = 2999-01-01T10:00:00Z\npublishDate = 2024-01-01\nlearnings = []\n\n[[action_items]]\ntext = \"Add an alert\"\n+++\n\nThe disk filled. <!-- hindsight: learning disk-alerts -->\n".to_string(),
        ),
        ("content/b.md".to_string(), pm("INC-2", &format!("{alike}{owned}"))),
        ("content/c.md".to_string(), pm("INC-2", &format!("{alike}{owned}"))),
        ("content/d.md".to_string(), pm("bad id", &format!("{alike}{owned}"))),
        (
            "content/e.md".to_string(),
            "+++\ntitle = \"Derived id\"\ndate = 2024-03-01\nlearnings = [\"Keep a runbook for restores\"]\n+++\n\nText.\n".to_string(),
        ),
        ("content/f.md".to_string(), "+++\n+++\n".to_string()),
        ("content/g.md".to_string(), pm("INC-7", "action_items = [[\"a\"]]\n")),
        (
            "content/onboarding.md".to_string(),
            "+++\ntitle = \"Start here\"\n\n[[path]]\nincident = \"INC-9\"\nwhy = \"x\"\n\n[[path]]\nlearning = \"INC-2\"\nwhy = \"y\"\n+++\n".to_string(),
        ),
        (
            "old-sitemap.xml".to_string(),
            "<urlset>\n<url><loc>https://x.org/</loc></url>\n<url><loc>https://x.org/incidents/INC-10/</loc></url>\n</urlset>\n".to_string(),
        ),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = Site::with(&files);
    let baseline = site.root.join("old-sitemap.xml");
    let (_, findings) = check_json(&site.root, &["--baseline", baseline.to_str().unwrap()]);
    let rules: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "future-date",
        "learnings-missing",
        "action-owner",
        "hindsight-comment",
        "hugo-key",
        "required-field",
        "duplicate-id",
        "unsafe-id",
        "derived",
        "empty-file",
        "wrong-type",
        "path-step",
        "near-duplicate-learning",
        "dropped-url",
    ] {
        assert!(rules.contains(rule), "no {rule} in {findings:#?}");
    }
    for f in &findings {
        let hint = f["hint"].as_str().unwrap();
        assert!(yaml_in(hint).is_none(), "a hint in YAML: {f:#}");
    }
    let hint_of = |rule: &str| {
        with_rule(&findings, rule)
            .iter()
            .map(|f| f["hint"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (rule, toml) in [
        ("required-field", "`severity = ...`"),
        ("action-owner", "`owner = \"team-or-person\"`"),
        ("unsafe-id", "`id = \"bad-id\"`"),
        ("duplicate-id", "`id =`"),
        ("future-date", "`started_at = 2024-03-01T14:05:00Z`"),
        (
            "learnings-missing",
            "`learnings = [\"Alert on symptoms, not causes\"]`",
        ),
        ("hindsight-comment", "`id =`"),
        ("hugo-key", "`draft = true`"),
        ("derived", "`id = \"e\"`"),
        ("empty-file", "`title =`"),
        ("wrong-type", "`[[action_items]]`"),
        ("path-step", "`incident = \"INC-2\"`"),
        ("near-duplicate-learning", "`[[learnings]]`"),
        ("dropped-url", "`aliases = [\"INC-10\"]`"),
    ] {
        assert!(hint_of(rule).contains(toml), "{rule}: {}", hint_of(rule));
    }
}

#[test]
fn a_utf32_file_is_reported_as_utf32_and_a_unit_that_is_no_character_is_a_warning_at_its_place() {
    let text = "---\nid: INC-10\ntitle: Café outage\ndate: 2024-03-03\n---\n\nThe café's till 🧾 stopped X and Y.\n";
    let site = Site::empty();
    std::fs::create_dir_all(site.root.join("content")).unwrap();
    // A unit above U+10FFFF for the X, and a surrogate for the Y.
    let units = text.chars().map(|c| match c {
        'X' => 0x0011_0000,
        'Y' => 0xdc00,
        c => c as u32,
    });
    let bytes: Vec<u8> = std::iter::once(0xfeff)
        .chain(units)
        .flat_map(u32::to_be_bytes)
        .collect();
    std::fs::write(site.root.join("content/INC-10-utf32.md"), bytes).unwrap();
    let (code, findings) = check_json(&site.root, &[]);
    let encoding = with_rule(&findings, "encoding");
    assert_eq!(encoding.len(), 2, "{findings:#?}");
    let (read, invalid) = (encoding[0], encoding[1]);
    assert_eq!(
        (
            read["level"].as_str(),
            read["line"].as_u64(),
            read["column"].as_u64()
        ),
        (Some("warning"), Some(1), Some(1))
    );
    assert!(
        read["message"].as_str().unwrap().contains("UTF-32BE"),
        "{read}"
    );
    assert!(
        read["hint"].as_str().unwrap().contains("iconv -f UTF-32"),
        "{read}"
    );
    // The first unit that is no character, at the line and column an editor shows it.
    assert_eq!(
        (
            invalid["level"].as_str(),
            invalid["line"].as_u64(),
            invalid["column"].as_u64()
        ),
        (Some("warning"), Some(7), Some(27))
    );
    let message = invalid["message"].as_str().unwrap();
    assert!(message.contains("0x00110000"), "{message}");
    assert!(message.contains("1 more"), "{message}");
    // At the level of its rule, as an invalid UTF-8 byte is: warnings alone pass.
    assert_eq!(code, Some(0));
    // The rest is read as text.
    assert!(
        with_rule(&findings, "yaml-invalid").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn a_related_id_that_is_the_postmortems_own_is_a_warning_at_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/a.md",
                &outage(
                    "PM2024-001",
                    "aliases: [OLD-1]\nrelated: [PM2024-002, PM2024-001, OLD-1]\n",
                ),
            ),
            ("content/b.md", &outage("PM2024-002", "")),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!(code, Some(0), "a warning, not an error: {findings:#?}");
    let found = placed(&findings, "unknown-related", "content/a.md");
    let at: Vec<_> = found.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(at, [(6, 23), (6, 35)], "{found:#?}");
    assert!(
        found[0].2.contains("this postmortem's own id"),
        "{}",
        found[0].2
    );
    assert!(found[1].2.contains("own old id"), "{}", found[1].2);
    assert!(
        with_rule(&findings, "unknown-related")
            .iter()
            .all(|f| f["level"] == "warning"),
        "{findings:#?}"
    );
}

#[test]
#[cfg(unix)]
fn a_template_or_static_file_of_the_theme_that_links_outside_the_site_root_is_not_read() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = basic_with_theme(tmp.path(), &[]);
    let key = tmp.path().join("id_rsa");
    std::fs::write(&key, "-----BEGIN OPENSSH PRIVATE KEY----- SECRET-7\n").unwrap();
    let theme = root.join("themes/default");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    // A template with no tags at all would be published as it is, as the 404 page.
    symlink(&key, theme.join("templates/404.html")).unwrap();
    symlink(&key, theme.join("static/style.css")).unwrap();
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(1));
    let files: Vec<&str> = with_rule(&findings, "symlink-outside")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "themes/default/static/style.css",
            "themes/default/templates/404.html"
        ],
        "{findings:#?}"
    );
    let human = check(&root, &[]);
    assert!(!String::from_utf8_lossy(&human.stdout).contains("SECRET-"));
    let out = tmp.path().join("public");
    let o = build(&root, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("`themes/default/templates/404.html` is a symbolic link"));
    assert!(!stderr(&o).contains("SECRET-"));
    assert!(!out.exists(), "nothing is published");
}

#[test]
#[cfg(unix)]
fn a_hindsight_toml_or_vocabulary_file_outside_the_site_root_is_not_read_nor_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("basic"), &root);
    // Neither is TOML or a vocabulary: read, each line would be shown under a finding.
    let secret = tmp.path().join("environ");
    std::fs::write(&secret, "SECRET-9 = = =\nTOKEN SECRET-10\n").unwrap();
    let config = root.join("hindsight.toml");
    let kept = std::fs::read_to_string(&config).unwrap();
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink(&secret, &config).unwrap();
    let human = |root: &Path| String::from_utf8_lossy(&check(root, &[]).stdout).into_owned();
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "symlink-outside");
    assert_eq!(findings[0]["file"], "hindsight.toml");
    assert!(!human(&root).contains("SECRET-"));

    std::fs::remove_file(&config).unwrap();
    for named in [secret.to_str().unwrap(), "vocabulary.txt"] {
        let text = format!("{kept}\n[learnings]\nconcepts = \"{named}\"\n");
        std::fs::write(&config, text).unwrap();
        if named == "vocabulary.txt" {
            std::os::unix::fs::symlink(&secret, root.join(named)).unwrap();
        }
        let (code, findings) = check_json(&root, &[]);
        assert_eq!(code, Some(1));
        let outside = with_rule(&findings, "symlink-outside");
        assert_eq!(outside.len(), 1, "{findings:#?}");
        assert_eq!(outside[0]["file"], "hindsight.toml");
        let message = outside[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "the vocabulary file `{named}` of `[learnings] concepts` leads outside"
            )),
            "{message}"
        );
        assert!(
            with_rule(&findings, "vocabulary").is_empty(),
            "{findings:#?}"
        );
        assert!(!human(&root).contains("SECRET-"));
    }
}

#[test]
fn a_learning_or_action_item_key_written_twice_in_two_cases_is_a_duplicate_key_at_its_place() {
    let site = Site::with(&[
        (
            "content/yaml.md",
            "---\nid: INC-1\ntitle: Disk full\ndate: 2024-03-01\nlearnings:\n  - Text: Alerts need owners\n    ID: alert-owners\naction_items:\n  - Text: Add alert\n    owner: sre\n    Owner: ops\n    Status: done\n---\n\nThe disk filled.\n",
        ),
        (
            "content/toml.md",
            "+++\nid = \"INC-2\"\ntitle = \"Queue stalled\"\ndate = 2024-03-02\n\n[[action_items]]\nText = \"Add a lag alert\"\nstatus = \"open\"\nSTATUS = \"done\"\n+++\n\nThe queue stalled.\n",
        ),
    ]);
    let o = check(&site.root, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("content/yaml.md:11:5"), "{out}");
    assert!(out.contains("content/toml.md:9:1"), "{out}");
    let (_, findings) = check_json(&site.root, &[]);
    let dup = with_rule(&findings, "duplicate-key");
    assert_eq!(dup.len(), 2, "{findings:#?}");
    assert!(
        with_rule(&findings, "unknown-key").is_empty(),
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "wrong-type").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn a_utf32_unit_that_is_no_character_follows_the_level_of_the_encoding_rule() {
    let text = "---\nid: INC-11\ntitle: Till outage\ndate: 2024-03-03\n---\n\nThe till X stopped.\n\n## Learnings\n\n- Tills need a spare.\n";
    let site = Site::empty();
    std::fs::create_dir_all(site.root.join("content")).unwrap();
    let bytes: Vec<u8> = std::iter::once(0xfeff)
        .chain(text.chars().map(|c| match c {
            'X' => 0xd800,
            c => c as u32,
        }))
        .flat_map(u32::to_le_bytes)
        .collect();
    std::fs::write(site.root.join("content/INC-11-utf32.md"), bytes).unwrap();
    let levels = |findings: &[Value]| {
        with_rule(findings, "encoding")
            .iter()
            .map(|f| (f["level"].as_str().unwrap().to_string(), f["line"].as_u64()))
            .collect::<Vec<_>>()
    };
    // The rule is a warning: the file is built, with both warnings.
    let (_, findings) = check_json(&site.root, &[]);
    assert_eq!(
        levels(&findings),
        [("warning".into(), Some(1)), ("warning".into(), Some(7))],
        "{findings:#?}"
    );
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the unit U+D800 is a surrogate"),
        "{}",
        stderr(&o)
    );
    // `[check.rules]` sets its level, or silences it.
    for (level, expected) in [
        (
            "error",
            vec![("error".to_string(), Some(1)), ("error".into(), Some(7))],
        ),
        ("off", vec![]),
    ] {
        let config = format!("[check.rules]\nencoding = \"{level}\"\n");
        std::fs::write(site.root.join("hindsight.toml"), config).unwrap();
        let (_, findings) = check_json(&site.root, &[]);
        assert_eq!(levels(&findings), expected, "{level}: {findings:#?}");
    }
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("UTF-32"), "{}", stderr(&o));
}

#[test]
fn a_script_in_a_compressed_svg_is_an_unsafe_attachment_warning_at_its_place_in_the_svg() {
    use std::io::Write;
    // Compressed for real: the script is nowhere in the file as written.
    let gzip = |text: &str| {
        let text = format!("{text}{}", "<!-- a long picture -->\n".repeat(50));
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(text.as_bytes()).unwrap();
        let bytes = e.finish().unwrap();
        for word in [&b"onclick"[..], b"script", b"hindsight"] {
            assert!(!bytes.windows(word.len()).any(|w| w == word));
        }
        bytes
    };
    let site = Site::with(&[(
        "content/2024-03-01-outage.md",
        "# Outage\n\nThe [diagram](diagram.svgz) and the [map](map.svgz).\n",
    )]);
    let content = site.root.join("content");
    std::fs::write(
        content.join("diagram.svgz"),
        gzip(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect onclick=\"alert(1)\"/>\n</svg>\n",
        ),
    )
    .unwrap();
    // An allow comment in the SVG silences its finding, as in an `.svg`.
    std::fs::write(
        content.join("map.svgz"),
        gzip("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <!-- hindsight: allow unsafe-attachment -->\n  <script>init()</script>\n</svg>\n"),
    )
    .unwrap();
    let (_, findings) = check_json(&site.root, &[]);
    let found: Vec<_> = with_rule(&findings, "unsafe-attachment")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64(),
                f["column"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("content/diagram.svgz".to_string(), Some(2), Some(9))],
        "{findings:#?}"
    );
    let human = String::from_utf8_lossy(&check(&site.root, &[]).stdout).into_owned();
    assert!(human.contains("<rect onclick=\"alert(1)\"/>"), "{human}");
}

#[test]
fn a_bare_id_of_an_unpublished_incident_is_reported_at_its_own_line_and_column() {
    let site = Site::with(&[
        (
            "content/p.md",
            "---\nid: P-1\ntitle: Pub\ndate: 2024-02-03\n---\n\n\
             Some text here. As in D-9, again.\n\
             Café — then D-9 twice: D-9.\n\n\
             - item one, like D-9 did\n\n\
             > Quoted &amp; D-9\n",
        ),
        (
            "content/d.md",
            "---\nid: D-9\ntitle: Draft\ndate: 2024-02-02\nstatus: draft\n---\n\nBody.\n",
        ),
    ]);
    let expected = [(7, 23), (8, 13), (8, 24), (10, 18), (12, 16)];
    let (_, findings) = check_json(&site.root, &[]);
    let at: Vec<_> = with_rule(&findings, "link-to-unpublished")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, expected, "{findings:#?}");
    // Checked out as GitHub checks a repository out, with the site at its root.
    let github = bin()
        .args(["check", "--format", "github", "--root"])
        .arg(&site.root)
        .env("GITHUB_WORKSPACE", &site.root)
        .output()
        .unwrap();
    let github = String::from_utf8(github.stdout).unwrap();
    let build = site.build();
    let said = stderr(&build);
    for (line, column) in expected {
        assert!(
            github.contains(&format!(
                "file=content/p.md,line={line},col={column},title=link-to-unpublished"
            )),
            "{line}:{column}: {github}"
        );
        assert!(
            said.contains(&format!("content/p.md:{line}:{column}")),
            "{line}:{column}: {said}"
        );
    }
}

#[test]
fn a_link_to_a_file_of_the_sites_static_folder_leads_where_build_publishes_it() {
    let post = "---\ndate: 2024-01-01\nservices: [ledger]\nlearnings:\n  - text: Disks fill\n---\n\
        # Disk full\n\n## Summary\n\n\
        The [runbook](/files/runbook.pdf), [from the page](../../files/runbook.pdf), \
        ![topology](/img/topology.svg) and [every incident](/incidents/).\n\n\
        Not [this one](/files/missing.pdf), nor ![that one](/img/missing.svg).\n";
    let site = Site::with(&[
        ("hindsight.toml", "title = \"Static\"\n"),
        ("static/files/runbook.pdf", "%PDF-1.4\n"),
        (
            "static/img/topology.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        ),
        ("content/postmortems/disk.md", post),
    ]);
    let links = |root: &Path| -> Vec<(String, u64, String)> {
        let (_, findings) = check_json(root, &[]);
        findings
            .iter()
            .filter(|f| ["broken-link", "missing-image"].contains(&f["rule"].as_str().unwrap()))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["hint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let found = links(&site.root);
    let rules: Vec<(&str, u64)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        rules,
        [("broken-link", 13), ("missing-image", 13)],
        "{found:#?}"
    );
    assert!(
        found[0]
            .2
            .contains("put it at `static/files/missing.pdf`: the build copies `static/` to the site root, so it is at `/files/missing.pdf`"),
        "{found:#?}"
    );
    // `build` leaves the links as they are written, and publishes the files where they lead.
    site.build_ok();
    assert_eq!(site.page("files/runbook.pdf"), "%PDF-1.4\n");
    let page = site.page("incidents/disk/index.html");
    for href in [
        "/files/runbook.pdf",
        "../../files/runbook.pdf",
        "/img/topology.svg",
    ] {
        assert!(page.contains(&format!("=\"{href}\"")), "{href}");
    }

    // Served under a path, the site is not at the host's root: a link from there must name
    // the path; one relative to the page works anywhere.
    std::fs::write(
        site.root.join("hindsight.toml"),
        "title = \"Static\"\nbase_url = \"https://kb.example.org/pm/\"\n",
    )
    .unwrap();
    let found = links(&site.root);
    let rules: Vec<(&str, u64)> = found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
    assert_eq!(
        rules,
        [
            ("broken-link", 11),
            ("missing-image", 11),
            ("broken-link", 11),
            ("broken-link", 13),
            ("missing-image", 13)
        ],
        "{found:#?}"
    );
    assert!(
        found[0].2.contains("write `/pm/files/runbook.pdf`"),
        "{found:#?}"
    );

    // A link to the file where it sits in the repository does not lead there on the site.
    let post = "---\ndate: 2024-01-01\nservices: [ledger]\nlearnings:\n  - text: Disks fill\n---\n\
        # Disk full\n\nThe [runbook](../../static/files/runbook.pdf).\n";
    std::fs::write(site.root.join("content/postmortems/disk.md"), post).unwrap();
    let found = links(&site.root);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].2,
        "link to it where it is published: `/pm/files/runbook.pdf`"
    );
}

#[test]
fn a_file_of_the_static_folder_over_one_hindsight_writes_is_a_warning_of_check_and_build_alike() {
    let (tmp, root) = basic_with_aliases(r#"[FX-1]"#);
    let out = tmp.path().join("public");
    build_ok(&root, &out);
    // An old build copied into `static/`: each file replaces the one Hindsight writes, but
    // robots.txt and 404.html, which a site is meant to replace, and the search index's files
    // named after their bytes.
    let mut expected = BTreeSet::new();
    for (path, bytes) in tree(&out) {
        if path == ".hindsight-output" {
            continue;
        }
        let to = root.join("static").join(&path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
        let hashed = path.starts_with("search/") && path.ends_with(".json") && path.contains('-');
        if !["robots.txt", "404.html"].contains(&path.as_str()) && !hashed {
            expected.insert(format!("static/{path}"));
        }
    }
    for path in [
        "static/incidents/index.html",
        "static/incidents/FX-1/index.html",
        "static/_redirects",
        "static/sitemap.xml",
        "static/static/style.css",
        "static/incidents/FX-001/disk.png",
        "static/api/incidents.json",
        "static/search/index.json",
    ] {
        assert!(expected.contains(path), "{path}");
    }
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let replaced = with_rule(&findings, "static-replaces");
    let files: BTreeSet<String> = replaced
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(files, expected);
    let sitemap = replaced
        .iter()
        .find(|f| f["file"] == "static/sitemap.xml")
        .unwrap();
    assert_eq!(sitemap["level"], "warning");
    assert_eq!(
        sitemap["message"],
        "this file is published at `/sitemap.xml` in place of the sitemap that Hindsight writes there"
    );
    assert!(sitemap["hint"]
        .as_str()
        .unwrap()
        .contains("static-replaces = \"off\""));

    // `build` says the same of each, and publishes the file of `static/`.
    std::fs::write(root.join("static/sitemap.xml"), "<urlset/>\n").unwrap();
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    for path in &expected {
        assert!(said.contains(&format!("/{path}:1:1]")), "{path}");
    }
    assert!(!said.contains("static/robots.txt"), "{said}");
    assert_eq!(
        std::fs::read_to_string(out.join("sitemap.xml")).unwrap(),
        "<urlset/>\n"
    );

    // Turned off, neither says it.
    let config = root.join("hindsight.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[check.rules]\nstatic-replaces = \"off\"\n"),
    )
    .unwrap();
    let (_, findings) = check_json(&root, &[]);
    assert!(with_rule(&findings, "static-replaces").is_empty());
    let o = build(&root, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("static-replaces"), "{}", stderr(&o));
}

#[test]
fn an_unknown_visibility_is_named_in_its_error_and_private_reads_as_internal() {
    let site = Site::with(&[
        (
            "content/conf.md",
            "---\nid: conf\ntitle: Conf\ndate: 2024-01-01\nvisibility: \"confidential\"\n---\n\nText.\n",
        ),
        (
            "content/priv.md",
            "---\nid: priv\ntitle: Priv\ndate: 2024-01-02\nvisibility: Private\n---\n\nText.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let wrong = with_rule(&findings, "wrong-type");
    assert_eq!(wrong.len(), 1, "{findings:#?}");
    assert_eq!(wrong[0]["file"], "content/conf.md");
    assert_eq!(
        wrong[0]["message"],
        "`visibility` should be public or internal, found `confidential`"
    );
    std::fs::remove_file(site.root.join("content/conf.md")).unwrap();
    site.build_ok();
    assert!(
        exported(&site.out, "id").is_empty(),
        "a private incident is internal"
    );
}

#[test]
fn links_to_the_home_page_and_the_reading_path_are_accepted_and_their_anchors_checked() {
    let site = Site::with(&[
        (
            "content/postmortems/2024-03-01-disk-full.md",
            "# Disk full\n\n## Summary\n\nThe disk filled up. See [the intro](../index.md#how-we-write), \
             [the path](../onboarding.md), [home](/) and [week one](/onboarding/#week-one).\n",
        ),
        (
            "content/index.md",
            "# Welcome\n\n## How we write\n\nNew here? Start with [the onboarding path](onboarding.md), \
             [its first week](onboarding.md#week-one) or [this](index.md#how-we-write).\n\n\
             And [a typo](onboarding.md#week-two).\n",
        ),
        (
            "content/onboarding.md",
            "# Start here\n\n## Week one\n\nRead [the home page](index.md), [how we write](/#how-we-write) \
             and [what is not there](/#nowhere).\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    assert!(
        with_rule(&findings, "broken-link").is_empty(),
        "{findings:#?}"
    );
    let anchors: Vec<_> = with_rule(&findings, "broken-anchor")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
                f["hint"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        anchors,
        [
            (
                "content/index.md",
                7,
                "`#week-two` is not a section of content/onboarding.md",
                "did you mean `#week-one`? Anchors are the headings' slugs"
            ),
            (
                "content/onboarding.md",
                5,
                "`#nowhere` is not a section of content/index.md",
                "sections of content/index.md: #how-we-write"
            ),
        ]
    );
}

#[test]
fn a_two_digit_or_first_century_year_in_front_matter_is_a_bad_date_at_its_value() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\ntitle: Disk full\ndate: 24-03-01\n---\n\n# Disk full\n",
        ),
        (
            "content/b.md",
            "---\ntitle: Queue stalled\ndate: '24-03-01'\n---\n\n# Queue stalled\n",
        ),
        (
            "content/c.md",
            "---\ntitle: DNS\ndate: 2024-03-01\nstarted_at: 0024-03-01T10:00:00Z\n---\n\n# DNS\n",
        ),
        (
            "content/d.md",
            "---\ntitle: Fine\ndate: 2024-3-5\nstarted_at: 2024-03-05 10:00\n---\n\n# Fine\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let mut bad: Vec<(String, u64, u64)> = with_rule(&findings, "bad-date")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    bad.sort();
    assert_eq!(
        bad,
        [
            ("content/a.md".to_string(), 3, 7),
            ("content/b.md".to_string(), 3, 7),
            ("content/c.md".to_string(), 4, 13)
        ],
        "{findings:#?}"
    );
}

#[test]
fn an_output_dir_that_build_refuses_is_reported_with_the_other_errors_of_hindsight_toml() {
    let site = Site::with(&[
        ("hindsight.toml", "output_dir = \"content\"\ntitle = \"\"\n"),
        ("content/a.md", "# Disk full\n\nThe disk filled up.\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1));
    let config = placed(&findings, "config", "hindsight.toml");
    assert_eq!(config.len(), 2, "{findings:#?}");
    assert_eq!((config[0].0, config[0].1), (1, 14), "{config:?}");
    assert!(config[0]
        .2
        .starts_with("`build` refuses `output_dir = \"content\"`"));
    assert_eq!((config[1].0, config[1].2), (2, "`title` is empty"));
    // `build` (into `output_dir`, no `--out`) reports both alike, with the hint.
    let o = bin()
        .args(["build", "--quiet", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for shown in [
        "hindsight.toml:1:14",
        "`build` refuses `output_dir = \"content\"`",
        "give it a folder of its own, such as \"public\"",
        "hindsight.toml:2:9",
        "`title` is empty",
    ] {
        assert!(err.contains(shown), "{shown}: {err}");
    }
}

#[test]
fn a_value_of_front_matter_that_cannot_be_used_is_pointed_at_the_value_not_its_key() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\ntitle: A\nvisibility: secret\nstatus: pubished\n---\n# A\n\nx\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\ndate:  2999-01-03\nstarted_at: 2999-01-03T10:00:00Z\n---\n# B\n\nx\n",
        ),
        (
            "content/c.md",
            "---\ntitle: C\ndate: 2999-01-03\n---\n# C\n\nx\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let at = |rule: &str, file: &str| -> Vec<(u64, u64)> {
        placed(&findings, rule, file)
            .iter()
            .map(|&(l, c, _)| (l, c))
            .collect()
    };
    assert_eq!(at("wrong-type", "content/a.md"), [(3, 13)], "{findings:#?}");
    assert_eq!(at("unknown-status", "content/a.md"), [(4, 9)]);
    // At the value however it is spaced.
    assert_eq!(
        at("future-date", "content/b.md"),
        [(3, 8), (4, 13)],
        "{findings:#?}"
    );
    assert_eq!(at("future-date", "content/c.md"), [(3, 7)], "{findings:#?}");
}

#[test]
fn a_date_that_is_no_day_of_the_calendar_says_why_and_which_date_was_meant() {
    let site = Site::with(&[
        (
            "content/a.md",
            "---\ntitle: A\ndate: 2024-02-30\n---\n# A\n\nx\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\ndate: 2023-14-03\n---\n# B\n\nx\n",
        ),
        (
            "content/c.md",
            "---\ntitle: C\ndate: 2023-14-31\n---\n# C\n\nx\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let bad: Vec<(&str, u64, u64, &str, &str)> = located(&findings, "bad-date");
    assert_eq!(
        bad,
        [
            (
                "content/a.md",
                3,
                7,
                "`date` is not a valid date: `2024-02-30`: February 2024 has 29 days",
                "write a day from 01 to 29, e.g. `date: 2024-02-29`"
            ),
            (
                "content/b.md",
                3,
                7,
                "`date` is not a valid date: `2023-14-03`: month 14 does not exist",
                "did you mean `date: 2023-03-14`? Dates are written year, month, day, e.g. `date: 2024-03-01`"
            ),
            (
                "content/c.md",
                3,
                7,
                "`date` is not a valid date: `2023-14-31`: month 14 does not exist",
                "months are 01 to 12: dates are written year, month, day, e.g. `date: 2024-03-01`"
            ),
        ]
    );
}

#[test]
fn a_related_entry_that_names_a_postmortem_an_earlier_entry_names_is_a_warning_at_it() {
    let site = Site::with(&[
        (
            "content/old.md",
            "---\nid: PM2019-009\ntitle: Old\ndate: 2019-01-01\naliases: [PM2019-9]\n---\n# Old\n\nx\n",
        ),
        (
            "content/new.md",
            "---\nid: PM2020-001\ntitle: New\ndate: 2020-01-01\nrelated: [PM2019-9, PM2019-009, PM2019-9]\n---\n# New\n\nx\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let found = placed(&findings, "repeated-related", "content/new.md");
    assert_eq!(
        found,
        [
            (
                5,
                21,
                "`related` names the postmortem `PM2019-009` twice, as `PM2019-9` and as \
                 `PM2019-009` (an old id in its `aliases` names it as its id does)"
            ),
            (5, 33, "`related` names `PM2019-9` twice"),
        ],
        "{findings:#?}"
    );
    assert!(with_rule(&findings, "repeated-related")
        .iter()
        .all(|f| f["level"] == "warning"));
    assert!(with_rule(&findings, "unknown-related").is_empty());
}

#[test]
fn a_file_of_windows_1252_bytes_names_the_first_counts_the_rest_and_says_how_to_convert_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(root, &[("content/ok.md", "# Fine\n\nAll good.\n")]);
    std::fs::write(
        root.join("content/cafe.md"),
        b"# Caf\xe9 down\n\nThe caf\xe9 till and the cr\xe8che app failed.\n",
    )
    .unwrap();
    let (_, findings) = check_json(root, &[]);
    let bad = with_rule(&findings, "encoding");
    assert_eq!(bad.len(), 1, "{findings:#?}");
    assert_eq!((&bad[0]["line"], &bad[0]["column"]), (&1.into(), &6.into()));
    let message = bad[0]["message"].as_str().unwrap();
    assert!(
        message.contains("the byte 0xE9 here and 2 more are replaced"),
        "{message}"
    );
    assert!(
        bad[0]["hint"]
            .as_str()
            .unwrap()
            .contains("iconv -f WINDOWS-1252 -t UTF-8"),
        "{}",
        bad[0]["hint"]
    );
}

#[test]
fn a_fault_that_only_a_line_of_more_incidents_sharing_a_learning_reaches_fails_check() {
    // No page of the basic fixture shares a learning with more incidents than it lists: only
    // the related incidents that `check` makes up for the page reach the line.
    let (code, f) = theme_findings(&[(
        "incident.html",
        "{% extends \"default/incident.html\" %}\n{% block description %}\n{% for m in incident.more_related %}{{ m.titel }}{% endfor %}\n{% endblock description %}\n",
    )]);
    assert_eq!(code, Some(1), "{f:#?}");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (
            f[0]["file"].as_str(),
            f[0]["line"].as_u64(),
            f[0]["column"].as_u64()
        ),
        (
            Some("themes/default/templates/incident.html"),
            Some(3),
            Some(40)
        ),
        "{f:#?}"
    );
}

#[test]
fn explain_prints_a_rules_entry_of_the_reference_and_checks_nothing() {
    // No root, no hindsight.toml: `--explain` reads only the reference built into the binary.
    let tmp = tempfile::tempdir().unwrap();
    let o = bin()
        .current_dir(tmp.path())
        .args(["check", "--explain", "broken-anchor"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let doc = std::fs::read_to_string(repo().join("docs/check.md")).unwrap();
    let start = doc.find("### `broken-anchor`").unwrap();
    let end = start + doc[start..].find("\n### `heading-id`").unwrap();
    assert_eq!(out.trim_end(), doc[start..end].trim_end());
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn the_summary_line_says_the_postmortems_were_not_read_when_hindsight_toml_has_errors() {
    // "in 0 postmortems" would read as if the content folder held none.
    let site = Site::with(&[
        ("hindsight.toml", "feed_limt = 20\n"),
        (
            "content/2024-01-01-db.md",
            "---\ntitle: DB down\n---\n\n## Learnings\n\n- Alert on replica lag.\n",
        ),
    ]);
    let o = check(&site.root, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let summary = stderr(&o);
    assert!(
        summary.contains("check: 1 error, 0 warnings, 0 notes; the postmortems were not read, as hindsight.toml has errors ("),
        "{summary}"
    );
    assert!(!summary.contains("in 0 postmortems"), "{summary}");
    // A valid configuration: they are read and counted.
    std::fs::write(site.root.join("hindsight.toml"), "feed_limit = 20\n").unwrap();
    let o = check(&site.root, &[]);
    assert!(stderr(&o).contains(" in 1 postmortem ("), "{}", stderr(&o));
}

#[test]
fn explaining_io_tells_of_static_files_and_of_attachments_reported_at_their_links() {
    let o = bin().args(["check", "--explain", "io"]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    for said in [
        "cannot read the file `static/files/runbook.pdf`",
        "`build` reports\nevery one of them before it writes anything",
        "at each link, image or\nembed of each page that uses it",
        "which is linked or shown here",
    ] {
        assert!(text.contains(said), "{said} not in {text}");
    }
}

#[test]
fn explaining_a_rule_to_a_reader_that_has_already_gone_ends_without_a_panic() {
    // `hindsight check --explain theme | head -3`: the reader may close the pipe before the
    // entry is written. Its read end is closed here before the binary starts, so the write fails
    // every time.
    let o = output_with_stdout_closed(bin().args(["check", "--explain", "theme"]));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(
        o.status.code(),
        Some(2),
        "an output that cannot be written is an I/O failure, as for the findings: {}",
        stderr(&o)
    );
}

#[test]
fn every_rule_the_code_knows_has_an_entry_to_explain_and_every_entry_is_a_rule() {
    let code: Vec<&str> = hindsight::check::RULES.iter().map(|r| r.id).collect();
    let sections = hindsight::explain::sections();
    let documented: Vec<&str> = sections.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        documented, code,
        "docs/check.md lists the rules in the order of RULES"
    );
    for (id, text) in &sections {
        assert!(
            text.starts_with(&format!("### `{id}`\n**")),
            "the entry of `{id}` opens with its level:\n{text}"
        );
        assert!(
            !text.contains("\n## "),
            "the entry of `{id}` stops at the next part:\n{text}"
        );
    }
}

#[test]
fn explaining_a_rule_that_does_not_exist_fails_with_the_nearest_rule() {
    let o = bin()
        .args(["check", "--explain", "brokn-link"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        stderr(&o),
        "error: `brokn-link` is not a rule of `hindsight check`\nhelp: did you mean `broken-link`?\n"
    );
    let o = bin().args(["check", "--explain", "zzz"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("help: the rules are: config, relative-feeds, "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn hints_that_send_the_reader_to_a_rule_say_to_run_explain_rather_than_cite_a_doc_file() {
    let site = Site::with(&[(
        "content/2024-01-10-disk.md",
        "# Disk full\n\n<!-- hindsight: allow duplicate-id blamless -->\n\n## Learnings\n\n- Alert on disk use.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<&str> = with_rule(&findings, "hindsight-comment")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints.len(), 2, "{findings:#?}");
    assert!(
        hints
            .iter()
            .any(|h| h.contains("(run `hindsight check --explain duplicate-id`)")),
        "{hints:?}"
    );
    assert!(
        hints.contains(&"did you mean `blameless`? Run `hindsight check --explain blameless`"),
        "{hints:?}"
    );
    write_files(
        &site.root,
        &[("hindsight.toml", "[check.rules]\nblamless = \"off\"\n")],
    );
    let (_, findings) = check_json(&site.root, &[]);
    let config = with_rule(&findings, "config");
    assert_eq!(
        config[0]["hint"],
        "did you mean `blameless`? Run `hindsight check --explain blameless`"
    );
    assert!(!findings
        .iter()
        .any(|f| f["hint"].as_str().unwrap().contains("docs/")));
    let help = bin().args(["check", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--explain <RULE>"));
}

#[test]
fn a_link_to_the_capped_id_of_a_very_long_heading_is_no_broken_anchor() {
    let long = vec!["the retry storm from every checkout pod exhausted the pool"; 30].join(" ");
    let id = "the-retry-storm-from-every-checkout-pod-exhausted-the-pool-the-retry-storm-from";
    let site = Site::with(&[
        (
            "content/2024-01-10-pool.md",
            &format!("# Pool exhausted\n\n## {long}\n\nThe pool ran dry.\n"),
        ),
        (
            "content/2024-02-10-again.md",
            &format!(
                "# Pool again\n\nAs [before](2024-01-10-pool.md#{id}), not \
                 [there](2024-01-10-pool.md#{id}-x).\n"
            ),
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let broken = with_rule(&findings, "broken-anchor");
    assert_eq!(broken.len(), 1, "{findings:#?}");
    assert!(
        broken[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("#{id}-x")),
        "{findings:#?}"
    );
}

#[test]
fn a_suggested_canonical_id_ends_on_a_word_that_carries_meaning_and_the_cluster_keeps_its_url() {
    let pm = |id: &str, date: &str, learning: &str| {
        format!(
            "---\nid: {id}\ntitle: Consumer lag {id}\ndate: {date}\nlearnings:\n  - {learning}\n---\n\nThe consumer fell behind.\n"
        )
    };
    let a = pm(
        "INC-1",
        "2024-01-10",
        "Performance tests for a consumer change should run against production-sized topics.",
    );
    let b = pm(
        "INC-2",
        "2024-02-10",
        "Performance tests for a consumer change should use production-sized topics.",
    );
    let site = Site::with(&[("content/a.md", &a), ("content/b.md", &b)]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<&str> = with_rule(&findings, "near-duplicate-learning")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints.len(), 2, "{findings:#?}");
    for hint in hints {
        assert!(
            hint.contains("create learnings/performance-tests-for-a-consumer-change.md")
                && hint.contains("`id: performance-tests-for-a-consumer-change`"),
            "{hint}"
        );
    }
    // The cluster page's URL, which readers link to, is what it was.
    site.build_ok();
    assert!(site
        .out
        .join("learnings/performance-tests-for-a-consumer-change-should/index.html")
        .is_file());
}

#[test]
fn a_full_url_under_base_url_to_a_page_the_site_does_not_publish_is_a_broken_link() {
    let pm = |id: &str, body: &str| {
        format!(
            "---\nid: {id}\ntitle: Outage {id}\ndate: 2019-03-01\n---\n\n## Summary\n\n{body}\n"
        )
    };
    let body = [
        "Gone: [old](https://kb.example.org/pm/incidents/PM2019-009/).",
        "Here: [one](https://kb.example.org/pm/incidents/PM2019-001/), [tags](https://KB.example.org/pm/tags/).",
        "Path: [start](https://kb.example.org/pm/onboarding/#nowhere), [first](//kb.example.org/pm/onboarding/#first-steps).",
        "Elsewhere: [a](https://kb.example.org/other/incidents/X/), [b](https://example.com/pm/incidents/X/).",
        "![chart](https://kb.example.org/pm/img/none.png)",
    ]
    .join("\n\n");
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"KB\"\nbase_url = \"https://kb.example.org/pm/\"\n",
        ),
        ("content/PM2019-001.md", &pm("PM2019-001", "It broke.")),
        ("content/PM2019-002.md", &pm("PM2019-002", &body)),
        (
            "content/onboarding.md",
            "# Start here\n\n## First steps\n\nRead.\n",
        ),
    ]);
    let (_, found) = check_json(&site.root, &[]);
    let file = |rule: &str| -> Vec<(u64, String, String)> {
        with_rule(&found, rule)
            .into_iter()
            .filter(|f| f["file"] == "content/PM2019-002.md")
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["message"].as_str().unwrap().to_string(),
                    f["hint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let broken = file("broken-link");
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].0, 9);
    assert!(
        broken[0]
            .1
            .contains("publishes no page or file at `/pm/incidents/PM2019-009/`"),
        "{broken:?}"
    );
    // PM2019-001 is another incident, not a typo of PM2019-009.
    assert!(
        !broken[0].2.contains("did you mean") && broken[0].2.contains("nor lists it in `aliases`"),
        "{broken:?}"
    );
    let anchors = file("broken-anchor");
    assert_eq!(anchors.len(), 1, "{anchors:?}");
    assert_eq!(anchors[0].0, 13);
    assert!(anchors[0].1.contains("`#nowhere`"), "{anchors:?}");
    let images = file("missing-image");
    assert_eq!(images.len(), 1, "{images:?}");
    assert!(
        images[0].2.contains("no file at `/pm/img/none.png`"),
        "{images:?}"
    );
    // `build` warns of the same link.
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no page or file at `/pm/incidents/PM2019-009/`"),
        "{}",
        stderr(&o)
    );
}

/// In the human report of `out`, the source line of `line` and the terminal column under which
/// the caret stands in it, counted from the line's first column after the gutter.
fn shown_line_and_caret(out: &str, line: usize) -> (String, usize) {
    use unicode_width::UnicodeWidthStr;
    let lines: Vec<&str> = out.lines().collect();
    let gutter = format!("{line} │ ");
    let i = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&gutter))
        .unwrap_or_else(|| panic!("no line {line}: {out}"));
    let (before, shown) = lines[i].split_once(&gutter).unwrap();
    let caret_line = lines[i + 1];
    let at = caret_line.find('▲').expect(caret_line);
    let caret = caret_line[..at].width() - (before.width() + gutter.width());
    (shown.to_string(), caret)
}

#[test]
fn a_finding_far_along_a_long_line_shows_the_line_cropped_around_it_with_the_caret_under_it() {
    use unicode_width::UnicodeWidthStr;
    let words: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
    let words = words.join(" ");
    let wide = "障害".repeat(30);
    let text = format!(
        "---\ndate: 2024-01-03\n---\n# Long\n\n{words} see [x](nothere.md) and more after it, {words}\n\n{wide} [y](nowhere.md) {wide}\n\n[z](short.md)\n"
    );
    let site = Site::with(&[("content/long.md", &text)]);
    let (_, found) = check_json(&site.root, &[]);
    let at: Vec<(u64, u64)> = with_rule(&found, "broken-link")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    // JSON keeps the exact line and column.
    let first = words.chars().count() as u64 + 6;
    assert_eq!(at, [(6, first), (8, 62), (10, 1)], "{found:?}");
    let o = check(&site.root, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("/content/long.md:6:{first}]")),
        "{out}"
    );
    assert!(out.contains("/content/long.md:8:62]"), "{out}");
    for (line, link) in [(6, "[x](nothere.md)"), (8, "[y](nowhere.md)")] {
        let report = out
            .split("broken-link")
            .find(|r| r.contains(&format!("content/long.md:{line}:")))
            .unwrap();
        let (shown, caret) = shown_line_and_caret(report, line);
        assert!(shown.width() <= 100, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains(link), "{shown}");
        let under = shown[..shown.find(link).unwrap()].width();
        assert_eq!(caret, under, "the caret is under `{link}`:\n{report}");
        // Cut on both sides, about as much shown before the finding as after it.
        assert!((40..=60).contains(&caret), "{caret}: {shown}");
    }
    // A short line is shown whole.
    let report = out
        .split("broken-link")
        .find(|r| r.contains("content/long.md:10:1"))
        .unwrap();
    let (shown, caret) = shown_line_and_caret(report, 10);
    assert_eq!((shown.as_str(), caret), ("[z](short.md)", 0), "{report}");
}

/// The pre-commit hook of docs/check.md, as it is written there.
fn documented_pre_commit_hook() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/check.md")).unwrap();
    let from = doc
        .find("A pre-commit hook (")
        .expect("docs/check.md shows a pre-commit hook");
    let script = &doc[from..];
    let start = script.find("```sh\n").unwrap() + "```sh\n".len();
    let end = start + script[start..].find("```").unwrap();
    script[start..end].to_string()
}

#[test]
#[cfg(unix)]
fn the_documented_pre_commit_hook_checks_what_is_staged_and_leaves_the_working_tree_alone() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::with(&[
        (
            "content/a.md",
            "---\nid: A-1\ntitle: A\ndate: 2024-01-01\n---\n\n## Summary\n\nIt broke.\n",
        ),
        // Dated by nothing but the history, which the hook still reads.
        ("content/undated.md", "# Undated\n\nIt broke.\n"),
    ]);
    let root = &site.root;
    let tmp = tempfile::tempdir().unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hindsight")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(root)
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
            .args([
                "-c",
                "core.hooksPath=.git/hooks",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("PATH", &path)
            .env("TMPDIR", tmp.path())
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    assert!(git(&["add", "."]).status.success());
    assert!(git(&["commit", "-q", "-m", "first"]).status.success());
    let hook = root.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, documented_pre_commit_hook()).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();

    let post = root.join("content/a.md");
    let broken = "---\nid: A-1\ntitle: A\ndate: 2024-01-01\n---\n\n## Summary\n\nSee [b](b.md).\n";
    let fixed = "---\nid: A-1\ntitle: A\ndate: 2024-01-01\n---\n\n## Summary\n\nSee A-1.\n";
    // A broken link staged, its fix only in the working tree: refused.
    std::fs::write(&post, broken).unwrap();
    assert!(git(&["add", "content/a.md"]).status.success());
    std::fs::write(&post, fixed).unwrap();
    let o = git(&["commit", "-q", "-m", "broken"]);
    assert!(!o.status.success(), "a staged broken link is refused");
    // Git shows what a hook prints on standard error.
    assert!(
        stderr(&o).contains("`b.md` leads nowhere"),
        "{}",
        stderr(&o)
    );
    // The working tree and the index are as they were, and the hook's folder is gone.
    assert_eq!(std::fs::read_to_string(&post).unwrap(), fixed);
    let staged = git(&["show", ":content/a.md"]);
    assert_eq!(String::from_utf8_lossy(&staged.stdout), broken);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    // The fix staged, a broken change left unstaged: committed.
    assert!(git(&["add", "content/a.md"]).status.success());
    std::fs::write(&post, broken).unwrap();
    let o = git(&["commit", "-q", "-m", "fixed"]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&post).unwrap(), broken);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn the_derived_note_names_the_times_read_from_the_text_and_where() {
    let site = Site::with(&[(
        "content/INC-0400 login emails.md",
        "# Login emails not sent\n\n**Started at:** 2023-12-04 07:55:00 UTC\n\n## Summary\n\nNo emails.\n\n\
         ## Milestones\n\n| Milestone | Time |\n|---|---|\n| Detected | 2023-12-04 08:06 UTC |\n\
         | Resolved | 2023-12-04 09:40 +01:00 |\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let derived = with_rule(&findings, "derived");
    let message = derived[0]["message"].as_str().unwrap();
    for part in [
        "; started_at 2023-12-04T07:55:00+00:00 from “Started at:” on line 3",
        "; detected_at 2023-12-04T08:06:00+00:00 from the Milestones table (“Detected”) on line 13",
        "; resolved_at 2023-12-04T09:40:00+01:00 from the Milestones table (“Resolved”) on line 14",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let hint = derived[0]["hint"].as_str().unwrap();
    assert!(
        hint.ends_with("; the times go together: once the front matter sets one of `started_at`, `detected_at` and `resolved_at`, none is read from the text"),
        "{hint}"
    );
}

#[test]
fn a_future_time_read_from_the_text_is_reported_where_it_is_written_not_at_a_front_matter_key() {
    let site = Site::with(&[
        (
            "content/INC-0401 cards declined.md",
            "---\ndate: 2024-05-02\n---\n# Cards declined\n\n- **Severity:** Major\n- **Started:** 2099-05-02 10:14 UTC\n\
             - **Resolved:** 2099-05-02 12:37 UTC\n\n## Summary\n\nDeclined.\n",
        ),
        (
            "content/INC-0402 login emails.md",
            "# Login emails not sent\n\n## Summary\n\nNo emails.\n\n## Milestones\n\n\
             | Milestone | Time |\n|---|---|\n| Started | 2023-12-04 07:55 UTC |\n\
             | Detected | **2099-12-04 08:06 UTC** |\n",
        ),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "{findings:#?}");
    let late: Vec<(&str, u64, u64, &str, &str)> = located(&findings, "future-date");
    let places: Vec<_> = late.iter().map(|f| (f.0, f.1, f.2, f.3)).collect();
    assert_eq!(
        places,
        [
            (
                "content/INC-0401 cards declined.md",
                7,
                16,
                "the start time 2099-05-02T10:14:00+00:00, read from “Started:”, is in the future"
            ),
            (
                "content/INC-0401 cards declined.md",
                8,
                17,
                "the resolution time 2099-05-02T12:37:00+00:00, read from “Resolved:”, is in the future"
            ),
            (
                "content/INC-0402 login emails.md",
                12,
                16,
                "the detection time 2099-12-04T08:06:00+00:00, read from the Milestones table (“Detected”), is in the future"
            ),
        ],
        "{findings:#?}"
    );
    // The hint names no key to edit as if the front matter had it: it says how the value was
    // taken and how to override it.
    let hint = late[0].4;
    assert!(
        hint.starts_with("Hindsight takes it for `started_at`: correct the day, time or zone written here, or set the times in the front matter"),
        "{hint}"
    );
    assert!(
        hint.contains("once it sets any of `started_at`, `detected_at` and `resolved_at`, none is read from the text"),
        "{hint}"
    );
}

/// The files `check` read as postmortems: each without front matter has a `derived` note.
fn read_as_postmortems(findings: &[Value]) -> Vec<String> {
    let mut files: Vec<String> = with_rule(findings, "derived")
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn ignore_patterns_written_as_in_a_gitignore_leave_out_a_folder_as_git_would() {
    let text = "# Outage\n\n## Summary\n\nIt broke.\n";
    let site = Site::with(&[
        ("content/2024-03-01-kept.md", text),
        ("content/drafts/2024-03-02-draft.md", text),
        ("content/drafts/deep/2024-03-03-deeper.md", text),
        ("content/team/drafts/2024-03-04-team.md", text),
    ]);
    let kept = "content/2024-03-01-kept.md".to_string();
    let team = "content/team/drafts/2024-03-04-team.md".to_string();
    for (pattern, read) in [
        // A folder, wherever it is.
        ("drafts/", vec![kept.clone()]),
        ("drafts", vec![kept.clone()]),
        // Anchored at the content folder.
        ("/drafts/", vec![kept.clone(), team.clone()]),
        ("/drafts/**", vec![kept.clone(), team.clone()]),
        ("./drafts/**", vec![kept.clone(), team.clone()]),
        // As it always did.
        ("drafts/**", vec![kept.clone(), team.clone()]),
    ] {
        write_files(
            &site.root,
            &[("hindsight.toml", &format!("ignore = [\"{pattern}\"]\n"))],
        );
        let (code, findings) = check_json(&site.root, &[]);
        assert_eq!(code, Some(0), "{pattern}: {findings:#?}");
        assert_eq!(read_as_postmortems(&findings), read, "{pattern}");
        assert!(
            with_rule(&findings, "unused-ignore").is_empty(),
            "{pattern}"
        );
    }
}

#[test]
fn an_ignore_pattern_that_matches_no_file_is_a_warning_at_it_and_the_template_hint_names_one_that_matches(
) {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"x\"\nignore = [\"*template*\", \"archive/\", \"templates/**\"]\n",
        ),
        (
            "content/Postmortem Template.md",
            "# Incident Title\n\n## Summary\n\n[Describe the impact]\n",
        ),
        (
            "content/2024-03-01-kept.md",
            "# Kept\n\n## Summary\n\nOk.\n",
        ),
        ("content/templates/postmortem.md", "# Incident Title\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let unused: Vec<(&str, u64, u64, &str)> = with_rule(&findings, "unused-ignore")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unused,
        [
            ("hindsight.toml", 2, 11, "the `ignore` pattern `*template*` matches no file under the content folder, so it leaves out nothing"),
            ("hindsight.toml", 2, 25, "the `ignore` pattern `archive/` matches no file under the content folder, so it leaves out nothing"),
            ("hindsight.toml", 2, 37, "the `ignore` pattern `templates/**` matches no file under the content folder, so it leaves out nothing"),
        ],
        "{findings:#?}"
    );
    let hints: Vec<&str> = with_rule(&findings, "unused-ignore")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    // `*template*` misses `Postmortem Template.md` only by its case: the hint names the file.
    assert!(
        hints[0].starts_with(
            "`*template*` would match `Postmortem Template.md` were case not to count"
        ),
        "{}",
        hints[0]
    );
    assert!(hints[1].contains("case counts"), "{}", hints[1]);
    assert!(
        hints[2].starts_with("Hindsight never reads `templates/` at the top of the content folder"),
        "{}",
        hints[2]
    );
    // Patterns are case-sensitive: the hint names one that matches, not the one already there.
    let template = with_rule(&findings, "postmortem-template");
    assert_eq!(template.len(), 1, "{findings:#?}");
    let hint = template[0]["hint"].as_str().unwrap();
    assert!(
        hint.ends_with(
            "add `*Template*` to `ignore` in hindsight.toml (`ignore = [\"*template*\", \"archive/\", \"templates/**\", \"*Template*\"]`) to leave it out without this warning: patterns are case-sensitive, as in .gitignore, so `*template*` there does not match `Postmortem Template.md`"
        ),
        "{hint}"
    );
    // With a pattern that matches it, the template is left out in silence.
    write_files(
        &site.root,
        &[("hindsight.toml", "ignore = [\"*[Tt]emplate*\"]\n")],
    );
    let (_, findings) = check_json(&site.root, &[]);
    assert!(with_rule(&findings, "postmortem-template").is_empty());
    assert!(with_rule(&findings, "unused-ignore").is_empty());
}

#[test]
fn an_ignore_pattern_in_another_case_than_the_folder_leaves_nothing_out_and_check_names_the_file_it_missed(
) {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"x\"\nignore = [\"Drafts/\", \"*.MD\"]\n",
        ),
        (
            "content/drafts/2024-03-01-draft.md",
            "# A draft\n\n## Summary\n\nNot yet.\n",
        ),
        (
            "content/2024-03-02-kept.md",
            "# Kept\n\n## Summary\n\nOk.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let unused: Vec<(&str, &str)> = with_rule(&findings, "unused-ignore")
        .iter()
        .map(|f| (f["message"].as_str().unwrap(), f["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(unused.len(), 2, "{findings:#?}");
    assert!(
        unused[0].1.starts_with("`Drafts/` would match `drafts/2024-03-01-draft.md` were case not to count, but patterns are case-sensitive, as git's are on Linux"),
        "{unused:#?}"
    );
    assert!(
        unused[1]
            .1
            .starts_with("`*.MD` would match `2024-03-02-kept.md` were case not to count"),
        "{unused:#?}"
    );
    // Case counts in the build too: both are published.
    site.build_ok();
    assert_eq!(site.incident("2024-03-01-draft")["title"], "A draft");
    assert_eq!(site.incident("2024-03-02-kept")["title"], "Kept");
}

#[test]
fn an_ignore_pattern_for_the_output_folder_is_said_to_be_needless_not_to_match_nothing() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "title = \"x\"\ncontent_dir = \".\"\nignore = [\"public/\"]\n",
        ),
        ("2024-03-02-kept.md", "# Kept\n\n## Summary\n\nOk.\n"),
    ]);
    site.build_ok();
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<&str> = with_rule(&findings, "unused-ignore")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(
        hints,
        ["`public/` is the output folder, which Hindsight never reads as content, so the pattern is not needed: delete it"],
        "{findings:#?}"
    );
}

/// A postmortem of more than 60 words in two postmortem sections.
fn long_postmortem(title: &str) -> String {
    format!(
        "# {title}\n\n## Summary\n\nBetween 10:02 and 10:47 UTC internal DNS resolution failed for about a third of the pods \
         in the eu-west cluster, because the CoreDNS deployment was scaled down by an autoscaler change that had been \
         merged the previous day without review by the platform team.\n\n## Impact\n\nCheckout and search returned \
         errors for 45 minutes; roughly 12,000 customers saw failures, and the support team \
         answered hundreds of tickets about it that afternoon.\n"
    )
}

#[test]
fn a_repository_file_below_the_content_folder_that_reads_like_a_postmortem_is_not_built_and_says_why(
) {
    let site = Site::with(&[
        // The content folder's own README is the repository's: not looked at.
        (
            "content/README.md",
            &long_postmortem("How we write postmortems"),
        ),
        // A README beside another postmortem is no folder's postmortem.
        (
            "content/INC-301/README.md",
            &long_postmortem("DNS failures"),
        ),
        (
            "content/INC-301/2024-06-01-timeline.md",
            "# Timeline\n\n- 10:02 alerts fire\n",
        ),
        ("content/book/SUMMARY.md", &long_postmortem("Disk full")),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let not_built: Vec<(&str, &str)> = with_rule(&findings, "not-built")
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        not_built,
        [
            ("content/INC-301/README.md", "this file looks like a postmortem but will not be built: a README is read as its folder's postmortem only when it is the one Markdown file of its folder, and `INC-301/` holds others"),
            ("content/book/SUMMARY.md", "this file looks like a postmortem but will not be built: `SUMMARY.md` is a repository file (like README, CONTRIBUTING or LICENSE), never a postmortem"),
        ],
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "not-built")[0]["hint"]
            .as_str()
            .unwrap()
            .starts_with("to publish it, give it a name of its own (such as `INC-301.md`)"),
        "{findings:#?}"
    );
}

#[test]
fn a_folder_with_both_a_readme_and_an_index_publishes_the_index_and_check_warns_naming_both() {
    let short =
        "# DNS resolution failures\n\n## Summary\n\nDNS failed.\n\n## Impact\n\nLookups failed.\n";
    let site = Site::with(&[
        ("content/INC-201/README.md", short),
        (
            "content/INC-201/index.md",
            &long_postmortem("DNS resolution failures"),
        ),
        // A README that only points at the postmortem says nothing of its own: no warning.
        (
            "content/INC-202/README.md",
            "# INC-202\n\nThe postmortem is [index.md](index.md).\n",
        ),
        ("content/INC-202/index.md", &long_postmortem("Disk full")),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let not_built = with_rule(&findings, "not-built");
    assert_eq!(not_built.len(), 1, "{findings:#?}");
    assert_eq!(not_built[0]["file"], "content/INC-201/README.md");
    assert_eq!(
        not_built[0]["message"],
        "this file looks like a postmortem but will not be built: `content/INC-201/` holds both `README.md` and `index.md`, and `index.md` is its postmortem: a folder's `index.md` comes before its README, as on GitHub Pages and in a Hugo page bundle, and the README is a repository file"
    );
    assert!(
        not_built[0]["hint"].as_str().unwrap().starts_with(
            "if the README is the postmortem, move its text into `content/INC-201/index.md`"
        ),
        "{findings:#?}"
    );
    // One page for the folder, from index.md (its text, not the README's).
    site.build_ok();
    assert_eq!(
        site.incident("INC-201")["source"],
        "content/INC-201/index.md"
    );
    assert!(site
        .text("incidents/INC-201/index.html")
        .contains("Between 10:02"));
    assert!(
        with_rule(&findings, "duplicate-id").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn a_content_folder_whose_markdown_files_are_all_left_out_is_a_warning_in_check_and_build() {
    let site = Site::with(&[
        ("hindsight.toml", "ignore = [\"drafts/\"]\n"),
        (
            "content/README.md",
            "# Postmortems\n\nOne folder per incident.\n",
        ),
        ("content/INC-9/README.md", "# INC-9\n\nSee the wiki.\n"),
        ("content/drafts/2024-01-01-outage.md", "# Outage\n"),
    ]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let none = with_rule(&findings, "no-postmortems");
    assert_eq!(none.len(), 1, "{findings:#?}");
    assert_eq!(none[0]["level"], "warning");
    assert_eq!(none[0]["file"], "");
    assert_eq!(
        none[0]["message"],
        "no postmortem in the content folder `content/`: its 3 Markdown files are not read as postmortems (`README.md`, `INC-9/README.md`, `drafts/2024-01-01-outage.md`), so the site has no incident"
    );
    let hint = none[0]["hint"].as_str().unwrap();
    assert!(
        hint.starts_with(
            "a pattern of `ignore` in hindsight.toml matches some: narrow it; README, CONTRIBUTING"
        ),
        "{hint}"
    );
    let o = site.build();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-postmortems"), "{}", stderr(&o));
}

#[test]
fn a_future_date_in_the_text_does_not_date_the_incident_and_one_in_the_file_name_is_said_to_come_from_it(
) {
    let site = Site::with(&[
        (
            "content/cache-outage.md",
            "# Cache outage\n\nWe plan to retire this cache by 2999-06-01.\n\nOn 2024-02-03 the cache failed.\n",
        ),
        (
            "content/2099-01-01-disk-full.md",
            "# Disk full\n\nThe disk filled up.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let derived = placed(&findings, "derived", "content/cache-outage.md");
    assert!(
        // Not "the first date in the text": the first one was skipped.
        derived.iter().any(|d| d.2.contains(
            "date 2024-02-03 from the text, its first date that is not a plan or after tomorrow"
        )),
        "{findings:#?}"
    );
    assert!(
        placed(&findings, "future-date", "content/cache-outage.md").is_empty(),
        "{findings:#?}"
    );
    let future: Vec<_> = with_rule(&findings, "future-date")
        .into_iter()
        .filter(|f| f["file"] == "content/2099-01-01-disk-full.md")
        .collect();
    assert_eq!(future.len(), 1, "{findings:#?}");
    let message = future[0]["message"].as_str().unwrap();
    let hint = future[0]["hint"].as_str().unwrap();
    assert!(
        message.contains("2099-01-01, read from the file name,"),
        "{message}"
    );
    assert!(
        hint.contains("`date: 2024-03-01`") && hint.contains("overrides"),
        "{hint}"
    );
}

#[test]
fn did_you_mean_never_names_the_linking_file_nor_an_id_that_differs_only_in_its_number() {
    let site = Site::with(&[
        (
            "content/2023-03-02-apple-pay-certificate-expired.md",
            "---\nid: PM2023-001\ntitle: Apple Pay certificate expired\ndate: 2023-03-02\nrelated: [PM2022-001, PM2022-02, PX2022-002]\n---\n\nAs [before](2022-02-08-apple-pay-certificate-expired.md).\n",
        ),
        (
            "content/2022-03-01-db.md",
            "---\nid: PM2022-002\ntitle: DB down\ndate: 2022-03-01\n---\n\nIt broke.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints = |rule: &str| -> Vec<String> {
        with_rule(&findings, rule)
            .into_iter()
            .filter(|f| f["file"] == "content/2023-03-02-apple-pay-certificate-expired.md")
            .map(|f| f["hint"].as_str().unwrap().to_string())
            .collect()
    };
    let broken = hints("broken-link");
    assert_eq!(broken.len(), 1, "{findings:#?}");
    assert!(
        !broken[0].contains("2023-03-02-apple-pay-certificate-expired.md"),
        "{broken:?}"
    );
    let related = hints("unknown-related");
    assert_eq!(related.len(), 3, "{findings:#?}");
    // Another number is another incident; the same number padded otherwise, or a letter
    // mistyped, is a typo.
    assert!(!related[0].contains("did you mean"), "{related:?}");
    assert!(
        related[1].contains("did you mean `PM2022-002`?"),
        "{related:?}"
    );
    assert!(
        related[2].contains("did you mean `PM2022-002`?"),
        "{related:?}"
    );
}

#[test]
fn check_reads_drafts_with_or_without_drafts_which_it_accepts_as_build_does() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/2024-03-01-disk-full.md",
                "# Disk full\n\n## Summary\n\nThe disk filled up.\n",
            ),
            (
                "content/2024-03-02-draft.md",
                "---\nstatus: draft\nseverity: SEV9\n---\n# Draft\n\nNot yet.\n",
            ),
        ],
    );
    let (code, findings) = check_json(root, &[]);
    // The draft's front matter is checked: its severity is on no scale.
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "content/2024-03-02-draft.md" && f["level"] == "error"),
        "{findings:#?}"
    );
    assert_eq!(check_json(root, &["--drafts"]), (code, findings));
}

#[test]
fn a_root_relative_link_to_a_missing_file_says_it_is_read_from_the_site_root_and_how_to_publish_it()
{
    let site = Site::with(&[(
        "content/2024-01-02-disk-full.md",
        "# Disk full\n\nSee the [report](/files/nope.pdf).\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(1), "a broken link is an error");
    let links = with_rule(&findings, "broken-link");
    assert_eq!(links.len(), 1, "{findings:#?}");
    let f = links[0];
    assert_eq!(f["file"], "content/2024-01-02-disk-full.md");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(9))
    );
    assert_eq!(
        f["message"],
        "link to `/files/nope.pdf` leads nowhere: a link that starts with `/` is read from the \
         site root, where the built site has no page or file `files/nope.pdf`; nor is there a \
         file `content/files/nope.pdf` in the content folder"
    );
    assert_eq!(
        f["hint"],
        "to publish a file at this link, put it at `static/files/nope.pdf`: the build copies \
         `static/` to the site root, so it is at `/files/nope.pdf`; or link to a file of the \
         content folder by its path relative to this file, or to a postmortem by its id"
    );
}

#[test]
fn a_root_relative_link_outside_the_path_of_base_url_says_where_the_site_root_is() {
    let site = Site::with(&[
        (
            "hindsight.toml",
            "base_url = \"https://kb.example.org/pm/\"\n",
        ),
        (
            "content/2024-01-02-disk-full.md",
            "# Disk full\n\nSee the [report](/files/nope.pdf).\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let links = with_rule(&findings, "broken-link");
    assert_eq!(links.len(), 1, "{findings:#?}");
    let f = links[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(9))
    );
    assert_eq!(
        f["message"],
        "link to `/files/nope.pdf` leads nowhere: a link that starts with `/` is read from the \
         host's root, and this site's root is `/pm/` (the path of `base_url`), so it leads out \
         of the site; nor is there a file `content/files/nope.pdf` in the content folder"
    );
    assert_eq!(
        f["hint"],
        "to publish a file at this link, put it at `static/files/nope.pdf`: the build copies \
         `static/` to the site root, so it is at `/pm/files/nope.pdf`; or link to a file of the \
         content folder by its path relative to this file, or to a postmortem by its id"
    );
}

#[test]
fn a_root_relative_link_to_a_missing_page_is_told_to_link_to_the_postmortem_not_to_publish_a_file()
{
    let site = Site::with(&[(
        "content/2024-01-02-disk-full.md",
        "# Disk full\n\nSee [the other](/incidents/nope/).\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let links = with_rule(&findings, "broken-link");
    assert_eq!(links.len(), 1, "{findings:#?}");
    let f = links[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(5))
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("link to `/incidents/nope/` leads nowhere: a link that starts with `/` is read from the site root"),
        "{f}"
    );
    assert_eq!(
        f["hint"],
        "the site's pages are under `/`: link to a postmortem by its id or by its file path \
         relative to this file, which the build writes as its page's URL"
    );
}

#[test]
fn the_broken_link_rule_is_described_for_relative_and_root_relative_links_alike() {
    let site = Site::with(&[(
        "content/2024-01-02-disk-full.md",
        "# Disk full\n\nSee the [report](/files/nope.pdf).\n",
    )]);
    let out = check(&site.root, &[]);
    let text = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "a link inside the site (relative, or from the site root) that leads nowhere"
        ),
        "{text}"
    );
    assert!(
        !text.contains("a relative link that leads nowhere"),
        "{text}"
    );
}

#[test]
fn the_derived_note_counts_learnings_and_action_items_and_names_the_sections_they_came_from() {
    // Learnings under two subheadings of one section, and one action item under a heading of
    // the team's own wording: the note names the sections as the author titled them.
    let site = Site::with(&[(
        "content/2024-03-01-queue-backlog.md",
        "# Queue backlog\n\n## Summary\n\nThe queue backed up.\n\n\
         ## Lessons Learned\n\n### Process\n\n- Page the owning team, not the platform.\n\n\
         ### Technical\n\n- Cap the retry rate of consumers.\n- Alert on queue age.\n\n\
         ## Follow-ups\n\n- Add a queue-age alert\n",
    )]);
    let (code, findings) = check_json(&site.root, &[]);
    assert_eq!(code, Some(0), "{findings:#?}");
    let message = with_rule(&findings, "derived")[0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.ends_with(
            "; 3 learnings from “Lessons Learned” (line 7); 1 action item from “Follow-ups” (line 18)"
        ),
        "{message}"
    );
}

#[test]
fn a_broken_link_is_offered_a_postmortem_that_reads_like_it_not_one_that_only_shares_a_date_scheme()
{
    let site = Site::with(&[
        (
            "content/2024-03-01-disk-full.md",
            "# Disk full\n\nIt filled.\n",
        ),
        ("content/2024-11-01-second.md", "# Second\n\nAgain.\n"),
        (
            "content/2024-11-01-dns-outage.md",
            "# DNS outage\n\nSee [the disk one](2024-03-01-disk-ful.md), \
             [the same, another day](2024-03-02-disk-full.md) and [an old one](2024-01-01-nope.md).\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<&str> = with_rule(&findings, "broken-link")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints.len(), 3, "{findings:#?}");
    assert!(
        hints[0].starts_with("did you mean `2024-03-01-disk-full.md`?"),
        "{hints:#?}"
    );
    assert!(
        hints[1].starts_with("did you mean `2024-03-01-disk-full.md`?"),
        "{hints:#?}"
    );
    // `nope` is like no postmortem: its date scheme alone is no likeness.
    assert!(!hints[2].contains("did you mean"), "{hints:#?}");
}

#[test]
fn a_link_out_of_the_content_folder_to_nothing_suggests_no_postmortem_of_another_name() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            ("content/bad.md", "# Bad deploy\n\nIt went badly.\n"),
            (
                "content/pay.md",
                "# Payments down\n\nSee [the runbook](../runbooks/db.md) and [the other](../bad.md).\n",
            ),
        ],
    );
    let (_, findings) = check_json(root, &[]);
    let hints: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "broken-link")
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints.len(), 2, "{findings:#?}");
    // `db.md` is one letter from `bad.md`, but the runbook is kept outside `content/`.
    assert!(!hints[0].contains("bad.md"), "{}", hints[0]);
    assert!(
        hints[0].contains("climbs out of the content folder, which is all the site publishes, and no file is there either"),
        "{}",
        hints[0]
    );
    // The same name at the wrong depth is still suggested.
    assert!(hints[1].contains("did you mean `bad.md`?"), "{}", hints[1]);
}

#[test]
fn the_derived_note_of_a_postmortem_whose_date_cannot_be_read_points_at_the_date_s_line() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/pay.md",
            "---\ntitle: Payments down\n\ndate: 2024-13-02\n---\n# Payments down\n\nIt failed over.\n",
        )],
    );
    let (_, findings) = check_json(tmp.path(), &[]);
    let bad = with_rule(&findings, "bad-date");
    assert_eq!(bad.len(), 1, "{findings:#?}");
    assert_eq!(bad[0]["line"], 4);
    let derived = with_rule(&findings, "derived");
    let message = derived[0]["message"].as_str().unwrap();
    assert!(
        message.contains("no date, as `date` on line 4 cannot be read (until it is fixed,"),
        "{message}"
    );
}

#[test]
fn a_mistyped_link_in_a_sub_folder_is_mended_with_a_path_relative_to_its_own_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/postmortems/2022-02-08-webhook-certificate-expired.md",
                "# Webhook certificate expired\n\nIt expired.\n",
            ),
            (
                "content/postmortems/2026-12-05-x.md",
                "# X\n\nSee [the outage](2022-02-08-webhook-certificate-expire.md).\n",
            ),
            (
                "content/index.md",
                "# Welcome\n\nRead [it](postmortems/2022-02-08-webhook-certificate-expird.md).\n",
            ),
        ],
    );
    let (_, findings) = check_json(root, &[]);
    let hint = |file: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == "broken-link" && f["file"] == file)
            .map(|f| f["hint"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no broken link in {file}: {findings:#?}"))
    };
    let h = hint("content/postmortems/2026-12-05-x.md");
    assert!(
        h.starts_with("did you mean `2022-02-08-webhook-certificate-expired.md`?"),
        "{h}"
    );
    let h = hint("content/index.md");
    assert!(
        h.starts_with("did you mean `postmortems/2022-02-08-webhook-certificate-expired.md`?"),
        "{h}"
    );
}

#[test]
fn an_anchor_into_a_learning_without_headings_says_to_link_to_the_page_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "content/learnings/stage-config.md",
                "---\nid: stage-config\ntitle: Stage config changes\n---\nRoll config out in stages.\n",
            ),
            (
                "content/x.md",
                "# X\n\n## Lessons learned\n\n- See [this](learnings/stage-config.md#why).\n",
            ),
        ],
    );
    let (_, findings) = check_json(root, &[]);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "broken-anchor")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    let hint = f["hint"].as_str().unwrap();
    assert!(
        hint.ends_with("has no headings to link to: link to the page without `#why`"),
        "{hint}"
    );
}

#[test]
fn owners_of_an_action_item_written_as_a_list_are_its_owners() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\naction_items:\n  - text: Fix the cache\n    owner: [team-payments, sre]\n---\n\n# A\n\n## Lessons learned\n\n- Caches need owners.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    assert!(
        with_rule(&findings, "wrong-type").is_empty(),
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "action-owner").is_empty(),
        "{findings:#?}"
    );
    site.build_ok();
    let api: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out.join("api/incidents.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(api[0]["action_items"][0]["owner"], "team-payments, sre");
}

#[test]
fn a_mistyped_id_in_a_body_link_is_mended_as_a_mistyped_related_id_is() {
    let site = Site::with(&[
        (
            "content/pool.md",
            "---\nid: PM2024-002\ntitle: Pool\ndate: 2024-02-01\n---\n# Pool\n\n## Lessons learned\n\n- Pools run dry.\n",
        ),
        (
            "content/x.md",
            "---\nid: PM2024-007\ntitle: X\ndate: 2024-03-01\nrelated: [PM2024-02]\n---\n# X\n\nAs in [the pool change](PM2024-02).\n\n## Lessons learned\n\n- Pools run dry.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let link = with_rule(&findings, "broken-link");
    assert_eq!(link.len(), 1, "{findings:#?}");
    let hint = link[0]["hint"].as_str().unwrap();
    assert!(hint.starts_with("did you mean `PM2024-002`?"), "{hint}");
    let related = with_rule(&findings, "unknown-related");
    assert!(
        related[0]["hint"].as_str().unwrap().contains("PM2024-002"),
        "{findings:#?}"
    );
}

#[test]
fn an_unquoted_front_matter_item_holding_a_colon_is_read_as_the_text_its_author_wrote() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\naction_items:\n  - Add an expiry alert (owner: sre, done)\n  - \"Add an expiry graph (owner: @carol, due 2024-02-01)\"\n  - ownr: sre\nlearnings:\n  - Lesson: certificates expire silently\n---\n\n# A\n\nIt broke.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    let colon: Vec<(u64, u64)> = with_rule(&findings, "colon-in-text")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(colon, [(5, 5), (9, 5)], "{findings:#?}");
    assert!(
        with_rule(&findings, "colon-in-text")[0]["hint"]
            .as_str()
            .unwrap()
            .contains("`- \"Add an expiry alert (owner: sre, done)\"`"),
        "{findings:#?}"
    );
    // A mistyped key of a real mapping is still one, and still an error.
    assert_eq!(
        with_rule(&findings, "unknown-key").len(),
        1,
        "{findings:#?}"
    );
    std::fs::write(
        site.root.join("content/a.md"),
        std::fs::read_to_string(site.root.join("content/a.md"))
            .unwrap()
            .replace("  - ownr: sre\n", ""),
    )
    .unwrap();
    site.build_ok();
    let items: Vec<(String, String, String)> = site.incident("a")["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("-").to_string();
            (s("text"), s("owner"), s("status") + " " + &s("due"))
        })
        .collect();
    assert_eq!(
        items,
        [
            ("Add an expiry alert".into(), "sre".into(), "done -".into()),
            (
                "Add an expiry graph".into(),
                "carol".into(),
                "- 2024-02-01".into()
            ),
        ]
    );
    assert_eq!(
        site.incident("a")["learnings"][0]["text"],
        "Lesson: certificates expire silently"
    );
}

#[test]
fn learnings_or_action_items_given_as_one_text_are_a_list_of_one() {
    let site = Site::with(&[(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nlearnings: Disks fill up when nobody watches them.\naction_items: \"Add a disk alert (owner: sre)\"\n---\n\n# A\n\nIt broke.\n",
    )]);
    let (_, findings) = check_json(&site.root, &[]);
    assert!(
        with_rule(&findings, "wrong-type").is_empty()
            && with_rule(&findings, "learnings-missing").is_empty(),
        "{findings:#?}"
    );
    site.build_ok();
    let a = site.incident("a");
    assert_eq!(
        a["learnings"][0]["text"],
        "Disks fill up when nobody watches them."
    );
    assert_eq!(a["action_items"][0]["text"], "Add a disk alert");
    assert_eq!(a["action_items"][0]["owner"], "sre");
}

#[test]
fn a_missing_image_names_the_file_of_the_content_folder_it_likely_meant() {
    let site = Site::with(&[
        ("content/images/Graph.PNG", "x"),
        ("content/images/latency.png", "x"),
        ("content/images/errors.svg", "x"),
        ("content/images/notes.md", "# Notes\n"),
        (
            "content/2026/img.md",
            "---\ntitle: Images\ndate: 2026-11-22\n---\n\n# Images\n\n![graph](../images/graph.png)\n![lat](../images/latnecy.png)\n![err](../img/errors.svg)\n![none](../images/nothing-like-it.png)\n![notes](../images/note.md)\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<(u64, &str)> = with_rule(&findings, "missing-image")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(hints.len(), 5, "{findings:#?}");
    assert_eq!(
        hints[0],
        (
            8,
            "did you mean `../images/Graph.PNG`? The names differ in case alone, which the web server that publishes the site tells apart"
        )
    );
    assert_eq!(hints[1], (9, "did you mean `../images/latency.png`?"));
    assert_eq!(hints[2], (10, "did you mean `../images/errors.svg`?"));
    for (line, hint) in &hints[3..] {
        assert!(
            !hint.contains("did you mean"),
            "line {line}: nothing is near: {hint}"
        );
    }
}

#[test]
fn a_front_matter_date_written_in_words_or_day_first_gets_the_date_to_write_and_the_note_says_why_the_file_name_dates_it(
) {
    let site = Site::with(&[
        (
            "content/2026-11-20-words.md",
            "---\ntitle: W\ndate: Nov 20 2026\n---\n\n# W\n\nIt broke.\n",
        ),
        (
            "content/2026-11-20-dashes.md",
            "---\ntitle: D\ndate: 20-11-2026\n---\n\n# D\n\nIt broke.\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let bad = with_rule(&findings, "bad-date");
    assert_eq!(bad.len(), 2, "{findings:#?}");
    for f in &bad {
        assert_eq!(
            f["hint"], "write it as YYYY-MM-DD: `date: 2026-11-20`",
            "{f:#}"
        );
    }
    let notes = with_rule(&findings, "derived");
    assert!(
        notes.len() == 2
            && notes
                .iter()
                .all(|n| n["message"].as_str().unwrap().contains(
                    "date 2026-11-20 from the file name, as `date` on line 3 cannot be read"
                )),
        "{notes:#?}"
    );
}

#[test]
fn paths_after_the_options_narrow_the_report_to_those_files_while_the_whole_site_is_read() {
    let root = fixture("check");
    let (_, all) = check_json(&root, &[]);
    let narrowed = |paths: &[&str]| {
        let o = bin()
            .current_dir(&root)
            .args(["check", "--format", "json"])
            .args(paths)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Array(Vec::new()));
        (o.status.code(), v.as_array().unwrap().clone(), stderr(&o))
    };
    let (code, found, summary) = narrowed(&["content/postmortems/broken-link.md"]);
    let of_file: Vec<&Value> = all
        .iter()
        .filter(|f| f["file"] == "content/postmortems/broken-link.md")
        .collect();
    assert!(
        of_file.iter().any(|f| f["level"] == "error"),
        "{of_file:#?}"
    );
    assert_eq!(found.iter().collect::<Vec<_>>(), of_file);
    assert_eq!(code, Some(1));
    assert!(
        summary.contains("in `content/postmortems/broken-link.md` (of "),
        "{summary}"
    );
    // A file with no finding passes, though other files have errors.
    let (code, found, _) = narrowed(&["content/postmortems/clean.md"]);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:#?}");
    // A folder holds its files' findings.
    let (_, found, summary) = narrowed(&["content/postmortems", "content/learnings"]);
    let under: Vec<&Value> = all
        .iter()
        .filter(|f| {
            let file = f["file"].as_str().unwrap();
            file.starts_with("content/postmortems/") || file.starts_with("content/learnings/")
        })
        .collect();
    assert_eq!(found.iter().collect::<Vec<_>>(), under);
    assert!(summary.contains("in 2 paths (of "), "{summary}");
    let (code, _, message) = narrowed(&["content/postmortems/no-such.md"]);
    assert_eq!(code, Some(2));
    assert!(
        message.contains("`content/postmortems/no-such.md` cannot be checked"),
        "{message}"
    );
}

#[test]
fn a_broken_link_to_a_file_names_the_file_of_the_content_folder_it_likely_meant() {
    let site = Site::with(&[
        ("content/files/Runbook.PDF", "x"),
        (
            "content/2026/a.md",
            "---\ntitle: A\ndate: 2026-11-22\n---\n\n# A\n\nSee [the runbook](../files/runbook.pdf) and [notes](../files/notes.txt).\n",
        ),
    ]);
    let (_, findings) = check_json(&site.root, &[]);
    let hints: Vec<&str> = with_rule(&findings, "broken-link")
        .iter()
        .map(|f| f["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints.len(), 2, "{findings:#?}");
    assert_eq!(hints[0], "did you mean `../files/Runbook.PDF`?");
    assert!(!hints[1].contains("did you mean"), "{}", hints[1]);
}
