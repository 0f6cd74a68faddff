//! The browser's query analysis (themes/default/static/search.js, run with node) against the
//! Rust analysis that builds both search indexes: they must agree on every word.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, RawTokenizer, Stemmer, TextAnalyzer, TokenStream as _,
};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn search_js() -> PathBuf {
    repo().join("themes/default/static/search.js")
}

const BEGIN: &str = "  // BEGIN FOLD TABLE\n";
const END: &str = "  // END FOLD TABLE\n";

/// tantivy's ASCII folding of one string, as the index applies it.
fn fold(s: &str) -> String {
    let mut a = TextAnalyzer::builder(RawTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = a.token_stream(s);
    let mut out = String::new();
    while let Some(t) = stream.next() {
        out.push_str(&t.text);
    }
    out
}

/// The Snowball English stem of `word`, taken as one token.
fn stem(word: &str) -> String {
    let mut a = TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build();
    let mut stream = a.token_stream(word);
    stream.next().map(|t| t.text.clone()).unwrap_or_default()
}

/// The fold table as search.js holds it: ASCII replacement -> every character it replaces.
fn fold_table() -> String {
    let mut table: BTreeMap<String, String> = BTreeMap::new();
    for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
        let s = c.to_string();
        let folded = fold(&s);
        if folded != s {
            table.entry(folded).or_default().push(c);
        }
    }
    format!(
        "  var FOLD_TABLE = {};\n",
        serde_json::to_string(&table).unwrap()
    )
}

/// Asserts that search.js holds `want` between the lines `begin` and `end`, the block written
/// from the Rust side; with `HINDSIGHT_UPDATE_FOLD` set, writes it there instead.
fn generated_block_is_current(begin: &str, end: &str, want: &str, what: &str) {
    let js = std::fs::read_to_string(search_js()).unwrap();
    let start = js.find(begin).expect("block start marker") + begin.len();
    let stop = js.find(end).expect("block end marker");
    if std::env::var_os("HINDSIGHT_UPDATE_FOLD").is_some() {
        let updated = format!("{}{}{}", &js[..start], want, &js[stop..]);
        std::fs::write(search_js(), updated).unwrap();
        return;
    }
    assert!(
        js[start..stop] == *want,
        "search.js is stale ({what}); run `HINDSIGHT_UPDATE_FOLD=1 cargo test --test search_parity`"
    );
}

#[test]
fn the_browser_folding_table_is_tantivys() {
    generated_block_is_current(BEGIN, END, &fold_table(), "fold table");
}

