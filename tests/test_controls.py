"""The controls of issue 19: --language/--languages codes, --languages filtering, --no-tables, --favor."""

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import cleaner
from cleaner.batch.outcome import clean_item
from cleaner.batch.ray import take_row
from cleaner.batch.sink import Sink
from cleaner.batch.summary import Summary
from cleaner.cli import cli
from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.extractors.learned import LearnedExtractor, keep_threshold, load_model, text_keep_threshold
from cleaner.model import REASONS, Document
from cleaner.pipeline import parse

ENGLISH = (
    "<html><body><article><h1>Rain in Spain</h1><p>The rain in Spain stays mainly in the plain, according to "
    "meteorologists who studied the region for many years and published their results in a journal.</p>"
    "<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many of "
    "their crops and dried out the wells in their villages.</p>{table}"
    "<p>After the table, the article goes on with another paragraph of prose that every reader expects to "
    "find in the text, as it explains what the figures above mean for the region.</p></article></body></html>"
)
FRENCH = (
    "<html><body><article><h1>La pluie en Espagne</h1><p>La pluie en Espagne tombe surtout dans la plaine, "
    "selon les météorologues qui ont étudié la région pendant de longues années et publié leurs résultats.</p>"
    "<p>Les agriculteurs du plateau central ont accueilli l'averse après un long été sec qui avait abîmé "
    "leurs récoltes et asséché les puits de leurs villages.</p></article></body></html>"
)
DATA_TABLE = (
    "<table><tr><th>City</th><th>Rainfall</th></tr><tr><td>Madrid</td><td>436 mm</td></tr>"
    "<tr><td>Seville</td><td>539 mm</td></tr><tr><td>Toledo</td><td>357 mm</td></tr></table>"
)
# A table that holds the page's layout: one cell with a paragraph of prose.
LAYOUT_TABLE = (
    "<table><tr><td><p>Inside a layout cell, the article carries on with a long paragraph of prose about the "
    "rain, the farmers, the wells and the villages of the plateau, as old sites laid out their pages.</p>"
    "</td></tr></table>"
)


# --------------------------------------------------------------------------- ISO 639-1 codes


@pytest.mark.parametrize("args", [["--language", "english"], ["--languages", "en,german"], ["--language", "en-US"]])
def test_language_options_take_two_letter_codes_only(tmp_path, args):
    page = tmp_path / "a.html"
    page.write_text(ENGLISH.format(table=""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(page), *args])
    assert result.exit_code == 2
    assert "ISO 639-1" in result.output and "two letters, e.g. en" in result.output


def test_config_normalises_language_codes():
    assert Config(language="EN").language == "en"
    assert Config(languages=["en", "DE"]).languages == ("en", "de")
    assert Config().replace(languages="en, de").languages == ("en", "de")
    with pytest.raises(UsageError, match="two letters"):
        Config(languages=("english",))
    with pytest.raises(UsageError, match="favor"):
        Config(favor="speed")


# --------------------------------------------------------------------------- --languages


def test_clean_returns_a_filtered_document_as_skipped_with_its_language():
    result = cleaner.clean(FRENCH, config=Config(languages=("en", "de")))
    assert result.status == "skipped"
    assert (result.skip_reason, result.skip_detail) == ("language.other", "fr")
    assert result.metadata["language"] == "fr" and "plaine" in result.text  # still there for API users
    assert cleaner.clean(FRENCH, config=Config(languages=("fr",))).status == "ok"
    assert cleaner.clean(FRENCH).status == "ok"


def test_batch_skips_other_languages_and_the_accounting_adds_up(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "en.html").write_text(ENGLISH.format(table=""), encoding="utf-8")
    (tmp_path / "in" / "fr.html").write_text(FRENCH, encoding="utf-8")
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    args = ["clean", str(tmp_path / "in"), "-o", str(out), "--languages", "en,de", "--stats", str(stats), "-j", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["metadata"]["language"] for line in lines] == ["en"]
    totals = json.loads(stats.read_text(encoding="utf-8"))["totals"]
    assert (totals["read"], totals["written"], totals["skipped"], totals["failed"]) == (2, 1, 1, 0)
    assert totals["skipped_by_reason"] == {"language.other": 1}
    assert "language.other" in result.output and "fr.html: fr" in result.output
    assert not (tmp_path / "out.errors.jsonl").exists() or not (tmp_path / "out.errors.jsonl").read_text()


