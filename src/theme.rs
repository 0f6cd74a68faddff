/*!
The default theme, embedded in the binary, and the site's overrides.

Every template of `themes/default/templates` is compiled in with `include_str!` and registered
twice: as `<name>` and as `default/<name>`. A site's `themes/<theme>/templates/<name>` replaces
`<name>`; it can also `{% extends "default/<name>" %}` and override a single block, so a custom
theme keeps working when the default one changes. Static files work the same way.
*/

use std::path::Path;

use tera::Tera;

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

/// Loads the templates: embedded defaults, then the site's overrides.
pub fn templates(root: &Path, theme: &str) -> Result<Tera, String> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, src) in TEMPLATES {
        sources.push((format!("default/{name}"), src.to_string()));
    }
    let mut overridden = std::collections::BTreeMap::new();
    let dir = root.join("themes").join(theme).join("templates");
    if dir.is_dir() {
        for e in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let e = e.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            if !e.file_type().is_file() {
                continue;
            }
            let name = crate::diagnostics::rel_path(&dir, e.path());
            let src = std::fs::read_to_string(e.path())
                .map_err(|err| format!("cannot read {}: {err}", e.path().display()))?;
            overridden.insert(name, src);
        }
    }
    for (name, src) in TEMPLATES {
        if !overridden.contains_key(*name) {
            sources.push((name.to_string(), src.to_string()));
        }
    }
    sources.extend(overridden);
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(sources).map_err(|e| describe(&e))?;
    Ok(tera)
}

/// Static files: embedded defaults, replaced or extended by `themes/<theme>/static/`.
pub fn static_files(root: &Path, theme: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let dir = root.join("themes").join(theme).join("static");
    if dir.is_dir() {
        for e in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let e = e.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            if e.file_type().is_file() {
                let bytes = std::fs::read(e.path())
                    .map_err(|err| format!("cannot read {}: {err}", e.path().display()))?;
                files.insert(crate::diagnostics::rel_path(&dir, e.path()), bytes);
            }
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
