/*!
`hindsight new`: scaffolds a postmortem from a template, with a date and an id no other
incident has.

The id follows the knowledge base's own numbering when it has one (`PM2025-004` is followed by
`PM2026-001` in 2026, `INC-0041` by `INC-0042`); otherwise it is the file's name, the date and
a slug of the title. The file goes where most postmortems already are (with year folders, into
the one for its year). It never replaces a file: a name that is taken gets a number; a name
that `ignore` would leave out of the site loses the title's words that match.

Templates are Markdown files rendered with Tera: `{{ title }}`, `{{ id }}`, `{{ date }}`,
`{{ year }}` and `{{ severities }}` are set, and `| yaml` (`| toml`) quotes a value for YAML
(TOML) front matter. A template with no front matter, `---` or `+++`, gets one (YAML) with the
id, title, date and `status: draft`; one whose own front matter leaves out `id`, `date` or
`status` (or Hugo's `draft`) gets those keys in it, so that the file is the postmortem with the
id and status `new` reports. A
template's own front matter is read, once rendered, as the loader reads every postmortem's:
what `check` would reject (invalid YAML from a title with `: ` written without `| yaml`) is an
error at the template's line, and nothing is written; so is what the rules only `check` applies
would reject with what the knowledge base holds (a date in the future, an unknown learning, an
id already used: see [`crate::check::of_new_postmortem`]), whose warnings are printed.

What the templates write under each heading is the same in every postmortem they scaffold;
[`Boilerplate`] tells it apart so that related incidents are not found by it.
*/

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::config::Config;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::Section;

/// The templates every installation has, by name.
pub const BUILTIN: [(&str, &str); 2] = [
    ("default", include_str!("default.md")),
    ("short", include_str!("short.md")),
];

/// The folder, under the root or the content folder, where a team keeps its own templates
/// (`templates/NAME.md`).
pub const TEMPLATE_DIR: &str = "templates";

/// What `hindsight new` was asked to do.
#[derive(Debug, Clone)]
pub struct NewOptions {
    pub root: PathBuf,
    pub title: String,
    /// A name (`templates/NAME.md` under the root, else a built-in one) or a path to a file.
    pub template: Option<String>,
    /// The incident's date (default: today).
    pub date: NaiveDate,
}

/// The postmortem that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The new file, under the root.
    pub path: PathBuf,
    /// The id its front matter gives it.
    pub id: String,
    /// Its status: a draft, unless the template's front matter sets another.
    pub status: crate::content::Status,
    /// Postmortems whose front matter could not be read (relative to the root), each with the
    /// id of its `id:` line when it has one: the new id is none of those.
    pub unread: Vec<(String, Option<String>)>,
    /// The file name the title gives, when `ignore` would have left it out of the site, and
    /// the pattern that would have: the file is named without the words that match it.
    pub renamed: Option<(String, String)>,
    /// The content folder, when `new` made it: there was none, so no postmortem to go beside
    /// (`new` run outside the knowledge base, or before its first postmortem).
    pub made_folder: Option<PathBuf>,
    /// What `hindsight check` will warn of in the new file and a template wrote (a `related`
    /// id that names no postmortem, say), at the file's lines.
    pub warnings: Vec<Diagnostic>,
    /// Postmortems that already have the title (any case), as (file under the root, id): the
    /// same `new` run twice, or an incident someone has already written up.
    pub same_title: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// `hindsight.toml` has errors, or the template cannot be used.
    #[error("cannot scaffold a postmortem")]
    Invalid(Vec<Diagnostic>),
    #[error("{0}")]
    Usage(String),
    /// The template's file cannot be read, or is no UTF-8 text.
    #[error("cannot read {path} as a template: {reason}")]
    Template { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes a new postmortem and says where.
pub fn run(opts: &NewOptions) -> Result<Created, NewError> {
    // A title pasted with line breaks is one line of front matter and one heading.
    let title = opts.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = title.as_str();
    if title.is_empty() {
        return Err(NewError::Usage(
            "the title is empty; say what happened, e.g. hindsight new \"Checkout failed after the payment provider rotated its key\"".into(),
        ));
    }
    let config = Config::load(&opts.root).map_err(NewError::Invalid)?;
    // A postmortem that `check` fails on from the start is no help.
    let future_is_error = config
        .check
        .rules
        .get("future-date")
        .is_none_or(|level| level == "error");
    if opts.date > crate::check::latest_date() && future_is_error {
        return Err(NewError::Usage(format!(
            "--date {} is in the future, and `hindsight check` fails on a postmortem dated after tomorrow (rule future-date); give the day the incident happened, or leave --date out for today",
            opts.date
        )));
    }
    // Ids and year folders take the year in four digits (`PM2026-001`, `postmortems/2026/`);
    // a date before 1970 is a mistyped year (`0001-01-01` would make `PM1-001`).
    if opts.date.year() < 1970 {
        return Err(NewError::Usage(format!(
            "--date {} is before 1970, surely a mistyped year (ids and year folders take it in four digits, as in PM2026-001); give the day the incident happened, or leave --date out for today",
            opts.date
        )));
    }
    // `content_dir = "."` would print `root/./2026-...md`.
    let content_dir: PathBuf = opts
        .root
        .join(&config.content_dir)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let (template_name, template) = template(&opts.root, &content_dir, opts.template.as_deref())?;
    // Every incident, drafts and internal ones too, so that the new id is taken by none.
    let diags = Diagnostics::new();
    let library = crate::content::load(
        &crate::content::LoadOptions {
            root: &opts.root,
            config: &config,
            output: &opts.root.join(&config.output_dir),
            drafts: true,
            render: false,
            keep_text: false,
            keep_source: None,
        },
        &diags,
    );
    // A postmortem with broken front matter is no incident until it is fixed, but its id is
    // still meant: take it from its `id:` line.
    let mut unread: Vec<String> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| d.rule == "yaml-invalid")
        .map(|d| d.file)
        .collect();
    unread.dedup();
    let unread: Vec<(String, Option<String>)> = unread
        .into_iter()
        .map(|f| {
            let id = std::fs::read_to_string(opts.root.join(&f))
                .ok()
                .and_then(|text| id_line(&text));
            (f, id)
        })
        .collect();
    // Postmortems that are not built (drafts that `ignore` leaves out, kept in `drafts/`, say)
    // still hold their ids and aliases. A template's placeholder is no id.
    let ignored: Vec<String> = library
        .skipped
        .iter()
        .filter_map(|rel| std::fs::read_to_string(content_dir.join(rel)).ok())
        .flat_map(|text| held_ids(&text))
        .filter(|id| !id.contains(['{', '}', '%']))
        .collect();
    let taken: Vec<&str> = library
        .incidents
        .iter()
        .flat_map(|i| std::iter::once(i.id.as_str()).chain(i.aliases.iter().map(String::as_str)))
        .chain(unread.iter().filter_map(|(_, id)| id.as_deref()))
        .chain(ignored.iter().map(String::as_str))
        .collect();
    // Titles compared as `title` is: spaces collapsed, in any case.
    let ours = title.to_lowercase();
    let same_title: Vec<(String, String)> = library
        .incidents
        .iter()
        .filter(|i| {
            i.title
                .split_whitespace()
                .map(str::to_lowercase)
                .eq(ours.split(' '))
        })
        .map(|i| (i.source.clone(), i.id.clone()))
        .collect();
    let within = folder(
        library.incidents.iter().map(|i| i.content_path.as_str()),
        opts.date,
    );
    let naming = naming(
        library
            .incidents
            .iter()
            .map(|i| (i.content_path.as_str(), i.id.as_str())),
    );
    // An id whose file would take the name of a file or a postmortem's folder already there
    // is not given: the file is named by its id, never by another number.
    let beside = content_dir.join(&within);
    let free = |title: &str, id: &str| {
        let stem = naming.stem(opts.date, id, &slug(title), title);
        !stem.contains(id) || !name_taken(&beside, &stem)
    };
    // The file's name for a title: its slug, its id (`<date>-<slug>` without a numbered scheme)
    // or the title itself, as the knowledge base names its files.
    let stem = |title: &str| {
        let slug = slug(title);
        let id = next_free_id(&taken, opts.date, &slug, &|id| free(title, id));
        naming.stem(opts.date, &id, &slug, title)
    };
    let (named, renamed) = unignored(&config, &within, &stem, title)?;
    let slug = slug(&named);
    let id = next_free_id(&taken, opts.date, &slug, &|id| free(&named, id));
    let (text, mut problems) = render(&template_name, &template, title, &id, opts.date, &config)?;
    let stem = naming.stem(opts.date, &id, &slug, &named);
    let learnings = &library.learnings;
    let checked = refused_by_config(
        &template_name,
        &template,
        &text,
        title,
        &config,
        (&within, &stem),
        &crate::check::Beside {
            ids: &taken,
            learnings,
        },
    );
    // Every problem of the template at once, in the order of its lines: one fixed per run
    // would send its author back and forth.
    let mut warnings = match checked {
        Ok(warnings) if problems.is_empty() => warnings,
        Ok(_) => return Err(NewError::Invalid(problems)),
        Err(NewError::Invalid(more)) => {
            problems.extend(more);
            problems.sort_by_key(|d| (d.line, d.column));
            problems.dedup();
            return Err(NewError::Invalid(problems));
        }
        Err(e) => return Err(e),
    };
    let folder = content_dir.join(within);
    // The content folder is the current one (an empty path) when `new` runs where the
    // postmortems are, with `content_dir = "."` or none found elsewhere: no folder is made.
    let made_folder =
        (!content_dir.as_os_str().is_empty() && !content_dir.is_dir()).then(|| content_dir.clone());
    std::fs::create_dir_all(&folder).map_err(|source| NewError::Io {
        path: folder.clone(),
        source,
    })?;
    let path = write_new(&folder, &stem, &text)?;
    // Said of the file that was written.
    let written = crate::diagnostics::rel_path(&opts.root, &path);
    for w in &mut warnings {
        w.file.clone_from(&written);
    }
    // What the file says, which is what the message reports: a template may set its own.
    let (id, status) = match stated(&text) {
        // As the loader reads it: without a status, a postmortem is published.
        Some(fm) => (
            fm.id.unwrap_or(id),
            fm.status.unwrap_or(crate::content::Status::Published),
        ),
        None => (id, crate::content::Status::Draft),
    };
    Ok(Created {
        path,
        id,
        status,
        unread,
        renamed,
        made_folder,
        warnings,
        same_title,
    })
}

