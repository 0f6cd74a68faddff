/*!
Hindsight turns a folder of incident postmortems into a static site where learnings are
first-class.

The build is a pipeline of plain stages, each reading what the one before produced:

1. `config`: read `hindsight.toml` (optional).
2. `content::load`: walk the content folder, read front matter, run the Markdown pass and
   derive what the front matter left out. One [`content::Library`] is the content graph.
3. `taxonomy::build`: tags, services, severities, years; `taxonomy::spell_alike` then spells
   each incident's terms one way.
4. `learnings::analyse` (build only): read every postmortem's text once, for both the browser
   search index and the full-text similarity of related incidents.
5. `learnings::link`: attach learnings to canonical learnings, find recurrence, rank
   related incidents.
6. `render`: every page, feed, sitemap and JSON export, from small borrowed views.
7. `output`: the only writer; stages into a temporary folder and swaps it in on success.

Problems are collected as [`diagnostics::Diagnostic`]s so that one run reports all of them.

The other commands reuse these stages: `check` loads and links, and renders pages of every
kind into memory ([`render::probe`]) to try the theme, `search`
indexes what `content::load` read, `serve` runs the whole build into
[`output::Output::Memory`] on every change, and `scaffold` (`hindsight new`) reads the
library's ids to write a new postmortem.
*/

pub mod analysis;
pub mod attachment;
pub mod check;
pub mod cli;
pub mod config;
pub mod confine;
pub mod content;
pub mod diagnostics;
pub mod explain;
pub mod html;
pub mod html_blocks;
pub mod learnings;
pub mod lessons;
pub mod markdown;
pub mod output;
pub mod quality;
pub mod render;
pub mod sanitize;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod similarity;
pub mod taxonomy;
pub mod theme;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use config::Config;
use diagnostics::{Diagnostic, Diagnostics, Level};

/// With `HINDSIGHT_TIMINGS` set, prints how long a stage took (for the benchmark harness).
pub(crate) fn timing(what: &str, since: Instant) {
    if std::env::var_os("HINDSIGHT_TIMINGS").is_some() {
        eprintln!("[timings] {what}: {:.3?}", since.elapsed());
    }
}

/// Refuses a `--root` that is not a folder, in the words every command uses (`build`,
/// `check`, `serve` and `search` exit with 2 on it, as for any I/O failure).
pub fn root_folder(root: &std::path::Path) -> Result<(), String> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a folder; pass the folder that holds hindsight.toml with --root",
            root.display()
        ))
    }
}

/// What `hindsight build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; default from config, relative to the root.
    pub out: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Show a progress bar on the terminal.
    pub progress: bool,
    /// Keep the site in memory ([`BuildReport::files`]) and write nothing (`serve`).
    pub in_memory: bool,
}

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has errors; every finding is listed.
    #[error("the input has errors")]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error("{0}")]
    Render(String),
    /// The root is not a folder (see [`root_folder`]).
    #[error("{0}")]
    Root(String),
}

impl Error {
    /// What to do about it, when the message does not say (printed as `help:`).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Output(e) => e.hint(),
            _ => None,
        }
    }
}

/// What a successful build produced.
#[derive(Debug)]
pub struct BuildReport {
    /// The site's title, as the config says.
    pub title: String,
    pub incidents: usize,
    /// Postmortems read but not built: drafts, in review or internal (`--drafts` builds them).
    pub left_out: usize,
    /// Learnings, each counted once however many postmortems state it, and those recurring,
    /// as /stats/ counts them (see [`render::learning_counts`]).
    pub learnings: usize,
    pub recurring: usize,
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub out: PathBuf,
    /// The files, when built into memory.
    pub files: Option<std::collections::BTreeMap<String, Vec<u8>>>,
    /// What went wrong while writing without keeping the site from being published (see
    /// [`output::Committed`]), for people.
    pub warnings: Vec<String>,
}

