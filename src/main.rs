/*!
The `hindsight` binary: parse the command line, run a command, print findings, exit.
Exit codes: 0 success, 1 problems found in the input, 2 usage or I/O failure.
*/

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use hindsight::cli::{Cli, Command};
use hindsight::diagnostics::{count, render_human, Level};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => {
            let quiet = args.common.quiet;
            let root = args.common.root.clone();
            let opts = hindsight::BuildOptions {
                root: args.common.root,
                out: args.out,
                drafts: args.drafts,
                base_url: args.base_url,
                progress: !quiet && std::io::stderr().is_terminal(),
            };
            match hindsight::build(&opts) {
                Ok(report) => {
                    print_findings(&report.diagnostics, &root);
                    if !quiet {
                        eprintln!("{}", report.summary_line());
                    }
                    ExitCode::SUCCESS
                }
                Err(hindsight::Error::Invalid(ds)) => {
                    print_findings(&ds, &root);
                    eprintln!(
                        "error: build failed with {} error(s) and {} warning(s); the previous site was left untouched",
                        count(&ds, Level::Error),
                        count(&ds, Level::Warning)
                    );
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn print_findings(ds: &[hindsight::diagnostics::Diagnostic], root: &std::path::Path) {
    if ds.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", render_human(ds, root, color));
}
