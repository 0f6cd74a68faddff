/*!
Learnings as edges of the content graph: which incidents taught which lesson, which lessons
recur, which action items were meant to address them, and which incidents are related.

Every learning an incident cites is attached to a group: the canonical learning it names by
id. A group seen in two or more incidents is *recurring*. Related incidents are ranked from
shared learnings, hand-written links (`related`, links in the body), shared services and tags,
each weighted by how rare it is, and every suggestion says why.
*/

use std::collections::{BTreeMap, HashMap};

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
                    // Citations arrive incident by incident, so a repeat is always the last one.
                    if group.incidents.last() != Some(&ii) {
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
        // Recurred after done: an incident citing the learning dated after an action item
        // for it was marked done in an earlier incident. Paired with the latest such action.
        let mut done: Vec<(NaiveDate, usize)> = g
            .actions
            .iter()
            .filter(|&&(i, a)| lib.incidents[i].action_items[a].status == ActionStatus::Done)
            .filter_map(|&(i, _)| lib.incidents[i].date.map(|d| (d, i)))
            .collect();
        done.sort_unstable();
        done.dedup();
        if !done.is_empty() {
            for &later in &g.incidents {
                let Some(d) = lib.incidents[later].date else {
                    continue;
                };
                let before = done.partition_point(|(dd, _)| *dd < d);
                if let Some(&(_, earlier)) = done[..before].iter().rev().find(|(_, i)| *i != later)
                {
                    g.recurred_after_done.push((later, earlier));
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

/// A feature two incidents can share: a learning group, a service or a tag.
struct Feature {
    kind: u8,
    display: String,
    weight: f32,
}

/// Score of a hand-written link between two incidents (`related`, a link in the body).
const LINK_WEIGHT: f32 = 6.0;

/// Ranks related incidents for every incident from shared features weighted by rarity (an
/// inverse document frequency), plus hand-written links. Runs in parallel with one dense score
/// array per thread, so the cost is the sum of the posting lists touched, never n squared.
fn related(lib: &Library, graph: &Graph) -> Vec<Vec<Related>> {
    use rayon::prelude::*;
    let n = lib.incidents.len();
    let id_index: HashMap<&str, usize> = lib
        .incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| (inc.id.as_str(), i))
        .collect();
    let group_title: HashMap<&str, &str> = graph
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str()))
        .collect();
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
            .map(|g| {
                (
                    0u8,
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
            let f = *feature_ids.entry((kind, key)).or_insert_with(|| {
                features.push(Feature {
                    kind,
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
            _ => 0.8 * idf,
        };
    }
    for list in &mut of {
        list.sort_unstable();
    }
    // A feature shared by most of the library says little about any pair.
    let too_common = |f: usize| postings[f].len() * 2 > n.max(4);
    let mut links: Vec<Vec<u32>> = vec![Vec::new(); n];
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
                for &f in &of[i] {
                    let f = f as usize;
                    if too_common(f) && features[f].kind != 0 {
                        continue;
                    }
                    for &j in &postings[f] {
                        add(j, features[f].weight);
                    }
                }
                let mut ranked: Vec<(f32, u32)> =
                    touched.iter().map(|&j| (scores[j as usize], j)).collect();
                for &j in touched.iter() {
                    scores[j as usize] = 0.0;
                }
                touched.clear();
                let by_rank = |a: &(f32, u32), b: &(f32, u32)| {
                    b.0.total_cmp(&a.0).then_with(|| {
                        lib.incidents[a.1 as usize]
                            .id
                            .cmp(&lib.incidents[b.1 as usize].id)
                    })
                };
                if ranked.len() > RELATED_LIMIT {
                    ranked.select_nth_unstable_by(RELATED_LIMIT - 1, by_rank);
                    ranked.truncate(RELATED_LIMIT);
                }
                ranked.sort_by(by_rank);
                ranked
                    .into_iter()
                    .map(|(score, j)| {
                        let j = j as usize;
                        let mut reasons = Vec::new();
                        if links[i].binary_search(&(j as u32)).is_ok() {
                            reasons.push(Reason::Linked);
                        }
                        for &f in &of[i] {
                            if of[j].binary_search(&f).is_ok() {
                                let feat = &features[f as usize];
                                reasons.push(match feat.kind {
                                    0 => Reason::SameLearning(feat.display.clone()),
                                    1 => Reason::SameService(feat.display.clone()),
                                    _ => Reason::SameTag(feat.display.clone()),
                                });
                            }
                        }
                        reasons.sort_by_key(|r| match r {
                            Reason::Linked => 0,
                            Reason::SameLearning(_) => 1,
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
                    .collect()
            },
        )
        .collect()
}
