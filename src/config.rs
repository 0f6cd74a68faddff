/*!
`hindsight.toml`: the optional site configuration, read and validated once.

Every key is optional. An unknown key is an error that names the key, its line and column,
and the nearest valid key, so a typo never silently changes a site.
*/

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{did_you_mean, line_col, Diagnostic, Level};

pub const FILE_NAME: &str = "hindsight.toml";

/// The whole configuration, with defaults filled in.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and feeds.
    pub title: String,
    /// One sentence describing the site (meta description, feed subtitle).
    pub description: String,
    /// The URL the site is served under, e.g. `https://x.org/pm/` ([`parse_base_url`]), or a
    /// path from the host's root (`/pm/`), which serves links but not the feed and sitemap.
    /// Empty: every link is relative, so the site works from any folder.
    pub base_url: String,
    /// Folder of postmortems, relative to the root (`.` for postmortems at the root). After
    /// [`Config::load`], a path from the root whenever the folder is inside it, else absolute.
    pub content_dir: PathBuf,
    /// Output folder, relative to the root.
    pub output_dir: PathBuf,
    /// Glob patterns, relative to the content folder, of files that are not postmortems.
    pub ignore: Vec<String>,
    /// Theme name: templates in `themes/<name>/templates` override the embedded default.
    pub theme: String,
    /// The severity scale, most severe first.
    pub severities: Vec<String>,
    /// Repository web URL for "edit this page" links, e.g. `https://github.com/org/repo/blob/main`.
    pub repository_url: String,
    /// Build drafts and internal incidents too.
    pub drafts: bool,
    /// Highlighting theme names (from syntect's defaults) for light and dark mode.
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
    /// How many incidents the overview and the feed list.
    pub feed_limit: usize,
    pub check: CheckConfig,
    pub learnings: LearningsConfig,
}

/// `[check]`: what `hindsight check` requires and how loud each rule is.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// Front-matter fields every published incident must set, e.g. `["severity", "services"]`.
    pub required: Vec<String>,
    /// Per-rule level overrides: `rule-id = "error" | "warning" | "info" | "off"`.
    pub rules: BTreeMap<String, String>,
    /// Extra blaming words and phrases for the `blameless` rule (case-insensitive).
    pub blameless_words: Vec<String>,
    /// Whether the built-in blameless word list is used besides `blameless_words`.
    pub blameless_defaults: bool,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            required: Vec::new(),
            rules: BTreeMap::new(),
            blameless_words: Vec::new(),
            blameless_defaults: true,
        }
    }
}

/// `[learnings]`: how learnings are recognised and grouped.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearningsConfig {
    /// Similarity (0..1) above which two unlabelled learnings are the same lesson.
    pub similarity_threshold: f32,
    /// Extra section titles (lowercase) that hold learnings.
    pub sections: Vec<String>,
    /// Extra section titles (lowercase) that hold action items.
    pub action_sections: Vec<String>,
    /// A file of the team's own concept vocabulary (the format of `src/concepts.txt`),
    /// relative to the folder of hindsight.toml.
    pub concepts: Option<PathBuf>,
}

