//! A real editor: headless Neovim runs the README's set-up lines (its built-in LSP client
//! starting `asl-lint lsp`), opens a broken definition, and `tests/neovim/harness.lua` reports
//! what Neovim got: `vim.diagnostic.get()`, a hover, a definition, a quick fix applied, and
//! the diagnostics after saving an `.asl-lint.toml` in the editor.
//!
//! Without `nvim` the test skips with a note, except under CI (`CI` set), where it fails:
//! `.ci/run` installs Debian's `neovim` package.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SAMPLE: &str = include_str!("../fixtures/sample/order-workflow.asl.json");
const HARNESS: &str = include_str!("neovim/harness.lua");

/// The Lua between the README's `neovim:start` and `neovim:end` markers, without its fence.
fn readme_setup() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- neovim:start -->")
        .expect("README marks the Neovim set-up");
    let end = readme
        .find("<!-- neovim:end -->")
        .expect("README marks its end");
    let block = &readme[start..end];
    let body = block
        .split_once("```lua\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(lua, _)| lua)
        .expect("a ```lua block between the markers");
    body.to_string()
}

fn nvim_version() -> Option<String> {
    let output = Command::new("nvim").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output
        .status
        .success()
        .then(|| text.lines().next().unwrap_or("").to_string())
}

fn line_of(needle: &str) -> i64 {
    SAMPLE[..SAMPLE.find(needle).unwrap()].matches('\n').count() as i64 + 1
}

#[test]
fn neovim_shows_diagnostics_hover_definitions_and_fixes() {
    let Some(version) = nvim_version() else {
        if std::env::var_os("CI").is_some() {
            panic!("nvim is not installed; .ci/run installs it with apt-get install neovim");
        }
        common::skip(
            "neovim_shows_diagnostics_hover_definitions_and_fixes: nvim is not installed (apt-get install neovim)",
        );
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("neovim");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("order.asl.json"), SAMPLE).unwrap();
    std::fs::write(dir.join("init.lua"), readme_setup()).unwrap();
    std::fs::write(dir.join("harness.lua"), HARNESS).unwrap();

    let binary = PathBuf::from(env!("CARGO_BIN_EXE_asl-lint"));
    let mut path = std::ffi::OsString::from(binary.parent().unwrap());
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    let xdg = dir.join("xdg");
    let mut child = Command::new("nvim")
        .args([
            "--headless",
            "--noplugin",
            "-n",
            "-i",
            "NONE",
            "-u",
            "init.lua",
        ])
        .args(["-c", "luafile harness.lua"])
        .current_dir(&dir)
        .env("PATH", path)
        // Neovim's own files (the LSP log among them) stay in the test's directory.
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let result: Value = match std::fs::read_to_string(dir.join("result.json")) {
        Ok(text) => serde_json::from_str(&text).unwrap(),
        Err(_) => panic!(
            "{version} wrote no result ({}); stderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    };
    assert!(result.get("problem").is_none(), "{version}: {result:#}");

    // The findings the command line reports, at its lines, from asl-lint.
    let diagnostics = result["diagnostics"].as_array().unwrap();
    let seen: Vec<(&str, i64)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("heartbeat-not-less-than-timeout", line_of("\"HeartbeatSeconds\"")),
            ("retry-catch-all-not-last", line_of("{ \"ErrorEquals\": [\"States.ALL\"]")),
            ("integration-result-shape", line_of("\"Payload.$\": \"$.order\"\n      },\n      \"Retry\": [{ \"ErrorEquals\": [\"Lambda")),
            ("unknown-target", line_of("\"Next\": \"Done\"")),
            ("catch-replaces-input", line_of("\"$.order\"\n      },\n      \"Retry\": [{ \"ErrorEquals\": [\"States.TaskFailed\"]")),
            ("unreachable-state", line_of("\"done\": {")),
        ],
        "{version}: {result:#}"
    );
    assert!(diagnostics.iter().all(|d| d["source"] == "asl-lint"));
    assert_eq!(diagnostics[3]["column"], 15);
    assert_eq!(diagnostics[3]["severity"], 1);

    let hover = result["hover"].as_str().unwrap_or("");
    assert!(hover.starts_with("# unknown-target"), "{version}: {hover}");
    assert_eq!(result["definition_line"], line_of("\"Refund\": {"));
    let actions: Vec<&str> = result["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"disable unknown-target for state 'Ship order'"),
        "{actions:?}"
    );
    assert_eq!(result["fixed_line"], "      \"Next\": \"done\"");
    let after: Vec<&str> = result["after_fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        after,
        [
            "heartbeat-not-less-than-timeout",
            "retry-catch-all-not-last",
            "integration-result-shape",
            "catch-replaces-input"
        ]
    );
    let after: Vec<&str> = result["after_config"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        after,
        [
            "retry-catch-all-not-last",
            "integration-result-shape",
            "catch-replaces-input"
        ],
        "{result:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
