//! Work on both cores with results in input order: files are linted in parallel, and each
//! report is handed on as soon as every earlier one has been, so output streams and memory
//! holds only the reports of files in flight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::lock;

/// How far ahead of the oldest unfinished item a worker may run, per thread: bounds the
/// reports held back while one slow file finishes.
const AHEAD_PER_THREAD: usize = 32;

/// Items produced at a time, and batches produced ahead of the workers.
const BATCH: usize = 16;
const BATCHES_AHEAD: usize = 4;

/// Calls `sink` with `f(item)` for every item, in order, computing up to one item per core
/// at a time. Items are taken from `items` as they are needed (a walk of a repository is never
/// held as a list). The calling thread is one of the workers: it hands on what is ready and
/// lints the next file instead of sleeping until another thread's report arrives (waking it
/// for every file cost a tenth of a repository's run in scheduling).
pub fn for_each<T: Send, R: Send>(
    items: impl Iterator<Item = T> + Send,
    f: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R),
) {
    let at_most = items.size_hint().1.unwrap_or(usize::MAX);
    let threads = crate::cores::cores().min(at_most);
    if threads <= 1 {
        for item in items {
            sink(f(&item));
        }
        return;
    }
    let window = threads * AHEAD_PER_THREAD;
    // (items handed to the sink, workers waiting for it to move on): waking costs a system
    // call, so it happens only when somebody waits.
    let emitted = Mutex::new((0usize, 0usize));
    let progressed = Condvar::new();
    let run = |item: &T| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)));
    // A panic in `f` must not leave the other workers waiting for its slot forever: it is
    // carried to this thread and raised again once the others are done.
    let (tx, rx) = mpsc::channel::<(usize, std::thread::Result<R>)>();
    // Producing items (walking a directory) runs in a thread of its own, a batch ahead: done
    // under the workers' lock, it kept one of them waiting for the other.
    let (batches, received) = mpsc::sync_channel::<Vec<T>>(BATCHES_AHEAD);
    let source = Source {
        state: Mutex::new(SourceState {
            batches: received,
            batch: std::collections::VecDeque::new(),
            handed: 0,
            exhausted: false,
        }),
    };
    let source = &source;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for item in items {
                batch.push(item);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if batches.send(full).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = batches.send(batch);
            }
        });
        for _ in 1..threads {
            let tx = tx.clone();
            let (emitted, progressed, run) = (&emitted, &progressed, &run);
            scope.spawn(move || {
                while let Some((i, item)) = source.take(usize::MAX) {
                    {
                        let mut state = lock(emitted);
                        while i >= state.0 + window {
                            state.1 += 1;
                            state = progressed.wait(state).unwrap_or_else(|p| p.into_inner());
                            state.1 -= 1;
                        }
                    }
                    if tx.send((i, run(&item))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Should the sink panic, the others must not wait for it forever.
        let _release = Release {
            source,
            emitted: &emitted,
            progressed: &progressed,
        };
        let mut pending = BTreeMap::new();
        let mut want = 0;
        let mut panicked = None;
        let mut exhausted = false;
        loop {
            while let Ok((i, result)) = rx.try_recv() {
                pending.insert(i, result);
            }
            while let Some(result) = pending.remove(&want) {
                match result {
                    Ok(result) => sink(result),
                    Err(payload) => panicked = panicked.or(Some(payload)),
                }
                want += 1;
                let mut state = lock(&emitted);
                state.0 = want;
                if state.1 > 0 {
                    progressed.notify_all();
                }
            }
            if !exhausted {
                match source.take(want + window) {
                    Some((i, item)) => {
                        pending.insert(i, run(&item));
                        continue;
                    }
                    None => exhausted = source.is_exhausted(),
                }
            }
            // Nothing to lint here: wait for a worker's report (none left: all are done).
            match rx.recv() {
                Ok((i, result)) => {
                    pending.insert(i, result);
                }
                Err(_) if pending.is_empty() => break,
                Err(_) => {}
            }
        }
        if let Some(payload) = panicked {
            std::panic::resume_unwind(payload);
        }
    });
}

/// Items handed out in order, each with its index.
struct Source<T> {
    state: Mutex<SourceState<T>>,
}

struct SourceState<T> {
    batches: mpsc::Receiver<Vec<T>>,
    /// What is left of the batch being handed out.
    batch: std::collections::VecDeque<T>,
    /// How many items were handed out.
    handed: usize,
    exhausted: bool,
}

impl<T> Source<T> {
    /// The next item, unless its index would be `limit` or more.
    fn take(&self, limit: usize) -> Option<(usize, T)> {
        let mut state = lock(&self.state);
        if state.handed >= limit {
            return None;
        }
        if state.batch.is_empty() && !state.exhausted {
            match state.batches.recv() {
                Ok(batch) => state.batch = batch.into(),
                Err(_) => state.exhausted = true,
            }
        }
        let item = state.batch.pop_front()?;
        state.handed += 1;
        Some((state.handed - 1, item))
    }

    fn is_exhausted(&self) -> bool {
        let state = lock(&self.state);
        state.exhausted && state.batch.is_empty()
    }

    /// Hands out nothing more, and lets the producer end (its next send fails).
    fn close(&self) {
        let mut state = lock(&self.state);
        state.exhausted = true;
        state.batch.clear();
        state.batches = mpsc::sync_channel(0).1;
    }
}

/// When the calling thread unwinds (its sink panicked), releases the producer and the workers
/// waiting on the window, so that the scope can end and the panic go on.
struct Release<'a, T> {
    source: &'a Source<T>,
    emitted: &'a Mutex<(usize, usize)>,
    progressed: &'a Condvar,
}

impl<T> Drop for Release<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.source.close();
            lock(self.emitted).0 = usize::MAX / 2;
            self.progressed.notify_all();
        }
    }
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

    #[test]
    fn for_each_hands_on_in_order_from_a_source_of_unknown_length() {
        // `filter` hides the length, as a walk does.
        let source = (0..2000u64).filter(|_| true);
        let mut seen = Vec::new();
        for_each(
            source,
            |&i| {
                if i % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
                i * 3
            },
            |r| seen.push(r),
        );
        assert_eq!(seen, (0..2000u64).map(|i| i * 3).collect::<Vec<_>>());
        let mut none = Vec::new();
        for_each(std::iter::empty::<u64>(), |&i| i, |r| none.push(r));
        assert!(none.is_empty());
    }

    #[test]
    fn a_panic_in_any_worker_reaches_the_caller_after_the_rest() {
        let mut seen = 0;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for_each(
                (0..300u64).filter(|_| true),
                |&i| {
                    assert!(i != 150, "boom");
                    i
                },
                |_| seen += 1,
            )
        }));
        assert!(outcome.is_err());
        if crate::cores::cores() > 1 {
            assert_eq!(seen, 299, "every other item is still handed on");
        }
    }

    #[test]
    fn a_panicking_sink_ends_the_run_instead_of_hanging_it() {
        let outcome = std::panic::catch_unwind(|| {
            for_each(
                (0..5000u64).filter(|_| true),
                |&i| i,
                |i| assert!(i != 5, "sink fails"),
            )
        });
        assert!(outcome.is_err());
    }
}
