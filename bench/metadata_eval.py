"""Metadata against the gold: cleaner's title, author and date beside trafilatura's, per dataset and page type.

    python -m bench.metadata_eval --data ../shared/devdata [--datasets wcxb-dev] [--limit N]
        [--failures title,author,date] [--write BENCHMARKS.md]

Every devdata page with a gold title, author or date is read by both systems in the same
run: cleaner through its public API (``cleaner.clean(html, url=url)``, default extractor,
the ``metadata`` of the Result) and trafilatura through ``bare_extraction(html, url=url,
with_metadata=True)``. trafilatura's answers are computed once and kept in
``out/metadata-trafilatura-<version>.pkl`` (they do not change while cleaner does).

No learned step is involved: cleaner reads title, author and date from the markup (or a
text dump's lines) whatever extractor decides the blocks, so there is no model to train
and nothing to hold out; the figures on every dataset are out-of-sample in that sense,
but the rules were written looking at these pages, so pages outside devdata may score lower.

The checks (a missing value counts as wrong):

- **title**: equal to the gold after folding case, white space, Unicode compatibility
  forms, and quote and dash styles (:func:`cleaner.learning.scoring.fold_title`); a
  predicted title with the site's name as its first or last segment (cut at `` | ``,
  `` - ``, `` – ``, `` — ``, `` · ``, `` :: ``, `` / ``, ``: ``) also counts when it
  equals the gold without that segment. A segment names the site when its letters and
  digits are one of the host's labels (``www``/``com`` left out), the whole host
  (``walmartcom``) or the page's ``og:site_name``/``application-name``, or contain one of
  those names of at least four letters in at most five words.
- **date**: the same ``YYYY-MM-DD``.
- **author**: the gold's lead name is contained, as a run of whole words, in the field
  (both folded to their words, case-folded). The lead name is the gold before its first
  ``;``, ``,``, `` & `` or `` and ``: "Rui Ma, Heba Ledwon & Suparn Patra" asks for "Rui
  Ma", "Dylan Bailey, MS, RD" for "Dylan Bailey". Asking for every name would score the
  gold's roles ("Tracy Parker, Dietitian") as names.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from bench import baselines, write_section
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.scoring import date_match, fold_title, format_table

FIELDS = ("title", "date", "author")
SYSTEMS = ("cleaner", "trafilatura")
_WORDS = re.compile(r"\w+")
# Segments of a title, for the site-name check: the separators titles use around a site's name.
_SEPARATORS = re.compile(r"\s+[|\-–—·/]\s+|\s*\|\s*|\s+::\s+|:\s+")
# Host labels that name no site: "www.", "com", "co.uk".
_HOST_NOISE = frozenset({"www", "com", "co", "org", "net"})
# A site name shorter than this ("ap", "ign") is inside too many words to be looked for
# inside a segment; it must equal the segment.
MIN_NAME_LETTERS = 4
# A segment with more words than this is a headline's half, not a site's name.
MAX_SITE_WORDS = 5
# The gold's lead name ends at the first of these.
_LEAD_END = re.compile(r"\s*(?:;|,|\s&\s|\band\b)\s*", re.IGNORECASE)
DEFAULT_CACHE = Path("out")


def words(text: str | None) -> str:
    """``text`` folded to its words, case-folded, one space apart."""
    return " ".join(_WORDS.findall(fold_title(text or "")))


def squash(text: str | None) -> str:
    """The letters and digits of ``text``, case-folded."""
    return words(text).replace(" ", "").replace("_", "")


def site_names(url: str | None, declared: Iterable[str]) -> set[str]:
    """The squashed names a site goes by: its host, the host's labels, its declared names."""
    names = {squash(name) for name in declared}
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        names.add(squash(host))
        names.update(squash(label) for label in host.split(".")[:-1] if label not in _HOST_NOISE)
    names.discard("")
    return names


def names_site(segment: str, names: set[str]) -> bool:
    """Tell whether a title segment is the site's name (see the module docstring)."""
    squashed = squash(segment)
    if not squashed or squashed in names:
        return True
    return len(segment.split()) <= MAX_SITE_WORDS and any(
        len(name) >= MIN_NAME_LETTERS and name in squashed for name in names
    )


