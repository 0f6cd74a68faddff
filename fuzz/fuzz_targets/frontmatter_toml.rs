//! Reading arbitrary TOML as incident front matter: no panic, positions from line 1 on.
#![no_main]

use hindsight::content::frontmatter::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|toml: &str| {
    let (_, problems) =
        frontmatter::parse_as(Format::Toml, toml, 2, "fuzz.md", frontmatter::INCIDENT_KEYS);
    for p in problems {
        assert!(p.line >= 1 && p.column >= 1);
    }
});
