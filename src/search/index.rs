/*!
The terminal's search index: a tantivy index kept in `.hindsight-cache/search/` under the root.

The index holds one document per incident and per learning page (canonical learnings and
clusters), keyed by its source path (a cluster, which has no file, by its page's path). A small
manifest beside it maps every source path to the hash of the document indexed for it, so an
update re-indexes only the documents whose content changed and deletes those whose file (or
cluster) is gone. The cache is rebuilt from scratch when [`SCHEMA_VERSION`] changes, and
whenever it cannot be read: a broken cache is never an error. When the folder cannot be
written at all, the index is built in memory for this one search.
*/

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::{doc, DocAddress, Index, IndexWriter, TantivyDocument, Term};

use super::{Doc, Filters, ANALYZER};
use crate::taxonomy::term_key;

/// Bump when the schema, the analysis or what a document holds changes: the cache is then
/// rebuilt from scratch. Bump it too when clustering forms other clusters from the same files:
/// the learning pages' documents are cached beside the index under a key that holds it (see
/// `search::learning_docs`). 6: they came to be cached. 7: an incident's id is indexed, and
/// identifiers are terms (`crate::analysis::Ids`). 8: words of up to 64 bytes (a commit hash) are
/// terms. 9: "crash loop" and "OOM killed" are compounds. 10: camel-case words have parts
/// (`crate::analysis::Parts`).
pub const SCHEMA_VERSION: u32 = 10;

const MANIFEST: &str = "manifest.json";
const INDEX_DIR: &str = "tantivy";
const WRITER_MEMORY: usize = 100_000_000;

/// Full-text fields and how much a match in each counts. `id` is an incident's id (`PM2021-005`).
const WEIGHTS: &[(&str, f32)] = &[
    ("title", 3.0),
    ("summary", 2.0),
    ("learnings", 1.5),
    ("labels", 1.5),
    ("actions", 1.0),
    ("body", 1.0),
    ("id", 3.0),
];

/// Source path -> hash of the document indexed for it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    schema: u32,
    docs: BTreeMap<String, String>,
}

/// What opening the index had to do.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    /// Documents (re-)indexed because they were new or changed.
    pub indexed: usize,
    /// Documents deleted because their file is gone.
    pub removed: usize,
    /// Documents left as they were.
    pub unchanged: usize,
    /// The cache was missing, stale or unreadable and was built from scratch.
    pub rebuilt: bool,
    /// The cache folder could not be written; the index lives in memory.
    pub in_memory: bool,
}

struct Fields {
    source: Field,
    text: Vec<(Field, f32)>,
    tag: Field,
    service: Field,
    severity: Field,
    day: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let source = b.add_text_field("source", STRING | STORED);
    let text_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let text = WEIGHTS
        .iter()
        .map(|(name, w)| (b.add_text_field(name, text_options.clone()), *w))
        .collect();
    let tag = b.add_text_field("tag", STRING);
    let service = b.add_text_field("service", STRING);
    let severity = b.add_text_field("severity", STRING);
    let day = b.add_i64_field("day", NumericOptions::default().set_indexed());
    (
        b.build(),
        Fields {
            source,
            text,
            tag,
            service,
            severity,
            day,
        },
    )
}

/// An open search index.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
}

impl SearchIndex {
    /// Opens the index cached in `dir` and brings it up to date with `docs`. Never fails: a
    /// cache that cannot be read is rebuilt, one that cannot be written is replaced by an
    /// index in memory.
    pub fn open(dir: &Path, docs: &[Doc]) -> (SearchIndex, Update) {
        if let Ok(opened) = update(dir, docs) {
            return opened;
        }
        Self::rebuild(dir, docs)
    }

    /// Deletes the cache in `dir` and builds it again (in memory if that fails).
    pub fn rebuild(dir: &Path, docs: &[Doc]) -> (SearchIndex, Update) {
        let _ = std::fs::remove_dir_all(dir);
        match update(dir, docs) {
            Ok(opened) => opened,
            Err(_) => in_memory(docs),
        }
    }