/// The front matter of a postmortem's text, as the loader reads it.
fn stated(text: &str) -> Option<crate::content::frontmatter::FrontMatter> {
    use crate::content::frontmatter;
    let split = frontmatter::split(text, "").ok()?;
    let fm = frontmatter::parse_as(
        split.format,
        split.front?,
        split.front_line,
        "",
        frontmatter::INCIDENT_KEYS,
    );
    Some(fm.0)
}

/// The id and the aliases that the front matter of a file that is not built gives it, read as
/// the loader reads them; only its `id:` line when that front matter cannot be read.
fn held_ids(text: &str) -> Vec<String> {
    let fm = stated(text);
    let id = fm
        .as_ref()
        .and_then(|fm| fm.id.clone())
        .or_else(|| id_line(text));
    let aliases = fm.and_then(|fm| fm.aliases).unwrap_or_default();
    id.into_iter().chain(aliases).collect()
}

/// The value of the `id:` line of a front matter that YAML cannot read (`id = ...` in TOML
/// front matter), whatever the key's case (`ID:`), as the loader reads keys.
fn id_line(text: &str) -> Option<String> {
    static ID: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let text = text.trim_start_matches('\u{feff}');
    let fence = ["---", "+++"].into_iter().find(|f| text.starts_with(f))?;
    let front = text[3..].split(&format!("\n{fence}")).next()?;
    let re = ID.get_or_init(|| {
        Regex::new(r#"(?mi)^id[ \t]*[:=][ \t]*["']?([^"'\s#]+)"#).expect("valid regex")
    });
    re.captures(front).map(|c| c[1].to_string())
}

/// The longest slug, in bytes: file names stay far below the 255 bytes file systems allow.
const SLUG_MAX: usize = 60;

/// A slug of the title for file names and ids: at most [`SLUG_MAX`] bytes, cut at a word (a
/// first word longer than that is cut within it, at a character).
fn slug(title: &str) -> String {
    let full = slug::slugify(title);
    if full.is_empty() {
        return "incident".into();
    }
    let mut out = String::new();
    for word in full.split('-') {
        if !out.is_empty() && out.len() + 1 + word.len() > SLUG_MAX {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.len() > SLUG_MAX {
        let cut = (0..=SLUG_MAX)
            .rev()
            .find(|&i| out.is_char_boundary(i))
            .unwrap_or(0);
        out.truncate(cut);
    }
    out
}

/// How the knowledge base names its postmortems' files, as most of them are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `2026-03-14-checkout-failed.md`: the default.
    DateSlug,
    /// `PM2026-004 - Checkout failed.md`: the id, a spaced dash, the title as written.
    IdTitle,
    /// `PM2026-004-checkout-failed.md`.
    IdSlug,
    /// `PM2026-004.md`.
    IdOnly,
}

impl Naming {
    /// The file name without `.md`.
    fn stem(self, date: NaiveDate, id: &str, slug: &str, title: &str) -> String {
        match self {
            // The id when it is the date and slug (made unique: `-2`), as without a numbered
            // scheme it is: name and id agree.
            Naming::DateSlug if id.starts_with(&format!("{date}-{slug}")) => id.to_string(),
            Naming::DateSlug => format!("{date}-{slug}"),
            Naming::IdTitle => format!("{id} - {}", file_title(title)),
            Naming::IdSlug => format!("{id}-{slug}"),
            Naming::IdOnly => id.to_string(),
        }
    }
}

/// The naming more than half of the postmortems (`(path, id)`) follow, else
/// [`Naming::DateSlug`]: dfds names its files `PM2019-009 - Kubernetes network ... .md`, and a
/// new one named `2026-12-01-...md` would stand out of the listing.
fn naming<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> Naming {
    let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
    let mut total = 0;
    for (path, id) in files {
        total += 1;
        let name = path.rsplit('/').next().unwrap_or(path);
        let Some(stem) = md_stem(name) else { continue };
        let Some(rest) = stem.strip_prefix(id) else {
            continue;
        };
        let kind = if rest.is_empty() {
            Naming::IdOnly
        } else if rest.starts_with(" - ") {
            Naming::IdTitle
        } else if rest.starts_with('-') {
            Naming::IdSlug
        } else {
            continue;
        };
        *counts.entry(kind as u8).or_default() += 1;
    }
    [Naming::IdTitle, Naming::IdSlug, Naming::IdOnly]
        .into_iter()
        .find(|k| counts.get(&(*k as u8)).is_some_and(|&n| n * 2 > total))
        .unwrap_or(Naming::DateSlug)
}

/// A title as part of a file name: without the characters some file systems refuse
/// (`/ \ : * ? " < > |`) or that end a name badly (dots and spaces at the end), cut at a word
/// to 80 bytes at most. A `/`, `\` or `|` between two words keeps them apart as a `-`:
/// `DNS/TLS` is `DNS-TLS`, not a word nobody wrote.
fn file_title(title: &str) -> String {
    let chars: Vec<char> = title.chars().filter(|c| !c.is_control()).collect();
    let mut clean = String::with_capacity(title.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '/' | '\\' | '|' => {
                let between = i > 0
                    && !chars[i - 1].is_whitespace()
                    && chars.get(i + 1).is_some_and(|n| !n.is_whitespace());
                if between && !clean.ends_with('-') {
                    clean.push('-');
                }
            }
            ':' | '*' | '?' | '"' | '<' | '>' => {}
            c => clean.push(c),
        }
    }
    let words: Vec<&str> = clean.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        if !out.is_empty() && out.len() + 1 + w.len() > 80 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    let out = out.trim_end_matches(['.', ' ']).to_string();
    if out.is_empty() {
        "incident".into()
    } else {
        out
    }
}

/// A title for the new file's name (`stem(title)` and `.md` in `folder`, from the content
/// folder) that no pattern of `ignore` matches, so that the postmortem is built: the title
/// itself, else without one of its words, else without every word that a pattern matches
/// alone, else `incident`. Whatever the naming: the slug, the title as written or an id made of
/// the slug. With the name the title gives and the pattern, when that one is ignored. An error
/// when every name is ignored (a pattern matches the folder, say).
fn unignored(
    config: &Config,
    folder: &Path,
    stem: &dyn Fn(&str) -> String,
    title: &str,
) -> Result<(String, Option<(String, String)>), NewError> {
    let folder = folder.to_string_lossy().replace('\\', "/");
    let rel = |title: &str| {
        let name = format!("{}.md", stem(title));
        if folder.is_empty() {
            name
        } else {
            format!("{folder}/{name}")
        }
    };
    let Some(pattern) = crate::content::ignored_by(config, &rel(title)) else {
        return Ok((title.to_string(), None));
    };
    let words: Vec<&str> = title.split_whitespace().collect();
    let without = |keep: &dyn Fn(usize, &str) -> bool| {
        let kept: Vec<&str> = (0..words.len())
            .filter(|&i| keep(i, words[i]))
            .map(|i| words[i])
            .collect();
        kept.join(" ")
    };
    let candidates = (0..words.len())
        .map(|drop| without(&|i, _| i != drop))
        .chain(std::iter::once(without(&|_, w| {
            crate::content::ignored_by(config, &rel(w)).is_none()
        })))
        .chain(std::iter::once("incident".to_string()));
    for candidate in candidates.filter(|c| !c.trim().is_empty()) {
        if crate::content::ignored_by(config, &rel(&candidate)).is_none() {
            return Ok((
                candidate,
                Some((format!("{}.md", stem(title)), pattern.to_string())),
            ));
        }
    }
    let why = if stem(title) == stem("incident") {
        "the name does not come from the title, so no shorter title changes it".to_string()
    } else {
        format!(
            "so would the name without any one of the title's words, without the words the pattern matches, and `{}`",
            rel("incident")
        )
    };
    Err(NewError::Usage(format!(
        "`{}` would be left out of the site: it matches `{pattern}` in `ignore` of hindsight.toml; {why}; nothing was written. Change the pattern so that it leaves out no postmortem",
        rel(title)
    )))
}

fn numbered() -> &'static Regex {
    static R: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    // PREFIX, then an optional year and separator, then a number: PM2025-004, INC-2024-12,
    // SEC-0041.
    R.get_or_init(|| {
        Regex::new(r"^(?P<prefix>[A-Za-z]+[-_]?)(?:(?P<year>(?:19|20)\d\d)[-_])?(?P<num>\d+)$")
            .unwrap()
    })
}

