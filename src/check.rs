/*!
`hindsight check`: the gate CI runs on every pull request.

It loads the knowledge base and the theme exactly as `build` does ([`crate::load_site`],
[`crate::theme::load`]), renders pages of every kind into memory to try the theme
([`crate::render::probe`]), writes nothing, and adds the rules that only matter to a reviewer:
dates in the future or out of order, required fields, broken links and anchors, missing
images, postmortems that will not be built, missing learnings, action items without owners,
near-duplicate learnings, blaming language, derived fields and, with a baseline sitemap,
published URLs that would disappear. (What loading finds, such as an unknown severity, is
reported by `build` too, and so are links, anchors and images that lead nowhere, as warnings:
[`broken_links`].)

Every rule has an id and a default level ([`RULES`]); `[check.rules]` in hindsight.toml changes
the level of any rule that is not locked (the locked ones are those `build` cannot get past).
One finding is silenced by an HTML comment `<!-- hindsight: allow RULE -->` on its line or on
the line before. The reference for every rule is docs/check.md.
*/

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use regex::Regex;

use crate::config::{CheckConfig, Config};
use crate::content::{derive, frontmatter, CanonicalLearning, Incident, SpecialPage, Status};
use crate::diagnostics::{did_you_mean, line_col, rel_path, Diagnostic, Level};
use crate::markdown::LinkKind;
use crate::render::Published;
use crate::Site;

/// A rule: its id, its default level and what it catches (one line, for `--help`-like lists).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    /// Locked rules are always errors: `build` cannot produce a correct site while they fire.
    pub locked: bool,
    pub catches: &'static str,
}

const fn rule_def(id: &'static str, level: Level, locked: bool, catches: &'static str) -> Rule {
    Rule {
        id,
        level,
        locked,
        catches,
    }
}

use Level::{Error as E, Info as I, Warning as W};

/// Every rule, in the order of docs/check.md.
pub const RULES: &[Rule] = &[
    rule_def("config", E, true, "hindsight.toml is invalid"),
    rule_def(
        "relative-feeds",
        W,
        false,
        "`build` without an absolute `base_url`: the feed and sitemap hold URLs without a host",
    ),
    rule_def(
        "vocabulary",
        W,
        false,
        "a line of the team's concept vocabulary cannot be used",
    ),
    rule_def(
        "io",
        E,
        true,
        "a file cannot be read, or a symbolic link is broken or loops",
    ),
    rule_def(
        crate::confine::RULE,
        E,
        true,
        "a symbolic link (or a path in hindsight.toml) that leads outside the site root, the content folder and the theme",
    ),
    rule_def(
        "content-missing",
        E,
        true,
        "the content folder does not exist",
    ),
    rule_def(
        "no-postmortems",
        W,
        false,
        "the content folder holds Markdown files but no postmortem, so the site has no incident",
    ),
    rule_def(
        "theme",
        E,
        true,
        "a template of the theme does not compile, or fails to render a page",
    ),
    rule_def(
        "encoding",
        W,
        false,
        "a file is not valid UTF-8, or is UTF-16 or UTF-32",
    ),
    rule_def(
        "shallow-history",
        W,
        false,
        "undated postmortems in a shallow clone, whose history could have dated them",
    ),
    rule_def(
        "empty-file",
        W,
        false,
        "a Markdown file with no text and nothing set in its front matter, which is not built",
    ),
    rule_def(
        "postmortem-template",
        W,
        false,
        "a postmortem template (placeholders, no date), which is not built",
    ),
    rule_def(
        "control-character",
        W,
        false,
        "a control character no web page, feed or sitemap may hold",
    ),
    rule_def(
        "yaml-invalid",
        E,
        true,
        "front matter is not valid YAML (or TOML, between `+++` lines)",
    ),
    rule_def("unknown-key", E, false, "an unknown front-matter key"),
    rule_def(
        "duplicate-key",
        E,
        false,
        "a front-matter key written twice in two cases (`title` and `Title`)",
    ),
    rule_def(
        "hugo-key",
        I,
        false,
        "Hugo front-matter keys that Hindsight accepts and does not use",
    ),
    rule_def(
        "wrong-type",
        E,
        true,
        "a front-matter value of the wrong type",
    ),
    rule_def(
        "colon-in-text",
        W,
        false,
        "an unquoted learning or action item holding `: `, which YAML reads as a key",
    ),
    rule_def(
        "empty-item",
        W,
        false,
        "an empty text in a front-matter list (`tags: [\"\", ok]`), which is left out",
    ),
    rule_def("bad-date", E, false, "a date or time that cannot be read"),
    rule_def("unknown-status", E, true, "an unknown status"),
    rule_def("unsafe-id", E, true, "an id that cannot be a URL segment"),
    rule_def(
        "duplicate-id",
        E,
        true,
        "two postmortems with the same id, or one file reached twice through a link",
    ),
    rule_def(
        "unknown-learning",
        E,
        false,
        "a citation of a canonical learning that does not exist",
    ),
    rule_def(
        "unknown-severity",
        E,
        false,
        "a severity that is not in the configured scale",
    ),
    rule_def(
        "path-step",
        W,
        false,
        "a step of the reading path that names no postmortem or learning, or an unpublished postmortem",
    ),
    rule_def("future-date", E, false, "a date or time in the future"),
    rule_def(
        "time-order",
        E,
        false,
        "detected or resolved before the incident started",
    ),
    rule_def(
        "required-field",
        E,
        false,
        "a field that `[check] required` asks for is missing",
    ),
    rule_def(
        "broken-link",
        E,
        false,
        "a link inside the site (relative, or from the site root) that leads nowhere",
    ),
    rule_def(
        "broken-anchor",
        W,
        false,
        "a link to a section that does not exist",
    ),
    rule_def(
        "heading-id",
        W,
        false,
        "a heading id written in the text that another heading, a footnote or raw HTML has",
    ),
    rule_def(
        "link-to-unpublished",
        W,
        false,
        "a link to a draft or internal postmortem",
    ),
    rule_def(
        "unknown-related",
        W,
        false,
        "a `related` id that names no other postmortem",
    ),
    rule_def(
        "repeated-related",
        W,
        false,
        "a `related` entry that names a postmortem an earlier entry names",
    ),
    rule_def(
        "malformed-table",
        W,
        false,
        "a table row with more cells than its header, or a table whose separator row does not match its header",
    ),
    rule_def(
        "missing-image",
        E,
        false,
        "an image, video or other embedded file that does not exist, or that is a Markdown file",
    ),
    rule_def(
        "missing-alt",
        W,
        false,
        "an image with no alt text, which screen readers cannot describe",
    ),
    rule_def(
        "unsafe-html",
        W,
        false,
        "a script, event handler or `javascript:` URL, which the published page leaves out",
    ),
    rule_def(
        "unsafe-attachment",
        W,
        false,
        "a script, event handler or `javascript:` URL in an HTML, SVG or XML attachment, which its published copy leaves out (a `.svgz` too large or damaged to check: all of it)",
    ),
    rule_def(
        "bad-alias",
        E,
        false,
        "an alias that is not a valid id or path, or that collides",
    ),
    rule_def(
        crate::render::REPLACES,
        W,
        false,
        "a file of `static/` that replaces a page or file Hindsight writes",
    ),
    rule_def(
        "not-built",
        W,
        false,
        "a file that looks like a postmortem but will not be built",
    ),
    rule_def(
        "unused-ignore",
        W,
        false,
        "a pattern of `ignore` in hindsight.toml that matches no file",
    ),
    rule_def(
        "learnings-missing",
        W,
        false,
        "no learnings, or an empty learnings section",
    ),
    rule_def(
        "action-owner",
        I,
        false,
        "an action item without an owner that is not done or won't fix",
    ),
    rule_def(
        "unread-action-item",
        W,
        false,
        "action items the text writes that are not read, or a part of one",
    ),
    rule_def(
        "unread-learning",
        W,
        false,
        "learnings the text writes that the front matter's `learnings` replaces without listing",
    ),
    rule_def(
        "template-placeholder",
        W,
        false,
        "a table row or a line that still holds the template's placeholder for a time or a date (`HH:mm`, `YYYY-MM-DD`)",
    ),
    rule_def(
        "near-duplicate-learning",
        I,
        false,
        "learnings that say the same thing without sharing a canonical id",
    ),
    rule_def("blameless", W, false, "blaming language in the narrative"),
    rule_def(
        "hindsight-comment",
        W,
        false,
        "a `<!-- hindsight: ... -->` comment that does nothing",
    ),
    rule_def(
        "derived",
        I,
        false,
        "what was derived because the front matter does not set it",
    ),
    rule_def(
        "dropped-url",
        E,
        false,
        "a URL of the baseline sitemap that the new build drops without a redirect",
    ),
    rule_def(
        "dropped-cluster",
        W,
        false,
        "a cluster page of the baseline sitemap that the new build no longer forms",
    ),
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A finding of `rule` at its default level.
fn finding(rule_id: &'static str, file: &str, message: impl Into<String>) -> Diagnostic {
    let level = rule(rule_id).map(|r| r.level).unwrap_or(Level::Error);
    Diagnostic::new(rule_id, level, file, message)
}

/// Applies `[check.rules]`: changes levels and drops the rules set to `off`. Locked rules and
/// rules that are not configured keep the level they were reported with.
pub fn apply_levels(ds: Vec<Diagnostic>, rules: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    if rules.is_empty() {
        return ds;
    }
    ds.into_iter()
        .filter_map(|mut d| {
            if rule(d.rule).is_some_and(|r| r.locked) {
                return Some(d);
            }
            match rules.get(d.rule).map(String::as_str) {
                Some("off") => None,
                Some(level) => {
                    if let Some(l) = Level::parse(level) {
                        d.level = l;
                    }
                    // Its hint says how to keep a key of one's own, which this setting does.
                    if d.rule == "unknown-key" {
                        if let Some((_, known)) = d.hint.split_once("; known keys: ") {
                            d.hint = format!("a key of your own is kept as it is; set `unknown-key = \"off\"` under `[check.rules]` in hindsight.toml to stop these reminders; known keys: {known}");
                        }
                    }
                    Some(d)
                }
                None => Some(d),
            }
        })
        .collect()
}

/// What `build` does with what it finds, as `check` does: [`apply_levels`], then drops what an
/// allow comment silences. A site that passes `check` must build.
pub fn as_configured(
    found: Vec<Diagnostic>,
    root: &Path,
    rules: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    silence(apply_levels(found, rules), root, &HashMap::new())
}

/// What `hindsight check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// A previous build's sitemap.xml (a file path).
    pub baseline: Option<PathBuf>,
    /// Report warnings as errors.
    pub deny_warnings: bool,
}

/// What a check found.
#[derive(Debug)]
pub struct Report {
    /// Sorted by file, line, column and rule.
    pub findings: Vec<Diagnostic>,
    /// Postmortems checked (drafts included).
    pub incidents: usize,
    /// Whether the postmortems were read: not when hindsight.toml has errors.
    pub read: bool,
    pub elapsed: Duration,
    /// The paths the findings were narrowed to (see [`Report::narrow`]), as given.
    pub narrowed: Vec<String>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|d| d.level == Level::Error)
    }

    /// Keeps the findings of the files named (files or folders, from the current folder, as
    /// `hindsight check content/2024/db.md` names them): what a pre-commit hook or an editor
    /// asks of one file. With errors in hindsight.toml, which stop the postmortems from being
    /// read, those errors are kept. The site is
    /// read whole all the same, so that a link into another postmortem is checked as `build`
    /// follows it. A path that does not exist is a usage error.
    pub fn narrow(&mut self, root: &Path, paths: &[PathBuf]) -> Result<(), Error> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut wanted = Vec::new();
        for p in paths {
            match p.canonicalize() {
                Ok(c) => wanted.push(c),
                Err(e) => {
                    return Err(Error::Usage(format!(
                        "`{}` cannot be checked: {e}; name postmortems by their path from the current folder",
                        p.display()
                    )))
                }
            }
        }
        // With errors in hindsight.toml nothing else was read: those are all there is.
        if self.read {
            self.findings.retain(|d| {
                let at = root.join(&d.file);
                let at = at.canonicalize().unwrap_or(at);
                wanted.iter().any(|w| at.starts_with(w))
            });
        }
        self.narrowed = paths.iter().map(|p| p.display().to_string()).collect();
        Ok(())
    }

    /// `check: 1 error, 2 warnings, 3 notes in 40 postmortems (506.69ms)`.
    pub fn summary_line(&self) -> String {
        let n = |l: Level| crate::diagnostics::count(&self.findings, l);
        let counted = crate::diagnostics::counted;
        // "in 0 postmortems" would read as if none were found.
        let scope = if self.read && !self.narrowed.is_empty() {
            let named = match &self.narrowed[..] {
                [one] => format!("`{one}`"),
                many => counted(many.len(), "path"),
            };
            format!(
                " in {named} (of {} read)",
                counted(self.incidents, "postmortem")
            )
        } else if self.read {
            format!(" in {}", counted(self.incidents, "postmortem"))
        } else {
            "; the postmortems were not read, as hindsight.toml has errors".to_string()
        };
        format!(
            "check: {}, {}, {}{scope} ({:.2?})",
            counted(n(Level::Error), "error"),
            counted(n(Level::Warning), "warning"),
            counted(n(Level::Info), "note"),
            self.elapsed
        )
    }
}

/// Why a check could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
}

/// Runs every rule over the site under `opts.root`. Reads, never writes.
pub fn run(opts: &Options) -> Result<Report, Error> {
    let start = Instant::now();
    crate::root_folder(&opts.root).map_err(Error::Io)?;
    let baseline = match &opts.baseline {
        Some(p) => Some(Baseline::read(&opts.root, p)?),
        None => None,
    };
    let (config, mut problems) = Config::load_all(&opts.root);
    // Reported with the other problems of hindsight.toml, or alone (see below).
    let refused = config.as_ref().and_then(|c| output_refused(&opts.root, c));
    let read = config.is_some() && problems.is_empty();
    let (findings, incidents) = match config.filter(|_| problems.is_empty()) {
        None => {
            problems.extend(refused);
            problems.sort_by_key(|d| (d.line, d.column));
            (silence(problems, &opts.root, &HashMap::new()), 0)
        }
        Some(config) => {
            let output = opts.root.join(&config.output_dir);
            // Postmortems that hold a blaming word or an allow comment are kept in memory as
            // read, to be scanned again below; no other postmortem needs its source again.
            let blameless = Blameless::new(&config.check);
            let screen = |text: &str| text.contains("hindsight:") || blameless.could_match(text);
            // Drafts too: a pull request that adds a draft deserves the same review.
            let (site, diags) = crate::load_site(
                &opts.root,
                config,
                &output,
                true,
                crate::Purpose::Check,
                Some(&screen),
            );
            let mut findings = diags.into_sorted();
            findings.extend(refused);
            // The theme, loaded as `build` loads it, and pages of every kind rendered with it.
            let areas = crate::confine::Areas::new(&site.root, &site.config);
            match crate::theme::load(&site.root, &site.config.theme, &areas) {
                Ok(theme) => {
                    let t = Instant::now();
                    findings.extend(crate::render::probe(&site, &theme));
                    crate::timing("theme probed", t);
                }
                Err(crate::theme::LoadError::Invalid(ds, partial)) => {
                    findings.extend(ds);
                    // The other templates' faults too, with stand-ins for those that do not parse.
                    if let Some(theme) = partial {
                        findings.extend(theme.render_faults(crate::render::probe(&site, &theme)));
                    }
                }
                Err(crate::theme::LoadError::Io(e)) => {
                    let dir = format!("themes/{}/templates", site.config.theme);
                    findings.push(finding("io", &dir, e).hint(
                        "check the permissions of the theme's templates; `build` stops on it too",
                    ));
                }
            }
            // The site's `static/` files, which `build` publishes as they are, over its own.
            let own = match crate::render::site_files(&site.root, &areas) {
                // With its links that lead outside and what cannot be read there.
                Ok((own, found)) => {
                    findings.extend(found);
                    own
                }
                Err(e) => {
                    findings.push(finding("io", crate::render::SITE_FILES, e.to_string())
                        .hint("`build` stops on it too: point the symbolic link the message names at an existing file or folder, or delete it; rename a file it names"));
                    Vec::new()
                }
            };
            let output = crate::render::Published::new(&site, &areas, &own);
            findings.extend(output.replaced());
            // A file whose front matter cannot be read gets no other findings: they would all
            // follow from the missing front matter. Fix the YAML (or TOML) first.
            let unreadable: HashSet<String> = findings
                .iter()
                .filter(|d| d.rule == "yaml-invalid")
                .map(|d| d.file.clone())
                .collect();
            let mut own = site_rules(&site, blameless, &output);
            // Drafts were clustered with the rest, for review; the published site (and `build`)
            // forms its clusters without them. Clustered again only for a rule that needs what
            // the published site has: a reading path that names a cluster, a baseline.
            let public = if baseline.is_some() || names_clusters(&site.library) {
                let t = Instant::now();
                let public = public_site(&site);
                crate::timing("published site clustered", t);
                public
            } else {
                None
            };
            let published = public.as_ref().unwrap_or(&site);
            own.extend(path_steps(
                &site.library,
                &published.graph,
                site.config.drafts,
            ));
            site.library.restore_columns(&mut own);
            findings.extend(own.into_iter().filter(|d| !unreadable.contains(&d.file)));
            if let Some(b) = &baseline {
                findings.extend(b.dropped(published));
            }
            drop(public);
            let findings = apply_levels(findings, &site.config.check.rules);
            // Postmortems were screened for allow comments as they were read.
            let screened: HashMap<&str, Option<&str>> = site
                .library
                .incidents
                .iter()
                .map(|i| (i.source.as_str(), i.source_text.as_deref()))
                .collect();
            let findings = silence(findings, &opts.root, &screened);
            drop(screened);
            let incidents = site.library.incidents.len();
            // Freeing ten thousand parsed postmortems takes a while; nothing waits for it.
            rayon::spawn(move || drop(site));
            (findings, incidents)
        }
    };
    let mut findings = findings;
    if opts.deny_warnings {
        for d in &mut findings {
            if d.level == Level::Warning {
                d.level = Level::Error;
            }
        }
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    findings.dedup();
    Ok(Report {
        findings,
        incidents,
        read,
        elapsed: start.elapsed(),
        narrowed: Vec::new(),
    })
}

/// The `config` error of an `output_dir` that `build` refuses because it would overwrite the
/// sources (see [`crate::output::overlaps_sources`]), at its value in hindsight.toml: `check`
/// and `build` report it alike.
pub(crate) fn output_refused(root: &Path, config: &Config) -> Option<Diagnostic> {
    let content = root.join(&config.content_dir);
    let output = root.join(&config.output_dir);
    let Err(crate::output::OutputError::Overlaps { why, .. }) =
        crate::output::overlaps_sources(&output, root, &content)
    else {
        return None;
    };
    let (line, column) = crate::config::value_in_file(root, "output_dir").unwrap_or((1, 1));
    Some(
        finding(
            "config",
            crate::config::FILE_NAME,
            format!(
                "`build` refuses `output_dir = {:?}`: {why}",
                config.output_dir.display().to_string()
            ),
        )
        .at(line, column)
        .hint(crate::output::OVERLAP_HINT),
    )
}

/// Drops findings that an `<!-- hindsight: allow RULE -->` comment on their line, or on the line
/// before, silences. Locked rules cannot be silenced.
/// `screened` holds, for each postmortem, its source when loading kept it (it holds an allow
/// comment or a blaming word), or `None` when it holds no allow comment.
fn silence(
    findings: Vec<Diagnostic>,
    root: &Path,
    screened: &HashMap<&str, Option<&str>>,
) -> Vec<Diagnostic> {
    // Per file: the lines with allow comments and the rules each names (None: no comment).
    // Files are read in parallel, each once.
    type Allows = Option<Vec<(usize, Vec<String>)>>;
    let files: HashSet<&str> = findings
        .iter()
        .filter(|d| !rule(d.rule).is_some_and(|r| r.locked))
        .map(|d| d.file.as_str())
        .collect();
    let texts: HashMap<&str, Allows> = files
        .into_par_iter()
        .map(|file| {
            let allows = (|| {
                let read;
                let text: &str = match screened.get(file) {
                    Some(Some(kept)) => kept,
                    Some(None) => return None,
                    None => {
                        let path = root.join(file);
                        let bytes = std::fs::read(&path).ok()?;
                        read = crate::content::text_of(&crate::attachment::readable(&path, bytes)?);
                        &read
                    }
                };
                if !text.contains("hindsight:") {
                    return None;
                }
                Some(
                    crate::markdown::hindsight_comments_in_html(text)
                        .into_iter()
                        .filter(|c| c.directive == "allow" && !c.args.is_empty())
                        .map(|c| {
                            let (line, _) = crate::diagnostics::line_col(text, c.offset);
                            (line, c.args.iter().map(|a| a.to_string()).collect())
                        })
                        .collect(),
                )
            })();
            (file, allows)
        })
        .collect();
    let keep: Vec<bool> = findings
        .iter()
        .map(|d| {
            if rule(d.rule).is_some_and(|r| r.locked) {
                return true;
            }
            let Some(Some(allows)) = texts.get(d.file.as_str()) else {
                return true;
            };
            !allows.iter().any(|(line, rules)| {
                (*line == d.line || *line + 1 == d.line) && rules.iter().any(|r| r == d.rule)
            })
        })
        .collect();
    findings
        .into_iter()
        .zip(keep)
        .filter_map(|(d, k)| k.then_some(d))
        .collect()
}

/// The rules over a loaded site.
fn site_rules(site: &Site, blameless: Blameless, output: &Published) -> Vec<Diagnostic> {
    let timings = std::env::var_os("HINDSIGHT_TIMINGS").is_some();
    let t = Instant::now();
    let lap = |what: &str| {
        if timings {
            eprintln!("[timings] check: {what} after {:.3?}", t.elapsed());
        }
    };
    let ctx = Context::new(site, output);
    let scan = Scan {
        blameless,
        things: Things::of(site),
    };
    let mut out: Vec<Diagnostic> = site
        .library
        .incidents
        .par_iter()
        .flat_map_iter(|inc| incident_rules(&ctx, &scan, inc))
        .collect();
    // Canonical learnings, the overview intro and the reading path are published pages too.
    for l in &site.library.learnings {
        links(&ctx, &l.source, &l.links, Linking::Learning(l), &mut out);
        missing_alt(&l.source, &l.images_without_alt, &mut out);
        unsafe_html(&l.source, &l.unsafe_html, &mut out);
    }
    for page in site.library.index.iter().chain(&site.library.onboarding) {
        links(
            &ctx,
            &page.source,
            &page.links,
            Linking::Special(page),
            &mut out,
        );
        missing_alt(&page.source, &page.images_without_alt, &mut out);
        unsafe_html(&page.source, &page.unsafe_html, &mut out);
    }
    lap("incident rules");
    out.extend(attachments(site));
    out.extend(alias_rules(site));
    out.extend(near_duplicates(site));
    lap("aliases and near-duplicate learnings");
    out.extend(not_built(site));
    out.extend(unused_ignore(site));
    out
}

/// What the per-incident rules share.
struct Context<'a> {
    site: &'a Site,
    /// Dates after this are in the future (tomorrow in UTC, to allow for time zones).
    latest: NaiveDate,
    by_id: HashMap<&'a str, &'a Incident>,
    /// Anchors of every incident that some link points into with `#anchor`.
    anchors: HashMap<String, HashSet<String>>,
    /// Every canonical learning that some link points into with `#anchor`, with its anchors.
    learning_anchors: HashMap<&'a str, (&'a CanonicalLearning, HashSet<String>)>,
    /// `index.md` and `onboarding.md`, with their anchors, by the URL of their page from the
    /// site root (`""`, `onboarding/`; see [`crate::markdown::site_page`]).
    pages: HashMap<&'static str, (&'a SpecialPage, HashSet<String>)>,
    /// What the output will hold: a link that names nothing of the content folder may lead
    /// to a file of `static/` or a page there.
    output: &'a Published,
}

