/*!
Search: `hindsight search` in the terminal and the text analysis every search index shares.

One analysis ([`crate::analysis`]) turns text into terms for both indexes: the tantivy index
the terminal searches (`index`) and the static index the browser searches (`web`). The
browser's `search.js` repeats it exactly.

A search ranks documents (incidents and the learning pages the site publishes: canonical
learnings, with their body, and clusters) with BM25 over title, summary, learnings, tags and
services, action items, body and an incident's id, the incident whose id the query names
first (see [`crate::analysis::id_term`]), then picks for each hit the section that matches the
query best and a snippet of it with the matched words marked.
*/

pub mod index;
pub mod web;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{IsTerminal, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::content::derive::DateSource;
use crate::content::Library;
use crate::diagnostics::Diagnostics;
use crate::learnings::Group;

/// Name of the analyzer in the tantivy index.
pub const ANALYZER: &str = "hindsight_en";

/// Where the terminal's index is cached, relative to the root.
pub const CACHE_DIR: &str = ".hindsight-cache/search";

/// The file in [`CACHE_DIR`] that holds the documents of the learning pages, clusters as the
/// last search formed them (see [`learning_docs`]).
const LEARNINGS_CACHE: &str = "learnings.json";

/// What a hit names as its section when the match is in a summary that no section of the
/// document holds (one set in front matter, or the first paragraph above every heading): the
/// page shows it at its top.
pub const SUMMARY: &str = "Summary";

/// Words around the first match in a snippet.
const SNIPPET_TOKENS: usize = 30;

pub use crate::analysis::{analyzer, terms, tokens};

/// One section of a document, as searched and quoted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocSection {
    pub title: String,
    pub anchor: String,
    pub text: String,
}

impl DocSection {
    /// The text of a canonical learning above every heading: a section with no title nor
    /// anchor, at the top of its page. A hit in it names no section and links to the page.
    pub fn is_top(&self) -> bool {
        self.anchor.is_empty()
    }
}

/// What a document is: `search --json` says it of each hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Incident,
    /// A learning page: a canonical learning (`learnings/<id>.md`) or a cluster.
    Learning,
}

/// A searchable document: an incident or a learning page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Doc {
    /// Path of the file relative to the root (of a cluster, which has none, its page's path):
    /// the document's key.
    pub source: String,
    pub id: String,
    /// Told by `url` too, and so not part of what is hashed.
    #[serde(skip)]
    pub kind: Kind,
    /// Page URL relative to the site root.
    pub url: String,
    pub title: String,
    pub summary: String,
    pub date: Option<NaiveDate>,
    /// Only the year of `date` is known (1 January of it stands in, for sorting and `--since`).
    pub year_only: bool,
    pub severity: Option<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub learnings: Vec<String>,
    pub actions: Vec<String>,
    /// Sections that have text of their own, in document order.
    pub sections: Vec<DocSection>,
    /// All text of the body.
    pub body: String,
}

impl Doc {
    /// Hash of everything indexed for this document.
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("a document serializes");
        hex(&Sha256::digest(json))
    }

    /// The date as the incident's page shows it: YYYY-MM-DD, or the year alone when that is all
    /// that is known.
    pub fn shown_date(&self) -> Option<String> {
        let format = if self.year_only { "%Y" } else { "%Y-%m-%d" };
        self.date.map(|d| d.format(format).to_string())
    }

    /// Tags, services and severity as one text.
    pub fn labels(&self) -> String {
        let mut s = self.tags.join("\n");
        for x in self.services.iter().chain(&self.severity) {
            s.push('\n');
            s.push_str(x);
        }
        s
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The documents of a library: every incident it holds, then every learning page the site
/// publishes (`groups`: canonical learnings and the clusters Hindsight formed, tentative ones
/// too), in the order of `groups`.
pub fn docs(lib: &Library, groups: &[Group]) -> Vec<Doc> {
    incident_docs(lib)
        .chain(groups.iter().map(|g| learning_doc(lib, g)))
        .collect()
}

/// The documents of every incident of a library, whole bodies included.
fn incident_docs(lib: &Library) -> impl Iterator<Item = Doc> + '_ {
    lib.incidents.iter().map(|i| Doc {
        body: i.text(),
        ..incident_doc(i)
    })
}

/// A learning page as a document. A canonical learning is its file: title, summary and body,
/// its text above every heading the first section, untitled (see [`DocSection::is_top`]). A
/// cluster has no file: it is its title and summary (its members' texts are their incidents'),
/// keyed by its page's path.
pub(crate) fn learning_doc(lib: &Library, g: &Group) -> Doc {
    let doc = Doc {
        source: g.url(),
        id: g.id.clone(),
        kind: Kind::Learning,
        url: g.url(),
        title: g.full_title.clone(),
        summary: g.summary.clone(),
        ..Doc::default()
    };
    let Some(l) = g.learning.map(|i| &lib.learnings[i]) else {
        return doc;
    };
    let top = (!l.preamble.trim().is_empty()).then(|| DocSection {
        title: String::new(),
        anchor: String::new(),
        text: l.preamble.clone(),
    });
    Doc {
        source: l.source.clone(),
        sections: top.into_iter().chain(doc_sections(&l.sections)).collect(),
        body: crate::markdown::plain_text(&l.preamble, &l.sections),
        ..doc
    }
}

