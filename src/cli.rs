/*!
The command line: `hindsight build | check | serve | new | search`, parsed with clap.
*/

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hindsight",
    version,
    about = "Turns a folder of incident postmortems into a searchable static site where learnings are first-class.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from the content folder.
    #[command(mut_arg("quiet", |a| a.help("No progress bar and no summary line")))]
    Build(BuildArgs),
    /// Validate everything build would read, and write nothing (exit 0 clean, 1 errors, 2 usage or I/O failure).
    #[command(mut_arg("quiet", |a| a.help("Leave out notes (`info` findings) and the summary line")))]
    Check(CheckArgs),
    /// Preview the site: build it into memory, serve it, and reload open pages on every change.
    #[command(mut_arg("quiet", |a| a.help("Print only the address and the errors of a build that fails")))]
    Serve(ServeArgs),
    /// Scaffold a postmortem (a draft) with today's date and an id no incident has.
    #[command(mut_arg("quiet", |a| a.help("No closing message on stderr (the path is still printed on stdout)")))]
    New(NewArgs),
    /// Search incidents and learnings from the terminal.
    #[command(mut_arg("quiet", |a| a.help("No `No results for ...` message on stderr when nothing matches")))]
    Search(SearchArgs),
}

impl Command {
    /// The options every command has.
    pub fn common_mut(&mut self) -> &mut Common {
        match self {
            Command::Build(a) => &mut a.common,
            Command::Check(a) => &mut a.common,
            Command::Serve(a) => &mut a.common,
            Command::New(a) => &mut a.common,
            Command::Search(a) => &mut a.common,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct Common {
    /// The folder that holds hindsight.toml and the content (default: the current folder, or,
    /// run inside the content folder, the knowledge base that holds it).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Say less; what each command leaves out is in its own help.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder (default: `output_dir` of hindsight.toml, else `public/` under the root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include drafts, incidents in review and internal incidents.
    #[arg(long)]
    pub drafts: bool,
    /// The URL the site is served under, e.g. https://example.org/postmortems/ (overrides `base_url`).
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// The port to serve on (default: the first free one from 1111; 0 lets the system pick).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// The address to listen on; 0.0.0.0 shows the preview to other machines.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include drafts, incidents in review and internal incidents.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub common: Common,
    /// What happened, in a sentence: the title of the postmortem.
    pub title: String,
    /// `templates/NAME.md` under the root or the content folder, a path to a file, or a
    /// built-in template: `default` or `short`.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// The day of the incident, when it was not today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub common: Common,
    /// The words to look for; a word written -word leaves out the results that hold it (after
    /// the first word, quote the query: "checkout -payments").
    #[arg(allow_hyphen_values = true, value_parser = parse_query)]
    pub query: String,
    /// More words of the query: `search certificate expired` is `search "certificate expired"`.
    #[arg(value_name = "WORDS")]
    pub more: Vec<String>,
    /// Print one JSON array of hits: id, kind, url, title, date, score, section, snippet.
    #[arg(long)]
    pub json: bool,
    /// At most this many hits (1 or more).
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = parse_limit)]
    pub limit: usize,
    /// Only incidents with this tag (repeat to require several).
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Only incidents of this service (repeat to require several).
    #[arg(long, value_name = "SERVICE")]
    pub service: Vec<String>,
    /// Only incidents of this severity (repeat to keep several: SEV1 or SEV2).
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Vec<String>,
    /// Only incidents on or after this date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub since: Option<chrono::NaiveDate>,
    /// Search drafts, incidents in review and internal incidents too, as `build --drafts`
    /// publishes them.
    #[arg(long)]
    pub drafts: bool,
    /// Say on stderr what keeping the search index current took.
    #[arg(long, short)]
    pub verbose: bool,
}

impl SearchArgs {
    /// The query as one text: `search certificate expired` is `search "certificate expired"`.
    pub fn query(&self) -> String {
        std::iter::once(&self.query)
            .chain(&self.more)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn parse_base_url(s: &str) -> Result<String, String> {
    crate::config::parse_base_url(s).map_err(|e| e.to_string())
}

/// The long options of `search`, for [`parse_query`] (a test holds it to the command's).
const SEARCH_OPTIONS: &[&str] = &[
    "root", "quiet", "json", "limit", "tag", "service", "severity", "since", "drafts", "verbose",
    "help",
];

/// A query: words, of which `-word` leaves one out. One that starts `--` and reads like an
/// option is a mistyped one (`--servce sso` would search for "--servce" and stop at "sso"), so
/// it is refused with the option meant, where one is alike.
fn parse_query(s: &str) -> Result<String, String> {
    let Some(name) = s.strip_prefix("--") else {
        return Ok(s.to_string());
    };
    let name = name.split('=').next().unwrap_or(name);
    let option_like =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !option_like {
        return Ok(s.to_string());
    }
    Err(match crate::diagnostics::did_you_mean(name, SEARCH_OPTIONS) {
        Some(meant) => format!(
            "`--{name}` is no option of search: did you mean `--{meant}`? (to leave a word out, write it with one dash: -word)"
        ),
        None => format!(
            "`--{name}` is no option of search (see `hindsight search --help`); to leave a word out, write it with one dash: -word"
        ),
    })
}

/// What to say of the first `--word` of a `search` command line that is no option of it, when
/// clap has found an argument it does not expect: `search --servce sso` takes "--servce" for
/// the query (which may start with a dash) and stops at "sso", an error that names neither the
/// option meant nor the mistyped one.
pub fn mistyped_search_option(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Option<String> {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let at = args.iter().position(|a| a == "search")?;
    let args: Vec<&String> = args[at + 1..]
        .iter()
        .take_while(|a| a.as_str() != "--")
        .collect();
    if let Some(said) = args
        .iter()
        .filter(|a| {
            a.strip_prefix("--")
                .is_some_and(|n| !SEARCH_OPTIONS.contains(&n.split('=').next().unwrap_or(n)))
        })
        .find_map(|a| parse_query(a).err())
    {
        return Some(said);
    }
    // `search checkout -payments`: a word to leave out after the first is read as options
    // (`-p`): the query must be quoted. The words before it, but for options and their values.
    let mut words = Vec::new();
    let mut value = false;
    for a in args {
        if value {
            value = false;
        } else if let Some(name) = a.strip_prefix("--") {
            value = SEARCH_VALUED.contains(&name) && !name.contains('=');
        } else if a.starts_with('-') && a.len() > 1 && !["-q", "-v", "-h"].contains(&a.as_str()) {
            if words.is_empty() {
                return None;
            }
            words.push(a.as_str());
            return Some(format!(
                "`{a}` after the first word is read as options: to leave out the word, quote the whole query, as in `hindsight search \"{}\"`",
                words.join(" ")
            ));
        } else if !a.starts_with('-') {
            words.push(a.as_str());
        }
    }
    None
}

/// The long options of `search` that take a value.
const SEARCH_VALUED: &[&str] = &["root", "limit", "tag", "service", "severity", "since"];

/// `--limit`: a whole number of 1 or more (one too large for this machine means no limit).
fn parse_limit(s: &str) -> Result<usize, String> {
    use std::num::IntErrorKind;
    match s.trim().parse::<usize>() {
        Ok(0) => Err("--limit must be at least 1 (it is how many results to show at most)".into()),
        Ok(n) => Ok(n),
        Err(e) if *e.kind() == IntErrorKind::PosOverflow => Ok(usize::MAX),
        Err(_) => Err(format!(
            "`{s}` is not a whole number: --limit is how many results to show at most, e.g. --limit 20"
        )),
    }
}

/// `--date`, `--since`: a day written YYYY-MM-DD. The error says what is wrong in the reader's
/// words (chrono's own, "premature end of input", say nothing to them), with the date to write.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    let t = s.trim();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = t.split('-').collect();
    // chrono reads `23-01-01` as the year 23: a year of fewer than four digits is a mistake.
    if let [y, m, d] = parts.as_slice() {
        if digits(y, 2) && digits(m, 2) && digits(d, 2) {
            return Err(format!(
                "`{s}` has a year of two digits: write all four, e.g. 20{y}-{m}-{d}"
            ));
        }
    }
    if !parts.first().is_some_and(|y| digits(y, 4)) {
        return Err(format!(
            "`{s}` is not a date of the form YYYY-MM-DD, e.g. 2025-03-17"
        ));
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        match parts.as_slice() {
            [y] if digits(y, 4) => {
                format!("`{s}` is a year, not a day: write YYYY-MM-DD, e.g. {y}-01-01 for the start of the year")
            }
            [y, m] if digits(y, 4) && digits(m, 2) => {
                format!("`{s}` is a month, not a day: write YYYY-MM-DD, e.g. {y}-{m}-01 for the start of the month")
            }
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                format!("`{s}` is no day of the calendar (month 01 to 12, and a day that month has)")
            }
            _ => format!("`{s}` is not a date of the form YYYY-MM-DD, e.g. 2025-03-17"),
        }
    })
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// How findings are printed: for people, as one JSON array, or as GitHub Actions annotations.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Vec<Deny>,
    /// A previous build's sitemap.xml (a file path): report every URL the new build would drop
    /// without a redirect.
    #[arg(long, value_name = "SITEMAP")]
    pub baseline: Option<PathBuf>,
    /// Print what RULE catches and how to fix it (its entry in the reference), and check nothing.
    #[arg(long, value_name = "RULE", conflicts_with_all = ["format", "deny", "baseline"])]
    pub explain: Option<String>,
    /// Changes nothing: check always reads drafts, and postmortems in review and internal ones
    /// (accepted as `build --drafts` and `serve --drafts` take it).
    #[arg(long)]
    pub drafts: bool,
    /// Report only the findings of these files or folders (the whole site is still read, so
    /// links into other postmortems are checked).
    #[arg(value_name = "PATH", conflicts_with = "explain")]
    pub paths: Vec<PathBuf>,
}

/// Output formats of `hindsight check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
}

