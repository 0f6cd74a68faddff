/*!
Rendering: every page, feed, sitemap and JSON export of the site.

Templates receive small views built for the page at hand (an incident page sees that incident,
its learnings and at most 15 related incidents; never the whole library), so the cost of a page
does not grow with the size of the site. Pages render in parallel; the output is the same bytes for
the same input. The same page views serve [`probe`], which renders pages of every kind into
memory so that `check` finds the template faults `build` would stop on.
*/

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use tera::Context;

use crate::content::{ActionStatus, Incident};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::learnings::{Group, MoreShared, Reason, Related, SEEN_LIMIT};
use crate::markdown::{escape, slugify};
use crate::output::Output;
use crate::taxonomy::{Taxonomy, Term};
use crate::theme::Theme;
use crate::{Error, Site};

/// Progress on a terminal; silent otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {wide_bar} {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Progress { bar }
    }
    pub fn stage(&self, msg: &'static str) {
        if let Some(b) = &self.bar {
            b.set_message(msg);
        }
    }
    pub fn length(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_position(0);
            b.set_length(n);
        }
    }
    pub fn tick(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Everything a page needs to know about where it is.
struct Page<'a> {
    theme: &'a Theme,
    site: &'a Site,
    /// Where links start instead of a relative path: the 404 page's root path.
    base: Option<String>,
    statics: &'a str,
}

/// One page to render: its template, URL (relative to the site root), title, the navigation
/// entry it belongs to and its context. Built by the same functions for `build` and for
/// [`probe`].
struct PageSpec {
    template: &'static str,
    url: String,
    title: String,
    nav: &'static str,
    ctx: Context,
}

impl PageSpec {
    fn new(
        template: &'static str,
        url: impl Into<String>,
        title: impl Into<String>,
        nav: &'static str,
        ctx: Context,
    ) -> Self {
        PageSpec {
            template,
            url: url.into(),
            title: title.into(),
            nav,
            ctx,
        }
    }
}

impl Page<'_> {
    /// Relative path from a page at `url` to the site root (for the 404 page, the path from the
    /// host's root). Pages link relatively with or without a base URL, so a site works on any
    /// host that serves it (a deploy preview, `python3 -m http.server`); only what must be
    /// absolute (feed, sitemap, robots.txt, export, canonical links) uses the base URL.
    fn root(&self, url: &str) -> String {
        match &self.base {
            Some(b) => b.clone(),
            None => "../".repeat(url.matches('/').count()),
        }
    }

    /// Renders a page. A template that fails is an error of the input (rule `theme`), at the
    /// template file.
    fn render(&self, spec: PageSpec) -> Result<String, Error> {
        let PageSpec {
            template,
            url,
            title,
            nav,
            mut ctx,
        } = spec;
        let root = self.root(&url);
        ctx.insert("root", &root);
        ctx.insert(
            "site",
            &json!({
                "title": self.site.config.title,
                "description": self.site.config.description,
                "static": self.statics,
            }),
        );
        ctx.insert("page_title", &title);
        ctx.insert("page_url", &url);
        ctx.insert("nav", nav);
        // Every page has a `pagination` (null unless a long list is cut into pages), so that
        // base.html can name the previous and next pages.
        if ctx.get("pagination").is_none() {
            ctx.insert("pagination", &Value::Null);
        }
        self.theme
            .tera
            .render(template, &ctx)
            .map_err(|e| Error::Invalid(vec![self.theme.render_error(template, &url, &ctx, &e)]))
    }
}

/// The links to other incidents that incident pages name beside their learnings ("Learned
/// before in", see [`Group::nearest`]): the theme's `seen` macro for each incident, rendered
/// once for each way it reads (linked by the authors or by Hindsight) on the first page that
/// names it, instead of on every page. On 10,000 postmortems a page names up to 60 of them, and
/// tera's macro calls were most of what clusters added to the pages. A link that does not
/// render is left to the page, which calls the macro itself and so reports the fault at the
/// template as it would have (and so does [`probe`], which renders without these).
struct SeenLinks<'a> {
    theme: &'a Theme,
    /// The incident pages' way to the site root.
    root: String,
    /// For each incident: its link as the authors linked it, and as Hindsight did.
    cells: Vec<[std::sync::OnceLock<Option<String>>; 2]>,
}

impl<'a> SeenLinks<'a> {
    fn new(theme: &'a Theme, root: String, incidents: usize) -> Self {
        SeenLinks {
            theme,
            root,
            cells: (0..incidents).map(|_| Default::default()).collect(),
        }
    }

    /// The link to incident `j`, or `None` if the macro does not render.
    fn get(&self, site: &Site, j: usize, by_similarity: bool) -> Option<&str> {
        self.cells[j][usize::from(by_similarity)]
            .get_or_init(|| {
                let mut ctx = Context::new();
                ctx.insert("o", &seen_view(&site.library.incidents[j], by_similarity));
                ctx.insert("root", &self.root);
                self.theme.tera.render(crate::theme::SEEN_LINK, &ctx).ok()
            })
            .as_deref()
    }

    /// The links to `list`, each with its way to read, joined as the page lists them.
    fn joined(&self, site: &Site, list: impl Iterator<Item = (usize, bool)>) -> Option<String> {
        let mut joined = String::new();
        for (k, (j, by_similarity)) in list.enumerate() {
            if k > 0 {
                joined.push_str("; ");
            }
            joined.push_str(self.get(site, j, by_similarity)?);
        }
        Some(joined)
    }
}

/// Another incident as an incident page names it beside a learning (the `o` of the theme's
/// `seen` macro).
fn seen_view(o: &Incident, by_similarity: bool) -> Value {
    json!({"id": o.id, "title": o.title, "url": o.url(), "year": o.year(),
           "by_similarity": by_similarity})
}

/// A date as ISO text and as words, for `<time>` elements.
fn date_view(d: Option<NaiveDate>) -> Value {
    match d {
        Some(d) => {
            json!({"iso": d.format("%Y-%m-%d").to_string(), "human": d.format("%-d %b %Y").to_string()})
        }
        None => Value::Null,
    }
}

/// An incident's date as pages show it: only the year when that is all that is known (1
/// January of the year in the file name stands in for sorting, not for the reader).
fn incident_date(inc: &Incident) -> Value {
    match inc.date {
        Some(d) if inc.date_source == crate::content::derive::DateSource::FileNameYear => {
            let year = d.format("%Y").to_string();
            json!({"iso": year, "human": year, "year_only": true})
        }
        d => date_view(d),
    }
}

/// A learning's first or last seen date: only the year when each of its incidents of that
/// date knows only the year.
fn seen_date(lib: &crate::content::Library, g: &Group, d: Option<NaiveDate>) -> Value {
    let on_that_day = g
        .incidents
        .iter()
        .map(|&i| &lib.incidents[i])
        .filter(|inc| inc.date == d);
    match on_that_day.clone().next() {
        Some(inc)
            if on_that_day
                .clone()
                .all(|o| o.date_source == inc.date_source) =>
        {
            incident_date(inc)
        }
        _ => date_view(d),
    }
}

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// "3 h 12 min" between two instants; from a day on, to the nearest hour ("2 d 4 h" for
/// 2 d 3 h 54 min, "1 d" for a day and ten minutes), never cut short by the minutes left out.
pub fn duration(
    from: Option<DateTime<FixedOffset>>,
    to: Option<DateTime<FixedOffset>>,
) -> Option<String> {
    let mins = (to? - from?).num_minutes();
    if mins < 0 {
        return None;
    }
    if mins >= 1440 {
        let hours = (mins + 30) / 60;
        return Some(match (hours / 24, hours % 24) {
            (d, 0) => format!("{d} d"),
            (d, h) => format!("{d} d {h} h"),
        });
    }
    Some(match (mins / 60, mins % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    })
}

/// A short card of an incident, for lists.
#[derive(Serialize)]
struct Card<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    date: Value,
    severity: Option<&'a str>,
    severity_slug: Option<String>,
    summary: String,
    services: Vec<&'a str>,
}

fn card(inc: &Incident) -> Card<'_> {
    Card {
        id: &inc.id,
        title: &inc.title,
        url: inc.url(),
        date: incident_date(inc),
        severity: inc.severity.as_deref(),
        severity_slug: inc.severity.as_deref().map(slugify),
        summary: truncate(&inc.summary, 240),
        services: inc.services.iter().map(String::as_str).collect(),
    }
}

/// `s` cut to at most `max` characters at a word boundary, with an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    if let Some(i) = out.rfind(' ') {
        out.truncate(i);
    }
    out.push('…');
    out
}

fn reason_text(r: &Reason) -> String {
    match r {
        Reason::Learning(s) => {
            // Neither learned it when neither states it: their action items are what is alike.
            let what = match (s.stated_by, s.cluster) {
                (2, false) => "same learning",
                (2, true) => "similar learning",
                (1, false) => "action item on the same learning",
                (1, true) => "action item on a similar learning",
                (_, false) => "action items on the same learning",
                (_, true) => "similar action items",
            };
            if !s.tentative.is_empty() {
                // One shared word is no evidence of one lesson: said as a guess, never as the
                // same learning.
                return format!(
                    "possibly related learnings, alike only in {} {}: {}",
                    if s.tentative.len() == 1 {
                        "the word"
                    } else {
                        "the words"
                    },
                    quoted(&s.tentative),
                    s.title
                );
            }
            // A cluster's name already says that similarity made it.
            let by = if s.by_similarity && !s.cluster {
                " (linked by Hindsight)"
            } else {
                ""
            };
            format!("{what}{by}: {}", s.title)
        }
        Reason::Linked => "linked by the authors".into(),
        Reason::SameService(s) => format!("same service: {s}"),
        Reason::SameTag(t) => format!("same tag: {t}"),
        Reason::SimilarText => "similar text".into(),
    }
}

/// Words each in curly quotes, separated by commas: “rollback”, “template”.
fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each name with the URL of its term's page in `tax` (a name no term has, such as a blank
/// one, is left out).
fn term_links(tax: &Taxonomy, names: &[String]) -> Vec<Value> {
    names
        .iter()
        .filter_map(|n| {
            tax.term(n)
                .map(|t| json!({"name": n, "url": tax.url(&t.slug)}))
        })
        .collect()
}

/// Renders and writes the whole site with `theme` (see [`crate::theme::load`]). Returns the
/// number of HTML pages.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    out: &Output,
    progress: &Progress,
    diags: &Diagnostics,
) -> Result<usize, Error> {
    let areas = crate::confine::Areas::new(&site.root, &site.config);
    let statics = crate::theme::static_files(&site_root(site), &site.config.theme, &areas)
        .map_err(Error::Render)?;
    let highlight = crate::markdown::highlight_css(
        &site.config.highlight_theme,
        &site.config.highlight_theme_dark,
    );
    // Static files go under static/, with a version derived from their content for caching.
    let mut hasher_input = Vec::new();
    for (name, bytes) in &statics {
        out.write(&format!("static/{name}"), bytes)?;
        hasher_input.extend_from_slice(name.as_bytes());
        hasher_input.extend_from_slice(bytes);
    }
    out.write("static/highlight.css", highlight.as_bytes())?;
    let t = std::time::Instant::now();
    crate::search::web::write(
        &site.library,
        &site.graph.groups,
        site.search.as_deref(),
        out,
    )?;
    crate::timing("browser search index", t);
    hasher_input.extend_from_slice(highlight.as_bytes());
    let version = short_hash(&hasher_input);
    let page = Page {
        theme,
        site,
        base: None,
        statics: &version,
    };
    let lib = &site.library;
    let graph = &site.graph;
    let trusted = crate::attachment::Trusted::new(&site.root, &site.config);
    let mut pages = 0usize;
    let write_page = |spec: PageSpec| -> Result<(), Error> {
        let path = file_of(&spec.url);
        out.write(&path, page.render(spec)?.as_bytes())?;
        Ok(())
    };

    // Incident pages, in parallel.
    let t = std::time::Instant::now();
    let seen_links = SeenLinks::new(theme, page.root("incidents/x/"), lib.incidents.len());
    let titles = tab_titles(&lib.incidents);
    progress.stage("Rendering incidents");
    progress.length(lib.incidents.len() as u64);
    lib.incidents
        .par_iter()
        .enumerate()
        .try_for_each(|(i, inc)| -> Result<(), Error> {
            write_page(incident_page(
                site,
                i,
                &titles[i],
                &site.graph.related[i],
                &site.graph.more_related[i],
                // Every incident page's, unless an id holds a slash.
                Some(&seen_links).filter(|l| l.root == page.root(&inc.url())),
            ))?;
            for a in &inc.assets {
                copy_asset(site, out, a, &trusted, &inc.source, diags);
            }
            progress.tick();
            Ok(())
        })?;
    pages += lib.incidents.len();
    crate::timing("incident pages", t);

    // Learning pages.
    let t = std::time::Instant::now();
    progress.stage("Rendering learnings");
    graph
        .groups
        .par_iter()
        .try_for_each(|g| -> Result<(), Error> {
            write_page(learning_page(site, g))?;
            // A canonical learning's images and files, beside its page as a postmortem's are.
            if let Some(l) = g.learning.map(|i| &lib.learnings[i]) {
                for a in &l.assets {
                    copy_asset(site, out, a, &trusted, &l.source, diags);
                }
            }
            Ok(())
        })?;
    pages += graph.groups.len();
    crate::timing("learning pages", t);

    write_page(learnings_page(site, Listed::All))?;
    pages += 1;
    for spec in incidents_pages(site, Listed::All, site.config.paginate_by) {
        write_page(spec)?;
        pages += 1;
    }
    for tax in &site.taxonomies {
        write_page(taxonomy_page(site, tax))?;
        pages += 1;
        if let Some(g) = Unrecorded::of(site, tax) {
            for spec in g.pages(site.config.paginate_by) {
                write_page(spec)?;
                pages += 1;
            }
        }
        pages += tax
            .terms
            .par_iter()
            .map(|t| {
                let specs = term_pages(site, tax, t);
                let n = specs.len();
                specs.into_iter().try_for_each(&write_page).map(|()| n)
            })
            .try_reduce(|| 0, |a, b| Ok(a + b))?;
    }
    write_page(overview_page(site))?;
    let actions = action_items_pages(site, Listed::All, site.config.paginate_by);
    pages += actions.len();
    actions.into_par_iter().try_for_each(write_page)?;
    write_page(onboarding_page(site))?;
    // The images and files of the overview intro and the reading path.
    for page in lib.index.iter().chain(&lib.onboarding) {
        for a in &page.assets {
            copy_asset(site, out, a, &trusted, &page.source, diags);
        }
    }
    write_page(stats_page(site))?;
    write_page(search_page())?;
    pages += 4;
    {
        // The 404 page is served at any depth, so it links from the site root.
        let not_found = Page {
            base: Some(site.config.root_path()),
            ..page
        };
        out.write("404.html", not_found.render(not_found_page())?.as_bytes())?;
        pages += 1;
    }
    out.write("feed.xml", feed(site).as_bytes())?;
    out.write("sitemap.xml", sitemap(site).as_bytes())?;
    out.write("robots.txt", robots(site).as_bytes())?;
    write_redirects(site, out, diags)?;
    export(site, out)?;
    // The site's own files, last: one of them replaces what Hindsight writes at its path (a
    // robots.txt of the site's own).
    // Links that lead outside were reported before rendering, and stopped the build.
    let (files, _) = site_files(&site_root(site), &areas)?;
    for (rel, from) in files {
        let bytes = std::fs::read(&from).map_err(|source| crate::output::OutputError::Read {
            path: from.clone(),
            source,
        })?;
        out.write(&rel, &bytes)?;
    }
    Ok(pages)
}

/// Copies an image or another file that the page at `source` links to into the site, as it is
/// published (see [`crate::attachment`]), and notes what its copy leaves out
/// (`unsafe-attachment`, at the file itself) or why it could not be copied.
fn copy_asset(
    site: &Site,
    out: &Output,
    a: &crate::markdown::Asset,
    trusted: &crate::attachment::Trusted,
    source: &str,
    diags: &Diagnostics,
) {
    match crate::attachment::copy(out, &a.from, &a.to, trusted) {
        Ok(found) => diags.extend(crate::check::unsafe_attachment(
            &crate::diagnostics::rel_path(&site.root, &a.from),
            &found,
        )),
        // The attachment itself is what cannot be read: the finding names it, at the link.
        Err(crate::output::OutputError::Read { path, source: e }) => {
            let file = crate::diagnostics::rel_path(&site.root, &path);
            diags.push(crate::attachment::unreadable(
                &file, source, a.line, a.column, &e,
            ));
        }
        Err(e) => diags.push(Diagnostic::error("io", source, e.to_string())),
    }
}

/// The folder under the root whose files are published as they are, at the site's root
/// (`static/CNAME` is `CNAME`), as Zola's and Hugo's `static/`.
pub const SITE_FILES: &str = "static";

/// Files to publish as they are: (path in the site, file).
pub type SiteFiles = Vec<(String, std::path::PathBuf)>;

