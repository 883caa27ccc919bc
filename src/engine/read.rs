//! Reading an input: regular files only, and never more than the size limit, so a FIFO, a
//! device or a runaway file cannot hang the run or exhaust memory.

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
    Io(String),
}

impl ReadError {
    pub fn message(&self) -> String {
        match self {
            ReadError::NotRegular(kind) => format!("not a regular file ({kind})"),
            ReadError::TooLarge { size, limit } => too_large_message(*size, *limit),
            ReadError::Io(message) => message.clone(),
        }
    }
}

pub fn too_large_message(size: u64, limit: u64) -> String {
    format!(
        "the file is {} bytes, over the {limit}-byte limit for one input, so it is not linted",
        size
    )
}

/// Reads `path` if it is a regular file of at most `limit` bytes. The limit is checked on
/// the metadata and again while reading, in case the file grows.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(|e| ReadError::Io(super::io_message(&e)))?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(&metadata)));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(super::io_message(&e)))?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads standard input up to `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
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
        let dir = std::env::temp_dir().join(format!("asl-lint-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.json");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(read_file(&file, 10).unwrap(), b"{}");
        assert_eq!(
            read_file(&file, 1),
            Err(ReadError::TooLarge { size: 2, limit: 1 })
        );
        assert_eq!(
            read_file(&dir, 10),
            Err(ReadError::NotRegular("a directory"))
        );
        #[cfg(unix)]
        assert_eq!(
            read_file(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