/// What the blameless rule reads of the site, shared by every postmortem.
struct Scan<'a> {
    blameless: Blameless,
    things: Things<'a>,
}

impl<'a> Context<'a> {
    fn new(site: &'a Site, output: &'a Published) -> Self {
        let lib = &site.library;
        let by_id: HashMap<&str, &Incident> =
            lib.incidents.iter().map(|i| (i.id.as_str(), i)).collect();
        let mut wanted: HashSet<&str> = HashSet::new();
        for inc in &lib.incidents {
            for l in &inc.links {
                match (&l.kind, &l.anchor) {
                    (LinkKind::Incident(id), Some(_)) => {
                        wanted.insert(id);
                    }
                    (LinkKind::SelfAnchor, Some(_)) => {
                        wanted.insert(&inc.id);
                    }
                    _ => {}
                }
            }
        }
        let others = lib.learnings.iter().map(|l| &l.links);
        for page_links in others.chain(lib.index.iter().chain(&lib.onboarding).map(|p| &p.links)) {
            for l in page_links {
                if let (LinkKind::Incident(id), Some(_)) = (&l.kind, &l.anchor) {
                    wanted.insert(id);
                }
            }
        }
        let anchors = wanted
            .into_par_iter()
            .filter_map(|id| by_id.get(id).map(|inc| (id.to_string(), anchors_of(inc))))
            .collect();
        // The learnings linked to with `#anchor`, from any page, and those whose own page
        // links to one of its anchors.
        let mut wanted: HashSet<&str> = HashSet::new();
        let pages = lib.incidents.iter().map(|i| (&i.links, None));
        let learnings = lib
            .learnings
            .iter()
            .map(|l| (&l.links, Some(l.id.as_str())));
        let special = lib
            .index
            .iter()
            .chain(&lib.onboarding)
            .map(|p| (&p.links, None));
        for (page_links, learning) in pages.chain(learnings).chain(special) {
            for l in page_links {
                match (&l.kind, &l.anchor, learning) {
                    (LinkKind::Learning(id), Some(_), _) => {
                        wanted.insert(id);
                    }
                    (LinkKind::SelfAnchor, Some(_), Some(id)) => {
                        wanted.insert(id);
                    }
                    _ => {}
                }
            }
        }
        let learning_anchors = lib
            .learnings
            .iter()
            .filter(|l| wanted.contains(l.id.as_str()))
            .map(|l| (l.id.as_str(), (l, l.anchors.iter().cloned().collect())))
            .collect();
        let pages = [(&lib.index, ""), (&lib.onboarding, "onboarding/")]
            .into_iter()
            .filter_map(|(p, url)| {
                let p = p.as_ref()?;
                Some((url, (p, p.anchors.iter().cloned().collect())))
            })
            .collect();
        Context {
            site,
            latest: latest_date(),
            by_id,
            anchors,
            learning_anchors,
            pages,
            output,
        }
    }
}

/// The last day that is not in the future (rule `future-date`): tomorrow in UTC, to allow for
/// time zones.
pub fn latest_date() -> NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Days::new(1)
}

/// What the derived incident date was read from. Never the text: a date in it after the
/// last day [`latest_date`] allows does not date the incident (see [`derive::date`]).
fn date_read_from(inc: &Incident) -> &'static str {
    use derive::DateSource;
    match inc.date_source {
        DateSource::FileName => "the file name",
        DateSource::FileNameYear => "the year in the file name",
        DateSource::Git => "the day git first recorded the file",
        _ => "the text",
    }
}

/// Every anchor a page offers: its headings', and ids in raw HTML and footnotes.
fn anchors_of(inc: &Incident) -> HashSet<String> {
    let mut set: HashSet<String> = inc.sections.iter().map(|s| s.anchor.clone()).collect();
    set.extend(inc.toc.iter().map(|t| t.id.clone()));
    set.extend(inc.ids.iter().cloned());
    set
}

/// Where in the text `key` (`started_at`, `detected_at` or `resolved_at`) was read, when it
/// was derived from it.
fn stated_timestamp<'a>(inc: &'a Incident, key: &str) -> Option<&'a derive::StatedTimestamp> {
    let t = &inc.stated_timestamps;
    match key {
        "started_at" => t.started.as_ref(),
        "detected_at" => t.detected.as_ref(),
        "resolved_at" => t.resolved.as_ref(),
        _ => None,
    }
}

/// What a time is, in words: "start time" for `started_at`.
fn time_name(key: &str) -> &'static str {
    match key {
        "started_at" => "start time",
        "detected_at" => "detection time",
        _ => "resolution time",
    }
}

/// Where a time read from the text was written: "“Started:”" (a labelled line before the
/// first section), "the Milestones table (“Resolved”)".
fn stated_where(t: &derive::StatedTimestamp) -> String {
    if t.milestone {
        format!("the Milestones table (“{}”)", t.label)
    } else {
        format!("“{}:”", t.label)
    }
}

fn fm_line(inc: &Incident, key: &str) -> usize {
    inc.front_matter.line_of(key).unwrap_or(1)
}

fn incident_rules(ctx: &Context, scan: &Scan, inc: &Incident) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    dates(ctx.latest, inc, &mut out);
    required(&ctx.site.config.check.required, inc, &mut out);
    links(
        ctx,
        &inc.source,
        &inc.links,
        Linking::Incident(inc),
        &mut out,
    );
    heading_ids(inc, &mut out);
    missing_alt(&inc.source, &inc.images_without_alt, &mut out);
    unsafe_html(&inc.source, &inc.unsafe_html, &mut out);
    related(ctx, inc, &mut out);
    learnings_missing(ctx, inc, &mut out);
    action_owners(inc, &mut out);
    derived(inc, &ctx.site.config.learnings, &mut out);
    // Loading kept the source of every postmortem that could hold a blaming phrase or a
    // hindsight comment.
    scan.blameless
        .scan(inc.source_text.as_deref(), inc, &scan.things, &mut out);
    if let Some(text) = &inc.source_text {
        hindsight_comments(inc, text, &mut out);
    }
    out
}

/// `<!-- hindsight: ... -->` comments that do nothing, which would otherwise fail silently:
/// an unknown directive, an `allow` of no known rule, a learning mark with no id or outside
/// every learning and action item.
fn hindsight_comments(inc: &Incident, text: &str, out: &mut Vec<Diagnostic>) {
    // Where the marks that were read are: (line, column).
    let used: HashSet<(usize, usize)> = inc
        .learnings
        .iter()
        .filter(|l| l.canonical.is_some())
        .map(|l| l.cited_at)
        .chain(
            inc.action_items
                .iter()
                .filter(|a| a.learning.is_some())
                .map(|a| a.cited_at),
        )
        .collect();
    let rule_ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    for c in crate::markdown::hindsight_comments_in_html(text) {
        let (line, column) = crate::diagnostics::line_col(text, c.offset);
        let directive = c.directive;
        let mut words = c.args.into_iter();
        let at = |message: String, hint: String| {
            finding("hindsight-comment", &inc.source, message)
                .at(line, column)
                .hint(hint)
        };
        match directive {
            "allow" => {
                let names: Vec<&str> = words.collect();
                if names.is_empty() {
                    out.push(at(
                        "this allow comment names no rule".into(),
                        "name the rule to silence on this line or the next, e.g. `<!-- hindsight: allow blameless -->`".into(),
                    ));
                }
                for name in names {
                    match rule(name) {
                        None => {
                            let hint = match did_you_mean(name, &rule_ids) {
                                Some(s) => format!(
                                    "did you mean `{s}`? Run `hindsight check --explain {s}`"
                                ),
                                None => "name a rule id as `check` prints it, e.g. `blameless`"
                                    .into(),
                            };
                            out.push(at(
                                format!("`{name}` is not a rule, so nothing is silenced"),
                                hint,
                            ));
                        }
                        Some(r) if r.locked => out.push(at(
                            format!("`{name}` is a locked rule, which no comment can silence, so nothing is silenced"),
                            format!("`build` cannot produce a correct site while it fires ({}): fix what its finding says (run `hindsight check --explain {name}`), then remove `{name}` from this comment", r.catches),
                        )),
                        Some(_) => {}
                    }
                }
            }
            "learning" => {
                let id = words.next();
                let extra: Vec<&str> = words.collect();
                if !extra.is_empty() {
                    out.push(at(
                        format!(
                            "a learning mark names one learning; `{}` is ignored",
                            extra.join(" ")
                        ),
                        "cite one canonical learning per item: `<!-- hindsight: learning ID -->`"
                            .into(),
                    ));
                }
                if id.is_none() {
                    out.push(at(
                        "this learning mark names no learning".into(),
                        "write the id of a canonical learning (the file name in learnings/), e.g. `<!-- hindsight: learning own-what-you-run -->`, or `none` for a lesson of its own".into(),
                    ));
                } else if !used.contains(&(line, column)) {
                    let f = inc.front_matter.format;
                    let learnings = inc.derived.contains(&"learnings");
                    let actions = inc.derived.contains(&"action_items");
                    // What the text's learnings or action items are read from, when the
                    // front matter's list replaces them, marks and all.
                    let (message, hint) = match (learnings, actions) {
                        (true, true) => (
                            "this learning mark is in no learning or action item, so it cites nothing".to_string(),
                            "put it at the end of the text of a learning or an action item: a list item, paragraph or table row of the Lessons learned or Action items section".to_string(),
                        ),
                        (false, true) => (
                            format!("this learning mark is in no action item, and the front matter's {} replaces the learnings of the text, marks and all: it cites nothing", f.key("learnings")),
                            format!("cite the learning in the front matter, with {} on the learning it belongs to", f.key("id")),
                        ),
                        (true, false) => (
                            format!("this learning mark is in no learning, and the front matter's {} replaces the action items of the text, marks and all: it cites nothing", f.key("action_items")),
                            format!("put it at the end of a learning of the Lessons learned section, or cite the learning in the front matter with {} on the action item", f.key("learning")),
                        ),
                        (false, false) => (
                            format!("the front matter's {} and {} replace the learnings and action items of the text, marks and all: this learning mark cites nothing", f.key("learnings"), f.key("action_items")),
                            format!("this postmortem's learnings and action items are in its front matter: cite the learning there with {} (or {} on an action item)", f.key("id"), f.key("learning")),
                        ),
                    };
                    out.push(at(message, hint));
                }
            }
            other => {
                let hint = match did_you_mean(other, &["allow", "learning"]) {
                    Some(s) => format!("did you mean `{s}`? Hindsight reads `<!-- hindsight: allow RULE -->` and `<!-- hindsight: learning ID -->`"),
                    None => "Hindsight reads `<!-- hindsight: allow RULE -->` and `<!-- hindsight: learning ID -->`; other comments need no `hindsight:`".into(),
                };
                out.push(at(format!("unknown hindsight comment `{other}`"), hint));
            }
        }
    }
}

fn dates(latest: NaiveDate, inc: &Incident, out: &mut Vec<Diagnostic>) {
    use derive::DateSource;
    // A date that is the day of a front-matter time is reported at that time, below.
    let of_a_time = matches!(
        inc.date_source,
        DateSource::StartedAt | DateSource::DetectedAt | DateSource::ResolvedAt
    );
    let f = inc.front_matter.format;
    if let Some(d) = inc.date.filter(|d| *d > latest && !of_a_time) {
        if inc.derived.contains(&"date") {
            let from = date_read_from(inc);
            out.push(
                finding(
                    "future-date",
                    &inc.source,
                    format!("the incident date {d}, read from {from}, is in the future"),
                )
                .at(1, 1)
                .hint(format!(
                    "the front matter sets no {}, so Hindsight dates the incident from {from}: set {} in the front matter to the day the incident happened (YYYY-MM-DD), which overrides it",
                    f.key("date"),
                    f.set("date", "2024-03-01", "2024-03-01")
                )),
            );
        } else {
            let (line, column) = inc.front_matter.entry_at("date", 0);
            out.push(
                finding(
                    "future-date",
                    &inc.source,
                    format!("the incident date {d} is in the future"),
                )
                .at(line, column)
                .hint(format!(
                    "set {} to the day the incident happened (YYYY-MM-DD)",
                    f.key("date")
                )),
            );
        }
    }
    let times = [
        ("started_at", inc.started_at),
        ("detected_at", inc.detected_at),
        ("resolved_at", inc.resolved_at),
    ];
    for (key, t) in times {
        let Some(t) = t.filter(|t| t.date_naive() > latest) else {
            continue;
        };
        if let Some(stated) = stated_timestamp(inc, key) {
            let example = f.set(key, "2024-03-01T14:05:00Z", "2024-03-01T14:05:00Z");
            out.push(
                finding(
                    "future-date",
                    &inc.source,
                    format!(
                        "the {} {}, read from {}, is in the future",
                        time_name(key),
                        t.to_rfc3339(),
                        stated_where(stated)
                    ),
                )
                .at(stated.line, stated.column)
                .hint(format!(
                    "Hindsight takes it for `{key}`: correct the day, time or zone written here, or set the times in the front matter ({example}); once it sets any of `started_at`, `detected_at` and `resolved_at`, none is read from the text"
                )),
            );
        } else {
            let (line, column) = inc.front_matter.entry_at(key, 0);
            out.push(
                finding(
                    "future-date",
                    &inc.source,
                    format!("`{key}` {} is in the future", t.to_rfc3339()),
                )
                .at(line, column)
                .hint(format!(
                    "set `{key}` to when it happened, e.g. {}",
                    f.set(key, "2024-03-01T14:05:00Z", "2024-03-01T14:05:00Z")
                )),
            );
        }
    }
    // These are front-matter keys: times read from the text are never out of order (they are
    // read only when the front matter has none, and none of them when they are out of order:
    // see `derive::stated_timestamps`).
    let order = |later: &str,
                 lt: Option<DateTime<FixedOffset>>,
                 earlier: &str,
                 et: Option<DateTime<FixedOffset>>,
                 out: &mut Vec<Diagnostic>| {
        if let (Some(l), Some(e)) = (lt, et) {
            if l < e {
                out.push(
                    finding(
                        "time-order",
                        &inc.source,
                        format!("`{later}` ({}) is before `{earlier}` ({})", l.to_rfc3339(), e.to_rfc3339()),
                    )
                    .at(fm_line(inc, later), 1)
                    .hint("check both times and their offsets (a time without an offset is UTC); time to detect and time to resolve are computed from them"),
                );
            }
        }
    };
    order(
        "detected_at",
        inc.detected_at,
        "started_at",
        inc.started_at,
        out,
    );
    order(
        "resolved_at",
        inc.resolved_at,
        "started_at",
        inc.started_at,
        out,
    );
    order(
        "resolved_at",
        inc.resolved_at,
        "detected_at",
        inc.detected_at,
        out,
    );
}

fn required(keys: &[String], inc: &Incident, out: &mut Vec<Diagnostic>) {
    if inc.status != Status::Published {
        return;
    }
    // A key the front matter lacks is reported where the front matter opens, at its first
    // key, as a key missing from an item of `learnings` or `action_items` is reported at the
    // item; with no front matter, at line 1.
    let opening = inc
        .front_matter
        .lines
        .iter()
        .map(|(_, line)| *line)
        .min()
        .unwrap_or(1);
    for key in keys {
        if inc.front_matter.line_of(key).is_none() {
            out.push(
                finding("required-field", &inc.source, format!("`{key}` is required but not set in the front matter"))
                    .at(opening, 1)
                    .hint(format!("add {} to the front matter (hindsight.toml's `[check] required` asks every published postmortem for it)", inc.front_matter.format.set(key, "...", "..."))),
            );
        }
    }
}

