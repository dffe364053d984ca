"""Real third-party sample files for the tests: registry, resolver and fetcher.

The files are listed in the registry ``tests/data/realdata.tsv`` (origin repository,
pinned commit, path there, sha256, licence) and never committed to this repository.
A test asks for one file by its registry name, for example
``realdata("sao/KJ609_2009005001000.SAO")``, and gets its path from the first of
these locations that has it:

1. ``$ESTRANSPORT_REALDATA`` (a directory laid out like the registry names);
2. ``<repo>/../shared/realdata`` (present in CI; ``ESTRANSPORT_REALDATA_SHARED=0``
   skips it, to try what a fresh clone sees);
3. the cache ``$ESTRANSPORT_REALDATA_CACHE`` (default ``<repo>/.cache/realdata``),
   filled by ``make realdata`` (``tools/fetch_realdata.py``, which calls
   :func:`fetch`).

A file found anywhere must have its registered sha256, or the test fails. A file
found nowhere skips the test, or fails it where ``ESTRANSPORT_REQUIRE_REALDATA=1``.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "tests" / "data" / "realdata.tsv"
SHARED = REPO.parent / "shared" / "realdata"
DEFAULT_CACHE = REPO / ".cache" / "realdata"
#: Raw files of GitHub at a pinned commit: ``{base}/{repository}/{commit}/{path}``.
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
COLUMNS = ("name", "repository", "commit", "path", "sha256", "licence", "fetch", "note")

ENV_DIR = "ESTRANSPORT_REALDATA"
ENV_SHARED = "ESTRANSPORT_REALDATA_SHARED"
ENV_CACHE = "ESTRANSPORT_REALDATA_CACHE"
ENV_URL = "ESTRANSPORT_REALDATA_URL"
ENV_REQUIRE = "ESTRANSPORT_REQUIRE_REALDATA"


@dataclass(frozen=True)
class Entry:
    """One registered file.

    Attributes
    ----------
    name : str
        Path relative to a real-data directory, e.g. ``sao/test.sao``.
    repository, commit, path : str
        Where the file comes from: GitHub ``owner/name``, pinned commit, path there.
    sha256 : str
        Hex digest the file must have.
    licence : str
        Terms of the data.
    fetch : bool
        False for files derived by hand (printed notebook outputs): no URL serves
        them, so :func:`fetch` leaves them alone.
    note : str
        Free text.
    """

    name: str
    repository: str
    commit: str
    path: str
    sha256: str
    licence: str
    fetch: bool
    note: str

    def url(self, base_url: str = DEFAULT_BASE_URL) -> str:
        """URL of the file at its pinned commit under ``base_url``."""
        return f"{base_url.rstrip('/')}/{self.repository}/{self.commit}/{quote(self.path)}"


def read_registry(path: Path = REGISTRY) -> dict[str, Entry]:
    """Read a registry TSV into ``{name: Entry}``.

    Parameters
    ----------
    path : Path
        Tab-separated file with a header line of :data:`COLUMNS`.

    Returns
    -------
    dict of str to Entry

    Raises
    ------
    ValueError
        On a wrong header, a duplicate name or a ``fetch`` value other than yes/no.
    """
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: header must be the tab-separated {COLUMNS}")
        entries: dict[str, Entry] = {}
        for row in reader:
            name = row["name"]
            if name in entries:
                raise ValueError(f"{path}: {name} is registered twice")
            if row["fetch"] not in ("yes", "no"):
                raise ValueError(f"{path}: {name}: fetch must be yes or no, not {row['fetch']!r}")
            entries[name] = Entry(**{**row, "fetch": row["fetch"] == "yes"})
    return entries


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The cache that ``make realdata`` fills."""
    return Path(env[ENV_CACHE]) if env.get(ENV_CACHE) else DEFAULT_CACHE


def search_dirs(env: Mapping[str, str] = os.environ) -> list[Path]:
    """Directories to look in, in order (see the module docstring)."""
    dirs = [Path(env[ENV_DIR])] if env.get(ENV_DIR) else []
    if env.get(ENV_SHARED, "1") != "0":
        dirs.append(SHARED)
    dirs.append(cache_dir(env))
    return dirs


def require_from_env(env: Mapping[str, str] = os.environ) -> bool:
    """True where ``ESTRANSPORT_REQUIRE_REALDATA=1``: a missing file fails."""
    return env.get(ENV_REQUIRE, "") == "1"


