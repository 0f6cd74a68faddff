//! `hindsight serve`: the binary serving a fixture site from a temporary folder, read over HTTP.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;
use common::*;

/// A running `hindsight serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, args: &[&str]) -> Server {
    let mut command = bin();
    command
        .args(["serve", "--quiet", "--port", "0", "--root"])
        .arg(root)
        .args(args)
        .stderr(Stdio::null());
    started(command).0
}

/// Starts `command` (a `serve`), and returns the server with the first line it printed,
/// which holds its address.
fn started(mut command: std::process::Command) -> (Server, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (Server { child, url }, line)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// Status, content type and body of a GET.
fn get(url: &str) -> (u16, String, String) {
    let mut r = agent().get(url).call().unwrap();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = r.body_mut().read_to_string().unwrap_or_default();
    (r.status().as_u16(), location.unwrap_or(kind), body)
}

/// Polls `url` until its body holds `text`.
fn wait_for(url: &str, text: &str) -> String {
    let start = Instant::now();
    loop {
        let (_, _, body) = get(url);
        if body.contains(text) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{url} never showed {text:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Reads the event stream on a thread; each `event:` line's name and the data after it.
fn events(url: &str) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    let url = format!("{url}__hindsight/events");
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
        let r = agent.get(&url).call().unwrap();
        let reader = BufReader::new(r.into_body().into_reader());
        let (mut name, mut data) = (String::new(), String::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push_str(d.trim_start());
                data.push('\n');
            } else if line.is_empty() && !name.is_empty() {
                if tx.send((name.clone(), data.clone())).is_err() {
                    return;
                }
                name.clear();
                data.clear();
            }
        }
    });
    rx
}

fn next_event(rx: &mpsc::Receiver<(String, String)>) -> (String, String) {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("an event within 30 s")
}

#[test]
fn the_preview_serves_pages_with_the_reload_script_redirects_folders_and_answers_404() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), tmp.path());
    let server = serve(tmp.path(), &[]);
    let url = &server.url;

    let (status, kind, body) = get(url);
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(
        body.contains("<script src=\"/__hindsight/live.js?build="),
        "{body}"
    );
    // Relative links, as in a build, so the preview works under any host name.
    assert!(body.contains("href=\"incidents/FX-001/\""), "{body}");

    let (status, location, _) = get(&format!("{url}incidents/FX-001"));
    assert_eq!((status, location.as_str()), (301, "/incidents/FX-001/"));
    let (status, _, body) = get(&format!("{url}incidents/FX-001/"));
    assert_eq!(status, 200);
    assert!(body.contains("Disk full on the database primary"));

    let (status, kind, _) = get(&format!("{url}api/incidents.json"));
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    for script in ["live.js", "live-worker.js"] {
        let (status, kind, _) = get(&format!("{url}__hindsight/{script}"));
        assert_eq!(
            (status, kind.as_str()),
            (200, "text/javascript; charset=utf-8"),
            "{script}"
        );
    }

    let (status, _, body) = get(&format!("{url}no/such/page/"));
    assert_eq!(status, 404);
    assert!(body.contains("__hindsight/live.js"), "{body}");

    // Drafts are served only when asked for.
    let (status, _, _) = get(&format!("{url}incidents/2023-06-01-draft/"));
    assert_eq!(status, 404);
    drop(server);
    let server = serve(tmp.path(), &["--drafts"]);
    let (status, _, body) = get(&format!("{}incidents/2023-06-01-draft/", server.url));
    assert_eq!(status, 200);
    assert!(body.contains("Not ready"), "{body}");
}