/// Why `target` will not be on the published site that a page is on ("a draft", "in review",
/// "internal"), or None when a link from the page to it leads somewhere: both are published,
/// or neither is (`public` says whether the page is), or the site publishes drafts
/// (`drafts = true`).
fn left_unpublished(ctx: &Context, public: bool, target: &Incident) -> Option<&'static str> {
    if !public || target.is_public() || ctx.site.config.drafts {
        return None;
    }
    Some(match target.status {
        Status::Draft => "a draft",
        Status::Review => "in review",
        Status::Published => "internal",
    })
}

/// The page whose links are checked.
#[derive(Clone, Copy)]
enum Linking<'a> {
    Incident(&'a Incident),
    /// A canonical learning: always published, its own anchors checked.
    Learning(&'a CanonicalLearning),
    /// `index.md` or `onboarding.md`: always published, its own anchors checked.
    Special(&'a SpecialPage),
}

/// The links of the page `source`, `page`.
fn links(
    ctx: &Context,
    source: &str,
    links: &[crate::markdown::Link],
    page: Linking,
    out: &mut Vec<Diagnostic>,
) {
    let (public, beside) = match page {
        Linking::Incident(inc) => (inc.is_public(), "the postmortem"),
        Linking::Learning(_) => (true, "the learning"),
        Linking::Special(_) => (true, "this file"),
    };
    let site = ctx.site;
    for l in links {
        let at = |d: Diagnostic| d.at(l.line, l.column);
        // `build` leaves such a link as it is written, and it leads where the browser takes
        // it: to a file of `static/` (`/files/runbook.pdf`) or a page, when the output has one.
        if matches!(l.kind, LinkKind::Broken | LinkKind::MissingEmbed(_))
            && l.served.as_deref().is_some_and(|p| ctx.output.holds(p))
        {
            continue;
        }
        match &l.kind {
            LinkKind::Broken => {
                let unpublished = l
                    .path
                    .as_deref()
                    .and_then(|p| crate::content::unpublished(&site.root, &site.config, p));
                if let Some(u) = unpublished {
                    out.push(at(finding(
                        "broken-link",
                        source,
                        format!(
                            "link to `{}` leads to a {} that is not published: {}",
                            l.target, u.what, u.why
                        ),
                    )
                    .hint(u.hint)));
                    continue;
                }
                if let Some(at_url) = site_url(l) {
                    out.push(broken_site_url(ctx, source, l, &at_url));
                    continue;
                }
                // Never the file the link is in.
                let own = match page {
                    Linking::Incident(inc) => Some(inc.content_path.as_str()),
                    _ => None,
                };
                let paths: Vec<&str> = site
                    .library
                    .incidents
                    .iter()
                    .map(|i| i.content_path.as_str())
                    .filter(|p| Some(*p) != own)
                    .collect();
                let name = l.target.rsplit('/').next().unwrap_or(&l.target);
                let from_root = from_site_root(ctx, l);
                // A link that climbs out of the content folder names a file kept elsewhere in
                // the repository (`../runbooks/db.md`): a postmortem of another name is no
                // likely typo of it, only one of the same name at the wrong depth.
                let outside = l
                    .path
                    .as_deref()
                    .is_some_and(|p| p == ".." || p.starts_with("../"));
                // A bare word is likely an id mistyped (`PM2024-02` for `PM2024-002`).
                let near_id = (!l.target.contains(['/', '.', '#'])).then(|| {
                    let mut ids: Vec<&str> = ctx.by_id.keys().copied().collect();
                    ids.sort_unstable();
                    did_you_mean_id(&l.target, &ids).map(|near| format!("did you mean `{near}`? Link to a postmortem by its id or by its file path (relative to this file)"))
                }).flatten();
                // A file other than a postmortem (`runbook.PDF`) is likely one of the content
                // folder's files, as a missing image is.
                let attachment = l
                    .path
                    .as_deref()
                    .filter(|p| {
                        let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
                        name.contains('.') && !name.ends_with(".md") && !l.target.starts_with('/')
                    })
                    .and_then(|p| near_file(ctx, p))
                    .map(|near| {
                        format!("did you mean `{}`?", relative_to_page(ctx, source, &near))
                    });
                let hint = served_under_base(ctx, l).or(near_id).or(attachment).unwrap_or_else(|| match did_you_mean(l.path.as_deref().unwrap_or(&l.target), &paths).or_else(|| {
                    let names: Vec<&str> = paths.iter().map(|p| p.rsplit('/').next().unwrap_or(p)).collect();
                    did_you_mean(name, &names)
                }).filter(|s| same_but_for_date(name, s))
                    .filter(|s| !outside || s.rsplit('/').next().unwrap_or(s).eq_ignore_ascii_case(name)) {
                    Some(s) => format!("did you mean `{}`? Link to a postmortem by its file path (relative to this file) or by its id", relative_to_page(ctx, source, s)),
                    None => match &from_root {
                        Some((_, hint)) => hint.clone(),
                        None if outside => "the link climbs out of the content folder, which is all the site publishes, and no file is there either: link to a file kept elsewhere in the repository by an absolute URL (its page on your git host), or move it under the content folder".into(),
                        None => "link to a postmortem by its file path (relative to this file) or its id, to a file in the content folder, to a file of `static/` where it is published (`/files/runbook.pdf` for `static/files/runbook.pdf`), or use an absolute http(s) URL".into(),
                    },
                });
                let message = match from_root {
                    Some((message, _)) => message,
                    None => format!(
                        "link to `{}` leads nowhere: no postmortem, learning or file has that path",
                        l.target
                    ),
                };
                out.push(at(finding("broken-link", source, message).hint(hint)));
            }
            LinkKind::MissingEmbed(what) => {
                let put = format!("put the {what} in the content folder (next to {beside} is simplest) and give its path relative to this file");
                let near = (site_url(l).is_none() && !l.target.starts_with('/'))
                    .then(|| l.path.as_deref().and_then(|p| near_file(ctx, p)))
                    .flatten();
                let hint = match (site_url(l), near) {
                    (_, Some(near)) => {
                        let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
                        let (found, written) =
                            (name(&near), name(l.path.as_deref().unwrap_or_default()));
                        let case = if found != written && found.eq_ignore_ascii_case(&written) {
                            " The names differ in case alone, which the web server that publishes the site tells apart"
                        } else {
                            ""
                        };
                        format!(
                            "did you mean `{}`?{case}",
                            relative_to_page(ctx, source, &near)
                        )
                    }
                    (Some(at_url), None) => {
                        format!("this site publishes no file at `{at_url}`: {put}")
                    }
                    (None, None) => served_under_base(ctx, l).unwrap_or(put),
                };
                out.push(at(finding(
                    "missing-image",
                    source,
                    format!("{what} `{}` does not exist", l.target),
                )
                .hint(hint)));
            }
            LinkKind::EmbeddedMarkdown(what, is) => {
                let a = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                let (message, hint) = if *is == "Markdown file" {
                    (
                        format!("{what} `{}` is a Markdown file, not {a} {what}, and is never copied into the site", l.target),
                        format!("link to it instead, `[text]({})`; only a postmortem or a learning has a page to link to or embed", l.target),
                    )
                } else {
                    (
                        format!("{what} `{}` is a {is}, not {a} {what}: link to it instead", l.target),
                        format!("write `[text]({})`, which leads to its page, or embed its page with `<iframe src=\"{}\">`", l.target, l.target),
                    )
                };
                out.push(at(finding("missing-image", source, message).hint(hint)));
            }
            LinkKind::Incident(id) => {
                let Some(target) = ctx.by_id.get(id.as_str()) else {
                    continue;
                };
                if let Some(why) = left_unpublished(ctx, public, target) {
                    out.push(unpublished_link(source, l, why, &target.source));
                } else if let Some(a) = l.anchor.as_deref().filter(|a| !a.is_empty()) {
                    check_anchor(ctx, source, l, id, a, &target.source, out);
                }
            }
            LinkKind::SelfAnchor => {
                let Some(a) = l.anchor.as_deref().filter(|a| !a.is_empty()) else {
                    continue;
                };
                match page {
                    Linking::Incident(inc) => {
                        check_anchor(ctx, source, l, &inc.id, a, "this page", out)
                    }
                    Linking::Learning(learning) => {
                        check_learning_anchor(ctx, source, l, &learning.id, a, true, out);
                    }
                    Linking::Special(p) => {
                        let anchors = p.anchors.iter().cloned().collect();
                        anchor_finding(source, l, a, &anchors, &p.github_anchors, "this page", out);
                    }
                }
            }
            LinkKind::Learning(id) => {
                let Some(a) = l.anchor.as_deref().filter(|a| !a.is_empty()) else {
                    continue;
                };
                check_learning_anchor(ctx, source, l, id, a, false, out);
            }
            // The home page or the reading path: its anchors are those of its file's headings
            // (with no file, the page has none of the author's to check against).
            LinkKind::Page(url) => {
                let Some(a) = l.anchor.as_deref().filter(|a| !a.is_empty()) else {
                    continue;
                };
                let Some((target, anchors)) = ctx.pages.get(url) else {
                    continue;
                };
                let name = match page {
                    Linking::Special(p) if p.source == target.source => "this page",
                    _ => &target.source,
                };
                anchor_finding(source, l, a, anchors, &target.github_anchors, name, out);
            }
            // Reported by loading, for `build` too (see `crate::confine`).
            LinkKind::Asset | LinkKind::External | LinkKind::Outside(_) => {}
        }
    }
}

/// For a link written as a full URL under `base_url` (`https://kb.example.org/pm/x/` under
/// `https://kb.example.org/pm/`), which leads into this site: its path from the host's root
/// (`/pm/x/`).
fn site_url(l: &crate::markdown::Link) -> Option<String> {
    let t = l.target.get(..8).unwrap_or(&l.target).to_ascii_lowercase();
    if !(t.starts_with("//") || t.starts_with("http://") || t.starts_with("https://")) {
        return None;
    }
    // Only a link that `own_url` read as the site's own has where it leads in the output.
    l.served.as_ref()?;
    let rest = &l.target[l.target.find("//")? + 2..];
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    Some(path.split(['?', '#']).next().unwrap_or(path).to_string())
}

/// The `broken-link` finding of a full URL of this site (see [`site_url`]) that leads to no
/// page or file it publishes, at `at_url`: most often the page of a postmortem that was
/// renamed, or whose id is mistyped.
fn broken_site_url(
    ctx: &Context,
    source: &str,
    l: &crate::markdown::Link,
    at_url: &str,
) -> Diagnostic {
    let message = format!(
        "link to `{}` leads nowhere: this site publishes no page or file at `{at_url}`",
        l.target
    );
    let id = l
        .served
        .as_deref()
        .and_then(|p| p.strip_prefix("incidents/"))
        .map(|id| id.trim_end_matches("index.html").trim_end_matches('/'))
        .filter(|id| !id.is_empty() && !id.contains('/'));
    let how = "link to a postmortem by its id (`[see](PM2023-002)`) or its file path, which the build writes as its page's URL";
    let hint = match id {
        Some(id) => {
            let mut ids: Vec<&str> = ctx.by_id.keys().copied().collect();
            ids.sort_unstable();
            match did_you_mean_id(id, &ids) {
                Some(near) => format!("no postmortem has the id `{id}`: did you mean `{near}`? Or {how}"),
                None => format!("no postmortem has the id `{id}`, nor lists it in `aliases` (the old ids and URLs of a renamed postmortem): {how}"),
            }
        }
        None => format!("a full URL under `base_url` leads into this site: give the URL of a page or file it publishes, or {how}"),
    };
    finding("broken-link", source, message)
        .at(l.line, l.column)
        .hint(hint)
}

/// For a broken link that starts with `/` (not `//`), which is read from the site root: the
/// message that says what the site root is and where the link leads from it, and the hint
/// that says how to publish a file there. None for a relative link.
fn from_site_root(ctx: &Context, l: &crate::markdown::Link) -> Option<(String, String)> {
    if !l.target.starts_with('/') || l.target.starts_with("//") {
        return None;
    }
    let config = &ctx.site.config;
    let root = config.root_path();
    // The file it names in the content folder, and the path in the built site it leads to
    // (None when it leads out of the path the site is served under).
    let in_content = l.path.as_deref().unwrap_or("");
    let content = match config.content_dir.to_string_lossy().trim_end_matches('/') {
        "" | "." => in_content.to_string(),
        dir => format!("{dir}/{in_content}"),
    };
    let (where_, published) = match &l.served {
        Some(p) if root == "/" => (
            format!("a link that starts with `/` is read from the site root, where the built site has no page or file `{p}`"),
            p.clone(),
        ),
        Some(p) => (
            format!("a link that starts with `/` is read from the host's root, and this site's root is `{root}` (the path of `base_url`), where the built site has no page or file `{p}`"),
            p.clone(),
        ),
        None => (
            format!("a link that starts with `/` is read from the host's root, and this site's root is `{root}` (the path of `base_url`), so it leads out of the site"),
            in_content.to_string(),
        ),
    };
    let message = format!(
        "link to `{}` leads nowhere: {where_}; nor is there a file `{content}` in the content folder",
        l.target
    );
    // A folder's URL (`/incidents/x/`), or one under `incidents/`, names a page, not a file.
    let path_part = l.target.split(['?', '#']).next().unwrap_or(&l.target);
    let hint = if published.is_empty()
        || path_part.ends_with('/')
        || published.starts_with("incidents/")
    {
        format!("the site's pages are under `{root}`: link to a postmortem by its id or by its file path relative to this file, which the build writes as its page's URL")
    } else {
        format!(
            "to publish a file at this link, put it at `{}/{published}`: the build copies `{}/` to the site root, so it is at `{root}{published}`; or link to a file of the content folder by its path relative to this file, or to a postmortem by its id",
            crate::render::SITE_FILES,
            crate::render::SITE_FILES,
        )
    };
    Some((message, hint))
}

/// The hint for a link from the host's root that leaves out the path the site is served
/// under, to what the output holds (`/files/runbook.pdf` under `https://kb.example.org/pm/`).
fn served_under_base(ctx: &Context, l: &crate::markdown::Link) -> Option<String> {
    let base = ctx.site.config.base_path();
    let path = l.target.strip_prefix('/')?;
    (!base.is_empty() && l.served.is_none() && ctx.output.holds(path)).then(|| {
        format!("the site is served under `/{base}/` (`base_url` in hindsight.toml), which this link leaves: write `/{base}/{path}`, or a path relative to this page")
    })
}

/// Heading ids the author wrote (`## Note {#note}`) that the page gave another id, because
/// another heading, a footnote or an element of the page's raw HTML has it: a link to it leads
/// elsewhere.
fn heading_ids(inc: &Incident, out: &mut Vec<Diagnostic>) {
    use crate::markdown::IdHolder;
    for r in &inc.renamed_ids {
        let (whose, fix) = match r.holder {
            IdHolder::Footnote => {
                let name = r.written.strip_prefix("fn-").unwrap_or(&r.written);
                (
                    format!("the footnote `[^{name}]`"),
                    "footnotes' ids start with `fn-`: give the heading an id that does not"
                        .to_string(),
                )
            }
            IdHolder::Html => (
                format!("an element of this page's HTML (`id=\"{}\"`)", r.written),
                "give the heading an id of its own, or the element another".to_string(),
            ),
            IdHolder::Heading => (
                "an earlier heading".to_string(),
                "give each heading an id of its own".to_string(),
            ),
        };
        out.push(
            finding(
                "heading-id",
                &inc.source,
                format!(
                    "the heading id `{}` is already the id of {whose}, so this heading gets `{}`",
                    r.written, r.given
                ),
            )
            .at(r.line, 1)
            .hint(format!(
                "{fix}; a link to `#{}` leads to {whose}",
                r.written
            )),
        );
    }
}

/// Images with no alt text. A Markdown one (`![](chart.png)`) is published with `alt=""`,
/// which tells screen readers to pass over it, as if it were decoration; a raw HTML `<img>`
/// with no `alt` attribute has a screen reader read out its file name, or only "image".
/// `source` is the page's file: a postmortem, a canonical learning, `index.md` or `onboarding.md`.
fn missing_alt(
    source: &str,
    images: &[crate::markdown::ImageWithoutAlt],
    out: &mut Vec<Diagnostic>,
) {
    for image in images {
        let f = if image.html {
            finding("missing-alt", source, "this `<img>` has no `alt` attribute: screen readers read out its file name, or only \"image\"")
                .hint("add an `alt` that describes what the image shows, `<img src=\"chart.png\" alt=\"p99 latency doubled at 14:05\">`; for a purely decorative image, `alt=\"\"`")
        } else {
            finding("missing-alt", source, "this image has no alt text: screen readers pass over it")
                .hint("describe what the image shows between the brackets, `![p99 latency doubled at 14:05](chart.png)`; for a purely decorative image, add `<!-- hindsight: allow missing-alt -->` on the line before")
        };
        out.push(f.at(image.line, image.column));
    }
}

/// What `build` says of the pages it publishes: each part of their raw HTML the published
/// page leaves out (`unsafe-html`, as `check` reports it), so that whoever builds the site
/// learns why it is not on the page.
pub fn left_out_html(lib: &crate::content::Library) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for inc in &lib.incidents {
        unsafe_html(&inc.source, &inc.unsafe_html, &mut out);
    }
    for l in &lib.learnings {
        unsafe_html(&l.source, &l.unsafe_html, &mut out);
    }
    for page in lib.index.iter().chain(&lib.onboarding) {
        unsafe_html(&page.source, &page.unsafe_html, &mut out);
    }
    out
}

/// The rules of a page's links that `build` reports too (see [`broken_links`]).
const BUILD_LINK_RULES: &[&str] = &["broken-link", "broken-anchor", "missing-image"];

/// What `build` says of the links of the pages it publishes (postmortems, canonical learnings,
/// `index.md`, `onboarding.md`): each link that leads nowhere, each `#section` that is not on
/// its page and each image that does not exist (`broken-link`, `broken-anchor`,
/// `missing-image`, found as `check` finds them), judged against `output`, the files the build
/// writes, held in memory. At the level `[check.rules]` gives them, but never above a warning:
/// `check` is the gate, and a site that built before still builds.
pub fn broken_links(site: &Site, output: &Published) -> Vec<Diagnostic> {
    let ctx = Context::new(site, output);
    let lib = &site.library;
    let mut out: Vec<Diagnostic> = lib
        .incidents
        .par_iter()
        .flat_map_iter(|inc| {
            let mut out = Vec::new();
            links(
                &ctx,
                &inc.source,
                &inc.links,
                Linking::Incident(inc),
                &mut out,
            );
            out
        })
        .collect();
    for l in &lib.learnings {
        links(&ctx, &l.source, &l.links, Linking::Learning(l), &mut out);
    }
    for page in lib.index.iter().chain(&lib.onboarding) {
        let linking = Linking::Special(page);
        links(&ctx, &page.source, &page.links, linking, &mut out);
    }
    // A link to a postmortem the build leaves out is said by `links_to_left_out`.
    out.retain(|d| BUILD_LINK_RULES.contains(&d.rule));
    lib.restore_columns(&mut out);
    as_configured(out, &site.root, &site.config.check.rules)
        .into_iter()
        .map(|mut d| {
            // Levels order from the most serious: an error becomes a warning, a note stays.
            d.level = d.level.max(Level::Warning);
            d
        })
        .collect()
}

/// A link on a published page to the postmortem `target` (its file), which is `why` ("a
/// draft", "in review", "internal") and not on the published site: the page shows the link's
/// text alone (see `markdown::resolve_link`).
fn unpublished_link(
    source: &str,
    l: &crate::markdown::Link,
    why: &str,
    target: &str,
) -> Diagnostic {
    let id = match &l.kind {
        LinkKind::Incident(id) => id.as_str(),
        _ => l.target.as_str(),
    };
    finding(
        "link-to-unpublished",
        source,
        format!("link to `{id}`, which is {why} and will not be on the published site: the page shows the link's text alone"),
    )
    .at(l.line, l.column)
    .hint(format!("publish `{target}` first, or remove the link until it is"))
}

/// What `build` says of the pages it publishes: each link to a postmortem that it leaves out
/// (a draft, one in review, an internal one), which the page shows as text, and each id of one
/// in a postmortem's front-matter `related`, which its page does not list
/// (`link-to-unpublished`, as `check` reports them), so that whoever builds the site learns why
/// the link is not there.
pub fn links_to_left_out(lib: &crate::content::Library) -> Vec<Diagnostic> {
    if lib.left_out.is_empty() {
        return Vec::new();
    }
    let left_out: HashMap<&str, &crate::content::LeftOut> =
        lib.left_out.iter().map(|l| (l.id.as_str(), l)).collect();
    let incidents = lib.incidents.iter().map(|i| (&i.source, &i.links));
    let learnings = lib.learnings.iter().map(|l| (&l.source, &l.links));
    let special = lib.index.iter().chain(&lib.onboarding);
    let mut out = Vec::new();
    for (source, links) in incidents
        .chain(learnings)
        .chain(special.map(|p| (&p.source, &p.links)))
    {
        for l in links {
            let LinkKind::Incident(id) = &l.kind else {
                continue;
            };
            let Some(target) = left_out.get(id.as_str()) else {
                continue;
            };
            if let Some(why) = crate::content::not_published(target.status, target.visibility) {
                out.push(unpublished_link(source, l, why, &target.source));
            }
        }
    }
    // An id in `related` names a postmortem by its id, or by an old id of it, as `check` reads
    // it (see `related`): one that is built is no link to a left-out one.
    let built: HashSet<&str> = lib.incidents.iter().map(|i| i.id.as_str()).collect();
    for inc in &lib.incidents {
        for (i, id) in inc.related.iter().enumerate() {
            if *id == inc.id || inc.aliases.contains(id) || built.contains(id.as_str()) {
                continue;
            }
            let Some(target) = left_out
                .get(id.as_str())
                .or_else(|| left_out.get(lib.renamed(id)?))
            else {
                continue;
            };
            if let Some(why) = crate::content::not_published(target.status, target.visibility) {
                let (line, column) = inc.front_matter.entry_at("related", i);
                out.push(
                    unpublished_related(&inc.source, id, why, &target.source).at(line, column),
                );
            }
        }
    }
    out
}

/// An id in the front-matter `related` of the postmortem `source` that names the postmortem
/// `target` (its file), which is `why` ("a draft", "in review", "internal") and not on the
/// published site: the page does not list it.
fn unpublished_related(source: &str, id: &str, why: &str, target: &str) -> Diagnostic {
    finding(
        "link-to-unpublished",
        source,
        format!("`related` names `{id}`, which is {why} and will not be on the published site: the page does not list it"),
    )
    .hint(format!("publish `{target}` first, or remove it from `related` until it is"))
}

/// What the published page leaves out of a page's text because it could run a script on the
/// site (see [`crate::sanitize`]): each script, style sheet, event handler, `srcdoc` and
/// `javascript:`, `vbscript:` or `data:` URL, where it is written. The page is safe without
/// them; the author learns why they are not on it. `source` is the page's file.
fn unsafe_html(source: &str, found: &[crate::markdown::UnsafeHtml], out: &mut Vec<Diagnostic>) {
    use crate::html::Unsafe;
    for u in found {
        let f = match &u.what {
            Unsafe::Element(name) if name == "style" => finding(
                "unsafe-html",
                source,
                "this `<style>` is left out of the published page, with its content: a page cannot restyle the site",
            )
            .hint("delete it; to size or align an element, a `style` attribute keeps `width`, `height`, `text-align` and colours"),
            Unsafe::Element(name) => finding(
                "unsafe-html",
                source,
                format!("this `<{name}>` is left out of the published page, with its content: a page cannot run scripts on the site"),
            )
            .hint("delete it; show code in a fenced code block (```js), and a chart as an image"),
            Unsafe::Attribute(name) if name == "srcdoc" => finding(
                "unsafe-html",
                source,
                "this `srcdoc` is left out of the published page: it would show HTML of its own in the site's name",
            )
            .hint("delete it; embed a page by its URL (`src`), or write its content in the postmortem"),
            Unsafe::Attribute(name) => finding(
                "unsafe-html",
                source,
                format!("this `{name}` attribute is left out of the published page: an event handler runs a script"),
            )
            .hint("delete the attribute; the element stays"),
            Unsafe::Url(scheme) => {
                let why = if scheme == "data" {
                    "a `data:` URL other than an image's opens content of its own in the site's name"
                } else {
                    "it would run a script"
                };
                finding(
                    "unsafe-html",
                    source,
                    format!("this `{scheme}:` URL is left out of the published page: {why}"),
                )
                .hint("link to an `https:` page, or a file beside the postmortem; to show such a URL, write it as code (`` `javascript:...` ``)")
            }
        };
        out.push(f.at(u.line, u.column));
    }
}

/// The attachments that cannot be read, which `build` cannot copy (`io`, at every link, image
/// or embed of every page that uses each, naming the file), and what the published copies of
/// the site's HTML, SVG and XML attachments leave out (see [`crate::attachment`]): each file
/// read once, however many pages link to it, drafts' included. Every attachment is found
/// through a link of a page ([`crate::markdown::Asset`]), so each has a place to be reported at.
fn attachments(site: &Site) -> Vec<Diagnostic> {
    let lib = &site.library;
    let trusted = crate::attachment::Trusted::new(&site.root, &site.config);
    let pages = lib.index.iter().chain(&lib.onboarding);
    fn used<'a>(
        source: &'a str,
        assets: &'a [crate::markdown::Asset],
    ) -> impl Iterator<Item = (&'a Path, &'a str, usize, usize)> {
        assets
            .iter()
            .map(move |a| (a.from.as_path(), source, a.line, a.column))
    }
    let mut uses: Vec<(&Path, &str, usize, usize)> = lib
        .incidents
        .iter()
        .flat_map(|i| used(&i.source, &i.assets))
        .chain(
            lib.learnings
                .iter()
                .flat_map(|l| used(&l.source, &l.assets)),
        )
        .chain(pages.flat_map(|p| used(&p.source, &p.assets)))
        .collect();
    uses.sort_unstable();
    uses.dedup();
    uses.par_chunk_by(|a, b| a.0 == b.0)
        .flat_map_iter(|uses| {
            let path = uses[0].0;
            let file = rel_path(&site.root, path);
            let bytes = if crate::attachment::kind(path).is_some() && !trusted.covers(path) {
                std::fs::read(path).map(Some)
            } else {
                std::fs::File::open(path).map(|_| None)
            };
            match bytes {
                Err(e) => uses
                    .iter()
                    .map(|&(_, page, line, column)| {
                        crate::attachment::unreadable(&file, page, line, column, &e)
                    })
                    .collect(),
                Ok(bytes) => {
                    let copy = bytes.and_then(|b| crate::attachment::publish(path, &b));
                    let found = copy.map(|c| c.found).unwrap_or_default();
                    unsafe_attachment(&file, &found)
                }
            }
        })
        .collect()
}

