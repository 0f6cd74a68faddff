/*!
The one text analysis every index and similarity measure shares, made fast with a word cache.

The analysis is tantivy's `en_stem` chain with ASCII folding added: split on anything that is
not a letter or digit, drop tokens of 40 bytes or more, lowercase, fold accents to ASCII, stem
with the Snowball English stemmer (frostem, pinned in Cargo.lock). The browser's `search.js`
repeats it exactly, and the terminal's tantivy index registers [`analyzer`] itself.

Every filter of the chain works on one token at a time, so the terms of a text are the terms
of its words taken one by one. [`with`] keeps, per thread, a cache from each word as written to
what the chain makes of it; stemming a word once instead of at every occurrence is what makes
analysing ten thousand postmortems cheap. A cache miss runs the real tantivy chain, so the
cache can never disagree with it.
*/

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// Tokens of this many bytes or more are dropped (tantivy's `RemoveLongFilter`).
pub const LONG_TOKEN: usize = 40;

/// The analysis shared by every index: simple tokenizer, long-token removal, lowercasing,
/// ASCII folding and Snowball English stemming.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONG_TOKEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The same chain without stemming, ending in tantivy's English stop words: a word that
/// comes out empty is a stop word.
fn stop_word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONG_TOKEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("tantivy ships English stop words"))
        .build()
}

/// What the analysis makes of one written word.
#[derive(Debug, Clone)]
pub struct Term {
    /// The stemmed term, shared by every occurrence.
    pub text: Arc<str>,
    /// An English stop word ("the", "was", ...).
    pub stop: bool,
}

/// A per-thread analyser with its word cache.
pub struct Analysis {
    stem: TextAnalyzer,
    stop: TextAnalyzer,
    /// Word as written -> its term, or `None` when the chain drops it.
    cache: FxHashMap<Box<str>, Option<Term>>,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            stem: analyzer(),
            stop: stop_word_analyzer(),
            cache: FxHashMap::default(),
        }
    }
}

/// Words the cache keeps at most; beyond that it starts again (memory stays bounded on
/// pathological input such as random identifiers).
const CACHE_WORDS: usize = 1 << 20;

impl Analysis {
    /// Calls `f` with the byte range and term of every term of `text`, in order.
    pub fn each(&mut self, text: &str, mut f: impl FnMut(Range<usize>, &Term)) {
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    start = None;
                    if i - s >= LONG_TOKEN {
                        continue;
                    }
                    if let Some(term) = self.word(&text[s..i]) {
                        f(s..i, term);
                    }
                }
                _ => {}
            }
        }
    }

    /// The term of one word (a run of letters and digits).
    fn word(&mut self, word: &str) -> Option<&Term> {
        if !self.cache.contains_key(word) {
            if self.cache.len() >= CACHE_WORDS {
                self.cache.clear();
            }
            let term = first_token(&mut self.stem, word).map(|t| Term {
                text: Arc::from(t),
                stop: first_token(&mut self.stop, word).is_none(),
            });
            self.cache.insert(word.into(), term);
        }
        self.cache.get(word).and_then(Option::as_ref)
    }
}

fn first_token(a: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut s = a.token_stream(word);
    s.advance().then(|| s.token().text.clone())
}

thread_local! {
    static ANALYSIS: RefCell<Analysis> = RefCell::new(Analysis::default());
}

/// Runs `f` with this thread's analyser.
pub fn with<R>(f: impl FnOnce(&mut Analysis) -> R) -> R {
    ANALYSIS.with(|a| f(&mut a.borrow_mut()))
}

/// The terms of `text`, each with its byte range in `text`.
pub fn tokens(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    with(|a| a.each(text, |r, t| out.push((r, t.text.to_string()))));
    out
}

/// The terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tantivy_tokens(text: &str) -> Vec<(Range<usize>, String)> {
        let mut a = analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        out
    }

    #[test]
    fn cached_analysis_gives_exactly_what_tantivy_gives() {
        let long = "x".repeat(LONG_TOKEN);
        let text = format!(
            "Logs weren't SHIPPED to Café-CloudWatch; the résumé's naïve coöperation, \
             ÆSIR straße 42x İstanbul ǅemal {long} Ǆ日本語 testing tested tests, \
             organize internal paste university — running ran runs\n\tend"
        );
        // Twice: the second pass reads everything from the cache.
        for _ in 0..2 {
            assert_eq!(tokens(&text), tantivy_tokens(&text));
        }
    }

    #[test]
    fn stop_words_are_marked_not_dropped() {
        let mut marked = Vec::new();
        with(|a| a.each("the alerts are paging", |_, t| marked.push(t.stop)));
        assert_eq!(marked, [true, false, true, false]);
    }
}