#[test]
fn a_change_rebuilds_and_reloads_and_a_broken_file_keeps_the_last_good_site_and_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), tmp.path());
    let before = tree(tmp.path());
    let server = serve(tmp.path(), &[]);
    let page = format!("{}incidents/FX-002/", server.url);
    let rx = events(&server.url);
    let (name, first) = next_event(&rx);
    assert_eq!(name, "hello");

    let file = tmp
        .path()
        .join("content/postmortems/2022-01-10-disk-again.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let renamed = text.replace(
        "title: Disk full again, on a replica",
        "title: Disk full a third time",
    );
    assert_ne!(renamed, text);
    std::fs::write(&file, &renamed).unwrap();
    let (name, build) = next_event(&rx);
    assert_eq!(name, "reload");
    assert_ne!(build, first);
    let body = wait_for(&page, "Disk full a third time");
    assert!(
        body.contains(&format!("live.js?build={}", build.trim())),
        "{body}"
    );

    // Front matter that is not YAML: the errors reach the page, the last good site stays.
    std::fs::write(&file, renamed.replace("severity: SEV3", "severity: [SEV3")).unwrap();
    let (name, errors) = next_event(&rx);
    assert_eq!(name, "failed");
    assert!(
        errors.contains("content/postmortems/2022-01-10-disk-again.md:"),
        "{errors}"
    );
    let (status, _, body) = get(&page);
    assert_eq!(status, 200);
    assert!(body.contains("Disk full a third time"));

    // Fixed: a new build is served.
    std::fs::write(&file, &text).unwrap();
    let (name, _) = next_event(&rx);
    assert_eq!(name, "reload");
    wait_for(&page, "Disk full again, on a replica");

    // The preview wrote nothing: the folder holds what it held.
    drop(server);
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_broken_theme_template_is_shown_at_its_file_and_line_and_the_last_good_site_stays() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), tmp.path());
    let templates = tmp.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let server = serve(tmp.path(), &[]);
    let page = format!("{}incidents/FX-002/", server.url);
    let rx = events(&server.url);
    assert_eq!(next_event(&rx).0, "hello");

    std::fs::write(
        templates.join("incident.html"),
        "{% extends \"default/incident.html\" %}\n{% block description %}\n  {{ incident.titel }}\n{% endblock description %}\n",
    )
    .unwrap();
    let (name, errors) = next_event(&rx);
    assert_eq!(name, "failed");
    assert!(
        errors.contains("themes/default/templates/incident.html:3:6"),
        "{errors}"
    );
    let (status, _, body) = get(&page);
    assert_eq!(status, 200);
    assert!(body.contains("Disk full again"), "{body}");
}

#[test]
#[cfg(unix)]
fn a_change_to_the_file_a_symbolic_link_points_at_rebuilds_as_the_build_follows_it() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let text =
        |title: &str| format!("---\nid: S-1\ntitle: {title}\ndate: 2024-01-02\n---\nIt broke.\n");
    write_files(
        root,
        &[
            (
                "content/own.md",
                "# Our own\n\nOn 2 January 2024 it broke.\n",
            ),
            ("elsewhere/real.md", &text("Linked before")),
        ],
    );
    symlink("../elsewhere/real.md", root.join("content/sym.md")).unwrap();
    let server = serve(root, &[]);
    let page = format!("{}incidents/S-1/", server.url);
    wait_for(&page, "Linked before");
    // Outside every watched folder: only the link's own watch sees this.
    std::fs::write(root.join("elsewhere/real.md"), text("Linked after")).unwrap();
    wait_for(&page, "Linked after");
    // Saved as some editors save, by replacing the file; the next change is seen too.
    std::fs::write(root.join("elsewhere/new.md"), text("Linked replaced")).unwrap();
    std::fs::rename(
        root.join("elsewhere/new.md"),
        root.join("elsewhere/real.md"),
    )
    .unwrap();
    wait_for(&page, "Linked replaced");
    std::fs::write(root.join("elsewhere/real.md"), text("Linked again")).unwrap();
    wait_for(&page, "Linked again");
    // A folder linked while serving is followed, and watched, too.
    write_files(
        root,
        &[(
            "shared/two.md",
            &text("In a linked folder").replace("S-1", "S-2"),
        )],
    );
    symlink("../shared", root.join("content/linked")).unwrap();
    let two = format!("{}incidents/S-2/", server.url);
    wait_for(&two, "In a linked folder");
    std::fs::write(
        root.join("shared/two.md"),
        text("Changed in the linked folder").replace("S-1", "S-2"),
    )
    .unwrap();
    wait_for(&two, "Changed in the linked folder");
}

