/*!
Learnings as edges of the content graph: which incidents taught which lesson, which lessons
recur, which action items were meant to address them, and which incidents are related.

Every learning an incident cites is attached to a group: the canonical learning it names by
id. A group seen in two or more incidents is *recurring*. Related incidents are ranked from
shared learnings, hand-written links (`related`, links in the body), shared services and tags,
each weighted by how rare it is, and every suggestion says why.
*/

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use crate::content::{ActionStatus, CanonicalLearning, Incident, Library};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::lessons::LessonSpace;
use crate::markdown::LinkKind;
use crate::search::web;
use crate::similarity::{Counts, Lexicon, Model, SparseVec, Tokens, CONCEPT_WEIGHT};

/// A learning (canonical or cluster) with every incident that cites it.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    /// A cluster's title is cut to about 90 characters for lists; `full_title` is it uncut,
    /// for its own page (the same as `title` for a canonical learning).
    pub title: String,
    pub full_title: String,
    pub summary: String,
    pub canonical: bool,
    /// Index into `Library::learnings` for canonical groups.
    pub learning: Option<usize>,
    /// Incident indices, oldest first, each once.
    pub incidents: Vec<usize>,
    /// Positions in `incidents` of those that state this learning among their learnings, and
    /// of the others, linked to it only by an action item meant to address it; ascending, so
    /// a page finds the nearest of each kind without a scan of the group.
    pub stating: Vec<usize>,
    pub addressing: Vec<usize>,
    /// (incident index, learning index within it).
    pub citations: Vec<(usize, usize)>,
    /// (incident index, action index) of action items meant to address this learning.
    pub actions: Vec<(usize, usize)>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    /// Incidents that cite this learning after an earlier incident whose action item for it is
    /// done now (and was not due after the later incident: no action item records when it was
    /// done), where the authors made both links (`id:` or a learning mark on the
    /// later incident's learning or action item, `learning:` on the action item): (incident
    /// index, the earlier incident index).
    pub recurred_after_done: Vec<(usize, usize)>,
    /// The same where Hindsight made one of the links by similarity: worth a look, not a
    /// claim.
    pub maybe_recurred_after_done: Vec<(usize, usize)>,
    /// For a *tentative* cluster, the words it rests on: the words shared by its weakly joined
    /// incidents (most often one), and the words that evoke the concepts shared by those that
    /// share no word; empty for a firm one and for every canonical learning. See [`weigh`].
    pub tentative: Vec<String>,
    /// A firm cluster's *loose* members, oldest first: incidents joined to the others by one
    /// piece of evidence alone (see [`weigh`]). They are possibly related, not the lesson
    /// learned again: not in `incidents`, `stating`, `addressing`, `citations` or `actions`,
    /// so neither counted nor named beside the lesson; empty for a tentative cluster and for
    /// every canonical learning.
    pub loose: Vec<Loose>,
}

/// A loose member of a firm cluster (see [`Group::loose`]).
#[derive(Debug, Clone)]
pub struct Loose {
    pub incident: usize,
    /// The words it shares with the others, as it writes them: its one piece of evidence.
    pub words: Vec<String>,
    /// Its learnings and action items in the cluster, as indices within the incident.
    pub learnings: Vec<usize>,
    pub actions: Vec<usize>,
}

impl Group {
    /// Seen in two or more incidents on firm evidence: a tentative cluster's incidents are
    /// possibly related, not a lesson learned again.
    pub fn is_recurring(&self) -> bool {
        self.incidents.len() >= 2 && self.tentative.is_empty()
    }
    pub fn is_tentative(&self) -> bool {
        !self.tentative.is_empty()
    }
    pub fn url(&self) -> String {
        format!("learnings/{}/", self.id)
    }

    /// Incident `i` as a loose member of this group, if it is one (see [`Group::loose`]).
    /// Logarithmic in their number.
    pub fn loose_member(&self, lib: &Library, i: usize) -> Option<&Loose> {
        self.loose_of(lib, &lib.incidents[i])
    }

    /// The same of an incident of `lib` (see [`Group::loose_member`]).
    pub fn loose_of(&self, lib: &Library, inc: &crate::content::Incident) -> Option<&Loose> {
        let key = |j: usize| (lib.incidents[j].date, lib.incidents[j].id.as_str());
        let p = self
            .loose
            .partition_point(|l| key(l.incident) < (inc.date, inc.id.as_str()));
        self.loose
            .get(p)
            .filter(|l| lib.incidents[l.incident].id == inc.id)
    }

    /// Every incident linked to it, its loose members too, oldest first (then by id).
    pub fn all_incidents(&self, lib: &Library) -> Vec<usize> {
        let key = |j: usize| (lib.incidents[j].date, lib.incidents[j].id.as_str());
        let mut all = Vec::with_capacity(self.incidents.len() + self.loose.len());
        let mut loose = self.loose.iter().map(|l| l.incident).peekable();
        for &i in &self.incidents {
            while let Some(l) = loose.next_if(|&l| key(l) < key(i)) {
                all.push(l);
            }
            all.push(i);
        }
        all.extend(loose);
        all
    }

    /// The other incidents of this group nearest its incident `i` in time: the `limit` that
    /// state it before `i` and after, and the `limit` only an action item links, on either
    /// side. What `i`'s page names beside the learning, and what its related incidents list.
    /// Logarithmic in the group's size, however many incidents cite it.
    pub fn nearest(&self, lib: &Library, i: usize, limit: usize) -> Nearest {
        // The group's order: oldest first, then by id.
        let key = |j: usize| (lib.incidents[j].date, lib.incidents[j].id.as_str());
        let p = self.incidents.partition_point(|&j| key(j) < key(i));
        // A loose member is not one of `incidents`: its place among them, where it would be.
        let (pos, member) = match self.incidents.get(p) {
            Some(&j) if j == i => (p, true),
            _ if self.loose_member(lib, i).is_some() => (p, false),
            _ => match self.incidents.iter().position(|&j| j == i) {
                Some(q) => (q, true),
                None => (self.incidents.len(), false),
            },
        };
        let split = self.stating.partition_point(|&q| q < pos);
        let before = split - split.min(limit)..split;
        let from = self
            .stating
            .partition_point(|&q| q < pos || (member && q == pos));
        let after = from..self.stating.len().min(from + limit);
        // Of those only an action item links, the nearest few on either side, in order.
        let split = self.addressing.partition_point(|&q| q < pos);
        let (mut lo, mut hi) = (split, split);
        while hi - lo < limit && (lo > 0 || hi < self.addressing.len()) {
            let left = (lo > 0).then(|| pos - self.addressing[lo - 1]);
            let right = self.addressing.get(hi).map(|&q| q - pos);
            match (left, right) {
                (Some(l), Some(r)) if r < l => hi += 1,
                (Some(_), _) => lo -= 1,
                (None, _) => hi += 1,
            }
        }
        Nearest {
            before,
            after,
            actions: lo..hi,
        }
    }
}

/// The other incidents of a [`Group`] nearest one of them (see [`Group::nearest`]): ranges of
/// `stating` (before and after it) and of `addressing`, each of the group's positions.
#[derive(Debug, Clone)]
pub struct Nearest {
    pub before: std::ops::Range<usize>,
    pub after: std::ops::Range<usize>,
    pub actions: std::ops::Range<usize>,
}

impl Nearest {
    /// The incidents it names, as indices into the library.
    pub fn incidents<'g>(&self, g: &'g Group) -> impl Iterator<Item = usize> + 'g {
        let stating = g.stating[self.before.clone()]
            .iter()
            .chain(&g.stating[self.after.clone()]);
        stating
            .chain(&g.addressing[self.actions.clone()])
            .map(|&q| g.incidents[q])
    }
}

/// Why two incidents are related.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A learning both incidents are linked to.
    Learning(Shared),
    Linked,
    SameService(String),
    SameTag(String),
    SimilarText,
}

/// A learning two related incidents are linked to, and how: the ranking weighs them alike,
/// but a page must not say that both learned it when one only filed an action item for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub title: String,
    /// Learnings that Hindsight grouped by similarity (a cluster), not a canonical learning.
    pub cluster: bool,
    /// How many of the two state it (0, 1 or 2); one that does not is linked to it only by
    /// an action item meant to address it.
    pub stated_by: u8,
    /// Similarity, not the authors, linked one of the two to it (a cluster always is).
    pub by_similarity: bool,
    /// For a tentative cluster, the words it rests on (see [`Group::tentative`]).
    pub tentative: Vec<String>,
}

/// Whether `inc` states learning `id` among its learnings (rather than only an action item
/// of it addressing it).
pub fn states(inc: &crate::content::Incident, id: &str) -> bool {
    inc.learnings.iter().any(|l| l.group.as_deref() == Some(id))
}

#[derive(Debug, Clone)]
pub struct Related {
    pub incident: usize,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The learning graph over a library.
#[derive(Debug, Default)]
pub struct Graph {
    pub groups: Vec<Group>,
    pub by_id: HashMap<String, usize>,
    /// For each incident, related incidents best first: the ranked ones, then those that share
    /// a firm learning with it that the ranking left out (see [`related`]).
    pub related: Vec<Vec<Related>>,
    /// For each incident, the firm learnings it shares with more incidents than `related`
    /// lists.
    pub more_related: Vec<Vec<MoreShared>>,
    /// The id to give each cluster's lesson as a canonical learning, by cluster id (see
    /// [`suggested_ids`]): what `check` and the cluster's page both propose.
    pub suggested: HashMap<String, String>,
    /// The words no evidence that two incidents learned one lesson: generic ones and those
    /// that say what kind of action an item is (see [`generic_terms`], [`ACTION_KINDS`]). The
    /// words a cluster's members share are named without them.
    pub not_evidence: rustc_hash::FxHashSet<u32>,
}

/// A firm learning (a canonical learning or a cluster that is not tentative) that an incident
/// shares with `more` incidents besides those its related incidents list.
#[derive(Debug, Clone, PartialEq)]
pub struct MoreShared {
    /// Index into `Graph::groups`.
    pub group: usize,
    pub more: usize,
}

/// How many related incidents the ranking puts first on each page and in the export. The
/// incidents that share a firm learning with the incident come after them (see [`related`]).
pub const RELATED_LIMIT: usize = 5;

/// How many incidents that share a firm learning with an incident its related incidents list
/// after the ranked ones, at most (see [`related`]). None of the demo, dfds and Quayside pages
/// names more than nine under its learnings; on 10,000 synthetic postmortems, where a learning
/// is cited hundreds of times, a page names up to 60.
pub const SHARING_LIMIT: usize = 10;

/// How many earlier (and later) incidents an incident page names for each recurring learning,
/// and of those only an action item links to it; its related incidents list the same ones.
pub const SEEN_LIMIT: usize = 5;

/// The id an author cites to say a learning or action item states a lesson of its own: it is
/// never attached or clustered by similarity (`id: none` in front matter,
/// `<!-- hindsight: learning none -->` in the body). The way to undo a grouping that is wrong.
pub const NO_LEARNING: &str = "none";

/// The concept lexicon for a site: the built-in one, extended with the team's vocabulary
/// file (`[learnings] concepts`) when there is one. A file that cannot be read is an error;
/// a line that cannot be used is a warning at its line and column, and is left out.
pub fn lexicon(
    root: &std::path::Path,
    config: &crate::config::Config,
    diags: &Diagnostics,
) -> Arc<Lexicon> {
    let Some(file) = &config.learnings.concepts else {
        return Lexicon::builtin().clone();
    };
    let name = file.to_string_lossy().replace('\\', "/");
    let text = match std::fs::read_to_string(root.join(file)) {
        Ok(text) => text,
        Err(e) => {
            // `Config::load` found it readable: it was removed since.
            let (line, column) =
                crate::config::key_in_file(root, "learnings.concepts").unwrap_or((1, 1));
            diags.push(crate::config::vocabulary_error(file, &e).at(line, column));
            return Lexicon::builtin().clone();
        }
    };
    let (lexicon, problems) = Lexicon::extended(&text);
    for (line, column, message, hint) in problems {
        diags.push(
            Diagnostic::warning("vocabulary", &name, message)
                .at(line, column)
                .hint(hint),
        );
    }
    lexicon
}

/// Attaches every learning and action item to its group, clusters what nobody labelled (at
/// `threshold`; with none, only citations link learnings), and computes recurrence and, given
/// the term counts of every incident's whole text (see [`analyse`]), related incidents.
/// Citations of unknown canonical ids are reported.
pub fn link(
    lib: &mut Library,
    lexicon: &Arc<Lexicon>,
    threshold: Option<f32>,
    texts: Option<Vec<Counts>>,
    diags: &Diagnostics,
) -> Graph {
    let mut graph = Graph::default();
    for (i, l) in lib.learnings.iter().enumerate() {
        if l.id == NO_LEARNING || l.aliases.iter().any(|a| a == NO_LEARNING) {
            diags.push(
                Diagnostic::error(
                    "unknown-learning",
                    &l.source,
                    format!("`{NO_LEARNING}` cannot name a canonical learning: citing it says a learning is a lesson of its own"),
                )
                .at(1, 1)
                .hint("rename the file (or drop the alias), and cite the new id"),
            );
        }
        graph.by_id.insert(l.id.clone(), graph.groups.len());
        for alias in &l.aliases {
            graph
                .by_id
                .entry(alias.clone())
                .or_insert(graph.groups.len());
        }
        graph.groups.push(Group::new(
            l.id.clone(),
            l.title.clone(),
            l.summary.clone(),
            Some(i),
        ));
    }
    // Explicit citations: a learning's `id`, an action item's `learning`.
    let known: Vec<&str> = lib.learnings.iter().map(|l| l.id.as_str()).collect();
    for inc in &mut lib.incidents {
        for l in &mut inc.learnings {
            if let Some(cid) = l.canonical.as_deref().filter(|&c| c != NO_LEARNING) {
                match graph.by_id.get(cid) {
                    Some(&g) => l.group = Some(graph.groups[g].id.clone()),
                    None => diags.push(unknown_learning(&inc.source, l.cited_at, cid, &known)),
                }
            }
        }
        for a in &mut inc.action_items {
            if let Some(cid) = a.learning.as_deref().filter(|&c| c != NO_LEARNING) {
                match graph.by_id.get(cid) {
                    Some(&g) => a.group = Some(graph.groups[g].id.clone()),
                    None => diags.push(unknown_learning(&inc.source, a.cited_at, cid, &known)),
                }
            }
        }
    }
    // What nobody labelled: attach to a canonical learning or cluster among themselves. The
    // full-text neighbours that ranking related incidents needs depend on neither, so they are
    // found at the same time: each fills the other's serial stretches (a merge loop, a
    // vocabulary) with work for the second core.
    let t = std::time::Instant::now();
    // Both read through the lesson library (with a team's vocabulary, a space of its own):
    // learnings with its `words:` lines, whole postmortems without (see
    // `LessonSpace::for_documents`).
    let (clusters, similar) = rayon::join(
        || {
            let Some(threshold) = threshold else {
                return Clusters::default();
            };
            let space = LessonSpace::for_lexicon(lexicon);
            let clusters = cluster(lib, lexicon, &space, &graph, threshold);
            crate::timing("learning clusters", t);
            clusters
        },
        || {
            texts.map(|texts| {
                let space = LessonSpace::for_documents(lexicon);
                text_neighbours(lib, lexicon, &space, texts)
            })
        },
    );
    let first_cluster = graph.groups.len();
    graph.not_evidence = clusters.not_evidence;
    for c in clusters.new_groups {
        graph.by_id.insert(c.id.clone(), graph.groups.len());
        graph.groups.push(c);
    }
    for (item, gid, score) in clusters.assignments {
        let inc = &mut lib.incidents[item.incident];
        match item.kind {
            ItemKind::Learning(li) => {
                inc.learnings[li].group = Some(gid);
                inc.learnings[li].similarity = score;
            }
            ItemKind::Action(ai) => inc.action_items[ai].group = Some(gid),
        }
    }
    // Membership, oldest incident first, so each group's incidents come out in order.
    let mut order: Vec<usize> = (0..lib.incidents.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&lib.incidents[a], &lib.incidents[b]);
        x.date.cmp(&y.date).then_with(|| x.id.cmp(&y.id))
    });
    for &ii in &order {
        let inc = &lib.incidents[ii];
        for (li, l) in inc.learnings.iter().enumerate() {
            if let Some(&g) = l.group.as_ref().and_then(|g| graph.by_id.get(g)) {
                let group = &mut graph.groups[g];
                group.citations.push((ii, li));
                // Items arrive incident by incident, so a repeat is always the last one.
                if group.incidents.last() != Some(&ii) {
                    group.stating.push(group.incidents.len());
                    group.incidents.push(ii);
                }
            }
        }
        for (ai, a) in inc.action_items.iter().enumerate() {
            if let Some(&g) = a.group.as_ref().and_then(|g| graph.by_id.get(g)) {
                let group = &mut graph.groups[g];
                group.actions.push((ii, ai));
                // Learnings come first: an incident new here states none of this one.
                if group.incidents.last() != Some(&ii) {
                    group.addressing.push(group.incidents.len());
                    group.incidents.push(ii);
                }
            }
        }
    }
    // Every group but the canonical learnings is a cluster, weighed as it was named.
    for (g, Weight { tentative, loose }) in graph.groups[first_cluster..]
        .iter_mut()
        .zip(clusters.weights)
    {
        g.tentative = tentative;
        let position: FxHashMap<usize, usize> = g
            .incidents
            .iter()
            .enumerate()
            .map(|(p, &i)| (i, p))
            .collect();
        let loose = loose
            .into_iter()
            .map(|(i, words)| (position[&i], words))
            .collect();
        loosen(g, loose);
    }
    let by_id = &graph.by_id;
    for (gi, g) in graph.groups.iter_mut().enumerate() {
        let dates: Vec<NaiveDate> = g
            .incidents
            .iter()
            .filter_map(|&i| lib.incidents[i].date)
            .collect();
        g.first_seen = dates.iter().min().copied();
        g.last_seen = dates.iter().max().copied();
        // Recurred after done: an incident citing the learning dated after an earlier incident
        // whose action item for it is done now, paired with the latest such incident. An
        // action item records that it is done, not when: one due after the later incident was
        // not yet meant to have stopped it, so it does not count. A claim only where the
        // authors made both links; else a "maybe".
        // (incident date, due date, incident) of the done action items, and of those the
        // authors linked to the learning.
        let mut done: Vec<(NaiveDate, Option<NaiveDate>, usize)> = Vec::new();
        let mut done_named: Vec<(NaiveDate, Option<NaiveDate>, usize)> = Vec::new();
        for &(i, a) in &g.actions {
            let action = &lib.incidents[i].action_items[a];
            if let (Some(ActionStatus::Done), Some(d)) = (action.status, lib.incidents[i].date) {
                done.push((d, action.due, i));
                if cites(by_id, g.canonical, action.learning.as_deref(), gi) {
                    done_named.push((d, action.due, i));
                }
            }
        }
        for list in [&mut done, &mut done_named] {
            list.sort_unstable();
            list.dedup();
        }
        // The latest done before the incident `later` and not due after it (an incident's own
        // actions share its date, so they are never before it), in the same place: where both
        // incidents name their services, one they share. A lesson learned again on another
        // service is recurring, but the action item done elsewhere was not meant to stop it.
        let services = |i: usize| &lib.incidents[i].services;
        let same_place = |a: usize, b: usize| {
            services(a).is_empty()
                || services(b).is_empty()
                || services(a)
                    .iter()
                    .any(|s| services(b).iter().any(|t| t.eq_ignore_ascii_case(s)))
        };
        let latest_before =
            |list: &[(NaiveDate, Option<NaiveDate>, usize)], d: NaiveDate, later: usize| {
                list[..list.partition_point(|&(dd, _, _)| dd < d)]
                    .iter()
                    .rev()
                    .find(|&&(_, due, e)| due.is_none_or(|due| due <= d) && same_place(later, e))
                    .map(|&(_, _, i)| i)
            };
        // A tentative cluster's incidents are possibly related: none recurs after another.
        if !done.is_empty() && !g.is_tentative() {
            for &later in &g.incidents {
                let Some(d) = lib.incidents[later].date else {
                    continue;
                };
                let named = names(by_id, g.canonical, &lib.incidents[later], gi);
                match latest_before(&done_named, d, later).filter(|_| named) {
                    Some(e) => g.recurred_after_done.push((later, e)),
                    None => {
                        if let Some(e) = latest_before(&done, d, later) {
                            g.maybe_recurred_after_done.push((later, e));
                        }
                    }
                }
            }
        }
    }
    graph.suggested = suggested_ids(lib, &graph);
    let Some(similar) = similar else {
        graph.related = lib.incidents.iter().map(|_| Vec::new()).collect();
        graph.more_related = vec![Vec::new(); lib.incidents.len()];
        return graph;
    };
    let t = std::time::Instant::now();
    (graph.related, graph.more_related) = related(lib, &graph, similar);
    crate::timing("related incidents", t);
    graph
}

