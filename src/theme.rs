/*!
The default theme, embedded in the binary, and the site's overrides.

Every template of `themes/default/templates` is compiled in with `include_str!` and registered
twice: as `<name>` and as `default/<name>`. A site's `themes/<theme>/templates/<name>` replaces
`<name>`; it can also `{% extends "default/<name>" %}` and override a single block, so a custom
theme keeps working when the default one changes. Static files work the same way.

A template that does not compile ([`load`]) or fails to render a page ([`Theme::render_error`])
is an error of the input (rule `theme`), reported at the site's template file with the line and
column tera gives; `build`, `serve` and `check` report it alike. So is a symbolic link of the
theme that leads out of the folders Hindsight reads (see [`crate::confine`]). Tera compiles the
templates as one set, which one fault stops: a theme that does not compile is compiled again
with a stand-in for each template at fault ([`stand_in`]), so that the others' render faults are
found in the same run ([`LoadError::Invalid`]), each said once, at its own template.
*/

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error as _;
use std::fmt::Write as _;
use std::path::Path;

use regex::Regex;
use tera::Tera;

use crate::confine::{files_under, Areas};
use crate::diagnostics::{did_you_mean, line_col, Diagnostic};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

/// Embedded templates: (name, source).
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "macros.html",
    "index.html",
    "incidents.html",
    "incident.html",
    "learnings.html",
    "learning.html",
    "taxonomy.html",
    "term.html",
    "action_items.html",
    "action_summary.html",
    "action_status.html",
    "action_list.html",
    "onboarding.html",
    "stats.html",
    "search.html",
    "404.html",
);

/// Embedded static files: (path under `static/`, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
    (
        "hindsight.js",
        include_bytes!("../themes/default/static/hindsight.js"),
    ),
    (
        "search.js",
        include_bytes!("../themes/default/static/search.js"),
    ),
];

/// A template of Hindsight's own, not a file of any theme: the `seen` macro of `macros.html` on
/// its own (the link to another incident that an incident page names beside a learning), so
/// that a build renders it once for each incident rather than on every page that names it (see
/// `render::SeenLinks`). Its name ends in `.html` for the same escaping as the pages'.
pub const SEEN_LINK: &str = "hindsight/seen-link.html";
const SEEN_LINK_SOURCE: &str = r#"{% import "macros.html" as m %}{{ m::seen(o=o, root=root) }}"#;

/// The compiled templates of a site: the embedded defaults and the site's overrides.
pub struct Theme {
    pub tera: Tera,
    /// The configured theme's name: overrides live in `themes/<name>/templates/`.
    name: String,
    /// The site's templates, by template name, with their sources (for positions in findings).
    overrides: BTreeMap<String, String>,
    /// The site's templates that do not parse, each compiled as a stand-in (see [`stand_in`]):
    /// empty but for a theme that [`load`] refused.
    stand_ins: BTreeSet<String>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("name", &self.name)
            .field("overrides", &self.overrides.keys().collect::<Vec<_>>())
            .field("stand_ins", &self.stand_ins)
            .finish_non_exhaustive()
    }
}

/// Why a theme could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// A template folder or file cannot be read: an I/O failure (`build` exits with 2).
    Io(String),
    /// Templates that do not compile: one finding (rule `theme`) per template, at the file and,
    /// when tera says, the line and column of the fault. Input errors (`build` exits with 1).
    /// With them, when the rest of the theme compiles, the theme with a stand-in for each
    /// template that does not parse: pages rendered with it ([`Theme::render_faults`]) find the
    /// other templates' render faults in the same run, rather than after the fix.
    Invalid(Vec<Diagnostic>, Option<Box<Theme>>),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(message) => f.write_str(message),
            LoadError::Invalid(ds, _) => {
                let files: Vec<&str> = ds.iter().map(|d| d.file.as_str()).collect();
                write!(f, "the theme does not compile: {}", files.join(", "))
            }
        }
    }
}

