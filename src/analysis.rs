/*!
The one text analysis every index and similarity measure shares, made fast with a word cache.

The analysis is tantivy's `en_stem` chain with ASCII folding added: split on anything that is
not a letter or digit, drop tokens of 65 bytes or more (tantivy drops 40: a commit hash has
40 or 64), lowercase, fold accents to ASCII, stem
with the Snowball English stemmer (frostem, pinned in Cargo.lock). The browser's `search.js`
repeats it exactly, and the terminal's tantivy index registers [`analyzer`] itself.

Chinese and Japanese are written without spaces, so a run of letters there is a whole
sentence, which no query would ever equal. [`Words`] therefore makes each Han ideograph and
each hiragana letter a word by itself (as Lucene's standard tokenizer does), and a run of
katakana a word apart from the letters of other scripts next to it (`DBサーバー` is `db` and
`サーバー`): `東京` finds `東京リージョンの障害`, the incidents that hold more of its
characters first. Text in other scripts is split exactly as before.

Every filter of the chain works on one token at a time, so the terms of a text are the terms
of its words taken one by one. [`with`] keeps, per thread, a cache from each word as written to
what the chain makes of it; stemming a word once instead of at every occurrence is what makes
analysing ten thousand postmortems cheap. A cache miss runs the real tantivy chain, so the
cache can never disagree with it.

Every term also has a number, its [`Term::id`], the same in every thread: a process-wide table
([`with_terms`]) gives each distinct term text one on its first cache miss, so that the
similarity measures count and compare terms as integers instead of hashing their text at every
occurrence. The table keeps every term the process has analysed (a term is at most 64 bytes);
a long `serve` session adds to it only the new words that edits bring.

Search reads one thing more: operations words written closed, open or hyphenated
("rollback", "roll back", "roll-back") are one term. After stemming, two words next to each
other, with only spaces or hyphens between them, that make one of the [`COMPOUNDS`] become the
term of the closed word, so "rolled back" and "Rolling back" find "rollback" too ([`Joiner`],
[`tokens`], the tantivy [`analyzer`]). `search.js` joins them the same way, from the same list.
The similarity measures read the words one by one ([`Analysis::each`]).

Search reads identifiers too: words joined by single hyphens or underscores with a digit among
them (`PM2021-005`, `INC-2023-042`, `2021-01-05-logs`) are also one unstemmed term
(`pm2021-005`) beside their words ([`Ids`], [`terms`]), so that an incident's id, indexed as a
field of its own, finds that incident and not every incident that shares a piece of it.
`search.js` joins them the same way.

Search reads camel-case words twice: `NotReady` is its own term and its parts (`not`, `readi`)
are terms too ([`Parts`]), so "not ready" finds `NodeNotReady`; a query for the word as
written stands for its parts as an identifier does for its words. `search.js` splits them the
same way; the similarity measures do not read parts.

A query's words written with a leading `-` (`-fluentd`) are words to leave out, not to look
for ([`read_query`]); `search.js` reads them the same way.
*/

use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, LazyLock, RwLock};

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter,
    TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Tokens of this many bytes or more are dropped (tantivy's `RemoveLongFilter`): more than
/// tantivy's 40, so that a commit's hash (40 hex digits for SHA-1, 64 for SHA-256), which a
/// postmortem quotes and an engineer pastes, is a word to search for.
pub const LONG_TOKEN: usize = 65;

/// Identifiers (see [`Ids`]) of this many bytes or more are no term of their own.
pub const LONG_ID: usize = 40;

/// How a letter or digit joins the ones next to it into a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// A Han ideograph or a hiragana letter: a word by itself.
    Alone,
    /// Katakana (and the prolonged sound mark `ー`): runs of it are words.
    Katakana,
    /// Every other script: runs of it are words.
    Other,
}

fn script(c: char) -> Script {
    if c < '\u{3005}' {
        return Script::Other;
    }
    match c {
        '\u{3005}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}' => {
            Script::Alone
        }
        '\u{3041}'..='\u{309F}' => Script::Alone,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => {
            Script::Alone
        }
        '\u{20000}'..='\u{323AF}' => Script::Alone,
        '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => {
            Script::Katakana
        }
        _ => Script::Other,
    }
}

/// The words of a text, as byte ranges: runs of letters and digits (what
/// [`char::is_alphanumeric`] says), where a Han ideograph or a hiragana letter is a word by
/// itself and a run of katakana is a word apart from letters of other scripts next to it.
/// `search.js` splits text the same way.
pub struct Words<'a> {
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Self {
        Words {
            text,
            chars: text.char_indices().peekable(),
        }
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let (start, first) = loop {
            let (i, c) = self.chars.next()?;
            if c.is_alphanumeric() {
                break (i, c);
            }
        };
        let kind = script(first);
        if kind == Script::Alone {
            return Some(start..start + first.len_utf8());
        }
        while let Some(&(i, c)) = self.chars.peek() {
            if !c.is_alphanumeric() || script(c) != kind {
                return Some(start..i);
            }
            self.chars.next();
        }
        Some(start..self.text.len())
    }
}

/// The tantivy tokenizer of [`Words`]: tantivy's `SimpleTokenizer` but for Chinese and
/// Japanese text.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The token stream of a [`WordTokenizer`].
pub struct WordStream<'a> {
    words: Words<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            words: Words::new(text),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let Some(r) = self.words.next() else {
            return false;
        };
        self.token.offset_from = r.start;
        self.token.offset_to = r.end;
        self.token.text.push_str(&self.words.text[r]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The analysis of words one by one: the [`WordTokenizer`], long-token removal, lowercasing,
/// ASCII folding and Snowball English stemming.
fn chain() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(LONG_TOKEN))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The same chain without stemming, ending in tantivy's English stop words: a word that
/// comes out empty is a stop word.
fn stop_word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
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
    /// The number of `text` in this process: equal ids, equal texts (see [`with_terms`]).
    pub id: u32,
    /// An English stop word ("the", "was", ...).
    pub stop: bool,
}

