/*!
`hindsight serve`: a local preview that builds the site into memory, serves it over HTTP and
reloads open pages when a postmortem, a canonical learning, the config or the theme changes.

Nothing is written to disk. Each change rebuilds the whole site with the same pipeline as
`build` (the preview is the site CI would publish) and swaps it in only when the build
succeeds: a build with errors keeps the last good site on the server, prints the errors, and
shows them over every open page until they are fixed. Pages learn of a new build from a
server-sent event stream (`/__hindsight/events`) that a small script, added to every HTML page
served, listens to: through a shared worker (`/__hindsight/live-worker.js`) that holds one
stream for all the open pages of a browser, which opens at most 6 connections to a host over
HTTP/1.1 (a stream per page would leave the 7th waiting forever); alone where shared workers
are missing.
*/

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use tokio::sync::{broadcast, watch};
use tokio_stream::StreamExt as _;

use crate::config::Config;
use crate::diagnostics::{count, counted, render_human, Diagnostic, Level};

/// The port tried first when none is given; the next few are tried when it is taken.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after [`DEFAULT_PORT`] are tried.
const PORTS_TRIED: u16 = 10;
/// Where the reload script and the event stream live; no page of a site is under it.
const PREFIX: &str = "/__hindsight/";
/// Changes closer together than this are one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// What `hindsight serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// A port to use, or none to take the first free one from [`DEFAULT_PORT`].
    pub port: Option<u16>,
    pub bind: IpAddr,
    /// Serve drafts, incidents in review and internal incidents too.
    pub drafts: bool,
    /// Print only the address and the errors of a build that fails.
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch {path} for changes: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The root is not a folder (see [`crate::root_folder`]).
    #[error("{0}")]
    Root(String),
}

impl ServeError {
    /// What to do about it, when that depends on why it failed: an address this machine does
    /// not have wants another address, a port in use another port, a port below 1024 (which
    /// only an administrator may use) a higher one.
    pub fn hint(&self) -> Option<String> {
        let ServeError::Bind { addr, source } = self else {
            return None;
        };
        match source.kind() {
            std::io::ErrorKind::AddrInUse => {
                Some("pick a free port with `--port N`, or `--port 0` for any".into())
            }
            std::io::ErrorKind::AddrNotAvailable => Some(format!(
                "{} is not an address of this machine: leave `--bind` out to preview on this machine (127.0.0.1), or give one of its own addresses, or `--bind 0.0.0.0` for all of them",
                addr.ip()
            )),
            std::io::ErrorKind::PermissionDenied if (1..1024).contains(&addr.port()) => Some(
                "ports below 1024 are for administrators: use a port above 1023, such as `--port 1111`, or `--port 0` for any".into(),
            ),
            _ => None,
        }
    }
}

/// The site as it is served: the files of the last good build, and the errors of the last
/// build when it failed.
#[derive(Default)]
struct Snapshot {
    files: Arc<BTreeMap<String, Vec<u8>>>,
    /// Counts successful builds, so that a page can tell that it is out of date.
    version: u64,
    /// The last build's errors, as plain text, while they are not fixed.
    failure: Option<String>,
}

/// What the open pages are told.
#[derive(Clone, Debug)]
enum Signal {
    Reload(u64),
    Failed(String),
}

struct Shared {
    snapshot: RwLock<Snapshot>,
    signals: broadcast::Sender<Signal>,
    /// Set once the server is asked to stop. A state, not a signal: an event stream that a
    /// page opens while the server stops (reconnecting on a connection still open) must see
    /// it too, or the graceful shutdown, which waits for every stream, would wait forever.
    stopping: watch::Sender<bool>,
    /// The warnings the terminal has been shown (see [`Reported`]).
    reported: Mutex<Reported>,
}

