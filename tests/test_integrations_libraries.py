"""The datatrove step and the datasets recipe with the real libraries (the integrations extra).

Documents and datasets are built in memory; nothing is downloaded. Marked slow: `make
test-slow` installs the extra (pyarrow, pandas, huggingface_hub...: too much for `make
test`) and runs them; without it they are skipped. The libraries are imported by the
fixtures, not at collection: importing them takes seconds that a `make test` run, which
deselects these tests, would pay for nothing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_integrations import ARTICLE, NAV_ONLY

import cleaner
from cleaner import Config, pipeline
from cleaner.integrations.hf_datasets import clean_batch, clean_dataset
from cleaner.model import REASONS

pytestmark = pytest.mark.slow

NEEDS = "needs the integrations extra: pip install -e '.[integrations]'"


@pytest.fixture(scope="module")
def dt() -> SimpleNamespace:
    """datatrove's Document, executor and writer, and cleaner's step."""
    pytest.importorskip("datatrove", reason=NEEDS)
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove_step import CleanerExtractor

    return SimpleNamespace(
        Document=Document, Executor=LocalPipelineExecutor, JsonlWriter=JsonlWriter, CleanerExtractor=CleanerExtractor
    )


@pytest.fixture(scope="module")
def datasets() -> Any:
    """The datasets library."""
    return pytest.importorskip("datasets", reason=NEEDS)


FRENCH = (
    "<html><body><article><h1>Le tramway revient</h1>"
    "<p>Le conseil municipal a voté mardi le retour du tramway dans la vieille ville après quarante ans "
    "de bus et d'embouteillages dans ses rues étroites.</p>"
    "<p>Les travaux commencent au printemps et la première ligne ouvrira l'année prochaine.</p>"
    "</article></body></html>"
)


def broken_on(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the extractor fail on pages holding ``marker``: cleaner turns that into an error Result."""
    decide = pipeline.decide

    def maybe_broken(page: Any, config: Config) -> Any:
        if marker in page.markup:
            raise RuntimeError("extractor broke")
        return decide(page, config)

    monkeypatch.setattr(pipeline, "decide", maybe_broken)


def test_datatrove_pipeline_cleans_drops_and_counts(
    dt: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Document = dt.Document
    broken_on("BROKEN-PAGE", monkeypatch)
    docs = [
        Document(text=ARTICLE, id="a", metadata={"url": "https://news.example.com/trams", "date": "2024-05-01"}),
        Document(text=NAV_ONLY, id="nav", metadata={"url": "https://news.example.com/"}),
        Document(text=FRENCH, id="fr", metadata={"url": "https://journal.example.fr/tram"}),
        Document(text=ARTICLE.replace("<body>", "<body><!-- BROKEN-PAGE -->"), id="broken"),
    ]
    step = dt.CleanerExtractor(Config(languages=("en",)))
    writer = dt.JsonlWriter(str(tmp_path / "out"), compression=None)
    dt.Executor(pipeline=[docs, step, writer], logging_dir=str(tmp_path / "logs"), workers=1).run()
    written = (tmp_path / "out" / "00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written) == 1
    record = json.loads(written[0])
    assert record["id"] == "a"
    assert "voted on Tuesday to bring trams back" in record["text"] and "Home" not in record["text"]
    meta = record["metadata"]
    assert meta["date"] == "2024-05-01"  # the reader's (crawl) date is left alone
    found = meta["cleaner"]
    assert (found["host"], found["author"], found["language"], found["status"]) == (
        "news.example.com",
        "Jane Doe",
        "en",
        "ok",
    )
    removed = {item["text"]: item["reason"] for item in found["removed"]}
    assert "Home News Sport" in removed and removed["Home News Sport"] in REASONS

    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    (counts,) = [s["stats"] for s in stats if s["name"].endswith("🧹 cleaner")]
    assert counts["total"] == 4
    assert counts["extracted"] == 3  # all but the broken page
    assert counts["forwarded"] == 1
    assert counts["dropped"] == 2  # the empty page and the French one
    assert counts["dropped_language.other"] == 1
    assert counts["clean_error"] == 1


def test_datatrove_step_restarts_on_a_hang_or_a_crash(dt: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    Document = dt.Document
    clean = cleaner.clean

    def misbehaving(content: Any, url: Any = None, **options: Any) -> Any:
        if "HANG" in content:
            time.sleep(60)  # the sandbox stops it after the step's timeout
        if "CRASH" in content:
            os._exit(3)  # as a segfault or the OOM killer would
        return clean(content, url, **options)

    monkeypatch.setattr(cleaner, "clean", misbehaving)  # the sandbox process is forked: it sees this too
    docs = [Document(text=ARTICLE + "<!-- HANG -->", id="hang"), Document(text=ARTICLE + "<!-- CRASH -->", id="crash")]
    docs.append(Document(text=ARTICLE, id="ok"))
    step = dt.CleanerExtractor(timeout=3)
    started = time.monotonic()
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["ok"]  # a new sandbox cleans the page after them
    assert time.monotonic() - started < 30  # neither the hang nor the crash waited for the 60 s
    counts = {name: stat.total for name, stat in step.stats.stats.items()}
    assert (counts["timeout"], counts["broken_process"], counts["forwarded"]) == (1, 1, 1)


def test_clean_dataset_types_columns_whatever_the_first_batch_holds(datasets: Any) -> None:
    # The first batch (2 rows) names no author; the second does: without declared types
    # Arrow would have typed the author field null and refused the string.
    no_author = ARTICLE.replace("<meta name='author' content='Jane Doe'>", "")
    pages = datasets.Dataset.from_dict(
        {
            "html": [no_author, NAV_ONLY, ARTICLE],
            "url": ["https://news.example.com/trams", None, "https://other.example.org/trams"],
            "crawl": [1, 2, 3],
        }
    )
    out = clean_dataset(pages, batch_size=2)
    assert out.column_names == ["html", "url", "crawl", "text", "cleaner"]
    assert out["crawl"] == [1, 2, 3]
    rows = out["cleaner"]
    assert [r["status"] for r in rows] == ["ok", "empty", "ok"]
    assert [r["author"] for r in rows] == [None, None, "Jane Doe"]
    assert [r["host"] for r in rows] == ["news.example.com", None, "other.example.org"]
    assert "voted on Tuesday" in out["text"][2] and out["text"][1] == ""
    assert any(item["text"] == "Home News Sport" for item in rows[0]["removed"])
    kept = out.filter(lambda row: row["cleaner"]["status"] == "ok")
    assert kept["crawl"] == [1, 3]


def test_clean_batch_in_a_plain_map_and_a_text_column(datasets: Any) -> None:
    # datatrove's and Common Crawl's readers leave the HTML in `text`: the clean text replaces it.
    pages = datasets.Dataset.from_dict({"text": [ARTICLE], "id": ["a"]})
    out = pages.map(clean_batch, batched=True)
    assert out.column_names == ["text", "id", "cleaner"]
    assert out[0]["text"].startswith("Trams return to the old town") and "<" not in out[0]["text"]
    streamed = list(
        datasets.IterableDataset.from_generator(lambda: iter([{"html": ARTICLE}])).map(clean_batch, batched=True)
    )
    assert streamed[0]["cleaner"]["author"] == "Jane Doe"
