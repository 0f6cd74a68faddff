/*!
Dates from the repository's history: the day git first recorded each postmortem, the date of
last resort for one that neither its front matter, its file name nor its text dates; and the
day each was last changed, which the sitemap gives search engines as its `lastmod`.

Hindsight asks the `git` program once per build: one `git log` over the content folder lists
the files each commit added or changed; the oldest commit that added a file names its first
day, the newest that touched it its last. Outside a repository, without git, or for a file not
yet committed, nothing changes: the postmortem is dated by what it says, or stays undated, and
the sitemap gives its date. A shallow clone (what CI services fetch by default) knows only its
last commits, which would date every postmortem by the day of the clone's oldest commit; it is
not read, and when some postmortem would need it the build says how to fetch the whole history.
*/

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

/// The days of each file in the history, by its path relative to the content folder
/// (`/`-separated).
#[derive(Debug, Default, PartialEq)]
pub struct Dates {
    /// The day of the oldest commit that added the file.
    pub added: HashMap<String, NaiveDate>,
    /// The day of the newest commit that added or changed the file.
    pub changed: HashMap<String, NaiveDate>,
}

/// What the history says about the files of a content folder.
#[derive(Debug, PartialEq)]
pub enum History {
    Dates(Dates),
    /// The folder is in a shallow clone: its history is cut off.
    Shallow,
    /// No history to ask: not a repository, or no `git` program.
    None,
}

/// The days each file under `content_root` was first and last committed (see [`History`]).
pub fn commit_days(content_root: &Path) -> History {
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
    // Newest first: each commit's author day (after a \x01 no path starts with), then a line
    // per file it touched, `<status>\t<path>` relative to the content folder.
    let Some(log) = git(&[
        "log",
        "--no-renames",
        "--relative",
        "--name-status",
        "--format=%x01%as",
        "--",
        ".",
    ]) else {
        return History::None;
    };
    History::Dates(parse_log(&log))
}

/// Reads `git log --format=%x01%as --name-status` output (see [`commit_days`]): the newest
/// day a file was added or changed (`A`, `M`, `T`) is its last, the oldest it was added its
/// first. A deletion changes nothing: a file deleted and added again was last changed when
/// it came back.
fn parse_log(log: &str) -> Dates {
    let mut dates = Dates::default();
    let mut day = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\u{1}') {
            day = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok();
            continue;
        }
        let (Some(d), Some((status, path))) = (day, line.split_once('\t')) else {
            continue;
        };
        if !matches!(status, "A" | "M" | "T") {
            continue;
        }
        dates.changed.entry(path.to_string()).or_insert(d);
        if status == "A" {
            dates.added.insert(path.to_string(), d);
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_commit_that_added_a_file_dates_it_and_the_newest_that_touched_it_is_its_last_change(
    ) {
        let log = "\u{1}2024-05-02\n\nM\ta.md\nD\tgone.md\n\u{1}2024-03-01\n\nM\ta.md\nA\tsub dir/b.md\n\u{1}2021-06-15\n\nA\ta.md\nA\tgone.md\n";
        let dates = parse_log(log);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(dates.added["a.md"], day(2021, 6, 15));
        assert_eq!(dates.changed["a.md"], day(2024, 5, 2));
        assert_eq!(dates.added["sub dir/b.md"], day(2024, 3, 1));
        assert_eq!(dates.changed["sub dir/b.md"], day(2024, 3, 1));
        // Deleted since: its last change is the day it was added, and the sitemap never asks.
        assert_eq!(dates.changed["gone.md"], day(2021, 6, 15));
        assert_eq!(dates.added.len(), 3);
    }
}
