"""The fastest gzip inflate installed: zlib-ng when present, else the standard zlib.

Inflating the gzip stream is the floor of reading a day tarball (issue 12). Measured
side by side on a 9.8 MB synthetic scnLv1 day, 1 MiB chunks, best of 6
(``tools/benchmark_throughput.py`` prints the same comparison): zlib 153 ms,
``isal`` 117 ms, ``zlib-ng`` 96 ms. ``zlib-ng`` (PyPI ``zlib-ng``, a project
dependency) is a drop-in for :mod:`zlib` and :mod:`gzip`; where it is missing
(a hand-made environment) the standard modules are used, with the same results.
"""

from __future__ import annotations

import gzip as _std_gzip
import zlib as _std_zlib

try:
    from zlib_ng import gzip_ng as gzip
    from zlib_ng import zlib_ng as zlib

    BACKEND = "zlib-ng"
except ImportError:  # pragma: no cover - the fallback of environments without it
    gzip = _std_gzip
    zlib = _std_zlib
    BACKEND = "zlib"

#: What a damaged deflate stream raises, with either backend.
ZLIB_ERRORS: tuple[type[BaseException], ...] = tuple({_std_zlib.error, zlib.error})

__all__ = ["BACKEND", "ZLIB_ERRORS", "gzip", "zlib"]