/// The warnings the terminal holds: those of the last good build and of the failed builds
/// since, by file, rule and message, each with how many times it is there. A rebuild prints
/// only the warnings it brings: the writer saving one postmortem over and over wants to see
/// what the save did, not every warning of the site again above it. Lines are left out of
/// what tells warnings apart, so that text added above a warning does not print it again.
type Reported = BTreeMap<(String, &'static str, String), usize>;

/// The warnings of `ds`, counted as [`Reported`] counts them.
fn warnings_of(ds: &[Diagnostic]) -> Reported {
    let mut found = Reported::new();
    for d in ds.iter().filter(|d| d.level == Level::Warning) {
        *found
            .entry((d.file.clone(), d.rule, d.message.clone()))
            .or_default() += 1;
    }
    found
}

/// Of a build's findings, those to print: every error, and the warnings that `reported` does
/// not hold yet (none with `quiet`); with how many warnings are left out as shown before.
/// Notes are never printed, as a good build leaves them out: they are `check`'s to tell.
fn to_print(ds: &[Diagnostic], reported: &Reported, quiet: bool) -> (Vec<Diagnostic>, usize) {
    let mut seen = Reported::new();
    let mut repeated = 0;
    let mut printed = Vec::new();
    for d in ds {
        match d.level {
            Level::Error => printed.push(d.clone()),
            Level::Warning => {
                let key = (d.file.clone(), d.rule, d.message.clone());
                let before = reported.get(&key).copied().unwrap_or(0);
                let n = seen.entry(key).or_default();
                *n += 1;
                if *n <= before {
                    repeated += 1;
                } else if !quiet {
                    printed.push(d.clone());
                }
            }
            Level::Info => {}
        }
    }
    (printed, repeated)
}

/// "2 warnings shown before are not repeated", or nothing when every warning was printed.
fn not_repeated(repeated: usize) -> String {
    match repeated {
        0 => String::new(),
        1 => "1 warning shown before is not repeated".into(),
        n => format!("{n} warnings shown before are not repeated"),
    }
}

/// Builds the site, serves it, and rebuilds on every change until Ctrl+C.
pub fn run(opts: &ServeOptions) -> Result<(), ServeError> {
    crate::root_folder(&opts.root).map_err(ServeError::Root)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: &ServeOptions) -> Result<(), ServeError> {
    let listener = listen(opts.bind, opts.port).await?;
    let addr = listener.local_addr()?;
    let (signals, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Snapshot::default()),
        signals,
        stopping: watch::channel(false).0,
        reported: Mutex::default(),
    });
    // Watched from before the first build, so that no change is missed; by its absolute path,
    // so that events name files under it.
    let root = opts.root.canonicalize()?;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx).map_err(|e| {
        ServeError::Watch {
            path: root.clone(),
            message: e.to_string(),
        }
    })?;
    let mut watched = watch(&mut debouncer, &root, &[])?;
    let title = rebuild(opts, &shared, "");
    // The address on stdout, alone on its line, for people and for scripts: one a browser
    // can open, which 0.0.0.0 is not.
    let local = if addr.ip().is_unspecified() {
        let loopback: IpAddr = if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        };
        SocketAddr::new(loopback, addr.port())
    } else {
        addr
    };
    // What a browser gets there: the site, or, until it builds, a page of its errors. A stdout
    // that is closed (`hindsight serve >&-`, a reader gone) is no reason to stop serving.
    {
        use std::io::Write as _;
        let mut stdout = std::io::stdout();
        let _ = match &title {
            Some(title) => writeln!(stdout, "Serving {title:?} at http://{local}/"),
            None => writeln!(
                stdout,
                "Serving the build errors at http://{local}/ until they are fixed"
            ),
        };
    }
    if addr != local && !opts.quiet {
        eprintln!(
            "Listening on every address of this machine ({}): other machines open it at this machine's address, port {}.",
            addr.ip(),
            addr.port()
        );
    }
    if !opts.quiet {
        eprintln!(
            "Watching {} for changes{}. Press Ctrl+C to stop.",
            opts.root.display(),
            if title.is_some() {
                ""
            } else {
                ": the site is served once its errors are fixed"
            }
        );
    }
    // Rebuilds run on a thread of their own: a build uses every core through rayon and must
    // not hold up the server.
    let (opts, shared_too) = (opts.clone(), shared.clone());
    std::thread::spawn(move || {
        while let Ok(batch) = rx.recv() {
            let mut changed = changes(&root, batch);
            while let Ok(more) = rx.try_recv() {
                changed.extend(changes(&root, more));
            }
            if changed.is_empty() {
                continue;
            }
            changed.sort();
            changed.dedup();
            // A new folder, or a config that moved the content folder, is watched from now
            // on: before the build reads it, so that no change made meanwhile is missed.
            match watch(&mut debouncer, &root, &watched) {
                Ok(now) => watched = now,
                Err(e) => eprintln!("warning: {e}"),
            }
            rebuild(&opts, &shared_too, &describe(&changed));
        }
    });
    let app = Router::new()
        .route("/__hindsight/events", get(events))
        .route("/__hindsight/live.js", get(|| script(LIVE_SCRIPT)))
        .route("/__hindsight/live-worker.js", get(|| script(LIVE_WORKER)))
        .fallback(get(file))
        .with_state(shared.clone());
    let stop = shared.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            stop_asked().await;
            // Event streams stay open until told to end; graceful shutdown waits for them.
            stop.stopping.send_replace(true);
        })
        .await?;
    Ok(())
}

