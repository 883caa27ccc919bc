// Opens a code-server workspace in headless Chromium as a person would, opens one file (Ctrl+P,
// its name, Enter), opens the Problems panel (Ctrl+Shift+M) and waits until it shows `expect`;
// then runs "asl-lint: Restart server" from the command palette (F1) and waits for it again.
// Prints one JSON line: {ok, seconds, problems, status}; saves a screenshot either way.
//
//   node problems.mjs URL FILE EXPECT SCREENSHOT [TIMEOUT_SECONDS]
import { chromium } from "playwright-core";

const [url, file, expect, screenshot, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg || 120) * 1000;
const started = Date.now();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // As root Chromium needs --no-sandbox; the rest keep it off the (closed) network.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const result = { ok: false, seconds: 0, problems: "", status: "" };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url, { waitUntil: "domcontentloaded", timeout });
  await page.waitForSelector(".monaco-workbench .explorer-folders-view, .monaco-workbench .part.sidebar", { timeout });
  result.status = "workbench loaded";

  // Quick Open may come up before the file index is ready: retry until the editor shows the file.
  const deadline = started + timeout;
  for (;;) {
    await page.keyboard.press("Control+P");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
    await page.keyboard.type(file, { delay: 20 });
    await page.waitForTimeout(1000);
    await page.keyboard.press("Enter");
    try {
      await page.waitForSelector(`.tab[aria-label*="${file}"], .tab .label-name:text-is("${file}")`, { timeout: 10000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press("Escape");
    }
  }
  result.status = "file opened";

  await page.keyboard.press("Control+Shift+M");
  await page.waitForSelector(".markers-panel", { timeout: 30000 });
  result.status = "problems panel opened";
  await page.waitForFunction(
    (text) => {
      const panel = document.querySelector(".markers-panel");
      return panel !== null && panel.innerText.includes(text);
    },
    expect,
    { timeout: Math.max(1000, deadline - Date.now()) },
  );
  result.status = "problem shown";
  // Let the panel finish painting before the picture.
  await page.waitForTimeout(500);
  result.problems = await page.$eval(".markers-panel", (panel) => panel.innerText);
  await page.screenshot({ path: screenshot });

  // The command palette's "asl-lint: Restart server": the finding comes back from the new one.
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
  await page.keyboard.type("asl-lint: Restart server", { delay: 20 });
  await page.waitForTimeout(1000);
  await page.keyboard.press("Enter");
  result.status = "restarted";
  await page.waitForTimeout(2000);
  await page.waitForFunction(
    (text) => {
      const panel = document.querySelector(".markers-panel");
      return panel !== null && panel.innerText.includes(text);
    },
    expect,
    { timeout: Math.max(1000, deadline - Date.now()) },
  );
  result.ok = true;
  result.status = "problem shown after a restart";
} catch (error) {
  result.error = String(error && error.message ? error.message : error).split("\n")[0];
  try {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) {
      result.problems = await page
        .$eval(".markers-panel", (panel) => panel.innerText)
        .catch(() => "");
      await page.screenshot({ path: screenshot });
    }
  } catch {}
} finally {
  result.seconds = (Date.now() - started) / 1000;
  await browser.close();
}
console.log(JSON.stringify(result));
