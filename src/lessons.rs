/*!
The lesson library (`src/lessons.txt`): lessons that recur in incident reviews, each written
six ways, as a space in which learnings are compared.

Word overlap misses the same lesson written by two authors: "Find the breaking point in a
rehearsal, not on launch day" and "Load-test everything before Black Friday" share no word. Each lesson of the
library pools six wordings of one lesson and a `words:` line of the vocabulary other authors
use for it (tools, jargon, the nouns of its stories), so its vector holds the many words
authors use for it.
A learning is projected onto the library (an explicit semantic analysis): its similarity to each
library lesson, of which the best few are kept. Two learnings close to the same library lessons
are close in this space whatever their words. [`extend`] appends the projection to a
learning's word vector, so the clustering and attaching of `learnings` see both; the closer a
learning is to its best library lesson, the more the projection weighs.

No model and no network: the library is text written for this project, compiled into the binary
and read with the same analysis (and team vocabulary) as the learnings.
*/

use std::borrow::Borrow;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use crate::similarity::{
    idf, length, normalise, sublinear_tf, Counts, Lexicon, Model, SparseVec, Tokens, CONCEPT_WEIGHT,
};

/// The library: `## label` starts a lesson, each following non-empty line is one wording.
const LESSONS: &str = include_str!("lessons.txt");

/// How many of its closest library lessons a learning keeps: one or two make the projection
/// brittle, many blur it into the topic.
pub const TOP_LESSONS: usize = 10;

/// The power the kept lesson similarities are raised to before normalising, so that the
/// closest library lesson dominates the ones that only share the topic.
pub const SHARPNESS: f32 = 3.0;

/// The share of the lesson projection in a learning's similarity when the learning reads
/// like a library lesson (see [`CONFIDENT_COSINE`]): the cosine of two extended vectors is
/// `(1 - share) * words + share * lessons`.
///
/// TOP_LESSONS, SHARPNESS and the default `similarity_threshold` (0.18) were chosen together on
/// the five first paraphrase sets (top 3, 5, 8, 10, 20; sharpness 1 to 3; share 0.3 to 0.8;
/// thresholds 0.14 to 0.35), with one share of 0.5 for every learning. With the library's
/// `words:` lines, projections became trustworthy enough for a larger share, but only where a
/// learning is close to some library lesson: a fixed 0.7 raised the mean pairwise F1 of the
/// eleven paraphrase sets to 0.815 and cost the real learnings of Quayside and dfds (0.243 and
/// 0.183) and lessons the library lacks (0.669), whose projections are guesses. Sliding from
/// [`UNSURE_LESSON_SHARE`] to this with the closeness of the best lesson gave 0.805 on the
/// paraphrase sets, 0.285 and 0.215 on Quayside and dfds, and 0.687 on lessons the library
/// lacks (top 5, 10 and 20, sharpness 2.5 to 4, shares 0.2 to 0.8, closeness 0.2 to 0.5 and
/// thresholds 0.15 to 0.18 tried; `examples/paraphrase-f1.rs` and `tests/learnings.rs`). With
/// the sentences alone as the background of word weights (see [`LessonSpace::background`]) and
/// clusters that need more as they grow (`learnings::GROWN_FROM`), 0.813, 0.298 and 0.244, and
/// 0.737; thresholds from 0.16 to 0.20 give 0.804 to 0.818 on the paraphrase sets.
pub const LESSON_SHARE: f32 = 0.7;

/// The share of the lesson projection for a learning that reads like no library lesson (its
/// best lesson cosine near 0); see [`LESSON_SHARE`].
pub const UNSURE_LESSON_SHARE: f32 = 0.3;

/// The cosine with its closest library lesson from which a learning's projection counts as
/// sure, and takes the full [`LESSON_SHARE`]; below it, the share slides down linearly towards
/// [`UNSURE_LESSON_SHARE`].
pub const CONFIDENT_COSINE: f32 = 0.35;

