//! `presend hook install|uninstall`, `presend init` and `presend completions`.

use super::args::{Cli, HookCommand, InitArgs};
use super::{stdout, Exit, Failure};
use presend_app::config::STARTER;
use presend_core::Error;
use presend_input::source::git;
use std::io::Write;
use std::path::Path;

/// The line that marks a hook as presend's own, so `install` may replace it and `uninstall` may
/// remove it, while a hook someone else wrote is left alone.
const MARKER: &str = "# presend pre-commit hook";

/// What the hook prints when it blocks a commit: that it did, and the three ways on.
const BLOCKED: &str = "\
presend: commit blocked: the staged drafts above have findings at or above fail-on.
What to do:
  - Fix: edit the draft, `git add` it and commit again.
  - Suppress a finding that is wrong or accepted, with a reason, on the line before it:
        presend-allow RULE: reason          (in Markdown: <!-- presend-allow RULE: reason -->)
    e.g. presend-allow nhs-number: NHS test number from the training deck
  - Skip the check for this one commit: git commit --no-verify
    That skips every pre-commit and commit-msg hook, not only presend: nothing is checked.";

/// What the hook prints when presend could not check (exit 2).
const TROUBLE: &str = "\
presend: commit blocked: presend could not check the staged files (see the error above).
Fix the cause, or skip the check for this one commit with git commit --no-verify (that skips
every pre-commit and commit-msg hook, not only presend).";

fn hook_script() -> String {
    // Prefer the `presend` on PATH when the hook runs (upgrades apply), else the binary that
    // installed the hook.
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.to_string_lossy().replace('\'', "'\\''"))
        .unwrap_or_else(|| "presend".into());
    format!(
        "#!/bin/sh\n\
         {MARKER}: installed by `presend hook install`; `presend hook uninstall` removes it.\n\
         # Checks the staged version of every staged file for patient identifiers and other risks\n\
         # before the commit is made. Settings: presend.toml. Skip once (think first): git commit --no-verify\n\
         presend='{exe}'\n\
         if command -v presend >/dev/null 2>&1; then\n\
         \x20 presend=presend\n\
         fi\n\
         \"$presend\" check --staged\n\
         status=$?\n\
         if [ \"$status\" -eq 1 ]; then\n\
         \x20 cat >&2 <<'PRESEND_BLOCKED'\n\n{BLOCKED}\nPRESEND_BLOCKED\n\
         elif [ \"$status\" -ne 0 ]; then\n\
         \x20 cat >&2 <<'PRESEND_TROUBLE'\n\n{TROUBLE}\nPRESEND_TROUBLE\n\
         fi\n\
         exit \"$status\"\n"
    )
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn hook(cmd: HookCommand) -> Result<Exit, Failure> {
    let dir = git::hooks_dir()?;
    let file = dir.join("pre-commit");
    let existing = std::fs::read_to_string(&file).ok();
    let ours = existing.as_deref().is_some_and(|s| s.contains(MARKER));
    let mut err = std::io::stderr();
    match cmd {
        HookCommand::Install { force } => {
            if existing.is_some() && !ours && !force {
                return Err(Error::Usage(format!(
                    "{} exists and was not written by presend; leaving it alone (add `presend check --staged` to it, or use --force to replace it)",
                    file.display()
                ))
                .into());
            }
            std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
            std::fs::write(&file, hook_script()).map_err(io_err(&file))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))
                    .map_err(io_err(&file))?;
            }
            let _ = writeln!(err, "presend: installed {}", file.display());
        }
        HookCommand::Uninstall => {
            if !ours {
                let _ = writeln!(err, "presend: no presend hook at {}", file.display());
                return Ok(Exit::Clean);
            }
            std::fs::remove_file(&file).map_err(io_err(&file))?;
            let _ = writeln!(err, "presend: removed {}", file.display());
        }
    }
    Ok(Exit::Clean)
}

pub fn init(args: InitArgs) -> Result<Exit, Failure> {
    if args.stdout {
        let mut out = stdout();
        out.write_all(STARTER.as_bytes())?;
        out.flush()?;
        return Ok(Exit::Clean);
    }
    let file = Path::new("presend.toml");
    if file.exists() && !args.force {
        return Err(Error::Usage(
            "presend.toml already exists (use --force to overwrite it)".into(),
        )
        .into());
    }
    std::fs::write(file, STARTER).map_err(io_err(file))?;
    let _ = writeln!(std::io::stderr(), "presend: wrote presend.toml");
    Ok(Exit::Clean)
}

pub fn completions(shell: clap_complete::Shell) -> Result<Exit, Failure> {
    use clap::CommandFactory;
    // Generated into memory first: clap_complete panics when its writer fails, and a closed
    // pipe (`presend completions bash | head`) is not a failure.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "presend", &mut script);
    let mut out = stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Clean)
}
