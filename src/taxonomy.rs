/*!
Tags, services, severities and years: the ways to browse incidents besides learnings.

Each taxonomy maps a URL slug to a term and the incidents carrying it (newest first, the
library's order). Names that slugify alike (`Kubernetes`, `kubernetes`) share one page.
*/

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::Library;
use crate::markdown::slugify;

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
    for (i, inc) in lib.incidents.iter().enumerate() {
        let mut add = |k: usize, name: &str| {
            let name = name.trim();
            if name.is_empty() {
                return;
            }
            let slug = slugify(name);
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
