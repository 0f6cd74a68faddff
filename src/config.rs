/*!
`hindsight.toml`: the optional site configuration, read and validated once.

Every key is optional. An unknown key is an error that names the key, its line and column,
and the nearest valid key, so a typo never silently changes a site. The file is read key by
key from a TOML document that keeps where each key and value is written (`toml_edit`), so one
run reports every problem at once, each at its key or value: unknown keys, values of the wrong
type, values that cannot be used, and names of things that do not exist (a theme, a vocabulary
file). Only text that is not TOML at all stops at its first error.
*/

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::{did_you_mean, line_col, Diagnostic, Level};

pub const FILE_NAME: &str = "hindsight.toml";

/// The knowledge base in a folder above `root`, for a command run in a subfolder of one (it
/// reads only the folder it is given): the nearest folder above, within the git repository
/// that holds `root`, that holds `hindsight.toml` or a `content` folder, with what it holds:
/// as a path from `root` (`..`, `../..`) when `root` is the folder Hindsight runs in (`.`),
/// else as an absolute path, which a command run from anywhere can take. Outside a git
/// repository, or at its top, none: a `content` folder elsewhere above is no sign of a
/// knowledge base.
pub fn knowledge_base_above(root: &Path) -> Option<(String, &'static str)> {
    let here = root.as_os_str().is_empty() || root == Path::new(".");
    let root = std::fs::canonicalize(root).ok()?;
    if root.join(".git").exists() {
        return None;
    }
    let mut found = None;
    let mut up = String::from("..");
    for folder in root.ancestors().skip(1) {
        if found.is_none() {
            let holds = if folder.join(FILE_NAME).is_file() {
                Some(FILE_NAME)
            } else if folder.join("content").is_dir() {
                Some("a `content` folder")
            } else {
                None
            };
            if let Some(holds) = holds {
                let path = if here {
                    up.clone()
                } else {
                    folder.display().to_string()
                };
                found = Some((path, holds));
            }
        }
        // The top of the repository: what was found below it (or in it) is in the repository.
        if folder.join(".git").exists() {
            return found;
        }
        up.push_str("/..");
    }
    None
}

/// The root of the knowledge base whose content folder holds `start`, for a command run
/// without `--root` from inside the postmortems (`content/`, `content/learnings/`): as a path
/// from `start` (`..`, `../..`; joined to `start` unless that is `.`). None when `start` is a
/// root itself (it holds `hindsight.toml` or a `content` folder, or is the top of its git
/// repository), outside a git repository, or when the nearest folder above it that is a root,
/// within its git repository, does not read `start` as content: a folder
/// of postmortems beside a site's `content/` stays a knowledge base of its own. As git and
/// cargo find their repository from any folder inside it, so that `build` run in `content/`
/// builds the site rather than a second one inside the postmortems.
///
/// A repository of postmortems at its top, with neither (the root is its content), is found
/// too from its `learnings/` folder and from a folder that holds no postmortem of its own
/// (`2024/`, `2024/search-reindex/` holding a README): there `build` would read the canonical
/// learnings as incidents, or find nothing. A folder that holds postmortems of its own stays
/// a knowledge base of its own, as a team's `postmortems/` under a repository of notes does.
pub fn enclosing_root(start: &Path) -> Option<PathBuf> {
    if start.join(FILE_NAME).exists() || start.join("content").is_dir() {
        return None;
    }
    let here = std::fs::canonicalize(start).ok()?;
    // Outside a git repository a folder above may be anyone's: none is taken.
    let top = here.ancestors().find(|f| f.join(".git").exists())?;
    if top == here {
        return None;
    }
    let from_start = |up: PathBuf| {
        if start == Path::new(".") || start.as_os_str().is_empty() {
            up
        } else {
            start.join(up)
        }
    };
    let mut up = PathBuf::from("..");
    for folder in here.ancestors().skip(1) {
        if folder.join(FILE_NAME).is_file() || folder.join("content").is_dir() {
            let content = match Config::load_all(folder).0 {
                Some(config) => folder.join(config.content_dir),
                None => folder.join("content"),
            };
            let reads_start = std::fs::canonicalize(content).is_ok_and(|c| here.starts_with(c));
            return reads_start.then(|| from_start(up));
        }
        if folder == top {
            let part_of_it = here.file_name().is_some_and(|n| n == "learnings")
                || !crate::content::holds_postmortems(&here);
            let root_layout = crate::content::holds_postmortems(folder);
            return (part_of_it && root_layout).then(|| from_start(up));
        }
        up.push("..");
    }
    None
}

/// The default `paginate_by`: 250 incidents make a list page of about 140 kB (rows) to 170 kB
/// (cards) of HTML, and a knowledge base of a few hundred postmortems keeps its tag, service
/// and year pages whole (see docs/performance.md).
pub const PAGINATE_BY: usize = 250;

/// The whole configuration, with defaults filled in.
#[derive(Debug, Clone)]
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
    /// Glob patterns, relative to the content folder, of attachments published as they are,
    /// scripts and all (see [`crate::attachment`]).
    pub trusted_attachments: Vec<String>,
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
    /// How many incidents a list page (all incidents, a tag, service, severity or year) shows
    /// before the rest go to further pages (`<list>/page/2/`, ...); 0 keeps every list on one
    /// page.
    pub paginate_by: usize,
    pub check: CheckConfig,
    pub learnings: LearningsConfig,
}