/// Whether a cluster is *tentative*, and the words it rests on if so: fewer than two of its
/// incidents are joined to another incident by more than one piece of evidence (see
/// [`joined_twice`]). The evidence joining two incidents is the words their members (learnings
/// and action items in the cluster) share, a hyphenated word being one piece ("hard-coded" is
/// not "hard" and "coded"), and, beside such a word, the concepts they share that none of
/// those words evokes ("roll back" is no evidence beside "rollback"); generic words and
/// concepts are none (see [`generic_terms`]), nor is a word that says only what kind of action
/// an item is ([`ACTION_KINDS`]). One shared word alone is a homonym risk: on
/// Quayside "rollback" joined an index alias swap, a label template and route-planner graphs,
/// and "routes" API routes with delivery routes, beside the "alerting" that most Quayside
/// incidents evoke. A word and a
/// concept is how paraphrases by different authors meet ("slower" and "slow" beside
/// "consumer"); concepts without a shared word are one piece however many there are (a
/// readiness probe and a "healthy" printing pipeline met on health checks and dependencies
/// alone). The clusters themselves are formed as before: requiring two shared words to
/// cluster lowered the paraphrase F1. The words of a tentative cluster are the shared words of
/// its weakly joined incidents, and the words that evoke the shared concepts of those that
/// share none; with no such word to name (members that share no term at all, joined by their
/// lesson projections, or a concept only a phrase evokes), a cluster stays firm. In a firm
/// cluster, each weakly joined incident with such a word to name is a *loose* member (see
/// [`Group::loose`]): dfds "Keep log book" among log alerts, on "log". Linear in the members'
/// words and the incidents that share each.
fn weigh(
    lib: &Library,
    lexicon: &Lexicon,
    concepts: &rustc_hash::FxHashSet<u32>,
    generic: &rustc_hash::FxHashSet<u32>,
    tokens: &mut Tokens,
    g: &Group,
) -> Weight {
    let position: FxHashMap<usize, usize> = g
        .incidents
        .iter()
        .enumerate()
        .map(|(p, &i)| (i, p))
        .collect();
    let mut texts: Vec<Vec<&str>> = vec![Vec::new(); g.incidents.len()];
    for &(i, l) in &g.citations {
        texts[position[&i]].push(&lib.incidents[i].learnings[l].text);
    }
    for &(i, a) in &g.actions {
        texts[position[&i]].push(&lib.incidents[i].action_items[a].text);
    }
    let mut counts = Counts::default();
    // Each incident's terms, and the hyphenated word (numbered across the cluster) that each
    // of its terms is part of, if any.
    let mut terms: Vec<Vec<u32>> = Vec::with_capacity(texts.len());
    let mut compound: Vec<FxHashMap<u32, usize>> = Vec::with_capacity(texts.len());
    let mut hyphenated = 0;
    for list in &texts {
        counts.clear();
        let mut part = FxHashMap::default();
        for t in list {
            tokens.count(t, 1.0, &mut counts);
            crate::similarity::hyphenated_terms(t, |_, ids, _| {
                for &id in ids {
                    part.entry(id).or_insert(hyphenated);
                }
                hyphenated += 1;
            });
        }
        terms.push(counts.keys().copied().collect());
        compound.push(part);
    }
    // The incidents (positions) each term is in.
    let mut holders: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (p, list) in terms.iter().enumerate() {
        for &t in list {
            holders.entry(t).or_default().push(p);
        }
    }
    let mut firm = 0;
    // The shared words of each weakly joined incident, and the shared concepts of those that
    // share no word (`by_ideas`).
    let mut weak: Vec<Option<(Vec<u32>, Vec<u32>)>> = vec![None; terms.len()];
    let mut by_ideas = vec![false; terms.len()];
    for (p, (((list, part), by_ideas), weak)) in terms
        .iter()
        .zip(&compound)
        .zip(&mut by_ideas)
        .zip(&mut weak)
        .enumerate()
    {
        let shared = |t: &&u32| holders[*t].len() >= 2;
        let words: Vec<u32> = list
            .iter()
            .filter(shared)
            .filter(|t| !concepts.contains(t))
            .copied()
            .collect();
        // A hyphenated word is one piece, whatever terms it counts as; a generic word is none.
        let mut pieces: Vec<((bool, u32), u32)> = words
            .iter()
            .filter(|w| !generic.contains(w))
            .map(|&w| (part.get(&w).map_or((false, w), |&k| (true, k as u32)), w))
            .collect();
        pieces.sort_unstable();
        let evoked: rustc_hash::FxHashSet<u32> =
            words.iter().flat_map(|&w| lexicon.concepts_of(w)).collect();
        let ideas = list
            .iter()
            .filter(shared)
            .filter(|t| concepts.contains(t) && !evoked.contains(t));
        let specific = list
            .iter()
            .filter(shared)
            .filter(|t| concepts.contains(t) && !generic.contains(t));
        let evidence = Evidence {
            pieces: &pieces,
            words: &words,
            concepts: specific.copied(),
        };
        let strong = joined_twice(lexicon, p, evidence, &holders);
        if strong {
            firm += 1;
        } else if words.is_empty() {
            *weak = Some((Vec::new(), ideas.copied().collect()));
            *by_ideas = true;
        } else {
            *weak = Some((words, Vec::new()));
        }
    }
    if firm >= 2 {
        // A firm cluster: each weakly joined incident with a word to name is a loose member.
        let loose = weak
            .into_iter()
            .enumerate()
            .filter_map(|(p, weak)| {
                let (words, ideas) = weak?;
                let words = spell(
                    lexicon,
                    std::iter::once((&texts[p], by_ideas[p])),
                    words.into_iter().collect(),
                    &ideas.into_iter().collect(),
                );
                (!words.is_empty()).then_some((p, words))
            })
            .collect();
        return Weight {
            tentative: Vec::new(),
            loose,
        };
    }
    let (mut single, mut ideas_only) = (Vec::new(), Vec::new());
    for (words, ideas) in weak.into_iter().flatten() {
        single.extend(words);
        ideas_only.extend(ideas);
    }
    Weight {
        tentative: spell(
            lexicon,
            texts.iter().zip(by_ideas.iter().copied()),
            single.into_iter().collect(),
            &ideas_only.into_iter().collect(),
        ),
        loose: Vec::new(),
    }
}

/// What an incident of a cluster shares with the others (see [`joined_twice`]).
struct Evidence<'a, C> {
    /// Its shared words that are not generic, each with the piece it belongs to (itself, or
    /// the hyphenated word it is part of), sorted by piece.
    pieces: &'a [((bool, u32), u32)],
    /// All its shared words, generic or not.
    words: &'a [u32],
    /// Its shared concepts that are not generic.
    concepts: C,
}

/// Whether the incident at position `p` of a cluster shares two pieces of evidence with one
/// other incident: two words that are not generic, or one and a concept that no word the two
/// share evokes. Words picked from different incidents are not one lesson told twice: dfds "If
/// service is critical, do a diff" has "critical" from node priority classes and "service"
/// from Windows services. `holders` lists, for each term, the positions of the incidents
/// that have it, in order. Stops at the first incident met twice, so each is looked at about
/// once.
fn joined_twice(
    lexicon: &Lexicon,
    p: usize,
    evidence: Evidence<'_, impl Iterator<Item = u32>>,
    holders: &FxHashMap<u32, Vec<usize>>,
) -> bool {
    use std::collections::hash_map::Entry;
    // The first piece each other incident shares with `p`.
    let mut met: FxHashMap<usize, usize> = FxHashMap::default();
    for (k, piece) in evidence.pieces.chunk_by(|a, b| a.0 == b.0).enumerate() {
        for (_, w) in piece {
            for &q in holders[w].iter().filter(|&&q| q != p) {
                match met.entry(q) {
                    Entry::Vacant(e) => {
                        e.insert(k);
                    }
                    Entry::Occupied(e) if *e.get() != k => return true,
                    Entry::Occupied(_) => {}
                }
            }
        }
    }
    let has = |t: u32, q: usize| holders[&t].binary_search(&q).is_ok();
    let mut concepts = evidence.concepts;
    concepts.any(|c| {
        let evoking: Vec<u32> = (evidence.words.iter().copied())
            .filter(|&w| lexicon.concepts_of(w).any(|e| e == c))
            .collect();
        holders[&c]
            .iter()
            .any(|&q| q != p && met.contains_key(&q) && !evoking.iter().any(|&w| has(w, q)))
    })
}

/// What [`weigh`] finds of a cluster: the words it rests on if it is tentative, else its loose
/// members (position in its `incidents`, the words each rests on).
struct Weight {
    tentative: Vec<String>,
    loose: Vec<(usize, Vec<String>)>,
}

/// The words of `single` (term ids) as the members' texts first write them, a hyphenated word
/// whole, and for a member that shares no word (`true` beside its texts) the words that evoke
/// the concepts of `ideas_only`.
fn spell<'a>(
    lexicon: &Lexicon,
    members: impl Iterator<Item = (&'a Vec<&'a str>, bool)>,
    mut single: rustc_hash::FxHashSet<u32>,
    ideas_only: &rustc_hash::FxHashSet<u32>,
) -> Vec<String> {
    let mut spelled: Vec<String> = Vec::new();
    let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    let mut spell = |word: &str| {
        let word = word.to_lowercase();
        if seen.insert(word.clone()) {
            spelled.push(word);
        }
    };
    for (list, by_ideas) in members {
        let evokes = |id: u32| by_ideas && lexicon.concepts_of(id).any(|c| ideas_only.contains(&c));
        for t in list {
            // Whole when the cluster rests on what it stands for joined ("hard-coded" is
            // `hardcod`), or on two of its parts; a part alone is spelled as itself below
            // ("pipeline", not "hybrid-pipeline").
            crate::similarity::hyphenated_terms(t, |word, ids, parts| {
                let (own, joined) = ids.split_at(parts);
                let whole = joined.iter().any(|id| single.contains(id))
                    || own.iter().filter(|id| single.contains(id)).count() >= 2;
                if whole {
                    for id in ids {
                        single.remove(id);
                    }
                }
                if whole || ids.iter().any(|&id| evokes(id)) {
                    spell(word);
                }
            });
            crate::analysis::with(|a| {
                a.each(t, |range, term| {
                    if single.remove(&term.id) || evokes(term.id) {
                        spell(&t[range]);
                    }
                })
            });
        }
    }
    spelled
}

