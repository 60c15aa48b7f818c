from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.io.decode import (
    decode_html,
    decode_text,
    find_declared_charset,
    has_c1_control,
    normalise_charset,
    repair_double_utf8,
)

FRENCH = "Le café est très bon à Paris, où l'été est chaud. Ça coûte cher, déjà."
GERMAN = "Müller aß größere Äpfel über dem Fluss. Schöne Grüße aus München."
SPANISH = "El niño comió piñata en España. ¿Qué pasó? Mañana será otro día."


@pytest.mark.parametrize(
    "text",
    [
        FRENCH,
        GERMAN,
        SPANISH,
        "Crème brûlée",
        "naïve façade",
        "café",
        "Le café est très bon à Paris.\nÇa coûte cher, déjà.",
    ],
)
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_text_comes_out_right(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Zażółć gęślą jaźń, to jest polski tekst o życiu w mieście. Pójdę do sklepu kupić chleb i mleko.", "cp1250"),
        ("Türkçe metin: şişe, ığdır, çalışkan öğrenci.", "cp1254"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy. Tohle je český text o životě ve městě.", "cp1250"),
        ("Съешь же ещё этих мягких французских булок, да выпей чаю. Это русский текст.", "cp1251"),
        ("这是一个中文网页的正文内容，我们需要正确地解码它。今天天气很好，我们去公园散步吧。", "gbk"),
        ("これは日本語のテキストです。今日はいい天気ですね。公園に散歩に行きましょう。", "shift_jis"),
    ],
)
def test_other_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


def test_utf8_text_and_bom() -> None:
    assert decode_text(FRENCH.encode("utf-8")) == FRENCH
    assert decode_text(codecs.BOM_UTF8 + FRENCH.encode("utf-8")) == FRENCH
    assert decode_text(codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le")) == FRENCH
    assert decode_text(b"") == ""


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_told_by_its_nul_bytes(encoding: str) -> None:
    page = f"<html><head><title>Grüße</title></head><body><p>{GERMAN}</p><p>東京の天気</p></body></html>"
    assert decode_html(page.encode(encoding)) == (page, encoding)
    assert decode_text(GERMAN.encode(encoding)) == GERMAN


def test_a_few_stray_nul_bytes_are_not_utf16() -> None:
    page = "<html><body>" + "<p>A paragraph of plain ASCII text.</p>" * 20 + "\x00\x00\x00</body></html>"
    assert decode_html(page.encode("utf-8")) == (page, "utf-8")


def test_html_bom_wins_over_meta() -> None:
    page = '<meta charset="iso-8859-1"><p>Grüße</p>'
    text, encoding = decode_html(codecs.BOM_UTF8 + page.encode("utf-8"))
    assert (text, encoding) == (page, "utf-8")
    text, encoding = decode_html(page.encode("utf-16"))
    assert text == page and encoding.startswith("utf-16")


def test_html_http_hint_beats_meta() -> None:
    page = '<meta charset="utf-8"><p>Привет, мир</p>'.encode("cp1251")
    text, encoding = decode_html(page, "text/html; charset=windows-1251")
    assert "Привет, мир" in text and encoding == "cp1251"


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1251">',
        "<meta charset=windows-1251>",
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">',
    ],
)
def test_html_meta_charset(meta: str) -> None:
    page = f"<html><head>{meta}</head><body><p>Привет</p></body></html>".encode("cp1251")
    text, encoding = decode_html(page)
    assert "Привет" in text and encoding == "cp1251"


def test_xml_declaration() -> None:
    page = '<?xml version="1.0" encoding="ISO-8859-2"?><html><p>Łódź</p></html>'.encode("iso-8859-2")
    assert decode_html(page) == ('<?xml version="1.0" encoding="ISO-8859-2"?><html><p>Łódź</p></html>', "iso8859-2")


def test_meta_beyond_scan_window_is_ignored() -> None:
    page = b"<!--" + b"x" * 5000 + b'--><meta charset="koi8-r">'
    assert find_declared_charset(page) is None


def test_iso_8859_1_is_read_as_windows_1252() -> None:
    # Browsers decode "ISO-8859-1" as windows-1252: 0x93/0x94 are curly quotes, not controls.
    text, encoding = decode_html(b"<p>\x93caf\xe9\x94</p>", "ISO-8859-1")
    assert text == "<p>\u201ccafé\u201d</p>" and encoding == "cp1252"


def test_declared_latin1_but_valid_utf8_is_utf8() -> None:
    text, encoding = decode_html("<p>Grüße aus München</p>".encode(), "iso-8859-1")
    assert text == "<p>Grüße aus München</p>" and encoding == "utf-8"


def test_wrong_utf8_declaration_falls_through_to_detection() -> None:
    page = ('<meta charset="utf-8"><p>' + FRENCH * 3 + "</p>").encode("cp1252")
    text, encoding = decode_html(page)
    assert FRENCH in text and encoding == "cp1252"


def test_stray_bad_byte_keeps_declared_utf8() -> None:
    page = ('<meta charset="utf-8"><p>' + "Grüße aus München. " * 50 + "</p>").encode() + b"\xff"
    text, encoding = decode_html(page)
    assert encoding == "utf-8" and text.count("\ufffd") == 1 and "Grüße" in text


@pytest.mark.parametrize("label", ["bogus", "utf-7", "base64", "rot13", "x" * 100, "", "   ", "charset=", "\x00"])
def test_unusable_charset_labels_fall_through(label: str) -> None:
    assert normalise_charset(label) is None
    text, encoding = decode_html("<p>Grüße</p>".encode(), label)
    assert text == "<p>Grüße</p>" and encoding == "utf-8"