/// Loads and compiles the templates: embedded defaults, then the site's overrides. `build`,
/// `serve` and `check` all load the theme with this. A symbolic link in the theme's
/// `templates/` or `static/` that leads outside `areas` is not read, and is an error of the
/// input at the link (rule `symlink-outside`, see [`crate::confine`]), as a template that does
/// not compile is.
pub fn load(root: &Path, theme: &str, areas: &Areas) -> Result<Theme, LoadError> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, src) in TEMPLATES {
        sources.push((format!("default/{name}"), src.to_string()));
    }
    let mut overridden = BTreeMap::new();
    let folder = root.join("themes").join(theme);
    let dir = folder.join("templates");
    let unreadable = |dir: &Path, e: walkdir::Error| {
        LoadError::Io(format!("cannot read {}: {e}", dir.display()))
    };
    let mut outside = Vec::new();
    if dir.is_dir() {
        let (files, found) = files_under(
            &dir,
            areas,
            "copy the template into the theme in place of the link",
            None,
        )
        .map_err(|e| unreadable(&dir, e))?;
        outside.extend(found);
        for path in files {
            let name = crate::diagnostics::rel_path(&dir, &path);
            let src = std::fs::read_to_string(&path)
                .map_err(|err| LoadError::Io(format!("cannot read {}: {err}", path.display())))?;
            overridden.insert(name, src);
        }
    }
    // Its static files are published by `render`; found here, they fail `check` too.
    let dir = folder.join("static");
    if dir.is_dir() {
        let (_, found) = files_under(
            &dir,
            areas,
            "copy the file into the theme in place of the link",
            None,
        )
        .map_err(|e| unreadable(&dir, e))?;
        outside.extend(found);
    }
    for (name, src) in TEMPLATES {
        if !overridden.contains_key(*name) {
            sources.push((name.to_string(), src.to_string()));
        }
    }
    sources.extend(overridden.iter().map(|(n, s)| (n.clone(), s.clone())));
    let (theme, compiled) = compile(sources.clone(), theme, overridden.clone(), BTreeSet::new());
    match compiled {
        Ok(()) if outside.is_empty() => Ok(theme),
        Ok(()) => Err(LoadError::Invalid(outside, Some(Box::new(theme)))),
        Err(e) => {
            // Tera compiles the templates as one set, which one fault stops. Each template that
            // does not parse is reported, else the fault tera gave (a missing parent...); the
            // set is compiled again with a stand-in for each template so reported, until it
            // compiles, so that what the others do wrong (an undefined variable...) is found
            // too; each fault said once, at its template, not again at those that extend it.
            let unparsed = theme.unparsed();
            let (mut found, mut broken): (Vec<Diagnostic>, BTreeSet<String>) =
                if unparsed.is_empty() {
                    (
                        theme.compile_errors(&e),
                        theme.culprit(&e).into_iter().collect(),
                    )
                } else {
                    let names = unparsed.iter().map(|(n, _)| n.clone()).collect();
                    (unparsed.into_iter().map(|(_, d)| d).collect(), names)
                };
            let name = theme.name;
            let mut partial = None;
            // Each round stands in for one more template: at most one per template.
            while !broken.is_empty() && broken.len() <= overridden.len() {
                let mut standing = overridden.clone();
                for (name, src) in standing.iter_mut() {
                    if broken.contains(name) {
                        *src = stand_in(name, src);
                    }
                }
                let mut sources = sources.clone();
                for (name, src) in sources.iter_mut() {
                    if let Some(stand) = standing.get(name.as_str()) {
                        *src = stand.clone();
                    }
                }
                let (again, compiled) = compile(sources, &name, standing, broken.clone());
                let Err(e) = compiled else {
                    partial = Some(Box::new(again));
                    break;
                };
                // Findings at a stand-in would repeat the first in other words.
                let files: BTreeSet<String> = broken.iter().map(|n| again.file_of(n)).collect();
                found.extend(
                    again
                        .compile_errors(&e)
                        .into_iter()
                        .filter(|d| !files.contains(&d.file)),
                );
                match again.culprit(&e) {
                    Some(next) if !broken.contains(&next) => broken.insert(next),
                    _ => break,
                };
            }
            found.extend(outside);
            Err(LoadError::Invalid(found, partial))
        }
    }
}