#[test]
fn a_content_folder_deleted_and_made_again_is_still_watched() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let post = |words: &str| {
        format!("---\nid: W-1\ntitle: Swap\ndate: 2024-01-02\n---\n# Swap\n\n{words}\n")
    };
    write_files(
        root,
        &[
            ("content/a.md", &post("First text")),
            ("backup/a.md", &post("Swapped text")),
        ],
    );
    let server = serve(root, &[]);
    let page = format!("{}incidents/W-1/", server.url);
    wait_for(&page, "First text");
    // In one go, as a sync script does it: no pause between deleting and copying.
    std::fs::remove_dir_all(root.join("content")).unwrap();
    copy_tree(&root.join("backup"), &root.join("content"));
    wait_for(&page, "Swapped text");
    // The new folder is watched: the watch on the deleted one died with it.
    std::fs::write(root.join("content/a.md"), post("Edited after the swap")).unwrap();
    wait_for(&page, "Edited after the swap");
}

#[test]
fn the_error_page_shows_errors_before_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[(
            "content/b.md",
            "---\nid: B-1\ntitle: [unclosed\n---\n# Broken\n",
        )],
    );
    // Not UTF-8 (Latin-1 `é`): an `encoding` warning, in a file that sorts first.
    std::fs::write(
        root.join("content/a.md"),
        b"---\nid: A-1\ntitle: Warned\ndate: 2024-01-02\n---\n# Caf\xe9 outage\n",
    )
    .unwrap();
    let server = serve(root, &[]);
    let (status, _, body) = get(&server.url);
    assert_eq!(status, 500, "{body}");
    let error = body.find("content/b.md").expect("the error is shown");
    let warning = body.find("content/a.md").expect("the warning is shown");
    assert!(error < warning, "{body}");
}

#[test]
fn bound_to_every_address_it_prints_an_address_a_browser_can_open() {
    let server = serve(&fixture("basic"), &["--bind", "0.0.0.0"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let (status, _, _) = get(&server.url);
    assert_eq!(status, 200);
}

#[test]
fn a_closed_stdout_does_not_stop_the_preview() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[(
            "content/2024-01-01-db.md",
            "---\ntitle: DB down\n---\n\nIt broke.\n",
        )],
    );
    // stdout is a pipe whose read end is closed before it starts: printing the address fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = bin()
        .args(["serve", "--quiet", "--port", "0", "--root"])
        .arg(tmp.path())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        url: String::new(),
    };
    // It prints the address once it listens, well within this time on a tiny site.
    let end = Instant::now() + Duration::from_secs(3);
    while Instant::now() < end {
        if let Some(status) = server.child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read as _;
            let _ = server.child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("serve ended with {status}: {err}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(server.url.is_empty());
}

#[test]
fn a_port_in_use_is_an_error_that_says_how_to_pick_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = bin()
        .args(["serve", "--port", &port, "--root"])
        .arg(fixture("basic"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn with_postmortems_at_the_root_a_postmortem_in_a_new_folder_is_served() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[(
            "2024-01-02-db-failover.md",
            "# The database failed over\n\nOn 2 January 2024 the primary failed over.\n",
        )],
    );
    let server = serve(root, &[]);
    let rx = events(&server.url);
    assert_eq!(next_event(&rx).0, "hello");
    write_files(
        root,
        &[(
            "2025/2025-03-04-queue-stalled.md",
            "# The queue stalled\n\nOn 4 March 2025 the queue stalled.\n",
        )],
    );
    assert_eq!(next_event(&rx).0, "reload");
    wait_for(
        &format!("{}api/incidents.json", server.url),
        "The queue stalled",
    );
    // A file written into the new folder later is seen too: the folder is watched now.
    write_files(
        root,
        &[(
            "2025/2025-05-06-cache-cold.md",
            "# The cache was cold\n\nOn 6 May 2025 the cache was cold.\n",
        )],
    );
    wait_for(
        &format!("{}api/incidents.json", server.url),
        "The cache was cold",
    );
}

#[test]
fn a_folder_with_no_content_yet_shows_why_until_the_first_postmortem_arrives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let server = serve(root, &[]);
    let (status, _, body) = get(&server.url);
    assert_eq!(status, 500);
    assert!(body.contains("content folder"), "{body}");
    assert!(
        body.contains("This page reloads when the errors are fixed."),
        "{body}"
    );
    assert!(body.contains("__hindsight/live.js"), "{body}");
    let o = bin()
        .args(["new", "The first incident", "--quiet", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let start = Instant::now();
    while get(&server.url).0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(30), "never built");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn with_an_invalid_config_it_reports_the_errors_as_build_does_and_says_it_serves_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture("basic"), &root);
    let config = std::fs::read_to_string(root.join("hindsight.toml")).unwrap();
    std::fs::write(root.join("hindsight.toml"), "title = \"Fixture: basic\n").unwrap();
    let log = tmp.path().join("stderr.txt");
    let mut command = bin();
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stderr(std::fs::File::create(&log).unwrap());
    let (server, line) = started(command);
    assert!(
        line.starts_with("Serving the build errors at http://"),
        "{line}"
    );
    let (status, _, body) = get(&server.url);
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("hindsight.toml:1:"), "{body}");
    // The errors went to the terminal as `build` reports them.
    let err = std::fs::read_to_string(&log).unwrap();
    assert!(err.contains("hindsight.toml:1:"), "{err}");
    assert!(
        err.contains("error: build failed with 1 error and 0 warnings"),
        "{err}"
    );
    // Fixed: the site is served.
    std::fs::write(root.join("hindsight.toml"), config).unwrap();
    wait_for(&server.url, "Disk full");
}

