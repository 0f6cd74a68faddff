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
