/*!
The static search index the browser reads: written by `hindsight build` under `search/`.

It is built from the same analysis as the terminal's tantivy index ([`super::tokens`]), so a
word the browser stems (in `search.js`) finds the terms written here. The layout keeps what a
query downloads small and the file count bounded at any size:

- `search/index.json`: the only file with a fixed name, small and always fetched fresh. It
  names every other file, lists the first term of each term shard, and holds the filter values
  (tags, services, severities, years) with their counts.
- `search/t-<hash>.json`: term shards. Terms are sorted and cut into shards of about
  [`SHARD_BYTES`] by range; a shard maps each term to its postings, a flat array of
  `[doc delta, score, section mask]` triples (score is a field-weighted BM25 times 10, over
  title, summary, learnings, labels, action items, body and an incident's id; bit `i` of the
  mask says the term occurs in the document's section `i`, and bit 31, [`ID_BIT`], that the
  term is the incident's id: a query holding it names the incident, listed first). A list cut to [`MAX_POSTINGS`]
  ends with one more number, the count of documents that hold the term.
- `search/f-<n>-<hash>.json`: result text, fetched only for the results shown, [`FRAGMENT_DOCS`]
  documents to a file: title, URL, date, severity, summary and each section's title, anchor and
  text (a canonical learning's text above every heading is a section with neither). The entry
  file lists each fragment's short hash, so changing one postmortem renames (and makes hosts
  and browsers fetch again) only the fragment that holds it.
- A term keeps at most [`MAX_POSTINGS`] documents, so no shard grows with the size of the site.
- `search/facets-<hash>.json`: every document's tags, services, severity and year, fetched
  only when a filter is used.

File names carry a hash of their bytes, so hosts can cache them for ever; the bytes are the
same for the same input. However large the site, the index stays under
[`MAX_SHARDS`] + [`MAX_FRAGMENTS`] + 2 files: shards and fragments grow instead of multiplying.
*/

use std::ops::Range;
use std::sync::Arc;

use chrono::Datelike;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{has_text, incident_doc, learning_doc, Doc, Kind};
use crate::analysis::{Ids, Joiner, Parts, Term};
use crate::content::Incident;
use crate::learnings::Group;
use crate::markdown::Section;
use crate::output::{Output, OutputError};

/// Version of the layout `search.js` reads.
pub const FORMAT: u32 = 2;
/// Target size of a term shard, in bytes of JSON; larger when that would make more than
/// [`MAX_SHARDS`] shards.
pub const SHARD_BYTES: usize = 32 * 1024;
/// Term shards stay about this many at most, whatever the size of the site.
pub const MAX_SHARDS: usize = 2000;
/// Documents per fragment file, more when that would make more than [`MAX_FRAGMENTS`] files:
/// 10,000 incidents make 2,500 files.
pub const FRAGMENT_DOCS: usize = 4;
/// Fragment files stay this many at most, whatever the size of the site.
pub const MAX_FRAGMENTS: usize = 2500;
/// Bytes of SHA-256 in a fragment's name (after its number, which keeps names unique).
const FRAGMENT_HASH_BYTES: usize = 4;
/// A term keeps the postings of this many documents at most, those where it scores best: a
/// word found in more documents than that does not tell them apart anyway.
pub const MAX_POSTINGS: usize = 2000;
/// Sections beyond this many share the last bit of the section mask.
const MASK_BITS: usize = 30;
/// The bit of the section mask that says the term is the document's id (see
/// [`crate::analysis::id_term`]): a query that holds it names the incident, which `search.js`
/// then lists first, as the terminal does.
pub const ID_BIT: u64 = 1 << 31;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Fields scored for the browser, with the weights of the terminal's index.
const FIELDS: usize = 7;
const WEIGHTS: [f64; FIELDS] = [3.0, 2.0, 1.5, 1.5, 1.0, 1.0, 3.0];