/// A per-thread analyser with its word cache.
pub struct Analysis {
    stem: TextAnalyzer,
    stop: TextAnalyzer,
    /// Word as written -> its term, or `None` when the chain drops it.
    cache: hashbrown::HashMap<String, Option<Term>, FxBuildHasher>,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            stem: chain(),
            stop: stop_word_analyzer(),
            cache: hashbrown::HashMap::with_hasher(FxBuildHasher),
        }
    }
}

/// Words the cache keeps at most; beyond that it starts again (memory stays bounded on
/// pathological input such as random identifiers).
const CACHE_WORDS: usize = 1 << 20;

impl Analysis {
    /// Calls `f` with the byte range and term of every term of `text`, in order.
    pub fn each(&mut self, text: &str, mut f: impl FnMut(Range<usize>, &Term)) {
        for r in Words::new(text) {
            if r.len() >= LONG_TOKEN {
                continue;
            }
            if let Some(term) = self.word(&text[r.clone()]) {
                f(r, term);
            }
        }
    }

    /// [`Self::each`] with the [`COMPOUNDS`] joined, as search reads text.
    pub fn each_joined(&mut self, text: &str, mut f: impl FnMut(Range<usize>, &Term)) {
        let mut joiner = Joiner::new(text);
        self.each(text, |r, t| joiner.push(r, t, &mut f));
        joiner.finish(f);
    }

    /// The term of one word (one of [`Words`]).
    fn word(&mut self, word: &str) -> Option<&Term> {
        if self.cache.len() >= CACHE_WORDS && !self.cache.contains_key(word) {
            self.cache.clear();
        }
        // One hash and one probe for a word seen before, which is nearly every word.
        let Analysis { stem, stop, cache } = self;
        cache
            .entry_ref(word)
            .or_insert_with(|| {
                first_token(stem, word).map(|t| Term {
                    id: intern(&t),
                    text: Arc::from(t),
                    stop: first_token(stop, word).is_none(),
                })
            })
            .as_ref()
    }
}

fn first_token(a: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut s = a.token_stream(word);
    s.advance().then(|| s.token().text.clone())
}

/// Every term text the process has analysed, numbered in the order they were first seen.
#[derive(Default)]
struct TermTable {
    ids: FxHashMap<Arc<str>, u32>,
    texts: Vec<Arc<str>>,
}

static TERMS: LazyLock<RwLock<TermTable>> = LazyLock::new(Default::default);

/// The id of the term `text` (see [`Term::id`]), numbered now if it has none yet. Also for
/// terms of no text, such as the similarity's concept terms (`~3`).
pub fn intern(text: &str) -> u32 {
    if let Some(&id) = TERMS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .ids
        .get(text)
    {
        return id;
    }
    let mut table = TERMS.write().unwrap_or_else(|e| e.into_inner());
    if let Some(&id) = table.ids.get(text) {
        return id;
    }
    let id = u32::try_from(table.texts.len()).expect("fewer than 2^32 distinct terms");
    let text: Arc<str> = Arc::from(text);
    table.texts.push(text.clone());
    table.ids.insert(text, id);
    id
}

/// Runs `f` with the text of every term id so far (`texts[id]`). It must not analyse text:
/// a new term would wait for `f` to end.
pub fn with_terms<R>(f: impl FnOnce(&[Arc<str>]) -> R) -> R {
    f(&TERMS.read().unwrap_or_else(|e| e.into_inner()).texts)
}

thread_local! {
    static ANALYSIS: RefCell<Analysis> = RefCell::new(Analysis::default());
}

/// Runs `f` with this thread's analyser.
pub fn with<R>(f: impl FnOnce(&mut Analysis) -> R) -> R {
    ANALYSIS.with(|a| f(&mut a.borrow_mut()))
}

/// The terms of `text` as search reads them (compounds joined), each with its byte range in
/// `text`: a joined compound's range covers both its words. Without the [`Ids`] terms, whose
/// ranges overlap their words' (snippets mark the words); [`terms`] has them.
pub fn tokens(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    with(|a| a.each_joined(text, |r, t| out.push((r, t.text.to_string()))));
    out
}

/// The terms of `text` as search indexes them, in order: [`tokens`], then the term of every
/// identifier it holds (see [`Ids`]), then the parts of its camel-case words (see [`Parts`]).
pub fn terms(text: &str) -> Vec<String> {
    indexed(text).into_iter().map(|(_, t)| t).collect()
}

/// [`terms`] with the byte range of each, read in one pass over the words of `text`.
fn indexed(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut ids = Ids::new(text);
    let mut parts = Parts::new(text);
    with(|a| {
        let mut joiner = Joiner::new(text);
        let mut keep = |r: Range<usize>, t: &Term| out.push((r, t.text.to_string()));
        a.each(text, |r, t| {
            ids.push(r.clone());
            parts.push(r.clone());
            joiner.push(r, t, &mut keep);
        });
        joiner.finish(&mut keep);
    });
    out.extend(ids.finish());
    out.extend(parts.finish());
    out
}