/// What `--deny` can promote to errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn a_mistyped_search_option_is_refused_with_the_option_meant_and_a_word_to_leave_out_is_not() {
        let mut longs: Vec<String> = Cli::command()
            .find_subcommand("search")
            .unwrap()
            .get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .chain(["help".to_string()])
            .collect();
        longs.sort();
        let mut ours: Vec<&str> = SEARCH_OPTIONS.to_vec();
        ours.sort();
        assert_eq!(longs, ours);
        let err = parse_query("--servce").unwrap_err();
        assert!(err.contains("did you mean `--service`?"), "{err}");
        assert!(parse_query("--limt=3").unwrap_err().contains("`--limit`"));
        assert_eq!(parse_query("-fluentd").unwrap(), "-fluentd");
        assert_eq!(parse_query("dns -fluentd").unwrap(), "dns -fluentd");
        assert_eq!(parse_query("--> arrow").unwrap(), "--> arrow");
        let line = |s: &str| mistyped_search_option(s.split(' ').map(std::ffi::OsString::from));
        let said = line("hindsight search --servce sso").unwrap();
        assert!(said.contains("`--servce` is no option of search: did you mean `--service`?"));
        assert!(line("hindsight search --limt 3 dns")
            .unwrap()
            .contains("`--limit`"));
        assert_eq!(line("hindsight search dns --limit 3 extra"), None);
        assert_eq!(line("hindsight search -- --servce sso"), None);
        // A word left out after the first needs the query quoted: the words so far are shown so.
        let said = line("hindsight search --limit 3 checkout -payments").unwrap();
        assert!(
            said.contains("quote the whole query, as in `hindsight search \"checkout -payments\"`"),
            "{said}"
        );
        assert_eq!(line("hindsight search -payments checkout"), None);
    }

    #[test]
    fn explain_refuses_the_options_of_a_check_it_does_not_run() {
        use clap::Parser;
        let parse = |args: &[&str]| Cli::try_parse_from(args.iter().copied());
        assert!(parse(&["hindsight", "check", "--explain", "time-order"]).is_ok());
        for extra in [
            &["--format", "json"][..],
            &["--deny", "warnings"],
            &["--baseline", "old.xml"],
        ] {
            let mut args = vec!["hindsight", "check", "--explain", "time-order"];
            args.extend_from_slice(extra);
            let err = parse(&args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{extra:?}"
            );
        }
    }

    fn quiet_help(command: &str) -> String {
        let cli = Cli::command();
        let sub = cli.find_subcommand(command).unwrap();
        let quiet = sub.get_arguments().find(|a| a.get_id() == "quiet").unwrap();
        quiet.get_help().unwrap().to_string()
    }

    #[test]
    fn a_date_that_cannot_be_read_is_explained_with_the_date_to_write() {
        let err = |s: &str| parse_date(s).unwrap_err();
        assert_eq!(
            err("2025"),
            "`2025` is a year, not a day: write YYYY-MM-DD, e.g. 2025-01-01 for the start of the year"
        );
        assert!(
            err("2025-03").contains("e.g. 2025-03-01"),
            "{}",
            err("2025-03")
        );
        assert!(err("2025-13-01").contains("is no day of the calendar"));
        assert!(err("2025-02-30").contains("is no day of the calendar"));
        assert!(err("17/03/2025").ends_with("e.g. 2025-03-17"));
        // chrono alone would read these as the years 23 and 123.
        assert_eq!(
            err("23-01-01"),
            "`23-01-01` has a year of two digits: write all four, e.g. 2023-01-01"
        );
        assert!(err("123-01-01").ends_with("e.g. 2025-03-17"));
        for s in ["2025", "2025-03", "2025-13-01", "yesterday"] {
            assert!(!err(s).contains("input"), "chrono's words: {}", err(s));
        }
        assert_eq!(
            parse_date("2025-03-17"),
            Ok(chrono::NaiveDate::from_ymd_opt(2025, 3, 17).unwrap())
        );
    }

    #[test]
    fn each_command_says_what_its_own_quiet_leaves_out() {
        assert_eq!(quiet_help("build"), "No progress bar and no summary line");
        assert!(quiet_help("check").contains("notes"));
        assert!(quiet_help("search").contains("No results"));
        assert!(quiet_help("new").contains("path is still printed"));
        assert!(quiet_help("serve").contains("errors of a build that fails"));
        for command in ["build", "search", "new", "serve"] {
            assert!(!quiet_help(command).contains("check"), "{command}");
        }
    }
}
