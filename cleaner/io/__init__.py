"""Reading: files, folders, archives and stdin -> Documents (or why a record is not one).

The first stage of the flow. Nothing here cleans: it finds the inputs, tells their formats
apart, and turns every record into a :class:`~cleaner.model.Document`, a
:class:`~cleaner.io.items.Skipped` record (a WARC request, an image...) or a
:class:`~cleaner.io.items.ReadFailure` naming the file, the record and the reason.

- :mod:`~cleaner.io.discover`: the input files of the paths given, in a fixed order;
- :mod:`~cleaner.io.sniff`: a file's format from its name or first bytes; binary or text;
- :mod:`~cleaner.io.files`: :func:`read_file`, one input file (or stdin) -> its items;
- :mod:`~cleaner.io.jsonl`: JSONL lines and dataset rows (one reading of their fields);
- :mod:`~cleaner.io.warc`: WARC and WET records; :mod:`~cleaner.io.http`: HTTP encodings;
- :mod:`~cleaner.io.decode`: bytes -> str as a browser decodes them (pages and text dumps);
- :mod:`~cleaner.io.items`: Skipped, ReadFailure; :mod:`~cleaner.io.naming`: ids and sites;
- :mod:`~cleaner.io.streams`: bounded reads, and stdin with its sniffed head put back.
"""

from cleaner.io.discover import InputFile, discover, display_name, special_file_kind
from cleaner.io.files import read_file
from cleaner.io.items import ReadFailure, ReadItem, Skipped
from cleaner.io.jsonl import document_from_row
from cleaner.io.naming import host_of
from cleaner.io.sniff import looks_binary, sniff_format

__all__ = [
    "InputFile",
    "ReadFailure",
    "ReadItem",
    "Skipped",
    "discover",
    "display_name",
    "document_from_row",
    "host_of",
    "looks_binary",
    "read_file",
    "sniff_format",
    "special_file_kind",
]
