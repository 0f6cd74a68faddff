/*!
Tags, services, severities and years: the ways to browse incidents besides learnings.

Each taxonomy maps a key to a term, its URL slug and the incidents carrying it (newest first,
the library's order). Names with one key are one term, on one page, everywhere spelled alike.

A tag's or a service's key ([`term_key`]) is its name in Unicode's composed form (NFC: `café`
written with U+00E9, or with `e` and the combining accent U+0301, is one name) and in lower
case, with white space and punctuation (Unicode's, save `#`, `%`, `&`, `*` and `@`) only
parting words, and characters that show nothing left out: `on-call`, `On call` and `on_call`
are one term, named as most of its incidents write it (the first seen of a tie). Every other
character counts: letters of any script, digits, `#`, `%`, `&`, `*`, `@`, and symbols such as
`+` and emoji, so `C++`, `C#` and `C` are three terms, and `🔥` and `fire` two. A name of
punctuation alone is its own key.

A term's slug is its key spelled in ASCII ([`base_slug`]: `+` and `#` after a letter read
`plus` and `sharp`, other characters as the `slug` crate transliterates them, `🔥` as `fire`),
or, when that leaves nothing (`..`, `𓀀`), the bytes of its key in hex after `_` (`_2e2e`).
Different terms can spell one slug (`🔥` and `fire`, `C++` and `c-plus-plus`): the term first
used keeps it, reading postmortems from the last the library lists (the oldest) up and each
one's names in order, and each later one takes the first `-2`, `-3`, ... after it that no
earlier term has. Severities and years are keyed by their slug, as the severity scale reads them.
*/

use std::collections::{BTreeMap, HashMap, HashSet};

use regex::Regex;

use crate::config::Config;
use crate::content::Library;
use crate::markdown::slugify;

/// The key under which spellings of a tag or a service are one term (see the module's
/// documentation): its words in NFC and lower case, joined by `-`. Characters that show
/// nothing (soft hyphens, emoji variation selectors, joiners) are left out. A name already in
/// NFC (most are) keeps the key, and so the slug, it had before names were normalised.
pub fn term_key(name: &str) -> String {
    static PARTS: std::sync::LazyLock<(Regex, Regex)> = std::sync::LazyLock::new(|| {
        (
            Regex::new(r"\p{Default_Ignorable_Code_Point}").expect("a valid pattern"),
            Regex::new(r"[[\s\p{P}]--[#%&*@]]+").expect("a valid pattern"),
        )
    });
    let (unseen, apart) = &*PARTS;
    let name = nfc(name.trim());
    let name = name.as_ref();
    let lower = unseen.replace_all(name, "").to_lowercase();
    let key = apart
        .split(&lower)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if key.is_empty() {
        name.to_string()
    } else {
        key
    }
}

/// `text` in Unicode's composed form (NFC), borrowed when it is in it already.
fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.into(),
        _ => text.nfc().collect::<String>().into(),
    }
}

