//! The `presend` binary: parse arguments, run the library's stages, map the outcome to an exit
//! status. All the work lives in the library; this stays thin.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
