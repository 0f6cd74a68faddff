#!/usr/bin/env python3
"""Sanity-check a corpus written by bench/gen.py (stdlib only; uses PyYAML if importable).

    python3 bench/check_corpus.py bench-out/corpus-1000

Checks: every postmortem starts with `---\\n` and has a closing `---\\n`; required keys
are present; ids match PM<year>-<serial> and are unique; every `related` id and every
learning id exists; body word counts are within 600-1,200; body has the expected
sections. Prints corpus statistics (distinct words, top terms) and exits 1 on any error.
"""

from __future__ import annotations

import collections
import os
import re
import sys

REQUIRED = ("id", "title", "date", "severity", "status", "services", "tags", "authors",
            "started_at", "detected_at", "resolved_at", "summary", "learnings", "action_items")
SECTIONS = ("## Summary", "## Impact", "## Timeline", "## Root cause", "## Resolution",
            "## Lessons learned", "## Action items")
ID_RE = re.compile(r"^PM(20\d\d)-(\d{4,})$")
WORD_RE = re.compile(r"[a-z][a-z'-]*")


def split_front_matter(text: str):
    if not text.startswith("---\n"):
        return None, None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None, None
    return text[4:end + 1], text[end + 5:]


def flow_list(value: str) -> list[str]:
    value = value.strip()
    if not (value.startswith("[") and value.endswith("]")):
        raise ValueError(f"not a flow list: {value!r}")
    inner = value[1:-1].strip()
    return [v.strip() for v in inner.split(",")] if inner else []


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    try:
        import yaml  # type: ignore
    except ImportError:
        yaml = None
    errors: list[str] = []
    pm_dir = os.path.join(root, "content", "postmortems")
    le_dir = os.path.join(root, "content", "learnings")
    learning_ids = {f[:-3] for f in os.listdir(le_dir) if f.endswith(".md")}
    for f in sorted(os.listdir(le_dir)):
        fm, _ = split_front_matter(open(os.path.join(le_dir, f), encoding="utf-8").read())
        if fm is None or "title:" not in fm or "summary:" not in fm:
            errors.append(f"learnings/{f}: bad front matter")
    ids: dict[str, str] = {}
    related: list[tuple[str, str]] = []
    words_per_file: list[int] = []
    tf: collections.Counter = collections.Counter()
    df: collections.Counter = collections.Counter()
    cited = 0
    unlabelled = 0
    for name in sorted(os.listdir(pm_dir)):
        path = os.path.join(pm_dir, name)
        text = open(path, encoding="utf-8").read()
        fm, body = split_front_matter(text)
        if fm is None:
            errors.append(f"{name}: missing opening or closing ---")
            continue
        top = {}
        for line in fm.splitlines():
            if line and not line.startswith(" ") and ":" in line:
                k, _, v = line.partition(":")
                top[k] = v.strip()
        for k in REQUIRED:
            if k not in top:
                errors.append(f"{name}: missing key {k}")
        m = ID_RE.match(top.get("id", ""))
        if not m:
            errors.append(f"{name}: bad id {top.get('id')!r}")
        elif m.group(1) != top.get("date", "")[:4]:
            errors.append(f"{name}: id year does not match date")
        pid = top.get("id", "")
        if pid in ids:
            errors.append(f"{name}: duplicate id {pid} (also {ids[pid]})")
        ids[pid] = name
        try:
            svcs = flow_list(top.get("services", "[]"))
            tags = flow_list(top.get("tags", "[]"))
            if not 1 <= len(svcs) <= 3 or not 1 <= len(tags) <= 4:
                errors.append(f"{name}: services/tags count out of range")
            for r in flow_list(top.get("related", "[]")):
                related.append((name, r))
        except ValueError as e:
            errors.append(f"{name}: {e}")
        if top.get("severity") not in ("SEV1", "SEV2", "SEV3", "SEV4"):
            errors.append(f"{name}: bad severity")
        for line in fm.splitlines():
            if line.startswith("  - id: "):
                cited += 1
                if line[8:] not in learning_ids:
                    errors.append(f"{name}: unknown learning id {line[8:]}")
            elif line.startswith("  - text: ") and "\naction_items:" in fm and fm.index(line) < fm.index("\naction_items:"):
                unlabelled += 1
        if yaml is not None:
            try:
                data = yaml.safe_load(fm)
                assert isinstance(data, dict) and str(data["id"]) == pid
                for li in data["learnings"]:
                    assert isinstance(li["text"], str) and li["text"]
                for ai in data["action_items"]:
                    assert ai["status"] in ("open", "done", "wontfix") and isinstance(ai["owner"], str)
                assert isinstance(data["title"], str) and isinstance(data["summary"], str)
            except Exception as e:  # noqa: BLE001
                errors.append(f"{name}: YAML parse/shape error: {e}")
        for s in SECTIONS:
            if f"\n{s}\n" not in body:
                errors.append(f"{name}: missing section {s}")
        if "```" not in body or not re.search(r"```(yaml|sql|bash|json)\n", body):
            errors.append(f"{name}: missing fenced code block with language")
        rows = len(re.findall(r"^\| \d\d:\d\d \|", body, re.M))
        if not 6 <= rows <= 12:
            errors.append(f"{name}: timeline has {rows} rows")
        nw = len(body.split())
        words_per_file.append(nw)
        if not 600 <= nw <= 1200:
            errors.append(f"{name}: body has {nw} words")
        toks = WORD_RE.findall(body.lower())
        tf.update(toks)
        df.update(set(toks))
    for name, r in related:
        if r not in ids:
            errors.append(f"{name}: related id {r} does not exist")
    n = len(ids)
    years = collections.Counter(i[2:6] for i in ids)
    print(f"postmortems: {n}, learnings: {len(learning_ids)}, yaml check: "
          f"{'PyYAML' if yaml else 'line-based only'}")
    if words_per_file:
        ws = sorted(words_per_file)
        print(f"body words: min {ws[0]}, median {ws[len(ws) // 2]}, max {ws[-1]}, "
              f"total {sum(ws):,}")
    print(f"years: {dict(sorted(years.items()))}")
    print(f"learning entries: {cited} cite a canonical id, {unlabelled} unlabelled")
    print(f"related links: {len(related)}")
    print(f"distinct words: {len(tf):,}; words in only one file: "
          f"{sum(1 for w, c in df.items() if c == 1):,}")
    top = tf.most_common(12)
    print("top terms: " + ", ".join(f"{w} {c}" for w, c in top))
    ranks = [1, 10, 100, 1000]
    common = tf.most_common()
    print("rank:freq " + ", ".join(f"{r}:{common[r - 1][1]}" for r in ranks if r <= len(common)))
    for e in errors[:30]:
        print("ERROR", e)
    if errors:
        print(f"{len(errors)} errors")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
