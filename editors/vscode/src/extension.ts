// The asl-lint extension: it starts `asl-lint lsp` and hands VS Code's JSON and YAML documents to
// it. Everything else (which files are state machines, the templates that deploy them, the
// configuration files to watch) is the server's business.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

const ID = "asl-lint";
const EXE = process.platform === "win32" ? ".exe" : "";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionPath: string;
// Restarts run one after another, so a burst of setting changes cannot start two servers.
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel(ID);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(`${ID}.restart`, () => enqueue(restart)),
    vscode.commands.registerCommand(`${ID}.showOutput`, () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(ID)) enqueue(restart);
    }),
  );
  enqueue(restart);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step).catch((error) => {
    output.appendLine(`asl-lint: ${error instanceof Error ? error.message : String(error)}`);
  });
  return queue;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running && running.state !== State.Stopped) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  const settings = vscode.workspace.getConfiguration(ID);
  if (!settings.get<boolean>("enable", true)) {
    output.appendLine("asl-lint is disabled (asl-lint.enable is false)");
    return;
  }
  const binary = findBinary(settings.get<string>("path", ""));
  if (!binary) return;
  const args = settings.get<string[]>("args", ["lsp"]);
  output.appendLine(`starting ${binary.command} ${args.join(" ")} (${binary.source})`);

  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const serverOptions: ServerOptions = {
    command: binary.command,
    args,
    options: folder ? { cwd: folder } : {},
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ["json", "jsonc", "yaml"].flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient(ID, "asl-lint", serverOptions, clientOptions);
  await client.start();
}

interface Binary {
  command: string;
  source: string;
}

/** The binary to run: the `asl-lint.path` setting, else the one bundled in this (platform's)
 * extension, else `asl-lint` on PATH. */
function findBinary(setting: string): Binary | undefined {
  if (setting.trim() !== "") {
    const command = expand(setting.trim());
    // A bare name (`npx`, `asl-lint`) is looked up on PATH; a path must exist.
    const found = command.includes("/") || command.includes("\\") ? exists(command) : onPath(command);
    if (found) return { command: found, source: "the asl-lint.path setting" };
    report(`asl-lint.path is set to "${setting}", but there is no such program.`);
    return undefined;
  }
  const bundled = path.join(extensionPath, "bin", `asl-lint${EXE}`);
  if (exists(bundled)) return { command: bundled, source: "bundled with the extension" };
  const found = onPath(`asl-lint${EXE}`) ?? (EXE ? onPath("asl-lint") : undefined);
  if (found) return { command: found, source: "found on PATH" };
  report(
    "asl-lint was not found: this extension has no bundled binary for your platform and there is " +
      "no asl-lint on PATH. Install it (pip install asl-lint, or npm i -D asl-lint and set " +
      "asl-lint.path to node_modules/.bin/asl-lint) or set asl-lint.path.",
  );
  return undefined;
}

function expand(setting: string): string {
  let value = setting;
  if (value === "~" || value.startsWith("~/")) value = path.join(os.homedir(), value.slice(1));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) value = value.replace(/\$\{workspaceFolder\}/g, folder);
  if (folder && !path.isAbsolute(value) && (value.includes("/") || value.includes("\\"))) {
    value = path.join(folder, value);
  }
  return value;
}

function exists(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = exists(path.join(dir, name));
    if (candidate) return candidate;
  }
  return undefined;
}

function report(message: string): void {
  output.appendLine(message);
  void vscode.window.showErrorMessage(message, "Open settings", "Show output").then((choice) => {
    if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", ID);
    } else if (choice === "Show output") {
      output.show(true);
    }
  });
}