/// The identifiers of `text` (see [`Ids`]), each with its byte range, in order.
pub fn id_terms(text: &str) -> Vec<(Range<usize>, String)> {
    let mut ids = Ids::new(text);
    with(|a| a.each(text, |r, _| ids.push(r)));
    ids.finish()
}

/// The term an incident's id is searched by, when the id is one identifier with a digit: the
/// term of a single word (`abc123`), or the [`Ids`] term of words joined by hyphens or underscores
/// (`PM2021-005` is `pm2021-005`). A query that holds it names that incident.
pub fn id_term(id: &str) -> Option<String> {
    let id = id.trim();
    let words: Vec<Range<usize>> = Words::new(id).collect();
    if let [only] = words.as_slice() {
        return (only.clone() == (0..id.len()) && id.bytes().any(|b| b.is_ascii_digit()))
            .then(|| terms(id).into_iter().next())
            .flatten();
    }
    id_terms(id)
        .into_iter()
        .find(|(r, _)| *r == (0..id.len()))
        .map(|(_, t)| t)
}

/// Characters that join the words of an identifier (`PM2021-005`, `INC_201`).
pub const ID_JOINERS: &[char] = &['-', '_'];

/// Identifiers in a stream of words: two or more words, each joined to the next by one hyphen
/// or underscore and nothing else, at least one digit among them (`PM2021-005`, `INC-2023-042`,
/// `2021-01-05-logs`), are also one term: their words lowercased and folded to ASCII, not
/// stemmed, joined by hyphens (`inc_201` is `inc-201`), when it is shorter than [`LONG_ID`]
/// bytes (a longer one is a file name's slug, not an id). The words stay terms too, so `PM2021` still finds `PM2021-005`, while
/// `PM2021-005` tells `PM2021-005` from `PM2021-006`. `search.js` joins them the same way.
pub struct Ids<'t> {
    text: &'t str,
    /// The words of the identifier being read.
    chain: Vec<Range<usize>>,
    out: Vec<(Range<usize>, String)>,
}

impl<'t> Ids<'t> {
    pub fn new(text: &'t str) -> Self {
        Ids {
            text,
            chain: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Reads the next word of the text (at `range`, one of [`Words`]).
    pub fn push(&mut self, range: Range<usize>) {
        let joined = self.chain.last().is_some_and(|last| {
            let gap = &self.text[last.end..range.start];
            gap.len() == 1 && gap.starts_with(ID_JOINERS)
        });
        if !joined {
            self.end_chain();
        }
        self.chain.push(range);
    }

    fn end_chain(&mut self) {
        let chain = std::mem::take(&mut self.chain);
        let (Some(first), Some(last)) = (chain.first(), chain.last()) else {
            return;
        };
        if chain.len() < 2 {
            return;
        }
        let words: Vec<String> = chain.iter().map(|r| fold(&self.text[r.clone()])).collect();
        let term = words.join("-");
        if term.len() < LONG_ID && term.bytes().any(|b| b.is_ascii_digit()) {
            self.out.push((first.start..last.end, term));
        }
    }

    /// Ends the text: the identifiers read, each with its byte range.
    pub fn finish(mut self) -> Vec<(Range<usize>, String)> {
        self.end_chain();
        self.out
    }
}

/// Words written in camel case, as Kubernetes states, cloud products and exceptions are
/// (`NotReady`, `CrashLoopBackOff`, `OOMKilled`, `CloudWatch`), are a term as written and
/// their parts are terms too, so "not ready" finds `NotReady` and "image pull" finds
/// `ImagePullBackOff`. A part begins at an ASCII capital after a small letter (`Not|Ready`) or
/// at the last capital of a run followed by a small letter (`OOM|Killed`); parts of one
/// character are left out (`iPhone`, `DDoS` and `IPv6` have no parts), and a word needs two
/// parts left to have any. The parts are stemmed as words are and the [`COMPOUNDS`] among them
/// joined (`CrashLoopBackOff` holds `crashloop` and `backoff`); a part whose term is the whole
/// word's (`CrashLoop`) is not repeated. Each part's range is its piece of the word. The
/// similarity measures do not read parts. `search.js` splits words the same way.
pub struct Parts<'t> {
    text: &'t str,
    /// The words written in camel case read so far.
    words: Vec<Range<usize>>,
}

impl<'t> Parts<'t> {
    pub fn new(text: &'t str) -> Self {
        Parts {
            text,
            words: Vec::new(),
        }
    }

    /// Reads the next word of the text (at `range`, one of [`Words`]).
    pub fn push(&mut self, range: Range<usize>) {
        let b = &self.text.as_bytes()[range.clone()];
        // Most words have no capital after their first letter: one look at each byte.
        if b.iter().skip(1).any(u8::is_ascii_uppercase) {
            self.words.push(range);
        }
    }

