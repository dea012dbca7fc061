//! The git index, for `presend check --staged`: what is about to be committed, not what is in the
//! working tree.
//!
//! Staged paths come from `git diff --cached --name-only -z --diff-filter=ACMR` (added, copied,
//! modified, renamed; deletions have nothing to scan). Their staged blobs are read through one
//! `git cat-file --batch` process fed `:<path>` names, so a commit of a thousand posts costs two
//! processes, not a thousand. Blobs are handed out one at a time, so memory holds one file.

use presend_core::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

fn git_error(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::Usage(format!("git {what} failed: {detail}"))
}

fn run(dir: Option<&Path>, args: &[&str], extra: &[PathBuf]) -> Result<Vec<u8>, Error> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.args(args).args(extra);
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| {
        git_error(
            args[0],
            format!("could not run git ({e}); is git installed?"),
        )
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(git_error(args[0], err.trim()));
    }
    Ok(out.stdout)
}

/// The top of the working tree that contains the current directory.
pub fn toplevel() -> Result<PathBuf, Error> {
    let out = run(None, &["rev-parse", "--show-toplevel"], &[])
        .map_err(|_| Error::Usage("not inside a git repository (needed by --staged)".into()))?;
    Ok(PathBuf::from(
        String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']),
    ))
}

/// Where the repository keeps its hooks (honours `core.hooksPath` and worktrees).
pub fn hooks_dir() -> Result<PathBuf, Error> {
    let out = run(None, &["rev-parse", "--git-path", "hooks"], &[])
        .map_err(|_| Error::Usage("not inside a git repository".into()))?;
    Ok(PathBuf::from(
        String::from_utf8_lossy(&out).trim_end_matches(['\n', '\r']),
    ))
}

/// A staged path as git spells it (raw bytes: file names need not be UTF-8), relative to the top
/// of the working tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StagedPath(Vec<u8>);

impl StagedPath {
    /// The path for messages and reports (undecodable bytes replaced).
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// The path on this file system, relative to the top of the working tree.
    pub fn to_path(&self) -> PathBuf {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            PathBuf::from(std::ffi::OsStr::from_bytes(&self.0))
        }
        #[cfg(not(unix))]
        {
            PathBuf::from(self.display())
        }
    }

    /// `:<path>`, the index entry's name for `git cat-file` and `git show`.
    fn index_name(&self) -> Vec<u8> {
        let mut name = Vec::with_capacity(self.0.len() + 1);
        name.push(b':');
        name.extend_from_slice(&self.0);
        name
    }
}

/// Paths (relative to the top of the working tree) of files staged as added, copied, modified or
/// renamed, limited to `pathspecs` (relative to the current directory) when any are given. Sorted,
/// so runs are deterministic.
pub fn staged_paths(pathspecs: &[PathBuf]) -> Result<Vec<StagedPath>, Error> {
    let mut specs = Vec::new();
    if !pathspecs.is_empty() {
        specs.push(PathBuf::from("--"));
        specs.extend(pathspecs.iter().cloned());
    }
    let out = run(
        None,
        &[
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--diff-filter=ACMR",
            "--no-renames",
            "--no-ext-diff",
        ],
        &specs,
    )?;
    // Kept as bytes: a name that is not UTF-8, decoded lossily, names no index entry.
    let mut paths: Vec<StagedPath> = out
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| StagedPath(p.to_vec()))
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// One staged file.
#[derive(Debug)]
pub struct Blob {
    /// Path relative to the top of the working tree, `/`-separated, for messages and reports.
    pub path: String,
    /// The same path on this file system (exactly as git has it).
    pub fs_path: PathBuf,
    /// The staged content; `None` when the index entry is not a blob (a submodule).
    pub bytes: Option<Vec<u8>>,
}

/// Reads staged blobs through one `git cat-file --batch` process.
pub struct StagedBlobs {
    /// The top of the working tree, where staged paths are relative to.
    top: PathBuf,
    child: Child,
    out: BufReader<ChildStdout>,
    paths: std::vec::IntoIter<StagedPath>,
    writer: Option<JoinHandle<std::io::Result<()>>>,
}

