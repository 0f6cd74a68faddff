/*!
Text similarity for learnings and incidents: one analysis, TF-IDF vectors, cosine, and
nearest neighbours through an inverted index.

The analysis is the search index's ([`crate::analysis`]) without English stop words, plus a
lexicon of incident-review concepts (`src/concepts.txt`: paging ≈ alerting ≈ notifying,
snapshot ≈ backup ≈ restore, ...) so that the same lesson written with other words still meets. No model, no network:
deterministic arithmetic over the knowledge base itself.

Terms are counted by their [`crate::analysis::Term::id`], and the lexicon knows stems by it too,
so counting a word hashes an integer, not its text. A [`Model`] numbers its terms anew, in the
sorted order of their texts, so that its vectors (and every sum over them) do not depend on
the order in which words were first seen.
*/

use std::borrow::Borrow;
use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::Term;

/// A sparse, L2-normalised vector: (term id, weight), sorted by term id.
pub type SparseVec = Vec<(u32, f32)>;

/// Words that carry no lesson in a postmortem: the scaffolding of "we need to make sure".
const FILLER: &[&str] = &[
    "we", "our", "us", "need", "needs", "needed", "should", "must", "make", "sure", "ensure",
    "better", "more", "can", "could", "would", "have", "has", "had", "do", "does", "did", "also",
    "just", "been", "were", "being", "which", "what", "when", "how", "all", "any", "some", "so",
    "than", "too", "very", "from", "up", "out", "its", "lesson", "learned", "learnt", "learning",
    "lessons", "i", "you", "get", "got", "let", "lets", "way", "ways", "thing", "things", "going",
    "able", "even", "because", "only", "about", "after", "before", "again", "them", "those", "who",
    "whom", "same", "each", "every", "one", "two", "it's", "don't", "doesn't",
];

/// Groups of words that name the same idea in incident reviews (`src/concepts.txt`). Each
/// group becomes one extra concept term, so "page the on-call" meets "alert someone".
const CONCEPTS: &str = include_str!("concepts.txt");

/// The concept lines of [`CONCEPTS`]: (name, entries); an entry is a word or a phrase whose
/// words are joined by underscores (`second_pair_of_eyes`).
fn concept_lines(text: &str) -> impl Iterator<Item = (&str, impl Iterator<Item = &str>)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(name, words)| (name.trim(), words.split_whitespace()))
}

/// A phrase of the lexicon, found under its first stem: the stems (term ids) that must follow
/// it.
struct Phrase {
    rest: Box<[u32]>,
    concepts: Vec<u16>,
}

/// The concept lexicon: the built-in one ([`CONCEPTS`]), or that extended with a team's own
/// vocabulary (`[learnings] concepts`).
pub struct Lexicon {
    /// Every stem the lexicon knows something of, by term id, so that counting a word looks it
    /// up once.
    words: FxHashMap<u32, Word>,
    /// First stem of a phrase -> the phrases starting with it.
    phrases: FxHashMap<u32, Vec<Phrase>>,
    /// The term id of each concept's term: `~0`, `~1`, ...
    concept_terms: Vec<u32>,
    /// Every single-word entry of the concept lines, lowercase and as written (not stemmed).
    entries: FxHashSet<Box<str>>,
}

/// What the lexicon knows of one stem.
#[derive(Default)]
struct Word {
    /// A filler word ([`FILLER`]): not counted.
    filler: bool,
    /// The concepts it evokes.
    concepts: Vec<u16>,
    /// Part of some phrase (see [`Lexicon`]'s `phrases`).
    in_phrase: bool,
}

/// A problem with a line of a team's vocabulary file: line, column, message, hint.
pub type VocabularyProblem = (usize, usize, String, String);

/// The stems of a word or words as a text's would come out (stop words left out).
fn stems_of(w: &str) -> Vec<Term> {
    let mut out = Vec::new();
    crate::analysis::with(|a| {
        a.each(w, |_, t| {
            if !t.stop {
                out.push(t.clone())
            }
        })
    });
    out
}

impl Lexicon {
    /// Whether `stem` is the stem of a [`FILLER`] word.
    fn is_filler(&self, stem: &Term) -> bool {
        self.words.get(&stem.id).is_some_and(|w| w.filler)
    }

    /// Whether a concept line lists `word` itself (in any case) as an entry: `Kafka`,
    /// `Terraform`; a word that only shares its stem with one does not count.
    pub fn lists(&self, word: &str) -> bool {
        self.entries.contains(word.to_lowercase().as_str())
    }