/// `[check]`: what `hindsight check` requires and how loud each rule is.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
            trusted_attachments: Vec::new(),
            theme: "default".into(),
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            repository_url: String::new(),
            drafts: false,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
            feed_limit: 20,
            paginate_by: PAGINATE_BY,
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
    "trusted_attachments",
    "theme",
    "severities",
    "repository_url",
    "drafts",
    "highlight_theme",
    "highlight_theme_dark",
    "feed_limit",
    "paginate_by",
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
    /// Reads `hindsight.toml` under `root` if present. Returns every problem found, those of
    /// the file's values and those of what they name (a theme, a vocabulary file) together.
    /// Without a `content_dir` key, a root that has no `content/` folder but holds Markdown
    /// files of its own (a repository of postmortems, as most teams keep them) is the content
    /// folder itself.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        Self::load_with(root, true)
    }

    /// [`Config::load`] without looking for the theme and the vocabulary file it names: what
    /// `serve` watches, so that creating either one rebuilds the site.
    pub(crate) fn load_values(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        Self::load_with(root, false)
    }

    fn load_with(root: &Path, named: bool) -> Result<Config, Vec<Diagnostic>> {
        match Self::load_parts(root, named) {
            (Some(config), problems) if problems.is_empty() => Ok(config),
            (_, problems) => Err(problems),
        }
    }

    /// [`Config::load`] that also gives, beside its problems, what could be read (the default
    /// in place of each value that cannot be used), so that a finding about one value (an
    /// `output_dir` that `build` refuses) is reported with the others. No configuration when
    /// the file cannot be read or is not TOML.
    pub(crate) fn load_all(root: &Path) -> (Option<Config>, Vec<Diagnostic>) {
        Self::load_parts(root, true)
    }

    fn load_parts(root: &Path, named: bool) -> (Option<Config>, Vec<Diagnostic>) {
        let path = root.join(FILE_NAME);
        // Its text is shown under its findings: read only where it leads into the root.
        let areas = crate::confine::Areas::root(root);
        if let Some(real) = areas.outside(&path) {
            let instead = "copy the file into the repository in place of the link";
            return (
                None,
                vec![areas.finding(FILE_NAME, "", root, &path, &real, instead)],
            );
        }
        let (mut config, content_dir_set, problems) = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => return (None, vec![not_utf8(e.as_bytes(), &e.utf8_error())]),
                };
                let Read {
                    config,
                    places,
                    values,
                    mut problems,
                } = match read(&text) {
                    Ok(read) => read,
                    Err(problems) => return (None, problems),
                };
                // At the value that names what is not there.
                let at = |key: &str| {
                    (values.get(key).or(places.get(key)))
                        .copied()
                        .unwrap_or((1, 1))
                };
                if named {
                    problems.extend(unknown_theme(root, &config.theme, at("theme")));
                    problems.extend(unreadable_vocabulary(
                        root,
                        &config,
                        at("learnings.concepts"),
                    ));
                }
                problems.sort_by_key(|d| (d.line, d.column));
                let set = places.contains_key("content_dir");
                (config, set, problems)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (Config::default(), false, Vec::new())
            }
            Err(e) => {
                return (
                    None,
                    vec![Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("cannot read {}: {e}", path.display()),
                    )],
                )
            }
        };
        if !content_dir_set
            && !root.join(&config.content_dir).is_dir()
            && crate::content::holds_postmortems(root)
        {
            config.content_dir = PathBuf::from(".");
        }
        config.content_dir = content_from_root(root, &config.content_dir);
        (Some(config), problems)
    }

    /// Whether the content folder lies outside the root (after [`Config::load`], whose
    /// `content_dir` is then absolute): its files have no path in the repository, so the site
    /// names them from the content folder and gives them no source link.
    pub fn content_outside_root(&self) -> bool {
        self.content_dir.is_absolute()
    }

    /// Parses and validates the text of a `hindsight.toml`, reporting every problem at once.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let Read {
            config,
            mut problems,
            ..
        } = read(text)?;
        if problems.is_empty() {
            Ok(config)
        } else {
            problems.sort_by_key(|d| (d.line, d.column));
            Err(problems)
        }
    }

    /// The problems of values that have the right type but cannot be used; `places` says
    /// where each key is, `values` where each value is.
    fn validate(&self, places: &Places, values: &Places) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let at = |key: &str| places.get(key).copied().unwrap_or((1, 1));
        // A value that cannot be used is pointed at where it is written, not at its key.
        let value_at = |key: &str| values.get(key).copied().unwrap_or_else(|| at(key));
        for (rule, level) in &self.check.rules {
            let (l, c) = at(&format!("check.rules.{rule}"));
            let known: Vec<&str> = crate::check::RULES.iter().map(|r| r.id).collect();
            let Some(spec) = crate::check::rule(rule) else {
                let hint = match (elsewhere("check.rules", rule), did_you_mean(rule, &known)) {
                    (Some(h), _) => h,
                    (None, Some(s)) => {
                        format!("did you mean `{s}`? Run `hindsight check --explain {s}`")
                    }
                    (None, None) => format!("known rules: {}", known.join(", ")),
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
            let (vl, vc) = value_at(&format!("check.rules.{rule}"));
            if level != "off" && Level::parse(level).is_none() {
                let levels = ["error", "warning", "info", "off"];
                let hint = match did_you_mean(level, &levels) {
                    Some(s) => {
                        format!("did you mean `{s}`? The levels are: error, warning, info, off")
                    }
                    None => "use one of: error, warning, info, off".to_string(),
                };
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("unknown level `{level}` for rule `{rule}`"),
                    )
                    .at(vl, vc)
                    .hint(hint),
                );
            } else if spec.locked && level != "error" {
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("rule `{rule}` is always an error and cannot be set to `{level}`"),
                    )
                    .at(vl, vc)
                    .hint("build cannot produce a correct site while this rule fires: fix the input instead, and remove this line"),
                );
            }
        }
        for (i, field) in self.check.required.iter().enumerate() {
            let keys = crate::content::frontmatter::INCIDENT_KEYS;
            if !keys.contains(&field.as_str()) {
                let (l, c) = value_at(&format!("check.required[{i}]"));
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
        for (i, pattern) in self.ignore.iter().enumerate() {
            // Read both ways (see `content::ignoring`).
            let problem = globset::Glob::new(pattern)
                .err()
                .map(|e| e.to_string())
                .or_else(|| {
                    crate::content::ignoring::git_line(pattern)
                        .err()
                        .map(|e| e.to_string())
                });
            if let Some(e) = problem {
                let (l, c) = value_at(&format!("ignore[{i}]"));
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("invalid ignore pattern `{pattern}`: {e}"),
                    )
                    .at(l, c)
                    .hint(
                        "patterns are .gitignore lines from the content folder, e.g. \"drafts/\" or \"*template*\"",
                    ),
                );
            }
        }
        for (i, pattern) in self.trusted_attachments.iter().enumerate() {
            if let Err(e) = globset::Glob::new(pattern) {
                let (l, c) = value_at(&format!("trusted_attachments[{i}]"));
                problems.push(
                    Diagnostic::error(
                        "config",
                        FILE_NAME,
                        format!("invalid trusted_attachments pattern `{pattern}`: {e}"),
                    )
                    .at(l, c)
                    .hint("patterns are globs relative to the content folder, e.g. \"flamegraphs/*.svg\""),
                );
            }
        }
        if self.severities.is_empty() {
            let (l, c) = value_at("severities");
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
        for (i, level) in self.severities.iter().enumerate() {
            let slug = crate::markdown::slugify(level.trim());
            let key = severity_key(level);
            match slugs.iter().find(|(s, k, _)| *s == slug || *k == key) {
                Some((_, k, first)) => {
                    let one = if *k == key { &key } else { &slug };
                    let (l, c) = value_at(&format!("severities[{i}]"));
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
            let (l, c) = value_at("title");
            problems.push(
                Diagnostic::error("config", FILE_NAME, "`title` is empty")
                    .at(l, c)
                    .hint("the title names the site in every page's <title>, its header and the feed: write one, or leave the key out for \"Incident knowledge base\""),
            );
        }
        if let Err(why) = http_url(&self.repository_url) {
            let (l, c) = value_at("repository_url");
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
                let (l, c) = value_at(key);
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
            let (l, c) = value_at("learnings.similarity_threshold");
            let default = LearningsConfig::default().similarity_threshold;
            problems.push(
                Diagnostic::error(
                    "config",
                    FILE_NAME,
                    format!(
                        "`similarity_threshold` in [learnings] must be between 0 and 1, not {}",
                        self.learnings.similarity_threshold
                    ),
                )
                .at(l, c)
                .hint(format!("write a number from 0 to 1, e.g. the default `similarity_threshold = {default}`: lower groups more unlabelled learnings into one lesson, higher keeps only near-identical ones together")),
            );
        }
        if let Err(e) = parse_base_url(&self.base_url) {
            let (l, c) = value_at("base_url");
            problems.push(
                Diagnostic::error("config", FILE_NAME, format!("`base_url`: {}", e.reason))
                    .at(l, c)
                    .hint(e.hint),
            );
        }
        problems
    }

    /// Whether the base URL is an absolute URL, as the Atom feed's ids, the sitemap's locations
    /// and robots.txt's `Sitemap:` line need (an empty one or a path is not).
    pub fn has_absolute_base(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }

    /// The path the site is served under, from the base URL, without a `/` at either end
    /// (`https://example.org/kb/` and `/kb` are `kb`); empty at the host's root or without a
    /// base URL.
    pub fn base_path(&self) -> String {
        let b = self.base_url.as_str();
        let path = match b.find("://") {
            Some(i) => b[i + 3..].find('/').map_or("", |j| &b[i + 3 + j..]),
            None => b,
        };
        path.trim_matches('/').to_string()
    }

    /// The path from the host's root to the site root, between slashes (`/postmortems/`, or
    /// `/`): how the 404 page, served at any depth, reaches the site on whatever host serves it.
    pub fn root_path(&self) -> String {
        match self.base_path() {
            p if p.is_empty() => "/".into(),
            p => format!("/{p}/"),
        }
    }

    /// The absolute URL of the site root when a base URL is configured (feeds, sitemap,
    /// export), always ending in `/`.
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
    /// name of six letters or more), or the one level of that number for a number alone
    /// (`2`, `"02"` for `SEV2`). `SEV5` on SEV1..SEV4, or `P1`, is close to none.
    pub fn nearest_severity(&self, written: &str) -> Option<&str> {
        let key = severity_key(written);
        let number = |k: &str| -> String {
            let digits: String = k.chars().filter(char::is_ascii_digit).collect();
            digits.trim_start_matches('0').to_string()
        };
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) {
            let mut same = self
                .severities
                .iter()
                .filter(|s| number(&severity_key(s)) == number(&key));
            return match (same.next(), same.next()) {
                (Some(one), None) => Some(one.as_str()),
                _ => None,
            };
        }
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
fn unknown_theme(root: &Path, theme: &str, (l, c): (usize, usize)) -> Option<Diagnostic> {
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

/// The error of a `hindsight.toml` that is not UTF-8, at its first byte that is not.
fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> Diagnostic {
    let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
    let (line, col) = line_col(&valid, valid.len());
    Diagnostic::error(
        "config",
        FILE_NAME,
        "hindsight.toml is not valid UTF-8: this byte is not a character of UTF-8",
    )
    .at(line, col)
    .hint("TOML files must be UTF-8: save the file as UTF-8 in your editor (it was most likely saved as Latin-1 or Windows-1252)")
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

/// The error of a `[learnings] concepts` file that cannot be read, at the key (`at`): the
/// build would stop on it after every other check.
fn unreadable_vocabulary(
    root: &Path,
    config: &Config,
    (l, c): (usize, usize),
) -> Option<Diagnostic> {
    let file = config.learnings.concepts.as_ref()?;
    // Read as any file is, only where it leads into the folders Hindsight reads (see
    // `crate::confine`): a line it cannot use is shown in a finding.
    let areas = crate::confine::Areas::new(root, config);
    if let Some(real) = areas.outside(&root.join(file)) {
        let name = file.to_string_lossy().replace('\\', "/");
        let what = format!("the vocabulary file `{name}` of `[learnings] concepts`");
        let instead = "copy the file into the repository and name the copy here";
        return Some(
            areas
                .finding(FILE_NAME, &what, root, &root.join(file), &real, instead)
                .at(l, c),
        );
    }
    let e = std::fs::read_to_string(root.join(file)).err()?;
    Some(vocabulary_error(file, &e).at(l, c))
}

/// The error of a vocabulary file (`[learnings] concepts`) that cannot be read.
pub(crate) fn vocabulary_error(file: &Path, e: &std::io::Error) -> Diagnostic {
    let name = file.to_string_lossy().replace('\\', "/");
    Diagnostic::error(
        "config",
        FILE_NAME,
        format!("cannot read the vocabulary file `{name}` of `[learnings] concepts`: {e}"),
    )
    .hint("the path is relative to the folder that holds hindsight.toml; create the file or remove the key")
}

/// Where each key of a `hindsight.toml` is written (line, column), by its dotted path:
/// `title`, `check.required`, `check.rules.blameless`.
type Places = HashMap<String, (usize, usize)>;

/// What reading a `hindsight.toml` gives: the configuration, with the default in place of
/// every value that cannot be used, where each key is, and every problem found.
struct Read {
    config: Config,
    places: Places,
    /// Where each value is written, by the same paths, and each string of an array of
    /// strings by its index among them (`check.required[0]`).
    values: Places,
    problems: Vec<Diagnostic>,
}

/// Reads the text of a `hindsight.toml` key by key, so that one bad key or value never hides
/// another. Only a file that is not TOML at all is one error.
fn read(text: &str) -> Result<Read, Vec<Diagnostic>> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| vec![syntax_error(text, &e)])?;
    let mut r = Reader {
        text,
        places: Places::new(),
        values: Places::new(),
        problems: Vec::new(),
    };
    let mut c = Config::default();
    for (path, item) in r.keys(doc.as_table(), "", TOP_KEYS) {
        match path {
            "title" => r.string(path, item, &mut c.title),
            "description" => r.string(path, item, &mut c.description),
            "base_url" => r.string(path, item, &mut c.base_url),
            "content_dir" => r.path(path, item, &mut c.content_dir),
            "output_dir" => r.path(path, item, &mut c.output_dir),
            "ignore" => r.strings(path, item, &mut c.ignore, "[\"README.md\"]"),
            "trusted_attachments" => r.strings(
                path,
                item,
                &mut c.trusted_attachments,
                "[\"flamegraphs/*.svg\"]",
            ),
            "theme" => r.string(path, item, &mut c.theme),
            "severities" => r.strings(path, item, &mut c.severities, "[\"SEV1\", \"SEV2\"]"),
            "repository_url" => r.string(path, item, &mut c.repository_url),
            "drafts" => r.boolean(path, item, &mut c.drafts),
            "highlight_theme" => r.string(path, item, &mut c.highlight_theme),
            "highlight_theme_dark" => r.string(path, item, &mut c.highlight_theme_dark),
            "feed_limit" => r.count(path, item, &mut c.feed_limit),
            "paginate_by" => r.count(path, item, &mut c.paginate_by),
            "check" => read_check(&mut r, item, &mut c.check),
            "learnings" => read_learnings(&mut r, item, &mut c.learnings),
            _ => unreachable!("`keys` gives known keys only"),
        }
    }
    let mut problems = r.problems;
    problems.extend(c.validate(&r.places, &r.values));
    // Validated: the normal form (`https://Example.org` -> `https://example.org/`).
    if let Ok(url) = parse_base_url(&c.base_url) {
        c.base_url = url;
    }
    Ok(Read {
        config: c,
        places: r.places,
        values: r.values,
        problems,
    })
}

/// The error of text that is not TOML, at its first syntax error. A string left open, the
/// most common slip (`title = "x`), is said to be so, at the quote that opens it.
fn syntax_error(text: &str, e: &toml_edit::TomlError) -> Diagnostic {
    let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
    let message = e.message().trim_end();
    let generic = || {
        Diagnostic::error("config", FILE_NAME, message.to_string())
            .at(line, col)
            .hint(
                "hindsight.toml must be valid TOML; see the configuration reference, docs/configuration.md",
            )
    };
    // A key set twice: where the first one is, and to keep one.
    if let Some(key) = message
        .strip_prefix("duplicate key `")
        .and_then(|m| m.split('`').next())
    {
        let sets = |l: &str| {
            let l = l.trim_start();
            [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
                .iter()
                .any(|k| {
                    l.strip_prefix(k.as_str())
                        .is_some_and(|r| r.trim_start().starts_with('='))
                })
        };
        if let Some(first) = text.lines().take(line - 1).position(sets) {
            return Diagnostic::error(
                "config",
                FILE_NAME,
                format!("`{key}` is set twice: here and at line {}", first + 1),
            )
            .at(line, col)
            .hint(
                "a key can be set once in a table: keep one of the two lines and delete the other",
            );
        }
        return generic();
    }
    // A whole number past TOML's range (64-bit): named by its key, with the range.
    if message.starts_with("number too large") {
        let source = text.lines().nth(line - 1).unwrap_or_default();
        let key = source
            .split_once('=')
            .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
            .filter(|k| !k.is_empty());
        let what = key.map_or("this number".to_string(), |k| format!("`{k}`"));
        return Diagnostic::error(
            "config",
            FILE_NAME,
            format!("{what} is a number too large for TOML, which counts up to 9223372036854775807"),
        )
        .at(line, col)
        .hint("write a smaller whole number; docs/configuration.md gives each key's default and range");
    }
    let quote = if message.starts_with("invalid basic string") {
        '"'
    } else if message.starts_with("invalid literal string") {
        '\''
    } else {
        return generic();
    };
    let source = text.lines().nth(line - 1).unwrap_or_default();
    let before: String = source.chars().take(col - 1).collect();
    let Some(open) = before.rfind(quote) else {
        return generic();
    };
    let rest = &source[open + 1..];
    // A closing quote on the line: the string is closed, something inside it is wrong.
    let closed = match quote {
        '"' => rest.replace("\\\\", "").replace("\\\"", "").contains('"'),
        _ => rest.contains('\''),
    };
    if closed {
        return generic();
    }
    let key = source[..open].trim_end().trim_end_matches('=').trim();
    let value = rest.trim_end();
    let triple = quote.to_string().repeat(3);
    Diagnostic::error(
        "config",
        FILE_NAME,
        format!("unterminated string: the {quote} here opens a string that this line does not close"),
    )
    .at(line, before[..open].chars().count() + 1)
    .hint(format!(
        "close it with {quote} at the end of the value: `{key} = {quote}{value}{quote}` (a text of several lines goes between {triple} and {triple})"
    ))
}

/// Reads `[check]`.
fn read_check(r: &mut Reader, item: &toml_edit::Item, c: &mut CheckConfig) {
    let Some(table) = r.table("check", item) else {
        return;
    };
    for (key, item) in r.keys(table, "check", CHECK_KEYS) {
        let path = &format!("check.{key}");
        match key {
            "required" => r.strings(path, item, &mut c.required, "[\"severity\", \"services\"]"),
            "rules" => {
                let Some(rules) = r.table(path, item) else {
                    continue;
                };
                for (rule, item) in r.keys(rules, path, &[]) {
                    let path = &format!("check.rules.{rule}");
                    let mut level = String::new();
                    r.level(path, item, &mut level);
                    if !level.is_empty() {
                        c.rules.insert(rule.to_string(), level);
                    }
                }
            }
            "blameless_words" => r.strings(path, item, &mut c.blameless_words, "[\"should have\"]"),
            "blameless_defaults" => r.boolean(path, item, &mut c.blameless_defaults),
            _ => unreachable!("`keys` gives known keys only"),
        }
    }
}

/// Reads `[learnings]`.
fn read_learnings(r: &mut Reader, item: &toml_edit::Item, c: &mut LearningsConfig) {
    let Some(table) = r.table("learnings", item) else {
        return;
    };
    for (key, item) in r.keys(table, "learnings", LEARNINGS_KEYS) {
        let path = &format!("learnings.{key}");
        match key {
            "similarity_threshold" => r.fraction(path, item, &mut c.similarity_threshold),
            "sections" => r.strings(path, item, &mut c.sections, "[\"lições aprendidas\"]"),
            "action_sections" => r.strings(path, item, &mut c.action_sections, "[\"ações\"]"),
            "concepts" => {
                let mut file = PathBuf::new();
                r.path(path, item, &mut file);
                if !file.as_os_str().is_empty() {
                    c.concepts = Some(file);
                }
            }
            _ => unreachable!("`keys` gives known keys only"),
        }
    }
}

/// Reads the values of a `hindsight.toml` one by one, each into its place in the
/// configuration when it has the type the key needs, and records where every key is.
struct Reader<'t> {
    text: &'t str,
    places: Places,
    values: Places,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn at(&self, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
        span.map(|s| line_col(self.text, s.start)).unwrap_or((1, 1))
    }

    /// The keys of `table` (at the dotted path `section`, empty for the top) that are in
    /// `known` (every key when `known` is empty), with their items. Records where each key
    /// is; every other key is an unknown-key error.
    fn keys<'a>(
        &mut self,
        table: &'a dyn toml_edit::TableLike,
        section: &str,
        known: &[&str],
    ) -> Vec<(&'a str, &'a toml_edit::Item)> {
        let mut out = Vec::new();
        for (key, item) in table.iter() {
            let span = table
                .get_key_value(key)
                .and_then(|(k, _)| k.span())
                .or_else(|| item.span());
            let (line, col) = self.at(span);
            let path = path_of(section, key);
            self.places.insert(path.clone(), (line, col));
            if let Some(span) = item.span() {
                self.values.insert(path.clone(), self.at(Some(span)));
            }
            if known.is_empty() || known.contains(&key) {
                out.push((key, item));
                continue;
            }
            let hint = match (elsewhere(section, key), did_you_mean(key, known)) {
                (Some(h), _) => h,
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => format!("valid keys here: {}", known.join(", ")),
            };
            self.problems.push(
                Diagnostic::error("config", FILE_NAME, format!("unknown key {}", name(&path)))
                    .at(line, col)
                    .hint(hint),
            );
        }
        out
    }

    /// The error of a value of the wrong type, at the value.
    fn wrong(&mut self, path: &str, item: &toml_edit::Item, expected: &str, hint: String) {
        let (line, col) = self.at(item.span());
        // A decimal number as written: `1e3` is whole in value, not in TOML's eyes.
        let what = match item.as_float() {
            Some(_) if !self.raw(item).is_empty() => {
                format!("the decimal number {}", self.raw(item))
            }
            _ => found(item),
        };
        self.problems.push(
            Diagnostic::error(
                "config",
                FILE_NAME,
                format!("{} must be {expected}, not {what}", name(path)),
            )
            .at(line, col)
            .hint(hint),
        );
    }

    /// The value as written, for hints.
    fn raw(&self, item: &toml_edit::Item) -> String {
        item.span()
            .and_then(|s| self.text.get(s))
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    fn string(&mut self, path: &str, item: &toml_edit::Item, into: &mut String) {
        match item.as_str() {
            Some(s) => *into = s.to_string(),
            None => {
                let key = last(path);
                let hint = match item.as_value() {
                    Some(v) if !v.is_array() && !v.is_inline_table() => format!(
                        "write it in double quotes: `{key} = \"{}\"`",
                        self.raw(item)
                    ),
                    _ => format!("`{key}` holds one string, e.g. `{key} = \"...\"`"),
                };
                self.wrong(path, item, "a string", hint);
            }
        }
    }

    fn path(&mut self, path: &str, item: &toml_edit::Item, into: &mut PathBuf) {
        let mut s = String::new();
        self.string(path, item, &mut s);
        if item.is_str() {
            *into = PathBuf::from(s);
        }
    }

    fn boolean(&mut self, path: &str, item: &toml_edit::Item, into: &mut bool) {
        if let Some(b) = item.as_bool() {
            *into = b;
            return;
        }
        let key = last(path);
        let hint = match item.as_str().map(str::to_lowercase).as_deref() {
            Some(b @ ("true" | "false")) => format!("write it without quotes: `{key} = {b}`"),
            _ => format!("write `{key} = true` or `{key} = false`"),
        };
        self.wrong(path, item, "`true` or `false`", hint);
    }

    fn count(&mut self, path: &str, item: &toml_edit::Item, into: &mut usize) {
        if let Some(n) = item.as_integer().and_then(|n| usize::try_from(n).ok()) {
            *into = n;
            return;
        }
        let key = last(path);
        let whole = item
            .as_float()
            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= u32::MAX as f64);
        let hint = match item.as_str().and_then(|s| s.trim().parse::<usize>().ok()) {
            Some(n) => format!("write the number without quotes: `{key} = {n}`"),
            None if whole.is_some() => format!(
                "write it as a whole number, without a decimal point or exponent: `{key} = {}`",
                whole.unwrap_or_default() as u64
            ),
            None => format!(
                "write a whole number of 0 or more, e.g. `{key} = {}`",
                *into
            ),
        };
        self.wrong(path, item, "a whole number of 0 or more", hint);
    }

    fn fraction(&mut self, path: &str, item: &toml_edit::Item, into: &mut f32) {
        let number = item
            .as_float()
            .or_else(|| item.as_integer().map(|n| n as f64));
        if let Some(x) = number {
            *into = x as f32;
            return;
        }
        let key = last(path);
        let hint = match item.as_str().and_then(|s| s.trim().parse::<f64>().ok()) {
            Some(_) => format!(
                "write the number without quotes: `{key} = {}`",
                item.as_str().unwrap_or_default().trim()
            ),
            None => format!("write a number, e.g. `{key} = {}`", *into),
        };
        self.wrong(path, item, "a number", hint);
    }

    /// An array of strings; `example` is one such array, for the hint. A value that is not
    /// an array is an error at it; an item that is not a string is an error at the item, and
    /// the others are kept.
    fn strings(
        &mut self,
        path: &str,
        item: &toml_edit::Item,
        into: &mut Vec<String>,
        example: &str,
    ) {
        let key = last(path);
        let Some(array) = item.as_array() else {
            let hint = match item.as_str() {
                Some(_) => format!("put it in brackets: `{key} = [{}]`", self.raw(item)),
                None => format!("e.g. `{key} = {example}`"),
            };
            self.wrong(path, item, "an array of strings", hint);
            return;
        };
        let mut values = Vec::new();
        for (i, v) in array.iter().enumerate() {
            match v.as_str() {
                Some(s) => {
                    let at = self.at(v.span());
                    self.values.insert(format!("{path}[{}]", values.len()), at);
                    values.push(s.to_string());
                }
                None => {
                    let (line, col) = self.at(v.span());
                    let item = toml_edit::Item::Value(v.clone());
                    self.problems.push(
                        Diagnostic::error(
                            "config",
                            FILE_NAME,
                            format!(
                                "{} must be an array of strings, but item {} is {}",
                                name(path),
                                i + 1,
                                found(&item)
                            ),
                        )
                        .at(line, col)
                        .hint(format!(
                            "write each item in double quotes, e.g. `{key} = {example}`"
                        )),
                    );
                }
            }
        }
        *into = values;
    }

    /// The level of a rule in `[check.rules]`: a string (which [`Config::validate`] checks).
    fn level(&mut self, path: &str, item: &toml_edit::Item, into: &mut String) {
        if let Some(s) = item.as_str() {
            *into = s.to_string();
            return;
        }
        let key = last(path);
        self.wrong(
            path,
            item,
            "a level in double quotes",
            format!("use one of \"error\", \"warning\", \"info\", \"off\", e.g. `{key} = \"off\"`"),
        );
    }

    /// A table: a section such as `[check]`, or an inline `{ ... }`.
    fn table<'a>(
        &mut self,
        path: &str,
        item: &'a toml_edit::Item,
    ) -> Option<&'a dyn toml_edit::TableLike> {
        if item.is_array_of_tables() {
            self.wrong(
                path,
                item,
                "one table",
                format!("write `[{path}]` with single brackets, once"),
            );
            return None;
        }
        let table = item.as_table_like();
        if table.is_none() {
            self.wrong(
                path,
                item,
                "a table",
                format!("write `[{path}]` on a line of its own, then its keys one per line"),
            );
        }
        table
    }
}

