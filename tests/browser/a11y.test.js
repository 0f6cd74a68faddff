// Accessibility of every kind of page the site has, checked in headless Debian chromium with
// axe-core (the engine behind Lighthouse's accessibility audit):
//
//   node tests/browser/a11y.test.js [path/to/hindsight]
//
// Builds the demo site and the dfds corpus (in lists of ten a page), opens one page of each template (and the search
// page with results shown) in the light and the dark colour scheme, and every incident page
// in the light one (in both when it shows highlighted code), and fails on any WCAG 2.0/2.1/2.2
// A or AA violation, or any of axe's best-practice rules, naming the rule, the page and the
// elements. There is no skip: a missing browser is a failure too.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");
const AXE = require.resolve("axe-core/axe.min.js");

const { REPO, BIN, CHROMIUM, serve } = require("./site");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/* One page of each template the site has, as paths under the site root, found from its JSON
   export so that the list follows the content: an incident with related incidents and a
   learning seen before, a canonical learning, a cluster grouped by Hindsight (when the site
   has one), one page of every listing, a second page of incidents (when there is one) and,
   when /action-items/ is a summary by owner, the owners of one status and one owner's list of
   one status (a second page of one when there is). */
function pagesOf(out) {
  const incidents = JSON.parse(fs.readFileSync(path.join(out, "api/incidents.json"), "utf8"));
  const learnings = JSON.parse(fs.readFileSync(path.join(out, "api/learnings.json"), "utf8"));
  const local = (url) => new URL(url, "http://x/").pathname;
  const incident = incidents.find((i) => i.related && i.related.length > 0) || incidents[0];
  const pages = ["", "incidents/", local(incident.url), "learnings/", "action-items/", "tags/",
    "services/", "severity/", "years/", "stats/", "search/", "no-such-page/"];
  const canonical = learnings.find((l) => l.canonical);
  const cluster = learnings.find((l) => !l.canonical);
  for (const l of [canonical, cluster]) if (l) pages.push(local(l.url));
  for (const listing of ["tags", "services", "severity", "years"]) {
    const first = fs.readdirSync(path.join(out, listing), { withFileTypes: true })
      .filter((e) => e.isDirectory()).map((e) => e.name).sort()[0];
    if (first) pages.push(`${listing}/${first}/`);
  }
  if (fs.existsSync(path.join(out, "onboarding/index.html"))) pages.push("onboarding/");
  if (fs.existsSync(path.join(out, "incidents/page/2/index.html"))) pages.push("incidents/page/2/");
  const owners = [];
  const statuses = [];
  for (const status of ["open", "unrecorded", "done", "wontfix"]) {
    const dir = path.join(out, "action-items", status);
    if (!fs.existsSync(dir)) continue;
    // The owners of the status (its index.html), then each owner's list (a folder).
    if (statuses.length === 0) statuses.push(`action-items/${status}/`);
    for (const o of fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())
      .map((e) => e.name).sort()) owners.push(`action-items/${status}/${o}/`);
  }
  pages.push(...statuses);
  const paged = owners.find((o) => fs.existsSync(path.join(out, o, "page/2/index.html")));
  if (paged) pages.push(`${paged}page/2/`);
  else if (owners.length > 0) pages.push(owners[0]);
  return pages.map((p) => p.replace(/^\//, ""));
}

/* Every incident page: what authors write ends up there (task lists, tables, images, code),
   so each is audited in the light scheme, and those with highlighted code in the dark one too
   (the body's only colours of its own are the highlighting's). */
function contentPagesOf(out, scheme) {
  const incidents = JSON.parse(fs.readFileSync(path.join(out, "api/incidents.json"), "utf8"));
  return incidents
    .map((x) => new URL(x.url, "http://x/").pathname.replace(/^\//, ""))
    .filter((p) => scheme === "light"
      || fs.readFileSync(path.join(out, p, "index.html"), "utf8").includes('<pre class="code"'));
}

async function audit(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
      more: Math.max(0, v.nodes.length - 5),
    }));
  }, TAGS);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hindsight-a11y-"));
  const sites = [];
  for (const [name, root] of [["demo", REPO], ["dfds", path.join(REPO, "tests/fixtures/dfds")]]) {
    const src = path.join(tmp, `${name}-src`);
    if (name === "dfds") {
      fs.cpSync(root, src, { recursive: true });
      // Lists of ten, so that its list pages are audited with their page links too, and its
      // action items (more than ten) as a summary by owner and lists by owner and status.
      const toml = path.join(src, "hindsight.toml");
      fs.writeFileSync(toml, `paginate_by = 10\n${fs.readFileSync(toml, "utf8")}`);
    }
    const out = path.join(tmp, name);
    execFileSync(BIN, ["build", "--quiet", "--root", name === "dfds" ? src : root, "--out", out], { stdio: "inherit" });
    sites.push({ name, out, server: await serve(out, { notFoundPage: true }) });
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = 0, passed = 0;
  for (const site of sites) {
    const base = `http://127.0.0.1:${site.server.address().port}/`;
    const templates = pagesOf(site.out);
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ colorScheme: scheme });
      const content = contentPagesOf(site.out, scheme).filter((p) => !templates.includes(p));
      for (const p of [...templates, ...content]) {
        const page = await context.newPage();
        await page.goto(base + p);
        if (p === "search/") {
          await page.fill("#search-q", "certificate");
          await page.waitForSelector("#search-results a", { timeout: 10000 });
        }
        const violations = await audit(page);
        const name = `${site.name} /${p} (${scheme})`;
        if (violations.length === 0) {
          passed++;
          console.log(`ok - ${name} has no accessibility violations`);
        } else {
          failed++;
          console.log(`FAILED - ${name}`);
          for (const v of violations) {
            console.log(`  ${v.rule} (${v.impact}): ${v.help}`);
            for (const n of v.nodes) console.log(`    ${n}`);
            if (v.more) console.log(`    ... and ${v.more} more`);
          }
        }
        await page.close();
      }
      await context.close();
    }
  }
  await browser.close();
  for (const s of sites) s.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