/// Takes the loose members (see [`Weight`]) out of a firm cluster's incidents, citations and
/// action items into [`Group::loose`]. Linear in the cluster's members.
fn loosen(g: &mut Group, loose: Vec<(usize, Vec<String>)>) {
    if loose.is_empty() {
        return;
    }
    let mut slot: FxHashMap<usize, usize> = FxHashMap::default();
    let mut out = vec![false; g.incidents.len()];
    for (k, (p, _)) in loose.iter().enumerate() {
        out[*p] = true;
        slot.insert(g.incidents[*p], k);
    }
    g.loose = loose
        .into_iter()
        .map(|(p, words)| Loose {
            incident: g.incidents[p],
            words,
            learnings: Vec::new(),
            actions: Vec::new(),
        })
        .collect();
    g.citations.retain(|&(i, l)| match slot.get(&i) {
        Some(&k) => {
            g.loose[k].learnings.push(l);
            false
        }
        None => true,
    });
    g.actions.retain(|&(i, a)| match slot.get(&i) {
        Some(&k) => {
            g.loose[k].actions.push(a);
            false
        }
        None => true,
    });
    // The firm members' new positions.
    let mut moved = vec![0; out.len()];
    let mut kept = Vec::with_capacity(out.len());
    for (p, &i) in g.incidents.iter().enumerate() {
        if !out[p] {
            moved[p] = kept.len();
            kept.push(i);
        }
    }
    g.incidents = kept;
    for list in [&mut g.stating, &mut g.addressing] {
        list.retain(|&p| !out[p]);
        for p in list.iter_mut() {
            *p = moved[*p];
        }
    }
}

/// The words and concepts too common in a library to be evidence that two incidents learned one
/// lesson (see [`weigh`]): in the learnings and action items of a third or more of the
/// incidents that have any, and of at least [`GENERIC_INCIDENTS`]. The concept "alerting" and
/// the word "alert" on Quayside (23 and 21 of 30), "testing", "deploy", "monitor", "test" and
/// "issue" on dfds; none in a small library, where a third is a handful.
fn generic_terms(lib: &Library, tokens: &mut Tokens) -> rustc_hash::FxHashSet<u32> {
    let mut spread: FxHashMap<u32, usize> = FxHashMap::default();
    let mut counts = Counts::default();
    let mut incidents = 0;
    for inc in &lib.incidents {
        counts.clear();
        let texts = inc.learnings.iter().map(|l| &l.text);
        for t in texts.chain(inc.action_items.iter().map(|a| &a.text)) {
            tokens.count(t, 1.0, &mut counts);
        }
        incidents += usize::from(!counts.is_empty());
        for &t in counts.keys() {
            *spread.entry(t).or_default() += 1;
        }
    }
    spread
        .into_iter()
        .filter(|&(_, k)| k >= GENERIC_INCIDENTS && 3 * k >= incidents)
        .map(|(c, _)| c)
        .collect()
}

/// The fewest incidents a generic word or concept is in (see [`generic_terms`]).
const GENERIC_INCIDENTS: usize = 10;

/// Words that say what kind of action an item is, or how it is put, rather than what it is
/// about: dfds "Investigate missing node metrics/logs" and "Investigate using a PolicyEngine to
/// prevent conflicting routes" share "investigate" and "using", not a lesson; "Look into
/// monitoring the Traefik v2 API" and "Look into if this is also an issue in Traefik 2.X" only
/// "traefik" beside "look". They count in similarity as any word, but are never evidence that
/// two incidents learned one lesson (see [`weigh`]), as generic words are not.
const ACTION_KINDS: &str = "investigate investigation look consider explore evaluate implement \
    implementation use using try figure like idea possible";

/// The term ids of [`ACTION_KINDS`], concepts they evoke left out.
fn action_kinds<'a>(
    tokens: &mut Tokens,
    concepts: &'a rustc_hash::FxHashSet<u32>,
) -> impl Iterator<Item = u32> + 'a {
    let mut counts = Counts::default();
    tokens.count(ACTION_KINDS, 1.0, &mut counts);
    counts.into_keys().filter(move |t| !concepts.contains(t))
}

/// Whether what the authors cited (`id:` or a learning mark on a learning, `learning:` on an
/// action item), as they wrote it, names group `g` of `by_id`: a canonical learning, by its id
/// or one of its aliases. A citation of an unknown id that similarity grouped names none.
fn cites(by_id: &HashMap<String, usize>, canonical: bool, cited: Option<&str>, g: usize) -> bool {
    canonical && cited.and_then(|c| by_id.get(c)) == Some(&g)
}

/// Whether the authors of `inc` linked it to group `g` of `by_id` themselves (see [`cites`])
/// on one of its learnings or action items, rather than Hindsight by similarity.
fn names(
    by_id: &HashMap<String, usize>,
    canonical: bool,
    inc: &crate::content::Incident,
    g: usize,
) -> bool {
    inc.learnings
        .iter()
        .any(|l| cites(by_id, canonical, l.canonical.as_deref(), g))
        || inc
            .action_items
            .iter()
            .any(|a| cites(by_id, canonical, a.learning.as_deref(), g))
}

impl Graph {
    /// Whether the authors linked a learning or an action item to `group`, the learning it
    /// is grouped under: what they cited (`cited`, as they wrote it; an alias too) names
    /// that canonical learning. Else Hindsight attached or clustered it by similarity.
    pub fn linked_by_authors(&self, cited: Option<&str>, group: &str) -> bool {
        self.by_id
            .get(group)
            .is_some_and(|&g| cites(&self.by_id, self.groups[g].canonical, cited, g))
    }

    /// Whether the authors of `inc` linked it to learning `group` themselves (see
    /// [`Graph::linked_by_authors`]) on one of its learnings or action items, rather than
    /// Hindsight by similarity.
    pub fn named_by_authors(&self, inc: &crate::content::Incident, group: &str) -> bool {
        self.by_id
            .get(group)
            .is_some_and(|&g| names(&self.by_id, self.groups[g].canonical, inc, g))
    }
}

impl Group {
    fn new(id: String, title: String, summary: String, learning: Option<usize>) -> Group {
        Group {
            id,
            full_title: title.clone(),
            title,
            summary,
            canonical: learning.is_some(),
            learning,
            incidents: Vec::new(),
            stating: Vec::new(),
            addressing: Vec::new(),
            citations: Vec::new(),
            actions: Vec::new(),
            first_seen: None,
            last_seen: None,
            recurred_after_done: Vec::new(),
            maybe_recurred_after_done: Vec::new(),
            tentative: Vec::new(),
            loose: Vec::new(),
        }
    }
}

/// A learning or an action item of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub incident: usize,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Learning(usize),
    Action(usize),
}

#[derive(Default)]
struct Clusters {
    new_groups: Vec<Group>,
    /// Item, group id, and the similarity when it attached to a canonical learning.
    assignments: Vec<(Item, String, Option<f32>)>,
    /// What [`weigh`] found of each of `new_groups`, in their order, its loose members named
    /// by incident index rather than position. Weighed before the cluster is named, so that
    /// no loose member names it (see [`cluster`]); applied once its members are in place.
    weights: Vec<Weight>,
    /// See [`Graph::not_evidence`].
    not_evidence: rustc_hash::FxHashSet<u32>,
}

/// The share of the clustering threshold from which an unlabelled item attaches to a canonical
/// learning. Attaching compares words alone: a canonical learning already holds many wordings
/// (its title, summary and every labelled citation), and the sum of their lesson projections
/// is too spread out to compare with one text's. 0.8 of the default threshold 0.18 is the
/// 0.144 that attaches 4 of the demo's 7 unlabelled paraphrases to the right canonical learning
/// and 2 other learnings (at 0.16 and above, 3 right; at 0.12, 5 right and 6 others).
const ATTACH_FACTOR: f32 = 0.8;

/// How many words (not concepts) an unlabelled item must share with a canonical learning to
/// attach to it, each counted by how rare it is (see [`word_evidence`]). One shared word counts
/// twice, as itself and as the concept it evokes, and with a short canonical learning that can
/// be enough: on dfds, "We do not have sufficient monitoring/alerting on cluster capacity"
/// attached to a canonical learning about clear alert messages on "alert" alone. With two,
/// every other attachment of the demo stays (their shared words are worth 3.5 or more); one
/// action item that shared only "alert" and "payment" with "Alert on what customers
/// experience" (1.7) no longer attaches.
const ATTACH_WORDS: usize = 2;

/// The share of the lesson library's wordings from which a word is too common to count as a
/// whole word of evidence for attaching (see [`word_evidence`]): about one in fifty ("alert",
/// "test", "production" and "customer" are in more).
const COMMON_WORD_SHARE: f32 = 0.02;

/// How much sharing a word (model term `t`) says that two texts state one lesson, from 0 to 1:
/// a word in at most [`COMMON_WORD_SHARE`] of the library's wordings (or in none) counts 1, a
/// commoner one by its information, `ln(1 / share) / ln(1 / COMMON_WORD_SHARE)` ("production",
/// in 4% of them, 0.82; "test", in 5%, 0.75); a concept counts 0. Two common words then fall
/// short of two: "Test secret rotation in staging" no longer takes in a learning about
/// deploying FluentD to the sandbox and production environments, or an action item sending
/// test alerts to Slack "as in production".
fn word_evidence(model: &Model, space: &LessonSpace) -> Vec<f32> {
    let (background, wordings) = space.background();
    let full = (1.0 / COMMON_WORD_SHARE).ln();
    crate::analysis::with_terms(|texts| {
        model
            .term
            .iter()
            .zip(&model.concept)
            .map(|(&t, &concept)| {
                let n = background.get(&texts[t as usize]).copied().unwrap_or(0);
                if concept {
                    0.0
                } else if n == 0 {
                    1.0
                } else {
                    ((wordings as f32 / n as f32).ln() / full).min(1.0)
                }
            })
            .collect()
    })
}

fn item_text<'a>(lib: &'a Library, item: &Item) -> &'a str {
    let inc = &lib.incidents[item.incident];
    match item.kind {
        ItemKind::Learning(li) => &inc.learnings[li].text,
        ItemKind::Action(ai) => &inc.action_items[ai].text,
    }
}

