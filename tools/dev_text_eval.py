r"""Dev loop for the text path: devdata HTML -> full-page text dumps -> extractor -> shingle F1.

Usage:
    python tools/dev_text_eval.py                      # all datasets, both converters
    python tools/dev_text_eval.py -d wcxb-dev -c resiliparse --errors 20
    python tools/dev_text_eval.py --limit 200 --split odd   # quick look at half the pages

The dumps are cached under $CLEANER_DEV_CACHE (default /tmp/cleaner_dev_dumps) because
converting 2000 pages takes a minute. Scores: per document, lowercase ``\\w+`` tokens ->
sets of 4-token shingles; precision and recall averaged over documents; F1 from the averages.
For snippet-only pages (trafilatura-eval) the share of ``with`` snippets found and of
``without`` snippets avoided.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.config import Config  # noqa: E402
from cleaner.extractors.rules import RulesExtractor  # noqa: E402
from cleaner.model import Document  # noqa: E402
from cleaner.page import Page  # noqa: E402
from cleaner.page.segment import segment_text  # noqa: E402

DEVDATA = Path(os.environ.get("CLEANER_DEVDATA", "/work/shared/devdata"))
CACHE = Path(os.environ.get("CLEANER_DEV_CACHE", "/tmp/cleaner_dev_dumps"))
DATASETS = ["wcxb-dev", "andythefactory-news2023", "readability-testpages", "chinese-wce", "trafilatura-eval"]
CONVERTERS = ["resiliparse", "inscriptis"]
WORD = re.compile(r"\w+")


def decode(raw: bytes) -> str:
    """Decode HTML bytes: UTF-8 first, then charset_normalizer's guess."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("latin-1", "replace")


def _convert_one(args: tuple[str, str]) -> tuple[str, str, str]:
    path, doc_id = args
    with gzip.open(path) as handle:
        html = decode(handle.read())
    from inscriptis import get_text
    from resiliparse.extract.html2text import extract_plain_text

    try:
        res = extract_plain_text(html, main_content=False)
    except Exception:  # noqa: BLE001 - a dev tool: an unconvertible page is an empty dump
        res = ""
    try:
        ins = get_text(html)
    except Exception:  # noqa: BLE001
        ins = ""
    return doc_id, res, ins


