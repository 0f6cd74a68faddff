/*!
The single place that writes the site.

A build writes into a staging folder beside the output folder and swaps it into place only
when everything succeeded, so a failed build leaves the previous site untouched. When the
folder that holds the output folder cannot be written (`public -> /srv/www` with `/srv` the
system's), or the output folder is a mount point or on another file system than that folder (a
Docker volume, a CI cache, a tmpfs), which no rename can swap, the staging folder is a hidden
folder inside the output folder, and once everything succeeded the previous site's files are
removed and the new ones moved into place. A swap that the system still refuses for that reason
(`EXDEV`, `EBUSY`) falls back to the same: the staged site is copied inside and moved in. The
output folder carries a marker listing every file Hindsight wrote; an existing folder is
replaced only when it has that marker and holds no file Hindsight did not write. Hindsight never
deletes a file it did not create: the marker is only trusted for paths inside the output folder,
so an edited marker cannot name a file anywhere else. Ctrl+C (or SIGTERM) during a build
removes the staging folder before the process exits, as a failed build does; once the swap has
begun, it waits for the swap to end ([`tidy_on_interrupt`]).

[`Output::Memory`] keeps pages in memory instead (for `serve` and tests).
*/

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Name of the marker file in every output folder Hindsight creates.
pub const MARKER: &str = ".hindsight-output";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A source file to copy into the site (an attachment, a file of `static/`) that cannot
    /// be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot remove {path}: {source}")]
    Remove {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("refusing to use {path} as the output folder: {why}")]
    Refused { path: PathBuf, why: String },
    /// The output folder is, or holds, the sources (see [`overlaps_sources`]).
    #[error("refusing to use {path} as the output folder: {why}")]
    Overlaps { path: PathBuf, why: String },
}

impl OutputError {
    /// What to do about it, when the message does not say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            OutputError::Overlaps { .. } => Some(OVERLAP_HINT),
            OutputError::Read { .. } => Some(READ_HINT),
            _ => None,
        }
    }
}

/// How to mend a source file that cannot be read ([`OutputError::Read`]).
pub const READ_HINT: &str = "make the file readable by whoever runs Hindsight (`chmod a+r FILE`), or remove it, and what links to it, from the site's sources";

/// How to mend an output folder that would replace the sources.
pub const OVERLAP_HINT: &str = "every build replaces the output folder: give it a folder of its own, such as \"public\" (`--out public`, or `output_dir = \"public\"` in hindsight.toml)";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where pages go.
pub enum Output {
    Disk(DiskOutput),
    Memory(Mutex<BTreeMap<String, Vec<u8>>>),
}

/// What [`Output::commit`] did.
#[derive(Debug, Default)]
pub struct Committed {
    /// The files, when built into memory.
    pub files: Option<BTreeMap<String, Vec<u8>>>,
    /// What went wrong without keeping the site from being published, for people.
    pub warnings: Vec<String>,
}

pub struct DiskOutput {
    target: PathBuf,
    staging: tempfile::TempDir,
    /// Whether `staging` is inside `target`, whose parent cannot be written.
    inside: bool,
    written: Mutex<Vec<String>>,
}

/// Name of the staging folder's start, beside the output folder or inside it.
const STAGING: &str = ".hindsight-staging-";

/// The staging folder of the build under way, until its site is swapped into place. The swap
/// holds the lock, so an interrupt during it waits for it to end.
static UNFINISHED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Makes Ctrl+C, SIGTERM or SIGHUP during a build remove its unfinished staging folder, then
/// exit with status 130: the previous site stays as it was, and no hidden folder is left beside
/// it. A signal that comes while the finished site is being swapped in waits for the swap to end.
/// For the `build` command only (`serve` stops on Ctrl+C its own way).
pub fn tidy_on_interrupt() {
    // Installed once per process; a second call (tests) keeps the first handler.
    let _ = ctrlc::set_handler(|| {
        // Held until the process exits: a build that fails because its staging folder went
        // away waits in [`settle_interrupt`] instead of exiting with its own status first.
        let mut unfinished = UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(dir) = unfinished.take() {
            // Writers still running may make a folder again before the process ends.
            for _ in 0..20 {
                let _ = std::fs::remove_dir_all(&dir);
                if !dir.exists() {
                    break;
                }
            }
        }
        std::process::exit(130);
    });
}