/// What the build writes under `search/`: (path relative to the site root, bytes). `stats` are
/// the incidents' [`incident_stats`] when the build made them already, in library order.
/// After the incidents come the learning pages the site publishes (`groups`: canonical
/// learnings and clusters), the documents the terminal searches (see [`super::docs`]).
pub fn files(
    lib: &crate::content::Library,
    groups: &[Group],
    stats: Option<&[Stats]>,
) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    let mut docs: Vec<Doc> = lib.incidents.par_iter().map(incident_doc).collect();
    let made: Vec<Stats>;
    let stats = match stats {
        Some(s) => s,
        None => {
            made = lib
                .incidents
                .par_iter()
                .map(|i| incident_stats(i, &mut plain))
                .collect();
            &made
        }
    };
    assert_eq!(stats.len(), docs.len(), "one analysis per incident");
    let learnings: Vec<Stats> = groups.iter().map(|g| learning_stats(lib, g)).collect();
    docs.extend(groups.iter().map(|g| learning_doc(lib, g)));
    let stats: Vec<&Stats> = stats.iter().chain(&learnings).collect();
    let mut files = Vec::new();
    let mut put = |prefix: &str, bytes: Vec<u8>| -> String {
        let name = format!("{prefix}-{}.json", hash(&bytes));
        files.push((format!("search/{name}"), bytes));
        name
    };

    // Term shards: sorted terms cut by size, at most about MAX_SHARDS of them.
    let postings = postings(&stats);
    let total: usize = postings.iter().map(|(t, p)| t.len() + p.len() * 4).sum();
    let shard_bytes = SHARD_BYTES.max(total / MAX_SHARDS + 1);
    let mut shards: Vec<(String, String)> = Vec::new();
    let mut shard = String::from("{");
    let mut first: Option<&str> = None;
    for (term, list) in &postings {
        let entry = postings_json(term, list);
        if first.is_some() && shard.len() + entry.len() > shard_bytes {
            shard.push('}');
            let bytes = std::mem::replace(&mut shard, String::from("{")).into_bytes();
            shards.push((
                first.take().unwrap_or_default().to_string(),
                put("t", bytes),
            ));
        }
        if first.is_none() {
            first = Some(term);
        } else {
            shard.push(',');
        }
        shard.push_str(&entry);
    }
    if first.is_some() {
        shard.push('}');
        shards.push((
            first.unwrap_or_default().to_string(),
            put("t", shard.into_bytes()),
        ));
    }
    // The first shard covers every term before the second one's first term.
    if let Some(s) = shards.first_mut() {
        s.0 = String::new();
    }

    // Result text, each file named by its number and a hash of its bytes.
    let per = FRAGMENT_DOCS.max(docs.len().div_ceil(MAX_FRAGMENTS));
    let fragments: Vec<Vec<u8>> = docs
        .par_chunks(per)
        .map(|chunk| {
            let list: Vec<Value> = chunk.iter().map(fragment).collect();
            serde_json::to_vec(&list).expect("json")
        })
        .collect();
    let hashes: Vec<String> = fragments
        .iter()
        .map(|b| super::hex(&Sha256::digest(b)[..FRAGMENT_HASH_BYTES]))
        .collect();

    // Facets.
    let (facets, filters) = facets(&docs);
    let facets_file = put("facets", serde_json::to_vec(&facets).expect("json"));

    let entry = json!({
        "format": FORMAT,
        "docs": docs.len(),
        "shards": shards,
        "fragments": {"docs": per, "hashes": hashes},
        "facets": facets_file,
        "filters": filters,
    });
    for (n, (bytes, h)) in fragments.into_iter().zip(&hashes).enumerate() {
        files.push((format!("search/f-{n}-{h}.json"), bytes));
    }
    files.push((
        "search/index.json".to_string(),
        serde_json::to_vec(&entry).expect("json"),
    ));
    files
}