/// The sections a document keeps: those with text of their own.
fn doc_sections(sections: &[crate::markdown::Section]) -> impl Iterator<Item = DocSection> + '_ {
    sections.iter().filter(|s| has_text(s)).map(|s| DocSection {
        title: s.title.clone(),
        anchor: s.anchor.clone(),
        text: s.text.clone(),
    })
}

/// An incident as a document, without its whole body (the browser index reads its sections).
pub(crate) fn incident_doc(i: &crate::content::Incident) -> Doc {
    Doc {
        source: i.source.clone(),
        id: i.id.clone(),
        kind: Kind::Incident,
        url: i.url(),
        title: i.title.clone(),
        summary: i.summary.clone(),
        date: i.date,
        year_only: i.date.is_some() && i.date_source == DateSource::FileNameYear,
        severity: i.severity.clone(),
        tags: i.tags.clone(),
        services: i.services.clone(),
        learnings: i.learnings.iter().map(|l| l.text.clone()).collect(),
        actions: i.action_items.iter().map(|a| a.text.clone()).collect(),
        sections: doc_sections(&i.sections).collect(),
        body: String::new(),
    }
}

/// Whether a section is kept as a document's section (one with text; a heading alone is not).
pub(crate) fn has_text(s: &crate::markdown::Section) -> bool {
    !s.text.trim().is_empty()
}

/// Filters every hit must pass. Values compare case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub severities: Vec<String>,
    pub since: Option<NaiveDate>,
}

impl Filters {
    fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.services.is_empty()
            && self.severities.is_empty()
            && self.since.is_none()
    }

    /// The filters as the flags that set them: `--tag dns --severity SEV1`.
    fn as_flags(&self) -> String {
        let mut flags: Vec<String> = Vec::new();
        for (flag, values) in [
            ("--tag", &self.tags),
            ("--service", &self.services),
            ("--severity", &self.severities),
        ] {
            flags.extend(values.iter().map(|v| format!("{flag} {v}")));
        }
        flags.extend(self.since.map(|d| format!("--since {d}")));
        flags.join(" ")
    }
}

/// What `search` says on stderr when nothing matched: with no word to look for, the filters
/// alone chose the incidents, and the query is not worth quoting.
fn no_results(query: &str, filters: &Filters) -> String {
    // Quoted with its own quotes and control characters escaped: `"a\"b"`, not `"a"b"`.
    let quoted = crate::render::truncate(query, 80);
    match (terms(query).is_empty(), filters.is_empty()) {
        (true, _) => format!("No incidents match {}.", filters.as_flags()),
        (false, true) => format!("No results for {quoted:?}."),
        (false, false) => format!(
            "No results for {quoted:?} among the incidents that match {}.",
            filters.as_flags()
        ),
    }
}

/// A snippet of text with the byte ranges of the matched words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

/// One result. Serializes to the contract of `search --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    /// An incident or a canonical learning.
    pub kind: Kind,
    /// Relative to the site root; points at the section when there is one.
    pub url: String,
    pub title: String,
    /// YYYY-MM-DD (1 January for an incident whose date is only a year); `None` for an
    /// undated incident and for a learning.
    pub date: Option<String>,
    /// The date as pages show it (see [`Doc::shown_date`]), for people.
    #[serde(skip)]
    pub shown_date: Option<String>,
    pub score: f32,
    /// Title of the section that matched best; [`SUMMARY`] when the match is in a summary no
    /// section holds; `None` when only the title, the labels or a learning matched.
    pub section: Option<String>,
    /// Plain text around the best match.
    pub snippet: String,
    #[serde(skip)]
    pub marks: Vec<Range<usize>>,
}

/// The hits of a search and what keeping the index current took.
#[derive(Debug)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// The query with each word no document holds replaced by the nearest word some document
    /// does (see [`index::SearchIndex::nearest_term`]): with no hits, if any is near; beside
    /// hits, with words [`missing`], if every one of them is.
    pub suggestion: Option<String>,
    /// The query's words, as written, that no document holds, while others found the hits
    /// (see [`missing`]): "daylight saving time" finds what says "time".
    pub missing: Vec<String>,
    /// The words written `-word` that leave out nothing, as written (`-fluentdd`): no document
    /// holds any of their terms, so they were likely mistyped.
    pub idle_exclusions: Vec<String>,
    pub update: index::Update,
    /// The learning pages' documents, clusters included, were read from the cache rather than
    /// formed (see [`learning_docs`]).
    pub learnings_cached: bool,
}

/// Why a search could not run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// `hindsight.toml` has errors: each is a finding, shown as `build` and `check` show them.
    #[error("hindsight.toml has {}; nothing was searched", crate::diagnostics::counted(.0.len(), "error"))]
    Config(Vec<crate::diagnostics::Diagnostic>),
    /// The content folder is missing or not a folder: what `check` says of it, and its fix.
    #[error("{message}")]
    Content { message: String, hint: String },
    /// The command line asks for something no search can answer: no words and no filter, or a
    /// filter value that no incident has.
    #[error("{message}")]
    Usage { message: String, hint: String },
    /// The root is not a folder (see [`crate::root_folder`]).
    #[error("{0}")]
    Root(String),
}

impl SearchError {
    /// What to do instead, for a usage error.
    pub fn hint(&self) -> Option<&str> {
        match self {
            SearchError::Usage { hint, .. } | SearchError::Content { hint, .. } => Some(hint),
            _ => None,
        }
    }
}

