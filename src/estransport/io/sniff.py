"""Recognise what a file is from its first bytes, without the libraries that read it.

Light on purpose (standard library only, nothing imported): the per-day ingest
jobs use it before they open a tarball.
"""

from __future__ import annotations

__all__ = ["SNIFF_BYTES", "looks_like_html"]

#: How an HTML page starts (lower-cased, after blanks, a byte-order mark and comments).
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<meta")
#: Bytes sniffed for an HTML page.
SNIFF_BYTES = 1024


def looks_like_html(head: bytes) -> bool:
    """True if ``head``, the first bytes of a file or body, is the start of an HTML page.

    A login, error or portal page saved where data was expected: the start
    after blanks, a UTF-8 byte-order mark, comments and an XML declaration is
    an HTML tag (``<!DOCTYPE html``, ``<html``, ``<head``, ``<body``, ``<title``,
    ``<meta``), or an XML declaration is followed by an ``<html`` element
    (XHTML). An XML data file (SAO.XML) is not HTML.

    Parameters
    ----------
    head : bytes
        The first bytes; :data:`SNIFF_BYTES` are plenty.

    Returns
    -------
    bool
    """
    text = head[:SNIFF_BYTES].lower()
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    while True:
        text = text.lstrip(b" \t\r\n")
        if text.startswith(b"<!--"):  # a comment before the page
            end = text.find(b"-->")
            if end < 0:
                return False
            text = text[end + 3 :]
        elif text.startswith(b"<?xml"):  # XHTML: an XML declaration, then <html
            return b"<html" in text
        else:
            return text.startswith(_HTML_STARTS)
