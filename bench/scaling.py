"""Speed-up of `cleaner clean --jobs N` on one WARC built from real pages (run outside CI).

    python -m bench.scaling --data ../shared/devdata [--mb 50] [--jobs 1,2] [--gzip]
        [--repeat N] [--ray] [-- extra cleaner options]

One WARC (bench/warcs.py: devdata pages with distinct URLs, a request record before each
response) is built in a temporary folder and cleaned by the `cleaner` command once per
``--jobs`` value. A single file on purpose: the runner must feed its records to the
workers in chunks, or one big file would use one core whatever ``--jobs`` says. Reported:
wall time, documents/s, speed-up over the first ``--jobs`` value, CPU time of the process
tree and cores busy (CPU time / wall time: on a machine shared with other work, a speed-up
below N with fewer than N cores busy means the cores were taken, not that the runner
serialised), and whether the output is byte-identical to the first run's (it must be:
records come back in input order). With ``--repeat`` the fastest run of each setting is kept.
``--ray`` adds a run with ``--engine ray`` (a local Ray instance with as many CPUs as the
largest ``--jobs``; its start-up, about 10 s, is included in the time).
"""

from __future__ import annotations

import argparse
import filecmp
import tempfile
from pathlib import Path

from bench import Report, write_section
from bench.memory import cleaner_command, run_measured
from bench.warcs import build_warc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path, help="devdata folder")
    parser.add_argument("--mb", type=int, default=50, help="WARC size in MB on disk")
    parser.add_argument("--jobs", default="1,2", help="--jobs values, comma-separated")
    parser.add_argument("--gzip", action="store_true", help="one gzip member per record")
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting, the fastest is kept")
    parser.add_argument("--ray", action="store_true", help="also run with --engine ray")
    parser.add_argument("--write", type=Path, help="record the table in this Markdown file (BENCHMARKS.md)")
    parser.add_argument("extra", nargs="*", help="more `cleaner clean` options (after --)")
    args = parser.parse_args(argv)
    report = Report()
    emit = report.emit

    jobs = [int(x) for x in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="cleaner-scaling-") as tmp:
        work = Path(tmp)
        warc = work / ("pages.warc" + (".gz" if args.gzip else ""))
        responses, html = build_warc(args.data, warc, args.mb * 1_000_000, gz=args.gzip)
        emit(
            f"one WARC: {warc.stat().st_size / 1e6:.0f} MB on disk, {responses} HTML responses "
            f"({html / 1e6:.0f} MB of HTML); options: {' '.join(args.extra) or '(defaults)'}"
        )
        emit("")
        emit("| engine | jobs | seconds | docs/s | speed-up | CPU s | cores busy | same output |")
        emit("|---|---|---|---|---|---|---|---|")
        runs = [("local", n) for n in jobs] + ([("ray", max(jobs))] if args.ray else [])
        first: tuple[Path, float] | None = None
        spread: list[str] = []
        for engine, n in runs:
            out = work / f"{engine}-{n}.jsonl"
            # --overwrite: a repeated run replaces the output of the one before (without it
            # the repeat stops at once on the existing output, and that is the fastest run)
            command = cleaner_command([str(warc)], str(out), n, engine, ["--overwrite", *args.extra])
            runs_done = [run_measured(command) for _ in range(args.repeat)]
            m = min(runs_done, key=lambda x: (x.returncode not in (0, 1), x.seconds))  # a failed run is never kept
            if m.returncode not in (0, 1):
                print(f"cleaner exited with {m.returncode}")
            if first is None:
                first = (out, m.seconds)
            same = filecmp.cmp(first[0], out, shallow=False)
            emit(
                f"| {engine} | {n} | {m.seconds:.1f} | {responses / m.seconds:.1f} | "
                f"{first[1] / m.seconds:.2f}x | {m.cpu_seconds:.1f} | {m.cpu_seconds / m.seconds:.2f} | "
                f"{'yes' if same else 'NO'} |"
            )
            busy = sorted((m.process_cpu or {}).values(), reverse=True)
            spread.append(f"{engine} jobs {n}: " + ", ".join(f"{c:.1f}" for c in busy if c >= 0.5))
        emit("")
        emit("CPU seconds of each process of the tree, busiest first (those over 0.5 s):")
        emit("")
        for line in spread:
            emit("- " + line)
    if args.write:
        write_section(args.write, "scaling", report.text(), argv)


if __name__ == "__main__":
    main()