/// The templates `sources` compiled as one set, with Hindsight's [`SEEN_LINK`], as the theme
/// `name` whose site templates are `overrides` (`stand_ins` of them standing in for templates
/// that do not parse).
fn compile(
    sources: Vec<(String, String)>,
    name: &str,
    overrides: BTreeMap<String, String>,
    stand_ins: BTreeSet<String>,
) -> (Theme, tera::Result<()>) {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    // After the site's templates, so that it calls the site's `seen` macro if it has one.
    let compiled = tera
        .add_raw_templates(sources)
        .and_then(|()| tera.add_raw_template(SEEN_LINK, SEEN_LINK_SOURCE));
    let theme = Theme {
        tera,
        name: name.to_string(),
        overrides,
        stand_ins,
    };
    (theme, compiled)
}

/// What compiles in place of the site's template `name`, whose source `broken` does not parse:
/// the embedded template of that name if there is one (what the site would get without its
/// file), else an empty one, with each block `broken` defines (so that a template extending it
/// still renders its own blocks) and, empty, each macro it defines that the first has not (so
/// that a template calling one does not fail on it; declared without arguments, which takes
/// any). The parts of it that do not parse are left out.
fn stand_in(name: &str, broken: &str) -> String {
    let embedded = TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, src)| *src);
    let defined = |kind: &str, src: &str| -> Vec<String> {
        let re = Regex::new(&format!(r"\{{%-?\s*{kind}\s+([A-Za-z_][A-Za-z0-9_]*)"))
            .expect("valid regex");
        re.captures_iter(src).map(|c| c[1].to_string()).collect()
    };
    let parses = |src: &str| tera::Template::new(name, None, src).is_ok();
    let mut text = embedded.to_string();
    if embedded.is_empty() {
        let blocks: BTreeSet<String> = defined("block", broken).into_iter().collect();
        for block in blocks {
            let part = format!("{{% block {block} %}}{{% endblock {block} %}}");
            if parses(&format!("{text}{part}")) {
                text.push_str(&part);
            }
        }
    }
    let have: BTreeSet<String> = defined("macro", &text).into_iter().collect();
    let wanted: BTreeSet<String> = defined("macro", broken).into_iter().collect();
    for name in wanted.difference(&have) {
        let part = format!("{{% macro {name}() %}}{{% endmacro {name} %}}");
        if parses(&format!("{text}{part}")) {
            text.push_str(&part);
        }
    }
    text
}

impl Theme {
    /// The file, relative to the root, that holds the template `name`: the site's override, or
    /// the embedded template's file in Hindsight's own `themes/default/templates/`.
    pub fn file_of(&self, name: &str) -> String {
        if self.overrides.contains_key(name) {
            format!("themes/{}/templates/{name}", self.name)
        } else {
            format!(
                "themes/default/templates/{}",
                name.strip_prefix("default/").unwrap_or(name)
            )
        }
    }

    /// The source of the template `name`, if the theme has one by that name.
    fn source_of(&self, name: &str) -> Option<&str> {
        if let Some(src) = self.overrides.get(name) {
            return Some(src);
        }
        let embedded = name.strip_prefix("default/").unwrap_or(name);
        TEMPLATES
            .iter()
            .find(|(n, _)| *n == embedded)
            .map(|(_, src)| *src)
    }

    fn is_override(&self, name: &str) -> bool {
        self.overrides.contains_key(name)
    }

    /// The site's templates that do not parse, each parsed on its own (tera stops at the first
    /// of a set), with its finding at tera's line and column.
    fn unparsed(&self) -> Vec<(String, Diagnostic)> {
        self.overrides
            .iter()
            .filter_map(|(name, src)| {
                let e = tera::Template::new(name, None, src).err()?;
                Some((name.clone(), self.parse_error(name, &e)))
            })
            .collect()
    }

    /// The site's template that a compile error `e` is the fault of, when it names one: one
    /// that extends a missing template or itself, or imports a missing macro file.
    fn culprit(&self, e: &tera::Error) -> Option<String> {
        let name = match &e.kind {
            tera::ErrorKind::MissingParent { current, .. } => current.clone(),
            tera::ErrorKind::CircularExtend { tpl, .. } => tpl.clone(),
            _ => Regex::new(r"Template `([^`]+)` loads macros from `[^`]+` which isn't present")
                .ok()?
                .captures(&describe(e))?[1]
                .to_string(),
        };
        self.is_override(&name).then_some(name)
    }