/// A query with no word to search for is a usage error unless a filter chooses the incidents:
/// `hindsight search "" --tag dns` lists every incident tagged `dns`, newest first, and
/// `hindsight search "-fluentd" --tag logging` those of them that do not hold `fluentd`.
fn check_query(query: &str, filters: &Filters) -> Result<(), SearchError> {
    let read = crate::analysis::read_query(query);
    if !filters.is_empty() || !read.wanted.is_empty() {
        return Ok(());
    }
    if !read.excluded.is_empty() {
        return Err(SearchError::Usage {
            message: format!(
                "the query {:?} only leaves words out: it has no word to search for",
                crate::render::truncate(query, 80)
            ),
            hint: "a word written -word leaves out the results that hold it; give words to look for beside it, e.g. `hindsight search \"logs -fluentd\"`, or choose the incidents with --tag, --service, --severity or --since".into(),
        });
    }
    let message = if query.trim().is_empty() {
        "the query is empty".to_string()
    } else {
        // Quoted as `no_results` quotes it: `"\""` for a query of one quote.
        format!(
            "the query {:?} has no word to search for",
            crate::render::truncate(query, 80)
        )
    };
    Err(SearchError::Usage {
        message,
        hint: "give the words to look for, e.g. `hindsight search \"certificate expired\"`; to list incidents by tag, service, severity or date alone, pass an empty query with --tag, --service, --severity or --since".into(),
    })
}

/// How many known values an unknown filter value's hint lists at most.
const KNOWN_LISTED: usize = 20;

/// Every filter value must be one that some searchable incident has (a severity: or one of the
/// configured scale, when some incident has a severity), compared as the filters are (a tag or a service by its term, so that
/// `on call` is `On-Call`; a severity without regard to case): a value that none has is more
/// likely a typo than a question whose answer is "nothing".
fn check_filters(filters: &Filters, docs: &[Doc], config: &Config) -> Result<(), SearchError> {
    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort_by_key(|k| k.to_lowercase());
        v
    }
    let tags = sorted(
        docs.iter()
            .flat_map(|d| &d.tags)
            .map(String::as_str)
            .collect(),
    );
    let services = sorted(
        docs.iter()
            .flat_map(|d| &d.services)
            .map(String::as_str)
            .collect(),
    );
    // The scale's order, then any other severity incidents have.
    let severities: Vec<&str> = config
        .severities
        .iter()
        .map(String::as_str)
        .chain(sorted(
            docs.iter().filter_map(|d| d.severity.as_deref()).collect(),
        ))
        .collect();
    // A severity of the scale is a fair question ("nothing" is an answer) unless no incident
    // has any severity at all: then every such search is empty, whatever it asks.
    if let Some(value) = filters.severities.first() {
        if docs.iter().all(|d| d.severity.is_none()) {
            let key: fn(&str) -> String = str::to_lowercase;
            return Err(unknown_filter("severity", "severities", value, &[], key));
        }
    }
    let term: fn(&str) -> String = crate::taxonomy::term_key;
    for (one, many, wanted, known, key) in [
        ("tag", "tags", &filters.tags, tags, term),
        ("service", "services", &filters.services, services, term),
        (
            "severity",
            "severities",
            &filters.severities,
            severities,
            str::to_lowercase,
        ),
    ] {
        let keys: HashSet<String> = known.iter().map(|k| key(k)).collect();
        if let Some(value) = wanted.iter().find(|v| !keys.contains(&key(v))) {
            return Err(unknown_filter(one, many, value, &known, key));
        }
    }
    Ok(())
}

/// The usage error of a filter value that no incident has: the nearest known value when one
/// stands out, and the known values (the first [`KNOWN_LISTED`]), one of each `key`.
fn unknown_filter(
    one: &str,
    many: &str,
    value: &str,
    known: &[&str],
    key: fn(&str) -> String,
) -> SearchError {
    let message = format!("no incident has the {one} \"{value}\"");
    // One entry per value however it is spelled, in the order given.
    let mut seen = HashSet::new();
    let known: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| seen.insert(key(k)))
        .collect();
    if known.is_empty() {
        return SearchError::Usage {
            message,
            hint: format!("no incident has any {one}: leave out --{one}"),
        };
    }
    let lower: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    let wanted = value.to_lowercase();
    // A suggestion only when one value is nearest (`SEV-9` is as near to SEV1 as to SEV4).
    let score = |c: &str| strsim::jaro_winkler(&wanted, c);
    let closest = crate::diagnostics::did_you_mean(&wanted, &lower)
        .filter(|best| lower.iter().filter(|c| score(c) == score(best)).count() == 1)
        .and_then(|best| lower.iter().position(|c| *c == best))
        .map(|i| known[i]);
    let mut list = known[..known.len().min(KNOWN_LISTED)].join(", ");
    if known.len() > KNOWN_LISTED {
        list.push_str(&format!(" and {} more", known.len() - KNOWN_LISTED));
    }
    let hint = match closest {
        Some(c) => format!("did you mean \"{c}\"? Known {many}: {list}"),
        None => format!("known {many}: {list}"),
    };
    SearchError::Usage { message, hint }
}

