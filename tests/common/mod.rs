//! Helpers the integration test files share: the binary, fixtures, copying and reading trees.
// Each test file uses some of these; the others would warn as unused there.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The `hindsight` binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
}

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies a folder tree into `to`, leaving out build output and caches.
pub fn copy_tree(from: &Path, to: &Path) {
    let walker = walkdir::WalkDir::new(from).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || !matches!(
                name.as_ref(),
                "target" | ".git" | ".hindsight-cache" | "public" | "node_modules" | "bench-out"
            )
    });
    for e in walker {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Writes `files` (path under `root`, text), creating their folders.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Every file under `dir` (path with `/`) with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Runs `hindsight build --quiet` of `root` into `out`.
pub fn build(root: &Path, out: &Path) -> Output {
    build_with_env(root, out, &[])
}

/// [`build`] with `env` added to the build's environment.
pub fn build_with_env(root: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    bin()
        .envs(env.iter().copied())
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Builds and fails the test with the build's stderr when it does not succeed.
pub fn build_ok(root: &Path, out: &Path) {
    let o = build(root, out);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// [`build_ok`] with `--drafts`: drafts, incidents in review and internal ones too.
pub fn build_drafts_ok(root: &Path, out: &Path) {
    let o = bin()
        .args(["build", "--quiet", "--drafts", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// One string field of every incident the site in `out` exports, in the export's order.
pub fn exported(out: &Path, field: &str) -> Vec<String> {
    read_json(&out.join("api/incidents.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

/// The entry of incident `id` in the `api/incidents.json` of the site in `out`.
pub fn exported_incident(out: &Path, id: &str) -> serde_json::Value {
    let incidents = read_json(&out.join("api/incidents.json"));
    incidents
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {incidents}"))
        .clone()
}

/// `cmd` run to its end with a stdout whose reader is gone (closed before it starts, as
/// `hindsight ... | head -3` can leave it), so that every write to it fails.
pub fn output_with_stdout_closed(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
        .wait_with_output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `hindsight check --root ROOT EXTRA...`.
pub fn check(root: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .unwrap()
}

/// `check --format json` parsed, with the exit code.
pub fn check_json(root: &Path, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let o = check(root, &args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)));
    (o.status.code(), v.as_array().unwrap().clone())
}

/// A site in a fresh temporary folder: its sources in `root`, its build output in `out`.
/// Both go away with the `Site`.
pub struct Site {
    _tmp: TempDir,
    pub root: PathBuf,
    pub out: PathBuf,
}

impl Site {
    /// An empty site: `root` and `out` are named but not made.
    pub fn empty() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let out = tmp.path().join("public");
        Site {
            _tmp: tmp,
            root,
            out,
        }
    }

    /// A site made of `files` (path under `root`, text).
    pub fn with(files: &[(&str, &str)]) -> Site {
        let site = Site::empty();
        write_files(&site.root, files);
        site
    }

    /// A copy of the fixture `name` under tests/fixtures.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_tree(&fixture(name), &site.root);
        site
    }

    /// Runs `hindsight build --quiet` of `root` into `out`.
    pub fn build(&self) -> Output {
        build(&self.root, &self.out)
    }

    /// Builds and fails the test with the build's stderr when it does not succeed.
    pub fn build_ok(&self) -> &Site {
        build_ok(&self.root, &self.out);
        self
    }

    /// The text of the file at `path` under `out`.
    pub fn page(&self, path: &str) -> String {
        std::fs::read_to_string(self.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The entry of incident `id` in the built site's `api/incidents.json`.
    pub fn incident(&self, id: &str) -> serde_json::Value {
        exported_incident(&self.out, id)
    }

    /// [`Site::page`] with its tags left out and its white space squeezed to single spaces.
    pub fn text(&self, path: &str) -> String {
        squeeze(&html_text(&self.page(path)))
    }
}

/// The text of some HTML, its tags left out.
pub fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// `text` with every run of white space made one space, and none at either end.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