    /// The render faults of a theme [`load`] refused for templates that do not parse, found by
    /// `render` (pages of every kind rendered with the stand-ins): all but those at a stand-in,
    /// which are the parse error's, already said at that file.
    pub fn render_faults(&self, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let files: BTreeSet<String> = self.stand_ins.iter().map(|n| self.file_of(n)).collect();
        found
            .into_iter()
            .filter(|d| !files.contains(&d.file))
            .collect()
    }

    /// The findings for a theme that tera refused to compile. Tera stops at the first template
    /// that does not parse, so every override is parsed on its own first: each one that does
    /// not parse is reported, at tera's line and column. Otherwise the one error tera gave is
    /// reported at the template it names (a missing parent, a missing macro file, a loop).
    fn compile_errors(&self, e: &tera::Error) -> Vec<Diagnostic> {
        let parse_errors: Vec<Diagnostic> = self.unparsed().into_iter().map(|(_, d)| d).collect();
        if !parse_errors.is_empty() {
            return parse_errors;
        }
        let whole = describe(e);
        let found = |pattern: &str| {
            Regex::new(pattern)
                .ok()
                .and_then(|re| re.captures(&whole))
                .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
        };
        let d = match &e.kind {
            tera::ErrorKind::MissingParent { current, parent } => {
                let names = self.names();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = match did_you_mean(parent, &names) {
                    Some(near) => format!("did you mean `{near}`? "),
                    None => String::new(),
                };
                self.finding_in(
                    current,
                    Some(&regex::escape(&format!("\"{parent}\""))),
                    format!("`{current}` extends `{parent}`, which is not a template of the theme"),
                )
                .hint(format!(
                    "{hint}templates are named as in Hindsight's themes/default/templates (`base.html`, `incident.html`, ...), and `default/<name>` is the embedded one"
                ))
            }
            tera::ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            } => self
                .finding_in(
                    tpl,
                    Some(r"\bextends\b"),
                    format!(
                        "`{tpl}` extends itself through {}",
                        inheritance_chain.join(" -> ")
                    ),
                )
                .hint(format!(
                    "to change one block of the embedded template, extend `default/{}` instead",
                    tpl.strip_prefix("default/").unwrap_or(tpl)
                )),
            _ => {
                if let Some((name, _)) = found(r"^Failed to parse '([^']+)'") {
                    let inner = e
                        .source()
                        .and_then(|s| s.downcast_ref::<tera::Error>())
                        .unwrap_or(e);
                    self.parse_error(&name, inner)
                } else if let Some((name, Some(file))) =
                    found(r"Template `([^`]+)` loads macros from `([^`]+)` which isn't present")
                {
                    self.finding_in(
                        &name,
                        Some(&regex::escape(&format!("\"{file}\""))),
                        format!("`{name}` imports macros from `{file}`, which is not a template of the theme"),
                    )
                    .hint("the embedded macros are in `macros.html` (or `default/macros.html`)")
                } else {
                    Diagnostic::error("theme", &format!("themes/{}/templates", self.name), whole)
                        .hint(HINT_SYNTAX)
                }
            }
        };
        vec![d]
    }

    /// A finding for a template that does not parse: at tera's `--> line:column`, with what
    /// tera expected there.
    fn parse_error(&self, name: &str, e: &tera::Error) -> Diagnostic {
        let whole = describe(e);
        let file = self.file_of(name);
        let expected = whole
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("= "))
            .map(str::to_string)
            .unwrap_or_else(|| {
                // Tera's own checks (a block or macro defined twice) have no position.
                whole
                    .trim_start_matches(&format!("Failed to parse '{name}': "))
                    .to_string()
            });
        let mut d = Diagnostic::error(
            "theme",
            &file,
            format!("`{name}` is not a valid Tera template: {expected}"),
        )
        .hint(self.hint_for(name, HINT_SYNTAX));
        if let Some((line, column)) = self.source_of(name).and_then(|src| error_position(e, src)) {
            d = d.at(line, column);
        }
        d
    }

    /// A finding at the template `name`, at the only place the pattern `needle` matches in it
    /// (when it matches once: more than one place would be a guess).
    fn finding_in(&self, name: &str, needle: Option<&str>, message: String) -> Diagnostic {
        let mut d = Diagnostic::error("theme", &self.file_of(name), message);
        let re = needle.and_then(|n| Regex::new(n).ok());
        if let (Some(src), Some(re)) = (self.source_of(name), re) {
            let mut at = re.find_iter(src);
            if let (Some(m), None) = (at.next(), at.next()) {
                let (line, column) = line_col(src, m.start());
                d = d.at(line, column);
            }
        }
        d
    }

    /// Every template name, for suggestions.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = TEMPLATES
            .iter()
            .flat_map(|(n, _)| [n.to_string(), format!("default/{n}")])
            .collect();
        names.extend(self.overrides.keys().cloned());
        names.sort_unstable();
        names.dedup();
        names
    }

    /// `hint`, told of the embedded template when `name` is not the site's: a fault there is
    /// Hindsight's, not the site's.
    fn hint_for(&self, name: &str, hint: &str) -> String {
        if self.is_override(name) {
            hint.to_string()
        } else {
            format!("this template is Hindsight's embedded default, not a file of the site: please report the fault; {hint}")
        }
    }

    /// The finding for a page that tera could not render with `template`, given the context
    /// it was rendered with. It is reported at the template where it failed when that is one of
    /// the site's, else at the first of the site's templates that `template` extends or
    /// imports (an override can break an embedded template that relies on it), else at the
    /// embedded template (a fault of Hindsight's).
    pub fn render_error(
        &self,
        template: &str,
        url: &str,
        ctx: &tera::Context,
        e: &tera::Error,
    ) -> Diagnostic {
        let location = e.to_string();
        let (reason, kinds) = cause(e);
        // Where tera says it was: a block of another template, or a macro.
        let mut at = Regex::new(r"error happened in '([^']+)'")
            .ok()
            .and_then(|re| re.captures(&location))
            .map(|c| c[1].to_string());
        let chain = self.chain(template);
        if let Some(ns) = Regex::new(r"error while rendering macro `([^`:]+)::")
            .ok()
            .and_then(|re| re.captures(&location))
        {
            let ns = &ns[1];
            at = chain
                .iter()
                .filter_map(|t| self.tera.get_template(t).ok())
                .flat_map(|t| &t.imported_macro_files)
                .find(|(_, namespace)| namespace == ns)
                .map(|(file, _)| file.clone())
                .or(at);
        }
        let at = at.unwrap_or_else(|| template.to_string());
        let blamed = if self.is_override(&at) {
            at.clone()
        } else {
            chain
                .iter()
                .find(|t| self.is_override(t))
                .cloned()
                .unwrap_or(at)
        };
        let (message, needle, hint) = explain(&reason, &kinds, ctx);
        let page = if url.is_empty() {
            "the home page".to_string()
        } else {
            format!("the page `{url}`")
        };
        let mut message = format!("`{template}` cannot render {page}: {message}");
        let place = needle.and_then(|n| self.place(&blamed, &n, template, ctx, e));
        if let Some((_, _, Some(uses))) = place {
            let _ = write!(
                message,
                " (shown at the first of its {uses} uses: Tera does not say which one failed)"
            );
        }
        let mut d = Diagnostic::error("theme", &self.file_of(&blamed), message);
        if let Some((line, column, _)) = place {
            d = d.at(line, column);
        }
        d.hint = self.hint_for(&blamed, &hint);
        d
    }

    /// Where in template `name` the render error `e` of `template` (with `ctx`) is, by what
    /// `needle` says to look for: its only match; else the one match that, changed on its own in
    /// a copy of the theme, changes how the page renders (see [`Needle`]); else the first match,
    /// with the number of matches. `None` when nothing matches.
    fn place(
        &self,
        name: &str,
        needle: &Needle,
        template: &str,
        ctx: &tera::Context,
        e: &tera::Error,
    ) -> Option<(usize, usize, Option<usize>)> {
        let src = self.source_of(name)?;
        let matches: Vec<regex::Match> = Regex::new(&needle.pattern).ok()?.find_iter(src).collect();
        let at = |m: &regex::Match| line_col(src, m.start());
        if let [m] = matches[..] {
            let (line, column) = at(&m);
            return Some((line, column, None));
        }
        let first = matches.first()?;
        let failed = describe(e);
        let mut tera = self.tera.clone();
        if !needle.every_use_fails {
            tera.register_filter(PROBE, |v: &serde_json::Value, _: &_| Ok(v.clone()));
        }
        let culprits: Vec<&regex::Match> = matches
            .iter()
            .filter(|m| {
                let Some(i) = m.as_str().rfind(&needle.name) else {
                    return false;
                };
                let start = m.start() + i;
                let copy = format!(
                    "{}{PROBE}{}",
                    &src[..start],
                    &src[start + needle.name.len()..]
                );
                let mut tera = tera.clone();
                if tera.add_raw_template(name, &copy).is_err() {
                    return false;
                }
                match tera.render(template, ctx) {
                    Err(e) if needle.every_use_fails => describe(&e).contains(PROBE),
                    Err(e) => describe(&e) != failed,
                    Ok(_) => !needle.every_use_fails,
                }
            })
            .collect();
        Some(match culprits[..] {
            [m] => {
                let (line, column) = at(m);
                (line, column, None)
            }
            _ => {
                let (line, column) = at(first);
                (line, column, Some(matches.len()))
            }
        })
    }

    /// `template`, the templates it extends (nearest first) and the macro files any of those
    /// import: what rendering it runs.
    fn chain(&self, template: &str) -> Vec<String> {
        let mut chain = vec![template.to_string()];
        if let Ok(t) = self.tera.get_template(template) {
            chain.extend(t.parents.iter().cloned());
        }
        let imports: Vec<String> = chain
            .iter()
            .filter_map(|t| self.tera.get_template(t).ok())
            .flat_map(|t| t.imported_macro_files.iter().map(|(file, _)| file.clone()))
            .collect();
        for file in imports {
            if !chain.contains(&file) {
                chain.push(file);
            }
        }
        chain
    }
}

