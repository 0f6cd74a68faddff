/*!
The `ignore` patterns of hindsight.toml: which files under the content folder they leave out.

A pattern is read as a line of a `.gitignore` at the content folder (the `ignore` crate's
matcher, ripgrep's): `drafts/` leaves out the folder `drafts` and all below it, wherever it is;
a pattern without `/` (`drafts`, `*template*`) matches a file or folder name at any depth; a
leading `/` (or `./`) anchors a pattern at the content folder; `**` crosses folders; `!`
before a pattern publishes again what an earlier one leaves out. Matching is case-sensitive,
as git's is on Linux, on every system and whatever git's `core.ignorecase` says (true on macOS
and Windows), so that a laptop builds the site CI builds. [`Ignore::any_case`] reads the
patterns with case not counting, only to tell a user which file a pattern misses by its case.

Patterns were first matched as globs whose `*` crosses `/`, against a file's whole path from
the content folder or its name alone; what they matched then they still match
(`archive*.md` leaves out `archive/2019/old.md`), so that no site publishes a file it left out
before.
*/

use globset::{GlobBuilder, GlobMatcher};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The patterns of `ignore`, compiled once.
pub struct Ignore {
    patterns: Vec<Pattern>,
}

/// One pattern, read both ways (`None` for a pattern that cannot be read, which the
/// configuration reports).
struct Pattern {
    /// As `.gitignore` reads it.
    git: Option<Gitignore>,
    /// As a glob whose `*` crosses `/`, against the whole path or the name.
    glob: Option<GlobMatcher>,
}

/// What a pattern says of a path.
enum Verdict {
    Leaves,
    Keeps,
}

impl Ignore {
    pub fn new(patterns: &[String]) -> Ignore {
        Ignore {
            patterns: patterns.iter().map(|p| Pattern::new(p, false)).collect(),
        }
    }

    /// The patterns with case not counting, as git reads them with `core.ignorecase`: what a
    /// pattern would match in another case (`Drafts/` of `drafts/a.md`), for a hint. The walk
    /// never leaves out a file by it.
    pub fn any_case(patterns: &[String]) -> Ignore {
        Ignore {
            patterns: patterns.iter().map(|p| Pattern::new(p, true)).collect(),
        }
    }

