//! The Markdown pass over a body, with a small site around it (shared by two targets).

use std::collections::{HashMap, HashSet};

use hindsight::markdown::{self, PageLocation, Parsed, SiteLinks};

pub fn parse(body: &str) -> Parsed {
    let ids: HashSet<String> = ["PM2024-001".to_string()].into();
    let paths: HashMap<String, String> =
        [("other.md".to_string(), "PM2024-001".to_string())].into();
    let learnings = HashMap::new();
    let root = std::env::temp_dir().join("hindsight-fuzz-no-such-dir");
    markdown::parse(
        body,
        &SiteLinks {
            ids: &ids,
            incident_paths: &paths,
            learning_paths: &learnings,
            content_root: &root,
        },
        &PageLocation {
            id: "PM2024-002",
            source_dir: "",
            out_dir: "incidents/PM2024-002/",
            to_root: "../../",
            first_line: 1,
        },
    )
}