impl BuildReport {
    /// The one-line summary printed at the end of a build.
    pub fn summary_line(&self) -> String {
        let warnings = diagnostics::count(&self.diagnostics, Level::Warning) + self.warnings.len();
        // A postmortem just scaffolded by `new` is a draft: say why it is not in the site.
        let left_out = match self.left_out {
            0 => String::new(),
            n => format!(
                " ({} left out as draft, in review or internal; --drafts builds {})",
                diagnostics::counted(n, "postmortem"),
                if n == 1 { "it" } else { "them" }
            ),
        };
        format!(
            "Built {}{left_out}, {} ({} in two or more incidents), {}{} in {:.2?} into {}",
            diagnostics::counted(self.incidents, "incident"),
            diagnostics::counted(self.learnings, "learning"),
            self.recurring,
            diagnostics::counted(self.pages, "page"),
            if warnings > 0 {
                format!(", {}", diagnostics::counted(warnings, "warning"))
            } else {
                String::new()
            },
            self.elapsed,
            self.out.display()
        )
    }
}

/// The loaded, linked knowledge base: everything the render stage and `check` read.
pub struct Site {
    /// The folder that holds hindsight.toml (themes are looked up here).
    pub root: PathBuf,
    pub config: Config,
    pub library: content::Library,
    pub graph: learnings::Graph,
    pub taxonomies: Vec<taxonomy::Taxonomy>,
    /// The concept lexicon learnings were compared with (the team's vocabulary included).
    pub lexicon: std::sync::Arc<similarity::Lexicon>,
    /// What the browser search index reads of each incident, when built (see
    /// [`learnings::analyse`]).
    pub search: Option<Vec<search::web::Stats>>,
}

/// What a site is loaded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Render every page and rank related incidents.
    Build,
    /// Only read: no HTML (a stand-in, see [`markdown::read`]), no code highlighting, no plain
    /// text kept, no related incidents (`check` shows no page).
    Check,
}

/// Loads and links a site. Returns the site and every finding; errors in the findings mean
/// the site must not be published. For `check`, the reading path is left to `check::run`,
/// which judges it against the published site's clusters.
pub fn load_site(
    root: &std::path::Path,
    config: Config,
    output: &std::path::Path,
    drafts: bool,
    purpose: Purpose,
    keep_source: Option<&(dyn Fn(&str) -> bool + Sync)>,
) -> (Site, Diagnostics) {
    let diags = Diagnostics::new();
    let t = Instant::now();
    let mut library = content::load(
        &content::LoadOptions {
            root,
            config: &config,
            output,
            drafts: drafts || config.drafts,
            render: purpose == Purpose::Build,
            keep_text: purpose == Purpose::Build,
            keep_source,
        },
        &diags,
    );
    timing("content loaded", t);
    // Before anything shows a tag, service or severity: one spelling for each.
    let taxonomies = taxonomy::build(&library, &config);
    taxonomy::spell_alike(&mut library, &taxonomies);
    let lexicon = learnings::lexicon(root, &config, &diags);
    // For the benchmark harness only (`bench/run.py --command learnings-budget`): a build
    // without what clustering and ranking cost, to time the rest of the build against. Only
    // citations link learnings; no clusters, no related incidents.
    let similarity = std::env::var_os("HINDSIGHT_BENCH_NO_SIMILARITY").is_none();
    // One pass over every postmortem's text serves the search index and related incidents.
    let (texts, search) = match purpose {
        Purpose::Build => {
            let t = Instant::now();
            let boilerplate =
                scaffold::Boilerplate::load(root, &root.join(&config.content_dir), &config);
            let (texts, search) = learnings::analyse(&library, &lexicon, similarity, &boilerplate);
            timing("texts analysed", t);
            (similarity.then_some(texts), Some(search))
        }
        Purpose::Check => (None, None),
    };
    let t = Instant::now();
    let graph = learnings::link(
        &mut library,
        &lexicon,
        similarity.then_some(config.learnings.similarity_threshold),
        texts,
        &diags,
    );
    timing("learnings linked", t);
    // The reading path as this build shows it. `check` reads drafts too, and so forms clusters
    // that the published site may not have: it judges the path itself, against the clusters
    // of the published postmortems (see `check::run`).
    if purpose == Purpose::Build {
        diags.extend(check::path_steps(&library, &graph, drafts || config.drafts));
    }
    // `[check.rules]` levels and allow comments apply to build too, so that `check` passing
    // means `build` passes (`check` silences once its own rules are added). Columns were
    // counted in the text without its control characters; findings give them in the files.
    let build = purpose == Purpose::Build;
    let diags = if !build && config.check.rules.is_empty() && library.removed.is_empty() {
        diags
    } else {
        let mut found = diags.into_sorted();
        library.restore_columns(&mut found);
        let configured = Diagnostics::new();
        configured.extend(if build {
            check::as_configured(found, root, &config.check.rules)
        } else {
            check::apply_levels(found, &config.check.rules)
        });
        configured
    };
    (
        Site {
            root: root.to_path_buf(),
            config,
            library,
            graph,
            taxonomies,
            lexicon,
            search,
        },
        diags,
    )
}

