//! The one writer: fixes, baselines and report files. Bytes go to a temporary file in the
//! target's directory, which is flushed to disk and then renamed over the target, keeping its
//! permissions (and owner, where allowed). Until the rename the target is untouched, so a full
//! disk, a crash or an interrupted run never leaves a file cut off. A FIFO or a character device
//! (`/dev/stdout`, a process substitution) has nothing to lose and is written directly.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::read::{io_message, kind_of};

/// A write that failed, with the path as the user named it.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.message)
    }
}

/// Writes `bytes` to `path` atomically (see the module's documentation).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = PendingFile::create(path)?;
    // An error here is kept by the file and returned by `commit`.
    let _ = file.write_all(bytes);
    file.commit()
}

/// A file being written; nothing is visible at its path before `commit`.
pub struct PendingFile {
    /// As the user named it, for messages.
    shown: PathBuf,
    sink: Sink,
    /// The first write error: later writes are skipped and `commit` reports it.
    error: Option<std::io::Error>,
    /// Test builds only: the writer fails with "no space" after this many bytes.
    #[cfg(test)]
    space: Option<usize>,
}

enum Sink {
    /// A regular file: a temporary file beside `target`, renamed over it on commit.
    Replace {
        temp: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
        /// The original's metadata, whose permissions and owner the new file keeps.
        original: Option<Box<std::fs::Metadata>>,
    },
    /// A FIFO or character device, written in place.
    Stream(BufWriter<File>),
}

impl PendingFile {
    /// Starts writing `path`: a new file, an existing regular file (replaced on commit; a
    /// symbolic link is followed, so the link stays a link), a FIFO or a character device.
    pub fn create(path: &Path) -> Result<PendingFile, WriteError> {
        let fail = |message: String| WriteError {
            path: path.to_path_buf(),
            message,
        };
        let target = match std::fs::canonicalize(path) {
            Ok(real) => real,
            Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                return Err(fail("it is a symbolic link to a missing file".to_string()))
            }
            Err(_) => path.to_path_buf(),
        };
        let original = match std::fs::metadata(&target) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(fail(io_message(&e))),
        };
        let sink = match &original {
            Some(m) if is_stream(m) => Sink::Stream(BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&target)
                    .map_err(|e| fail(io_message(&e)))?,
            )),
            Some(m) if !m.is_file() => {
                return Err(fail(format!("not a regular file ({})", kind_of(m))))
            }
            _ => {
                let dir = match target.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => dir,
                    _ => Path::new("."),
                };
                let mut builder = tempfile::Builder::new();
                builder.prefix(".asl-lint-").suffix(".tmp");
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // A new file gets what any program's new file gets: 0666 less the umask
                    // (the kernel applies it on open). An existing one keeps its own mode.
                    builder.permissions(std::fs::Permissions::from_mode(0o666));
                }
                let temp = builder.tempfile_in(dir).map_err(|e| fail(io_message(&e)))?;
                Sink::Replace {
                    temp: BufWriter::new(temp),
                    target,
                    original: original.map(Box::new),
                }
            }
        };
        Ok(PendingFile {
            shown: path.to_path_buf(),
            sink,
            error: None,
            #[cfg(test)]
            space: None,
        })
    }

    /// Makes the written bytes the file's content, or reports why not (the original is then
    /// unchanged, and the temporary file removed).
    pub fn commit(self) -> Result<(), WriteError> {
        let shown = self.shown;
        let fail = |e: std::io::Error| WriteError {
            path: shown.clone(),
            message: io_message(&e),
        };
        if let Some(e) = self.error {
            return Err(fail(e));
        }
        match self.sink {
            Sink::Stream(mut file) => file.flush().map_err(fail),
            Sink::Replace {
                temp,
                target,
                original,
            } => {
                let temp = temp.into_inner().map_err(|e| fail(e.into_error()))?;
                if let Some(original) = &original {
                    keep_attributes(temp.as_file(), original).map_err(fail)?;
                }
                temp.as_file().sync_all().map_err(fail)?;
                temp.persist(&target).map_err(|e| fail(e.error))?;
                // The rename is durable once the directory is; a failure here loses nothing.
                if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                    if let Ok(dir) = File::open(dir) {
                        let _ = dir.sync_all();
                    }
                }
                Ok(())
            }
        }
    }

    fn inner(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Replace { temp, .. } => temp,
            Sink::Stream(file) => file,
        }
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(e) = &self.error {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        #[cfg(test)]
        if let Some(space) = &mut self.space {
            if buf.len() > *space {
                self.error = Some(std::io::Error::from_raw_os_error(28));
                return Err(std::io::Error::from_raw_os_error(28));
            }
            *space -= buf.len();
        }
        let result = self.inner().write(buf);
        if let Err(e) = &result {
            self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
        result
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(e) = &self.error {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        let result = self.inner().flush();
        if let Err(e) = &result {
            self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

fn is_stream(metadata: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = metadata.file_type();
        t.is_fifo() || t.is_char_device()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        false
    }
}

/// The original file's permissions, and its owner where this process may set it.
fn keep_attributes(file: &File, original: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let current = file.metadata()?;
        if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
            // Only root may give a file away; anyone else keeps the file as theirs.
            let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        }
    }
    file.set_permissions(original.permissions())
}

/// Identifies a file whatever path names it (hard links, symbolic links, `./` and `../`), to
/// refuse writing over a file the run reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    /// `None` when the path does not exist (or cannot be inspected).
    pub fn of(path: &Path) -> Option<FileId> {
        let metadata = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                device: metadata.dev(),
                inode: metadata.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            // No inode numbers: a hash of the canonical path stands in for one.
            use std::hash::{Hash, Hasher};
            let _ = metadata;
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            std::fs::canonicalize(path).ok()?.hash(&mut hasher);
            Some(FileId {
                device: 0,
                inode: hasher.finish(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_and_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flow.asl.json");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_original_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flow.asl.json");
        let original = "x".repeat(8192);
        std::fs::write(&path, &original).unwrap();
        let mut file = PendingFile::create(&path).unwrap();
        file.space = Some(4096);
        let err = file.write_all(&[b'y'; 9000]).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        let err = file.commit().unwrap_err();
        assert!(err.to_string().contains("no space left"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let usual = dir.path().join("usual");
        std::fs::File::create(&usual).unwrap();
        let ours = dir.path().join("report.sarif");
        write_file(&ours, b"{}").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&usual));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_full_device_is_an_error() {
        let err = write_file(Path::new("/dev/full"), b"report").unwrap_err();
        assert!(err.to_string().contains("no space left"), "{err}");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(dir.path(), b"x").unwrap_err();
        assert!(
            err.message.contains("not a regular file (a directory)"),
            "{err}"
        );
    }

    #[test]
    fn file_ids_see_through_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "{}").unwrap();
        let dotted = dir.path().join(".").join("a.json");
        assert_eq!(FileId::of(&path), FileId::of(&dotted));
        assert_eq!(FileId::of(&dir.path().join("missing")), None);
    }
}
