//! The one reader: regular files only, never more than a size limit, so a FIFO, a device or a
//! runaway file cannot hang a run or exhaust memory. Definitions, templates, configuration,
//! baselines, graph inputs and the language server's files all come through here.

use std::io::Read;
use std::path::Path;

/// Well above the largest definition (1 MB) and template (1 MB) AWS accepts.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// A directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// Bigger than the limit: reported as a finding in the file, not as a failure to read it.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Text was expected (configuration, baseline) and the bytes are not UTF-8.
    NotUtf8,
    Io(String),
}

impl ReadError {
    pub fn message(&self) -> String {
        match self {
            ReadError::NotRegular(kind) => format!("not a regular file ({kind})"),
            ReadError::TooLarge { size, limit } => too_large_message(*size, *limit),
            ReadError::NotUtf8 => "not UTF-8 text".to_string(),
            ReadError::Io(message) => message.clone(),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

pub fn too_large_message(size: u64, limit: u64) -> String {
    format!(
        "the file is {size} bytes, over the {limit}-byte limit for one input, so it is not read"
    )
}

/// An I/O error as a short sentence, without the "(os error N)" the standard library adds.
pub fn io_message(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        return "no such file or directory".to_string();
    }
    let text = err.to_string();
    let text = match text.find(" (os error ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reads `path` if it is a regular file of at most `limit` bytes. The file is opened without
/// blocking and checked again on the open handle, so a FIFO swapped in between cannot hang the
/// read; the limit is checked on the metadata and again while reading, in case the file grows.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Checked by path first, so a device is never even opened, then on the open handle.
    regular(std::fs::metadata(path), limit)?;
    let file = open(path).map_err(|e| ReadError::Io(io_message(&e)))?;
    let size = regular(file.metadata(), limit)?;
    read_bounded(file, limit, size)
}

/// `read_file` into `buffer` (cleared first), for files a directory walk found to be regular:
/// a caller that reads many files only to look at them reuses one allocation, and saves the
/// look-up by path before the open (the type is still checked on the open handle, so a FIFO
/// swapped in since the walk is refused without blocking).
pub fn read_file_into(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    buffer.clear();
    let file = open(path).map_err(|e| ReadError::Io(io_message(&e)))?;
    let size = regular(file.metadata(), limit)?;
    buffer.reserve(size.min(limit) as usize);
    let read = file
        .take(limit.saturating_add(1))
        .read_to_end(buffer)
        .map_err(|e| ReadError::Io(io_message(&e)))?;
    if read as u64 > limit {
        buffer.clear();
        return Err(ReadError::TooLarge {
            size: read as u64,
            limit,
        });
    }
    Ok(())
}

/// `read_file_into` a buffer this thread keeps, and `look` at the bytes: for walks that read
/// many files only to look at them. A rare large file does not keep its buffer afterwards.
pub fn read_file_with<R>(
    path: &Path,
    limit: u64,
    look: impl FnOnce(&[u8]) -> R,
) -> Result<R, ReadError> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        let read = read_file_into(path, limit, &mut buffer);
        let looked = read.map(|()| look(&buffer));
        if buffer.capacity() > 1 << 20 {
            *buffer = Vec::new();
        }
        looked
    })
}

/// The size of a regular file within the limit.
fn regular(metadata: std::io::Result<std::fs::Metadata>, limit: u64) -> Result<u64, ReadError> {
    let metadata = metadata.map_err(|e| ReadError::Io(io_message(&e)))?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(&metadata)));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    Ok(metadata.len())
}

/// `read_file` for text: configuration files and baselines.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_file(path, limit)?).map_err(|_| ReadError::NotUtf8)
}

/// Reads standard input up to `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<Vec<u8>, ReadError> {
    read_bounded(std::io::stdin().lock(), limit, 0)
}

/// Reads at most `limit` bytes of `reader`, and fails if there are more.
fn read_bounded(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize);
    // One byte past the limit tells "exactly the limit" from "more"; saturating, because a
    // limit of u64::MAX plus one would wrap to a limit of nothing.
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(io_message(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; on a
    // regular file it changes nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a path that is not a regular file is, in words.
pub fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let t = metadata.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_file(&file, 10).unwrap(), b"{}");
        assert_eq!(read_file(&file, 2).unwrap(), b"{}");
        assert_eq!(
            read_file(&file, 1),
            Err(ReadError::TooLarge { size: 2, limit: 1 })
        );
        // The largest limit reads the file, instead of wrapping to a limit of 0.
        assert_eq!(read_file(&file, u64::MAX).unwrap(), b"{}");
        assert_eq!(
            read_file(dir.path(), 10),
            Err(ReadError::NotRegular("a directory"))
        );
        #[cfg(unix)]
        assert_eq!(
            read_file(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        );
        assert_eq!(
            read_file(&dir.path().join("missing"), 10),
            Err(ReadError::Io("no such file or directory".into()))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_file(&fifo, 10), Err(ReadError::NotRegular("a FIFO")));
        assert_eq!(read_text(&fifo, 10), Err(ReadError::NotRegular("a FIFO")));
    }

    #[test]
    fn reading_into_a_buffer_reuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        let b = dir.path().join("b.json");
        std::fs::write(&a, "{\"a\": 1}").unwrap();
        std::fs::write(&b, "[]").unwrap();
        let mut buffer = Vec::new();
        read_file_into(&a, 100, &mut buffer).unwrap();
        assert_eq!(buffer, b"{\"a\": 1}");
        read_file_into(&b, 100, &mut buffer).unwrap();
        assert_eq!(buffer, b"[]");
        assert_eq!(
            read_file_into(&a, 3, &mut buffer),
            Err(ReadError::TooLarge { size: 8, limit: 3 })
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn text_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, b"a = \xff").unwrap();
        assert_eq!(read_text(&file, 100), Err(ReadError::NotUtf8));
    }

    #[test]
    fn io_messages_are_plain() {
        let err = std::io::Error::from_raw_os_error(13);
        assert_eq!(io_message(&err), "permission denied");
    }
}