/// The rule of [`relative_feeds_warning`]: a site served only inside a network may not want
/// absolute URLs, and sets it to `info` or `off` in `[check.rules]`.
const RELATIVE_FEEDS: &str = "relative-feeds";

/// The warning of a build whose base URL is not an absolute URL: an Atom feed's ids, a sitemap's
/// locations (RFC 4287, sitemaps.org) and robots.txt's `Sitemap:` line must be absolute URLs,
/// and only the base URL can make them so.
/// `from_cli`: the base URL was given with `--base-url`, not read from hindsight.toml.
fn relative_feeds_warning(
    config: &Config,
    root: &std::path::Path,
    from_cli: bool,
) -> Option<Diagnostic> {
    if config.has_absolute_base() {
        return None;
    }
    let what = if config.base_url.is_empty() {
        "`base_url` is not set".to_string()
    } else {
        format!("`base_url` is the path `{}`, not a URL", config.base_url)
    };
    // A 404 page is served at any path, so its links are from the root of the host: the root
    // the base URL's path names, or, with none, the host's own (`/static/...`), wrong for a
    // site served from a sub-folder, such as a GitHub project page (`/repo/`).
    let not_found = if config.base_url.is_empty() {
        "; and 404.html links from the host's root (`/`), so a site served from a sub-folder (a GitHub project page at `/repo/`) shows it without styles or working links"
    } else {
        ""
    };
    let message = format!("{what}: feed.xml and sitemap.xml hold URLs without a host, which feed readers and search engines reject, and robots.txt names no sitemap{not_found}");
    let hint = "Atom ids and sitemap locations must be absolute URLs: set `base_url = \"https://example.org/postmortems/\"` in hindsight.toml (a top-level key: above any `[table]`), or build with `--base-url https://example.org/postmortems/`";
    // At the `base_url` line that gave the value. A value that no line gave (the default,
    // `--base-url`) has no place, as the default `content_dir` has none: no file, not the
    // first line of hindsight.toml, which may be a comment or another key.
    let at = if from_cli {
        None
    } else {
        config::key_in_file(root, "base_url")
    };
    Some(match at {
        Some((line, column)) => Diagnostic::warning(RELATIVE_FEEDS, config::FILE_NAME, message)
            .at(line, column)
            .hint(hint),
        None => Diagnostic::warning(RELATIVE_FEEDS, "", message).hint(hint),
    })
}