/// The weight of a lesson's `words:` line (see [`vocabulary_line`]) against one of its
/// wordings: as much as one (0.5 to 2 tried on the paraphrase sets; 1 was best).
pub const WORDS_WEIGHT: f32 = 1.0;

/// The words of a lesson's `words:` line, if `line` is one: the vocabulary other authors use
/// for the lesson (synonyms, tools, jargon, the nouns of the stories that teach it), which six
/// sentences cannot all hold. With these lines (written for each lesson by helpers who saw
/// none of the paraphrase sets), the mean pairwise F1 of the eleven sets rose from 0.766 to
/// 0.793 with the share of 0.5 every learning had, and to 0.813 with the sliding share (see
/// [`LESSON_SHARE`]) and clusters that need more as they grow. Three more sentences a lesson,
/// written the same way, lowered it (0.801 to 0.771 with 480 lessons extended), so the library
/// holds words, not more sentences. Whole postmortems are projected without them (see
/// [`LessonSpace::for_documents`]).
pub fn vocabulary_line(line: &str) -> Option<&str> {
    line.strip_prefix("words:")
}

/// The library as vectors over the words of its lessons, indexed by word.
pub struct LessonSpace {
    /// Term id of the analysis -> id in this space.
    ids: FxHashMap<u32, u32>,
    /// Inverse document frequency of each term over the lessons.
    idf: Vec<f32>,
    /// Term id -> (lesson, weight) for every lesson whose vector has the term.
    postings: Vec<Vec<(u32, f32)>>,
    lessons: usize,
    /// In how many wordings of the library each term is, and how many wordings there are.
    wording_df: FxHashMap<Arc<str>, u32>,
    wordings: u32,
}

/// The lessons of the library, each as its wordings and its `words:` line.
pub fn library() -> impl Iterator<Item = Vec<&'static str>> {
    read_library(LESSONS).into_iter()
}

/// `lessons` without their `words:` lines (see [`vocabulary_line`]).
pub fn sentences_only<'a>(
    lessons: impl Iterator<Item = Vec<&'a str>>,
) -> impl Iterator<Item = Vec<&'a str>> {
    lessons.map(|mut l| {
        l.retain(|w| vocabulary_line(w).is_none());
        l
    })
}

/// The lessons of a text written as the library is (`## label`, then one wording a line; any
/// other line starting with `#` is a comment), each as its wordings; a label with no wording is
/// no lesson. For measuring a changed library without building it in
/// (`examples/paraphrase-f1.rs --library`).
pub fn read_library(text: &str) -> Vec<Vec<&str>> {
    let mut lessons: Vec<Vec<&str>> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("## ") {
            lessons.push(Vec::new());
        } else if !line.is_empty() && !line.starts_with('#') {
            if let Some(l) = lessons.last_mut() {
                l.push(line);
            }
        }
    }
    lessons.retain(|l| !l.is_empty());
    lessons
}

impl LessonSpace {
    /// The library read with `lexicon` (so a team's vocabulary reaches it too). The built-in
    /// lexicon's space is built once.
    pub fn for_lexicon(lexicon: &Arc<Lexicon>) -> Arc<LessonSpace> {
        static BUILTIN: OnceLock<Arc<LessonSpace>> = OnceLock::new();
        LessonSpace::cached(&BUILTIN, lexicon, || library().collect())
    }

    /// The library without its `words:` lines, read with `lexicon`: the space whole
    /// postmortems are projected onto. A postmortem holds its own vocabulary; the lists of
    /// the lessons' words only drew it to the lessons of its topic (on Quayside, the first
    /// related incident was a group-mate for 0.889 of grouped incidents with them, 0.926
    /// without).
    pub fn for_documents(lexicon: &Arc<Lexicon>) -> Arc<LessonSpace> {
        static BUILTIN: OnceLock<Arc<LessonSpace>> = OnceLock::new();
        LessonSpace::cached(&BUILTIN, lexicon, || sentences_only(library()).collect())
    }