/// Groups unlabelled learnings and action items: each attaches to the canonical learning it
/// is most similar to when close enough; the rest cluster among themselves (TF-IDF vectors,
/// see `linkage`). Clusters that span two or more incidents become groups.
fn cluster(
    lib: &Library,
    lexicon: &Arc<Lexicon>,
    space: &LessonSpace,
    graph: &Graph,
    threshold: f32,
) -> Clusters {
    let mut items: Vec<Item> = Vec::new();
    let mut labelled: Vec<Option<usize>> = Vec::new();
    for (i, inc) in lib.incidents.iter().enumerate() {
        for (li, l) in inc.learnings.iter().enumerate() {
            if !l.text.trim().is_empty() && l.canonical.as_deref() != Some(NO_LEARNING) {
                items.push(Item {
                    incident: i,
                    kind: ItemKind::Learning(li),
                });
                labelled.push(l.group.as_ref().and_then(|g| graph.by_id.get(g)).copied());
            }
        }
        for (ai, a) in inc.action_items.iter().enumerate() {
            if a.learning.as_deref() == Some(NO_LEARNING) {
                continue;
            }
            items.push(Item {
                incident: i,
                kind: ItemKind::Action(ai),
            });
            labelled.push(a.group.as_ref().and_then(|g| graph.by_id.get(g)).copied());
        }
    }
    let t = std::time::Instant::now();
    // Postmortems repeat themselves ("Version lock Flux" in two dfds postmortems, a
    // checklist's action items in many): each distinct text is counted and projected once.
    let texts: Vec<&str> = items.iter().map(|it| item_text(lib, it)).collect();
    let mut slots: FxHashMap<&str, usize> = FxHashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let copy_of: Vec<usize> = texts
        .iter()
        .map(|&text| {
            *slots.entry(text).or_insert_with(|| {
                distinct.push(text);
                distinct.len() - 1
            })
        })
        .collect();
    let groups = &graph.groups;
    let mut counted: Vec<Counts> = {
        use rayon::prelude::*;
        distinct
            .par_iter()
            .map_init(
                || Tokens::new(lexicon, CONCEPT_WEIGHT),
                |tokens, t| {
                    let mut c = Counts::default();
                    tokens.count(t, 1.0, &mut c);
                    c
                },
            )
            .collect()
    };
    let mut tokens = Tokens::new(lexicon, CONCEPT_WEIGHT);
    for g in groups {
        let mut c = Counts::default();
        tokens.count(&g.title, 2.0, &mut c);
        tokens.count(&g.summary, 1.0, &mut c);
        counted.push(c);
    }
    // Every item, then every canonical learning: indices into `counted`.
    let copy_of: Vec<usize> = copy_of
        .into_iter()
        .chain(distinct.len()..counted.len())
        .collect();
    let docs: Vec<&Counts> = copy_of.iter().map(|&c| &counted[c]).collect();
    crate::timing("  item counts", t);
    // Clustering compares words and lessons (see `lessons::vectors_with`); attaching compares
    // words with the canonical learnings the knowledge base wrote, in its own frequencies.
    let projected = crate::lessons::projections(&counted, space);
    let lessons: Vec<&SparseVec> = copy_of.iter().map(|&c| &projected[c]).collect();
    let mut clustering = crate::lessons::vectors_with(&docs, &lessons, space);
    let model = Model::from_counts(&docs);
    crate::timing("  item model", t);
    let (item_vecs, canon_vecs) = model.vectors.split_at(items.len());
    // Each canonical learning as a group of member texts: its own title and summary plus
    // every labelled citation of it, kept as the sum of their vectors (a sparse map, so that
    // comparing a short learning with it costs the learning's length) and a member count.
    let mut sums: Vec<FxHashMap<u32, f32>> = canon_vecs
        .iter()
        .map(|v| v.iter().copied().collect())
        .collect();
    let mut members: Vec<u32> = vec![1; sums.len()];
    // The citations each incident adds to a canonical learning: an unlabelled item is compared
    // with the canonical learning *without* its own postmortem's citations, or a sibling
    // bullet's wording would pull it to whatever that sibling cited (a learning is not compared
    // at all with what a sibling learning cites: see `stated`).
    let mut own: HashMap<(usize, usize), (FxHashMap<u32, f32>, u32)> = HashMap::new();
    for (k, g) in labelled.iter().enumerate() {
        if let Some(g) = g {
            let mine = own.entry((items[k].incident, *g)).or_default();
            mine.1 += 1;
            members[*g] += 1;
            for &(t, w) in &item_vecs[k] {
                *sums[*g].entry(t).or_default() += w;
                *mine.0.entry(t).or_default() += w;
            }
        }
    }
    let norm2 = |c: &FxHashMap<u32, f32>| c.values().map(|w| w * w).sum::<f32>();
    let sum_norm2: Vec<f32> = sums.iter().map(norm2).collect();
    // For each (incident, canonical): the squared norm of the sum without that incident's
    // citations, |S - O|² = |S|² - 2 S·O + |O|².
    let others_norm2: HashMap<(usize, usize), f32> = own
        .iter()
        .map(|(&(i, g), (o, _))| {
            let cross: f32 = o
                .iter()
                .map(|(t, w)| sums[g].get(t).copied().unwrap_or(0.0) * w)
                .sum();
            ((i, g), sum_norm2[g] - 2.0 * cross + norm2(o))
        })
        .collect();
    let unlabelled: Vec<usize> = (0..items.len())
        .filter(|&k| labelled[k].is_none())
        .collect();
    // Canonical learnings by term (an inverted index), so that scoring an item costs its
    // terms' postings rather than a lookup per canonical learning and term.
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); model.df.len()];
    for (g, c) in sums.iter().enumerate() {
        for (&t, &w) in c {
            postings[t as usize].push((g as u32, w));
        }
    }
    let mut own_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(i, g) in own.keys() {
        own_of.entry(i).or_default().push(g);
    }
    // The canonical learnings that each postmortem's own learnings cite. An unlabelled learning
    // is never attached to one of them: its authors, who cited it for a sibling, wrote this one
    // as another lesson (on the demo, "Destructive data changes go through a soft delete
    // first" went to the backlog-ownership lesson its sibling cites). Its action items may be
    // (they most often address the postmortem's own lessons), and so may a learning be to
    // what only an action item of its postmortem cites.
    let mut stated: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, inc) in lib.incidents.iter().enumerate() {
        let cited = inc
            .learnings
            .iter()
            .filter_map(|l| l.group.as_ref().and_then(|g| graph.by_id.get(g)).copied());
        for g in cited {
            stated.entry(i).or_default().push(g);
        }
    }
    // Each item's best canonical learning by the discounted similarity and the linkage that
    // clustering uses (see `discounted` and `linkage`), the item being a group of one.
    let best: Vec<Option<(f32, usize)>> = {
        use rayon::prelude::*;
        unlabelled
            .par_iter()
            .map_init(
                || (vec![0f32; sums.len()], vec![0f32; sums.len()]),
                |(dots, tops), &k| {
                    dots.iter_mut().for_each(|d| *d = 0.0);
                    tops.iter_mut().for_each(|d| *d = 0.0);
                    // Terms in order, so each sum adds up in the same order on every run.
                    for &(t, w) in &item_vecs[k] {
                        for &(g, gw) in &postings[t as usize] {
                            let p = gw * w;
                            dots[g as usize] += p;
                            tops[g as usize] = tops[g as usize].max(p);
                        }
                    }
                    let mut n: Vec<(usize, f32)> = Vec::new();
                    for &g in own_of.get(&items[k].incident).into_iter().flatten() {
                        let (mine, count) = &own[&(items[k].incident, g)];
                        let score = discounted(item_vecs[k].iter().map(|(t, w)| {
                            (sums[g].get(t).copied().unwrap_or(0.0)
                                - mine.get(t).copied().unwrap_or(0.0))
                                * w
                        }));
                        let n2 = others_norm2[&(items[k].incident, g)];
                        n.push((g, linkage(score, (1.0, n2), (1, members[g] - count))));
                    }
                    let cited = match items[k].kind {
                        ItemKind::Learning(_) => stated.get(&items[k].incident),
                        ItemKind::Action(_) => None,
                    };
                    (0..sums.len())
                        .filter(|g| !cited.is_some_and(|c| c.contains(g)))
                        .map(|g| match n.iter().find(|(o, _)| *o == g) {
                            Some(&(_, score)) => (score, g),
                            None => (
                                linkage(
                                    dots[g] - TOP_TERM_DISCOUNT * tops[g],
                                    (1.0, sum_norm2[g]),
                                    (1, members[g]),
                                ),
                                g,
                            ),
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                },
            )
            .collect()
    };
    // The words (not concepts) an item shares with a canonical learning, less its own
    // postmortem's citations of it, each counted by its rarity.
    let evidence = word_evidence(&model, space);
    let shared_evidence = |k: usize, g: usize| -> f32 {
        let mine = own.get(&(items[k].incident, g)).map(|(o, _)| o);
        item_vecs[k]
            .iter()
            .filter(|(t, _)| {
                let all = sums[g].get(t).copied().unwrap_or(0.0);
                all - mine.and_then(|o| o.get(t)).copied().unwrap_or(0.0) > 1e-6
            })
            .map(|&(t, _)| evidence[t as usize])
            .sum()
    };
    let attach: Vec<Option<(f32, usize)>> = unlabelled
        .iter()
        .zip(best)
        .map(|(&k, best)| {
            best.filter(|&(score, g)| {
                score >= threshold * ATTACH_FACTOR
                    && shared_evidence(k, g) >= ATTACH_WORDS as f32 - 1e-4
            })
        })
        .collect();
    // Nor do two unlabelled learnings of one postmortem attach to the same canonical learning,
    // for the reason they never share a cluster: the closer one does (the earlier of two as
    // close), and the other clusters with the rest.
    let mut closest: HashMap<(usize, usize), (f32, usize)> = HashMap::new();
    for (&k, a) in unlabelled.iter().zip(&attach) {
        if let (Some((score, g)), ItemKind::Learning(_)) = (*a, items[k].kind) {
            let e = closest.entry((items[k].incident, g)).or_insert((score, k));
            if score > e.0 {
                *e = (score, k);
            }
        }
    }
    // A learning that reads like one of its own postmortem's action items states the lesson
    // that action item is linked to (by its authors, or by similarity), when nothing else
    // links it: postmortems pair a lesson with the fix for it, and the two share the
    // incident's own words, which a canonical learning written elsewhere does not (on the
    // demo, "The retry change went to every market in one merge" beside "Roll out payments
    // configuration one market at a time", which cites the staged-rollout lesson). Only the
    // pair that are each other's closest, at the clustering threshold and two shared words, and
    // never to a lesson a sibling learning states or is attached to.
    let mut paired: Vec<(usize, f32, usize)> = Vec::new();
    {
        let position: HashMap<usize, usize> = unlabelled
            .iter()
            .enumerate()
            .map(|(u, &k)| (k, u))
            .collect();
        let group_of = |k: usize| {
            labelled[k].or_else(|| position.get(&k).and_then(|&u| attach[u]).map(|(_, g)| g))
        };
        let shared_words = |a: usize, b: usize| {
            crate::similarity::shared_weights(&item_vecs[a], &item_vecs[b])
                .filter(|&(t, _, _)| !model.concept[t as usize])
                .count()
        };
        let mut by_incident: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (u, &k) in unlabelled.iter().enumerate() {
            if attach[u].is_none() && matches!(items[k].kind, ItemKind::Learning(_)) {
                by_incident.entry(items[k].incident).or_default().0.push(k);
            }
        }
        for (k, item) in items.iter().enumerate() {
            if let (ItemKind::Action(_), Some(e)) = (item.kind, by_incident.get_mut(&item.incident))
            {
                if group_of(k).is_some() {
                    e.1.push(k);
                }
            }
        }
        let score = |a: usize, b: usize| discounted_cosine(&item_vecs[a], &item_vecs[b]);
        let closest_of = |k: usize, among: &[usize]| {
            among
                .iter()
                .map(|&o| (score(k, o), o))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        };
        for (incident, (learnings, actions)) in &by_incident {
            for &k in learnings {
                let Some((s, a)) = closest_of(k, actions) else {
                    continue;
                };
                let g = group_of(a).expect("only linked action items are paired");
                if !stated.get(incident).is_some_and(|c| c.contains(&g))
                    && s >= threshold
                    && shared_words(k, a) >= ATTACH_WORDS
                    && closest_of(a, learnings).map(|(_, l)| l) == Some(k)
                {
                    paired.push((k, s, g));
                }
            }
        }
    }
    let mut attach = attach;
    for (k, s, g) in paired {
        if let std::collections::hash_map::Entry::Vacant(e) = closest.entry((items[k].incident, g))
        {
            e.insert((s, k));
            let u = unlabelled
                .binary_search(&k)
                .expect("paired learnings are unlabelled");
            attach[u] = Some((s, g));
        }
    }
    let mut assignments = Vec::new();
    let mut rest: Vec<usize> = Vec::new();
    for (&k, a) in unlabelled.iter().zip(attach) {
        match a {
            Some((score, g))
                if matches!(items[k].kind, ItemKind::Action(_))
                    || closest[&(items[k].incident, g)].1 == k =>
            {
                assignments.push((items[k], groups[g].id.clone(), Some(score)));
            }
            _ => rest.push(k),
        }
    }
    crate::timing("  attached to canonical learnings", t);
    // The rest cluster among themselves, by their words and their lessons, in two passes.
    let rest_vecs: Vec<SparseVec> = rest
        .iter()
        .map(|&k| std::mem::take(&mut clustering[k]))
        .collect();
    let rest_docs: Vec<(&Counts, &SparseVec)> =
        rest.iter().map(|&k| (docs[k], lessons[k])).collect();
    // Two learnings of one postmortem are two lessons: its authors listed them apart, and what
    // they share is the incident's vocabulary. Its action items are kept apart from nothing,
    // since a postmortem often files two for one lesson (on the real items' labels, 2 of 261
    // pairs of learnings of one postmortem state the same lesson, 11 of 474 pairs of action
    // items; keeping action items apart too cost Quayside's cross-incident F1 0.06). They
    // are held to a higher threshold instead while no learning is among them (see
    // `ACTION_FACTOR`).
    let origins: Vec<Origin> = rest
        .iter()
        .map(|&k| match items[k].kind {
            ItemKind::Learning(_) => Origin::Learning(items[k].incident as u32),
            ItemKind::Action(_) => Origin::Action,
        })
        .collect();
    let labels = cluster_twice(&rest_docs, &rest_vecs, &origins, space, threshold);
    // Back in place: a cluster's title is chosen by these vectors, which formed it.
    for (&k, v) in rest.iter().zip(rest_vecs) {
        clustering[k] = v;
    }
    crate::timing("  clustered", t);
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (r, label) in labels.into_iter().enumerate() {
        members.entry(label).or_default().push(rest[r]);
    }
    let mut used: std::collections::HashSet<String> = graph.by_id.keys().cloned().collect();
    let mut new_groups = Vec::new();
    let mut clusters: Vec<Vec<usize>> = members
        .into_values()
        .filter(|m| {
            let mut incs: Vec<usize> = m.iter().map(|&k| items[k].incident).collect();
            incs.sort_unstable();
            incs.dedup();
            incs.len() >= 2
        })
        .collect();
    // Stable order and stable representatives: the oldest incident's learning names a cluster
    // (the oldest it counts: see below), so later incidents joining it never change its id or
    // URL.
    let age = |k: usize| {
        let inc = &lib.incidents[items[k].incident];
        (
            inc.date,
            inc.id.clone(),
            matches!(items[k].kind, ItemKind::Action(_)),
            k,
        )
    };
    for m in &mut clusters {
        m.sort_by_key(|&k| age(k));
    }
    // A firm cluster's loose members (see [`Group::loose`]) are not counted, nor named beside
    // the lesson: nor do they name it. So each cluster is weighed before it is named, and its
    // id and title come from its counted members alone; else a postmortem joined by one word
    // would name the cluster whenever it is the oldest, and its URL would change with it.
    let concepts: rustc_hash::FxHashSet<u32> = lexicon.concept_term_ids().iter().copied().collect();
    let mut tokens = Tokens::new(lexicon, 1.0);
    let mut generic = generic_terms(lib, &mut tokens);
    generic.extend(action_kinds(&mut tokens, &concepts));
    let mut weighed: Vec<(Vec<usize>, Vec<usize>, Weight)> = clusters
        .into_iter()
        .map(|m| {
            let g = members_of(lib, &items, &m);
            let mut weight = weigh(lib, lexicon, &concepts, &generic, &mut tokens, &g);
            for (p, _) in &mut weight.loose {
                *p = g.incidents[*p];
            }
            let counted: Vec<usize> = m
                .iter()
                .copied()
                .filter(|&k| !weight.loose.iter().any(|(i, _)| *i == items[k].incident))
                .collect();
            (m, counted, weight)
        })
        .collect();
    weighed.sort_by_key(|(_, counted, _)| age(counted[0]));
    let mut weights = Vec::with_capacity(weighed.len());
    for (m, counted, weight) in weighed {
        // The id comes from the oldest counted member, so it never changes as the cluster
        // grows; the title from the most representative one, so it reads as the lesson they
        // share.
        let oldest = counted[0];
        let is_learning: Vec<bool> = m
            .iter()
            .map(|&k| !matches!(items[k].kind, ItemKind::Action(_)))
            .collect();
        let vectors: Vec<&SparseVec> = m.iter().map(|&k| &clustering[k]).collect();
        let sentences: Vec<String> = m.iter().map(|&k| first_sentence(texts[k])).collect();
        let whole: Vec<bool> = sentences.iter().map(|s| shortened(s) == *s).collect();
        let is_counted: Vec<bool> = m.iter().map(|k| counted.contains(k)).collect();
        let full_title =
            sentences[representative(&vectors, &is_learning, &whole, &is_counted)].clone();
        let title = shortened(&full_title);
        let base = cluster_base_id(texts[oldest]);
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        for &k in &m {
            assignments.push((items[k], id.clone(), None));
        }
        new_groups.push(Group {
            full_title,
            ..Group::new(id, title, String::new(), None)
        });
        weights.push(weight);
    }
    Clusters {
        new_groups,
        assignments,
        weights,
        not_evidence: generic,
    }
}

/// A cluster of `items` (`m`) as a group of incidents, as [`link`] lays out its members once
/// the cluster is named: each incident once, oldest first (then by id, then as the library
/// lists them: two postmortems may claim one id), with its learnings (`citations`) and action
/// items in the cluster. What [`weigh`] reads.
fn members_of(lib: &Library, items: &[Item], m: &[usize]) -> Group {
    let mut m = m.to_vec();
    m.sort_by_key(|&k| {
        let inc = &lib.incidents[items[k].incident];
        let action = matches!(items[k].kind, ItemKind::Action(_));
        (inc.date, &inc.id, items[k].incident, action, k)
    });
    let mut g = Group::new(String::new(), String::new(), String::new(), None);
    for k in m {
        let ii = items[k].incident;
        let new = g.incidents.last() != Some(&ii);
        match items[k].kind {
            ItemKind::Learning(li) => {
                g.citations.push((ii, li));
                if new {
                    g.stating.push(g.incidents.len());
                }
            }
            ItemKind::Action(ai) => {
                g.actions.push((ii, ai));
                if new {
                    g.addressing.push(g.incidents.len());
                }
            }
        }
        if new {
            g.incidents.push(ii);
        }
    }
    g
}

/// How representative a learning must be, as a share of the most representative member's
/// mean similarity to the others, to name its cluster before an action item does. A learning
/// names the lesson better than an action item ("Increase the topic from 6 to 24 partitions"
/// is one incident's fix), but not a learning that joined on one word: on dfds, "Keep log book"
/// (a journal of the response) joined six action items about Fluentd and CloudWatch log alerts
/// on "log" and the concept it evokes, at 0.57 of their best member's mean, and named them all.
/// Every other learning that names a dfds cluster is at 0.75 or more of its best member's mean,
/// and a few at 0.75 to 0.8 give way to a clearer action item ("Implement priority-classes for
/// critical workloads" rather than a paragraph about re-provisioning nodes).
const LEARNING_TITLE_SHARE: f32 = 0.8;

/// The index of the member of a cluster (its members' `vectors`, oldest first) that names it:
/// the one with the highest mean similarity to the others, unless a learning (`is_learning`)
/// is nearly as representative (at least [`LEARNING_TITLE_SHARE`] as much): an action item
/// says what to do rather than what was learned. Among the learnings nearly as
/// representative, one whose first sentence is whole (`whole`: a list shows it uncut) comes
/// before one a list cuts off ("FluentD is not part of our Kubernetes pipeline, and has
/// typically not been deployed in…"); then the most representative. Ties go to the oldest
/// (first) member. Only a `counted` member names it: a firm cluster's loose members (see
/// [`Group::loose`]) are among the others a member is compared with, not among the names.
fn representative(
    vectors: &[&SparseVec],
    is_learning: &[bool],
    whole: &[bool],
    counted: &[bool],
) -> usize {
    let mut centroid: FxHashMap<u32, f32> = FxHashMap::default();
    for v in vectors {
        for &(t, w) in v.iter() {
            *centroid.entry(t).or_default() += w;
        }
    }
    // The mean similarity to the other members: the dot product with the sum of all, less the
    // member's own part.
    let others = (vectors.len().max(2) - 1) as f32;
    let mean: Vec<f32> = vectors
        .iter()
        .map(|v| {
            let (with_all, own) = v.iter().fold((0.0, 0.0), |(a, o), (t, w)| {
                (a + centroid.get(t).copied().unwrap_or(0.0) * w, o + w * w)
            });
            (with_all - own) / others
        })
        .collect();
    // The oldest of those as representative as the best: the two members of a pair are
    // equally so, though rounding may say otherwise in the last bits.
    let best_of = |keep: &dyn Fn(usize) -> bool| {
        let top = (0..vectors.len())
            .filter(|&k| keep(k))
            .map(|k| mean[k])
            .fold(f32::NEG_INFINITY, f32::max);
        (0..vectors.len()).find(|&k| keep(k) && mean[k] >= top - 1e-4)
    };
    let best = best_of(&|k| counted[k]).unwrap_or(0);
    let near = |k: usize| counted[k] && mean[k] >= LEARNING_TITLE_SHARE * mean[best];
    best_of(&|k| near(k) && is_learning[k] && whole[k])
        .or_else(|| best_of(&|k| near(k) && is_learning[k]))
        .unwrap_or(best)
}

/// How much of the single strongest shared term is discounted from a similarity: two texts
/// alike only in one word ("backup") are two lessons about one topic, not one lesson said
/// twice, while paraphrases share several terms (words and concepts). Chosen with the linkage
/// below on the four paraphrase sets and the dfds corpus (discounts 0, 0.25 and 0.5, linkage
/// 0, 0.25 and 0.5 of the way from average to centroid, thresholds 0.1 to 0.2).
pub const TOP_TERM_DISCOUNT: f32 = 0.25;

/// The similarity of two groups of texts from the products of their summed vectors over
/// shared terms (`dot`, which adds up the dot products of every pair across the groups),
/// the sums' squared norms and the member counts: the geometric mean of centroid linkage
/// (the cosine of the two sums) and average linkage (the mean similarity of member pairs).
/// Centroid linkage alone lets a large cluster's centroid drift towards the vocabulary every
/// postmortem shares, where it draws in anything (on dfds one cluster took 29 of 39
/// incidents); average linkage alone splits paraphrases that share little with any one
/// member. For two single texts it is their (discounted) cosine.
fn linkage(dot: f32, norm2: (f32, f32), members: (u32, u32)) -> f32 {
    let denom = (norm2.0 * norm2.1).sqrt().sqrt() * ((members.0 * members.1) as f32).sqrt();
    if denom > 0.0 {
        dot / denom
    } else {
        0.0
    }
}

/// The similarity of two texts or groups from the products of their shared terms' weights:
/// their sum (a dot product) less [`TOP_TERM_DISCOUNT`] of the largest.
fn discounted(products: impl Iterator<Item = f32>) -> f32 {
    let (sum, top) = products.fold((0.0f32, 0.0f32), |(s, m), p| (s + p, m.max(p)));
    sum - TOP_TERM_DISCOUNT * top
}

/// The discounted similarity (see [`discounted`]) of two sparse vectors.
pub fn discounted_cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    discounted(crate::similarity::shared_products(a, b))
}