/// Loads the knowledge base under `root`, brings the cached index up to date and searches it:
/// with `drafts`, drafts, postmortems in review and internal ones too, as `build --drafts`
/// publishes them.
pub fn search(
    root: &Path,
    query: &str,
    filters: &Filters,
    limit: usize,
    drafts: bool,
) -> Result<Outcome, SearchError> {
    crate::root_folder(root).map_err(SearchError::Root)?;
    check_query(query, filters)?;
    let config = Config::load(root).map_err(SearchError::Config)?;
    let diags = Diagnostics::new();
    let output: PathBuf = root.join(&config.output_dir);
    let mut lib = crate::content::load(
        &crate::content::LoadOptions {
            root,
            config: &config,
            output: &output,
            drafts: drafts || config.drafts,
            render: false,
            keep_text: true,
            keep_source: None,
        },
        &diags,
    );
    if let Some(missing) = diags
        .into_sorted()
        .into_iter()
        .find(|d| d.rule == "content-missing")
    {
        return Err(SearchError::Content {
            hint: missing.hint,
            message: missing.message,
        });
    }
    let cache = root.join(CACHE_DIR);
    let (learnings, cached) = learning_docs(root, &config, &mut lib, &cache);
    // A severity is read as front matter's is: `SEV-2`, `sev 2` are the scale's `SEV2`.
    let filters = &Filters {
        severities: filters
            .severities
            .iter()
            .map(|s| config.severity_level(s).unwrap_or(s).to_string())
            .collect(),
        ..filters.clone()
    };
    let docs: Vec<Doc> = incident_docs(&lib)
        .chain(learnings.iter().cloned())
        .collect();
    check_filters(filters, &docs, &config)?;
    let outcome = search_docs(&cache, &docs, query, filters, limit);
    // After the index, which empties the folder when it rebuilds. Clusters that cannot be
    // written are formed again next time.
    let learnings_cached = match cached {
        Some(Cached { key, hit: false }) => {
            let _ = write_learnings(&cache, &key, &learnings);
            false
        }
        Some(Cached { hit, .. }) => hit,
        None => false,
    };
    Ok(Outcome {
        learnings_cached,
        ..outcome
    })
}

/// The documents of the learning pages the site publishes (see [`docs`]), clusters as `build`
/// forms them, and whether they came from the cache in `cache` (`None` when the knowledge base
/// could not be read to key them). Forming the clusters reads every learning and action item:
/// about a quarter of a search of 10,000 postmortems, done again only when a file it reads
/// changes (see [`learnings_key`]). Also links `lib`'s learnings to their groups when it forms
/// them; the documents of incidents do not read those links.
fn learning_docs(
    root: &Path,
    config: &Config,
    lib: &mut Library,
    cache: &Path,
) -> (Vec<Doc>, Option<Cached>) {
    let key = learnings_key(root, config, lib);
    if let Some(docs) = key.as_deref().and_then(|k| read_learnings(cache, k)) {
        return (docs, key.map(|key| Cached { key, hit: true }));
    }
    // What `check` reports about them is not the search's to say.
    let quiet = Diagnostics::new();
    let lexicon = crate::learnings::lexicon(root, config, &quiet);
    let graph = crate::learnings::link(
        lib,
        &lexicon,
        Some(config.learnings.similarity_threshold),
        None,
        &quiet,
    );
    let docs = graph.groups.iter().map(|g| learning_doc(lib, g)).collect();
    (docs, key.map(|key| Cached { key, hit: false }))
}

/// The key of [`learning_docs`]'s cache: what forms the clusters, and so holds every input of
/// them. The files clustering reads (hindsight.toml, the vocabulary file, every postmortem and
/// canonical learning loaded, by path and bytes), Hindsight's version and the index's
/// [`index::SCHEMA_VERSION`]. `None` when one of them cannot be read.
fn learnings_key(root: &Path, config: &Config, lib: &Library) -> Option<String> {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION"));
    hash.update(index::SCHEMA_VERSION.to_le_bytes());
    let files = [PathBuf::from(crate::config::FILE_NAME)]
        .into_iter()
        .chain(config.learnings.concepts.clone())
        .chain(lib.incidents.iter().map(|i| PathBuf::from(&i.source)))
        .chain(lib.learnings.iter().map(|l| PathBuf::from(&l.source)));
    for file in files {
        let path = root.join(&file);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            // A site without hindsight.toml.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path.exists() => Vec::new(),
            Err(_) => return None,
        };
        let name = file.to_string_lossy();
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Some(hex(&hash.finalize()))
}

/// The key of the learning pages' documents, and whether they were read from the cache.
#[derive(Debug, Clone)]
struct Cached {
    key: String,
    hit: bool,
}

/// The file of [`LEARNINGS_CACHE`]: the learning pages' documents and their key.
#[derive(Serialize, Deserialize)]
struct LearningsFile {
    key: String,
    docs: Vec<Doc>,
}

fn read_learnings(cache: &Path, key: &str) -> Option<Vec<Doc>> {
    let bytes = std::fs::read(cache.join(LEARNINGS_CACHE)).ok()?;
    let file: LearningsFile = serde_json::from_slice(&bytes).ok()?;
    // `kind` is not stored (see [`Doc::kind`]): every one of them is a learning page.
    (file.key == key).then(|| {
        file.docs
            .into_iter()
            .map(|d| Doc {
                kind: Kind::Learning,
                ..d
            })
            .collect()
    })
}

