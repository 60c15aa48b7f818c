import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ARTICLE = (
    "<html><head><title>Rain in Spain | Weather</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Rain in Spain</h1><p>The rain in Spain stays mainly in the plain, according to meteorologists "
    "who studied the region for many years and published their results in a journal.</p>"
    "<p>Farmers in the central plateau welcomed the downpour after a long dry summer that damaged many of "
    "their crops and dried out the wells in their villages.</p></article></body></html>"
)


def make_corpus(root: Path) -> Path:
    (root / "site").mkdir(parents=True)
    (root / "site" / "rain.html").write_text(ARTICLE, encoding="utf-8")
    (root / "dump.txt").write_text((SAMPLES / "000_4e6828c90f9beffd.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def records(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_clean_folder_to_jsonl_with_explain(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out" / "clean.jsonl"
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", str(out), "--explain", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    recs = records(out)
    assert [r["metadata"]["source"] for r in recs] == ["dump.txt", "site/rain.html"]
    html_rec = recs[1]
    assert "The rain in Spain stays mainly in the plain" in html_rec["text"]
    assert html_rec["metadata"]["input_type"] == "html" and html_rec["metadata"]["title"] == "Rain in Spain"
    assert {"source", "url", "host", "title", "input_type", "extractor", "cleaner_version"} <= set(html_rec["metadata"])
    assert all({"block", "reason", "by", "text"} <= set(r) for r in html_rec["removed"])
    assert any(r["text"] == "Home" for r in html_rec["removed"])


def test_clean_to_stdout_and_gzip(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    runner = CliRunner()
    stdout_run = runner.invoke(
        cli, ["clean", str(corpus / "site" / "rain.html"), "-o", "-", "--jobs", "1", "--no-progress"]
    )
    assert stdout_run.exit_code == 0
    lines = [json.loads(line) for line in stdout_run.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1 and lines[0]["metadata"]["source"] == "rain.html"
    out = tmp_path / "clean.jsonl.gz"
    assert runner.invoke(cli, ["clean", str(corpus), "-o", str(out), "--jobs", "1"]).exit_code == 0
    assert len(records(out)) == 2


def test_folder_output_mirrors_the_input_tree(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "texts"
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", f"{out}/", "--format", "txt", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    text = (out / "site" / "rain.txt").read_text(encoding="utf-8")
    assert "The rain in Spain stays mainly in the plain" in text
    assert (out / "dump.txt").exists()


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["clean", str(tmp_path / "missing"), "-o", str(tmp_path / "o.jsonl")]).exit_code == 2
    assert runner.invoke(cli, ["clean", str(tmp_path), "--extractor", "nope"]).exit_code == 2
    assert runner.invoke(cli, ["clean"]).exit_code == 2
    assert runner.invoke(cli, ["clean", str(tmp_path), "--jobs", "0"]).exit_code == 2


def test_config_file_sets_options_and_cli_wins(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    conf = tmp_path / "cleaner.toml"
    conf.write_text('[cleaner]\nextractor = "justext"\nexplain = true\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "clean",
            str(corpus / "site"),
            "-o",
            str(out),
            "--config",
            str(conf),
            "--extractor",
            "trafilatura",
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    (rec,) = records(out)
    assert rec["metadata"]["extractor"] == "trafilatura" and "removed" in rec
    bad = tmp_path / "bad.toml"
    bad.write_text("unknown_setting = 1\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["clean", str(corpus), "--config", str(bad)]).exit_code == 2


def test_explain_shows_each_block_with_verdict_reason_and_extractor(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    result = CliRunner().invoke(cli, ["explain", str(corpus / "site" / "rain.html"), "--no-color"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# rain.html")
    home = next(line for line in lines if line.endswith(" Home"))
    assert home.startswith("D ") and "nav.menu" in home and "learned" in home
    assert any(line.startswith("K ") and "The rain in Spain stays" in line for line in lines)


@pytest.mark.parametrize("extractor", ["rules", "learned"])
def test_explain_text_dump_names_rules(tmp_path, extractor):
    # the text-line model (learned, the default) keeps the rules' reason for a line both drop
    args = ["explain", str(SAMPLES / "002_b8fb5e990e0f894b.txt"), "--no-color", "--extractor", extractor]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    leave = next(line for line in lines if line.endswith("Leave a Reply"))
    assert leave.startswith("D ") and "comments." in leave and extractor in leave
