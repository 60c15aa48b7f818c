"""Full-page text dumps of devdata HTML: all visible text, one block per line.

These are the inputs of the text-path baselines (issue 3): a page as a crawler that only
kept text would store it, with no main-content selection. Two converters:

- ``resiliparse``: ``extract_plain_text(html, main_content=False)`` (block elements become
  line breaks; alt texts and list bullets on, as by default);
- ``inscriptis``: ``get_text(html)`` (a layout-preserving renderer: tables are laid out in
  columns, so a table row may become one line).

Dumps are cached under ``.cache/textdumps/<converter>/<dataset>/<id>.txt`` so re-runs are
fast; blank lines are removed and trailing spaces stripped.

    python -m bench.textdumps --data ../shared/devdata [--converter resiliparse] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing import Pool
from pathlib import Path

from bench.baselines import decode
from cleaner.learning.devdata import GoldPage, load_devdata

# Where dumps are cached, relative to the working directory (the repo root under make).
DEFAULT_CACHE = Path(".cache/textdumps")
CONVERTERS = ("resiliparse", "inscriptis")


def _resiliparse(markup: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return str(extract_plain_text(markup, main_content=False))


def _inscriptis(markup: str) -> str:
    from inscriptis import get_text

    return str(get_text(markup))


_CONVERT: dict[str, Callable[[str], str]] = {"resiliparse": _resiliparse, "inscriptis": _inscriptis}


def tidy(text: str) -> str:
    """Strip every line's ends and drop blank lines: one block a line."""
    return "\n".join(s for s in (line.strip() for line in text.splitlines()) if s)


def convert(html: bytes, converter: str) -> str:
    """Turn raw HTML bytes into a full-page text dump with ``converter``."""
    try:
        func = _CONVERT[converter]
    except KeyError:
        raise ValueError(f"unknown converter {converter!r}; known: {', '.join(CONVERTERS)}") from None
    return tidy(func(decode(html)))


def dump_path(page: GoldPage, converter: str, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """Return where the dump of ``page`` by ``converter`` is cached."""
    return cache_dir / converter / page.dataset / f"{page.id}.txt"


def get_dump(page: GoldPage, converter: str, cache_dir: Path | None = DEFAULT_CACHE) -> str:
    """Return the dump of ``page``, from the cache or converted (and cached) now.

    The cache file is written atomically (temp file + rename), so parallel workers and an
    interrupted run never leave half a dump behind. ``cache_dir=None`` disables the cache.
    """
    if cache_dir is None:
        return convert(page.html, converter)
    path = dump_path(page, converter, cache_dir)
    if path.exists():
        return path.read_text(encoding="utf-8")
    text = convert(page.html, converter)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return text


def _build(args: tuple[GoldPage, str, Path]) -> int:
    page, converter, cache_dir = args
    return len(get_dump(page, converter, cache_dir))


def main(argv: list[str] | None = None) -> int:
    """Build (or refresh) the cached dumps for devdata."""
    parser = argparse.ArgumentParser(prog="python -m bench.textdumps", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="devdata folder, e.g. ../shared/devdata")
    parser.add_argument("--converter", choices=CONVERTERS, action="append", help="default: both")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--limit", type=int, help="pages per dataset")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"cache folder (default {DEFAULT_CACHE})")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = parser.parse_args(argv)
    datasets = args.datasets.split(",") if args.datasets else None
    pages = list(load_devdata(args.data, datasets, args.limit))
    for converter in args.converter or CONVERTERS:
        start = time.perf_counter()
        tasks = [(p, converter, args.cache) for p in pages]
        if args.jobs > 1:
            with Pool(args.jobs) as pool:
                sizes = list(pool.imap_unordered(_build, tasks, chunksize=8))
        else:
            sizes = [_build(t) for t in tasks]
        print(
            f"{converter}: {len(sizes)} dumps, {sum(sizes) / 1e6:.1f} M chars, "
            f"{time.perf_counter() - start:.1f} s -> {args.cache / converter}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