impl StagedBlobs {
    /// Start reading the staged version of `paths` (relative to `top`, the working-tree top).
    pub fn open(top: &Path, paths: Vec<StagedPath>) -> Result<StagedBlobs, Error> {
        // A path with a line break cannot be named on cat-file's line-based input; such names
        // are vanishingly rare and are read one by one below instead.
        let mut child = Command::new("git")
            .current_dir(top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| git_error("cat-file", e))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let names: Vec<Vec<u8>> = paths
            .iter()
            .filter(|p| !p.0.contains(&b'\n'))
            .map(|p| {
                let mut n = p.index_name();
                n.push(b'\n');
                n
            })
            .collect();
        // Feed names from a thread so that a large batch cannot deadlock against our reads.
        let writer = std::thread::spawn(move || {
            for n in names {
                stdin.write_all(&n)?;
            }
            stdin.flush()
        });
        let out = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(StagedBlobs {
            top: top.to_path_buf(),
            child,
            out,
            paths: paths.into_iter(),
            writer: Some(writer),
        })
    }

    fn read_one(&mut self, staged: StagedPath) -> Result<Blob, Error> {
        let path = staged.display();
        let fs_path = staged.to_path();
        if staged.0.contains(&b'\n') {
            let name = StagedPath(staged.index_name()).to_path();
            let bytes = run(None, &["show"], &[name])?;
            return Ok(Blob {
                path,
                fs_path,
                bytes: Some(bytes),
            });
        }
        let io = |e: std::io::Error| git_error("cat-file", e);
        let mut header = String::new();
        self.out.read_line(&mut header).map_err(io)?;
        let header = header.trim_end();
        let parts: Vec<&str> = header.split(' ').collect();
        match parts.as_slice() {
            [_, kind, size] => {
                let size: usize = size
                    .parse()
                    .map_err(|_| git_error("cat-file", format!("bad header `{header}`")))?;
                let mut bytes = vec![0; size];
                self.out.read_exact(&mut bytes).map_err(io)?;
                let mut lf = [0u8; 1];
                self.out.read_exact(&mut lf).map_err(io)?;
                Ok(Blob {
                    path,
                    fs_path,
                    bytes: (*kind == "blob").then_some(bytes),
                })
            }
            // A submodule's commit lives in its own repository, so it is "missing" here; it
            // has no text of this repository to check.
            _ if header.ends_with(" missing") && self.is_submodule(&staged)? => Ok(Blob {
                path,
                fs_path,
                bytes: None,
            }),
            // A staged path whose index entry cannot be read must not pass unseen.
            _ if header.ends_with(" missing") => Err(Error::Io {
                path: PathBuf::from(path),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "staged, but git cannot find its index entry",
                ),
            }),
            _ => Err(git_error(
                "cat-file",
                format!("unexpected output `{header}`"),
            )),
        }
    }
}

impl StagedBlobs {
    /// Whether the index entry of `staged` is a submodule (a gitlink, mode 160000).
    fn is_submodule(&self, staged: &StagedPath) -> Result<bool, Error> {
        // `:(literal)` so that a name with `*` or `?` in it names only itself.
        let mut spec = b":(literal)".to_vec();
        spec.extend_from_slice(&staged.0);
        let out = run(
            Some(&self.top),
            &["ls-files", "--stage", "-z", "--"],
            &[StagedPath(spec).to_path()],
        )?;
        Ok(out.starts_with(b"160000 "))
    }
}

impl Iterator for StagedBlobs {
    type Item = Result<Blob, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let path = self.paths.next()?;
        Some(self.read_one(path))
    }
}

impl Drop for StagedBlobs {
    fn drop(&mut self) {
        if let Some(w) = self.writer.take() {
            // Stop early (an error, a closed pipe): kill rather than wait for unread output.
            if self.paths.len() > 0 {
                let _ = self.child.kill();
            }
            let _ = w.join();
        }
        let _ = self.child.wait();
    }
}