/// Waits for Ctrl+C, or on Unix for SIGTERM too (`kill`, `docker stop`, a CI job's end), so
/// that either ends the preview the same way: event streams closed, exit code 0.
async fn stop_asked() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The given port, or the first free one from [`DEFAULT_PORT`]; the next port is tried only
/// when one is in use (an address this machine does not have fails on every port).
async fn listen(bind: IpAddr, port: Option<u16>) -> Result<tokio::net::TcpListener, ServeError> {
    let ports: Vec<u16> = match port {
        Some(p) => vec![p],
        None => (DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED).collect(),
    };
    let mut last = None;
    for p in ports {
        let addr = SocketAddr::new(bind, p);
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => return Ok(l),
            Err(source) if source.kind() == std::io::ErrorKind::AddrInUse => {
                last = Some(ServeError::Bind { addr, source })
            }
            Err(source) => return Err(ServeError::Bind { addr, source }),
        }
    }
    Err(last.expect("at least one port was tried"))
}

/// Builds the site into memory and, when it succeeds, serves it and reloads open pages;
/// otherwise keeps the last good site and shows the errors. `why` names what changed ("" for
/// the first build). Returns the site's title when the build succeeded.
fn rebuild(opts: &ServeOptions, shared: &Shared, why: &str) -> Option<String> {
    let start = Instant::now();
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let built = crate::build(&crate::BuildOptions {
        root: opts.root.clone(),
        out: None,
        drafts: opts.drafts,
        // Pages link relatively; the 404 page, feed and sitemap from the root: they work
        // whatever host name the browser used.
        base_url: Some("/".into()),
        // A large knowledge base takes a while the first time; later builds say what changed.
        progress: why.is_empty() && !opts.quiet && terminal,
        in_memory: true,
    });
    let color = terminal && std::env::var_os("NO_COLOR").is_none();
    match built {
        Ok(report) => {
            let repeated = {
                let mut reported = shared.reported.lock().expect("reported lock");
                let (shown, repeated) = to_print(&report.diagnostics, &reported, opts.quiet);
                if !shown.is_empty() {
                    eprint!("{}", render_human(&shown, &opts.root, color));
                }
                *reported = warnings_of(&report.diagnostics);
                repeated
            };
            let version = {
                let mut s = shared.snapshot.write().expect("snapshot lock");
                s.files = Arc::new(report.files.unwrap_or_default());
                s.version += 1;
                s.failure = None;
                s.version
            };
            if !opts.quiet {
                let prefix = if why.is_empty() {
                    String::new()
                } else {
                    format!("{why}: ")
                };
                let repeated = match not_repeated(repeated) {
                    said if said.is_empty() => said,
                    said => format!("; {said}"),
                };
                eprintln!(
                    "{prefix}built {}, {} ({} in two or more incidents), {} in {:.2?}{repeated}",
                    counted(report.incidents, "incident"),
                    counted(report.learnings, "learning"),
                    report.recurring,
                    counted(report.pages, "page"),
                    start.elapsed()
                );
            }
            let _ = shared.signals.send(Signal::Reload(version));
            Some(report.title)
        }
        Err(e) => {
            let good = shared.snapshot.read().expect("snapshot lock").version > 0;
            let served = if good {
                "The last good build is still served; this page reloads when the errors are fixed."
            } else {
                "This page reloads when the errors are fixed."
            };
            // What changed opens the line that sums the failure up, after the findings: on a
            // line of its own, it would be glued to the first finding's rule.
            let changed = if why.is_empty() {
                String::new()
            } else {
                format!("{why}, and the ")
            };
            let (text, plain) = match &e {
                crate::Error::Invalid(ds) => {
                    // What stops the build first: the errors are what the writer came to see,
                    // and warnings can fill the overlay.
                    let mut ds = ds.clone();
                    ds.sort_by_key(|d| d.level != Level::Error);
                    let ds = &ds;
                    let errors = count(ds, Level::Error);
                    let (shown, repeated) = {
                        let mut reported = shared.reported.lock().expect("reported lock");
                        let printed = to_print(ds, &reported, opts.quiet);
                        // Shown now, or before: a later build does not repeat them either.
                        for (warning, n) in warnings_of(ds) {
                            let held = reported.entry(warning).or_default();
                            *held = (*held).max(n);
                        }
                        printed
                    };
                    // Summed up as `build` does; with `--quiet`, only the errors are counted,
                    // as only they are printed.
                    let found = if opts.quiet {
                        counted(errors, "error")
                    } else {
                        let repeated = match not_repeated(repeated) {
                            said if said.is_empty() => said,
                            said => format!(" ({said})"),
                        };
                        format!(
                            "{} and {}{repeated}",
                            counted(errors, "error"),
                            counted(count(ds, Level::Warning), "warning"),
                        )
                    };
                    let summary = format!(
                        "error: {changed}build failed with {found}; {}\n",
                        if good {
                            "the last good build is still served"
                        } else {
                            "the preview shows them until they are fixed"
                        }
                    );
                    (
                        render_human(&shown, &opts.root, color) + &summary,
                        format!(
                            "The site was not built: {}. {served}\n\n{}",
                            counted(errors, "error"),
                            render_human(ds, &opts.root, false)
                        ),
                    )
                }
                other if why.is_empty() => (
                    format!("error: {other}\n"),
                    format!("The site was not built: {other}. {served}"),
                ),
                other => (
                    format!("error: {changed}build failed: {other}\n"),
                    format!("The site was not built: {other}. {served}"),
                ),
            };
            eprint!("{text}");
            shared.snapshot.write().expect("snapshot lock").failure = Some(plain.clone());
            let _ = shared.signals.send(Signal::Failed(plain));
            None
        }
    }
}