    /// Ends the text: the parts of its camel-case words, each with its byte range, in order.
    pub fn finish(self) -> Vec<(Range<usize>, String)> {
        thread_local! {
            // Its own analyser: a caller may be inside `with`, whose analyser is borrowed.
            static PARTS: RefCell<Analysis> = RefCell::new(Analysis::default());
        }
        let mut out = Vec::new();
        if self.words.is_empty() {
            return out;
        }
        PARTS.with(|a| {
            let a = &mut *a.borrow_mut();
            for w in &self.words {
                let whole = a.word(&self.text[w.clone()]).map(|t| t.text.clone());
                let mut found = Vec::new();
                let mut joiner = Joiner::new(self.text);
                let mut keep = |r: Range<usize>, t: &Term| found.push((r, t.text.to_string()));
                for p in camel_pieces(&self.text[w.clone()]) {
                    let r = w.start + p.start..w.start + p.end;
                    if let Some(t) = a.word(&self.text[r.clone()]) {
                        joiner.push(r, t, &mut keep);
                    }
                }
                joiner.finish(&mut keep);
                out.extend(
                    found
                        .into_iter()
                        .filter(|(_, t)| whole.as_deref() != Some(t.as_str())),
                );
            }
        });
        out
    }
}

/// The parts of a word written in camel case (see [`Parts`]) of two characters or more, as
/// byte ranges in the word; none when fewer than two.
fn camel_pieces(word: &str) -> Vec<Range<usize>> {
    let b = word.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    for i in 1..b.len() {
        let begins = b[i].is_ascii_uppercase()
            && (b[i - 1].is_ascii_lowercase()
                || (b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if begins {
            pieces.push(start..i);
            start = i;
        }
    }
    if start == 0 {
        return Vec::new();
    }
    pieces.push(start..b.len());
    pieces.retain(|p| word[p.clone()].chars().count() >= 2);
    if pieces.len() < 2 {
        pieces.clear();
    }
    pieces
}

/// The parts of the camel-case words of `text` (see [`Parts`]), each with its byte range, in
/// order.
pub fn part_terms(text: &str) -> Vec<(Range<usize>, String)> {
    let mut parts = Parts::new(text);
    with(|a| a.each(text, |r, _| parts.push(r)));
    parts.finish()
}

/// A word lowercased and folded to ASCII, as the analysis does before it stems.
fn fold(word: &str) -> String {
    thread_local! {
        static FOLD: RefCell<TextAnalyzer> = RefCell::new(
            TextAnalyzer::builder(WordTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
    }
    FOLD.with(|a| first_token(&mut a.borrow_mut(), word))
        .unwrap_or_default()
}

/// Words so common that they do not tell documents apart (Lucene's English stop words, and
/// "were" beside "was"): a query drops them when it has other words, so that "logs not
/// shipped" does not match every document that says "not". `search.js` holds the same list,
/// written into it from this one (tests/search_parity.rs).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "were", "will", "with",
];

/// Operations words written closed, open or hyphenated, as their two words: search reads the
/// two words next to each other (any form of each: "rolled back", "failing over") as the
/// closed word ("rollback", "failover"). `search.js` holds the same list, written into it from
/// this one (tests/search_parity.rs).
pub const COMPOUNDS: &[(&str, &str)] = &[
    ("back", "fill"),
    ("back", "off"),
    ("back", "up"),
    ("check", "list"),
    ("clean", "up"),
    ("crash", "loop"),
    ("data", "center"),
    ("dead", "lock"),
    ("down", "time"),
    ("end", "point"),
    ("fail", "over"),
    ("fall", "back"),
    ("file", "system"),
    ("hand", "off"),
    ("hard", "code"),
    ("health", "check"),
    ("hot", "fix"),
    ("lock", "out"),
    ("log", "in"),
    ("log", "out"),
    ("look", "up"),
    ("name", "space"),
    ("on", "call"),
    ("oom", "kill"),
    ("play", "book"),
    ("post", "mortem"),
    ("roll", "back"),
    ("roll", "out"),
    ("roll", "over"),
    ("run", "book"),
    ("set", "up"),
    ("shut", "down"),
    ("sign", "up"),
    ("start", "up"),
    ("tear", "down"),
    ("time", "out"),
    ("up", "time"),
    ("web", "hook"),
    ("work", "around"),
];

/// The [`COMPOUNDS`] as terms: (first term, second term) -> the term of the closed word.
struct Compounds {
    firsts: FxHashSet<u32>,
    joined: FxHashMap<(u32, u32), Term>,
}

static JOINED: LazyLock<Compounds> = LazyLock::new(|| {
    // Its own analyser: this runs inside `with`, whose analyser is borrowed.
    let mut a = Analysis::default();
    let mut term = |w: &str| a.word(w).cloned().expect("a compound's words are words");
    let mut c = Compounds {
        firsts: FxHashSet::default(),
        joined: FxHashMap::default(),
    };
    for (first, second) in COMPOUNDS {
        let (f, s) = (term(first), term(second));
        let mut closed = term(&format!("{first}{second}"));
        closed.stop = false;
        c.firsts.insert(f.id);
        c.joined.insert((f.id, s.id), closed);
    }
    c
});

/// The [`COMPOUNDS`] the other way: the term of each closed word -> the terms of its two
/// words, as a query searches for them when no document holds the closed word.
static SPLIT: LazyLock<FxHashMap<String, [String; 2]>> = LazyLock::new(|| {
    let mut a = Analysis::default();
    let mut term = |w: &str| {
        a.word(w)
            .map(|t| t.text.to_string())
            .expect("a compound's words are words")
    };
    COMPOUNDS
        .iter()
        .map(|(first, second)| {
            let closed = term(&format!("{first}{second}"));
            (closed, [term(first), term(second)])
        })
        .collect()
});

/// Joins the [`COMPOUNDS`] in a stream of terms of one text, read in order: a term that can
/// begin one waits for the next term before it is handed on.
pub struct Joiner<'t> {
    text: &'t str,
    pending: Option<(Range<usize>, Term)>,
}

impl<'t> Joiner<'t> {
    pub fn new(text: &'t str) -> Self {
        Joiner {
            text,
            pending: None,
        }
    }

    /// Reads the next term of the text (at `range`): calls `f` with the terms that are now
    /// whole.
    pub fn push(
        &mut self,
        range: Range<usize>,
        term: &Term,
        mut f: impl FnMut(Range<usize>, &Term),
    ) {
        let table = &*JOINED;
        if let Some((r, first)) = self.pending.take() {
            let gap = &self.text[r.end..range.start];
            if let Some(closed) = table.joined.get(&(first.id, term.id)) {
                if gap.chars().all(|c| c == '-' || c.is_whitespace()) {
                    f(r.start..range.end, closed);
                    return;
                }
            }
            f(r, &first);
        }
        if table.firsts.contains(&term.id) {
            self.pending = Some((range, term.clone()));
        } else {
            f(range, term);
        }
    }

    /// Ends the text: hands on the term still waiting, if any.
    pub fn finish(&mut self, mut f: impl FnMut(Range<usize>, &Term)) {
        if let Some((r, t)) = self.pending.take() {
            f(r, &t);
        }
    }
}

/// The search analysis as a tantivy tokenizer: the terms of [`terms`], compounds joined,
/// identifiers and camel-case parts too.
#[derive(Clone, Default)]
pub struct SearchTokenizer;

/// The token stream of a [`SearchTokenizer`].
pub struct SearchStream {
    tokens: Vec<Token>,
    /// One past the current token.
    next: usize,
}

impl Tokenizer for SearchTokenizer {
    type TokenStream<'a> = SearchStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SearchStream {
        let tokens = indexed(text)
            .into_iter()
            .enumerate()
            .map(|(position, (r, text))| Token {
                offset_from: r.start,
                offset_to: r.end,
                position,
                text,
                position_length: 1,
            })
            .collect();
        SearchStream { tokens, next: 0 }
    }
}

impl TokenStream for SearchStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The search analysis for the tantivy index: [`tokens`] as a tantivy analyzer.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(SearchTokenizer)
}

/// A query as search reads it (see [`read_query`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The terms it searches for (see [`query_terms`]).
    pub wanted: Vec<String>,
    /// The terms of its exclusions, each once, in order: a document that holds any of them is
    /// left out. Never a stop word.
    pub excluded: Vec<String>,
    /// Each of the `wanted` terms written only inside identifiers or camel-case words, with the
    /// term of the identifier or word that holds it at each place (`QS-2021-016` holds `qs`,
    /// `2021` and `016`; `NotReady` holds `readi`).
    pub inside_ids: Vec<(String, Vec<String>)>,
    /// Each of the `wanted` terms written as a prefix, `kube*`, with the prefix (lowercased and
    /// folded; three letters or more): it also searches for the terms that begin so.
    pub prefixes: Vec<(String, String)>,
    /// Each exclusion as written (`-fluentd`), with its terms (those it adds to `excluded`).
    pub exclusions: Vec<(String, Vec<String>)>,
    /// Each of the `wanted` terms that is the closed word of one of the [`COMPOUNDS`], with the
    /// terms of its words that are not stop words (`oomkil`: `oom`, `kill`; `oncal`: `call`).
    pub compounds: Vec<(String, Vec<String>)>,
}