/// The slug a term of this key takes unless another term took it first (see the module's
/// documentation).
fn base_slug(key: &str) -> String {
    let mut spelled = String::with_capacity(key.len());
    let mut prev = ' ';
    for c in key.chars() {
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
    let bytes: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("_{bytes}")
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    /// Spellings of the name are one term when their key is one: [`term_key`] for tags and
    /// services, the slug for severities and years.
    pub key: String,
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

    /// The key of a name of this kind (see [`Term::key`]).
    pub fn key(self, name: &str) -> String {
        match self {
            Kind::Tags | Kind::Services => term_key(name),
            Kind::Severity | Kind::Years => slugify(name.trim()),
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
    /// Terms in display order: by slug (tags, services), by scale (severity), newest first (years).
    pub terms: Vec<Term>,
    /// Key -> index of its term in `terms`.
    index: HashMap<String, usize>,
}

impl Taxonomy {
    fn new(kind: Kind, terms: Vec<Term>) -> Taxonomy {
        let index = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.clone(), i))
            .collect();
        Taxonomy { kind, terms, index }
    }

    pub fn url(&self, slug: &str) -> String {
        format!("{}/{}/", self.kind.dir(), slug)
    }

    /// The term a name is a spelling of, if any incident carries it.
    pub fn term(&self, name: &str) -> Option<&Term> {
        self.index
            .get(&self.kind.key(name))
            .map(|&i| &self.terms[i])
    }
}

/// A term while the library is read.
struct Entry {
    term: Term,
    /// How often each spelling is used, in the order first seen.
    spellings: Vec<(String, usize)>,
    /// The oldest incident carrying the term (the last in the library's order) and where the
    /// term first stands among that incident's names.
    first_use: (usize, usize),
}

/// Builds all four taxonomies in one pass over the incidents.
pub fn build(lib: &Library, config: &Config) -> Vec<Taxonomy> {
    let mut maps: [BTreeMap<String, Entry>; 4] = Default::default();
    for (i, inc) in lib.incidents.iter().enumerate() {
        let mut add = |k: usize, at: usize, name: &str| {
            let name = name.trim();
            if name.is_empty() {
                return;
            }
            let key = Kind::ALL[k].key(name);
            let entry = maps[k].entry(key.clone()).or_insert_with(|| Entry {
                term: Term {
                    name: String::new(),
                    slug: if k < 2 { base_slug(&key) } else { key.clone() },
                    key,
                    incidents: Vec::new(),
                },
                spellings: Vec::new(),
                first_use: (i, at),
            });
            match entry.spellings.iter_mut().find(|(s, _)| s == name) {
                Some((_, n)) => *n += 1,
                None => entry.spellings.push((name.to_string(), 1)),
            }
            if entry.term.incidents.last() != Some(&i) {
                if !entry.term.incidents.is_empty() {
                    entry.first_use = (i, at);
                }
                entry.term.incidents.push(i);
            }
        };
        for (at, t) in inc.tags.iter().enumerate() {
            add(0, at, t);
        }
        for (at, s) in inc.services.iter().enumerate() {
            add(1, at, s);
        }
        if let Some(s) = &inc.severity {
            add(2, 0, s);
        }
        if let Some(y) = inc.year() {
            add(3, 0, &y.to_string());
        }
    }
    // A term is named as the severity scale spells it, else as most incidents spell it.
    for (k, map) in maps.iter_mut().enumerate() {
        for (key, entry) in map.iter_mut() {
            let scale = (k == 2)
                .then(|| config.severities.iter().find(|s| slugify(s) == *key))
                .flatten();
            entry.term.name = match scale {
                Some(s) => s.clone(),
                None => {
                    let most = entry.spellings.iter().map(|(_, n)| *n).max().unwrap_or(0);
                    entry
                        .spellings
                        .iter()
                        .find(|(_, n)| *n == most)
                        .map(|(s, _)| s.clone())
                        .unwrap_or_default()
                }
            };
        }
    }
    let [tags, services, severity, years] = maps;
    let mut severity: Vec<Term> = severity.into_values().map(|e| e.term).collect();
    severity.sort_by(|a, b| {
        config
            .severity_rank(&a.name)
            .cmp(&config.severity_rank(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let mut years: Vec<Term> = years.into_values().map(|e| e.term).collect();
    years.reverse();
    vec![
        Taxonomy::new(Kind::Tags, unique_slugs(tags.into_values().collect())),
        Taxonomy::new(
            Kind::Services,
            unique_slugs(services.into_values().collect()),
        ),
        Taxonomy::new(Kind::Severity, severity),
        Taxonomy::new(Kind::Years, years),
    ]
}

/// The terms, sorted by slug, each with a slug of its own: in the order of first use, each
/// term takes its slug unless an earlier one has it, else the first `-2`, `-3`, ... after it
/// that none has. So a term's slug never depends on terms used only later.
fn unique_slugs(mut entries: Vec<Entry>) -> Vec<Term> {
    // Oldest first: the greatest incident index, then the first place in it.
    entries.sort_by(|a, b| {
        b.first_use
            .0
            .cmp(&a.first_use.0)
            .then(a.first_use.1.cmp(&b.first_use.1))
    });
    let mut taken: HashSet<String> = HashSet::with_capacity(entries.len());
    // Slug -> the suffix the next term that wants it tries first.
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut terms: Vec<Term> = Vec::with_capacity(entries.len());
    for e in entries {
        let mut term = e.term;
        if !taken.insert(term.slug.clone()) {
            let n = next.entry(term.slug.clone()).or_insert(2);
            while taken.contains(&format!("{}-{n}", term.slug)) {
                *n += 1;
            }
            term.slug = format!("{}-{n}", term.slug);
            taken.insert(term.slug.clone());
        }
        terms.push(term);
    }
    terms.sort_by(|a, b| a.slug.cmp(&b.slug));
    terms
}

/// Spells every incident's tags, services and severity as their term is named (see
/// [`build`]), so that pages, the feed and the export never show `sev1` beside `SEV1`, or
/// `Payments` beside `payments`; a term an incident carries twice in two spellings is kept
/// once.
pub fn spell_alike(lib: &mut Library, taxonomies: &[Taxonomy]) {
    let of = |kind: Kind| taxonomies.iter().find(|t| t.kind == kind);
    let (tags, services, severity) = (of(Kind::Tags), of(Kind::Services), of(Kind::Severity));
    let named = |tax: Option<&Taxonomy>, name: &str| -> Option<String> {
        tax.and_then(|t| t.term(name)).map(|t| t.name.clone())
    };
    let respell = |list: &mut Vec<String>, tax: Option<&Taxonomy>| {
        let mut out: Vec<String> = Vec::with_capacity(list.len());
        for t in list.drain(..) {
            let t = named(tax, &t).unwrap_or(t);
            if !out.contains(&t) {
                out.push(t);
            }
        }
        *list = out;
    };
    for inc in &mut lib.incidents {
        respell(&mut inc.tags, tags);
        respell(&mut inc.services, services);
        if let Some(name) = inc.severity.as_deref().and_then(|s| named(severity, s)) {
            inc.severity = Some(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_case_punctuation_and_what_shows_nothing_are_left_out_of_a_term_s_key() {
        for same in ["On call", "on_call", " on.call ", "ON—CALL", "(on call)"] {
            assert_eq!(term_key(same), "on-call", "{same}");
        }
        assert_eq!(term_key("on\u{AD}call"), term_key("oncall"));
        assert_eq!(term_key("❤\u{FE0F}"), term_key("❤"));
        assert_eq!(term_key("Сеть"), term_key("сеть"));
        let apart = [
            "C",
            "C++",
            "C#",
            "c-plus-plus",
            "🔥",
            "fire",
            "Сеть",
            "set",
            "R&D",
            "r-d",
            "#oncall",
            "oncall",
            "..",
            ".",
        ];
        let keys: HashSet<String> = apart.iter().map(|n| term_key(n)).collect();
        assert_eq!(keys.len(), apart.len(), "{keys:?}");
    }

    #[test]
    fn a_term_s_slug_is_its_key_in_ascii_else_its_bytes_in_hex() {
        for (name, slug) in [
            ("C++", "c-plus-plus"),
            ("C#", "c-sharp"),
            ("🔥", "fire"),
            ("Сеть", "set"),
            ("支付", "zhi-fu"),
            ("..", "_2e2e"),
            ("𓀀", "_f0938080"),
        ] {
            assert_eq!(base_slug(&term_key(name)), slug, "{name}");
        }
    }

    #[test]
    fn a_name_written_composed_or_decomposed_is_one_term_with_the_slug_it_had() {
        let composed = "Caf\u{e9} cr\u{e8}me";
        let decomposed = "Cafe\u{301} cre\u{300}me";
        assert_ne!(composed, decomposed);
        assert_eq!(term_key(decomposed), term_key(composed));
        // A name in NFC keeps the key and the slug it had.
        assert_eq!(term_key(composed), "caf\u{e9}-cr\u{e8}me");
        assert_eq!(base_slug(&term_key(decomposed)), "cafe-creme");
        assert_eq!(
            term_key("\u{212b}ngstr\u{f6}m"),
            term_key("\u{c5}ngstro\u{308}m")
        );
    }
}
