//! `asl-lint lsp`: a Language Server Protocol server on stdin and stdout.
//!
//! Built on rust-analyzer's `lsp-server`: an `lsp_server::Connection` carries the messages,
//! and this module is the dispatch loop over it. Threads: a reader parses messages (see
//! `transport`), the main thread answers them in order, a worker lints the documents edits
//! queue (see `worker`), a writer writes what the others send. Findings come from the same
//! engine as the command line's, with the same content detection, configuration and template
//! contexts.

mod amend;
mod convert;
mod documents;
mod navigation;
mod permissions;
pub mod position;
mod requests;
mod transport;
mod worker;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};

use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileChangeType, FileSystemWatcher, GlobPattern, HoverProviderCapability, InitializeParams,
    InitializeResult, OneOf, PositionEncodingKind, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::config::{CommandLine, FILE_NAME};
use crate::discover::SKIPPED_DIRS;
use crate::engine::index::mentions_template;
use crate::engine::Engine;
use crate::files::{read_file, DEFAULT_MAX_FILE_SIZE};
use crate::hash::FastMap;
use documents::Document;
use position::Encoding;
use worker::Shared;

/// Runs the server until the client says `exit` or closes stdin; returns the exit code: 0 after
/// a `shutdown` request, 1 without one.
pub fn run() -> i32 {
    serve(io::stdin(), io::stdout())
}

/// The server on any pair of streams (the fuzz target feeds it bytes); returns as `run` does,
/// once every message is written and the lint worker has stopped.
pub fn serve(input: impl Read + Send + 'static, output: impl Write + Send + 'static) -> i32 {
    let (connection, writer) = transport::connect(input, output);
    let code = {
        let mut server = Server {
            out: connection.sender.clone(),
            shared: None,
            worker: None,
            shut_down: false,
            watch: false,
        };
        let code = server.serve(&connection);
        if let Some(shared) = &server.shared {
            shared.stop();
        }
        if let Some(worker) = server.worker.take() {
            let _ = worker.join();
        }
        code
    };
    // The last senders go with the connection: the writer writes what is left, then ends.
    drop(connection);
    let _ = writer.join();
    code
}

struct Server {
    out: Sender<Message>,
    /// Set by `initialize`.
    shared: Option<Arc<Shared>>,
    worker: Option<std::thread::JoinHandle<()>>,
    shut_down: bool,
    /// The client watches files for us when asked.
    watch: bool,
}

/// A request that could not be answered with a result.
type Failure = (ErrorCode, String);

impl Server {
    fn serve(&mut self, connection: &Connection) -> i32 {
        let exit_code = |shut_down: bool| if shut_down { 0 } else { 1 };
        while let Ok(message) = connection.receiver.recv() {
            match message {
                Message::Request(Request { id, method, params }) => {
                    let response = self.answer(id, &method, params);
                    transport::send(&self.out, response);
                }
                Message::Notification(n) if n.method == "exit" => {
                    return exit_code(self.shut_down);
                }
                Message::Notification(Notification { method, params }) => {
                    self.notification(&method, params);
                }
                Message::Response(_) => {}
            }
        }
        exit_code(self.shut_down)
    }