/// The `unsafe-attachment` findings of the attachment `file` (relative to the root), whose
/// published copy leaves out `found`: at the file itself, where each is written.
pub fn unsafe_attachment(file: &str, found: &[crate::attachment::Found]) -> Vec<Diagnostic> {
    use crate::attachment::Unsafe;
    let copy = "the published copy of this attachment";
    let hint = "delete it from the file (a picture or a report shows without it); if the team publishes this file's script on purpose (an interactive flame graph), add the file to `trusted_attachments` in hindsight.toml and it is published as it is";
    found
        .iter()
        .map(|f| {
            let (message, hint) = match &f.what {
                Unsafe::Element(name) => (
                    format!("this `<{name}>` is left out of {copy}, with its content: a file opened on the site cannot run scripts there"),
                    hint.to_string(),
                ),
                Unsafe::Attribute(name) if name.eq_ignore_ascii_case("srcdoc") => (
                    format!("this `{name}` is left out of {copy}: it would show HTML of its own in the site's name"),
                    hint.to_string(),
                ),
                Unsafe::Attribute(name) => (
                    format!("this `{name}` attribute is left out of {copy}: an event handler runs a script"),
                    hint.to_string(),
                ),
                Unsafe::Url(scheme) => {
                    let why = if scheme == "data" {
                        "a `data:` URL other than an image's opens content of its own in the site's name"
                    } else {
                        "it would run a script"
                    };
                    (
                        format!("this `{scheme}:` URL is left out of {copy}: {why}"),
                        format!("link to an `https:` page or a file beside it instead; {hint}"),
                    )
                }
                Unsafe::Stylesheet(kind) => (
                    format!("this `<?xml-stylesheet?>` of type `{kind}` is left out of {copy}: an XSLT style sheet can write a script into the file as it is opened"),
                    format!("style it with CSS (`type=\"text/css\"`) or inside the file; {hint}"),
                ),
                Unsafe::Entity(name) => (
                    format!("the DOCTYPE's entity `{name}` is left out of {copy}: its markup could write a script wherever it is used"),
                    format!("write the markup where it is used, without scripts; {hint}"),
                ),
                Unsafe::Unreadable(why) => (
                    format!("this attachment is no well-formed XML from here ({why}), and what follows could run a script: {copy} ends here, where a browser stops reading it too"),
                    format!("fix the XML here (a browser shows an error from here as well); {hint}"),
                ),
                Unsafe::Unplaced => (
                    format!("this attachment holds a script that {copy} leaves out, where Hindsight cannot point at it"),
                    hint.to_string(),
                ),
                Unsafe::TooLarge(max) => (
                    format!("this compressed SVG holds more than {} MiB once decompressed, too much to check for scripts: it is not published, and pages that link to it link to nothing", max >> 20),
                    "publish the picture as `.svg` (hosts compress it on the wire) or make it smaller; if the team trusts this file as it is, add it to `trusted_attachments` in hindsight.toml and it is published unchecked".to_string(),
                ),
                Unsafe::Damaged(why) => (
                    format!("this compressed SVG cannot be decompressed ({why}), so what a browser reads of it cannot be checked for scripts: it is not published, and pages that link to it link to nothing"),
                    "compress the picture again (`gzip -c picture.svg > picture.svgz`), or publish it as `.svg`".to_string(),
                ),
            };
            finding("unsafe-attachment", file, message)
                .at(f.line, f.column)
                .hint(hint)
        })
        .collect()
}

/// Ids in front-matter `related` that name no postmortem: hand-written links that lead nowhere,
/// which ranking related incidents would otherwise drop without a word. An id of a postmortem
/// that the published site leaves out (a draft, one in review, an internal one) leads nowhere
/// there either: `link-to-unpublished`, as for a link in the text.
/// An entry that names a published postmortem an earlier entry names (the same id twice, or an
/// id and an old id of it) is `repeated-related`: the page lists the postmortem once.
fn related(ctx: &Context, inc: &Incident, out: &mut Vec<Diagnostic>) {
    // The id of each postmortem named so far, with the index of the entry that named it first.
    let mut named: HashMap<&str, usize> = HashMap::new();
    for (i, id) in inc.related.iter().enumerate() {
        let (line, column) = inc.front_matter.entry_at("related", i);
        // The related incidents leave out the postmortem itself.
        if *id == inc.id || inc.aliases.contains(id) {
            let which = if *id == inc.id {
                "id"
            } else {
                "old id (in its `aliases`)"
            };
            out.push(related_to_itself(&inc.source, id, which).at(line, column));
            continue;
        }
        // An old id of a postmortem (in its `aliases`) names it as its id does.
        let target = ctx.by_id.get(id.as_str()).or_else(|| {
            let renamed = ctx.site.library.renamed(id)?;
            ctx.by_id.get(renamed)
        });
        if let Some(target) = target {
            // Each entry of a postmortem the site leaves out is said so, as `build` says it.
            if let Some(why) = left_unpublished(ctx, inc.is_public(), target) {
                out.push(
                    unpublished_related(&inc.source, id, why, &target.source).at(line, column),
                );
                continue;
            }
            let first = *named.entry(target.id.as_str()).or_insert(i);
            if first != i {
                let first = &inc.related[first];
                let message = if first == id {
                    format!("`related` names `{id}` twice")
                } else {
                    format!("`related` names the postmortem `{}` twice, as `{first}` and as `{id}` (an old id in its `aliases` names it as its id does)", target.id)
                };
                out.push(
                    finding("repeated-related", &inc.source, message)
                        .at(line, column)
                        .hint(format!(
                            "remove this entry: the page lists `{}` once",
                            target.id
                        )),
                );
            }
            continue;
        }
        let mut ids: Vec<&str> = ctx.by_id.keys().copied().collect();
        ids.sort_unstable();
        out.push(unknown_related(&inc.source, id, &ids).at(line, column));
    }
}

/// `unknown-related` for an entry of `related` that names the postmortem itself, by its `which`
/// (its "id", or an "old id").
fn related_to_itself(source: &str, id: &str, which: &str) -> Diagnostic {
    finding(
        "unknown-related",
        source,
        format!("`related` names `{id}`, this postmortem's own {which}: a postmortem is not related to itself, and its page does not list it"),
    )
    .hint("remove it; `related` lists the ids of other postmortems")
}

/// `unknown-related` for an entry of `related` that is none of `ids` (sorted), with the
/// nearest of them as the hint.
fn unknown_related(source: &str, id: &str, ids: &[&str]) -> Diagnostic {
    let hint = nearest_id(id, ids, |s| format!("`{s}`")).unwrap_or_else(|| {
        "`related` lists the ids of other postmortems (their front-matter `id`, or the id derived from their file name): correct it or remove it".into()
    });
    finding(
        "unknown-related",
        source,
        format!("`related` names `{id}`, which is no postmortem's id"),
    )
    .hint(hint)
}

/// What `hindsight new` knows of the knowledge base a new postmortem goes into: every
/// postmortem's id and old ids (drafts and those `ignore` leaves out too), and its canonical
/// learnings.
pub struct Beside<'a> {
    pub ids: &'a [&'a str],
    pub learnings: &'a [CanonicalLearning],
}

/// The rules only `check` applies (not loading) that a postmortem `hindsight new` is about to
/// write, `inc`, read alone from a copy, can break by what its template wrote, at the levels
/// each rule has by default ([`apply_levels`] sets the configured ones):
///
/// - `future-date` and `time-order` of the dates and times of its front matter;
/// - `required-field`, when the template publishes it (a draft needs no field);
/// - `duplicate-id`, when the template writes an id another postmortem has;
/// - `unknown-learning`, a citation (a learning's `id`, an action item's `learning`, a mark in
///   the text) of a canonical learning the knowledge base does not have;
/// - `unknown-related` and `repeated-related` of its `related` ids.
///
/// What a template cannot know yet is left to `check`: learnings and owners still to write,
/// blaming words, and the links and images of the text, which lead from where the file will be.
pub fn of_new_postmortem(
    inc: &Incident,
    beside: &Beside,
    required_keys: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    dates(latest_date(), inc, &mut out);
    required(required_keys, inc, &mut out);
    if beside.ids.iter().any(|t| t.eq_ignore_ascii_case(&inc.id)) {
        out.push(
            finding(
                "duplicate-id",
                &inc.source,
                format!("incident id `{}` is also used by another postmortem", inc.id),
            )
            .at(fm_line(inc, "id"), 1)
            .hint("leave `id` out of the template's front matter: `hindsight new` then gives the next free one (or write `id: {{ id }}`)"),
        );
    }
    out.extend(crate::learnings::unknown_citations(inc, beside.learnings));
    let mut ids: Vec<&str> = beside.ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for (i, id) in inc.related.iter().enumerate() {
        let (line, column) = inc.front_matter.entry_at("related", i);
        if inc.related[..i].contains(id) {
            out.push(
                finding(
                    "repeated-related",
                    &inc.source,
                    format!("`related` names `{id}` twice"),
                )
                .at(line, column)
                .hint(format!("remove this entry: the page lists `{id}` once")),
            );
        } else if *id == inc.id {
            out.push(related_to_itself(&inc.source, id, "id").at(line, column));
        } else if !ids.contains(&id.as_str()) {
            out.push(unknown_related(&inc.source, id, &ids).at(line, column));
        }
    }
    out
}

/// Whether a step of the reading path could name a cluster (an id that is no canonical
/// learning's, nor a postmortem's): what clusters the published site forms then matters.
fn names_clusters(lib: &crate::content::Library) -> bool {
    let Some(page) = &lib.onboarding else {
        return false;
    };
    let canonical: HashSet<&str> = lib
        .learnings
        .iter()
        .flat_map(|l| std::iter::once(&l.id).chain(&l.aliases))
        .map(String::as_str)
        .collect();
    let incident = |id: &str| {
        let id = lib.current_id(id);
        lib.incident(id).is_some() || lib.left_out.iter().any(|l| l.id == id)
    };
    page.path
        .iter()
        .any(|step| match (&step.incident, &step.learning) {
            (Some(id), _) => !incident(id) && !canonical.contains(id.as_str()),
            (None, Some(id)) => !canonical.contains(id.as_str()),
            (None, None) => false,
        })
}

/// A hint for `id`, which names nothing, from the ids it could have meant, each written as
/// `write` spells it: the same id in another case first (ids are matched in their case), else
/// the nearest.
fn nearest_id(id: &str, ids: &[&str], write: impl Fn(&str) -> String) -> Option<String> {
    if let Some(s) = ids.iter().find(|k| k.eq_ignore_ascii_case(id)) {
        return Some(format!("ids are matched in their case: write {}", write(s)));
    }
    did_you_mean_id(id, ids).map(|s| format!("did you mean {}?", write(s)))
}

/// `path`, a path in the content folder, as a link from the page `source` (a path from the
/// root) writes it: `2024-03-01-disk.md` from a page beside it, `../learnings/x.md` from one in
/// `postmortems/`.
/// The file of the content folder that an embed of `path` (from the content folder), which
/// names none, most likely meant: one in the same folder whose name differs in case alone or
/// by a typo (`Graph.PNG`, `grahp.png`), else the one file of that name, whatever its case,
/// elsewhere in the content folder (`img/graph.png` for `images/graph.png`). Markdown files are
/// never embedded, and a path out of the content folder names none of its files.
fn near_file(ctx: &Context, path: &str) -> Option<String> {
    if path == ".." || path.starts_with("../") {
        return None;
    }
    let content = ctx.site.root.join(&ctx.site.config.content_dir);
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let embeddable = |n: &str| !n.starts_with('.') && !n.to_ascii_lowercase().ends_with(".md");
    let mut beside: Vec<String> = std::fs::read_dir(content.join(dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| embeddable(n))
        .collect();
    beside.sort();
    let names: Vec<&str> = beside.iter().map(String::as_str).collect();
    let join = |n: &str| match dir {
        "" => n.to_string(),
        dir => format!("{dir}/{n}"),
    };
    let same_type = |n: &str| {
        let ext = |n: &str| n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        ext(n) == ext(name)
    };
    if let Some(n) = names
        .iter()
        .copied()
        .find(|n| n.eq_ignore_ascii_case(name))
        .or_else(|| did_you_mean(name, &names).filter(|n| same_type(n)))
    {
        return Some(join(n));
    }
    let mut elsewhere = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| {
            e.file_type().is_file() && e.file_name().to_string_lossy().eq_ignore_ascii_case(name)
        })
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(&content)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            embeddable(&rel).then_some(rel)
        });
    match (elsewhere.next(), elsewhere.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn relative_to_page(ctx: &Context, source: &str, path: &str) -> String {
    let page = Path::new(source)
        .strip_prefix(&ctx.site.config.content_dir)
        .unwrap_or(Path::new(source));
    let from: Vec<String> = page
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let to: Vec<&str> = path.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a.as_str() == **b)
        .count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

/// Whether the file name `target` (a link's) and the path `suggested` for it still read alike
/// without a leading date (`2024-03-01-`, `20240301_`): names that share a date scheme look alike to
/// [`did_you_mean`] in their dates alone, and `2026-01-01-nope.md` is no typo of
/// `2026-11-01-second.md`.
fn same_but_for_date(target: &str, suggested: &str) -> bool {
    fn undated(name: &str) -> &str {
        static DATE: OnceLock<Regex> = OnceLock::new();
        let date =
            DATE.get_or_init(|| Regex::new(r"^(?:19|20)\d{2}[-_.]?\d{2}[-_.]?\d{2}[-_ ]").unwrap());
        let name = name.rsplit('/').next().unwrap_or(name);
        date.find(name).map_or(name, |m| &name[m.end()..])
    }
    let (a, b) = (undated(target), undated(suggested));
    a.eq_ignore_ascii_case(b) || did_you_mean(a, &[b]).is_some()
}

/// The id of `ids` that `id` most likely mistypes (see [`did_you_mean`]), but never one that
/// differs from it only in its numbers: in a numbered scheme `PM2022-002` is another incident,
/// not a typo of `PM2022-001`. The same numbers written otherwise (`PM2024-02` for
/// `PM2024-002`) are a typo.
fn did_you_mean_id<'a>(id: &str, ids: &[&'a str]) -> Option<&'a str> {
    // The id with each run of digits as `0`, and the numbers, without leading zeros.
    fn split(id: &str) -> (String, Vec<&str>) {
        let mut shape = String::new();
        let mut numbers = Vec::new();
        let mut rest = id;
        while let Some(c) = rest.chars().next() {
            if c.is_ascii_digit() {
                let end = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                shape.push('0');
                let n = rest[..end].trim_start_matches('0');
                numbers.push(if n.is_empty() { "0" } else { n });
                rest = &rest[end..];
            } else {
                shape.extend(c.to_lowercase());
                rest = &rest[c.len_utf8()..];
            }
        }
        (shape, numbers)
    }
    let (shape, numbers) = split(id);
    let letters: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|other| {
            let (s, n) = split(other);
            s != shape || n == numbers
        })
        .collect();
    did_you_mean(id, &letters)
}