/// What to look for in a template to place a render error (Tera gives no position): a pattern,
/// the name it holds, and whether every use of that name fails where it runs (an undefined
/// variable, an unknown filter, function or test) or only some may (a filter given a value of
/// the wrong type). When the pattern matches more than once, each match is tried in a copy of
/// the theme with the name changed to [`PROBE`]: in the first case the use that failed is the
/// one whose copy fails on the new name (the first to run); in the second, with [`PROBE`] a
/// filter that returns what it is given, the one whose copy no longer fails as before.
struct Needle {
    pattern: String,
    name: String,
    every_use_fails: bool,
}

impl Needle {
    fn new(pattern: String, name: &str, every_use_fails: bool) -> Option<Self> {
        Some(Needle {
            pattern,
            name: name.to_string(),
            every_use_fails,
        })
    }
}

/// The name [`Needle`] puts in place of one use of what failed.
const PROBE: &str = "__hindsight_probe";

/// The hint for a template that does not parse.
const HINT_SYNTAX: &str = "Tera syntax: `{{ value }}`, `{% if x %}...{% endif %}`, `{% for x in list %}...{% endfor %}`, `{% block name %}...{% endblock name %}`; `{% extends \"default/<name>\" %}` keeps the embedded template and replaces only the blocks you write";

