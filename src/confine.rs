/*!
Where the files Hindsight reads and publishes may lie, wherever symbolic links lead.

A pull request adds a symbolic link as easily as a file. `content/graph.png ->
/home/runner/.ssh/id_rsa`, shown as an image by a postmortem, would copy the CI runner's key into
a public deploy preview; `static/env.txt -> /proc/self/environ` its environment; a postmortem
that is a link to `/etc/passwd` would publish that file's text. So every file Hindsight reads or
publishes from the repository (postmortems and learnings, the files their pages link to, the
site's `static/` files, the theme's templates and static files) must lead, once every link on
its path is followed ([`std::fs::canonicalize`]), into one of the [`Areas`]: the site root (the
folder of hindsight.toml), the real folder of the content (which may lie outside the root) or
the theme's folder. A file that leads elsewhere is neither read nor published, and is an error
(rule [`RULE`], which no setting lowers) at the file that links to it, or at the link itself
for a file that is walked. A link that stays inside (a folder linked to another folder of the
repository, an image shared from elsewhere in it) works as any file does.
*/

use std::path::{Path, PathBuf};

use crate::diagnostics::{rel_path, Diagnostic};

/// The rule of a symbolic link that leads outside the [`Areas`].
pub const RULE: &str = "symlink-outside";

/// The folders whose files Hindsight may read, each with every link resolved.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    /// The site root as given, for the paths that findings name.
    root: PathBuf,
    real: Vec<PathBuf>,
}

impl Areas {
    /// The site root, the content folder and the theme's folder of `config`, those that exist.
    pub fn new(root: &Path, config: &crate::config::Config) -> Areas {
        let folders = [
            root.to_path_buf(),
            root.join(&config.content_dir),
            root.join("themes").join(&config.theme),
        ];
        Areas {
            root: root.to_path_buf(),
            real: folders
                .iter()
                .filter_map(|f| f.canonicalize().ok())
                .collect(),
        }
    }

    /// The site root alone: where hindsight.toml may lead, before it says where the content
    /// and the theme are.
    pub fn root(root: &Path) -> Areas {
        Areas {
            root: root.to_path_buf(),
            real: root.canonicalize().into_iter().collect(),
        }
    }

    /// Where `path` leads, with every link on it followed, when that is outside every area;
    /// `None` when it is inside, or leads nowhere (a broken link is another finding).
    pub fn outside(&self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().ok()?;
        (!self.real.iter().any(|a| real.starts_with(a))).then_some(real)
    }

    /// The finding at `file` about `path` (under the folder `from`, which is inside), which
    /// leads outside to `real`: it names the link on the way that leaves the areas, what it
    /// points to and where `path` resolves. `what` is how the file is used ("image
    /// `graph.png`"), or empty when the finding is at the link itself. `instead` is what to do
    /// in its place, e.g. "copy the file into the repository beside the postmortem and link to
    /// the copy".
    pub fn finding(
        &self,
        file: &str,
        what: &str,
        from: &Path,
        path: &Path,
        real: &Path,
        instead: &str,
    ) -> Diagnostic {
        let link = self.leaving(from, path);
        let link_real = link.canonicalize().unwrap_or_else(|_| real.to_path_buf());
        let shown = rel_path(&self.root, &link);
        // A path named in hindsight.toml may lead outside with no link of its own.
        let mut how = match std::fs::read_link(&link) {
            Ok(target) if target == link_real => {
                format!(": `{shown}` is a symbolic link to `{}`", target.display())
            }
            Ok(target) => format!(
                ": `{shown}` is a symbolic link to `{}`, which is `{}`",
                target.display(),
                link_real.display()
            ),
            Err(_) if link_real != link => format!(": `{shown}` is `{}`", link_real.display()),
            Err(_) => String::new(),
        };
        if link != path {
            how.push_str(&format!(
                ", so `{}` is `{}`",
                rel_path(&self.root, path),
                real.display()
            ));
        }
        let outside = "outside the site root, the content folder and the theme";
        let message = match (what.is_empty(), how.strip_prefix(": ")) {
            (true, Some(how)) => format!("{how}, {outside}: it is not read nor published"),
            (true, None) => format!("`{shown}` is {outside}: it is not read nor published"),
            (false, _) => format!("{what} leads {outside}, and is not read nor published{how}"),
        };
        let or = if link.is_symlink() {
            ", or delete the link"
        } else {
            ""
        };
        Diagnostic::error(RULE, file, message).hint(format!(
            "{instead}{or}: Hindsight reads and publishes no file outside the folder of hindsight.toml, the content folder and the theme, so that no pull request can publish what the machine that builds the site holds (its keys, its environment)"
        ))
    }

    /// The first path from `from` (a folder inside) down to `path` that leads outside: the
    /// symbolic link that leaves the areas (`path` itself when none is found).
    fn leaving(&self, from: &Path, path: &Path) -> PathBuf {
        let Ok(rest) = path.strip_prefix(from) else {
            return path.to_path_buf();
        };
        let mut at = from.to_path_buf();
        for part in rest.components() {
            at.push(part);
            if self.outside(&at).is_some() {
                return at;
            }
        }
        path.to_path_buf()
    }
}

/// The files under `dir` (through symbolic links that stay inside `areas`), in order, and a
/// finding at each link under it that leads outside, which is not followed: at the link itself,
/// with `instead` as in [`Areas::finding`]. An error of the walk (a broken link, a folder that
/// cannot be listed) is returned as it is; with `unreadable`, an entry that cannot be read
/// (a folder that may not be listed, which is not a link) is put there instead and the walk
/// goes on, so that every one is found in one walk.
pub fn files_under(
    dir: &Path,
    areas: &Areas,
    instead: &str,
    mut unreadable: Option<&mut Vec<walkdir::Error>>,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), walkdir::Error> {
    let mut found = Vec::new();
    // A link to a folder that holds it is a loop to the walk before it is an entry.
    let mut loops = Vec::new();
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if !e.path_is_symlink() {
                return true;
            }
            match areas.outside(e.path()) {
                Some(real) => {
                    let file = rel_path(&areas.root, e.path());
                    found.push(areas.finding(&file, "", dir, e.path(), &real, instead));
                    false
                }
                None => true,
            }
        });
    for e in walker {
        let e = match e {
            Ok(e) => e,
            Err(error) => match error.path().and_then(|p| Some((p, areas.outside(p)?))) {
                Some((path, real)) if error.loop_ancestor().is_some() => {
                    let file = rel_path(&areas.root, path);
                    loops.push(areas.finding(&file, "", dir, path, &real, instead));
                    continue;
                }
                _ => match unreadable.as_deref_mut() {
                    Some(unreadable) if is_unreadable(&error) => {
                        unreadable.push(error);
                        continue;
                    }
                    _ => return Err(error),
                },
            },
        };
        if e.file_type().is_file() {
            files.push(e.into_path());
        }
    }
    found.extend(loops);
    Ok((files, found))
}

/// Whether a walk's `error` is at an entry that cannot be read (a folder that may not be
/// listed), not at a broken link or a loop.
fn is_unreadable(error: &walkdir::Error) -> bool {
    error.loop_ancestor().is_none()
        && error.io_error().is_some()
        && error.path().is_some_and(|p| !p.is_symlink())
}