/// The files of [`SITE_FILES`] under `root`, hidden ones too (`.nojekyll`, `.well-known/`),
/// through symbolic links that stay inside `areas`: (path in the site, file), in order; and an
/// error at each link there that leads outside (`symlink-outside`), which is not published (see
/// [`crate::confine`]), and at each file that cannot be read and folder that cannot be listed
/// (`io`, see [`unreadable_site_file`]), every one of them, before anything is written. `build`
/// and `check` report them alike.
pub fn site_files(
    root: &std::path::Path,
    areas: &crate::confine::Areas,
) -> Result<(SiteFiles, Vec<Diagnostic>), Error> {
    let dir = root.join(SITE_FILES);
    if !dir.is_dir() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut unreadable = Vec::new();
    let (found, mut findings) = crate::confine::files_under(
        &dir,
        areas,
        "copy the file into `static/` in place of the link",
        Some(&mut unreadable),
    )
    .map_err(|e| Error::Render(format!("cannot read {}: {e}", dir.display())))?;
    // What cannot be read, each once. Nothing in a folder that may be listed but not entered
    // (`a-x`) can even be looked at: that folder is what to make readable.
    let mut named = std::collections::BTreeSet::new();
    let mut report = |path: &std::path::Path, e: &std::io::Error| {
        let (path, folder) = match std::fs::symlink_metadata(path) {
            Ok(m) => (path, m.is_dir()),
            Err(_) => (path.parent().unwrap_or(path), true),
        };
        let source = crate::diagnostics::rel_path(root, path);
        if named.insert(source.clone()) {
            findings.push(unreadable_site_file(&source, folder, e));
        }
    };
    for e in &unreadable {
        if let (Some(path), Some(io)) = (e.path(), e.io_error()) {
            report(path, io);
        }
    }
    let mut files = Vec::with_capacity(found.len());
    for path in found {
        let rel = crate::diagnostics::rel_path(&dir, &path);
        if rel == crate::output::MARKER {
            return Err(Error::Render(format!(
                "{} cannot be published: the output folder's marker has that name; rename or delete it",
                path.display()
            )));
        }
        // Opened, not read: listing a file says nothing of whether it may be read.
        if let Err(e) = std::fs::File::open(&path) {
            report(&path, &e);
        }
        files.push((rel, path));
    }
    Ok((files, findings))
}

/// The `io` error of a file of [`SITE_FILES`] (or, `folder`, a folder there that cannot be
/// listed) that cannot be read, which `build` could not publish: `source` is its path from the
/// site root. The hint says how to make it readable, or to move it out of the folder.
pub fn unreadable_site_file(source: &str, folder: bool, e: &std::io::Error) -> Diagnostic {
    let (what, chmod) = if folder {
        ("list the folder", "a+rx")
    } else {
        ("read the file", "a+r")
    };
    let fix = crate::content::how_to_read(source, chmod, e);
    let why = format!("every file under `{SITE_FILES}/` is published as it is");
    let hint = if source == SITE_FILES {
        format!("{fix}, as {why}")
    } else {
        format!("{fix}, or, as {why}, move it out of `{SITE_FILES}/`")
    };
    Diagnostic::error("io", source, format!("cannot {what} `{source}`: {e}")).hint(hint)
}

/// Files that Hindsight writes only as a default, for a site to replace with its own from
/// `static/` (docs/build.md: "your own `robots.txt` or `404.html`").
const DEFAULTS: &[&str] = &["robots.txt", "404.html"];

/// The rule of a file of `static/` that replaces one Hindsight writes.
pub const REPLACES: &str = "static-replaces";

/// What the output folder holds once `site` is built: each file Hindsight writes, with what it
/// is, and the site's own files of `static/`, which [`render_site`] copies last, over
/// Hindsight's at the same path. `build` and `check` both ask it, so that they agree on where a
/// link leads and on which file of `static/` replaces one of Hindsight's.
pub struct Published {
    /// Path in the output (`incidents/PM1/index.html`) to what Hindsight writes there.
    written: HashMap<String, &'static str>,
    /// The paths of the site's own files, in order (see [`site_files`]).
    own: Vec<String>,
    own_set: HashSet<String>,
}

impl Published {
    /// The files of a build of `site` (whose theme's files are read within `areas`) with the
    /// site's own files `own` (see [`site_files`]). The search index's files other than
    /// `search/index.json` are named after a hash of their bytes, unknown before the build: no
    /// path is taken for one of them. A theme whose static files cannot be read adds none
    /// (`build` stops on it as it renders).
    pub fn new(site: &Site, areas: &crate::confine::Areas, own: &SiteFiles) -> Self {
        let mut written: HashMap<String, &'static str> = HashMap::new();
        let pages = page_urls(site);
        for url in &pages {
            written.insert(file_of(url), "the page");
        }
        let theme = crate::theme::static_files(&site.root, &site.config.theme, areas);
        for (name, _) in theme.unwrap_or_default() {
            written.insert(format!("static/{name}"), "a static file of the theme");
        }
        for (path, what) in [
            ("static/highlight.css", "the code highlighting style"),
            ("search/index.json", "the search index"),
            ("404.html", "the page"),
            ("feed.xml", "the feed"),
            ("sitemap.xml", "the sitemap"),
            ("robots.txt", "the file"),
            ("api/incidents.json", "the data export"),
            ("api/learnings.json", "the data export"),
        ] {
            written.insert(path.to_string(), what);
        }
        let pages: HashSet<&String> = pages.iter().collect();
        let redirects: Vec<Redirect> = redirects(site)
            .into_iter()
            .filter(|r| !pages.contains(&r.from))
            .collect();
        for r in &redirects {
            written.entry(file_of(&r.from)).or_insert(match r.alias {
                Some(_) => "the redirect page of an alias",
                None => "the redirect page of page 1 of a list",
            });
        }
        let aliases = redirects.iter().any(|r| r.alias.is_some());
        let lists = redirects.iter().any(|r| r.alias.is_none());
        let what = match (aliases, lists) {
            (true, false) => Some("the redirects of aliases"),
            (false, true) => Some("the redirects of page 1 of lists"),
            (true, true) => Some("the redirects of aliases and of page 1 of lists"),
            (false, false) => None,
        };
        if let Some(what) = what {
            written.insert("_redirects".into(), what);
        }
        let lib = &site.library;
        let canonical = site.graph.groups.iter().filter_map(|g| g.learning);
        let assets = lib
            .incidents
            .iter()
            .flat_map(|i| &i.assets)
            .chain(canonical.flat_map(|l| &lib.learnings[l].assets))
            .chain(
                lib.index
                    .iter()
                    .chain(&lib.onboarding)
                    .flat_map(|p| &p.assets),
            );
        for a in assets {
            written.insert(a.to.clone(), "a file a page links to");
        }
        let own: Vec<String> = own.iter().map(|(rel, _)| rel.clone()).collect();
        Published {
            written,
            own_set: own.iter().cloned().collect(),
            own,
        }
    }

    /// Whether the output holds a file at `path` (from its root, with `/`), or a folder there
    /// with an `index.html`, which a host serves for it.
    pub fn holds(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        let index = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}/index.html")
        };
        [path, index.as_str()]
            .iter()
            .any(|p| self.written.contains_key(*p) || self.own_set.contains(*p))
    }

    /// A warning (rule [`REPLACES`]) at each file of `static/` that replaces one Hindsight
    /// writes, other than the [`DEFAULTS`] a site is meant to replace.
    pub fn replaced(&self) -> Vec<Diagnostic> {
        self.own
            .iter()
            .filter(|rel| !DEFAULTS.contains(&rel.as_str()))
            .filter_map(|rel| {
                let what = self.written.get(rel)?;
                let url = rel.strip_suffix("index.html").unwrap_or(rel);
                Some(
                    Diagnostic::warning(
                        REPLACES,
                        &format!("{SITE_FILES}/{rel}"),
                        format!("this file is published at `/{url}` in place of {what} that Hindsight writes there"),
                    )
                    .hint(format!("the files of `{SITE_FILES}/` are published at the site's root, over Hindsight's: move or rename this one; to replace Hindsight's on purpose, set `{REPLACES} = \"off\"` under `[check.rules]` in hindsight.toml")),
                )
            })
            .collect()
    }
}

/// The file a page at `url` (relative to the site root: ``, `incidents/`, `old/page.html`) is
/// written to.
fn file_of(url: &str) -> String {
    if url.is_empty() {
        "index.html".to_string()
    } else if url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

/// Renders the pages of every kind into memory with the site's data, as [`render_site`]
/// renders them, and writes nothing; returns a finding (rule `theme`) for each template that
/// fails, each file once. `check` runs it, so that a theme that `build` cannot render fails the
/// check.
///
/// A template fault behind `{% if incident.severity %}` shows only on a page that has a
/// severity, and `incident.severity | upper` fails only on one that has none; so the pages of
/// a few incidents that between them set, and leave unset, each optional field are rendered
/// ([`incident_sample`]), and of a few learnings likewise ([`learning_sample`]). The lists of
/// incidents, learnings and action items list only those, so that the cost does not grow with
/// the site; the overview, a taxonomy, its smallest term, onboarding, statistics, search and
/// 404 are rendered as they are. `check` neither renders Markdown nor ranks related incidents,
/// the two costliest stages of `build`: a page whose body has any text shows a stand-in for its
/// HTML ([`crate::markdown::UNRENDERED`]), and the first sampled incident's page is rendered
/// once more with a few others of the sample as its related incidents ([`related_sample`]). A
/// fault that only the data of some other page reaches still shows only in `build`.
pub fn probe(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let page = Page {
        theme,
        site,
        base: None,
        statics: "probe",
    };
    let not_found = Page {
        base: Some(site.config.root_path()),
        ..page
    };
    let incidents = incident_sample(site);
    let learnings = learning_sample(site);
    let host = incidents.first().copied();
    let related = host.map_or_else(Vec::new, |i| related_sample(site, i, &incidents));
    let more = more_sample(site);
    let titles = tab_titles(&site.library.incidents);
    type Build<'s> = Box<dyn Fn() -> PageSpec + Send + Sync + 's>;
    let mut kinds: Vec<(&Page, Build)> = vec![
        (&page, Box::new(|| overview_page(site))),
        (
            &page,
            Box::new(|| incidents_page(site, Listed::Only(&incidents))),
        ),
        (
            &page,
            Box::new(|| learnings_page(site, Listed::Only(&learnings))),
        ),
        (
            &page,
            Box::new(|| action_items_page(site, Listed::Only(&incidents))),
        ),
        // The sample's action items one a page: a summary and a list of one owner's items of
        // one status (when it has two or more), so that a theme's templates of both render.
        (
            &page,
            Box::new(|| action_items_pages(site, Listed::Only(&incidents), 1).swap_remove(0)),
        ),
        (
            &page,
            Box::new(|| {
                let mut pages = action_items_pages(site, Listed::Only(&incidents), 1);
                pages.pop().expect("the action items have a page")
            }),
        ),
        // And the owners of one status, the page after the summary.
        (
            &page,
            Box::new(|| {
                let mut pages = action_items_pages(site, Listed::Only(&incidents), 1);
                let at = usize::from(pages.len() > 1);
                pages.swap_remove(at)
            }),
        ),
        (&page, Box::new(|| onboarding_page(site))),
        (&page, Box::new(|| stats_page(site))),
        (&page, Box::new(search_page)),
        (&not_found, Box::new(not_found_page)),
    ];
    for &i in &incidents {
        let title = &titles[i];
        kinds.push((
            &page,
            Box::new(move || {
                incident_page(
                    site,
                    i,
                    title,
                    &site.graph.related[i],
                    &site.graph.more_related[i],
                    None,
                )
            }),
        ));
    }
    // `check` ranks no related incidents (that reads every postmortem's whole text), so the
    // page of one incident is also rendered with the others of the sample as its related ones.
    if let (Some(i), false) = (host, related.is_empty()) {
        let (title, related, more) = (&titles[i], &related, &more);
        kinds.push((
            &page,
            Box::new(move || incident_page(site, i, title, related, more, None)),
        ));
    }
    for &g in &learnings {
        let g = &site.graph.groups[g];
        kinds.push((&page, Box::new(move || learning_page(site, g))));
    }
    // A taxonomy with terms, and its smallest term (a term page lists its incidents).
    let tax = site
        .taxonomies
        .iter()
        .find(|t| !t.terms.is_empty())
        .or(site.taxonomies.first());
    if let Some(tax) = tax {
        kinds.push((&page, Box::new(move || taxonomy_page(site, tax))));
        if let Some(term) = tax.terms.iter().min_by_key(|t| t.incidents.len()) {
            kinds.push((&page, Box::new(move || term_page(site, tax, term))));
        }
    }
    let found: Vec<Vec<Diagnostic>> = kinds
        .par_iter()
        .map(|(page, spec)| match page.render(spec()) {
            Err(Error::Invalid(ds)) => ds,
            _ => Vec::new(),
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .flatten()
        .filter(|d| seen.insert(d.file.clone()))
        .collect()
}

/// What a list page lists: every item (`build`), or the sample [`probe`] renders (positions in
/// the library's incidents or the graph's learnings, in order).
#[derive(Debug, Clone, Copy)]
enum Listed<'a> {
    All,
    Only(&'a [usize]),
}

impl<'a> Listed<'a> {
    fn of<'s, T>(self, all: &'s [T]) -> Box<dyn Iterator<Item = &'s T> + 's>
    where
        'a: 's,
    {
        match self {
            Listed::All => Box::new(all.iter()),
            Listed::Only(some) => Box::new(some.iter().map(move |&i| &all[i])),
        }
    }
}

/// Positions of a few of `items` that between them show each of the features both present
/// and absent (as far as the items do): an item is kept when it shows a feature or its
/// absence that no item kept before it shows.
fn covering<T, const N: usize>(
    items: &[T],
    features: impl Fn(usize, &T) -> [bool; N],
) -> Vec<usize> {
    let mut seen = [[false; 2]; N];
    let mut kept = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut new = false;
        for (k, f) in features(i, item).into_iter().enumerate() {
            new |= !std::mem::replace(&mut seen[k][usize::from(f)], true);
        }
        if new {
            kept.push(i);
        }
        if seen.iter().flatten().all(|&s| s) {
            break;
        }
    }
    kept
}

/// A few incidents that between them set, and leave unset, each optional field an incident page
/// or a list of incidents or action items shows.
fn incident_sample(site: &Site) -> Vec<usize> {
    let graph = &site.graph;
    let recurring = |g: &Option<String>| {
        g.as_ref()
            .and_then(|g| graph.by_id.get(g))
            .is_some_and(|&g| graph.groups[g].is_recurring())
    };
    covering(&site.library.incidents, |i, inc| {
        let actions =
            |f: &dyn Fn(&crate::content::ActionItem) -> bool| inc.action_items.iter().any(f);
        [
            inc.date.is_some(),
            inc.date_source == crate::content::derive::DateSource::FileNameYear,
            inc.severity.is_some(),
            inc.status == crate::content::Status::Published,
            !inc.services.is_empty(),
            !inc.tags.is_empty(),
            !inc.authors.is_empty(),
            inc.started_at.is_some(),
            inc.detected_at.is_some(),
            inc.resolved_at.is_some(),
            !inc.summary.is_empty(),
            inc.toc.len() > 1,
            !inc.learnings.is_empty(),
            inc.learnings.iter().any(|l| l.group.is_some()),
            inc.learnings.iter().any(|l| l.group.is_none()),
            inc.learnings.iter().any(|l| recurring(&l.group)),
            inc.learnings.iter().any(|l| l.canonical.is_none()),
            !inc.action_items.is_empty(),
            actions(&|a| a.owner.is_some()),
            actions(&|a| a.owner.is_none()),
            actions(&|a| a.due.is_some()),
            actions(&|a| a.group.is_some()),
            actions(&|a| a.learning.is_none()),
            actions(&|a| a.status == Some(ActionStatus::Open)),
            actions(&|a| a.status == Some(ActionStatus::Done)),
            actions(&|a| a.status == Some(ActionStatus::Wontfix)),
            actions(&|a| a.status.is_none()),
            graph.related.get(i).is_some_and(|r| !r.is_empty()),
            !inc.html.is_empty(),
        ]
    })
}

/// Related incidents for [`probe`] to show on the page of incident `host`, where `build` would
/// rank some: others of `sample` that between them set, and leave unset, what a related
/// incident shows (no more than a page shows), the first with every kind of reason.
fn related_sample(site: &Site, host: usize, sample: &[usize]) -> Vec<Related> {
    let lib = &site.library;
    let others: Vec<usize> = sample.iter().copied().filter(|&j| j != host).collect();
    let reasons = [
        Reason::Linked,
        Reason::SimilarText,
        Reason::Learning(crate::learnings::Shared {
            title: "a learning".into(),
            cluster: false,
            stated_by: 2,
            by_similarity: false,
            tentative: Vec::new(),
        }),
        Reason::Learning(crate::learnings::Shared {
            title: "a cluster".into(),
            cluster: true,
            stated_by: 1,
            by_similarity: true,
            tentative: Vec::new(),
        }),
        Reason::Learning(crate::learnings::Shared {
            title: "a tentative cluster".into(),
            cluster: true,
            stated_by: 2,
            by_similarity: true,
            tentative: vec!["word".into()],
        }),
        Reason::SameService("a service".into()),
        Reason::SameTag("a tag".into()),
    ];
    covering(&others, |_, &j| {
        let inc = &lib.incidents[j];
        [
            inc.date.is_some(),
            inc.date_source == crate::content::derive::DateSource::FileNameYear,
            inc.severity.is_some(),
        ]
    })
    .into_iter()
    .take(crate::learnings::RELATED_LIMIT)
    .enumerate()
    .map(|(k, o)| Related {
        incident: others[o],
        score: 0.0,
        reasons: if k == 0 {
            reasons.to_vec()
        } else {
            reasons[..1].to_vec()
        },
    })
    .collect()
}

/// Learnings shared with more incidents than a page lists, for [`probe`] to show with
/// [`related_sample`]: a canonical learning with one more, a cluster with two.
fn more_sample(site: &Site) -> Vec<MoreShared> {
    let groups = &site.graph.groups;
    [(true, 1), (false, 2)]
        .into_iter()
        .filter_map(|(canonical, more)| {
            let group = groups.iter().position(|g| g.canonical == canonical)?;
            Some(MoreShared { group, more })
        })
        .collect()
}

/// A few learnings that between them show each part a learning page or the list of learnings
/// can show, and leave it out.
fn learning_sample(site: &Site) -> Vec<usize> {
    covering(&site.graph.groups, |_, g| {
        [
            g.canonical,
            g.incidents.is_empty(),
            g.incidents.len() == 1,
            g.is_recurring(),
            g.is_tentative(),
            g.incidents.len() > LEARNING_PAGE_LIMIT,
            !g.actions.is_empty(),
            g.actions.len() > LEARNING_PAGE_LIMIT,
            !g.recurred_after_done.is_empty(),
            !g.maybe_recurred_after_done.is_empty(),
            g.first_seen.is_some(),
            !g.summary.is_empty(),
            g.learning
                .is_some_and(|l| !site.library.learnings[l].html.is_empty()),
        ]
    })
}

/// Each incident's title as a browser shows its page (the tab, the history, bookmarks) and a
/// feed reader its entry: the title alone, or, when two or more incidents have the same title
/// (case aside), the title and the id, `All services returning 503 (PM2021-005)`. Those show
/// the title and nothing else, which would not tell such incidents apart; lists and the page
/// itself show the id beside the title already, so they keep it as it is.
fn tab_titles(incidents: &[Incident]) -> Vec<Cow<'_, str>> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for inc in incidents {
        *count.entry(inc.title.to_lowercase()).or_default() += 1;
    }
    incidents
        .iter()
        .map(|inc| match count[&inc.title.to_lowercase()] {
            1 => Cow::Borrowed(inc.title.as_str()),
            _ => Cow::Owned(format!("{} ({})", inc.title, inc.id)),
        })
        .collect()
}