    /// The index of the pattern that leaves out the file (or, `dir`, the folder) at `rel`, its
    /// path from the content folder with `/`: `None` when none does. Of the patterns that
    /// match it as globs, the first; else the last that matches it, or the nearest folder
    /// above it, as a `.gitignore` line, unless that line starts with `!`.
    pub fn matched(&self, rel: &str, dir: bool) -> Option<usize> {
        let git = self.git_verdict(rel, dir);
        if matches!(git, Some((_, Verdict::Keeps))) {
            return None;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.patterns
            .iter()
            .position(|p| {
                p.glob
                    .as_ref()
                    .is_some_and(|g| g.is_match(rel) || g.is_match(name))
            })
            .or(git.map(|(i, _)| i))
    }

    /// Whether pattern `i` matches the file at `rel` either way, `!` or not: whether it is
    /// of use there.
    pub fn touches(&self, i: usize, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let p = &self.patterns[i];
        p.glob
            .as_ref()
            .is_some_and(|g| g.is_match(rel) || g.is_match(name))
            || p.git
                .as_ref()
                .is_some_and(|g| !g.matched_path_or_any_parents(rel, false).is_none())
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// What the `.gitignore` lines say of `rel`, as git reads them: the last line that
    /// matches the path itself, else the last that matches its nearest folder.
    fn git_verdict(&self, rel: &str, dir: bool) -> Option<(usize, Verdict)> {
        let at = |path: &str, dir: bool| {
            self.patterns.iter().enumerate().rev().find_map(|(i, p)| {
                match p.git.as_ref()?.matched(path, dir) {
                    Match::None => None,
                    Match::Ignore(_) => Some((i, Verdict::Leaves)),
                    Match::Whitelist(_) => Some((i, Verdict::Keeps)),
                }
            })
        };
        let mut path = rel.trim_end_matches('/');
        if path.is_empty() {
            return None;
        }
        if let Some(v) = at(path, dir) {
            return Some(v);
        }
        while let Some(i) = path.rfind('/') {
            path = &path[..i];
            if let Some(v) = at(path, true) {
                return Some(v);
            }
        }
        None
    }
}

impl Pattern {
    fn new(written: &str, any_case: bool) -> Pattern {
        let glob = GlobBuilder::new(written)
            .literal_separator(false)
            .case_insensitive(any_case)
            .build()
            .ok()
            .map(|g| g.compile_matcher());
        Pattern {
            git: git_line_in(written, any_case).ok(),
            glob,
        }
    }
}

/// A pattern as a one-line `.gitignore` at the content folder; `./` at its start is the
/// content folder, as `/` is.
pub fn git_line(written: &str) -> Result<Gitignore, ignore::Error> {
    git_line_in(written, false)
}

/// [`git_line`], with case counting or not.
fn git_line_in(written: &str, any_case: bool) -> Result<Gitignore, ignore::Error> {
    let (bang, rest) = match written.strip_prefix('!') {
        Some(rest) => ("!", rest),
        None => ("", written),
    };
    let line = match rest.strip_prefix("./") {
        Some(rest) => format!("{bang}/{}", rest.trim_start_matches('/')),
        None => written.to_string(),
    };
    let mut b = GitignoreBuilder::new(".");
    b.case_insensitive(any_case)?;
    b.add_line(None, &line)?;
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(patterns: &[&str], rel: &str) -> Option<usize> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        Ignore::new(&patterns).matched(rel, false)
    }

    #[test]
    fn a_folder_pattern_leaves_out_the_folder_as_a_gitignore_does() {
        for p in [
            "drafts/",
            "drafts",
            "/drafts/**",
            "./drafts/**",
            "drafts/**",
            "/drafts",
        ] {
            assert_eq!(leaves(&[p], "drafts/a.md"), Some(0), "{p}");
            assert_eq!(leaves(&[p], "drafts/deep/b.md"), Some(0), "{p}");
            assert_eq!(leaves(&[p], "2024-01-01-drafts-lost.md"), None, "{p}");
        }
        // Without `/` a name at any depth; anchored, only at the content folder.
        assert_eq!(leaves(&["drafts/"], "team/drafts/a.md"), Some(0));
        assert_eq!(leaves(&["drafts"], "team/drafts/a.md"), Some(0));
        assert_eq!(leaves(&["/drafts/"], "team/drafts/a.md"), None);
        assert_eq!(leaves(&["./drafts/"], "team/drafts/a.md"), None);
        // `drafts/` names a folder: a file named `drafts` is kept.
        assert_eq!(leaves(&["drafts/"], "drafts"), None);
    }

    #[test]
    fn what_a_pattern_matched_as_a_glob_across_folders_it_still_matches() {
        assert_eq!(leaves(&["archive/*.md"], "archive/2019/old.md"), Some(0));
        assert_eq!(leaves(&["*template*"], "Postmortem Template.md"), None);
        assert_eq!(leaves(&["*template*"], "team/templates-old/a.md"), Some(0));
        assert_eq!(leaves(&["README.md"], "team/README.md"), Some(0));
        // The first pattern that matches as a glob is the one named.
        assert_eq!(
            leaves(&["*template*", "drafts/**"], "drafts/x-template.md"),
            Some(0)
        );
    }

    #[test]
    fn case_counts_in_a_pattern_on_every_system_and_only_the_any_case_reading_ignores_it() {
        let patterns: Vec<String> = ["Drafts/", "*.MD", "/Archive/**"].map(String::from).into();
        let exact = Ignore::new(&patterns);
        let any = Ignore::any_case(&patterns);
        for (i, rel) in [(0, "drafts/a.md"), (1, "a.md"), (2, "archive/2019/old.md")] {
            assert_eq!(exact.matched(rel, false), None, "{rel}");
            assert!(!exact.touches(i, rel), "{rel}");
            assert!(any.touches(i, rel), "{rel}");
        }
        assert_eq!(exact.matched("Drafts/a.md", false), Some(0));
        assert_eq!(exact.matched("b.MD", false), Some(1));
    }

    #[test]
    fn a_pattern_with_a_bang_publishes_again_what_another_left_out() {
        assert_eq!(
            leaves(&["drafts/", "!drafts/keep.md"], "drafts/keep.md"),
            None
        );
        assert_eq!(
            leaves(&["drafts/", "!drafts/keep.md"], "drafts/other.md"),
            Some(0)
        );
        let patterns = vec!["drafts/".to_string(), "!drafts/keep.md".to_string()];
        assert!(Ignore::new(&patterns).touches(1, "drafts/keep.md"));
        assert!(!Ignore::new(&patterns).touches(1, "drafts/other.md"));
    }
}