    /// The concept terms (`~N`, by term id) that the stem with term id `stem` evokes.
    pub fn concepts_of(&self, stem: u32) -> impl Iterator<Item = u32> + '_ {
        self.words
            .get(&stem)
            .into_iter()
            .flat_map(|w| w.concepts.iter().map(|&c| self.concept_terms[c as usize]))
    }

    /// The term ids of this lexicon's concept terms (`~N`).
    pub fn concept_term_ids(&self) -> &[u32] {
        &self.concept_terms
    }

    /// The built-in lexicon, built once.
    pub fn builtin() -> &'static Arc<Lexicon> {
        static L: OnceLock<Arc<Lexicon>> = OnceLock::new();
        L.get_or_init(|| {
            Arc::new(Lexicon::from_lines(
                concept_lines(CONCEPTS)
                    .map(|(name, words)| (name, words.collect()))
                    .collect(),
            ))
        })
    }

    /// The built-in lexicon extended with `text`, a team's vocabulary in the format of
    /// `src/concepts.txt`: a line naming a built-in concept adds words to it, any other line is
    /// a concept of its own. Returns the problems of lines that cannot be used (they are
    /// left out) with their line and column.
    pub fn extended(text: &str) -> (Arc<Lexicon>, Vec<VocabularyProblem>) {
        let mut problems = Vec::new();
        let mut lines: Vec<(&str, Vec<&str>)> = concept_lines(CONCEPTS)
            .map(|(name, words)| (name, words.collect()))
            .collect();
        let builtin = Lexicon::builtin();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let column = raw.len() - raw.trim_start().len() + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, words)) = line.split_once(':') else {
                problems.push((
                    n + 1,
                    column,
                    "expected a concept line, `name: word word ...`".to_string(),
                    "start the line with a concept name and a colon, e.g. `rollback: rollback revert undo`; start a comment with #".to_string(),
                ));
                continue;
            };
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                problems.push((
                    n + 1,
                    column,
                    format!("`{name}` is not a concept name"),
                    "a concept name is one word before the colon, e.g. `feature_flags:`"
                        .to_string(),
                ));
                continue;
            }
            let matches = |w: &&str| {
                stems_of(&w.replace('_', " "))
                    .iter()
                    .any(|s| usable(&s.text) && !builtin.is_filler(s))
            };
            if !words.split_whitespace().any(|w| matches(&w)) {
                let after = line.len() - words.trim_start().len();
                problems.push((
                    n + 1,
                    column + after,
                    format!("concept `{name}` has no word that can match a text"),
                    "list lowercase words or underscore_joined phrases after the colon; stop words such as `the` or `not` never match on their own".to_string(),
                ));
                continue;
            }
            lines.push((name, words.split_whitespace().collect()));
        }
        (Arc::new(Lexicon::from_lines(lines)), problems)
    }

    /// Builds a lexicon from concept lines; lines with the same name make one concept.
    fn from_lines(lines: Vec<(&str, Vec<&str>)>) -> Lexicon {
        let filler: FxHashSet<u32> = FILLER
            .iter()
            .flat_map(|w| stems_of(w))
            .map(|t| t.id)
            .collect();
        let mut concepts: FxHashMap<u32, Vec<u16>> = FxHashMap::default();
        let mut phrases: FxHashMap<u32, Vec<Phrase>> = FxHashMap::default();
        let mut ids: FxHashMap<String, u16> = FxHashMap::default();
        let mut entries: FxHashSet<Box<str>> = FxHashSet::default();
        for (name, words) in lines {
            let next = ids.len() as u16;
            let c = *ids.entry(name.to_lowercase()).or_insert(next);
            for w in words {
                let w = w.to_lowercase();
                if w.contains('_') {
                    // The phrase's stems as a text's would come out (see `Tokens::each_stem`).
                    let seq: Vec<u32> = stems_of(&w.replace('_', " "))
                        .into_iter()
                        .filter(|s| usable(&s.text) && !filler.contains(&s.id))
                        .map(|s| s.id)
                        .collect();
                    // Fewer than two words left would be a word, not a phrase (the unit
                    // test keeps such entries out of the file).
                    let Some((first, rest)) = seq.split_first().filter(|(_, r)| !r.is_empty())
                    else {
                        continue;
                    };
                    let list = phrases.entry(*first).or_default();
                    match list.iter_mut().find(|p| *p.rest == *rest) {
                        Some(p) if p.concepts.contains(&c) => {}
                        Some(p) => p.concepts.push(c),
                        None => list.push(Phrase {
                            rest: rest.into(),
                            concepts: vec![c],
                        }),
                    }
                    continue;
                }
                entries.insert(w.as_str().into());
                for s in stems_of(&w) {
                    let e = concepts.entry(s.id).or_default();
                    if !e.contains(&c) {
                        e.push(c);
                    }
                }
            }
        }
        let concept_terms = (0..ids.len())
            .map(|i| crate::analysis::intern(&format!("~{i}")))
            .collect();
        let mut words: FxHashMap<u32, Word> = FxHashMap::default();
        for &s in &filler {
            words.entry(s).or_default().filler = true;
        }
        for (s, c) in concepts {
            words.entry(s).or_default().concepts = c;
        }
        for (&first, list) in &phrases {
            words.entry(first).or_default().in_phrase = true;
            for &s in list.iter().flat_map(|p| p.rest.iter()) {
                words.entry(s).or_default().in_phrase = true;
            }
        }
        Lexicon {
            words,
            phrases,
            concept_terms,
            entries,
        }
    }
}