/// The page of incident `i`, whose `<title>` is `title` (see [`tab_titles`]).
fn incident_page(
    site: &Site,
    i: usize,
    title: &str,
    related: &[Related],
    more: &[MoreShared],
    links: Option<&SeenLinks>,
) -> PageSpec {
    let inc = &site.library.incidents[i];
    PageSpec::new(
        "incident.html",
        inc.url(),
        title,
        "incidents",
        incident_context(site, i, related, more, links),
    )
}

fn learning_page(site: &Site, g: &Group) -> PageSpec {
    PageSpec::new(
        "learning.html",
        g.url(),
        g.full_title.as_str(),
        "learnings",
        learning_context(site, g),
    )
}

/// The order of every list of learnings (the overview's and the learnings index): seen in
/// the most incidents first, as *recurring* counts them (action items included); of those seen
/// as often, the one the most incidents state; then the most recently seen, then by id.
fn by_recurrence(a: &Group, b: &Group) -> std::cmp::Ordering {
    b.incidents
        .len()
        .cmp(&a.incidents.len())
        .then_with(|| b.stating.len().cmp(&a.stating.len()))
        .then_with(|| b.last_seen.cmp(&a.last_seen))
        .then_with(|| a.id.cmp(&b.id))
}

/// The learnings index.
fn learnings_page(site: &Site, listed: Listed) -> PageSpec {
    let lib = &site.library;
    let mut rows: Vec<(&Group, Value)> = listed
        .of(&site.graph.groups)
        .map(|g| (g, group_row(site, g)))
        .collect();
    rows.sort_by(|(a, _), (b, _)| by_recurrence(a, b));
    let recurring: Vec<&Value> = rows
        .iter()
        .filter(|(g, _)| g.is_recurring())
        .map(|(_, v)| v)
        .collect();
    // Clusters on one shared word: after the recurring ones, as possibly related.
    let possibly: Vec<&Value> = rows
        .iter()
        .filter(|(g, _)| g.is_tentative())
        .map(|(_, v)| v)
        .collect();
    let once = seen_once(site, listed);
    let unused: Vec<&Value> = rows
        .iter()
        .filter(|(g, _)| g.incidents.is_empty())
        .map(|(_, v)| v)
        .collect();
    let mut ctx = Context::new();
    ctx.insert("recurring", &recurring);
    ctx.insert("possibly", &possibly);
    ctx.insert("once", &once);
    ctx.insert("unused", &unused);
    let unlabelled = lib
        .incidents
        .iter()
        .map(|i| i.learnings.iter().filter(|l| l.group.is_none()).count())
        .sum::<usize>();
    ctx.insert("unlabelled", &unlabelled);
    ctx.insert("canonical", &!lib.learnings.is_empty());
    PageSpec::new(
        "learnings.html",
        "learnings/",
        "Learnings",
        "learnings",
        ctx,
    )
}

/// Every learning seen in one incident, for the learnings index: each learning (canonical or
/// cluster) that one incident cites, linked to its page, and each learning an incident states
/// that belongs to none, linked to the incident's list of what it learned. Newest incident
/// first, then in the incident's order. A [`Listed::Only`] sample keeps its learnings and the
/// first learning of no group.
fn seen_once(site: &Site, listed: Listed) -> Vec<Value> {
    let lib = &site.library;
    // `url`: the learning's own page, if it has one. The incident links to where the page
    // shows the learning: its "What we learned", or its action items when only one of them
    // cites it.
    let entry = |i: usize, title: &str, url: Option<String>, only_action: bool| {
        let inc = &lib.incidents[i];
        let at = if only_action {
            "actions-h"
        } else {
            "learned-h"
        };
        json!({"title": title, "url": url, "own_page": url.is_some(), "only_action": only_action,
               "incident": {"id": inc.id, "title": inc.title, "url": format!("{}#{at}", inc.url()),
                            "date": incident_date(inc)}})
    };
    // Each group's first learning: (incident, the learning's position in it).
    let mut first: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, inc) in lib.incidents.iter().enumerate() {
        for (at, l) in inc.learnings.iter().enumerate() {
            if let Some(g) = &l.group {
                first.entry(g.as_str()).or_insert((i, at));
            }
        }
    }
    // Sorted by incident, then by the learning's position; past them for one that only an
    // action item cites.
    let mut once: Vec<((usize, usize), Value)> = listed
        .of(&site.graph.groups)
        .filter(|g| g.incidents.len() == 1)
        .map(|g| {
            let i = g.incidents[0];
            let at = first.get(g.id.as_str()).map_or(usize::MAX, |&(_, at)| at);
            let only_action = g.stating.is_empty();
            ((i, at), entry(i, &g.title, Some(g.url()), only_action))
        })
        .collect();
    let alone = lib.incidents.iter().enumerate().flat_map(|(i, inc)| {
        inc.learnings
            .iter()
            .enumerate()
            .filter(|(_, l)| l.group.is_none())
            .map(move |(at, l)| (i, at, l))
    });
    let alone = alone.take(match listed {
        Listed::All => usize::MAX,
        Listed::Only(_) => 1,
    });
    for (i, at, l) in alone {
        once.push(((i, at), entry(i, &truncate(&l.text, 200), None, false)));
    }
    once.sort_by_key(|(k, _)| *k);
    once.into_iter().map(|(_, v)| v).collect()
}

/// The incidents list, by year.
/// What [`probe`] renders: the last page of the list cut one incident a page, so that a theme's
/// page links are rendered too when there are two or more.
fn incidents_page(site: &Site, listed: Listed) -> PageSpec {
    let mut pages = incidents_pages(site, listed, 1);
    pages.pop().expect("a list has a page")
}

/// The list of all incidents, newest first and grouped by year, in pages of `per`
/// ([`Pager`]; `paginate_by` in a build).
fn incidents_pages(site: &Site, listed: Listed, per: usize) -> Vec<PageSpec> {
    let lib = &site.library;
    let all: Vec<&Incident> = listed.of(&lib.incidents).collect();
    let pager = Pager::new("incidents/", all.len(), per);
    pager
        .pages()
        .map(|(n, range)| {
            let mut years: Vec<(String, Vec<Card>)> = Vec::new();
            for inc in &all[range] {
                let y = inc
                    .year()
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "Undated".into());
                match years.last_mut() {
                    Some((last, v)) if *last == y => v.push(card(inc)),
                    _ => years.push((y, vec![card(inc)])),
                }
            }
            let years: Vec<Value> = years
                .into_iter()
                .map(|(y, cards)| json!({"year": y, "incidents": cards}))
                .collect();
            let mut ctx = Context::new();
            ctx.insert("years", &years);
            ctx.insert("count", &lib.incidents.len());
            ctx.insert("pagination", &pager.json(n));
            PageSpec::new(
                "incidents.html",
                pager.url(n),
                pager.title("All incidents", n),
                "incidents",
                ctx,
            )
        })
        .collect()
}

/// How a list of `items` is cut into pages of `per` (Hugo's and Zola's way): the first page
/// keeps the list's URL, the others are `<list>/page/2/`, `<list>/page/3/`, ... A list that
/// fits on one page (or `per` 0) has that page alone, and no pagination in its context.
struct Pager {
    base: String,
    items: usize,
    per: usize,
}

impl Pager {
    fn new(base: impl Into<String>, items: usize, per: usize) -> Self {
        Pager {
            base: base.into(),
            items,
            per,
        }
    }

    /// How many pages: at least one, even for an empty list.
    fn count(&self) -> usize {
        if self.per == 0 || self.items <= self.per {
            1
        } else {
            self.items.div_ceil(self.per)
        }
    }

    /// Each page's number (from 1) and the positions of the items it shows.
    fn pages(&self) -> impl Iterator<Item = (usize, std::ops::Range<usize>)> + '_ {
        let per = if self.count() == 1 {
            self.items
        } else {
            self.per
        };
        (1..=self.count()).map(move |n| ((n), (n - 1) * per..(n * per).min(self.items)))
    }

    fn url(&self, n: usize) -> String {
        page_url(&self.base, n)
    }

    /// The page's title: the list's, with "page 2 of 7" when there are several pages.
    fn title(&self, title: &str, n: usize) -> String {
        match self.count() {
            1 => title.to_string(),
            count => format!("{title}, page {n} of {count}"),
        }
    }

    /// The `pagination` of page `n`'s context, or null when the list has one page: its
    /// number, the number of pages, the first and last item it shows (from 1), the URLs of
    /// the previous and next pages, and the numbered links to show (the first, the last and
    /// those near the current page; `gap` marks the pages left out between them).
    fn json(&self, n: usize) -> Value {
        let count = self.count();
        if count == 1 {
            return Value::Null;
        }
        let mut links = Vec::new();
        let mut last_shown = 0;
        for k in 1..=count {
            if k == 1 || k == count || k.abs_diff(n) <= 2 {
                if k > last_shown + 1 {
                    links.push(json!({"gap": true}));
                }
                links.push(json!({"number": k, "url": self.url(k), "current": k == n}));
                last_shown = k;
            }
        }
        json!({
            "current": n,
            "count": count,
            "per_page": self.per,
            "items": self.items,
            "first_item": (n - 1) * self.per + 1,
            "last_item": (n * self.per).min(self.items),
            "first": self.url(1),
            "last": self.url(count),
            "prev": (n > 1).then(|| self.url(n - 1)),
            "next": (n < count).then(|| self.url(n + 1)),
            "links": links,
        })
    }
}

/// The URL of page `n` of the list at `base`: `base` itself for the first page.
fn page_url(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The overview (the home page).
fn overview_page(site: &Site) -> PageSpec {
    let lib = &site.library;
    let graph = &site.graph;
    let latest: Vec<Card> = lib.incidents.iter().take(8).map(card).collect();
    let mut top: Vec<&Group> = graph.groups.iter().filter(|g| g.is_recurring()).collect();
    top.sort_by(|a, b| by_recurrence(a, b));
    let top: Vec<Value> = top.iter().take(6).map(|g| group_row(site, g)).collect();
    let actions = ActionCounts::of(lib.incidents.iter().flat_map(|i| &i.action_items));
    let mut ctx = Context::new();
    ctx.insert(
        "intro",
        &lib.index.as_ref().map(|p| p.html.as_str()).unwrap_or(""),
    );
    ctx.insert(
        "heading",
        &lib.index
            .as_ref()
            .and_then(|p| p.title.clone())
            .unwrap_or_else(|| site.config.title.clone()),
    );
    ctx.insert("latest", &latest);
    ctx.insert("recurring", &top);
    ctx.insert(
        "counts",
        &json!({
            "incidents": lib.incidents.len(),
            "learnings": graph.groups.len(),
            "recurring": graph.groups.iter().filter(|g| g.is_recurring()).count(),
            // Of those, the learnings that two or more incidents state, not only address.
            "learned_again": graph.groups.iter().filter(|g| g.is_recurring() && g.stating.len() >= 2).count(),
            "recurred_after_done": graph.groups.iter().filter(|g| !g.recurred_after_done.is_empty()).count(),
            "open_actions": actions.open,
            "unrecorded_actions": actions.unrecorded,
        }),
    );
    let years: Vec<Value> = site.taxonomies[3]
        .terms
        .iter()
        .map(|t| json!({"name": t.name, "url": format!("years/{}/", t.slug), "count": t.incidents.len()}))
        .collect();
    let sev: Vec<Value> = site.taxonomies[2]
        .terms
        .iter()
        .map(|t| json!({"name": t.name, "slug": t.slug, "url": format!("severity/{}/", t.slug), "count": t.incidents.len()}))
        .collect();
    ctx.insert("years", &years);
    ctx.insert("severities", &sev);
    PageSpec::new("index.html", "", site.config.title.as_str(), "home", ctx)
}

fn search_page() -> PageSpec {
    PageSpec::new("search.html", "search/", "Search", "search", Context::new())
}

/// The 404 page; render it with a [`Page`] whose base is the site root (it is served at any
/// depth).
fn not_found_page() -> PageSpec {
    PageSpec::new("404.html", "404.html", "Page not found", "", Context::new())
}

fn site_root(site: &Site) -> std::path::PathBuf {
    site.root.clone()
}

fn short_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(bytes);
    d.iter().take(5).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The other incidents linked to a learning of an incident's page, nearest first: those that
/// state it too, before and after, and those only an action item of links to it.
#[derive(Default)]
struct Seen {
    before: Vec<Value>,
    more_before: usize,
    after: Vec<Value>,
    more_after: usize,
    actions: Vec<Value>,
    more_actions: usize,
    /// For a tentative cluster, all of those: possibly related, not learned again.
    possibly: Vec<Value>,
    more_possibly: usize,
}

/// The path an incident's page and the export show for its file: from the root, or from the
/// content folder when that lies outside the root (no machine path in the site).
fn published_source<'a>(site: &Site, inc: &'a Incident) -> &'a str {
    if site.config.content_outside_root() {
        &inc.content_path
    } else {
        &inc.source
    }
}