    /// A space over `lessons()` read with `lexicon`, built once into `builtin` for the
    /// built-in lexicon and anew for a team's.
    fn cached(
        builtin: &OnceLock<Arc<LessonSpace>>,
        lexicon: &Arc<Lexicon>,
        lessons: impl Fn() -> Vec<Vec<&'static str>>,
    ) -> Arc<LessonSpace> {
        let new = || Arc::new(LessonSpace::of(lexicon, lessons()));
        if Arc::ptr_eq(lexicon, Lexicon::builtin()) {
            builtin.get_or_init(new).clone()
        } else {
            new()
        }
    }

    /// A space over `lessons` (each as its wordings) instead of the library: for measuring how
    /// learnings cluster when their lesson is missing from the library (`tests/learnings.rs`
    /// holds half of it out).
    pub fn of(lexicon: &Arc<Lexicon>, lessons: Vec<Vec<&str>>) -> LessonSpace {
        use rayon::prelude::*;
        let per_wording: Vec<Vec<Counts>> = lessons
            .par_iter()
            .map_init(
                || Tokens::new(lexicon, CONCEPT_WEIGHT),
                |tokens, wordings| {
                    wordings
                        .iter()
                        .map(|w| {
                            let mut c = Counts::default();
                            match vocabulary_line(w) {
                                Some(words) => tokens.count(words, WORDS_WEIGHT, &mut c),
                                None => tokens.count(w, 1.0, &mut c),
                            }
                            c
                        })
                        .collect()
                },
            )
            .collect();
        // Every term of the space, and in how many sentences (not `words:` lines, which are
        // lists) each is: the background for word weights (see [`Self::background`]).
        let mut df_by_id: FxHashMap<u32, u32> = FxHashMap::default();
        let mut wordings = 0;
        for (cs, ws) in per_wording.iter().zip(&lessons) {
            for (c, w) in cs.iter().zip(ws) {
                let sentence = vocabulary_line(w).is_none();
                wordings += u32::from(sentence);
                for &t in c.keys() {
                    *df_by_id.entry(t).or_default() += u32::from(sentence);
                }
            }
        }
        let docs: Vec<Counts> = per_wording
            .into_iter()
            .map(|cs| {
                let mut all = Counts::default();
                for c in cs {
                    for (t, w) in c {
                        *all.entry(t).or_default() += w;
                    }
                }
                all
            })
            .collect();
        // Term ids in the sorted order of the terms' texts, so the space does not depend on
        // hashing or on which words were analysed first.
        let (wording_df, mut terms) = crate::analysis::with_terms(|texts| {
            let wording_df: FxHashMap<Arc<str>, u32> = df_by_id
                .iter()
                .filter(|&(_, &n)| n > 0)
                .map(|(&t, &n)| (texts[t as usize].clone(), n))
                .collect();
            let terms: Vec<(Arc<str>, u32)> = df_by_id
                .keys()
                .map(|&t| (texts[t as usize].clone(), t))
                .collect();
            (wording_df, terms)
        });
        terms.sort_unstable();
        let ids: FxHashMap<u32, u32> = terms
            .iter()
            .enumerate()
            .map(|(i, &(_, t))| (t, i as u32))
            .collect();
        let mut df = vec![0u32; ids.len()];
        for d in &docs {
            for t in d.keys() {
                df[ids[t] as usize] += 1;
            }
        }
        let n = docs.len() as f32;
        let idf: Vec<f32> = df.iter().map(|&d| idf(n, d as f32)).collect();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); ids.len()];
        for (l, d) in docs.iter().enumerate() {
            let mut v: SparseVec = d
                .iter()
                .map(|(t, &c)| {
                    let id = ids[t];
                    (id, sublinear_tf(c) * idf[id as usize])
                })
                .collect();
            v.sort_unstable_by_key(|(id, _)| *id);
            normalise(&mut v);
            for (t, w) in v {
                postings[t as usize].push((l as u32, w));
            }
        }
        LessonSpace {
            ids,
            idf,
            postings,
            lessons: docs.len(),
            wording_df,
            wordings,
        }
    }

    /// The library's sentences (not its `words:` lines, which are lists: they made rare words
    /// look common) as background documents for word weights (see
    /// `Model::from_counts_with`): term -> sentences holding it, and the number of sentences.
    pub fn background(&self) -> (&FxHashMap<Arc<str>, u32>, u32) {
        (&self.wording_df, self.wordings)
    }

    /// The [`TOP_LESSONS`] library lessons closest to a text (its term counts), as a vector
    /// over lesson ids (ties by id) whose length says how sure it is: 1 from a best lesson
    /// cosine of [`CONFIDENT_COSINE`], less below. `scratch` is reused between calls.
    pub fn project(&self, counts: &Counts, scratch: &mut Vec<f32>) -> SparseVec {
        self.project_heaviest(counts, usize::MAX, scratch)
    }

    /// [`Self::project`] by the `terms` heaviest terms of a text only (ties by id): a whole
    /// postmortem has hundreds, and its heaviest say what its lessons are about.
    pub fn project_heaviest(
        &self,
        counts: &Counts,
        terms: usize,
        scratch: &mut Vec<f32>,
    ) -> SparseVec {
        let mut query: SparseVec = counts
            .iter()
            .filter_map(|(t, &c)| {
                let id = *self.ids.get(t)?;
                Some((id, sublinear_tf(c) * self.idf[id as usize]))
            })
            .collect();
        if query.len() > terms {
            query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            query.truncate(terms);
        }
        // The same order on every run, so that the sums below are bit-for-bit repeatable.
        query.sort_unstable_by_key(|(id, _)| *id);
        normalise(&mut query);
        scratch.clear();
        scratch.resize(self.lessons, 0.0);
        for (t, w) in query {
            for &(l, lw) in &self.postings[t as usize] {
                scratch[l as usize] += w * lw;
            }
        }
        let mut top = top_lessons(scratch);
        // The best lesson's cosine says how sure the projection is; it scales the unit vector,
        // for `extend` to read back as the projection's share.
        let best = top.first().map_or(0.0, |x| x.1);
        top.sort_unstable_by_key(|(id, _)| *id);
        for x in top.iter_mut() {
            x.1 = x.1.powf(SHARPNESS);
        }
        normalise(&mut top);
        let sure = (best / CONFIDENT_COSINE).clamp(1e-3, 1.0);
        for x in top.iter_mut() {
            x.1 *= sure;
        }
        top
    }
}