/// A stem that can carry meaning: two characters or more, not a bare number.
fn usable(s: &str) -> bool {
    s.len() > 1 && !s.bytes().all(|b| b.is_ascii_digit())
}

/// Weight of a concept term relative to the word that evokes it, in learnings. Chosen on the
/// dev paraphrase set with the phrase lexicon (weights 0.7 to 4 swept against thresholds 0.16
/// to 0.3): 2 lifts pairwise F1 on all four sets over 1 (dev 0.69 -> 0.76, holdout 0.44 ->
/// 0.49, blind 0.68 -> 0.68, blind2 0.34 -> 0.47); above it, precision falls faster.
pub const CONCEPT_WEIGHT: f32 = 2.0;

/// Term counts of one document, by term id ([`crate::analysis::Term::id`]).
pub type Counts = FxHashMap<u32, f32>;

/// Turns texts into weighted terms: stems of content words, plus `~N` concept terms.
pub struct Tokens {
    lexicon: Arc<Lexicon>,
    concept_weight: f32,
    /// The stems (term ids) of the text being counted, for phrase matching; `None` at
    /// punctuation.
    seq: Vec<Option<u32>>,
    /// A hyphenated word of the text being counted, joined (see [`hyphenated`]).
    joined: String,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens::with_concept_weight(CONCEPT_WEIGHT)
    }
}

impl Tokens {
    /// Tokens whose concept terms weigh `w` times the word that evokes them: short texts
    /// (learnings) need the concepts most; in whole postmortems words speak for themselves.
    pub fn with_concept_weight(w: f32) -> Self {
        Tokens::new(Lexicon::builtin(), w)
    }

    /// Tokens with `lexicon`'s concepts, weighing `w` times the word that evokes them.
    pub fn new(lexicon: &Arc<Lexicon>, w: f32) -> Self {
        Tokens {
            lexicon: lexicon.clone(),
            concept_weight: w,
            seq: Vec::new(),
            joined: String::new(),
        }
    }

    /// Calls `f` with the byte range and stem of every content word of `text` (stop words,
    /// filler words, single letters and numbers left out), and what the lexicon knows of it.
    fn each_stem(
        lex: &Lexicon,
        text: &str,
        f: impl FnMut(std::ops::Range<usize>, &Term, Option<&Word>),
    ) {
        Self::each_stem_and_term(lex, text, f, |_, _| {})
    }

    /// [`Self::each_stem`] that also calls `term` with every term of the analysis, stop and
    /// filler words included (for a reader of the same text that wants them all).
    fn each_stem_and_term(
        lex: &Lexicon,
        text: &str,
        mut f: impl FnMut(std::ops::Range<usize>, &Term, Option<&Word>),
        mut term: impl FnMut(std::ops::Range<usize>, &Term),
    ) {
        crate::analysis::with(|a| {
            a.each(text, |r, t| {
                term(r.clone(), t);
                if !t.stop && usable(&t.text) {
                    let word = lex.words.get(&t.id);
                    if !word.is_some_and(|w| w.filler) {
                        f(r, t, word);
                    }
                }
            })
        });
    }

    /// Stems of `text` (filler words dropped), each once per occurrence.
    pub fn stems(&mut self, text: &str, out: &mut Vec<String>) {
        Self::each_stem(&self.lexicon, text, |_, s, _| out.push(s.text.to_string()));
    }

    /// Adds the terms of `text` with weight `w` to `counts`; concept terms weigh
    /// `concept_weight * w`.
    pub fn count(&mut self, text: &str, w: f32, counts: &mut Counts) {
        self.count_and_read(text, w, counts, |_, _| {});
    }