def how_to_get(entry: Entry) -> str:
    """One line on how to make ``entry`` available."""
    if entry.fetch:
        return f"run `make realdata`, or set {ENV_DIR}=DIR with DIR/{entry.name}"
    # derived files have no URL, only a copy somewhere can provide them
    return (
        f"it is derived from {entry.repository} (cannot be downloaded): "
        f"set {ENV_DIR}=DIR with DIR/{entry.name}"
    )


def resolve(
    name: str, registry: Mapping[str, Entry], dirs: Iterable[Path], *, require: bool = False
) -> Path:
    """Path of the registered file ``name``, checked against its sha256.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``sao/test.sao``.
    registry : mapping of str to Entry
        From :func:`read_registry`.
    dirs : iterable of Path
        Where to look, first match wins (:func:`search_dirs`).
    require : bool
        Fail instead of skipping when no directory has the file.

    Returns
    -------
    Path

    Raises
    ------
    KeyError
        ``name`` is not registered.
    pytest.fail.Exception
        The file found has another sha256, or it is missing and ``require`` is set.
    pytest.skip.Exception
        The file is missing and ``require`` is not set.
    """
    if name not in registry:
        raise KeyError(f"{name} is not in the registry {REGISTRY.relative_to(REPO)}; add it there")
    entry = registry[name]
    for d in dirs:
        path = d / name
        if path.is_file():
            actual = sha256(path)
            if actual != entry.sha256:
                pytest.fail(
                    f"real sample file {path} has sha256 {actual}, "
                    f"expected {entry.sha256} (registry {REGISTRY.relative_to(REPO)})",
                    pytrace=False,
                )
            return path
    message = f"real sample file {name} not found: {how_to_get(entry)}"
    if require:
        pytest.fail(f"{message} ({ENV_REQUIRE}=1)", pytrace=False)
    pytest.skip(message)


def resolver(
    registry: Mapping[str, Entry] | None = None, env: Mapping[str, str] = os.environ
) -> Callable[[str], Path]:
    """A ``name -> Path`` function, as the ``realdata`` fixture returns.

    Locations and ``require`` are read from ``env`` once; each file is hashed once.
    """
    registry = read_registry() if registry is None else registry
    dirs = search_dirs(env)
    require = require_from_env(env)
    found: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in found:
            found[name] = resolve(name, registry, dirs, require=require)
        return found[name]

    return get


def fetch(
    registry: Mapping[str, Entry] | None = None,
    cache: Path | None = None,
    base_url: str | None = None,
    names: Iterable[str] | None = None,
    timeout: float = 60.0,
) -> dict[str, Path]:
    """Download the fetchable registered files into the cache, checking each sha256.

    Pooch does the work: it downloads to a temporary file beside the target and moves
    it into place only when the hash matches, and skips files already cached intact.

    Parameters
    ----------
    registry : mapping of str to Entry, optional
        Default: :func:`read_registry`.
    cache : Path, optional
        Default: :func:`cache_dir`.
    base_url : str, optional
        Replaces ``https://raw.githubusercontent.com`` (a mirror laid out as
        ``{repository}/{commit}/{path}``). Default: ``$ESTRANSPORT_REALDATA_URL``.
    names : iterable of str, optional
        Only these (all must be registered and fetchable). Default: every fetchable file.
    timeout : float
        Seconds for each HTTP request.

    Returns
    -------
    dict of str to Path
        The cached files.

    Raises
    ------
    ValueError
        A downloaded file has another sha256 (it is not kept), or a name is unknown
        or not fetchable.
    requests.exceptions.RequestException
        A download fails.
    """
    import pooch  # only the fetcher needs it

    registry = read_registry() if registry is None else registry
    cache = cache_dir() if cache is None else Path(cache)
    base_url = base_url or os.environ.get(ENV_URL) or DEFAULT_BASE_URL
    wanted = [n for n, e in registry.items() if e.fetch] if names is None else list(names)
    for n in wanted:
        if n not in registry or not registry[n].fetch:
            raise ValueError(f"{n} is not a fetchable file of the registry")
    store = pooch.create(
        path=cache,
        base_url="",
        registry={n: f"sha256:{registry[n].sha256}" for n in wanted},
        urls={n: registry[n].url(base_url) for n in wanted},
    )
    downloader = pooch.HTTPDownloader(progressbar=False, timeout=timeout)
    return {n: Path(store.fetch(n, downloader=downloader)) for n in wanted}
