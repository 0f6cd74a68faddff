#!/usr/bin/env python3
"""Pagefind over a built Hindsight site: the other side of `run.py --command search-budget`.

    python3 bench/pagefind.py SITE_DIR [--out DIR] [--runs 3] [--query WORD ...]

Indexes the incident pages of SITE_DIR (the same pages Hindsight's own index covers) with the
Pagefind pinned in bench/pagefind/package.json, --runs times from a clean output folder, and
measures each run's wall time and peak RSS (os.wait4, as run.py does). Then it measures what a
browser downloads for a first and further one-word queries through Pagefind's JS API, with
bench/search_budget.js. Prints one JSON document. Python 3 standard library, plus node and npm.

Pagefind runs with its defaults (it indexes each page's <body>, as the pages have no
data-pagefind-body) except --glob, which limits it to incidents/*/index.html. The binary is
the one `npx pagefind` would exec (the npm package is a thin wrapper around it), called
directly so that node's start-up is not in the timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
import run as harness  # noqa: E402  (measure, tree_stats, rel, log)

PAGEFIND_PKG = BENCH_DIR / "pagefind"
BUDGET_JS = BENCH_DIR / "search_budget.js"
GLOB = "incidents/*/index.html"


def pagefind_binary() -> Path:
    """The native Pagefind binary, installed from the lock file with `npm ci` if missing."""
    if not (PAGEFIND_PKG / "node_modules" / "pagefind").is_dir():
        harness.log(f"bench: installing Pagefind in {harness.rel(PAGEFIND_PKG)} (npm ci)")
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PAGEFIND_PKG)
        if r.returncode != 0:
            harness.fail(f"npm ci in {harness.rel(PAGEFIND_PKG)} failed")
    # Ask the package itself which binary its npx wrapper would run.
    script = ("import {resolveBinaryPath} from './node_modules/pagefind/lib/resolveBinary.js';"
              "console.log(resolveBinaryPath(['pagefind_extended', 'pagefind']))")
    r = subprocess.run(["node", "--input-type=module", "-e", script], cwd=PAGEFIND_PKG,
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        harness.fail(f"cannot find the Pagefind binary: {r.stderr.strip()}")
    return Path(r.stdout.strip())


def pagefind_version(binary: Path) -> str:
    r = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def index(site: Path, out: Path, runs: int) -> dict:
    """Runs Pagefind `runs` times (the first a discarded warm-up when runs > 1)."""
    binary = pagefind_binary()
    cmd = [str(binary), "--site", str(site), "--output-path", str(out), "--glob", GLOB]
    shown = (f"{harness.rel(binary)} --site {harness.rel(site)} --output-path {harness.rel(out)} "
             f"--glob '{GLOB}'")
    harness.log(f"bench: pagefind: {shown}")
    results = harness.repeat(cmd, runs, "pagefind", [out])
    used = results[1:] if runs > 1 else results
    walls = [r.wall for r in used]
    files, size = harness.tree_stats(out)
    log_text = results[-1].stdout.decode("utf-8", "replace")
    pages = next((line.split()[1] for line in log_text.splitlines()
                  if line.strip().startswith("Indexed") and line.strip().endswith("pages")), "?")
    return {
        "version": pagefind_version(binary),
        "command": shown,
        "npx_equivalent": f"(cd {harness.rel(PAGEFIND_PKG)} && npx pagefind "
                          f"--site {os.path.relpath(site, PAGEFIND_PKG)} "
                          f"--output-path {os.path.relpath(out, PAGEFIND_PKG)} --glob '{GLOB}')",
        "pages_indexed": pages,
        "walls": [r.wall for r in results],
        "warmup": runs > 1,
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "peak_rss_mb": max(r.maxrss_mb for r in used),
        "files": files,
        "bytes": size,
    }


def browser(bundle: Path, words: list[str], results: int) -> dict:
    """First and further query transfers through Pagefind's JS API (bench/search_budget.js),
    loading the data() of the first `results` results of each query."""
    cmd = ["node", str(BUDGET_JS), "--pagefind", str(bundle), "--results", str(results)]
    for w in words:
        cmd += ["--query", w]
    harness.log(f"bench: node {harness.rel(BUDGET_JS)} --pagefind {harness.rel(bundle)} "
                f"--results {results} " + " ".join(f"--query {w}" for w in words))
    r = subprocess.run(cmd, cwd=harness.ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        harness.fail(f"search_budget.js (pagefind) failed:\n{r.stderr.strip()[-4000:]}")
    return json.loads(r.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Index a built Hindsight site with Pagefind and "
                                 "measure it (time, memory, files, first-query bytes).")
    ap.add_argument("site", help="a site built by `hindsight build`")
    ap.add_argument("--out", help="Pagefind output folder (default: bench-out/pagefind-<site name>)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--query", action="append", default=[], help="a one-word query (repeatable)")
    args = ap.parse_args(argv)
    site = Path(args.site).resolve()
    out = Path(args.out).resolve() if args.out else harness.OUT / f"pagefind-{site.name}"
    report = {"index": index(site, out, max(1, args.runs))}
    # Without --query, search_budget.js uses its own list of corpus words.
    report["browser"] = {k: browser(out, args.query, k) for k in (1, 5)}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