    /// [`Self::count`] that also calls `read` with every term the analysis finds in `text`, in
    /// order: one pass over the text serves the counts and another reader (the browser search
    /// index, see `search::web::incident_stats`).
    pub fn count_and_read(
        &mut self,
        text: &str,
        w: f32,
        counts: &mut Counts,
        read: impl FnMut(std::ops::Range<usize>, &Term),
    ) {
        let lex = &*self.lexicon;
        let cw = self.concept_weight * w;
        let mut add = |s: u32, word: Option<&Word>| {
            for &c in word.map_or(&[][..], |w| &w.concepts) {
                *counts.entry(lex.concept_terms[c as usize]).or_default() += cw;
            }
            *counts.entry(s).or_default() += w;
        };
        // Phrases (`second_pair_of_eyes`) match consecutive stems within one clause: the
        // stems of phrase words are kept in order, with a break wherever punctuation or a word
        // of no phrase comes between two of them.
        let phrases = self.concept_weight > 0.0 && !lex.phrases.is_empty();
        let seq = &mut self.seq;
        seq.clear();
        let mut end = 0;
        let add_stem = |r: std::ops::Range<usize>, s: &Term, word: Option<&Word>| {
            add(s.id, word);
            if phrases {
                if word.is_some_and(|w| w.in_phrase) {
                    if text[end..r.start].contains([',', '.', ';', ':', '!', '?', '(', ')']) {
                        seq.push(None);
                    }
                    seq.push(Some(s.id));
                } else if seq.last().is_some_and(Option::is_some) {
                    seq.push(None);
                }
                end = r.end;
            }
        };
        Self::each_stem_and_term(lex, text, add_stem, read);
        // The analysis splits "on-call" into "on" (a stop word) and "call", and "roll-back"
        // into two words that say little alone; a hyphenated word whose joined form is in the
        // lexicon ("oncall", "rollback") also counts as that word. Part of the lexicon, so not
        // done without concepts (plain TF-IDF).
        if self.concept_weight > 0.0 && text.contains('-') {
            let joined = &mut self.joined;
            for word in hyphenated(text) {
                join(word, joined);
                crate::analysis::with(|a| {
                    a.each(joined, |_, t| {
                        let word = lex.words.get(&t.id);
                        if word.is_some_and(|w| !w.concepts.is_empty()) {
                            add(t.id, word);
                        }
                    })
                });
            }
        }
        for (i, s) in seq.iter().enumerate() {
            let Some(list) = s.and_then(|s| lex.phrases.get(&s)) else {
                continue;
            };
            for p in list {
                let next = &seq[i + 1..];
                if next.len() >= p.rest.len()
                    && p.rest
                        .iter()
                        .zip(next)
                        .all(|(&want, &got)| got == Some(want))
                {
                    for &c in &p.concepts {
                        *counts.entry(lex.concept_terms[c as usize]).or_default() += cw;
                    }
                }
            }
        }
    }
}

/// Calls `f` with each word of `text` written with hyphens between letters, as written, and
/// the term ids [`Tokens::count`] may count of it: its parts' and then its joined form's
/// ("hard-coded": `hard`, `code`, `hardcod`), with how many are its parts'. One word, however
/// many terms.
pub fn hyphenated_terms(text: &str, mut f: impl FnMut(&str, &[u32], usize)) {
    let mut joined = String::new();
    let mut ids = Vec::new();
    for word in hyphenated(text) {
        join(word, &mut joined);
        ids.clear();
        let mut parts = 0;
        crate::analysis::with(|a| {
            a.each(word, |_, t| ids.push(t.id));
            parts = ids.len();
            a.each(&joined, |_, t| ids.push(t.id));
        });
        f(word, &ids, parts);
    }
}

/// Each word of `text` written with hyphens between letters ("on-call", "roll-back"), as
/// written; [`join`] makes it the word it stands for.
///
/// Only the words around each hyphen are looked at: most of a postmortem has none.
fn hyphenated(text: &str) -> impl Iterator<Item = &str> + '_ {
    let part = |c: char| c.is_alphanumeric() || c == '-';
    let mut done = 0;
    text.match_indices('-')
        .filter_map(move |(at, _)| {
            if at < done {
                return None;
            }
            let start = text[..at]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| part(c))
                .last()
                .map_or(at, |(i, _)| i);
            let end = text[at..]
                .char_indices()
                .find(|&(_, c)| !part(c))
                .map_or(text.len(), |(i, _)| at + i);
            done = end;
            Some(&text[start..end])
        })
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.contains('-') && !w.contains("--"))
}