/// Clusters vectors best pair first: candidate pairs come from nearest neighbours, and the
/// two clusters most alike by [`linkage`] merge next, for as long as their discounted
/// similarity (see [`discounted`]) is at least `threshold`. Best first rather than in the
/// order the pairs were found: the result does not hang on which of two near-equal pairs came
/// first. Returns a cluster label per vector (the smallest member index).
pub fn cluster_vectors(vectors: &[SparseVec], threshold: f32) -> Vec<usize> {
    let n = vectors.len();
    cluster_vectors_apart(vectors, vec![Vec::new(); n], vec![None; n], threshold, None)
}

/// How much closer than the threshold a cluster of action items alone must be to merge with
/// anything. An action item says what to do, not what was learned, and two about different
/// things share what kind of action they are ("add monitoring for ...", "investigate ...");
/// a learning among them names the lesson. On the labelled items of dfds and Quayside, most
/// false cross-incident pairs were action items; with 1.5 the cross-incident F1 rose from
/// 0.147 to 0.223 on dfds and from 0.249 to 0.284 on Quayside (1.3 to 1.75 all raise both;
/// 1.5 is best for both). Texts of unknown origin, such as the paraphrase sets, count as
/// learnings.
pub const ACTION_FACTOR: f32 = 1.5;

/// How many words (not concepts) two clusters of action items alone must share to merge at
/// all. Two action items alike in one word are two fixes that share a noun ("Increase the
/// topic to 24 partitions", "Rewrite the load per date partition"), and their lesson
/// projections, which look at what kind of action they are, add the rest of the similarity.
const ACTION_WORDS: usize = 2;

/// The words of a cluster of action items alone (see [`ACTION_WORDS`]), by term id.
type ActionWords = rustc_hash::FxHashSet<u32>;

/// The size (texts in both clusters together) from which a merge needs more than the
/// threshold: `threshold * (1 + GROWN_PENALTY * ln(size / GROWN_FROM))`, 1.27 times it for six
/// texts, twice it for ten (near-identical texts, such as one action item copied into several
/// postmortems, still gather). A lesson is rarely written more than five times among the
/// learnings and action items of a knowledge base (in the labelled items of Quayside and dfds,
/// 6 of 91 lessons are; in the paraphrase sets none), while a topic is, and a cluster that keeps
/// growing has most often moved from a lesson to its topic: on dfds one took in twelve action
/// items about monitoring one thing or another. With the lesson library's `words:` lines (see
/// `lessons::vocabulary_line`), which draw more paraphrases together and so more topics too,
/// the penalty raised the cross-incident F1 of the labelled items of dfds from 0.215 to 0.239
/// and of Quayside from 0.285 to 0.294, the mean pairwise F1 of the eleven paraphrase sets from
/// 0.805 to 0.812, and that of the lessons missing from the library from 0.687 to 0.737
/// (`GROWN_FROM` 3 to 6 and `GROWN_PENALTY` 0.5 to 3 tried; from 3 to 4 the paraphrase sets fall,
/// from 6 the real items do); with the lists then left out of the background that weighs words
/// (`LessonSpace::background`), 0.244, 0.298, 0.813 and 0.737. Without the lists, the penalty
/// did nothing for the paraphrase sets (0.766 to 0.767).
const GROWN_FROM: f32 = 5.0;

/// See [`GROWN_FROM`].
const GROWN_PENALTY: f32 = 1.5;

/// [`cluster_vectors`], except that two clusters never merge when both hold a vector with
/// the same key in `apart` (each vector's keys, most often none or one): two learnings
/// of one postmortem are two lessons, however much of its vocabulary they share. A cluster of
/// vectors that are all `actions` merges only at [`ACTION_FACTOR`] times the threshold, and a
/// cluster that grows past [`GROWN_FROM`] texts needs more. `members` are the texts each vector
/// stands for (one each when `None`; a pooled cluster's count in the second pass).
fn cluster_vectors_apart(
    vectors: &[SparseVec],
    mut apart: Vec<Vec<u32>>,
    mut actions: Vec<Option<ActionWords>>,
    threshold: f32,
    members: Option<Vec<u32>>,
) -> Vec<usize> {
    let mut members = members.unwrap_or_else(|| vec![1; vectors.len()]);
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let max_df = (vectors.len() / 10).clamp(50, MAX_DF);
    let t = std::time::Instant::now();
    let near = crate::similarity::neighbours(vectors, 8, max_df);
    crate::timing("  neighbours of the rest", t);
    // Each cluster's members as an unnormalised sum of their vectors, with its member and term
    // counts: the products of two sums over shared terms add up to the dot products of all
    // member pairs. A text that never merges keeps its own sparse vector as its sum (no map is
    // built). Fx maps iterate in the same order on every run, so sums are bit-for-bit
    // repeatable.
    let mut sum: Vec<Option<FxHashMap<u32, f32>>> = vec![None; vectors.len()];
    let mut size: Vec<u32> = vec![1; vectors.len()];
    let mut norm2: Vec<f32> = vectors
        .iter()
        .map(|v| v.iter().map(|(_, w)| w * w).sum())
        .collect();
    let mut terms: Vec<usize> = vectors.iter().map(Vec::len).collect();
    // Bumped on every merge, so that queued pairs of a cluster that has since grown are
    // scored again before they are used.
    let mut version: Vec<u32> = vec![0; vectors.len()];
    let mut parent: Vec<usize> = (0..vectors.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    // (similarity, discounted similarity) of two clusters, walking the smaller sum.
    let score = |sum: &[Option<FxHashMap<u32, f32>>],
                 size: &[u32],
                 norm2: &[f32],
                 terms: &[usize],
                 a: usize,
                 b: usize| {
        let (small, large) = if terms[a] <= terms[b] { (a, b) } else { (b, a) };
        let weight = |t: u32| -> f32 {
            match &sum[large] {
                Some(m) => m.get(&t).copied().unwrap_or(0.0),
                None => {
                    let v = &vectors[large];
                    v.binary_search_by_key(&t, |&(t, _)| t)
                        .map_or(0.0, |i| v[i].1)
                }
            }
        };
        let (dot, top) = match &sum[small] {
            None => vectors[small]
                .iter()
                .map(|&(t, w)| weight(t) * w)
                .fold((0.0f32, 0.0f32), |(s, m), p| (s + p, m.max(p))),
            Some(m) => m
                .iter()
                .map(|(&t, w)| weight(t) * w)
                .fold((0.0f32, 0.0f32), |(s, m), p| (s + p, m.max(p))),
        };
        let link = |dot| linkage(dot, (norm2[a], norm2[b]), (size[a], size[b]));
        (link(dot), link(dot - TOP_TERM_DISCOUNT * top))
    };
    // The similarity two clusters need to merge (see [`GROWN_FROM`]; infinite for two
    // clusters of action items that share fewer than [`ACTION_WORDS`] words).
    let needs = |actions: &[Option<ActionWords>], members: &[u32], a: usize, b: usize| {
        let grown = ((members[a] + members[b]) as f32 / GROWN_FROM)
            .ln()
            .max(0.0);
        (1.0 + GROWN_PENALTY * grown)
            * match (&actions[a], &actions[b]) {
                (Some(x), Some(y)) if x.intersection(y).nth(ACTION_WORDS - 1).is_none() => {
                    f32::INFINITY
                }
                (None, None) => threshold,
                _ => threshold * ACTION_FACTOR,
            }
    };
    // Queued pairs, most alike first (ties by indices), with the versions they were scored at.
    #[allow(clippy::type_complexity)]
    let mut queue: BinaryHeap<(OrdF32, Reverse<(usize, usize)>, (u32, u32))> = BinaryHeap::new();
    for (a, list) in near.iter().enumerate() {
        for &(b, cos) in list {
            // The discount only lowers a cosine, so pairs below the threshold need no more.
            if a < b
                && cos >= threshold
                && !shares_key(&apart[a], &apart[b])
                && discounted_cosine(&vectors[a], &vectors[b]) >= threshold
                && needs(&actions, &members, a, b).is_finite()
            {
                queue.push((OrdF32(cos), Reverse((a, b)), (0, 0)));
            }
        }
    }
    while let Some((_, Reverse((a, b)), (va, vb))) = queue.pop() {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        // Keys only accumulate, so a pair kept apart once stays apart.
        if ra == rb || shares_key(&apart[ra], &apart[rb]) {
            continue;
        }
        if (ra, rb) != (a, b) || version[ra] != va || version[rb] != vb {
            // One side has grown since this pair was queued: score it again as it is now.
            let (x, y) = (ra.min(rb), ra.max(rb));
            let (similarity, kept) = score(&sum, &size, &norm2, &terms, x, y);
            if kept >= needs(&actions, &members, x, y) {
                queue.push((
                    OrdF32(similarity),
                    Reverse((x, y)),
                    (version[x], version[y]),
                ));
            }
            continue;
        }
        if score(&sum, &size, &norm2, &terms, ra, rb).1 < needs(&actions, &members, ra, rb) {
            continue;
        }
        // Fold the smaller sum into the larger; the smaller index stays the root, so labels
        // do not depend on merge sizes.
        let (small, large) = if terms[ra] <= terms[rb] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let moved: Vec<(u32, f32)> = match sum[small].take() {
            Some(m) => m.into_iter().collect(),
            None => vectors[small].clone(),
        };
        let mut big = sum[large]
            .take()
            .unwrap_or_else(|| vectors[large].iter().copied().collect());
        let mut n2 = norm2[large];
        for (t, w) in moved {
            let e = big.entry(t).or_default();
            n2 += (*e + w) * (*e + w) - *e * *e;
            *e += w;
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[gone] = keep;
        if !apart[gone].is_empty() {
            let gone_keys = std::mem::take(&mut apart[gone]);
            apart[keep].extend(gone_keys);
            apart[keep].sort_unstable();
        }
        terms[keep] = big.len();
        norm2[keep] = n2;
        size[keep] = size[ra] + size[rb];
        members[keep] = members[ra] + members[rb];
        actions[keep] = match (actions[ra].take(), actions[rb].take()) {
            (Some(mut x), Some(y)) => {
                x.extend(y);
                Some(x)
            }
            _ => None,
        };
        sum[keep] = Some(big);
        version[keep] += 1;
    }
    (0..vectors.len()).map(|i| find(&mut parent, i)).collect()
}

/// Whether two sorted key lists share a key.
fn shares_key(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Clusters texts (their term counts and lesson projections, and the
/// [`crate::lessons::vectors_with`] made from them) in two passes. The first is
/// [`cluster_vectors`]; in the second, each cluster becomes one text, its members' words
/// pooled, and these cluster again at the same threshold. Pooled, the words that
/// two or three paraphrases share outweigh what each says about its own incident, so a
/// cluster's lesson projection is sharper than any member's, and two halves of one lesson that
/// no pair of members linked meet. On the six paraphrase sets this raised every pairwise F1
/// (mean 0.765 to 0.788; a third pass adds nothing). Returns a cluster label per text, the
/// smallest member index.
fn cluster_twice(
    docs: &[(&Counts, &SparseVec)],
    vectors: &[SparseVec],
    origins: &[Origin],
    space: &LessonSpace,
    threshold: f32,
) -> Vec<usize> {
    let origin = |i: usize| origins.get(i).copied().unwrap_or(Origin::Text);
    let keys = |i: usize| match origin(i) {
        Origin::Learning(incident) => vec![incident],
        Origin::Action | Origin::Text => Vec::new(),
    };
    let is_action = |i: usize| origin(i) == Origin::Action;
    let labels = cluster_vectors_apart(
        vectors,
        (0..vectors.len()).map(keys).collect(),
        action_words((0..vectors.len()).map(|i| (is_action(i), docs[i].0))),
        threshold,
        None,
    );
    // A cluster's label is its smallest member, so roots come in ascending order.
    let mut slot = vec![0; labels.len()];
    let mut roots = Vec::new();
    for (i, &label) in labels.iter().enumerate() {
        if label == i {
            slot[i] = roots.len();
            roots.push(i);
        }
    }
    let mut pooled: Vec<Counts> = vec![Counts::default(); roots.len()];
    let mut size = vec![0u32; roots.len()];
    let mut pooled_keys: Vec<Vec<u32>> = vec![Vec::new(); roots.len()];
    let mut pooled_actions = vec![true; roots.len()];
    for (i, ((doc, _), &label)) in docs.iter().zip(&labels).enumerate() {
        size[slot[label]] += 1;
        pooled_keys[slot[label]].extend(keys(i));
        pooled_actions[slot[label]] &= is_action(i);
        let sum = &mut pooled[slot[label]];
        for (&term, w) in doc.iter() {
            *sum.entry(term).or_default() += w;
        }
    }
    // A text alone in its cluster keeps the projection it has; only pooled words project anew.
    let lessons: Vec<SparseVec> = {
        use rayon::prelude::*;
        (0..roots.len())
            .into_par_iter()
            .map_init(Vec::new, |scratch, s| match size[s] {
                1 => docs[roots[s]].1.clone(),
                _ => space.project(&pooled[s], scratch),
            })
            .collect()
    };
    for k in &mut pooled_keys {
        k.sort_unstable();
    }
    let merged = cluster_vectors_apart(
        &crate::lessons::vectors_with(&pooled, &lessons, space),
        pooled_keys,
        action_words(pooled_actions.into_iter().zip(&pooled)),
        threshold,
        Some(size.clone()),
    );
    labels
        .iter()
        .map(|&label| roots[merged[slot[label]]])
        .collect()
}

/// The [`ActionWords`] of each text that is an action item (given as whether it is one, and
/// its term counts): its words, not the concept terms of the lexicon (`~3`).
fn action_words<'a>(texts: impl Iterator<Item = (bool, &'a Counts)>) -> Vec<Option<ActionWords>> {
    crate::analysis::with_terms(|terms| {
        texts
            .map(|(action, c)| {
                action.then(|| {
                    c.keys()
                        .filter(|&&t| !terms[t as usize].starts_with('~'))
                        .copied()
                        .collect()
                })
            })
            .collect()
    })
}

/// An `f32` ordered by `total_cmp`, for a priority queue.
#[derive(Clone, Copy, PartialEq)]
struct OrdF32(f32);

impl Eq for OrdF32 {}

impl PartialOrd for OrdF32 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF32 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Clusters free texts (learnings) with the same analysis and linkage the build uses; for
/// measuring and tuning. Returns a cluster label per text.
pub fn cluster_texts(texts: &[&str], threshold: f32) -> Vec<usize> {
    cluster_items(texts, &[], threshold)
}

/// Where a text to cluster comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A learning of unknown origin (the paraphrase sets).
    Text,
    /// A learning of the postmortem with this key: learnings of one postmortem never share a
    /// cluster.
    Learning(u32),
    /// An action item: clusters of action items alone need [`ACTION_FACTOR`] times the
    /// threshold to merge.
    Action,
}

/// [`cluster_texts`] for texts of known origin (by index; a missing origin is
/// [`Origin::Text`]), kept apart and held to the threshold as the build does.
pub fn cluster_items(texts: &[&str], origins: &[Origin], threshold: f32) -> Vec<usize> {
    cluster_texts_with(
        texts,
        origins,
        threshold,
        &LessonSpace::for_lexicon(Lexicon::builtin()),
    )
}

/// [`cluster_texts`] with another lesson space than the library's (see [`LessonSpace::of`]).
pub fn cluster_texts_in(texts: &[&str], threshold: f32, space: &LessonSpace) -> Vec<usize> {
    cluster_texts_with(texts, &[], threshold, space)
}

fn cluster_texts_with(
    texts: &[&str],
    origins: &[Origin],
    threshold: f32,
    space: &LessonSpace,
) -> Vec<usize> {
    let lexicon = Lexicon::builtin();
    let mut tokens = Tokens::new(lexicon, CONCEPT_WEIGHT);
    let docs: Vec<Counts> = texts
        .iter()
        .map(|t| {
            let mut c = Counts::default();
            tokens.count(t, 1.0, &mut c);
            c
        })
        .collect();
    let lessons = crate::lessons::projections(&docs, space);
    let vectors = crate::lessons::vectors_with(&docs, &lessons, space);
    let docs: Vec<(&Counts, &SparseVec)> = docs.iter().zip(&lessons).collect();
    cluster_twice(&docs, &vectors, origins, space, threshold)
}

/// The id a cluster takes from its oldest counted (not loose) member's text (before `-2`, `-3`... against
/// collisions): its first seven words after any lead-in, as a slug. `check --baseline` uses
/// it to find which learning named a cluster page that a build no longer has.
pub fn cluster_base_id(text: &str) -> String {
    crate::markdown::slugify(&first_words(without_lead_in(text), 7))
}

/// The most words of a [`suggested_id`].
const SUGGESTED_WORDS: usize = 7;
/// The most characters of a [`suggested_id`] (a word that would pass it is left out).
const SUGGESTED_CHARS: usize = 60;

/// Words an id should not end on: [`crate::analysis::STOP_WORDS`], and the modal verbs,
/// pronouns and joining words that leave a phrase hanging (`...-consumer-change-should`).
const NOT_LAST: &[&str] = &[
    "about", "after", "all", "also", "any", "arent", "because", "been", "before", "being", "can",
    "cant", "could", "couldnt", "did", "do", "does", "doesnt", "dont", "each", "every", "from",
    "had", "has", "have", "how", "isnt", "its", "make", "may", "might", "must", "need", "needs",
    "our", "shall", "should", "shouldnt", "so", "some", "than", "us", "very", "wasnt", "we",
    "what", "when", "where", "which", "who", "why", "wont", "would", "wouldnt", "you", "your",
];

/// The id a check hint suggests for the canonical learning of a cluster whose title is
/// `title`: a phrase of it an author would paste as `id:`, its first words up to the end of
/// the first clause (at most [`SUGGESTED_WORDS`] and [`SUGGESTED_CHARS`]), without a leading
/// article or an aside in parentheses, and ending on a word that carries meaning
/// (`performance-tests-for-a-consumer-change`, not `...-change-should`). Unlike
/// [`cluster_base_id`] it is never a URL of the built site.
pub fn suggested_id(title: &str) -> String {
    let hangs = |w: &str| crate::analysis::STOP_WORDS.contains(&w) || NOT_LAST.contains(&w);
    let mut words: Vec<String> = Vec::new();
    // Words in parentheses are an aside (`Letting users (sellers, in this case) define...`).
    let mut aside = false;
    for word in without_lead_in(title).split_whitespace() {
        aside |= word.starts_with('(');
        if aside {
            aside = !word.trim_end_matches([',', ';', ':', '.']).ends_with(')');
            continue;
        }
        // `don't` is `dont`, not `don-t`.
        let slug = slug::slugify(word.replace(['\'', '’'], ""));
        let leading_article = words.is_empty() && ["a", "an", "the"].contains(&slug.as_str());
        if !slug.is_empty() && !leading_article {
            words.push(slug);
        }
        let clause_ends = word.ends_with([',', ';', ':', '.', '!', '?']);
        if words.len() == SUGGESTED_WORDS || (clause_ends && words.len() >= 2) {
            break;
        }
    }
    while words.len() > 1 && words.join("-").len() > SUGGESTED_CHARS {
        words.pop();
    }
    while words.last().is_some_and(|w| hangs(w)) {
        words.pop();
    }
    if words.is_empty() {
        return cluster_base_id(title);
    }
    words.join("-")
}

/// The [`suggested_id`] of each cluster of `graph` (not of a canonical learning), by cluster
/// id: none is the id or an alias of another learning, nor another cluster's suggestion
/// (`-2`, `-3`... tell them apart). A cluster's own id may be suggested.
pub fn suggested_ids(lib: &Library, graph: &Graph) -> HashMap<String, String> {
    let mut taken: HashSet<String> = graph.by_id.keys().cloned().collect();
    taken.extend(lib.learnings.iter().flat_map(|l| l.aliases.iter().cloned()));
    let mut out = HashMap::new();
    for g in graph.groups.iter().filter(|g| !g.canonical) {
        let base = suggested_id(&g.full_title);
        let mut id = base.clone();
        let mut n = 2;
        while id != g.id && !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        out.insert(g.id.clone(), id);
    }
    out
}

fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A learning's text without the words that announce a lesson rather than state it ("From
/// this incident we learned that", "Lesson:", "Furthermore,"), which real postmortems put in
/// front of many learnings and which would otherwise name the cluster (dfds had
/// `/learnings/from-this-incident-we-learned-that-our/`). A text that is little more than its
/// lead-in keeps it.
fn without_lead_in(text: &str) -> &str {
    static LEAD_IN: OnceLock<regex::Regex> = OnceLock::new();
    let re = LEAD_IN.get_or_init(|| {
        regex::Regex::new(concat!(
            r"(?i)^\s*(?:(?:from|in|during) this (?:incident|outage|event),?\s+)?(?:",
            r"(?:we|i)(?:'ve| have)?\s+(?:also\s+)?(?:learned|learnt|realised|realized|found out|found|discovered|noticed)(?:\s+that)?",
            r"|(?:the\s+|our\s+)?(?:key\s+|main\s+|biggest\s+)?(?:lessons?|learnings?|takeaways?)(?:\s+learned|\s+learnt)?(?:\s+(?:here|from this))?\s*(?:is|was|:)(?:\s+that)?",
            r"|furthermore|additionally|in addition|also",
            r"|(?:action(?:\s+item)?|ai)\s*:",
            r")[,:]?\s+",
        ))
        .expect("valid regex")
    });
    match re.find(text) {
        Some(m) if text[m.end()..].split_whitespace().count() >= 3 => &text[m.end()..],
        _ => text,
    }
}

/// A readable title from a learning's text, at most about 90 characters: see
/// [`first_sentence`] and [`shortened`].
#[cfg(test)]
fn sentence_title(text: &str) -> String {
    shortened(&first_sentence(text))
}

/// A learning's first sentence (after any lead-in, see [`without_lead_in`], with a capital),
/// or what comes before a colon that opens an explanation ("Document the procedure: in case
/// of ..."), with no full stop.
fn first_sentence(text: &str) -> String {
    let stripped = without_lead_in(text.trim());
    let capitalised;
    let t = match stripped.chars().next() {
        Some(c) if c.is_lowercase() && stripped.len() < text.trim().len() => {
            capitalised = c
                .to_uppercase()
                .chain(stripped.chars().skip(1))
                .collect::<String>();
            capitalised.as_str()
        }
        _ => stripped,
    };
    let mut end = t.find(". ").map(|i| i + 1).unwrap_or(t.len());
    if let Some(colon) = t[..end].find(": ") {
        if t[..colon].split_whitespace().count() >= 3 {
            end = colon;
        }
    }
    t[..end].trim_end_matches('.').to_string()
}

/// `s` cut at a word to about 90 characters, with an ellipsis when cut: a title for lists.
fn shortened(s: &str) -> String {
    if s.chars().count() <= 90 {
        return s.to_string();
    }
    let mut out: String = s.chars().take(90).collect();
    if let Some(i) = out.rfind(' ') {
        out.truncate(i);
    }
    out.push('…');
    out
}

/// An unlabelled learning that reads like a canonical one: a hint for authors.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub incident: usize,
    pub learning: usize,
    pub canonical: String,
    pub score: f32,
}