/// The [`TOP_LESSONS`] best lessons by score (`scores` by lesson id), best first, ties to
/// the lower id: scanning ids upwards, a lesson enters only when it beats the worst kept one
/// outright (or, until ten are kept, 0). Most blocks of lessons hold none that does: their
/// maximum, which the compiler computes with vector instructions, rules a whole block out in
/// one comparison (projecting the 55,000 learnings of the 10,000-incident benchmark took
/// 0.16 s less than with a comparison per lesson).
fn top_lessons(scores: &[f32]) -> SparseVec {
    const BLOCK: usize = 16;
    let mut top: SparseVec = Vec::with_capacity(TOP_LESSONS + 1);
    let mut worst = 0.0f32;
    for (b, block) in scores.chunks(BLOCK).enumerate() {
        let max = block.iter().fold(0.0f32, |m, &s| if s > m { s } else { m });
        if max <= worst {
            continue;
        }
        for (i, &score) in block.iter().enumerate() {
            if score > worst {
                let at = top.partition_point(|&(_, s)| s >= score);
                top.insert(at, ((b * BLOCK + i) as u32, score));
                top.truncate(TOP_LESSONS);
                if top.len() == TOP_LESSONS {
                    worst = top[TOP_LESSONS - 1].1;
                }
            }
        }
    }
    top
}

