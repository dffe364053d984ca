"""Download the real sample files of the tests into the local cache (``make realdata``).

Every file of the registry ``tests/data/realdata.tsv`` marked ``fetch=yes`` is
downloaded with pooch from its origin at the pinned commit,
``{base-url}/{repository}/{commit}/{path}`` (by default
``https://raw.githubusercontent.com``), and kept only if its sha256 matches.
Files derived by hand (``fetch=no``) are listed and left alone: only a copy
(``ESTRANSPORT_REALDATA=DIR``) can provide them.

Usage::

    python tools/fetch_realdata.py [--base-url URL] [--cache DIR] [NAME ...]

The cache defaults to ``$ESTRANSPORT_REALDATA_CACHE`` or ``.cache/realdata``; the
base URL to ``$ESTRANSPORT_REALDATA_URL`` (a mirror laid out like raw GitHub).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.realdata import (  # noqa: E402 (the test-support module is not installed)
    DEFAULT_BASE_URL,
    ENV_URL,
    cache_dir,
    fetch,
    read_registry,
)


def main(argv: list[str] | None = None) -> int:
    """Fetch the files; return 0 if all fetchable files are in the cache, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="registry names (default: every fetchable file)")
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"mirror of raw GitHub (default: ${ENV_URL} or {DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--cache", type=Path, default=None, help=f"download directory (default: {cache_dir()})"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    registry = read_registry()
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        parser.error(f"not in the registry: {', '.join(unknown)}")
    names = args.names or list(registry)
    cache = args.cache or cache_dir()
    failed = []
    for name in names:
        if not registry[name].fetch:
            print(f"skip  {name}: derived from {registry[name].repository}, cannot be downloaded")
            continue
        try:
            (path,) = fetch(registry, cache, args.base_url, [name], args.timeout).values()
        except Exception as err:  # report every file, then fail once
            failed.append(name)
            print(f"FAIL  {name}: {type(err).__name__}: {err}", file=sys.stderr)
        else:
            print(f"ok    {name} -> {path}")
    if failed:
        print(f"{len(failed)} file(s) not fetched into {cache}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