/// Folders and files a change in which cannot change the site.
fn ignored(rel: &Path, output: &Path) -> bool {
    rel.starts_with(output)
        || rel.components().any(|c| {
            let name = c.as_os_str().to_string_lossy();
            name.starts_with('.') || matches!(name.as_ref(), "target" | "node_modules")
        })
        || rel.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            // Editors' swap, backup and probe files.
            n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".swx") || n == "4913"
        })
}

/// What the site is built from, under the root, as the config says.
struct Scope {
    output: PathBuf,
    /// Postmortems sit at the root: its Markdown files and folders are content.
    content_at_root: bool,
    /// Folders the site is built from: the content folder, the themes, `static/`, the
    /// vocabulary's.
    folders: Vec<PathBuf>,
    /// Files the site is built from outside those folders: `hindsight.toml`, a vocabulary.
    files: Vec<PathBuf>,
}

impl Scope {
    /// The scope of the config as it is now; `None` when it cannot be read. A theme or a
    /// vocabulary file it names that is missing is still in the scope: creating it mends the
    /// site.
    fn of(root: &Path) -> Option<Scope> {
        let config = Config::load_values(root).ok()?;
        let content_at_root =
            config.content_dir == Path::new(".") || config.content_dir.as_os_str().is_empty();
        let mut folders = vec![
            PathBuf::from("themes"),
            PathBuf::from(crate::render::SITE_FILES),
        ];
        if !content_at_root {
            folders.push(config.content_dir.clone());
        }
        let mut files = vec![PathBuf::from(crate::config::FILE_NAME)];
        if let Some(vocabulary) = &config.learnings.concepts {
            match vocabulary.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => folders.push(dir.to_path_buf()),
                _ => files.push(vocabulary.clone()),
            }
        }
        Some(Scope {
            output: config.output_dir,
            content_at_root,
            folders,
            files,
        })
    }

    /// Whether a change to `rel` (relative to the root) can change the site.
    fn holds(&self, root: &Path, rel: &Path) -> bool {
        if ignored(rel, &self.output) {
            return false;
        }
        if self.files.iter().any(|f| f == rel) || self.folders.iter().any(|f| rel.starts_with(f)) {
            return true;
        }
        if !self.content_at_root {
            return false;
        }
        // At the root only Markdown files and folders are content (a log written there is not).
        let at_root = rel.components().count() == 1;
        !at_root
            || rel
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
            || root.join(rel).is_dir()
    }
}