/// A word of [`hyphenated`] lowercase and without its hyphens ("on-call" -> "oncall"), in
/// `out`: `word.replace('-', "").to_lowercase()`, without new memory for an ASCII word.
fn join(word: &str, out: &mut String) {
    out.clear();
    out.extend(word.split('-'));
    if out.is_ascii() {
        out.make_ascii_lowercase();
    } else {
        *out = out.to_lowercase();
    }
}

/// A set of documents as TF-IDF vectors over one vocabulary.
#[derive(Debug, Default)]
pub struct Model {
    pub vectors: Vec<SparseVec>,
    /// Document frequency of each term id.
    pub df: Vec<u32>,
    /// Whether each term id is a concept of the lexicon (`~N`) rather than a word.
    pub concept: Vec<bool>,
    /// The term of the analysis each term id stands for.
    pub term: Vec<u32>,
}

impl Model {
    /// Builds vectors from term counts: sublinear term frequency, smoothed IDF, L2 norm.
    /// Term ids are assigned in sorted term order, so the result does not depend on hashing.
    pub fn from_counts<D: Borrow<Counts> + Sync>(docs: &[D]) -> Model {
        Model::from_counts_with(docs, None)
    }

    /// [`Model::from_counts`] with document frequencies that also count `background`
    /// documents (a term -> document count map, and the number of documents), so that the
    /// weight of a word does not hang on the few texts of a small knowledge base.
    pub fn from_counts_with<D: Borrow<Counts> + Sync>(
        docs: &[D],
        background: Option<(&FxHashMap<Arc<str>, u32>, u32)>,
    ) -> Model {
        // Document frequencies by term id of the analysis, then ids of the model in the sorted
        // order of the terms' texts.
        let mut by_term: FxHashMap<u32, u32> = FxHashMap::default();
        for d in docs {
            for &t in d.borrow().keys() {
                *by_term.entry(t).or_default() += 1;
            }
        }
        let mut vocab: Vec<(Arc<str>, u32, u32)> = crate::analysis::with_terms(|texts| {
            by_term
                .iter()
                .map(|(&t, &n)| (texts[t as usize].clone(), t, n))
                .collect()
        });
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let df: Vec<u32> = vocab.iter().map(|(_, _, n)| *n).collect();
        let concept: Vec<bool> = vocab.iter().map(|(t, _, _)| t.starts_with('~')).collect();
        // Analysis term id -> model term id.
        let mut ids: Vec<u32> =
            vec![u32::MAX; vocab.iter().map(|v| v.1 as usize + 1).max().unwrap_or(0)];
        for (i, (_, t, _)) in vocab.iter().enumerate() {
            ids[*t as usize] = i as u32;
        }
        let n = (docs.len() as u32 + background.map_or(0, |b| b.1)) as f32;
        let bg = |t: &str| background.and_then(|b| b.0.get(t)).copied().unwrap_or(0);
        // Each term's IDF once, not once per document that has it.
        let idf_of: Vec<f32> = vocab
            .iter()
            .map(|(t, _, d)| idf(n, (d + bg(t)) as f32))
            .collect();
        let vectors = {
            use rayon::prelude::*;
            docs.par_iter()
                .map(|d| {
                    let mut v: SparseVec = d
                        .borrow()
                        .iter()
                        .map(|(&t, &c)| {
                            let id = ids[t as usize];
                            (id, sublinear_tf(c) * idf_of[id as usize])
                        })
                        .collect();
                    v.sort_unstable_by_key(|(id, _)| *id);
                    normalise(&mut v);
                    v
                })
                .collect()
        };
        let term = vocab.iter().map(|(_, t, _)| *t).collect();
        Model {
            vectors,
            df,
            concept,
            term,
        }
    }
}

/// The weight of a term counted `c` times in a text: 1 + ln c, less below one occurrence.
pub fn sublinear_tf(c: f32) -> f32 {
    (1.0 + c.max(1e-6).ln().max(0.0)) * c.min(1.0)
}

/// Smoothed inverse document frequency of a term in `df` of `n` documents.
pub fn idf(n: f32, df: f32) -> f32 {
    ((1.0 + n) / (1.0 + df)).ln() + 1.0
}

/// The Euclidean length of a sparse vector.
pub fn length(v: &[(u32, f32)]) -> f32 {
    v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
}

/// Scales a vector to unit length (a zero vector stays zero).
pub fn normalise(v: &mut SparseVec) {
    let norm = length(v);
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

/// The terms two sorted sparse vectors share, in term order: (term id, weight in `a`,
/// weight in `b`).
pub fn shared_weights<'a>(
    a: &'a [(u32, f32)],
    b: &'a [(u32, f32)],
) -> impl Iterator<Item = (u32, f32, f32)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let shared = (a[i].0, a[i].1, b[j].1);
                    i += 1;
                    j += 1;
                    return Some(shared);
                }
            }
        }
        None
    })
}