/// Builds the site. On success the output folder holds the new site; on failure it is
/// untouched.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    // Before the config: a root that is a file or missing is a usage error, not bad input.
    root_folder(&opts.root).map_err(Error::Root)?;
    let (config, mut problems) = Config::load_all(&opts.root);
    // An `output_dir` that would overwrite the sources, with the other problems of the file
    // and at its value, as `check` reports it (a folder given with `--out` is refused below).
    if opts.out.is_none() && !opts.in_memory {
        problems.extend(
            config
                .as_ref()
                .and_then(|c| check::output_refused(&opts.root, c)),
        );
    }
    let mut config = match config.filter(|_| problems.is_empty()) {
        Some(config) => config,
        None => {
            problems.sort_by_key(|d| (d.line, d.column));
            return Err(Error::Invalid(problems));
        }
    };
    if let Some(b) = &opts.base_url {
        config.base_url = b.clone();
    }
    let out = match &opts.out {
        Some(o) if o.is_absolute() => o.clone(),
        Some(o) => o.clone(),
        None => opts.root.join(&config.output_dir),
    };
    let content_dir = opts.root.join(&config.content_dir);
    // Refuse a dangerous output folder before any work.
    if !opts.in_memory {
        output::check_target(&out, &opts.root, &content_dir)?;
    }
    let progress = render::Progress::new(opts.progress);
    progress.stage("Loading postmortems");
    let timings = std::env::var_os("HINDSIGHT_TIMINGS").is_some();
    let lap = |what: &str| {
        if timings {
            eprintln!("[timings] {what}: {:.3?}", start.elapsed());
        }
    };
    let (site, diags) = load_site(&opts.root, config, &out, opts.drafts, Purpose::Build, None);
    lap("loaded and linked");
    // What the published pages leave out: scripts of their HTML, links to postmortems that
    // are not published.
    let mut left_out = check::left_out_html(&site.library);
    left_out.extend(check::links_to_left_out(&site.library));
    if !left_out.is_empty() {
        site.library.restore_columns(&mut left_out);
        diags.extend(check::as_configured(
            left_out,
            &opts.root,
            &site.config.check.rules,
        ));
    }
    // A site in memory (`serve`) is never published: its feed and sitemap are not read.
    if !opts.in_memory {
        if let Some(w) = relative_feeds_warning(&site.config, &opts.root, opts.base_url.is_some()) {
            diags.extend(check::apply_levels(vec![w], &site.config.check.rules));
        }
    }
    // A theme that does not compile is an error of the input, reported with the content's.
    let areas = confine::Areas::new(&opts.root, &site.config);
    let theme = theme::load(&opts.root, &site.config.theme, &areas);
    if let Err(theme::LoadError::Invalid(ds, partial)) = &theme {
        diags.extend(ds.iter().cloned());
        // With what the other templates do wrong: pages of every kind rendered as `check`
        // renders them, with a stand-in for each template that does not parse.
        if let Some(partial) = partial {
            diags.extend(partial.render_faults(render::probe(&site, partial)));
        }
    }
    // So is a link of `static/` that leads outside (see `confine`), and every file there that
    // cannot be read, before anything is written; and a file there that replaces one Hindsight
    // writes is said, as `check` says it.
    let (own, found) = render::site_files(&opts.root, &areas)?;
    diags.extend(found);
    let published = render::Published::new(&site, &areas, &own);
    diags.extend(check::as_configured(
        published.replaced(),
        &opts.root,
        &site.config.check.rules,
    ));
    // Links that lead nowhere and images that are not there, against the files this build
    // writes: warnings, which `check` reports at their levels.
    diags.extend(check::broken_links(&site, &published));
    lap("links checked");
    if diags.has_errors() {
        progress.finish();
        return Err(Error::Invalid(diags.into_sorted()));
    }
    let theme = theme.map_err(|e| Error::Render(e.to_string()))?;
    let sink = if opts.in_memory {
        output::Output::memory()
    } else {
        output::Output::disk(&out, &opts.root, &content_dir)?
    };
    // Rendering finds problems too (an alias that collides), at columns counted in the text
    // without its control characters, as loading's were: given in the files as theirs are.
    let rendered = Diagnostics::new();
    let result = render::render_site(&site, &theme, &sink, &progress, &rendered);
    let mut found = rendered.into_sorted();
    let pages = match result {
        Ok(pages) => Some(pages),
        Err(Error::Invalid(ds)) => {
            found.extend(ds);
            None
        }
        Err(e) => return Err(e),
    };
    site.library.restore_columns(&mut found);
    // Under the `[check.rules]` levels and allow comments as loading's were, or a rule `check`
    // lets pass (an alias over a page at "warning") would still fail the build.
    diags.extend(check::as_configured(
        found,
        &opts.root,
        &site.config.check.rules,
    ));
    // A template that fails on a page: reported with the warnings found so far.
    let Some(pages) = pages else {
        progress.finish();
        return Err(Error::Invalid(diags.into_sorted()));
    };
    lap("rendered");
    if diags.has_errors() {
        progress.finish();
        return Err(Error::Invalid(diags.into_sorted()));
    }
    progress.stage("Writing");
    let committed = sink.commit()?;
    progress.finish();
    lap("committed");
    let diagnostics: Vec<Diagnostic> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| d.level != Level::Info)
        .collect();
    let (learnings, recurring) = render::learning_counts(&site);
    Ok(BuildReport {
        title: site.config.title.clone(),
        incidents: site.library.incidents.len(),
        left_out: site.library.left_out.len(),
        learnings,
        recurring,
        pages,
        diagnostics,
        elapsed: start.elapsed(),
        out,
        files: committed.files,
        warnings: committed.warnings,
    })
}
