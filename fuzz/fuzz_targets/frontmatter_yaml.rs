//! Reading arbitrary YAML as incident front matter: no panic, positions from line 1 on.
#![no_main]

use hindsight::content::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|yaml: &str| {
    let (_, problems) = frontmatter::parse(yaml, 2, "fuzz.md", frontmatter::INCIDENT_KEYS);
    for p in problems {
        assert!(p.line >= 1 && p.column >= 1);
    }
});