    /// One query for a word: any of the text fields, each with its boost.
    fn word(&self, t: &str) -> BooleanQuery {
        let per_field: Vec<(Occur, Box<dyn Query>)> = self
            .fields
            .text
            .iter()
            .map(|(field, w)| {
                let q = TermQuery::new(
                    Term::from_field_text(*field, t),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), *w)) as Box<dyn Query>,
                )
            })
            .collect();
        BooleanQuery::new(per_field)
    }

    /// The term of the index nearest a word no document holds, given as its `forms` (its term
    /// and as written, lowercased: a stem can be far from the word, `prometheous` is
    /// `prometh`), with its cost (see below): what the word was most likely meant to be. A term
    /// begins with the letter a form begins with (`disk` is not `risk`, as Lucene's spell
    /// checker keeps the first letter), and is either within one edit of a form for a word of
    /// up to five letters, two for a longer one (`certifcate`), or begins with a form of three
    /// letters or more (`cert` is `certificate`). A term a short word of up to four letters
    /// begins with is no suggestion (`etcd` is not `etc`) unless it only drops a doubled
    /// last letter (`dnss` is `dns`). Cost: one edit 2, two edits 4, a
    /// word begun 1 for a word of up to five letters (`cert` is `certificate` rather than
    /// `cet`), else 3; the least cost first, then the term most documents hold, then the first
    /// in order.
    pub fn nearest_term(&self, forms: &[&str]) -> Option<(String, usize)> {
        let searcher = self.index.reader().ok()?.searcher();
        let longest = forms.iter().map(|f| f.chars().count()).max()?;
        let shortest = forms.iter().map(|f| f.chars().count()).min()?;
        let allowed = if longest <= 5 { 1 } else { 2 };
        let begun_cost = if shortest <= 5 { 1 } else { 3 };
        let mut found: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
        for reader in searcher.segment_readers() {
            for (field, _) in &self.fields.text {
                let Ok(inverted) = reader.inverted_index(*field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let first = term.chars().next();
                    if term.chars().count() < 3
                        || !forms.iter().any(|f| f.chars().next() == first)
                        || forms.iter().any(|f| cut_short(f, term))
                    {
                        continue;
                    }
                    let begun = forms
                        .iter()
                        .any(|f| f.chars().count() >= 3 && term.starts_with(f) && term != *f);
                    let cost = if begun {
                        begun_cost
                    } else {
                        if forms.iter().all(|f| term.len().abs_diff(f.len()) > allowed) {
                            continue;
                        }
                        let edits = forms
                            .iter()
                            .map(|f| strsim::osa_distance(f, term))
                            .min()
                            .unwrap_or(usize::MAX);
                        if edits == 0 || edits > allowed {
                            continue;
                        }
                        edits * 2
                    };
                    let entry = found.entry(term.to_string()).or_insert((cost, 0));
                    entry.0 = entry.0.min(cost);
                    entry.1 += u64::from(stream.value().doc_freq);
                }
            }
        }
        found
            .into_iter()
            .min_by(|a, b| {
                (a.1 .0, std::cmp::Reverse(a.1 .1)).cmp(&(b.1 .0, std::cmp::Reverse(b.1 .1)))
            })
            .map(|(term, (cost, _))| (term, cost))
    }

    /// The terms of the index that begin with `prefix` (written, lowercased and folded), in
    /// order, at most `limit`: what a word written `prefix*` searches for, as the search page
    /// reads the word being typed.
    pub fn terms_with_prefix(&self, prefix: &str, limit: usize) -> Vec<String> {
        let Ok(reader) = self.index.reader() else {
            return Vec::new();
        };
        let searcher = reader.searcher();
        let mut found: std::collections::BTreeSet<String> = Default::default();
        for segment in searcher.segment_readers() {
            for (field, _) in &self.fields.text {
                let Ok(inverted) = segment.inverted_index(*field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream()
                else {
                    continue;
                };
                let mut taken = 0;
                while taken < limit && stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if !term.starts_with(prefix) {
                        break;
                    }
                    found.insert(term.to_string());
                    taken += 1;
                }
            }
        }
        found.into_iter().take(limit).collect()
    }

    /// Whether a document holds the analysed term `t`.
    pub fn holds(&self, t: &str) -> tantivy::Result<bool> {
        let searcher = self.index.reader()?.searcher();
        Ok(searcher.search(&self.word(t), &tantivy::collector::Count)? > 0)
    }

    /// The best `limit` documents for the analysed query `terms` that pass `filters` and hold
    /// none of the terms `excluded`, as (score, source path), best first: the documents of
    /// `named` (the incidents whose id the query names) first, then those holding more of the
    /// words, then by score, ties broken by source path.
    pub fn search(
        &self,
        terms: &[Vec<String>],
        excluded: &[String],
        named: &[String],
        filters: &Filters,
        limit: usize,
    ) -> tantivy::Result<Vec<(f32, String)>> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // A word is its terms, any of them: one, or those a `prefix*` begins.
        let word = |ts: &Vec<String>| {
            BooleanQuery::new(
                ts.iter()
                    .map(|t| (Occur::Should, Box::new(self.word(t)) as Box<dyn Query>))
                    .collect(),
            )
        };
        let words: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| (Occur::Should, Box::new(word(t)) as Box<dyn Query>))
            .collect();
        if !words.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(words))));
        }
        clauses.extend(exact(f.tag, &filters.tags, term_key));
        clauses.extend(exact(f.service, &filters.services, term_key));
        // An incident has one severity: several name the ones to keep, any of them.
        if !filters.severities.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> =
                exact(f.severity, &filters.severities, str::to_lowercase)
                    .map(|(_, q)| (Occur::Should, q))
                    .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(since) = filters.since {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(f.day, day_number(since))),
                    Bound::Unbounded,
                )),
            ));
        }
        if clauses.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // After the check: exclusions alone choose nothing.
        clauses.extend(
            excluded
                .iter()
                .map(|t| (Occur::MustNot, Box::new(self.word(t)) as Box<dyn Query>)),
        );
        let searcher = self.index.reader()?.searcher();
        // Rank every match, then read the source path of those that can make the cut, so
        // that ties are broken by source path and not by segment order (which depends on
        // the history of the cache). As in the browser, documents that hold more of the
        // query's words come first, then the higher score.
        let total = searcher.num_docs() as usize;
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &tantivy::collector::TopDocs::with_limit(total.max(1)).order_by_score(),
        )?;
        let mut held: HashMap<DocAddress, usize> = HashMap::new();
        if terms.len() > 1 {
            for t in terms {
                for address in searcher.search(&word(t), &DocSetCollector)? {
                    *held.entry(address).or_default() += 1;
                }
            }
        }
        // An incident the query names by its id comes before every one that does not: it
        // counts as holding more words than the query has.
        for source in named {
            let q = TermQuery::new(
                Term::from_field_text(f.source, source),
                IndexRecordOption::Basic,
            );
            for address in searcher.search(&q, &DocSetCollector)? {
                *held.entry(address).or_default() += terms.len() + 1;
            }
        }
        let mut top: Vec<(usize, f32, DocAddress)> = top
            .into_iter()
            .map(|(score, a)| (held.get(&a).copied().unwrap_or(0), score, a))
            .collect();
        let key_order =
            |a: &(usize, f32), b: &(usize, f32)| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1));
        top.sort_by(|a, b| key_order(&(a.0, a.1), &(b.0, b.1)));
        let cutoff = match top.get(limit.saturating_sub(1)) {
            Some(&(n, score, _)) if limit > 0 => (n, score),
            _ => (0, f32::MIN),
        };
        let mut found: Vec<(usize, f32, String)> = Vec::new();
        for (n, score, address) in top
            .into_iter()
            .take_while(|(n, s, _)| key_order(&(*n, *s), &cutoff).is_le())
        {
            let d: TantivyDocument = searcher.doc(address)?;
            if let Some(s) = d.get_first(f.source).and_then(|v| v.as_str()) {
                found.push((n, score, s.to_string()));
            }
        }
        found.sort_by(|a, b| key_order(&(a.0, a.1), &(b.0, b.1)).then_with(|| a.2.cmp(&b.2)));
        let mut hits: Vec<(f32, String)> = found.into_iter().map(|(_, s, p)| (s, p)).collect();
        hits.truncate(limit);
        Ok(hits)
    }
}