/// What went wrong in a render error, without tera's "Failed to render" location, and the kinds
/// of the tera errors of its chain, outermost first.
fn cause(e: &tera::Error) -> (String, Vec<&tera::ErrorKind>) {
    let mut parts: Vec<String> = Vec::new();
    let mut kinds = Vec::new();
    let mut src = e.source();
    while let Some(inner) = src {
        parts.push(inner.to_string());
        if let Some(t) = inner.downcast_ref::<tera::Error>() {
            kinds.push(&t.kind);
        }
        src = inner.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
        kinds.push(&e.kind);
    }
    (parts.join(": "), kinds)
}

/// A render error in words, what to look for in the template, and a hint.
fn explain(
    reason: &str,
    kinds: &[&tera::ErrorKind],
    ctx: &tera::Context,
) -> (String, Option<Needle>, String) {
    let variables: Vec<String> = match ctx.clone().into_json() {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let given = format!(
        "the page's template gets {}",
        variables
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let docs = |what: &str| format!("see https://keats.github.io/tera/docs/#built-in-{what}");
    let kind = kinds.iter().copied().find(|k| {
        matches!(
            k,
            tera::ErrorKind::FilterNotFound(_)
                | tera::ErrorKind::FunctionNotFound(_)
                | tera::ErrorKind::TestNotFound(_)
                | tera::ErrorKind::CallFilter(_)
        )
    });
    match kind {
        Some(tera::ErrorKind::FilterNotFound(name)) => (
            format!("there is no filter `{name}`"),
            Needle::new(format!(r"\|\s*{}\b", regex::escape(name)), name, true),
            format!("Tera's built-in filters are the only ones; {}", docs("filters")),
        ),
        Some(tera::ErrorKind::FunctionNotFound(name)) => (
            format!("there is no function `{name}`"),
            Needle::new(format!(r"\b{}\s*\(", regex::escape(name)), name, true),
            format!("Tera's built-in functions are the only ones; {}", docs("functions")),
        ),
        Some(tera::ErrorKind::TestNotFound(name)) => (
            format!("there is no test `{name}`"),
            Needle::new(format!(r"\bis\s+(not\s+)?{}\b", regex::escape(name)), name, true),
            format!("Tera's built-in tests are the only ones; {}", docs("tests")),
        ),
        Some(tera::ErrorKind::CallFilter(name)) => (
            reason.to_string(),
            Needle::new(format!(r"\|\s*{}\b", regex::escape(name)), name, false),
            format!("a value can be missing or of another type on some pages: test it with `{{% if x %}}` first; {given}"),
        ),
        _ => {
            let missing = Regex::new(r"Variable `([^`]+)` not found in context")
                .ok()
                .and_then(|re| re.captures(reason))
                .map(|c| c[1].to_string());
            match missing {
                Some(var) => {
                    let near = near_variable(&var, ctx, &variables);
                    (
                        format!("the variable `{var}` is not defined"),
                        Needle::new(format!(r"\b{}\b", regex::escape(&var)), &var, true),
                        format!(
                            "{near}{given}; test a value that can be missing with `{{% if x %}}`, or give it `| default(value=\"\")`"
                        ),
                    )
                }
                None if reason.contains("Macro `") => (
                    reason.to_string(),
                    None,
                    "a template that replaces a macro file must keep every macro the other templates call; to add macros, put them in a file of your own and import it".to_string(),
                ),
                None => (reason.to_string(), None, given),
            }
        }
    }
}

/// "did you mean `incident.title`? " for `incident.titel`, from the page's variables.
fn near_variable(var: &str, ctx: &tera::Context, variables: &[String]) -> String {
    let (head, rest) = match var.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (var, None),
    };
    let near = match (ctx.get(head), rest) {
        (Some(serde_json::Value::Object(map)), Some(rest)) if !rest.contains(['.', '[']) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            did_you_mean(rest, &keys).map(|k| format!("{head}.{k}"))
        }
        (None, _) => {
            let names: Vec<&str> = variables.iter().map(String::as_str).collect();
            did_you_mean(head, &names).map(|k| match rest {
                Some(rest) => format!("{k}.{rest}"),
                None => k.to_string(),
            })
        }
        _ => None,
    };
    near.map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default()
}