/// One term of a shard as JSON: `"term":[doc delta, score, mask, ...]`.
fn postings_json(term: &str, list: &[u64]) -> String {
    use std::fmt::Write as _;
    let mut s = serde_json::to_string(term).expect("json");
    s.push_str(":[");
    for (i, v) in list.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        write!(s, "{v}").expect("writing to a String");
    }
    s.push(']');
    s
}

/// Writes the static index through the site's single writer.
pub fn write(
    lib: &crate::content::Library,
    groups: &[Group],
    stats: Option<&[Stats]>,
    out: &Output,
) -> Result<(), OutputError> {
    for (path, bytes) in files(lib, groups, stats) {
        out.write(&path, &bytes)?;
    }
    Ok(())
}

fn hash(bytes: &[u8]) -> String {
    super::hex(&Sha256::digest(bytes)[..5])
}

/// Per document: term -> (frequency per field, section mask), and each field's length.
#[derive(Debug, PartialEq)]
pub struct Stats {
    terms: FxHashMap<Arc<str>, ([u32; FIELDS], u64)>,
    lengths: [u32; FIELDS],
}

impl Stats {
    /// Adds the terms of `text`, the `part` of its document, to `field` and to the sections of
    /// `mask`.
    /// The [`crate::analysis::COMPOUNDS`] are joined here, whatever `analyse` is, as the
    /// terminal's index and `search.js` join them.
    fn read(&mut self, analyse: &mut Analyse, text: &str, part: Part, field: usize, mask: u64) {
        let (terms, lengths) = (&mut self.terms, &mut self.lengths);
        let mut add = |_: Range<usize>, t: &Term| {
            let e = terms.entry(t.text.clone()).or_default();
            e.0[field] += 1;
            e.1 |= mask;
            lengths[field] += 1;
        };
        let mut joiner = Joiner::new(text);
        let mut ids = Ids::new(text);
        let mut parts = Parts::new(text);
        analyse(text, part, &mut |r, t: &Term| {
            ids.push(r.clone());
            parts.push(r.clone());
            joiner.push(r, t, &mut add)
        });
        joiner.finish(&mut add);
        for (_, id) in ids.finish().into_iter().chain(parts.finish()) {
            let e = terms.entry(Arc::from(id)).or_default();
            e.0[field] += 1;
            e.1 |= mask;
            lengths[field] += 1;
        }
    }

    /// Adds an incident's id as its own field, its [`crate::analysis::id_term`] marked with
    /// [`ID_BIT`].
    fn read_id(&mut self, id: &str) {
        self.read(&mut plain, id, Part::Label, 6, 0);
        if let Some(key) = crate::analysis::id_term(id) {
            if let Some(e) = self.terms.get_mut(key.as_str()) {
                e.1 |= ID_BIT;
            }
        }
    }
}

