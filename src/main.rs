// A linter allocates many small, short-lived nodes; mimalloc makes building and freeing the
// document tree several times faster than the system allocator (measured in benches/lint.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(asl_lint::cli::main());
}