/// The id of a new incident on `date`: the next number of the scheme most incidents follow,
/// or `<date>-<slug>` when there is none. Never one in `taken` (compared without case).
#[cfg(test)]
fn next_id(taken: &[&str], date: NaiveDate, slug: &str) -> String {
    next_free_id(taken, date, slug, &|_| true)
}

/// [`next_id`], never one that `named` says the file it names cannot have: an id is skipped
/// as a taken one is when a file or folder has the name its file would have.
fn next_free_id(
    taken: &[&str],
    date: NaiveDate,
    slug: &str,
    named: &dyn Fn(&str) -> bool,
) -> String {
    let is_taken = |id: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(id)) || !named(id);
    // (prefix, with a year) -> how many ids follow it.
    let mut schemes: BTreeMap<(String, bool), usize> = BTreeMap::new();
    for id in taken {
        if let Some(c) = numbered().captures(id) {
            *schemes
                .entry((c["prefix"].to_string(), c.name("year").is_some()))
                .or_default() += 1;
        }
    }
    let scheme = schemes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .filter(|(_, n)| 2 * n >= taken.len().max(1));
    let Some(((prefix, with_year), _)) = scheme else {
        let base = format!("{date}-{slug}");
        return (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|id| !is_taken(id))
            .expect("some suffix is free");
    };
    let year = date.year().to_string();
    // The scheme was chosen from these ids, so the width (and the separator between the year
    // and the number, as they write it) is always set by one of them.
    let (mut last, mut width, mut sep) = (0u64, 0, "-");
    for id in taken {
        let Some(c) = numbered().captures(id) else {
            continue;
        };
        if c["prefix"] != prefix || c.name("year").is_some() != with_year {
            continue;
        }
        width = width.max(c["num"].len());
        if let (Some(y), Some(num)) = (c.name("year"), c.name("num")) {
            sep = &id[y.end()..num.start()];
            if y.as_str() == year {
                last = last.max(num.as_str().parse().unwrap_or(0));
            }
        } else {
            last = last.max(c["num"].parse().unwrap_or(0));
        }
    }
    (last + 1..)
        .map(|n| {
            if with_year {
                format!("{prefix}{year}{sep}{n:0width$}")
            } else {
                format!("{prefix}{n:0width$}")
            }
        })
        .find(|id| !is_taken(id))
        .expect("some number is free")
}

/// The folder, relative to the content folder, that holds the most postmortems, where the
/// folders of one scheme of year folders (`postmortems/2021/`, `postmortems/2022/`) count as one,
/// and the new incident's year takes the year's place. The content folder itself when there are
/// none.
fn folder<'a>(paths: impl Iterator<Item = &'a str>, date: NaiveDate) -> PathBuf {
    const YEAR: &str = "\0year";
    let is_year = |part: &str| {
        part.len() == 4 && part.parse::<u16>().is_ok_and(|y| (1900..2100).contains(&y))
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in paths {
        let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
        let scheme: Vec<&str> = dir
            .split('/')
            .filter(|part| !part.is_empty())
            .map(|part| if is_year(part) { YEAR } else { part })
            .collect();
        *counts.entry(scheme.join("/")).or_default() += 1;
    }
    let Some((dir, _)) = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
    else {
        return PathBuf::new();
    };
    let year = date.year().to_string();
    dir.split('/')
        .filter(|part| !part.is_empty())
        .map(|part| if part == YEAR { year.as_str() } else { part })
        .collect()
}

/// The template's name (for messages) and text: a path as given, else `NAME.md` (or `NAME`)
/// in `templates/` under the root or under the content folder, else a built-in one.
fn template(root: &Path, content: &Path, name: Option<&str>) -> Result<(String, String), NewError> {
    let name = name.unwrap_or("default");
    let mut folders = vec![root.join(TEMPLATE_DIR), content.join(TEMPLATE_DIR)];
    folders.dedup();
    let looks_like_path = name.contains('/') || name.contains('\\') || name.ends_with(".md");
    let mut candidates = Vec::new();
    if looks_like_path {
        candidates.push(PathBuf::from(name));
    }
    for folder in &folders {
        candidates.push(folder.join(format!("{name}.md")));
        candidates.push(folder.join(name));
        // `Postmortem.MD` is the template `Postmortem` too, in any case of the extension.
        let mut other_case: Vec<PathBuf> = std::fs::read_dir(folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().and_then(|f| md_stem(f.to_str()?)) == Some(name))
            .collect();
        other_case.sort();
        candidates.extend(other_case);
    }
    for path in candidates {
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| NewError::Template {
                path: path.clone(),
                reason: if e.kind() == std::io::ErrorKind::InvalidData {
                    "it is not UTF-8 text; save it as UTF-8".into()
                } else {
                    e.to_string()
                },
            })?;
            return Ok((crate::diagnostics::rel_path(root, &path), text));
        }
    }
    if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        return Ok((format!("built-in template `{name}`"), text.to_string()));
    }
    let mut known: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    for folder in &folders {
        for e in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(stem) = md_stem(&file) {
                known.push(stem.to_string());
            }
        }
    }
    known.sort();
    known.dedup();
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut hint = format!(
        "templates are `{TEMPLATE_DIR}/NAME.md` under the root or the content folder, or a path to a file; known: {}",
        refs.join(", ")
    );
    if let Some(near) = did_you_mean(name, &refs) {
        hint = format!("did you mean `{near}`? {hint}");
    }
    Err(NewError::Usage(format!(
        "there is no template `{name}`; {hint}"
    )))
}

