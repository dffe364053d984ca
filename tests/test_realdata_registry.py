"""The registry of real sample files, its resolver and its pooch fetcher.

The fetcher is tested against a real HTTP server on 127.0.0.1 serving a directory laid
out like raw GitHub (``{repository}/{commit}/{path}``); the resolver on made-up
registries in tmp_path, so none of this needs the real files except where marked.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from . import realdata as rd

TESTS = Path(__file__).resolve().parent
REGISTRY = rd.read_registry()
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX40 = re.compile(r"^[0-9a-f]{40}$")
REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*/[A-Za-z0-9._-]+$")


# --- the registry ----------------------------------------------------------------------------


def test_registry_is_well_formed():
    lines = rd.REGISTRY.read_text(encoding="utf-8").splitlines()
    assert tuple(lines[0].split("\t")) == rd.COLUMNS
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == len(rd.COLUMNS) for row in rows)
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)) == len(REGISTRY) > 0
    for e in REGISTRY.values():
        assert HEX64.match(e.sha256), e.name
        assert HEX40.match(e.commit), e.name  # pinned, never a branch
        assert REPOSITORY.match(e.repository), e.name
        assert e.path and e.licence, e.name
        assert not e.name.startswith("/") and ".." not in e.name.split("/"), e.name


def _names_in_tests() -> set[str]:
    """String constants in the test modules that look like registry names."""
    tops = {name.split("/")[0] for name in REGISTRY}
    pattern = re.compile(rf"^(?:{'|'.join(map(re.escape, sorted(tops)))})/\S+$")
    found = set()
    for path in TESTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if pattern.match(node.value):
                    found.add(node.value)
    return found


def test_every_file_a_test_uses_is_registered():
    used = _names_in_tests()
    assert used, "no registry name found in the tests: the scan is broken"
    assert used - set(REGISTRY) == set()
    # and nothing downloadable sits in the registry unused
    fetchable = {n for n, e in REGISTRY.items() if e.fetch}
    assert fetchable - used == set()


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registered_file_has_its_sha256(realdata, name):
    assert rd.sha256(realdata(name)) == REGISTRY[name].sha256


def test_url_is_raw_github_at_the_pinned_commit():
    e = REGISTRY["giro_didbase/MilstonHill_2019_part2.txt"]
    assert e.url() == (
        "https://raw.githubusercontent.com/laibaa1209/Ionospheric-foF2-Modeling-ANN-ML-IRI/"
        f"{e.commit}/Fof2%20Data/raw_txt_fof2_files/MilstonHill_2019_part2.txt"
    )
    assert e.url("http://mirror/x/").startswith(f"http://mirror/x/{e.repository}/{e.commit}/")


# --- a made-up registry and a local mirror ---------------------------------------------------

FAKE = {
    "demo/a.txt": b"alpha\n",
    "demo/deep/b.dat": bytes(range(256)) * 4,
    "demo/derived.txt": b"printed by a notebook\n",
}
FAKE_PATHS = {
    "demo/a.txt": "data/a.txt",
    "demo/deep/b.dat": "with space/b.dat",
    "demo/derived.txt": "nb.ipynb",
}
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def fake_registry(tmp_path) -> dict[str, rd.Entry]:
    """A made-up registry written as TSV and read back (so the reader is exercised)."""
    rows = ["\t".join(rd.COLUMNS)]
    for name, data in FAKE.items():
        fetch = "no" if name == "demo/derived.txt" else "yes"
        rows.append(
            "\t".join(
                [
                    name,
                    "someone/repo",
                    COMMIT,
                    FAKE_PATHS[name],
                    hashlib.sha256(data).hexdigest(),
                    "CC0-1.0",
                    fetch,
                    "",
                ]
            )
        )
    path = tmp_path / "registry.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return rd.read_registry(path)


def _mirror(root: Path, registry: Mapping[str, rd.Entry], content: Mapping[str, bytes]) -> Path:
    """Lay files out as ``root/{repository}/{commit}/{path}``."""
    for name, data in content.items():
        e = registry[name]
        target = root / e.repository / e.commit / e.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextmanager
def _serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 from a thread; yield the base URL, always stop."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture(autouse=True)
def _no_proxy_for_localhost(monkeypatch):
    # requests would send 127.0.0.1 through a proxy set in the environment
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_fetch_from_a_local_mirror(tmp_path, fake_registry):
    served = {n: d for n, d in FAKE.items() if fake_registry[n].fetch}
    root = _mirror(tmp_path / "www", fake_registry, served)
    cache = tmp_path / "cache"
    with _serve(root) as url:
        got = rd.fetch(fake_registry, cache, url, timeout=10)
    assert sorted(got) == sorted(served)  # the derived file is never asked for
    for name, path in got.items():
        assert path == cache / name
        assert path.read_bytes() == FAKE[name]
    assert not (cache / "demo/derived.txt").exists()
    # already cached and intact: no request is made (the mirror is gone)
    shutil.rmtree(root)
    assert rd.fetch(fake_registry, cache, "http://127.0.0.1:9", timeout=1) == got


def test_fetch_base_url_from_the_environment(tmp_path, fake_registry, monkeypatch):
    root = _mirror(tmp_path / "www", fake_registry, {"demo/a.txt": FAKE["demo/a.txt"]})
    with _serve(root) as url:
        monkeypatch.setenv(rd.ENV_URL, url)
        got = rd.fetch(fake_registry, tmp_path / "cache", names=["demo/a.txt"], timeout=10)
    assert got["demo/a.txt"].read_bytes() == FAKE["demo/a.txt"]


def test_corrupted_download_is_rejected_and_not_cached(tmp_path, fake_registry):
    corrupted = {"demo/a.txt": b"alpha\r\n"}  # e.g. a mirror that rewrote line ends
    root = _mirror(tmp_path / "www", fake_registry, corrupted)
    cache = tmp_path / "cache"
    with _serve(root) as url, pytest.raises(ValueError) as err:
        rd.fetch(fake_registry, cache, url, names=["demo/a.txt"], timeout=10)
    assert fake_registry["demo/a.txt"].sha256 in str(err.value)
    assert _files(cache) == []


def test_missing_on_the_mirror_is_an_error(tmp_path, fake_registry):
    import requests

    (tmp_path / "www").mkdir()
    with _serve(tmp_path / "www") as url, pytest.raises(requests.HTTPError, match="404"):
        rd.fetch(fake_registry, tmp_path / "cache", url, names=["demo/a.txt"], timeout=10)
    assert _files(tmp_path / "cache") == []


def test_fetch_refuses_derived_and_unknown_names(tmp_path, fake_registry):
    for name in ["demo/derived.txt", "demo/nope.txt"]:
        with pytest.raises(ValueError, match="not a fetchable file"):
            rd.fetch(fake_registry, tmp_path / "cache", "http://127.0.0.1:9", names=[name])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESTRANSPORT_")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **extra)
    return env


@pytest.mark.realdata
def test_fetch_script_gets_the_real_registry_from_a_mirror(tmp_path, realdata):
    """tools/fetch_realdata.py --base-url: every fetchable real file, by its registry URL."""
    fetchable = {n: e for n, e in REGISTRY.items() if e.fetch}
    root = _mirror(tmp_path / "www", REGISTRY, {n: realdata(n).read_bytes() for n in fetchable})
    cache = tmp_path / "cache"
    with _serve(root) as url:
        proc = subprocess.run(
            [
                sys.executable,
                str(rd.REPO / "tools" / "fetch_realdata.py"),
                "--base-url",
                url,
                "--timeout",
                "10",
            ],
            env=_clean_env(ESTRANSPORT_REALDATA_CACHE=str(cache)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    assert sum(line.startswith("ok ") for line in proc.stdout.splitlines()) == len(fetchable)
    assert "cannot be downloaded" in proc.stdout  # the derived files are listed, not fetched
    assert {str(p.relative_to(cache)) for p in _files(cache)} == set(fetchable)
    for name, e in fetchable.items():
        assert rd.sha256(cache / name) == e.sha256


# --- the resolver ----------------------------------------------------------------------------


@pytest.fixture
def places(tmp_path, monkeypatch) -> dict[str, Path]:
    """Three locations, each with an intact demo/a.txt; ../shared is redirected."""
    dirs = {k: tmp_path / k for k in ("env", "shared", "cache")}
    for d in dirs.values():
        (d / "demo").mkdir(parents=True)
        (d / "demo" / "a.txt").write_bytes(FAKE["demo/a.txt"])
    monkeypatch.setattr(rd, "SHARED", dirs["shared"])
    return dirs


def _env(places: Mapping[str, Path], **extra: str) -> dict[str, str]:
    return {rd.ENV_DIR: str(places["env"]), rd.ENV_CACHE: str(places["cache"]), **extra}


def test_resolver_order_env_then_shared_then_cache(places, fake_registry):
    env = _env(places)
    assert rd.search_dirs(env) == [places["env"], places["shared"], places["cache"]]
    assert rd.resolver(fake_registry, env)("demo/a.txt") == places["env"] / "demo/a.txt"
    (places["env"] / "demo/a.txt").unlink()
    assert rd.resolver(fake_registry, env)("demo/a.txt") == places["shared"] / "demo/a.txt"
    (places["shared"] / "demo/a.txt").unlink()
    assert rd.resolver(fake_registry, env)("demo/a.txt") == places["cache"] / "demo/a.txt"


def test_shared_lookup_can_be_switched_off(places, fake_registry):
    env = _env(places, **{rd.ENV_SHARED: "0"})
    assert rd.search_dirs(env) == [places["env"], places["cache"]]
    assert rd.search_dirs({}) == [places["shared"], rd.DEFAULT_CACHE]


def test_wrong_hash_fails_naming_file_and_both_hashes(places, fake_registry):
    bad = places["env"] / "demo/a.txt"
    bad.write_bytes(b"alpha, edited\n")
    with pytest.raises(pytest.fail.Exception) as err:
        # an intact copy further down the list does not hide the bad one
        rd.resolver(fake_registry, _env(places))("demo/a.txt")
    msg = str(err.value)
    assert str(bad) in msg
    assert fake_registry["demo/a.txt"].sha256 in msg
    assert hashlib.sha256(b"alpha, edited\n").hexdigest() in msg


def test_missing_file_skips_with_one_line_on_how_to_get_it(places, fake_registry):
    get = rd.resolver(fake_registry, _env(places))
    with pytest.raises(pytest.skip.Exception) as err:
        get("demo/deep/b.dat")
    msg = str(err.value)
    assert "\n" not in msg
    assert "demo/deep/b.dat" in msg and "make realdata" in msg and rd.ENV_DIR in msg
    with pytest.raises(pytest.skip.Exception, match="cannot be downloaded"):
        get("demo/derived.txt")  # make realdata would not help


def test_missing_file_fails_when_required(places, fake_registry):
    get = rd.resolver(fake_registry, _env(places, **{rd.ENV_REQUIRE: "1"}))
    assert get("demo/a.txt") == places["env"] / "demo/a.txt"
    with pytest.raises(pytest.fail.Exception, match=rf"demo/deep/b\.dat.*{rd.ENV_REQUIRE}=1"):
        get("demo/deep/b.dat")


def test_unregistered_name_is_an_error(places, fake_registry):
    with pytest.raises(KeyError, match="not in the registry"):
        rd.resolver(fake_registry, _env(places))("demo/unlisted.txt")


PROBE = """
def test_probe(realdata):
    assert realdata("giro_didbase/MilstonHill_2019_part2.txt").is_file()
"""


@pytest.mark.parametrize("require", ["", "1"])
def test_fresh_clone_skips_or_fails_through_the_fixture(tmp_path, require):
    """The conftest ``realdata`` fixture where no location has the file, as on a fresh clone."""
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = _clean_env(
        ESTRANSPORT_REALDATA_SHARED="0",
        ESTRANSPORT_REALDATA_CACHE=str(tmp_path / "empty"),
        ESTRANSPORT_REQUIRE_REALDATA=require,
        PYTHONPATH=str(rd.REPO),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )  # hypothesis etc. are not needed
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "test_probe.py",
            "-p",
            "tests.conftest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout
    assert "giro_didbase/MilstonHill_2019_part2.txt not found" in out, out + proc.stderr
    if require:
        assert proc.returncode == 1 and "1 failed" in out, out
    else:
        assert proc.returncode == 0 and "1 skipped" in out, out
        assert "make realdata" in out