/// Waits for an interrupt being handled to end the process (with status 130), and returns at
/// once when there is none. Called before a build that failed exits: its failure may only be
/// the interrupt removing the staging folder under its writers.
pub fn settle_interrupt() {
    drop(UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner));
}

/// Makes a staging folder in a folder (tests make it fail, as a folder the user cannot write).
type MakeStaging<'a> = &'a dyn Fn(&Path) -> io::Result<tempfile::TempDir>;

fn make_staging(dir: &Path) -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(STAGING).tempdir_in(dir)
}

/// The file system a path is on (tests give the output folder one of its own, as a mount
/// point's), or `None` when it cannot be known.
type Device<'a> = &'a dyn Fn(&Path) -> Option<u64>;

#[cfg(unix)]
fn device(path: &Path) -> Option<u64> {
    std::os::unix::fs::MetadataExt::dev(&std::fs::metadata(path).ok()?).into()
}

/// Not known: a swap the system refuses is caught when it is tried (see [`Output::commit`]).
#[cfg(not(unix))]
fn device(_: &Path) -> Option<u64> {
    None
}

/// Renames a file or folder (tests make it fail, as across file systems or of a mount point).
type Rename<'a> = &'a dyn Fn(&Path, &Path) -> io::Result<()>;

fn rename(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// Whether a rename failed because it cannot be done, whatever the permissions: across file
/// systems (`EXDEV`), or of a mount point (`EBUSY`).
fn cannot_rename(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy
    )
}

impl Output {
    /// Prepares a build into `target`, checking first that it is safe to replace it later.
    pub fn disk(target: &Path, root: &Path, content: &Path) -> Result<Output, OutputError> {
        Self::disk_with(target, root, content, &make_staging, &device)
    }

