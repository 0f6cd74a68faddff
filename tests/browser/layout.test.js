// Layout of the default theme in headless Debian chromium: what a reader sees on a phone, on a
// laptop and on paper.
//
//   node tests/browser/layout.test.js [path/to/hindsight] [part of a test's name]
//
// Builds the demo site, the dfds corpus and the Quayside corpus, serves each from 127.0.0.1
// with node's http module, and checks that no page scrolls sideways on a phone, and that tables
// wrap their sentences, fit the page on paper and scroll in a box of their own when still too
// wide for a phone, that an incident's contents list is complete and in view on a laptop, and
// that a printed incident leaves no page half blank, that no printed page ends on a sheet of
// the footer alone, and that the header keeps its search beside
// a long site title and offers the "/" key only where there is a keyboard. Any failure exits 1;
// there is no skip: a missing browser is a failure too.
"use strict";
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const { REPO, BIN, CHROMIUM, serve } = require("./site");
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };

/* Every HTML page of a built site, as paths under its root ("" for the overview). */
function htmlPages(out) {
  const pages = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) pages.push(path.relative(out, p).split(path.sep).join("/").replace(/(^|\/)index\.html$/, "$1"));
    }
  };
  walk(out);
  return pages.sort();
}

function incidentPages(out) {
  return JSON.parse(fs.readFileSync(path.join(out, "api/incidents.json"), "utf8"))
    .map((x) => new URL(x.url, "http://x/").pathname.replace(/^\//, ""));
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test("no page of the demo, dfds or Quayside site scrolls sideways on a 390px-wide phone", async ({ browser, sites }) => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const offenders = [];
  let checked = 0;
  for (const site of sites) {
    for (const p of htmlPages(site.out)) {
      await page.goto(site.base + p, { waitUntil: "load" });
      checked++;
      const wide = await page.evaluate(() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return null;
        // The innermost element whose box or overflowing content reaches furthest right, to
        // say what to look at.
        let far = null, right = root.clientWidth;
        for (const el of document.body.querySelectorAll("*")) {
          const box = el.getBoundingClientRect();
          const r = Math.max(box.right, box.left + el.scrollWidth);
          if (r > right || (r === right && far && far.contains(el))) { right = r; far = el; }
        }
        const name = far ? far.tagName.toLowerCase() + (far.className && typeof far.className === "string" ? "." + far.className.trim().split(/\s+/).join(".") : "") : "?";
        return `${root.scrollWidth}px wide (widest: ${name} "${far ? far.textContent.trim().replace(/\s+/g, " ").slice(0, 50) : ""}")`;
      });
      if (wide) offenders.push(`${site.name} /${p}: ${wide}`);
    }
  }
  await context.close();
  assert.ok(checked > 250, `only ${checked} pages checked`);
  if (offenders.length) assert.fail(`${offenders.length} pages are wider than the 390px screen:\n  ${offenders.join("\n  ")}`);
});

/* The tables of a page that are wider than their box, as "label: table px > box px". */
async function overflowingTables(page) {
  return page.$$eval(".prose .table-wrap", (wraps) => wraps
    .filter((w) => w.querySelector("table").getBoundingClientRect().width > w.clientWidth + 1)
    .map((w) => `${w.getAttribute("aria-label")}: ${Math.round(w.querySelector("table").getBoundingClientRect().width)}px > ${w.clientWidth}px`));
}

test("a table of sentences wraps them and fits its column on a laptop and on paper", async ({ browser, sites }) => {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  const offenders = [];
  // An A4 page less the print style's 1.6 cm margins is 673 CSS pixels wide.
  for (const [media, viewport] of [["screen", LAPTOP], ["print", { width: 673, height: 950 }]]) {
    await page.emulateMedia({ media });
    await page.setViewportSize(viewport);
    for (const site of sites) {
      for (const p of incidentPages(site.out)) {
        if (!fs.readFileSync(path.join(site.out, p, "index.html"), "utf8").includes("<table")) continue;
        await page.goto(site.base + p);
        for (const t of await overflowingTables(page)) offenders.push(`${site.name} /${p} (${media}) ${t}`);
      }
    }
  }
  await context.close();
  if (offenders.length) assert.fail(`tables wider than their column:\n  ${offenders.join("\n  ")}`);
});

test("a timeline's times stay on one line while an action table's sentences wrap, on paper too, splitting no word", async ({ browser, site }) => {
  const page = await browser.newPage({ viewport: PHONE });
  // How many lines the text of each first cell takes in the body of the table whose first
  // column is headed `head`.
  const firstCellLines = (head) => page.$$eval(".prose table", (tables, head) => {
    const table = tables.find((t) => t.querySelector("th").textContent.trim() === head);
    return [...table.querySelectorAll("tbody td:first-child")].map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.bottom))).size;
    });
  }, head);
  await page.goto(site("dfds").base + "incidents/PM2020-007/");
  const times = await firstCellLines("Time");
  assert.ok(times.length > 3 && times.every((n) => n === 1), `time cells take ${times} lines`);
  await page.goto(site("quayside").base + "incidents/QS-2021-016/");
  const actions = await firstCellLines("Action");
  assert.ok(actions.length > 3 && actions.every((n) => n >= 2), `action cells take ${actions} lines`);
  // On paper the table fits the page by wrapping its sentences, not by cutting the words of
  // its short columns: no word of a header or cell is split over two lines.
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 673, height: 950 });
  const split = await page.$eval(".table-wrap:has(th:first-child:text-is('Action'))", (w) => {
    const words = [];
    const walker = document.createTreeWalker(w, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) words.push(m[0]);
      }
    }
    return words;
  });
  assert.deepEqual(split, [], "words split over two lines on paper");
  await page.close();
});

