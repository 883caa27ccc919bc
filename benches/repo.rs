//! `cargo bench --bench repo`: a generated 10,000-file repository, linted by the release binary.
//! - one definition named alone (what a pre-commit hook runs), which must find its template;
//! - the whole repository (what a CI gate runs), with the peak memory of the process.
//!
//! Then the same measures on 30 copies of ../shared/corpus (real templates and definitions),
//! against the same file alone and the time to read the files, and the corpus's definitions
//! named at once against statelint-py (when target/statelint-venv holds it).
//!
//! The repository is 500 services, each a small project of 20 files of which 3 are ours: two
//! definitions and the SAM template that deploys one of them as EXPRESS. A `node_modules`
//! listed in `.gitignore` holds more files that must not be read at all.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SERVICES: usize = 500;

fn main() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-repo");
    generate(&root, SERVICES);
    let files = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(root.join(".git")))
        .count();
    println!("repository: {} ({files} files)", root.display());

    let named = Path::new("services/svc250/statemachine/approve.asl.json");
    let (t, cpu, rss) = best_of(10, &root, &[named.to_str().unwrap()]);
    println!(
        "one named definition (finds its template): {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB",
        ms(t),
        ms(cpu),
        mb(rss)
    );
    let (t, cpu, rss) = best_of(5, &root, &["."]);
    println!(
        "whole repository: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB",
        ms(t),
        ms(cpu),
        mb(rss)
    );
    // The same repository where three of each service's files are Terraform (a Lambda
    // function, an SQS queue, variables, outputs; no state machine): walking it may cost at
    // most 10% more than walking the one without them.
    let tf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-repo-tf");
    generate_with(&tf, SERVICES, true);
    // Alternated, so that load from elsewhere on the machine weighs on both alike.
    let (mut plain_t, mut plain_cpu, mut tf_t, mut tf_cpu, mut tf_rss) = (
        Duration::MAX,
        Duration::MAX,
        Duration::MAX,
        Duration::MAX,
        0,
    );
    for _ in 0..10 {
        let (t, cpu, _) = best_of(1, &root, &["."]);
        (plain_t, plain_cpu) = (plain_t.min(t), plain_cpu.min(cpu));
        let (t, cpu, rss) = best_of(1, &tf, &["."]);
        (tf_t, tf_cpu, tf_rss) = (tf_t.min(t), tf_cpu.min(cpu), tf_rss.max(rss));
    }
    println!(
        "whole repository with .tf files: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB; without them (same run): {:.1} ms wall, {:.1} ms CPU: {:+.1}% wall, {:+.1}% CPU",
        ms(tf_t),
        ms(tf_cpu),
        mb(tf_rss),
        ms(plain_t),
        ms(plain_cpu),
        (ms(tf_t) / ms(plain_t) - 1.0) * 100.0,
        (ms(tf_cpu) / ms(plain_cpu) - 1.0) * 100.0
    );
    // Memory must not grow with the number of files: the same repository, four times over.
    let big = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-repo-4x");
    generate(&big, 4 * SERVICES);
    let (t, cpu, rss) = best_of(3, &big, &["."]);
    println!(
        "the same, 4x the files: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB",
        ms(t),
        ms(cpu),
        mb(rss)
    );
    corpus_layout();
}

