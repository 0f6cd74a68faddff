// Measures what a real browser downloads to search a built site: Hindsight's own search page,
// or a Pagefind bundle through Pagefind's JS API. Used by `bench/run.py --command search-budget`
// and bench/pagefind.py; see bench/README.md.
//
//   node bench/search_budget.js SITE_DIR [--query WORD ...] [--per-session 3]
//   node bench/search_budget.js --pagefind BUNDLE_DIR [--results 1] [--query WORD ...]
//
// It serves the folder from 127.0.0.1 with node's http module (uncompressed, as files are on
// disk), drives Debian's headless chromium with playwright-core (from tests/browser/), and
// records every response the server sends to the browser (the page's and its workers'): its
// path, raw bytes, gzip -6 bytes and brotli (quality 11) bytes computed with node's zlib. Files that are already gzip (Pagefind's
// index files) are counted as they are: compressing them again would not shrink them.
//
// Sessions: with words w0..wk, session i opens a fresh browser context (empty HTTP cache),
// loads the page, runs w[i] as the first query, then w[i+1], w[i+2] (cyclic) as further
// queries. So every word is measured once as a cold first query, and the worst is reported.
//
// Hindsight: opens SITE_DIR/search/, fills the search box with the word (no trailing space,
// as while typing) and waits until the page shows results (window.hindsightSearch.completed).
// Pagefind: opens an empty page, `await import('/pagefind/pagefind.js')`, `pf.search(word)`,
// then `data()` of the first --results results.
//
// Prints one JSON document to stdout. Exit 1 on any error, or when a query finds nothing.
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const zlib = require("node:zlib");

