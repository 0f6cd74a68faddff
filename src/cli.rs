/*!
The command line: `hindsight build | check | serve | new | search`, parsed with clap.
*/

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hindsight",
    version,
    about = "Turns a folder of incident postmortems into a searchable static site where learnings are first-class.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from the content folder.
    Build(BuildArgs),
}

#[derive(Debug, Args, Clone)]
pub struct Common {
    /// The folder that holds hindsight.toml and the content.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder (default: `output_dir` of hindsight.toml, else `public/` under the root).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include drafts, incidents in review and internal incidents.
    #[arg(long)]
    pub drafts: bool,
    /// The URL the site is served under, e.g. https://example.org/postmortems/ (overrides `base_url`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}