/// The words that the members of a group share across incidents, most widely shared first:
/// why a cluster was formed, in words a reader can weigh ("alert, unclear"). Words as the
/// clustering counts them (stems of content words, no filler), shown as first written. A
/// cluster of thousands is read from its most recent [`SHARED_WORDS_FROM`] learnings and
/// action items.
pub fn shared_words(lib: &Library, graph: &Graph, g: &Group, limit: usize) -> Vec<String> {
    let mut texts: Vec<(usize, &str)> = g
        .citations
        .iter()
        .rev()
        .take(SHARED_WORDS_FROM)
        .map(|&(i, l)| (i, lib.incidents[i].learnings[l].text.as_str()))
        .chain(
            g.actions
                .iter()
                .rev()
                .take(SHARED_WORDS_FROM)
                .map(|&(i, a)| (i, lib.incidents[i].action_items[a].text.as_str())),
        )
        .collect();
    // By incident, so that each word's incidents are counted by looking at the last one.
    texts.sort_by_key(|&(i, _)| i);
    let mut words = Words::skipping(&graph.not_evidence);
    // Stem -> (its first spelling, the incidents whose members use it).
    let mut found: BTreeMap<Arc<str>, (String, Vec<usize>)> = BTreeMap::new();
    for (incident, text) in texts {
        words.each(text, |stem, spelling| {
            let (_, incidents) = found
                .entry(stem.clone())
                .or_insert_with(|| (spelling.to_lowercase(), Vec::new()));
            if incidents.last() != Some(&incident) {
                incidents.push(incident);
            }
        });
    }
    most_shared(
        found
            .into_iter()
            .filter(|(_, (_, incidents))| incidents.len() >= 2)
            .map(|(stem, (word, incidents))| (stem, word, incidents.len())),
        limit,
    )
}

/// The words that one learning of a group, `(incident, learning)`, shares with the group's
/// learnings of other postmortems, those most of them use first: what `check` names when it
/// says the learning reads like them. Words as [`shared_words`] counts them, shown as the
/// learning writes them; the group's action items, which that message does not name, are left
/// out. A large group is read from its most recent [`SHARED_WORDS_FROM`] learnings.
pub fn words_shared_by(
    lib: &Library,
    graph: &Graph,
    g: &Group,
    (incident, learning): (usize, usize),
    limit: usize,
) -> Vec<String> {
    let mut words = Words::skipping(&graph.not_evidence);
    // Stem -> (its spelling in this learning, the other incidents whose learnings use it).
    let mut own: BTreeMap<Arc<str>, (String, Vec<usize>)> = BTreeMap::new();
    words.each(
        &lib.incidents[incident].learnings[learning].text,
        |stem, spelling| {
            own.entry(stem.clone())
                .or_insert_with(|| (spelling.to_lowercase(), Vec::new()));
        },
    );
    let mut others: Vec<(usize, usize)> = g
        .citations
        .iter()
        .rev()
        .filter(|&&(i, _)| i != incident)
        .take(SHARED_WORDS_FROM)
        .copied()
        .collect();
    others.sort_unstable();
    for (i, l) in others {
        words.each(&lib.incidents[i].learnings[l].text, |stem, _| {
            if let Some((_, incidents)) = own.get_mut(stem) {
                if incidents.last() != Some(&i) {
                    incidents.push(i);
                }
            }
        });
    }
    most_shared(
        own.into_iter()
            .filter(|(_, (_, incidents))| !incidents.is_empty())
            .map(|(stem, (word, incidents))| (stem, word, incidents.len())),
        limit,
    )
}

/// Reads the words of texts as the clustering counts them.
struct Words<'a> {
    tokens: Tokens,
    counts: Counts,
    /// Words never named (see [`Graph::not_evidence`]).
    skip: &'a rustc_hash::FxHashSet<u32>,
}

impl<'a> Words<'a> {
    fn skipping(skip: &'a rustc_hash::FxHashSet<u32>) -> Self {
        Words {
            tokens: Tokens::default(),
            counts: Counts::default(),
            skip,
        }
    }

    /// Calls `f` with the stem and the spelling of every word of `text` that the clustering
    /// counts (stems of content words, no filler).
    fn each(&mut self, text: &str, mut f: impl FnMut(&Arc<str>, &str)) {
        self.counts.clear();
        self.tokens.count(text, 1.0, &mut self.counts);
        let counts = &self.counts;
        let skip = self.skip;
        crate::analysis::with(|a| {
            a.each(text, |range, term| {
                // The first half of a contraction ("shouldn't") is no word to show.
                let rest = &text[range.end..];
                let contraction = rest.starts_with("'t") || rest.starts_with("’t");
                if !term.stop
                    && !contraction
                    && counts.contains_key(&term.id)
                    && !skip.contains(&term.id)
                {
                    f(&term.text, &text[range]);
                }
            })
        });
    }
}

/// The `limit` words most widely shared, from (stem, word, how many incidents share it); among
/// words shared as widely, the more specific first: those in fewer wordings of the lesson library
/// ("idempotency" before "against").
fn most_shared(
    words: impl Iterator<Item = (Arc<str>, String, usize)>,
    limit: usize,
) -> Vec<String> {
    let space = LessonSpace::for_lexicon(Lexicon::builtin());
    let (background, _) = space.background();
    let mut shared: Vec<(usize, u32, String)> = words
        .map(|(stem, word, incidents)| {
            let common = background.get(&stem).copied().unwrap_or(0);
            (incidents, common, word)
        })
        .collect();
    shared.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    shared.dedup_by(|a, b| a.2 == b.2);
    shared.into_iter().take(limit).map(|(_, _, w)| w).collect()
}

/// How many of a cluster's most recent learnings, and of its action items, [`shared_words`]
/// reads.
const SHARED_WORDS_FROM: usize = 200;

