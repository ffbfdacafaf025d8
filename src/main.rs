use std::process::ExitCode;

use clap::Parser;
use coreweave_whatif::cli::{Cli, error_report, execute};
use coreweave_whatif::ui::{AppOptions, run_app};

fn main() -> ExitCode {
    // `--frame-stats` is a hidden flag of the app (it prints frame CPU times), not of the CLI.
    let frame_stats = std::env::args_os().any(|arg| arg == "--frame-stats");
    let cli = Cli::parse_from(std::env::args_os().filter(|arg| arg != "--frame-stats"));
    let Some(command) = cli.command else {
        return match run_app(AppOptions { frame_stats }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: could not open the window: {err}");
                ExitCode::FAILURE
            }
        };
    };
    let mut stdout = std::io::stdout().lock();
    match execute(command, &mut stdout) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {}", error_report(&err));
            ExitCode::FAILURE
        }
    }
}