def test_unknown_meta_charset_falls_through() -> None:
    assert decode_html('<meta charset="no-such-charset"><p>Grüße</p>'.encode()) == (
        '<meta charset="no-such-charset"><p>Grüße</p>',
        "utf-8",
    )


def test_detection_only_reads_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    seen: list[int] = []
    real = charset_normalizer.from_bytes

    def spy(data: bytes, *args: object, **kwargs: object) -> object:
        seen.append(len(data))
        return real(data)

    monkeypatch.setattr(charset_normalizer, "from_bytes", spy)
    page = b"<p>" + ("Le café est très bon. " * 200_000).encode("cp1252")  # ~4.6 MB
    text, encoding = decode_html(page)
    assert encoding == "cp1252" and text.startswith("<p>Le café")
    assert seen and max(seen) <= 70_000


@given(st.binary(max_size=3000), st.one_of(st.none(), st.text(max_size=30)))
@settings(max_examples=300, deadline=None)
def test_decode_html_never_raises(data: bytes, hint: str | None) -> None:
    text, encoding = decode_html(data, hint)
    assert isinstance(text, str) and codecs.lookup(encoding)


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_decode_text_never_raises(data: bytes) -> None:
    assert isinstance(decode_text(data), str)


@given(st.text(max_size=500).filter(lambda t: not any("\x80" <= c <= "\x9f" for c in t)))
@settings(max_examples=200, deadline=None)
def test_utf8_round_trips(text: str) -> None:
    # Text with a C1 control character is taken as encoded twice (test_text_encoded_twice_is_repaired).
    data = text.encode("utf-8", "surrogatepass")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert decode_text(data) == (text[1:] if text.startswith("\ufeff") else text)


def test_text_encoded_twice_is_repaired() -> None:
    # UTF-8 read as Latin-1 and written again as UTF-8: "’" became "â\x80\x99", "¶" "Â¶".
    twice = "<h1>A DIY Investor’s Guide — itertools¶ café</h1>".encode().decode("latin-1").encode()
    assert decode_html(twice)[0] == "<h1>A DIY Investor’s Guide — itertools¶ café</h1>"
    assert decode_text(twice) == "<h1>A DIY Investor’s Guide — itertools¶ café</h1>"
    # Without a C1 control character there is no evidence: "Ã©" may be what the page says.
    assert repair_double_utf8("cafÃ© and Â¶") == "cafÃ© and Â¶"


# Every C1 control character, each the last byte of a character of U+2800-U+281F
# (E2 A0 80 to E2 A0 9F) encoded twice: "â", a no-break space and the C1 character.
C1_CONTROLS = [chr(code) for code in range(0x80, 0xA0)]


@pytest.mark.parametrize("control", C1_CONTROLS)
def test_each_c1_control_character_is_seen_in_text_and_bytes(control: str) -> None:
    # The page is found to be encoded twice whichever C1 character it holds (its only one),
    # read from UTF-8 bytes (with or without a BOM) or from UTF-16.
    repaired = f"<p>a{chr(0x2800 + ord(control) - 0x80)}b é</p>"
    twice = f"<p>a\u00e2\u00a0{control}b é</p>"
    assert has_c1_control(twice)
    assert decode_html(twice.encode("utf-8")) == (repaired, "utf-8")
    assert decode_html(codecs.BOM_UTF8 + twice.encode("utf-8")) == (repaired, "utf-8")
    assert decode_html(codecs.BOM_UTF16_LE + twice.encode("utf-16-le"))[0] == repaired
    assert decode_text(twice.encode("utf-8")) == repaired


def test_text_without_c1_control_characters() -> None:
    assert not has_c1_control("")
    assert not has_c1_control("plain ASCII <p>")
    # Neighbours of the C1 range: DEL, NBSP, "Â", and characters whose UTF-8 holds 80-9F bytes.
    assert not has_c1_control("\x7f\u00a0\u00c2 café — ’ 東京")
    assert not has_c1_control("\u0100\u0180\u2080")
    assert decode_html("<p>café — ’ Â¶</p>".encode())[0] == "<p>café — ’ Â¶</p>"


def _c1_reference(text: str) -> bool:
    """The check as it was first written: one character class over the whole text."""
    return re.search("[\u0080-\u009f]", text) is not None


@given(st.text(alphabet=st.characters(max_codepoint=0x2100, codec="utf-8", exclude_characters="\x00"), max_size=200))
@settings(max_examples=300, deadline=None)
def test_c1_checks_agree_with_a_character_class(text: str) -> None:
    assert has_c1_control(text) == _c1_reference(text)
    data = text.encode("utf-8")
    expected = repair_double_utf8(text) if _c1_reference(text) else text
    assert decode_html(data)[0] == (expected[1:] if expected.startswith("\ufeff") else expected)


# Characters around the C1 range and its UTF-8 bytes (C2 80-9F), surrogates and text beyond.
NEAR_C1 = st.text(
    alphabet=st.sampled_from(
        ["a", " ", "\x7f", "\x80", "\x85", "\x9f", "\xa0", "Â", "â", "Ã", "©", "é", "\ud800", "中"]
    )
)


@settings(max_examples=300, derandomize=True)
@given(NEAR_C1 | st.text())
def test_the_repair_looks_for_c1_characters_in_the_utf8_bytes_as_in_the_text(text: str) -> None:
    # the C1 characters found in the bytes are those of the text: the repair acts on the same pages
    has_c1 = any("\x80" <= char <= "\x9f" for char in text)
    assert (repair_double_utf8(text) is text) or has_c1
    if not has_c1:
        assert repair_double_utf8(text) == text
    else:
        assert repair_double_utf8(text + "Ã©") == repair_double_utf8(text) + "é"