/// The context of incident `i`'s page, which lists `related` as its related incidents, and
/// after them the learnings of `more`, which it shares with more incidents than those. With
/// `links`, each list of incidents named beside a learning comes rendered too (`seen_before_html`
/// and the like), which the page shows in place of calling the `seen` macro for each.
fn incident_context(
    site: &Site,
    i: usize,
    related: &[Related],
    more: &[MoreShared],
    links: Option<&SeenLinks>,
) -> Context {
    let lib = &site.library;
    let graph = &site.graph;
    let inc = &lib.incidents[i];
    let learnings: Vec<Value> = inc
        .learnings
        .iter()
        .map(|l| {
            let group = l.group.as_ref().and_then(|g| graph.by_id.get(g)).map(|&g| &graph.groups[g]);
            // The other incidents linked to it: those that state it too ("learned again"),
            // and those that only file an action item for it. Only the nearest few: a lesson
            // learned 500 times must not make every page huge.
            let mut seen = Seen::default();
            // The same lists rendered, when `links` renders them: before, after, actions and
            // possibly related.
            let mut html: [Option<String>; 4] = Default::default();
            // A loose member of a firm cluster is possibly related to its other incidents, on
            // its one word, as a tentative cluster's incidents are.
            let loose = group.and_then(|g| g.loose_member(lib, i));
            if let Some(g) = group {
                let by_similarity =
                    |j: usize| g.canonical && !graph.named_by_authors(&lib.incidents[j], &g.id);
                let near = g.nearest(lib, i, SEEN_LIMIT);
                let lists = [
                    &g.stating[near.before.clone()],
                    &g.stating[near.after.clone()],
                    &g.addressing[near.actions.clone()],
                ];
                let named = |list: &[usize]| -> Vec<(usize, bool)> {
                    list.iter()
                        .map(|&q| (g.incidents[q], by_similarity(g.incidents[q])))
                        .collect()
                };
                let [before, after, actions] = lists.map(named);
                let views = |list: &[(usize, bool)]| -> Vec<Value> {
                    list.iter()
                        .map(|&(j, s)| seen_view(&lib.incidents[j], s))
                        .collect()
                };
                seen.before = views(&before);
                seen.more_before = near.before.start;
                seen.after = views(&after);
                seen.more_after = g.stating.len() - near.after.end;
                seen.actions = views(&actions);
                seen.more_actions = g.addressing.len() - near.actions.len();
                // A tentative cluster's other incidents learned nothing again: they are
                // possibly related, nearest first as listed above.
                let possibly = g.is_tentative() || loose.is_some();
                if possibly {
                    seen.possibly = std::mem::take(&mut seen.before);
                    seen.possibly.append(&mut seen.after);
                    seen.possibly.append(&mut seen.actions);
                    seen.more_possibly = seen.more_before + seen.more_after + seen.more_actions;
                    (seen.more_before, seen.more_after, seen.more_actions) = (0, 0, 0);
                }
                if let Some(links) = links {
                    if possibly {
                        let all = before.iter().chain(&after).chain(&actions).copied();
                        html[3] = links.joined(site, all);
                    } else {
                        for (k, list) in [before, after, actions].iter().enumerate() {
                            html[k] = links.joined(site, list.iter().copied());
                        }
                    }
                }
            }
            let mut view = json!({
                "text": l.text,
                "group": group.map(|g| json!({
                    "id": g.id, "title": g.title, "url": g.url(),
                    "count": g.incidents.len(), "recurring": g.is_recurring() && loose.is_none(),
                    "canonical": g.canonical, "stated": g.stating.len(), "addressed": g.addressing.len(),
                    "tentative": loose.map_or(&g.tentative, |l| &l.words),
                })),
                // Linked by similarity rather than by its author.
                "by_similarity": linked_by(graph, l.canonical.as_deref(), l.group.as_deref()) == Some("similarity"),
                "more_before": seen.more_before,
                "more_after": seen.more_after,
                "more_addressed_by": seen.more_actions,
            });
            view["seen_before"] = Value::Array(seen.before);
            view["seen_after"] = Value::Array(seen.after);
            // Incidents linked to it only by an action item meant to address it.
            view["addressed_by"] = Value::Array(seen.actions);
            view["possibly"] = Value::Array(seen.possibly);
            view["more_possibly"] = seen.more_possibly.into();
            let keys = ["seen_before_html", "seen_after_html", "addressed_by_html", "possibly_html"];
            for (key, html) in keys.into_iter().zip(html) {
                if let Some(html) = html.filter(|h| !h.is_empty()) {
                    view[key] = html.into();
                }
            }
            view
        })
        .collect();
    let actions: Vec<Value> = inc
        .action_items
        .iter()
        .map(|a| {
            let group = a
                .group
                .as_ref()
                .and_then(|g| graph.by_id.get(g))
                .map(|&g| &graph.groups[g]);
            json!({
                "text": a.text, "owner": a.owner, "status": status_key(a.status), "due": iso(a.due),
                "ticket": a.ticket.as_deref().map(ticket),
                "learning": group.map(|g| json!({"title": g.title, "url": g.url(),
                    "tentative": g.is_tentative() || g.loose_member(lib, i).is_some()})),
                "by_similarity": linked_by(graph, a.learning.as_deref(), a.group.as_deref()) == Some("similarity"),
            })
        })
        .collect();
    // What the gold bar beside a learning means, said once where one has it.
    let any_seen_before = learnings
        .iter()
        .any(|l| l["seen_before"].as_array().is_some_and(|b| !b.is_empty()));
    // What "linked by Hindsight" means, said once where it appears: beside a learning, or
    // beside another incident named in its lines.
    let any_by_similarity = learnings.iter().any(|l| {
        l["by_similarity"] == true
            || ["seen_before", "seen_after", "addressed_by", "possibly"]
                .iter()
                .filter_map(|k| l[*k].as_array())
                .flatten()
                .any(|o| o["by_similarity"] == true)
    });
    let any_action_by_similarity = actions
        .iter()
        .any(|a| a["by_similarity"] == true && !a["learning"].is_null());
    let related: Vec<Value> = related
        .iter()
        .map(|r| {
            let o = &lib.incidents[r.incident];
            let mut reasons: Vec<String> = Vec::new();
            // Shared services, and shared tags, are one reason each, where the first stood:
            // "same services: api, checkout", not a reason per service.
            let mut shared: [(Option<usize>, Vec<&str>); 2] = Default::default();
            for reason in &r.reasons {
                let (kind, name) = match reason {
                    Reason::SameService(s) => (0, s),
                    Reason::SameTag(t) => (1, t),
                    _ => {
                        let t = reason_text(reason);
                        if !reasons.contains(&t) {
                            reasons.push(t);
                        }
                        continue;
                    }
                };
                let (at, names) = &mut shared[kind];
                if at.is_none() {
                    *at = Some(reasons.len());
                    reasons.push(String::new());
                }
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
            for (kind, (at, names)) in shared.iter().enumerate() {
                if let Some(at) = at {
                    let what = ["service", "tag"][kind];
                    let plural = if names.len() > 1 { "s" } else { "" };
                    reasons[*at] = format!("same {what}{plural}: {}", names.join(", "));
                }
            }
            json!({"id": o.id, "title": o.title, "url": o.url(), "date": incident_date(o),
                   "severity": o.severity, "reasons": reasons})
        })
        .collect();
    // A learning shared with more incidents than are listed: how many more, linked to its page.
    let more_related: Vec<Value> = more
        .iter()
        .map(|m| {
            let g = &graph.groups[m.group];
            json!({"title": g.title, "url": g.url(), "count": m.more, "cluster": !g.canonical})
        })
        .collect();
    let fmt_time =
        |t: Option<DateTime<FixedOffset>>| t.map(|t| t.format("%Y-%m-%d %H:%M %:z").to_string());
    let outside = site.config.content_outside_root();
    let edit_url = (!site.config.repository_url.is_empty() && !outside).then(|| {
        format!(
            "{}/{}",
            site.config.repository_url.trim_end_matches('/'),
            crate::markdown::percent_encode_path(&inc.source)
        )
    });
    // Built as a value and moved in: `Context::insert` would copy it all again (the page's
    // HTML with it), on every incident page. So would `json!`, which copies every value it is
    // given: the lists are moved in after it.
    let (title_html, title_links) = title_with_links(inc);
    // The incident's id on the page links where a link of the heading the title left it out of
    // led (`# [INC-12](https://tracker/INC-12): ...`).
    let id_href = title_links
        .iter()
        .find(|l| l.text == inc.id)
        .map(|l| href(&l.url));
    let title_links: Vec<Value> = title_links
        .iter()
        .filter(|l| l.text != inc.id)
        .map(|l| json!({"text": l.text, "href": href(&l.url)}))
        .collect();
    let mut incident = json!({
        "id": inc.id,
        "id_href": id_href,
        "title": inc.title,
        "title_html": title_html,
        "title_links": title_links,
        "url": inc.url(),
        "date": incident_date(inc),
        "severity": inc.severity,
        "severity_slug": inc.severity.as_deref().map(slugify),
        "status": inc.status.as_str(),
        // Only a `--drafts` build has an internal incident's page: it says so, as a draft's does.
        "internal": inc.visibility == crate::content::Visibility::Internal,
        "services": term_links(&site.taxonomies[1], &inc.services),
        "tags": term_links(&site.taxonomies[0], &inc.tags),
        "authors": inc.authors,
        "summary": inc.summary,
        "html": postmortem_html(inc),
        "toc": contents(inc),
        "started_at": fmt_time(inc.started_at),
        "detected_at": fmt_time(inc.detected_at),
        "resolved_at": fmt_time(inc.resolved_at),
        // Named on the page as on /stats/: time to detect (start to detection) and time to
        // resolve (start to resolution).
        "time_to_detect": minutes_text(time_to_detect(inc)),
        "time_to_detect_from": stated_from(inc, inc.stated.detect.as_ref().filter(|_| inc.detected_at.is_none() || inc.started_at.is_none())),
        "time_to_resolve": minutes_text(time_to_resolve(inc)),
        "time_to_resolve_from": stated_from(inc, inc.stated.resolve.as_ref().filter(|_| inc.resolved_at.is_none() || inc.started_at.is_none())),
        // The names themes written before `time_to_resolve` use.
        "duration": minutes_text(time_to_resolve(inc)),
        "duration_from": stated_from(inc, inc.stated.resolve.as_ref().filter(|_| inc.resolved_at.is_none() || inc.started_at.is_none())),
        "source": published_source(site, inc),
        "edit_url": edit_url,
        "derived": inc.derived,
        "year": inc.year(),
    });
    incident["any_seen_before"] = any_seen_before.into();
    incident["any_by_similarity"] = any_by_similarity.into();
    incident["any_action_by_similarity"] = any_action_by_similarity.into();
    incident["learnings"] = Value::Array(learnings);
    incident["action_items"] = Value::Array(actions);
    incident["related"] = Value::Array(related);
    incident["more_related"] = Value::Array(more_related);
    let mut context = serde_json::Map::new();
    context.insert("incident".to_string(), incident);
    Context::from_value(Value::Object(context)).expect("an object is a context")
}

/// The incident page's title as HTML, each link of the heading it came from (see
/// [`crate::markdown::TitleLink`]) on the words it linked; and the links whose words the title
/// leaves out (a label, a tag or the incident's own id before it, or a heading that a front
/// matter `title` replaced), for the page to show by the title. `None` when the heading had no
/// link: the title is its text alone, as everywhere else. A link without text is shown by its
/// URL. An image of the heading takes the place of its alt text, inside its link when it is
/// linked, as the body shows a linked image. An image without alt text has no place in the
/// title: outside a link it is shown by its URL beside it, inside one it is left out.
fn title_with_links(inc: &Incident) -> (Option<String>, Vec<crate::markdown::TitleLink>) {
    if inc.title_links.is_empty() {
        return (None, Vec::new());
    }
    let title = inc.title.as_str();
    let mut html = String::new();
    let mut at = 0;
    let mut left_out = Vec::new();
    for link in inc.title_links.iter().filter(|l| safe_title_url(l)) {
        let found = (!link.text.is_empty())
            .then(|| title[at..].find(link.text.as_str()))
            .flatten();
        let Some(i) = found else {
            let mut link = link.clone();
            if link.text.is_empty() {
                link.text.clone_from(&link.url);
            }
            left_out.push(link);
            continue;
        };
        let start = at + i;
        html.push_str(&escape(&title[at..start]));
        if link.image {
            html.push_str(&title_image(link));
        } else {
            let _ = write!(
                html,
                "<a href=\"{}\">{}</a>",
                href(&link.url),
                with_images(&link.text, &link.images)
            );
        }
        at = start + link.text.len();
    }
    html.push_str(&escape(&title[at..]));
    (Some(html), left_out)
}

/// Whether the URL of a link or image of the title can stay: a URL that could run a script is
/// no link, nor an image, as in the body, whose sanitizer takes it out.
fn safe_title_url(l: &crate::markdown::TitleLink) -> bool {
    let (tag, attr) = if l.image {
        ("img", "src")
    } else {
        ("a", "href")
    };
    crate::sanitize::clean(&format!("<{tag} {attr}=\"{}\">x</{tag}>", escape(&l.url)))
        .contains(&format!("{attr}="))
}

/// An image of the title, in place of its alt text, as the body shows one.
fn title_image(image: &crate::markdown::TitleLink) -> String {
    format!(
        "<img src=\"{}\" alt=\"{}\">",
        href(&image.url),
        escape(&image.text)
    )
}

/// The text of a link of the title as HTML, with each of its `images` in place of its alt
/// text, found in order where it can start (one whose URL cannot stay, or without alt text,
/// stays text).
fn with_images(text: &str, images: &[(usize, crate::markdown::TitleLink)]) -> String {
    let mut html = String::new();
    let mut at = 0;
    for (earliest, image) in images
        .iter()
        .filter(|(_, i)| !i.text.is_empty() && safe_title_url(i))
    {
        let from = at.max(*earliest);
        let Some(i) = text.get(from..).and_then(|t| t.find(image.text.as_str())) else {
            continue;
        };
        let start = from + i;
        html.push_str(&escape(&text[at..start]));
        html.push_str(&title_image(image));
        at = start + image.text.len();
    }
    html.push_str(&escape(&text[at..]));
    html
}

/// A URL as the value of an `href`, escaped as pulldown-cmark escapes the body's links.
fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    pulldown_cmark_escape::escape_href(&mut out, url).expect("writing to a String");
    out
}

fn group_row(site: &Site, g: &Group) -> Value {
    let lib = &site.library;
    let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
    for &i in &g.incidents {
        if let Some(y) = lib.incidents[i].year() {
            *per_year.entry(y).or_default() += 1;
        }
    }
    let timeline: Vec<Value> = match (per_year.keys().next(), per_year.keys().last()) {
        (Some(&a), Some(&b)) => (a..=b)
            .map(|y| json!({"year": y, "count": per_year.get(&y).copied().unwrap_or(0)}))
            .collect(),
        _ => Vec::new(),
    };
    let actions = action_statuses(site, g);
    json!({
        "id": g.id, "title": g.title, "url": g.url(), "summary": g.summary, "canonical": g.canonical,
        "count": g.incidents.len(), "first_seen": seen_date(lib, g, g.first_seen), "last_seen": seen_date(lib, g, g.last_seen),
        // Of `count`: incidents that state it, and those only an action item of links to it.
        "stated": g.stating.len(), "addressed": g.addressing.len(),
        "timeline": timeline, "open_actions": actions.open, "done_actions": actions.done,
        "unrecorded_actions": actions.unrecorded,
        "recurred_after_done": !g.recurred_after_done.is_empty(),
        "tentative": g.tentative,
        // Where canonical learnings and clusters mix, a cluster says so; where all are
        // clusters, the list's introduction does.
        "grouped_chip": !g.canonical && !lib.learnings.is_empty(),
    })
}

/// How many action items are open, done, won't fix, and of no recorded status.
#[derive(Default)]
struct ActionCounts {
    open: usize,
    done: usize,
    wontfix: usize,
    unrecorded: usize,
}

impl ActionCounts {
    fn of<'a>(items: impl IntoIterator<Item = &'a crate::content::ActionItem>) -> Self {
        let mut c = ActionCounts::default();
        for a in items {
            match a.status {
                Some(ActionStatus::Open) => c.open += 1,
                Some(ActionStatus::Done) => c.done += 1,
                Some(ActionStatus::Wontfix) => c.wontfix += 1,
                None => c.unrecorded += 1,
            }
        }
        c
    }

    /// The counts as the templates read them: `open`, `done`, `wontfix`, `unrecorded`.
    fn json(&self) -> Value {
        json!({"open": self.open, "done": self.done, "wontfix": self.wontfix, "unrecorded": self.unrecorded})
    }
}

/// A learning's action items by status.
fn action_statuses(site: &Site, g: &Group) -> ActionCounts {
    let lib = &site.library;
    ActionCounts::of(
        g.actions
            .iter()
            .map(|&(i, a)| &lib.incidents[i].action_items[a]),
    )
}

/// An action item's status as pages (templates and their CSS classes) name it: `open`,
/// `done`, `wontfix`, or `unrecorded` when its postmortem records none. The export says
/// `null` for the last.
fn status_key(s: Option<ActionStatus>) -> &'static str {
    s.map_or("unrecorded", ActionStatus::as_str)
}

fn learning_context(site: &Site, g: &Group) -> Context {
    let lib = &site.library;
    let (older, recent) = split_recent(&g.incidents, LEARNING_PAGE_LIMIT);
    // The listed incidents' citations, gathered in one pass: a learning cited or attached in
    // thousands of incidents would otherwise scan every citation once per incident.
    let mut cited: BTreeMap<usize, Vec<&str>> = recent.iter().map(|&i| (i, Vec::new())).collect();
    for &(i, li) in &g.citations {
        let text = lib.incidents[i].learnings[li].text.as_str();
        if let Some(texts) = cited.get_mut(&i).filter(|_| !text.is_empty()) {
            texts.push(text);
        }
    }
    let incidents: Vec<TaughtBy> = recent
        .iter()
        .map(|&i| {
            let inc = &lib.incidents[i];
            // On a canonical learning's page, say which incidents similarity brought (a
            // cluster's page says it of all of them).
            let named = site.graph.named_by_authors(inc, &g.id);
            TaughtBy {
                incident: incident_ref(inc),
                severity: inc.severity.as_deref(),
                severity_slug: inc.severity.as_deref().map(slugify),
                texts: cited.remove(&i).unwrap_or_default(),
                by_similarity: g.canonical && !named,
            }
        })
        .collect();
    let actions: Vec<ActionView> = split_recent(&g.actions, LEARNING_PAGE_LIMIT)
        .1
        .iter()
        .map(|&(i, a)| {
            let inc = &lib.incidents[i];
            let item = &inc.action_items[a];
            ActionView {
                text: &item.text,
                owner: item.owner.as_deref(),
                status: status_key(item.status),
                due: iso(item.due),
                ticket: item.ticket.as_deref().map(ticket),
                incident: incident_ref(inc),
            }
        })
        .collect();
    let recurred = |pairs: &[(usize, usize)]| -> Vec<Recurred> {
        split_recent(pairs, RECURRED_LIMIT)
            .1
            .iter()
            .map(|&(later, earlier)| Recurred {
                incident: incident_ref(&lib.incidents[later]),
                after: incident_ref(&lib.incidents[earlier]),
            })
            .collect()
    };
    // Incidents before the most recent ones: links by year.
    let mut earlier: Vec<EarlierYear> = Vec::new();
    for &i in older {
        let inc = &lib.incidents[i];
        let link = EarlierIncident {
            id: &inc.id,
            url: inc.url(),
        };
        match earlier.last_mut() {
            Some(y) if y.year == inc.year() => y.incidents.push(link),
            _ => earlier.push(EarlierYear {
                year: inc.year(),
                incidents: vec![link],
            }),
        }
    }
    // Loose members, apart: the most recent, with what each wrote.
    let possibly: Vec<PossiblyRelated> = split_recent(&g.loose, LEARNING_PAGE_LIMIT)
        .1
        .iter()
        .map(|l| {
            let inc = &lib.incidents[l.incident];
            let learnings = l
                .learnings
                .iter()
                .map(|&li| inc.learnings[li].text.as_str());
            let actions = l.actions.iter().map(|&a| inc.action_items[a].text.as_str());
            PossiblyRelated {
                incident: incident_ref(inc),
                words: &l.words,
                texts: learnings.chain(actions).filter(|t| !t.is_empty()).collect(),
            }
        })
        .collect();
    let counts = action_statuses(site, g);
    let any_by_similarity = incidents.iter().any(|i| i.by_similarity);
    let mut ctx = Context::new();
    ctx.insert(
        "learning",
        &LearningView {
            id: &g.id,
            suggested_id: site
                .graph
                .suggested
                .get(&g.id)
                .map_or(g.id.as_str(), String::as_str),
            title: &g.title,
            full_title: &g.full_title,
            summary: &g.summary,
            html: g.learning.map_or("", |i| lib.learnings[i].html.as_str()),
            canonical: g.canonical,
            count: g.incidents.len(),
            stated: g.stating.len(),
            addressed: g.addressing.len(),
            recurring: g.is_recurring(),
            first_seen: seen_date(lib, g, g.first_seen),
            last_seen: seen_date(lib, g, g.last_seen),
            earlier_count: older.len(),
            earlier,
            incidents,
            actions_count: g.actions.len(),
            actions_open: counts.open,
            actions_done: counts.done,
            actions_wontfix: counts.wontfix,
            actions_unrecorded: counts.unrecorded,
            actions,
            recurred_count: g.recurred_after_done.len(),
            recurred_after_done: recurred(&g.recurred_after_done),
            maybe_recurred_count: g.maybe_recurred_after_done.len(),
            maybe_recurred_after_done: recurred(&g.maybe_recurred_after_done),
            tentative: &g.tentative,
            possibly,
            possibly_count: g.loose.len(),
            any_by_similarity,
            shared_words: if g.canonical {
                Vec::new()
            } else {
                crate::learnings::shared_words(lib, &site.graph, g, SHARED_WORDS)
            },
        },
    );
    ctx
}

