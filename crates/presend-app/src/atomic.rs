//! Writing a user's file (a redacted draft, a baseline) without ever leaving it half-written.
//!
//! The new content goes to a temporary file in the same directory (same file system, so the
//! final rename is atomic), is flushed to disk, takes the original's permissions, and only then
//! is renamed over the original. If anything fails before the rename, the original is untouched
//! and the temporary file is removed. A symbolic link is written through: the file it points to
//! is replaced (in the target's directory) and the link stays a link.

use presend_core::Error;
use std::io::Write;
use std::path::Path;

/// What a file looked like when it was read (length, modification time, and on Unix which file
/// it is), so that replacing it can first make sure nothing else wrote to it in between: an
/// editor saving, a sync client. Take it before reading the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// Device and inode: an editor that saves by renaming a new file over the old one changes
    /// them even when length and time agree.
    file: (u64, u64),
}

impl Stamp {
    /// The stamp of `path` now (of the file a symbolic link points to).
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        let file = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let file = (0, 0);
        Ok(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            file,
        })
    }
}

/// Replace the contents of `path` with `bytes`, atomically.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_with(path, |file| file.write_all(bytes))
}

/// Replace the contents of `path` with what `fill` writes, atomically. `fill` receives the
/// temporary file; an error from it leaves the original untouched.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    replace(path, fill, None)
}

/// [`write_with`] for a file that was read as `read` says: if it no longer looks that way just
/// before the rename, nothing is written and the error says so (`shown_as` names the file in
/// it), because replacing it would lose what was written to it in the meantime.
pub fn write_unchanged(
    path: &Path,
    read: &Stamp,
    shown_as: &str,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    replace(path, fill, Some((read, shown_as)))
}

fn replace(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    unchanged: Option<(&Stamp, &str)>,
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_link(path).map_err(io)?;
    let path = target.as_path();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Keep the original's permissions; a new file gets the usual rw-r--r--.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".presend-")
        .tempfile_in(dir)
        .map_err(io)?;
    fill(tmp.as_file_mut()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    match permissions {
        Some(p) => std::fs::set_permissions(tmp.path(), p).map_err(io)?,
        None => set_new_file_mode(tmp.path()).map_err(io)?,
    }
    if let Some((read, shown_as)) = unchanged {
        // The temporary file is removed when `tmp` is dropped.
        if Stamp::of(path).ok().as_ref() != Some(read) {
            return Err(Error::NotRewritten {
                path: shown_as.to_string(),
                reason: "it changed while presend was redacting it, so nothing was written (run \
                         presend again on the new version)"
                    .to_string(),
            });
        }
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// `path` itself, or the file it finally points to when it is a symbolic link (renaming over the
/// link would replace the link and leave the real file as it was).
fn resolve_link(path: &Path) -> std::io::Result<std::path::PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

#[cfg(unix)]
fn set_new_file_mode(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_new_file_mode(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_write_leaves_the_original_untouched_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("post.md");
        std::fs::write(&path, "original draft\n").unwrap();
        let result = write_with(&path, |f| {
            f.write_all(b"half a redac")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(result, Err(Error::Io { .. })));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "original draft\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("post.md")]);
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("post.md");
        std::fs::write(&path, "NHS 943 476 5919\n").unwrap();
        let read = Stamp::of(&path).unwrap();
        // Someone saves a new version between the read and the write.
        std::fs::write(&path, "NHS 943 476 5919, and a new line\n").unwrap();
        let result = write_unchanged(&path, &read, "post.md", |f| {
            f.write_all(b"NHS [redacted]\n")
        });
        assert!(
            matches!(&result, Err(Error::NotRewritten { path, .. }) if path == "post.md"),
            "{result:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "NHS 943 476 5919, and a new line\n"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Unchanged since it was read: written.
        let read = Stamp::of(&path).unwrap();
        write_unchanged(&path, &read, "post.md", |f| f.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn a_successful_write_replaces_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("post.md");
        std::fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_new_file_is_created_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        write(&path, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
    }
}
