/*!
Dates from the repository's history: the day git first recorded each postmortem, the date of
last resort for one that neither its front matter, its file name nor its text dates.

Hindsight asks the `git` program, once per build and only when some postmortem is undated:
one `git log` over the content folder lists the commits that added each file, and the oldest
names its day. Outside a repository, without git, or for a file not yet committed, nothing
changes: the postmortem stays undated. A shallow clone (what CI services fetch by default)
knows only its last commits, which would date every postmortem by the day of the clone's
oldest commit; it is not read, and the build says how to fetch the whole history.
*/

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

/// What the history says about the files of a content folder.
#[derive(Debug, PartialEq)]
pub enum History {
    /// The day each file (by its path relative to the content folder, `/`-separated) was
    /// first committed.
    Dates(HashMap<String, NaiveDate>),
    /// The folder is in a shallow clone: its history is cut off.
    Shallow,
    /// No history to ask: not a repository, or no `git` program.
    None,
}

/// The first day each file under `content_root` was committed (see [`History`]).
pub fn first_commits(content_root: &Path) -> History {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(content_root)
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    match git(&["rev-parse", "--is-shallow-repository"]) {
        None => return History::None,
        Some(s) if s.trim() == "true" => return History::Shallow,
        Some(_) => {}
    }
    // Newest first: each commit's day (after a \x01 no path starts with), then the files it
    // added, relative to the content folder; the last day seen for a file is its first.
    let Some(log) = git(&[
        "log",
        "--diff-filter=A",
        "--no-renames",
        "--relative",
        "--name-only",
        "--format=%x01%as",
        "--",
        ".",
    ]) else {
        return History::None;
    };
    History::Dates(parse_log(&log))
}

/// Reads `git log --format=%x01%as --name-only` output (see [`first_commits`]).
fn parse_log(log: &str) -> HashMap<String, NaiveDate> {
    let mut first = HashMap::new();
    let mut day = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\u{1}') {
            day = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok();
        } else if let (Some(d), false) = (day, line.is_empty()) {
            first.insert(line.to_string(), d);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_commit_that_added_a_file_dates_it() {
        let log = "\u{1}2024-03-01\n\na.md\nsub dir/b.md\n\u{1}2021-06-15\n\na.md\n";
        let dates = parse_log(log);
        assert_eq!(dates["a.md"], NaiveDate::from_ymd_opt(2021, 6, 15).unwrap());
        assert_eq!(
            dates["sub dir/b.md"],
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
        );
        assert_eq!(dates.len(), 2);
    }
}