#[test]
fn an_address_not_of_this_machine_is_an_error_whose_hint_names_one_that_is() {
    let o = bin()
        .args(["serve", "--bind", "10.255.255.1", "--root"])
        .arg(fixture("basic"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // The first port tried: the address, not the port, is what fails, so no other is tried.
    assert!(err.contains("cannot listen on 10.255.255.1:1111:"), "{err}");
    assert!(err.contains("not an address of this machine"), "{err}");
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(!err.contains("free port"), "{err}");
}

#[test]
fn a_compressed_svg_is_sent_gzipped_as_an_svg_so_a_browser_shows_it() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_files(
        root,
        &[
            (
                "2024-03-01-outage.md",
                "# Outage\n\nThe [chart](chart.svgz) and the [plain one](plain.SVGZ).\n",
            ),
            (
                "plain.SVGZ",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"/>\n",
            ),
        ],
    );
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"/>\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(svg.as_bytes()).unwrap();
    let gzipped = gz.finish().unwrap();
    std::fs::write(root.join("chart.svgz"), &gzipped).unwrap();
    let server = serve(root, &[]);
    let header = |path: &str, name: &str| {
        let r = agent()
            .get(format!("{}incidents/2024-03-01-outage/{path}", server.url))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        header("chart.svgz", "content-type").as_deref(),
        Some("image/svg+xml")
    );
    assert_eq!(
        header("chart.svgz", "content-encoding").as_deref(),
        Some("gzip")
    );
    // Named `.svgz` but written plain: sent as it is, without a false encoding.
    assert_eq!(header("plain.SVGZ", "content-encoding"), None);
}

#[cfg(unix)]
#[test]
fn sigterm_ends_the_preview_as_ctrl_c_does_with_open_reload_streams_and_exit_code_zero() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), tmp.path());
    let mut server = serve(tmp.path(), &[]);
    // A page open in a browser holds the reload stream open.
    let rx = events(&server.url);
    assert_eq!(get(&server.url).0, 200);
    let _ = rx.recv_timeout(Duration::from_millis(500));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still serving 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
}

/// A site of three postmortems whose build warns of one broken link and derives what two
/// leave out (notes), and whose third is the one the tests save.
fn warned_site(root: &Path) {
    write_files(
        root,
        &[
            (
                "content/INC-101-disk.md",
                "---\nid: INC-101\ntitle: Disk full\ndate: 2024-01-02\n---\n# Disk full\n\nIt broke. See [the runbook](nowhere.md).\n\n## Learnings\n\n- Alert on disk.\n",
            ),
            (
                "content/INC-102-undated.md",
                "---\nid: INC-102\ntitle: Undated\n---\n# Undated\n\nIt broke.\n",
            ),
            ("content/INC-104-log-shipping.md", LOG_SHIPPING),
        ],
    );
}