impl Default for LearningsConfig {
    fn default() -> Self {
        LearningsConfig {
            similarity_threshold: 0.18,
            sections: Vec::new(),
            action_sections: Vec::new(),
            concepts: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Incident knowledge base".into(),
            description: "What our incidents taught us.".into(),
            base_url: String::new(),
            content_dir: PathBuf::from("content"),
            output_dir: PathBuf::from("public"),
            ignore: Vec::new(),
            theme: "default".into(),
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            repository_url: String::new(),
            drafts: false,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
            feed_limit: 20,
            check: CheckConfig::default(),
            learnings: LearningsConfig::default(),
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "content_dir",
    "output_dir",
    "ignore",
    "theme",
    "severities",
    "repository_url",
    "drafts",
    "highlight_theme",
    "highlight_theme_dark",
    "feed_limit",
    "check",
    "learnings",
];
const CHECK_KEYS: &[&str] = &["required", "rules", "blameless_words", "blameless_defaults"];
const LEARNINGS_KEYS: &[&str] = &[
    "similarity_threshold",
    "sections",
    "action_sections",
    "concepts",
];

impl Config {
    /// Reads `hindsight.toml` under `root` if present. Returns every problem found.
    /// Without a `content_dir` key, a root that has no `content/` folder but holds Markdown
    /// files of its own (a repository of postmortems, as most teams keep them) is the content
    /// folder itself.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let (mut config, content_dir_set) = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let config = Config::parse(&text)?;
                if let Some(problem) = unknown_theme(root, &config.theme, &text) {
                    return Err(vec![problem]);
                }
                let set = text
                    .parse::<toml::Table>()
                    .is_ok_and(|t| t.contains_key("content_dir"));
                (config, set)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), false),
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    "config",
                    FILE_NAME,
                    format!("cannot read {}: {e}", path.display()),
                )])
            }
        };
        if !content_dir_set
            && !root.join(&config.content_dir).is_dir()
            && crate::content::holds_postmortems(root)
        {
            config.content_dir = PathBuf::from(".");
        }
        config.content_dir = content_from_root(root, &config.content_dir);
        Ok(config)
    }

    /// Whether the content folder lies outside the root (after [`Config::load`], whose
    /// `content_dir` is then absolute): its files have no path in the repository, so the site
    /// names them from the content folder and gives them no source link.
    pub fn content_outside_root(&self) -> bool {
        self.content_dir.is_absolute()
    }

    /// Parses and validates the text of a `hindsight.toml`.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            vec![Diagnostic::error("config", FILE_NAME, e.message().to_string())
                .at(line, col)
                .hint("hindsight.toml must be valid TOML; see the configuration reference in the README")]
        })?;
        let mut problems = Vec::new();
        check_keys(text, &table, TOP_KEYS, "", &mut problems);
        for (section, keys) in [("check", CHECK_KEYS), ("learnings", LEARNINGS_KEYS)] {
            if let Some(toml::Value::Table(t)) = table.get(section) {
                check_keys(text, t, keys, section, &mut problems);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            vec![
                Diagnostic::error("config", FILE_NAME, e.message().to_string())
                    .at(line, col)
                    .hint("see the configuration reference in the README for each key's type"),
            ]
        })?;
        config.validate(text)?;
        // Validated: the normal form (`https://Example.org` -> `https://example.org/`).
        if let Ok(url) = parse_base_url(&config.base_url) {
            config.base_url = url;
        }
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let at = |key: &str| key_position(text, key);
        for (rule, level) in &self.check.rules {
            let (l, c) = at(rule);
            let known: Vec<&str> = crate::check::RULES.iter().map(|r| r.id).collect();
            let Some(spec) = crate::check::rule(rule) else {
                let hint = match did_you_mean(rule, &known) {
                    Some(s) => format!("did you mean `{s}`? Every rule is listed in docs/check.md"),
                    None => format!("known rules: {}", known.join(", ")),
                };
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("unknown rule `{rule}` in [check.rules]"),
                    )
                    .at(l, c)
                    .hint(hint),
                );
                continue;
            };
            if level != "off" && Level::parse(level).is_none() {
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("unknown level `{level}` for rule `{rule}`"),
                    )
                    .at(l, c)
                    .hint("use one of: error, warning, info, off"),
                );
            } else if spec.locked && level != "error" {
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("rule `{rule}` is always an error and cannot be set to `{level}`"),
                    )
                    .at(l, c)
                    .hint("build cannot produce a correct site while this rule fires: fix the input instead, and remove this line"),
                );
            }
        }
        for field in &self.check.required {
            let keys = crate::content::frontmatter::INCIDENT_KEYS;
            if !keys.contains(&field.as_str()) {
                let (l, c) = at("required");
                let hint = match did_you_mean(field, keys) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("front-matter keys: {}", keys.join(", ")),
                };
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("`required` names `{field}`, which is not a front-matter key"),
                    )
                    .at(l, c)
                    .hint(hint),
                );
            }
        }
        for pattern in &self.ignore {
            if let Err(e) = globset::Glob::new(pattern) {
                let (l, c) = at("ignore");
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("invalid ignore pattern `{pattern}`: {e}"),
                    )
                    .at(l, c)
                    .hint(
                        "patterns are globs relative to the content folder, e.g. \"templates/**\"",
                    ),
                );
            }
        }
        if self.severities.is_empty() {
            let (l, c) = at("severities");
            problems.push(
                Diagnostic::error("config", FILE_NAME, "`severities` is empty")
                    .at(l, c)
                    .hint("list the scale most severe first, e.g. [\"SEV1\", \"SEV2\", \"SEV3\"]"),
            );
        }
        // Levels are told apart by their letters and digits, as postmortems are read
        // (`severity: sev-1` is `SEV1`), and by their slug, as pages and URLs name them
        // (`severity/sev1/`).
        let mut slugs: Vec<(String, String, &str)> = Vec::new();
        for level in &self.severities {
            let slug = crate::markdown::slugify(level.trim());
            let key = severity_key(level);
            match slugs.iter().find(|(s, k, _)| *s == slug || *k == key) {
                Some((_, k, first)) => {
                    let one = if *k == key { &key } else { &slug };
                    let (l, c) = at("severities");
                    problems.push(
                        Diagnostic::error(
                            "config",
                            FILE_NAME,
                            format!("`severities` lists `{first}` and `{level}`, which are one level (`{one}`): incidents of either would be counted together"),
                        )
                        .at(l, c)
                        .hint("levels are told apart regardless of case, spaces and punctuation: name each level differently, or list it once"),
                    );
                }
                None => slugs.push((slug, key, level)),
            }
        }
        if self.title.trim().is_empty() {
            let (l, c) = at("title");
            problems.push(
                Diagnostic::error("config", FILE_NAME, "`title` is empty")
                    .at(l, c)
                    .hint("the title names the site in every page's <title>, its header and the feed: write one, or leave the key out for \"Incident knowledge base\""),
            );
        }
        if let Err(why) = http_url(&self.repository_url) {
            let (l, c) = at("repository_url");
            problems.push(
                Diagnostic::error(
                    "config",
                    FILE_NAME,
                    format!("`repository_url`: `{}` {why}", self.repository_url),
                )
                .at(l, c)
                .hint("write the web address of the folder that holds the root, with http:// or https://, e.g. \"https://github.com/org/repo/blob/main\""),
            );
        }
        let defaults = Config::default();
        let highlight = [
            (
                "highlight_theme",
                &self.highlight_theme,
                &defaults.highlight_theme,
            ),
            (
                "highlight_theme_dark",
                &self.highlight_theme_dark,
                &defaults.highlight_theme_dark,
            ),
        ];
        if highlight.iter().any(|(_, name, default)| name != default) {
            let known = crate::markdown::highlight_themes();
            for (key, name, _) in highlight {
                if known.contains(name) {
                    continue;
                }
                let (l, c) = at(key);
                let names: Vec<&str> = known.iter().map(String::as_str).collect();
                let hint = match did_you_mean(name, &names) {
                    Some(s) => format!("did you mean `{s}`? The themes are: {}", names.join(", ")),
                    None => format!("the themes are: {}", names.join(", ")),
                };
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("`{key}`: there is no highlighting theme `{name}`"),
                    )
                    .at(l, c)
                    .hint(hint),
                );
            }
        }
        if !(0.0..=1.0).contains(&self.learnings.similarity_threshold) {
            let (l, c) = at("similarity_threshold");
            problems.push(
                Diagnostic::error(
                    "config",
                    FILE_NAME,
                    "`similarity_threshold` must be between 0 and 1",
                )
                .at(l, c),
            );
        }
        if let Err(e) = parse_base_url(&self.base_url) {
            let (l, c) = at("base_url");
            problems.push(
                Diagnostic::error("config", FILE_NAME, format!("`base_url`: {}", e.reason))
                    .at(l, c)
                    .hint(e.hint),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Whether the base URL is an absolute URL, as the Atom feed's ids, the sitemap's locations
    /// and robots.txt's `Sitemap:` line need (an empty one or a path is not).
    pub fn has_absolute_base(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }

    /// The URL prefix pages use to reach the site root when a base URL is configured,
    /// always ending in `/`.
    pub fn base_prefix(&self) -> Option<String> {
        if self.base_url.is_empty() {
            None
        } else if self.base_url.ends_with('/') {
            Some(self.base_url.clone())
        } else {
            Some(format!("{}/", self.base_url))
        }
    }

    /// Position of a severity in the scale (0 = most severe), or the scale's length if unknown.
    pub fn severity_rank(&self, severity: &str) -> usize {
        let key = severity_key(severity);
        self.severities
            .iter()
            .position(|s| severity_key(s) == key)
            .unwrap_or(self.severities.len())
    }

    /// The level of the scale a severity is written as, spelled as the scale spells it:
    /// spellings that differ only in case, spaces or punctuation are one level (`sev-2`,
    /// `Sev 2`, `SEV_2` are `SEV2`). None when it is not on the scale.
    pub fn severity_level(&self, written: &str) -> Option<&str> {
        let key = severity_key(written);
        self.severities
            .iter()
            .find(|s| severity_key(s) == key)
            .map(String::as_str)
    }

    /// The level of the scale that a severity not on it most likely means, when one is close:
    /// the same number (`SVE2`, `sev02` for `SEV2`) and at most one letter apart (two for a
    /// name of six letters or more). `SEV5` on SEV1..SEV4, or `P1`, is close to none.
    pub fn nearest_severity(&self, written: &str) -> Option<&str> {
        let key = severity_key(written);
        let number = |k: &str| -> String {
            let digits: String = k.chars().filter(char::is_ascii_digit).collect();
            digits.trim_start_matches('0').to_string()
        };
        self.severities
            .iter()
            .filter(|s| number(&severity_key(s)) == number(&key))
            .map(|s| {
                let k = severity_key(s);
                let allowed = if k.chars().count() >= 6 { 2 } else { 1 };
                (strsim::osa_distance(&k, &key), allowed, s)
            })
            .filter(|(d, allowed, _)| d <= allowed)
            .min_by_key(|(d, _, _)| *d)
            .map(|(_, _, s)| s.as_str())
    }
}

/// What tells severity levels apart: their letters and digits, in lower case (`SEV-2`, `sev 2`
/// and `Sev_2` are all `sev2`). A name of punctuation alone is its own key.
pub fn severity_key(s: &str) -> String {
    let key: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() {
        s.trim().to_string()
    } else {
        key
    }
}

/// Why a base URL cannot be used, and how to write one that can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlError {
    pub reason: String,
    pub hint: String,
}