const REPO = path.resolve(__dirname, "..");
const { chromium } = require(path.join(REPO, "tests/browser/node_modules/playwright-core"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Words of bench/gen.py's corpus, from very common to rare (documents containing each, of
// 10,000: database 8,756; latency 8,638; certificate 4,855; checkpoint 386; keystore 156;
// quounax, a code name, 7,202; mythist, a rarer code name, 30). Used without --query;
// run.py passes its own list (WORDS in bench/search_budget.py).
const DEFAULT_WORDS = ["database", "latency", "certificate", "checkpoint", "keystore",
  "quounax", "mythist"];

const TYPES = {
  ".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript",
  ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
};

/* The only place that knows file names. Says what a fetched path is:
   kind "page" (HTML, CSS and JS that any page of the site loads anyway), "runtime" (the search
   code) or "data" (search index files); role is a finer label for the report. */
function classify(tool, pathname) {
  const name = pathname.split("/").pop();
  if (tool === "pagefind") {
    if (!pathname.startsWith("/pagefind/")) return { kind: "page", role: "page" };
    if (/\.m?js$/.test(name)) return { kind: "runtime", role: "js" };
    if (/^wasm\./.test(name)) return { kind: "runtime", role: "wasm" };
    const ext = (name.match(/\.(pf_[a-z]+)$/) || [])[1];
    return { kind: "data", role: ext || (name.endsWith(".json") ? "entry" : "other") };
  }
  if (pathname.startsWith("/search/") && name.endsWith(".json")) {
    if (name === "index.json") return { kind: "data", role: "entry" };
    const prefix = (name.match(/^([a-z]+)-/) || [])[1];
    const roles = { t: "term shard", f: "fragment", facets: "facets" };
    return { kind: "data", role: roles[prefix] || "other" };
  }
  if (name === "search.js") return { kind: "runtime", role: "js" };
  return { kind: "page", role: "page" };
}

function usage(msg) {
  if (msg) console.error(`search_budget.js: ${msg}`);
  console.error("usage: node bench/search_budget.js SITE_DIR [--query WORD ...] [--per-session N]\n" +
    "       node bench/search_budget.js --pagefind BUNDLE_DIR [--results K] [--query WORD ...]");
  process.exit(2);
}

function parseArgs(argv) {
  const a = { site: null, pagefind: null, words: [], perSession: 3, results: 1 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${v} needs a value`); return argv[++i]; };
    if (v === "--query") a.words.push(next());
    else if (v === "--pagefind") a.pagefind = path.resolve(next());
    else if (v === "--per-session") a.perSession = Number(next());
    else if (v === "--results") a.results = Number(next());
    else if (v === "-h" || v === "--help") usage();
    else if (v.startsWith("-")) usage(`unknown option ${v}`);
    else if (!a.site) a.site = path.resolve(v);
    else usage(`unexpected argument ${v}`);
  }
  if (!a.site && !a.pagefind) usage("give SITE_DIR or --pagefind BUNDLE_DIR");
  if (!a.words.length) a.words = DEFAULT_WORDS;
  for (const w of a.words) if (!/^[\p{L}\p{N}]+$/u.test(w)) usage(`not one word: ${JSON.stringify(w)}`);
  if (!(a.perSession >= 1)) usage("--per-session must be >= 1");
  if (!(a.results >= 1)) usage("--results must be >= 1");
  return a;
}

/* Serves `routes` ({urlPrefix: dir}) and an empty page at /blank.html, and records what it
   sends: the server sees every download, the page's and its workers' alike (Pagefind fetches
   from a web worker), and nothing the browser took from its own cache. take() returns (and
   forgets) the responses sent so far, once no request has been open for a moment. */
function serve(routes, tool) {
  let sent = [], open = 0, lastChange = Date.now();
  const errors = [];
  const server = http.createServer((req, res) => {
    open++;
    lastChange = Date.now();
    res.on("close", () => { open--; lastChange = Date.now(); });
    const p = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const reply = (status, type, body) => {
      if (status === 200) sent.push({ path: p, ...classify(tool, p), ...sizes(body) });
      else if (p !== "/favicon.ico") errors.push(`HTTP ${status}: ${p}`); // the browser asks for an icon by itself
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    if (p === "/blank.html") return reply(200, TYPES[".html"], Buffer.from("<!doctype html><title>blank</title>"));
    const prefix = Object.keys(routes).filter((r) => p.startsWith(r)).sort((x, y) => y.length - x.length)[0];
    if (prefix === undefined) return reply(404, "text/plain", "not found");
    const dir = routes[prefix];
    let file = path.join(dir, p.slice(prefix.length));
    if (!file.startsWith(dir)) return reply(403, "text/plain", "forbidden");
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, data) => {
      if (err) return reply(404, "text/plain", "not found");
      reply(200, TYPES[path.extname(file)] || "application/octet-stream", data);
    });
  });
  server.errors = errors;
  server.take = async () => {
    const t0 = Date.now();
    while ((open > 0 || Date.now() - lastChange < 300) && Date.now() - t0 < 60000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = sent;
    sent = [];
    return out;
  };
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function sizes(buf) {
  const precompressed = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  if (precompressed) return { raw: buf.length, gzip: buf.length, br: buf.length, precompressed };
  const gzip = zlib.gzipSync(buf, { level: 6 }).length;
  const br = zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;
  return { raw: buf.length, gzip, br, precompressed };
}

function totals(files) {
  const sum = (fs_) => fs_.reduce((t, f) => ({ files: t.files + 1, raw: t.raw + f.raw, gzip: t.gzip + f.gzip, br: t.br + f.br }),
    { files: 0, raw: 0, gzip: 0, br: 0 });
  const of = (k) => sum(files.filter((f) => f.kind === k));
  const roles = {}; // which files weigh most: files and gzip bytes per role, search files only
  for (const f of files.filter((f) => f.kind !== "page")) {
    const r = (roles[f.role] = roles[f.role] || { files: 0, gzip: 0 });
    r.files++;
    r.gzip += f.gzip;
  }
  return { data: of("data"), runtime: of("runtime"), page: of("page"),
    search: sum(files.filter((f) => f.kind !== "page")), all: sum(files), roles };
}

async function hindsightQuery(page, word) {
  const before = await page.evaluate(() => (window.hindsightSearch ? window.hindsightSearch.completed : 0));
  const t0 = Date.now();
  await page.fill("#search-q", word);
  await page.waitForFunction(
    ([w, n]) => window.hindsightSearch && window.hindsightSearch.lastQuery === w && window.hindsightSearch.completed > n,
    [word, before], { timeout: 120000 });
  const ms = Date.now() - t0;
  const shown = await page.$$eval("#search-results li", (l) => l.length);
  const status = await page.textContent("#search-status");
  // "12 incidents match." or, when a term's list was cut, "About 8756 incidents match; ...".
  const m = status.match(/^(?:About )?(\d+) incidents? match/);
  return { hits: m ? Number(m[1]) : 0, shown, ms };
}

async function pagefindQuery(page, word, k) {
  const t0 = Date.now();
  const r = await page.evaluate(async ([w, k]) => {
    window.pf = window.pf || await import("/pagefind/pagefind.js");
    const res = await window.pf.search(w);
    const n = Math.min(k, res.results.length);
    for (let i = 0; i < n; i++) await res.results[i].data();
    return { hits: res.results.length, shown: n };
  }, [word, k]);
  return { ...r, ms: Date.now() - t0 };
}

function countFiles(dir) {
  let files = 0, bytes = 0, html = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(e.parentPath || e.path, e.name)).size;
    if (e.name.endsWith(".html")) html++;
  }
  return { dir, files, bytes, html_files: html };
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const tool = a.pagefind ? "pagefind" : "hindsight";
  const routes = a.pagefind ? { "/pagefind/": a.pagefind } : { "/": a.site };
  for (const d of Object.values(routes)) if (!fs.existsSync(d)) usage(`no such folder: ${d}`);
  if (tool === "hindsight" && !fs.existsSync(path.join(a.site, "search/index.html"))) {
    usage(`${a.site} has no search/index.html; is it a built Hindsight site?`);
  }
  const server = await serve(routes, tool);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const sessions = [];
  const errors = [];
  const per = Math.min(a.perSession, a.words.length);
  for (let s = 0; s < a.words.length; s++) {
    const words = Array.from({ length: per }, (_, i) => a.words[(s + i) % a.words.length]);
    const context = await browser.newContext(); // fresh HTTP cache for each session
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    await server.take(); // nothing from an earlier session may count here
    await page.goto(origin + (tool === "pagefind" ? "/blank.html" : "/search/"));
    const queries = [];
    for (const [i, word] of words.entries()) {
      const q = tool === "pagefind" ? await pagefindQuery(page, word, a.results) : await hindsightQuery(page, word);
      const files = await server.take();
      if (q.hits === 0) errors.push(`"${word}" found nothing`);
      // The first query's window starts at navigation: it holds the page load too.
      queries.push({ word, nth: i + 1, ...q, totals: totals(files), files });
    }
    sessions.push({ words, queries });
    await context.close();
  }
  const version = browser.version();
  await browser.close();
  server.close();
  errors.push(...server.errors);

  const firsts = sessions.map((s) => s.queries[0]);
  const further = sessions.flatMap((s) => s.queries.slice(1));
  const worst = (qs, key) => qs.reduce((w, q) => (!w || q.totals[key].gzip > w.totals[key].gzip ? q : w), null);
  const brief = (q) => q && { word: q.word, nth: q.nth, hits: q.hits, shown: q.shown, ms: q.ms, totals: q.totals };
  const out = {
    tool,
    dir: a.pagefind || a.site,
    chromium: version,
    words: a.words,
    per_session: per,
    results_loaded: tool === "pagefind" ? a.results : "as the search page shows (its first page of results)",
    counting: "raw = bytes as served; gzip = gzip -6 of each file (node zlib), br = brotli quality 11, " +
      "except files that already are gzip, which count as they are; kinds: page = the HTML/CSS/JS " +
      "every page loads, runtime = search code (search.js; pagefind.js + wasm), data = index files; " +
      "search = runtime + data; all = everything the browser fetched in that window",
    index_files: countFiles(a.pagefind || path.join(a.site, "search")),
    summary: {
      first_query_worst: brief(worst(firsts, "search")),
      first_query_worst_data: brief(worst(firsts, "data")),
      further_query_worst: brief(worst(further, "search")),
      first_queries: firsts.map(brief),
      further_queries: further.map(brief),
    },
    sessions,
    errors,
  };
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
  if (errors.length) {
    console.error("search_budget.js: errors:\n  " + errors.join("\n  "));
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