/// How many of the words its members share a cluster's page names.
const SHARED_WORDS: usize = 6;

/// How many incidents and action items a learning page lists in full: the most recent. A
/// lesson learned in thousands of incidents listed them all with their wordings on one page
/// of megabytes (4 MB for one learning of the 10,000-incident benchmark); earlier incidents
/// are listed by year as links instead, and every action item stays on its incident's page.
const LEARNING_PAGE_LIMIT: usize = 100;

/// How many recurrences after an incident whose action item is now done a learning page lists, the
/// most recent, with the count of all: the warning opens the page, and a hundred of them
/// pushed the incidents it is about out of sight.
const RECURRED_LIMIT: usize = 10;

/// A list kept oldest first, split before its last (most recent) `limit` entries.
fn split_recent<T>(list: &[T], limit: usize) -> (&[T], &[T]) {
    list.split_at(list.len().saturating_sub(limit))
}

/// A learning page, borrowed from the graph: it can list thousands of incidents and action
/// items, and building it as `json!` values first and then copying them into the context
/// cost as much as rendering it.
#[derive(Serialize)]
struct LearningView<'a> {
    id: &'a str,
    /// For a cluster, the id `check` proposes for its lesson as a canonical learning (see
    /// [`crate::learnings::suggested_ids`]); for a canonical learning, its id.
    suggested_id: &'a str,
    /// Cut for lists, and uncut for the page's heading (see [`Group::full_title`]).
    title: &'a str,
    full_title: &'a str,
    summary: &'a str,
    html: &'a str,
    canonical: bool,
    count: usize,
    /// Of `count`: incidents that state it, and those only an action item of links to it.
    stated: usize,
    addressed: usize,
    recurring: bool,
    first_seen: Value,
    last_seen: Value,
    /// The most recent incidents, with their wordings of the lesson.
    incidents: Vec<TaughtBy<'a>>,
    /// The incidents before those, by year, and how many.
    earlier: Vec<EarlierYear<'a>>,
    earlier_count: usize,
    /// The most recent action items, and how many there are of each status in all.
    actions: Vec<ActionView<'a>>,
    actions_count: usize,
    actions_open: usize,
    actions_done: usize,
    actions_wontfix: usize,
    actions_unrecorded: usize,
    /// The most recent recurrences after an incident whose action item is now done, and how
    /// many.
    recurred_after_done: Vec<Recurred<'a>>,
    recurred_count: usize,
    /// The same where Hindsight made one of the links.
    maybe_recurred_after_done: Vec<Recurred<'a>>,
    maybe_recurred_count: usize,
    /// For a cluster, the words its members share across incidents (see
    /// [`crate::learnings::shared_words`]).
    shared_words: Vec<String>,
    /// For a tentative cluster, the words it rests on (see [`Group::tentative`]).
    tentative: &'a [String],
    /// The most recent loose members of a firm cluster, and how many (see [`Group::loose`]).
    possibly: Vec<PossiblyRelated<'a>>,
    possibly_count: usize,
    /// Whether an incident listed was linked to it by similarity (the page says what that
    /// means).
    any_by_similarity: bool,
}

/// A loose member of a firm cluster on its page: possibly related on `words` alone, with its
/// learnings and action items in the cluster.
#[derive(Serialize)]
struct PossiblyRelated<'a> {
    #[serde(flatten)]
    incident: IncidentRef<'a>,
    words: &'a [String],
    texts: Vec<&'a str>,
}

/// One year of the incidents a learning page lists as links only (`year` is `None` for
/// undated ones).
#[derive(Serialize)]
struct EarlierYear<'a> {
    year: Option<i32>,
    incidents: Vec<EarlierIncident<'a>>,
}

#[derive(Serialize)]
struct EarlierIncident<'a> {
    id: &'a str,
    url: String,
}

/// An incident as a link with its date.
#[derive(Serialize)]
struct IncidentRef<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    date: Value,
}

fn incident_ref(inc: &Incident) -> IncidentRef<'_> {
    IncidentRef {
        id: &inc.id,
        title: &inc.title,
        url: inc.url(),
        date: incident_date(inc),
    }
}

/// An incident that taught a learning, with its wordings of it.
#[derive(Serialize)]
struct TaughtBy<'a> {
    #[serde(flatten)]
    incident: IncidentRef<'a>,
    severity: Option<&'a str>,
    severity_slug: Option<String>,
    /// Its wordings of the lesson; none when only an action item links it.
    texts: Vec<&'a str>,
    by_similarity: bool,
}

/// An action item meant to address a learning, with the incident that filed it (and no chip
/// to the learning: it is on the learning's own page).
#[derive(Serialize)]
struct ActionView<'a> {
    text: &'a str,
    owner: Option<&'a str>,
    /// See [`status_key`].
    status: &'static str,
    due: Option<String>,
    /// See [`ticket`].
    ticket: Option<Value>,
    incident: IncidentRef<'a>,
}

/// A ticket as an action item shows it: `{text, url}`, the URL (and the text without its
/// scheme) when it is a web address, else the text alone (`PAY-123`).
fn ticket(t: &str) -> Value {
    let t = t.trim();
    let url =
        (t.starts_with("https://") || t.starts_with("http://")) && !t.contains(char::is_whitespace);
    if url {
        let shown = t.split_once("://").map_or(t, |(_, rest)| rest);
        json!({"text": shown.trim_end_matches('/'), "url": t})
    } else {
        json!({"text": t, "url": null})
    }
}

#[derive(Serialize)]
struct Recurred<'a> {
    incident: IncidentRef<'a>,
    after: IncidentRef<'a>,
}

/// The page of a taxonomy: its terms. The severity page also lists the incidents of no
/// severity ([`Unrecorded`]), so that its counts add up to every incident: on the page itself
/// while they fit on one page of `paginate_by`, else as a link to their own list.
fn taxonomy_page(site: &Site, tax: &Taxonomy) -> PageSpec {
    let kind = tax.kind;
    let terms: Vec<Value> = tax
        .terms
        .iter()
        .map(|t| json!({"name": t.name, "slug": t.slug, "url": tax.url(&t.slug), "count": t.incidents.len()}))
        .collect();
    let group = Unrecorded::of(site, tax);
    let per = site.config.paginate_by;
    let (unrecorded, list): (Vec<Card>, Value) = match &group {
        Some(g) if g.has_list(per) => (
            Vec::new(),
            json!({"url": g.url(), "count": g.incidents.len(), "title": g.title}),
        ),
        Some(g) => (g.incidents.iter().map(|i| card(i)).collect(), Value::Null),
        None => (Vec::new(), Value::Null),
    };
    let mut ctx = Context::new();
    ctx.insert(
        "kind",
        &json!({"title": kind.title(), "singular": kind.singular(), "dir": kind.dir()}),
    );
    ctx.insert("terms", &terms);
    ctx.insert("unrecorded", &unrecorded);
    ctx.insert("unrecorded_list", &list);
    PageSpec::new(
        "taxonomy.html",
        format!("{}/", kind.dir()),
        kind.title(),
        kind.dir(),
        ctx,
    )
}

/// The incidents of a taxonomy that record none of its terms, which its page lists apart so
/// that its counts add up to every incident. Only severity has such a group (*No severity
/// recorded*: an incident without tags, services or a date is simply on no list of them), and
/// only when some other incident has a severity (where none has, the severity page says so and
/// lists none). While the group fits on one page of `paginate_by` it is listed on the
/// taxonomy's page; a longer one is a list of its own, [`Unrecorded::url`], in pages as a
/// term's list is.
struct Unrecorded<'a> {
    tax: &'a Taxonomy,
    /// Newest first, the library's order.
    incidents: Vec<&'a Incident>,
    title: &'static str,
    /// `unrecorded`, or the first of `unrecorded-2`, `unrecorded-3`, ... that no term of the
    /// taxonomy has (a severity scale may have a level named "Unrecorded").
    slug: String,
}

impl<'a> Unrecorded<'a> {
    fn of(site: &'a Site, tax: &'a Taxonomy) -> Option<Self> {
        if tax.kind != crate::taxonomy::Kind::Severity || tax.terms.is_empty() {
            return None;
        }
        let incidents: Vec<&Incident> = site
            .library
            .incidents
            .iter()
            .filter(|i| i.severity.is_none())
            .collect();
        if incidents.is_empty() {
            return None;
        }
        Some(Unrecorded {
            tax,
            incidents,
            title: "No severity recorded",
            slug: unrecorded_slug(site, tax)?,
        })
    }

    /// The URL of its own list: `severity/unrecorded/`.
    fn url(&self) -> String {
        self.tax.url(&self.slug)
    }

    fn pager(&self, per: usize) -> Pager {
        Pager::new(self.url(), self.incidents.len(), per)
    }

    /// Whether it has a list of its own: when it is longer than a page of `per`.
    fn has_list(&self, per: usize) -> bool {
        self.pager(per).count() > 1
    }

    /// The pages of its own list (none when it has none), as [`term_pages`] renders a term's.
    fn pages(&self, per: usize) -> Vec<PageSpec> {
        if !self.has_list(per) {
            return Vec::new();
        }
        list_pages(
            self.tax,
            (self.title, &self.slug),
            self.title,
            &self.incidents,
            self.pager(per),
        )
    }
}

/// The URLs of the list of its own of each taxonomy's group of incidents that record none of
/// its terms ([`Unrecorded`]), with its further pages; none while a group fits on its
/// taxonomy's page.
fn unrecorded_list_urls(site: &Site, tax: &Taxonomy) -> Vec<String> {
    let per = site.config.paginate_by;
    match Unrecorded::of(site, tax) {
        Some(g) if g.has_list(per) => {
            let pager = g.pager(per);
            (1..=pager.count()).map(|n| pager.url(n)).collect()
        }
        _ => Vec::new(),
    }
}

/// The slug of the list of its own of the incidents of no term of `tax` ([`Unrecorded`]):
/// `unrecorded`, or the first of `unrecorded-2`, `unrecorded-3`, ... that no term has and no
/// level of the severity scale would have (so that the list keeps its URL when an incident
/// first records that level); none for a taxonomy that lists no such group.
fn unrecorded_slug(site: &Site, tax: &Taxonomy) -> Option<String> {
    if tax.kind != crate::taxonomy::Kind::Severity {
        return None;
    }
    let levels: Vec<String> = site
        .config
        .severities
        .iter()
        .map(|s| tax.kind.key(s))
        .collect();
    let taken =
        |slug: &str| tax.terms.iter().any(|t| t.slug == slug) || levels.iter().any(|l| l == slug);
    std::iter::once("unrecorded".to_string())
        .chain((2..).map(|n| format!("unrecorded-{n}")))
        .find(|s| !taken(s))
}

/// The URL the list of its own of the incidents of no term of `tax` has or would have
/// (`severity/unrecorded/`), whether or not it has one now; none for a taxonomy that lists no
/// such group. `check --baseline` reads it: that list comes and goes with the group's length.
pub fn unrecorded_list_url(site: &Site, tax: &Taxonomy) -> Option<String> {
    unrecorded_slug(site, tax).map(|slug| tax.url(&slug))
}

/// The first page of one term of a taxonomy (what [`probe`] renders).
fn term_page(site: &Site, tax: &Taxonomy, t: &Term) -> PageSpec {
    term_pages(site, tax, t).swap_remove(0)
}

/// The pages of one term of a taxonomy: its incidents, in pages of `paginate_by`.
fn term_pages(site: &Site, tax: &Taxonomy, t: &Term) -> Vec<PageSpec> {
    let incidents: Vec<&Incident> = t
        .incidents
        .iter()
        .map(|&i| &site.library.incidents[i])
        .collect();
    let pager = Pager::new(tax.url(&t.slug), t.incidents.len(), site.config.paginate_by);
    list_pages(
        tax,
        (&t.name, &t.slug),
        &term_title(tax, t),
        &incidents,
        pager,
    )
}

/// The pages of a list of incidents of a taxonomy (`term.html`): a term's, or the list of those
/// of no term ([`Unrecorded`]), named and slugged by `term`, titled `title`, in the pages of
/// `pager`.
fn list_pages(
    tax: &Taxonomy,
    term: (&str, &str),
    title: &str,
    incidents: &[&Incident],
    pager: Pager,
) -> Vec<PageSpec> {
    let kind = tax.kind;
    pager
        .pages()
        .map(|(n, range)| {
            let cards: Vec<Card> = incidents[range].iter().map(|i| card(i)).collect();
            let mut ctx = Context::new();
            ctx.insert(
                "kind",
                &json!({"title": kind.title(), "singular": kind.singular(), "dir": kind.dir()}),
            );
            ctx.insert(
                "term",
                &json!({"name": term.0, "slug": term.1, "count": incidents.len()}),
            );
            ctx.insert("incidents", &cards);
            ctx.insert("pagination", &pager.json(n));
            PageSpec::new(
                "term.html",
                pager.url(n),
                pager.title(title, n),
                kind.dir(),
                ctx,
            )
        })
        .collect()
}

/// The title of the list of one term of a taxonomy: `Tag: db`.
fn term_title(tax: &Taxonomy, t: &Term) -> String {
    format!("{}: {}", tax.kind.singular(), t.name)
}

/// The order of the statuses on the action items pages: open first, then those of no recorded
/// status (which may be open), then done, then won't fix.
const ACTION_ORDER: [Option<ActionStatus>; 4] = [
    Some(ActionStatus::Open),
    None,
    Some(ActionStatus::Done),
    Some(ActionStatus::Wontfix),
];

/// How the action items pages head a status ("Status not recorded" for none).
fn status_title(s: Option<ActionStatus>) -> &'static str {
    match s {
        Some(ActionStatus::Open) => "Open",
        Some(ActionStatus::Done) => "Done",
        Some(ActionStatus::Wontfix) => "Won't fix",
        None => "Status not recorded",
    }
}

/// How a list of one owner's action items of one status is named: "Open action items", ...
fn status_phrase(s: Option<ActionStatus>) -> &'static str {
    match s {
        Some(ActionStatus::Open) => "Open action items",
        Some(ActionStatus::Done) => "Action items marked done",
        Some(ActionStatus::Wontfix) => "Action items marked won't fix",
        None => "Action items with no status recorded",
    }
}

/// [`status_phrase`] in lower case after a count, as a screen reader reads a count of the
/// summary's table: "1 open action item", "2 open action items".
fn counted_phrase(s: Option<ActionStatus>, n: usize) -> String {
    let phrase = status_phrase(s).to_lowercase();
    if n == 1 {
        phrase.replacen("action items", "action item", 1)
    } else {
        phrase
    }
}

/// Who owns an action item, as the action items pages sort and group them: named owners by
/// their name in lower case, then the items of no owner (`(true, "")`).
type OwnerKey = (bool, String);

/// The action items of the listed incidents by status (the position in [`ACTION_ORDER`]),
/// then by owner, each owner's items in the incidents' order (newest first).
type ActionBuckets<'s> =
    BTreeMap<usize, BTreeMap<OwnerKey, Vec<(&'s Incident, &'s crate::content::ActionItem)>>>;

fn action_buckets<'s>(site: &'s Site, listed: Listed<'s>) -> ActionBuckets<'s> {
    let rank = |s: Option<ActionStatus>| ACTION_ORDER.iter().position(|&o| o == s).unwrap_or(0);
    let mut by_status: ActionBuckets = BTreeMap::new();
    for inc in listed.of(&site.library.incidents) {
        for a in &inc.action_items {
            let owner = a.owner.as_deref().unwrap_or_default();
            by_status
                .entry(rank(a.status))
                .or_default()
                .entry((owner.is_empty(), owner.to_lowercase()))
                .or_default()
                .push((inc, a));
        }
    }
    by_status
}

/// How the action items pages name the items of no owner: "Unassigned", or "No owner recorded"
/// when an owner is named "Unassigned" (front matter's `owner: Unassigned`), so that the two
/// rows, headings and lists are told apart.
fn no_owner_label(by_status: &ActionBuckets) -> &'static str {
    let named_unassigned = by_status
        .values()
        .flat_map(|owners| owners.keys())
        .any(|(none, name)| !none && name.trim() == "unassigned");
    if named_unassigned {
        "No owner recorded"
    } else {
        "Unassigned"
    }
}

/// The owner's name as the action items pages show it: as the first of their items (in the
/// order of the statuses) writes it, [`no_owner_label`] for the items of no owner.
fn owner_name(by_status: &ActionBuckets, key: &OwnerKey) -> String {
    if key.0 {
        return no_owner_label(by_status).into();
    }
    by_status
        .values()
        .find_map(|owners| owners.get(key))
        .and_then(|items| items.first())
        .and_then(|(_, a)| a.owner.clone())
        .unwrap_or_default()
}