    fn answer(&mut self, id: RequestId, method: &str, params: Value) -> Response {
        match self.request(method, params) {
            Ok(result) => Response {
                id,
                response_result: Ok(result),
            },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, Failure> {
        if self.shut_down {
            return Err((
                ErrorCode::InvalidRequest,
                format!("{method}: the server is shutting down"),
            ));
        }
        let Some(shared) = self.shared.clone() else {
            if method == "initialize" {
                return self.initialize(parse(params)?);
            }
            return Err((
                ErrorCode::ServerNotInitialized,
                format!("{method}: the server is not initialized yet"),
            ));
        };
        let shared = &*shared;
        // A crash in one request is reported as that request's error; the server goes on.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Ok(match method {
                "initialize" => {
                    return Err((
                        ErrorCode::InvalidRequest,
                        "initialize was sent twice".to_string(),
                    ))
                }
                "shutdown" => {
                    self.shut_down = true;
                    shared.stop();
                    Value::Null
                }
                "textDocument/hover" => requests::hover(shared, parse(params)?),
                "textDocument/definition" => requests::definition(shared, parse(params)?),
                "textDocument/documentSymbol" => requests::symbols(shared, parse(params)?),
                "textDocument/codeAction" => requests::code_actions(shared, parse(params)?),
                _ => {
                    return Err((
                        ErrorCode::MethodNotFound,
                        format!("asl-lint does not handle {method}"),
                    ))
                }
            })
        }));
        outcome.unwrap_or_else(|panic| {
            Err((
                ErrorCode::InternalError,
                format!(
                    "internal error, please report it: {method} crashed ({})",
                    panic_message(&panic)
                ),
            ))
        })
    }

    fn initialize(&mut self, params: InitializeParams) -> Result<Value, Failure> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        let encoding = if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            == Some(true);
        let engine = Engine::new(CommandLine::default(), None)
            .map_err(|e| (ErrorCode::InternalError, e.0.join("; ")))?;
        let shared = Arc::new(Shared::new(engine, encoding, self.out.clone()));
        self.worker = Some(worker::spawn(Arc::clone(&shared)));
        self.shared = Some(shared);
        let capabilities = ServerCapabilities {
            position_encoding: Some(match encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            ..Default::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "asl-lint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    fn notification(&mut self, method: &str, params: Value) {
        // Before `initialize`, notifications are dropped; after `shutdown`, nothing changes.
        let Some(shared) = self.shared.clone() else {
            return;
        };
        if self.shut_down {
            return;
        }
        let shared = &*shared;
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match method {
            "initialized" => {
                self.register_watchers();
                Ok(())
            }
            "textDocument/didOpen" => parse(params).map(|p| did_open(shared, p)),
            "textDocument/didChange" => parse(params).map(|p| did_change(shared, p)),
            "textDocument/didSave" => parse(params).map(|p| did_save(shared, p)),
            "textDocument/didClose" => parse(params).map(|p| did_close(shared, p)),
            "workspace/didChangeWatchedFiles" => parse(params).map(|p| files_changed(shared, p)),
            // `$/cancelRequest` among them: requests are answered as they come.
            _ => Ok(()),
        }));
        let problem = match handled {
            Ok(Ok(())) => return,
            Ok(Err((_, problem))) => problem,
            Err(panic) => format!(
                "internal error, please report it: {method} crashed ({})",
                panic_message(&panic)
            ),
        };
        shared.notify(
            "window/logMessage",
            json!({"type": 1, "message": format!("asl-lint: {method}: {problem}")}),
        );
    }

    /// Asks the client to report changes to configuration files and templates on disk.
    fn register_watchers(&self) {
        if !self.watch {
            return;
        }
        let watchers = ["**/.asl-lint.toml", "**/*.{json,yaml,yml,tf,tofu}"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "asl-lint-watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = Request {
            id: RequestId::from("asl-lint-watch".to_string()),
            method: "client/registerCapability".to_string(),
            params: serde_json::to_value(params).unwrap_or(Value::Null),
        };
        transport::send(&self.out, request);
    }
}

fn parse<T: DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn did_open(shared: &Shared, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let uri = document.uri;
    let opened = Document::new(&uri, document.version, document.text);
    shared.documents().insert(uri.clone(), opened);
    shared.schedule(uri);
}

fn did_change(shared: &Shared, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    {
        let mut documents = shared.documents();
        let Some(document) = documents.get_mut(&uri) else {
            return;
        };
        document.apply(params.content_changes, shared.encoding);
        document.version = params.text_document.version;
    }
    shared.schedule(uri);
}

/// Saving a template or a configuration file changes how other documents lint: the engine
/// reads them again and every open document is linted again. Any other file is linted again
/// alone (its text has not changed, but a client may want diagnostics on save).
fn did_save(shared: &Shared, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    let affects_others = {
        let mut documents = shared.documents();
        let Some(document) = documents.get_mut(&uri) else {
            return;
        };
        document.linted = None;
        matches!(&document.target, documents::Target::File(path)
            if is_config(path) || mentions_template(document.text.as_bytes()))
    };
    if affects_others {
        reread(shared);
    } else {
        shared.schedule(uri);
    }
}

fn did_close(shared: &Shared, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let closed = shared.documents().remove(&uri);
    if let Some(document) = closed {
        shared.clear(&uri, &document);
    }
}

/// A configuration file, or a template (one that is now, or one that is deleted and may
/// have been), changed on disk. Files in directories a walk of their project skips
/// (`node_modules`, build copies) do not count; past a hundred changes at once (a checkout),
/// nothing is read.
fn files_changed(shared: &Shared, params: DidChangeWatchedFilesParams) {
    let mut roots = FastMap::default();
    let paths: Vec<(PathBuf, FileChangeType)> = params
        .changes
        .iter()
        .filter_map(|change| Some((convert::path_of(&change.uri)?, change.typ)))
        .filter(|(path, _)| !in_skipped_dir(path, &mut roots))
        .collect();
    let relevant = paths.len() > 100
        || paths.iter().any(|(path, typ)| {
            is_config(path)
                || *typ == FileChangeType::DELETED
                || read_file(path, DEFAULT_MAX_FILE_SIZE).is_ok_and(|b| mentions_template(&b))
        });
    if relevant {
        reread(shared);
    }
}

/// Whether `path` lies in a directory that a walk of its project skips. Only the part below
/// the project's root counts: a project may itself live under a directory named `target`.
fn in_skipped_dir(path: &Path, roots: &mut FastMap<PathBuf, Option<PathBuf>>) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    let root = crate::engine::index::project_root(dir, roots);
    path.strip_prefix(&root)
        .unwrap_or(path)
        .components()
        .any(|c| SKIPPED_DIRS.iter().any(|d| c.as_os_str() == *d))
}

fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// Reads configuration and templates again, then lints every open document again.
fn reread(shared: &Shared) {
    if let Err(errors) = shared.engine.forget_caches() {
        for error in errors.0 {
            shared.show(lsp_types::MessageType::ERROR, format!("asl-lint: {error}"));
        }
    }
    shared.forget_reported();
    shared.schedule_all();
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
