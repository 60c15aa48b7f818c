"""``cleaner report``: one self-contained HTML page (inline CSS, JavaScript and SVG) showing what was removed and why.

:func:`write_report` gathers the documents (:mod:`cleaner.explain.report_data`: a corpus
cleaned here with explanations, or a JSONL file ``cleaner clean --explain`` wrote) and
:func:`render_page` turns them into the page; nothing on it is fetched from the network.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaner.config import Config
from cleaner.errors import UsageError
from cleaner.explain.report_data import (
    DEFAULT_LIMIT,
    ReportData,
    ShownDocument,
    build_report,
    is_explained_output,
    records_from_corpus,
    records_from_output,
)
from cleaner.model import REASONS
from cleaner.version import __version__

__all__ = ["FAMILY_COLOURS", "render_page", "write_report"]

# Characters an HTML page cannot hold (C0 controls; lone surrogates cannot even be saved
# as UTF-8): shown as U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Sites shown by name in the chart; the rest are summed into one bar.
TOP_SITES = 25
# One colour per reason family (colour-blind-safe hues first, for the common families).
FAMILY_COLOURS = {
    "content": "#2b8a3e",
    "meta": "#1c7ed6",
    "nav": "#e8590c",
    "newsletter": "#ae3ec9",
    "social": "#d6336c",
    "comments": "#7048e8",
    "related": "#f08c00",
    "promo": "#c92a2a",
    "ads": "#a61e4d",
    "jobs": "#5c940d",
    "cookie": "#795548",
    "legal": "#495057",
    "media": "#0b7285",
    "boilerplate": "#868e96",
    "extractor": "#e67700",
    "corpus": "#862e9c",
    "hidden": "#343a40",
    "dup": "#5f3dc4",
    "empty": "#adb5bd",
    "structure": "#1098ad",
}
FAMILIES = sorted({family for family, _ in REASONS.values()})


def _e(value: Any) -> str:
    return html.escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


def _bar_chart(chart_id: str, rows: list[tuple[str, Counter[str]]], caption: str) -> str:
    """A horizontal bar chart, one bar a row, stacked by family; each segment carries its count."""
    if not rows:
        return f'<p class="none" id="{chart_id}">Nothing was removed.</p>'
    label_w, bar_w, row_h = 210, 560, 22
    largest = max(sum(c.values()) for _, c in rows) or 1
    height = row_h * len(rows) + 10
    parts = [
        f'<figure><figcaption>{_e(caption)}</figcaption><svg id="{chart_id}" class="chart" role="img" '
        f'width="{label_w + bar_w + 90}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, counts) in enumerate(rows):
        y = 5 + i * row_h
        total = sum(counts.values())
        parts.append(
            f'<g class="row" data-label="{_e(label)}" data-chars="{total}"><text x="{label_w - 6}" y="{y + 15}" '
            f'text-anchor="end">{_e(label[:32])}</text>'
        )
        x = float(label_w)
        for family in sorted(counts, key=lambda f: (-counts[f], f)):
            w = bar_w * counts[family] / largest
            parts.append(
                f'<rect class="seg fam-{_e(family)}" data-family="{_e(family)}" data-chars="{counts[family]}" '
                f'x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{row_h - 6}" '
                f'fill="{FAMILY_COLOURS.get(family, "#999")}"><title>{_e(label)}: {_e(family)} '
                f"{counts[family]:,} characters</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" class="num">{total:,}</text></g>')
    parts.append("</svg></figure>")
    return "".join(parts)


def _family_rows(data: ReportData) -> list[tuple[str, Counter[str]]]:
    return [(f, Counter({f: n})) for f, n in sorted(data.by_family.items(), key=lambda kv: (-kv[1], kv[0]))]


def _site_rows(data: ReportData) -> list[tuple[str, Counter[str]]]:
    ranked = sorted(data.by_site.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    rows = [(site, counts) for site, counts in ranked[:TOP_SITES] if sum(counts.values())]
    rest: Counter[str] = Counter()
    for _site_name, counts in ranked[TOP_SITES:]:
        rest.update(counts)
    if sum(rest.values()):
        rows.append((f"{len(ranked) - TOP_SITES} other sites", rest))
    return rows


def _totals_table(data: ReportData) -> str:
    """The one table of totals: removed blocks and characters by family, of every document counted.

    Two more columns, filled by the page's script from the blocks it shows, give the same
    counts for the documents shown block by block; they are displayed only when fewer
    documents are shown than counted (``--limit``), where they differ.
    """
    shown = '<td class="shown-blocks shown-col"></td><td class="shown-chars shown-col"></td>'
    rows = "".join(
        f'<tr data-family="{_e(f)}"><td><span class="swatch fam-{_e(f)}"></span>{_e(f)}</td>'
        f'<td class="blocks">{data.blocks_by_family[f]}</td><td class="chars">{data.by_family[f]}</td>{shown}</tr>'
        for f in sorted(data.by_family, key=lambda f: (-data.by_family[f], f))
    )
    partial = ' class="partial"' if len(data.shown) < data.documents else ""
    return (
        f'<table id="totals"{partial}><thead><tr><th>family</th><th>removed blocks</th><th>removed characters</th>'
        '<th class="shown-col">blocks in the documents shown</th><th class="shown-col">characters in them</th>'
        f"</tr></thead><tbody>{rows}</tbody><tfoot><tr><td>all</td><td class='blocks'>{data.removed_blocks}</td>"
        f"<td class='chars'>{sum(data.by_family.values())}</td>{shown}</tr></tfoot></table>"
    )


_META_FIELDS = ("url", "title", "author", "date", "sitename", "language", "description", "canonical_url", "extractor")


def _index(data: ReportData) -> str:
    """A list of the documents shown, each a link to its section, with the characters removed from it."""
    items = "".join(
        f'<li><a href="#doc-{i}">{_e(doc.source)}</a> <span class="status">{_e(doc.status)}</span> '
        f"{sum(len(b.text) for b in doc.removed):,} characters removed</li>"
        for i, doc in enumerate(data.shown)
    )
    return f'<details open><summary>Index of the documents shown</summary><ol id="index">{items}</ol></details>'


def _document(doc: ShownDocument, number: int) -> str:
    removed = doc.removed
    removed_chars = sum(len(b.text) for b in removed)
    meta_rows = "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(doc.metadata[k])}</td></tr>" for k in _META_FIELDS if doc.metadata.get(k)
    )
    found_in = doc.metadata.get("metadata_sources") or {}
    if found_in:
        meta_rows += (
            "<tr><th>found in</th><td>" + _e(", ".join(f"{k}: {v}" for k, v in found_in.items())) + "</td></tr>"
        )
    blocks = []
    for i, block in enumerate(doc.blocks):
        if block.keep:
            blocks.append(f'<p class="block kept" data-block="{i}">{_e(block.text)}</p>')
        else:
            tip = f"{block.reason} by {block.by}" + (f": {block.detail}" if block.detail else "")
            tip += f" ({block.role})" if block.role else ""
            blocks.append(
                f'<p class="block removed fam-{_e(block.family)}" data-block="{i}" data-family="{_e(block.family)}" '
                f'data-reason="{_e(block.reason)}" data-chars="{len(block.text)}" title="{_e(tip)}">'
                f'<del>{_e(block.text)}</del> <span class="why">{_e(block.reason)}</span></p>'
            )
    title = doc.metadata.get("title") or ""
    return (
        f'<section class="doc" id="doc-{number}" data-source="{_e(doc.source)}" data-site="{_e(doc.site)}" '
        f'data-status="{_e(doc.status)}" data-blocks="{len(doc.blocks)}" data-removed-blocks="{len(removed)}" '
        f'data-removed-chars="{removed_chars}"><h2><span class="src">{_e(doc.source)}</span> '
        f'<span class="status">{_e(doc.status)}</span> {_e(title)}</h2>'
        f'<p class="counts">{len(doc.blocks)} blocks, {len(removed)} removed ({removed_chars:,} characters)</p>'
        f'<table class="meta">{meta_rows}</table><div class="blocks">{"".join(blocks)}</div></section>'
    )


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#212529}
h1{font-size:1.5em}h2{font-size:1.05em;margin:.2em 0}
.summary span{margin-right:1.2em}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}
.chart text{font-size:12px;fill:#343a40}.chart .num{fill:#495057}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 8px;text-align:left;vertical-align:top}
#totals td+td{text-align:right}#totals .shown-col{display:none;color:#868e96}
#totals.partial .shown-col{display:table-cell}
.meta th{color:#868e96;font-weight:normal}
.legend label{display:inline-block;margin:0 .8em .3em 0;cursor:pointer}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-1px;border-radius:2px}
.doc{border-top:1px solid #dee2e6;padding:.6em 0}
.doc .src{font-family:monospace}.status{font-size:.8em;color:#868e96}
.counts{color:#868e96;font-size:.85em;margin:.2em 0}
.block{margin:.25em 0;padding-left:.5em;border-left:3px solid transparent}
.block.kept{border-left-color:#2b8a3e}
.block.removed del{text-decoration-thickness:1.5px}
.why{font:11px monospace;color:#fff;padding:0 4px;border-radius:3px;white-space:nowrap}
.failures li{font-family:monospace;font-size:.85em}
.hidden{display:none}
"""