def title_ok(pred: str | None, gold: str, names: set[str]) -> bool:
    """The title check: equal after folding, or once a first or last segment naming the site is cut."""
    if not pred:
        return False
    target = fold_title(gold)
    if fold_title(pred) == target:
        return True
    parts = [p for p in _SEPARATORS.split(pred) if p.strip()]
    if len(parts) < 2:
        return False
    candidates = []
    if names_site(parts[-1], names):
        candidates.append(parts[:-1])
    if names_site(parts[0], names):
        candidates.append(parts[1:])
    if len(parts) > 2 and names_site(parts[0], names) and names_site(parts[-1], names):
        candidates.append(parts[1:-1])
    return any(words(" ".join(c)) == words(gold) for c in candidates)


def lead_name(gold: str) -> str:
    """The gold author's first name: the text before its first ``;``, ``,``, ``&`` or ``and``."""
    return _LEAD_END.split(gold.strip(), maxsplit=1)[0]


def author_ok(pred: str | None, gold: str) -> bool:
    """The author check: the gold's lead name is a run of whole words of the field."""
    wanted = words(lead_name(gold))
    return bool(pred) and bool(wanted) and f" {wanted} " in f" {words(pred)} "


def date_ok(pred: str | None, gold: str) -> bool:
    """The date check: the same ``YYYY-MM-DD``."""
    return date_match(pred, gold)


@dataclass(slots=True)
class Outcome:
    """One page's gold and both systems' answers."""

    page: GoldPage
    names: set[str]
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ok(self, system: str, name: str) -> bool:
        """Tell whether ``system``'s ``name`` field passes the check."""
        gold = getattr(self.page, name)
        value = self.answers[system].get(name)
        value = None if value is None else str(value)
        if name == "title":
            return title_ok(value, gold, self.names)
        return author_ok(value, gold) if name == "author" else date_ok(value, gold)


def declared_site_names(html: bytes) -> list[str]:
    """The ``og:site_name`` and ``application-name`` values of a page."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").strip().lower()
        if name in ("og:site_name", "application-name") and meta.get("content"):
            found.append(meta.get("content"))
    return found


def cleaner_metadata(html: bytes, url: str | None) -> dict[str, Any]:
    """cleaner.clean's metadata for one page, with where each field came from."""
    clean, config = baselines.cleaner_api()
    result = clean(html, url=url, config=config(explain=True))
    return dict(result.metadata or {})


def trafilatura_answers(pages: list[GoldPage], root: str, cache: Path) -> dict[str, dict[str, Any]]:
    """trafilatura's title, author and date for ``pages``, read from (and added to) the cache file."""
    import trafilatura

    path = cache / f"metadata-trafilatura-{trafilatura.__version__}.pkl"
    known: dict[str, dict[str, Any]] = {}
    if path.exists():
        with open(path, "rb") as handle:
            known = pickle.load(handle)
    missing = [p for p in pages if p.key not in known]
    for count, page in enumerate(missing, 1):
        try:
            known[page.key] = baselines.trafilatura_metadata(read_html(root, page).html, page.url)
        except Exception as exc:  # noqa: BLE001 - a failing page scores as wrong, the run goes on
            known[page.key] = {"error": repr(exc)}
        if count % 200 == 0:
            print(f"trafilatura: {count}/{len(missing)} pages", file=sys.stderr)
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            pickle.dump(known, handle)
    return known


def evaluate(pages: list[GoldPage], root: str, cache: Path) -> list[Outcome]:
    """Both systems' answers on every page."""
    theirs = trafilatura_answers(pages, root, cache)
    outcomes = []
    for page in pages:
        loaded = read_html(root, page)
        outcome = Outcome(page=page, names=site_names(page.url, declared_site_names(loaded.html)))
        try:
            outcome.answers["cleaner"] = cleaner_metadata(loaded.html, page.url)
        except Exception as exc:  # noqa: BLE001 - counted as wrong, shown in --failures
            outcome.answers["cleaner"] = {"error": repr(exc)}
        outcome.answers["trafilatura"] = theirs[page.key]
        outcomes.append(outcome)
    return outcomes


