//! asl-lint: a static linter for AWS Step Functions state machines (Amazon States Language).
//!
//! Flow: source text → `document` (spanned JSON) → `model` (typed states and scopes) →
//! `graph` (transitions) → `rules` → `diagnostic` → `report`.

pub mod asl;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod cores;
pub mod dataflow;
pub mod diagnostic;
pub mod disable;
pub mod discover;
pub mod document;
pub mod edits;
pub mod engine;
pub mod files;
pub mod fix;
pub mod graph;
pub mod hash;
pub mod jsonata;
pub mod jsonata_sites;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod outline;
pub mod permissions;
pub mod placeholder;
pub mod quote;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod template;
pub mod tool;
pub mod variables;
