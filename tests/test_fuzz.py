"""Fuzzing: random HTML, text and archives never crash cleaner, and every result keeps its invariants.

Strategies make HTML (random nesting, broken and unclosed tags, wrong charsets and BOMs,
huge attributes, scripts and styles, entities), text (control characters, very long
lines, mixed scripts, lone surrogates), archives (WARC and JSONL, gzipped or not,
truncated, with wrong lengths, records whose length runs past the next record or the end
of the file, garbage between records, bad gzip members, JSONL records nested hundreds or
thousands of levels deep, NaN and Infinity) and folders of pages with odd file names
(bytes that are not UTF-8, control characters, ``#``, spaces, backslashes).

The properties: a document always gives a Result whose text is its kept blocks joined,
with a known reason on every decision, and a record that serialises; a failure is an
error Result of an expected kind, never an exception; a reader never raises and names
every record once; a batch over the files accounts for every record.

CI runs a modest number of examples with a fixed seed (``FUZZ_EXAMPLES``, default 25),
so it is repeatable; ``make fuzz`` runs a long randomised session. Inputs that once
failed are kept in ``tests/fuzz_regressions/`` and replayed by
:func:`test_regression_inputs`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from replay import replay

from cleaner import io as readers
from cleaner import pipeline
from cleaner.batch.accounting import IDENTITY
from cleaner.batch.local import run_batch
from cleaner.config import Config
from cleaner.model import REASONS, Document
from cleaner.output.records import dumps, result_record

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SESSION = "FUZZ_EXAMPLES" in os.environ  # a long session: random seeds; CI: a fixed seed
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SESSION,
    database=None if not SESSION else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
# Error types a bad input may legitimately end in (each names the stage it failed at):
# binary content, and lxml refusing a document (too deep, or nothing to parse).
EXPECTED_ERRORS = {"InputError", "ParserError", "XMLSyntaxError", "ParseError"}
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
# No guards, one job: documents are cleaned in this process, quickly; the guards have their own tests.
IN_PROCESS = Config(timeout=0, max_memory=0, corpus_pass=False)

# --- text ----------------------------------------------------------------------------

# Characters that stress decoding and segmentation: controls, separators, bidi marks,
# combining marks, CJK, Arabic, Devanagari, emoji, the replacement character, a BOM.
_SPECIAL = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\xa0\u00ad\u2028\u2029\u200b\u200d\u200e\u200f\u202e\u0301\u0308"
    "\u4e2d\u6587\u0627\u0644\u0639\u0631\u0628\u0939\u093f\u0902\U0001f600\U0001f1e8\ufffd\ufeff\t\r\n"
)
words = st.sampled_from(
    ["the", "council", "voted", "Skip", "to", "main", "content", "©", "2024", "Share", "on", "Facebook", "Die",
     "Straße", "über", "天气", "預報", "мир", "новости", "خبر", "समाचार", "🙂", "&amp;", "&#0;", "&bogus;", "<", ">"]
)  # fmt: skip
text_piece = st.one_of(
    st.text(min_size=0, max_size=40),
    st.text(alphabet=st.sampled_from(_SPECIAL), max_size=20),
    st.lists(words, max_size=30).map(" ".join),
    st.integers(1, 30_000).map(lambda n: "word " * n),  # very long lines
    st.just("\ud800 lone surrogate \udfff"),
)
texts = st.lists(text_piece, max_size=20).map("\n".join)

# --- HTML ----------------------------------------------------------------------------

TAGS = ["div", "p", "span", "a", "table", "tr", "td", "ul", "li", "nav", "footer", "article", "main", "section",
        "aside", "header", "h1", "h2", "h3", "br", "img", "iframe", "svg", "math", "template", "noscript", "form",
        "input", "select", "option", "textarea", "pre", "code", "b", "i", "font", "center", "frameset", "html",
        "body", "head", "title", "meta", "base", "object", "video", "figure", "figcaption", "time", "blockquote"]  # fmt: skip
attr_names = st.sampled_from(["class", "id", "href", "style", "hidden", "aria-hidden", "role", "lang", "charset",
                              "content", "http-equiv", "data-x", "onclick", "itemprop", "src", "\"", "a b", ""])  # fmt: skip
attr_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nav menu", "footer", "comment-form", "display:none", "text/html; charset=shift_jis", "x" * 300]),
    st.integers(0, 200_000).map(lambda n: "a" * n),  # huge attributes
)


@st.composite
def attributes(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(attr_names, attr_values, st.sampled_from(['"', "'", ""])), max_size=4))
    return "".join(f" {name}={q}{value}{q}" for name, value, q in pairs)


def _element(tag: str, attrs: str, children: list[str], close: str) -> str:
    inner = "".join(children)
    if close == "proper":
        return f"<{tag}{attrs}>{inner}</{tag}>"
    if close == "unclosed":
        return f"<{tag}{attrs}>{inner}"
    if close == "wrong":
        return f"<{tag}{attrs}>{inner}</{'span' if tag != 'span' else 'div'}>"
    if close == "broken":
        return f"<{tag}{attrs}{inner}"  # a tag that never ends
    return f"</{tag}>{inner}"  # a stray closing tag


leaf = st.one_of(
    texts.map(lambda t: t.replace("<", "&lt;")),
    text_piece,
    st.sampled_from(
        [
            "<script>var s = '</scr' + 'ipt>'; if (a < b && c > d) { document.write('<p>x</p>') }</script>",
            "<script>unterminated(",
            "<style>p { color: red } </style>",
            "<!-- a comment -- with -- dashes -->",
            "<!-- unterminated comment",
            "<![CDATA[ cdata ]]>",
            "<?xml version='1.0' encoding='utf-16'?>",
            "<!DOCTYPE html>",
            "<meta charset='utf-16'>",
            "<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>",
            "&#x110000;&#xD800;&#99999999999;&nbsp&amp&lt",
            "<a href='javascript:alert(1)'>Share on Facebook</a>",
            "<p>Subscribe to our newsletter</p>",
            "\x00\x00",
        ]
    ),
)
nodes = st.recursive(
    leaf,
    lambda children: st.builds(
        _element,
        st.sampled_from(TAGS),
        attributes(),
        st.lists(children, max_size=5),
        st.sampled_from(["proper", "proper", "proper", "unclosed", "wrong", "broken", "stray"]),
    ),
    max_leaves=40,
)
CODECS = ["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "shift_jis", "gb18030", "koi8-r", "iso-8859-7"]
BOMS = [b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """A page as bytes: random markup, in a random codec that may contradict its declaration."""
    body = "".join(draw(st.lists(nodes, max_size=8)))
    declared = draw(st.sampled_from(["", *CODECS, "no-such-charset"]))
    head = f"<head><meta charset='{declared}'><title>{draw(text_piece)}</title></head>" if declared else ""
    page = draw(st.sampled_from(["<!doctype html><html>{h}<body>{b}</body></html>", "{h}{b}", "{b}"]))
    markup = page.format(h=head, b=body)
    codec = draw(st.sampled_from(CODECS))
    unicode_codec = codec.startswith("utf")  # only these can carry a lone surrogate
    errors = draw(st.sampled_from(["replace", "ignore", "surrogatepass"] if unicode_codec else ["replace", "ignore"]))
    data = markup.encode(codec, errors=errors)
    if draw(st.booleans()):  # a few random bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    return draw(st.sampled_from(BOMS)) + data


# --- the properties of one document ---------------------------------------------------


def check_result(doc: Document, config: Config) -> None:
    """Clean ``doc`` and check every invariant a Result must keep."""
    result = pipeline.clean_document(doc, config)
    assert result.status in ("ok", "empty", "error")
    if result.status == "error":
        assert result.error is not None and result.error.stage in ("decode", "parse", "extract", "write")
        assert result.error.type in EXPECTED_ERRORS, (
            f"{result.error.stage}: {result.error.type}: {result.error.message}"
        )
        return
    assert len(result.decisions) == len(result.blocks)
    assert [d.block for d in result.decisions] == list(range(len(result.blocks)))
    assert all(d.reason in REASONS for d in result.decisions)
    assert (result.status == "ok") == bool(result.text.strip())
    assert all("\n" not in b.text for b in result.blocks)  # the report rebuilds blocks from the text
    record = result_record(result, config.replace(explain=True))
    line = dumps(record)
    assert "\n" not in line
    assert json.loads(line)["text"] == result.text == replay(doc, json.loads(line), config)


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_PAGES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", SAMPLE_PAGES, ids=lambda p: p.name)
def test_the_sample_pages_keep_the_invariants(path: Path) -> None:
    """Real pages, where most blocks are decided with some doubt: every record replays to its text."""
    html = path.suffix == ".html"
    content = path.read_bytes() if html else path.read_text(encoding="utf-8")
    doc = Document(id=path.stem, source=path.name, input_type="html" if html else "text", content=content)
    check_result(doc, IN_PROCESS.replace(explain=True))


@FUZZ
@given(page=html_pages(), url=st.sampled_from([None, "https://example.com/a/b", "http://[::1]:80/x", "not a url"]))
def test_random_html_never_crashes_and_keeps_the_invariants(page: bytes, url: str | None) -> None:
    doc = Document(id="f", source="fuzz.html", input_type="html", content=page, url=url)
    check_result(doc, IN_PROCESS.replace(explain=True))


@FUZZ
@given(text=texts)
def test_random_text_never_crashes_and_keeps_the_invariants(text: str) -> None:
    check_result(Document(id="f", source="fuzz.txt", input_type="text", content=text), IN_PROCESS)


@FUZZ
@given(page=html_pages())
def test_the_public_clean_never_raises_for_bad_content(page: bytes) -> None:
    result = pipeline.clean(page)
    assert result.status in ("ok", "empty", "error")


# --- archives ------------------------------------------------------------------------


def warc_record(kind: str, uri: str, payload: bytes, length_delta: int, http: str | None) -> bytes:
    if kind in ("response", "resource") and http is not None:
        payload = http.encode("latin-1", "replace") + b"\r\n\r\n" + payload
    ctype = "application/http; msgtype=response" if http is not None and kind == "response" else "text/html"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {max(0, len(payload) + length_delta)}\r\n\r\n"
    )
    return head.encode() + payload + b"\r\n\r\n"


http_heads = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: deflate",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked",
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html",
            "HTTP/1.1 200 OK\r\nContent-Type: image/png",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 999 \r\nContent-Type: ",
            "garbage status line",
        ]
    ),
)


@st.composite
def warc_files(draw: st.DrawFn) -> bytes:
    """A WARC file, gzipped per record, whole or not at all, with damage: cuts, wrong lengths, garbage, bad members."""
    records = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["response", "response", "request", "metadata", "warcinfo", "resource",
                                     "conversion", "revisit", "bogus"]))  # fmt: skip
        payload = draw(st.one_of(html_pages(), st.binary(max_size=200)))
        # a wrong Content-Length: a little off, into the next record, or far past the end of the file
        delta = draw(st.sampled_from([0, 0, 0, -1, 1, -50, 1000, 10**7]) | st.integers(-300, 3000))
        records.append(warc_record(kind, f"http://ex.com/{i}", payload, delta, draw(http_heads)))
    gz = draw(st.sampled_from(["no", "per record", "whole"]))
    parts = []
    for record in records:
        part = gzip.compress(record, mtime=0) if gz == "per record" else record
        damage = draw(st.sampled_from(["none", "none", "none", "cut", "flip", "garbage"]))
        if damage == "cut":
            part = part[: draw(st.integers(0, len(part)))]
        elif damage == "flip" and part:
            at = draw(st.integers(0, len(part) - 1))
            part = part[:at] + bytes([part[at] ^ 0xFF]) + part[at + 1 :]
        elif damage == "garbage":
            part += draw(st.binary(max_size=40))
        parts.append(part)
    data = b"".join(parts)
    return gzip.compress(data, mtime=0) if gz == "whole" else data  # one gzip stream: offsets repeat


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["html", "text", "json", "bytes", "cut", "blank", "deep", "nan"]))
        if kind == "html":
            lines.append(json.dumps({"id": i, "html": draw(html_pages()).decode("latin-1")}).encode())
        elif kind == "text":
            lines.append(json.dumps({"id": str(i), "text": draw(texts), "url": draw(st.text(max_size=20))}).encode())
        elif kind == "json":
            value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10), st.lists))
            lines.append(json.dumps({"id": value, "html": value, "text": value}).encode())
        elif kind == "bytes":
            lines.append(draw(st.binary(max_size=60)).replace(b"\n", b" "))
        elif kind == "cut":
            lines.append(b'{"id": "cut", "html": "<p>never fini')
        elif kind == "deep":  # past what pickling and JSON writing follow (about 500 to 1000 levels), or not
            depth = draw(st.sampled_from([50, 99, 100, 101, 500, 900, 1500, 5000]))
            opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
            lines.append(
                b'{"id": "deep", "html": "<p>x</p>", "extra": ' + (opener * depth + closer * depth).encode() + b"}"
            )
        elif kind == "nan":
            lines.append(
                b'{"id": "nan", "text": "A line of text.", "score": '
                + draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity"]))
                + b"}"
            )
        else:
            lines.append(b"   ")
    data = b"\n".join(lines) + b"\n"
    if draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
    return data


ARCHIVE_NAMES = {"warc": ["crawl.warc.gz", "crawl.warc", "crawl.bin"], "jsonl": ["pages.jsonl", "pages.jsonl.gz"]}


def check_reader(path: Path) -> list[Any]:
    """Read ``path``: nothing raises, every item is a known kind, every source is named once."""
    inp = readers.InputFile(path=path, relpath=path.name, site="")
    items = list(readers.read_file(inp, IN_PROCESS))
    assert all(isinstance(i, Document | readers.Skipped | readers.ReadFailure) for i in items)
    sources = [i.source for i in items]
    assert len(sources) == len(set(sources)), sources
    # These inputs are a few kB: a reader that runs out of memory on one has a runaway loop
    # (run a session under `ulimit -v` to see it here rather than meet the OOM killer).
    assert not [i for i in items if isinstance(i, readers.ReadFailure) and i.type == "MemoryError"], items
    assert all(s == path.name or s.startswith(path.name + "#") for s in sources)
    for item in items:
        if isinstance(item, Document):
            assert isinstance(item.content, bytes if item.input_type == "html" else str)
    return items


def check_batch(folder: Path, tmp: Path) -> None:
    """Clean ``folder``: every record found is written, skipped or failed, and the files say so."""
    out, stats = tmp / "out.jsonl", tmp / "stats.json"
    summary = run_batch([folder], out, config=IN_PROCESS, jobs=1, progress=False, report=False, stats_path=stats)
    document = json.loads(stats.read_text(encoding="utf-8"))
    assert document["identity"] == IDENTITY
    for counts in document["files"] + [document["totals"]]:
        assert counts["read"] == counts["written"] + counts["skipped"] + counts["failed"] + counts["already_done"]
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    lines = text.split("\n")[:-1]
    assert text.splitlines() == lines  # one record a line for str.splitlines too (NEL, U+2028 escaped)
    assert len(lines) == document["totals"]["written"] == summary.written
    errors = tmp / "out.errors.jsonl"
    failures = errors.read_text(encoding="utf-8").splitlines() if errors.exists() else []
    assert len(failures) == document["totals"]["failed"]
    for line in lines:
        json.loads(line)


@FUZZ
@given(data=st.one_of(warc_files(), jsonl_files()), name_pick=st.integers(0, 2))
def test_random_archives_are_read_and_accounted_for(data: bytes, name_pick: int) -> None:
    names = ARCHIVE_NAMES["warc"] if data[:1] in (b"W", b"\x1f") else ARCHIVE_NAMES["jsonl"]
    name = names[name_pick % len(names)]
    assume(not (name.endswith(".gz") and data[:2] != b"\x1f\x8b" and name.startswith("pages")))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        (folder / name).write_bytes(data)
        check_reader(folder / name)
        check_batch(folder, Path(tmp))


# Names discovery leaves out of a folder (documentation files), whatever their extension.
DOC_STEMS = {b"readme", b"notice", b"license", b"licence", b"copying", b"changelog"}
odd_names = st.binary(min_size=1, max_size=24).filter(
    lambda n: b"/" not in n and b"\0" not in n and not n.startswith(b".") and n.split(b".")[0].lower() not in DOC_STEMS
)


@FUZZ
@given(names=st.lists(odd_names, min_size=1, max_size=6, unique=True), folder_output=st.booleans())
def test_odd_file_names_are_read_written_and_resumed(names: list[bytes], folder_output: bool) -> None:
    """Any file name: every file is counted, the output and errors file are UTF-8 JSON, resume finds it all done."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for number, name in enumerate(names):
            content = b"<p>A page about trams, long enough to be kept in the output.</p>" if number % 2 else b"\x00\x01"
            with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
                handle.write(content)
        out = f"{tmp}/out/" if folder_output else f"{tmp}/out.jsonl"
        summary = run_batch([folder], out, config=IN_PROCESS, jobs=1, progress=False, report=False)
        assert summary.files == len(names)
        assert summary.written + summary.failed + summary.read_failures + summary.skipped == len(names)
        errors = Path(tmp) / "out.errors.jsonl"
        failures = (
            [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()] if errors.exists() else []
        )
        assert len(failures) == summary.failed + summary.read_failures
        if folder_output:
            written = [p for p in Path(out).rglob("*") if p.is_file()]
            assert len(written) == summary.written
        else:
            records = [json.loads(line) for line in Path(out).read_text(encoding="utf-8").splitlines()]
            sources = [r["metadata"]["source"] for r in records] + [f["source"] for f in failures]
            assert len(sources) == len(set(sources)) == summary.written + len(failures)
        again = run_batch([folder], out, config=IN_PROCESS, jobs=1, resume=True, progress=False, report=False)
        assert again.written == 0 and (again.nothing_to_do or again.already_done == summary.written)


