//! Work on both cores with results in input order: files are linted in parallel, and each
//! report is handed on as soon as every earlier one has been, so output streams and memory
//! holds only the reports of files in flight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// How far ahead of the oldest unfinished item a worker may run, per thread: bounds the
/// reports held back while one slow file finishes.
const AHEAD_PER_THREAD: usize = 32;

/// Calls `sink` with `f(item)` for every item, in order, computing up to one item per core
/// at a time.
pub fn for_each<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R),
) {
    let threads = crate::cores::cores().min(items.len());
    if threads <= 1 {
        for item in items {
            sink(f(item));
        }
        return;
    }
    let window = threads * AHEAD_PER_THREAD;
    let next = AtomicUsize::new(0);
    // (items handed to the sink, workers waiting for it to move on): waking costs a system
    // call, so it happens only when somebody waits.
    let emitted = Mutex::new((0usize, 0usize));
    let progressed = Condvar::new();
    // A panic in `f` must not leave the other workers waiting for its slot forever: it is
    // carried to this thread and raised again once the others are done.
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, emitted, progressed, f) = (&next, &emitted, &progressed, &f);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    return;
                };
                {
                    let mut state = emitted.lock().unwrap_or_else(|p| p.into_inner());
                    while i >= state.0 + window {
                        state.1 += 1;
                        state = progressed.wait(state).unwrap_or_else(|p| p.into_inner());
                        state.1 -= 1;
                    }
                }
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)));
                if tx.send((i, result)).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0;
        let mut panicked = None;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&want) {
                match result {
                    Ok(result) => sink(result),
                    Err(payload) => panicked = panicked.or(Some(payload)),
                }
                want += 1;
                let mut state = emitted.lock().unwrap_or_else(|p| p.into_inner());
                state.0 = want;
                if state.1 > 0 {
                    progressed.notify_all();
                }
            }
        }
        if let Some(payload) = panicked {
            std::panic::resume_unwind(payload);
        }
    });
}

/// `f` over every item, results in input order. Workers take items from a shared counter and
/// keep their results; nothing is handed between threads until the end.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = crate::cores::cores().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            all.extend(done);
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_whatever_the_timing() {
        let items: Vec<u64> = (0..500).collect();
        let out = map(&items, |&i| {
            if i % 7 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
            i * 2
        });
        assert_eq!(out, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(map(&[] as &[u64], |&i| i).is_empty());
    }
}