/// Steps of the reading path (the `path` of `onboarding.md`) that the onboarding page leaves
/// out: an id that names no postmortem or learning of `graph`, or a postmortem that is not
/// published (unless drafts are built, `drafts_shown`). `build` reports them too (see
/// [`crate::load_site`]); `check` passes the graph of the published postmortems, whose
/// clusters are those the onboarding page can show.
pub fn path_steps(
    lib: &crate::content::Library,
    graph: &crate::learnings::Graph,
    drafts_shown: bool,
) -> Vec<Diagnostic> {
    let Some(page) = &lib.onboarding else {
        return Vec::new();
    };
    let mut incidents: Vec<&str> = lib
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .chain(lib.left_out.iter().map(|l| l.id.as_str()))
        .collect();
    incidents.sort_unstable();
    let mut learnings: Vec<&str> = graph.by_id.keys().map(String::as_str).collect();
    learnings.sort_unstable();
    let mut out = Vec::new();
    let f = page.format;
    for step in &page.path {
        let (message, hint) = if let Some(id) = &step.incident {
            let current = lib.current_id(id);
            let found = lib
                .incident(current)
                .map(|i| (i.status, i.visibility, &i.source))
                .or_else(|| {
                    lib.left_out
                        .iter()
                        .find(|l| l.id == current)
                        .map(|l| (l.status, l.visibility, &l.source))
                });
            if let Some((status, visibility, source)) = found {
                let Some(why) =
                    crate::content::not_published(status, visibility).filter(|_| !drafts_shown)
                else {
                    continue;
                };
                (
                    format!("the reading path names `{id}`, which is {why} and not on the published site, so the step is left out"),
                    format!("publish `{source}` first, or remove the step until it is"),
                )
            } else {
                let hint = if graph.by_id.contains_key(id.as_str()) {
                    format!("`{id}` is a learning: write {}", f.set_text("learning", id))
                } else if let Some(hint) = nearest_id(id, &incidents, |s| f.set_text("incident", s))
                {
                    hint
                } else {
                    "an `incident` step names a postmortem by its id (its front-matter `id`, or the id derived from its file name): correct it or remove the step".into()
                };
                (
                    format!("the reading path names `{id}`, which is no postmortem's id, so the step is left out"),
                    hint,
                )
            }
        } else if let Some(id) = &step.learning {
            if graph.by_id.contains_key(id.as_str()) {
                continue;
            }
            let hint = if incidents.contains(&id.as_str()) {
                format!(
                    "`{id}` is a postmortem: write {}",
                    f.set_text("incident", id)
                )
            } else if let Some(hint) = nearest_id(id, &learnings, |s| f.set_text("learning", s)) {
                hint
            } else {
                "a `learning` step names a canonical learning (a file in learnings/, or one of its `aliases`) or a learning of the /learnings/ page by its id: correct it or remove the step".into()
            };
            (
                format!("the reading path names the learning `{id}`, which does not exist, so the step is left out"),
                hint,
            )
        } else {
            continue;
        };
        out.push(
            finding("path-step", &page.source, message)
                .at(step.at.0, step.at.1)
                .hint(hint),
        );
    }
    out
}

fn check_anchor(
    ctx: &Context,
    source: &str,
    l: &crate::markdown::Link,
    id: &str,
    anchor: &str,
    target_name: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(anchors) = ctx.anchors.get(id) else {
        return;
    };
    let github = ctx.by_id.get(id).map_or(&[][..], |t| &t.github_anchors[..]);
    anchor_finding(source, l, anchor, anchors, github, target_name, out);
}

/// [`check_anchor`] of a link into the canonical learning `id`, from its own page or not.
fn check_learning_anchor(
    ctx: &Context,
    source: &str,
    l: &crate::markdown::Link,
    id: &str,
    anchor: &str,
    own: bool,
    out: &mut Vec<Diagnostic>,
) {
    if let Some((learning, anchors)) = ctx.learning_anchors.get(id) {
        let name = if own { "this page" } else { &learning.source };
        let github = &learning.github_anchors;
        anchor_finding(source, l, anchor, anchors, github, name, out);
    }
}