def groups(outcome: Outcome) -> list[str]:
    """The rows a page counts in: its dataset, its page type when it has one, and all pages."""
    rows = [outcome.page.dataset]
    if outcome.page.page_type:
        rows.append(f"{outcome.page.dataset}: {outcome.page.page_type}")
    return [*rows, "all"]


def table(outcomes: list[Outcome]) -> str:
    """Share of pages passing each check, per group, cleaner beside trafilatura."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for outcome in outcomes:
        for name in FIELDS:
            if not getattr(outcome.page, name):
                continue
            for group in groups(outcome):
                cell = counts[group][name]
                cell[0] += 1
                cell[1] += outcome.ok("cleaner", name)
                cell[2] += outcome.ok("trafilatura", name)
    header = ["pages"]
    for name in FIELDS:
        header += [f"{name} (n)", "cleaner", "trafilatura"]
    rows = []
    for group in sorted(counts, key=lambda g: (g == "all", g)):
        row: list[Any] = [group]
        for name in FIELDS:
            n, mine, theirs = counts[group][name]
            row += [n, f"{mine / n:.3f}", f"{theirs / n:.3f}"] if n else ["-", "", ""]
        rows.append(row)
    return format_table(header, rows)


def false_dates(outcomes: list[Outcome]) -> str:
    """Share of pages with no gold date where each system gives one, per dataset that has gold dates on some pages.

    devdata gives a page's date where the page states one (the WCXB README): a date on a
    page without one is a guess (a copyright year, a sale, the crawl).
    """
    dated = {o.page.dataset for o in outcomes if o.page.date}
    rows = []
    for dataset in sorted(dated):
        undated = [o for o in outcomes if o.page.dataset == dataset and not o.page.date]
        if undated:
            shares = [sum(bool(o.answers[s].get("date")) for o in undated) / len(undated) for s in SYSTEMS]
            rows.append([dataset, len(undated), *(f"{x:.3f}" for x in shares)])
    return format_table(["pages without a gold date", "n", *SYSTEMS], rows) if rows else ""


def failures(outcomes: list[Outcome], name: str, show: Callable[[str], None]) -> None:
    """Print every page where cleaner's ``name`` fails its check, with trafilatura's answer beside."""
    for outcome in outcomes:
        gold = getattr(outcome.page, name)
        if not gold or outcome.ok("cleaner", name):
            continue
        mine = outcome.answers["cleaner"]
        source = (mine.get("metadata_sources") or {}).get(name, "-")
        theirs = outcome.answers["trafilatura"].get(name)
        mark = "T" if outcome.ok("trafilatura", name) else " "
        show(
            f"{mark} {outcome.page.key} [{outcome.page.page_type or '-'}] gold={gold!r} "
            f"cleaner={mine.get(name)!r} ({source}) trafilatura={theirs!r} {outcome.page.url}"
        )


def main(argv: list[str] | None = None) -> int:
    """Parse options, score both systems, print the table (and record it with --write)."""
    parser = argparse.ArgumentParser(prog="python -m bench.metadata_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--limit", type=int, help="first N pages of each dataset (quick runs)")
    parser.add_argument("--failures", help="comma-separated fields: list the pages where cleaner's is wrong")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="folder of trafilatura's cached answers")
    parser.add_argument("--write", type=Path, help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    datasets = args.datasets.split(",") if args.datasets else None
    pages = [p for p in load_devdata(args.data, datasets, args.limit, with_html=False) if p.title or p.author or p.date]
    start = time.perf_counter()
    outcomes = evaluate(pages, args.data, args.cache)
    print(f"scored {len(pages)} pages in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    for name in (args.failures or "").split(","):
        if name in FIELDS:
            print(f"\n{name}: cleaner wrong (T: trafilatura right)")
            failures(outcomes, name, print)
    text = (
        "Share of pages whose field passes the check (see bench/metadata_eval.py: title equal once the site's "
        "name is cut, date the same day, author the gold's lead name contained), cleaner beside trafilatura "
        "2's bare_extraction(with_metadata=True) on the same pages.\n\n" + table(outcomes)
    )
    guesses = false_dates(outcomes)
    if guesses:
        text += "\n\nA date given on a page that states none (lower is better):\n\n" + guesses
    print(text)
    if args.write:
        write_section(args.write, "metadata", text, sys.argv[1:] if argv is None else argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
