"""Time cleaner's batch runner on the speed sample, as a user runs it over a crawl (``make bench``).

The sample pages of :mod:`bench.speed` are written as they are to one WARC in a temporary
folder, each with its URL (a page whose gold has none gets one under its dataset's name,
as :mod:`bench.warcs` does). A WARC because that is what the tool is for (a crawl's
archive), and because every record then has a URL, hence a site: pass 1 of the corpus
pass counts every page and pass 2 looks every page up, the whole cost of the default
settings (a folder of files counts only the pages whose markup names their URL).

The real batch runner (:func:`cleaner.batch.local.run_batch`, what ``cleaner clean
pages.warc -o out.jsonl --jobs 1`` runs) cleans the WARC in this process, as the command
would after start-up: the WARC is read, pass 1 runs in a worker, pass 2 in another, the
records are written to a JSONL file. Timed: the whole run, with the default settings
(the corpus pass) and with ``--no-corpus-pass``, and pass 1 alone
(:func:`cleaner.batch.site_stats.collect`, what the run calls). A warm-up run over a few
pages loads the models first, as a long run amortises them; the interpreter's start-up
is left out (about 1 s, the same for any corpus).
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.warcs import write_warc
from cleaner.batch.local import run_batch
from cleaner.batch.site_stats import collect
from cleaner.batch.stream import input_files
from cleaner.config import Config

__all__ = ["BatchTimes", "sample_url", "time_batches"]

# Pages of the warm-up run: enough to load the models and fill the caches once.
WARM_UP_PAGES = 10


@dataclass(slots=True)
class BatchTimes:
    """Wall and CPU seconds (of this process and its workers) of one batch setting, the fastest run kept."""

    seconds: float
    cpu_seconds: float
    errors: int = 0


def sample_url(url: str | None, dataset: str, page_id: str) -> str:
    """The URL a sample page is archived under: its own, else one under its dataset's name."""
    return url or f"https://{dataset}.example/{page_id}"


def timed(run: Callable[[], int]) -> BatchTimes:
    """Run once: wall seconds, CPU seconds of this process and of the workers it waited for, and its errors."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    start = time.perf_counter()
    errors = run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return BatchTimes(wall, time.process_time() - cpu + workers, errors)


def time_batches(pages: list[tuple[str, bytes]], repeat: int = 1) -> dict[str, BatchTimes]:
    """Time the batch runs over ``(url, raw HTML)`` pages: ``default``, ``no corpus pass`` and ``pass 1``.

    Each setting runs ``repeat`` times, interleaved with the others (so a burst of load on
    the machine falls on all of them); the fastest wall time of each is kept.
    """
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-batch-") as tmp:
        folder = Path(tmp)
        warc, warm_up = folder / "pages.warc", folder / "warm-up.warc"
        write_warc(pages, warc)
        write_warc(pages[:WARM_UP_PAGES], warm_up)
        out = folder / "out.jsonl"

        def batch(path: Path, config: Config) -> Callable[[], int]:
            def run() -> int:
                summary = run_batch([path], out, config=config, jobs=1, progress=False, report=False, overwrite=True)
                return summary.failed + summary.read_failures

            return run

        def pass_one() -> int:
            left_out: list[tuple[str, str]] = []
            collect(input_files([warc]), Config(), 1, left_out)
            return len(left_out)

        batch(warm_up, Config())()
        runs = {
            "default": batch(warc, Config()),
            "no corpus pass": batch(warc, Config(corpus_pass=False)),
            "pass 1": pass_one,
        }
        best: dict[str, BatchTimes] = {}
        for _ in range(max(1, repeat)):
            for name, run in runs.items():
                times = timed(run)
                if name not in best or times.seconds < best[name].seconds:
                    best[name] = times
    return best