/// A `broken-anchor` finding when `anchor` is none of `anchors` of `target_name`, nor GitHub's
/// anchor of one of its headings that the build leads to the heading's id (`github`, see
/// [`crate::markdown::github_anchor_target`]).
fn anchor_finding(
    source: &str,
    l: &crate::markdown::Link,
    anchor: &str,
    anchors: &HashSet<String>,
    github: &[(String, String)],
    target_name: &str,
    out: &mut Vec<Diagnostic>,
) {
    let decoded = crate::markdown::percent_decode(anchor);
    if anchors.contains(anchor) || anchors.contains(&decoded) {
        return;
    }
    if crate::markdown::github_anchor_target(github, anchor).is_some() {
        return;
    }
    // The page's top (an empty anchor) is no section to name.
    let mut list: Vec<&str> = anchors
        .iter()
        .map(String::as_str)
        .filter(|a| !a.is_empty())
        .collect();
    list.sort_unstable();
    let hint = match did_you_mean(&decoded, &list) {
        Some(s) => format!("did you mean `#{s}`? Anchors are the headings' slugs"),
        None if list.is_empty() => format!(
            "{target_name} has no headings to link to: link to the page without `#{anchor}`"
        ),
        None => format!(
            "sections of {target_name}: {}",
            list.iter()
                .take(12)
                .map(|a| format!("#{a}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push(
        finding(
            "broken-anchor",
            source,
            format!("`#{anchor}` is not a section of {target_name}"),
        )
        .at(l.line, l.column)
        .hint(hint),
    );
}

fn learnings_missing(ctx: &Context, inc: &Incident, out: &mut Vec<Diagnostic>) {
    if !inc.learnings.is_empty() {
        return;
    }
    let extra = &ctx.site.config.learnings.sections;
    let section = inc
        .sections
        .iter()
        .find(|s| derive::title_holds(&s.title, derive::Holds::Learnings, extra));
    let f = inc.front_matter.format;
    let d = if inc.front_matter.learnings.is_some() {
        finding("learnings-missing", &inc.source, "`learnings` is empty")
            .at(fm_line(inc, "learnings"), 1)
            .hint(format!(
                "list what the incident taught, e.g. {}",
                f.set(
                    "learnings",
                    "[\"Alert on symptoms, not causes\"]",
                    "[\"Alert on symptoms, not causes\"]"
                )
            ))
    } else if let Some(s) = section {
        finding(
            "learnings-missing",
            &inc.source,
            format!("the section `{}` has no learnings", s.title),
        )
        .at(s.line, 1)
        .hint("write each learning as a list item under this heading")
    } else {
        finding("learnings-missing", &inc.source, "no learnings: no `learnings` in the front matter and no Lessons learned section")
            .at(1, 1)
            .hint(format!("add a `## Lessons learned` section with one list item per learning, or {} in the front matter; if the lessons are under a heading Hindsight does not know (in another language, or a house style), name it in hindsight.toml: `[learnings]` `sections = [\"Lições aprendidas\"]`", f.key("learnings")))
    };
    out.push(d);
}

fn action_owners(inc: &Incident, out: &mut Vec<Diagnostic>) {
    let from_front_matter = inc.front_matter.action_items.is_some();
    for a in &inc.action_items {
        // Done or dropped items need no owner; one with no status recorded may still be open.
        let what = match a.status {
            _ if a.owner.is_some() || a.owner_reported => continue,
            Some(crate::content::ActionStatus::Open) => "open action item",
            None => "action item",
            Some(_) => continue,
        };
        out.push(
            finding("action-owner", &inc.source, format!("{what} has no owner: “{}”", short(&a.text, 60)))
                .at(a.owner_at.0, a.owner_at.1)
                .hint(if from_front_matter {
                    format!(
                        "add {} to this item",
                        inc.front_matter.format.set_text("owner", "team-or-person")
                    )
                } else {
                    "name the owner at the end of the item, e.g. `(team-payments)`, `(team-payments, due 2025-10-31)`, `(owner: team-payments)` or `@team-payments`, or fill an Owner column".to_string()
                }),
        );
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

/// How many learnings or action items (`what`) were read from the text, and from which
/// sections, as the author titled them: `2 learnings from “Lessons learned” (line 40)`. The
/// section of an item is the outermost one around it whose title says it holds them (`holds`,
/// with the team's `extra` titles): the items under `### General` and `### Reflections` of
/// `## Lessons learned` are from “Lessons learned”, those of `### Lessons learned` in
/// `## Review` are too. With no such title around it, it is the top-level section that starts
/// last before it, or, before any heading, the label that does (`**Lessons learned:**`).
fn read_from(
    inc: &Incident,
    what: &str,
    holds: (crate::content::derive::Holds, &[String]),
    lines: impl Iterator<Item = usize>,
) -> String {
    let mut n = 0;
    let mut from: Vec<&crate::markdown::Section> = Vec::new();
    let last_before = |line: usize, top: bool| {
        inc.sections
            .iter()
            .filter(|s| s.line <= line && (!top || s.nested_at.is_none()))
            .max_by_key(|s| s.line)
    };
    // The sections around a line, outermost first.
    let around = |line: usize| {
        let mut chain: Vec<&crate::markdown::Section> = Vec::new();
        for s in inc.sections.iter().filter(|s| s.line <= line) {
            while chain.last().is_some_and(|top| top.level >= s.level) {
                chain.pop();
            }
            chain.push(s);
        }
        chain
    };
    for line in lines {
        n += 1;
        let titled = around(line)
            .into_iter()
            .find(|s| crate::content::derive::title_holds(&s.title, holds.0, holds.1));
        let section = titled
            .or_else(|| last_before(line, true))
            .or_else(|| last_before(line, false));
        if let Some(s) = section {
            if !from.iter().any(|f| std::ptr::eq(*f, s)) {
                from.push(s);
            }
        }
    }
    let items = if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    };
    if from.is_empty() {
        return format!("{items} from the text");
    }
    from.sort_by_key(|s| s.line);
    let names: Vec<String> = from
        .iter()
        .map(|s| format!("“{}” (line {})", s.title, s.line))
        .collect();
    format!("{items} from {}", and_list(&names))
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The part of the `derived` note that says where the date of `inc` comes from; `name` says
/// whether its file name or its folder name names it.
fn derived_date(inc: &Incident, name: &str) -> String {
    use derive::DateSource;
    match (inc.date, inc.date_source) {
                (Some(d), DateSource::StartedAt) => format!("date {d} from `started_at`"),
                (Some(d), DateSource::DetectedAt) => format!("date {d} from `detected_at`"),
                (Some(d), DateSource::ResolvedAt) => {
                    format!("date {d} from `resolved_at` (the file name and the text give none)")
                }
                (Some(d), DateSource::FileName) => format!("date {d} from the {name}"),
                (Some(d), DateSource::Body) => format!(
                    "date {d} from the text, its first date that is not a plan or after tomorrow"
                ),
                (Some(d), DateSource::BodyNamedWeekday) => format!(
                    "date {d} from the text, the {} it names, not its first date",
                    d.format("%A")
                ),
                (Some(d), DateSource::BodyWithFileNameYear) => {
                    format!(
                        "date {d} from the day and month in the text and the year in the file name"
                    )
                }
                (Some(d), DateSource::FileNameYear) => {
                    format!("date {d} from the year in the file name")
                }
                // The front matter's own date is not derived.
                (Some(d), _) => format!("date {d} from the day git first recorded the file"),
                // A `date` written but not read is an error of its own, at its line.
                (None, _) => match inc.front_matter.line_of("date") {
                    Some(line) => format!(
                        "no date, as `date` on line {line} cannot be read (until it is fixed, the postmortem is listed as undated and left out of the feed)"
                    ),
                    None => "no date (the postmortem is listed as undated and left out of the feed)"
                        .to_string(),
                },
    }
}

fn derived(inc: &Incident, config: &crate::config::LearningsConfig, out: &mut Vec<Diagnostic>) {
    use derive::Holds;
    let mut parts = Vec::new();
    let mut hint = "nothing to fix; to pin a value, set it in the front matter".to_string();
    // A postmortem named by its folder (`INC-101/postmortem.md`) is so in each part below.
    let (stem, by_folder) = crate::content::naming(&inc.content_path);
    let name = if by_folder {
        "folder name"
    } else {
        "file name"
    };
    if inc.front_matter.id.is_none() {
        if derive::id_and_title_from_stem(stem).0 == crate::markdown::slugify(stem) {
            parts.push(if by_folder {
                format!(
                    "id `{}` from the name of its folder, `{stem}/` (its file's name says only what it is)",
                    inc.id
                )
            } else {
                format!("id `{}` from the whole file name", inc.id)
            });
            hint = format!(
                "renaming the {} would change the page URL: set {} in the front matter to keep it",
                if by_folder { "folder" } else { "file" },
                inc.front_matter.format.set_text("id", &inc.id)
            );
        } else {
            parts.push(format!(
                "id `{}` from the incident number in the {name}",
                inc.id
            ));
        }
    }
    for field in &inc.derived {
        match *field {
            "title" => parts.push(format!(
                "title “{}” from the first heading",
                short(&inc.title, 50)
            )),
            "title-from-file-name" => parts.push(format!(
                "title “{}” from the {name} (the text has no {}heading)",
                short(&inc.title, 50),
                // A GitLab issue pasted with its title as `## [INC-77] ...` has headings.
                if inc.sections.iter().any(|s| s.level <= 6) {
                    "level-1 (`# Title`) "
                } else {
                    ""
                }
            )),
            "date" => parts.push(match (inc.date, inc.date_source) {
                // A `date` written but not read is an error of its own, at its line; until
                // it is fixed, the date is derived as if none were written.
                (Some(_), _) if inc.front_matter.line_of("date").is_some() => format!(
                    "{}, as `date` on line {} cannot be read",
                    derived_date(inc, name),
                    inc.front_matter.line_of("date").unwrap_or_default()
                ),
                _ => derived_date(inc, name),
            }),
            "severity" => parts.push(format!(
                "severity {} from the text",
                inc.severity.as_deref().unwrap_or_default()
            )),
            "services" => parts.push(format!(
                "services {} from the text",
                inc.services.join(", ")
            )),
            key @ ("started_at" | "detected_at" | "resolved_at") => {
                if let Some(t) = stated_timestamp(inc, key) {
                    parts.push(format!(
                        "{key} {} from {} on line {}",
                        t.at.to_rfc3339(),
                        stated_where(t),
                        t.line
                    ))
                }
            }
            "summary" if !inc.summary.is_empty() => {
                parts.push("summary from the first paragraph".into())
            }
            "learnings" if !inc.learnings.is_empty() => parts.push(read_from(
                inc,
                "learning",
                (Holds::Learnings, &config.sections),
                inc.learnings.iter().map(|l| l.line),
            )),
            "action_items" if !inc.action_items.is_empty() => parts.push(read_from(
                inc,
                "action item",
                (Holds::Actions, &config.action_sections),
                inc.action_items.iter().map(|a| a.line),
            )),
            _ => {}
        }
    }
    if parts.is_empty() {
        return;
    }
    let t = &inc.stated_timestamps;
    if t.started.is_some() || t.detected.is_some() || t.resolved.is_some() {
        hint.push_str("; the times go together: once the front matter sets one of `started_at`, `detected_at` and `resolved_at`, none is read from the text");
    }
    out.push(
        finding(
            "derived",
            &inc.source,
            format!(
                "derived what the front matter does not set: {}",
                parts.join("; ")
            ),
        )
        .at(1, 1)
        .hint(hint),
    );
}

/// Aliases must be ids or paths, and must not collide with a page or with another alias.
fn alias_rules(site: &Site) -> Vec<Diagnostic> {
    let pages: HashSet<String> = crate::render::page_urls(site).into_iter().collect();
    // Each URL the aliases claim, with the incidents claiming it and the entry that does.
    let mut claims: BTreeMap<String, Vec<(&Incident, usize)>> = BTreeMap::new();
    let mut out = Vec::new();
    for inc in &site.library.incidents {
        for (i, alias) in inc.aliases.iter().enumerate() {
            let (line, column) = inc.front_matter.entry_at("aliases", i);
            match crate::render::alias_path(alias, "incidents") {
                Err(why) => out.push(
                    finding("bad-alias", &inc.source, format!("alias `{alias}` cannot be used: {why}"))
                        .at(line, column)
                        .hint("an alias is an old id (`PM2019-9`) or an old URL path from the site root (`/incidents/old-name/`)"),
                ),
                Ok(path) if path == inc.url() => out.push(
                    finding("bad-alias", &inc.source, format!("alias `{alias}` is this postmortem's own URL"))
                        .at(line, column)
                        .hint("remove it: an alias is an old URL that should lead here"),
                ),
                Ok(path) if pages.contains(&path) => out.push(
                    finding("bad-alias", &inc.source, format!("alias `{alias}` is the URL of an existing page, `/{path}`"))
                        .at(line, column)
                        .hint("a redirect cannot replace a page; remove the alias or move that page"),
                ),
                Ok(path) => claims.entry(path).or_default().push((inc, i)),
            }
        }
    }
    for (path, incs) in claims {
        if incs.len() < 2 {
            continue;
        }
        for &(inc, i) in &incs {
            let others: Vec<&str> = incs
                .iter()
                .filter(|(o, _)| o.id != inc.id)
                .map(|(o, _)| o.source.as_str())
                .collect();
            let (line, column) = inc.front_matter.entry_at("aliases", i);
            out.push(
                finding("bad-alias", &inc.source, format!("alias for `/{path}` is also claimed by {}", others.join(", ")))
                    .at(line, column)
                    .hint("an old URL can redirect to one page only; keep the alias on the postmortem that replaced it"),
            );
        }
    }
    out
}

/// Learnings that read alike but share no canonical id: attached to a canonical learning by
/// similarity, or clustered across incidents by `learnings::link`.
fn near_duplicates(site: &Site) -> Vec<Diagnostic> {
    let lib = &site.library;
    let graph = &site.graph;
    let mut out = Vec::new();
    for s in crate::learnings::suggestions(lib) {
        let inc = &lib.incidents[s.incident];
        let l = &inc.learnings[s.learning];
        let title = graph
            .by_id
            .get(&s.canonical)
            .map(|&g| graph.groups[g].title.as_str())
            .unwrap_or("");
        out.push(
            finding("near-duplicate-learning", &inc.source, format!("this learning reads like the canonical learning `{}` (“{}”, similarity {:.2}) but does not cite it", s.canonical, short(title, 60), s.score))
                .at(l.line, 1)
                .hint(format!("if it is the same lesson, cite it: {}; if it is another lesson, cite `none` the same way and it stays apart", how_to_cite(inc, &s.canonical))),
        );
    }
    // A tentative cluster rests on one shared word: no lesson to give a canonical page.
    let suggested = &graph.suggested;
    for g in graph
        .groups
        .iter()
        .filter(|g| !g.canonical && !g.is_tentative())
    {
        let mut incidents: Vec<usize> = g.citations.iter().map(|&(i, _)| i).collect();
        incidents.sort_unstable();
        incidents.dedup();
        if incidents.len() < 2 {
            continue;
        }
        let id = &suggested[&g.id];
        for &(ii, li) in &g.citations {
            let inc = &lib.incidents[ii];
            // The words this learning shares with those it reads like, not the whole
            // cluster's: a cluster's other words may be in none of this learning.
            let words = crate::learnings::words_shared_by(lib, graph, g, (ii, li), 4);
            let sharing = match words.len() {
                0 => String::new(),
                1 => format!(" (they share the word “{}”)", words[0]),
                _ => format!(
                    " (they share the words {})",
                    words
                        .iter()
                        .map(|w| format!("“{w}”"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            // The three oldest are named; a large cluster is counted, not listed.
            const NAMED: usize = 3;
            let others = g.citations.iter().filter(|(oi, _)| *oi != ii);
            let count = others.clone().count();
            let mut named: Vec<String> = others
                .take(NAMED)
                .map(|&(oi, ol)| {
                    format!(
                        "{}:{}",
                        lib.incidents[oi].source, lib.incidents[oi].learnings[ol].line
                    )
                })
                .collect();
            if count > NAMED {
                named.push(format!("and {} more", count - NAMED));
            }
            out.push(
                finding("near-duplicate-learning", &inc.source, format!("this learning reads like {} in other postmortems: {}{sharing}", if count == 1 { "a learning" } else { "learnings" }, named.join(", ")))
                    .at(inc.learnings[li].line, 1)
                    .hint(format!("give the lesson one canonical id: create learnings/{id}.md (a title and a paragraph{}) and cite it from each ({}); if this one is another lesson, cite `none` the same way and it stays apart", keep_address(inc, &g.id, id), how_to_cite(inc, id))),
            );
        }
    }
    out
}

/// What a cluster's canonical learning adds when its proposed id is not the cluster's own:
/// the cluster's id as an alias, so that the address of the cluster's page leads to it. In
/// the front-matter format of the postmortem the finding is about, as a team writes one.
fn keep_address(inc: &Incident, cluster: &str, id: &str) -> String {
    if cluster == id {
        return String::new();
    }
    let aliases = match inc.front_matter.format {
        frontmatter::Format::Toml => format!("aliases = [\"{cluster}\"]"),
        frontmatter::Format::Yaml => format!("aliases: [{cluster}]"),
    };
    format!(", and `{aliases}` so that /learnings/{cluster}/ leads to it")
}

/// How an author cites canonical learning `id` from a learning of `inc`: in the front matter
/// when its learnings are written there, else with a mark at the end of the item.
fn how_to_cite(inc: &Incident, id: &str) -> String {
    use frontmatter::Format;
    match inc.front_matter.format {
        _ if inc.derived.contains(&"learnings") => {
            format!("end its text with `<!-- hindsight: learning {id} -->`")
        }
        Format::Yaml => {
            format!("in the front matter write the learning as `- text: ...` with `id: {id}`")
        }
        Format::Toml => format!(
            "in the front matter write the learning as `{{ text = \"...\", id = \"{id}\" }}`, or add `id = \"{id}\"` to its `[[learnings]]` table"
        ),
    }
}

/// Markdown-looking files that the build skips although they read like a postmortem.
fn not_built(site: &Site) -> Vec<Diagnostic> {
    let content_root = site.root.join(&site.config.content_dir);
    let ignore = crate::content::ignoring::Ignore::new(&site.config.ignore);
    let allow =
        "if it is not a postmortem, add `<!-- hindsight: allow not-built -->` on its first line";
    site.library
        .skipped
        .par_iter()
        .filter_map(|rel| {
            let path = content_root.join(rel);
            let text = crate::content::text_of(&std::fs::read(&path).ok()?);
            let file = rel_path(&site.root, &path);
            let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let readme = name.to_lowercase().starts_with("readme.");
            // A README beside its folder's postmortem (`index.md`, `postmortem.md`): named with
            // it whenever it reads like a postmortem, however short, as either could be meant.
            let page = (readme && ignore.matched(rel, false).is_none())
                .then(|| folder_postmortem(&content_root, folder, &site.library.skipped))
                .flatten();
            if page.is_some() {
                if !crate::content::signs(&text).postmortem {
                    return None;
                }
            } else if !looks_like_postmortem(&text) {
                return None;
            }
            let (why, hint) = if let Some(p) = ignore.matched(rel, false).map(|i| &site.config.ignore[i]) {
                (
                    format!("ignored by the pattern `{p}` in hindsight.toml"),
                    format!("to publish it, narrow `ignore` so that `{p}` does not match it; {allow}"),
                )
            } else if let Some(page) = page {
                let other = rel_path(&site.root, &content_root.join(&page));
                let dir = other.rsplit_once('/').map_or("", |(d, _)| d);
                let page_name = page.rsplit('/').next().unwrap_or(&page);
                (
                    format!("`{dir}/` holds both `{name}` and `{page_name}`, and `{page_name}` is its postmortem: a folder's `{page_name}` comes before its README, as on GitHub Pages and in a Hugo page bundle, and the README is a repository file"),
                    format!("if the README is the postmortem, move its text into `{other}` (or delete `{other}`, and the README is the folder's postmortem); if it only describes the folder, {}", allow.trim_start_matches("if it is not a postmortem, ")),
                )
            } else if crate::content::repository_file(name) {
                let own = folder.rsplit('/').next().unwrap_or(folder);
                if readme {
                    (
                        format!("a README is read as its folder's postmortem only when it is the one Markdown file of its folder, and `{folder}/` holds others"),
                        format!("to publish it, give it a name of its own (such as `{own}.md`), or move the other Markdown files out of `{folder}/`; {allow}"),
                    )
                } else {
                    (
                        format!("`{name}` is a repository file (like README, CONTRIBUTING or LICENSE), never a postmortem"),
                        format!("to publish it, give it a name of its own (such as `{own}.md`); {allow}"),
                    )
                }
            } else {
                (
                    "it has no .md extension".to_string(),
                    format!("to publish it, rename it to end in `.md`; {allow}"),
                )
            };
            Some(
                finding("not-built", &file, format!("this file looks like a postmortem but will not be built: {why}"))
                    .at(1, 1)
                    .hint(hint),
            )
        })
        .collect()
}

/// The patterns of `ignore` that match no file under the content folder, at each in
/// hindsight.toml: written for a folder that is not there, or not as the walk reads them.
fn unused_ignore(site: &Site) -> Vec<Diagnostic> {
    let unused = &site.library.unused_ignore;
    // A pattern that misses a file only by its case (`Drafts/` of `drafts/a.md`): the first
    // such file, to name in the hint. The folder is walked again only when a pattern is unused.
    let any_case = crate::content::ignoring::Ignore::any_case(&site.config.ignore);
    let content_root = site.root.join(&site.config.content_dir);
    let mut in_other_case: HashMap<usize, String> = HashMap::new();
    if !unused.is_empty() {
        let files = walkdir::WalkDir::new(&content_root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0
                    || !(name.starts_with('.')
                        || (e.depth() == 1
                            && e.file_type().is_dir()
                            && crate::content::never_read(&name)))
            })
            .flatten()
            .filter(|e| e.file_type().is_file());
        for e in files {
            let rel = rel_path(&content_root, e.path());
            for &i in unused {
                if !in_other_case.contains_key(&i) && any_case.touches(i, &rel) {
                    in_other_case.insert(i, rel.clone());
                }
            }
            if in_other_case.len() == unused.len() {
                break;
            }
        }
    }
    unused
        .iter()
        .map(|&i| {
            let pattern = &site.config.ignore[i];
            let (line, column) = crate::config::value_in_file(&site.root, &format!("ignore[{i}]"))
                .unwrap_or((1, 1));
            let first = pattern
                .trim_start_matches('!')
                .trim_start_matches("./")
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("");
            let hint = if let Some(rel) = in_other_case
                .get(&i)
                .filter(|_| !crate::content::never_read(first))
            {
                format!("`{pattern}` would match `{rel}` were case not to count, but patterns are case-sensitive, as git's are on Linux (`core.ignorecase = false`), on every system so that a laptop builds the site CI builds: write the pattern as the file or folder is spelled, or match both spellings with a class such as `[Dd]rafts/`")
            } else if crate::content::never_read(first) {
                format!("Hindsight never reads `{first}/` at the top of the content folder (nor a hidden file or folder), so the pattern is not needed: delete it")
            } else if !first.is_empty() && content_root.join(first) == site.root.join(&site.config.output_dir) {
                format!("`{first}/` is the output folder, which Hindsight never reads as content, so the pattern is not needed: delete it")
            } else {
                "a pattern reads as a line of a .gitignore in the content folder: `drafts/` or `drafts` leaves out every folder `drafts` and all in it, `/drafts/` only the one at the top, `*template*` every name that holds `template` (case counts: `*[Tt]emplate*` for both); correct it, or delete it (or set `unused-ignore = \"off\"` in [check.rules] to keep it for files to come)".to_string()
            };
            finding(
                "unused-ignore",
                crate::config::FILE_NAME,
                format!("the `ignore` pattern `{pattern}` matches no file under the content folder, so it leaves out nothing"),
            )
            .at(line, column)
            .hint(hint)
        })
        .collect()
}

/// The postmortem of the folder `folder` (from the content folder) that its name leaves to the
/// folder (`INC-201/index.md`, `INC-201/postmortem.md`: see [`crate::content::naming`]), when
/// there is one and it is read: the file a README beside it gives way to.
fn folder_postmortem(content_root: &Path, folder: &str, skipped: &[String]) -> Option<String> {
    let mut pages = std::fs::read_dir(content_root.join(folder))
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| format!("{folder}/{}", e.file_name().to_string_lossy()))
        .filter(|rel| {
            let lower = rel.to_lowercase();
            let name = lower.rsplit('/').next().unwrap_or_default();
            (lower.ends_with(".md") || lower.ends_with(".markdown"))
                && !name.starts_with("readme.")
                && !name.starts_with('.')
                && crate::content::naming(rel).1
                && !skipped.contains(rel)
        })
        .collect::<Vec<_>>();
    pages.sort();
    (pages.len() == 1).then(|| pages.remove(0))
}

/// A postmortem has postmortem front matter or at least two postmortem sections, and enough
/// prose not to be a template.
fn looks_like_postmortem(text: &str) -> bool {
    let signs = crate::content::signs(text);
    signs.postmortem && signs.words >= 60
}

/// The blaming phrasing rule: words and phrases, counterfactuals, and a person's name as cause.
struct Blameless {
    /// One alternation of every configured phrase.
    phrases: Option<Regex>,
    /// Phrase (lowercase, single spaces) to how it must be used to count.
    kinds: HashMap<String, Use>,
    names: bool,
    /// Phrases and name patterns in one alternation: what [`Blameless::could_match`] runs
    /// over whole files, one pass instead of two.
    screen: Option<Regex>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Always.
    Always,
    /// Only followed by a past participle ("should have caught", not "should have a runbook").
    Counterfactual,
    /// Only after a person as subject ("we failed to", not "the pod failed to").
    PersonSubject,
    /// Asks people to try harder ("be more careful"): blame with or without a name, and no fix.
    TryHarder,
    /// Only before a person as object ("retrain Bob", not "retrain the model").
    PersonObject,
}

/// The built-in list: phrase and how it must be used to count.
const DEFAULT_BLAMELESS: &[(&str, Use)] = &[
    ("human error", Use::Always),
    ("operator error", Use::Always),
    ("user error", Use::Always),
    ("careless", Use::Always),
    ("carelessly", Use::Always),
    ("carelessness", Use::Always),
    ("negligence", Use::Always),
    ("negligent", Use::Always),
    ("negligently", Use::Always),
    ("blame", Use::Always),
    ("blamed", Use::Always),
    ("to blame", Use::Always),
    ("fault", Use::Always),
    ("at fault", Use::Always),
    ("forgot", Use::Always),
    ("forgotten", Use::Always),
    ("sloppy", Use::Always),
    ("incompetent", Use::Always),
    ("incompetence", Use::Always),
    ("messed up", Use::Always),
    ("screwed up", Use::Always),
    ("screw-up", Use::Always),
    ("screwup", Use::Always),
    ("botched", Use::Always),
    ("fat-fingered", Use::Always),
    ("dropped the ball", Use::Always),
    ("more careful", Use::TryHarder),
    ("more carefully", Use::TryHarder),
    ("be careful", Use::TryHarder),
    ("pay more attention", Use::TryHarder),
    ("paid more attention", Use::TryHarder),
    ("more attentive", Use::TryHarder),
    ("more diligent", Use::TryHarder),
    ("more vigilant", Use::TryHarder),
    ("retrain", Use::PersonObject),
    ("re-train", Use::PersonObject),
    ("retraining", Use::PersonObject),
    ("re-training", Use::PersonObject),
    ("reprimand", Use::PersonObject),
    ("discipline", Use::PersonObject),
    ("should have", Use::Counterfactual),
    ("should've", Use::Counterfactual),
    ("ought to have", Use::Counterfactual),
    ("failed to", Use::PersonSubject),
    ("neglected to", Use::PersonSubject),
    ("didn't bother", Use::PersonSubject),
    ("did not bother", Use::PersonSubject),
];

/// Technical phrases that contain a blaming word but blame nobody.
const TECHNICAL: &[&str] = &[
    "fault toleran",
    "fault-toleran",
    "fault injection",
    "fault domain",
    "fault isolation",
    "fault detection",
    "fault zone",
    "page fault",
    "segmentation fault",
    "no-fault",
    "hardware fault",
    "network fault",
];

const PERSONS: &[&str] = &[
    "i",
    "we",
    "he",
    "she",
    "they",
    "you",
    "someone",
    "somebody",
    "engineer",
    "engineers",
    "developer",
    "developers",
    "operator",
    "operators",
    "team",
    "person",
    "admin",
    "administrator",
    "on-call",
    "oncall",
    "reviewer",
    "reviewers",
    "author",
    "intern",
    "interns",
    "contractor",
    "sre",
    "sres",
    "staff",
];

/// Forms of "be" before "more careful".
const BE: &[&str] = &["be", "been", "being", "am", "are", "is", "was", "were"];

/// Pronouns and words that name people as the object of a verb ("retrain him").
const PERSON_OBJECTS: &[&str] = &["me", "us", "him", "her", "them", "everyone", "everybody"];

/// Words between a verb and its object that say nothing of who it is ("retrain the team").
const DETERMINERS: &[&str] = &[
    "the", "our", "all", "their", "his", "her", "that", "this", "those", "these",
];

/// Words just before a blaming word that report it as a hypothesis or deny it: "assumed user
/// error at the time", "it was not human error", "ruled out operator error".
const HYPOTHESIS: &[&str] = &[
    "assumed",
    "assuming",
    "suspected",
    "suspecting",
    "presumed",
    "believed",
    "thought",
    "not",
    "no",
    "excluded",
    "ruled out",
    "rule out",
    "rules out",
];

const IRREGULAR_PARTICIPLES: &[&str] = &[
    "been",
    "done",
    "known",
    "caught",
    "seen",
    "gone",
    "taken",
    "run",
    "sent",
    "set",
    "put",
    "built",
    "found",
    "made",
    "kept",
    "told",
    "thought",
    "understood",
    "written",
    "read",
    "led",
    "paid",
    "held",
    "brought",
    "spotted",
];

fn is_participle(word: &str) -> bool {
    let w = word.to_lowercase();
    w.ends_with("ed") || w.ends_with("en") || IRREGULAR_PARTICIPLES.contains(&w.as_str())
}

fn name_regex() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(concat!(
            // ASCII word boundaries: the phrases are ASCII, and they let the fast engine run.
            r"(?-u:\b)caused by (?P<a>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:'s(?-u:\b)|[.,;:!?)]|$|\s+(?:who|when|while|because|after|forgetting|not|did|didn't|ran|pushed|merged|deployed|deleted|changed|typed|accidentally|mistakenly)(?-u:\b))",
            r"|(?-u:\b)(?P<b>[A-Z][a-z]+)'s (?:mistake|error|fault|oversight|negligence|carelessness|slip|blunder|typo)(?-u:\b)",
            r"|(?-u:\b)(?:[Cc]ause|[Cc]ulprit) (?:was|is) (?P<c>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:'s(?-u:\b)|[.,;:!?)]|$|\s+(?:who|when|while|because|after|forgetting|not|did|didn't|ran|pushed|merged|deployed|deleted|changed|typed|accidentally|mistakenly)(?-u:\b))"
        ))
        .expect("valid regex")
    })
}

/// What every match of [`name_regex`] holds: "caused by" and a capital, a possessive before a
/// word of blame, or "the cause was" and a capital.
const NAME_PREFILTER: &str =
    "caused by [A-Z]|'s (?:mistake|error|fault|oversight|negligence|carelessness|slip|blunder|typo)|(?:[Cc]ause|[Cc]ulprit) (?:was|is) [A-Z]";

/// Makers and platforms that postmortems name as a cause ("Amazon's mistake") and that the
/// concept vocabulary (`src/concepts.txt`) does not list; none is a first name.
const VENDORS: &[&str] = &[
    "amazon",
    "google",
    "microsoft",
    "apple",
    "facebook",
    "ibm",
    "twilio",
    "heroku",
    "vercel",
    "netlify",
    "digitalocean",
    "linode",
    "hetzner",
    "ovh",
    "salesforce",
    "atlassian",
    "verisign",
    "godaddy",
    "comodo",
    "digicert",
    "equinix",
    "python",
    "java",
    "golang",
    "php",
    "nodejs",
    "windows",
    "redhat",
    "chrome",
    "firefox",
    "safari",
    "django",
    "apache",
    "tomcat",
    "openssl",
];

/// Capitalised words that name things, not people: a service or tag of a postmortem of the
/// site, an entry of the concept vocabulary (the built-in one and the team's: `Kafka`,
/// `Postgres`, `Terraform`) or a vendor ([`VENDORS`]). "Caused by Kafka" blames no one.
struct Things<'a> {
    lexicon: &'a crate::similarity::Lexicon,
    /// The services and tags of every postmortem, lowercase.
    terms: HashSet<String>,
}

impl<'a> Things<'a> {
    fn of(site: &'a Site) -> Self {
        let terms = site
            .library
            .incidents
            .iter()
            .flat_map(|i| i.services.iter().chain(&i.tags))
            .map(|t| t.to_lowercase())
            .collect();
        Things {
            lexicon: &site.lexicon,
            terms,
        }
    }

    /// Whether `name` (one word or two, "Kafka Connect") names a thing: its first word or the
    /// whole name does.
    fn name(&self, name: &str) -> bool {
        let whole = name.to_lowercase();
        let first = whole.split(' ').next().unwrap_or("");
        [first, whole.as_str()]
            .iter()
            .any(|w| self.terms.contains(*w) || self.lexicon.lists(w) || VENDORS.contains(w))
    }
}

/// Capitalised words that start "caused by X" without naming a person.
const NOT_NAMES: &[&str] = &[
    "The", "This", "That", "These", "Those", "A", "An", "Our", "Their", "Its", "It", "One", "Two",
    "Some", "Another", "Both", "All",
];

impl Blameless {
    fn new(config: &CheckConfig) -> Self {
        let mut kinds: HashMap<String, Use> = HashMap::new();
        if config.blameless_defaults {
            for (p, u) in DEFAULT_BLAMELESS {
                kinds.insert((*p).to_string(), *u);
            }
        }
        for w in &config.blameless_words {
            let w = crate::markdown::collapse_ws(&w.to_lowercase());
            if !w.is_empty() {
                kinds.insert(w, Use::Always);
            }
        }
        let mut list: Vec<&String> = kinds.keys().collect();
        // Longest first, so that "at fault" wins over "fault".
        list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let phrases = (!list.is_empty()).then(|| {
            let alternation: Vec<String> = list
                .iter()
                .map(|p| {
                    p.split(' ')
                        .map(regex::escape)
                        .collect::<Vec<_>>()
                        .join(r"\s+")
                })
                .collect();
            // ASCII word boundaries when every phrase is ASCII: they let the fast engine run.
            let b = if list.iter().all(|p| p.is_ascii()) {
                r"(?-u:\b)"
            } else {
                r"\b"
            };
            format!(r"(?i:{b}(?:{}){b})", alternation.join("|"))
        });
        let names = config.blameless_defaults;
        let screen = match (&phrases, names) {
            (Some(p), true) => Some(format!("{p}|{NAME_PREFILTER}")),
            (Some(p), false) => Some(p.clone()),
            (None, true) => Some(NAME_PREFILTER.to_string()),
            (None, false) => None,
        };
        Blameless {
            phrases: phrases.map(|p| Regex::new(&p).expect("escaped phrases")),
            kinds,
            names,
            screen: screen.map(|p| Regex::new(&p).expect("escaped phrases")),
        }
    }

    /// Whether `text` holds a phrase or a name pattern anywhere (code and quotes included):
    /// only then can [`Blameless::scan`] find one, so no other file is parsed again.
    fn could_match(&self, text: &str) -> bool {
        self.screen.as_ref().is_some_and(|s| s.is_match(text))
    }

    /// Scans the narrative of a postmortem file (prose only: no code or quotes), and the texts
    /// its front matter gives: title, learnings and action items.
    fn scan(&self, text: Option<&str>, inc: &Incident, things: &Things, out: &mut Vec<Diagnostic>) {
        if self.phrases.is_none() && !self.names {
            return;
        }
        let people = people(inc);
        // The front matter is YAML: an allow comment there is no comment, so its findings are
        // kept only by lowering the rule.
        let mut report = |f: Found, line: usize, column: usize, front_matter: bool| {
            let keep = if front_matter {
                "the front matter cannot hold an allow comment: to keep this wording, set `blameless = \"off\"` under `[check.rules]`"
            } else {
                "to keep this wording, add `<!-- hindsight: allow blameless -->` on this line or the line before"
            };
            out.push(
                finding("blameless", &inc.source, f.message)
                    .at(line, column)
                    .hint(format!("{}; {keep}", f.hint)),
            );
        };
        let fm = &inc.front_matter;
        if let Some(title) = &fm.title {
            let line = fm.line_of("title").unwrap_or(1);
            let mut found = self.matches(title, &people, things);
            if found.is_empty() && self.names {
                found.extend(named_in_title(title, &people));
            }
            for f in found {
                report(f, line, 1, true);
            }
        }
        let entries = fm
            .learnings
            .iter()
            .flatten()
            .map(|l| (&l.text, l.line))
            .chain(fm.action_items.iter().flatten().map(|a| (&a.text, a.line)));
        for (item, line) in entries {
            for f in self.matches(item, &people, things) {
                report(f, line, 1, true);
            }
        }
        let Some(text) = text else {
            return;
        };
        let Ok(split) = frontmatter::split(text, &inc.source) else {
            return;
        };
        if !self.could_match(split.body) {
            return;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let body_offset = text.len() - split.body.len();
        for run in prose_runs(split.body) {
            for f in self.matches(&run.text, &people, things) {
                let off = body_offset + run.source_offset(f.start);
                let (line, column) = line_col(text, off);
                report(f, line, column, false);
            }
        }
    }

    /// Each blaming phrase in a run of prose; `people` are names the postmortem gives people,
    /// who are people even where `things` knows the word.
    fn matches(&self, s: &str, people: &[String], things: &Things) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        let is_person =
            |w: &str| PERSONS.contains(&w.to_lowercase().as_str()) || people.iter().any(|p| p == w);
        if let Some(re) = &self.phrases {
            for m in re.find_iter(s) {
                let phrase = crate::markdown::collapse_ws(&m.as_str().to_lowercase());
                let Some(&usage) = self.kinds.get(&phrase) else {
                    continue;
                };
                if quoted(s, m.start(), m.end()) || technical(s, m.start(), m.end()) {
                    continue;
                }
                let mut start = m.start();
                let mut end = m.end();
                let (message, hint) = match usage {
                    Use::Always => {
                        if hypothesis(&s[..m.start()]) || denied(&s[..m.start()]) {
                            continue;
                        }
                        (
                            format!("“{}” puts the cause on a person", m.as_str()),
                            HINT_CONDITIONS,
                        )
                    }
                    Use::TryHarder => {
                        // "More careful" asks it of people when they are to be it ("be more
                        // careful", "we are more careful"), not of a thing ("makes automation
                        // more careful", "needs more carefully studying").
                        let prev = s[..m.start()].split_whitespace().next_back().unwrap_or("");
                        let prev = prev.trim_matches(|c: char| !c.is_alphanumeric());
                        if phrase.starts_with("more ")
                            && !BE.contains(&prev.to_lowercase().as_str())
                            && !is_person(prev)
                        {
                            continue;
                        }
                        (
                        format!("“{}” asks people to try harder instead of changing what let it happen", m.as_str()),
                        HINT_SAFEGUARD,
                    )
                    }
                    Use::Counterfactual => {
                        let mut words = s[m.end()..]
                            .split_whitespace()
                            .map(|w| w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '-')));
                        let next = words.next().unwrap_or("");
                        if !is_participle(next) {
                            continue;
                        }
                        // Passive: "the issue should have been addressed" says what was
                        // missing, not who missed it, unless it goes on "by" a person.
                        if next.eq_ignore_ascii_case("been") {
                            let Some(verb) = words.next().filter(|w| is_participle(w)) else {
                                continue;
                            };
                            let by_person = words
                                .take(6)
                                .skip_while(|w| !w.eq_ignore_ascii_case("by"))
                                .skip(1)
                                .find(|w| !DETERMINERS.contains(&w.to_lowercase().as_str()))
                                .is_some_and(is_person);
                            if !by_person {
                                continue;
                            }
                            (
                                format!("“{} been {verb}” by a person judges a past decision with hindsight", m.as_str()),
                                HINT_COUNTERFACTUAL,
                            )
                        } else {
                            (
                                format!(
                                    "“{} {next}” judges a past decision with hindsight",
                                    m.as_str()
                                ),
                                HINT_COUNTERFACTUAL,
                            )
                        }
                    }
                    Use::PersonSubject => {
                        let before = s[..m.start()].trim_end();
                        let word_start = before
                            .rfind(|c: char| !(c.is_alphanumeric() || c == '-'))
                            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
                            .unwrap_or(0);
                        let prev = &before[word_start..];
                        if !is_person(prev) {
                            continue;
                        }
                        // The finding points at the subject, where the quoted phrase starts.
                        start = word_start;
                        (
                            format!("“{prev} {}” puts the cause on a person", m.as_str()),
                            HINT_CONDITIONS,
                        )
                    }
                    Use::PersonObject => {
                        let rest = s[m.end()..].trim_start();
                        let mut at = s.len() - m.end() - rest.len();
                        let mut object = None;
                        for (i, w) in rest.split_inclusive(char::is_whitespace).enumerate() {
                            let word = w
                                .trim_end()
                                .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '-');
                            let lower = word.to_lowercase();
                            if i < 2 && DETERMINERS.contains(&lower.as_str()) {
                                at += w.len();
                                continue;
                            }
                            let capital = word.chars().next().is_some_and(char::is_uppercase)
                                && word.chars().skip(1).all(char::is_lowercase)
                                && word.len() > 1
                                && !NOT_NAMES.contains(&word)
                                && (people.iter().any(|p| p == word) || !things.name(word));
                            if is_person(word)
                                || PERSON_OBJECTS.contains(&lower.as_str())
                                || capital
                            {
                                object = Some((at, word));
                            }
                            break;
                        }
                        let Some((at, word)) = object else {
                            continue;
                        };
                        end = m.end() + at + word.len();
                        (
                            format!("“{}” puts the fix on a person", &s[m.start()..end]),
                            HINT_RETRAIN,
                        )
                    }
                };
                found.push(Found {
                    start,
                    end,
                    message,
                    hint,
                });
            }
        }
        // Every form of a blamed name holds a literal the regex cannot find quickly on its own.
        if self.names
            && (s.contains("aused by")
                || s.contains("'s ")
                || s.contains("ause ")
                || s.contains("ulprit "))
        {
            for c in name_regex().captures_iter(s) {
                let name = c
                    .name("a")
                    .or(c.name("b"))
                    .or(c.name("c"))
                    .expect("one name group matches");
                let first = name.as_str().split(' ').next().unwrap_or("");
                if NOT_NAMES.contains(&first) {
                    continue;
                }
                if !people.iter().any(|p| p == first) && things.name(name.as_str()) {
                    continue;
                }
                let whole = c.get(0).expect("match");
                if found
                    .iter()
                    .any(|f| f.start < whole.end() && whole.start() < f.end)
                {
                    continue;
                }
                found.push(Found {
                    start: whole.start(),
                    end: whole.end(),
                    message: format!(
                        "“{}” names a person as the cause",
                        whole
                            .as_str()
                            .trim_end_matches(|c: char| !c.is_alphanumeric())
                    ),
                    hint: HINT_CONDITIONS,
                });
            }
        }
        found.sort_by_key(|f| f.start);
        found
    }
}

