"""Downloads against a real HTTP server on 127.0.0.1 with scripted misbehaviour.

The server mimics CDAAC's layout
(``/gnss-ro/cosmic1/{stream}/level1b/{YYYY}/{DDD}/scnLv1_{stream}_{YYYY}_{DDD}.tar.gz``).
Each test scripts what a path answers, request by request; unscripted paths
answer 404. Every successful download is compared byte for byte (sha256) with
what was served.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import subprocess
import sys
import tarfile
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

import pytest

from estransport.errors import ConfigError, DownloadError, InputFileError
from estransport.io.atomic import temporary_path
from estransport.io.cdaac import (
    SCNLV1_URL_TEMPLATE,
    days_of_period,
    download_scnlv1_day,
    local_archive_path,
    scnlv1_day_urls,
)
from estransport.io.download import NotFound, download, is_gzip_tar, looks_like_html

ROOT = "/gnss-ro/cosmic1"
STREAMS = ["repro2013", "postProc"]


def day_path(stream: str, year: int, doy: int) -> str:
    return (
        f"{ROOT}/{stream}/level1b/{year:04d}/{doy:03d}/scnLv1_{stream}_{year:04d}_{doy:03d}.tar.gz"
    )


def make_tarball(n_members: int = 3, seed: int = 0) -> bytes:
    """A small gzip tar with scnLv1-like member names and deterministic content."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for i in range(n_members):
            data = hashlib.sha256(f"{seed}-{i}".encode()).digest() * 2000  # 64,000 bytes
            info = tarfile.TarInfo(
                f"scnLv1_C00{i % 6 + 1}.2008.100.00.{i:02d}.0008.G22.01_2013.3520_nc"
            )
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    # mtime=0: identical bytes on every run
    return gzip.compress(buf.getvalue(), mtime=0)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Server:
    """Scripted behaviours per path, consumed in order; the last one repeats."""

    def __init__(self) -> None:
        self.script: dict[str, deque] = {}
        self.hits: defaultdict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.httpd: http.server.ThreadingHTTPServer | None = None

    def on(self, path: str, *actions: tuple) -> None:
        self.script[path] = deque(actions)

    def next_action(self, path: str) -> tuple:
        with self.lock:
            self.hits[path] += 1
            queue = self.script.get(path)
            if not queue:
                return ("status", 404)
            return queue.popleft() if len(queue) > 1 else queue[0]

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{ROOT}"

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