test("a table too wide for a phone scrolls in its own box, which is named and scrolls from the keyboard", async ({ browser, site }) => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(site("quayside").base + "incidents/QS-2021-016/");
  const box = await page.$(".table-wrap:has(th:first-child:text-is('Action'))");
  const before = await box.evaluate((w) => ({
    label: w.getAttribute("aria-label"),
    role: w.getAttribute("role"), tabindex: w.getAttribute("tabindex"),
    wider: w.scrollWidth > w.clientWidth, page: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
  }));
  assert.deepEqual(before, { label: "Action Items table", role: "region", tabindex: "0", wider: true, page: true });
  // The box is in the tab order (tabindex 0); once focused, the arrow keys scroll it.
  await box.focus();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Action Items table");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.activeElement.scrollLeft > 0, null, { timeout: 3000 });
  await page.close();
});

test("an incident's contents list names every section of the page and stays whole on a laptop screen", async ({ browser, site }) => {
  // Reduced motion: a scroll jumps at once (the theme scrolls smoothly otherwise).
  const page = await browser.newPage({ viewport: LAPTOP, reducedMotion: "reduce" });
  const offenders = [];
  for (const p of incidentPages(site("demo").out)) {
    await page.goto(site("demo").base + p);
    const missing = await page.$$eval(".incident-main h2[id]", (hs) => hs
      .filter((h) => !document.querySelector(`.toc a[href="#${CSS.escape(h.id)}"]`))
      .map((h) => h.textContent.replace(/#$/, "").trim()));
    if (missing.length) offenders.push(`/${p}: no entry for ${missing.join(", ")}`);
    // Read halfway down, then at the end: every entry is on screen, none in a nested scroll.
    for (const at of [0.5, 1]) {
      await page.evaluate((at) => window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * at), at);
      const cut = await page.evaluate(() => {
        const scrolls = [".incident-side", ".toc"].map((s) => document.querySelector(s))
          .filter((el) => el && el.scrollHeight > el.clientHeight + 1).map((el) => el.className);
        const off = [...document.querySelectorAll(".toc a")]
          .filter((a) => { const r = a.getBoundingClientRect(); return r.top < 0 || r.bottom > innerHeight; })
          .map((a) => a.textContent);
        return [...scrolls.map((c) => `.${c} scrolls`), ...off.map((t) => `"${t}" off screen`)];
      });
      if (cut.length) offenders.push(`/${p} at ${at * 100}%: ${cut.join(", ")}`);
    }
  }
  await page.close();
  if (offenders.length) assert.fail(offenders.join("\n  "));
});

test("a printed incident takes no more paper than its text needs, without the site's navigation", async ({ browser, site }) => {
  // Printed from a laptop's window: the paper, not the window, sets the layout.
  const page = await browser.newPage({ viewport: LAPTOP });
  const pdfPages = async () => ((await page.pdf()).toString("latin1").match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
  const offenders = [];
  for (const p of incidentPages(site("demo").out)) {
    await page.goto(site("demo").base + p);
    await page.emulateMedia({ media: "print" });
    const shown = await page.evaluate(() => ({
      hidden: [".site-nav", ".site-search", ".toc"].filter((s) => {
        const el = document.querySelector(s);
        return el && getComputedStyle(el).display !== "none";
      }),
      detailColumns: getComputedStyle(document.querySelector(".meta-panel")).gridTemplateColumns.split(" ").length,
    }));
    await page.emulateMedia({ media: null });
    if (shown.hidden.length) offenders.push(`/${p}: ${shown.hidden.join(", ")} printed`);
    if (shown.detailColumns < 3) offenders.push(`/${p}: the details are printed in ${shown.detailColumns} column(s)`);
    // Blocks kept whole must not leave pages blank: the page count is the one the text
    // would take if every block could break inside. A heading still keeps with what follows
    // it in both counts: moving it costs a line or two, which can tip the last page over
    // (it did on PM2022-001 when a one-line note was added), and is no waste. So is a table's
    // header row, which is kept whole to be printed again atop each page the table continues on
    // (PM2025-003's timeline), and not merged into the text by the count.
    const pages = await pdfPages();
    await page.addStyleTag({ content: "@media print { :not(thead), *::before, *::after { break-inside: auto !important; } }" });
    const needed = await pdfPages();
    if (pages > needed) offenders.push(`/${p}: ${pages} pages where its text takes ${needed}`);
  }
  await page.close();
  if (offenders.length) assert.fail(offenders.join("\n  "));
});

test("no printed page of the demo ends on a sheet that holds only the footer, and its note is printed in the header", async ({ browser, site }) => {
  const page = await browser.newPage({ viewport: LAPTOP });
  const pdfPages = async () => ((await page.pdf()).toString("latin1").match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
  const offenders = [];
  for (const p of htmlPages(site("demo").out)) {
    await page.goto(site("demo").base + p);
    // The footer costs no sheet of paper: the page count is the one without it.
    const pages = await pdfPages();
    await page.addStyleTag({ content: "@media print { .site-footer { display: none !important; } }" });
    const needed = await pdfPages();
    if (pages > needed) offenders.push(`/${p}: ${pages} pages, the last one for the footer alone`);
  }
  if (offenders.length) assert.fail(offenders.join("\n  "));
  // What the footer says is printed all the same, once, in the header beside the site's title.
  await page.goto(site("demo").base + "learnings/");
  await page.emulateMedia({ media: "print" });
  const printed = await page.evaluate(() => [...document.querySelectorAll("body *")]
    .filter((el) => el.checkVisibility() && el.children.length === 0 && /^Blameless by design/.test(el.textContent.trim()))
    .map((el) => el.closest("header, main, footer").tagName.toLowerCase()));
  await page.close();
  assert.deepEqual(printed, ["header"], "where the footer's note is printed");
});

test("a long site title keeps the header search on its row on a laptop", async ({ browser, site }) => {
  const page = await browser.newPage({ viewport: LAPTOP });
  const offenders = [];
  for (const name of ["demo", "dfds", "quayside"]) {
    await page.goto(site(name).base);
    const [brand, search] = await page.$$eval(".brand, .site-search", (els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, title: el.textContent.trim() };
    }));
    if (search.top >= brand.bottom) offenders.push(`${name} ("${brand.title}"): the search is on a row of its own`);
  }
  await page.close();
  if (offenders.length) assert.fail(offenders.join("\n  "));
});

test("the header tells a keyboard, not a touch screen, to press / to search", async ({ browser, site }) => {
  const hint = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(site("demo").base);
    const seen = await page.evaluate(() => ({
      touch: matchMedia("(hover: none)").matches,
      placeholder: document.getElementById("site-search-input").placeholder,
      hint: [...document.querySelectorAll(".site-search *")].filter((el) => el.checkVisibility() && /\//.test(el.textContent)).length > 0,
    }));
    await context.close();
    return seen;
  };
  const phone = await hint({ viewport: PHONE, isMobile: true, hasTouch: true });
  assert.ok(phone.touch, "the phone is emulated without hover");
  assert.ok(!/press|\//i.test(phone.placeholder) && !phone.hint, `a touch screen is told to press /: ${JSON.stringify(phone)}`);
  const laptop = await hint({ viewport: LAPTOP });
  assert.ok(!laptop.touch && laptop.hint, `a laptop is not told to press /: ${JSON.stringify(laptop)}`);
});

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-layout-"));
  const sites = [];
  for (const [name, root] of [["demo", REPO], ["dfds", "tests/fixtures/dfds"], ["quayside", "tests/fixtures/quayside"]]) {
    // A fixture is copied: a build writes its cache under the root it reads.
    let src = REPO;
    if (root !== REPO) {
      src = path.join(tmp, `${name}-src`);
      fs.cpSync(path.join(REPO, root), src, { recursive: true });
    }
    const out = path.join(tmp, name);
    // Its warnings (no base_url) are no concern here; an error fails the test with them.
    execFileSync(BIN, ["build", "--quiet", "--root", src, "--out", out], { stdio: "pipe" });
    const server = await serve(out);
    sites.push({ name, out, server, base: `http://127.0.0.1:${server.address().port}/` });
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = 0;
  const only = process.argv[3];
  for (const t of tests.filter((t) => !only || t.name.includes(only))) {
    const started = Date.now();
    try {
      await t.fn({ browser, sites, site: (n) => sites.find((s) => s.name === n), tmp });
      console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAILED - ${t.name}\n  ${String(e.message || e).split("\n").join("\n  ")}`);
    }
  }
  await browser.close();
  for (const s of sites) s.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  const run = tests.filter((t) => !only || t.name.includes(only)).length;
  console.log(`${run - failed} passed, ${failed} failed`);
  if (run === 0) failed = 1;
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