/// The name of a Markdown file without its extension, `.md` in any case.
fn md_stem(file: &str) -> Option<&str> {
    let cut = file.len().checked_sub(3)?;
    (file.is_char_boundary(cut) && file[cut..].eq_ignore_ascii_case(".md")).then(|| &file[..cut])
}

/// Renders a template; one with no front matter gets one. With the text, the errors of its
/// own front matter that still let it be read (see [`refused_front_matter`]), for `run` to
/// report with those of the rules that read the whole postmortem.
fn render(
    name: &str,
    template: &str,
    title: &str,
    id: &str,
    date: NaiveDate,
    config: &Config,
) -> Result<(String, Vec<Diagnostic>), NewError> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.register_filter("yaml", yaml_filter);
    tera.register_filter("toml", toml_filter);
    let fail = |e: tera::Error| {
        // A syntax error says where; a render error (an undefined variable, an unknown
        // filter) is found where the template uses what it names.
        let (message, hint) = template_error(name, &e);
        let mut d = Diagnostic::error("template", name, message);
        if let Some((line, column)) = crate::theme::error_position(&e, template) {
            d = d.at(line, column);
        }
        NewError::Invalid(vec![d.hint(hint)])
    };
    tera.add_raw_template(name, template).map_err(fail)?;
    let mut ctx = tera::Context::new();
    ctx.insert("title", title);
    ctx.insert("id", id);
    ctx.insert("date", &date.to_string());
    ctx.insert("year", &date.year());
    ctx.insert("severities", &config.severities);
    let text = tera.render(name, &ctx).map_err(fail)?;
    // A template saved with a byte-order mark, or opening with a blank line (a `{# comment #}`
    // line leaves one), still has its own front matter, which must come first in the file.
    let own = text
        .trim_start_matches('\u{feff}')
        .trim_start_matches(['\n', '\r', ' ', '\t']);
    if own.starts_with("---") || own.starts_with("+++") {
        let (problems, readable) = refused_front_matter(name, template, own, title, config)?;
        return Ok((with_title(&completed(&readable, id, date), title), problems));
    }
    let front = format!(
        "---\nid: {id}\ntitle: {}\ndate: {date}\nstatus: draft\n---\n\n",
        yaml_scalar(title)
    );
    Ok((front + &with_title(&text, title), Vec::new()))
}

/// A rendered template with its placeholder heading (`# Incident Title`, `# [Title]`: see
/// [`crate::content::template::is_placeholder_title`]) made the postmortem's title: a team's
/// template that does not write `{{ title }}` would give every page a heading "Incident Title"
/// under the title its front matter sets. Only the first H1 of the body, outside code, is
/// looked at; front matter (whose `# ` lines are comments) is passed over.
fn with_title(text: &str, title: &str) -> String {
    let mut out = String::with_capacity(text.len() + title.len());
    let (mut front, mut fenced, mut seen) = (false, false, false);
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim_end();
        let delimiter = t == "---" || t == "+++";
        if (n == 0 && delimiter) || front {
            front = (n == 0 && delimiter) || (front && !delimiter);
            out.push_str(line);
            continue;
        }
        let lead = t.trim_start();
        if lead.starts_with("```") || lead.starts_with("~~~") {
            fenced = !fenced;
        }
        match t.strip_prefix("# ") {
            Some(h) if !seen && !fenced => {
                seen = true;
                if crate::content::template::is_placeholder_title(h) {
                    out.push_str("# ");
                    out.push_str(title);
                    out.push_str(&line[t.len()..]);
                    continue;
                }
            }
            _ => {}
        }
        out.push_str(line);
    }
    out
}

/// What a template of `new` gets, for hints.
const TEMPLATE_VARIABLES: [&str; 5] = ["title", "id", "date", "year", "severities"];

/// A Tera error of template `name` in words, as the theme's are, and a hint: for a template
/// that does not parse, what Tera expected (its own excerpt, `--> 5:12 | ...`, would show the
/// line a second time under the finding's); an undefined variable with the nearest one the
/// template gets; an unknown filter, function or test.
fn template_error(name: &str, e: &tera::Error) -> (String, String) {
    use std::error::Error as _;
    let given = "templates use Tera: {{ title }}, {{ id }}, {{ date }}, {{ year }}, {{ severities }}; write {{ '{{' }} for a literal {{";
    let file = Path::new(name)
        .file_name()
        .map_or(name.into(), |f| f.to_string_lossy());
    let whole = crate::theme::describe(e);
    if let Some(expected) = whole
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("= "))
    {
        return (
            format!("`{file}` is not a valid Tera template: {expected}"),
            given.to_string(),
        );
    }
    // The innermost cause says what failed; the outer ones only where.
    let mut kinds = vec![&e.kind];
    let mut cause = e.source();
    while let Some(inner) = cause {
        if let Some(t) = inner.downcast_ref::<tera::Error>() {
            kinds.push(&t.kind);
        }
        cause = inner.source();
    }
    let docs = |what: &str| format!("see https://keats.github.io/tera/docs/#built-in-{what}");
    for kind in kinds.iter().rev() {
        match kind {
            tera::ErrorKind::FilterNotFound(f) => {
                return (
                    format!("there is no filter `{f}`"),
                    format!(
                        "the filters are `yaml`, `toml` and Tera's built-in ones ({}); {given}",
                        docs("filters")
                    ),
                )
            }
            tera::ErrorKind::FunctionNotFound(f) => {
                return (
                    format!("there is no function `{f}`"),
                    format!(
                        "Tera's built-in functions are the only ones ({}); {given}",
                        docs("functions")
                    ),
                )
            }
            tera::ErrorKind::TestNotFound(t) => {
                return (
                    format!("there is no test `{t}`"),
                    format!(
                        "Tera's built-in tests are the only ones ({}); {given}",
                        docs("tests")
                    ),
                )
            }
            _ => {}
        }
    }
    static MISSING: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let missing = MISSING
        .get_or_init(|| {
            Regex::new(r"Variable `([^`]+)` not found in context").expect("valid regex")
        })
        .captures(&whole)
        .map(|c| c[1].to_string());
    match missing {
        Some(var) => {
            let head = var.split(['.', '[']).next().unwrap_or(&var);
            let near = did_you_mean(head, &TEMPLATE_VARIABLES)
                .filter(|_| !TEMPLATE_VARIABLES.contains(&head))
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            (
                format!("the variable `{var}` is not defined"),
                format!("{near}{given}"),
            )
        }
        None => (
            whole
                .strip_prefix(&format!("Failed to render '{name}': "))
                .unwrap_or(&whole)
                .to_string(),
            given.to_string(),
        ),
    }
}

/// Whether front matter says whether the postmortem is published, as the loader reads it: a
/// `status`, or Hugo's `draft` (`draft = true` is a draft, `draft = false` is published).
fn sets_status(fm: &crate::content::frontmatter::FrontMatter) -> bool {
    fm.status.is_some() || fm.line_of("draft").is_some()
}

