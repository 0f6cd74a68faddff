#!/usr/bin/env python3
"""How long one function of a profiled run was on the stack, from `perf` samples.

A stand-in for a stage timing that the binary does not print (such as the search index stage
of `hindsight build`). Record with call stacks, then pipe `perf script` into this:

    perf record -F 49 --call-graph dwarf,16384 -o /tmp/build.perf -- \\
        target/release/hindsight build --root bench-out/corpus-10000 --out /tmp/site --quiet
    perf script -i /tmp/build.perf -F tid,time,ip,sym --no-demangle | \\
        python3 bench/perf_span.py search3web5write

SYMBOL is matched as a substring of the mangled frame names (`search3web5write` is
`hindsight::search::web::write`). It prints, for the samples whose stack holds SYMBOL: how
many there are per thread, and the wall-clock span from the first to the last (an estimate of
the stage's wall time when the stage runs once, in one piece). It also prints how many samples
other threads took in that span, which shows whether the other cores were busy meanwhile.
The binary needs its symbols (release builds keep them; only debug info is stripped).
"""

import sys
from collections import Counter


def samples(lines):
    """(time, tid, frames) for each sample of `perf script -F tid,time,ip,sym`."""
    head, frames = None, []
    for line in lines:
        if not line.strip():
            if head:
                yield head[0], head[1], frames
            head, frames = None, []
        elif not line[0].isspace():
            tid, time = line.split()[:2]
            head = (float(time.rstrip(":")), tid)
        else:
            frames.append(line.strip())
    if head:
        yield head[0], head[1], frames


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    symbol = sys.argv[1]
    all_samples = list(samples(sys.stdin))
    if not all_samples:
        print("no samples on standard input", file=sys.stderr)
        return 1
    start, end = all_samples[0][0], all_samples[-1][0]
    hits = [(t, tid) for t, tid, frames in all_samples if any(symbol in f for f in frames)]
    if not hits:
        print(f"{len(all_samples)} samples, none with {symbol} on the stack")
        return 1
    first, last = hits[0][0], hits[-1][0]
    threads = set(tid for _, tid in hits)
    others = Counter(tid for t, tid, _ in all_samples if first <= t <= last and tid not in threads)
    print(f"{len(all_samples)} samples over {end - start:.2f} s; {len(hits)} with {symbol} "
          f"(per thread: {dict(Counter(tid for _, tid in hits))})")
    print(f"{symbol} on the stack from {first - start:.2f} s to {last - start:.2f} s: "
          f"span {last - first:.2f} s")
    print(f"samples of other threads in that span: {sum(others.values())} {dict(others)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