/// A blaming phrase found in a run of prose, with how to rephrase it.
struct Found {
    start: usize,
    end: usize,
    message: String,
    hint: &'static str,
}

const HINT_CONDITIONS: &str = "describe the action and the conditions instead of the person: what made it reasonable at the time and what would have caught it (\"the runbook did not cover X\", \"nothing alerted on Y\", \"a manual change to the prod database\")";
const HINT_COUNTERFACTUAL: &str = "say what happened and what was missing, not what someone should have done: \"the alert did not fire because…\", \"the runbook had no step to check X\"";
const HINT_SAFEGUARD: &str = "name the safeguard that would catch it next time (a confirmation prompt, a check in CI, an alert, a runbook step), e.g. \"the script now asks before dropping a production database\"";
const HINT_RETRAIN: &str = "put the fix in the system, not in a person: the runbook step, guard or default that makes the mistake hard (\"add a confirmation before deleting a production database\")";
const HINT_TITLE: &str =
    "title the incident by what happened, not by who acted (\"Production database deleted\")";

/// Names the postmortem gives people: its authors and the owners of its action items, when
/// written as names ("Priya", "Dave Smith"; not "team-payments"), word by word.
fn people(inc: &Incident) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let owners = inc.action_items.iter().filter_map(|a| a.owner.as_deref());
    for name in inc.authors.iter().map(String::as_str).chain(owners) {
        let words: Vec<&str> = name.split_whitespace().collect();
        let is_name = (1..=3).contains(&words.len())
            && words.iter().all(|w| {
                w.len() > 1
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().skip(1).all(char::is_lowercase)
            })
            && !NOT_NAMES.contains(&words[0]);
        if is_name {
            out.extend(words.iter().map(|w| (*w).to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A title that names one of the postmortem's people ("Bob deleted the prod database").
fn named_in_title(title: &str, people: &[String]) -> Option<Found> {
    let mut at = 0;
    for w in title.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        if people.iter().any(|p| p == word) {
            return Some(Found {
                start: at,
                end: at + word.len(),
                message: format!("the title names {word}, who is one of this postmortem's people"),
                hint: HINT_TITLE,
            });
        }
        at += w.len();
    }
    None
}

/// Whether the words just before a blaming word report it as a hypothesis or deny it.
fn hypothesis(before: &str) -> bool {
    let words: Vec<String> = before
        .split_whitespace()
        .rev()
        .take(2)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    // The word just before, the one before it, or the two together ("ruled out").
    let pair = (words.len() >= 2).then(|| format!("{} {}", words[1], words[0]));
    words
        .iter()
        .take(2)
        .chain(pair.iter())
        .any(|w| HYPOTHESIS.contains(&w.as_str()))
}

/// Words that deny what follows them in their clause.
const DENIALS: &[&str] = &[
    "not", "no", "never", "nobody", "noone", "no-one", "none", "nothing", "neither", "nor",
    "cannot", "without",
];

/// Words that start another clause: a denial before them is not of what follows.
const CLAUSE_STARTS: &[&str] = &[
    "and", "but", "or", "so", "because", "since", "when", "while", "although", "though", "after",
    "before", "until", "unless", "that", "which", "who", "as", "if",
];

/// Whether a denial among the last three words of the clause before a blaming word denies it:
/// "Nobody was to blame", "No one is to blame", "it wasn't human error". One in another clause
/// does not: "No alert fired, and Bob forgot".
fn denied(before: &str) -> bool {
    let clause = before
        .rsplit(['.', ',', ';', ':', '!', '?', '(', ')', '—', '–'])
        .next()
        .unwrap_or(before);
    clause
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
                .replace('’', "'")
        })
        .take_while(|w| !CLAUSE_STARTS.contains(&w.as_str()))
        .any(|w| DENIALS.contains(&w.as_str()) || w.ends_with("n't"))
}

/// Whether a match is a quoted mention (`we avoid "human error"`), not a use.
fn quoted(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    matches!(before, Some('"' | '“' | '\'' | '‘')) && matches!(after, Some('"' | '”' | '\'' | '’'))
}

fn technical(s: &str, start: usize, end: usize) -> bool {
    let mut lo = start.saturating_sub(12);
    while !s.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + 12).min(s.len());
    while !s.is_char_boundary(hi) {
        hi += 1;
    }
    let window = s[lo..hi].to_lowercase();
    TECHNICAL.iter().any(|t| window.contains(t))
}

/// A run of prose text with a map back to source offsets.
#[derive(Default)]
struct Run {
    text: String,
    /// (offset in `text`, offset in the source, whether the piece is the source verbatim).
    pieces: Vec<(usize, usize, bool)>,
}

impl Run {
    fn push(&mut self, piece: &str, source: usize, verbatim: bool) {
        self.pieces.push((self.text.len(), source, verbatim));
        self.text.push_str(piece);
    }

    fn source_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= at).saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(t, s, true)) => s + (at - t),
            Some(&(_, s, false)) => s,
            None => 0,
        }
    }
}

/// The prose of a Markdown body as runs of inline text (a paragraph, a list item's text, a
/// heading, a table cell), leaving out code, block quotes and HTML.
fn prose_runs(body: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut run = Run::default();
    let mut skip = 0usize;
    let flush = |run: &mut Run, runs: &mut Vec<Run>| {
        if !run.text.trim().is_empty() {
            runs.push(std::mem::take(run));
        } else {
            *run = Run::default();
        }
    };
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::HtmlBlock) => {
                flush(&mut run, &mut runs);
                skip += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::BlockQuote(_) | TagEnd::HtmlBlock) => {
                flush(&mut run, &mut runs);
                skip = skip.saturating_sub(1);
            }
            Event::Text(t) if skip == 0 => {
                let verbatim = body.get(range.clone()) == Some(&*t);
                run.push(&t, range.start, verbatim);
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => run.push(" ", range.start, false),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            Event::End(TagEnd::Heading(_)) if template_heading(&run.text) => run = Run::default(),
            _ => flush(&mut run, &mut runs),
        }
    }
    flush(&mut run, &mut runs);
    runs
}

/// Whether a heading's text is the name of a section of a common postmortem template rather
/// than a sentence about someone: Atlassian's template has a `## Fault` section, for what broke.
fn template_heading(text: &str) -> bool {
    let label = text.trim().trim_end_matches(':').trim();
    ["fault", "faults"]
        .iter()
        .any(|l| label.eq_ignore_ascii_case(l))
}

/// A previous build's sitemap: the URLs it published, as paths relative to its site root.
struct Baseline {
    /// The sitemap as findings name it: relative to the root when inside it.
    file: String,
    /// (path relative to the site root, line, column of the `<loc>` text).
    urls: Vec<(String, usize, usize)>,
}

impl Baseline {
    fn read(root: &Path, path: &Path) -> Result<Baseline, Error> {
        let s = path.to_string_lossy();
        if s.starts_with("http://") || s.starts_with("https://") {
            return Err(Error::Usage(format!(
                "--baseline takes a file path, not a URL; download the sitemap first, e.g. `curl -fsSo old-sitemap.xml {s}`"
            )));
        }
        // A previous build's folder (`public/`) holds the sitemap: name the file to pass.
        if path.is_dir() {
            let sitemap = path.join("sitemap.xml");
            return Err(Error::Usage(if sitemap.is_file() {
                format!(
                    "--baseline takes a sitemap file, not a folder: pass `--baseline {}`",
                    sitemap.display()
                )
            } else {
                format!(
                    "--baseline takes a sitemap file, and `{}` is a folder without a sitemap.xml: pass the sitemap.xml of a previous build",
                    path.display()
                )
            }));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Io(format!(
                "cannot read the baseline sitemap {}: {e}",
                path.display()
            ))
        })?;
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let file = rel_path(&abs(root), &abs(path));
        static R: OnceLock<Regex> = OnceLock::new();
        let loc = R.get_or_init(|| Regex::new(r"<loc>\s*([^<]*?)\s*</loc>").expect("valid regex"));
        let mut paths = Vec::new();
        for c in loc.captures_iter(&text) {
            let m = c.get(1).expect("group");
            let (line, column) = line_col(&text, m.start());
            paths.push((url_path(&xml_unescape(m.as_str())), line, column));
        }
        if paths.is_empty() {
            return Err(Error::Usage(format!(
                "{} has no <loc> entries: pass the sitemap.xml of a previous build",
                path.display()
            )));
        }
        // The site's base path is what every URL shares (the overview page is the base itself).
        let first = paths[0].0.clone();
        let mut base_len = first.len();
        for (p, _, _) in &paths {
            base_len = base_len.min(common_prefix(&first, p));
        }
        let base = &first[..base_len];
        let base_len = base.rfind('/').map(|i| i + 1).unwrap_or(0);
        let urls = paths
            .into_iter()
            .map(|(p, l, c)| (p[base_len..].to_string(), l, c))
            .collect();
        Ok(Baseline { file, urls })
    }

    /// Every URL of the baseline that `site`, as the default build publishes it (see
    /// [`public_site`]), neither has nor redirects.
    fn dropped(&self, site: &Site) -> Vec<Diagnostic> {
        let mut kept: HashSet<String> = crate::render::page_urls(site).into_iter().collect();
        kept.extend(crate::render::redirects(site).into_iter().map(|r| r.from));
        // Only a postmortem new since the baseline can have replaced one it had.
        let had: HashSet<&str> = self.urls.iter().map(|(p, _, _)| p.as_str()).collect();
        let ids: Vec<&str> = site
            .library
            .incidents
            .iter()
            .filter(|i| {
                let url = i.url();
                !had.contains(url.as_str()) && !had.contains(url.trim_end_matches('/'))
            })
            .map(|i| i.id.as_str())
            .collect();
        let dropped: Vec<_> = self
            .urls
            .iter()
            .filter(|(p, _, _)| !kept.contains(p) && !kept.contains(&format!("{p}/")))
            // A further page of a list that is still published (`tags/x/page/3/`) comes and
            // goes with the list's length: its incidents are still on the list's pages.
            .filter(|(p, _, _)| !further_page_of_kept(p, &kept))
            // So does the list of an owner's action items of one status: its items are still
            // on `action-items/` or the owner's other lists.
            .filter(|(p, _, _)| !action_list_of_kept(p, &kept))
            // And the list of its own of the incidents of no severity (`severity/unrecorded/`,
            // and its later pages) while `severity/` is published: it comes and goes as the
            // group grows longer than a page or shorter; its incidents are then on `severity/`.
            .filter(|(p, _, _)| !unrecorded_list_of_kept(p, site, &kept))
            .collect();
        let clusters = ClusterNames::of(site, &dropped);
        dropped
            .into_iter()
            .map(|(p, line, column)| {
                if let Some(found) = clusters.dropped(site, p, &self.file) {
                    return found.at(*line, *column);
                }
                let hint = match p.strip_prefix("incidents/").map(|r| r.trim_end_matches('/')) {
                    Some(old) => match did_you_mean(old, &ids) {
                        Some(new) => {
                            let new_inc = site.library.incident(new);
                            let source = new_inc.map(|i| i.source.as_str()).unwrap_or("");
                            let f = new_inc.map(|i| i.front_matter.format).unwrap_or_default();
                            format!("if `{new}` ({source}) replaced it, add {} to its front matter; a postmortem keeps its URL when {} is set in its front matter", f.set_texts("aliases", &[old]), f.key("id"))
                        }
                        None => format!("if the postmortem was renamed, set `id: {old}` in its front matter (or add `aliases: [{old}]`); if it was removed on purpose, add `aliases: [\"/{p}\"]` to the page that replaces it"),
                    },
                    None => format!("add `aliases: [\"/{p}\"]` to the front matter of the page that replaces it, or keep what produced it (a tag, service, severity or learning)"),
                };
                finding("dropped-url", &self.file, format!("`/{p}` was published and the new build drops it without a redirect"))
                    .at(*line, *column)
                    .hint(hint)
            })
            .collect()
    }
}