    /// [`Output::disk`], making the staging folder with `make` and telling file systems apart
    /// with `device`.
    fn disk_with(
        target: &Path,
        root: &Path,
        content: &Path,
        make: MakeStaging,
        device: Device,
    ) -> Result<Output, OutputError> {
        // A link (`public -> /srv/www`) stays: the site goes where it points.
        let resolved = through_link(target)?;
        let target = resolved.as_path();
        check_target(target, root, content)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        // Beside the output folder, to swap it in whole; inside it when it is a mount point or
        // on another file system than its parent (no rename swaps it), or when its parent
        // cannot be written (`/srv/www` is the user's, `/srv` is not).
        let mounted = target.is_dir() && {
            let (here, there) = (device(target), device(parent));
            here.is_some() && there.is_some() && here != there
        };
        // Held while the staging folder is made and registered: an interrupt in between waits,
        // then removes it.
        let mut unfinished = UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner);
        let beside = if mounted { None } else { Some(make(parent)) };
        let (staging, inside) = match beside {
            Some(Ok(staging)) => (staging, false),
            Some(Err(e)) if !target.is_dir() => return Err(io_err(parent)(e)),
            _ => (make(target).map_err(io_err(target))?, true),
        };
        *unfinished = Some(staging.path().to_path_buf());
        drop(unfinished);
        Ok(Output::Disk(DiskOutput {
            target: target.to_path_buf(),
            staging,
            inside,
            written: Mutex::new(Vec::new()),
        }))
    }

    pub fn memory() -> Output {
        Output::Memory(Mutex::new(BTreeMap::new()))
    }

    /// Writes one file; `rel` is relative to the site root and uses `/`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        debug_assert!(inside(rel), "{rel}");
        match self {
            Output::Disk(d) => {
                let path = d.staging.path().join(rel);
                if let Some(dir) = path.parent() {
                    folders_in(d.staging.path(), dir).map_err(io_err(dir))?;
                }
                std::fs::write(&path, bytes).map_err(io_err(&path))?;
                d.written.lock().expect("output lock").push(rel.to_string());
                Ok(())
            }
            Output::Memory(m) => {
                m.lock()
                    .expect("output lock")
                    .insert(rel.to_string(), bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Moves the finished site into place. Dropping an unfinished Output removes the staging
    /// folder and leaves the previous site as it was. Once the new site is in place the build
    /// has succeeded: a previous site that cannot be removed then is a warning, not an error.
    pub fn commit(self) -> Result<Committed, OutputError> {
        self.commit_with(remove_own_files, &rename)
    }

    /// [`Output::commit`], removing the previous site with `remove_old` and swapping folders
    /// with `rename` (tests make them fail).
    fn commit_with(self, remove_old: RemoveOld, rename: Rename) -> Result<Committed, OutputError> {
        match self {
            Output::Memory(m) => Ok(Committed {
                files: Some(m.into_inner().expect("output lock")),
                warnings: Vec::new(),
            }),
            Output::Disk(d) => {
                // Held to the end: an interrupt waits for the site to be in place, or for this
                // commit to have removed the staging folder itself.
                let mut unfinished = UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner);
                *unfinished = None;
                let mut written = d.written.into_inner().expect("output lock");
                written.sort();
                written.dedup();
                let marker = d.staging.path().join(MARKER);
                std::fs::write(&marker, listing(written.iter().map(String::as_str)))
                    .map_err(io_err(&marker))?;
                let target = &d.target;
                let staging = d.staging.keep();
                if d.inside {
                    let warnings = move_in(target, &staging, &written);
                    if warnings.is_err() {
                        let _ = std::fs::remove_dir_all(&staging);
                    }
                    return warnings.map(|warnings| Committed {
                        files: None,
                        warnings,
                    });
                }
                let mut warnings = Vec::new();
                // A swap that no rename can do (the output folder is a mount point, or on
                // another file system) is done as when the staging folder is inside it.
                let fail = |e: io::Error| {
                    if cannot_rename(&e) {
                        return copy_in(target, &staging, &written).map(|warnings| Committed {
                            files: None,
                            warnings,
                        });
                    }
                    let _ = std::fs::remove_dir_all(&staging);
                    Err(io_err(target)(e))
                };
                if target.exists() {
                    // Checked again now: a file may have been added since the build started.
                    if let Err(e) = replaceable(target, None) {
                        let _ = std::fs::remove_dir_all(&staging);
                        return Err(e);
                    }
                    let old = sibling(target, ".hindsight-old-");
                    if let Err(e) = rename(target, &old) {
                        return fail(e);
                    }
                    if let Err(e) = rename(&staging, target) {
                        let _ = std::fs::rename(&old, target);
                        return fail(e);
                    }
                    // The new site is published: what is left is tidying up.
                    match remove_old(&old, &target.join(MARKER)) {
                        Ok(w) => warnings = w,
                        Err((path, e)) => warnings.push(format!(
                            "the new site is in place, but the previous one, moved aside to {old}, could not be removed ({path}: {e}); it holds only files Hindsight wrote: remove it with `rm -r {old}`",
                            old = old.display(),
                            path = path.display(),
                        )),
                    }
                } else if let Err(e) = rename(&staging, target) {
                    return fail(e);
                }
                Ok(Committed {
                    files: None,
                    warnings,
                })
            }
        }
    }
}

/// Makes the folder `dir` and those between it and `root`, never `root` itself: a staging
/// folder that an interrupt removed while pages were being written stays removed.
fn folders_in(root: &Path, dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut made = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        made.push(part);
        match std::fs::create_dir(&made) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Replaces the site in `target` with the one in `staging`, a folder inside it, file by file:
/// first the marker lists the previous site's files and the new ones, so that an interrupted
/// move leaves a folder the next build can replace; then the previous site's files that the new
/// one has not are removed, every new file is moved over its old copy, and the new marker last.
fn move_in(target: &Path, staging: &Path, written: &[String]) -> Result<Vec<String>, OutputError> {
    // Checked again now: a file may have been added since the build started.
    replaceable(target, Some(staging))?;
    let marker = target.join(MARKER);
    let old = manifest(target).unwrap_or_else(Manifest::empty);
    let new: std::collections::HashSet<&str> = written.iter().map(String::as_str).collect();
    let mut both: Vec<&str> = old
        .files
        .iter()
        .map(String::as_str)
        .chain(new.iter().copied())
        .collect();
    both.sort_unstable();
    both.dedup();
    let mut union = tempfile::NamedTempFile::new_in(target).map_err(io_err(target))?;
    io::Write::write_all(&mut union, listing(both).as_bytes()).map_err(io_err(&marker))?;
    union
        .persist(&marker)
        .map_err(|e| io_err(&marker)(e.error))?;

    let gone = old
        .files
        .iter()
        .map(String::as_str)
        .filter(|f| !new.contains(f));
    remove_files(target, gone, Some(staging))
        .map_err(|(path, source)| OutputError::Remove { path, source })?;
    for f in written {
        let to = target.join(f);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::rename(staging.join(f), &to).map_err(io_err(&to))?;
    }
    std::fs::rename(staging.join(MARKER), &marker).map_err(io_err(&marker))?;
    std::fs::remove_dir_all(staging).map_err(|source| OutputError::Remove {
        path: staging.to_path_buf(),
        source,
    })?;
    Ok(ignored_lines(&old.ignored, &marker))
}

/// Publishes the site in `staging`, beside `target`, where no rename reaches (`target` is a
/// mount point, or on another file system): it is copied into a staging folder inside `target`,
/// then moved in as [`move_in`] does. Until the copy is whole the previous site is untouched; a
/// copy that fails removes what it made (and `target`, when it made that folder empty). The
/// staging folder beside is removed either way.
fn copy_in(target: &Path, staging: &Path, written: &[String]) -> Result<Vec<String>, OutputError> {
    let made = !target.exists();
    let copied = (|| {
        std::fs::create_dir_all(target).map_err(io_err(target))?;
        let inner = make_staging(target).map_err(io_err(target))?;
        for f in written.iter().map(String::as_str).chain([MARKER]) {
            let to = inner.path().join(f);
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            }
            std::fs::copy(staging.join(f), &to).map_err(io_err(&to))?;
        }
        Ok(inner.keep())
    })();
    let _ = std::fs::remove_dir_all(staging);
    let inner = match copied {
        Ok(inner) => inner,
        Err(e) => {
            if made {
                let _ = std::fs::remove_dir(target);
            }
            return Err(e);
        }
    };
    let moved = move_in(target, &inner, written);
    if moved.is_err() {
        let _ = std::fs::remove_dir_all(&inner);
    }
    moved
}

/// `target` itself, or where it points when it is a symbolic link; replacing the link with a
/// folder would delete a file Hindsight did not create.
fn through_link(target: &Path) -> Result<PathBuf, OutputError> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => {
            target.canonicalize().map_err(|e| OutputError::Refused {
                path: target.to_path_buf(),
                why: format!(
                    "it is a symbolic link to {}, which cannot be reached ({e}); create that folder or point the link elsewhere",
                    std::fs::read_link(target).unwrap_or_default().display()
                ),
            })
        }
        _ => Ok(target.to_path_buf()),
    }
}

