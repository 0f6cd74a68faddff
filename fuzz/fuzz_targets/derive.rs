//! Deriving title, id, date, summary, learnings and action items from arbitrary input.
#![no_main]

mod common;

use hindsight::content::derive;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (stem, body) = input;
    let parsed = common::parse(body);
    let _ = derive::learnings(&parsed, &[]);
    let _ = derive::action_items(&parsed, &[]);
    let _ = derive::summary(&parsed);
    let _ = derive::date(stem, &parsed, &[]);
    let _ = derive::id_and_title_from_stem(stem);
});