/// The files a batch of file-system events changed, relative to the (absolute) root, leaving
/// out what cannot change the site.
fn changes(root: &Path, batch: notify_debouncer_full::DebounceEventResult) -> Vec<PathBuf> {
    let Ok(events) = batch else {
        // The watcher lost track (e.g. too many events): rebuild to be safe.
        return vec![PathBuf::from(".")];
    };
    let scope = Scope::of(root);
    events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
        .flat_map(|e| e.paths.iter())
        .filter_map(|p| {
            let rel = p.strip_prefix(root).ok()?;
            // With a config that cannot be read, only the config can mend it.
            let holds = match &scope {
                Some(scope) => scope.holds(root, rel),
                None => rel == Path::new(crate::config::FILE_NAME),
            };
            holds.then(|| rel.to_path_buf())
        })
        .collect()
}

/// "content/a.md changed", or "3 files changed".
fn describe(changed: &[PathBuf]) -> String {
    match changed {
        [one] => format!("{} changed", one.display()),
        many => format!("{} files changed", many.len()),
    }
}

/// Watches what the site is built from (see [`Scope`]): the root itself, not its subfolders
/// (for `hindsight.toml`, and new folders), and each folder of the scope that exists (with
/// content at the root, every folder there that is not ignored), and the symbolic links the
/// build follows out of them (see [`links`]). Folders already in
/// `watched` are kept; returns the new set. With a config that cannot be read, the set stays
/// as it was.
fn watch(
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    root: &Path,
    watched: &[(PathBuf, Option<FolderId>)],
) -> Result<Vec<(PathBuf, Option<FolderId>)>, ServeError> {
    let mut wanted = vec![root.to_path_buf()];
    match Scope::of(root) {
        Some(scope) => {
            for folder in &scope.folders {
                let path = root.join(folder);
                // A folder inside another is watched with it.
                let inside = scope
                    .folders
                    .iter()
                    .any(|f| f != folder && folder.starts_with(f));
                if !inside && path.is_dir() {
                    wanted.push(path);
                }
            }
            if scope.content_at_root {
                for entry in std::fs::read_dir(root)?.flatten() {
                    let name = PathBuf::from(entry.file_name());
                    if entry.path().is_dir() && !ignored(&name, &scope.output) {
                        wanted.push(entry.path());
                    }
                }
            }
            let links = links(root, &wanted, &scope);
            wanted.extend(links);
        }
        None if !watched.is_empty() => return Ok(watched.to_vec()),
        None => {}
    }
    wanted.sort();
    wanted.dedup();
    let mut now = Vec::with_capacity(wanted.len());
    for path in wanted {
        let id = folder_id(&path);
        // A linked file is watched again each time: an editor that saves by replacing the
        // file leaves the watch on the old one. So is a folder deleted and made again
        // (`rm -rf content && cp -r backup content`): the watch died with the old one.
        let linked_file = path.is_file() && path.is_symlink();
        let same = watched.iter().any(|(p, was)| *p == path && *was == id);
        if !same || linked_file {
            if watched.iter().any(|(p, _)| *p == path) {
                let _ = debouncer.unwatch(&path);
            }
            let mode = if path == root {
                RecursiveMode::NonRecursive
            } else {
                RecursiveMode::Recursive
            };
            debouncer
                .watch(&path, mode)
                .map_err(|e| ServeError::Watch {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
        }
        now.push((path, id));
    }
    for (gone, _) in watched
        .iter()
        .filter(|(w, _)| !now.iter().any(|(p, _)| p == w))
    {
        let _ = debouncer.unwatch(gone);
    }
    Ok(now)
}

/// What tells a folder from another made at the same path: its device and inode on Unix,
/// and its creation time where the file system keeps one (a folder made right after one was
/// deleted often gets its inode number back).
type FolderId = (u64, u64, Option<std::time::SystemTime>);

fn folder_id(path: &Path) -> Option<FolderId> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (m.dev(), m.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0, 0);
    Some((dev, ino, m.created().ok()))
}

/// The symbolic links under the watched `folders` (and at the root, with content there) whose
/// targets no watched folder holds. The build follows links, so the preview watches them by
/// the link's path, which is how events then name them: a linked file, since a change to it
/// is no change to the folder of its link, and a linked folder made after its parent was
/// watched (notify follows only the links that existed then). Links into the output folder
/// are left out, as the build leaves them out.
fn links(root: &Path, folders: &[PathBuf], scope: &Scope) -> Vec<PathBuf> {
    let output = root.join(&scope.output).canonicalize().ok();
    let held: Vec<PathBuf> = folders
        .iter()
        .filter(|f| *f != root)
        .filter_map(|f| f.canonicalize().ok())
        .collect();
    let mut found: Vec<PathBuf> = Vec::new();
    let mut consider = |path: &Path| {
        let Ok(target) = path.canonicalize() else {
            return;
        };
        let outside = !held.iter().any(|h| target.starts_with(h));
        let output = output.as_ref().is_some_and(|o| target.starts_with(o));
        if outside && !output && !found.iter().any(|f| f == path) {
            found.push(path.to_path_buf());
        }
    };
    let skip = |path: &Path| ignored(path.strip_prefix(root).unwrap_or(path), &scope.output);
    for folder in folders.iter().filter(|f| *f != root) {
        let entries = walkdir::WalkDir::new(folder)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skip(e.path()))
            .flatten();
        for e in entries.filter(|e| e.depth() > 0 && e.path_is_symlink()) {
            consider(e.path());
        }
    }
    if scope.content_at_root {
        for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if is_link && !skip(&entry.path()) {
                consider(&entry.path());
            }
        }
    }
    found
}