fn sibling(target: &Path, prefix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = target.parent().unwrap_or(Path::new("."));
    let mut n = std::process::id();
    loop {
        let p = parent.join(format!("{prefix}{name}-{n}"));
        if !p.exists() {
            return p;
        }
        n = n.wrapping_add(1);
    }
}

/// The marker of an output folder, read.
struct Manifest {
    /// The files it lists: paths inside the folder.
    files: Vec<String>,
    /// Its lines that name no path inside the folder (`../x`, `/etc/x`): (line, text).
    ignored: Vec<(usize, String)>,
}

impl Manifest {
    fn empty() -> Manifest {
        Manifest {
            files: Vec::new(),
            ignored: Vec::new(),
        }
    }
}

/// The text of a marker that lists `files`.
fn listing<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let mut text =
        String::from("# Written by Hindsight. This folder is replaced on every build.\n");
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The marker of the output folder `dir`, if it has one.
fn manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let mut m = Manifest {
        files: Vec::new(),
        ignored: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if inside(line) {
            m.files.push(line.to_string());
        } else {
            m.ignored.push((i + 1, line.to_string()));
        }
    }
    Some(m)
}

/// Whether `rel`, a line of a marker, is a path inside the folder: relative, with no `..`,
/// `.`, root or drive in it, as every path Hindsight writes is.
fn inside(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Removes the file `rel` of `dir` (a path that [`inside`] accepted) if it is there, without
/// following a symbolic link: a folder on the way that is a link, or that is not a folder,
/// means the file is not in `dir`, and a link named by `rel` is removed, not what it points to.
fn remove_inside(dir: &Path, rel: &str) -> io::Result<()> {
    let mut path = dir.to_path_buf();
    let mut parts = Path::new(rel).components().peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let last = parts.peek().is_none();
        if !last && !meta.is_dir() {
            return Ok(());
        }
        if last && !meta.is_dir() {
            return std::fs::remove_file(&path);
        }
    }
    Ok(())
}