const LOG_SHIPPING: &str = "---\nid: INC-104\ntitle: Log shipping\ndate: 2024-03-02\n---\n# Log shipping\n\nLogs stopped.\n\n## Learnings\n\n- Watch the shipper.\n";

/// `hindsight serve` with `args`, its stderr written to `log`.
fn serve_logged(root: &Path, args: &[&str], log: &Path) -> Server {
    let mut command = bin();
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(args)
        .stderr(std::fs::File::create(log).unwrap());
    started(command).0
}

#[test]
fn quiet_a_failed_rebuild_prints_only_its_errors_and_what_changed_after_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    warned_site(&root);
    let log = tmp.path().join("stderr.txt");
    let server = serve_logged(&root, &["--quiet"], &log);
    let rx = events(&server.url);
    assert_eq!(next_event(&rx).0, "hello");
    std::fs::write(
        root.join("content/INC-104-log-shipping.md"),
        LOG_SHIPPING.replace("title: Log shipping", "title: \"Log shipping"),
    )
    .unwrap();
    assert_eq!(next_event(&rx).0, "failed");
    let err = std::fs::read_to_string(&log).unwrap();
    // The error, its rule on a line of its own, and nothing of the rest of the site.
    assert!(err.contains("invalid YAML front matter"), "{err}");
    assert!(err.lines().any(|l| l == "yaml-invalid"), "{err}");
    assert!(!err.contains("nowhere.md"), "{err}");
    assert!(!err.contains("derived"), "{err}");
    assert_eq!(
        err.lines().last(),
        Some("error: content/INC-104-log-shipping.md changed, and the build failed with 1 error; the last good build is still served"),
        "{err}"
    );
}

#[test]
fn a_rebuild_prints_only_the_warnings_it_brings_and_counts_those_shown_before() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    warned_site(&root);
    let log = tmp.path().join("stderr.txt");
    let server = serve_logged(&root, &[], &log);
    let rx = events(&server.url);
    assert_eq!(next_event(&rx).0, "hello");
    let file = root.join("content/INC-104-log-shipping.md");
    let printed = |text: &str| {
        let err = std::fs::read_to_string(&log).unwrap();
        (err.matches(text).count(), err)
    };
    // The first build prints the site's warning; notes are `check`'s.
    let (n, err) = printed("link to `");
    assert_eq!(n, 1, "{err}");
    assert!(!err.contains("derived"), "{err}");

    // A good save: the warning is not printed again, but counted.
    std::fs::write(
        &file,
        LOG_SHIPPING.replace("Logs stopped.", "Logs stopped twice."),
    )
    .unwrap();
    assert_eq!(next_event(&rx).0, "reload");
    let (n, err) = printed("link to `");
    assert_eq!(n, 1, "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("content/INC-104-log-shipping.md changed: built 3 incidents")
            && last.ends_with("; 1 warning shown before is not repeated"),
        "{err}"
    );

    // A bad save: its error, what changed after it, and no warning or note of the site.
    let before = err.len();
    std::fs::write(
        &file,
        LOG_SHIPPING.replace("title: Log shipping", "title: \"Log shipping"),
    )
    .unwrap();
    assert_eq!(next_event(&rx).0, "failed");
    let (n, err) = printed("link to `");
    assert_eq!(n, 1, "{err}");
    let failed = &err[before..];
    assert!(failed.starts_with("yaml-invalid\n"), "{failed}");
    assert!(!failed.contains("derived"), "{failed}");
    assert!(
        failed.ends_with("error: content/INC-104-log-shipping.md changed, and the build failed with 1 error and 1 warning (1 warning shown before is not repeated); the last good build is still served\n"),
        "{failed}"
    );

    // The fix brings a warning of its own: that one is printed.
    std::fs::write(
        &file,
        LOG_SHIPPING.replace(
            "Logs stopped.",
            "Logs stopped. See [the dashboard](gone.md).",
        ),
    )
    .unwrap();
    assert_eq!(next_event(&rx).0, "reload");
    let (n, err) = printed("link to `");
    assert_eq!(n, 2, "{err}");
    assert!(err.contains("link to `gone.md`"), "{err}");
}