/// `/__hindsight/events`: a `hello` with the build the page was served from, then `reload`
/// after each good build and `failed` (with the errors) after each failed one.
async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let receiver = shared.signals.subscribe();
    let (version, failure) = {
        let s = shared.snapshot.read().expect("snapshot lock");
        (s.version, s.failure.clone())
    };
    let mut first = vec![Event::default().event("hello").data(build_name(version))];
    if let Some(f) = failure {
        first.push(failed(&f));
    }
    // The stream ends when the server stops, at once if it already is stopping.
    let stop = tokio_stream::wrappers::WatchStream::new(shared.stopping.subscribe())
        .filter(|stopping| *stopping)
        .map(|_| None);
    let later = tokio_stream::wrappers::BroadcastStream::new(receiver)
        .map(|s| {
            Some(match s {
                Ok(Signal::Failed(text)) => failed(&text),
                Ok(Signal::Reload(v)) => Event::default().event("reload").data(build_name(v)),
                // Missed signals (the page was slow to read them): reloading is always right.
                Err(_) => Event::default().event("reload").data("0"),
            })
        })
        .merge(stop)
        .map_while(|event| event);
    let stream = tokio_stream::iter(first)
        .chain(later)
        .map(Ok::<_, std::convert::Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A build's name: its number, and this server's process id, so that a page served before a
/// restart is told apart from one of the same number after it.
fn build_name(version: u64) -> String {
    format!("{}.{version}", std::process::id())
}

fn failed(text: &str) -> Event {
    Event::default()
        .event("failed")
        .data(text.replace('\r', ""))
}

/// The script every served HTML page loads: it reloads the page after a good build, and
/// shows a failed build's errors over the page until they are fixed.
const LIVE_SCRIPT: &str = include_str!("serve.js");

/// The shared worker that holds one event stream for all the open pages of a browser and
/// tells each of them what the stream says.
const LIVE_WORKER: &str = include_str!("serve-worker.js");

async fn script(text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// A page or file of the last good build. `/x/` is `x/index.html`; `/x` redirects to `/x/`
/// when that is a page; anything else is the site's 404 page with status 404.
async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let (files, failure, version) = {
        let s = shared.snapshot.read().expect("snapshot lock");
        (s.files.clone(), s.failure.clone(), s.version)
    };
    let build = build_name(version);
    if files.is_empty() {
        // No good build yet: say why on every page, and reload when it is fixed.
        let text = failure.unwrap_or_else(|| "The site is being built.".into());
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hindsight: the site has errors</title></head><body><h1>The site could not be built</h1><pre>{}</pre></body></html>",
            crate::markdown::escape(&text)
        );
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            with_live_script(page.as_bytes(), &build),
        );
    }
    let path = crate::markdown::percent_decode(uri.path());
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|part| part == "..") || rel.starts_with(PREFIX.trim_start_matches('/')) {
        return not_found(&files, &build);
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = files.get(&key) {
        return respond(&key, bytes, &build);
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        let mut to = format!("{}/", uri.path());
        if let Some(q) = uri.query() {
            to = format!("{to}?{q}");
        }
        return Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, to)
            .body(Body::empty())
            .expect("a valid response");
    }
    not_found(&files, &build)
}

