//! How many threads the work is spread over.

/// The cores this process may use, asked once: the standard library reads the cgroup files
/// again at every call.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