/// The dotted path of `key` in `section` (empty for the top).
fn path_of(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

/// Where `key`, unknown in the table at the dotted path `section` (empty for the top level),
/// belongs, when it is a key of another table: every key below a `[table]` header belongs to
/// that table, so a top-level key written after `[check]` (`base_url`, say) is read as a key of
/// `[check]`, the slip TOML makes easiest. `None` when no table knows it.
fn elsewhere(section: &str, key: &str) -> Option<String> {
    let rules: Vec<&str> = crate::check::RULES.iter().map(|r| r.id).collect();
    let tables: [(&str, &[&str]); 4] = [
        ("", TOP_KEYS),
        ("check", CHECK_KEYS),
        ("learnings", LEARNINGS_KEYS),
        ("check.rules", &rules),
    ];
    let (home, _) = tables
        .iter()
        .find(|(table, keys)| *table != section && keys.contains(&key))?;
    Some(match (*home, section) {
        ("", here) => format!(
            "`{key}` is a top-level key, but it is written below the `[{here}]` header, so it is read as a key of [{here}]: move it above the first `[table]` header of the file"
        ),
        (home, "") => format!(
            "`{key}` is a key of [{home}]: write it below a `[{home}]` header, or as `{home}.{key} = ...`"
        ),
        (home, here) => format!(
            "`{key}` is a key of [{home}], not of [{here}]: move it below the `[{home}]` header"
        ),
    })
}

/// The last key of a dotted path.
fn last(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(_, key)| key)
}