# --- inputs that once failed ---------------------------------------------------------------


def _regressions() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", _regressions(), ids=lambda p: p.name)
def test_regression_inputs(path: Path, tmp_path: Path) -> None:
    """Replay an input the fuzzer once broke cleaner with (see tests/fuzz_regressions/README.md)."""
    with _deadline(REPLAY_SECONDS):
        _replay(path, tmp_path)


# Seconds a replay may take (they take well under one): one of these inputs once made the
# reader loop for ever, and a replay that hung would stall the test run instead of failing.
REPLAY_SECONDS = 20


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _replay(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    stem = path.name.split(".", 1)[0]
    if path.name.endswith((".html", ".html.gz")):
        content = gzip.decompress(data) if path.name.endswith(".gz") else data
        check_result(Document(id="r", source=path.name, input_type="html", content=content), IN_PROCESS)
    elif path.name.endswith(".txt"):
        text = data.decode("utf-8", "surrogatepass")
        check_result(Document(id="r", source=path.name, input_type="text", content=text), IN_PROCESS)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / path.name).write_bytes(data)
    check_reader(folder / path.name)
    check_batch(folder, tmp_path)
    assert stem


@pytest.mark.parametrize(
    ("name", "failure_at"),
    [
        # One gzip member holding a record whose Content-Length (9) is shorter than its block:
        # the stream breaks inside the member, which ends at the end of the file.
        ("warc-stream-failure-repeats-offset.warc.gz", lambda data: len(data)),
        # Content-Length 108 of a 109-byte block: the stream breaks at the last byte of the
        # block, the ">" of "</html>", before the blank line that ends the record.
        ("warc-bad-gzip-content-encoding.warc", lambda data: data.rindex(b">\r\n\r\n")),
    ],
)
def test_unique_sources_of_a_cut_warc(name: str, failure_at: Any) -> None:
    """Every item of a file has its own source: a broken stream's failure is named by where it broke."""
    path = REGRESSIONS / name
    items = list(readers.read_file(readers.InputFile(path=path, relpath=path.name, site=""), IN_PROCESS))
    sources = [i.source for i in items]
    assert len(sources) == len(set(sources)), sources
    # These inputs are a few kB: a reader that runs out of memory on one has a runaway loop
    # (run a session under `ulimit -v` to see it here rather than meet the OOM killer).
    assert not [i for i in items if isinstance(i, readers.ReadFailure) and i.type == "MemoryError"], items
    failure = items[-1]
    assert isinstance(failure, readers.ReadFailure) and "after the record at offset" in failure.message
    assert failure.source == f"{name}#{failure_at(path.read_bytes())}"