/// Real files: 30 copies of ../shared/corpus under one `.git` (about 10,000 files, 60 MB,
/// templates and definitions as the public samples write them), and the corpus itself.
fn corpus_layout() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("index.tsv").is_file() {
        println!("corpus layout: skipped, ../shared/corpus is not here");
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("bench-corpus-30x");
    copy_corpus(&corpus, &root, 30);
    let files = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(root.join(".git")))
        .collect::<Vec<_>>();
    let bytes: u64 = files
        .iter()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "corpus layout: {} ({} files, {:.1} MB)",
        root.display(),
        files.len(),
        mb(bytes)
    );
    let named = "copy15/asl/step-functions-workflows-collection/account-vending-machine__statemachine__statemachine.asl.json";
    let alone = tmp.join("bench-corpus-alone");
    let _ = std::fs::remove_dir_all(&alone);
    std::fs::create_dir_all(alone.join(".git")).unwrap();
    std::fs::copy(root.join(named), alone.join("flow.asl.json")).unwrap();
    // The scan cache trusts no directory changed in the last 2 s (a second change in the same
    // timestamp tick would not show): wait, so that the file alone is measured as the copies
    // are, with its project's walk cached.
    std::thread::sleep(Duration::from_millis(2100));
    // Its own cache directory, so the numbers do not depend on the user's.
    let cache = tmp.join("bench-cache");
    let _ = std::fs::remove_dir_all(&cache);
    std::env::set_var("ASL_LINT_CACHE_DIR", &cache);
    // Alternated, round by round: this VM has slow spells of several seconds, which made
    // blocks of runs measured one after the other differ by a third.
    best_of(1, &alone, &["flow.asl.json"]);
    best_of(1, &root, &[named]);
    let (mut alone_t, mut alone_cpu) = (Duration::MAX, Duration::MAX);
    let (mut cold_t, mut cold_cpu) = (Duration::MAX, Duration::MAX);
    let (mut t, mut cpu, mut rss) = (Duration::MAX, Duration::MAX, 0);
    let mut ratios = Vec::new();
    for _ in 0..20 {
        let (a, a_cpu, _) = best_of(1, &alone, &["flow.asl.json"]);
        let (n, n_cpu, n_rss) = best_of(1, &root, &[named]);
        let (c, c_cpu, _) = best_of(1, &root, &["--no-cache", named]);
        (alone_t, alone_cpu) = (alone_t.min(a), alone_cpu.min(a_cpu));
        (t, cpu, rss) = (t.min(n), cpu.min(n_cpu), rss.max(n_rss));
        (cold_t, cold_cpu) = (cold_t.min(c), cold_cpu.min(c_cpu));
        ratios.push(ms(n) / ms(a));
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "  one named definition: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB with the scan cache; {:.1} ms wall, {:.1} ms CPU with --no-cache; the same file alone: {:.1} ms wall, {:.1} ms CPU ({:.1}x, {:.1}x with --no-cache; in each of 20 alternated rounds: median {:.1}x, from {:.1}x to {:.1}x)",
        ms(t),
        ms(cpu),
        mb(rss),
        ms(cold_t),
        ms(cold_cpu),
        ms(alone_t),
        ms(alone_cpu),
        ms(t) / ms(alone_t),
        ms(cold_t) / ms(alone_t),
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
    let read = (0..3)
        .map(|_| {
            let start = Instant::now();
            for f in &files {
                std::hint::black_box(std::fs::read(f.path()).unwrap());
            }
            start.elapsed()
        })
        .min()
        .unwrap();
    let (t, cpu, rss) = best_of(3, &root, &["."]);
    println!(
        "  whole repository: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB; reading its files: {:.1} ms ({:.1}x)",
        ms(t),
        ms(cpu),
        mb(rss),
        ms(read),
        ms(t) / ms(read)
    );
    let big = tmp.join("bench-corpus-120x");
    copy_corpus(&corpus, &big, 120);
    let (t, cpu, big_rss) = best_of(1, &big, &["."]);
    println!(
        "  4x the copies: {:.1} ms wall, {:.1} ms CPU, peak {:.1} MB ({:+.1}% memory)",
        ms(t),
        ms(cpu),
        mb(big_rss),
        (big_rss as f64 / rss as f64 - 1.0) * 100.0
    );
    // The corpus's definitions named on one command line inside a repository that also holds
    // the corpus's templates (what a hook passes), against statelint-py on the same files.
    let one = tmp.join("bench-corpus-1x");
    copy_corpus(&corpus, &one, 1);
    let mut definitions: Vec<String> = walkdir::WalkDir::new(one.join("copy01/asl"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&one)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    definitions.sort();
    let args: Vec<&str> = definitions.iter().map(String::as_str).collect();
    let (t, cpu, _) = best_of(5, &one, &args);
    let statelint =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/statelint-venv/bin/statelint");
    let peer = statelint.is_file().then(|| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                let _ = Command::new(&statelint)
                    .args(&args)
                    .current_dir(&one)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
                start.elapsed()
            })
            .min()
            .unwrap()
    });
    match peer {
        Some(p) => println!(
            "  {} corpus definitions named among the templates: {:.1} ms wall, {:.1} ms CPU; statelint-py 3.1.0: {:.1} ms wall ({:.1}x faster)",
            args.len(),
            ms(t),
            ms(cpu),
            ms(p),
            ms(p) / ms(t)
        ),
        None => println!(
            "  {} corpus definitions named among the templates: {:.1} ms wall, {:.1} ms CPU (statelint-py not installed: python3 -m venv target/statelint-venv && target/statelint-venv/bin/pip install statelint==3.1.0)",
            args.len(),
            ms(t),
            ms(cpu)
        ),
    }
}