/// What clustering compares: the word vectors of texts (their term counts), with words weighed
/// by their rarity in these texts and the library's wordings together, each extended with its
/// lesson projection (see [`extend`]). With the library as background, the weights (and so the
/// clusters) of a small knowledge base barely move when one postmortem is added or deleted:
/// deleting one dfds postmortem at a time made 31 clusters of other incidents vanish with the
/// knowledge base's own frequencies, 8 with the library's. `lessons` are the texts' lesson
/// projections (see [`projections`]), made once and shared with the second clustering pass.
pub fn vectors_with<D: Borrow<Counts> + Sync, L: AsRef<[(u32, f32)]>>(
    docs: &[D],
    lessons: &[L],
    space: &LessonSpace,
) -> Vec<SparseVec> {
    let words = Model::from_counts_with(docs, Some(space.background()));
    let vocabulary = words.df.len() as u32;
    words
        .vectors
        .iter()
        .zip(lessons)
        .map(|(w, l)| extend(w, l.as_ref(), vocabulary))
        .collect()
}

/// The lesson projection of every text (its term counts), in parallel.
pub fn projections(docs: &[Counts], space: &LessonSpace) -> Vec<SparseVec> {
    projections_by(docs, usize::MAX, space)
}

/// [`projections`] by each text's `terms` heaviest terms (see
/// [`LessonSpace::project_heaviest`]).
pub fn projections_by(docs: &[Counts], terms: usize, space: &LessonSpace) -> Vec<SparseVec> {
    use rayon::prelude::*;
    docs.par_iter()
        .map_init(Vec::new, |scratch, c| {
            space.project_heaviest(c, terms, scratch)
        })
        .collect()
}

/// A text's word vector (over term ids below `vocabulary`) extended with its lesson projection:
/// `[sqrt(1 - s) * words ; sqrt(s) * lessons]`, lesson ids placed after the word ids, with `s`
/// from [`UNSURE_LESSON_SHARE`] to [`LESSON_SHARE`] as the projection's length (how sure it
/// is) goes from 0 to 1. Unit vectors stay unit vectors; a text with no word in the library
/// keeps its word vector alone.
pub fn extend(words: &[(u32, f32)], lessons: &[(u32, f32)], vocabulary: u32) -> SparseVec {
    let norm = length(lessons);
    let share = UNSURE_LESSON_SHARE + (LESSON_SHARE - UNSURE_LESSON_SHARE) * norm.min(1.0);
    extend_scaled(words, lessons, norm, vocabulary, share)
}

/// [`extend`] with the lessons' share `share`, however sure the projection (whole postmortems
/// take less of it than learnings).
pub fn extend_by(
    words: &[(u32, f32)],
    lessons: &[(u32, f32)],
    vocabulary: u32,
    share: f32,
) -> SparseVec {
    extend_scaled(words, lessons, length(lessons), vocabulary, share)
}