/// The URL segment of each owner's lists of action items: `unassigned` for the items of no
/// owner, else the owner's name slugified; an owner whose name slugifies as that of one before
/// them (in the order of [`OwnerKey`]), or as `unassigned`, gets `-2`, `-3`, ... after it. So
/// every owner has URLs of their own, the same in every build of the same owners.
fn owner_slugs<'k>(keys: impl IntoIterator<Item = &'k OwnerKey>) -> BTreeMap<OwnerKey, String> {
    let keys: std::collections::BTreeSet<&OwnerKey> = keys.into_iter().collect();
    let unassigned = "unassigned";
    let mut taken: HashSet<String> = HashSet::from([unassigned.to_string()]);
    keys.into_iter()
        .map(|key| {
            if key.0 {
                return (key.clone(), unassigned.to_string());
            }
            let base = match slug::slugify(&key.1) {
                s if s.is_empty() => "owner".to_string(),
                s => s,
            };
            let mut slug = base.clone();
            let mut n = 1;
            while !taken.insert(slug.clone()) {
                n += 1;
                slug = format!("{base}-{n}");
            }
            (key.clone(), slug)
        })
        .collect()
}

/// The URL of the list of one owner's action items of one status.
fn action_list_url(status: Option<ActionStatus>, owner_slug: &str) -> String {
    format!("action-items/{}/{owner_slug}/", status_key(status))
}

/// Action items as the templates read them, grouped by incident (they come in the incidents'
/// order): `[{incident, items}]`. The first group is marked `continued` when its incident is
/// `before`, the incident of the item just before them (on the previous page of a list).
fn by_incident(
    site: &Site,
    items: &[(&Incident, &crate::content::ActionItem)],
    before: Option<&Incident>,
) -> Vec<Value> {
    let graph = &site.graph;
    let mut incidents: Vec<Value> = Vec::new();
    let mut last: Option<&Incident> = None;
    for &(inc, a) in items {
        let group = a
            .group
            .as_ref()
            .and_then(|g| graph.by_id.get(g))
            .map(|&g| &graph.groups[g]);
        let item = json!({
            "text": a.text, "owner": a.owner, "status": status_key(a.status), "due": iso(a.due),
            "ticket": a.ticket.as_deref().map(ticket),
            "incident": null,
            // Possibly related, as on the incident's page, for a loose member of a firm cluster too.
            "learning": group.map(|g| json!({"title": g.title, "url": g.url(),
                "tentative": g.is_tentative() || g.loose_of(&site.library, inc).is_some()})),
            "by_similarity": linked_by(graph, a.learning.as_deref(), a.group.as_deref()) == Some("similarity"),
        });
        match (last, incidents.last_mut()) {
            (Some(l), Some(g)) if std::ptr::eq(l, inc) => {
                g["items"].as_array_mut().expect("a list").push(item);
            }
            _ => {
                let continued =
                    incidents.is_empty() && before.is_some_and(|b| std::ptr::eq(b, inc));
                let incident = json!({"id": inc.id, "title": inc.title, "url": inc.url(), "date": incident_date(inc)});
                let mut g = json!({"incident": incident, "items": [item]});
                if continued {
                    g["continued"] = Value::Bool(true);
                }
                incidents.push(g);
            }
        }
        last = Some(inc);
    }
    incidents
}

/// Every action item of the listed incidents on one page: by status, then owner (by name,
/// unassigned last), then incident (newest first).
fn action_items_page(site: &Site, listed: Listed) -> PageSpec {
    let lib = &site.library;
    let by_status = action_buckets(site, listed);
    let no_owner = no_owner_label(&by_status);
    // The anchors of the owners' headings: one of their own for each owner, as their lists' URLs.
    let slugs = owner_slugs(by_status.values().flat_map(|owners| owners.keys()));
    let sections: Vec<Value> = by_status
        .iter()
        .map(|(&rank, owners)| {
            let status = ACTION_ORDER[rank];
            let count: usize = owners.values().map(Vec::len).sum();
            let owners: Vec<Value> = owners
                .iter()
                .map(|(key, items)| {
                    let name = if key.0 {
                        no_owner.to_string()
                    } else {
                        items[0].1.owner.clone().unwrap_or_default()
                    };
                    json!({"owner": name, "slug": slugs[key], "unassigned": key.0,
                           "count": items.len(), "incidents": by_incident(site, items, None)})
                })
                .collect();
            json!({"status": status_key(status), "title": status_title(status), "count": count, "owners": owners})
        })
        .collect();
    let counts = ActionCounts::of(listed.of(&lib.incidents).flat_map(|i| &i.action_items));
    let mut ctx = Context::new();
    ctx.insert("sections", &sections);
    ctx.insert("counts", &counts.json());
    PageSpec::new(
        "action_items.html",
        "action-items/",
        "Action items",
        "action-items",
        ctx,
    )
}

/// The action items pages. While the listed items fit on one page of `per` (`paginate_by`; 0
/// for no limit), [`action_items_page`] alone. Beyond, `action-items/` is a summary (a table of
/// owners by status, each count linked to its list) and each owner's items of each status are
/// a list of their own at `action-items/<status>/<owner>/` ([`action_list_url`]), itself cut
/// into pages of `per` as the lists of incidents are ([`Pager`]).
fn action_items_pages(site: &Site, listed: Listed, per: usize) -> Vec<PageSpec> {
    let total: usize = listed
        .of(&site.library.incidents)
        .map(|i| i.action_items.len())
        .sum();
    if Pager::new("action-items/", total, per).count() == 1 {
        return vec![action_items_page(site, listed)];
    }
    let by_status = action_buckets(site, listed);
    let slugs = owner_slugs(by_status.values().flat_map(|owners| owners.keys()));
    let mut specs = vec![action_summary_page(site, listed, &by_status, &slugs)];
    for (&rank, owners) in &by_status {
        specs.push(action_status_page(rank, &by_status, &slugs));
        for list in ActionList::of_status(rank, owners, &by_status, &slugs) {
            specs.extend(list.pages(site, per));
        }
    }
    specs
}

/// The URL of the owners of action items of one status, `action-items/<status>/`: what is
/// left of the URL of a list ([`action_list_url`]) cut back by one folder.
fn action_status_url(status: Option<ActionStatus>) -> String {
    format!("action-items/{}/", status_key(status))
}

/// `action-items/<status>/`, when `action-items/` is a summary: the owners of items of that
/// status (in the order of the summary's rows), each with their count and a link to their list,
/// and links to the other statuses. So a list's URL cut back to its status is a page, not a 404.
fn action_status_page(
    rank: usize,
    by_status: &ActionBuckets,
    slugs: &BTreeMap<OwnerKey, String>,
) -> PageSpec {
    let status = ACTION_ORDER[rank];
    let owners = &by_status[&rank];
    let count: usize = owners.values().map(Vec::len).sum();
    let rows: Vec<Value> = owners
        .iter()
        .map(|(key, items)| {
            json!({"name": owner_name(by_status, key), "count": items.len(),
                   "url": action_list_url(status, &slugs[key])})
        })
        .collect();
    let others: Vec<Value> = by_status
        .iter()
        .filter(|&(&r, _)| r != rank)
        .map(|(&r, owners)| {
            let s = ACTION_ORDER[r];
            let label = match s {
                None => "with no status recorded".to_string(),
                Some(_) => status_title(s).to_lowercase(),
            };
            json!({"label": label, "count": owners.values().map(Vec::len).sum::<usize>(),
                   "url": action_status_url(s)})
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert(
        "status",
        &json!({"status": status_key(status), "title": status_title(status),
                "phrase": status_phrase(status), "count": count}),
    );
    ctx.insert("owners", &rows);
    ctx.insert("others", &others);
    PageSpec::new(
        "action_status.html",
        action_status_url(status),
        status_phrase(status),
        "action-items",
        ctx,
    )
}

/// `action-items/` when the action items are too many for one page: the totals, and a table of
/// the owners (rows, in the order of the one-page list) by status (columns: "Status not
/// recorded" only when an item has none, as the totals say), each count but 0 linked to its list.
fn action_summary_page(
    site: &Site,
    listed: Listed,
    by_status: &ActionBuckets,
    slugs: &BTreeMap<OwnerKey, String>,
) -> PageSpec {
    let counts = ActionCounts::of(
        listed
            .of(&site.library.incidents)
            .flat_map(|i| &i.action_items),
    );
    let columns: Vec<usize> = (0..ACTION_ORDER.len())
        .filter(|r| ACTION_ORDER[*r].is_some() || by_status.contains_key(r))
        .collect();
    let count = |rank: usize, key: &OwnerKey| {
        by_status
            .get(&rank)
            .and_then(|owners| owners.get(key))
            .map_or(0, Vec::len)
    };
    let statuses: Vec<Value> = columns
        .iter()
        .map(|&r| {
            let n: usize = by_status
                .get(&r)
                .map_or(0, |owners| owners.values().map(Vec::len).sum());
            json!({"status": status_key(ACTION_ORDER[r]), "title": status_title(ACTION_ORDER[r]), "count": n,
                   "url": (n > 0).then(|| action_status_url(ACTION_ORDER[r])),
                   "label": counted_phrase(ACTION_ORDER[r], n)})
        })
        .collect();
    let owners: Vec<Value> = slugs
        .iter()
        .map(|(key, slug)| {
            let name = owner_name(by_status, key);
            let cells: Vec<Value> = columns
                .iter()
                .map(|&r| {
                    let status = ACTION_ORDER[r];
                    let n = count(r, key);
                    json!({
                        "status": status_key(status),
                        "count": n,
                        "url": (n > 0).then(|| action_list_url(status, slug)),
                        "label": format!("{}: {name}", counted_phrase(status, n)),
                    })
                })
                .collect();
            let total: usize = columns.iter().map(|&r| count(r, key)).sum();
            json!({"name": name, "slug": slug, "unassigned": key.0, "count": total, "cells": cells})
        })
        .collect();
    let total: usize = by_status
        .values()
        .flat_map(|owners| owners.values())
        .map(Vec::len)
        .sum();
    let mut ctx = Context::new();
    ctx.insert("counts", &counts.json());
    ctx.insert("statuses", &statuses);
    ctx.insert("owners", &owners);
    ctx.insert("total", &total);
    PageSpec::new(
        "action_summary.html",
        "action-items/",
        "Action items",
        "action-items",
        ctx,
    )
}

/// One owner's action items of one status, when `action-items/` is a summary.
struct ActionList<'a, 's> {
    /// The status, as a position in [`ACTION_ORDER`].
    rank: usize,
    key: &'a OwnerKey,
    items: &'a [(&'s Incident, &'s crate::content::ActionItem)],
    by_status: &'a ActionBuckets<'s>,
    slugs: &'a BTreeMap<OwnerKey, String>,
}

impl<'a, 's> ActionList<'a, 's> {
    /// The list of each owner of action items of the status at `rank` (`owners`, one of
    /// `by_status`'s), in owner order.
    fn of_status(
        rank: usize,
        owners: &'a BTreeMap<OwnerKey, Vec<(&'s Incident, &'s crate::content::ActionItem)>>,
        by_status: &'a ActionBuckets<'s>,
        slugs: &'a BTreeMap<OwnerKey, String>,
    ) -> impl Iterator<Item = ActionList<'a, 's>> {
        owners.iter().map(move |(key, items)| ActionList {
            rank,
            key,
            items,
            by_status,
            slugs,
        })
    }
    /// How the list is cut into pages of `per` items.
    fn pager(&self, per: usize) -> Pager {
        let status = ACTION_ORDER[self.rank];
        Pager::new(
            action_list_url(status, &self.slugs[self.key]),
            self.items.len(),
            per,
        )
    }

    /// The list's title: `Open action items: Priya`.
    fn title(&self) -> String {
        let name = owner_name(self.by_status, self.key);
        format!("{}: {name}", status_phrase(ACTION_ORDER[self.rank]))
    }

    /// The list's pages, `per` items each: items are counted, not incidents, so an incident's
    /// items run on to the next page when the page ends among them (marked `continued` there).
    fn pages(&self, site: &Site, per: usize) -> Vec<PageSpec> {
        let status = ACTION_ORDER[self.rank];
        let slug = &self.slugs[self.key];
        let name = owner_name(self.by_status, self.key);
        let pager = self.pager(per);
        // The same owner's lists of the other statuses.
        let others: Vec<Value> = self
            .by_status
            .iter()
            .filter(|&(&r, _)| r != self.rank)
            .filter_map(|(&r, owners)| {
                let s = ACTION_ORDER[r];
                owners.get(self.key).map(|items| {
                    // As it reads after a count: "3 open", "2 with no status recorded".
                    let label = match s {
                        None => "with no status recorded".to_string(),
                        Some(_) => status_title(s).to_lowercase(),
                    };
                    json!({"status": status_key(s), "title": status_title(s), "label": label,
                           "count": items.len(), "url": action_list_url(s, slug)})
                })
            })
            .collect();
        let title = self.title();
        pager
            .pages()
            .map(|(n, range)| {
                let before = range.start.checked_sub(1).map(|i| self.items[i].0);
                let mut ctx = Context::new();
                ctx.insert(
                    "status",
                    &json!({"status": status_key(status), "title": status_title(status),
                            "phrase": status_phrase(status)}),
                );
                ctx.insert(
                    "owner",
                    &json!({"name": name, "slug": slug, "unassigned": self.key.0,
                            "count": self.items.len()}),
                );
                ctx.insert("incidents", &by_incident(site, &self.items[range], before));
                ctx.insert("others", &others);
                ctx.insert("pagination", &pager.json(n));
                PageSpec::new(
                    "action_list.html",
                    pager.url(n),
                    pager.title(&title, n),
                    "action-items",
                    ctx,
                )
            })
            .collect()
    }
}

/// The URLs of the lists of action items by status and owner and of their further pages: none
/// while every item fits on `action-items/` (see [`action_items_pages`]).
fn action_list_urls(site: &Site) -> Vec<String> {
    let per = site.config.paginate_by;
    let by_status = action_buckets(site, Listed::All);
    let total: usize = by_status
        .values()
        .flat_map(|owners| owners.values())
        .map(Vec::len)
        .sum();
    if Pager::new("action-items/", total, per).count() == 1 {
        return Vec::new();
    }
    let slugs = owner_slugs(by_status.values().flat_map(|owners| owners.keys()));
    let mut urls = Vec::new();
    for (&rank, owners) in &by_status {
        urls.push(action_status_url(ACTION_ORDER[rank]));
        for (key, items) in owners {
            let pager = Pager::new(
                action_list_url(ACTION_ORDER[rank], &slugs[key]),
                items.len(),
                per,
            );
            urls.extend((1..=pager.count()).map(|n| pager.url(n)));
        }
    }
    urls
}

fn onboarding_page(site: &Site) -> PageSpec {
    let lib = &site.library;
    let graph = &site.graph;
    let mut steps: Vec<Value> = Vec::new();
    let step_incident = |inc: &Incident, why: &str| {
        json!({"kind": "incident", "title": inc.title, "url": inc.url(), "id": inc.id, "date": incident_date(inc),
               "severity": inc.severity, "why": why, "summary": truncate(&inc.summary, 240)})
    };
    let step_group = |g: &Group, why: &str| {
        json!({"kind": "learning", "title": g.title, "url": g.url(), "id": g.id, "count": g.incidents.len(),
               "why": why, "summary": g.summary})
    };
    let configured = lib
        .onboarding
        .as_ref()
        .map(|p| !p.path.is_empty())
        .unwrap_or(false);
    if configured {
        for s in &lib.onboarding.as_ref().expect("checked").path {
            if let Some(id) = &s.incident {
                if let Some(inc) = lib.incident(lib.current_id(id)) {
                    steps.push(step_incident(inc, &s.why));
                }
            } else if let Some(id) = &s.learning {
                if let Some(&g) = graph.by_id.get(id) {
                    steps.push(step_group(&graph.groups[g], &s.why));
                }
            }
        }
    } else {
        // A default path: the lessons learned most often, by the incidents that state them
        // (an action item meant to address a lesson did not teach it), each with the first
        // incident that taught it, then the most severe recent incidents not yet on the path.
        // Lessons stated by fewer than two incidents only when none is stated by two.
        let mut top: Vec<&Group> = graph.groups.iter().filter(|g| g.is_recurring()).collect();
        if top.iter().any(|g| g.stating.len() >= 2) {
            top.retain(|g| g.stating.len() >= 2);
        }
        top.sort_by(|a, b| {
            b.stating
                .len()
                .cmp(&a.stating.len())
                .then_with(|| by_recurrence(a, b))
        });
        let mut used = std::collections::HashSet::new();
        for g in top.iter().take(4) {
            // An incident whose action item only addresses the lesson did not state it.
            let (stated, addressed) = (g.stating.len(), g.addressing.len());
            let incidents = |n: usize| match n {
                1 => "1 incident".to_string(),
                n => format!("{n} incidents"),
            };
            let why = match (stated, addressed) {
                (_, 0) => format!("Learned in {}.", incidents(stated)),
                (0, _) => format!("Action items of {} address it.", incidents(addressed)),
                _ => format!(
                    "Learned in {}; action items of {addressed} more address it.",
                    incidents(stated)
                ),
            };
            steps.push(step_group(g, &why));
            let first = match g.stating.first() {
                Some(&p) => Some((g.incidents[p], "The first time this was learned.")),
                None => g.incidents.first().map(|&i| {
                    (
                        i,
                        "The first incident with an action item meant to address it.",
                    )
                }),
            };
            if let Some((first, why)) = first {
                if used.insert(first) {
                    steps.push(step_incident(&lib.incidents[first], why));
                }
            }
        }
        // Most severe first, then most recent; an incident of no known severity is only
        // called recent.
        let scale = site.config.severities.len();
        let rank = |i: usize| {
            site.config
                .severity_rank(lib.incidents[i].severity.as_deref().unwrap_or(""))
        };
        let mut severe: Vec<usize> = (0..lib.incidents.len()).collect();
        severe.sort_by_key(|&i| (rank(i), std::cmp::Reverse(lib.incidents[i].date)));
        let top = severe.first().map_or(scale, |&i| rank(i));
        for i in severe
            .into_iter()
            .filter(|i| !used.contains(i))
            .take(10usize.saturating_sub(steps.len()).max(3))
        {
            // "Most severe" only of the top level any incident has: a SEV2 listed after the
            // SEV1s already on the path is not one of the most severe.
            let why = match &lib.incidents[i].severity {
                Some(sev) if rank(i) == top => {
                    format!("One of the most severe incidents ({sev}).")
                }
                Some(sev) if rank(i) < scale => format!("A {sev} incident."),
                _ => "A recent incident.".to_string(),
            };
            steps.push(step_incident(&lib.incidents[i], &why));
        }
    }
    let mut ctx = Context::new();
    let title = lib
        .onboarding
        .as_ref()
        .and_then(|p| p.title.clone())
        .unwrap_or_else(|| "Start here".into());
    ctx.insert("heading", &title);
    ctx.insert(
        "intro",
        &lib.onboarding
            .as_ref()
            .map(|p| p.html.as_str())
            .unwrap_or(""),
    );
    ctx.insert("steps", &steps);
    ctx.insert("configured", &configured);
    PageSpec::new("onboarding.html", "onboarding/", title, "onboarding", ctx)
}

/// The median of minutes: the middle value, or the mean of the two middle values of an even
/// count (rounded down to the minute).
fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]).div_euclid(2)
    } else {
        v[mid]
    })
}