/// Static files: embedded defaults, replaced or extended by `themes/<theme>/static/`, but
/// for those a symbolic link leads outside `areas` to ([`load`] reports them).
pub fn static_files(
    root: &Path,
    theme: &str,
    areas: &Areas,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let dir = root.join("themes").join(theme).join("static");
    if dir.is_dir() {
        let (found, _) = files_under(&dir, areas, "", None)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for path in found {
            let bytes = std::fs::read(&path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            files.insert(crate::diagnostics::rel_path(&dir, &path), bytes);
        }
    }
    Ok(files.into_iter().collect())
}

/// Escapes text for HTML: `&`, `<`, `>` and `"` (attributes are always double-quoted). Unlike tera's default it leaves `/`
/// alone, so URLs stay readable.
fn escape_html(s: &str) -> String {
    crate::markdown::escape(s)
}

/// A tera error with its chain of causes, which is where the template line is.
pub fn describe(e: &tera::Error) -> String {
    use std::error::Error as _;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// Where tera error `e` is in `source`, the text of the template it is about: 1-based line and
/// column (in characters). A syntax error carries it (`--> 5:9`); an error while rendering
/// carries none, so it is the first place in a tag of the template that uses what the error
/// names: an undefined variable, a filter, function or test, an included template. `None`
/// when neither says where.
pub fn error_position(e: &tera::Error, source: &str) -> Option<(usize, usize)> {
    use regex::Regex;
    use tera::ErrorKind as K;
    // What to look for, by cause (the innermost last), best first: (pattern, whether to look
    // in string literals too).
    let mut wanted: Vec<Vec<(Regex, bool)>> = Vec::new();
    let syntax_at = Regex::new(r"--> (\d+):(\d+)").expect("valid regex");
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cause {
        let message = err.to_string();
        if let Some(c) = syntax_at.captures(&message) {
            return Some((c[1].parse().ok()?, c[2].parse().ok()?));
        }
        let pattern = |p: String| Regex::new(&p).expect("escaped");
        let mut here = Vec::new();
        match err.downcast_ref::<tera::Error>().map(|t| &t.kind) {
            Some(K::FilterNotFound(n) | K::CallFilter(n)) => {
                here.push((pattern(format!(r"\|\s*({})\b", regex::escape(n))), false))
            }
            Some(K::FunctionNotFound(n) | K::CallFunction(n)) => {
                here.push((pattern(format!(r"\b({})\s*\(", regex::escape(n))), false))
            }
            Some(K::TestNotFound(n) | K::CallTest(n)) => here.push((
                pattern(format!(r"\bis\s+(?:not\s+)?({})\b", regex::escape(n))),
                false,
            )),
            Some(K::TemplateNotFound(n)) => {
                for name in n.trim_matches(['[', ']']).split(", ") {
                    let quoted = format!(r#"["'`]({})["'`]"#, regex::escape(name));
                    here.push((pattern(quoted), true));
                }
            }
            // An undefined variable is named in backticks (`Variable `a.b` not found`): look
            // for it as written, else for its first name. A variable that is defined but
            // misused (math on a text) could be any of its uses, so it is not looked for.
            _ if message.contains("not found") => {
                for name in message.split('`').skip(1).step_by(2) {
                    let first = name.split(['.', '[']).next().unwrap_or(name);
                    for n in [name, first] {
                        let p = format!(r"(?:^|[^\w.|])({})(?:[^\w(]|$)", regex::escape(n));
                        here.push((pattern(p), false));
                    }
                }
            }
            _ => {}
        }
        wanted.push(here);
        cause = err.source();
    }
    // The innermost cause says most precisely what failed.
    let tags = Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").expect("valid regex");
    let raw = Regex::new(r"^\{%-?\s*(end)?raw\s*-?%\}$").expect("valid regex");
    wanted.iter().rev().flatten().find_map(|(re, in_strings)| {
        let mut in_raw = false;
        tags.find_iter(source).find_map(|tag| {
            if let Some(c) = raw.captures(tag.as_str()) {
                in_raw = c.get(1).is_none();
                return None;
            }
            if in_raw || tag.as_str().starts_with("{#") {
                return None;
            }
            let text = if *in_strings {
                tag.as_str().to_string()
            } else {
                blank_strings(tag.as_str())
            };
            let m = re.captures(&text)?.get(1)?;
            Some(crate::diagnostics::line_col(
                source,
                tag.start() + m.start(),
            ))
        })
    })
}

/// A tag with the text of its string literals blanked out (same byte offsets), so that a name
/// in a string is not taken for a use of it.
fn blank_strings(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut quote = None;
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
            None => {
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}