/// A key as messages name it: `` `title` ``, `` `required` in [check] ``.
fn name(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((section, key)) => format!("`{key}` in [{section}]"),
        None => format!("`{path}`"),
    }
}

/// What a value is, for messages: `the string "20"`, `the number 3`, `an array`.
fn found(item: &toml_edit::Item) -> String {
    use toml_edit::Value;
    match item {
        toml_edit::Item::Value(Value::String(s)) => {
            format!("the string {:?}", crate::render::truncate(s.value(), 40))
        }
        toml_edit::Item::Value(Value::Integer(n)) => format!("the number {}", n.value()),
        toml_edit::Item::Value(Value::Float(x)) => format!("the decimal number {}", x.value()),
        toml_edit::Item::Value(Value::Boolean(b)) => format!("`{}`", b.value()),
        toml_edit::Item::Value(Value::Datetime(d)) => format!("the date {}", d.value()),
        toml_edit::Item::Value(Value::Array(_)) => "an array".into(),
        toml_edit::Item::Value(Value::InlineTable(_)) | toml_edit::Item::Table(_) => {
            "a table".into()
        }
        toml_edit::Item::ArrayOfTables(_) => "an array of tables".into(),
        toml_edit::Item::None => "nothing".into(),
    }
}

/// Where the `hindsight.toml` under `root` writes the key at the dotted path `key`
/// (`base_url`, `learnings.concepts`): line and column, if the file exists and does; for
/// findings about a value that may come from a default.
pub(crate) fn key_in_file(root: &Path, key: &str) -> Option<(usize, usize)> {
    let text = std::fs::read_to_string(root.join(FILE_NAME)).ok()?;
    read(&text).ok()?.places.get(key).copied()
}