/// A text of an incident the search index reads, as [`incident_stats`] hands it to the
/// analysis.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    Title,
    Summary,
    Learning,
    /// A tag, service or severity.
    Label,
    Action,
    /// The body before its first heading.
    Preamble,
    /// A section's heading, with the section.
    Heading(&'a Section),
    /// A section's text, with the section.
    Section(&'a Section),
}

/// Reads one text: calls the given reader with every term of the text and its byte range, in
/// order, word by word.
pub type Analyse<'r> = dyn FnMut(&str, Part, &mut dyn FnMut(Range<usize>, &Term)) + 'r;

/// The analysis the search index alone needs: every term of the text.
pub fn plain(text: &str, _: Part, read: &mut dyn FnMut(Range<usize>, &Term)) {
    crate::analysis::with(|a| a.each(text, read));
}

/// Analyses one incident for the search index: its scored fields in the order of [`WEIGHTS`]
/// (the body is its preamble and sections), and its sections (those with text, as
/// [`super::incident_doc`] keeps them) for the section masks. Every text is read once, by
/// `analyse`, which may count the same terms for another purpose in the same pass: the
/// full-text similarity of related incidents does (see `learnings::analyse`).
pub fn incident_stats(inc: &Incident, analyse: &mut Analyse) -> Stats {
    let mut st = Stats {
        terms: FxHashMap::default(),
        lengths: [0; FIELDS],
    };
    let mut read = |text: &str, part: Part, field: usize, mask: u64| {
        st.read(analyse, text, part, field, mask);
    };
    read(&inc.title, Part::Title, 0, 0);
    read(&inc.summary, Part::Summary, 1, 0);
    for l in &inc.learnings {
        read(&l.text, Part::Learning, 2, 0);
    }
    let labels = inc.tags.iter().chain(&inc.services).chain(&inc.severity);
    for l in labels {
        read(l, Part::Label, 3, 0);
    }
    for a in &inc.action_items {
        read(&a.text, Part::Action, 4, 0);
    }
    read(&inc.preamble, Part::Preamble, 5, 0);
    let mut kept = 0;
    for sec in &inc.sections {
        let mask = if has_text(sec) {
            kept += 1;
            1u64 << (kept - 1).min(MASK_BITS)
        } else {
            0
        };
        read(&sec.title, Part::Heading(sec), 5, mask);
        read(&sec.text, Part::Section(sec), 5, mask);
    }
    // Not through `analyse`: the id is no text of the incident's to compare.
    st.read_id(&inc.id);
    st
}

/// The statistics of a learning page, read as [`super::learning_doc`] makes its document:
/// title and summary in their fields; for a canonical learning, its body too, the text above
/// every heading as the first section when it has text.
fn learning_stats(lib: &crate::content::Library, g: &Group) -> Stats {
    let mut st = Stats {
        terms: FxHashMap::default(),
        lengths: [0; FIELDS],
    };
    st.read(&mut plain, &g.full_title, Part::Title, 0, 0);
    st.read(&mut plain, &g.summary, Part::Summary, 1, 0);
    if let Some(l) = g.learning.map(|i| &lib.learnings[i]) {
        let mut kept = 0;
        let mut mask = || {
            kept += 1;
            1u64 << (kept - 1).min(MASK_BITS)
        };
        let top = if l.preamble.trim().is_empty() {
            0
        } else {
            mask()
        };
        st.read(&mut plain, &l.preamble, Part::Preamble, 5, top);
        for sec in &l.sections {
            let mask = if has_text(sec) { mask() } else { 0 };
            st.read(&mut plain, &sec.title, Part::Heading(sec), 5, mask);
            st.read(&mut plain, &sec.text, Part::Section(sec), 5, mask);
        }
    }
    st
}

/// term -> flat `[doc delta, score, section mask, ...]`, documents in order; terms sorted.
fn postings(stats: &[&Stats]) -> Vec<(Arc<str>, Vec<u64>)> {
    use rayon::prelude::*;
    let n = stats.len().max(1) as f64;
    let mut avg = [0f64; FIELDS];
    for s in stats {
        for (a, l) in avg.iter_mut().zip(s.lengths) {
            *a += f64::from(l) / n;
        }
    }
    // Each term gets an id, in order of first sight; per id: documents per field (for the
    // inverse document frequency) and documents that hold the term at all.
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<&Arc<str>> = Vec::new();
    let mut df: Vec<[u32; FIELDS]> = Vec::new();
    let mut holding: Vec<usize> = Vec::new();
    for s in stats {
        for (t, (tf, _)) in &s.terms {
            let id = *ids.entry(t).or_insert_with(|| {
                names.push(t);
                df.push([0; FIELDS]);
                holding.push(0);
                names.len() as u32 - 1
            }) as usize;
            for (d, f) in df[id].iter_mut().zip(tf) {
                *d += u32::from(*f > 0);
            }
            holding[id] += 1;
        }
    }
    // Per document, (term id, score, mask) of each of its terms.
    let scored: Vec<Vec<(u32, u64, u64)>> = stats
        .par_iter()
        .map(|s| {
            s.terms
                .iter()
                .map(|(t, (tf, mask))| {
                    let id = ids[&**t];
                    let dfs = &df[id as usize];
                    let mut score = 0f64;
                    for f in 0..FIELDS {
                        if tf[f] == 0 {
                            continue;
                        }
                        let idf =
                            (1.0 + (n - f64::from(dfs[f]) + 0.5) / (f64::from(dfs[f]) + 0.5)).ln();
                        let tf = f64::from(tf[f]);
                        let norm = 1.0 - B + B * f64::from(s.lengths[f]) / avg[f].max(1.0);
                        score += WEIGHTS[f] * idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                    }
                    (id, ((score * 10.0).round() as u64).max(1), *mask)
                })
                .collect()
        })
        .collect();
    // Term id -> (document, score, mask), documents in order, each list allocated once.
    type Postings = Vec<(usize, u64, u64)>;
    let mut by_term: Vec<Postings> = holding.iter().map(|&h| Vec::with_capacity(h)).collect();
    for (doc, list) in scored.iter().enumerate() {
        for &(id, score, mask) in list {
            by_term[id as usize].push((doc, score, mask));
        }
    }
    let mut terms: Vec<(&Arc<str>, Postings)> = names.into_iter().zip(by_term).collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    terms
        .into_par_iter()
        .map(|(term, mut list)| {
            let total = list.len();
            if total > MAX_POSTINGS {
                list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(MAX_POSTINGS);
                list.sort_unstable();
            }
            let mut flat = Vec::with_capacity(list.len() * 3 + 1);
            let mut prev = 0;
            for (doc, score, mask) in list {
                flat.extend([(doc - prev) as u64, score, mask]);
                prev = doc;
            }
            // A cut list ends with how many documents hold the term, so the page can say so.
            if total > MAX_POSTINGS {
                flat.push(total as u64);
            }
            (term.clone(), flat)
        })
        .collect()
}

/// What a result shows.
fn fragment(d: &Doc) -> Value {
    let sections: Vec<Value> = d
        .sections
        .iter()
        .map(|s| json!([s.title, s.anchor, crate::markdown::collapse_ws(&s.text)]))
        .collect();
    let mut v = json!({
        "id": d.id,
        "url": d.url,
        "title": d.title,
        "date": d.shown_date(),
        "severity": d.severity,
        "summary": d.summary,
        "sections": sections,
    });
    // An incident is what a result is unless it says otherwise.
    if d.kind == Kind::Learning {
        v["kind"] = json!("learning");
    }
    v
}

#[derive(Serialize)]
struct Facets {
    /// Per document: [tag indexes, service indexes, severity index or -1, year index or -1].
    docs: Vec<(Vec<usize>, Vec<usize>, i64, i64)>,
}

/// The facet shard and, for the entry file, every facet's values with their counts.
fn facets(docs: &[Doc]) -> (Facets, Value) {
    fn values<'a>(all: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut v: Vec<String> = all.map(str::to_string).collect();
        v.sort_by_key(|s| s.to_lowercase());
        v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        v
    }
    let tags = values(docs.iter().flat_map(|d| d.tags.iter().map(String::as_str)));
    let services = values(
        docs.iter()
            .flat_map(|d| d.services.iter().map(String::as_str)),
    );
    let severities = values(docs.iter().filter_map(|d| d.severity.as_deref()));
    let mut years: Vec<i32> = docs
        .iter()
        .filter_map(|d| d.date.map(|x| x.year()))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let find = |list: &[String], v: &str| list.iter().position(|x| x.eq_ignore_ascii_case(v));
    let mut counts = [
        vec![0usize; tags.len()],
        vec![0usize; services.len()],
        vec![0usize; severities.len()],
        vec![0usize; years.len()],
    ];
    let per_doc = docs
        .iter()
        .map(|d| {
            let mut t: Vec<usize> = d.tags.iter().filter_map(|x| find(&tags, x)).collect();
            t.sort_unstable();
            t.dedup();
            let mut s: Vec<usize> = d
                .services
                .iter()
                .filter_map(|x| find(&services, x))
                .collect();
            s.sort_unstable();
            s.dedup();
            let sev = d.severity.as_deref().and_then(|x| find(&severities, x));
            let year = d
                .date
                .and_then(|x| years.iter().position(|y| *y == x.year()));
            t.iter().for_each(|i| counts[0][*i] += 1);
            s.iter().for_each(|i| counts[1][*i] += 1);
            sev.iter().for_each(|i| counts[2][*i] += 1);
            year.iter().for_each(|i| counts[3][*i] += 1);
            let index = |x: Option<usize>| x.map_or(-1, |i| i as i64);
            (t, s, index(sev), index(year))
        })
        .collect();
    let with_counts = |names: Vec<String>, counts: &[usize]| -> Vec<Value> {
        names
            .into_iter()
            .zip(counts)
            .map(|(n, c)| json!([n, c]))
            .collect()
    };
    let filters = json!({
        "tags": with_counts(tags, &counts[0]),
        "services": with_counts(services, &counts[1]),
        "severity": with_counts(severities, &counts[2]),
        "year": with_counts(years.iter().map(|y| y.to_string()).collect(), &counts[3]),
    });
    (Facets { docs: per_doc }, filters)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statistics of a document that has only a body.
    fn doc(body: &str) -> Stats {
        let mut st = Stats {
            terms: FxHashMap::default(),
            lengths: [0; FIELDS],
        };
        st.read(&mut plain, body, Part::Preamble, 5, 0);
        st
    }

    #[test]
    fn a_cut_postings_list_keeps_the_best_documents_and_says_how_many_hold_the_term() {
        let n = 2 * MAX_POSTINGS + 20;
        // Even documents say "database" (i / 2) % 7 + 1 times: those that say it once score
        // lowest. Five odd documents also say "replica".
        let docs: Vec<Stats> = (0..n)
            .map(|i| {
                let extra = if i < 10 && i % 2 == 1 { " replica" } else { "" };
                let body = if i % 2 == 0 {
                    "database ".repeat(i / 2 % 7 + 1)
                } else {
                    "other".to_string()
                };
                doc(&format!("{body}{extra}"))
            })
            .collect();
        let holding: Vec<usize> = (0..n).filter(|i| i % 2 == 0).collect();
        let postings = postings(&docs.iter().collect::<Vec<_>>());
        let list = |term: &str| &postings.iter().find(|(t, _)| &**t == term).unwrap().1;
        let flat = list("databas");
        assert_eq!(flat.len(), MAX_POSTINGS * 3 + 1);
        assert_eq!(
            *flat.last().unwrap(),
            holding.len() as u64,
            "ends with the true count"
        );
        let mut at = 0;
        let kept: Vec<usize> = flat[..MAX_POSTINGS * 3]
            .chunks(3)
            .map(|t| {
                at += t[0] as usize;
                at
            })
            .collect();
        // Equal scores keep the earlier documents: the ten cut are the last that say it once.
        let cut: Vec<usize> = holding
            .iter()
            .copied()
            .filter(|i| i / 2 % 7 == 0)
            .rev()
            .take(10)
            .collect();
        let expected: Vec<usize> = holding.into_iter().filter(|i| !cut.contains(i)).collect();
        assert!(kept == expected, "cut {:?}", {
            let mut missing: Vec<usize> =
                (0..n).filter(|i| i % 2 == 0 && !kept.contains(i)).collect();
            missing.truncate(20);
            missing
        });
        // A list that was not cut has whole triples only.
        assert_eq!(list("replica").len(), 5 * 3);
    }
}
