"""Line-by-line check of the rules extractor on the five seed text dumps.

Labels in tests/seed_labels/<seed>.tsv were written by reading the files: keep (article
text), drop (boilerplate), title (the headline, to metadata.title), meta (byline/source).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.config import Config
from cleaner.extractors.rules import RulesExtractor, text_metadata
from cleaner.model import Block, Document
from cleaner.page import Page
from cleaner.page.segment import segment_text

ROOT = Path(__file__).resolve().parent.parent
LABELS = sorted((ROOT / "tests" / "seed_labels").glob("*.tsv"))


def run(name: str) -> tuple[list[Block], list, Page]:
    text = (ROOT / "samples" / f"{name}.txt").read_text(encoding="utf-8")
    blocks = segment_text(text)
    doc = Document(id=name, source=f"{name}.txt", input_type="text", content=text)
    page = Page(document=doc, markup=text, blocks=blocks)
    return blocks, RulesExtractor().decide(page, Config()), page


def test_there_are_five_seed_label_files() -> None:
    assert len(LABELS) == 5


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_seed_line_by_line(path: Path) -> None:
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line]
    blocks, decisions, page = run(path.stem)
    assert page.identified_language == "en"
    assert [b.text for b in blocks] == [text for _, text in rows], "labels out of step with the sample"
    wrong = []
    for (label, text), d in zip(rows, decisions, strict=True):
        got = (
            "keep"
            if d.keep
            else "title"
            if d.reason == "meta.title"
            else "meta"
            if d.reason.startswith("meta.")
            else "drop"
        )
        if got != label:
            wrong.append(f"{label} -> {got} ({d.reason}: {d.detail}): {text[:80]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_seed_title_is_the_headline_and_not_in_text(path: Path) -> None:
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line]
    title = next(text for label, text in rows if label == "title")
    blocks, decisions, _ = run(path.stem)
    meta = text_metadata(blocks, decisions)
    assert meta["title"] == title
    kept = [blocks[d.block].text for d in decisions if d.keep]
    assert title not in kept


def test_seed_byline_and_source_go_to_metadata() -> None:
    blocks, decisions, _ = run("002_b8fb5e990e0f894b")
    meta = text_metadata(blocks, decisions)
    assert meta["author"] == "Saleh Adam"
    assert meta["sitename"] == "ARA News"


def test_every_flipped_decision_keeps_its_first_pass() -> None:
    blocks, decisions, _ = run("004_c07263dc242f3a68")
    assert len(decisions) == len(blocks)
    assert [d.block for d in decisions] == [b.index for b in blocks]
    flipped = [d for d in decisions if d.first_pass is not None]
    assert flipped, "teasers that are full sentences are dropped by the context pass"
    assert all(d.first_pass.keep != d.keep for d in flipped)