/// A template's rendered text whose own front matter is given the keys that `new` promises
/// and the template leaves out: `id`, `date` and `status: draft` (unless Hugo's `draft` says
/// whether it is one), in the template's format.
/// The template's keys keep their lines and order; `id` goes first, `date` and `status` after
/// the title (first too when there is no title line, or when the title's value runs over more
/// lines than are indented, such as a TOML multi-line string).
fn completed(text: &str, id: &str, date: NaiveDate) -> String {
    use crate::content::frontmatter::{self, Format};
    let (Ok(split), Some(fm)) = (frontmatter::split(text, ""), stated(text)) else {
        return text.to_string();
    };
    let (format, front_line) = (split.format, split.front_line);
    let set = |key: &str, yaml: String, toml: String| match format {
        Format::Yaml => format!("{key}: {yaml}\n"),
        Format::Toml => format!("{key} = {toml}\n"),
    };
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut first = String::new();
    if fm.line_of("id").is_none() {
        first = set("id", yaml_scalar(id), quoted(id));
    }
    let mut later = String::new();
    if fm.line_of("date").is_none() {
        later += &set("date", date.to_string(), date.to_string());
    }
    if !sets_status(&fm) {
        later += &set("status", "draft".into(), quoted("draft"));
    }
    if first.is_empty() && later.is_empty() {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // Lines are counted from 1; the front matter's first line is `front_line`.
    let insert = |after_title: Option<usize>| {
        let mut out = String::with_capacity(text.len() + first.len() + later.len());
        for (i, l) in lines.iter().enumerate() {
            let line = i + 1;
            if line == front_line {
                out += &first;
                if after_title.is_none() {
                    out += &later;
                }
            }
            if Some(line) == after_title {
                out += &later;
            }
            out += l;
        }
        out
    };
    // After the title's line and the indented lines that continue its value.
    let after_title = fm.line_of("title").map(|line| {
        let mut next = line + 1;
        while lines
            .get(next - 1)
            .is_some_and(|l| l.starts_with([' ', '\t']))
        {
            next += 1;
        }
        next
    });
    let expected = |text: &str| {
        stated(text)
            .is_some_and(|f| f.id.is_some() && f.line_of("date").is_some() && sets_status(&f))
    };
    let placed = insert(after_title);
    if expected(&placed) {
        return placed;
    }
    insert(None)
}

/// The front matter that template `name` rendered into `text` for `title`, read as the loader
/// reads a postmortem's: the errors `hindsight check` would report of it (at the levels
/// `[check.rules]` sets), each at the template's line that wrote it. A value written without
/// the `yaml` filter breaks YAML as soon as the title holds `: ` or `#`. Such a value is then
/// quoted, as the hint says to, and the front matter read again, so that the template's other
/// problems are told in the same run rather than one run at a time. Returns the errors and the
/// text with those values quoted, for the rules read from the whole postmortem; an error when
/// the front matter cannot be read even so.
fn refused_front_matter(
    name: &str,
    template: &str,
    text: &str,
    title: &str,
    config: &Config,
) -> Result<(Vec<Diagnostic>, String), NewError> {
    use crate::content::frontmatter;
    let blocking = |d: &Diagnostic| {
        d.level == crate::diagnostics::Level::Error
            && config
                .check
                .rules
                .get(d.rule)
                .is_none_or(|level| level == "error")
    };
    let mut text = text.to_string();
    let mut problems: Vec<Diagnostic> = Vec::new();
    // The line quoted last: a value quoted there that YAML still fails on at or before it is
    // no value of a placeholder, and quoting more would only report its error again.
    let mut quoted = 0;
    loop {
        let (format, found) = match frontmatter::split(&text, name) {
            Err(d) => (frontmatter::Format::default(), vec![d]),
            Ok(split) => match split.front {
                Some(front) => (
                    split.format,
                    frontmatter::parse_as(
                        split.format,
                        front,
                        split.front_line,
                        name,
                        frontmatter::INCIDENT_KEYS,
                    )
                    .1,
                ),
                None => (split.format, Vec::new()),
            },
        };
        let unread = found
            .iter()
            .find(|d| d.rule == "yaml-invalid" && blocking(d))
            .cloned();
        if unread.as_ref().is_some_and(|d| d.line <= quoted) {
            return Err(NewError::Invalid(problems));
        }
        problems.extend(
            found
                .into_iter()
                .filter(blocking)
                .map(|d| at_template_line(d, template, &text, title, format)),
        );
        let Some(unread) = unread else {
            return Ok((problems, text));
        };
        match with_value_quoted(&text, unread.line, template, format) {
            Some(readable) => {
                text = readable;
                quoted = unread.line;
            }
            None => return Err(NewError::Invalid(problems)),
        }
    }
}

/// `text` with the value of its front matter's `line` quoted, as the template's filter would
/// quote it, when the template writes that line's key with a placeholder the filter does not
/// quote (`title: {{ title }}`); `None` otherwise.
fn with_value_quoted(
    text: &str,
    line: usize,
    template: &str,
    format: crate::content::frontmatter::Format,
) -> Option<String> {
    use crate::content::frontmatter::Format;
    let rendered = text.lines().nth(line.checked_sub(1)?)?;
    key_line(template, rendered, format)?.1?;
    let (key, value) = rendered.split_once(separator(format))?;
    let (key, value) = (key.trim_end(), value.trim());
    let quoted = match format {
        Format::Yaml => format!("{key}: {}", yaml_scalar(value)),
        Format::Toml => format!("{key} = {}", toml::Value::String(value.to_string())),
    };
    let mut out = String::with_capacity(text.len() + 2);
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            out += &quoted;
            out += &l[l.trim_end_matches(['\n', '\r']).len()..];
        } else {
            out += l;
        }
    }
    Some(out)
}

/// The errors `hindsight check` would report of the front matter of `text`, the postmortem
/// that template `name` rendered for `title`, that only the site's configuration tells (a
/// severity off the configured scale, an id a URL cannot hold, an action item's due date that
/// is no date): the postmortem is read by the loader, as every postmortem is, from a copy in a
/// temporary folder at the place it is to be written (`within` the content folder, named
/// `stem`), with `config`. Findings of loading in the body are not the template's to fix
/// first: it is the author's text to fill in. Then the rules only `check` applies, with what
/// the knowledge base holds, `beside` ([`crate::check::of_new_postmortem`]: a date in the
/// future, an unknown learning, ...). Each error is moved to the template's line that wrote
/// it; the warnings of those rules are returned, for `new` to print.
fn refused_by_config(
    name: &str,
    template: &str,
    text: &str,
    title: &str,
    config: &Config,
    (within, stem): (&Path, &str),
    beside: &crate::check::Beside,
) -> Result<Vec<Diagnostic>, NewError> {
    use crate::content::frontmatter;
    let Ok(split) = frontmatter::split(text, name) else {
        return Ok(Vec::new());
    };
    let Some(front) = split.front else {
        return Ok(Vec::new());
    };
    let last_line = split.front_line + front.lines().count();
    let format = split.format;
    let tmp = tempfile::tempdir().map_err(|source| NewError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let folder = tmp.path().join(&config.content_dir).join(within);
    let path = folder.join(format!("{stem}.md"));
    std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|source| NewError::Io {
            path: path.clone(),
            source,
        })?;
    let diags = Diagnostics::new();
    let library = crate::content::load(
        &crate::content::LoadOptions {
            root: tmp.path(),
            config,
            output: &tmp.path().join(&config.output_dir),
            drafts: true,
            render: false,
            keep_text: false,
            keep_source: None,
        },
        &diags,
    );
    let file = crate::diagnostics::rel_path(tmp.path(), &path);
    // The rules only `check` applies, with what the knowledge base holds; at the configured
    // levels, and silenced by the template's allow comments as `check` silences them.
    let found = library
        .incidents
        .iter()
        .filter(|inc| inc.source == file)
        .flat_map(|inc| crate::check::of_new_postmortem(inc, beside, &config.check.required))
        .collect();
    let (checked, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        crate::check::as_configured(found, tmp.path(), &config.check.rules)
            .into_iter()
            .filter(|d| d.level != crate::diagnostics::Level::Info)
            .partition(|d| d.level == crate::diagnostics::Level::Error);
    let blocking = |d: &Diagnostic| {
        d.level == crate::diagnostics::Level::Error
            && config
                .check
                .rules
                .get(d.rule)
                .is_none_or(|level| level == "error")
    };
    let mut problems: Vec<Diagnostic> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| d.file == file && d.line >= 1 && d.line <= last_line && blocking(d))
        .chain(checked)
        .map(|mut d| {
            d.file = name.to_string();
            at_template_line(d, template, text, title, format)
        })
        .collect();
    problems.dedup();
    if problems.is_empty() {
        Ok(warnings)
    } else {
        Err(NewError::Invalid(problems))
    }
}

