"""The compiled text counts give exactly the counts of the pure-Python reference, and so the same features.

``cleaner.page.text_counts`` counts words, CJK characters, digits, separators, capitalised
words, sentence breaks, commas and an upper-case start in one pass per block;
:func:`cleaner.page.features.reference_counts` measures the same with regexes over the
page. They are compared on generated text (white space of every kind, the capitals and
opening quotes at the edges of the regex classes, sentence breaks, CJK) and on devdata
blocks, and the feature matrices of devdata pages are compared on both paths.

Where the extension is not built these tests skip, except in CI (``CLEANER_REQUIRE_COMPILED=1``).
"""

from __future__ import annotations

import numpy as np
import pytest
from compiled_parts import DEVDATA, NO_DEVDATA, blocked, devdata_sample, equivalence_settings, probe_runs, require
from hypothesis import given
from hypothesis import strategies as st

from cleaner.config import Config
from cleaner.model import Document
from cleaner.page import Page, features
from cleaner.page.features import COUNT_COLUMNS, reference_counts
from cleaner.page.segment import parse_html, segment_html

compiled = require("cleaner.page.text_counts", "the compiled text counts")
COLUMNS, text_counts = compiled.COLUMNS, compiled.text_counts
# Devdata pages compared: every dataset is represented, in a few seconds.
DEVDATA_PAGES = 40

# Characters at the edges of what is counted: white space of several kinds (no line
# break: a block never holds one), the first and last capitals of each range of the
# capital class and their neighbours outside it, opening quotes, sentence marks, separators,
# commas, CJK characters at the ranges' edges, digits and their neighbours.
_EDGES = (
    " \t\u00a0\u2003\u3000\x1c\x85"
    "AZ@[`{aÀÖ×ØÞßĀžŽſАЯЁЀаΑΩ\u03a2ΐǅ"
    "\"'“‘(«¿¡”’)»"
    ".?!。！？…"
    "|•·»›,，、"
    "\u3040\u30ff\u3400\u4dbf\u4e00\u9fff\uac00\ud7af\uf900\ufaff\u303f\ua000"
    "0189/:x"
)
_CHAR = st.sampled_from(_EDGES) | st.characters(blacklist_characters="\n")
# Text as pieces of one or two characters, each after white space half the time, so that
# every edge character is often at a word's start (where capitals are counted).
_PIECE = st.tuples(
    st.sampled_from(["", "", "", " ", "\t", "\u00a0", "\u3000"]), _CHAR, st.sampled_from(_EDGES) | st.just("")
)
_TEXT = st.lists(_PIECE, max_size=20).map(lambda pieces: "".join("".join(piece) for piece in pieces))


def test_the_columns_are_named_alike() -> None:
    assert tuple(COLUMNS) == COUNT_COLUMNS


@equivalence_settings(500)
@given(st.lists(_TEXT, max_size=8))
def test_compiled_counts_equal_the_reference_on_generated_text(texts: list[str]) -> None:
    assert np.array_equal(text_counts(texts), reference_counts(texts))


def test_counts_of_a_hand_written_line() -> None:
    # Checked by eye: 8 words; capitals "The", "“Big”" (an opening quote then a capital),
    # "Ānd"; 3 digits; 2 separators; 2 sentence breaks (". " and '." '); 1 comma.
    line = 'The “Big” cat, 123 | sat. » Ānd "x." yes'
    counts = dict(zip(COUNT_COLUMNS, text_counts([line])[0].tolist(), strict=True))
    assert counts == {
        "words": 10,
        "cjk": 0,
        "digits": 3,
        "separators": 2,
        "caps": 3,
        "sentences": 2,
        "commas": 1,
        "upper_start": 1,
    }


def _devdata_pages() -> list[Page]:
    out = []
    for gold, html in devdata_sample(DEVDATA_PAGES):
        try:
            tree = parse_html(html)
        except Exception:  # noqa: BLE001 - a page lxml cannot parse has no blocks on either path
            continue
        document = Document(id=gold.id, source=gold.key, input_type="html", content=html, url=gold.url)
        out.append(Page(document=document, markup=html, blocks=segment_html(tree), tree=tree))
    return out


@pytest.mark.skipif(not DEVDATA.is_dir(), reason=NO_DEVDATA)
def test_both_paths_give_the_same_counts_and_feature_rows_on_devdata(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _devdata_pages()
    assert pages
    compiled = []
    for page in pages:
        texts = [b.text for b in page.blocks]
        assert np.array_equal(text_counts(texts), reference_counts(texts))
        compiled.append(page.feature_matrix(Config()))
    monkeypatch.setattr(features, "_COUNTS", reference_counts)
    for page, matrix in zip(_devdata_pages(), compiled, strict=True):
        assert np.array_equal(page.feature_matrix(Config()), matrix)


def test_one_warning_when_the_compiled_parts_are_missing() -> None:
    probe = (
        "{block}"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    from cleaner.page import features\n"
        "    for _ in range(3): features.char_counts(['One line'])\n"
        "print(features._COUNTS.__name__, sum(issubclass(w.category, RuntimeWarning) for w in caught))\n"
    )
    no_counts = blocked("cleaner.page.text_counts")
    runs = {
        "built": (False, ""),
        "forced": (True, ""),
        "counts missing": (False, no_counts),
        "both missing": (False, blocked("cleaner.page.text_counts", "cleaner.page.walk_compiled")),
    }
    seen = probe_runs(probe, runs)
    assert seen["built"] == ["text_counts", "0"]
    assert seen["forced"] == ["reference_counts", "0"]  # asked for: no warning
    assert seen["counts missing"] == ["reference_counts", "1"]
    assert seen["both missing"] == ["reference_counts", "1"]  # the page walk's warning alone
