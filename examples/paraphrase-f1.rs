//! Scores learning clusters on labelled sets of paraphrased learnings: for each set file given,
//! the pairwise precision, recall and F1 of "same cluster" at the default threshold (or
//! `--threshold T`), beside the best F1 of the plain lexical baseline; `--errors` also lists each
//! cluster that joins texts of different lessons and each lesson split apart; `--library FILE`
//! compares learnings through the lessons of FILE, written as `src/lessons.txt` is, instead of
//! the built-in library (to measure a library change without rebuilding); `--without-words`
//! reads the built-in library without its `words:` lines (see
//! `hindsight::lessons::vocabulary_line`), to measure what they do.
//! The set format is in
//! `hindsight::quality`; the sets the tests hold are in tests/fixtures/learnings/.
//!
//! ```text
//! cargo run --release --example paraphrase-f1 -- tests/fixtures/learnings/paraphrases-blind7.json
//! cargo run --release --example paraphrase-f1 -- --library my-lessons.txt tests/fixtures/learnings/paraphrases-*.json
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use hindsight::lessons::{read_library, sentences_only, LessonSpace};
use hindsight::quality::{baseline_best, pairwise_f1, Labelled};
use hindsight::similarity::Lexicon;

fn main() -> ExitCode {
    let mut threshold = hindsight::config::LearningsConfig::default().similarity_threshold;
    let mut files = Vec::new();
    let mut errors = false;
    let mut library = None;
    let mut without_words = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--threshold" {
            match args.next().and_then(|t| t.parse().ok()) {
                Some(t) => threshold = t,
                None => return usage("--threshold needs a number, such as 0.3"),
            }
        } else if a == "--without-words" {
            without_words = true;
        } else if a == "--errors" {
            errors = true;
        } else if a == "--library" {
            match args.next() {
                Some(file) => library = Some(file),
                None => return usage("--library needs a file written as src/lessons.txt is"),
            }
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        return usage("name at least one set file");
    }
    let text = match library.as_deref().map(std::fs::read_to_string).transpose() {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {}: {e}", library.unwrap_or_default());
            return ExitCode::FAILURE;
        }
    };
    let lessons = text.as_deref().map(read_library);
    if let (Some(file), Some(lessons)) = (&library, &lessons) {
        if lessons.is_empty() {
            eprintln!("error: {file} holds no lesson: a lesson is a `## label` line and one wording a line after it");
            return ExitCode::FAILURE;
        }
        eprintln!("library: {} lessons from {file}", lessons.len());
    }
    let space = match lessons {
        Some(lessons) => Arc::new(LessonSpace::of(Lexicon::builtin(), lessons)),
        None if without_words => {
            let lessons = sentences_only(hindsight::lessons::library()).collect();
            Arc::new(LessonSpace::of(Lexicon::builtin(), lessons))
        }
        None => LessonSpace::for_lexicon(Lexicon::builtin()),
    };
    let mut failed = false;
    for file in &files {
        let set = match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|t| Labelled::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(set) => set,
            Err(e) => {
                eprintln!("error: {file}: {e}");
                failed = true;
                continue;
            }
        };
        let (p, r, f1) = pairwise_f1(&set.labels, &clusters(&set, threshold, &space));
        println!(
            "{file}: {} texts; precision {p:.3} recall {r:.3} F1 {f1:.3} at threshold {threshold}; lexical baseline at its best threshold: F1 {:.3}",
            set.texts.len(),
            baseline_best(&set)
        );
        if errors {
            print_errors(&set, threshold, &space);
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Hindsight's clusters of the set's texts, compared through the lessons of `space`.
fn clusters(set: &Labelled, threshold: f32, space: &LessonSpace) -> Vec<usize> {
    let texts: Vec<&str> = set.texts.iter().map(String::as_str).collect();
    hindsight::learnings::cluster_texts_in(&texts, threshold, space)
}

/// Each cluster holding texts of more than one lesson, and each lesson whose texts are in more
/// than one cluster, with the texts by lesson (`L3`) and cluster (`C7`).
fn print_errors(set: &Labelled, threshold: f32, space: &LessonSpace) {
    let texts: Vec<&str> = set.texts.iter().map(String::as_str).collect();
    let got = clusters(set, threshold, space);
    let mut by_cluster: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut by_lesson: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (&c, &l)) in got.iter().zip(&set.labels).enumerate() {
        by_cluster.entry(c).or_default().push(i);
        by_lesson.entry(l).or_default().push(i);
    }
    let distinct = |members: &[usize], key: &[usize]| {
        let mut k: Vec<usize> = members.iter().map(|&i| key[i]).collect();
        k.sort_unstable();
        k.dedup();
        k.len()
    };
    let show = |members: &[usize]| {
        for &i in members {
            println!("    L{} C{}  {}", set.labels[i], got[i], texts[i]);
        }
    };
    for (c, members) in &by_cluster {
        if distinct(members, &set.labels) > 1 {
            println!("  joined apart lessons in cluster C{c}:");
            show(members);
        }
    }
    for (l, members) in &by_lesson {
        if distinct(members, &got) > 1 {
            println!("  split lesson L{l}:");
            show(members);
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: cargo run --release --example paraphrase-f1 -- [--threshold T] [--errors] [--library FILE | --without-words] SET.json...");
    ExitCode::from(2)
}