/// `key: value` in YAML, `key = value` in TOML.
fn separator(format: crate::content::frontmatter::Format) -> char {
    match format {
        crate::content::frontmatter::Format::Yaml => ':',
        crate::content::frontmatter::Format::Toml => '=',
    }
}

/// The line of `template` (from 0) that sets the key of the `rendered` line of front matter
/// written in `format`, with the first placeholder of that line that the format's filter
/// (`yaml`, `toml`) does not quote: where it starts (a byte offset) and its expression.
/// `None` for a rendered line of no key (an item of a list), or a key no line sets.
fn key_line(
    template: &str,
    rendered: &str,
    format: crate::content::frontmatter::Format,
) -> Option<(usize, Option<(usize, String)>)> {
    use crate::content::frontmatter::Format;
    static PLACEHOLDER: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let filter = match format {
        Format::Yaml => "yaml",
        Format::Toml => "toml",
    };
    let key = rendered.split(separator(format)).next()?.trim_end();
    if key.is_empty() || key.starts_with([' ', '\t', '-', '#', '[']) {
        return None;
    }
    let sets_key = |l: &str| {
        l.strip_prefix(key).is_some_and(|r| match format {
            Format::Yaml => r.starts_with(':'),
            Format::Toml => r.trim_start().starts_with('='),
        })
    };
    let i = template.lines().position(sets_key)?;
    let l = template.lines().nth(i).unwrap_or("");
    let placeholder = PLACEHOLDER
        .get_or_init(|| Regex::new(r"\{\{-?\s*(.*?)\s*-?\}\}").expect("valid regex"))
        .captures_iter(l)
        .find(|c| !c[1].replace(' ', "").contains(&format!("|{filter}")))
        .map(|c| (c.get(0).expect("whole match").start(), c[1].to_string()));
    Some((i, placeholder))
}

/// A finding about the rendered front matter `text`, written in `format`, moved to the line of
/// `template` that wrote the rendered line (the one that sets the same key), with what to
/// write instead, in that format.
fn at_template_line(
    d: Diagnostic,
    template: &str,
    text: &str,
    title: &str,
    format: crate::content::frontmatter::Format,
) -> Diagnostic {
    use crate::content::frontmatter::Format;
    let rendered = text.lines().nth(d.line.saturating_sub(1)).unwrap_or("");
    let sep = separator(format);
    // A finding of the text after the front matter (a learning mark that names no canonical
    // learning) is at the template's line that reads as the rendered one.
    let front_end = crate::content::frontmatter::split(text, "")
        .ok()
        .and_then(|s| Some(s.front_line + s.front?.lines().count()));
    if front_end.is_some_and(|end| d.line > end) {
        let line = template
            .lines()
            .position(|l| l == rendered)
            .map_or(d.line, |i| i + 1);
        return Diagnostic::error(
            "template",
            &d.file,
            format!(
                "for the title \"{title}\", this template writes text that `hindsight check` rejects ({}); nothing was written",
                d.message
            ),
        )
        .at(line, d.column)
        .hint(d.hint.clone());
    }
    let key = rendered.split(sep).next().unwrap_or("").trim_end();
    let (line, column, placeholder) = match key_line(template, rendered, format) {
        // A finding of the key itself (an unknown key) is where `check` puts it: at the key,
        // which the template writes as the rendered line has it. Invalid YAML is at the
        // value that the template's placeholder wrote, whose quoting the hint says.
        Some((i, _)) if d.rule != "yaml-invalid" && d.column <= key.chars().count() => {
            (i + 1, d.column, None)
        }
        Some((i, placeholder)) => {
            let l = template.lines().nth(i).unwrap_or("");
            match placeholder {
                Some((at, expr)) => (i + 1, l[..at].chars().count() + 1, Some(expr)),
                // No placeholder: the value as written (`severity: SEV9`).
                None => {
                    let value = l.find(sep).map_or(0, |at| {
                        let rest = &l[at + 1..];
                        at + 1 + rest.len() - rest.trim_start().len()
                    });
                    let value = if value >= l.trim_end().len() {
                        0
                    } else {
                        value
                    };
                    (i + 1, l[..value].chars().count() + 1, None)
                }
            }
        }
        // A line of no key (an item of a list): the template's that reads as it.
        None => match template.lines().position(|l| l == rendered) {
            Some(i) => (i + 1, d.column, None),
            None => (d.line, d.column, None),
        },
    };
    let what = if d.rule == "yaml-invalid" {
        let invalid = match format {
            Format::Yaml => "invalid YAML front matter",
            Format::Toml => "invalid TOML front matter",
        };
        d.message
            .strip_prefix(&format!("{invalid}: "))
            .map(|m| format!("{invalid} ({m})"))
            .unwrap_or_else(|| d.message.clone())
    } else {
        format!(
            "front matter that `hindsight check` rejects ({})",
            d.message
        )
    };
    let hint = match placeholder {
        Some(expr) if d.rule == "yaml-invalid" && format == Format::Toml => format!(
            "quote the value: write `{key} = {{{{ {expr} | toml }}}}`, which quotes and escapes it as TOML needs; \
             `{key} = \"{{{{ {expr} }}}}\"` breaks on a title with a `\"`"
        ),
        Some(expr) if d.rule == "yaml-invalid" => format!(
            "quote the value: write `{key}: {{{{ {expr} | yaml }}}}`, which quotes it whenever YAML needs it (a `: `, a ` #`, a leading `[`, `{{`, `*`, `&` or quote); \
             `{key}: \"{{{{ {expr} }}}}\"` breaks on a title with a `\"`"
        ),
        _ => d.hint.clone(),
    };
    Diagnostic::error(
        "template",
        &d.file,
        format!("for the title \"{title}\", this template writes {what}; nothing was written"),
    )
    .at(line, column)
    .hint(hint)
}

/// A string as one YAML scalar, quoted only when it has to be.
fn yaml_scalar(s: &str) -> String {
    let plain = serde_yaml::to_string(s).unwrap_or_default();
    plain.trim_end_matches('\n').to_string()
}

fn yaml_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(yaml_scalar(&filtered_text(value))))
}

/// What a quoting filter quotes: a text as it is, any other value as JSON writes it.
fn filtered_text(value: &tera::Value) -> String {
    match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as one TOML string, quoted and escaped: `{{ title | toml }}`.
fn toml_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(
        toml::Value::String(filtered_text(value)).to_string(),
    ))
}

