/*!
Learnings as edges of the content graph: which incidents taught which lesson, which lessons
recur, which action items were meant to address them, and which incidents are related.

Every learning an incident cites is attached to a group: the canonical learning it names by
id. A group seen in two or more incidents is *recurring*. Related incidents are ranked from
shared learnings, hand-written links (`related`, links in the body), shared services and tags,
each weighted by how rare it is, and every suggestion says why.
*/

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use crate::content::{ActionStatus, Library};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::LinkKind;

/// A learning (canonical or cluster) with every incident that cites it.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub canonical: bool,
    /// Index into `Library::learnings` for canonical groups.
    pub learning: Option<usize>,
    /// Incident indices, oldest first, each once.
    pub incidents: Vec<usize>,
    /// (incident index, learning index within it).
    pub citations: Vec<(usize, usize)>,
    /// (incident index, action index) of action items meant to address this learning.
    pub actions: Vec<(usize, usize)>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    /// Incidents that cite this learning after an action item for it was marked done in an
    /// earlier incident: (incident index, the earlier incident index).
    pub recurred_after_done: Vec<(usize, usize)>,
}

impl Group {
    pub fn is_recurring(&self) -> bool {
        self.incidents.len() >= 2
    }
    pub fn url(&self) -> String {
        format!("learnings/{}/", self.id)
    }
}

/// Why two incidents are related.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    SameLearning(String),
    Linked,
    SameService(String),
    SameTag(String),
    SimilarText,
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
    /// For each incident, related incidents best first.
    pub related: Vec<Vec<Related>>,
}

/// How many related incidents each page shows and the export lists.
pub const RELATED_LIMIT: usize = 5;

/// Attaches every cited learning to its group and computes recurrence and related incidents.
/// Citations of unknown canonical ids are reported.
pub fn link(lib: &mut Library, diags: &Diagnostics) -> Graph {
    let mut graph = Graph::default();
    for (i, l) in lib.learnings.iter().enumerate() {
        graph.by_id.insert(l.id.clone(), graph.groups.len());
        for alias in &l.aliases {
            graph
                .by_id
                .entry(alias.clone())
                .or_insert(graph.groups.len());
        }
        graph.groups.push(Group {
            id: l.id.clone(),
            title: l.title.clone(),
            summary: l.summary.clone(),
            canonical: true,
            learning: Some(i),
            incidents: Vec::new(),
            citations: Vec::new(),
            actions: Vec::new(),
            first_seen: None,
            last_seen: None,
            recurred_after_done: Vec::new(),
        });
    }
    let known: Vec<&str> = lib.learnings.iter().map(|l| l.id.as_str()).collect();
    // Oldest first, so each group's incidents come out in order.
    let mut order: Vec<usize> = (0..lib.incidents.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&lib.incidents[a], &lib.incidents[b]);
        x.date.cmp(&y.date).then_with(|| x.id.cmp(&y.id))
    });
    for &ii in &order {
        let inc = &mut lib.incidents[ii];
        for (li, l) in inc.learnings.iter_mut().enumerate() {
            let Some(cid) = l.canonical.as_deref() else {
                continue;
            };
            match graph.by_id.get(cid) {
                Some(&g) => {
                    l.group = Some(graph.groups[g].id.clone());
                    let group = &mut graph.groups[g];
                    group.citations.push((ii, li));
                    if group.incidents.last() != Some(&ii) && !group.incidents.contains(&ii) {
                        group.incidents.push(ii);
                    }
                }
                None => diags.push(unknown_learning(&inc.source, l.line, cid, &known)),
            }
        }
        for (ai, a) in inc.action_items.iter().enumerate() {
            let Some(cid) = a.learning.as_deref() else {
                continue;
            };
            match graph.by_id.get(cid) {
                Some(&g) => graph.groups[g].actions.push((ii, ai)),
                None => diags.push(unknown_learning(&inc.source, a.line, cid, &known)),
            }
        }
    }
    for g in &mut graph.groups {
        let dates: Vec<NaiveDate> = g
            .incidents
            .iter()
            .filter_map(|&i| lib.incidents[i].date)
            .collect();
        g.first_seen = dates.iter().min().copied();
        g.last_seen = dates.iter().max().copied();
        // Recurred after done: an incident citing the learning dated after an earlier
        // incident whose action item for this learning is done.
        for &(ai_inc, ai) in &g.actions {
            let a = &lib.incidents[ai_inc].action_items[ai];
            if a.status != ActionStatus::Done {
                continue;
            }
            let Some(done_date) = lib.incidents[ai_inc].date else {
                continue;
            };
            for &later in &g.incidents {
                if later != ai_inc
                    && lib.incidents[later]
                        .date
                        .map(|d| d > done_date)
                        .unwrap_or(false)
                    && !g.recurred_after_done.iter().any(|(l, _)| *l == later)
                {
                    g.recurred_after_done.push((later, ai_inc));
                }
            }
        }
    }
    graph.related = related(lib, &graph);
    graph
}