def test_ray_rows_of_filtered_documents_are_counted_as_skipped(tmp_path):
    config = Config(languages=("en",))
    doc = Document(id="fr", source="fr.html", input_type="html", content=FRENCH.encode())
    row = clean_item(doc, config)
    assert (row["status"], row["skip_reason"], row["skip_detail"]) == ("skipped", "language.other", "fr")

    class Lines:
        def write_line(self, line: str) -> None:
            raise AssertionError("a skipped document has no record")

    summary = Summary()
    sink = Sink(Lines(), None, summary)  # type: ignore[arg-type]
    sink.start_file("fr.html")
    assert take_row(sink, row) == 0
    assert (summary.skipped, summary.written, summary.read) == (1, 0, 0)
    assert summary.per_file[0].read == 1 and dict(summary.per_file[0].skipped) == {"language.other": 1}


# --------------------------------------------------------------------------- --no-tables


@pytest.mark.parametrize("extractor", ["default", "trafilatura", "ensemble"])
def test_no_tables_drops_data_tables_whatever_the_extractor(extractor):
    page = ENGLISH.format(table=DATA_TABLE)
    kept = cleaner.clean(page, config=Config(extractor=extractor))
    assert "Seville" in kept.text  # the extractor keeps the table by default
    result = cleaner.clean(page, config=Config(extractor=extractor, tables=False, explain=True))
    assert "Seville" not in result.text and "Rainfall" not in result.text
    assert "After the table" in result.text and "Farmers" in result.text
    dropped = {r["text"]: r["reason"] for r in result.removed}
    assert dropped["Seville"] == "structure.table" and dropped["539 mm"] == "structure.table"


def test_no_tables_keeps_the_text_of_layout_tables():
    result = cleaner.clean(ENGLISH.format(table=LAYOUT_TABLE), config=Config(tables=False))
    assert "Inside a layout cell" in result.text


def test_table_reason_is_registered_and_the_cli_flag_reaches_the_config(tmp_path):
    assert REASONS["structure.table"][0] == "structure"
    page = tmp_path / "a.html"
    page.write_text(ENGLISH.format(table=DATA_TABLE), encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(page), "--no-tables"])
    assert result.exit_code == 0
    assert "Seville" not in json.loads(result.stdout.splitlines()[0])["text"]


# --------------------------------------------------------------------------- --favor


def test_favor_moves_the_learned_models_threshold(monkeypatch):
    model = load_model()
    assert (
        keep_threshold(model, Config(favor="precision"))
        > model.threshold
        > keep_threshold(model, Config(favor="recall"))
    )
    doc = Document(id="x", source="x.html", input_type="html", content=ENGLISH.format(table=DATA_TABLE).encode())
    page = parse(doc, doc.content.decode())
    extractor = LearnedExtractor()
    features = page.feature_matrix(Config())
    # Probabilities spread from 0.05 to 0.95: each setting keeps those above its threshold.
    probs = np.linspace(0.05, 0.95, len(page.blocks))
    monkeypatch.setattr(extractor, "scores", lambda page, config: (features, probs))

    def kept(favor: str | None) -> int:
        return sum(d.keep for d in extractor.decide(page, Config(favor=favor)))

    assert kept("precision") < kept(None) < kept("recall")
    assert kept(None) == int(np.sum(probs > model.threshold))


def test_favor_moves_the_text_line_models_threshold_on_text_dumps():
    model = load_model(None, "text")
    assert text_keep_threshold(model, Config(favor="precision")) == pytest.approx(model.threshold + 0.1)
    assert text_keep_threshold(model, Config(favor="recall")) == pytest.approx(model.threshold - 0.1)
    dump = "\n".join(
        f"Line {n} of the dump says something about the trams of the old town and their return." for n in range(10)
    )
    doc = Document(id="t", source="t.txt", input_type="text", content=dump)
    page = parse(doc, dump)
    # Probabilities 0.05, 0.15 ... 0.95, one a line: 0.55 and 0.45 sit between the thresholds.
    probs = np.linspace(0.05, 0.95, 10)

    class Stub:
        input_type, threshold = "text", model.threshold

        def scores(self, features, groups=None):
            return None, probs

    extractor = LearnedExtractor(Stub())  # type: ignore[arg-type]

    def kept(favor: str | None) -> int:
        return sum(d.keep for d in extractor.decide(page, Config(favor=favor)))

    assert (kept("precision"), kept(None), kept("recall")) == (4, 5, 6)


def test_favor_option(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(ENGLISH.format(table=""), encoding="utf-8")
    assert CliRunner().invoke(cli, ["clean", str(page), "--favor", "precision"]).exit_code == 0
    assert CliRunner().invoke(cli, ["clean", str(page), "--favor", "speed"]).exit_code == 2


def test_readme_lists_the_options():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for option in ("--languages", "--no-tables", "--favor"):
        assert f"`{option}" in readme
