#!/usr/bin/env python3
"""Hindsight benchmark harness (Python 3.11 standard library only).

    python3 bench/run.py [--n 1000 10000] [--runs 3]
                         [--command build|check|search|search-budget|learnings-budget]
                         [--keep] [--bin PATH] [--seed 7]

For each N it generates (or reuses) a synthetic corpus in bench-out/corpus-N with
bench/gen.py, runs the Hindsight binary --runs times, measures wall time and the child's
peak RSS (os.wait4), and writes a Markdown table to stdout and bench-out/results-<command>.md.
`search-budget` (bench/search_budget.py) measures the browser search budgets against
Pagefind instead; `learnings-budget` what learning clusters and related incidents add to the
build (builds with and without them, alternating). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT = ROOT / "bench-out"
GEN = BENCH_DIR / "gen.py"
DEFAULT_BIN = ROOT / "target" / "release" / "hindsight"
SEARCH_QUERY = "cache eviction"
SEARCH_LIMIT = 10


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fail(msg: str) -> "NoReturn":  # type: ignore[name-defined]
    log(f"bench: error: {msg}")
    sys.exit(1)


def rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


# ----------------------------------------------------------------------------- corpus


def gen_hash() -> str:
    return hashlib.sha256(GEN.read_bytes()).hexdigest()


def ensure_corpus(n: int, seed: int) -> Path:
    corpus = OUT / f"corpus-{n}"
    stamp = OUT / f"corpus-{n}.stamp.json"
    want = {"n": n, "seed": seed, "gen_sha256": gen_hash()}
    if corpus.is_dir() and stamp.is_file():
        try:
            have = json.loads(stamp.read_text())
        except (OSError, ValueError):
            have = None
        if have == want:
            log(f"bench: reusing {rel(corpus)} (stamp matches: n={n}, seed={seed})")
            return corpus
    if corpus.exists():
        log(f"bench: {rel(corpus)} is stale or unstamped; regenerating")
        shutil.rmtree(corpus)
    stamp.unlink(missing_ok=True)
    tmp = OUT / f"corpus-{n}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    OUT.mkdir(parents=True, exist_ok=True)
    log(f"bench: generating {rel(corpus)} (n={n}, seed={seed}) ...")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, str(GEN), "--n", str(n), "--out", str(tmp),
                        "--seed", str(seed)], cwd=ROOT)
    if r.returncode != 0:
        fail(f"gen.py failed with exit code {r.returncode}")
    tmp.rename(corpus)
    stamp.write_text(json.dumps(want, sort_keys=True) + "\n")
    log(f"bench: generated {n} postmortems in {time.perf_counter() - t0:.1f} s")
    return corpus


# ----------------------------------------------------------------------------- measuring


def own_hwm_mb() -> float:
    """This process's peak RSS (VmHWM) in MB, 0.0 where /proc is unavailable.

    Linux charges the parent's RSS high-water mark to a child at exec time (the child is
    spawned with vfork/fork, and exec records the old address space's hiwater_rss in the
    child's maxrss).  So a child's ru_maxrss is never below this value; a measurement at
    or near it only says "at most this much"."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


class RunResult:
    __slots__ = ("wall", "maxrss_mb", "floor_mb", "code", "stdout", "stderr")

    def __init__(self, wall, maxrss_mb, floor_mb, code, stdout, stderr):
        self.wall = wall
        self.maxrss_mb = maxrss_mb
        self.floor_mb = floor_mb  # harness RSS charged to the child at exec (see own_hwm_mb)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def rss_exact(self) -> bool:
        return self.maxrss_mb > self.floor_mb * 1.05 + 1.0


def repeat(cmd: list[str], runs: int, label: str, stale: list[Path]) -> list[RunResult]:
    """Runs cmd `runs` times, each after deleting `stale` and a sync (the first run is a
    warm-up when runs > 1); stops the harness on a failed run with the tail of its output."""
    results = []
    for i in range(runs):
        for path in stale:
            if path.exists():
                shutil.rmtree(path)
        if hasattr(os, "sync"):
            os.sync()
        r = measure(cmd)
        warm = runs > 1 and i == 0
        log(f"bench:   {label} run {i + 1}/{runs}{' (warm-up, discarded)' if warm else ''}: "
            f"{r.wall:.3f} s, peak RSS {r.maxrss_mb:.1f} MB, exit {r.code}")
        if r.code != 0:
            text = r.stdout.decode("utf-8", "replace") + r.stderr
            tail = "\n".join(text.rstrip().splitlines()[-40:])
            fail(f"{label} failed with exit code {r.code}; output tail:\n{tail}")
        results.append(r)
    return results