impl std::fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; {}", self.reason, self.hint)
    }
}

/// Reads a base URL as `base_url` and `--base-url` take it: empty (relative links), an absolute
/// `http` or `https` URL, or a path from the host's root (`/pm/`). Returns its normal form
/// (host lowercased, spaces and other unsafe characters percent-encoded), which is what every
/// link is written with.
pub fn parse_base_url(s: &str) -> Result<String, BaseUrlError> {
    const EXAMPLE: &str = "https://example.org/postmortems/";
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let err = |reason: String, hint: String| BaseUrlError { reason, hint };
    let plain = || {
        format!("write the full URL the site is served under, with http:// or https://, e.g. `{EXAMPLE}`")
    };
    if s.starts_with("//") {
        return Err(err(
            format!("`{s}` has no scheme"),
            format!("did you mean `https:{s}`?"),
        ));
    }
    if s.starts_with('/') {
        // A path from the host's root: links use it, the feed and the sitemap cannot.
        let url = url::Url::parse("http://localhost")
            .and_then(|b| b.join(s))
            .map_err(|e| err(format!("`{s}` is not a valid path: {e}"), plain()))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(err(
                format!("`{s}` has a query or a fragment (`?` or `#`)"),
                "a base URL names a folder: leave out everything from `?` or `#` on".into(),
            ));
        }
        return Ok(url.path().to_string());
    }
    // `example.org/pm` or `localhost:8080/pm`: a host and a path without the scheme.
    let no_scheme = || {
        let host = s.split(['/', ':']).next().unwrap_or("");
        !s.contains("://")
            && !s.contains(char::is_whitespace)
            && (host.contains('.') || host == "localhost")
    };
    let url = match url::Url::parse(s) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Err(url::ParseError::RelativeUrlWithoutBase) | Ok(_) if no_scheme() => {
            return Err(err(
                format!("`{s}` is not an absolute URL: it has no scheme"),
                format!("did you mean `https://{s}`?"),
            ));
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return Err(err(format!("`{s}` is not an absolute URL"), plain()));
        }
        Err(e) => return Err(err(format!("`{s}` is not a valid URL: {e}"), plain())),
        Ok(url) => {
            return Err(err(
                format!(
                    "`{s}` is a `{}:` URL; the site must be served over http or https",
                    url.scheme()
                ),
                plain(),
            ))
        }
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(err(
            format!("`{s}` has a query or a fragment (`?` or `#`)"),
            "a base URL names a folder: leave out everything from `?` or `#` on".into(),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(
            format!("`{s}` holds a user name or password"),
            "every link of the site would carry it: leave it out of the URL".into(),
        ));
    }
    Ok(url.to_string())
}

