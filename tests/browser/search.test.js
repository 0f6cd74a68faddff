// Real-browser tests of the search page: headless Debian chromium driven by playwright-core.
//
//   node tests/browser/search.test.js [path/to/hindsight]
//
// Builds the demo site under the sub-path /sub/ and the dfds corpus at the root, serves each
// from 127.0.0.1 with node's http module, and checks what a reader sees. Any failure exits 1;
// there is no skip: a missing browser is a failure too.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const { REPO, BIN, CHROMIUM, serve } = require("./site");

function build(root, out, baseUrl) {
  const args = ["build", "--quiet", "--root", root, "--out", out];
  if (baseUrl) args.push("--base-url", baseUrl);
  execFileSync(BIN, args, { stdio: "inherit" });
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

/* A fresh page that records console errors and failed requests. */
async function open(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  // The site declares no icon, so the browser asks for /favicon.ico by itself; that 404 is
  // not the page's doing. Every other failed response is an error.
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  await page.goto(url);
  return { page, errors };
}

async function typeQuery(page, q) {
  await page.fill("#search-q", q);
  await page.waitForFunction(
    (q) => window.hindsightSearch && window.hindsightSearch.lastQuery === q,
    q,
    { timeout: 10000 },
  );
}

async function hitIds(page) {
  return page.$$eval(".search-hit-meta", (ms) => ms.map((m) => m.textContent.split(" · ")[0]));
}

/* The ids of every hit, the "more" button pressed until it hides. */
async function allHitIds(page) {
  while (await page.isVisible("#search-more")) {
    const n = (await hitIds(page)).length;
    await page.click("#search-more");
    await page.waitForFunction((n) => document.querySelectorAll(".search-hit").length > n, n);
  }
  return hitIds(page);
}

/* The status line and the ids of the hits, once `q` is typed. */
async function statusAndHits(page, q) {
  await typeQuery(page, q);
  return [await page.textContent("#search-status"), await hitIds(page)];
}

const timings = [];

/* The four consecutive words of an incident's summary (its title when the summary is short)
   that no other incident page contains as a phrase, and whose words the fewest pages use: the
   phrase a reader who half remembers the incident would type. `pages` maps each incident id
   to the words of its page, in order. */
function distinctivePhrase(inc, pages) {
  const df = new Map();
  for (const ws of pages.values()) for (const w of new Set(ws)) df.set(w, (df.get(w) || 0) + 1);
  const others = [...pages].filter(([id]) => id !== inc.id).map(([, ws]) => ` ${ws.join(" ")} `);
  let text = words(inc.summary);
  if (text.length < 4) text = words(inc.title + " " + inc.summary);
  let best = null, bestScore = Infinity;
  for (let i = 0; i + 4 <= text.length; i++) {
    const window = text.slice(i, i + 4);
    const phrase = ` ${window.join(" ")} `;
    const shared = others.some((o) => o.includes(phrase)) ? 1e9 : 0;
    const score = shared + window.reduce((s, w) => s + (df.get(w) || 0), 0);
    if (score < bestScore) { best = window; bestScore = score; }
  }
  return (best || text).join(" ");
}

function words(t) {
  return (t || "").toLowerCase().match(/[a-z0-9]{3,}/g) || [];
}

/* Each incident's id -> the words of its built page (the article only), in order. */
function pageWords(out, incidents) {
  const pages = new Map();
  for (const inc of incidents) {
    const rel = inc.url.slice(inc.url.indexOf("incidents/"));
    const html = fs.readFileSync(path.join(out, rel, "index.html"), "utf8");
    const article = (html.match(/<article[\s\S]*<\/article>/) || [html])[0];
    pages.set(inc.id, words(article.replace(/<[^>]+>/g, " ")));
  }
  return pages;
}

function defineTests(ctx) {
  test("typing a query shows the expected incidents with the matched words highlighted", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    await typeQuery(page, "certificate expired");
    const ids = await hitIds(page);
    assert.ok(ids.includes("PM2022-001"), `PM2022-001 in ${ids}`);
    const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0, "some words are highlighted");
    assert.ok(marks.every((m) => /^(certificat|expir)/.test(m)), `highlights: ${marks}`);
    const status = await page.textContent("#search-status");
    assert.match(status, /\d+ results? match/);
    assert.deepEqual(errors, []);
  });

  test("a distinctive phrase of a postmortem finds that postmortem first", async () => {
    const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
    await typeQuery(page, "inotify file watches exhaustion ");
    assert.equal((await hitIds(page))[0], "PM2020-001");
    const { page: p2 } = await open(ctx.browser, ctx.demo + "search/");
    await typeQuery(p2, "double loaded orders warehouse ");
    assert.equal((await hitIds(p2))[0], "PM2023-001");
    assert.deepEqual(errors, []);
  });

  test("for every postmortem of both sites, its most distinctive phrase finds it first", async () => {
    const misses = [];
    for (const [base, out] of [[ctx.demo, ctx.demoOut], [ctx.dfds, ctx.dfdsOut]]) {
      const incidents = JSON.parse(fs.readFileSync(path.join(out, "api/incidents.json"), "utf8"));
      const pages = pageWords(out, incidents);
      const { page, errors } = await open(ctx.browser, base + "search/");
      for (const inc of incidents) {
        const q = distinctivePhrase(inc, pages) + " ";
        await typeQuery(page, q);
        const first = (await hitIds(page))[0];
        if (first !== inc.id) misses.push(`${inc.id}: "${q.trim()}" gave ${first}`);
      }
      assert.deepEqual(errors, []);
    }
    assert.deepEqual(misses, []);
  });

  test("filters narrow the results", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    await typeQuery(page, "certificate ");
    const all = await hitIds(page);
    const count = async () => Number((await page.textContent("#search-status")).match(/\d+/)?.[0] || 0);
    const before = await count();
    await page.waitForSelector("#search-filter-services");
    const value = await page.$eval("#search-filter-services", (s) =>
      Array.from(s.options).find((o) => o.text.startsWith("ios-app")).value);
    const runs = await page.evaluate(() => window.hindsightSearch.completed);
    await page.selectOption("#search-filter-services", value);
    await page.waitForFunction((n) => window.hindsightSearch.completed > n, runs);
    const after = await count();
    assert.ok(after > 0 && after < before, `${after} < ${before} (${all})`);
    assert.deepEqual(errors, []);
  });

  test("a result link lands on the section it names", async () => {
    const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
    await typeQuery(page, "fluentd ");
    const link = await page.$("a.search-hit-link[data-section]");
    assert.ok(link, "a result names a section");
    const anchor = await link.getAttribute("data-section");
    await Promise.all([page.waitForNavigation(), link.click()]);
    assert.equal(new URL(page.url()).hash, "#" + anchor);
    assert.ok(await page.$(`[id="${anchor}"]`), "the section exists on the page");
    assert.deepEqual(errors, []);
  });

  test("keyboard: the down arrow reaches the results and Enter opens one", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    await page.focus("#search-q");
    await typeQuery(page, "kubernetes ");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.className);
    assert.equal(focused, "search-hit-link");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.match(page.url(), /\/sub\/incidents\/[^/]+\//);
    assert.deepEqual(errors, []);
  });

  test("the header search box of any page leads to results under the sub-path", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "incidents/");
    await page.keyboard.press("/");
    await page.keyboard.type("checkout");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.ok(page.url().startsWith(ctx.demo + "search/?q=checkout"), page.url());
    await page.waitForFunction(() => window.hindsightSearch && window.hindsightSearch.lastQuery === "checkout");
    assert.ok((await hitIds(page)).length > 0);
    // The keys go on from the box: the down arrow reaches the first result.
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.className), "search-hit-link");
    assert.deepEqual(errors, []);
  });

  test("time to results for a one-word query once the first shard is loaded (reported)", async () => {
    const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
    await typeQuery(page, "kubernetes ");
    for (const q of ["node", "traefik", "logs", "prometheus"]) {
      await typeQuery(page, q + " ");
      timings.push([q, await page.evaluate(() => window.hindsightSearch.lastMs)]);
    }
    assert.deepEqual(errors, []);
  });

  test("learning pages are found too, named as learnings, as the terminal finds them", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    await typeQuery(page, "alert customers ");
    const metas = await page.$$eval(".search-hit-meta", (ms) => ms.map((m) => m.textContent));
    assert.match(metas[0] || "", /^alert-on-symptoms · Learning\b/, `results: ${metas}`);
    const href = await page.$eval("a.search-hit-link", (a) => a.getAttribute("href"));
    assert.ok(href.endsWith("/sub/learnings/alert-on-symptoms/"), href);
    assert.deepEqual(errors, []);
  });

  test("the section named is the terminal's: most query words, the summary winning a tie", async () => {
    // The same site as the Rust test of the rule (tests/search.rs).
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-sections-"));
    fs.mkdirSync(path.join(src, "content"));
    fs.writeFileSync(path.join(src, "content/flag.md"), "---\nsummary: A rollback of the cart flag failed.\n---\n# Cart broken\n\n## Timeline\n\nStuff happened.\n\n## Root cause\n\n```yaml\nflag: cart\nrollback: false\nflag_rollback: flag\n```\n");
    fs.writeFileSync(path.join(src, "content/late.md"), "# Late\n\n## Impact\n\nThe disk filled.\n\n## Timeline\n\nThe disk filled, the disk filled, the disk filled and the queue stalled.\n");
    const out = path.join(src, "public");
    build(src, out);
    const server = await serve(out);
    try {
      const { page, errors } = await open(ctx.browser, `http://127.0.0.1:${server.address().port}/search/`);
      const shown = async (q) => {
        await typeQuery(page, q + " ");
        const metas = await page.$$eval(".search-hit-meta", (ms) => ms.map((m) => m.textContent));
        const snippets = await page.$$eval(".search-snippet", (ps) => ps.map((p) => p.textContent));
        assert.equal(metas.length, 1, `${q}: ${metas}`);
        return [metas[0].split(" · ").pop(), snippets[0]];
      };
      assert.deepEqual(await shown("rollback flag"), ["§ Summary", "A rollback of the cart flag failed."]);
      assert.equal((await shown("disk filled"))[0], "§ Impact");
      assert.equal((await shown("disk queue"))[0], "§ Timeline");
      assert.deepEqual(errors, []);
    } finally {
      server.close();
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("a query's stop words do not decide what matches", async () => {
    const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
    const shown = (q) => statusAndHits(page, q);
    const without = await shown("logs shipped cloudwatch ");
    assert.deepEqual(await shown("logs not shipped cloudwatch "), without);
    assert.deepEqual(await shown("the logs not shipped to cloudwatch "), without);
    assert.deepEqual(errors, []);
  });

  test("an incident's id finds that incident first, then the incidents that mention it, as the terminal does", async () => {
    const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
    for (const [q, id] of [
      ["PM2019-009", "PM2019-009"],
      ["pm2019_009", "PM2019-009"],
      ["Is this like PM2021-005?", "PM2021-005"],
      ["PM2021-005", "PM2021-005"],
      ["PM2022-009", "PM2022-009"],
    ]) {
      const [, ids] = await statusAndHits(page, q + " ");
      assert.equal(ids[0], id, `${q}: ${ids}`);
    }
    // PM2019-010 and PM2019-011 mention PM2019-009; the incidents that share only a piece of
    // it (PM2019, 009) are not found: the id stands for its words.
    const [, ids] = await statusAndHits(page, "PM2019-009 ");
    assert.deepEqual(ids.slice(1).sort(), ["PM2019-010", "PM2019-011"], `${ids}`);
    // An id no document holds is searched by its words: PM2021-099 finds the PM2021 incidents.
    const [status, missing] = await statusAndHits(page, "PM2021-099 ");
    assert.match(status, /\b11 results\b/, status);
    assert.ok(missing.length > 0 && missing.every((i) => i.startsWith("PM2021-")), `${missing}`);
    // While an id is still being typed, the incidents whose ids it begins come first.
    const [, typing] = await statusAndHits(page, "PM2021-00");
    assert.ok(typing.length > 0 && typing.every((i) => i.startsWith("PM2021-00")), `${typing}`);
    assert.deepEqual(errors, []);
  });

  test("rollback, roll back and rolled back find the same incidents, the two words marked as one", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    const shown = (q) => statusAndHits(page, q);
    const closed = await shown("rollback ");
    // The demo's postmortems say "rolled back" and "Rolling back", never "rollback" (a
    // canonical learning does).
    assert.ok(closed[1].includes("PM2022-002") && closed[1].includes("PM2023-005"), `rollback: ${closed[1]}`);
    assert.deepEqual(await shown("roll back "), closed);
    assert.deepEqual(await shown("roll-back "), closed);
    const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0 && marks.every((m) => /^roll(\w* )?back$/.test(m)) && marks.some((m) => m.includes(" ")), `highlights: ${marks}`);
    assert.deepEqual(errors, []);
  });

  test("a camel-case word is found by its parts, as the terminal finds it, and marked whole", async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-dfds-"));
    fs.cpSync(path.join(REPO, "tests/fixtures/dfds"), src, { recursive: true });
    try {
      const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
      for (const q of ["not ready", "NotReady", "node not ready", "cloud watch"]) {
        const terminal = JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "100", "--root", src])).map((h) => h.id);
        const [, ids] = await statusAndHits(page, q + " ");
        const shown = await allHitIds(page);
        assert.ok(ids.length > 0, `${q}: nothing found`);
        assert.deepEqual([...shown].sort(), [...terminal].sort(), q);
      }
      // The postmortems that say only NotReady or NodeNotReady are found by "not ready", the
      // whole word marked.
      await statusAndHits(page, "not ready ");
      const shown = await allHitIds(page);
      assert.ok(shown.includes("PM2024-001") && shown.includes("PM2022-009"), `${shown}`);
      const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent));
      assert.ok(marks.some((m) => /^(Node)?NotReady$/.test(m)), `highlights: ${marks}`);
      assert.ok(marks.every((m) => /readi/i.test(m.replace(/y/g, "i"))), `highlights: ${marks}`);
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("a compound no postmortem writes closed is found by its words, as the terminal finds it", async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-dfds-"));
    fs.cpSync(path.join(REPO, "tests/fixtures/dfds"), src, { recursive: true });
    try {
      const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
      // PM2022-006 says "out of memory (OOM) killed"; no postmortem writes OOMKilled.
      for (const q of ["oom killed", "OOMKilled", "oom-killed"]) {
        const terminal = JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "100", "--root", src])).map((h) => h.id);
        const [status, ids] = await statusAndHits(page, q + " ");
        const shown = await allHitIds(page);
        assert.equal(ids[0], "PM2022-006", `${q}: ${status}`);
        assert.doesNotMatch(status, /holds/, q);
        assert.deepEqual([...shown].sort(), [...terminal].sort(), q);
      }
      const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
      assert.ok(marks.includes("oom") && marks.includes("killed"), `highlights: ${marks}`);
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("a word written with a star finds what the terminal finds, the words it begins too", async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-dfds-"));
    fs.cpSync(path.join(REPO, "tests/fixtures/dfds"), src, { recursive: true });
    try {
      const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
      for (const q of ["traef*", "kube* logs", "cert* kiam", "zzq*"]) {
        const terminal = JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "100", "--root", src])).map((h) => h.id);
        const [status] = await statusAndHits(page, q + " ");
        const shown = await allHitIds(page);
        assert.deepEqual([...shown].sort(), [...terminal].sort(), `${q}: ${status}`);
        assert.equal(shown.length > 0, q !== "zzq*", `${q}: ${status}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("the status line names the words nothing holds, as the terminal does beside its results", async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-dfds-"));
    fs.cpSync(path.join(REPO, "tests/fixtures/dfds"), src, { recursive: true });
    try {
      const { page, errors } = await open(ctx.browser, ctx.dfds + "search/");
      for (const q of ["daylight saving time", "PM2021-099 logs", "IsReady pods", "the logs -zzzqqq", "rolled back deploy"]) {
        const said = spawnSync(BIN, ["search", q, "--root", src], { encoding: "utf8" }).stderr;
        const terminal = (said.match(/^No incident or learning holds .*$/m) || [""])[0];
        const [status] = await statusAndHits(page, q + " ");
        const shown = (status.match(/No incident or learning holds .*$/) || [""])[0];
        assert.equal(shown, terminal, `${q}: ${status}`);
      }
      const [status] = await statusAndHits(page, "daylight saving time ");
      assert.match(status, /results? match.* No incident or learning holds "daylight" or "saving"\.$/, status);
      // The word still being typed is not named: it may yet become one.
      const [typing] = await statusAndHits(page, "logs daylight cl");
      assert.match(typing, /results? match.* No incident or learning holds "daylight"\.$/, typing);
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("with JavaScript off, the search page says why it cannot search and offers no form that does nothing", async () => {
    const context = await ctx.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(ctx.demo + "search/?q=certificate");
    assert.equal(await page.isVisible(".search-form"), false, "the form is hidden");
    const said = await page.textContent("main");
    assert.match(said, /needs JavaScript, which is turned off, so this page cannot search for what you typed/);
    // The message comes first, right under the heading.
    const first = await page.$eval("h1", (h) => h.nextElementSibling.tagName);
    assert.equal(first, "NOSCRIPT");
    await context.close();
  });

  test("a canonical learning's body is searched, and the page finds what the terminal finds", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    // The terminal, on a copy of the demo (its index cache stays out of the repository).
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-demo-"));
    fs.cpSync(path.join(REPO, "content"), path.join(src, "content"), { recursive: true });
    fs.copyFileSync(path.join(REPO, "hindsight.toml"), path.join(src, "hindsight.toml"));
    try {
      for (const [q, id, said] of [
        ["rollback", "stage-config-changes", /Rollback of configuration is as fast/],
        ["timeout", "regression-test-business-critical-paths", /a retry after a timeout/],
      ]) {
        const [status, ids] = await statusAndHits(page, q + " ");
        const terminal = JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "100", "--root", src]));
        assert.match(status, new RegExp(`^${terminal.length} results? match`), `${q}: ${status}`);
        assert.deepEqual([...ids].sort(), terminal.map((h) => h.id).sort(), q);
        const hit = (await page.$$(".search-hit"))[ids.indexOf(id)];
        assert.ok(hit, `${id} for ${q} in ${ids}`);
        // Its text above every heading is the top of its page: no section named, no anchor.
        assert.equal(await hit.$eval(".search-hit-meta", (m) => m.textContent), `${id} · Learning`);
        const href = await hit.$eval("a.search-hit-link", (a) => a.getAttribute("href"));
        assert.ok(href.endsWith(`/sub/learnings/${id}/`), href);
        assert.match(await hit.$eval(".search-snippet", (p) => p.textContent), said);
      }
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
    assert.deepEqual(errors, []);
  });

  test("a query sent whole, by a link or Enter, finds what the terminal finds, its last word not taken as a prefix", async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-demo-"));
    fs.cpSync(path.join(REPO, "content"), path.join(src, "content"), { recursive: true });
    fs.copyFileSync(path.join(REPO, "hindsight.toml"), path.join(src, "hindsight.toml"));
    try {
      // "stag" begins "stage" and "staging": typed, it finds them; sent whole, it is a word.
      const q = "config stag";
      const terminal = JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "100", "--root", src])).map((h) => h.id);
      const { page, errors } = await open(ctx.browser, ctx.demo + "search/?q=" + encodeURIComponent(q));
      await page.waitForFunction((q) => window.hindsightSearch && window.hindsightSearch.lastQuery === q, q);
      assert.deepEqual([...(await allHitIds(page))].sort(), [...terminal].sort(), "by a link");
      await typeQuery(page, "config");
      await typeQuery(page, q);
      const asTyped = await allHitIds(page);
      assert.ok(asTyped.length > terminal.length, `typed: ${asTyped}; terminal: ${terminal}`);
      const done = await page.evaluate(() => window.hindsightSearch.completed);
      await page.press("#search-q", "Enter");
      await page.waitForFunction((n) => window.hindsightSearch.completed > n, done);
      assert.deepEqual([...(await allHitIds(page))].sort(), [...terminal].sort(), "by Enter");
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("a word written -word leaves out what the terminal leaves out, the page listing what the terminal lists", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-demo-"));
    fs.cpSync(path.join(REPO, "content"), path.join(src, "content"), { recursive: true });
    fs.copyFileSync(path.join(REPO, "hindsight.toml"), path.join(src, "hindsight.toml"));
    const terminal = (args) =>
      JSON.parse(execFileSync(BIN, ["search", ...args, "--json", "--limit", "100", "--root", src])).map((h) => h.id);
    try {
      for (const [q, gone] of [["certificate -apple", "PM2023-003"], ["-kubernetes checkout", "PM2023-002"], ["certificate NOT apple", "PM2023-003"]]) {
        const [status] = await statusAndHits(page, q + " ");
        const ids = await allHitIds(page);
        const want = terminal([q]);
        assert.ok(!want.includes(gone) && terminal([q.replace(/(-|NOT )\w+/, "")]).includes(gone), `${q}: ${want}`);
        assert.match(status, new RegExp(`^${want.length} results? match`), `${q}: ${status}`);
        assert.deepEqual([...ids].sort(), [...want].sort(), q);
        const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
        assert.ok(marks.length > 0 && !marks.some((m) => /apple|kubernetes/.test(m)), `${q}: ${marks}`);
      }
      // A word to leave out that nothing holds leaves out nothing, and the page says so in the
      // terminal's words, not while it is still being typed.
      for (const q of ["certificate -appel", "certificate -appel -zzq -apple"]) {
        const [status] = await statusAndHits(page, q + " ");
        const said = spawnSync(BIN, ["search", q, "--root", src], { encoding: "utf8" }).stderr;
        const idle = said.match(/^.* leaves? out nothing: .*$/m);
        assert.ok(idle, `${q}: ${said}`);
        assert.ok(status.endsWith(" " + idle[0]), `${q}: ${status} / ${idle[0]}`);
      }
      const [typing] = await statusAndHits(page, "certificate -appel");
      assert.doesNotMatch(typing, /leaves out nothing/);
      // Words to leave out alone: the page says what to do, as the terminal refuses them.
      const [said, none] = await statusAndHits(page, "-checkout");
      assert.deepEqual(none, []);
      assert.match(said, /only leaves results out: add words to look for, or choose a filter/);
      // With a filter, the incidents it chooses without those that hold the word.
      await page.waitForSelector("#search-filter-tags");
      const value = await page.$eval("#search-filter-tags", (s) =>
        Array.from(s.options).find((o) => o.text.startsWith("alerting ")).value);
      const runs = await page.evaluate(() => window.hindsightSearch.completed);
      await page.selectOption("#search-filter-tags", value);
      await page.waitForFunction((n) => window.hindsightSearch.completed > n, runs);
      const want = terminal(["-checkout", "--tag", "alerting"]);
      assert.ok(want.length > 0 && want.length < terminal(["", "--tag", "alerting"]).length, `${want}`);
      assert.deepEqual((await allHitIds(page)).sort(), [...want].sort());
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
    assert.deepEqual(errors, []);
  });

  test("the search box says, visibly and to screen readers, how to leave a word out, and hides it with the form without JavaScript", async () => {
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    assert.ok(await page.isVisible(".search-form #search-help"), "the hint is shown in the form");
    // What it shows, then what only screen readers say (the keyboard's part).
    assert.equal(await page.textContent("#search-help"),
      "Put a minus sign before a word to leave it out: timeout -dns. Results appear as you type. Press the down arrow to move to the results.");
    assert.equal(await page.textContent("#search-help .visually-hidden"),
      " Results appear as you type. Press the down arrow to move to the results.");
    // The box is described by the status and the hint, both on the page.
    const described = (await page.getAttribute("#search-q", "aria-describedby")).split(" ");
    for (const id of described) assert.ok(await page.$(`[id="${id}"]`), id);
    assert.ok(described.includes("search-help"));
    assert.deepEqual(errors, []);
    const context = await ctx.browser.newContext({ javaScriptEnabled: false });
    const off = await context.newPage();
    await off.goto(ctx.demo + "search/");
    assert.equal(await off.isVisible("#search-help"), false, "no hint for a form that cannot search");
    await context.close();
  });

  test("the header's search box tells, to screen readers and on focus, what it searches and how to leave a word out", async () => {
    const describe = (p) => p.evaluate(() => {
      const box = document.getElementById("site-search-input");
      const hint = document.getElementById(box.getAttribute("aria-describedby"));
      const r = hint.getBoundingClientRect();
      return { label: box.labels[0].textContent, hint: hint.textContent, width: r.width, height: r.height, right: r.right, vw: innerWidth };
    });
    const { page, errors } = await open(ctx.browser, ctx.demo + "incidents/");
    const rest = await describe(page);
    assert.equal(rest.label, "Search");
    assert.equal(rest.hint, "Searches incidents and learnings. Put a minus sign before a word to leave it out: timeout -dns.");
    assert.ok(rest.width <= 1 && rest.height <= 1, `shown before the box has focus: ${JSON.stringify(rest)}`);
    await page.focus("#site-search-input");
    const focused = await describe(page);
    assert.ok(focused.width > 100 && focused.height > 10 && focused.right <= focused.vw, `not shown whole on focus: ${JSON.stringify(focused)}`);
    assert.deepEqual(errors, []);
    // Without JavaScript the page says the same.
    const context = await ctx.browser.newContext({ javaScriptEnabled: false });
    const off = await context.newPage();
    await off.goto(ctx.demo + "incidents/");
    assert.equal(await off.textContent("#site-search-hint"), rest.hint);
    assert.equal(await off.getAttribute("#site-search-input", "aria-describedby"), "site-search-hint");
    await context.close();
  });

  test("the status line counts no result that a word left out drops, on the demo and past a term's cut list", async () => {
    // The demo: no list is cut, so the count is exact, with the word left out as without it.
    const { page, errors } = await open(ctx.browser, ctx.demo + "search/");
    const counted = async (q) => {
      const [status] = await statusAndHits(page, q);
      return [status, (await allHitIds(page)).length];
    };
    const [all, n] = await counted("certificate ");
    assert.equal(all, `${n} results match.`);
    const [left, m] = await counted("certificate -apple ");
    assert.ok(m > 0 && m < n, `${m} < ${n}`);
    assert.equal(left, `${m} results match.`);
    assert.deepEqual(errors, []);
    // 2,100 postmortems say "disk", one in three "quota": the list of "disk" keeps its best
    // 2,000 (MAX_POSTINGS) and its whole count, which once stood for "disk -quota" too. Every
    // postmortem says "disk", so the page knows the count is exact.
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-cut-"));
    fs.mkdirSync(path.join(src, "content"));
    for (let i = 0; i < 2100; i++) {
      const quota = i % 3 === 0 ? " The quota was reached." : "";
      fs.writeFileSync(path.join(src, `content/disk-${String(i).padStart(4, "0")}.md`), `# Disk ${i} full\n\nThe disk filled on host h${i}.${quota}\n`);
    }
    const out = path.join(src, "public");
    build(src, out);
    const server = await serve(out);
    try {
      const { page: big, errors: bigErrors } = await open(ctx.browser, `http://127.0.0.1:${server.address().port}/search/`);
      const said = async (q) => (await statusAndHits(big, q))[0];
      assert.equal(await said("disk "), "2100 results match; the best 2000 are listed.");
      // A word no postmortem holds leaves the count as it was.
      assert.equal(await said("disk -nowhere "), "2100 results match; the best 2000 are listed. -nowhere leaves out nothing: no incident or learning holds it.");
      // 1,400 match (the terminal counts them): the 2,100 less the 700 that say "quota".
      const terminal = JSON.parse(execFileSync(BIN, ["search", "disk -quota", "--json", "--limit", "3000", "--root", src]));
      assert.equal(terminal.length, 1400);
      const status = await said("disk -quota ");
      const listed = Number((status.match(/^1400 results match; the best (\d+) are listed\.$/) || [])[1]);
      assert.ok(listed > 0 && listed < 1400, status);
      assert.deepEqual(bigErrors, []);
    } finally {
      server.close();
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  test("with a filter chosen past a term's cut list, the status line states no count it cannot know", async () => {
    // 2,100 postmortems say "disk", every other one SEV1, one in four tagged storage, one in
    // three "quota"; 100 more, SEV1, say "network" instead. All 2,200 say "host". The lists of
    // "disk" and "host" keep their best 2,000 (MAX_POSTINGS), so a filter sees only those: the
    // count of what it kept once stood as the exact count ("1000 results match.").
    const src = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-cut-filter-"));
    fs.mkdirSync(path.join(src, "content"));
    for (let i = 0; i < 2200; i++) {
      const disk = i < 2100;
      const quota = disk && i % 3 === 0 ? " The quota was reached." : "";
      const tags = disk && i % 4 === 0 ? "tags: [storage]\n" : "";
      const what = disk ? ["Disk", "disk filled"] : ["Network", "network dropped"];
      fs.writeFileSync(path.join(src, `content/pm-${String(i).padStart(4, "0")}.md`),
        `---\nseverity: ${!disk || i % 2 === 0 ? "SEV1" : "SEV2"}\n${tags}---\n\n# ${what[0]} ${i}\n\nThe ${what[1]} on host h${i}.${quota}\n`);
    }
    const out = path.join(src, "public");
    build(src, out);
    const server = await serve(out);
    const terminal = (q, ...filters) =>
      JSON.parse(execFileSync(BIN, ["search", q, "--json", "--limit", "3000", "--root", src, ...filters])).length;
    try {
      const { page, errors } = await open(ctx.browser, `http://127.0.0.1:${server.address().port}/search/`);
      const choose = async (facet, label) => {
        await page.waitForSelector(`#search-filter-${facet}`);
        const value = await page.$eval(`#search-filter-${facet}`, (s, label) =>
          Array.from(s.options).find((o) => o.text.startsWith(label)).value, label);
        const runs = await page.evaluate(() => window.hindsightSearch.completed);
        await page.selectOption(`#search-filter-${facet}`, value);
        await page.waitForFunction((n) => window.hindsightSearch.completed > n, runs);
      };
      const said = async (q) => (await statusAndHits(page, q))[0];
      const best = (status, re) => Number((status.match(re) || [])[1]);
      await typeQuery(page, "disk ");
      await choose("severity", "SEV1 ");
      // 1,050 match; the page cannot tell whether the 100 network postmortems say "disk", so at
      // least the 2,100 that do less the 1,050 of SEV2.
      assert.equal(terminal("disk", "--severity", "SEV1"), 1050);
      let status = await said("disk ");
      let listed = best(status, /^At least 1050 results match; the best (\d+) are listed\.$/);
      assert.ok(listed > 0 && listed < 1050, status);
      // Every postmortem says "host": all but the 1,050 of SEV2 match, exactly.
      assert.equal(terminal("host", "--severity", "SEV1"), 1150);
      status = await said("host ");
      listed = best(status, /^1150 results match; the best (\d+) are listed\.$/);
      assert.ok(listed > 0 && listed < 1150, status);
      // A word left out: the 2,100 less those of SEV2 or saying "quota".
      assert.equal(terminal("disk -quota", "--severity", "SEV1"), 700);
      status = await said("disk -quota ");
      listed = best(status, /^At least 700 results match; the best (\d+) are listed\.$/);
      assert.ok(listed > 0 && listed < 700, status);
      // Two filters: the least the page knows is fewer than it lists, so it says only that
      // more may match.
      await typeQuery(page, "disk ");
      await choose("tags", "storage ");
      assert.equal(terminal("disk", "--severity", "SEV1", "--tag", "storage"), 525);
      status = await page.textContent("#search-status");
      listed = best(status, /^(\d+) results are listed; more may match\.$/);
      assert.ok(listed > 0 && listed < 525, status);
      assert.deepEqual(errors, []);
    } finally {
      server.close();
      fs.rmSync(src, { recursive: true, force: true });
    }
  });
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-browser-"));
  const demoOut = path.join(tmp, "demo");
  const dfdsOut = path.join(tmp, "dfds");
  build(REPO, demoOut, "/sub/");
  const dfdsRoot = path.join(tmp, "dfds-src");
  fs.cpSync(path.join(REPO, "tests/fixtures/dfds"), dfdsRoot, { recursive: true });
  build(dfdsRoot, dfdsOut);
  const demoServer = await serve(demoOut, { prefix: "/sub/" });
  const dfdsServer = await serve(dfdsOut);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const ctx = {
    browser,
    demoOut,
    dfdsOut,
    demo: `http://127.0.0.1:${demoServer.address().port}/sub/`,
    dfds: `http://127.0.0.1:${dfdsServer.address().port}/`,
  };
  defineTests(ctx);
  let failed = 0;
  for (const t of tests) {
    try {
      await t.fn();
      console.log(`ok - ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`FAILED - ${t.name}\n${e.stack || e}`);
    }
  }
  for (const [q, ms] of timings) console.log(`time to results for "${q}": ${ms.toFixed(1)} ms`);
  await browser.close();
  demoServer.close();
  dfdsServer.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${tests.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