def make_handler(server: Server):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection, like a plain server

        def log_message(self, *args) -> None:  # keep pytest output quiet
            pass

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str,
            length: int | None = None,
            announce: bool = True,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if announce:
                self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            kind, *args = server.next_action(self.path)
            if kind == "ok":
                self._send(200, args[0], "application/x-gzip")
            elif kind == "status":
                code = args[0]
                self._send(code, f"<html>error {code}</html>".encode(), "text/html")
            elif kind == "truncate":  # announce the full length, send half, hang up
                body = args[0]
                self._send(200, body[: len(body) // 2], "application/x-gzip", length=len(body))
                self.close_connection = True
            elif kind == "cut_unannounced":  # no Content-Length: send half, hang up
                body = args[0]
                self._send(200, body[: len(body) // 2], "application/x-gzip", announce=False)
                self.close_connection = True
            elif kind == "overlong":  # announce half the length, send the whole body
                body = args[0]
                self._send(200, body, "application/x-gzip", length=len(body) // 2)
                self.close_connection = True
            elif kind == "stall":  # announce the full length, send half, then hang
                body = args[0]
                self.send_response(200)
                self.send_header("Content-Type", "application/x-gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                time.sleep(args[1])
                self.close_connection = True
            elif kind == "html":
                self._send(200, args[0], args[1] if len(args) > 1 else "text/html; charset=utf-8")
            elif kind == "drop":  # close the connection without any reply
                self.close_connection = True
            elif kind == "slow":  # answer only after the client's timeout
                time.sleep(args[0])
                try:
                    self._send(200, b"late", "application/octet-stream")
                except OSError:
                    pass
            else:  # pragma: no cover - a typo in a test
                raise AssertionError(kind)

    return Handler


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # A proxy from the environment must not intercept requests to 127.0.0.1.
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server():
    srv = Server()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(srv))
    httpd.daemon_threads = True
    srv.httpd = httpd
    # short poll interval: shutdown() waits up to one interval
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class Sleeps(list):
    """No-op sleep that records the delays asked for (seconds)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def cdaac_kwargs(server: Server, sleeps: Sleeps, retries: int = 3) -> dict:
    return dict(
        base_url=server.base_url,
        streams=STREAMS,
        retries=retries,
        backoff_s=0.5,
        timeout_s=5,
        missing_day="error",
        sleep=sleeps,
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


# ----------------------------------------------------------------------------- URLs


def test_url_template_matches_formats_md():
    urls = scnlv1_day_urls(2008, 7, "https://data.cosmic.ucar.edu/gnss-ro/cosmic1/", STREAMS)
    assert urls == [
        "https://data.cosmic.ucar.edu/gnss-ro/cosmic1/repro2013/level1b/2008/007/"
        "scnLv1_repro2013_2008_007.tar.gz",
        "https://data.cosmic.ucar.edu/gnss-ro/cosmic1/postProc/level1b/2008/007/"
        "scnLv1_postProc_2008_007.tar.gz",
    ]
    assert "{stream}" in SCNLV1_URL_TEMPLATE


def test_days_of_period_counts_leap_years_and_steps():
    days = days_of_period([2007, 2008], day_step=1)
    assert len(days) == 365 + 366 and days[0] == (2007, 1) and days[-1] == (2008, 366)
    assert days_of_period([2008], day_step=12) == [(2008, d) for d in range(1, 367, 12)]
    assert len(days_of_period(range(2006, 2012), day_step=1)) == 2191  # the paper's period
    with pytest.raises(ValueError, match="day_step"):
        days_of_period([2008], day_step=0)


def test_url_rejects_bad_day_and_streams():
    with pytest.raises(ValueError, match="367"):
        scnlv1_day_urls(2008, 367, "http://x", STREAMS)
    with pytest.raises(ConfigError, match="streams"):
        scnlv1_day_urls(2008, 1, "http://x", [])


# ----------------------------------------------------------------------------- CDAAC days


def test_normal_day_repro2013(server, sleeps, tmp_path):
    body = make_tarball(seed=1)
    server.on(day_path("repro2013", 2008, 100), ("ok", body))
    dest = tmp_path / "2008" / "100.tar.gz"

    url = download_scnlv1_day(2008, 100, dest, **cdaac_kwargs(server, sleeps))

    assert url == server.url(day_path("repro2013", 2008, 100))
    assert sha(dest.read_bytes()) == sha(body)
    assert leftovers(dest.parent) == ["100.tar.gz"]
    assert server.hits[day_path("postProc", 2008, 100)] == 0
    assert sleeps == []


def test_day_only_in_postproc(server, sleeps, tmp_path):
    body = make_tarball(seed=2)
    server.on(day_path("postProc", 2015, 32), ("ok", body))
    dest = tmp_path / "032.tar.gz"

    url = download_scnlv1_day(2015, 32, dest, **cdaac_kwargs(server, sleeps))

    assert url == server.url(day_path("postProc", 2015, 32))
    assert url.endswith("/postProc/level1b/2015/032/scnLv1_postProc_2015_032.tar.gz")
    assert sha(dest.read_bytes()) == sha(body)
    # 404 is not retried: one request per stream, no backoff.
    assert server.hits[day_path("repro2013", 2015, 32)] == 1
    assert server.hits[day_path("postProc", 2015, 32)] == 1
    assert sleeps == []


def test_missing_day_names_day_and_every_url(server, sleeps, tmp_path):
    dest = tmp_path / "out" / "200.tar.gz"
    with pytest.raises(DownloadError) as info:
        download_scnlv1_day(2009, 200, dest, **cdaac_kwargs(server, sleeps))
    message = str(info.value)
    assert "2009-200" in message
    for stream in STREAMS:
        assert server.url(day_path(stream, 2009, 200)) in message
    assert "404" in message
    assert not isinstance(info.value, NotFound)  # callers must not mistake it for one stream
    assert not dest.exists()
    assert leftovers(dest.parent) == []
    assert sleeps == []


def test_server_error_then_success_retries_with_backoff(server, sleeps, tmp_path):
    body = make_tarball(seed=3)
    path = day_path("repro2013", 2008, 1)
    server.on(path, ("status", 500), ("ok", body))
    dest = tmp_path / "001.tar.gz"

    url = download_scnlv1_day(2008, 1, dest, **cdaac_kwargs(server, sleeps))

    assert url == server.url(path)
    assert server.hits[path] == 2
    assert sleeps == [0.5]  # backoff_s * 2**0
    assert sha(dest.read_bytes()) == sha(body)


def test_server_error_does_not_fall_back_to_postproc(server, sleeps, tmp_path):
    # A flaky repro2013 must not silently turn into a postProc day.
    server.on(day_path("repro2013", 2008, 2), ("status", 503))
    server.on(day_path("postProc", 2008, 2), ("ok", make_tarball()))
    dest = tmp_path / "002.tar.gz"
    with pytest.raises(DownloadError, match="503"):
        download_scnlv1_day(2008, 2, dest, **cdaac_kwargs(server, sleeps, retries=2))
    assert server.hits[day_path("repro2013", 2008, 2)] == 3
    assert server.hits[day_path("postProc", 2008, 2)] == 0
    assert sleeps == [0.5, 1.0]
    assert leftovers(tmp_path) == []


def test_truncated_once_then_fine(server, sleeps, tmp_path):
    body = make_tarball(seed=4)
    path = day_path("repro2013", 2008, 50)
    server.on(path, ("truncate", body), ("ok", body))
    dest = tmp_path / "050.tar.gz"

    download_scnlv1_day(2008, 50, dest, **cdaac_kwargs(server, sleeps))

    assert server.hits[path] == 2
    assert sleeps == [0.5]
    assert sha(dest.read_bytes()) == sha(body)
    assert leftovers(tmp_path) == ["050.tar.gz"]


def test_always_truncated_fails_after_retries(server, sleeps, tmp_path):
    body = make_tarball(seed=5)
    path = day_path("repro2013", 2008, 51)
    server.on(path, ("truncate", body))
    dest = tmp_path / "051.tar.gz"

    with pytest.raises(DownloadError) as info:
        download_scnlv1_day(2008, 51, dest, **cdaac_kwargs(server, sleeps, retries=3))

    message = str(info.value)
    assert "4 attempt" in message
    assert "truncated" in message
    assert "2008-051" in message
    assert server.url(path) in message
    assert server.hits[path] == 4
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff
    assert server.hits[day_path("postProc", 2008, 51)] == 0
    assert leftovers(tmp_path) == []


def test_cut_without_content_length_is_retried(server, sleeps, tmp_path):
    """No Content-Length to compare with: the gzip tar check finds the cut, and it is retried."""
    body = make_tarball(seed=6)
    path = day_path("repro2013", 2008, 52)
    server.on(path, ("cut_unannounced", body), ("ok", body))
    dest = tmp_path / "052.tar.gz"

    download_scnlv1_day(2008, 52, dest, **cdaac_kwargs(server, sleeps))

    assert server.hits[path] == 2
    assert sleeps == [0.5]
    assert sha(dest.read_bytes()) == sha(body)
    assert leftovers(tmp_path) == ["052.tar.gz"]


def test_body_longer_than_content_length_is_retried(server, sleeps, tmp_path):
    """urllib stops at the announced length, so the tarball arrives cut: retried."""
    body = make_tarball(seed=7)
    path = day_path("repro2013", 2008, 53)
    server.on(path, ("overlong", body), ("ok", body))
    dest = tmp_path / "053.tar.gz"

    download_scnlv1_day(2008, 53, dest, **cdaac_kwargs(server, sleeps))

    assert server.hits[path] == 2
    assert sleeps == [0.5]
    assert sha(dest.read_bytes()) == sha(body)
    assert leftovers(tmp_path) == ["053.tar.gz"]


@pytest.mark.parametrize("kind", ["cut_unannounced", "overlong"])
def test_persistent_cut_names_url_and_day_not_a_temporary_file(server, sleeps, tmp_path, kind):
    body = make_tarball(seed=8)
    path = day_path("repro2013", 2008, 54)
    server.on(path, (kind, body))
    dest = tmp_path / "054.tar.gz"

    with pytest.raises(DownloadError) as info:
        download_scnlv1_day(2008, 54, dest, **cdaac_kwargs(server, sleeps, retries=2))

    message = str(info.value)
    assert server.url(path) in message and "2008-054" in message
    assert "3 attempt" in message and "cut short" in message
    assert ".tmp-" not in message  # the temporary file is gone: never named
    assert f"save it as {dest}" in message  # what to do
    assert server.hits[path] == 3
    assert sleeps == [0.5, 1.0]
    assert server.hits[day_path("postProc", 2008, 54)] == 0  # a cut body is no reason to fall back
    assert leftovers(tmp_path) == []


def test_html_login_page_is_not_retried(server, sleeps, tmp_path):
    path = day_path("repro2013", 2008, 60)
    server.on(path, ("html", b"<!DOCTYPE html><html><body>Please log in</body></html>"))
    dest = tmp_path / "060.tar.gz"

    with pytest.raises(DownloadError, match="login/error page"):
        download_scnlv1_day(2008, 60, dest, **cdaac_kwargs(server, sleeps))

    assert server.hits[path] == 1
    assert sleeps == []
    assert leftovers(tmp_path) == []


def test_html_sniffed_without_content_type(server, sleeps, tmp_path):
    # Some portals send their login page as application/octet-stream.
    path = "/files/x.tar.gz"
    server.on(
        path,
        (
            "html",
            b"\n  <HTML><head><title>Sign in</title></head></HTML>",
            "application/octet-stream",
        ),
    )
    with pytest.raises(DownloadError, match="login/error page"):
        download(server.url(path), tmp_path / "x.tar.gz", sleep=sleeps)
    assert server.hits[path] == 1
    assert leftovers(tmp_path) == []


#: Login and error pages as portals send them, often as application/octet-stream.
HTML_PAGES = {
    "comment-first": b"<!-- portal v2 -->\n<html><body>Please sign in</body></html>",
    "xhtml": b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC '
    b'"-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">',
    "bom-head": b"\xef\xbb\xbf<head><title>Login</title></head>",
    "body-only": b"\r\n  <BODY>Session expired</BODY>",
}
#: Data that starts with "<" or text and is not HTML.
NOT_HTML = {
    "saoxml": b'<?xml version="1.0" encoding="UTF-8"?>\n<SAORecordList><SAORecord/>',
    "didbase": b"# Global Ionospheric Radio Observatory (GIRO)\n#Time CS foEs\n",
    "gzip": gzip.compress(b"<html>inside a gzip is data</html>"),
    "comment-only": b"<!-- a comment that never ends",
}


@pytest.mark.parametrize("name", sorted(HTML_PAGES))
def test_html_pages_are_recognised_at_download(server, sleeps, tmp_path, name):
    path = f"/portal/{name}.tar.gz"
    server.on(path, ("html", HTML_PAGES[name], "application/octet-stream"))
    with pytest.raises(DownloadError, match="login/error page") as info:
        download(server.url(path), tmp_path / "x.tar.gz", what="day 2008-001", sleep=sleeps)
    assert server.url(path) in str(info.value) and "day 2008-001" in str(info.value)
    assert server.hits[path] == 1  # not retried
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", sorted(NOT_HTML))
def test_data_that_is_not_html(name):
    assert not looks_like_html(NOT_HTML[name])


def test_is_gzip_tar_names_an_html_page(tmp_path):
    page = tmp_path / "001.tar.gz"
    page.write_bytes(HTML_PAGES["comment-first"])
    with pytest.raises(InputFileError, match="HTML page") as info:
        is_gzip_tar(page)
    assert info.value.path == str(page)


def test_gzip_of_garbage_is_rejected(server, sleeps, tmp_path):
    path = day_path("repro2013", 2008, 70)
    server.on(path, ("ok", gzip.compress(b"this is not a tar archive " * 100, mtime=0)))
    dest = tmp_path / "070.tar.gz"

    with pytest.raises((DownloadError, InputFileError)) as info:
        download_scnlv1_day(2008, 70, dest, **cdaac_kwargs(server, sleeps))

    assert "not a tar archive" in str(info.value)
    assert server.url(path) in str(info.value) and "2008-070" in str(info.value)
    assert ".tmp-" not in str(info.value)  # the temporary file is gone: never named
    assert isinstance(info.value.__cause__, InputFileError)
    assert server.hits[path] == 1  # a complete but wrong body is not retried
    assert leftovers(tmp_path) == []


# ----------------------------------------------------------------------------- generic download


def test_forbidden_is_not_retried(server, sleeps, tmp_path):
    path = "/private/data.bin"
    server.on(path, ("status", 403))
    with pytest.raises(DownloadError, match="403") as info:
        download(server.url(path), tmp_path / "data.bin", sleep=sleeps)
    assert not isinstance(info.value, NotFound)
    assert server.hits[path] == 1
    assert sleeps == []


@pytest.mark.parametrize("code", [404, 410])
def test_not_found_subclass(server, sleeps, tmp_path, code):
    path = f"/gone/{code}.bin"
    server.on(path, ("status", code))
    with pytest.raises(NotFound) as info:
        download(server.url(path), tmp_path / "f.bin", what="thing", sleep=sleeps)
    assert info.value.status == code
    assert info.value.url == server.url(path)
    assert str(code) in str(info.value) and "thing" in str(info.value)
    assert server.hits[path] == 1


def test_rate_limit_and_dropped_connection_are_retried(server, sleeps, tmp_path):
    body = b"payload-" * 1000
    path = "/flaky.bin"
    server.on(path, ("status", 429), ("drop",), ("ok", body))
    dest = download(server.url(path), tmp_path / "flaky.bin", backoff_s=1.0, sleep=sleeps)
    assert dest.read_bytes() == body
    assert server.hits[path] == 3
    assert sleeps == [1.0, 2.0]


def test_timeout_is_retried(server, sleeps, tmp_path):
    body = b"on time"
    path = "/slow.bin"
    server.on(path, ("slow", 0.6), ("ok", body))
    dest = download(server.url(path), tmp_path / "slow.bin", timeout_s=0.2, sleep=sleeps)
    assert dest.read_bytes() == body
    assert server.hits[path] == 2
    assert len(sleeps) == 1


def test_failure_keeps_an_existing_destination_untouched(server, sleeps, tmp_path):
    dest = tmp_path / "keep.bin"
    dest.write_bytes(b"old")
    path = "/bad.bin"
    server.on(path, ("truncate", b"x" * 10000))
    with pytest.raises(DownloadError, match="2 attempt"):
        download(server.url(path), dest, retries=1, sleep=sleeps)
    assert dest.read_bytes() == b"old"
    assert leftovers(tmp_path) == ["keep.bin"]


def test_connection_refused_is_retried_then_reported(sleeps, tmp_path):
    # Bind then close a socket: its port is (almost certainly) closed now.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.bin"
    with pytest.raises(DownloadError, match="3 attempt") as info:
        download(url, tmp_path / "x.bin", retries=2, backoff_s=0.1, what="probe", sleep=sleeps)
    assert url in str(info.value) and "probe" in str(info.value)
    assert sleeps == [0.1, 0.2]
    assert leftovers(tmp_path) == []


def test_download_uses_the_fixed_temporary_name_and_removes_a_stale_one(server, sleeps, tmp_path):
    body = b"payload-" * 1000
    path = "/fixed.bin"
    server.on(path, ("ok", body))
    dest = tmp_path / "fixed.bin"
    stale = temporary_path(dest)
    stale.write_bytes(b"left behind by a killed download")
    seen = []
    download(server.url(path), dest, validate=seen.append, sleep=sleeps)
    assert seen == [stale]  # the body is checked under .tmp-fixed.bin, io.atomic's name
    assert dest.read_bytes() == body
    assert leftovers(tmp_path) == ["fixed.bin"]


def test_a_killed_download_leaves_one_file_that_the_rerun_removes(server, tmp_path):
    body = make_tarball(seed=9)
    path = day_path("repro2013", 2008, 90)
    server.on(path, ("stall", body, 30), ("ok", body))
    dest = tmp_path / "090.tar.gz"
    code = (
        "import sys; from estransport.io.download import download, is_gzip_tar; "
        "download(sys.argv[1], sys.argv[2], validate=is_gzip_tar)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, server.url(path), str(dest)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not temporary_path(dest).exists():
            time.sleep(0.05)
        assert temporary_path(dest).exists(), "the download never started writing"
    finally:
        proc.kill()  # SIGKILL: no clean-up code runs
        proc.wait()
    assert leftovers(tmp_path) == [".tmp-090.tar.gz"]  # at most one file, with the fixed name
    download(server.url(path), dest, validate=is_gzip_tar, sleep=lambda s: None)
    assert sha(dest.read_bytes()) == sha(body)
    assert leftovers(tmp_path) == ["090.tar.gz"]


# ----------------------------------------------------------------------------- is_gzip_tar


def test_is_gzip_tar_accepts_good_and_empty(tmp_path, caplog):
    good = tmp_path / "good.tar.gz"
    good.write_bytes(make_tarball())
    is_gzip_tar(good)

    empty = tmp_path / "empty.tar.gz"
    buf = io.BytesIO()
    tarfile.open(fileobj=buf, mode="w").close()
    empty.write_bytes(gzip.compress(buf.getvalue()))
    with caplog.at_level("WARNING", logger="estransport.io.download"):
        is_gzip_tar(empty)
    assert "no members" in caplog.text


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda tb: b"", "empty file"),
        (lambda tb: gzip.decompress(tb), "not a gzip file"),
        (lambda tb: tb[: len(tb) // 2], "truncated gzip"),
        (lambda tb: tb[:-4], "truncated gzip"),  # only the size trailer missing
        (lambda tb: gzip.compress(b"\x01" * 5000), "not a tar archive"),
        (lambda tb: gzip.compress(gzip.decompress(tb)[:70000]), "tar archive truncated"),
        (lambda tb: tb[:200] + bytes(b ^ 0x55 for b in tb[200:260]) + tb[260:], "corrupt gzip"),
    ],
    ids=["empty", "plain-tar", "half", "no-trailer", "garbage", "tar-cut", "bit-flips"],
)
def test_is_gzip_tar_rejects(tmp_path, make, why):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(make(make_tarball()))
    with pytest.raises(InputFileError, match=why) as info:
        is_gzip_tar(bad)
    assert str(bad) in str(info.value)


# ----------------------------------------------------------------------------- local archive


def test_local_archive_path_picks_existing_stream(tmp_path):
    day = tmp_path / "2015" / "032"
    day.mkdir(parents=True)
    post = day / "scnLv1_postProc_2015_032.tar.gz"
    post.write_bytes(b"")
    assert local_archive_path(str(tmp_path), 2015, 32, STREAMS) == str(post)

    repro = day / "scnLv1_repro2013_2015_032.tar.gz"
    repro.write_bytes(b"")
    assert local_archive_path(tmp_path, 2015, 32, STREAMS) == str(repro)  # first stream wins


def test_local_archive_path_falls_back_to_first_stream(tmp_path):
    expected = tmp_path / "2008" / "005" / "scnLv1_repro2013_2008_005.tar.gz"
    assert local_archive_path(str(tmp_path), 2008, 5, STREAMS) == str(expected)
    assert local_archive_path(str(tmp_path), 2008, 5, ["postProc"]) == str(
        tmp_path / "2008" / "005" / "scnLv1_postProc_2008_005.tar.gz"
    )


def test_local_archive_path_needs_a_root():
    with pytest.raises(ConfigError, match="local_archive"):
        local_archive_path(None, 2008, 5, STREAMS)


def test_missing_day_empty_policy_writes_valid_empty_day(server, tmp_path):
    """missing_day='empty' records an archive gap as a valid, member-less day tarball."""
    import pandas as pd

    from estransport.io.scnlv1 import read_day_tarball

    dest = tmp_path / "2008" / "150.tar.gz"
    url = download_scnlv1_day(
        2008,
        150,
        dest,
        base_url=server.base_url,
        streams=STREAMS,
        retries=0,
        backoff_s=0.0,
        timeout_s=5,
        missing_day="empty",
        sleep=lambda s: None,
    )
    assert url is None
    is_gzip_tar(dest)
    events, problems = read_day_tarball(dest)
    assert len(events) == 0 and problems == [] and isinstance(events, pd.DataFrame)
    with pytest.raises(ConfigError, match="missing_day"):
        download_scnlv1_day(
            2008,
            150,
            tmp_path / "x.tar.gz",
            base_url=server.base_url,
            streams=STREAMS,
            retries=0,
            backoff_s=0.0,
            timeout_s=5,
            missing_day="skip",
            sleep=lambda s: None,
        )


# --- a batch of downloads in one job (download_batch / download_scnlv1_days) ---


def test_batch_goes_on_after_a_failed_day_and_a_rerun_fetches_only_the_failed(server, tmp_path):
    from estransport.io.cdaac import download_scnlv1_days
    from estransport.io.download import kept_path

    days = [(2008, 10), (2008, 11), (2008, 12)]
    good = {doy: make_tarball(seed=doy) for doy in (10, 12)}
    for doy, body in good.items():
        server.on(day_path("repro2013", 2008, doy), ("ok", body))
    # 2008-011 is in no stream yet: every URL answers 404
    dests = [tmp_path / f"{d:03d}.tar.gz" for _, d in days]
    kwargs = dict(
        base_url=server.base_url,
        streams=STREAMS,
        retries=0,
        backoff_s=0.0,
        timeout_s=10,
        missing_day="error",
        sleep=lambda s: None,
    )
    with pytest.raises(DownloadError) as err:
        download_scnlv1_days(days, dests, **kwargs)
    msg = str(err.value)
    assert (
        "1 of 3 item(s) failed" in msg and "2008-011" in msg and "postProc/level1b/2008/011" in msg
    )
    for doy, dest in zip((10, 11, 12), dests, strict=True):  # the day after the failure was fetched
        if doy in good:
            assert dest.read_bytes() == good[doy] == kept_path(dest).read_bytes()
            assert dest.stat().st_ino == kept_path(dest).stat().st_ino  # a hard link, no copy
        else:
            assert not dest.exists() and not kept_path(dest).exists()
    # Snakemake deletes a failed job's outputs before the rerun; the kept links survive.
    for dest in dests:
        dest.unlink(missing_ok=True)
    hits_before = dict(server.hits)
    late = make_tarball(seed=11)
    server.on(day_path("postProc", 2008, 11), ("ok", late))
    urls = download_scnlv1_days(days, dests, **kwargs)
    assert urls[0] == urls[2] == "kept" and urls[1].endswith("scnLv1_postProc_2008_011.tar.gz")
    for doy in (10, 12):  # not fetched again
        path = day_path("repro2013", 2008, doy)
        assert server.hits[path] == hits_before[path] == 1
    assert [dest.read_bytes() for dest in dests] == [good[10], late, good[12]]
    assert not list(tmp_path.glob(".kept-*"))  # the batch is done: nothing kept any more


def test_batch_copies_where_hard_links_fail(tmp_path, monkeypatch):
    import os

    from estransport.io.download import download_batch, kept_path

    def no_links(src, dst):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)

    def fetch(i, dest):
        if i == 1:
            raise DownloadError("http://x/1", "HTTP 503", what="item 1")
        dest.write_bytes(b"item %d" % i)
        return i

    dests = [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(DownloadError, match="1 of 2 item"):
        download_batch(dests, fetch, what="two items")
    assert kept_path(dests[0]).read_bytes() == b"item 0"
    dests[0].unlink()
    calls = []
    assert download_batch(
        dests, lambda i, d: calls.append(i) or d.write_bytes(b"late"), what="x"
    ) == ["kept", 4]
    assert calls == [1] and dests[0].read_bytes() == b"item 0" and dests[1].read_bytes() == b"late"
    assert not kept_path(dests[0]).exists() and dests[0].stat().st_nlink == 1  # a copy, not a link