fn write_learnings(cache: &Path, key: &str, docs: &[Doc]) -> std::io::Result<()> {
    let file = LearningsFile {
        key: key.to_string(),
        docs: docs.to_vec(),
    };
    std::fs::create_dir_all(cache)?;
    let tmp = cache.join(format!("{LEARNINGS_CACHE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(&file)?)?;
    std::fs::rename(&tmp, cache.join(LEARNINGS_CACHE))
}

/// Searches `docs` through the index cached in `cache`.
pub fn search_docs(
    cache: &Path,
    docs: &[Doc],
    query: &str,
    filters: &Filters,
    limit: usize,
) -> Outcome {
    let read = crate::analysis::read_query(query);
    let (idx, update) = index::SearchIndex::open(cache, docs);
    // Without words, every document that passes the filters matches; newest come first.
    let fetch = if read.wanted.is_empty() {
        usize::MAX
    } else {
        limit
    };
    let run = |idx: &index::SearchIndex| {
        let wanted = read.focused(|id| idx.holds(id).unwrap_or(false));
        let named = named(docs, &wanted);
        let words = words_of(idx, &read, &wanted);
        idx.search(&words, &read.excluded, &named, filters, fetch)
            .map(|ranked| (ranked, words))
    };
    let (ranked, words) = match run(&idx) {
        Ok(r) => r,
        Err(_) => {
            let (idx, _) = index::SearchIndex::rebuild(cache, docs);
            run(&idx).unwrap_or_default()
        }
    };
    let wanted: Vec<&String> = words.iter().flatten().collect();
    let by_source: HashMap<&str, &Doc> = docs.iter().map(|d| (d.source.as_str(), d)).collect();
    let query_terms: BTreeSet<&str> = wanted.iter().map(|t| t.as_str()).collect();
    let mut hits: Vec<Hit> = ranked
        .into_iter()
        .filter_map(|(score, source)| {
            by_source
                .get(source.as_str())
                .map(|d| hit(d, score, &query_terms))
        })
        .collect();
    if wanted.is_empty() {
        if filters.is_empty() {
            hits.clear();
        }
        hits.sort_by(|a, b| crate::content::newest_first((&a.date, &a.id), (&b.date, &b.id)));
        hits.truncate(limit);
    }
    let missing = if hits.is_empty() {
        Vec::new()
    } else {
        // A word written `prefix*` is held when a term it begins is.
        missing(&read, query, |t| {
            match read.prefixes.iter().find(|(w, _)| w == t) {
                Some(_) => words
                    .iter()
                    .find(|w| w.first().is_some_and(|f| f == t))
                    .is_some_and(|w| w.iter().any(|t| idx.holds(t).unwrap_or(true))),
                None => idx.holds(t).unwrap_or(true),
            }
        })
    };
    // Beside hits, only a query that mends every missing word is worth suggesting.
    let idle_exclusions: Vec<String> = read
        .exclusions
        .iter()
        .filter(|(_, terms)| {
            !terms.is_empty() && !terms.iter().any(|t| idx.holds(t).unwrap_or(true))
        })
        .map(|(written, _)| written.clone())
        .collect();
    let suggestion = if hits.is_empty() && !wanted.is_empty() {
        suggest(&idx, docs, query).map(|(s, _)| s)
    } else if !missing.is_empty() || !idle_exclusions.is_empty() {
        suggest(&idx, docs, query).and_then(|(s, all)| all.then_some(s))
    } else {
        None
    };
    Outcome {
        hits,
        suggestion,
        missing,
        idle_exclusions,
        update,
        learnings_cached: false,
    }
}

/// The words of `query`, as written, each once, in the order of its terms, whose term no
/// document `holds`: its words and identifiers, not the words it writes only inside an
/// identifier or a camel-case word (those stand for the whole, which is named instead), nor
/// the stop words and exclusions it does not search for. `search.js` names the same words.
pub fn missing(
    read: &crate::analysis::Query,
    query: &str,
    holds: impl Fn(&str) -> bool,
) -> Vec<String> {
    let rest = crate::analysis::searched(query);
    let written: Vec<(Range<usize>, String)> = crate::analysis::tokens(&rest)
        .into_iter()
        .chain(crate::analysis::id_terms(&rest))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for t in &read.wanted {
        if read.inside_ids.iter().any(|(w, _)| w == t) || holds(t) || read.found_by_words(t, &holds)
        {
            continue;
        }
        if let Some((r, _)) = written.iter().find(|(_, w)| w == t) {
            let word = rest[r.clone()].to_string();
            if !out.contains(&word) {
                out.push(word);
            }
        }
    }
    out
}

/// The [`Outcome::idle_exclusions`] as a sentence: `-fluentdd leaves out nothing: no incident
/// or learning holds it.` `search.js` says the same in its status line.
pub fn idle_said(written: &[String]) -> String {
    match written.split_last() {
        Some((last, [])) => {
            format!("{last} leaves out nothing: no incident or learning holds it.")
        }
        Some((last, rest)) => format!(
            "{} and {last} leave out nothing: no incident or learning holds them.",
            rest.join(", ")
        ),
        None => String::new(),
    }
}

/// Each of the terms `wanted` as the terms it searches for: itself, and for a word written
/// `prefix*` (see [`crate::analysis::Query::prefixes`]) the terms of the index it begins, the
/// first [`PREFIX_TERMS`] in all, as `search.js` reads the word being typed.
fn words_of(
    idx: &index::SearchIndex,
    read: &crate::analysis::Query,
    wanted: &[String],
) -> Vec<Vec<String>> {
    wanted
        .iter()
        .map(|t| {
            let mut terms = vec![t.clone()];
            if let Some((_, prefix)) = read.prefixes.iter().find(|(w, _)| w == t) {
                terms.extend(
                    idx.terms_with_prefix(prefix, PREFIX_TERMS)
                        .into_iter()
                        .filter(|p| p != t)
                        .take(PREFIX_TERMS - 1),
                );
            }
            terms
        })
        .collect()
}

/// The most terms a word written `prefix*` searches for (`search.js` takes as many).
const PREFIX_TERMS: usize = 24;

/// The words of [`missing`] as a sentence: `No incident or learning holds "a", "b" or "c".`
pub fn missing_said(words: &[String]) -> String {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("{:?}", crate::render::truncate(w, 40)))
        .collect();
    let list = match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("No incident or learning holds {list}.")
}

/// `query` with each word that no document holds written as the nearest word that some
/// document does, as that document writes it (lowercased), and whether every such word had
/// one; `None` when no word is unknown or none has a near one.
fn suggest(idx: &index::SearchIndex, docs: &[Doc], query: &str) -> Option<(String, bool)> {
    let mut out = query.to_string();
    let mut changed = false;
    let mut all = true;
    // From the last word, so that the ranges of those before hold.
    for (range, term) in crate::analysis::tokens(query).into_iter().rev() {
        if idx.holds(&term).unwrap_or(true) {
            continue;
        }
        let raw = query[range.clone()].to_lowercase();
        let near = idx.nearest_term(&[term.as_str(), raw.as_str()]);
        // A word of two that some documents hold, run together (`timezone`), rather than a
        // word two edits away (`timeline`).
        if near.as_ref().is_none_or(|(_, cost)| *cost >= 3) {
            if let Some(apart) = word_break(idx, &raw) {
                out.replace_range(range, &apart);
                changed = true;
                continue;
            }
        }
        let Some((near, _)) = near else {
            all = false;
            continue;
        };
        let written = docs.iter().find_map(|d| {
            [d.title.as_str(), d.summary.as_str(), d.body.as_str()]
                .into_iter()
                .find_map(|text| {
                    crate::analysis::tokens(text)
                        .into_iter()
                        .find(|(_, t)| *t == near)
                        .map(|(r, _)| text[r].to_lowercase())
                })
        });
        if let Some(word) = written {
            out.replace_range(range, &word);
            changed = true;
        } else {
            all = false;
        }
    }
    changed.then_some((out, all))
}

/// `word` written as the two words some documents hold, each of three letters or more, that
/// it runs together (`timezone` is `time zone`): of several ways, the one whose shorter word
/// is longest. Only a word of letters alone.
fn word_break(idx: &index::SearchIndex, word: &str) -> Option<String> {
    if !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let held = |w: &str| match crate::analysis::terms(w).as_slice() {
        [t] => idx.holds(t).unwrap_or(false),
        _ => false,
    };
    let cuts: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
    cuts.iter()
        .filter(|&&i| {
            let (a, b) = word.split_at(i);
            a.chars().count() >= 3 && b.chars().count() >= 3
        })
        .map(|&i| word.split_at(i))
        .filter(|(a, b)| held(a) && held(b))
        .max_by_key(|(a, b)| {
            (
                a.chars().count().min(b.chars().count()),
                std::cmp::Reverse(a.len()),
            )
        })
        .map(|(a, b)| format!("{a} {b}"))
}

/// The source paths of the incidents whose id the query terms `wanted` name (see
/// [`crate::analysis::id_term`]): `PM2021-005`, `pm2021-005` or "is this like PM2021-005?"
/// name `PM2021-005`. They come first, before the incidents that mention the id.
fn named(docs: &[Doc], wanted: &[String]) -> Vec<String> {
    docs.iter()
        .filter(|d| d.kind == Kind::Incident)
        .filter(|d| crate::analysis::id_term(&d.id).is_some_and(|t| wanted.contains(&t)))
        .map(|d| d.source.clone())
        .collect()
}

/// A hit for `doc`: the section that matches `query` best, and a snippet of it.
fn hit(doc: &Doc, score: f32, query: &BTreeSet<&str>) -> Hit {
    let best = doc
        .sections
        .iter()
        .map(|s| {
            let counted = coverage(&format!("{}\n{}", s.title, s.text), query);
            (counted, s)
        })
        .filter(|(c, _)| c.0 > 0)
        // Most distinct terms, then the earliest section: how often a word repeats (a
        // timeline that names the certificate in every line, a code block) does not make a
        // section say more about the query. The browser chooses by the same rule.
        .fold(
            None::<((usize, usize), &DocSection)>,
            |acc, (c, s)| match acc {
                Some((ac, _)) if ac.0 >= c.0 => acc,
                _ => Some((c, s)),
            },
        );
    let summary_coverage = coverage(&doc.summary, query);
    // (the section linked to, the name of where the match is, the snippet)
    let (section, name, snippet) = match best {
        // The summary, at the top of the page, wins a tie.
        Some((c, s)) if c.0 > summary_coverage.0 || doc.summary.is_empty() => {
            (Some(s), Some(s.title.clone()), snippet(&s.text, query))
        }
        _ if doc.summary.is_empty() => match doc.sections.first() {
            Some(s) => (Some(s), Some(s.title.clone()), snippet(&s.text, query)),
            None => (None, None, snippet(&doc.title, query)),
        },
        // The summary matched: the section it was taken from (a Summary, Overview or TL;DR
        // section), else the summary the page shows at its top, under the title.
        _ if summary_coverage.0 > 0 => {
            let from = doc
                .sections
                .iter()
                .find(|s| !s.title.is_empty() && s.text.contains(doc.summary.trim()));
            let name = from.map_or(SUMMARY.to_string(), |s| s.title.clone());
            (from, Some(name), snippet(&doc.summary, query))
        }
        // Only the title, the labels or a learning matched: the summary says what it is about.
        _ => (None, None, snippet(&doc.summary, query)),
    };
    // A canonical learning's text above every heading is the top of its page.
    let (section, name) = match section {
        Some(s) if s.is_top() => (None, None),
        _ => (section, name),
    };
    Hit {
        id: doc.id.clone(),
        kind: doc.kind,
        url: match section {
            Some(s) => format!("{}#{}", doc.url, s.anchor),
            None => doc.url.clone(),
        },
        title: doc.title.clone(),
        date: doc.date.map(|d| d.format("%Y-%m-%d").to_string()),
        shown_date: doc.shown_date(),
        score: (score * 1000.0).round() / 1000.0,
        section: name,
        snippet: snippet.text,
        marks: snippet.marks,
    }
}

/// (distinct query terms in `text`, matches of query terms in `text`).
fn coverage(text: &str, query: &BTreeSet<&str>) -> (usize, usize) {
    let mut distinct = BTreeSet::new();
    let mut all = 0;
    for t in terms(text) {
        if let Some(q) = query.get(t.as_str()) {
            distinct.insert(*q);
            all += 1;
        }
    }
    (distinct.len(), all)
}

/// About [`SNIPPET_TOKENS`] words of `text` around the window with the most distinct query
/// terms, whitespace collapsed, with the matched words marked.
pub fn snippet(text: &str, query: &BTreeSet<&str>) -> Snippet {
    let toks = tokens(text);
    if toks.is_empty() {
        return Snippet {
            text: crate::markdown::collapse_ws(text),
            marks: Vec::new(),
        };
    }
    // The query term each word matches: its own, that of an identifier it is part of
    // (`CVE-2021-44228`, which a query may hold without its pieces), or that of one of its
    // camel-case parts (`NotReady` for "ready").
    let mut keys: Vec<Option<&str>> = toks
        .iter()
        .map(|(_, t)| query.get(t.as_str()).copied())
        .collect();
    for (r, id) in crate::analysis::id_terms(text) {
        if let Some(&q) = query.get(id.as_str()) {
            for (k, (w, _)) in toks.iter().enumerate() {
                if w.start >= r.start && w.end <= r.end {
                    keys[k] = Some(q);
                }
            }
        }
    }
    for (r, part) in crate::analysis::part_terms(text) {
        if let Some(&q) = query.get(part.as_str()) {
            if let Some(k) = toks
                .iter()
                .position(|(w, _)| w.start <= r.start && r.end <= w.end)
            {
                keys[k].get_or_insert(q);
            }
        }
    }
    let matched: Vec<bool> = keys.iter().map(Option::is_some).collect();
    let mut start = 0;
    let mut best = (0usize, 0usize);
    for (i, _) in matched.iter().enumerate().filter(|(_, m)| **m) {
        let from = i.saturating_sub(4);
        let to = (from + SNIPPET_TOKENS).min(toks.len());
        let mut distinct = BTreeSet::new();
        let mut all = 0;
        for key in keys[from..to].iter().flatten() {
            distinct.insert(*key);
            all += 1;
        }
        if (distinct.len(), all) > best {
            best = (distinct.len(), all);
            start = from;
        }
    }
    let end = (start + SNIPPET_TOKENS).min(toks.len());
    let mut out = String::new();
    let mut marks: Vec<Range<usize>> = Vec::new();
    let from = if start == 0 { 0 } else { toks[start].0.start };
    if start > 0 {
        out.push_str("… ");
    }
    let mut at = from;
    for ((r, _), m) in toks[start..end].iter().zip(&matched[start..end]) {
        push_collapsed(&mut out, &text[at..r.start]);
        let begin = out.len();
        out.push_str(&text[r.clone()]);
        if *m {
            // Matched words with nothing between them (characters of `東京`) are one mark.
            match marks.last_mut() {
                Some(last) if last.end == begin => last.end = out.len(),
                _ => marks.push(begin..out.len()),
            }
        }
        at = r.end;
    }
    if end == toks.len() {
        push_collapsed(&mut out, text[at..].trim_end());
    } else {
        out.push_str(" …");
    }
    let trimmed = out.trim_start().len();
    let cut = out.len() - trimmed;
    if cut > 0 {
        out.drain(..cut);
        for m in &mut marks {
            *m = m.start - cut..m.end - cut;
        }
    }
    Snippet { text: out, marks }
}

/// Appends `s` with every run of whitespace turned into one space.
fn push_collapsed(out: &mut String, s: &str) {
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
}

/// `text` with the `marks` wrapped in `open` and `close`.
pub fn mark(text: &str, marks: &[Range<usize>], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * (open.len() + close.len()));
    let mut at = 0;
    for m in marks {
        out.push_str(&text[at..m.start]);
        out.push_str(open);
        out.push_str(&text[m.clone()]);
        out.push_str(close);
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The hits as `search --json` prints them: one JSON array.
pub fn to_json(hits: &[Hit]) -> String {
    serde_json::to_string_pretty(hits).expect("hits serialize")
}

/// The hits as a ranked list for people; bold and colour when `color`.
pub fn to_human(hits: &[Hit], color: bool) -> String {
    let (bold, dim, hl, reset) = if color {
        ("\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    for (n, h) in hits.iter().enumerate() {
        // What it is and where: an incident by its id, a learning by its page's path.
        let mut meta = match h.kind {
            Kind::Incident => vec!["incident".to_string(), h.id.clone()],
            Kind::Learning => vec!["learning".to_string(), format!("learnings/{}/", h.id)],
        };
        meta.extend(h.shown_date.clone());
        if let Some(s) = &h.section {
            meta.push(format!("§ {s}"));
        }
        out.push_str(&format!(
            "{:>2}. {bold}{}{reset}\n    {dim}{}{reset}\n",
            n + 1,
            h.title,
            meta.join(" · ")
        ));
        if !h.snippet.is_empty() {
            out.push_str(&format!("    {}\n", mark(&h.snippet, &h.marks, hl, reset)));
        }
        out.push('\n');
    }
    out
}

/// `hindsight search`: prints the hits, returns the exit code (0 with or without hits, 2 when
/// the search could not run: no query, a filter value no incident has, no content folder).
pub fn main(args: &crate::cli::SearchArgs) -> ExitCode {
    let filters = Filters {
        tags: args.tag.clone(),
        services: args.service.clone(),
        severities: args.severity.clone(),
        since: args.since,
    };
    let query = args.query();
    let outcome = match search(&args.common.root, &query, &filters, args.limit, args.drafts) {
        Ok(o) => o,
        Err(e) => {
            if let SearchError::Config(ds) = &e {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!(
                    "{}",
                    crate::diagnostics::render_human(ds, &args.common.root, color)
                );
            }
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("help: {hint}");
            }
            return ExitCode::from(2);
        }
    };
    if args.verbose {
        let u = &outcome.update;
        eprintln!(
            "search index: {} indexed, {} removed, {} unchanged{}{}",
            u.indexed,
            u.removed,
            u.unchanged,
            if u.rebuilt { " (rebuilt)" } else { "" },
            if u.in_memory { " (in memory)" } else { "" },
        );
        eprintln!(
            "learning clusters: {}",
            if outcome.learnings_cached {
                "cached"
            } else {
                "formed"
            }
        );
    }
    if !args.common.quiet && !args.json && !outcome.idle_exclusions.is_empty() {
        eprintln!("{}", idle_said(&outcome.idle_exclusions));
        // Beside results, as the words nothing holds would mend it (said below when some are).
        if let (Some(s), false) = (&outcome.suggestion, outcome.hits.is_empty()) {
            if outcome.missing.is_empty() {
                eprintln!("Did you mean {:?}?", crate::render::truncate(s, 80));
            }
        }
    }
    let stdout = std::io::stdout();
    let text = if args.json {
        format!("{}\n", to_json(&outcome.hits))
    } else if outcome.hits.is_empty() {
        if !args.common.quiet {
            eprintln!("{}", no_results(&query, &filters));
            if let Some(s) = &outcome.suggestion {
                eprintln!("Did you mean {:?}?", crate::render::truncate(s, 80));
            }
        }
        String::new()
    } else {
        if !args.common.quiet && !outcome.missing.is_empty() {
            eprintln!("{}", missing_said(&outcome.missing));
            if let Some(s) = &outcome.suggestion {
                eprintln!("Did you mean {:?}?", crate::render::truncate(s, 80));
            }
        }
        let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        to_human(&outcome.hits, color)
    };
    let mut lock = stdout.lock();
    match lock.write_all(text.as_bytes()).and_then(|_| lock.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the results: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_splits_lowercases_folds_and_stems() {
        assert_eq!(
            terms("Logs weren't SHIPPED to Café-CloudWatch"),
            [
                "log",
                "weren",
                "t",
                "ship",
                "to",
                "cafe",
                "cloudwatch",
                "cloud",
                "watch"
            ]
        );
    }

    #[test]
    fn analysis_drops_tokens_of_65_bytes_or_more_and_keeps_a_commit_hash() {
        let long = "a".repeat(65);
        assert_eq!(terms(&format!("short {long} word")), ["short", "word"]);
        let sha256 = "9f".repeat(32);
        assert_eq!(
            terms(&format!("commit {sha256}")),
            ["commit", sha256.as_str()]
        );
    }

    #[test]
    fn a_snippet_shows_and_marks_an_identifier_the_query_holds_without_its_pieces() {
        let text = format!(
            "{} Log4Shell, CVE-2021-44228, reached us through a vendor's appliance.",
            "Investigating which applications we ran took most of the week. ".repeat(6)
        );
        let q: BTreeSet<&str> = ["cve-2021-44228"].into_iter().collect();
        let s = snippet(&text, &q);
        let marked: Vec<&str> = s.marks.iter().map(|m| &s.text[m.clone()]).collect();
        assert_eq!(marked, ["CVE", "2021", "44228"], "{}", s.text);
    }

    #[test]
    fn a_snippet_marks_the_matched_words_around_the_best_window() {
        let q: BTreeSet<&str> = ["ship", "log"].into_iter().collect();
        let s = snippet("Nothing here.\n\nThe  logs were not shipped.", &q);
        assert_eq!(s.text, "Nothing here. The logs were not shipped.");
        assert_eq!(
            mark(&s.text, &s.marks, "[", "]"),
            "Nothing here. The [logs] were not [shipped]."
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_match_with_ellipses() {
        let text = format!("{} needle {}", "word ".repeat(50), "word ".repeat(50));
        let q: BTreeSet<&str> = ["needl"].into_iter().collect();
        let s = snippet(&text, &q);
        assert!(s.text.starts_with("… word"), "{}", s.text);
        assert!(s.text.ends_with(" …"), "{}", s.text);
        assert_eq!(
            mark(&s.text, &s.marks, "[", "]")
                .matches("[needle]")
                .count(),
            1
        );
    }
}