_JS = """
(function () {
  // The totals of the blocks on the page, in the totals table's last columns, so what is
  // shown can be checked against the counts of every document.
  var blocks = document.querySelectorAll('.block.removed');
  var byFamily = {}, all = {blocks: 0, chars: 0};
  blocks.forEach(function (b) {
    var f = b.dataset.family, n = parseInt(b.dataset.chars, 10);
    byFamily[f] = byFamily[f] || {blocks: 0, chars: 0};
    byFamily[f].blocks += 1; byFamily[f].chars += n;
    all.blocks += 1; all.chars += n;
  });
  var totals = document.getElementById('totals');
  var fill = function (tr, counts) {
    tr.querySelector('.shown-blocks').textContent = counts.blocks;
    tr.querySelector('.shown-chars').textContent = counts.chars;
  };
  if (totals) {
    totals.querySelectorAll('tbody tr').forEach(function (tr) {
      fill(tr, byFamily[tr.dataset.family] || {blocks: 0, chars: 0});
    });
    fill(totals.querySelector('tfoot tr'), all);
    totals.dataset.ready = 'yes';
  }
  // The legend hides or shows the removed blocks of a family.
  document.querySelectorAll('.legend input').forEach(function (box) {
    box.addEventListener('change', function () {
      document.querySelectorAll('.block.removed.fam-' + box.value).forEach(function (b) {
        b.classList.toggle('hidden', !box.checked);
      });
    });
  });
  // The filter shows only the documents whose source contains the text typed.
  var filter = document.getElementById('filter');
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('.doc').forEach(function (d) {
      d.classList.toggle('hidden', q && d.dataset.source.toLowerCase().indexOf(q) < 0);
    });
  });
})();
"""


