# cython: language_level=3, boundscheck=False, wraparound=False
"""The character counts of the block features, compiled: one pass over each block's text.

The pure-Python reference is :func:`cleaner.page.features.reference_counts` (regexes and
string methods run over the whole page, then cut back into lines); this gives the same
numbers column for column (the equivalence tests check it on generated and devdata
text). Each count is defined in :data:`cleaner.page.features.COUNT_COLUMNS`'s order:

- ``words``: runs of non-white-space characters (``len(text.split())``);
- ``cjk``: Chinese, Japanese and Korean characters (the ranges of ``features._CJK``);
- ``digits``: ASCII digits;
- ``separators``: the menu separators ``| • · » ›``;
- ``caps``: words starting with a capital (``features._CAP_WORD``: at the line's start or
  after white space, an optional opening quote or bracket, then a capital);
- ``sentences``: sentence breaks (``features._SENTENCE_BREAKS``: ``. ``, ``? ``, ``! ``,
  ``.” ``, ``." ``, and the CJK full stop, exclamation and question marks);
- ``commas``: ``,``, the full-width comma and the ideographic comma;
- ``upper_start``: the first character is an upper-case letter (``text[:1].isupper()``).

White space is what ``str.split`` and the regexes' ``\\s`` take as such
(``Py_UNICODE_ISSPACE``).
"""

from cpython.unicode cimport Py_UNICODE_ISSPACE, Py_UNICODE_ISUPPER

import numpy as np

# Columns of the output, in order (features.COUNT_COLUMNS is the same tuple).
COLUMNS = ("words", "cjk", "digits", "separators", "caps", "sentences", "commas", "upper_start")


cdef inline bint is_capital(Py_UCS4 ch):
    # A-Z, À-Ö, Ø-Þ, Ā-Ž (Latin Extended-A, both cases, as the regex class has it), А-Я, Ё, Α-Ω
    return (
        (0x41 <= ch <= 0x5A)
        or (0xC0 <= ch <= 0xD6)
        or (0xD8 <= ch <= 0xDE)
        or (0x100 <= ch <= 0x17D)
        or (0x410 <= ch <= 0x42F)
        or ch == 0x401
        or (0x391 <= ch <= 0x3A9)
    )


cdef inline bint is_opening(Py_UCS4 ch):
    # " ' “ ‘ ( « ¿ ¡
    return ch == 0x22 or ch == 0x27 or ch == 0x201C or ch == 0x2018 or ch == 0x28 or ch == 0xAB or ch == 0xBF or ch == 0xA1


cdef inline bint is_cjk(Py_UCS4 ch):
    return (
        (0x3040 <= ch <= 0x30FF)
        or (0x3400 <= ch <= 0x4DBF)
        or (0x4E00 <= ch <= 0x9FFF)
        or (0xAC00 <= ch <= 0xD7AF)
        or (0xF900 <= ch <= 0xFAFF)
    )


def text_counts(list texts):
    """The counts of :data:`COLUMNS` for every text, as an ``(len(texts), 8)`` int64 array."""
    cdef Py_ssize_t n = len(texts)
    out = np.zeros((n, len(COLUMNS)), dtype=np.int64)
    if n == 0:
        return out
    cdef long long[:, ::1] view = out
    cdef Py_ssize_t i, j, length
    cdef str text
    cdef Py_UCS4 ch, nxt
    cdef bint after_space, space
    cdef long long words, cjk, digits, separators, caps, sentences, commas
    for i in range(n):
        text = texts[i]
        length = len(text)
        words = cjk = digits = separators = caps = sentences = commas = 0
        after_space = True  # the line's start counts as after white space
        for j in range(length):
            ch = text[j]
            space = Py_UNICODE_ISSPACE(ch)
            if not space:
                if after_space:
                    words += 1
                    if is_capital(ch):
                        caps += 1
                    elif is_opening(ch) and j + 1 < length and is_capital(text[j + 1]):
                        caps += 1
                if ch < 0x80:
                    if 0x30 <= ch <= 0x39:
                        digits += 1
                    elif ch == 0x7C:  # |
                        separators += 1
                    elif ch == 0x2C:  # ,
                        commas += 1
                    elif ch == 0x2E:  # . followed by a space, or by ” or " and a space
                        if j + 1 < length:
                            nxt = text[j + 1]
                            if nxt == 0x20:
                                sentences += 1
                            elif (nxt == 0x201D or nxt == 0x22) and j + 2 < length and text[j + 2] == 0x20:
                                sentences += 1
                    elif ch == 0x3F or ch == 0x21:  # ? or ! followed by a space
                        if j + 1 < length and text[j + 1] == 0x20:
                            sentences += 1
                elif ch == 0x2022 or ch == 0xB7 or ch == 0xBB or ch == 0x203A:  # • · » ›
                    separators += 1
                elif ch == 0x3002 or ch == 0xFF01 or ch == 0xFF1F:  # 。！？ (outside the CJK ranges)
                    sentences += 1
                elif ch == 0xFF0C or ch == 0x3001:  # ， 、 (outside the CJK ranges)
                    commas += 1
                elif is_cjk(ch):
                    cjk += 1
            after_space = space
        view[i, 0] = words
        view[i, 1] = cjk
        view[i, 2] = digits
        view[i, 3] = separators
        view[i, 4] = caps
        view[i, 5] = sentences
        view[i, 6] = commas
        view[i, 7] = 1 if length and Py_UNICODE_ISUPPER(text[0]) else 0
    return out
