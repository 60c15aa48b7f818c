"""How documents are named: ids made from their source, sites made from their URL."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

__all__ = ["hash_id", "host_of", "site_of"]


def hash_id(source: str) -> str:
    """A document id for a source that carries none: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(source.encode()).hexdigest()[:16]


def host_of(url: str | None) -> str | None:
    """The lower-case host of ``url`` without port or a leading ``www.``; None if it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def site_of(url: str | None, fallback: str | None) -> str | None:
    """The site a document belongs to: the host of its URL, else ``fallback`` (its folder)."""
    return host_of(url) or fallback