impl Query {
    /// The terms to search for once it is known which identifiers of the query some document
    /// `holds`: an identifier found stands for its words, so `QS-2021-016` finds that incident
    /// and those that cite it, not every incident that says 2021; so does a camel-case word
    /// (`NotReady` finds what says `NotReady`, not every "ready"). A word also written outside
    /// an identifier, or inside one no document holds, is searched for (`PM2021-099` still
    /// finds the `PM2021` incidents when no document names it). A compound's closed word that
    /// no document holds stands for its words: "oom killed", `OOMKilled` and `oom-killed` find
    /// what says "out of memory (OOM) killed".
    pub fn focused(&self, holds: impl Fn(&str) -> bool) -> Vec<String> {
        let ids: std::collections::BTreeSet<&str> = self
            .inside_ids
            .iter()
            .flat_map(|(_, ids)| ids)
            .map(String::as_str)
            .collect();
        let found: Vec<&str> = ids.into_iter().filter(|id| holds(id)).collect();
        let mut out: Vec<String> = Vec::new();
        for t in &self.wanted {
            if self
                .inside_ids
                .iter()
                .any(|(w, ids)| w == t && ids.iter().all(|id| found.contains(&id.as_str())))
            {
                continue;
            }
            let words = match self.compounds.iter().find(|(c, _)| c == t) {
                Some((_, words)) if !words.is_empty() && !holds(t) => words.clone(),
                _ => vec![t.clone()],
            };
            for w in words {
                if !out.contains(&w) {
                    out.push(w);
                }
            }
        }
        out
    }

    /// Whether the query finds the compound `t` by its words (see [`Self::focused`]): every one
    /// of them is held, the closed word is not.
    pub fn found_by_words(&self, t: &str, holds: impl Fn(&str) -> bool) -> bool {
        self.compounds.iter().any(|(c, words)| {
            c == t && !words.is_empty() && !holds(t) && words.iter().all(|w| holds(w))
        })
    }
}