/// `copies` copies of the corpus under `root`, each in `copyNN/`, with a `.git` at the top.
fn copy_corpus(corpus: &Path, root: &Path, copies: usize) {
    let marker = root.join(format!(".generated-{copies}"));
    if marker.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    for i in 1..=copies {
        for entry in walkdir::WalkDir::new(corpus)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let to = root
                .join(format!("copy{i:02}"))
                .join(entry.path().strip_prefix(corpus).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::write(marker, "").unwrap();
}

/// Best wall time and best CPU time (user + system; steadier on a shared machine) of `runs`
/// invocations, and the largest peak RSS seen (bytes).
fn best_of(runs: usize, dir: &Path, args: &[&str]) -> (Duration, Duration, u64) {
    let mut best = Duration::MAX;
    let mut best_cpu = Duration::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
            .args(["--format", "json", "--fail-on", "never"])
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("binary runs");
        let (status, cpu, rss) = wait_with_rss(&mut child);
        best = best.min(start.elapsed());
        best_cpu = best_cpu.min(cpu);
        assert!(status, "asl-lint failed");
        peak = peak.max(rss);
    }
    (best, best_cpu, peak)
}

/// Waits for the child and reads its CPU time and peak resident set size from the kernel
/// (wait4).
fn wait_with_rss(child: &mut std::process::Child) -> (bool, Duration, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: plain syscall on our own child; the out-pointers are valid for the call.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1;
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = time(usage.ru_utime) + time(usage.ru_stime);
    (ok, cpu, usage.ru_maxrss as u64 * 1024)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn generate(root: &Path, services: usize) {
    generate_with(root, services, false)
}

/// The repository; with `terraform`, three of each service's other files are Terraform files
/// instead (the file count stays the same).
fn generate_with(root: &Path, services: usize, terraform: bool) {
    let marker = root.join(".generated-v1");
    if marker.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(root.join(".gitignore"), "node_modules/\nbuild/\n");
    write(root.join("README.md"), "# services\n");
    for i in 0..services {
        let dir = root.join(format!("services/svc{i}"));
        write(
            dir.join("statemachine/approve.asl.json"),
            &definition(i, true),
        );
        write(
            dir.join("statemachine/report.asl.json"),
            &definition(i, false),
        );
        write(dir.join("template.yaml"), &template(i));
        write(dir.join("package.json"), &format!("{{\"name\": \"svc{i}\", \"version\": \"1.0.0\", \"scripts\": {{\"test\": \"jest\"}}}}\n"));
        write(
            dir.join("tsconfig.json"),
            "{\"compilerOptions\": {\"strict\": true, \"target\": \"ES2022\"}}\n",
        );
        write(
            dir.join("events/event.json"),
            &format!("{{\"orderId\": \"o-{i}\", \"amount\": {i}}}\n"),
        );
        write(
            dir.join("events/approval.yaml"),
            "approved: true\nreviewer: someone\n",
        );
        write(dir.join(".github/workflows/ci.yml"), "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n");
        for (name, text) in [
            (
                "src/handler.py",
                "def handler(event, context):\n    return event\n",
            ),
            (
                "src/app.ts",
                "export const handler = async (e: unknown) => e;\n",
            ),
            ("src/util.ts", "export const id = <T>(x: T): T => x;\n"),
            ("src/models.py", "class Order:\n    pass\n"),
            ("tests/test_handler.py", "def test_ok():\n    assert True\n"),
            (
                "tests/app.test.ts",
                "test('ok', () => expect(1).toBe(1));\n",
            ),
            ("README.md", "# service\n"),
            ("Makefile", "test:\n\tnpm test\n"),
            ("requirements.txt", "boto3\n"),
            ("samconfig.toml", "version = 0.1\n"),
            ("docs/design.md", "# design\n"),
            ("docs/diagram.txt", "a -> b\n"),
        ] {
            if terraform && matches!(name, "Makefile" | "requirements.txt" | "docs/diagram.txt") {
                continue;
            }
            write(dir.join(name), text);
        }
        if terraform {
            write(dir.join("main.tf"), &terraform_main(i));
            write(dir.join("variables.tf"), TERRAFORM_VARIABLES);
            write(dir.join("outputs.tf"), TERRAFORM_OUTPUTS);
        }
        // Ignored by .gitignore: never read.
        write(
            dir.join("node_modules/dep/package.json"),
            "{\"name\": \"dep\"}\n",
        );
        write(dir.join("build/statemachine.asl.json"), "not even json");
    }
    write(marker, "");
}

fn definition(i: usize, callback: bool) -> String {
    let resource = if callback {
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    } else {
        "arn:aws:states:::lambda:invoke"
    };
    format!(
        r#"{{
  "Comment": "service {i}",
  "StartAt": "Work",
  "States": {{
    "Work": {{
      "Type": "Task",
      "Resource": "{resource}",
      "Parameters": {{
        "QueueUrl": "${{QueueUrl}}",
        "FunctionName": "${{FunctionArn}}",
        "MessageBody": {{"token.$": "$$.Task.Token", "id.$": "$.id"}}
      }},
      "TimeoutSeconds": 300,
      "Next": "Done"
    }},
    "Done": {{"Type": "Succeed"}}
  }}
}}
"#
    )
}

