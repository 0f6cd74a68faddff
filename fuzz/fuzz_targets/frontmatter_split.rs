//! Splitting front matter off arbitrary text: no panic, and the body is a suffix of the text.
#![no_main]

use hindsight::content::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(split) = frontmatter::split(text, "fuzz.md") {
        assert!(text.ends_with(split.body));
    }
});
