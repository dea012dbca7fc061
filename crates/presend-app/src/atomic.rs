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