fn template(i: usize) -> String {
    format!(
        r#"AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: service {i}
Resources:
  Approve:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: statemachine/approve.asl.json
      DefinitionSubstitutions:
        QueueUrl: !Ref Queue
        FunctionArn: !GetAtt Fn.Arn
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/handler.handler
      Runtime: python3.12
"#
    )
}

/// Infrastructure as most Terraform files are: no state machine.
fn terraform_main(i: usize) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "~> 5.0" }}
  }}
}}

resource "aws_sqs_queue" "work" {{
  name                       = "svc{i}-work"
  visibility_timeout_seconds = 60
}}

resource "aws_lambda_function" "handler" {{
  function_name = "svc{i}-handler"
  role          = aws_iam_role.lambda.arn
  handler       = "src/handler.handler"
  runtime       = "python3.12"
  filename      = "build/handler.zip"
  environment {{
    variables = {{ QUEUE_URL = aws_sqs_queue.work.url, STAGE = var.stage }}
  }}
}}

resource "aws_iam_role" "lambda" {{
  name = "svc{i}-lambda"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}
"#
    )
}

const TERRAFORM_VARIABLES: &str =
    "variable \"stage\" {\n  type    = string\n  default = \"dev\"\n}\n";

const TERRAFORM_OUTPUTS: &str =
    "output \"queue_url\" {\n  value = aws_sqs_queue.work.url\n}\n\noutput \"function_arn\" {\n  value = aws_lambda_function.handler.arn\n}\n";