/// Reads a query. A piece of it written with a leading `-` (at its start or after whitespace,
/// up to the next whitespace, more than the `-` alone: `-fluentd`) is an exclusion: its terms
/// are left out rather than searched for, a hyphen inside a word (`on-call`, `PM2021-005`) is
/// not one. An exclusion that holds an identifier leaves out the identifier's term, not each of
/// its words (`-PM2021-005` leaves out the incident with that id and those that mention it, not
/// every `PM2021-…` one), and its stop words are ignored, so one of stop words alone leaves out
/// nothing. The other words are read as [`query_terms`] reads them, the exclusions standing
/// between them (`roll -x back` is not `rollback`). `search.js` reads a query the same way.
pub fn read_query(query: &str) -> Query {
    let pieces = excluded_words(query);
    let rest = searched(query);
    let stops = stop_terms();
    let mut excluded: Vec<String> = Vec::new();
    let mut exclusions = Vec::new();
    for (r, word) in &pieces {
        let text = &query[word.clone()];
        let ids = id_terms(text);
        let words = tokens(text).into_iter().filter(|(w, _)| {
            !ids.iter()
                .any(|(id, _)| id.start <= w.start && w.end <= id.end)
        });
        let mut own: Vec<String> = Vec::new();
        for (_, t) in words.chain(ids.iter().cloned()) {
            if !stops.contains(&t) && !own.contains(&t) {
                own.push(t.clone());
            }
            if !stops.contains(&t) && !excluded.contains(&t) {
                excluded.push(t);
            }
        }
        exclusions.push((query[r.clone()].to_string(), own));
    }
    let wanted = wanted_terms(&rest, &stops);
    let inside_ids = inside_ids(&rest)
        .into_iter()
        .filter(|(t, _)| wanted.contains(t))
        .collect();
    let compounds = wanted
        .iter()
        .filter_map(|t| {
            let words = SPLIT.get(t)?;
            let kept = words.iter().filter(|w| !stops.contains(*w)).cloned();
            Some((t.clone(), kept.collect()))
        })
        .collect();
    let prefixes = tokens(&rest)
        .into_iter()
        .filter(|(r, t)| rest[r.end..].starts_with('*') && wanted.contains(t))
        .map(|(r, t)| (t, fold(&rest[r])))
        .filter(|(_, p)| p.chars().count() >= 3)
        .collect();
    Query {
        wanted,
        excluded,
        exclusions,
        prefixes,
        inside_ids,
        compounds,
    }
}

/// The terms of `text` written only inside identifiers or camel-case words, in order, each
/// once, with the term of the identifier or word that holds it at each place.
fn inside_ids(text: &str) -> Vec<(String, Vec<String>)> {
    let ids = id_terms(text);
    let words = tokens(text);
    let holder = |r: &Range<usize>, holders: &[(Range<usize>, String)]| {
        holders
            .iter()
            .find(|(h, _)| h.start <= r.start && r.end <= h.end)
            .map(|(_, t)| t.clone())
    };
    // Each word with the identifier that holds it, then each camel-case part with its word.
    let mut places: Vec<(String, Option<String>)> = words
        .iter()
        .map(|(r, t)| (t.clone(), holder(r, &ids)))
        .collect();
    places.extend(
        part_terms(text)
            .into_iter()
            .map(|(r, t)| (t, holder(&r, &words))),
    );
    let mut out: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for (t, holder) in places {
        let at = match out.iter().position(|(w, _)| *w == t) {
            Some(at) => at,
            None => {
                out.push((t, Some(Vec::new())));
                out.len() - 1
            }
        };
        match (holder, &mut out[at].1) {
            (Some(id), Some(held)) => held.push(id),
            (None, entry) => *entry = None,
            (Some(_), None) => {}
        }
    }
    out.into_iter()
        .filter_map(|(t, ids)| Some((t, ids?)))
        .collect()
}

/// `query` with each of its exclusions (see [`read_query`]) written over with dots, so that
/// what is left is what it searches for, each word at its place.
pub fn searched(query: &str) -> String {
    let mut rest = query.to_string();
    for r in exclusions(query) {
        rest.replace_range(r.clone(), &".".repeat(r.len()));
    }
    rest
}

/// The byte ranges of a query's exclusions (see [`read_query`]), the `-` included.
/// A word written after `NOT` (in capitals, as Lucene and the web's search engines read it) is
/// one too: `logs NOT fluentd` is `logs -fluentd`.
fn exclusions(query: &str) -> Vec<Range<usize>> {
    excluded_words(query).into_iter().map(|(r, _)| r).collect()
}