/// `content_dir` as a path from the root whenever it names a folder inside the root, however it
/// is written (`/srv/kb/content` or `../kb/content` from `/srv/kb` is `content`), so that no
/// machine path reaches the site, the edit links or the findings; an absolute path otherwise.
fn content_from_root(root: &Path, dir: &Path) -> PathBuf {
    let outside = |c: std::path::Component| {
        matches!(
            c,
            std::path::Component::ParentDir
                | std::path::Component::RootDir
                | std::path::Component::Prefix(_)
        )
    };
    if !dir.components().any(outside) {
        return dir.to_path_buf();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let (root, dir) = (cwd.join(root), cwd.join(root).join(dir));
    let lexical = (crate::output::lexical(&root), crate::output::lexical(&dir));
    // Written as found, or through links (a root reached by a symbolic link).
    let resolved = (
        root.canonicalize().unwrap_or_else(|_| lexical.0.clone()),
        dir.canonicalize().unwrap_or_else(|_| lexical.1.clone()),
    );
    for (root, dir) in [&lexical, &resolved] {
        if let Ok(rel) = dir.strip_prefix(root) {
            return if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            };
        }
    }
    lexical.1
}

/// The error of a `theme` that names no folder under `themes/` (the embedded `default` theme
/// needs none): every page would silently use the default templates.
fn unknown_theme(root: &Path, theme: &str, text: &str) -> Option<Diagnostic> {
    if theme == "default" || root.join("themes").join(theme).is_dir() {
        return None;
    }
    let mut themes = vec!["default".to_string()];
    if let Ok(entries) = std::fs::read_dir(root.join("themes")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && name != "default" {
                themes.push(name);
            }
        }
    }
    themes[1..].sort();
    let names: Vec<&str> = themes.iter().map(String::as_str).collect();
    let hint = match did_you_mean(theme, &names) {
        Some(s) => format!(
            "did you mean `{s}`? The themes here are: {}",
            names.join(", ")
        ),
        None => format!(
            "the themes here are: {} (a theme is a folder `themes/<name>/` beside hindsight.toml)",
            names.join(", ")
        ),
    };
    let (l, c) = key_position(text, "theme");
    Some(
        Diagnostic::error(
            "config",
            FILE_NAME,
            format!("`theme`: there is no theme `{theme}` (no folder `themes/{theme}/`)"),
        )
        .at(l, c)
        .hint(hint),
    )
}

