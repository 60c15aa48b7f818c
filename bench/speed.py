"""Time cleaner and the baselines on the same in-memory pages, in one process (``make bench``).

    python -m bench.speed --data ../shared/devdata [--pages 300] [--extractors default]
        [--repeat 1] [--no-batch] [--write BENCHMARKS.md]

A fixed sample of devdata pages (the ``--pages`` with the smallest sha1 of their key, so
the same pages every run, spread over the datasets in proportion to their size) is read
into memory first. Every tool then runs over the same list after a warm-up pass over the
first ``--warmup`` pages (excluded from the timing). Reported: documents/s, MB/s of input
(raw HTML bytes, or dump text encoded as UTF-8 for the text path) and speed relative to
cleaner's default extractor on the same input path. Each tool gets the raw bytes and does
its own decoding, as it would in a pipeline (resiliparse's decoding is included in its
time). With ``--repeat N`` the fastest of N passes is kept.

Beside the per-page calls, the two ``cleaner batch`` rows time the batch runner over the
same pages written to a WARC (:mod:`bench.batch`): the default settings (the corpus
pass: pass 1 over every page, then pass 2) and ``--no-corpus-pass``, each a whole run
that reads the archive and writes the JSONL output; a note gives pass 1's share of the
default run. The ``vs trafilatura`` column is each row's pages/s over trafilatura's.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import baselines, textdumps, write_section
from bench.batch import BatchTimes, sample_url, time_batches
from cleaner.learning.devdata import GoldPage, load_devdata, read_html
from cleaner.learning.scoring import format_table

# Pages in the sample: enough that one slow page does not dominate, small enough that a
# run over six tools takes about a minute.
DEFAULT_PAGES = 300
# Warm-up pages per tool (imports, caches, lazy model loading), excluded from the timing.
DEFAULT_WARMUP = 10


@dataclass(slots=True)
class Timing:
    """The timing of one tool over the sample."""

    tool: str
    path: str
    docs: int
    bytes: int
    seconds: float
    errors: int

    @property
    def docs_per_s(self) -> float:
        """Return documents per second."""
        return self.docs / self.seconds if self.seconds else float("inf")

    @property
    def mb_per_s(self) -> float:
        """Return megabytes (10^6 bytes) of input per second."""
        return self.bytes / 1e6 / self.seconds if self.seconds else float("inf")


def cpu_name() -> str:
    """Return the CPU model (from /proc/cpuinfo on Linux) and the number of cores."""
    name = platform.processor() or "unknown cpu"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores"


def sample_pages(root: str, n: int) -> list[GoldPage]:
    """Return the ``n`` devdata pages with the smallest sha1 of their key, HTML read, in that order."""
    pages = list(load_devdata(root, with_html=False))
    pages.sort(key=lambda p: hashlib.sha1(p.key.encode()).hexdigest())
    return [read_html(root, p) for p in pages[:n]]


def time_tool(
    name: str, path: str, func: Callable[[int], object], sizes: list[int], warmup: int, repeat: int
) -> Timing:
    """Time ``func(i)`` over every item index; the fastest of ``repeat`` passes is kept."""
    for i in range(min(warmup, len(sizes))):
        with contextlib.suppress(Exception):  # failures are counted in the timed pass
            func(i)
    best = float("inf")
    errors = 0
    for _ in range(max(1, repeat)):
        errors = 0
        start = time.perf_counter()
        for i in range(len(sizes)):
            try:
                func(i)
            except Exception:  # a failing document is counted, never ends the run
                errors += 1
        best = min(best, time.perf_counter() - start)
    return Timing(name, path, len(sizes), sum(sizes), best, errors)


def batch_note(batches: dict[str, BatchTimes]) -> str:
    """What the batch rows are, their CPU time, and pass 1's share of the default run."""
    default, plain, first = batches["default"], batches["no corpus pass"], batches["pass 1"]
    return (
        "cleaner batch rows: the batch runner (cleaner clean pages.warc -o out.jsonl --jobs 1, models loaded) "
        "over the same pages in one WARC, reading it and writing the JSONL output included; CPU of the process "
        f"and its workers {default.cpu_seconds:.1f} s (default), {plain.cpu_seconds:.1f} s (--no-corpus-pass). "
        f"Pass 1 alone: {first.seconds:.1f} s wall, {first.cpu_seconds:.1f} s CPU, "
        f"{first.seconds / default.seconds:.0%} of the default run's wall time "
        f"({first.cpu_seconds / default.cpu_seconds:.0%} of its CPU)"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse options, time every tool, print the table (and record it with --write)."""
    parser = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument(
        "--pages", type=int, default=DEFAULT_PAGES, help=f"pages in the sample (default {DEFAULT_PAGES})"
    )
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="warm-up pages per tool, not timed")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes per tool; the fastest is kept")
    parser.add_argument("--extractors", default="default", help="cleaner extractors, comma-separated")
    parser.add_argument("--converter", default="resiliparse", choices=textdumps.CONVERTERS, help="text-dump converter")
    parser.add_argument("--cache", type=Path, default=textdumps.DEFAULT_CACHE, help="text-dump cache folder")
    parser.add_argument("--no-batch", action="store_true", help="leave out the batch runs (cleaner clean on a WARC)")
    parser.add_argument("--write", type=Path, help="record the table in this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    notes: list[str] = []
    try:
        baselines.cleaner_api()
        cleaner_ok = True
    except baselines.CleanerUnavailable as exc:
        cleaner_ok = False
        notes.append(f"cleaner rows skipped ({exc})")
        print(f"warning: {exc}", file=sys.stderr)
    extractors = [x.strip() for x in args.extractors.split(",") if x.strip()]

    pages = sample_pages(args.data, args.pages)
    html = [p.html for p in pages]
    urls = [p.url or p.extra.get("url_from_html") for p in pages]
    langs = [p.lang for p in pages]
    html_sizes = [len(h) for h in html]
    dumps = [textdumps.get_dump(p, args.converter, args.cache) for p in pages]
    dump_sizes = [len(d.encode("utf-8")) for d in dumps]
    print(f"sample: {len(pages)} pages, {sum(html_sizes) / 1e6:.1f} MB HTML", file=sys.stderr)

    def cleaner_on_html(name: str) -> Callable[[int], object]:
        return lambda i: baselines.cleaner_html(html[i], urls[i], name)

    def cleaner_on_text(name: str) -> Callable[[int], object]:
        return lambda i: baselines.cleaner_text(dumps[i], name)

    html_tools: list[tuple[str, Callable[[int], object]]] = []
    if cleaner_ok:
        html_tools += [(f"cleaner:{name}", cleaner_on_html(name)) for name in extractors]
    html_tools += [
        ("trafilatura", lambda i: baselines.trafilatura_text(html[i], urls[i])),
        ("trafilatura fast", lambda i: baselines.trafilatura_text(html[i], urls[i], fast=True)),
        ("justext", lambda i: baselines.justext_text(html[i], langs[i])),
        ("resiliparse main_content", lambda i: baselines.resiliparse_main(html[i])),
    ]
    text_tools: list[tuple[str, Callable[[int], object]]] = []
    if cleaner_ok:
        text_tools += [(f"cleaner-text:{name}", cleaner_on_text(name)) for name in extractors]
    text_tools += [
        ("justext-lines", lambda i: baselines.justext_lines(dumps[i], langs[i])),
        ("c4 line filter", lambda i: baselines.c4_filter(dumps[i])),
    ]

    timings: list[Timing] = []
    for tool, func in html_tools:
        print(f"timing {tool} ...", file=sys.stderr)
        timings.append(time_tool(tool, "html", func, html_sizes, args.warmup, args.repeat))
    if cleaner_ok and not args.no_batch:
        print("timing cleaner batches (WARC) ...", file=sys.stderr)
        archived = [(sample_url(u, p.dataset, p.id), h) for p, u, h in zip(pages, urls, html, strict=True)]
        batches = time_batches(archived, args.repeat)
        batch_rows = [
            Timing(f"cleaner batch: {label}", "html", len(html), sum(html_sizes), run.seconds, run.errors)
            for label, run in (
                ("default (corpus pass)", batches["default"]),
                ("--no-corpus-pass", batches["no corpus pass"]),
            )
        ]
        timings[len(extractors) : len(extractors)] = batch_rows  # below cleaner's per-page rows
        notes.append(batch_note(batches))
    for tool, func in text_tools:
        print(f"timing {tool} (text) ...", file=sys.stderr)
        timings.append(time_tool(tool, f"text ({args.converter} dumps)", func, dump_sizes, args.warmup, args.repeat))

    reference = {t.path: t for t in timings if t.tool in ("cleaner:default", "cleaner-text:default")}
    trafilatura = next((t for t in timings if t.tool == "trafilatura"), None)
    rows = []
    for t in timings:
        ref = reference.get(t.path)
        ratio = f"{t.docs_per_s / ref.docs_per_s:.2f}x" if ref else "-"
        versus = f"{t.docs_per_s / trafilatura.docs_per_s:.2f}x" if trafilatura and t.path == "html" else "-"
        rows.append([t.tool, t.path, t.docs, f"{t.docs_per_s:.1f}", f"{t.mb_per_s:.2f}", versus, ratio, t.errors])
    header = ["tool", "input", "docs", "docs/s", "MB/s", "vs trafilatura", "vs cleaner default (per page)", "errors"]
    lines = [
        f"{len(pages)} pages ({sum(html_sizes) / 1e6:.1f} MB HTML, {sum(dump_sizes) / 1e6:.1f} MB of {args.converter} "
        f"text dumps), one process, warm-up {args.warmup} pages, best of {max(1, args.repeat)}; "
        f"Python {platform.python_version()} on {cpu_name()}",
        *(f"Note: {n}" for n in notes),
        format_table(header, rows),
    ]
    text = "\n\n".join(lines) + "\n"
    print(text)
    if args.write:
        write_section(args.write, "speed", text, argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