/// The exclusions of a query (see [`exclusions`]), each with the byte range of the word it
/// leaves out (after the `-` or the `NOT `).
fn excluded_words(query: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut start = None;
    for (i, c) in query.char_indices().chain([(query.len(), ' ')]) {
        if !c.is_whitespace() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            pieces.push(s..i);
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < pieces.len() {
        let p = pieces[k].clone();
        let next = pieces
            .get(k + 1)
            .filter(|n| &query[p.clone()] == "NOT" && !query[(*n).clone()].starts_with('-'));
        if let Some(n) = next {
            out.push((p.start..n.end, n.clone()));
            k += 2;
            continue;
        }
        if query[p.clone()].starts_with('-') && p.len() > 1 {
            out.push((p.clone(), p.start + 1..p.end));
        }
        k += 1;
    }
    out
}

/// The words of a question put to the search, which a query drops as it drops the
/// [`STOP_WORDS`]: "why did the certificate expire" searches for what says "certificate" and
/// "expire", not first for what also says "did"; "is this like PM2021-005?" for PM2021-005
/// and what mentions it, not for what says "like". Only queries drop them: postmortems are
/// read with them. `search.js` holds the same list.
pub const QUESTION_WORDS: &[&str] = &[
    "how", "what", "when", "where", "which", "who", "why", "do", "does", "did", "like", "similar",
    "happen",
];

/// The terms of the [`STOP_WORDS`] and the [`QUESTION_WORDS`]: those a query drops.
fn stop_terms() -> std::collections::HashSet<String> {
    STOP_WORDS
        .iter()
        .chain(QUESTION_WORDS)
        .flat_map(|w| terms(w))
        .collect()
}

/// The terms a query searches for: its terms, each once, in order, without the
/// [`STOP_WORDS`] unless nothing else is left (a query of stop words alone searches for them),
/// and without its exclusions (see [`read_query`]).
pub fn query_terms(query: &str) -> Vec<String> {
    read_query(query).wanted
}

/// The terms of `text` as [`query_terms`] reads them, `text` holding no exclusion.
fn wanted_terms(text: &str, stops: &std::collections::HashSet<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let all: Vec<String> = terms(text)
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect();
    let kept: Vec<String> = all
        .iter()
        .filter(|t| !stops.contains(*t))
        .cloned()
        .collect();
    if kept.is_empty() {
        all
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tantivy_tokens(text: &str) -> Vec<(Range<usize>, String)> {
        let mut a = chain();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        out
    }

    /// The terms of `text` word by word, compounds not joined.
    fn word_tokens(text: &str) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        with(|a| a.each(text, |r, t| out.push((r, t.text.to_string()))));
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
            assert_eq!(word_tokens(&text), tantivy_tokens(&text));
        }
    }

    #[test]
    fn chinese_and_japanese_are_split_into_characters_and_katakana_words_as_tantivy_splits_them() {
        let text =
            "東京リージョンの障害: DBサーバーが停止した。数据库连接超时 ｻｰﾊﾞｰ 서울에서 Café-DB2";
        assert_eq!(
            terms(text),
            [
                "東",
                "京",
                "リージョン",
                "の",
                "障",
                "害",
                "db",
                "サーバー",
                "が",
                "停",
                "止",
                "し",
                "た",
                "数",
                "据",
                "库",
                "连",
                "接",
                "超",
                "时",
                "ｻｰﾊﾞｰ",
                "서울에서",
                "cafe",
                "db2",
                "cafe-db2"
            ]
        );
        for _ in 0..2 {
            assert_eq!(word_tokens(text), tantivy_tokens(text));
        }
    }

    #[test]
    fn a_term_has_one_id_in_every_thread_and_the_id_gives_its_text_back() {
        let here: Vec<u32> = with(|a| {
            let mut ids = Vec::new();
            a.each("Alerts alerting ALERT restore", |_, t| ids.push(t.id));
            ids
        });
        let there = std::thread::spawn(|| {
            let mut ids = Vec::new();
            with(|a| a.each("alert restored", |_, t| ids.push(t.id)));
            ids
        })
        .join()
        .unwrap();
        assert_eq!(here[0], here[1]);
        assert_eq!(here[0], here[2]);
        assert_eq!(there, [here[0], here[3]]);
        assert_ne!(here[0], here[3]);
        with_terms(|texts| {
            assert_eq!(&*texts[here[0] as usize], "alert");
            assert_eq!(&*texts[here[3] as usize], "restor");
        });
        assert_eq!(intern("restor"), here[3]);
    }

    #[test]
    fn stop_words_are_marked_not_dropped() {
        let mut marked = Vec::new();
        with(|a| a.each("the alerts are paging", |_, t| marked.push(t.stop)));
        assert_eq!(marked, [true, false, true, false]);
    }

    #[test]
    fn a_camel_case_word_is_its_own_term_and_its_parts_are_terms_too() {
        assert_eq!(terms("NotReady"), ["notreadi", "not", "readi"]);
        assert_eq!(
            terms("ImagePullBackOff"),
            ["imagepullbackoff", "imag", "pull", "backoff"]
        );
        // Parts join into compounds, and a part that is the whole word is not repeated.
        assert_eq!(
            terms("CrashLoopBackOff"),
            ["crashloopbackoff", "crashloop", "backoff"]
        );
        assert_eq!(terms("OOMKilled"), terms("OOM killed"));
        assert_eq!(terms("CrashLoop"), terms("crashloop"));
        // A run of capitals ends where a capitalised word begins.
        assert_eq!(
            terms("XMLHttpRequest"),
            ["xmlhttprequest", "xml", "http", "request"]
        );
        assert_eq!(terms("PostgreSQL"), ["postgresql", "postgr", "sql"]);
        // One-letter parts are left out, and a word needs two parts left.
        for word in ["iPhone", "DDoS", "IPv6", "eBPF", "NASA", "Ready", "kubectl"] {
            assert_eq!(terms(word).len(), 1, "{word}: {:?}", terms(word));
        }
        assert_eq!(terms("macOS"), ["maco", "mac", "os"]);
        // Parts begin at ASCII capitals, and are folded as words are.
        assert_eq!(terms("ÉtatCivil"), ["etatcivil", "etat", "civil"]);
        // Each part's range is its piece of the word.
        let text = "pod NotReady";
        let parts: Vec<&str> = part_terms(text)
            .iter()
            .map(|(r, _)| &text[r.clone()])
            .collect();
        assert_eq!(parts, ["Not", "Ready"]);
        // The similarity measures read words, not parts.
        let mut read = Vec::new();
        with(|a| a.each("NotReady", |_, t| read.push(t.text.to_string())));
        assert_eq!(read, ["notreadi"]);
    }

    #[test]
    fn a_query_for_a_camel_case_word_searches_its_parts_only_when_nothing_holds_the_word() {
        let q = read_query("NotReady nodes");
        assert_eq!(q.wanted, ["notreadi", "node", "readi"]);
        assert_eq!(
            q.inside_ids,
            [("readi".to_string(), vec!["notreadi".to_string()])]
        );
        assert_eq!(q.focused(|t| t == "notreadi"), ["notreadi", "node"]);
        assert_eq!(q.focused(|_| false), ["notreadi", "node", "readi"]);
        // A part written as a word of its own too is searched for whatever is found.
        let q = read_query("NotReady ready");
        assert_eq!(q.inside_ids, []);
        // "not ready" finds NotReady: the query's words are the word's parts.
        assert_eq!(query_terms("not ready"), ["readi"]);
        // An exclusion leaves out the word, not its parts.
        assert_eq!(read_query("pods -NotReady").excluded, ["notreadi"]);
    }

    #[test]
    fn a_compound_written_open_or_hyphenated_in_any_form_is_the_closed_word() {
        let rollback = terms("rollback")[0].clone();
        for text in [
            "roll back",
            "Rolled back",
            "rolling   back",
            "roll-back",
            "ROLLBACKS",
            "rolls\nback",
        ] {
            assert_eq!(terms(text), [rollback.as_str()], "{text}");
        }
        assert_eq!(terms("failed over to the replica")[0], terms("failover")[0]);
        assert_eq!(terms("we logged in"), ["we", "login"]);
        // Kubernetes' words, as error messages and people write them.
        for text in ["crash loop", "crash-looping", "CrashLoop"] {
            assert_eq!(terms(text), terms("crashloop"), "{text}");
        }
        assert_eq!(terms("OOM killed"), terms("OOMKilled"));
        // Punctuation between the words keeps them apart, and so does another word.
        assert_eq!(terms("roll. Back"), ["roll", "back"]);
        assert_eq!(terms("roll it back"), ["roll", "it", "back"]);
        // A joined word's range covers both words, for the snippet's marks.
        let text = "we rolled back";
        let (range, _) = &tokens(text)[1];
        assert_eq!(&text[range.clone()], "rolled back");
    }

    #[test]
    fn words_joined_into_an_identifier_are_one_term_more_beside_the_words() {
        assert_eq!(
            terms("See PM2021-005."),
            ["see", "pm2021", "005", "pm2021-005"]
        );
        assert_eq!(
            terms("INC_2023-042 and Café-DB2"),
            [
                "inc",
                "2023",
                "042",
                "and",
                "cafe",
                "db2",
                "inc-2023-042",
                "cafe-db2"
            ]
        );
        // Not stemmed: `2021-01-05-logs` is not `2021-01-05-log`.
        assert_eq!(terms("2021-01-05-logs").last().unwrap(), "2021-01-05-logs");
        // Without a digit, or apart, they are words alone.
        assert_eq!(terms("roll-back post-mortem"), ["rollback", "postmortem"]);
        assert_eq!(terms("PM2021 - 005"), ["pm2021", "005"]);
        assert_eq!(terms("PM2021--005"), ["pm2021", "005"]);
        // Too long to be a term: the words alone.
        let long = "2022-02-08-payments-webhook-certificate-expired";
        assert_eq!(terms(long).len(), 7);
        // The tantivy analyzer indexes them.
        let mut a = analyzer();
        let mut s = a.token_stream("INC-201");
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push(t.text.clone());
        }
        assert_eq!(out, ["inc", "201", "inc-201"]);
    }

    #[test]
    fn an_id_is_searched_by_one_term_when_it_is_one_identifier_with_a_digit() {
        assert_eq!(id_term("PM2021-005").as_deref(), Some("pm2021-005"));
        assert_eq!(id_term("inc_201").as_deref(), Some("inc-201"));
        assert_eq!(id_term("abc123").as_deref(), Some("abc123"));
        assert_eq!(id_term("outage"), None);
        assert_eq!(
            id_term("2022-02-08-payments-webhook-certificate-expired"),
            None
        );
        // A query names it however it writes it.
        for q in ["pm2021-005", "Is this like PM2021_005?"] {
            assert!(query_terms(q).contains(&"pm2021-005".to_string()), "{q}");
        }
    }

    #[test]
    fn a_word_with_a_leading_hyphen_is_left_out_and_a_hyphen_inside_a_word_is_not() {
        let q = read_query("logs -Fluentd\tcloudwatch -shipped");
        assert_eq!(q.wanted, ["log", "cloudwatch"]);
        assert_eq!(q.excluded, ["fluentd", "ship"]);
        // Hyphens inside words, and a lone hyphen, exclude nothing.
        let q = read_query("on-call PM2021-005 - logs");
        assert_eq!(q.excluded, Vec::<String>::new());
        assert_eq!(q.wanted, ["oncal", "pm2021", "005", "log", "pm2021-005"]);
        // An excluded id is its own term, not its pieces; a compound is its closed word.
        assert_eq!(read_query("-PM2021-005 disk").excluded, ["pm2021-005"]);
        assert_eq!(
            read_query("-roll-back -INC_201x").excluded,
            ["rollback", "inc-201x"]
        );
        // Stop words and punctuation exclude nothing; an exclusion stands between two words.
        assert_eq!(read_query("-the -?! disk").excluded, Vec::<String>::new());
        assert_eq!(read_query("roll -x back").wanted, ["roll", "back"]);
        assert_eq!(read_query("-fluentd").wanted, Vec::<String>::new());
    }

    #[test]
    fn the_tantivy_analyzer_gives_the_search_terms() {
        let text = "Rolling back the hotfix timed out; failover, then set-up again";
        let mut a = analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.offset_from..t.offset_to, t.text.clone()));
        }
        assert_eq!(out, tokens(text));
        assert_eq!(
            terms(text),
            ["rollback", "the", "hotfix", "timeout", "failov", "then", "setup", "again"]
        );
    }
}
