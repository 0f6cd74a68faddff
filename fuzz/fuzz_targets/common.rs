//! The Markdown pass over a body, with a small site around it (shared by two targets).

use hindsight::markdown::{Parsed, Standalone};

pub fn parse(body: &str) -> Parsed {
    Standalone::new("PM2024-002", &[("other.md", "PM2024-001")]).parse(body, 1)
}