/// The products of the weights of the terms two sparse vectors share, in term order.
pub fn shared_products<'a>(
    a: &'a [(u32, f32)],
    b: &'a [(u32, f32)],
) -> impl Iterator<Item = f32> + 'a {
    shared_weights(a, b).map(|(_, x, y)| x * y)
}

/// Cosine of two normalised vectors.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    shared_products(a, b).sum()
}

/// `(score, index)` as one integer that sorts best first: higher scores first (in the order of
/// `f32::total_cmp`), then lower indices; the index is its low 32 bits.
fn rank_key(score: f32, index: u32) -> u64 {
    // `total_cmp`'s own mapping of an f32 to an integer of the same order, made unsigned.
    let bits = score.to_bits() as i32;
    let ordered = (bits ^ (((bits >> 31) as u32) >> 1) as i32) as u32 ^ 0x8000_0000;
    (u64::from(!ordered) << 32) | u64::from(index)
}

/// For every vector, its `k` most similar others with their cosine, best first (ties by
/// index). Candidates come from an inverted index over each vector's heaviest terms, skipping
/// terms found in more than `max_df` documents, so the cost stays near linear.
pub fn neighbours(vectors: &[SparseVec], k: usize, max_df: usize) -> Vec<Vec<(usize, f32)>> {
    use rayon::prelude::*;
    let terms = vectors
        .iter()
        .flat_map(|v| v.iter().map(|(t, _)| *t))
        .max()
        .map(|m| m as usize + 1)
        .unwrap_or(0);
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for (d, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            postings[t as usize].push((d as u32, w));
        }
    }
    // A vector's 16 heaviest terms propose its candidates. On dfds and Quayside 16 ranks
    // related incidents best (8, 12, 16, 20 and 24 tried): candidates found only through
    // lighter terms are what pushed group-mates out of the first places.
    const QUERY_TERMS: usize = 16;
    (0..vectors.len())
        .into_par_iter()
        .map_init(
            || {
                (
                    vec![0f32; vectors.len()],
                    Vec::<u32>::new(),
                    vec![0f32; terms],
                    Vec::<u64>::new(),
                    Vec::<(usize, f32)>::new(),
                )
            },
            // `found` is reused from query to query: a fresh candidate list per vector would
            // take fresh memory each time, and on 60,000 learnings that is page faults.
            |(acc, touched, dense, ranked, found), d| {
                let mut query: Vec<(u32, f32)> = vectors[d]
                    .iter()
                    .copied()
                    .filter(|(t, _)| postings[*t as usize].len() <= max_df)
                    .collect();
                // The heaviest terms, in order; ids break ties, so no two terms rank alike.
                let heavier =
                    |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                if query.len() > QUERY_TERMS {
                    query.select_nth_unstable_by(QUERY_TERMS - 1, heavier);
                    query.truncate(QUERY_TERMS);
                }
                query.sort_unstable_by(heavier);
                for (t, w) in query {
                    for &(o, w2) in &postings[t as usize] {
                        if o as usize == d {
                            continue;
                        }
                        if acc[o as usize] == 0.0 {
                            touched.push(o);
                        }
                        acc[o as usize] += w * w2;
                    }
                }
                // Rank candidates by the partial dot product, then compute the exact cosine
                // only for the best few. Thousands of candidates are ranked for each vector,
                // so each is one integer that orders as `by_score` orders them (see
                // `rank_key`): choosing among integers takes a fraction of the comparisons'
                // time.
                ranked.clear();
                ranked.extend(touched.iter().map(|&o| rank_key(acc[o as usize], o)));
                for &o in touched.iter() {
                    acc[o as usize] = 0.0;
                }
                touched.clear();
                // Twice `k` is enough: at 10,000 incidents, four times `k` took 0.1 s more and
                // on dfds and Quayside ranks the same.
                let shortlist = (k * 2).max(16);
                if ranked.len() > shortlist {
                    ranked.select_nth_unstable(shortlist - 1);
                    ranked.truncate(shortlist);
                }
                found.clear();
                found.extend(ranked.iter().map(|&key| (key as u32 as usize, 0.0)));
                let by_score =
                    |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                // Exact cosines against this vector spread out densely: one lookup per term.
                for &(t, w) in &vectors[d] {
                    dense[t as usize] = w;
                }
                for f in found.iter_mut() {
                    f.1 = vectors[f.0]
                        .iter()
                        .map(|&(t, w)| dense[t as usize] * w)
                        .sum();
                }
                for &(t, _) in &vectors[d] {
                    dense[t as usize] = 0.0;
                }
                found.sort_by(by_score);
                found[..found.len().min(k)].to_vec()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hyphenated_word_counts_as_its_joined_form_when_the_lexicon_knows_it() {
        assert_eq!(
            joined("Page the on-call; roll-back first. x-ray -- ok"),
            ["oncall", "rollback", "xray"]
        );
        let v = vecs(&[
            "Page the on-call engineer",
            "Page the oncall engineer",
            "Call the engineer",
        ]);
        assert!(cosine(&v[0], &v[1]) > 0.9, "{}", cosine(&v[0], &v[1]));
        assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]));
    }

    #[test]
    fn looking_around_each_hyphen_finds_the_words_splitting_the_whole_text_finds() {
        let by_splitting = |text: &str| -> Vec<String> {
            text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .map(|w| w.trim_matches('-'))
                .filter(|w| w.contains('-') && !w.contains("--"))
                .map(|w| w.replace('-', "").to_lowercase())
                .collect()
        };
        for text in [
            "",
            "-",
            "no hyphen at all",
            "-lead trail- -both- a-b-c x--y a-b--c-d",
            "Ré-essayer le fail-over; 日本-語 and on-call-rota, -- , e-mail.",
            "end with a-b",
            "a-b\nc-d\te--f-g -h-i- j- -k",
            "ΟΔΟΣ-ΑΒ ΑΒ-ΟΔΟΣ ÉTÉ-Été KELVIN-\u{212A}",
        ] {
            assert_eq!(joined(text), by_splitting(text), "{text:?}");
        }
    }

    #[test]
    fn every_concept_line_names_a_unique_concept_of_two_or_more_usable_words() {
        let mut names = FxHashSet::default();
        let mut n = 0;
        for (name, words) in concept_lines(CONCEPTS) {
            n += 1;
            assert!(names.insert(name), "concept `{name}` is defined twice");
            let words: Vec<&str> = words.collect();
            assert!(words.len() >= 2, "concept `{name}` needs two words or more");
            let mut seen = FxHashSet::default();
            for w in words {
                assert!(seen.insert(w), "`{w}` is listed twice in `{name}`");
                if w.contains('_') {
                    // A phrase: lowercase words joined by underscores, two or more of them
                    // words that count (not stop words, filler, single letters or numbers).
                    let mut usable_words = 0;
                    for p in w.split('_') {
                        assert!(
                            !p.is_empty()
                                && p.chars().all(|c| {
                                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\''
                                }),
                            "`{w}` in `{name}`: phrase words are lowercase, joined by one `_`"
                        );
                        crate::analysis::with(|a| {
                            a.each(p, |_, t| {
                                if !t.stop && usable(&t.text) && !Lexicon::builtin().is_filler(t) {
                                    usable_words += 1;
                                }
                            })
                        });
                    }
                    assert!(
                        usable_words >= 2,
                        "`{w}` in `{name}`: a phrase needs two words that are not stop words"
                    );
                    continue;
                }
                assert!(
                    w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '\''),
                    "`{w}` in `{name}`: one lowercase token, no hyphen"
                );
                let mut stems = Vec::new();
                crate::analysis::with(|a| a.each(w, |_, t| stems.push(t.stop)));
                assert_eq!(stems, [false], "`{w}` in `{name}` is a stop word or splits");
            }
        }
        assert!(n >= 150, "{n} concepts");
        assert_eq!(Lexicon::builtin().concept_terms.len(), n);
    }

    #[test]
    fn a_phrase_of_the_lexicon_brings_together_texts_that_share_no_word() {
        // `second_pair_of_eyes` is on the review line: "of" is a stop word, dropped from the
        // phrase and the text alike. The same words out of order are no phrase.
        let v = vecs(&[
            "Get a second pair of eyes",
            "Require a code review",
            "Get a pair of second eyes",
            "Get a second: pair of eyes",
        ]);
        assert!(cosine(&v[0], &v[1]) > 0.2, "{}", cosine(&v[0], &v[1]));
        assert_eq!(cosine(&v[2], &v[1]), 0.0);
        assert_eq!(cosine(&v[3], &v[1]), 0.0);
    }

    #[test]
    fn a_team_vocabulary_brings_together_words_only_the_team_uses() {
        let texts = [
            "Warm the kestrelcache before a deploy",
            "Prime the memcached tier before a deploy",
        ];
        let (team, problems) = Lexicon::extended("# Kestrel's words\ncache: kestrelcache\n");
        assert!(problems.is_empty(), "{problems:?}");
        let with = |lex: &Arc<Lexicon>| {
            let v = vecs_with(lex, &texts);
            cosine(&v[0], &v[1])
        };
        // `cache` is a built-in concept that knows memcached; the team adds its own cache.
        assert!(
            with(&team) > with(Lexicon::builtin()) + 0.1,
            "{} vs {}",
            with(&team),
            with(Lexicon::builtin())
        );
    }

    #[test]
    fn unusable_vocabulary_lines_are_reported_at_their_line_and_column_and_left_out() {
        let text = "# comment\n\nno colon here\n  two words: alpha beta\nstops: the not\nbilling_words: ledger paycore\n";
        let (lex, problems) = Lexicon::extended(text);
        let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(at, vec![(3, 1), (4, 3), (5, 8)], "{problems:?}");
        assert!(problems.iter().all(|p| !p.3.is_empty()));
        assert_eq!(
            lex.concept_terms.len(),
            Lexicon::builtin().concept_terms.len() + 1
        );
    }

    /// The words of `text` that count as their joined form, joined.
    fn joined(text: &str) -> Vec<String> {
        let mut out = String::new();
        hyphenated(text)
            .map(|w| {
                join(w, &mut out);
                out.clone()
            })
            .collect()
    }

    fn vecs(texts: &[&str]) -> Vec<SparseVec> {
        vecs_with(Lexicon::builtin(), texts)
    }

    fn vecs_with(lexicon: &Arc<Lexicon>, texts: &[&str]) -> Vec<SparseVec> {
        let mut t = Tokens::new(lexicon, CONCEPT_WEIGHT);
        let docs: Vec<Counts> = texts
            .iter()
            .map(|s| {
                let mut c = Counts::default();
                t.count(s, 1.0, &mut c);
                c
            })
            .collect();
        Model::from_counts(&docs).vectors
    }

    #[test]
    fn stems_drop_filler_and_stop_words() {
        let mut t = Tokens::default();
        let mut out = Vec::new();
        t.stems("We need to make sure the alerts are paging", &mut out);
        assert_eq!(out, vec!["alert", "page"]);
    }

    #[test]
    fn counting_while_reading_counts_the_same_and_reads_every_term_of_the_analysis() {
        let text = "The on-call engineer asked for a second pair of eyes: was the roll-back \
                    paged? Yes, it was; the alerts were paging.";
        let mut t = Tokens::default();
        let (mut alone, mut shared) = (Counts::default(), Counts::default());
        t.count(text, 1.5, &mut alone);
        let mut read = Vec::new();
        t.count_and_read(text, 1.5, &mut shared, |range, term| {
            read.push((range, term.text.to_string()))
        });
        assert_eq!(alone, shared);
        let mut words = Vec::new();
        crate::analysis::with(|a| a.each(text, |r, t| words.push((r, t.text.to_string()))));
        assert_eq!(read, words);
    }

    #[test]
    fn concept_terms_bring_synonyms_together() {
        let v = vecs(&[
            "Page the on-call when checkout fails",
            "Alert someone when checkout fails",
            "Rotate the database password",
        ]);
        assert!(cosine(&v[0], &v[1]) > 2.0 * cosine(&v[0], &v[2]));
        assert!(cosine(&v[0], &v[1]) > 0.3, "{}", cosine(&v[0], &v[1]));
    }

    #[test]
    fn rank_keys_order_scores_as_total_cmp_does_best_first_then_lower_indices() {
        let scores = [
            f32::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1e-30,
            0.25,
            0.25,
            1.0,
            f32::INFINITY,
        ];
        let mut pairs: Vec<(u32, f32)> = scores
            .iter()
            .enumerate()
            .flat_map(|(i, &s)| [(i as u32, s), (i as u32 + 100, s)])
            .collect();
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut keys: Vec<u64> = pairs.iter().map(|&(i, s)| rank_key(s, i)).collect();
        keys.reverse();
        keys.sort_unstable();
        let by_key: Vec<u32> = keys.iter().map(|&k| k as u32).collect();
        let by_score: Vec<u32> = pairs.iter().map(|&(i, _)| i).collect();
        assert_eq!(by_key, by_score);
    }

    #[test]
    fn neighbours_are_ranked_by_cosine() {
        let v = vecs(&[
            "fluentd logs not shipped to cloudwatch",
            "logs were not shipped to cloudwatch by fluentd",
            "certificate expired on the load balancer",
        ]);
        let n = neighbours(&v, 2, 100);
        assert_eq!(n[0][0].0, 1);
        assert!(n[0].iter().all(|(i, _)| *i != 0));
    }
}
