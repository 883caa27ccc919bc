#!/usr/bin/env node
// The `asl-lint` command of the npm package: it finds the prebuilt binary that npm installed
// through one of the optionalDependencies (one package per platform, chosen by npm from their
// `os`, `cpu` and `libc`) and runs it, passing the arguments, standard streams, exit code and
// signals through. ASL_LINT_BINARY names another binary to run instead.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const PLATFORMS = require("../platforms.json");

/** "glibc" or "musl" on Linux (what npm's `libc` field means), else undefined. */
function libc() {
  if (process.platform !== "linux") return undefined;
  try {
    const report = process.report.getReport();
    const header = (typeof report === "string" ? JSON.parse(report) : report).header;
    return header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    return "glibc";
  }
}

/** The packages that can serve this machine, best first. A static musl binary also runs on
 * glibc, so it is the second choice there. */
function candidates(system) {
  const fits = PLATFORMS.filter((p) => p.os === system.os && p.cpu === system.cpu);
  if (system.libc === undefined) return fits;
  return fits
    .filter((p) => p.libc === system.libc || p.libc === "musl")
    .sort((a, b) => (a.libc === system.libc ? 0 : 1) - (b.libc === system.libc ? 0 : 1));
}

function binaryOf(platform) {
  let manifest;
  try {
    manifest = require.resolve(`${platform.package}/package.json`);
  } catch {
    return undefined;
  }
  const binary = path.join(path.dirname(manifest), "bin", `asl-lint${platform.exe || ""}`);
  return fs.existsSync(binary) ? binary : undefined;
}

function describe(system) {
  return [system.os, system.cpu, system.libc].filter(Boolean).join(" ");
}

function findBinary() {
  const override = process.env.ASL_LINT_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      fail(`ASL_LINT_BINARY is set to ${override}, but there is no file there.`);
    }
    return override;
  }
  const system = { os: process.platform, cpu: process.arch, libc: libc() };
  const wanted = candidates(system);
  for (const platform of wanted) {
    const binary = binaryOf(platform);
    if (binary) return binary;
  }
  const lines = [];
  if (wanted.length === 0) {
    lines.push(
      `asl-lint has no prebuilt binary for this platform (${describe(system)}).`,
      `Prebuilt binaries exist for: ${PLATFORMS.map(describe).join(", ")}.`,
      "Build one with `cargo install asl-lint` (or from the repository) and set ASL_LINT_BINARY to its path.",
    );
  } else {
    lines.push(
      `asl-lint could not find its binary for this platform (${describe(system)}).`,
      `It looked for the package${wanted.length > 1 ? "s" : ""} ${wanted.map((p) => p.package).join(", ")}, and none is installed.`,
      "npm installs the right one through asl-lint's optionalDependencies: install again without",
      "--omit=optional (or --no-optional), and do not copy node_modules between machines.",
      "Or set ASL_LINT_BINARY to the path of an asl-lint binary.",
    );
  }
  fail(lines.join("\n"));
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function run() {
  const binary = findBinary();
  // A signal sent to this process alone (a CI runner's timeout, `kill`) goes on to the linter;
  // the one a terminal sends to the whole process group reaches both, and the linter decides.
  // The handlers are in place before the linter starts, so no signal is lost in between.
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
  let child;
  let pending;
  const forward = (signal) => {
    if (!child) pending = signal;
    else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of forwarded) process.on(signal, forward);
  child = spawn(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
  if (pending) forward(pending);
  child.on("error", (error) => fail(`asl-lint: could not run ${binary}: ${error.message}`));
  child.on("exit", (code, signal) => {
    for (const s of forwarded) process.removeListener(s, forward);
    if (signal) {
      // End the same way, so the caller sees the signal and not an exit code; should that not
      // end this process at once, end as a shell reports a signal (128 + its number).
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 200);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

if (require.main === module) run();

module.exports = { candidates, run, PLATFORMS };