/// Whether `term` is a word `form` of up to four letters begins with, the letters it drops
/// not a last letter typed twice (`etc` of `etcd`, not `dns` of `dnss`).
fn cut_short(form: &str, term: &str) -> bool {
    let letters: Vec<char> = form.chars().collect();
    let doubled = letters.len() == term.chars().count() + 1
        && letters.len() >= 2
        && letters[letters.len() - 1] == letters[letters.len() - 2];
    letters.len() <= 4 && form.starts_with(term) && !doubled
}

/// One clause per value: the field must hold its `key`, as [`document`] indexes it.
fn exact(
    field: Field,
    values: &[String],
    key: fn(&str) -> String,
) -> impl Iterator<Item = (Occur, Box<dyn Query>)> + '_ {
    values.iter().map(move |v| {
        let q = TermQuery::new(
            Term::from_field_text(field, &key(v)),
            IndexRecordOption::Basic,
        );
        (Occur::Must, Box::new(q) as Box<dyn Query>)
    })
}

/// Days since 1 January of year 1: dates compare as numbers.
fn day_number(d: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.num_days_from_ce())
}

fn new_index_in(dir: &Path, schema: Schema) -> tantivy::Result<Index> {
    std::fs::create_dir_all(dir)?;
    Index::create_in_dir(dir, schema)
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, super::analyzer());
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
    serde_json::from_slice::<Manifest>(&bytes)
        .ok()
        .filter(|m| m.schema == SCHEMA_VERSION)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> std::io::Result<()> {
    let tmp: PathBuf = dir.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(manifest)?)?;
    std::fs::rename(&tmp, dir.join(MANIFEST))
}