/// Whether `url` is page 2 or more of a list (`<list>page/<n>/`) whose first page is in `kept`.
fn further_page_of_kept(url: &str, kept: &HashSet<String>) -> bool {
    let Some((list, n)) = url.trim_end_matches('/').rsplit_once("/page/") else {
        return false;
    };
    n.parse::<usize>().is_ok_and(|n| n >= 2) && kept.contains(&format!("{list}/"))
}

/// Whether `url` is a list of one owner's action items of one status, a further page of one
/// (`action-items/<status>/<owner>/[page/<n>/]`) or the owners of one status
/// (`action-items/<status>/`), while `action-items/` is published: such a
/// list comes and goes as items change status or owner, or as the site has more action items
/// than a page holds or fewer.
fn action_list_of_kept(url: &str, kept: &HashSet<String>) -> bool {
    let Some(rest) = url.strip_prefix("action-items/") else {
        return false;
    };
    let mut parts = rest.trim_end_matches('/').split('/');
    let status = parts.next().unwrap_or_default();
    ["open", "unrecorded", "done", "wontfix"].contains(&status)
        && parts.next().is_none_or(|owner| !owner.is_empty())
        && kept.contains("action-items/")
}

/// Whether `url` is the list of its own of a taxonomy's incidents of none of its terms (see
/// [`crate::render::unrecorded_list_url`]), or a later page of it, while the taxonomy's page is
/// published.
fn unrecorded_list_of_kept(url: &str, site: &Site, kept: &HashSet<String>) -> bool {
    let url = format!("{}/", url.trim_end_matches('/'));
    site.taxonomies.iter().any(|tax| {
        let Some(list) = crate::render::unrecorded_list_url(site, tax) else {
            return false;
        };
        let later = url
            .strip_prefix(&list)
            .and_then(|rest| rest.strip_prefix("page/"))
            .and_then(|n| n.strip_suffix('/'))
            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 2));
        (url == list || later) && kept.contains(&format!("{}/", tax.kind.dir()))
    })
}

/// The learnings that could have named a cluster page, by the id they would give it (see
/// [`crate::learnings::cluster_base_id`]): a cluster is named after its oldest (counted) member, so
/// when a build no longer has `/learnings/<id>/`, the learning that named it tells where its
/// lesson went.
struct ClusterNames<'a> {
    /// Base id -> (incident, the learning's or action item's text, line, its group now).
    by_id: HashMap<String, (usize, &'a str, usize, Option<&'a str>)>,
}

impl<'a> ClusterNames<'a> {
    fn of(site: &'a Site, dropped: &[&(String, usize, usize)]) -> ClusterNames<'a> {
        let mut by_id = HashMap::new();
        if dropped.iter().any(|(p, _, _)| p.starts_with("learnings/")) {
            for (i, inc) in site.library.incidents.iter().enumerate() {
                let items = inc
                    .learnings
                    .iter()
                    .map(|l| (l.text.as_str(), l.line, l.group.as_deref()))
                    .chain(
                        inc.action_items
                            .iter()
                            .map(|a| (a.text.as_str(), a.line, a.group.as_deref())),
                    );
                for (text, line, group) in items {
                    by_id
                        .entry(crate::learnings::cluster_base_id(text))
                        .or_insert((i, text, line, group));
                }
            }
        }
        ClusterNames { by_id }
    }

    /// The finding for a dropped `/learnings/<id>/` page that was a cluster named after a
    /// learning this build still has; None for any other URL.
    fn dropped(&self, site: &Site, path: &str, sitemap: &str) -> Option<Diagnostic> {
        let id = path.strip_prefix("learnings/")?.trim_end_matches('/');
        if id.contains('/') || site.library.learnings.iter().any(|l| l.id == id) {
            return None;
        }
        // `-2`, `-3`... set apart two clusters named alike.
        let base = match id.rsplit_once('-') {
            Some((b, n)) if !self.by_id.contains_key(id) && n.parse::<u32>().is_ok() => b,
            _ => id,
        };
        let &(i, text, line, group) = self.by_id.get(base)?;
        let inc = &site.library.incidents[i];
        let named = format!(
            "“{}” ({}:{line})",
            crate::render::truncate(text, 80),
            inc.source
        );
        let now = match group
            .and_then(|g| site.graph.by_id.get(g))
            .map(|&g| &site.graph.groups[g])
        {
            Some(g) => format!("which is now in `/learnings/{}/` (“{}”)", g.id, g.title),
            None => "which no cluster holds now".to_string(),
        };
        Some(
            finding(
                "dropped-cluster",
                sitemap,
                format!("`/{path}` was a cluster of similar learnings, named after {named}, {now}"),
            )
            .hint(format!("Hindsight forms clusters by similarity, so they change as postmortems are added, edited or removed. To give this lesson a page that lasts, write a canonical learning `learnings/{id}.md` in the content folder (front matter `title:`) and cite it from the postmortems that teach it (`learning: {id}`, or `<!-- hindsight: learning {id} -->`)")),
        )
    }
}

/// The site as the default build publishes it (no drafts or internal incidents), or None when
/// `site` already is that.
fn public_site(site: &Site) -> Option<Site> {
    let lib = &site.library;
    if site.config.drafts || lib.incidents.iter().all(|i| i.is_public()) {
        return None;
    }
    let mut library = crate::content::Library {
        incidents: lib
            .incidents
            .iter()
            .filter(|i| i.is_public())
            .cloned()
            .collect(),
        learnings: lib.learnings.clone(),
        index: lib.index.clone(),
        onboarding: lib.onboarding.clone(),
        skipped: Vec::new(),
        unused_ignore: Vec::new(),
        left_out: Vec::new(),
        old_urls: lib.old_urls.clone(),
        removed: HashMap::new(),
    };
    for inc in &mut library.incidents {
        for l in &mut inc.learnings {
            l.group = None;
        }
        for a in &mut inc.action_items {
            a.group = None;
        }
    }
    let graph = crate::learnings::link(
        &mut library,
        &site.lexicon,
        Some(site.config.learnings.similarity_threshold),
        None,
        &crate::diagnostics::Diagnostics::new(),
    );
    let taxonomies = crate::taxonomy::build(&library, &site.config);
    Some(Site {
        root: site.root.clone(),
        config: site.config.clone(),
        library,
        graph,
        taxonomies,
        lexicon: site.lexicon.clone(),
        search: None,
    })
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map(|((i, c), _)| i + c.len_utf8())
        .unwrap_or(0)
}

/// The path of a URL (`https://x.org/pm/a/?q#f` -> `/pm/a/`), percent-decoded.
fn url_path(url: &str) -> String {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map(|j| &after[j..]).unwrap_or("/")
        }
        None => url,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let p = crate::markdown::percent_decode(rest);
    if p.starts_with('/') {
        p
    } else {
        format!("/{p}")
    }
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Notes (info findings) of one rule that human output shows; the rest are counted.
pub const NOTES_SHOWN: usize = 20;

/// What human output shows: every error and warning, and the first [`NOTES_SHOWN`] notes of
/// each rule; with how many notes of each rule were left out. A knowledge base of thousands
/// of postmortems can have thousands of notes; a terminal or CI log should not scroll them.
pub fn for_people(findings: &[Diagnostic]) -> (Vec<Diagnostic>, BTreeMap<&'static str, usize>) {
    let mut shown_per_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut shown = Vec::new();
    for d in findings {
        if d.level == Level::Info {
            let n = shown_per_rule.entry(d.rule).or_default();
            if *n >= NOTES_SHOWN {
                *hidden.entry(d.rule).or_default() += 1;
                continue;
            }
            *n += 1;
        }
        shown.push(d.clone());
    }
    (shown, hidden)
}

/// Findings as one JSON array (keys: rule, level, file, line, column, message, hint).
pub fn to_json(findings: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(findings).expect("findings serialise");
    s.push('\n');
    s
}

/// Findings as GitHub Actions workflow commands, one line each.
pub fn to_github(findings: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in findings {
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let message = if d.hint.is_empty() {
            d.message.clone()
        } else {
            format!("{}\nhelp: {}", d.message, d.hint)
        };
        // A finding about no file is annotated on the run, not on a file.
        let place = if d.file.is_empty() {
            String::new()
        } else {
            format!(
                "file={},line={},col={},",
                github_escaped(&d.file, true),
                d.line,
                d.column
            )
        };
        s.push_str(&format!(
            "::{command} {place}title={}::{}\n",
            github_escaped(d.rule, true),
            github_escaped(&message, false)
        ));
    }
    s
}

/// `s` as a workflow command holds it: a character that would drive a terminal (ESC, BEL,
/// a lone CR...) written out as the human format shows it (`\x1b`, see
/// [`crate::diagnostics::printable`]), then `%`, CR and LF escaped, and in a property value
/// (`file=`, `title=`: `property`) `:` and `,` too.
fn github_escaped(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::diagnostics::printable(s).chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_page_of_a_list_still_published_is_not_a_dropped_url_but_one_of_a_gone_list_is() {
        let kept: HashSet<String> = ["incidents/", "tags/db/"].map(String::from).into();
        assert!(further_page_of_kept("incidents/page/2/", &kept));
        assert!(further_page_of_kept("tags/db/page/12", &kept));
        // The list is gone, or the path is no page number: still reported.
        assert!(!further_page_of_kept("tags/web/page/2/", &kept));
        assert!(!further_page_of_kept("incidents/page/1/", &kept));
        assert!(!further_page_of_kept("incidents/page/x/", &kept));
        assert!(!further_page_of_kept("incidents/page/", &kept));
    }

    #[test]
    fn an_owners_list_of_action_items_is_not_a_dropped_url_while_the_action_items_page_is_published(
    ) {
        let kept: HashSet<String> = ["action-items/"].map(String::from).into();
        assert!(action_list_of_kept("action-items/open/priya/", &kept));
        assert!(action_list_of_kept(
            "action-items/wontfix/unassigned",
            &kept
        ));
        assert!(action_list_of_kept(
            "action-items/done/priya/page/3/",
            &kept
        ));
        // Not such a list, or the action items page is gone too: still reported.
        assert!(!action_list_of_kept("action-items/", &kept));
        // The owners of one status, as a list's URL cut back to it.
        assert!(action_list_of_kept("action-items/open/", &kept));
        assert!(!action_list_of_kept("action-items/old-report/", &kept));
        assert!(!action_list_of_kept("incidents/open/priya/", &kept));
        assert!(!action_list_of_kept(
            "action-items/open/priya/",
            &HashSet::new()
        ));
    }

    /// What the built-in vocabulary knows as things, with no services or tags.
    fn builtin_things() -> Things<'static> {
        Things {
            lexicon: crate::similarity::Lexicon::builtin(),
            terms: HashSet::new(),
        }
    }

    fn blame(s: &str) -> Vec<String> {
        Blameless::new(&CheckConfig::default())
            .matches(s, &[], &builtin_things())
            .into_iter()
            .map(|f| s[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn counterfactuals_count_only_before_a_past_participle() {
        assert_eq!(blame("The alert should have fired."), vec!["should have"]);
        assert!(blame("Each repository should have clear rules.").is_empty());
    }

    #[test]
    fn failed_to_counts_only_after_a_person() {
        assert_eq!(blame("Then we failed to verify it."), vec!["we failed to"]);
        assert!(blame("Traffic failed to reach the cluster.").is_empty());
    }

    #[test]
    fn technical_and_quoted_uses_are_not_blame() {
        assert!(blame("We added fault tolerance and a default.").is_empty());
        assert!(blame("We avoid writing \"human error\" here.").is_empty());
        assert_eq!(blame("It was human error."), vec!["human error"]);
    }

    #[test]
    fn a_name_as_the_cause_is_found() {
        assert_eq!(
            blame("The outage was caused by Dave."),
            vec!["caused by Dave."]
        );
        assert!(blame("The outage was caused by The deploy.").is_empty());
        assert_eq!(blame("It was Priya's mistake."), vec!["Priya's mistake"]);
    }

    #[test]
    fn configured_words_extend_or_replace_the_defaults() {
        let config = CheckConfig {
            blameless_words: vec!["Dropped the ball".into()],
            blameless_defaults: false,
            ..CheckConfig::default()
        };
        let b = Blameless::new(&config);
        assert_eq!(
            b.matches(
                "Ops dropped  the ball; human error.",
                &[],
                &builtin_things()
            )
            .len(),
            1
        );
    }

    #[test]
    fn a_template_s_fault_heading_blames_nobody_but_fault_in_its_text_still_counts() {
        let body = "## Fault\n\nThe load balancer dropped connections.\n\n## Faults:\n\nIt was Bob's fault.\n";
        let runs: Vec<String> = prose_runs(body).into_iter().map(|r| r.text).collect();
        assert_eq!(
            runs,
            vec![
                "The load balancer dropped connections.",
                "It was Bob's fault."
            ]
        );
        let heading = prose_runs("## Whose fault?\n");
        assert_eq!(heading.len(), 1, "a heading that says more is prose");
    }

    #[test]
    fn prose_runs_skip_code_and_quotes_and_map_back_to_the_source() {
        let body = "Intro *we forgot* it.\n\n```\nforgot\n```\n\n> forgot\n";
        let runs = prose_runs(body);
        assert_eq!(runs.len(), 1);
        let at = runs[0].text.find("forgot").unwrap();
        assert_eq!(&body[runs[0].source_offset(at)..][..6], "forgot");
    }

    #[test]
    fn github_escaping_follows_the_workflow_command_rules() {
        assert_eq!(github_escaped("50%\r\nx", false), "50%25%0D%0Ax");
        assert_eq!(github_escaped("a:b,c", true), "a%3Ab%2Cc");
    }

    #[test]
    fn urls_are_compared_by_path() {
        assert_eq!(url_path("https://x.org/pm/a/?q=1#f"), "/pm/a/");
        assert_eq!(url_path("/a%20b/"), "/a b/");
        assert_eq!(common_prefix("/pm/a/", "/pm/b/"), 4);
    }

    #[test]
    fn asking_people_to_be_more_careful_or_messing_up_is_blame_even_without_a_name() {
        assert_eq!(blame("Bob should be more careful."), vec!["more careful"]);
        assert_eq!(blame("Be more careful next time."), vec!["more careful"]);
        assert_eq!(blame("We messed up the rollout."), vec!["messed up"]);
        assert_eq!(blame("Someone screwed up."), vec!["screwed up"]);
        // Asked of a thing, or as a reading instruction, it blames nobody.
        assert!(blame("Maintenance should make automation more careful.").is_empty());
        assert!(blame("Release notes need more carefully studying.").is_empty());
    }

    #[test]
    fn a_name_as_the_root_cause_and_retraining_a_person_are_blame() {
        assert_eq!(blame("The root cause was Dave."), vec!["cause was Dave."]);
        assert!(blame("The root cause was The cache.").is_empty());
        assert_eq!(blame("Retrain Bob"), vec!["Retrain Bob"]);
        assert_eq!(
            blame("Retrain the engineers."),
            vec!["Retrain the engineers"]
        );
        assert!(blame("Retrain the model nightly.").is_empty());
    }

    #[test]
    fn a_passive_counterfactual_blames_only_when_a_person_is_the_agent() {
        assert!(
            blame("This let an issue which should have been addressed become urgent.").is_empty()
        );
        assert_eq!(
            blame("It should have been caught by the reviewer."),
            vec!["should have"]
        );
        assert_eq!(blame("The alert should have fired."), vec!["should have"]);
    }

    #[test]
    fn a_blaming_word_reported_as_a_hypothesis_or_denied_is_not_blame() {
        assert!(blame("Assumed user error at the time.").is_empty());
        assert!(blame("It was not human error.").is_empty());
        assert!(blame("We ruled out operator error.").is_empty());
        assert_eq!(blame("It turned out user error."), vec!["user error"]);
        assert_eq!(blame("It was user error."), vec!["user error"]);
    }

    #[test]
    fn the_people_of_a_postmortem_count_as_persons_by_name() {
        let b = Blameless::new(&CheckConfig::default());
        let people = vec!["Bob".to_string()];
        let things = builtin_things();
        assert_eq!(
            b.matches("Then Bob failed to renew it.", &people, &things)
                .len(),
            1
        );
        assert!(b
            .matches("Then Bob failed to renew it.", &[], &things)
            .is_empty());
        assert!(named_in_title("Bob deleted the prod database", &people).is_some());
        assert!(named_in_title("Terraform deleted the prod database", &people).is_none());
    }

    #[test]
    fn every_rule_id_is_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn front_matter_that_sets_a_postmortem_key_in_yaml_or_toml_makes_a_file_look_like_a_postmortem()
    {
        let prose = "The deploy stalled and the queue grew. ".repeat(10);
        for front in [
            "---\ndate: 2024-03-01\n---\n",
            "+++\ndate = 2024-03-01\n+++\n",
            "+++\ntitle = \"x\"\n\n[[learnings]]\ntext = \"y\"\n+++\n",
        ] {
            assert!(
                looks_like_postmortem(&format!("{front}\n{prose}\n")),
                "{front}"
            );
        }
        assert!(!looks_like_postmortem(&format!(
            "+++\ntitle = \"x\"\n+++\n\n{prose}\n"
        )));
    }

    #[test]
    fn a_github_annotation_writes_out_control_characters_and_escapes_what_workflow_commands_read() {
        let d = Diagnostic::error(
            "broken-link",
            "content/outage,eu:west.md",
            "50% of requests\nfailed: \x1b[31mERROR\x1b[0m\x07\rdone",
        )
        .at(3, 7)
        .hint("fix it");
        assert_eq!(
            to_github(&[d]),
            "::error file=content/outage%2Ceu%3Awest.md,line=3,col=7,title=broken-link::\
             50%25 of requests%0Afailed: \\x1b[31mERROR\\x1b[0m\\x07\\rdone%0Ahelp: fix it\n"
        );
    }
}
