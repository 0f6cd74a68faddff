"""The `search-budget` command of bench/run.py: Hindsight's browser search budgets, side by side
with Pagefind on the same pages.

    python3 bench/run.py --n 10000 --command search-budget [--runs 3] [--keep]

For each N: builds bench-out/site-N (--runs times, clean, as `--command build` does, with
HINDSIGHT_TIMINGS=1), measures in headless chromium what the search page downloads for first
and further one-word queries (bench/search_budget.js), indexes the same incident pages with
Pagefind and measures Pagefind the same way (bench/pagefind.py), and writes a Markdown table
with pass/fail against the budgets to stdout and bench-out/results-search-budget.md.
See bench/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pagefind
import run as harness

KB = 1000  # budgets are in KB of 1,000 bytes (the stricter reading)
FIRST_QUERY_BUDGET = 150 * KB
FURTHER_QUERY_BUDGET = 60 * KB
MAX_INDEX_FILES = 5000
TIME_RATIO = 5  # the index must build in at most 1/TIME_RATIO of Pagefind's time
BUDGET_JS = harness.BENCH_DIR / "search_budget.js"

# One-word queries, common to rare (documents containing each, of 10,000: database 8,756,
# latency 8,638, certificate 4,855, checkpoint 386, keystore 156; quounax 7,202 and mythist 30
# are code names). unique_word() adds an error code found in exactly one postmortem.
WORDS = ["database", "latency", "certificate", "checkpoint", "keystore", "quounax", "mythist"]


def unique_word(corpus: Path) -> str | None:
    """The error code in pm-00001's "first clue" sentence (`E00614` of `E00614_EOF`): one
    document has it. (The pod name's random suffix is unique too, but Pagefind finds nothing
    for it: it splits such tokens differently.)"""
    try:
        text = (corpus / "content" / "postmortems" / "pm-00001.md").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"The first clue was `(E[0-9]+)_", text)
    return m.group(1) if m else None


def parse_duration(text: str) -> float | None:
    """Seconds from a Rust Debug duration such as 1.234s, 56.7ms or 890µs."""
    m = re.search(r"([0-9]+(?:\.[0-9]+)?)\s*(ns|µs|us|ms|s)\b", text)
    if not m:
        return None
    scale = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
    return float(m.group(1)) * scale


def build_site(bin_path: Path, corpus: Path, site: Path, runs: int) -> dict:
    """Times `hindsight build` like run.py's build command; keeps the last build's output."""
    cmd = [str(bin_path), "build", "--root", harness.rel(corpus), "--out", harness.rel(site),
           "--quiet"]
    shown = "HINDSIGHT_TIMINGS=1 " + " ".join([harness.rel(bin_path)] + cmd[1:])
    harness.log(f"bench: {shown}")
    os.environ["HINDSIGHT_TIMINGS"] = "1"
    try:
        results = harness.repeat(cmd, runs, "build", [site, corpus / ".hindsight-cache"])
    finally:
        del os.environ["HINDSIGHT_TIMINGS"]
    used = results[1:] if runs > 1 else results
    walls = [r.wall for r in used]
    # A timing line about the search index, if this binary prints one (from the last run).
    stage_lines = [line.strip() for line in results[-1].stderr.splitlines()
                   if line.startswith("[timings]") and "search" in line.lower()]
    stage_s = [parse_duration(line) for line in stage_lines]
    stage_s = [s for s in stage_s if s is not None]
    site_files, site_bytes = harness.tree_stats(site)
    search_files, search_bytes = harness.tree_stats(site / "search")
    return {
        "command": shown,
        "walls": [r.wall for r in results],
        "warmup": runs > 1,
        "median_s": statistics.median(walls),
        "peak_rss_mb": max(r.maxrss_mb for r in used),
        "timings": [line for line in results[-1].stderr.splitlines() if line.startswith("[timings]")],
        "stage_lines": stage_lines,
        "stage_s": max(stage_s) if stage_s else None,
        "site_files": site_files,
        "site_bytes": site_bytes,
        "search_files": search_files,
        "search_bytes": search_bytes,
    }


def hindsight_browser(site: Path, words: list[str]) -> dict:
    cmd = ["node", str(BUDGET_JS), str(site)]
    for w in words:
        cmd += ["--query", w]
    shown = f"node {harness.rel(BUDGET_JS)} {harness.rel(site)} " + " ".join(f"--query {w}" for w in words)
    harness.log(f"bench: {shown}")
    r = subprocess.run(cmd, cwd=harness.ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        harness.fail(f"search_budget.js failed:\n{r.stderr.strip()[-4000:]}")
    out = json.loads(r.stdout)
    out["shown_command"] = shown
    return out


# ----------------------------------------------------------------------------- report


def kb(nbytes: float) -> str:
    return f"{nbytes / KB:.1f}"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def first_by_word(b: dict) -> dict:
    return {q["word"]: q for q in b["summary"]["first_queries"]}


def worst(queries: list[dict], key: str = "search") -> dict:
    return max(queries, key=lambda q: q["totals"][key]["gzip"])


def roles_text(q: dict) -> str:
    roles = sorted(q["totals"]["roles"].items(), key=lambda kv: -kv[1]["gzip"])
    return ", ".join(f"{name} {kb(r['gzip'])} KB ({r['files']} file{'s' if r['files'] > 1 else ''})"
                     for name, r in roles)


def section(n: int, build: dict, hs: dict, pf_index: dict, pf1: dict, pf5: dict, runs: int) -> list[str]:
    hf, pf = hs["summary"], pf1["summary"]
    h_first = worst(hf["first_queries"])
    h_first_data = worst(hf["first_queries"], "data")
    h_first_all = worst(hf["first_queries"], "all")
    h_further = worst(hf["further_queries"]) if hf["further_queries"] else None
    p_first = worst(pf["first_queries"])
    p_first_data = worst(pf["first_queries"], "data")
    p_first_all = worst(pf["first_queries"], "all")
    p_further = worst(pf["further_queries"]) if pf["further_queries"] else None
    p5_first = worst(pf5["summary"]["first_queries"])
    nwords = len(hs["words"])

    # Every word's first query against Pagefind's first query for the same word.
    h_by, p_by = first_by_word(hs), first_by_word(pf1)
    not_more = sum(1 for w in hs["words"]
                   if h_by[w]["totals"]["search"]["gzip"] <= p_by[w]["totals"]["search"]["gzip"])

    limit = pf_index["median_s"] / TIME_RATIO
    if build["median_s"] <= limit:
        time_result = f"{verdict(True)}: even the whole build takes ≤ {limit:.2f} s"
    elif build["stage_s"] is not None:
        time_result = (f"{verdict(build['stage_s'] <= limit)} by the build's own search timing line "
                       f"({build['stage_s']:.2f} s vs ≤ {limit:.2f} s); the whole build is over it")
    else:
        time_result = (f"**NOT SHOWN**: the whole build ({build['median_s']:.2f} s) is over "
                       f"{limit:.2f} s, and this binary does not time its search index stage")
    h_time = f"{build['median_s']:.2f} (whole build)"
    if build["stage_s"] is not None:
        h_time += f"; search line: {build['stage_s']:.2f}"
    med = f"median of {runs - 1 if runs > 1 else runs}"

    rows = [
        ("search index build time, s (" + med + ")", h_time, f"{pf_index['median_s']:.2f}",
         f"Hindsight ≤ 1/{TIME_RATIO} of Pagefind", time_result),
        ("peak RSS, MB", f"{build['peak_rss_mb']:.0f} (whole build)", f"{pf_index['peak_rss_mb']:.0f}",
         "–", ""),
        ("search index files", f"{build['search_files']:,} (all of site/search/, with its page)",
         f"{pf_index['files']:,}", f"< {MAX_INDEX_FILES:,}",
         verdict(build["search_files"] < MAX_INDEX_FILES)),
        ("search index size, MB (raw)", harness.fmt_mb(build["search_bytes"]),
         harness.fmt_mb(pf_index["bytes"]), "–", ""),
        (f"first query, worst of {nwords} words: KB compressed, search code + index data",
         f"{kb(h_first['totals']['search']['gzip'])} (`{h_first['word']}`)",
         f"{kb(p_first['totals']['search']['gzip'])} (`{p_first['word']}`)",
         f"≤ {FIRST_QUERY_BUDGET // KB} KB; ≤ Pagefind",
         f"{verdict(h_first['totals']['search']['gzip'] <= FIRST_QUERY_BUDGET)}; "
         f"{verdict(not_more == nwords)} ({not_more}/{nwords} words ≤ Pagefind's for the same word)"),
        ("… of which index data only",
         f"{kb(h_first_data['totals']['data']['gzip'])} (`{h_first_data['word']}`)",
         f"{kb(p_first_data['totals']['data']['gzip'])} (`{p_first_data['word']}`)", "–", ""),
        ("… plus the page itself (HTML, CSS, other JS)",
         f"{kb(h_first_all['totals']['all']['gzip'])} (`{h_first_all['word']}`)",
         f"{kb(p_first_all['totals']['all']['gzip'])} (`{p_first_all['word']}`; an empty page)",
         "–", ""),
        ("first query, same, brotli 11 instead of gzip -6",
         kb(h_first["totals"]["search"]["br"]), kb(p_first["totals"]["search"]["br"]), "–", ""),
        ("first query, Pagefind loading 5 results' data (Hindsight's page shows 5)", "–",
         f"{kb(p5_first['totals']['search']['gzip'])} (`{p5_first['word']}`)", "–", ""),
        ("further query, worst: KB compressed",
         f"{kb(h_further['totals']['search']['gzip'])} (`{h_further['word']}`)" if h_further else "–",
         f"{kb(p_further['totals']['search']['gzip'])} (`{p_further['word']}`)" if p_further else "–",
         f"≤ {FURTHER_QUERY_BUDGET // KB} KB",
         verdict(h_further["totals"]["search"]["gzip"] <= FURTHER_QUERY_BUDGET) if h_further else "–"),
    ]
    lines = [
        f"## N = {n:,}",
        "",
        f"| measure | Hindsight | Pagefind ({pf_index['version']}) | target | result |",
        "|---|---:|---:|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]

    lines += ["", "Per word (KB compressed, search code + index data; further = as 2nd/3rd query "
              "of a session):", "",
              "| word | docs found H / P | first query H | first query P | further H | further P |",
              "|---|---:|---:|---:|---:|---:|"]
    h_further_by, p_further_by = {}, {}
    for q in hf["further_queries"]:
        h_further_by.setdefault(q["word"], []).append(kb(q["totals"]["search"]["gzip"]))
    for q in pf["further_queries"]:
        p_further_by.setdefault(q["word"], []).append(kb(q["totals"]["search"]["gzip"]))
    for w in hs["words"]:
        lines.append(f"| `{w}` | {h_by[w]['hits']:,} / {p_by[w]['hits']:,} | "
                     f"{kb(h_by[w]['totals']['search']['gzip'])} | {kb(p_by[w]['totals']['search']['gzip'])} | "
                     f"{', '.join(h_further_by.get(w, [])) or '–'} | {', '.join(p_further_by.get(w, [])) or '–'} |")

    lines += ["", "What the worst first queries fetched (gzip KB per kind of file):", "",
              f"- Hindsight `{h_first['word']}`: {roles_text(h_first)}; plus the page "
              f"{kb(h_first['totals']['page']['gzip'])} KB ({h_first['totals']['page']['files']} files)",
              f"- Pagefind `{p_first['word']}`: {roles_text(p_first)}",
              f"- Hindsight's worst further query (`{h_further['word']}`): {roles_text(h_further)}"
              if h_further else "- no further queries",
              "",
              "Notes:", "",
              f"- Hindsight site: {build['site_files']:,} files, {harness.fmt_mb(build['site_bytes'])} MB; "
              f"build wall times (s): " + ", ".join(
                  (f"[warm-up {w:.2f}]" if build["warmup"] and i == 0 else f"{w:.2f}")
                  for i, w in enumerate(build["walls"])),
              f"- Pagefind: indexed {pf_index['pages_indexed']} pages into {pf_index['files']:,} files; "
              f"wall times (s): " + ", ".join(
                  (f"[warm-up {w:.2f}]" if pf_index["warmup"] and i == 0 else f"{w:.2f}")
                  for i, w in enumerate(pf_index["walls"])),
              "- build `[timings]` lines (last run): " + ("; ".join(f"`{t}`" for t in build["timings"])
                                                         or "none"),
              ("- search timing line(s): " + "; ".join(f"`{t}`" for t in build["stage_lines"]))
              if build["stage_lines"] else
              "- the build printed no `[timings]` line about search, so the whole build time stands "
              "in for the index stage: an upper bound",
              ]
    return lines


def run(args, bin_path: Path) -> int:
    """Entry point from run.py."""
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    version = harness.binary_version(bin_path)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    sections, commands = [], []
    chromium = pf_version = ""
    for n in args.n:
        corpus = harness.ensure_corpus(n, args.seed)
        site = harness.OUT / f"site-{n}"
        bundle = harness.OUT / f"pagefind-{n}"
        words = list(WORDS)
        extra = unique_word(corpus)
        if extra:
            words.append(extra)
        build = build_site(bin_path, corpus, site, args.runs)
        hs = hindsight_browser(site, words)
        pf_index = pagefind.index(site, bundle, args.runs)
        pf1 = pagefind.browser(bundle, words, 1)
        pf5 = pagefind.browser(bundle, words, 5)
        chromium, pf_version = hs["chromium"], pf_index["version"]
        sections += section(n, build, hs, pf_index, pf1, pf5, args.runs) + [""]
        commands += [
            f"- N={n:,}: `{build['command']}` ({args.runs} run(s), each from a clean output folder "
            f"and no `.hindsight-cache`)",
            f"- N={n:,}: `{hs['shown_command']}`",
            f"- N={n:,}: `{pf_index['command']}` ({args.runs} run(s), each into an empty folder), "
            f"i.e. `{pf_index['npx_equivalent']}`",
            f"- N={n:,}: `node {harness.rel(BUDGET_JS)} --pagefind {harness.rel(bundle)} --results 1 "
            + " ".join(f"--query {w}" for w in words) + "` (and `--results 5`)",
        ]
        with open(harness.OUT / f"search-budget-{n}.json", "w", encoding="utf-8") as f:
            json.dump({"build": build, "hindsight": hs, "pagefind_index": pf_index,
                       "pagefind_1": pf1, "pagefind_5": pf5}, f, indent=1)
        if not args.keep:
            for d in (site, bundle):
                if d.exists():
                    shutil.rmtree(d)

    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    argv = " ".join(["python3", "bench/run.py"] + sys.argv[1:])
    lines = [
        "# Hindsight benchmark: `search-budget`",
        "",
        f"- command: `{argv}`",
        f"- hindsight: {version} (`{harness.rel(bin_path)}`); {pf_version} "
        f"(npm `pagefind`, pinned in `bench/pagefind/package-lock.json`); chromium {chromium} "
        "(headless, playwright-core)",
        f"- date: {started.isoformat().replace('+00:00', 'Z')}",
        f"- nproc: {harness.nproc()}; machine: {harness.machine_info()}"
        + (f"; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
           if load_before and load_after else ""),
        f"- corpus: `bench/gen.py --seed {args.seed}` (gen.py sha256 {harness.gen_hash()[:12]})",
        "- queries: one word each, typed into Hindsight's search page (no trailing space, so "
        "the page also looks up words that start with it, as while typing) and waited for until "
        "the results show; for Pagefind `pf.search(word)` then `data()` of the first result, "
        "through `import('/pagefind/pagefind.js')`. Each word is the cold first query of its own "
        "browser context (empty cache), followed by the next two words as further queries.",
        "- bytes: what the local server sent, file by file. \"Compressed\" is gzip -6 of each file "
        "(as a web server would send it); Pagefind's index files and wasm are gzip already and "
        "count as they are. KB = 1,000 bytes. \"Search code + index data\" is everything the search "
        "needs beyond the page: for Hindsight `search.js` and the files under `search/`; for "
        "Pagefind `pagefind.js`, `pagefind-worker.js`, the wasm and the index files. The page's "
        "own HTML and CSS are shown on their own row.",
        "- time: wall time of the whole `hindsight build` (which also renders every page) "
        "against Pagefind indexing alone; peak RSS from `os.wait4`",
        "",
    ]
    lines += sections
    lines += ["## Commands", ""] + commands + [
        "",
        "Raw measurements (every file of every query): `bench-out/search-budget-N.json`.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    out_file = harness.OUT / "results-search-budget.md"
    out_file.write_text(report, encoding="utf-8")
    harness.log(f"bench: wrote {harness.rel(out_file)}")
    return 0