/// Every word of the repository's Markdown (demo content and fixtures), of
/// /usr/share/dict/words when present, inflected forms of those words, and words that exercise
/// the stemmer's exceptions and the analysis's Unicode handling.
fn word_list() -> Vec<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    let mut add_text = |text: &str| {
        for w in text.split(|c: char| c.is_whitespace() || "()[]{}<>\"`*|,;:!?".contains(c)) {
            let w = w.trim_matches(|c: char| ".'_-#=/".contains(c));
            if !w.is_empty() && w.chars().count() < 30 {
                words.insert(w.to_string());
            }
        }
    };
    for dir in ["content", "tests/fixtures", "docs"] {
        for e in walkdir::WalkDir::new(repo().join(dir))
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") {
                add_text(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    if let Ok(dict) = std::fs::read_to_string("/usr/share/dict/words") {
        add_text(&dict);
    }
    let bases: Vec<String> = words
        .iter()
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
        .cloned()
        .collect();
    const SUFFIXES: &[&str] = &[
        "s", "es", "ed", "ing", "ly", "er", "est", "ness", "ful", "fully", "less", "lessly",
        "ation", "ational", "ization", "izer", "ism", "ist", "ity", "ive", "iveness", "able",
        "ably", "ible", "ment", "ments", "ence", "ance", "ous", "ously", "al", "ally", "ies",
        "ied", "y", "'s", "edly", "ingly", "eed", "eedly", "ogist", "ogy", "li", "bli", "alli",
    ];
    let mut extra = Vec::new();
    for b in &bases {
        for s in SUFFIXES {
            extra.push(format!("{b}{s}"));
        }
        extra.push(b.to_uppercase());
        let mut cap = b.clone();
        cap[..1].make_ascii_uppercase();
        extra.push(cap);
    }
    words.extend(extra);
    for w in [
        // Exceptions and special cases of the current English stemmer.
        "add",
        "added",
        "internal",
        "internally",
        "organize",
        "organization",
        "paste",
        "pasted",
        "university",
        "universal",
        "generate",
        "general",
        "generously",
        "communism",
        "community",
        "arsenal",
        "emergency",
        "later",
        "lateral",
        "past",
        "pasting",
        "skies",
        "skis",
        "sky",
        "dying",
        "lying",
        "tying",
        "news",
        "howe",
        "atlas",
        "cosmos",
        "bias",
        "andes",
        "gently",
        "ugly",
        "early",
        "only",
        "singly",
        "idly",
        "proceed",
        "exceed",
        "succeed",
        "inning",
        "outing",
        "canning",
        "herring",
        "earring",
        "evening",
        "innings",
        "yes",
        "youth",
        "say",
        "sayings",
        "Yves",
        "cry",
        "by",
        "a",
        "aa",
        "ies",
        "ied",
        "sses",
        "us",
        "gas",
        "this",
        "kiwis",
        "fluently",
        "fluentd",
        "v2",
        "k8s",
        "ipv6",
        "1990s",
        "x86_64",
        // Unicode: accents, ligatures, other scripts, long tokens, digits of other scripts.
        "café",
        "naïve",
        "Ærø",
        "straße",
        "İstanbul",
        "ΣΊΣΥΦΟΣ",
        "Ǆemal",
        "œuvre",
        "façade",
        "ﬁle",
        "①②",
        "١٢٣",
        "日本語",
        "Москва",
        "ǅungla",
        "Ⅻ",
        "x²",
        "ḱ",
        "𝒳𝒴",
        "Ω",
        "supercalifragilisticexpialidociousnesses",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "ééééééééééééééééééé",
        "éééééééééééééééééééé",
        "logs-not_shipped.to/cloudwatch",
        "don't",
        "O'Neil's",
        "e-mail",
        "3.14",
        "",
    ] {
        words.insert(w.to_string());
    }
    words.into_iter().filter(|w| !w.contains('\n')).collect()
}

fn node(mode: &str, lines: &[String]) -> Vec<serde_json::Value> {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(tmp.path(), text).unwrap();
    let out = Command::new("node")
        .arg(repo().join("tests/parity/analyze.js"))
        .arg(mode)
        .arg(tmp.path())
        .output()
        .expect("node runs (node 20 or later must be installed)");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_browser_analysis_matches_the_rust_analysis_on_a_large_word_list() {
    let words = word_list();
    assert!(words.len() > 50_000, "only {} words", words.len());
    let js = node("analyze", &words);
    assert_eq!(js.len(), words.len());
    let mut differ = Vec::new();
    for (w, j) in words.iter().zip(&js) {
        let rust = serde_json::json!(hindsight::search::terms(w));
        if &rust != j {
            differ.push(format!("{w:?}: rust {rust}, js {j}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} words differ:\n{}",
        differ.len(),
        words.len(),
        differ[..differ.len().min(40)].join("\n")
    );
}

#[test]
fn the_browser_stemmer_matches_the_rust_stemmer_on_words_the_tokenizer_never_yields() {
    // Apostrophes, capital Y and non-letters reach the stemmer only when it is called directly.
    let mut words: Vec<String> = [
        "'", "''", "'s", "'s'", "dog's", "dogs'", "'tis", "o'clock", "yay", "Yay", "YELLOW",
        "sayYes", "b'y", "ys", "y", "yy", "-ing", "eed", "ing", "ed", "a-b", "ab c", "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for w in word_list().into_iter().take(20_000) {
        words.push(format!("{w}'s"));
        words.push(format!("y{w}"));
    }
    let js = node("stem", &words);
    let mut differ = Vec::new();
    for (w, j) in words.iter().zip(&js) {
        if serde_json::json!(stem(w)) != *j {
            differ.push(format!("{w:?}: rust {:?}, js {j}", stem(w)));
        }
    }
    assert!(
        differ.is_empty(),
        "{} words differ:\n{}",
        differ.len(),
        differ[..differ.len().min(40)].join("\n")
    );
}

#[test]
fn the_browser_splits_chinese_and_japanese_text_as_the_rust_analysis_does() {
    let lines: Vec<String> = [
        "東京リージョンの障害",
        "DBサーバーが停止した。",
        "数据库连接超时",
        "ｻｰﾊﾞｰ障害 ゝゞ々〇〻",
        "서울에서 Café-DB2 東",
        "𠀋𪚲 ー ・ カタカナ漢字ひらがな",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa東京",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let js = node("analyze", &lines);
    for (line, j) in lines.iter().zip(&js) {
        assert_eq!(
            &serde_json::json!(hindsight::search::terms(line)),
            j,
            "{line}"
        );
    }
    assert_eq!(
        js[0],
        serde_json::json!(["東", "京", "リージョン", "の", "障", "害"])
    );
}

#[test]
fn the_browser_drops_a_query_s_stop_words_as_the_terminal_does() {
    let lines: Vec<String> = [
        "logs not shipped cloudwatch",
        "not",
        "the not of",
        "The THE the disk",
        "is it down",
        "there is no certificate",
        "why did the certificate expire",
        "東京 the",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(
        hindsight::analysis::STOP_WORDS
            .iter()
            .chain(hindsight::analysis::QUESTION_WORDS)
            .map(|w| format!("{w} cache {w}")),
    )
    .collect();
    let js = node("query", &lines);
    for (line, j) in lines.iter().zip(&js) {
        assert_eq!(
            &serde_json::json!(hindsight::analysis::query_terms(line)),
            j,
            "{line}"
        );
    }
    assert_eq!(js[0], serde_json::json!(["log", "ship", "cloudwatch"]));
    assert_eq!(js[1], serde_json::json!(["not"]));
    let why = lines
        .iter()
        .position(|l| l == "why did the certificate expire")
        .unwrap();
    assert_eq!(js[why], serde_json::json!(["certif", "expir"]));
}

const LISTS_BEGIN: &str = "  // BEGIN ANALYSIS LISTS\n";
const LISTS_END: &str = "  // END ANALYSIS LISTS\n";

/// The stop words and compounds of src/analysis.rs as search.js holds them.
fn analysis_lists() -> String {
    format!(
        "  var STOP_WORDS = {};\n  var QUESTION_WORDS = {};\n  var COMPOUNDS = {};\n",
        serde_json::to_string(hindsight::analysis::STOP_WORDS).unwrap(),
        serde_json::to_string(hindsight::analysis::QUESTION_WORDS).unwrap(),
        serde_json::to_string(hindsight::analysis::COMPOUNDS).unwrap()
    )
}

#[test]
fn the_browser_holds_the_stop_words_and_compounds_of_the_rust_analysis() {
    generated_block_is_current(
        LISTS_BEGIN,
        LISTS_END,
        &analysis_lists(),
        "stop words or compounds",
    );
    assert!(hindsight::analysis::STOP_WORDS.contains(&"were"));
}

#[test]
fn the_browser_joins_compounds_as_the_rust_analysis_does() {
    let mut lines: Vec<String> = [
        "rollback",
        "roll back",
        "Rolled back the deploy",
        "Rolling  back",
        "roll-back",
        "roll--back",
        "roll\u{a0}back",
        "roll\u{85}back",
        "roll\u{feff}back",
        "roll. Back",
        "roll it back",
        "fail back up",
        "roll back out",
        "we logged in and timed out",
        "set up, shut down, started up",
        "on-call runbook post-mortem",
        "hot fixes and hotfixes",
        "roll aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa back",
        "東京 roll back 東京",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (first, second) in hindsight::analysis::COMPOUNDS {
        lines.push(format!("{first}{second}"));
        lines.push(format!("{first} {second}"));
        lines.push(format!("{first}-{second}"));
        lines.push(format!("{first}ed {second}"));
        lines.push(format!("{first}ing {second}s"));
    }
    let js = node("analyze", &lines);
    for (line, j) in lines.iter().zip(&js) {
        assert_eq!(
            &serde_json::json!(hindsight::search::terms(line)),
            j,
            "{line:?}"
        );
    }
    let queries = node("query", &lines);
    for (line, j) in lines.iter().zip(&queries) {
        assert_eq!(
            &serde_json::json!(hindsight::analysis::query_terms(line)),
            j,
            "{line:?}"
        );
    }
    assert_eq!(js[1], serde_json::json!(["rollback"]));
    assert_eq!(js[2], serde_json::json!(["rollback", "the", "deploy"]));
    assert_eq!(js[4], serde_json::json!(["rollback"]));
}

#[test]
fn the_browser_reads_identifiers_as_the_rust_analysis_does() {
    let lines: Vec<String> = [
        "PM2021-005",
        "pm2021_005",
        "Is this like PM2021-005?",
        "INC-2023-042 and INC 201",
        "2021-01-05-logs",
        "PM2021 - 005, PM2021--005 and PM2021-_005",
        "roll-back post-mortem a-1",
        "Café-DB2 ÆSIR-9",
        "2022-02-08-payments-webhook-certificate-expired",
        "東京-1 x-東",
        "v1.2-3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for mode in ["analyze", "query"] {
        let js = node(mode, &lines);
        for (line, j) in lines.iter().zip(&js) {
            let rust = if mode == "analyze" {
                hindsight::search::terms(line)
            } else {
                hindsight::analysis::query_terms(line)
            };
            assert_eq!(&serde_json::json!(rust), j, "{mode}: {line}");
        }
    }
    assert_eq!(
        node("query", &lines[..1]),
        [serde_json::json!(["pm2021", "005", "pm2021-005"])]
    );
}

#[test]
fn the_browser_reads_the_words_a_query_writes_only_inside_identifiers_as_the_terminal_does() {
    let lines: Vec<String> = [
        "QS-2021-016",
        "qs-2021-016 memory",
        "PM2021 PM2021-005",
        "PM2021-005 PM2021-006",
        "is this like INC_4412?",
        "2021-01-05-logs logs",
        "roll-back-2 rollback",
        "on-call disk",
        "-PM2021-005 PM2021-006",
        "the-1",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let inside = node("inside", &lines);
    for (i, line) in lines.iter().enumerate() {
        let q = hindsight::analysis::read_query(line);
        assert_eq!(serde_json::json!(q.inside_ids), inside[i], "{line:?}");
    }
    assert_eq!(
        inside[0],
        serde_json::json!([
            ["qs", ["qs-2021-016"]],
            ["2021", ["qs-2021-016"]],
            ["016", ["qs-2021-016"]]
        ])
    );
    // A word written outside an identifier as well is searched for whatever is found.
    assert_eq!(inside[2], serde_json::json!([["005", ["pm2021-005"]]]));
    assert_eq!(
        inside[3],
        serde_json::json!([
            ["pm2021", ["pm2021-005", "pm2021-006"]],
            ["005", ["pm2021-005"]],
            ["006", ["pm2021-006"]]
        ])
    );
    assert_eq!(inside[7], serde_json::json!([]));
}

#[test]
fn the_browser_splits_camel_case_words_into_parts_as_the_rust_analysis_does() {
    let lines: Vec<String> = [
        "NotReady",
        "pods NotReady, CrashLoopBackOff and OOMKilled",
        "ImagePullBackOff image pull",
        "XMLHttpRequest PostgreSQL MySQL macOS",
        "iPhone DDoS IPv6 eBPF NASA kubectl",
        "ÉtatCivil naïveCafé CaféBar",
        "Log4jShell EC2Instance s3Bucket",
        "NotReady-2 INC-NotReady-7",
        "東京NotReady",
        "NotReady ready",
        "-NotReady pods",
        "aB Ab ABc",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for mode in ["analyze", "query", "inside"] {
        let js = node(mode, &lines);
        for (line, j) in lines.iter().zip(&js) {
            let rust = match mode {
                "analyze" => serde_json::json!(hindsight::search::terms(line)),
                "query" => serde_json::json!(hindsight::analysis::query_terms(line)),
                _ => serde_json::json!(hindsight::analysis::read_query(line).inside_ids),
            };
            assert_eq!(&rust, j, "{mode}: {line}");
        }
    }
    assert_eq!(
        node("query", &lines[..1]),
        [serde_json::json!(["notreadi", "readi"])]
    );
}

#[test]
fn the_browser_reads_a_query_s_exclusions_as_the_terminal_does() {
    let lines: Vec<String> = [
        "logs cloudwatch -fluentd",
        "-Fluentd\tlogs -SHIPPED",
        "logs\u{a0}-fluentd\u{3000}-cloudwatch",
        "on-call PM2021-005 - logs",
        "-PM2021-005 disk",
        "is this like -pm2021_005?",
        "-roll-back -rolled back -on-call",
        "roll -x back",
        "-the -not -?! -- disk",
        "-the",
        "-",
        "--fluentd",
        "x-y -z",
        "-東京 障害",
        "-Café-DB2 -ÆSIR-9",
        "-2022-02-08-payments-webhook-certificate-expired",
        "",
        "logs NOT fluentd cloudwatch",
        "logs not fluentd",
        "logs NOT -fluentd",
        "logs NOT",
        "NOT NOT x",
        "NOT\u{a0}Fluentd logs",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let wanted = node("query", &lines);
    let excluded = node("exclude", &lines);
    for (i, line) in lines.iter().enumerate() {
        let q = hindsight::analysis::read_query(line);
        assert_eq!(serde_json::json!(q.wanted), wanted[i], "query: {line:?}");
        assert_eq!(
            serde_json::json!(q.excluded),
            excluded[i],
            "exclude: {line:?}"
        );
    }
    assert_eq!(excluded[0], serde_json::json!(["fluentd"]));
    assert_eq!(wanted[0], serde_json::json!(["log", "cloudwatch"]));
    assert_eq!(excluded[3], serde_json::json!([]));
    assert_eq!(excluded[4], serde_json::json!(["pm2021-005"]));
    // NOT in capitals leaves out the word after it, as -word does; "not" is a word.
    let at = |l: &str| lines.iter().position(|x| x == l).unwrap();
    assert_eq!(
        excluded[at("logs NOT fluentd cloudwatch")],
        serde_json::json!(["fluentd"])
    );
    assert_eq!(
        wanted[at("logs NOT fluentd cloudwatch")],
        serde_json::json!(["log", "cloudwatch"])
    );
    assert_eq!(excluded[at("logs not fluentd")], serde_json::json!([]));
    assert_eq!(
        excluded[at("logs NOT -fluentd")],
        serde_json::json!(["fluentd"])
    );
    assert_eq!(excluded[at("logs NOT")], serde_json::json!([]));
}