/// Where the `hindsight.toml` under `root` writes the value of the key at the dotted path
/// `key`, if the file exists and does: for findings about a value that `read` cannot judge.
pub(crate) fn value_in_file(root: &Path, key: &str) -> Option<(usize, usize)> {
    let text = std::fs::read_to_string(root.join(FILE_NAME)).ok()?;
    read(&text).ok()?.values.get(key).copied()
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
    fn a_severity_off_the_scale_is_near_the_level_of_its_number_or_spelling() {
        let c = Config::parse("").unwrap();
        let near = |w: &str| c.nearest_severity(w);
        assert_eq!(near("2"), Some("SEV2"));
        assert_eq!(near("02"), Some("SEV2"));
        assert_eq!(near("SVE2"), Some("SEV2"));
        assert_eq!(near("5"), None);
        assert_eq!(near("P1"), None);
        let two = Config::parse("severities = [\"P1\", \"S1\", \"P2\"]").unwrap();
        assert_eq!(
            two.nearest_severity("1"),
            None,
            "two levels have the number 1"
        );
        assert_eq!(two.nearest_severity("2"), Some("P2"));
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
    fn a_key_written_below_the_header_of_another_table_is_said_to_belong_elsewhere() {
        // Every key after `[check]` is read as a key of [check]: the top-level `base_url`.
        let errs = Config::parse(
            "title = \"x\"\n[check]\nrequired = [\"severity\"]\nbase_url = \"https://x.org/\"\n",
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (4, 1));
        assert!(
            errs[0].hint.contains("`base_url` is a top-level key")
                && errs[0]
                    .hint
                    .contains("move it above the first `[table]` header"),
            "{}",
            errs[0].hint
        );
        // The other way round, and between tables.
        let errs = Config::parse(
            "required = [\"severity\"]\nblameless = \"off\"\n[check]\nconcepts = \"v.txt\"\n[check.rules]\ntitle = \"error\"\n",
        )
        .unwrap_err();
        let hints: Vec<&str> = errs.iter().map(|e| e.hint.as_str()).collect();
        assert_eq!(
            hints,
            [
                "`required` is a key of [check]: write it below a `[check]` header, or as `check.required = ...`",
                "`blameless` is a key of [check.rules]: write it below a `[check.rules]` header, or as `check.rules.blameless = ...`",
                "`concepts` is a key of [learnings], not of [check]: move it below the `[learnings]` header",
                "`title` is a top-level key, but it is written below the `[check.rules]` header, so it is read as a key of [check.rules]: move it above the first `[table]` header of the file",
            ],
            "{errs:?}"
        );
    }

    #[test]
    fn a_count_written_as_a_decimal_number_is_named_as_written_with_the_whole_number_to_write() {
        let errs = Config::parse("feed_limit = 1e3\n").unwrap_err();
        assert_eq!(
            errs[0].message,
            "`feed_limit` must be a whole number of 0 or more, not the decimal number 1e3"
        );
        assert_eq!(
            errs[0].hint,
            "write it as a whole number, without a decimal point or exponent: `feed_limit = 1000`"
        );
        let errs = Config::parse("feed_limit = 2.5\n").unwrap_err();
        assert!(
            errs[0].message.ends_with("not the decimal number 2.5"),
            "{}",
            errs[0].message
        );
        assert!(
            errs[0].hint.contains("e.g. `feed_limit = 20`"),
            "{}",
            errs[0].hint
        );
    }

    #[test]
    fn a_number_past_tomls_range_is_named_by_its_key_with_the_range() {
        let errs =
            Config::parse("title = \"x\"\npaginate_by = 99999999999999999999\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0].message,
            "`paginate_by` is a number too large for TOML, which counts up to 9223372036854775807"
        );
        assert_eq!((errs[0].line, errs[0].column), (2, 15));
        assert!(
            errs[0].hint.contains("smaller whole number"),
            "{}",
            errs[0].hint
        );
    }

    #[test]
    fn a_key_set_twice_is_an_error_at_the_second_that_names_the_line_of_the_first() {
        let errs = Config::parse("title = \"x\"\nfeed_limit = 1\n\nfeed_limit = 2\n").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0].message,
            "`feed_limit` is set twice: here and at line 2"
        );
        assert_eq!(errs[0].line, 4);
        assert!(
            errs[0].hint.contains("keep one of the two lines"),
            "{}",
            errs[0].hint
        );
        // In a table, too.
        let errs =
            Config::parse("[check]\nrequired = []\nrequired = [\"severity\"]\n").unwrap_err();
        assert_eq!(
            errs[0].message,
            "`required` is set twice: here and at line 2"
        );
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
        assert_eq!((errs[0].line, errs[0].column), (2, 14));
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

    /// (line, column, message, hint) of each problem of `text`.
    fn problems(text: &str) -> Vec<(usize, usize, String, String)> {
        Config::parse(text)
            .unwrap_err()
            .into_iter()
            .map(|d| (d.line, d.column, d.message, d.hint))
            .collect()
    }

    #[test]
    fn a_similarity_threshold_outside_0_to_1_is_an_error_at_the_value_that_says_what_to_write() {
        let p = problems("[learnings]\nsimilarity_threshold = 2\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].0, p[0].1), (2, 24));
        assert!(
            p[0].3.contains("`similarity_threshold = 0.18`"),
            "{}",
            p[0].3
        );
        assert!(p[0].3.contains("lower groups more"), "{}", p[0].3);
    }

    #[test]
    fn a_level_that_is_not_documented_is_an_error_at_the_value_with_the_level_meant() {
        let p = problems(
            "[check.rules]\naction-owner = \"eror\"\nblameless = \"warn\"\nunknown-key = \"loud\"\n",
        );
        let got: Vec<(usize, usize, &str)> =
            p.iter().map(|(l, c, _, h)| (*l, *c, h.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    2,
                    16,
                    "did you mean `error`? The levels are: error, warning, info, off"
                ),
                (
                    3,
                    13,
                    "did you mean `warning`? The levels are: error, warning, info, off"
                ),
                (4, 15, "use one of: error, warning, info, off"),
            ]
        );
        assert_eq!(p[1].2, "unknown level `warn` for rule `blameless`");
        assert!(Config::parse("[check.rules]\nblameless = \"warning\"\n").is_ok());
    }

    #[test]
    fn a_required_field_that_is_no_front_matter_key_is_an_error_at_its_item() {
        let p = problems("[check]\nrequired = [\n  \"severity\",\n  \"sevrity\",\n]\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].0, p[0].1), (4, 3));
        assert_eq!(p[0].3, "did you mean `severity`?");
    }

    #[test]
    fn a_string_left_open_is_said_to_be_so_at_its_quote_with_how_to_close_it() {
        let p = problems("description = \"ok\"\ntitle = \"x\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].0, p[0].1), (2, 9));
        assert!(p[0].2.starts_with("unterminated string"), "{}", p[0].2);
        assert!(p[0].3.contains("`title = \"x\"`"), "{}", p[0].3);
        // An invalid escape in a closed string is not a string left open.
        let p = problems("title = \"C:\\q\"\n");
        assert!(!p[0].2.contains("unterminated"), "{}", p[0].2);
    }

    #[test]
    fn a_file_that_is_not_utf8_is_an_error_at_its_first_bad_byte_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            b"title = \"KB\"\ndescription = \"caf\xe9 notes\"\n",
        )
        .unwrap();
        let errs = Config::load(dir.path()).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (2, 19));
        assert!(
            errs[0].message.contains("not valid UTF-8"),
            "{}",
            errs[0].message
        );
        assert!(
            errs[0].hint.contains("save the file as UTF-8"),
            "{}",
            errs[0].hint
        );
    }
}