fn minutes_text(m: Option<i64>) -> Option<String> {
    let m = m?;
    let base = DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").ok()?;
    duration(Some(base), Some(base + chrono::Duration::minutes(m)))
}

/// Minutes from start to detection: from the front matter's timestamps, else as the body
/// states it (see [`crate::content::derive::stated_times`]).
fn time_to_detect(inc: &Incident) -> Option<i64> {
    match (inc.started_at, inc.detected_at) {
        (Some(s), Some(d)) => Some((d - s).num_minutes()).filter(|m| *m >= 0),
        _ => inc.stated.detect.as_ref().map(|t| t.minutes),
    }
}

/// Minutes from start to resolution, the same way as [`time_to_detect`].
fn time_to_resolve(inc: &Incident) -> Option<i64> {
    match (inc.started_at, inc.resolved_at) {
        (Some(s), Some(r)) => Some((r - s).num_minutes()).filter(|m| *m >= 0),
        _ => inc.stated.resolve.as_ref().map(|t| t.minutes),
    }
}

/// Whether a heading of the postmortem names a panel the page shows above the postmortem
/// ("Action items", "What we learned", numbered or not).
fn names_a_panel(inc: &Incident, e: &crate::markdown::TocEntry) -> bool {
    match crate::content::derive::bare_title(&e.title).as_str() {
        "what we learned" => !inc.learnings.is_empty(),
        "action items" => !inc.action_items.is_empty(),
        _ => false,
    }
}

/// The postmortem's headings as the page's contents list shows them: a heading that names a
/// panel ([`names_a_panel`]) is named "… (as written)", so the list does not name two places
/// alike: the panel's entry comes first, under the panel's name.
fn contents(inc: &Incident) -> Vec<crate::markdown::TocEntry> {
    inc.toc
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if names_a_panel(inc, &e) {
                e.title.push_str(" (as written)");
            }
            e
        })
        .collect()
}

/// The postmortem's HTML with each heading that names a panel ([`names_a_panel`]) marked
/// "(as written)" as the contents list names it, so that the page does not show two headings
/// alike either. Its id, which links and search hits lead to, stays as it was.
fn postmortem_html(inc: &Incident) -> String {
    let mut html = inc.html.clone();
    for e in inc.toc.iter().filter(|e| names_a_panel(inc, e)) {
        let link = format!(" <a class=\"anchor\" href=\"#{}\"", escape(&e.id));
        if let Some(at) = html.find(&link) {
            html.insert_str(at, " <span class=\"as-written\">(as written)</span>");
        }
    }
    html
}

/// Where a time the body states was read: the line as written, the section's heading and its
/// anchor on the page.
fn stated_from(inc: &Incident, t: Option<&crate::content::derive::StatedTime>) -> Value {
    let Some(t) = t else {
        return Value::Null;
    };
    let wanted = crate::content::derive::normalise_title(&t.section);
    let anchor = inc
        .toc
        .iter()
        .find(|e| crate::content::derive::normalise_title(&e.title) == wanted)
        .map(|e| e.id.as_str());
    json!({"text": t.text, "section": t.section, "anchor": anchor, "line": t.line})
}

/// How many learnings the site has and how many of them are recurring, as /stats/ and the
/// build's summary line say. Each learning counts once however many postmortems state it: a
/// group (canonical or cluster), and each learning of one postmortem in no group. As on
/// /learnings/, the total includes the canonical learnings that no incident cites yet.
pub(crate) fn learning_counts(site: &Site) -> (usize, usize) {
    let groups = &site.graph.groups;
    let alone = site
        .library
        .incidents
        .iter()
        .flat_map(|i| &i.learnings)
        .filter(|l| l.group.is_none())
        .count();
    (
        groups.len() + alone,
        groups.iter().filter(|g| g.is_recurring()).count(),
    )
}

fn stats_page(site: &Site) -> PageSpec {
    let lib = &site.library;
    // Most incidents first, ties by name; a `limit` keeps the top. Severity keeps the order of
    // its scale (`by_count` false): SEV1 before SEV2 reads as a scale, not as a ranking.
    let rows = |tax: &Taxonomy, limit: usize, by_count: bool| -> Vec<(String, String, usize)> {
        let mut terms: Vec<&crate::taxonomy::Term> = tax.terms.iter().collect();
        if by_count {
            terms.sort_by(|a, b| {
                b.incidents
                    .len()
                    .cmp(&a.incidents.len())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
        }
        terms.truncate(limit);
        terms
            .iter()
            .map(|t| (t.name.clone(), tax.url(&t.slug), t.incidents.len()))
            .collect()
    };
    // Each row's bar is as long as its count is of the largest.
    let bars = |rows: Vec<(String, String, usize)>| -> Vec<Value> {
        let max = rows.iter().map(|r| r.2).max().unwrap_or(1).max(1);
        rows.into_iter()
            .map(|(name, url, count)| {
                json!({"name": name, "url": url, "count": count, "pct": count * 100 / max})
            })
            .collect()
    };
    // The incidents of no severity last, in a row of their own that leads to where the
    // severity page lists them, so that the rows add up to every incident.
    let mut severity = rows(&site.taxonomies[2], usize::MAX, false);
    if let Some(g) = Unrecorded::of(site, &site.taxonomies[2]) {
        let url = if g.has_list(site.config.paginate_by) {
            g.url()
        } else {
            "severity/#no-severity".into()
        };
        severity.push((g.title.into(), url, g.incidents.len()));
    }
    // Each median with how many incidents it is the median of (`ttd_of`, `ttr_of`): those of
    // the row whose times are known, which may be far fewer than the row's incidents.
    let mut years: Vec<Value> = Vec::new();
    for t in site.taxonomies[3].terms.iter().rev() {
        let mut ttr: Vec<i64> = Vec::new();
        let mut ttd: Vec<i64> = Vec::new();
        for &i in &t.incidents {
            let inc = &lib.incidents[i];
            ttr.extend(time_to_resolve(inc));
            ttd.extend(time_to_detect(inc));
        }
        years.push(json!({"year": t.name, "url": format!("years/{}/", t.slug), "count": t.incidents.len(),
                          "ttd_of": ttd.len(), "ttr_of": ttr.len(),
                          "ttd": minutes_text(median(&mut ttd)), "ttr": minutes_text(median(&mut ttr))}));
    }
    // The undated incidents last, in a row of their own (no page lists them), so that the
    // rows add up to every incident.
    let undated: Vec<&Incident> = lib.incidents.iter().filter(|i| i.date.is_none()).collect();
    if !undated.is_empty() {
        let mut ttr: Vec<i64> = undated.iter().flat_map(|i| time_to_resolve(i)).collect();
        let mut ttd: Vec<i64> = undated.iter().flat_map(|i| time_to_detect(i)).collect();
        years.push(json!({"year": "Undated", "url": null, "count": undated.len(),
                          "ttd_of": ttd.len(), "ttr_of": ttr.len(),
                          "ttd": minutes_text(median(&mut ttd)), "ttr": minutes_text(median(&mut ttr))}));
    }
    let actions = ActionCounts::of(lib.incidents.iter().flat_map(|i| &i.action_items));
    let mut ctx = Context::new();
    ctx.insert("years", &years);
    ctx.insert("severity", &bars(severity));
    ctx.insert("services", &bars(rows(&site.taxonomies[1], 15, true)));
    ctx.insert("tags", &bars(rows(&site.taxonomies[0], 15, true)));
    ctx.insert("actions", &actions.json());
    let (total, recurring) = learning_counts(site);
    let (possibly, unused) = site.graph.groups.iter().fold((0, 0), |(p, u), g| {
        (
            p + usize::from(g.incidents.len() >= 2 && g.is_tentative()),
            u + usize::from(g.incidents.is_empty()),
        )
    });
    ctx.insert(
        "learnings",
        &json!({"total": total, "recurring": recurring, "possibly": possibly,
                "unused": unused, "once": total - recurring - possibly - unused}),
    );
    ctx.insert("incidents", &lib.incidents.len());
    PageSpec::new("stats.html", "stats/", "Statistics", "stats", ctx)
}

/// Absolute URL of a page when a base URL is configured, else the root-relative path.
fn absolute(site: &Site, url: &str) -> String {
    match site.config.base_prefix() {
        Some(b) => format!("{b}{url}"),
        None => format!("/{url}"),
    }
}

/// The namespace of [`feed_id`]'s name-based UUIDs: a fixed, randomly drawn UUID (RFC 9562,
/// 6.5), which no other scheme's names share. Never change it: every id of every feed built
/// without a base URL would change with it.
const FEED_ID_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x7db8_98a1_cd2b_4819_8a12_22e7_a7dd_db26);

/// The `<id>` of the feed (`url` empty) or of the entry of the page at `url` (`incidents/x/`).
/// RFC 4287 wants an id to be an absolute IRI that never changes. With an absolute base URL it
/// is the page's URL, as it always was (another id would show every entry as new again in the
/// readers of existing feeds). Without one (no `base_url`, or only a path such as `/pm/`), a
/// root-relative path is no IRI, so the id is `urn:uuid:` and a name-based UUID (version 5,
/// SHA-1) of the page's URL in a namespace of the site's own, itself the UUID of the site's
/// title in [`FEED_ID_NAMESPACE`]: the same title and URL give the same id on every build and
/// machine, two pages of a site two ids, and two sites of other titles never share one.
fn feed_id(site: &Site, url: &str) -> String {
    if site.config.has_absolute_base() {
        return absolute(site, url);
    }
    let ns = uuid::Uuid::new_v5(&FEED_ID_NAMESPACE, site.config.title.as_bytes());
    uuid::Uuid::new_v5(&ns, url.as_bytes()).urn().to_string()
}

/// A link of the feed (which lives at the site root): with a base URL, the page's URL under
/// it; without one, relative to the feed, which RFC 4287 allows for links (not for ids) and a
/// reader resolves against the feed's own address, so it is right under any sub-path.
fn feed_link(site: &Site, url: &str) -> String {
    match site.config.base_prefix() {
        Some(b) => format!("{b}{url}"),
        None if url.is_empty() => "./".into(),
        None => url.to_string(),
    }
}

fn feed(site: &Site) -> String {
    let lib = &site.library;
    let updated = lib
        .incidents
        .iter()
        .filter_map(|i| i.date)
        .max()
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut s = String::new();
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(s, "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    let _ = writeln!(s, "  <title>{}</title>", escape(&site.config.title));
    let _ = writeln!(
        s,
        "  <subtitle>{}</subtitle>",
        escape(&site.config.description)
    );
    let _ = writeln!(
        s,
        "  <link href=\"{}\" rel=\"self\"/>",
        escape(&feed_link(site, "feed.xml"))
    );
    let _ = writeln!(s, "  <link href=\"{}\"/>", escape(&feed_link(site, "")));
    let _ = writeln!(s, "  <id>{}</id>", escape(&feed_id(site, "")));
    let _ = writeln!(s, "  <updated>{updated}</updated>");
    let _ = writeln!(s, "  <generator>Hindsight</generator>");
    // Atom wants each entry's `<updated>`, and an undated incident has none to give: any date
    // made up for it (the newest incident's, the build's) would tell feed readers it is new
    // whenever another incident is. So the feed holds the latest dated incidents only.
    // A reader lists entries by their titles alone: those of incidents of the same title say
    // their ids (see [`tab_titles`]).
    let titles = tab_titles(&lib.incidents);
    let dated = (lib.incidents.iter().zip(&titles)).filter_map(|(i, t)| i.date.map(|d| (i, t, d)));
    for (inc, title, date) in dated.take(site.config.feed_limit) {
        let date = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
        let _ = writeln!(s, "  <entry>");
        let _ = writeln!(s, "    <title>{}</title>", escape(title));
        let _ = writeln!(
            s,
            "    <link href=\"{}\"/>",
            escape(&feed_link(site, &inc.url()))
        );
        let _ = writeln!(s, "    <id>{}</id>", escape(&feed_id(site, &inc.url())));
        let _ = writeln!(s, "    <updated>{date}</updated>");
        for a in &inc.authors {
            let _ = writeln!(s, "    <author><name>{}</name></author>", escape(a));
        }
        if inc.authors.is_empty() {
            let _ = writeln!(
                s,
                "    <author><name>{}</name></author>",
                escape(&site.config.title)
            );
        }
        if let Some(sev) = &inc.severity {
            let _ = writeln!(s, "    <category term=\"{}\"/>", escape(sev));
        }
        for t in &inc.tags {
            let _ = writeln!(s, "    <category term=\"{}\"/>", escape(t));
        }
        let _ = writeln!(s, "    <summary>{}</summary>", escape(&inc.summary));
        let _ = writeln!(s, "  </entry>");
    }
    s.push_str("</feed>\n");
    s
}

/// Every page URL of the site, in a stable order (also what `check --baseline` compares).
pub fn page_urls(site: &Site) -> Vec<String> {
    let mut urls = vec![
        String::new(),
        "incidents/".into(),
        "learnings/".into(),
        "action-items/".into(),
        "onboarding/".into(),
        "stats/".into(),
        "search/".into(),
    ];
    let per = site.config.paginate_by;
    let further = |base: &str, items: usize| {
        let pager = Pager::new(base, items, per);
        (2..=pager.count()).map(move |n| pager.url(n))
    };
    urls.extend(further("incidents/", site.library.incidents.len()));
    urls.extend(action_list_urls(site));
    urls.extend(site.library.incidents.iter().map(|i| i.url()));
    urls.extend(site.graph.groups.iter().map(|g| g.url()));
    for t in &site.taxonomies {
        urls.push(format!("{}/", t.kind.dir()));
        for term in &t.terms {
            let url = t.url(&term.slug);
            let more: Vec<String> = further(&url, term.incidents.len()).collect();
            urls.push(url);
            urls.extend(more);
        }
        urls.extend(unrecorded_list_urls(site, t));
    }
    urls
}

/// A redirect from a URL that is no page to the page that stands for it, both relative to the
/// site root: from an old URL (an alias) to the page that replaced it, or from page 1 of a list
/// cut into pages (`<list>page/1/`, and `<list>page/`) to the list's first page, `<list>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub title: String,
    /// The alias that asks for it; none for page 1 of a list, which Hindsight adds itself.
    pub alias: Option<AliasAt>,
}

/// Where an alias is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasAt {
    /// The file that declared the alias.
    pub source: String,
    /// Where in it: the line and column of the alias's entry in the front matter.
    pub line: usize,
    pub column: usize,
}

/// The URL path (relative to the site root) an alias stands for. An alias is an old id, taken
/// under `section` (`PM2019-9` -> `incidents/PM2019-9/`), or an old URL path from the site root
/// (`/incidents/old/` or `/old/page.html`).
pub fn alias_path(alias: &str, section: &str) -> Result<String, &'static str> {
    let alias = alias.trim();
    let Some(path) = alias.strip_prefix('/') else {
        return match crate::content::unsafe_id(alias) {
            Some(why) => Err(why),
            None => Ok(format!("{section}/{alias}/")),
        };
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err("it is the site root");
    }
    if let Some(why) = segments.iter().find_map(|s| crate::content::unsafe_id(s)) {
        return Err(why);
    }
    let last = segments[segments.len() - 1];
    let joined = segments.join("/");
    Ok(if last.contains('.') && !path.ends_with('/') {
        joined
    } else {
        format!("{joined}/")
    })
}

/// Every redirect of the site, in a stable order (by the URL redirected from, an alias before
/// page 1 of a list at the same URL): those the aliases of incidents and canonical learnings
/// ask for, and page 1 of each list that has a page 2 ([`first_page_redirects`]). Aliases that
/// are invalid are left out (`check` reports them).
pub fn redirects(site: &Site) -> Vec<Redirect> {
    let mut out = Vec::new();
    for inc in &site.library.incidents {
        for (i, a) in inc.aliases.iter().enumerate() {
            if let Ok(from) = alias_path(a, "incidents") {
                let (line, column) = inc.front_matter.entry_at("aliases", i);
                out.push(Redirect {
                    from,
                    to: inc.url(),
                    title: inc.title.clone(),
                    alias: Some(AliasAt {
                        source: inc.source.clone(),
                        line,
                        column,
                    }),
                });
            }
        }
    }
    for l in &site.library.learnings {
        for (i, a) in l.aliases.iter().enumerate() {
            if let Ok(from) = alias_path(a, "learnings") {
                let (line, column) = l.alias_at.get(i).copied().unwrap_or((1, 1));
                out.push(Redirect {
                    from,
                    to: format!("learnings/{}/", l.id),
                    title: l.title.clone(),
                    alias: Some(AliasAt {
                        source: l.source.clone(),
                        line,
                        column,
                    }),
                });
            }
        }
    }
    out.retain(|r| r.from != r.to);
    out.extend(first_page_redirects(site));
    // An alias before page 1 of a list at the same URL (`false` before `true`): it wins.
    fn key(r: &Redirect) -> (&str, bool, Option<&str>) {
        let source = r.alias.as_ref().map(|a| a.source.as_str());
        (&r.from, r.alias.is_none(), source)
    }
    out.sort_by(|a, b| key(a).cmp(&key(b)));
    out
}