def dumps(dataset: str) -> dict[str, dict[str, str]]:
    """``{converter: {id: text}}`` for a dataset, converting and caching on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, str]] = {}
    files = {c: CACHE / f"{dataset}.{c}.jsonl" for c in CONVERTERS}
    if all(f.exists() for f in files.values()):
        for c, f in files.items():
            out[c] = {}
            with open(f) as h:
                for line in h:
                    r = json.loads(line)
                    out[c][r["id"]] = r["text"]
        return out
    jobs = [(str(p), p.name.split(".html")[0]) for p in sorted((DEVDATA / dataset / "html").glob("*.html.gz"))]
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(_convert_one, jobs, chunksize=8))
    for i, c in enumerate(CONVERTERS):
        out[c] = {doc_id: r[i + 1] for r in results for doc_id in [r[0]]}
        with open(files[c], "w") as h:
            for doc_id, text in out[c].items():
                h.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return out


def gold(dataset: str) -> list[dict]:
    """The gold rows of a dataset."""
    with open(DEVDATA / dataset / "gold.jsonl") as h:
        return [json.loads(line) for line in h]


def shingles(text: str) -> set[tuple[str, ...]]:
    """Set of 4-token shingles of lowercase word tokens (short texts: one shingle)."""
    toks = WORD.findall(text.lower())
    if not toks:
        return set()
    if len(toks) < 4:
        return {tuple(toks)}
    return {tuple(toks[i : i + 4]) for i in range(len(toks) - 3)}


def prf(pred: str, ref: str) -> tuple[float, float]:
    """Precision and recall of one document."""
    p, r = shingles(pred), shingles(ref)
    if not p and not r:
        return 1.0, 1.0
    tp = len(p & r)
    return (tp / len(p) if p else 0.0), (tp / len(r) if r else 0.0)


def norm_ws(s: str) -> str:
    """Collapse whitespace, for snippet matching."""
    return " ".join(s.split())


# ---------------------------------------------------------------- systems
def keep_all(text: str) -> str:
    """Baseline: the whole dump."""
    return text


C4_TERMINAL = (".", "!", "?", '"', "”", "’", "'")


C4_BAD = (
    "javascript",
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)


def c4(text: str) -> str:
    """C4's line rules: keep lines ending in terminal punctuation with >= 5 words, without 'javascript'.

    Also drops the policy/cookie lines C4 removes. Its page-level rules ('{', 'lorem ipsum',
    fewer than 3 sentences) are left out: they would empty code-heavy documentation pages.
    """
    kept = []
    for line in text.split("\n"):
        s = line.strip()
        if not s.endswith(C4_TERMINAL) or len(s.split()) < 5:
            continue
        sl = s.lower()
        if any(p in sl for p in C4_BAD):
            continue
        kept.append(s)
    return "\n".join(kept)


_RULES = RulesExtractor()
_CONFIG = Config()


def rules(text: str, lang: str | None = None) -> str:
    """Our rules extractor over the lines of the dump."""
    blocks = segment_text(text)
    doc = Document(id="x", source="x", input_type="text", content=text)
    page = Page(document=doc, markup=text, blocks=blocks)
    decisions = _RULES.decide(page, _CONFIG)
    return "\n".join(blocks[d.block].text for d in decisions if d.keep)


def rules_explain(text: str) -> list[tuple[bool, str, str, str]]:
    """(keep, reason, detail, line) per block, for error analysis."""
    blocks = segment_text(text)
    doc = Document(id="x", source="x", input_type="text", content=text)
    page = Page(document=doc, markup=text, blocks=blocks)
    decisions = _RULES.decide(page, _CONFIG)
    return [(d.keep, d.reason, d.detail, blocks[d.block].text) for d in decisions]


SYSTEMS: dict[str, Callable[[str], str]] = {"keep_all": keep_all, "c4": c4, "rules": rules}


def select(rows: list[dict], split: str, limit: int | None) -> list[dict]:
    """Even/odd halves so rules can be tuned on one half and checked on the other."""
    if split == "even":
        rows = rows[0::2]
    elif split == "odd":
        rows = rows[1::2]
    return rows[:limit] if limit else rows


def evaluate(dataset: str, converter: str, systems: Iterable[str], split: str, limit: int | None) -> dict[str, str]:
    """Score each system on one dataset and converter; returns printable cells."""
    d = dumps(dataset)[converter]
    rows = [r for r in select(gold(dataset), split, limit) if r["id"] in d]
    cells: dict[str, str] = {}
    for name in systems:
        fn = SYSTEMS[name]
        ps: list[float] = []
        rs: list[float] = []
        wf: list[bool] = []
        wo: list[bool] = []
        for r in rows:
            out = fn(d[r["id"]])
            if r.get("text") is not None and r.get("gold_type") != "snippets":
                p, rec = prf(out, r["text"])
                ps.append(p)
                rs.append(rec)
            else:
                o = norm_ws(out)
                wf.extend(norm_ws(s) in o for s in r.get("with") or [])
                wo.extend(norm_ws(s) not in o for s in r.get("without") or [])
        if ps:
            P, R = sum(ps) / len(ps), sum(rs) / len(rs)
            F = 2 * P * R / (P + R) if P + R else 0.0
            cells[name] = f"F1 {F:.3f} (P {P:.3f} R {R:.3f})"
        else:
            a = sum(wf) / max(1, len(wf))
            b = sum(wo) / max(1, len(wo))
            cells[name] = f"with {a:.3f} without {b:.3f}"
    return cells


def errors(dataset: str, converter: str, n: int, split: str) -> None:
    """Print the worst pages by F1 with the decisions on lines, marking gold membership."""
    d = dumps(dataset)[converter]
    rows = [r for r in select(gold(dataset), split, None) if r["id"] in d and r.get("text")]
    scored = []
    for r in rows:
        p, rec = prf(rules(d[r["id"]]), r["text"])
        f = 2 * p * rec / (p + rec) if p + rec else 0.0
        scored.append((f, p, rec, r))
    scored.sort(key=lambda x: x[0])
    for f, p, rec, r in scored[:n]:
        print(f"\n######## {r['id']} F1 {f:.2f} P {p:.2f} R {rec:.2f} {r.get('url')} {r.get('page_type', '')}")
        gsh = shingles(r["text"])
        for keep, reason, detail, line in rules_explain(d[r["id"]]):
            sh = shingles(line)
            ing = len(sh & gsh) / len(sh) if sh else 0
            flag = "G" if ing > 0.5 else "."
            mark = "+" if keep else "-"
            wrong = "!!" if (keep and flag == ".") or (not keep and flag == "G") else "  "
            print(f"{wrong}{mark}{flag} {reason:24s} {detail[:30]:30s} | {line[:110]}")


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-d", "--dataset", action="append")
    ap.add_argument("-c", "--converter", action="append")
    ap.add_argument("-s", "--system", action="append")
    ap.add_argument("--split", default="all", choices=["all", "even", "odd"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--errors", type=int, default=0, help="print the N worst pages instead of scores")
    ap.add_argument("--reasons", action="store_true", help="error words per reason code")
    ap.add_argument("--speed", action="store_true", help="measure MB/s of the rules extractor on the dumps")
    a = ap.parse_args()
    datasets = a.dataset or DATASETS
    converters = a.converter or CONVERTERS
    systems = a.system or list(SYSTEMS)
    if a.errors:
        for ds in datasets:
            for c in converters:
                errors(ds, c, a.errors, a.split)
        return
    if a.reasons:
        reason_table(datasets, converters, a.split)
        return
    if a.speed:
        texts = [t for ds in datasets for c in converters for t in dumps(ds)[c].values()]
        size = sum(len(t.encode()) for t in texts)
        t0 = time.perf_counter()
        for t in texts:
            rules(t)
        dt = time.perf_counter() - t0
        print(f"{size / 1e6:.1f} MB in {dt:.2f}s = {size / 1e6 / dt:.1f} MB/s ({len(texts)} docs)")
        return
    for ds in datasets:
        for c in converters:
            t0 = time.perf_counter()
            cells = evaluate(ds, c, systems, a.split, a.limit)
            line = "  ".join(f"{k}: {v}" for k, v in cells.items())
            print(f"{ds:24s} {c:12s} {line}  [{time.perf_counter() - t0:.1f}s]", flush=True)


def reason_table(datasets: list[str], converters: list[str], split: str) -> None:
    """Words kept-but-not-gold and dropped-but-gold, per reason code, over many pages."""
    from collections import Counter

    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for ds in datasets:
        for c in converters:
            d = dumps(ds)[c]
            for r in select(gold(ds), split, None):
                if r["id"] not in d or not r.get("text"):
                    continue
                gsh = shingles(r["text"])
                for keep, reason, _detail, line in rules_explain(d[r["id"]]):
                    sh = shingles(line)
                    ing = len(sh & gsh) / len(sh) if sh else 0
                    w = len(line.split())
                    if keep and ing <= 0.5:
                        fp[reason] += w
                        examples.setdefault("FP " + reason, []).append(line[:100])
                    elif not keep and ing > 0.5:
                        fn[reason] += w
                        examples.setdefault("FN " + reason, []).append(line[:100])
                    else:
                        ok[reason] += w
    print("false positives (kept, not gold), words:")
    for k, v in fp.most_common(12):
        print(f"  {k:28s} {v:8d}   ok {ok[k]}")
    print("false negatives (dropped, gold), words:")
    for k, v in fn.most_common(20):
        print(f"  {k:28s} {v:8d}   ok {ok[k]}")
    import random

    random.seed(1)
    for k, ex in examples.items():
        if k.startswith(("FN", "FP")):
            print(f"\n{k}:")
            for e in random.sample(ex, min(25 if k.startswith("FP") else 6, len(ex))):
                print("    ", e)


if __name__ == "__main__":
    main()