/// Every file under `dir`, relative, with `/`, and every empty folder, with a trailing `/`
/// (an empty folder Hindsight did not make is the user's too); not `skip`, this build's staging
/// folder, nor what it holds.
fn files_under(dir: &Path, skip: Option<&Path>) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| Some(e.path()) != skip)
    {
        let e = e.map_err(io::Error::other)?;
        if !e.file_type().is_dir() {
            out.push(crate::diagnostics::rel_path(dir, e.path()));
        } else if std::fs::read_dir(e.path())
            .map_err(io::Error::other)?
            .next()
            .is_none()
        {
            out.push(format!("{}/", crate::diagnostics::rel_path(dir, e.path())));
        }
    }
    Ok(out)
}

/// Whether `present` (from [`files_under`]) is a listed file, or an empty folder that held
/// listed files.
fn is_listed(present: &str, listed: &std::collections::HashSet<&str>) -> bool {
    match present.strip_suffix('/') {
        Some(folder) => listed.iter().any(|l| {
            l.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        }),
        None => listed.contains(present),
    }
}

/// An existing output folder may be replaced only if Hindsight made it and every file in it
/// is one Hindsight wrote (`staging`, this build's staging folder inside it, aside).
fn replaceable(target: &Path, staging: Option<&Path>) -> Result<(), OutputError> {
    if !target.is_dir() {
        return Err(OutputError::Refused {
            path: target.to_path_buf(),
            why: "it exists and is not a folder".into(),
        });
    }
    let present = files_under(target, staging).map_err(io_err(target))?;
    if present.is_empty() {
        return Ok(());
    }
    let Some(Manifest { files: listed, .. }) = manifest(target) else {
        return Err(OutputError::Refused {
            path: target.to_path_buf(),
            why: format!("it is not empty and was not created by Hindsight (no {MARKER} file); move its files elsewhere or choose another folder with --out"),
        });
    };
    let listed: std::collections::HashSet<&str> = listed.iter().map(|s| s.as_str()).collect();
    let foreign: Vec<&String> = present
        .iter()
        .filter(|p| p.as_str() != MARKER && !is_listed(p, &listed))
        .collect();
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(|s| s.as_str()).collect();
        return Err(OutputError::Refused {
            path: target.to_path_buf(),
            why: format!(
                "it holds {} Hindsight did not write ({}{}); move {} out so nothing is lost: a file to publish as it is, such as CNAME, belongs in the `static/` folder beside hindsight.toml, which every build copies into the output folder",
                if foreign.len() == 1 { "a file or folder".to_string() } else { format!("{} files or folders", foreign.len()) },
                shown.join(", "),
                if foreign.len() > 5 { ", ..." } else { "" },
                if foreign.len() == 1 { "it" } else { "them" }
            ),
        });
    }
    Ok(())
}

/// How the previous site is removed once the new one is in place (see [`remove_own_files`]).
type RemoveOld = fn(&Path, &Path) -> Result<Vec<String>, (PathBuf, io::Error)>;

/// Removes an old output folder that `replaceable` accepted, and moved aside: only listed files
/// inside it, then the folders they leave empty, the folder itself last. Returns a warning for
/// each line of the marker that names no file inside the folder, which is left alone; `marker`
/// is the marker's name for people. An error names what could not be removed.
fn remove_own_files(dir: &Path, marker: &Path) -> Result<Vec<String>, (PathBuf, io::Error)> {
    let m = manifest(dir).unwrap_or_else(Manifest::empty);
    let files = m.files.iter().map(String::as_str).chain([MARKER]);
    remove_files(dir, files, None)?;
    std::fs::remove_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    Ok(ignored_lines(&m.ignored, marker))
}

/// Removes `files` of `dir` (paths that [`inside`] accepted), then the folders under `dir` they
/// leave empty, except `keep` and what it holds. An error names what could not be removed.
fn remove_files<'a>(
    dir: &Path,
    files: impl Iterator<Item = &'a str>,
    keep: Option<&Path>,
) -> Result<(), (PathBuf, io::Error)> {
    for f in files {
        remove_inside(dir, f).map_err(|e| (dir.join(f), e))?;
    }
    // Remove empty folders, deepest first; a folder that is not empty stays.
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| Some(e.path()) != keep)
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = std::fs::remove_dir(&d);
    }
    Ok(())
}

