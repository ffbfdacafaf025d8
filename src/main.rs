use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use coreweave_whatif::cli::{Cli, execute};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        // TODO(#3): start the desktop app here.
        let _ = Cli::command().print_help();
        return ExitCode::SUCCESS;
    };
    let mut stdout = std::io::stdout().lock();
    match execute(command, &mut stdout) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
