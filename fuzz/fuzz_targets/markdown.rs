//! Rendering and reading arbitrary Markdown: no panic, no hang.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    let parsed = common::parse(body);
    let _ = hindsight::markdown::plain_text(&parsed.preamble, &parsed.sections);
});
