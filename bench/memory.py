"""Peak memory of `cleaner clean` on large WARC files built from real pages (run outside CI).

    python -m bench.memory --data ../shared/devdata [--sizes 100,1000] [--jobs 2] [--gzip]
        [--engine local|ray] [--pages N] [--keep DIR] [-- extra cleaner options]

For each size (MB on disk) a WARC is built from the devdata pages (bench/warcs.py: pages
repeated with distinct URLs and record ids) in a temporary folder, then cleaned by the
`cleaner` command in a subprocess while the memory of its whole process tree (the main
process and every worker) is sampled from /proc every SAMPLE_SECONDS:

- RSS: the sum of the resident sizes of the processes; pages shared between forked
  workers (the model, the imported libraries) are counted once per process, so it
  over-states the real use;
- PSS: the proportional set size summed over the tree (shared pages split between their
  users), the figure to read for "how much memory does the run take";
- max process: the largest RSS of a single process.

Peak memory must not grow with the file size: compare the rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import Report, write_section
from bench.warcs import build_warc

# Sampling period: a tenth of a second sees every phase of a run that lasts seconds or
# more, and reading /proc for a few processes costs well under a millisecond.
SAMPLE_SECONDS = 0.1


@dataclass(slots=True)
class Measure:
    seconds: float
    peak_rss: int  # bytes, summed over the process tree
    peak_pss: int  # bytes, summed over the process tree
    peak_process: int  # bytes, largest single process
    returncode: int
    samples: list[tuple[float, int, int]]  # (seconds, tree PSS, largest process RSS) over time
    cpu_seconds: float = 0.0  # user + system time of the process and its waited-for descendants
    process_cpu: dict[int, float] | None = None  # CPU seconds of each process of the tree, last seen


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(x) for x in handle.read().split())
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(_children(current))
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes, from /proc/PID/smaps_rollup; zeros if it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (None if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def run_measured(command: list[str], **popen: object) -> Measure:
    """Run ``command``, sampling its process tree's memory; return the peaks and the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(command, **popen)  # type: ignore[call-overload]
    peaks = [0, 0, 0]
    samples: list[tuple[float, int, int]] = []
    process_cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            tree = _tree(process.pid)
            for pid in tree:
                seconds = _cpu(pid)
                if seconds is not None:
                    process_cpu[pid] = seconds
            sizes = [_memory(p) for p in tree]
            samples.append(
                (time.monotonic() - started, sum(s[1] for s in sizes), max((s[0] for s in sizes), default=0))
            )
            peaks[0] = max(peaks[0], sum(s[0] for s in sizes))
            peaks[1] = max(peaks[1], sum(s[1] for s in sizes))
            peaks[2] = max(peaks[2], max((s[0] for s in sizes), default=0))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(seconds, peaks[0], peaks[1], peaks[2], code, samples, cpu, process_cpu)


def cleaner_command(inputs: list[str], output: str, jobs: int, engine: str, extra: list[str]) -> list[str]:
    """The `cleaner clean` command line of this venv."""
    exe = str(Path(sys.executable).with_name("cleaner"))
    return [exe, "clean", *inputs, "-o", output, "--jobs", str(jobs), "--no-progress", "--engine", engine, *extra]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path, help="devdata folder")
    parser.add_argument("--sizes", default="100,1000", help="WARC sizes in MB on disk, comma-separated")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--gzip", action="store_true", help="one gzip member per record (sizes are compressed)")
    parser.add_argument("--engine", default="local", choices=["local", "ray"])
    parser.add_argument("--pages", type=int, default=None, help="repeat only this many distinct pages")
    parser.add_argument("--trace", action="store_true", help="print memory over time (10 points a run)")
    parser.add_argument("--keep", type=Path, default=None, help="build the WARCs here and keep them")
    parser.add_argument("--write", type=Path, help="record the table in this Markdown file (BENCHMARKS.md)")
    parser.add_argument("extra", nargs="*", help="more `cleaner clean` options (after --)")
    args = parser.parse_args(argv)
    report = Report()
    emit = report.emit

    sizes = [int(x) for x in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="cleaner-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    options = f"--jobs {args.jobs} --engine {args.engine} {' '.join(args.extra)}".strip()
    emit(f"`cleaner clean {options}` on WARCs built from devdata pages")
    emit("")
    header = "| WARC | responses | HTML MB | seconds | docs/s | peak PSS MB | peak RSS MB (sum) | max process MB |"
    emit(header)
    emit("|---" * (header.count("|") - 1) + "|")
    for size in sizes:
        name = f"{size}MB.warc" + (".gz" if args.gzip else "")
        warc = work / name
        if warc.exists() and args.keep:
            responses, html = -1, -1
        else:
            responses, html = build_warc(args.data, warc, size * 1_000_000, gz=args.gzip, pages_limit=args.pages)
        out = work / f"{name}.jsonl"
        m = run_measured(
            cleaner_command([str(warc)], str(out), args.jobs, args.engine, args.extra), stderr=subprocess.DEVNULL
        )
        if m.returncode not in (0, 1):
            print(f"cleaner exited with {m.returncode} on {warc}", file=sys.stderr)
        with open(out, "rb") as handle:
            records = sum(1 for _ in handle)
        emit(
            f"| {warc.stat().st_size / 1e6:.0f} MB{' gz' if args.gzip else ''} | {records} | "
            f"{html / 1e6:.0f} | {m.seconds:.0f} | {records / m.seconds:.1f} | {m.peak_pss / 1e6:.0f} | "
            f"{m.peak_rss / 1e6:.0f} | {m.peak_process / 1e6:.0f} |"
        )
        if args.trace and m.samples:
            step = max(1, len(m.samples) // 10)
            points = [m.samples[i] for i in range(0, len(m.samples), step)] + [m.samples[-1]]
            print(
                "  over time (s: tree PSS MB / largest process MB): "
                + ", ".join(f"{t:.0f}: {pss / 1e6:.0f}/{top / 1e6:.0f}" for t, pss, top in points)
            )
        out.unlink()
        if not args.keep:
            warc.unlink()
    if args.write:
        write_section(args.write, "memory", report.text(), argv)


if __name__ == "__main__":
    main()
