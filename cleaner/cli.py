"""The command line: each command calls one library function and reports its outcome.

Exit status: 0 every document cleaned, 1 some documents or files failed (all listed in
the errors file), 2 usage error, 130 interrupted (rerun with ``--resume``).
"""

from __future__ import annotations

import importlib.util
import sys
from functools import partial
from typing import Any

import click

from cleaner.batch.console import terminal_safe, worker_count
from cleaner.batch.interrupt import sigterm_as_interrupt
from cleaner.batch.local import run_batch
from cleaner.batch.ray import run_ray
from cleaner.batch.site_stats import print_stats
from cleaner.config import Config
from cleaner.errors import CleanerError, UsageError
from cleaner.explain.report import write_report
from cleaner.explain.terminal import explain_path
from cleaner.extractors import extractor_names
from cleaner.learning.train import train_from_devdata, train_from_dumps
from cleaner.version import __version__


def _config(config_file: str | None, **options: Any) -> Config:
    base = Config.from_toml(config_file) if config_file else Config()
    changes = {k: v for k, v in options.items() if v is not None}
    return base.replace(**changes)


def _fail(exc: CleanerError) -> None:
    click.echo(terminal_safe(f"cleaner: {exc}"), err=True)
    sys.exit(exc.exit_code)


_extractor_option = click.option(
    "--extractor",
    type=click.Choice(extractor_names()),
    default=None,
    help="Which extractor decides (default: the measured best for each input type).",
)
_config_option = click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="TOML file with settings."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def cli() -> None:
    """Clean web archives into article text plus metadata, explaining every removal."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", default="-", show_default=True, help="out.jsonl, out.jsonl.gz, a folder/ or - for stdout."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "txt", "md", "json"]),
    default=None,
    help="Format of folder output (txt by default); jsonl for files.",
)
@_extractor_option
@click.option("--explain", is_flag=True, default=None, help="Add removed blocks with their reasons to every record.")
@click.option(
    "--markdown",
    is_flag=True,
    default=None,
    help="Write the text as Markdown: headings, lists, tables, code, quotes (default: plain; on for --format md).",
)
@click.option(
    "--markdown-headline",
    "markdown_headline",
    is_flag=True,
    default=None,
    help="With --markdown, keep the page's headline at the top of the text (it is always in metadata.title).",
)
@click.option(
    "--links",
    is_flag=True,
    default=None,
    help="Keep the links of the kept text as Markdown links [text](url), made absolute (implies --markdown).",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="local: worker processes here; ray: the Ray cluster in RAY_ADDRESS, else a local Ray (web-cleaner[ray]).",
)
@click.option("--resume", is_flag=True, help="Finish an interrupted run without redoing or duplicating documents.")
@click.option(
    "--overwrite", is_flag=True, help="Replace an existing output, errors or stats file (else the run refuses)."
)
@click.option(
    "--errors", "errors_path", default=None, help="Where failed documents are listed (default: beside the output)."
)
@click.option("--language", default=None, help="Force the language (ISO 639-1, e.g. en) instead of identifying it.")
@click.option(
    "--languages",
    default=None,
    help="Write only documents in these languages (ISO 639-1, comma-separated, e.g. en,de); others are skipped.",
)
@click.option(
    "--tables/--no-tables", "tables", default=None, help="Keep or drop the text of data tables (default: keep)."
)
@click.option(
    "--favor",
    type=click.Choice(["precision", "recall"]),
    default=None,
    help="Learned extractor: keep less but cleaner text (precision) or more text with more boilerplate (recall).",
)
@click.option(
    "--comments",
    is_flag=True,
    default=None,
    help="Add the page's reader comments to every record as a `comments` list (HTML; never in the text).",
)
@click.option(
    "--model", type=click.Path(exists=True, dir_okay=False), default=None, help="Model file from `cleaner train`."
)
@click.option(
    "--text-model",
    "text_model",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Text-line model file from `cleaner train --input text`.",
)
@click.option("--html-field", default=None, help="JSONL field that holds HTML (default: html).")
@click.option("--text-field", default=None, help="JSONL field that holds text (default: text).")
@click.option("--id-field", default=None, help="JSONL field that holds the id (default: id).")
@click.option("--url-field", default=None, help="JSONL field that holds the url (default: url).")
@click.option(
    "--corpus-pass/--no-corpus-pass",
    "corpus_pass",
    default=None,
    help="Drop blocks repeated across a site's pages (default: on for folders/archives, off for one page/stdin).",
)
@click.option(
    "--site-stats",
    "site_stats",
    type=click.Path(dir_okay=False),
    default=None,
    help="Site statistics file: reused when it exists, else written by the corpus pass.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds one document may take before it is stopped and listed as an error (default 10; 0: no limit).",
)
@click.option(
    "--max-memory",
    "max_memory",
    type=click.IntRange(min=0),
    default=None,
    help="MB a worker may grow by on one document before it is stopped and replaced (default 4096; 0: no limit).",
)
@click.option(
    "--stats",
    "stats_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write per-file counts (read, written, empty, skipped, failed, with reasons) as JSON to this file.",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@_config_option
def clean(
    inputs: tuple[str, ...],
    output: str,
    fmt: str | None,
    jobs: int | None,
    engine: str,
    resume: bool,
    overwrite: bool,
    errors_path: str | None,
    progress: bool | None,
    config_file: str | None,
    stats_path: str | None,
    **options: Any,
) -> None:
    """Clean INPUTS (files, folders, archives, or - for stdin) into OUTPUT."""
    sigterm_as_interrupt()
    try:
        if fmt == "md":  # Markdown files hold Markdown text
            options["markdown"] = True
        config = _config(config_file, **options)
        if engine == "ray" and resume:
            raise UsageError("--resume works with --engine local only; rerun the whole job on Ray")
        if resume and overwrite:
            raise UsageError("--resume finishes the earlier run, --overwrite starts again: give one of them")
        executor = partial(run_ray) if engine == "ray" else partial(run_batch, resume=resume)
        summary = executor(
            list(inputs),
            output,
            config=config,
            jobs=jobs,
            errors_path=errors_path,
            fmt=fmt,
            progress=progress,
            stats_path=stats_path,
            overwrite=overwrite,
        )
    except CleanerError as exc:
        _fail(exc)
        return
    except KeyboardInterrupt:  # before the batch's own handling began (in pass 1): nothing was written
        click.echo("cleaner: interrupted before any record was written; rerun the command", err=True)
        sys.exit(130)
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("path")
@_extractor_option
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the verdicts by reason family (default: when stdout is a terminal and NO_COLOR is not set).",
)
@_config_option
def explain(path: str, color: bool | None, config_file: str | None, **options: Any) -> None:
    """Show why each block of the documents in PATH was kept or dropped."""
    try:
        config = _config(config_file, explain=True, **options)
        code = explain_path(path, config, color=color)
    except CleanerError as exc:
        _fail(exc)
        return
    sys.exit(code)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML page to write.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=500,
    show_default=True,
    help="Documents shown block by block (the charts count them all).",
)
@_extractor_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@_config_option
def report(
    inputs: tuple[str, ...], output: str, limit: int, jobs: int | None, config_file: str | None, **options: Any
) -> None:
    """Write an HTML page showing what was removed from INPUTS and why.

    INPUTS is a corpus (cleaned here, with explanations), or one JSONL file written by
    `cleaner clean --explain`.
    """
    try:
        config = _config(config_file, explain=True, **options)
        data = write_report(list(inputs), output, config=config, jobs=jobs, limit=limit)
    except CleanerError as exc:
        _fail(exc)
        return
    click.echo(
        f"cleaner: {output}: {data.documents} documents ({len(data.shown)} shown), {data.failed} failed, "
        f"{data.removed_blocks} blocks removed",
        err=True,
    )


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Lines shown per site.")
@click.option(
    "--sites", type=click.IntRange(min=1), default=20, show_default=True, help="Sites shown (most pages first)."
)
@click.option(
    "--site-stats", "site_stats", type=click.Path(dir_okay=False), default=None, help="Read/write the summary."
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: CPU count).")
@_config_option
def stats(
    inputs: tuple[str, ...], top: int, sites: int, site_stats: str | None, jobs: int | None, config_file: str | None
) -> None:
    """Print the lines most repeated across the pages of each site in INPUTS (the corpus pass's pass 1)."""
    try:
        config = _config(config_file, site_stats=site_stats)
        print_stats(list(inputs), config, worker_count(jobs), top=top, sites=sites)
    except CleanerError as exc:
        _fail(exc)


@cli.command()
@click.option("--data", required=True, type=click.Path(exists=True, file_okay=False), help="Folder of labelled pages.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Model file to write (.npz).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes for feature extraction.")
@click.option("--datasets", default=None, help="Comma-separated dataset folders to use (default: all).")
@click.option(
    "--input",
    "input_type",
    type=click.Choice(["html", "text"]),
    default="html",
    help="html: the model of HTML pages; text: the text-line model of text dumps (needs --dumps).",
)
@click.option(
    "--dumps",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="With --input text: a folder of text dumps of the pages, <dataset>/<id>.txt (repeatable).",
)
def train(
    data: str, output: str, jobs: int | None, datasets: str | None, input_type: str, dumps: tuple[str, ...]
) -> None:
    """Train the learned extractor's model on labelled pages in DATA; write it to OUTPUT.

    DATA holds one folder per dataset, each with gold.jsonl (id, url, text or with/without
    snippets) and html/<id>.html.gz, like ../shared/devdata. With --input text, the model
    of text dumps is trained on the dumps of those pages in the --dumps folders. Needs the
    `train` extra.
    """
    if importlib.util.find_spec("lightgbm") is None:
        _fail(UsageError("training needs LightGBM: pip install 'web-cleaner[train]'"))
        return
    names = [x.strip() for x in datasets.split(",")] if datasets else None
    processes = worker_count(jobs)
    log = lambda m: click.echo(m, err=True)  # noqa: E731 - a one-line logger
    if input_type == "text" and not dumps:
        _fail(UsageError("--input text needs at least one --dumps folder of text dumps"))
        return
    try:
        if input_type == "text":
            train_from_dumps(data, list(dumps), output, datasets=names, jobs=processes, log=log)
        else:
            train_from_devdata(data, output, datasets=names, jobs=processes, log=log)
    except UsageError as exc:
        _fail(exc)


def main() -> None:
    """Entry point of the ``cleaner`` console script."""
    try:
        cli.main(standalone_mode=True)
    except UsageError as exc:  # pragma: no cover - raised before click takes over
        _fail(exc)


if __name__ == "__main__":
    main()