def render_page(data: ReportData) -> str:
    """The report page as one HTML string (no external resources)."""
    family_css = "".join(
        f".fam-{f} .why,.why.fam-{f},.swatch.fam-{f}{{background:{c}}}.block.fam-{f}{{border-left-color:{c}}}"
        f".block.fam-{f} del{{text-decoration-color:{c}}}"
        for f, c in FAMILY_COLOURS.items()
    )
    used = [f for f in FAMILIES if data.by_family.get(f)]
    legend = "".join(
        f'<label><input type="checkbox" value="{_e(f)}" checked><span class="swatch fam-{_e(f)}"></span>{_e(f)}</label>'
        for f in used
    )
    removed_chars = sum(data.by_family.values())
    shown_note = (
        f"the first {len(data.shown)} of {data.documents} documents are shown block by block"
        if len(data.shown) < data.documents
        else f"all {data.documents} documents are shown block by block"
    )
    failures = "".join(f"<li>{_e(d.source)}: {_e(d.error)}</li>" for d in data.failures)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>cleaner report: {_e(data.title)}</title><style>{_CSS}{family_css}</style></head><body>"
        f"<h1>What cleaner removed from {_e(data.title)}</h1>"
        f'<p class="summary" id="summary" data-documents="{data.documents}" data-failed="{data.failed}" '
        f'data-removed-blocks="{data.removed_blocks}" data-removed-chars="{removed_chars}" '
        f'data-kept-chars="{data.kept_chars}"><span>{data.documents} documents ({data.empty} empty)</span>'
        f"<span>{data.failed} failed</span><span>{data.removed_blocks:,} blocks removed</span>"
        f"<span>{removed_chars:,} characters removed, {data.kept_chars:,} kept</span>"
        f"<span>cleaner {_e(__version__)}</span></p>"
        + _bar_chart("by-family", _family_rows(data), "Removed characters by reason family")
        + _bar_chart("by-site", _site_rows(data), "Removed characters by site (stacked by family)")
        + "<h2>Totals</h2>"
        + _totals_table(data)
        + f"<h2>Documents</h2><p>{shown_note}; hover a struck-through block for its reason and evidence.</p>"
        + _index(data)
        + f'<div class="legend">{legend}</div><p><input id="filter" placeholder="filter by source" size="40"></p>'
        + "".join(_document(doc, i) for i, doc in enumerate(data.shown))
        + (f'<h2>Failed documents</h2><ul class="failures" id="failures">{failures}</ul>' if failures else "")
        + f"<script>{_JS}</script></body></html>"
    )


def write_report(
    inputs: Sequence[str | Path],
    output: str | Path,
    *,
    config: Config | None = None,
    jobs: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> ReportData:
    """Write the report of ``inputs`` (a corpus, or one JSONL written with ``--explain``) to ``output``."""
    if not inputs:
        raise UsageError("no input given: name a corpus, or a JSONL file written by `cleaner clean --explain`")
    if len(inputs) == 1 and is_explained_output(inputs[0]):
        documents = records_from_output(Path(inputs[0]))
    else:
        documents = records_from_corpus(inputs, config or Config(), jobs)
    data = build_report(documents, title=", ".join(str(p) for p in inputs), limit=limit)
    Path(output).write_text(render_page(data), encoding="utf-8")
    return data
