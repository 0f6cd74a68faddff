/*!
Tags, services, severities and years: the ways to browse incidents besides learnings.

Each taxonomy maps a URL slug to a term and the incidents carrying it (newest first, the
library's order). Names that slugify alike (`Kubernetes`, `kubernetes`) share one page. A tag's
or a service's slug reads `+` and `#` after a letter as `plus` and `sharp` (`C++` is
`c-plus-plus`, `C#` is `c-sharp`, neither is `c`), and a name with no letter or digit (`..`) is
spelled by its bytes after `_` (`_2e2e`), which no other name's slug can be.
*/

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::Library;
use crate::markdown::slugify;

/// The URL slug of a tag or a service (see the module's documentation), white space around
/// the name left out: the key under which spellings are one term, wherever terms are compared.
pub fn term_slug(name: &str) -> String {
    let name = name.trim();
    let mut spelled = String::with_capacity(name.len());
    let mut prev = ' ';
    for c in name.chars() {
        match c {
            '+' if prev.is_alphanumeric() || prev == '+' => spelled.push_str(" plus "),
            '#' if prev.is_alphanumeric() => spelled.push_str(" sharp "),
            _ => spelled.push(c),
        }
        prev = c;
    }
    let slug = slug::slugify(&spelled);
    if !slug.is_empty() {
        return slug;
    }
    let bytes: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("_{bytes}")
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub incidents: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tags,
    Services,
    Severity,
    Years,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Tags, Kind::Services, Kind::Severity, Kind::Years];

    /// URL folder of the taxonomy.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Tags => "tags",
            Kind::Services => "services",
            Kind::Severity => "severity",
            Kind::Years => "years",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Tags => "Tags",
            Kind::Services => "Services",
            Kind::Severity => "Severity",
            Kind::Years => "Years",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Tags => "Tag",
            Kind::Services => "Service",
            Kind::Severity => "Severity",
            Kind::Years => "Year",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: Kind,
    /// Terms in display order: by name (tags, services), by scale (severity), newest first (years).
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn url(&self, slug: &str) -> String {
        format!("{}/{}/", self.kind.dir(), slug)
    }
}

/// Builds all four taxonomies in one pass over the incidents.
pub fn build(lib: &Library, config: &Config) -> Vec<Taxonomy> {
    let mut maps: [BTreeMap<String, Term>; 4] = Default::default();
    // How often each spelling of a term is used, in the order first seen.
    let mut spellings: [BTreeMap<String, Vec<(String, usize)>>; 4] = Default::default();
    for (i, inc) in lib.incidents.iter().enumerate() {
        let mut add = |k: usize, name: &str| {
            let name = name.trim();
            if name.is_empty() {
                return;
            }
            let slug = if k < 2 {
                term_slug(name)
            } else {
                slugify(name)
            };
            let seen = spellings[k].entry(slug.clone()).or_default();
            match seen.iter_mut().find(|(s, _)| s == name) {
                Some((_, n)) => *n += 1,
                None => seen.push((name.to_string(), 1)),
            }
            let term = maps[k].entry(slug.clone()).or_insert_with(|| Term {
                name: name.to_string(),
                slug,
                incidents: Vec::new(),
            });
            if term.incidents.last() != Some(&i) {
                term.incidents.push(i);
            }
        };
        for t in &inc.tags {
            add(0, t);
        }
        for s in &inc.services {
            add(1, s);
        }
        if let Some(s) = &inc.severity {
            add(2, s);
        }
        if let Some(y) = inc.year() {
            add(3, &y.to_string());
        }
    }
    // A term is named as the severity scale spells it, else as most incidents spell it.
    for (k, map) in maps.iter_mut().enumerate() {
        for (slug, term) in map.iter_mut() {
            let scale = (k == 2)
                .then(|| config.severities.iter().find(|s| slugify(s) == *slug))
                .flatten();
            term.name = match scale {
                Some(s) => s.clone(),
                None => {
                    let seen = &spellings[k][slug];
                    let most = seen.iter().map(|(_, n)| *n).max().unwrap_or(0);
                    seen.iter()
                        .find(|(_, n)| *n == most)
                        .map(|(s, _)| s.clone())
                        .unwrap_or_default()
                }
            };
        }
    }
    let [tags, services, severity, years] = maps;
    let mut severity: Vec<Term> = severity.into_values().collect();
    severity.sort_by(|a, b| {
        config
            .severity_rank(&a.name)
            .cmp(&config.severity_rank(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let mut years: Vec<Term> = years.into_values().collect();
    years.reverse();
    vec![
        Taxonomy {
            kind: Kind::Tags,
            terms: tags.into_values().collect(),
        },
        Taxonomy {
            kind: Kind::Services,
            terms: services.into_values().collect(),
        },
        Taxonomy {
            kind: Kind::Severity,
            terms: severity,
        },
        Taxonomy {
            kind: Kind::Years,
            terms: years,
        },
    ]
}

/// Spells every incident's tags, services and severity as their term is named (see
/// [`build`]), so that pages, the feed and the export never show `sev1` beside `SEV1`, or
/// `Payments` beside `payments`; a term an incident carries twice in two spellings is kept
/// once.
pub fn spell_alike(lib: &mut Library, taxonomies: &[Taxonomy]) {
    let names = |kind: Kind| -> BTreeMap<&str, &str> {
        taxonomies
            .iter()
            .filter(|t| t.kind == kind)
            .flat_map(|t| {
                t.terms
                    .iter()
                    .map(|term| (term.slug.as_str(), term.name.as_str()))
            })
            .collect()
    };
    let (tags, services, severity) = (
        names(Kind::Tags),
        names(Kind::Services),
        names(Kind::Severity),
    );
    let respell = |list: &mut Vec<String>, names: &BTreeMap<&str, &str>| {
        let mut out: Vec<String> = Vec::with_capacity(list.len());
        for t in list.drain(..) {
            let t = match names.get(term_slug(t.trim()).as_str()) {
                Some(name) => name.to_string(),
                None => t,
            };
            if !out.contains(&t) {
                out.push(t);
            }
        }
        *list = out;
    };
    for inc in &mut lib.incidents {
        respell(&mut inc.tags, &tags);
        respell(&mut inc.services, &services);
        if let Some(s) = &inc.severity {
            if let Some(name) = severity.get(slugify(s.trim()).as_str()) {
                inc.severity = Some(name.to_string());
            }
        }
    }
}