/// The redirects of page 1 of each list cut into pages (see [`Pager`]): `<list>page/1/` and
/// `<list>page/` lead to `<list>`, the list's first page, as Hugo's `/page/1/` does. A list
/// that fits on one page has none, so a small site has none.
fn first_page_redirects(site: &Site) -> Vec<Redirect> {
    let per = site.config.paginate_by;
    let mut lists: Vec<(Pager, String)> = vec![(
        Pager::new("incidents/", site.library.incidents.len(), per),
        "All incidents".to_string(),
    )];
    for tax in &site.taxonomies {
        for t in &tax.terms {
            lists.push((
                Pager::new(tax.url(&t.slug), t.incidents.len(), per),
                term_title(tax, t),
            ));
        }
        if let Some(g) = Unrecorded::of(site, tax) {
            lists.push((g.pager(per), g.title.to_string()));
        }
    }
    let by_status = action_buckets(site, Listed::All);
    let total: usize = by_status
        .values()
        .flat_map(|owners| owners.values())
        .map(Vec::len)
        .sum();
    if Pager::new("action-items/", total, per).count() > 1 {
        let slugs = owner_slugs(by_status.values().flat_map(|owners| owners.keys()));
        for (&rank, owners) in &by_status {
            for list in ActionList::of_status(rank, owners, &by_status, &slugs) {
                lists.push((list.pager(per), list.title()));
            }
        }
    }
    lists
        .into_iter()
        .filter(|(pager, _)| pager.count() > 1)
        .flat_map(|(pager, title)| {
            ["page/1/", "page/"].map(|from| Redirect {
                from: format!("{}{from}", pager.base),
                to: pager.url(1),
                title: title.clone(),
                alias: None,
            })
        })
        .collect()
}

/// The HTML page served at an old URL: an immediate refresh, a canonical link and a plain link.
fn redirect_page(site: &Site, r: &Redirect) -> String {
    // Relative, as every page's links are, so it leads to the new page on any host (a deploy
    // preview too); the canonical link is absolute under a base URL, for search engines.
    let href = escape(&format!(
        "{}{}",
        "../".repeat(r.from.matches('/').count()),
        r.to
    ));
    let canonical = match site.config.base_prefix() {
        Some(b) => escape(&format!("{b}{}", r.to)),
        None => href.clone(),
    };
    let title = escape(&r.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{href}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}

/// Writes a redirect page at every alias and at page 1 of every list cut into pages, and a
/// Netlify `_redirects` file. An alias that would replace a page, or that two files claim, is
/// an error; page 1 of a list gives way, without a word, to a page or an alias at its URL.
fn write_redirects(site: &Site, out: &Output, diags: &Diagnostics) -> Result<(), Error> {
    let redirects = redirects(site);
    if redirects.is_empty() {
        return Ok(());
    }
    let pages: std::collections::HashSet<String> = page_urls(site).into_iter().collect();
    let base_path = site.config.base_path();
    let abs = |p: &str| {
        if base_path.is_empty() {
            format!("/{p}")
        } else {
            format!("/{base_path}/{p}")
        }
    };
    let mut netlify = String::new();
    // The URLs redirected so far, with the file of the alias that claimed each.
    let mut written: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &redirects {
        let Some(alias) = &r.alias else {
            // Page 1 of a list; aliases at its URL come first.
            if !pages.contains(&r.from) && !written.contains_key(r.from.as_str()) {
                written.insert(&r.from, "");
                out.write(&file_of(&r.from), redirect_page(site, r).as_bytes())?;
                let _ = writeln!(netlify, "{} {} 301", abs(&r.from), abs(&r.to));
            }
            continue;
        };
        if pages.contains(&r.from) {
            diags.push(
                Diagnostic::error(
                    "bad-alias",
                    &alias.source,
                    format!("alias `/{}` is the URL of an existing page", r.from),
                )
                .at(alias.line, alias.column)
                .hint("a redirect cannot replace a page; remove the alias or move that page"),
            );
            continue;
        }
        if let Some(other) = written.insert(&r.from, &alias.source) {
            diags.push(
                Diagnostic::error("bad-alias", &alias.source, format!("alias `/{}` is also claimed by {other}", r.from))
                    .at(alias.line, alias.column)
                    .hint("an old URL can redirect to one page only; keep the alias on the page that replaced it"),
            );
            continue;
        }
        out.write(&file_of(&r.from), redirect_page(site, r).as_bytes())?;
        let _ = writeln!(netlify, "{} {} 301", abs(&r.from), abs(&r.to));
    }
    if !netlify.is_empty() {
        out.write("_redirects", netlify.as_bytes())?;
    }
    Ok(())
}

/// sitemap.xml: every page, and for an incident's page its `lastmod`, the later of its date
/// and the day git last recorded a change to its file.
fn sitemap(site: &Site) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let lastmod: std::collections::HashMap<String, NaiveDate> = site
        .library
        .incidents
        .iter()
        .filter_map(|i| i.date.max(i.changed).map(|d| (i.url(), d)))
        .collect();
    for url in page_urls(site) {
        let _ = write!(s, "  <url><loc>{}</loc>", escape(&absolute(site, &url)));
        if let Some(d) = lastmod.get(&url) {
            let _ = write!(s, "<lastmod>{}</lastmod>", d.format("%Y-%m-%d"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// robots.txt. Its `Sitemap:` line must be an absolute URL (sitemaps.org), so without an
/// absolute base URL there is none: a crawler would not read a relative one, and a sub-path's
/// robots.txt is not read at all.
fn robots(site: &Site) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if site.config.has_absolute_base() {
        let _ = writeln!(s, "Sitemap: {}", absolute(site, "sitemap.xml"));
    }
    s
}

#[derive(Serialize)]
struct ExportLearning<'a> {
    text: &'a str,
    learning: Option<&'a str>,
    /// Who linked it to `learning` (see [`linked_by`]); `null` when it is linked to none.
    linked_by: Option<&'static str>,
}

/// An action item as the export shows it.
#[derive(Serialize)]
struct ExportAction<'a> {
    text: &'a str,
    owner: Option<&'a str>,
    /// `null` when its postmortem records no status.
    status: Option<&'static str>,
    due: Option<String>,
    /// The ticket that tracks it, as written; `null` when none is.
    ticket: Option<&'a str>,
    /// The canonical learning or cluster it is meant to address, as for learnings.
    learning: Option<&'a str>,
    linked_by: Option<&'static str>,
}

impl<'a> ExportAction<'a> {
    fn of(graph: &crate::learnings::Graph, a: &'a crate::content::ActionItem) -> Self {
        ExportAction {
            text: &a.text,
            owner: a.owner.as_deref(),
            status: a.status.map(ActionStatus::as_str),
            due: iso(a.due),
            ticket: a.ticket.as_deref(),
            learning: a.group.as_deref(),
            linked_by: linked_by(graph, a.learning.as_deref(), a.group.as_deref()),
        }
    }
}

/// Who linked a learning or an action item to the learning it is grouped under: `"authors"`
/// when what they cited (`id:`, a learning mark, `learning:`; an alias too) names that
/// canonical learning, else `"similarity"` (Hindsight attached or clustered it); `None` when
/// it is grouped under none.
fn linked_by(
    graph: &crate::learnings::Graph,
    cited: Option<&str>,
    group: Option<&str>,
) -> Option<&'static str> {
    let named = graph.linked_by_authors(cited, group?);
    Some(if named { "authors" } else { "similarity" })
}

#[derive(Serialize)]
struct ExportIncident<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    date: Option<String>,
    /// `"year"` when only the year is known (`date` is then 1 January of it), else `"day"`;
    /// `null` with no date.
    date_precision: Option<&'static str>,
    severity: Option<&'a str>,
    status: &'static str,
    services: &'a [String],
    tags: &'a [String],
    /// Null when there is none, as every missing value of the export is.
    summary: Option<&'a str>,
    source: &'a str,
    learnings: Vec<ExportLearning<'a>>,
    action_items: Vec<ExportAction<'a>>,
    related: Vec<&'a str>,
    /// RFC 3339, in the offset the postmortem gives (as its page shows them), from the front
    /// matter or the text; `null` when it states none.
    started_at: Option<String>,
    detected_at: Option<String>,
    resolved_at: Option<String>,
}

#[derive(Serialize)]
struct ExportGroup<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    canonical: bool,
    /// A cluster on one shared word alone: its incidents are possibly related, it does not
    /// recur (see [`Group::tentative`]).
    tentative: bool,
    incidents: Vec<&'a str>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    /// How many of `incidents` state it among their learnings, and how many are linked to it
    /// only by an action item meant to address it (the learning page's "learned in S,
    /// addressed only by an action item in A").
    stated: usize,
    addressed_only: usize,
    /// `incidents` again, in the same order, each with how it is linked.
    incident_links: Vec<ExportIncidentLink<'a>>,
    /// Of `incidents`, those joined to a firm cluster's others by one word alone: possibly
    /// related, left out of its count, first and last seen, `stated` and `addressed_only`
    /// (see [`Group::loose`]).
    possibly_related: Vec<&'a str>,
}

/// How one incident is linked to a learning: `through` one of its learnings or only an action
/// item, and who made that link: `"authors"` when they made one such link themselves, else
/// `"similarity"`.
#[derive(Serialize)]
struct ExportIncidentLink<'a> {
    id: &'a str,
    through: &'static str,
    linked_by: &'static str,
}

/// `api/incidents.json` and `api/learnings.json`, as PRODUCT.md names them.
fn export(site: &Site, out: &Output) -> Result<(), Error> {
    let lib = &site.library;
    let graph = &site.graph;
    // Absolute under a base URL; else relative to the site root, like `search --json`, so
    // that the export is right wherever the site is served from.
    let url = |u: String| match site.config.base_prefix() {
        Some(b) => format!("{b}{u}"),
        None => u,
    };
    let incidents: Vec<ExportIncident> = lib
        .incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| ExportIncident {
            id: &inc.id,
            url: url(inc.url()),
            title: &inc.title,
            date: iso(inc.date),
            date_precision: inc.date.map(|_| {
                if inc.date_source == crate::content::derive::DateSource::FileNameYear {
                    "year"
                } else {
                    "day"
                }
            }),
            severity: inc.severity.as_deref(),
            status: inc.status.as_str(),
            services: &inc.services,
            tags: &inc.tags,
            summary: Some(inc.summary.as_str()).filter(|s| !s.trim().is_empty()),
            source: published_source(site, inc),
            learnings: inc
                .learnings
                .iter()
                .map(|l| ExportLearning {
                    text: &l.text,
                    learning: l.group.as_deref(),
                    linked_by: linked_by(graph, l.canonical.as_deref(), l.group.as_deref()),
                })
                .collect(),
            action_items: inc
                .action_items
                .iter()
                .map(|a| ExportAction::of(graph, a))
                .collect(),
            related: graph.related[i]
                .iter()
                .map(|r| lib.incidents[r.incident].id.as_str())
                .collect(),
            started_at: inc.started_at.map(|t| t.to_rfc3339()),
            detected_at: inc.detected_at.map(|t| t.to_rfc3339()),
            resolved_at: inc.resolved_at.map(|t| t.to_rfc3339()),
        })
        .collect();
    let groups: Vec<ExportGroup> = graph
        .groups
        .iter()
        .map(|g| ExportGroup {
            id: &g.id,
            // Whole, as the learning's page heads it: lists cut `title` to fit, scripts
            // should not get a display string cut mid-sentence.
            title: &g.full_title,
            url: url(g.url()),
            canonical: g.canonical,
            tentative: g.is_tentative(),
            incidents: g
                .all_incidents(lib)
                .into_iter()
                .map(|i| lib.incidents[i].id.as_str())
                .collect(),
            first_seen: iso(g.first_seen),
            last_seen: iso(g.last_seen),
            stated: g.stating.len(),
            addressed_only: g.addressing.len(),
            incident_links: incident_links(site, g),
            possibly_related: g
                .loose
                .iter()
                .map(|l| lib.incidents[l.incident].id.as_str())
                .collect(),
        })
        .collect();
    let mut a = serde_json::to_vec_pretty(&incidents).map_err(|e| Error::Render(e.to_string()))?;
    a.push(b'\n');
    out.write("api/incidents.json", &a)?;
    let mut b = serde_json::to_vec_pretty(&groups).map_err(|e| Error::Render(e.to_string()))?;
    b.push(b'\n');
    out.write("api/learnings.json", &b)?;
    Ok(())
}

/// How each of a learning's incidents is linked to it (see [`ExportIncidentLink`]), in the
/// order of [`Group::all_incidents`] (loose members too): through a learning for those in `stating`, else through an action
/// item; by its authors when they cited it on one such item.
fn incident_links<'a>(site: &'a Site, g: &Group) -> Vec<ExportIncidentLink<'a>> {
    use std::collections::HashSet;
    let (lib, graph) = (&site.library, &site.graph);
    let by_authors = |cited: Option<&str>| linked_by(graph, cited, Some(&g.id)) == Some("authors");
    let stated_by_authors: HashSet<usize> = g
        .citations
        .iter()
        .filter(|&&(i, li)| by_authors(lib.incidents[i].learnings[li].canonical.as_deref()))
        .map(|&(i, _)| i)
        .collect();
    let addressed_by_authors: HashSet<usize> = g
        .actions
        .iter()
        .filter(|&&(i, a)| by_authors(lib.incidents[i].action_items[a].learning.as_deref()))
        .map(|&(i, _)| i)
        .collect();
    let mut stating = vec![false; g.incidents.len()];
    for &p in &g.stating {
        stating[p] = true;
    }
    // Loose members (see [`Group::loose`]) in their place: linked by similarity, a cluster
    // being one.
    let loose: HashSet<usize> = g
        .loose
        .iter()
        .filter(|l| !l.learnings.is_empty())
        .map(|l| l.incident)
        .collect();
    let mut stating = stating.into_iter();
    g.all_incidents(lib)
        .into_iter()
        .map(|i| match g.loose_member(lib, i) {
            Some(_) => (i, loose.contains(&i)),
            None => (i, stating.next().unwrap_or(false)),
        })
        .map(|(i, states)| {
            let (through, authors) = if states {
                ("learning", &stated_by_authors)
            } else {
                ("action_item", &addressed_by_authors)
            };
            ExportIncidentLink {
                id: &lib.incidents[i].id,
                through,
                linked_by: if authors.contains(&i) {
                    "authors"
                } else {
                    "similarity"
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_static_file_that_may_not_be_read_names_itself_with_the_chmod_or_moving_it_out_of_static() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = unreadable_site_file("static/files/a.pdf", false, &e);
        assert_eq!(
            (d.rule, d.level, d.file.as_str(), d.line, d.column),
            (
                "io",
                crate::diagnostics::Level::Error,
                "static/files/a.pdf",
                1,
                1
            )
        );
        assert_eq!(
            d.message,
            format!("cannot read the file `static/files/a.pdf`: {e}")
        );
        assert_eq!(
            d.hint,
            "make it readable by whoever runs Hindsight (`chmod a+r static/files/a.pdf`), or, as every file under `static/` is published as it is, move it out of `static/`"
        );
    }

    #[test]
    fn a_static_folder_that_may_not_be_listed_is_named_as_a_folder_and_static_itself_is_not_moved_out(
    ) {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = unreadable_site_file("static/old", true, &e);
        assert!(
            d.message
                .starts_with("cannot list the folder `static/old`: "),
            "{}",
            d.message
        );
        assert!(d.hint.contains("`chmod a+rx static/old`"), "{}", d.hint);
        let d = unreadable_site_file("static", true, &e);
        assert!(d.hint.contains("`chmod a+rx static`"), "{}", d.hint);
        assert!(!d.hint.contains("move it out"), "{}", d.hint);
    }

    #[test]
    fn a_static_file_that_cannot_be_read_for_another_reason_is_not_told_to_change_its_permissions()
    {
        let e = std::io::Error::other("Input/output error");
        let d = unreadable_site_file("static/a.txt", false, &e);
        assert!(d.message.ends_with("Input/output error"), "{}", d.message);
        assert!(!d.hint.contains("chmod"), "{}", d.hint);
        assert!(d.hint.contains("move it out of `static/`"), "{}", d.hint);
    }

    #[test]
    fn owners_whose_names_slugify_alike_or_as_unassigned_get_urls_of_their_own() {
        let key = |unassigned: bool, name: &str| (unassigned, name.to_string());
        let keys = [
            key(true, ""),
            key(false, "unassigned"),
            key(false, "dave-smith"),
            key(false, "dave smith"),
            key(false, "dave smith 2"),
            key(false, "!!!"),
        ];
        let slugs = owner_slugs(&keys);
        let got: Vec<(&str, &str)> = slugs
            .iter()
            .map(|((_, name), slug)| (name.as_str(), slug.as_str()))
            .collect();
        // In the order of the keys: the earlier name keeps the plain slug, the items of no
        // owner keep `unassigned` whoever else is named so.
        assert_eq!(
            got,
            [
                ("!!!", "owner"),
                ("dave smith", "dave-smith"),
                ("dave smith 2", "dave-smith-2"),
                ("dave-smith", "dave-smith-3"),
                ("unassigned", "unassigned-2"),
                ("", "unassigned"),
            ]
        );
        // The same owners in another order: the same slugs.
        let mut reversed = keys.clone();
        reversed.reverse();
        assert_eq!(owner_slugs(&reversed), slugs);
    }
}