fn not_found(files: &BTreeMap<String, Vec<u8>>, build: &str) -> Response {
    match files.get("404.html") {
        Some(page) => html(StatusCode::NOT_FOUND, with_live_script(page, build)),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn respond(key: &str, bytes: &[u8], build: &str) -> Response {
    if key.ends_with(".html") {
        return html(StatusCode::OK, with_live_script(bytes, build));
    }
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let mut response = Response::new(Body::from(bytes.to_vec()));
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime.essence_str()) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // A compressed SVG is an SVG sent gzipped, as a web server configured for `.svgz` sends
    // it: without the encoding, a browser shows no picture.
    if is_gzipped_svg(key, bytes) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        );
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether the file `key` is named `.svgz` (in any case) and holds gzip: a `.svgz` written
/// plain is published as it is (see [`crate::attachment`]) and sent as plain SVG.
fn is_gzipped_svg(key: &str, bytes: &[u8]) -> bool {
    let named = key
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("svgz"));
    named && bytes.starts_with(&[0x1f, 0x8b])
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The page with the reload script, which knows the build it came from, before its closing
/// `</body>` (or at its end).
fn with_live_script(page: &[u8], build: &str) -> Vec<u8> {
    let tag = format!("<script src=\"/__hindsight/live.js?build={build}\" defer></script>");
    let tag = tag.as_bytes();
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + tag.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(tag);
    out.extend_from_slice(&page[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_event_stream_opened_while_the_server_stops_ends_after_its_hello() {
        let shared = Arc::new(Shared {
            snapshot: RwLock::new(Snapshot::default()),
            signals: broadcast::channel(16).0,
            stopping: watch::channel(false).0,
            reported: Mutex::default(),
        });
        shared.stopping.send_replace(true);
        // Held here, as the server holds it: a stream whose sender is gone ends anyway.
        let body = events(State(shared.clone()))
            .await
            .into_response()
            .into_body();
        let read = axum::body::to_bytes(body, usize::MAX);
        let bytes = tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .expect("the stream ends instead of waiting for a signal that was sent before it")
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.starts_with("event: hello\n"), "{text}");
    }

    #[test]
    fn the_reload_script_goes_before_the_closing_body_tag() {
        let page = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(with_live_script(page, "7.2")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__hindsight/live.js?build=7.2\" defer></script></body></html>"
        );
        let bare = String::from_utf8(with_live_script(b"<p>x</p>", "7.2")).unwrap();
        assert!(bare.ends_with("live.js?build=7.2\" defer></script>"));
    }

    #[test]
    fn only_changes_to_what_the_site_is_built_from_rebuild_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("docs")).unwrap();
        let scope = |toml: &str| {
            std::fs::write(root.join("hindsight.toml"), toml).unwrap();
            Scope::of(root).unwrap()
        };
        let s = scope("learnings.concepts = \"vocabulary/words.txt\"\n");
        for p in [
            "content/a.md",
            "content/x/y.png",
            "hindsight.toml",
            "themes/default/style.css",
            "vocabulary/words.txt",
        ] {
            assert!(s.holds(root, Path::new(p)), "{p}");
        }
        for p in [
            "serve.log",
            "README.md",
            "docs",
            "docs/a.md",
            "public/index.html",
        ] {
            assert!(!s.holds(root, Path::new(p)), "{p}");
        }
        let s = scope("content_dir = \".\"\n");
        for p in ["a.md", "docs", "docs/a.md", "2025/b.png"] {
            assert!(s.holds(root, Path::new(p)), "{p}");
        }
        for p in ["serve.log", "public/index.html", ".git/index"] {
            assert!(!s.holds(root, Path::new(p)), "{p}");
        }
    }

    #[test]
    fn changes_to_hidden_build_and_output_folders_and_editor_files_are_ignored() {
        let out = Path::new("public");
        for p in [
            "public/index.html",
            ".git/index",
            "content/.a.md.swp",
            "target/debug/x",
            "content/a.md~",
            "content/4913",
        ] {
            assert!(ignored(Path::new(p), out), "{p}");
        }
        for p in ["content/a.md", "hindsight.toml", "themes/default/style.css"] {
            assert!(!ignored(Path::new(p), out), "{p}");
        }
    }

    #[test]
    fn a_change_to_the_sites_static_folder_rebuilds_it() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("hindsight.toml"), "").unwrap();
        let s = Scope::of(tmp.path()).unwrap();
        for p in ["static/CNAME", "static/files/report.pdf"] {
            assert!(s.holds(tmp.path(), Path::new(p)), "{p}");
        }
    }

    #[test]
    fn the_hint_for_an_address_that_cannot_be_listened_on_fits_why() {
        let hint = |ip: &str, port: u16, kind: std::io::ErrorKind| {
            ServeError::Bind {
                addr: SocketAddr::new(ip.parse().unwrap(), port),
                source: kind.into(),
            }
            .hint()
        };
        use std::io::ErrorKind::*;
        let taken = hint("127.0.0.1", 1111, AddrInUse).unwrap();
        assert!(taken.contains("pick a free port"), "{taken}");
        let elsewhere = hint("10.255.255.1", 1111, AddrNotAvailable).unwrap();
        assert!(
            elsewhere.starts_with("10.255.255.1 is not an address of this machine"),
            "{elsewhere}"
        );
        assert!(elsewhere.contains("127.0.0.1"), "{elsewhere}");
        let low = hint("0.0.0.0", 80, PermissionDenied).unwrap();
        assert!(low.contains("use a port above 1023"), "{low}");
        // Denied a high port, the port is not why: no hint is better than a wrong one.
        assert_eq!(hint("0.0.0.0", 8080, PermissionDenied), None);
    }
}
