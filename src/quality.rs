/*!
How well learning clusters are measured: labelled sets of paraphrased learnings, the pairwise
F1 of "same cluster" against their labels, and the plain lexical baseline issue 3 compares
with. Used by the quality tests (tests/learnings.rs) and by the `paraphrase-f1` example, which
scores any set in the same format, such as one written by someone who never saw the tool:

```text
cargo run --release --example paraphrase-f1 -- my-set.json
```

A set is JSON: `groups`, each a lesson with the `texts` that state it in different words, and
`singletons`, lessons stated once (the unrelated and near-miss ones). Every text of a group
belongs with the others of its group and with no other text.

```json
{ "groups": [ { "lesson": "Canary first", "texts": ["Roll out to a slice first.", "Canary before fleet-wide deploys."] } ],
  "singletons": ["Rotate the on-call fairly."] }
```
*/

use serde::Deserialize;

/// A labelled set: each text and the lesson it states (texts of one group share a label;
/// each singleton has its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub texts: Vec<String>,
    pub labels: Vec<usize>,
}

#[derive(Deserialize)]
struct SetFile {
    groups: Vec<GroupFile>,
    #[serde(default)]
    singletons: Vec<String>,
}

#[derive(Deserialize)]
struct GroupFile {
    texts: Vec<String>,
}

impl Labelled {
    /// Reads a set from its JSON text (the format in this module's comment).
    pub fn from_json(json: &str) -> Result<Labelled, serde_json::Error> {
        let set: SetFile = serde_json::from_str(json)?;
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        for (g, group) in set.groups.into_iter().enumerate() {
            for t in group.texts {
                texts.push(t);
                labels.push(g);
            }
        }
        let base = labels.len() + set.singletons.len() + 1;
        for (i, t) in set.singletons.into_iter().enumerate() {
            texts.push(t);
            labels.push(base + i);
        }
        Ok(Labelled { texts, labels })
    }
}

/// Pairwise precision, recall and F1 of "same cluster": over all pairs of texts, whether
/// `got` puts together the pairs `truth` does.
pub fn pairwise_f1(truth: &[usize], got: &[usize]) -> (f64, f64, f64) {
    pairwise_f1_over(truth, got, |_, _| true)
}

/// [`pairwise_f1`] over the pairs `(i, j)` for which `counts` holds.
pub fn pairwise_f1_over(
    truth: &[usize],
    got: &[usize],
    counts: impl Fn(usize, usize) -> bool,
) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            if !counts(i, j) {
                continue;
            }
            match (truth[i] == truth[j], got[i] == got[j]) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f1)
}

/// Precision, recall and F1 of Hindsight's clustering of a set at `threshold` (the default
/// is [`crate::config::LearningsConfig`]'s `similarity_threshold`).
pub fn score(set: &Labelled, threshold: f32) -> (f64, f64, f64) {
    let texts: Vec<&str> = set.texts.iter().map(String::as_str).collect();
    let got = crate::learnings::cluster_texts(&texts, threshold);
    pairwise_f1(&set.labels, &got)
}

/// The F1 of the baseline issue 3 compares with: plain TF-IDF cosine (no concepts, no lesson
/// library) clustered with the same linkage, at the best threshold from 0.04 to 0.40, as a
/// hand-picked threshold would be.
pub fn baseline_best(set: &Labelled) -> f64 {
    let mut tokens = crate::similarity::Tokens::with_concept_weight(0.0);
    let docs: Vec<crate::similarity::Counts> = set
        .texts
        .iter()
        .map(|t| {
            let mut c = crate::similarity::Counts::default();
            tokens.count(t, 1.0, &mut c);
            c.retain(|_, w| *w > 0.0);
            c
        })
        .collect();
    let vectors = crate::similarity::Model::from_counts(&docs).vectors;
    (4..=40)
        .map(|t| {
            let got = crate::learnings::cluster_vectors(&vectors, t as f32 / 100.0);
            pairwise_f1(&set.labels, &got).2
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_labels_each_group_together_and_each_singleton_apart() {
        let set = Labelled::from_json(
            r#"{"groups": [{"lesson": "a", "texts": ["x", "y"]}, {"texts": ["z"]}], "singletons": ["s", "t"]}"#,
        )
        .unwrap();
        assert_eq!(set.texts, ["x", "y", "z", "s", "t"]);
        assert_eq!(set.labels[0], set.labels[1]);
        let mut labels = set.labels[1..].to_vec();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), 4, "{:?}", set.labels);
    }

    #[test]
    fn pairwise_f1_counts_pairs_put_together_rightly_and_wrongly() {
        // Truth: {0,1,2} {3}. Got: {0,1} {2,3}: 1 right pair, 1 wrong, 2 missed.
        let (p, r, f1) = pairwise_f1(&[0, 0, 0, 1], &[5, 5, 6, 6]);
        assert_eq!((p, r), (0.5, 1.0 / 3.0));
        assert!((f1 - 0.4).abs() < 1e-9, "{f1}");
        assert_eq!(pairwise_f1(&[0, 0, 1], &[2, 2, 3]), (1.0, 1.0, 1.0));
    }
}