/// Unlabelled learnings that were attached to a canonical learning by similarity: the author
/// can add `id:` to make it explicit. With the similarity, best first.
pub fn suggestions(lib: &Library) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (i, inc) in lib.incidents.iter().enumerate() {
        for (li, l) in inc.learnings.iter().enumerate() {
            if let (None, Some(g), Some(score)) = (&l.canonical, &l.group, l.similarity) {
                out.push(Suggestion {
                    incident: i,
                    learning: li,
                    canonical: g.clone(),
                    score,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.incident.cmp(&b.incident))
            .then(a.learning.cmp(&b.learning))
    });
    out
}

/// The `unknown-learning` errors [`link`] reports of `inc`: its citations (a learning's `id`,
/// an action item's `learning`) that name none of the canonical `learnings`, by id or alias.
pub fn unknown_citations(inc: &Incident, learnings: &[CanonicalLearning]) -> Vec<Diagnostic> {
    let known: Vec<&str> = learnings.iter().map(|l| l.id.as_str()).collect();
    let names = |cid: &str| {
        learnings
            .iter()
            .any(|l| l.id == cid || l.aliases.iter().any(|a| a == cid))
    };
    let cited = inc
        .learnings
        .iter()
        .map(|l| (l.canonical.as_deref(), l.cited_at))
        .chain(
            inc.action_items
                .iter()
                .map(|a| (a.learning.as_deref(), a.cited_at)),
        );
    cited
        .filter_map(|(cid, at)| {
            let cid = cid.filter(|&c| c != NO_LEARNING)?;
            (!names(cid)).then(|| unknown_learning(&inc.source, at, cid, &known))
        })
        .collect()
}

fn unknown_learning(file: &str, at: (usize, usize), id: &str, known: &[&str]) -> Diagnostic {
    let hint = match did_you_mean(id, known) {
        Some(s) => format!("did you mean `{s}`? Canonical learnings are the files in learnings/"),
        None => format!("create learnings/{id}.md, or use one of the existing ids in learnings/"),
    };
    Diagnostic::error(
        "unknown-learning",
        file,
        format!("unknown canonical learning `{id}`"),
    )
    .at(at.0, at.1)
    .hint(hint)
}

/// A feature two incidents can share: a learning group, a service or a tag.
struct Feature {
    kind: u8,
    /// The learning's id, for a learning (kinds 0 and 3).
    group: Option<String>,
    display: String,
    weight: f32,
}

/// A feature in this many incidents or fewer always proposes related candidates (so small
/// knowledge bases rank every pair that shares anything).
const MIN_BROAD: usize = 200;

/// Score of a hand-written link between two incidents (`related`, a link in the body).
const LINK_WEIGHT: f32 = 6.0;

/// Terms found in more documents than this do not propose neighbours (they still count in
/// the exact similarity of the candidates that rarer terms propose).
const MAX_DF: usize = 500;

/// Score of full-text similarity (a cosine in 0..1) between two postmortems.
const TEXT_WEIGHT: f32 = 12.0;
/// Weight of concept terms in whole postmortems (see `Tokens::with_concept_weight`).
/// With the broad lexicon (`src/concepts.txt`) 0.1 to 0.2 rank the dfds recurrence groups best
/// (`cargo test --test learnings -- --nocapture`); more drowns the words in shared concepts.
const DOC_CONCEPT_WEIGHT: f32 = 0.15;
/// The share of the lesson projection (see [`crate::lessons`]) in the full-text similarity
/// of two postmortems. Projecting all its terms, 0.05 to 0.2 rank related incidents alike on
/// Quayside (first related a group-mate for 0.926 of grouped incidents, against 0.852 without)
/// and on dfds (recall@5 0.967 and first related 0.933 at 0.1, against 0.944 and 0.933); from
/// 0.3 on, the lessons a postmortem touches outweigh what happened in it and dfds falls (first
/// related 0.867).
const DOC_LESSON_SHARE: f32 = 0.1;
/// How many of a postmortem's heaviest terms its lesson projection is made of. From 32 to 128
/// (and all of them) the figures above hold (48: dfds 0.967 and 0.967, Quayside 0.963 and
/// 0.926); all of them took 0.44 s on the 10,000 postmortems of the benchmark, 48 0.17 s.
const DOC_LESSON_TERMS: usize = 48;
/// Concept weight in incident titles, compared on their own: a title names the failure, and a
/// concept shared by two titles ("outage", "delay") says less than in a learning.
const TITLE_CONCEPT_WEIGHT: f32 = 1.0;

/// The least score that makes two incidents related.
const MIN_RELATED_SCORE: f32 = TEXT_WEIGHT * SIMILAR_TEXT_REASON;

/// How much the similarity of titles alone adds to that of the whole text.
const TITLE_SHARE: f32 = 0.35;
/// Text similarity from which "similar text" is named as a reason.
const SIMILAR_TEXT_REASON: f32 = 0.04;

/// Sections that describe who was there, not what happened.
const NOISE_SECTIONS: &[&str] = &[
    "attendees",
    "participants",
    "people",
    "stats",
    "statistics",
    "metadata",
    "references",
    "links",
    "appendix",
];

/// Reads every incident's whole text once for its two readers: the browser search index (the
/// [`web::Stats`] of its fields) and the full-text similarity of related incidents (term
/// counts of the title, weighted most, summary, learnings, action items and body sections,
/// leaving out attendee lists and the like). Returns both, in library order; without `count`,
/// only the search statistics (and empty counts).
///
/// What the templates of `hindsight new` write (`boilerplate`) is left out of the similarity,
/// not of the search index: the same headings and table headers in every scaffolded
/// postmortem would otherwise relate a fresh draft to every postmortem that has them.
pub fn analyse(
    lib: &Library,
    lexicon: &Arc<Lexicon>,
    count: bool,
    boilerplate: &crate::scaffold::Boilerplate,
) -> (Vec<Counts>, Vec<web::Stats>) {
    use rayon::prelude::*;
    use std::borrow::Cow;
    use web::Part;
    lib.incidents
        .par_iter()
        .map_init(
            || Tokens::new(lexicon, DOC_CONCEPT_WEIGHT),
            |tokens, inc| {
                let mut c = Counts::default();
                // What the boilerplate leaves of a section, found as its heading is read and
                // used again for its text, which comes next: the section (by address) and its
                // own text when that is not all of it.
                let mut own: Option<(*const crate::markdown::Section, Option<String>)> = None;
                let owned = |t: Cow<'_, str>| match t {
                    Cow::Owned(o) => Some(o),
                    Cow::Borrowed(_) => None,
                };
                let stats = web::incident_stats(inc, &mut |text, part, read| {
                    let Some(w) = text_weight(part).filter(|_| count) else {
                        return web::plain(text, part, read);
                    };
                    match part {
                        Part::Heading(sec) => {
                            let (text_own, unfilled) = boilerplate.read(sec);
                            own = Some((sec, owned(text_own)));
                            if unfilled {
                                web::plain(text, part, read)
                            } else {
                                tokens.count_and_read(text, w, &mut c, read)
                            }
                        }
                        Part::Summary | Part::Learning | Part::Action
                            if boilerplate.wrote(text) =>
                        {
                            web::plain(text, part, read)
                        }
                        Part::Section(sec) => {
                            let text_own = match own.take() {
                                Some((at, text_own)) if std::ptr::eq(at, sec) => text_own,
                                _ => owned(boilerplate.own_text(sec)),
                            };
                            match text_own {
                                None => tokens.count_and_read(text, w, &mut c, read),
                                Some(o) => {
                                    tokens.count(&o, w, &mut c);
                                    web::plain(text, part, read);
                                }
                            }
                        }
                        _ => tokens.count_and_read(text, w, &mut c, read),
                    }
                });
                (c, stats)
            },
        )
        .unzip()
}

/// How much a word of this part of an incident counts in its full-text similarity, if at all.
fn text_weight(part: web::Part) -> Option<f32> {
    use web::Part;
    match part {
        Part::Title => Some(4.0),
        Part::Summary => Some(2.0),
        Part::Learning => Some(1.5),
        Part::Action => Some(1.0),
        Part::Heading(sec) | Part::Section(sec) => {
            let t = crate::content::derive::normalise_title(&sec.title);
            (!NOISE_SECTIONS.contains(&t.as_str())).then_some(1.0)
        }
        Part::Label | Part::Preamble => None,
    }
}

/// Full-text nearest neighbours of every incident from `docs`, the term counts of each
/// incident's whole text (see [`analyse`]), and from its title on its own.
fn text_neighbours(
    lib: &Library,
    lexicon: &Arc<Lexicon>,
    space: &LessonSpace,
    docs: Vec<Counts>,
) -> Vec<Vec<(usize, f32)>> {
    let t = std::time::Instant::now();
    let max_df = (lib.incidents.len() / 10).clamp(50, MAX_DF);
    let m = Model::from_counts(&docs);
    crate::timing("  text model", t);
    // Each postmortem extended with its lesson projection, so that two write-ups of one
    // failure in other words ("pods" and "copies of the service") meet in the lessons both
    // read like.
    let lessons = crate::lessons::projections_by(&docs, DOC_LESSON_TERMS, space);
    crate::timing("  text lessons", t);
    let vocabulary = m.df.len() as u32;
    let vectors: Vec<SparseVec> = m
        .vectors
        .iter()
        .zip(&lessons)
        .map(|(w, l)| crate::lessons::extend_by(w, l, vocabulary, DOC_LESSON_SHARE))
        .collect();
    let body = crate::similarity::neighbours(&vectors, RELATED_LIMIT * 3, max_df);
    crate::timing("  text neighbours", t);
    // Titles on their own: the same failure recurring is most often named alike.
    let mut tokens = Tokens::new(lexicon, TITLE_CONCEPT_WEIGHT);
    let titles: Vec<Counts> = lib
        .incidents
        .iter()
        .map(|inc| {
            let mut c = Counts::default();
            tokens.count(&inc.title, 1.0, &mut c);
            c
        })
        .collect();
    let titles = crate::similarity::neighbours(
        &Model::from_counts(&titles).vectors,
        RELATED_LIMIT * 3,
        max_df,
    );
    let merged = body
        .into_iter()
        .zip(titles)
        .map(|(b, t)| {
            let mut merged: BTreeMap<usize, f32> = BTreeMap::new();
            for (j, cos) in b {
                *merged.entry(j).or_default() += cos;
            }
            for (j, cos) in t {
                *merged.entry(j).or_default() += TITLE_SHARE * cos;
            }
            merged.into_iter().collect()
        })
        .collect();
    crate::timing("  text all", t);
    merged
}

