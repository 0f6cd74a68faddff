//! Scores learning clusters on labelled sets of paraphrased learnings: for each set file given,
//! the pairwise precision, recall and F1 of "same cluster" at the default threshold (or
//! `--threshold T`), beside the best F1 of the plain lexical baseline. The set format is in
//! `hindsight::quality`; the sets the tests hold are in tests/fixtures/learnings/.
//!
//! ```text
//! cargo run --release --example paraphrase-f1 -- tests/fixtures/learnings/paraphrases-blind7.json
//! ```

use std::process::ExitCode;

use hindsight::quality::{baseline_best, score, Labelled};

fn main() -> ExitCode {
    let mut threshold = hindsight::config::LearningsConfig::default().similarity_threshold;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--threshold" {
            match args.next().and_then(|t| t.parse().ok()) {
                Some(t) => threshold = t,
                None => return usage("--threshold needs a number, such as 0.3"),
            }
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        return usage("name at least one set file");
    }
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
        let (p, r, f1) = score(&set, threshold);
        println!(
            "{file}: {} texts; precision {p:.3} recall {r:.3} F1 {f1:.3} at threshold {threshold}; lexical baseline at its best threshold: F1 {:.3}",
            set.texts.len(),
            baseline_best(&set)
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: cargo run --release --example paraphrase-f1 -- [--threshold T] SET.json...");
    ExitCode::from(2)
}