/// Whether a postmortem in `folder` has the name `stem` already: a file `<stem>.md` (or
/// `.markdown`, `.MD`), or a folder `<stem>/` whose Markdown file only says what it is (`index.md`,
/// `README.md`, ...), which the loader names by its folder (see
/// [`crate::content::naming`]). A folder of anything else (a postmortem's images, say) does
/// not take the name.
fn name_taken(folder: &Path, stem: &str) -> bool {
    if [".md", ".markdown", ".MD"]
        .iter()
        .any(|ext| folder.join(format!("{stem}{ext}")).exists())
    {
        return true;
    }
    std::fs::read_dir(folder.join(stem)).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let file = e.file_name();
            let path = format!("{stem}/{}", file.to_string_lossy());
            crate::content::naming(&path) == (stem, true) && e.path().is_file()
        })
    })
}

/// Creates `<folder>/<stem>.md`, or `<stem>-2.md` and so on when the name is taken (by a file,
/// or a postmortem's folder: see [`name_taken`]); never replaces a file.
fn write_new(folder: &Path, stem: &str, text: &str) -> Result<PathBuf, NewError> {
    use std::io::Write as _;
    for n in 1.. {
        let path = if n == 1 {
            folder.join(format!("{stem}.md"))
        } else {
            folder.join(format!("{stem}-{n}.md"))
        };
        let name = if n == 1 {
            stem.to_string()
        } else {
            format!("{stem}-{n}")
        };
        if name_taken(folder, &name) {
            continue;
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|source| NewError::Io {
                        path: path.clone(),
                        source,
                    })?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(NewError::Io { path, source }),
        }
    }
    unreachable!("some file name is free")
}

/// The text that the templates of `hindsight new` write under each heading: the same in every
/// postmortem they scaffold, so it says nothing about any incident. Full-text similarity of
/// related incidents leaves it out (see `learnings::analyse`); otherwise a fresh draft, still
/// all template, reads like every postmortem with the same headings and table headers.
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    /// Normalised heading ([`crate::content::derive::normalise_title`]) -> the texts the
    /// templates put under it, whitespace collapsed, longest first ("" for a heading over
    /// only a comment).
    sections: BTreeMap<String, Vec<String>>,
    /// The length of the longest of those texts.
    longest: usize,
}

