"""COSMIC-2 day downloads against an HTTP server on 127.0.0.1 in CDAAC's layout.

The tree is ``/gnss-ro/cosmic2/{stream}/level2/{YYYY}/{DDD}/scnLv2_{tag}_{YYYY}_{DDD}.tar.gz``
(docs/formats.md §2.1), holding synthetic COSMIC-2 days; some paths are scripted
to fail. The downloaded files are compared byte for byte with what was served,
and read by the real ingest.
"""

from __future__ import annotations

import http.server
import logging
import threading
from collections import defaultdict

import pytest

from estransport.errors import ConfigError, DownloadError
from estransport.io.cdaac_streams import day_file_name, day_urls, download_day, local_day_path
from estransport.io.scnlv2 import read_scint_day
from estransport.synthetic.cosmic2 import SyntheticStream, write_day_tarball

STREAMS = ["rapid", "provisional/spaceWeather"]


class _Handler(http.server.SimpleHTTPRequestHandler):
    failures: dict[str, list[int]] = {}
    hits: defaultdict[str, int] = defaultdict(int)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.hits[self.path] += 1
        script = self.failures.get(self.path)
        if script:
            code = script.pop(0)
            if code == -1:  # a body cut short: announce more than is sent
                self.send_response(200)
                self.send_header("Content-Length", "999999")
                self.end_headers()
                self.wfile.write(b"\x1f\x8b partial")
                return
            self.send_error(code)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("cdaac2")
    served = {}
    # DOY 10: both streams (rapid preferred); DOY 11: only provisional/spaceWeather; DOY 12: none.
    for doy, streams in ((10, STREAMS), (11, STREAMS[1:])):
        for stream in streams:
            d = root / "gnss-ro" / "cosmic2" / stream / "level2" / "2022" / f"{doy:03d}"
            d.mkdir(parents=True)
            path = d / day_file_name("scnLv2", stream, 2022, doy)
            seed = 1 if stream == "rapid" else 2
            write_day_tarball(path, 2022, doy, SyntheticStream(members_per_day=300), seed=seed)
            served[(doy, stream)] = path.read_bytes()

    def handler(*args, **kwargs):
        return _Handler(*args, directory=str(root), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/gnss-ro/cosmic2", served
    httpd.shutdown()


def _get(base_url, doy, dest, *, missing_day="error", streams=STREAMS, retries=1):
    sleeps = []
    url = download_day(
        2022,
        doy,
        dest,
        mission="cosmic2",
        base_url=base_url,
        product="scnLv2",
        streams=streams,
        retries=retries,
        backoff_s=0.01,
        timeout_s=10,
        missing_day=missing_day,
        key="cosmic.missions.cosmic2",
        sleep=sleeps.append,
    )
    return url, sleeps


def test_urls_follow_the_cdaac_layout():
    urls = day_urls(
        2022,
        10,
        base_url="https://data.cosmic.ucar.edu/gnss-ro/cosmic2/",
        product="scnLv2",
        streams=STREAMS,
    )
    assert urls == [
        "https://data.cosmic.ucar.edu/gnss-ro/cosmic2/rapid/level2/2022/010/scnLv2_rapid_2022_010.tar.gz",
        "https://data.cosmic.ucar.edu/gnss-ro/cosmic2/provisional/spaceWeather/level2/2022/010/"
        "scnLv2_prov1_2022_010.tar.gz",
    ]
    # The one URL verified on CDAAC's own code [S15]:
    assert day_urls(
        2021,
        20,
        base_url="https://data.cosmic.ucar.edu/gnss-ro/cosmic2",
        product="podTc2",
        streams=["provisional/spaceWeather"],
    ) == [
        "https://data.cosmic.ucar.edu/gnss-ro/cosmic2/provisional/spaceWeather/level1b/2021/020/"
        "podTc2_prov1_2021_020.tar.gz"
    ]
    with pytest.raises(ConfigError, match="cosmic.missions.x.cdaac.streams"):
        day_urls(
            2022, 1, base_url="u", product="scnLv2", streams=["repro"], key="cosmic.missions.x"
        )
    with pytest.raises(ConfigError, match="product"):
        day_urls(2022, 1, base_url="u", product="scnLv1", streams=STREAMS)


def test_preferred_stream_then_fallback(server, tmp_path, caplog):
    base_url, served = server
    dest = tmp_path / "010.tar.gz"
    url, _ = _get(base_url, 10, dest)
    assert url.endswith("/rapid/level2/2022/010/scnLv2_rapid_2022_010.tar.gz")
    assert dest.read_bytes() == served[(10, "rapid")]
    dest = tmp_path / "011.tar.gz"
    url, _ = _get(base_url, 11, dest)  # 404 in rapid: taken from provisional/spaceWeather
    assert "/provisional/spaceWeather/" in url and url.endswith("scnLv2_prov1_2022_011.tar.gz")
    assert dest.read_bytes() == served[(11, "provisional/spaceWeather")]
    caplog.set_level(logging.ERROR, logger="estransport")  # restored after the test
    events, problems = read_scint_day(
        dest,
        product="scnLv2",
        mission="cosmic2",
        altitude_km=(90, 130),
        tangent_point="auto",
        strict=False,
    )
    assert events.attrs["n_members"] == 300 and len(events) + len(problems) == 300


def test_server_error_does_not_fall_back(server, tmp_path):
    base_url, _ = server
    path = "/gnss-ro/cosmic2/rapid/level2/2022/010/scnLv2_rapid_2022_010.tar.gz"
    _Handler.failures[path] = [503, 503]
    dest = tmp_path / "x.tar.gz"
    with pytest.raises(DownloadError, match="503"):
        _get(base_url, 10, dest)
    assert not dest.exists()
    assert (
        _Handler.hits[
            "/gnss-ro/cosmic2/provisional/spaceWeather/level2/2022/010/scnLv2_prov1_2022_010.tar.gz"
        ]
        == 0
    )


def test_truncated_body_is_retried(server, tmp_path):
    base_url, served = server
    path = "/gnss-ro/cosmic2/rapid/level2/2022/010/scnLv2_rapid_2022_010.tar.gz"
    _Handler.failures[path] = [-1]
    dest = tmp_path / "y.tar.gz"
    _, sleeps = _get(base_url, 10, dest)
    assert sleeps == [0.01]
    assert dest.read_bytes() == served[(10, "rapid")]


def test_missing_day_policy(server, tmp_path):
    base_url, _ = server
    dest = tmp_path / "012.tar.gz"
    with pytest.raises(
        DownloadError,
        match=r"(?s)day 2022-012 not found.*scnLv2_rapid_2022_012.*"
        r"scnLv2_prov1_2022_012.*cosmic.missions.cosmic2",
    ):
        _get(base_url, 12, dest)
    assert not dest.exists()
    url, _ = _get(base_url, 12, dest, missing_day="empty")
    assert url is None
    events, problems = read_scint_day(
        dest,
        product="scnLv2",
        mission="cosmic2",
        altitude_km=(90, 130),
        tangent_point="auto",
        strict=True,
    )
    assert events.attrs["n_members"] == 0 and len(events) == 0 and problems == []
    with pytest.raises(ConfigError, match="missing_day"):
        _get(base_url, 12, dest, missing_day="skip")


def test_local_archive_layout(tmp_path):
    day = tmp_path / "2022" / "011"
    day.mkdir(parents=True)
    (day / "scnLv2_prov1_2022_011.tar.gz").write_bytes(b"x")
    assert local_day_path(tmp_path, 2022, 11, product="scnLv2", streams=STREAMS).endswith(
        "2022/011/scnLv2_prov1_2022_011.tar.gz"
    )
    assert local_day_path(tmp_path, 2022, 12, product="scnLv2", streams=STREAMS).endswith(
        "2022/012/scnLv2_rapid_2022_012.tar.gz"
    )
    with pytest.raises(ConfigError, match="local_archive"):
        local_day_path(None, 2022, 11, product="scnLv2", streams=STREAMS)


@pytest.mark.workflow
def test_download_rule_with_stream_fallback(tmp_path_factory):
    """The real download rule: DOY 1 from rapid, DOY 201 only in provisional/spaceWeather."""
    import stat

    import pandas as pd

    from .workflow_helpers import make_workdir, snakemake

    root = tmp_path_factory.mktemp("cdaac2wf")
    served = {}
    for doy, stream in ((1, "rapid"), (201, "provisional/spaceWeather")):
        d = root / "gnss-ro" / "cosmic2" / stream / "level2" / "2022" / f"{doy:03d}"
        d.mkdir(parents=True)
        path = d / day_file_name("scnLv2", stream, 2022, doy)
        write_day_tarball(path, 2022, doy, SyntheticStream(members_per_day=200), seed=5)
        served[doy] = path.read_bytes()

    def handler(*args, **kwargs):
        return _Handler(*args, directory=str(root), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_address[1]}/gnss-ro/cosmic2"
        wd = make_workdir(
            tmp_path_factory.mktemp("wf"),
            "cosmic2_cdaac",
            overrides={"cosmic": {"missions": {"cosmic2": {"cdaac": {"base_url": base_url}}}}},
        )
        snakemake(wd, "--cores", "2", "results/occultation/cosmic2/qc_summary.csv")
    finally:
        httpd.shutdown()
    for doy in (1, 201):
        raw = wd / "resources" / "cosmic" / "cosmic2" / "2022" / f"{doy:03d}.tar.gz"
        assert raw.read_bytes() == served[doy]
        assert not raw.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # protected
    log = (wd / "logs" / "download" / "cosmic2" / "2022" / "201.log").read_text()
    assert "taken from stream provisional/spaceWeather" in log
    summary = pd.read_csv(wd / "results" / "occultation" / "cosmic2" / "qc_summary.csv")
    counts = dict(zip(summary["reason"], summary["count"], strict=True))
    assert counts["days"] == 2 and counts["total_members"] == 400