/// The warning for each line of a marker that names no file inside the output folder.
fn ignored_lines(ignored: &[(usize, String)], marker: &Path) -> Vec<String> {
    ignored
        .iter()
        .map(|(line, text)| {
            format!(
                "line {line} of {}, `{}`, is not a path inside the output folder and was ignored: Hindsight deletes only files it wrote there",
                marker.display(),
                crate::diagnostics::printable(text)
            )
        })
        .collect()
}

/// Refuses output folders that would overwrite the sources: the root, the content folder, or
/// a folder that contains either; and a non-empty folder that Hindsight did not create.
pub fn check_target(target: &Path, root: &Path, content: &Path) -> Result<(), OutputError> {
    overlaps_sources(target, root, content)?;
    if target.exists() {
        replaceable(target, None)?;
    }
    Ok(())
}

/// Refuses an output folder that is, or contains, the root or the content folder (or is the
/// file system root): what the configuration alone decides, so `check` reports it too.
pub fn overlaps_sources(target: &Path, root: &Path, content: &Path) -> Result<(), OutputError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalise(&p)
    };
    let t = abs(target);
    for (what, other) in [
        ("the site root", abs(root)),
        ("the content folder", abs(content)),
    ] {
        if other.starts_with(&t) {
            return Err(OutputError::Overlaps {
                path: target.to_path_buf(),
                why: format!("it is or contains {what} ({})", other.display()),
            });
        }
    }
    if t.parent().is_none() {
        return Err(OutputError::Overlaps {
            path: target.to_path_buf(),
            why: "it is the file system root".into(),
        });
    }
    Ok(())
}

/// Resolves `.` and `..` without touching the disk (symlinks are resolved when they exist).
fn normalise(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| lexical(p))
}