/// Ranks related incidents for every incident from shared features weighted by rarity (an
/// inverse document frequency), hand-written links and `similar`, the full-text neighbours of
/// each incident (see [`text_neighbours`]). Runs in parallel with one dense score
/// array per thread, so the cost is the sum of the posting lists touched, never n squared.
///
/// After the best [`RELATED_LIMIT`] come the incidents that share a firm learning with the
/// incident (a canonical learning or a cluster that is not tentative) and were not ranked
/// among them, best first: the ones its page names beside a learning it states ("Learned
/// before in", see [`Group::nearest`]), at most [`SHARING_LIMIT`], so that a page does not
/// name an incident as having learned the lesson and leave it out of its related incidents
/// without a word (past the limit, its line of how many more share the learning says it).
/// Weighing shared clusters more in the ranking instead lowered the quality figures on dfds
/// (many of its clusters are not the recurrences its readers labelled). Also returns, for each
/// incident, the firm learnings it shares with more incidents than that (see [`MoreShared`]).
fn related(
    lib: &Library,
    graph: &Graph,
    similar: Vec<Vec<(usize, f32)>>,
) -> (Vec<Vec<Related>>, Vec<Vec<MoreShared>>) {
    use rayon::prelude::*;
    let n = lib.incidents.len();
    let id_index: HashMap<&str, usize> = lib
        .incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| (inc.id.as_str(), i))
        .collect();
    let canonical: std::collections::HashSet<&str> = graph
        .groups
        .iter()
        .filter(|g| g.canonical)
        .map(|g| g.id.as_str())
        .collect();
    let group_title: HashMap<&str, &str> = graph
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str()))
        .collect();
    // The words a cluster rests on for two of its incidents: all of its incidents' if it is
    // tentative, else a loose member's (see [`Group::loose`]); none for a firm pair.
    let tentative = |g: &str, i: usize, j: usize| {
        let Some(g) = graph.by_id.get(g).map(|&g| &graph.groups[g]) else {
            return Vec::new();
        };
        if g.is_tentative() {
            return g.tentative.clone();
        }
        g.loose_member(lib, i)
            .or_else(|| g.loose_member(lib, j))
            .map_or(Vec::new(), |l| l.words.clone())
    };
    let loose = |g: usize, i: usize| graph.groups[g].loose_member(lib, i).is_some();
    // Features and their postings.
    let mut feature_ids: BTreeMap<(u8, String), usize> = BTreeMap::new();
    let mut features: Vec<Feature> = Vec::new();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, inc) in lib.incidents.iter().enumerate() {
        let learnings = inc
            .learnings
            .iter()
            .filter_map(|l| l.group.as_deref())
            .chain(inc.action_items.iter().filter_map(|a| a.group.as_deref()))
            .map(|g| {
                (
                    if canonical.contains(g) { 0u8 } else { 3u8 },
                    g.to_string(),
                    group_title.get(g).unwrap_or(&g).to_string(),
                )
            });
        let services = inc
            .services
            .iter()
            .map(|s| (1u8, s.to_lowercase(), s.clone()));
        let tags = inc.tags.iter().map(|t| (2u8, t.to_lowercase(), t.clone()));
        for (kind, key, display) in learnings.chain(services).chain(tags) {
            let group = matches!(kind, 0 | 3).then(|| key.clone());
            let f = *feature_ids.entry((kind, key)).or_insert_with(|| {
                features.push(Feature {
                    kind,
                    group,
                    display,
                    weight: 0.0,
                });
                postings.push(Vec::new());
                features.len() - 1
            });
            if postings[f].last() != Some(&(i as u32)) {
                postings[f].push(i as u32);
                of[i].push(f as u32);
            }
        }
    }
    for (f, feature) in features.iter_mut().enumerate() {
        let df = postings[f].len() as f32;
        let idf = ((n as f32 + 1.0) / df).ln().max(0.05);
        feature.weight = match feature.kind {
            0 => 3.0 * idf,
            1 => 1.2 * idf,
            2 => 0.8 * idf,
            // A cluster found by similarity is weaker evidence than a learning authors named:
            // with clusters in the lesson space, 0.05 ranks best on dfds and Quayside (0 to
            // 0.25 tried; 0.1 and above let topical clusters push group-mates out of the top 5).
            _ => 0.05 * idf,
        };
    }
    for list in &mut of {
        list.sort_unstable();
    }
    // The firm learning each feature is, if it is one seen in two or more incidents.
    let firm: Vec<Option<usize>> = features
        .iter()
        .map(|f| {
            let g = *graph.by_id.get(f.group.as_deref()?)?;
            graph.groups[g].is_recurring().then_some(g)
        })
        .collect();
    // A feature shared by most of the library says little about any pair.
    let too_common = |f: usize| postings[f].len() * 2 > n.max(4);
    // Features shared by more incidents than this do not propose candidates.
    let broad = (n / 20).max(MIN_BROAD);
    let mut links: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, inc) in lib.incidents.iter().enumerate() {
        // An id in `related` may be an old id of the incident (see `Library::renamed`); links
        // in the text were led to the id already.
        let targets = inc
            .related
            .iter()
            .map(|id| match id_index.contains_key(id.as_str()) {
                true => id.as_str(),
                false => lib.renamed(id).unwrap_or(id),
            })
            .chain(inc.links.iter().filter_map(|l| match &l.kind {
                LinkKind::Incident(id) => Some(id.as_str()),
                _ => None,
            }));
        for t in targets {
            if let Some(&j) = id_index.get(t) {
                if j != i {
                    links[i].push(j as u32);
                    links[j].push(i as u32);
                }
            }
        }
    }
    for l in &mut links {
        l.sort_unstable();
        l.dedup();
    }
    // Each incident's place in id order: equal scores rank by id, and candidates sharing
    // one service or tag are often many, so comparing strings each time was about a tenth
    // of the ranking's time.
    let mut id_order = vec![0u32; n];
    let mut by_id: Vec<usize> = (0..n).collect();
    by_id.sort_by_key(|&i| (&lib.incidents[i].id, i));
    for (rank, i) in by_id.into_iter().enumerate() {
        id_order[i] = rank as u32;
    }
    // The score of two incidents that share only features too broad to propose candidates.
    let shared_weight = |i: usize, j: usize| -> f32 {
        of[i]
            .iter()
            .filter(|&&f| !(too_common(f as usize) && features[f as usize].kind != 0))
            .filter(|&f| of[j].binary_search(f).is_ok())
            .map(|&f| features[f as usize].weight)
            .sum()
    };
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(scores, touched), i| {
                let mut add = |j: u32, w: f32| {
                    if j as usize == i {
                        return;
                    }
                    if scores[j as usize] == 0.0 {
                        touched.push(j);
                    }
                    scores[j as usize] += w;
                };
                for &j in &links[i] {
                    add(j, LINK_WEIGHT);
                }
                for &(j, cos) in &similar[i] {
                    add(j as u32, TEXT_WEIGHT * cos);
                }
                // Rare features propose candidates through their postings; common ones only
                // add to the score of candidates found otherwise (walking a feature shared
                // by thousands of incidents for every incident would cost n squared).
                for &f in &of[i] {
                    let f = f as usize;
                    if too_common(f) && features[f].kind != 0 {
                        continue;
                    }
                    if postings[f].len() <= broad {
                        for &j in &postings[f] {
                            add(j, features[f].weight);
                        }
                    }
                }
                for &j in touched.iter() {
                    let j = j as usize;
                    for &f in &of[i] {
                        let f = f as usize;
                        if postings[f].len() > broad
                            && !(too_common(f) && features[f].kind != 0)
                            && of[j].binary_search(&(f as u32)).is_ok()
                        {
                            scores[j] += features[f].weight;
                        }
                    }
                }
                let mut ranked: Vec<(f32, u32)> =
                    touched.iter().map(|&j| (scores[j as usize], j)).collect();
                let by_rank = |a: &(f32, u32), b: &(f32, u32)| {
                    b.0.total_cmp(&a.0)
                        .then_with(|| id_order[a.1 as usize].cmp(&id_order[b.1 as usize]))
                };
                // Weak evidence (a little shared vocabulary, a common tag) relates nothing.
                ranked.retain(|(score, _)| *score >= MIN_RELATED_SCORE);
                if ranked.len() > RELATED_LIMIT {
                    ranked.select_nth_unstable_by(RELATED_LIMIT - 1, by_rank);
                    ranked.truncate(RELATED_LIMIT);
                }
                ranked.sort_by(by_rank);
                // Then those its page names beside a firm learning it states, best first:
                // their score is in `scores` if a feature proposed them, else only features
                // too broad to propose anyone join them. (A learning it only files an action
                // item for names no incident on its page: the line after the list counts them.)
                let mut sharing: Vec<u32> = of[i]
                    .iter()
                    .filter_map(|&f| firm[f as usize])
                    .filter(|&g| states(&lib.incidents[i], &graph.groups[g].id) && !loose(g, i))
                    .flat_map(|g| {
                        let g = &graph.groups[g];
                        g.nearest(lib, i, SEEN_LIMIT).incidents(g)
                    })
                    .map(|j| j as u32)
                    .filter(|&j| j as usize != i && !ranked.iter().any(|&(_, r)| r == j))
                    .collect();
                sharing.sort_unstable();
                sharing.dedup();
                let mut sharing: Vec<(f32, u32)> = sharing
                    .into_iter()
                    .map(|j| match scores[j as usize] {
                        score if score > 0.0 => (score, j),
                        _ => (shared_weight(i, j as usize), j),
                    })
                    .collect();
                sharing.sort_by(by_rank);
                sharing.truncate(SHARING_LIMIT);
                for &j in touched.iter() {
                    scores[j as usize] = 0.0;
                }
                touched.clear();
                let list: Vec<Related> = ranked
                    .into_iter()
                    .chain(sharing)
                    .map(|(score, j)| {
                        let j = j as usize;
                        let mut reasons = Vec::new();
                        if links[i].binary_search(&(j as u32)).is_ok() {
                            reasons.push(Reason::Linked);
                        }
                        if similar[i]
                            .iter()
                            .any(|&(o, cos)| o == j && cos >= SIMILAR_TEXT_REASON)
                        {
                            reasons.push(Reason::SimilarText);
                        }
                        for &f in &of[i] {
                            if of[j].binary_search(&f).is_ok() {
                                let feat = &features[f as usize];
                                reasons.push(match feat.kind {
                                    0 | 3 => {
                                        let g = feat.group.as_deref().unwrap_or_default();
                                        let (a, b) = (&lib.incidents[i], &lib.incidents[j]);
                                        Reason::Learning(Shared {
                                            title: feat.display.clone(),
                                            cluster: feat.kind == 3,
                                            stated_by: u8::from(states(a, g))
                                                + u8::from(states(b, g)),
                                            by_similarity: feat.kind == 3
                                                || !graph.named_by_authors(a, g)
                                                || !graph.named_by_authors(b, g),
                                            tentative: tentative(g, i, j),
                                        })
                                    }
                                    1 => Reason::SameService(feat.display.clone()),
                                    _ => Reason::SameTag(feat.display.clone()),
                                });
                            }
                        }
                        if reasons.is_empty() {
                            reasons.push(Reason::SimilarText);
                        }
                        reasons.sort_by_key(|r| match r {
                            Reason::Linked => 0,
                            Reason::Learning(_) => 1,
                            Reason::SimilarText => 2,
                            Reason::SameService(_) => 3,
                            Reason::SameTag(_) => 4,
                        });
                        Related {
                            incident: j,
                            score: score as f64,
                            reasons,
                        }
                    })
                    .collect();
                // The firm learnings it shares with more incidents than the list names.
                let more: Vec<MoreShared> = of[i]
                    .iter()
                    .filter_map(|&f| {
                        let g = firm[f as usize].filter(|&g| !loose(g, i))?;
                        let listed = list
                            .iter()
                            .filter(|r| of[r.incident].binary_search(&f).is_ok())
                            .filter(|r| !loose(g, r.incident))
                            .count();
                        let more = graph.groups[g].incidents.len() - 1 - listed;
                        (more > 0).then_some(MoreShared { group: g, more })
                    })
                    .collect();
                (list, more)
            },
        )
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_with_the_same_key_never_share_a_cluster_however_alike() {
        let texts = [
            "Roll out config changes one region at a time",
            "Roll out configuration changes one region at a time, with a soak",
            "Config changes should roll out region by region",
        ];
        let together = cluster_texts(&texts, 0.18);
        assert!(together[0] == together[1] && together[1] == together[2]);
        // The first two come from one postmortem: the third joins one of them, not both.
        let apart = cluster_items(
            &texts,
            &[Origin::Learning(7), Origin::Learning(7), Origin::Text],
            0.18,
        );
        assert_ne!(apart[0], apart[1]);
        assert!(apart[2] == apart[0] || apart[2] == apart[1]);
        assert!(!shares_key(&[1, 4, 9], &[2, 5, 8]));
        assert!(shares_key(&[1, 4, 9], &[0, 9]));
    }

    #[test]
    fn a_cluster_needs_more_to_grow_past_the_size_a_lesson_usually_has() {
        // Texts alike only in one term, each pair just above the threshold: four gather as
        // one lesson would; twelve do not all gather, as a topic would.
        let alike = |n: u32| -> Vec<SparseVec> {
            (0..n)
                .map(|i| vec![(0, 0.5), (i + 1, 0.75f32.sqrt())])
                .collect()
        };
        let sizes = |labels: Vec<usize>| {
            let mut n = HashMap::new();
            for l in labels {
                *n.entry(l).or_insert(0) += 1;
            }
            let mut n: Vec<usize> = n.into_values().collect();
            n.sort_unstable();
            n
        };
        assert_eq!(sizes(cluster_vectors(&alike(4), 0.18)), [4]);
        let twelve = sizes(cluster_vectors(&alike(12), 0.18));
        assert!(twelve.len() > 1, "{twelve:?}");
        assert!(
            twelve.iter().all(|&n| n <= GROWN_FROM as usize + 1),
            "{twelve:?}"
        );
    }

    #[test]
    fn action_items_that_share_only_their_kind_of_action_stay_apart_where_learnings_would_not() {
        let texts = [
            "Add monitoring and alerting for the payments queue",
            "Add monitoring and alerting for the order database",
        ];
        let as_learnings = cluster_texts(&texts, 0.18);
        assert_eq!(as_learnings[0], as_learnings[1]);
        let as_actions = cluster_items(&texts, &[Origin::Action, Origin::Action], 0.18);
        assert_ne!(as_actions[0], as_actions[1]);
        // A learning that states the lesson still gathers its action item.
        let with_learning = cluster_items(
            &[
                "Nothing watched the payments queue, so nobody saw it back up",
                "Add monitoring and alerting for the payments queue",
            ],
            &[Origin::Learning(1), Origin::Action],
            0.18,
        );
        assert_eq!(with_learning[0], with_learning[1]);
    }

    #[test]
    fn a_cluster_is_named_by_its_most_central_member_not_its_oldest() {
        let v: Vec<SparseVec> = vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(1, 0.6), (2, 0.8)],
            vec![(1, 1.0)],
        ];
        let v: Vec<&SparseVec> = v.iter().collect();
        assert_eq!(representative(&v, &[false; 3], &[true; 3], &[true; 3]), 2);
        // Equal scores: the first (oldest) member.
        assert_eq!(
            representative(&v[..2], &[false; 2], &[true; 2], &[true; 2]),
            0
        );
    }

    #[test]
    fn cluster_titles_are_the_first_sentence_or_the_words_before_an_explaining_colon() {
        assert_eq!(
            sentence_title("Monitor deployments for timeouts. They hang silently."),
            "Monitor deployments for timeouts"
        );
        assert_eq!(
            sentence_title("Document procedure for breaking Terraform state locks: In case of unexpected locking, do X"),
            "Document procedure for breaking Terraform state locks"
        );
        // A short lead-in is not a title on its own; one before a lesson is left out.
        assert_eq!(
            sentence_title("Lesson: page on symptoms"),
            "Page on symptoms"
        );
        assert_eq!(
            sentence_title("From this incident we learned that our alerts fire too late."),
            "Our alerts fire too late"
        );
        assert_eq!(
            sentence_title("Furthermore, dashboards need owners"),
            "Dashboards need owners"
        );
        assert_eq!(sentence_title("We learned a lot"), "We learned a lot");
        assert_eq!(
            first_words(
                without_lead_in("We learned that restores take hours, not minutes"),
                3
            ),
            "restores take hours,"
        );
        let long = sentence_title(&"word ".repeat(40));
        assert!(long.ends_with('…') && long.chars().count() <= 91, "{long}");
    }

    /// Four members: two alike, a third near them, and a fourth with a word of its own, nearly
    /// as close to the others as the best (a mean similarity of 0.84 against 0.93).
    fn four_members() -> Vec<SparseVec> {
        vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.6), (1, 0.8)],
            vec![(0, 0.6), (1, 0.6), (2, 0.529)],
        ]
    }

    #[test]
    fn a_learning_names_its_cluster_unless_it_is_far_less_representative_than_an_action_item() {
        // Three action items about one thing, and a learning that joined them on one word.
        let v: Vec<SparseVec> = vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.6), (1, 0.8)],
            vec![(1, 0.3), (3, 0.954)],
        ];
        let v: Vec<&SparseVec> = v.iter().collect();
        // The learning's mean similarity to the others is 0.2; the third action item's 0.72.
        assert_eq!(
            representative(&v, &[false, false, false, true], &[true; 4], &[true; 4]),
            2
        );
        // A learning nearly as close to the others as the best action item names them (a mean
        // similarity of 0.84 against 0.93).
        let w = four_members();
        let w: Vec<&SparseVec> = w.iter().collect();
        assert_eq!(
            representative(&w, &[false, false, false, true], &[true; 4], &[true; 4]),
            3
        );
    }

    #[test]
    fn a_loose_member_never_names_its_cluster_however_central() {
        // The third is the most central, as in the test above; loose, it is compared with,
        // not chosen: the first of the two others as central names the cluster.
        let v: Vec<SparseVec> = vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(1, 0.6), (2, 0.8)],
            vec![(1, 1.0)],
        ];
        let v: Vec<&SparseVec> = v.iter().collect();
        assert_eq!(
            representative(&v, &[false; 3], &[true; 3], &[true, true, false]),
            0
        );
        assert_eq!(
            representative(&v, &[false; 3], &[true; 3], &[false, true, false]),
            1
        );
        // Nor does a loose learning that would name it before an action item.
        let w = four_members();
        let w: Vec<&SparseVec> = w.iter().collect();
        assert_ne!(
            representative(
                &w,
                &[false, false, false, true],
                &[true; 4],
                &[true, true, true, false]
            ),
            3
        );
    }

    #[test]
    fn a_whole_sentence_names_a_cluster_before_a_cut_one_nearly_as_representative() {
        let w = four_members();
        let w: Vec<&SparseVec> = w.iter().collect();
        // Learnings all: the most representative is cut, a nearly as representative one is
        // whole (0.84 against 0.93 of mean similarity).
        assert_eq!(
            representative(&w, &[true; 4], &[false, true, true, true], &[true; 4]),
            1
        );
        assert_eq!(
            representative(&w, &[true; 4], &[false, false, false, true], &[true; 4]),
            3
        );
        // A whole learning comes before a whole action item nearly as representative, and a
        // cut learning before a whole action item.
        assert_eq!(
            representative(&w, &[false, false, false, true], &[true; 4], &[true; 4]),
            3
        );
        assert_eq!(
            representative(
                &w,
                &[false, false, false, true],
                &[true, true, true, false],
                &[true; 4]
            ),
            3
        );
        // Action items only: the most representative, whole or not (a whole one can be a
        // bare status, "Depot template updated").
        assert_eq!(
            representative(&w, &[false; 4], &[false, false, true, true], &[true; 4]),
            0
        );
        // One far less representative never names the cluster, however whole.
        let v: Vec<SparseVec> = vec![
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.8), (1, 0.6)],
            vec![(0, 0.6), (1, 0.8)],
            vec![(1, 0.3), (3, 0.954)],
        ];
        let v: Vec<&SparseVec> = v.iter().collect();
        assert_eq!(
            representative(&v, &[true; 4], &[false, false, false, true], &[true; 4]),
            2
        );
    }

    #[test]
    fn a_suggested_id_ends_on_a_word_that_carries_meaning_and_drops_a_leading_article() {
        for (title, id) in [
            (
                "Performance tests for a consumer change should run on production-sized data.",
                "performance-tests-for-a-consumer-change",
            ),
            (
                "Implement priority classes for critical workloads, it can save the cluster.",
                "implement-priority-classes-for-critical-workloads",
            ),
            (
                "A clear way all IaC is reviewed before it is applied.",
                "clear-way-all-iac-is-reviewed",
            ),
            (
                "We learned that the pager can be missed.",
                "pager-can-be-missed",
            ),
            (
                "Letting users (sellers, in this case) define field names grows the mapping.",
                "letting-users-define-field-names-grows",
            ),
            (
                "Don't mix YAML-based pipelines with GUI-based ones.",
                "dont-mix-yaml-based-pipelines-with-gui-based-ones",
            ),
            ("The", "the"),
        ] {
            assert_eq!(suggested_id(title), id, "{title}");
        }
        // The cluster's id (its URL) is unchanged: seven words as they come.
        assert_eq!(
            cluster_base_id("Performance tests for a consumer change should run on data."),
            "performance-tests-for-a-consumer-change-should"
        );
    }
}
