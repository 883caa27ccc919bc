//! Every byte asl-lint reads from or writes to a file goes through here: one bounded reader
//! (regular files only, a size cap) and one atomic writer (a temporary file renamed over the
//! target, errors reported).

pub mod read;
pub mod write;

pub use read::{
    io_message, read_file, read_file_into, read_file_with, read_stdin, read_text, ReadError,
    DEFAULT_MAX_FILE_SIZE,
};
pub use write::{write_file, FileId, PendingFile, WriteError};
