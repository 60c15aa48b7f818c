"""`cleaner train` on a small folder laid out like devdata: it runs and is deterministic."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("lightgbm", reason="the train extra (LightGBM) is not installed: `make test` installs it")

from cleaner import Config, clean  # noqa: E402
from cleaner.cli import cli  # noqa: E402

PARAGRAPHS = [
    "The river rose by two metres overnight after three days of heavy rain in the hills above the town.",
    "Residents of the lower streets were moved to the school gym, where volunteers served hot meals.",
    "The mayor said the new flood wall had held and that damage was far lower than in the last flood.",
    "Engineers will inspect the bridge on Monday before it reopens to traffic, the council said.",
]
CHROME = [
    "Home",
    "News",
    "Sport",
    "Weather",
    "Subscribe to our newsletter",
    "© 2024 Example Media. All rights reserved.",
]


def page(i: int) -> tuple[str, str]:
    body = [f"<p>{p} (report {i})</p>" for p in PARAGRAPHS[: 2 + i % 3]]
    nav = "".join(f"<li><a href='/{c}'>{c}</a></li>" for c in CHROME[:4])
    html = (
        f"<html lang='en'><body><nav><ul>{nav}</ul></nav><article><h1>Flood report {i}</h1>{''.join(body)}</article>"
        f"<div class='newsletter'>{CHROME[4]}</div><footer><p>{CHROME[5]}</p></footer></body></html>"
    )
    gold = "\n".join([f"Flood report {i}", *(f"{p} (report {i})" for p in PARAGRAPHS[: 2 + i % 3])])
    return html, gold


def make_data(root: Path, pages: int = 24) -> None:
    folder = root / "toy"
    (folder / "html").mkdir(parents=True)
    with open(folder / "gold.jsonl", "w", encoding="utf-8") as out:
        for i in range(pages):
            html, gold = page(i)
            with gzip.open(folder / "html" / f"p{i}.html.gz", "wb") as handle:
                handle.write(html.encode())
            row = {"id": f"p{i}", "url": f"https://site{i % 6}.example/a/{i}", "text": gold, "gold_type": "full"}
            out.write(json.dumps(row) + "\n")


def test_train_writes_a_model_the_extractor_uses_and_rebuilds_it_byte_for_byte(tmp_path: Path) -> None:
    make_data(tmp_path / "data")
    runner = CliRunner()
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    for out in (first, second):
        result = runner.invoke(cli, ["train", "--data", str(tmp_path / "data"), "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    html, _gold = page(99)
    cleaned = clean(html, config=Config(extractor="learned", model=str(first)), input_type="html")
    assert PARAGRAPHS[0] in cleaned.text
    assert "Subscribe to our newsletter" not in cleaned.text


def test_train_without_data_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["train", "--data", str(tmp_path / "missing"), "-o", str(tmp_path / "m.npz")])
    assert result.exit_code == 2


def make_dumps(root: Path, pages: int = 24) -> None:
    """Full-page text dumps of the toy pages: menu lines, headline, paragraphs, newsletter, footer."""
    folder = root / "toy"
    folder.mkdir(parents=True)
    for i in range(pages):
        _html, gold = page(i)
        lines = [*CHROME[:4], gold, CHROME[4], CHROME[5]]
        (folder / f"p{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_train_text_model_from_dumps_rebuilds_byte_for_byte_and_is_used(tmp_path: Path) -> None:
    make_data(tmp_path / "data")
    make_dumps(tmp_path / "dumps")
    runner = CliRunner()
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    for out in (first, second):
        args = ["train", "--data", str(tmp_path / "data"), "--input", "text", "--dumps", str(tmp_path / "dumps")]
        result = runner.invoke(cli, [*args, "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    _html, gold = page(99)
    dump = "\n".join([*CHROME[:4], gold, CHROME[4], CHROME[5]])
    cleaned = clean(dump, config=Config(extractor="learned", text_model=str(first)), input_type="text")
    assert PARAGRAPHS[0] in cleaned.text
    assert "Subscribe to our newsletter" not in cleaned.text and "All rights reserved" not in cleaned.text
    assert any(d.by == "learned" for d in cleaned.decisions)


def test_train_text_without_dumps_is_a_usage_error(tmp_path: Path) -> None:
    make_data(tmp_path / "data", pages=2)
    result = CliRunner().invoke(
        cli, ["train", "--data", str(tmp_path / "data"), "--input", "text", "-o", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2
    assert "--dumps" in result.output


def test_train_with_no_matching_dumps_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    make_data(tmp_path / "data", pages=2)
    (tmp_path / "dumps").mkdir()
    args = ["train", "--data", str(tmp_path / "data"), "--input", "text", "--dumps", str(tmp_path / "dumps")]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "m.npz"), "-j", "1"])
    assert result.exit_code == 2
    assert "no labelled pages to train on" in result.output
    assert not (tmp_path / "m.npz").exists()
