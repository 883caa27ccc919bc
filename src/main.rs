// A linter allocates many small, short-lived nodes; mimalloc makes building and freeing the
// document tree several times faster than the system allocator (measured in benches/lint.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Transparent huge pages: the first touch of each 2 MB region has the kernel zero all of
    // it. A lint touches little memory in many places (a thread per core, a buffer per file),
    // so that zeroing was a third of the time of a named file in a large repository, and peak
    // memory grew in 2 MB steps. Small pages only: mimalloc is built without asking for huge
    // pages (its `no_thp` feature; the arena it makes before `main` was still zeroed 2 MB at a
    // time), and the process declines them for any other mapping.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and affects only this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    std::process::exit(asl_lint::cli::main());
}