/// [`extend_by`] for lessons of length `norm`, which scales them back to unit length.
fn extend_scaled(
    words: &[(u32, f32)],
    lessons: &[(u32, f32)],
    norm: f32,
    vocabulary: u32,
    share: f32,
) -> SparseVec {
    if norm == 0.0 || words.is_empty() {
        return words.to_vec();
    }
    let (w, s) = ((1.0 - share).sqrt(), share.sqrt() / norm);
    words
        .iter()
        .map(|&(t, x)| (t, x * w))
        .chain(lessons.iter().map(|&(l, x)| (vocabulary + l, x * s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_top_lessons_are_the_best_scores_with_ties_to_the_lower_id(
            // Few distinct scores, zeros among them: ties and unscored lessons are common.
            steps in proptest::collection::vec(0u8..6, 0..200)
        ) {
            let scores: Vec<f32> = steps.iter().map(|&x| f32::from(x) / 5.0).collect();
            let mut naive: Vec<(u32, f32)> = scores
                .iter()
                .enumerate()
                .filter(|(_, &s)| s > 0.0)
                .map(|(l, &s)| (l as u32, s))
                .collect();
            naive.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            naive.truncate(TOP_LESSONS);
            proptest::prop_assert_eq!(top_lessons(&scores), naive);
        }
    }

    fn counts(text: &str) -> Counts {
        let mut c = Counts::default();
        Tokens::default().count(text, 1.0, &mut c);
        c
    }

    #[test]
    fn the_library_is_read_whole() {
        let lessons: Vec<Vec<&str>> = library().collect();
        assert!(lessons.len() >= 300, "{} lessons", lessons.len());
        assert!(
            lessons.iter().all(|l| l.len() >= 4),
            "a lesson is several wordings"
        );
    }

    #[test]
    fn every_lesson_has_one_vocabulary_line_which_whole_postmortems_are_projected_without() {
        let lessons: Vec<Vec<&str>> = library().collect();
        assert!(lessons.iter().all(|l| {
            l.iter()
                .filter(|w| vocabulary_line(w).is_some_and(|v| v.split_whitespace().count() >= 20))
                .count()
                == 1
        }));
        let sentences: Vec<Vec<&str>> = sentences_only(library()).collect();
        assert_eq!(sentences.len(), lessons.len());
        assert!(sentences
            .iter()
            .flatten()
            .all(|w| vocabulary_line(w).is_none()));
        // A words line makes the space: its words are the lesson's, and a text of them alone
        // is projected onto it there, and not in the space without the lines.
        let lexicon = Lexicon::builtin();
        let (with, without) = (
            LessonSpace::for_lexicon(lexicon),
            LessonSpace::for_documents(lexicon),
        );
        let k = lessons
            .iter()
            .position(|l| l[0] == "Never deploy all regions simultaneously.")
            .unwrap();
        let words = "cell-based staggered geography";
        let best = |space: &LessonSpace| {
            let p = space.project(&counts(words), &mut Vec::new());
            p.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|x| x.0)
        };
        assert_eq!(best(&with), Some(k as u32));
        assert_ne!(best(&without), Some(k as u32));
    }

    #[test]
    fn a_library_text_is_read_as_lessons_of_wordings_without_comments_or_empty_labels() {
        let text = "# a comment\n\n## first\nOne way.\n  Another way.  \n\n## empty\n## second\n# not a wording\nOnly way.\n";
        assert_eq!(
            read_library(text),
            vec![vec!["One way.", "Another way."], vec!["Only way."]]
        );
    }

    #[test]
    fn two_wordings_of_one_lesson_with_no_word_in_common_meet_in_the_lesson_space() {
        let space = LessonSpace::for_lexicon(Lexicon::builtin());
        let mut scratch = Vec::new();
        let a = space.project(
            &counts("Load-test everything before Black Friday."),
            &mut scratch,
        );
        let b = space.project(
            &counts("Lesson: find the breaking point in a rehearsal, not on launch day."),
            &mut scratch,
        );
        let c = space.project(
            &counts("Rotate database credentials on a schedule."),
            &mut scratch,
        );
        let cos = crate::similarity::cosine;
        assert!(cos(&a, &b) > 0.3, "{}", cos(&a, &b));
        assert!(
            cos(&a, &b) > 2.0 * cos(&a, &c),
            "{} {}",
            cos(&a, &b),
            cos(&a, &c)
        );
    }

    #[test]
    fn an_extended_vector_keeps_unit_length_and_puts_lessons_after_the_words() {
        let space = LessonSpace::for_lexicon(Lexicon::builtin());
        let docs: Vec<Counts> = ["Roll back first, investigate later.", "zzzz qqqq"]
            .iter()
            .map(|t| counts(t))
            .collect();
        let lessons = projections(&docs, &space);
        let words = Model::from_counts(&docs);
        let vocabulary = words.df.len() as u32;
        let v: Vec<SparseVec> = words
            .vectors
            .iter()
            .zip(&lessons)
            .map(|(w, l)| extend(w, l, vocabulary))
            .collect();
        for x in &v {
            let norm: f32 = x.iter().map(|(_, w)| w * w).sum();
            assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        }
        assert!(v[0].iter().any(|(t, _)| *t >= vocabulary));
        assert_eq!(v[1], words.vectors[1], "no lesson for gibberish");
    }
}