def measure(cmd: list[str], env: dict[str, str] | None = None) -> RunResult:
    """Run cmd once (with `env` added to the environment); wall time from perf_counter,
    peak RSS from os.wait4 on the child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        floor = own_hwm_mb()
        child_env = {**os.environ, **env} if env else None
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=child_env)
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except KeyboardInterrupt:
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # already reaped by wait4; keep Popen consistent
        # ru_maxrss: kilobytes on Linux, bytes on macOS.
        rss = ru.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru.ru_maxrss / 1024
        out.seek(0)
        err.seek(0)
        return RunResult(wall, rss, floor, code, out.read(),
                         err.read().decode("utf-8", "replace"))


def tree_stats(path: Path) -> tuple[int, int]:
    files = 0
    size = 0
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            files += 1
            size += st.st_size
    return files, size


def search_hits(stdout: bytes) -> str:
    try:
        data = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "output is not JSON"
    if isinstance(data, list):
        return f"{len(data)} results"
    if isinstance(data, dict):
        for key in ("results", "hits", "items", "matches"):
            if isinstance(data.get(key), list):
                return f"{len(data[key])} results"
    return "JSON of unknown shape"


# ----------------------------------------------------------------------------- environment


def binary_version(bin_path: Path) -> str:
    try:
        r = subprocess.run([str(bin_path), "--version"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    v = (r.stdout or r.stderr).strip().splitlines()
    if r.returncode != 0:
        return f"unknown (--version exit {r.returncode})"
    return v[0] if v else "unknown (--version printed nothing)"


def nproc() -> str:
    try:
        r = subprocess.run(["nproc"], capture_output=True, text=True, timeout=10)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        return str(len(os.sched_getaffinity(0)))
    except AttributeError:
        return str(os.cpu_count())


def machine_info() -> str:
    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal:"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}{mem}"


def resolve_bin(arg: str | None) -> Path:
    if arg:
        p = Path(arg).expanduser()
        p = p if p.is_absolute() else (Path.cwd() / p)
        if not p.is_file():
            fail(f"--bin {arg}: no such file")
        return p.resolve()
    if not DEFAULT_BIN.is_file():
        log(f"bench: {rel(DEFAULT_BIN)} not found; running `cargo build --release` in {ROOT}")
        r = subprocess.run(["cargo", "build", "--release"], cwd=ROOT)
        if r.returncode != 0:
            fail(f"cargo build --release failed with exit code {r.returncode}")
        if not DEFAULT_BIN.is_file():
            fail(f"{rel(DEFAULT_BIN)} still missing after cargo build --release")
    return DEFAULT_BIN


# ----------------------------------------------------------------------------- main


def fmt_mb(nbytes: float) -> str:
    return f"{nbytes / 1e6:.1f}"


# ----------------------------------------------------------------------------- learnings budget

NO_SIMILARITY = {"HINDSIGHT_BENCH_NO_SIMILARITY": "1"}


def learnings_budget(args, bin_path: Path) -> int:
    """What clustering and ranking add to the build: builds with them and without them
    (`HINDSIGHT_BENCH_NO_SIMILARITY=1`: only citations link learnings, no clusters, no related
    incidents, and so none of their pages, lists or export), alternating, each pair in the
    other order than the last, so a slow stretch of a shared machine weighs on both. The
    first pair is a warm-up when --runs > 1. Writes bench-out/results-learnings-budget.md."""
    bin_shown = rel(bin_path)
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    lines = [
        "# Hindsight benchmark: what learning clusters and related incidents add to `build`",
        "",
        f"- hindsight: {binary_version(bin_path)} (`{bin_shown}`)",
        f"- date: {started.isoformat().replace('+00:00', 'Z')}",
        f"- nproc: {nproc()}; machine: {machine_info()}",
        f"- corpus: `bench/gen.py --seed {args.seed}` in `bench-out/corpus-N`",
        f"- {args.runs} pairs of clean builds per N, with and without "
        "(`HINDSIGHT_BENCH_NO_SIMILARITY=1`), alternating"
        + ("; the first pair is a discarded warm-up" if args.runs > 1 else ""),
        "",
        "| N | with, median s | without, median s | added | added, per pair |",
        "|---:|---:|---:|---:|---|",
    ]
    for n in args.n:
        corpus = ensure_corpus(n, args.seed)
        site = OUT / f"site-{n}"
        cmd = [str(bin_path), "build", "--root", rel(corpus), "--out", rel(site), "--quiet"]
        log(f"bench: N={n}: {bin_shown} {' '.join(cmd[1:])}, with and without "
            "HINDSIGHT_BENCH_NO_SIMILARITY=1")
        pairs = []
        for i in range(args.runs):
            order = [("with", None), ("without", NO_SIMILARITY)]
            if i % 2:
                order.reverse()
            walls = {}
            for label, env in order:
                if site.exists():
                    shutil.rmtree(site)
                if hasattr(os, "sync"):
                    os.sync()
                r = measure(cmd, env)
                if r.code != 0:
                    tail = "\n".join(r.stderr.rstrip().splitlines()[-40:])
                    fail(f"build {label} failed with exit code {r.code}; stderr tail:\n{tail}")
                walls[label] = r.wall
                log(f"bench:   pair {i + 1}/{args.runs}, {label}: {r.wall:.3f} s")
            pairs.append((walls["with"], walls["without"]))
        if site.exists() and not args.keep:
            shutil.rmtree(site)
        used = pairs[1:] if args.runs > 1 else pairs
        with_med = statistics.median(w for w, _ in used)
        without_med = statistics.median(wo for _, wo in used)
        per_pair = ", ".join(f"{w / wo - 1:+.0%}" for w, wo in used)
        lines.append(f"| {n:,} | {with_med:.3f} | {without_med:.3f} | "
                     f"{with_med / without_med - 1:+.1%} | {per_pair} |")
    lines += ["", "The issue's budget: clustering and ranking add at most 30% at N = 10,000.", ""]
    report = "\n".join(lines)
    print(report)
    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / "results-learnings-budget.md"
    out_file.write_text(report, encoding="utf-8")
    log(f"bench: wrote {rel(out_file)}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark Hindsight on synthetic postmortem corpora.",
        epilog="Results: stdout and bench-out/results-<command>.md. See bench/README.md.")
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000],
                    help="corpus sizes (number of postmortems), default: 1000 10000")
    ap.add_argument("--runs", type=int, default=3,
                    help="runs per size; if > 1 the first is a discarded warm-up (default 3)")
    ap.add_argument("--command",
                    choices=("build", "check", "search", "search-budget", "learnings-budget"),
                    default="build")
    ap.add_argument("--keep", action="store_true",
                    help="keep bench-out/site-N (and, for search-budget, bench-out/pagefind-N) "
                         "after measuring (corpora are always kept)")
    ap.add_argument("--bin", help=f"hindsight binary (default {rel(DEFAULT_BIN)}, "
                                  "built with cargo build --release if missing)")
    ap.add_argument("--seed", type=int, default=7, help="gen.py seed (default 7)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")
    if any(n < 1 for n in args.n):
        ap.error("--n values must be >= 1")

    bin_path = resolve_bin(args.bin)
    if args.command == "search-budget":
        import search_budget  # bench/search_budget.py; needs node, npm and chromium
        return search_budget.run(args, bin_path)
    if args.command == "learnings-budget":
        return learnings_budget(args, bin_path)
    bin_shown = rel(bin_path)
    version = binary_version(bin_path)
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    warmup = args.runs > 1
    measured_runs = args.runs - 1 if warmup else args.runs

    rows = []
    notes = []
    for n in args.n:
        corpus = ensure_corpus(n, args.seed)
        corpus_files, corpus_bytes = tree_stats(corpus)
        site = OUT / f"site-{n}"
        if args.command == "build":
            cmd = [str(bin_path), "build", "--root", rel(corpus), "--out", rel(site), "--quiet"]
        elif args.command == "check":
            cmd = [str(bin_path), "check", "--root", rel(corpus), "--quiet"]
        else:
            cmd = [str(bin_path), "search", "--root", rel(corpus), SEARCH_QUERY, "--json",
                   "--limit", str(SEARCH_LIMIT)]
        shown_cmd = " ".join([bin_shown] + [f'"{a}"' if " " in a else a for a in cmd[1:]])
        log(f"bench: N={n}: {shown_cmd}")
        results: list[RunResult] = []
        for i in range(args.runs):
            if args.command == "build":
                # Every build starts cold: no previous output, no incremental cache.
                if site.exists():
                    shutil.rmtree(site)
                cache = corpus / ".hindsight-cache"
                if cache.exists():
                    shutil.rmtree(cache)
            if hasattr(os, "sync"):
                os.sync()  # flush earlier runs' writes and deletions outside the timed window
            r = measure(cmd)
            ok = r.code == 0 or (args.command == "check" and r.code == 1)
            label = "warm-up, discarded" if (warmup and i == 0) else "measured"
            log(f"bench:   run {i + 1}/{args.runs} ({label}): {r.wall:.3f} s, "
                f"peak RSS {'' if r.rss_exact else '<= '}{r.maxrss_mb:.1f} MB, exit {r.code}")
            if not ok:
                tail = "\n".join(r.stderr.rstrip().splitlines()[-40:])
                log(f"bench: {shown_cmd} failed with exit code {r.code}; stderr tail:\n{tail}")
                return 1
            results.append(r)
        used = results[1:] if warmup else results
        walls = [r.wall for r in used]
        peak_run = max(used, key=lambda r: r.maxrss_mb)
        peak = f"{peak_run.maxrss_mb:.1f}"
        if not peak_run.rss_exact:
            peak = f"≤ {peak}"
            notes.append(f"N={n}: peak RSS is at most {peak_run.maxrss_mb:.1f} MB: the "
                         f"child stayed below the harness's own RSS ({peak_run.floor_mb:.1f} "
                         f"MB), which Linux charges to every child at exec")
        files = size = search_files = "–"
        if args.command == "build":
            if site.is_dir():
                f, b = tree_stats(site)
                files, size = f"{f:,}", fmt_mb(b)
                sdir = site / "search"
                if sdir.is_dir():
                    sf, sb = tree_stats(sdir)
                    search_files = f"{sf:,} ({fmt_mb(sb)} MB)"
            else:
                files, size = "0 (no output folder)", "0.0"
            if not args.keep and site.exists():
                shutil.rmtree(site)
        elif args.command == "check":
            codes = sorted({r.code for r in used})
            notes.append(f"N={n}: check exit code(s) {codes} (0 = clean, 1 = findings)")
        else:
            notes.append(f"N={n}: search for \"{SEARCH_QUERY}\" returned "
                         f"{search_hits(used[-1].stdout)}")
        rows.append((n, args.command, statistics.median(walls), min(walls), max(walls), peak,
                     files, size, search_files))
        notes.append(f"N={n}: input {corpus_files:,} files, {fmt_mb(corpus_bytes)} MB; "
                     f"wall times (s): " + ", ".join(
                         (f"[warm-up {r.wall:.3f}]" if warmup and i == 0 else f"{r.wall:.3f}")
                         for i, r in enumerate(results)))

    lines = [
        f"# Hindsight benchmark: `{args.command}`",
        "",
        f"- hindsight: {version} (`{bin_shown}`)",
        f"- date: {started.isoformat().replace('+00:00', 'Z')}",
        f"- nproc: {nproc()}; machine: {machine_info()}",
        f"- corpus: `bench/gen.py --seed {args.seed}` (gen.py sha256 {gen_hash()[:12]}), "
        f"in `bench-out/corpus-N`",
        (f"- runs: {args.runs} per N; the first run is a warm-up and is discarded, statistics "
         f"are over the remaining {measured_runs}") if warmup else
        (f"- runs: {args.runs} per N; no warm-up run (needs --runs > 1), statistics over all "
         f"{args.runs}"),
        "- wall time: `time.perf_counter` around the child process; peak RSS: `ru_maxrss` of "
        "the child from `os.wait4` (max over measured runs)",
    ]
    if args.command == "build":
        lines.append("- every build run starts clean: `bench-out/site-N` and "
                     "`bench-out/corpus-N/.hindsight-cache` are removed before each run")
    lines += [
        "",
        "| N | command | median s | min s | max s | peak RSS MB | output files | output MB | "
        "files under site/search/ |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, c, med, lo, hi, rss, files, size, sfiles in rows:
        lines.append(f"| {n:,} | {c} | {med:.3f} | {lo:.3f} | {hi:.3f} | {rss} | "
                     f"{files} | {size} | {sfiles} |")
    lines += ["", "Notes:", ""] + [f"- {x}" for x in notes] + [""]
    report = "\n".join(lines)
    print(report)
    OUT.mkdir(parents=True, exist_ok=True)
    out_file = OUT / f"results-{args.command}.md"
    out_file.write_text(report, encoding="utf-8")
    log(f"bench: wrote {rel(out_file)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