impl Boilerplate {
    /// The boilerplate of the built-in templates and of the team's own, `templates/*.md` under
    /// the root or the content folder. A template that does not render is read as written.
    pub fn load(root: &Path, content: &Path, config: &Config) -> Self {
        let mut texts: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut folders = vec![root.join(TEMPLATE_DIR), content.join(TEMPLATE_DIR)];
        folders.dedup();
        // A template that a symbolic link leads out of the folders Hindsight reads is not read
        // (see `crate::confine`); it only takes its boilerplate out of the similarity of
        // related incidents, and nothing of it is published.
        let areas = crate::confine::Areas::new(root, config);
        for folder in &folders {
            let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
                .filter(|p| areas.outside(p).is_none())
                .collect();
            files.sort();
            for path in files {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push((path.display().to_string(), text));
                }
            }
        }
        // Any fixed values: what they fill in is the incident's own, not boilerplate.
        let date = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
        Self::from_templates(texts.iter().map(|(name, text)| {
            match render(name, text, "", "", date, config) {
                Ok((rendered, problems)) if problems.is_empty() => rendered,
                _ => text.clone(),
            }
        }))
    }

    /// The boilerplate of these templates, as rendered (front matter and all).
    pub fn from_templates(templates: impl IntoIterator<Item = String>) -> Self {
        let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let reader = crate::markdown::Standalone::new("", &[]);
        for text in templates {
            let body = match crate::content::frontmatter::split(&text, "") {
                Ok(split) => split.body,
                Err(_) => continue,
            };
            for sec in reader.read(body, 1).sections {
                let texts = sections
                    .entry(crate::content::derive::normalise_title(&sec.title))
                    .or_default();
                texts.push(collapse(&sec.text));
            }
        }
        for texts in sections.values_mut() {
            texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            texts.dedup();
        }
        let longest = sections
            .values()
            .flatten()
            .map(String::len)
            .max()
            .unwrap_or(0);
        Boilerplate { sections, longest }
    }

    /// The text of `sec` that no template wrote: its text without the first template text for
    /// its heading found in it, as a whole run of words.
    pub fn own_text<'s>(&self, sec: &'s Section) -> Cow<'s, str> {
        match self.heading(sec) {
            Some(texts) => Self::own_text_under(sec, texts),
            None => Cow::Borrowed(&sec.text),
        }
    }

    /// [`Self::own_text`] and [`Self::is_unfilled`] of `sec` at once: the heading is looked up
    /// and the text searched once for both.
    pub fn read<'s>(&self, sec: &'s Section) -> (Cow<'s, str>, bool) {
        match self.heading(sec) {
            Some(texts) => {
                let own = Self::own_text_under(sec, texts);
                let unfilled = own.trim().is_empty();
                (own, unfilled)
            }
            None => (Cow::Borrowed(&sec.text), false),
        }
    }

    /// [`Self::own_text`] of `sec`, whose heading is a template's with these `texts`.
    fn own_text_under<'s>(sec: &'s Section, texts: &[String]) -> Cow<'s, str> {
        if texts.iter().all(String::is_empty) {
            return Cow::Borrowed(&sec.text);
        }
        let text = collapse(&sec.text);
        for t in texts.iter().filter(|t| !t.is_empty()) {
            let whole = |at: usize| {
                let before = text[..at].chars().next_back();
                let after = text[at + t.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            };
            if let Some((at, _)) = text.match_indices(t.as_str()).find(|(at, _)| whole(*at)) {
                let rest = format!("{} {}", &text[..at], &text[at + t.len()..]);
                return Cow::Owned(rest.trim().to_string());
            }
        }
        Cow::Borrowed(&sec.text)
    }

    /// Whether a template wrote `text` (a derived summary, a learning or an action item that
    /// is a template's placeholder): it is a whole run of words of a template's text.
    pub fn wrote(&self, text: &str) -> bool {
        // Most texts have more letters than any template's text, and need no closer look.
        if text.split_whitespace().map(str::len).sum::<usize>() > self.longest {
            return false;
        }
        let text = collapse(text);
        !text.is_empty()
            && self.sections.values().flatten().any(|t| {
                t.match_indices(text.as_str()).any(|(at, _)| {
                    !t[..at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
                        && !t[at + text.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                })
            })
    }

    /// Whether `sec` is a template's heading with nothing of its own under it: its heading says
    /// nothing about the incident either.
    pub fn is_unfilled(&self, sec: &Section) -> bool {
        self.read(sec).1
    }

    fn heading(&self, sec: &Section) -> Option<&Vec<String>> {
        if self.sections.is_empty() {
            return None;
        }
        self.sections
            .get(&crate::content::derive::normalise_title(&sec.title))
    }
}

/// `text` with every run of whitespace one space, and none at either end.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_next_id_continues_the_numbering_of_the_year_and_starts_a_new_year_at_one() {
        let taken = ["PM2025-003", "PM2025-004", "PM2024-007"];
        assert_eq!(next_id(&taken, day("2025-12-01"), "x"), "PM2025-005");
        assert_eq!(next_id(&taken, day("2026-01-02"), "x"), "PM2026-001");
    }

    #[test]
    fn the_next_id_follows_numbers_without_a_year_and_keeps_their_width() {
        let taken = ["INC-0041", "INC-0007", "a-stray-file-name"];
        assert_eq!(next_id(&taken, day("2026-01-02"), "x"), "INC-0042");
        let taken = ["INC-2024-12", "INC-2024-9"];
        assert_eq!(next_id(&taken, day("2024-03-01"), "x"), "INC-2024-13");
        // The separator is the one of the scheme followed, not of the first id.
        let taken = ["INC-2024-9", "OPS_2024_3", "OPS_2024_4"];
        assert_eq!(next_id(&taken, day("2024-03-01"), "x"), "OPS_2024_5");
    }

    #[test]
    fn without_a_numbering_scheme_the_id_is_the_date_and_slug_made_unique() {
        let taken = [
            "2026-01-02-db-failover",
            "checkout-outage",
            "2026-01-02-db-failover-2",
        ];
        assert_eq!(
            next_id(&taken, day("2026-01-02"), "db-failover"),
            "2026-01-02-db-failover-3"
        );
        assert_eq!(next_id(&[], day("2026-01-02"), "x"), "2026-01-02-x");
    }

    #[test]
    fn a_new_postmortem_goes_where_most_are_and_into_its_own_year_folder() {
        let paths = ["postmortems/a.md", "postmortems/b.md", "old/c.md"];
        assert_eq!(
            folder(paths.into_iter(), day("2026-01-02")),
            PathBuf::from("postmortems")
        );
        let paths = ["pm/2024/a.md", "pm/2024/b.md", "pm/2025/c.md"];
        assert_eq!(
            folder(paths.into_iter(), day("2026-01-02")),
            PathBuf::from("pm/2026")
        );
        // Year folders count together: three years of three beat one folder of five.
        let paths = [
            "postmortems/2021/a.md",
            "postmortems/2021/b.md",
            "postmortems/2021/c.md",
            "postmortems/2022/a.md",
            "postmortems/2022/b.md",
            "postmortems/2022/c.md",
            "postmortems/2023/a.md",
            "postmortems/2023/b.md",
            "postmortems/2023/c.md",
            "legacy/a.md",
            "legacy/b.md",
            "legacy/c.md",
            "legacy/d.md",
            "legacy/e.md",
        ];
        assert_eq!(
            folder(paths.into_iter(), day("2025-03-03")),
            PathBuf::from("postmortems/2025")
        );
        assert_eq!(
            folder(std::iter::empty(), day("2026-01-02")),
            PathBuf::new()
        );
        assert_eq!(
            folder(["a.md", "b.md"].into_iter(), day("2026-01-02")),
            PathBuf::new()
        );
    }

    #[test]
    fn a_slash_between_two_words_of_a_title_keeps_them_apart_in_the_file_name() {
        assert_eq!(
            file_title("Café 🔥 outage: DNS/TLS broke \"again\""),
            "Café 🔥 outage DNS-TLS broke again"
        );
        assert_eq!(file_title("a/b\\c|d"), "a-b-c-d");
        assert_eq!(
            file_title("carts // sessions / lost"),
            "carts sessions lost"
        );
        assert_eq!(file_title("/etc full"), "etc full");
    }

    #[test]
    fn long_titles_make_slugs_cut_at_a_word() {
        let s = slug("Checkout failed for every customer in every region after the payment provider rotated its signing key");
        assert!(s.len() <= 60 && !s.ends_with('-'), "{s}");
        assert!(s.starts_with("checkout-failed-for-every-customer"));
        assert_eq!(slug("!!!"), "incident");
    }

    #[test]
    fn a_template_error_is_placed_where_the_template_uses_what_failed() {
        let at = |template: &str| match render(
            "t.md",
            template,
            "T",
            "PM1",
            day("2026-01-02"),
            &Config::default(),
        ) {
            Err(NewError::Invalid(ds)) => (ds[0].line, ds[0].column),
            other => panic!("{template:?} rendered: {other:?}"),
        };
        // A syntax error: where tera's parser stopped.
        assert_eq!(at("# {{ title }}\n\n{{ oops }\n"), (3, 9));
        // An undefined variable: its use in a tag, not in a comment, a string or a raw block,
        // and not an attribute of the same name.
        let template =
            "{# oops #}{{ 'oops' }}{% raw %}{{ oops }}{% endraw %}\n{{ id.oops }}\n  {{ oops }}\n";
        assert_eq!(at(template), (2, 4));
        let template = "{{ title }}\n{{ title }}\n  {{ oops }}\n";
        assert_eq!(at(template), (3, 6));
        assert_eq!(at("x\n{{ incident.owner }}\n"), (2, 4));
        let template = "{% set incident = 1 %}{{ incident }}\n{{ incident.owner }}\n";
        assert_eq!(at(template), (2, 4));
        // An unknown filter, function or test, a missing included template.
        assert_eq!(at("x\n{{ title | upper | nope }}\n"), (2, 20));
        assert_eq!(at("x\n{{ nope(a=1) }}\n"), (2, 4));
        assert_eq!(at("x\n{% if title is nope %}y{% endif %}\n"), (2, 16));
        assert_eq!(at("x\n{% include \"other.md\" %}\n"), (2, 13));
    }

    #[test]
    fn a_template_error_says_what_failed_once_in_words_with_the_nearest_variable() {
        let error = |template: &str| match render(
            "templates/t.md",
            template,
            "T",
            "PM1",
            day("2026-01-02"),
            &Config::default(),
        ) {
            Err(NewError::Invalid(ds)) => (ds[0].message.clone(), ds[0].hint.clone()),
            other => panic!("{template:?} rendered: {other:?}"),
        };
        // Tera's own excerpt of the line (`--> 3:9`, `^---`) is not in the message: the
        // finding shows the line under it.
        let (message, _) = error("# {{ title }}\n\n{{ oops }\n");
        assert!(
            message.starts_with("`t.md` is not a valid Tera template: expected ")
                && !message.contains("-->")
                && !message.contains("^---"),
            "{message}"
        );
        let (message, hint) = error("# {{ titel }}\n");
        assert_eq!(message, "the variable `titel` is not defined");
        assert!(hint.starts_with("did you mean `title`? "), "{hint}");
        let (message, hint) = error("# {{ title | shout }}\n");
        assert_eq!(message, "there is no filter `shout`");
        assert!(hint.contains("`yaml`, `toml`"), "{hint}");
    }

    #[test]
    fn a_title_that_yaml_would_misread_is_quoted() {
        assert_eq!(yaml_scalar("Plain title"), "Plain title");
        let quoted = yaml_scalar("DNS: the usual suspect #2");
        let back: String = serde_yaml::from_str(&quoted).unwrap();
        assert_eq!(back, "DNS: the usual suspect #2");
    }

    #[test]
    fn what_the_author_added_under_a_template_heading_is_their_own_text_and_the_rest_is_not() {
        let b = Boilerplate::from_templates([BUILTIN[0].1.to_string()]);
        let read = |body: &str| {
            crate::markdown::Standalone::new("", &[])
                .read(body, 1)
                .sections
        };
        let filled = read(
            "## Timeline\n\nAll times are UTC.\n\n| Time | Event |\n|---|---|\n| 14:05 | Disk full |\n",
        );
        assert_eq!(b.own_text(&filled[0]), "14:05 | Disk full |");
        assert!(!b.is_unfilled(&filled[0]));
        let fresh = read("## Timeline\n\nAll times are UTC.\n\n| Time | Event |\n|---|---|\n\n## What went well\n");
        assert!(b.is_unfilled(&fresh[0]) && b.is_unfilled(&fresh[1]));
        // A heading no template has is the author's, filled or not; so is a changed sentence.
        let own = read("## Customer calls\n\n## Timeline\n\nAll times are CET.\n");
        assert!(!b.is_unfilled(&own[0]));
        assert_eq!(b.own_text(&own[1]).trim(), "All times are CET.");
        assert!(b.wrote("All times are UTC.") && b.wrote("times are"));
        assert!(!b.wrote("All times are UTC. Disk full") && !b.wrote("imes are"));
    }

    #[test]
    fn the_id_line_of_front_matter_that_cannot_be_read_is_found_whatever_the_case_of_its_key() {
        for text in [
            "---\nid: PM2025-004\ntitle: a: b\n---\n",
            "---\nID: PM2025-004\ntitle: a: b\n---\n",
            "+++\nId = \"PM2025-004\"\ntitle = x\n+++\n",
        ] {
            assert_eq!(id_line(text).as_deref(), Some("PM2025-004"), "{text}");
        }
    }
}
