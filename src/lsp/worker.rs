//! Linting off the main thread. Edits queue their document (once, however many arrive); the
//! worker lints the newest text when it gets to it, so a burst of keystrokes costs one lint.
//! Results are published only if the document still has the version linted, checked under the
//! same lock edits take: a newer version supersedes older work, and stale diagnostics never
//! reach the editor.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification};

use lsp_types::{MessageType, PublishDiagnosticsParams, ShowMessageParams, Uri};
use serde_json::Value;

use super::documents::{self, Document, Linted};
use super::position::Encoding;
use super::transport;
use crate::engine::Engine;
use crate::hash::FastMap;

/// What the main thread and the worker share.
pub struct Shared {
    pub engine: Engine,
    pub encoding: Encoding,
    pub documents: Mutex<FastMap<Uri, Document>>,
    queue: Queue,
    out: Sender<Message>,
    /// Configuration errors already shown, so each is shown once.
    reported: Mutex<HashSet<String>>,
}

impl Shared {
    pub fn new(engine: Engine, encoding: Encoding, out: Sender<Message>) -> Shared {
        Shared {
            engine,
            encoding,
            documents: Mutex::default(),
            queue: Queue::default(),
            out,
            reported: Mutex::default(),
        }
    }

    pub fn documents(&self) -> MutexGuard<'_, FastMap<Uri, Document>> {
        lock(&self.documents)
    }

    /// Queues a document to be linted.
    pub fn schedule(&self, uri: Uri) {
        self.queue.push(uri);
    }

    /// Queues every open document, forgetting their results (after a configuration file or
    /// a template changed).
    pub fn schedule_all(&self) {
        let uris: Vec<Uri> = {
            let mut documents = self.documents();
            documents.values_mut().for_each(|d| d.linted = None);
            documents.keys().cloned().collect()
        };
        for uri in uris {
            self.schedule(uri);
        }
    }

    /// Stops the worker: queued documents are left unlinted.
    pub fn stop(&self) {
        self.queue.stop();
    }

    /// The lint of the document's current version, linting it now when the worker has not.
    pub fn current(&self, uri: &Uri) -> Option<Arc<Linted>> {
        let (target, text, version) = {
            let documents = self.documents();
            let document = documents.get(uri)?;
            if let Some(linted) = document.is_current() {
                return Some(Arc::clone(linted));
            }
            (
                document.target.clone(),
                Arc::clone(&document.text),
                document.version,
            )
        };
        let linted = self.lint(uri, &target, text, version)?;
        Some(self.publish(uri, linted))
    }

    /// Lints the document `uri` names, if its current version has no results yet.
    fn lint_queued(&self, uri: &Uri) {
        let (target, text, version) = {
            let documents = self.documents();
            let Some(document) = documents.get(uri) else {
                return;
            };
            if document.is_current().is_some() {
                return;
            }
            (
                document.target.clone(),
                Arc::clone(&document.text),
                document.version,
            )
        };
        if let Some(linted) = self.lint(uri, &target, text, version) {
            self.publish(uri, linted);
        }
    }

    fn lint(
        &self,
        uri: &Uri,
        target: &documents::Target,
        text: Arc<String>,
        version: i32,
    ) -> Option<Arc<Linted>> {
        let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            documents::lint(&self.engine, target, text, version, uri, self.encoding)
        }));
        self.report_config_errors();
        match linted {
            Ok(linted) => Some(Arc::new(linted)),
            Err(panic) => {
                let message = format!(
                    "internal error, please report it: asl-lint crashed on {} ({})",
                    target.name(),
                    super::panic_message(&panic)
                );
                self.show(MessageType::ERROR, message);
                None
            }
        }
    }

    /// Keeps and publishes `linted` if the document is still at its version; returns the
    /// results kept for that version.
    fn publish(&self, uri: &Uri, linted: Arc<Linted>) -> Arc<Linted> {
        let mut documents = self.documents();
        let Some(document) = documents.get_mut(uri) else {
            return linted;
        };
        if document.version != linted.version {
            return linted;
        }
        if let Some(kept) = document.is_current() {
            return Arc::clone(kept);
        }
        document.linted = Some(Arc::clone(&linted));
        if linted.ours || document.shown {
            let params = PublishDiagnosticsParams::new(
                uri.clone(),
                linted.published.clone(),
                Some(linted.version),
            );
            self.notify("textDocument/publishDiagnostics", params);
            document.shown = !linted.published.is_empty();
        }
        linted
    }

    /// Clears what the editor shows for a document being closed.
    pub fn clear(&self, uri: &Uri, document: &Document) {
        if document.shown {
            let params = PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None);
            self.notify("textDocument/publishDiagnostics", params);
        }
    }

    pub fn notify(&self, method: &str, params: impl serde::Serialize) {
        let params = serde_json::to_value(params).unwrap_or(Value::Null);
        let method = method.to_string();
        transport::send(&self.out, Notification { method, params });
    }

    pub fn show(&self, typ: MessageType, message: String) {
        self.notify("window/showMessage", ShowMessageParams { typ, message });
    }

    /// Shows configuration files that could not be read, once each.
    pub fn report_config_errors(&self) {
        for error in self.engine.config_errors() {
            if lock(&self.reported).insert(error.clone()) {
                self.show(MessageType::ERROR, format!("asl-lint: {error}"));
            }
        }
    }

    /// After the configuration was read again, its errors are shown again.
    pub fn forget_reported(&self) {
        lock(&self.reported).clear();
    }
}

/// Documents waiting to be linted, each once, oldest first.
#[derive(Default)]
struct Queue {
    state: Mutex<QueueState>,
    ready: Condvar,
}

#[derive(Default)]
struct QueueState {
    pending: VecDeque<Uri>,
    stopped: bool,
}

impl Queue {
    fn push(&self, uri: Uri) {
        let mut state = lock(&self.state);
        if !state.pending.contains(&uri) {
            state.pending.push_back(uri);
        }
        self.ready.notify_one();
    }

    /// The next document, waiting for one; `None` once stopped.
    fn pop(&self) -> Option<Uri> {
        let mut state = lock(&self.state);
        loop {
            if state.stopped {
                return None;
            }
            if let Some(uri) = state.pending.pop_front() {
                return Some(uri);
            }
            state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn stop(&self) {
        lock(&self.state).stopped = true;
        self.ready.notify_all();
    }
}

/// Starts the thread that lints queued documents.
pub fn spawn(shared: Arc<Shared>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while let Some(uri) = shared.queue.pop() {
            shared.lint_queued(&uri);
        }
    })
}

/// A poisoned lock only means a request handler panicked; the data is still usable.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
