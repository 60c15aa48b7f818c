"""The headline of a text dump: the title-like line just above the article.

:func:`find_headline` finds it; :func:`mark_headline` moves it (and its repeats) to the
metadata (``meta.title``) and keeps the standfirst between it and the article.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.extractors.rules.context import Verdict
from cleaner.extractors.rules.lines import LineClass
from cleaner.model import Block
from cleaner.page.features import LineFeatures

# Lines looked at above the article for the headline, standfirst, byline and date.
HEADER_LOOKBACK = 12
# A headline has a few words and no sentence end; longer lines are standfirsts.
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
# The headline is the earliest candidate at least half as long as the longest one.
TITLE_SHARE_OF_LONGEST = 2.0


def find_headline(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], classes: Sequence[LineClass], verdicts: Sequence[Verdict]
) -> tuple[int | None, int]:
    """The headline above the article, and the index of the article's first sentence.

    Walks back from the first kept line that ends a sentence, through the header (kicker,
    standfirst, byline, date, caption) until a menu/related/newsletter line or
    :data:`HEADER_LOOKBACK` lines; the headline is the earliest title-like line there that
    is not much shorter than the longest one (menu leftovers are short).
    """
    first = next(
        (i for i, v in enumerate(verdicts) if v.keep and classes[i].cls == "good" and feats[i].terminal),
        None,
    )
    if first is None:
        first = next((i for i, v in enumerate(verdicts) if v.keep and classes[i].cls in ("good", "near")), None)
    if first is None:
        return None, -1
    candidates: list[int] = []
    for i in range(first - 1, max(-1, first - 1 - HEADER_LOOKBACK), -1):
        c, f = classes[i], feats[i]
        if c.cls in ("bad", "meta"):
            if c.reason.startswith(("nav.", "related.", "comments.", "newsletter.", "cookie.", "legal.")):
                break
            continue
        if not TITLE_MIN_WORDS <= f.words <= TITLE_MAX_WORDS or f.list_marker or f.urls:
            continue
        if (f.terminal and blocks[i].text.rstrip("\"'”’»)")[-1:] == ".") or f.ends_colon:
            continue
        candidates.append(i)
    if not candidates:
        return None, first
    longest = max(feats[i].words for i in candidates)
    # the earliest line at least half as long as the longest: the headline comes before
    # the standfirst, menu leftovers ("Comedy", "Israel-Gaza") are shorter
    title = min(i for i in candidates if feats[i].words * TITLE_SHARE_OF_LONGEST >= longest)
    return title, first


def mark_headline(
    blocks: Sequence[Block], feats: Sequence[LineFeatures], classes: Sequence[LineClass], verdicts: list[Verdict]
) -> None:
    """Move the headline (:func:`find_headline`) and its repeats to ``meta.title``, in ``verdicts``.

    Between the headline and the article's first sentence, a prose line the context pass
    dropped is the standfirst: article text.
    """
    title, first = find_headline(blocks, feats, classes, verdicts)
    if title is None:
        return
    for i in range(title + 1, first):
        if classes[i].cls in ("good", "near") and not verdicts[i].keep:
            verdicts[i] = Verdict(True, "content.article", f"standfirst; {classes[i].detail}", None)
    c = classes[title]
    verdicts[title] = Verdict(False, "meta.title", blocks[title].text, c if verdicts[title].keep else None)
    headline = blocks[title].text
    for i, b in enumerate(blocks):
        if i != title and verdicts[i].keep and b.text == headline:
            verdicts[i] = Verdict(False, "meta.title", "repeats the headline", classes[i])
