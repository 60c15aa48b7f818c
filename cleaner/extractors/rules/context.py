"""The context pass of the rules: article regions, neighbours, headers and teaser runs.

The article is the run of lines whose summed evidence is highest (long prose counts for,
short and boilerplate lines against, as in the body-text-extraction idea of Finn et al.);
a short or uncertain line takes the class of the region it sits in; a heading right
before article text is kept; teasers after the article (even full sentences) and lists
under a "Related"/"Comments" header are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.extractors.rules.lines import LineClass
from cleaner.model import Block
from cleaner.page.features import LineFeatures

# Headers after which the following list is boilerplate of the same family, until prose
# starts again ("Related Items", "Recommended Reads", "Leave a Reply", "PROMOTED VIDEO").
RUN_STARTERS: frozenset[str] = frozenset({"related.links", "comments.widget", "promo.promoted", "jobs.widget"})
# Evidence of each class, summed over a run of lines to find the article region. Prose
# counts per word, so one paragraph outweighs a few headings between paragraphs but not
# a menu of dozens of items.
SCORE_SHORT = -3.0
SCORE_BAD = -12.0
SCORE_NEAR_PER_WORD = 0.6
# Prose counts by its words beyond this many: teaser summaries (15-25 words) add little,
# article paragraphs (30-80 words) a lot.
SCORE_GOOD_OFFSET = 8.0
# A further region (a second article part after a long widget) is kept when it weighs at
# least this share of the main region and has real prose (absolute minimum in words).
SECOND_REGION_SHARE = 0.5
SECOND_REGION_MIN = 40.0


def line_score(c: LineClass, f: LineFeatures) -> float:
    """The evidence a line adds to the article region it sits in (see the SCORE_* constants)."""
    if c.cls == "good":
        return f.words - SCORE_GOOD_OFFSET
    if c.cls == "near":
        return SCORE_NEAR_PER_WORD * f.words - SCORE_GOOD_OFFSET
    if c.cls == "bad":
        return SCORE_BAD
    if c.cls == "meta":
        return 0.0
    return SCORE_SHORT


def best_region(scores: Sequence[float], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """The run ``[start, end)`` of ``scores[lo:hi]`` with the highest sum (Kadane)."""
    hi = len(scores) if hi is None else hi
    best = (lo, lo, 0.0)
    start, total = lo, 0.0
    for i in range(lo, hi):
        if total <= 0:
            start, total = i, 0.0
        total += scores[i]
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def regions(scores: Sequence[float]) -> list[tuple[int, int]]:
    """The article regions: the best run, plus runs left/right of it that weigh enough."""
    s, e, total = best_region(scores)
    if total <= 0:
        return []
    found = [(s, e)]
    floor = max(SECOND_REGION_MIN, SECOND_REGION_SHARE * total)
    stack = [(0, s), (e, len(scores))]
    while stack:
        lo, hi = stack.pop()
        if hi - lo <= 0:
            continue
        s2, e2, t2 = best_region(scores, lo, hi)
        if t2 >= floor:
            found.append((s2, e2))
            stack.extend([(lo, s2), (e2, hi)])
    return sorted(found)


@dataclass(slots=True)
class Verdict:
    """The decision taking shape for one line during the context pass."""

    keep: bool
    reason: str
    detail: str
    flipped_from: LineClass | None = None


def context_pass(blocks: Sequence[Block], feats: Sequence[LineFeatures], classes: Sequence[LineClass]) -> list[Verdict]:
    """Context pass: regions of article text, neighbours, headers and teaser runs."""
    scores = [line_score(c, f) for c, f in zip(classes, feats, strict=True)]
    inside = [False] * len(blocks)
    for s, e in regions(scores):
        for i in range(s, e):
            inside[i] = True
    verdicts = [_verdict(i, c, feats[i], classes, inside) for i, c in enumerate(classes)]
    _drop_runs_after_headers(classes, feats, verdicts)
    return verdicts


def _verdict(i: int, c: LineClass, f: LineFeatures, classes: Sequence[LineClass], inside: Sequence[bool]) -> Verdict:
    """The verdict on line ``i`` from its first-pass class and whether it is inside an article region."""
    if c.cls == "bad" or c.cls == "meta":
        return Verdict(False, c.reason, c.detail)
    if inside[i]:
        if c.cls in ("good", "near"):
            return Verdict(True, "content.article", c.detail)
        if f.list_marker:
            return Verdict(True, "content.list_item", c.detail, c)
        if _followed_by_prose(i, classes, inside):
            return Verdict(True, "content.heading", c.detail, c)
        return Verdict(True, "content.context", c.detail, c)
    if c.cls in ("good", "near"):
        after = any(inside[:i])
        reason = "boilerplate.teaser_run" if after else "boilerplate.context"
        return Verdict(False, reason, c.detail, c)
    return Verdict(False, c.reason, c.detail)


def _followed_by_prose(i: int, classes: Sequence[LineClass], inside: Sequence[bool]) -> bool:
    """Tell whether the line after ``i`` is prose inside an article region."""
    j = i + 1
    return j < len(classes) and inside[j] and classes[j].cls in ("good", "near")


def _drop_runs_after_headers(
    classes: Sequence[LineClass], feats: Sequence[LineFeatures], verdicts: list[Verdict]
) -> None:
    """Below a "Related" / "Comments" / "Promoted" header, drop the list until prose resumes."""
    run: str | None = None
    for i, c in enumerate(classes):
        if c.cls == "bad" and c.reason in RUN_STARTERS:
            run = c.reason
            continue
        if run is None:
            continue
        if c.cls == "good" and not feats[i].list_marker:
            run = None
            continue
        v = verdicts[i]
        if v.keep:
            verdicts[i] = Verdict(False, run, f"after a {run} header", classes[i])
