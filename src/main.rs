/*!
The `hindsight` binary: parse the command line, run a command, print findings, exit.
Exit codes: 0 success, 1 problems found in the input, 2 usage or I/O failure.
*/

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use hindsight::cli::{Cli, Command};
use hindsight::diagnostics::{count, counted, named_from, render_human, Level};

// Loading thousands of postmortems allocates many small strings from every thread: with
// mimalloc `check` on 10,000 postmortems takes about 2.7 s instead of 3.6 s (bench/run.py).
// Without transparent huge pages (`no_thp`): mimalloc would otherwise ask for 2 MiB pages that
// the kernel zeroes whole on first touch: 17% of the CPU samples of a 10,000-postmortem build
// (`perf record`), under 1% without.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = Cli::command().try_get_matches().unwrap_or_else(|e| {
        // `search --servce sso`: the mistyped option was taken for the query.
        use clap::error::ErrorKind;
        if matches!(
            e.kind(),
            ErrorKind::UnknownArgument | ErrorKind::InvalidValue | ErrorKind::ValueValidation
        ) {
            if let Some(said) = hindsight::cli::mistyped_search_option(std::env::args_os()) {
                let mut cli = Cli::command();
                cli.build();
                let search = cli.find_subcommand_mut("search").expect("a subcommand");
                search
                    .error(clap::error::ErrorKind::InvalidValue, said)
                    .exit();
            }
        }
        e.exit()
    });
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Run inside the postmortems without --root: the knowledge base that holds them, as git
    // finds its repository from any folder in it.
    let root_given = matches
        .subcommand()
        .is_some_and(|(_, m)| m.value_source("root") == Some(ValueSource::CommandLine));
    if !root_given {
        let common = cli.command.common_mut();
        if let Some(root) = hindsight::config::enclosing_root(&common.root) {
            common.root = root;
        }
    }
    match cli.command {
        Command::Search(args) => hindsight::search::main(&args),
        Command::Check(args) => check(args),
        Command::New(args) => new(args),
        Command::Serve(args) => {
            let opts = hindsight::serve::ServeOptions {
                root: args.common.root,
                port: args.port,
                bind: args.bind,
                drafts: args.drafts,
                quiet: args.common.quiet,
            };
            match hindsight::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    if let Some(hint) = e.hint() {
                        eprintln!("help: {hint}");
                    }
                    ExitCode::from(2)
                }
            }
        }
        Command::Build(args) => {
            hindsight::output::tidy_on_interrupt();
            let quiet = args.common.quiet;
            let root = args.common.root.clone();
            let opts = hindsight::BuildOptions {
                root: args.common.root,
                out: args.out,
                drafts: args.drafts,
                base_url: args.base_url,
                progress: !quiet && std::io::stderr().is_terminal(),
                in_memory: false,
            };
            match hindsight::build(&opts) {
                Ok(report) => {
                    print_findings(&report.diagnostics, &root);
                    for w in &report.warnings {
                        eprintln!("warning: {w}");
                    }
                    if !quiet {
                        eprintln!("{}", report.summary_line());
                    }
                    ExitCode::SUCCESS
                }
                Err(hindsight::Error::Invalid(ds)) => {
                    print_findings(&ds, &root);
                    eprintln!(
                        "error: build failed with {} and {}; the previous site was left untouched",
                        counted(count(&ds, Level::Error), "error"),
                        counted(count(&ds, Level::Warning), "warning")
                    );
                    ExitCode::from(1)
                }
                Err(e) => {
                    hindsight::output::settle_interrupt();
                    eprintln!("error: {e}");
                    if let Some(hint) = e.hint() {
                        eprintln!("help: {hint}");
                    }
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `hindsight check`: findings on stdout in the chosen format, the summary on stderr.
fn check(args: hindsight::cli::CheckArgs) -> ExitCode {
    use hindsight::cli::{CheckFormat, Deny};
    if let Some(rule) = &args.explain {
        return match hindsight::explain::explain(rule) {
            Ok(text) => {
                // A reader that stops early (`| head`) is no reason to panic: end as the
                // findings do when they cannot be written.
                use std::io::Write as _;
                let mut stdout = std::io::stdout().lock();
                match writeln!(stdout, "{text}").and_then(|_| stdout.flush()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(_) => ExitCode::from(2),
                }
            }
            Err(unknown) => {
                eprintln!("error: {}", unknown.message);
                eprintln!("help: {}", unknown.help);
                ExitCode::from(2)
            }
        };
    }
    let opts = hindsight::check::Options {
        root: args.common.root.clone(),
        baseline: args.baseline,
        deny_warnings: args.deny.contains(&Deny::Warnings),
    };
    let mut report = match hindsight::check::run(&opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = report.narrow(&opts.root, &args.paths) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let quiet = args.common.quiet;
    let shown: Vec<_> = report
        .findings
        .iter()
        .filter(|d| !quiet || d.level != Level::Info)
        .cloned()
        .collect();
    // JSON names files from the root, as its docs say; the others from where they are read:
    // GitHub from the repository it checked out, a terminal from the current folder (see
    // `render_human`).
    let text = match args.format {
        CheckFormat::Json => hindsight::check::to_json(&shown),
        CheckFormat::Github => {
            let repository = std::env::var_os("GITHUB_WORKSPACE")
                .filter(|w| !w.is_empty())
                .map(std::path::PathBuf::from);
            hindsight::check::to_github(&named_from(&shown, &opts.root, repository.as_deref()))
        }
        CheckFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let (people, hidden) = hindsight::check::for_people(&shown);
            let mut text = render_human(&people, &opts.root, color);
            for (rule, n) in hidden {
                text.push_str(&format!(
                    "note: {n} more `{rule}` notes are not shown; `hindsight check --format json` lists every finding\n"
                ));
            }
            text
        }
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if !quiet {
        eprintln!("{}", report.summary_line());
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `hindsight new`: the new file's path on stdout (so that `$EDITOR "$(hindsight new ...)"`
/// works), what to do next on stderr.
fn new(args: hindsight::cli::NewArgs) -> ExitCode {
    use hindsight::scaffold::{run, NewError, NewOptions};
    let root = args.common.root.clone();
    // A mistyped --root must not become a new folder with a postmortem in it.
    if let Err(message) = hindsight::root_folder(&root) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let opts = NewOptions {
        root: args.common.root,
        title: args.title,
        template: args.template,
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    match run(&opts) {
        Ok(created) => {
            let path = created.path.strip_prefix(".").unwrap_or(&created.path);
            // The file is written whether or not a reader takes its path: a closed stdout is
            // no reason to panic, and the message on stderr still says where it is.
            {
                use std::io::Write as _;
                let _ = writeln!(std::io::stdout(), "{}", path.display());
            }
            // Only what is true of each file: its `id:` line, when it has one, was read so
            // that the new id is not that one.
            for (file, id) in &created.unread {
                match id {
                    Some(id) => eprintln!(
                        "warning: the front matter of {file} cannot be read; only its `id:` line was read, so that the new id is not `{id}`; `hindsight check` says what to fix"
                    ),
                    None => eprintln!(
                        "warning: the front matter of {file} cannot be read; `hindsight check` says what to fix"
                    ),
                }
            }
            // What `check` will warn of in what the template wrote.
            print_findings(&created.warnings, &root);
            // Always said: the file is not named as the title would name it.
            if let Some((name, pattern)) = &created.renamed {
                eprintln!(
                    "note: named {} rather than {name}, which `{pattern}` in `ignore` of hindsight.toml would leave out of the site",
                    path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                );
            }
            // Always said: run in the wrong folder, `new` starts a knowledge base there.
            if let Some(folder) = &created.made_folder {
                let folder = folder.strip_prefix(".").unwrap_or(folder);
                if root.join("hindsight.toml").is_file() {
                    eprintln!(
                        "note: made the folder {} for it, the `content_dir` of hindsight.toml, which did not exist",
                        folder.display()
                    );
                } else if let Some((above, holds)) = hindsight::config::knowledge_base_above(&root)
                {
                    eprintln!(
                        "note: made the folder {} for it, though there is no hindsight.toml here and no postmortem, and `{above}` holds {holds}: if that is your knowledge base, move the file there, or run `hindsight new` there (or with `--root {above}`)",
                        folder.display()
                    );
                } else {
                    eprintln!(
                        "note: made the folder {} for it: there is no hindsight.toml here and no postmortem; if your postmortems are elsewhere, move the file there, or run `hindsight new` at the root of the knowledge base (or with --root)",
                        folder.display()
                    );
                }
            }
            if !args.common.quiet {
                use hindsight::content::Status;
                match created.status {
                    Status::Draft => eprintln!(
                        "Created {} ({}), a draft. Fill it in, check it with `hindsight check`, preview it with `hindsight serve --drafts`, and set `status: published` when it is reviewed.",
                        path.display(),
                        created.id
                    ),
                    status => eprintln!(
                        "Created {} ({}), with `status: {}` as its template sets it. Fill it in and check it with `hindsight check`.",
                        path.display(),
                        created.id,
                        status.as_str()
                    ),
                }
            }
            for (file, id) in &created.same_title {
                eprintln!(
                    "note: {file} ({id}) has this title too; if it is the same incident, write it up there and delete the new file"
                );
            }
            ExitCode::SUCCESS
        }
        Err(NewError::Invalid(ds)) => {
            print_findings(&ds, &root);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
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