fn unknown_learning(file: &str, line: usize, id: &str, known: &[&str]) -> Diagnostic {
    let hint = match did_you_mean(id, known) {
        Some(s) => format!("did you mean `{s}`? Canonical learnings are the files in learnings/"),
        None => format!("create learnings/{id}.md, or use one of the existing ids in learnings/"),
    };
    Diagnostic::error(
        "unknown-learning",
        file,
        format!("unknown canonical learning `{id}`"),
    )
    .at(line, 1)
    .hint(hint)
}

/// Ranks related incidents for every incident from shared features weighted by rarity.
fn related(lib: &Library, graph: &Graph) -> Vec<Vec<Related>> {
    let n = lib.incidents.len();
    let id_index: HashMap<&str, usize> = lib
        .incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| (inc.id.as_str(), i))
        .collect();
    // Feature postings: (kind, value) -> incidents.
    let mut postings: BTreeMap<(u8, String), Vec<usize>> = BTreeMap::new();
    for (i, inc) in lib.incidents.iter().enumerate() {
        let mut seen = HashSet::new();
        for l in &inc.learnings {
            if let Some(g) = &l.group {
                if seen.insert((0u8, g.clone())) {
                    postings.entry((0, g.clone())).or_default().push(i);
                }
            }
        }
        for s in &inc.services {
            if seen.insert((1, s.to_lowercase())) {
                postings.entry((1, s.to_lowercase())).or_default().push(i);
            }
        }
        for t in &inc.tags {
            if seen.insert((2, t.to_lowercase())) {
                postings.entry((2, t.to_lowercase())).or_default().push(i);
            }
        }
    }
    let weight = |kind: u8, df: usize| -> f64 {
        let idf = ((n as f64 + 1.0) / (df as f64)).ln().max(0.05);
        match kind {
            0 => 3.0 * idf,
            1 => 1.2 * idf,
            _ => 0.8 * idf,
        }
    };
    let mut links: Vec<HashSet<usize>> = vec![HashSet::new(); n];
    for (i, inc) in lib.incidents.iter().enumerate() {
        let targets = inc
            .related
            .iter()
            .map(String::as_str)
            .chain(inc.links.iter().filter_map(|l| match &l.kind {
                LinkKind::Incident(id) => Some(id.as_str()),
                _ => None,
            }));
        for t in targets {
            if let Some(&j) = id_index.get(t) {
                if j != i {
                    links[i].insert(j);
                    links[j].insert(i);
                }
            }
        }
    }
    let display: HashMap<(u8, String), String> = lib
        .incidents
        .iter()
        .flat_map(|inc| {
            inc.services
                .iter()
                .map(|s| ((1u8, s.to_lowercase()), s.clone()))
                .chain(
                    inc.tags
                        .iter()
                        .map(|t| ((2u8, t.to_lowercase()), t.clone())),
                )
        })
        .collect();
    let group_title: HashMap<&str, &str> = graph
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str()))
        .collect();
    let mut out = Vec::with_capacity(n);
    let mut features_of: Vec<Vec<(u8, &str)>> = vec![Vec::new(); n];
    for ((kind, value), list) in &postings {
        for &i in list {
            features_of[i].push((*kind, value.as_str()));
        }
    }
    for i in 0..n {
        let mut scores: HashMap<usize, (f64, Vec<Reason>)> = HashMap::new();
        for &j in &links[i] {
            let e = scores.entry(j).or_default();
            e.0 += 6.0;
            e.1.push(Reason::Linked);
        }
        for &(kind, value) in &features_of[i] {
            let list = &postings[&(kind, value.to_string())];
            // A feature shared by most of the library says little about any pair.
            if list.len() > 1 && list.len() * 2 <= n.max(4) || kind == 0 {
                let w = weight(kind, list.len());
                for &j in list {
                    if j == i {
                        continue;
                    }
                    let e = scores.entry(j).or_default();
                    e.0 += w;
                    e.1.push(match kind {
                        0 => Reason::SameLearning(
                            group_title.get(value).unwrap_or(&value).to_string(),
                        ),
                        1 => Reason::SameService(
                            display
                                .get(&(1, value.to_string()))
                                .cloned()
                                .unwrap_or_default(),
                        ),
                        _ => Reason::SameTag(
                            display
                                .get(&(2, value.to_string()))
                                .cloned()
                                .unwrap_or_default(),
                        ),
                    });
                }
            }
        }
        let mut ranked: Vec<Related> = scores
            .into_iter()
            .map(|(j, (score, reasons))| Related {
                incident: j,
                score,
                reasons,
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then_with(|| {
                lib.incidents[a.incident]
                    .id
                    .cmp(&lib.incidents[b.incident].id)
            })
        });
        ranked.truncate(RELATED_LIMIT);
        out.push(ranked);
    }
    out
}
