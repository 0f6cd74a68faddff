// Real-browser tests of `hindsight serve`'s live reload: headless Debian chromium driven by
// playwright-core.
//
//   node tests/browser/serve.test.js [path/to/hindsight]
//
// Serves a copy of the demo knowledge base with `hindsight serve --port 0`, opens a page,
// edits the postmortem behind it and checks what a reader sees: the page reloads with the
// change; a broken file shows its errors over the page; the fix takes them away. Then tabs:
// eight of one page all load and reload (one event stream, in a shared worker, for them all);
// a tab opened while the build is broken shows the errors; a page without shared workers
// listens alone; tabs reload from a restarted server. Any failure exits 1; there is no skip:
// a missing browser is a failure too.
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
function startServer(root, port = "0") {
  const child = spawn(BIN, ["serve", "--quiet", "--port", port, "--root", root], {
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

/* Stops the server as Ctrl+C does; it must exit within 20 s, open event streams or not (a
   server that hangs on its way out is a failure, not a stalled suite). */
async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve("late"), 20000); });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === "late") {
    child.kill("SIGKILL");
    throw new Error("hindsight serve did not stop within 20 s of SIGINT");
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-serve-"));
  fs.cpSync(path.join(REPO, "content"), path.join(tmp, "content"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "hindsight.toml"), path.join(tmp, "hindsight.toml"));
  const file = path.join(tmp, POSTMORTEM);
  const original = fs.readFileSync(file, "utf8");
  assert.ok(original.includes(TITLE), "the demo postmortem this test edits has changed");

  let { child, url } = await startServer(tmp);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = 0;
  let passed = 0;
  const run = async (name, fn) => {
    try {
      await fn();
      passed++;
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

  /* A new browser context (its own shared worker) with `count` tabs of the edited page, each
     listening for changes. */
  const openTabs = async (count, init) => {
    const context = await browser.newContext();
    if (init) await context.addInitScript(init);
    const tabs = await Promise.all(Array.from({ length: count }, () => context.newPage()));
    await Promise.all(tabs.map((tab) => listening(tab)));
    return { context, tabs };
  };
  const listening = async (tab) => {
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(`${url}incidents/PM2024-002/`, { timeout: 10000 });
    await tab.waitForFunction(() => window.hindsightLive && window.hindsightLive.connected,
      null, { timeout: 10000 });
  };
  const heading = (tab, words) => tab.waitForFunction((w) => !document.getElementById("hindsight-build-errors")
    && document.querySelector("h1").textContent.includes(w), words, { timeout: 20000 });
  /* Puts the postmortem back and waits until the first page shows it again: the rebuild is
     done and its reload sent, so the next test's tabs load the current build rather than
     reloading under it (which destroyed a page's script context mid-test). */
  const restore = async () => {
    fs.writeFileSync(file, original);
    await heading(page, "Checkout slowed to a crawl");
  };

  // Chromium opens at most 6 connections to a host over HTTP/1.1: a stream per tab would
  // leave the 7th tab waiting for a connection forever.
  await run("eight tabs of the same page all load and all reload after an edit", async () => {
    const { context, tabs } = await openTabs(8);
    try {
      fs.writeFileSync(file, original.replace(TITLE, "title: Checkout slowed in eight tabs"));
      await Promise.all(tabs.map((tab) => heading(tab, "in eight tabs")));
      await Promise.all(tabs.map((tab) => tab.waitForFunction(
        () => window.hindsightLive && window.hindsightLive.connected, null, { timeout: 10000 })));
    } finally {
      await context.close();
      await restore();
    }
  });

  await run("a tab opened while the build is broken shows its errors at once, and the fix reloads it", async () => {
    const { context, tabs: [first] } = await openTabs(1);
    try {
      fs.writeFileSync(file, original.replace("severity: SEV2", "severity: [SEV2"));
      await first.locator("#hindsight-build-errors").waitFor({ state: "visible", timeout: 20000 });
      const second = await context.newPage();
      await listening(second);
      await second.locator("#hindsight-build-errors").waitFor({ state: "visible", timeout: 5000 });
      fs.writeFileSync(file, original.replace(TITLE, "title: Checkout slowed, fixed in two tabs"));
      await Promise.all([first, second].map((tab) => heading(tab, "fixed in two tabs")));
    } finally {
      await context.close();
      await restore();
    }
  });

  await run("where shared workers are missing a page listens alone", async () => {
    const { context, tabs: [tab] } = await openTabs(1, () => { delete window.SharedWorker; });
    try {
      assert.equal(await tab.evaluate(() => typeof SharedWorker), "undefined");
      fs.writeFileSync(file, original.replace(TITLE, "title: Checkout slowed, heard alone"));
      await heading(tab, "heard alone");
    } finally {
      await context.close();
      await restore();
    }
  });

  await run("open tabs reload from a restarted server", async () => {
    const { context, tabs } = await openTabs(2);
    try {
      const before = await tabs[0].evaluate(() => window.hindsightLive.build);
      await stopServer(child);
      ({ child, url } = await startServer(tmp, new URL(url).port));
      await Promise.all(tabs.map((tab) => tab.waitForFunction(
        (b) => window.hindsightLive && window.hindsightLive.connected && window.hindsightLive.build !== b,
        before, { timeout: 20000 })));
    } finally {
      await context.close();
    }
  });

  await run("live reload raises no script error", async () => {
    assert.deepEqual(errors, []);
  });

  await browser.close();
  await run("the server stops on SIGINT", () => stopServer(child));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
