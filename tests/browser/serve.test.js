// Real-browser tests of `hindsight serve`'s live reload: headless Debian chromium driven by
// playwright-core.
//
//   node tests/browser/serve.test.js [path/to/hindsight]
//
// Serves a copy of the demo knowledge base with `hindsight serve --port 0`, opens a page,
// edits the postmortem behind it and checks what a reader sees: the page reloads with the
// change; a broken file shows its errors over the page; the fix takes them away. Any failure
// exits 1; there is no skip: a missing browser is a failure too.
"use strict";
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");
const { chromium } = require("playwright-core");

const REPO = path.resolve(__dirname, "../..");
const BIN = path.resolve(process.argv[2] || path.join(REPO, "target/debug/hindsight"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const POSTMORTEM = "content/postmortems/2024-05-02-checkout-latency-connection-pool.md";
const TITLE = "title: Checkout slowed to a crawl after a staging connection pool change reached production";

/* Starts `hindsight serve` on `root`; resolves with the process and its URL. */
function startServer(root) {
  const child = spawn(BIN, ["serve", "--quiet", "--port", "0", "--root", root], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const url = line.split(/\s+/).find((w) => w.startsWith("http://"));
      if (url) resolve({ child, url });
      else reject(new Error(`no address in ${JSON.stringify(line)}`));
    });
    child.once("exit", (code) => reject(new Error(`hindsight serve exited with ${code}`)));
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-serve-"));
  fs.cpSync(path.join(REPO, "content"), path.join(tmp, "content"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "hindsight.toml"), path.join(tmp, "hindsight.toml"));
  const file = path.join(tmp, POSTMORTEM);
  const original = fs.readFileSync(file, "utf8");
  assert.ok(original.includes(TITLE), "the demo postmortem this test edits has changed");

  const { child, url } = await startServer(tmp);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = 0;
  const run = async (name, fn) => {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAILED - ${name}\n${e.stack || e}`);
    }
  };

  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The site declares no icon, so the browser asks for /favicon.ico by itself; that 404 is
  // not the page's doing. Every other failed response is an error.
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  await page.goto(`${url}incidents/PM2024-002/`);
  // The event stream is open once the server has said hello; wait for it before editing.
  await page.waitForFunction(() => window.hindsightLive && window.hindsightLive.connected,
    null, { timeout: 10000 });

  await run("an edited postmortem reloads its open page with the change", async () => {
    assert.match(await page.textContent("h1"), /Checkout slowed to a crawl/);
    fs.writeFileSync(file, original.replace(TITLE, "title: Checkout slowed after a pool change (edited)"));
    await page.waitForFunction(() => document.querySelector("h1").textContent.includes("(edited)"),
      null, { timeout: 20000 });
    // The reloaded page listens again, for the next change.
    await page.waitForFunction(() => window.hindsightLive && window.hindsightLive.connected,
      null, { timeout: 10000 });
  });

  await run("a broken postmortem shows its errors over the page, naming the file and line", async () => {
    fs.writeFileSync(file, original.replace("severity: SEV2", "severity: [SEV2"));
    const alert = page.locator("#hindsight-build-errors[role=alert]");
    await alert.waitFor({ state: "visible", timeout: 20000 });
    const text = await alert.textContent();
    assert.match(text, /2024-05-02-checkout-latency-connection-pool\.md:\d+:\d+/);
    assert.match(text, /last good build is still served/);
    // The page under it is still the last good build.
    assert.match(await page.textContent("h1"), /\(edited\)/);
  });

  await run("fixing the file takes the errors away and shows the fixed page", async () => {
    fs.writeFileSync(file, original);
    await page.waitForFunction(() => !document.getElementById("hindsight-build-errors")
      && document.querySelector("h1").textContent.includes("Checkout slowed to a crawl"),
      null, { timeout: 20000 });
  });

  await run("live reload raises no script error", async () => {
    assert.deepEqual(errors, []);
  });

  await browser.close();
  child.kill("SIGINT");
  await new Promise((resolve) => child.once("exit", resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${4 - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