/// Whether `s` is empty or an absolute `http(s)` URL with a host, as `repository_url` must be;
/// else why not.
fn http_url(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Ok(());
    }
    match url::Url::parse(s.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) => Err("is not an http or https URL"),
        Err(_) => Err("is not a URL"),
    }
}

fn check_keys(
    text: &str,
    table: &toml::Table,
    known: &[&str],
    section: &str,
    out: &mut Vec<Diagnostic>,
) {
    for key in table.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let (line, col) = key_position(text, key);
        let name = if section.is_empty() {
            format!("`{key}`")
        } else {
            format!("`{key}` in [{section}]")
        };
        let hint = match did_you_mean(key, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("valid keys here: {}", known.join(", ")),
        };
        out.push(
            Diagnostic::error("config", FILE_NAME, format!("unknown key {name}"))
                .at(line, col)
                .hint(hint),
        );
    }
}

/// Where the `hindsight.toml` under `root` assigns the top-level `key` (line, column), if the
/// file exists and does; for findings about a value that may come from a default.
pub(crate) fn key_in_file(root: &Path, key: &str) -> Option<(usize, usize)> {
    let text = std::fs::read_to_string(root.join(FILE_NAME)).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table.contains_key(key).then(|| key_position(&text, key))
}

/// Line and column of the first line that assigns `key` (best effort; 1:1 if not found).
pub(crate) fn key_position(text: &str, key: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return (i + 1, line.len() - trimmed.len() + 1);
            }
        }
    }
    (1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.content_dir, PathBuf::from("content"));
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.severities.len(), 4);
    }

    #[test]
    fn an_unknown_key_names_itself_its_line_and_the_nearest_valid_key() {
        let errs = Config::parse("title = \"x\"\ncontnet_dir = \".\"\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("contnet_dir"));
        assert_eq!((errs[0].line, errs[0].column), (2, 1));
        assert!(errs[0].hint.contains("content_dir"), "{}", errs[0].hint);
    }

    #[test]
    fn unknown_keys_in_sections_are_reported_too() {
        let errs = Config::parse("[learnings]\nsimilarity = 0.3\n").unwrap_err();
        assert!(errs[0].hint.contains("similarity_threshold"));
    }

    #[test]
    fn a_wrong_type_is_an_error_with_a_position() {
        let errs = Config::parse("ignore = \"README.md\"\n").unwrap_err();
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.contains("sequence") || errs[0].message.contains("array"));
    }

    #[test]
    fn a_base_url_that_is_not_an_absolute_url_is_an_error_at_its_line_and_column_with_a_hint() {
        let errs = Config::parse("title = \"x\"\n  base_url = \"not a url\"\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.contains("`not a url`"),
            "{}",
            errs[0].message
        );
        assert!(
            errs[0].message.contains("absolute URL"),
            "{}",
            errs[0].message
        );
        assert_eq!((errs[0].line, errs[0].column), (2, 3));
        assert!(errs[0].hint.contains("https://"), "{}", errs[0].hint);
    }

    #[test]
    fn a_base_url_is_an_http_or_https_url_or_a_path_from_the_root() {
        let ok = |s: &str| parse_base_url(s).unwrap();
        assert_eq!(ok(""), "");
        assert_eq!(
            ok("https://kb.example.org/pm/"),
            "https://kb.example.org/pm/"
        );
        assert_eq!(ok("https://KB.example.org"), "https://kb.example.org/");
        assert_eq!(
            ok("http://127.0.0.1:8080/a b/"),
            "http://127.0.0.1:8080/a%20b/"
        );
        assert_eq!(ok("/pm/"), "/pm/");
        assert_eq!(ok("/"), "/");
        let hint = |s: &str| parse_base_url(s).unwrap_err().hint;
        assert!(hint("kb.example.org/pm/").contains("`https://kb.example.org/pm/`"));
        assert!(hint("localhost:8080/pm/").contains("`https://localhost:8080/pm/`"));
        assert!(hint("//kb.example.org/pm/").contains("`https://kb.example.org/pm/`"));
        for bad in [
            "not a url",
            "pm/",
            "ftp://kb.example.org/",
            "mailto:a@example.org",
            "https://",
            "https://kb.example.org/pm/?page=1",
            "https://kb.example.org/pm/#top",
            "https://user:secret@kb.example.org/",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad} is accepted");
        }
    }

    #[test]
    fn a_valid_base_url_is_kept_in_its_normal_form() {
        let c = Config::parse("base_url = \"https://KB.example.org/my pm\"\n").unwrap();
        assert_eq!(c.base_url, "https://kb.example.org/my%20pm");
        assert_eq!(
            c.base_prefix().as_deref(),
            Some("https://kb.example.org/my%20pm/")
        );
        assert!(c.has_absolute_base());
        assert!(!Config::parse("base_url = \"/pm/\"\n")
            .unwrap()
            .has_absolute_base());
        assert!(!Config::default().has_absolute_base());
    }
}