/// `p` with `.` and `..` resolved by its components alone, for a path that may not exist.
pub(crate) fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_holds_the_sources_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let content = root.join("content");
        std::fs::create_dir_all(&content).unwrap();
        assert!(check_target(root, root, &content).is_err());
        assert!(check_target(&content, root, &content).is_err());
        assert!(check_target(&root.join("public"), root, &content).is_ok());
    }

    #[test]
    fn a_foreign_non_empty_folder_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        let err =
            check_target(&out, &dir.path().join("src"), &dir.path().join("src/c")).unwrap_err();
        assert!(
            err.to_string().contains("not created by Hindsight"),
            "{err}"
        );
    }

    #[test]
    fn a_commit_swaps_the_site_in_and_a_dropped_build_leaves_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("public");
        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("a/index.html", b"one").unwrap();
        o.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("a/index.html", b"two").unwrap();
        drop(o);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder removed");

        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("b.html", b"three").unwrap();
        o.commit().unwrap();
        assert!(!out.join("a/index.html").exists());
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"three");
    }

    #[test]
    fn a_file_added_to_the_output_by_hand_blocks_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("public");
        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("index.html", b"x").unwrap();
        o.commit().unwrap();
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        assert!(Output::disk(&out, &root, &root.join("content")).is_err());
        assert_eq!(std::fs::read(out.join("CNAME")).unwrap(), b"example.org");
    }

    #[test]
    fn an_empty_folder_made_by_hand_blocks_the_swap_and_one_hindsight_emptied_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("public");
        let build = |page: &[u8]| {
            let o = Output::disk(&out, &root, &root.join("content"))?;
            o.write("incidents/a/index.html", page).unwrap();
            o.commit()
        };
        build(b"one").unwrap();
        std::fs::remove_file(out.join("incidents/a/index.html")).unwrap();
        build(b"two").unwrap();
        assert_eq!(
            std::fs::read(out.join("incidents/a/index.html")).unwrap(),
            b"two"
        );

        std::fs::create_dir(out.join("drafts")).unwrap();
        let err = build(b"three").unwrap_err().to_string();
        assert!(err.contains("drafts/"), "{err}");
        assert!(out.join("drafts").is_dir());
        assert_eq!(
            std::fs::read(out.join("incidents/a/index.html")).unwrap(),
            b"two"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_as_the_output_stays_and_the_site_goes_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let www = dir.path().join("srv/www");
        std::fs::create_dir_all(&www).unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&www, &link).unwrap();
        for page in [&b"one"[..], b"two"] {
            let o = Output::disk(&link, &root, &root.join("content")).unwrap();
            o.write("index.html", page).unwrap();
            o.commit().unwrap();
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
            assert_eq!(std::fs::read(www.join("index.html")).unwrap(), page);
        }
        let broken = dir.path().join("broken");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &broken).unwrap();
        let err = Output::disk(&broken, &root, &root.join("content"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("nowhere"), "{err}");
    }
    #[test]
    fn a_previous_site_that_cannot_be_removed_is_a_warning_once_the_new_one_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let out = dir.path().join("public");
        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("404.html", b"old").unwrap();
        o.commit().unwrap();

        let o = Output::disk(&out, &root, &root.join("content")).unwrap();
        o.write("404.html", b"new").unwrap();
        let committed = o
            .commit_with(
                |old, _| Err((old.join("404.html"), io::Error::from_raw_os_error(13))),
                &rename,
            )
            .expect("the new site was published");
        assert_eq!(std::fs::read(out.join("404.html")).unwrap(), b"new");
        let old = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(".hindsight-old-public-"))
            .expect("the previous site is still there");
        let [warning] = &committed.warnings[..] else {
            panic!("{:?}", committed.warnings)
        };
        assert!(!warning.contains("cannot write"), "{warning}");
        for part in [
            "the new site is in place".to_string(),
            format!(
                "{}: {}",
                old.join("404.html").display(),
                io::Error::from_raw_os_error(13)
            ),
            format!("`rm -r {}`", old.display()),
        ] {
            assert!(warning.contains(&part), "{part}: {warning}");
        }
    }
    /// A staging folder that cannot be made in `parent`, as in a folder the user cannot write
    /// (tests run as root, whom no permission stops).
    fn unwritable(parent: &Path) -> impl Fn(&Path) -> io::Result<tempfile::TempDir> + '_ {
        move |dir| {
            if dir == parent {
                Err(io::Error::from_raw_os_error(13))
            } else {
                make_staging(dir)
            }
        }
    }

    #[test]
    fn an_output_folder_whose_parent_cannot_be_written_is_staged_inside_and_replaced_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let srv = dir.path().join("srv");
        let out = srv.join("www");
        let content = root.join("content");
        let o = Output::disk(&out, &root, &content).unwrap();
        for (f, text) in [("a/index.html", "one"), ("gone.html", "old"), ("f", "file")] {
            o.write(f, text.as_bytes()).unwrap();
        }
        o.commit().unwrap();
        let before = files_under(&out, None).unwrap();
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        let cannot = unwritable(&srv);
        let build = |files: &[(&str, &str)]| {
            let o = Output::disk_with(&out, &root, &content, &cannot, &device).unwrap();
            for (f, text) in files {
                o.write(f, text.as_bytes()).unwrap();
            }
            o
        };
        let next = [
            ("a/index.html", "two"),
            ("f/index.html", "folder"),
            ("b.html", "new"),
        ];

        // Until the commit, the site is as it was; a build that fails leaves it so.
        let o = build(&next);
        assert_eq!(read("a/index.html"), "one");
        drop(o);
        assert_eq!(files_under(&out, None).unwrap(), before);

        // A file added by hand during the build stops it; nothing is lost.
        let o = build(&next);
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        assert!(matches!(o.commit(), Err(OutputError::Refused { .. })));
        std::fs::remove_file(out.join("CNAME")).unwrap();
        assert_eq!(files_under(&out, None).unwrap(), before);

        let committed = build(&next).commit().unwrap();
        assert!(committed.warnings.is_empty(), "{:?}", committed.warnings);
        assert_eq!(
            files_under(&out, None).unwrap(),
            [MARKER, "a/index.html", "b.html", "f/index.html"]
        );
        assert_eq!(
            (read("a/index.html"), read("f/index.html"), read("b.html")),
            ("two".into(), "folder".into(), "new".into())
        );
        let listed = manifest(&out).unwrap().files;
        assert_eq!(listed, ["a/index.html", "b.html", "f/index.html"]);
        let beside: Vec<_> = std::fs::read_dir(&srv)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside, ["www"], "nothing was made beside it");

        // The next build, staged inside again, replaces it as well.
        let o = Output::disk_with(&out, &root, &content, &cannot, &device).unwrap();
        o.write("c.html", b"c").unwrap();
        o.commit().unwrap();
        assert_eq!(files_under(&out, None).unwrap(), [MARKER, "c.html"]);
    }

    /// The names in `dir`.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_output_folder_on_another_file_system_than_its_parent_is_staged_inside_and_replaced_in_place(
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let content = root.join("content");
        let out = dir.path().join("public");
        let o = Output::disk(&out, &root, &content).unwrap();
        o.write("a/index.html", b"one").unwrap();
        o.write("gone.html", b"old").unwrap();
        o.commit().unwrap();
        // As a mount point is: its own device, which no rename from beside it can reach.
        let mounted = |p: &Path| Some(if p == out { 2 } else { 1 });
        let build = |page: &[u8]| {
            let o = Output::disk_with(&out, &root, &content, &make_staging, &mounted).unwrap();
            o.write("a/index.html", page).unwrap();
            o.write("b.html", b"new").unwrap();
            o
        };
        let o = build(b"two");
        assert_eq!(names(dir.path()), ["public"], "nothing is made beside it");
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        drop(o);
        assert_eq!(
            files_under(&out, None).unwrap(),
            [MARKER, "a/index.html", "gone.html"]
        );
        let committed = build(b"two").commit().unwrap();
        assert!(committed.warnings.is_empty(), "{:?}", committed.warnings);
        assert_eq!(names(dir.path()), ["public"]);
        assert_eq!(
            files_under(&out, None).unwrap(),
            [MARKER, "a/index.html", "b.html"]
        );
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        // A file of someone else's stops the next build, and stays.
        std::fs::write(out.join("lost+found"), "theirs").unwrap();
        let refused = Output::disk_with(&out, &root, &content, &make_staging, &mounted);
        assert!(matches!(refused, Err(OutputError::Refused { .. })));
        assert_eq!(std::fs::read(out.join("lost+found")).unwrap(), b"theirs");
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["public"]);
    }

    #[test]
    fn a_swap_that_no_rename_can_do_falls_back_to_moving_the_site_in_place_and_another_failure_fails(
    ) {
        let crosses = io::ErrorKind::CrossesDevices;
        let busy = io::ErrorKind::ResourceBusy;
        // Which rename fails: the previous site's, moved aside (a mount point cannot be), the
        // new one's, moved in (not across file systems), or the only one, into no folder.
        for (kind, previous, fails_moving_aside) in [
            (busy, true, true),
            (crosses, true, true),
            (crosses, true, false),
            (crosses, false, false),
            (io::ErrorKind::PermissionDenied, true, true),
        ] {
            let case = format!("{kind:?}, previous {previous}, aside {fails_moving_aside}");
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("site");
            let content = root.join("content");
            let out = dir.path().join("public");
            if previous {
                let o = Output::disk(&out, &root, &content).unwrap();
                o.write("a/index.html", b"one").unwrap();
                o.write("gone.html", b"old").unwrap();
                o.commit().unwrap();
            }
            let refuse = |from: &Path, to: &Path| {
                let staged = from
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(STAGING));
                if (from == out && fails_moving_aside) || (staged && !fails_moving_aside) {
                    return Err(io::Error::from(kind));
                }
                rename(from, to)
            };
            let o = Output::disk(&out, &root, &content).unwrap();
            o.write("a/index.html", b"two").unwrap();
            o.write("b/c.html", b"new").unwrap();
            let committed = o.commit_with(remove_own_files, &refuse);
            assert_eq!(names(dir.path()), ["public"], "{case}: nothing left beside");
            if kind == io::ErrorKind::PermissionDenied {
                assert!(committed.is_err(), "{case}");
                assert_eq!(
                    files_under(&out, None).unwrap(),
                    [MARKER, "a/index.html", "gone.html"],
                    "{case}: the previous site is untouched"
                );
                continue;
            }
            let committed = committed.unwrap_or_else(|e| panic!("{case}: {e}"));
            assert!(
                committed.warnings.is_empty(),
                "{case}: {:?}",
                committed.warnings
            );
            assert_eq!(
                files_under(&out, None).unwrap(),
                [MARKER, "a/index.html", "b/c.html"],
                "{case}"
            );
            assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"two");
            assert_eq!(
                manifest(&out).unwrap().files,
                ["a/index.html", "b/c.html"],
                "{case}"
            );
        }
    }
}