/// Opens (or creates) the cached index and applies the changes between its manifest and `docs`.
fn update(dir: &Path, docs: &[Doc]) -> tantivy::Result<(SearchIndex, Update)> {
    let (schema, fields) = schema();
    let index_dir = dir.join(INDEX_DIR);
    let mut report = Update::default();
    let (index, mut manifest) = match read_manifest(dir) {
        Some(m) => {
            let index = Index::open_in_dir(&index_dir)?;
            if index.schema() != schema {
                return Err(tantivy::TantivyError::SchemaError(
                    "the cached index has another schema".into(),
                ));
            }
            (index, m)
        }
        None => {
            let _ = std::fs::remove_dir_all(dir);
            report.rebuilt = true;
            let m = Manifest {
                schema: SCHEMA_VERSION,
                docs: BTreeMap::new(),
            };
            // Write the manifest first: an index without one is never trusted.
            std::fs::create_dir_all(dir)?;
            (new_index_in(&index_dir, schema)?, m)
        }
    };
    register(&index);
    // A quick read proves the segments can be opened.
    index.reader()?.searcher();

    let wanted: BTreeMap<&str, (&Doc, String)> = docs
        .iter()
        .map(|d| (d.source.as_str(), (d, d.hash())))
        .collect();
    let changed: Vec<&Doc> = wanted
        .iter()
        .filter(|(source, (_, hash))| manifest.docs.get(**source) != Some(hash))
        .map(|(_, (d, _))| *d)
        .collect();
    let gone: Vec<String> = manifest
        .docs
        .keys()
        .filter(|s| !wanted.contains_key(String::as_str(s)))
        .cloned()
        .collect();
    report.indexed = changed.len();
    report.removed = gone.len();
    report.unchanged = docs.len() - changed.len();
    if !changed.is_empty() || !gone.is_empty() {
        let mut writer: IndexWriter = index.writer(WRITER_MEMORY)?;
        for source in changed
            .iter()
            .map(|d| d.source.as_str())
            .chain(gone.iter().map(String::as_str))
        {
            writer.delete_term(Term::from_field_text(fields.source, source));
        }
        for d in &changed {
            writer.add_document(document(&fields, d))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        for source in &gone {
            manifest.docs.remove(source);
        }
        for (source, (_, hash)) in &wanted {
            manifest.docs.insert(source.to_string(), hash.clone());
        }
        write_manifest(dir, &manifest)?;
    } else if report.rebuilt {
        write_manifest(dir, &manifest)?;
    }
    Ok((SearchIndex { index, fields }, report))
}

fn in_memory(docs: &[Doc]) -> (SearchIndex, Update) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    register(&index);
    let report = Update {
        indexed: docs.len(),
        rebuilt: true,
        in_memory: true,
        ..Update::default()
    };
    let added = index.writer(WRITER_MEMORY).and_then(|mut w: IndexWriter| {
        for d in docs {
            w.add_document(document(&fields, d))?;
        }
        w.commit().map(|_| ())
    });
    if let Err(e) = added {
        // Nothing sensible is left to fall back to; an empty index still answers.
        eprintln!("warning: cannot build the search index: {e}");
    }
    (SearchIndex { index, fields }, report)
}

fn document(f: &Fields, d: &Doc) -> TantivyDocument {
    let mut doc = doc!(f.source => d.source.as_str());
    let texts = [
        d.title.clone(),
        d.summary.clone(),
        d.learnings.join("\n"),
        d.labels(),
        d.actions.join("\n"),
        d.body.clone(),
        // Only an incident's: a learning page's id is its title's words again.
        if d.kind == super::Kind::Incident {
            d.id.clone()
        } else {
            String::new()
        },
    ];
    for ((field, _), text) in f.text.iter().zip(texts) {
        doc.add_text(*field, text);
    }
    for t in &d.tags {
        doc.add_text(f.tag, term_key(t));
    }
    for s in &d.services {
        doc.add_text(f.service, term_key(s));
    }
    if let Some(s) = &d.severity {
        doc.add_text(f.severity, s.to_lowercase());
    }
    if let Some(date) = d.date {
        doc.add_i64(f.day, day_number(date));
    }
    doc
}
