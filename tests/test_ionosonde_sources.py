"""Sources of raw ionosonde files: GIRO/UKSSDC downloads from a local server, manual archives."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from estransport.errors import DownloadError, MissingInputsError
from estransport.ionosonde.hourly import read_raw
from estransport.ionosonde.sources import (
    check_manual,
    download_giro_year,
    download_ukssdc_year,
    giro_query_url,
    raw_path,
)
from estransport.ionosonde.stations import Station
from estransport.synthetic.ionosonde import generate_station_year

from .ionosonde_helpers import default_ionosonde, default_truth

WUHAN = Station("wuhan", "Wuhan", 30.5, 114.4, "120E", 2006, 2016, "giro", "didbase", "WU430")
MOHE = Station("mohe", "Mohe", 52.0, 122.5, "120E", 2006, 2016, "manual", "sao")
SLOUGH = Station("slough", "Slough", 51.51, -0.60, "Greenwich", 1975, 1998, "ukssdc", "iiwg")

DIDBASE_BODY = (
    "# Global Ionospheric Radio Observatory\n"
    "# foEs [MHz] - Es layer critical frequency\n"
    "#Time                     CS   foEs QD\n"
    "2009-06-01T00:00:00.000Z 100   4.50 //\n"
    "2009-06-01T00:15:00.000Z  90    --- /G\n"
)


class _Server:
    """A local HTTP server whose answers are set per path prefix; records every request."""

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                outer.requests.append(self.path)
                status, body = 404, b"not found"
                for prefix, answer in outer.routes.items():
                    if self.path.startswith(prefix):
                        status, body = answer
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def _module_server():
    s = _Server()
    yield s
    s.close()


@pytest.fixture()
def server(_module_server):
    _module_server.routes.clear()
    _module_server.requests.clear()
    return _module_server


def _giro_kw(server):
    return dict(
        base_url=f"{server.url}/common/DIDBGetValues",
        fallback_url=f"{server.url}/fastchar/getbest",
        characteristics=("foEs", "hEs"),
        retries=0,
        backoff_s=0.0,
        timeout_s=5.0,
        sleep=lambda s: None,
    )


def test_giro_query_url_is_the_documented_one():
    url = giro_query_url(
        "https://lgdc.uml.edu/common/DIDBGetValues",
        "WU430",
        ["foEs", "hEs"],
        dt.datetime(2009, 1, 1),
        dt.datetime(2009, 12, 31, 23, 59, 59),
    )
    assert url == (
        "https://lgdc.uml.edu/common/DIDBGetValues?ursiCode=WU430&charName=foEs,hEs"
        "&DMUF=3000&fromDate=2009/01/01+00:00:00&toDate=2009/12/31+23:59:59"
    )


def test_giro_download_uses_didbgetvalues(server, tmp_path):
    server.routes["/common/DIDBGetValues"] = (200, DIDBASE_BODY.encode())
    dest = tmp_path / "wuhan_2009.txt"
    url = download_giro_year(WUHAN, 2009, dest, **_giro_kw(server))
    assert url.startswith(f"{server.url}/common/DIDBGetValues?")
    assert len(server.requests) == 1
    query = parse_qs(urlsplit(server.requests[0]).query)
    assert query["ursiCode"] == ["WU430"] and query["charName"] == ["foEs,hEs"]
    assert query["fromDate"] == ["2009/01/01 00:00:00"]  # '+' is the encoded blank
    table = read_raw(dest, WUHAN)
    assert table["foEs_MHz"].iloc[0] == 4.5 and table["descriptor"].iloc[1] == "G"


def test_giro_falls_back_to_fastchar_on_404(server, tmp_path):
    server.routes["/fastchar/getbest"] = (200, DIDBASE_BODY.encode())
    dest = tmp_path / "wuhan_2009.txt"
    url = download_giro_year(WUHAN, 2009, dest, **_giro_kw(server))
    assert url.startswith(f"{server.url}/fastchar/getbest?ursiCode=WU430&charName=foEs,hEs")
    assert [r.split("?")[0] for r in server.requests] == [
        "/common/DIDBGetValues",
        "/fastchar/getbest",
    ]
    assert dest.read_text() == DIDBASE_BODY


def test_giro_both_missing_and_error_reply(server, tmp_path):
    dest = tmp_path / "wuhan_2009.txt"
    with pytest.raises(DownloadError, match="no GIRO endpoint has this query") as info:
        download_giro_year(WUHAN, 2009, dest, **_giro_kw(server))
    assert "DIDBGetValues" in str(info.value) and "fastchar" in str(info.value)
    assert not dest.exists()
    # an 'ERROR:' body is not data: no fallback, no file
    server.routes["/common/DIDBGetValues"] = (200, b"ERROR: unknown URSI code WU430\n")
    server.requests.clear()
    with pytest.raises(DownloadError, match="server error message"):
        download_giro_year(WUHAN, 2009, dest, **_giro_kw(server))
    assert len(server.requests) == 1 and not dest.exists()


@pytest.mark.parametrize("year", [1924, 2150, 3024])
def test_giro_body_with_an_implausible_year_is_a_download_error(server, tmp_path, year):
    """A year outside 1930-2100 fails validation with the URL named, not a pandas error."""
    body = DIDBASE_BODY.replace("2009-06-01T00:15", f"{year}-06-01T00:15")
    server.routes["/common/DIDBGetValues"] = (200, body.encode())
    dest = tmp_path / "wuhan_2009.txt"
    with pytest.raises(DownloadError, match=rf"line 5: .*year {year}.*URL: http") as info:
        download_giro_year(WUHAN, 2009, dest, **_giro_kw(server))
    assert "/common/DIDBGetValues?ursiCode=WU430" in info.value.url
    assert not dest.exists()


def test_ukssdc_template_download_is_validated(server, tmp_path):
    src = tmp_path / "src.iiwg"
    generate_station_year(SLOUGH, 1990, src, seed=1, truth=default_truth())
    server.routes["/iiwg/slough/1990"] = (200, src.read_bytes())
    dest = tmp_path / "slough_1990.iiwg"
    url = download_ukssdc_year(
        SLOUGH,
        1990,
        dest,
        url_template=server.url + "/iiwg/{code}/{year}",
        retries=0,
        backoff_s=0,
        timeout_s=5,
        sleep=lambda s: None,
    )
    assert url.endswith("/iiwg/slough/1990")
    assert dest.read_bytes() == src.read_bytes()
    server.routes["/iiwg/slough/1991"] = (200, b"this is not an IIWG file\n")
    with pytest.raises(DownloadError, match="downloaded content is unusable"):
        download_ukssdc_year(
            SLOUGH,
            1991,
            tmp_path / "x.iiwg",
            url_template=server.url + "/iiwg/{code}/{year}",
            retries=0,
            backoff_s=0,
            timeout_s=5,
            sleep=lambda s: None,
        )


def test_manual_source_lists_what_is_missing(tmp_path):
    raw = tmp_path / "resources" / "ionosonde"
    present = raw_path(raw, MOHE, 2009)
    assert present == str(raw / "mohe" / "mohe_2009.sao")
    (raw / "mohe").mkdir(parents=True)
    open(present, "w").close()
    with pytest.raises(MissingInputsError) as info:
        check_manual(MOHE, [2008, 2009, 2010], raw)
    err = info.value
    assert isinstance(err, FileNotFoundError)
    assert err.missing == [str(raw / "mohe" / "mohe_2008.sao"), str(raw / "mohe" / "mohe_2010.sao")]
    text = str(err)
    assert "2 required input file(s) are missing" in text
    assert "mohe_2008.sao" in text and "mohe_2009.sao" not in text
    assert "https://data.meridianproject.ac.cn/" in text and "cat " in text
    # all present: the expected list comes back
    for y in (2008, 2010):
        open(raw_path(raw, MOHE, y), "w").close()
    assert check_manual(MOHE, [2008, 2009, 2010], raw) == [
        raw_path(raw, MOHE, y) for y in (2008, 2009, 2010)
    ]


def test_all_hand_placed_stations_are_listed_together(tmp_path):
    from estransport.ionosonde.sources import check_manual_all

    with pytest.raises(MissingInputsError) as info:
        check_manual_all([(MOHE, [2009, 2010]), (SLOUGH, [1990])], tmp_path)
    err = info.value
    assert err.missing == [
        raw_path(tmp_path, MOHE, 2009),
        raw_path(tmp_path, MOHE, 2010),
        raw_path(tmp_path, SLOUGH, 1990),
    ]
    text = str(err)
    assert "Mohe (120E chain)" in text and "Slough comes from UKSSDC" in text
    assert text.count("ionosonde.source: synthetic") == 1


def test_plan_years_and_missing_files(repo, tmp_path):
    from estransport.steps.ionosonde import ionosonde_plan

    cfg = {
        **default_ionosonde(),
        "source": "real",
        "year_range": [1997, 2006],
        "raw_dir": str(tmp_path),
    }
    plan = ionosonde_plan(cfg, repo)
    assert plan.station_years["lerwick"] == [1997, 1998]
    assert plan.station_years["wuhan"] == [2006]
    assert not plan.by_hand("wuhan") and plan.by_hand("mohe") and plan.by_hand("slough")
    assert plan.raw_files("wuhan") == [str(tmp_path / "wuhan" / "wuhan_2006.txt")]
    with pytest.raises(MissingInputsError) as info:
        plan.hourly_tables()
    # 5 Greenwich stations x 2 years (ukssdc without template) + 3 manual stations x 1 year
    assert len(info.value.missing) == 13
    # with a UKSSDC URL template the Greenwich files are downloads, not hand-placed
    templated = ionosonde_plan(
        {**cfg, "ukssdc": {**cfg["ukssdc"], "url_template": "x/{code}"}}, repo
    )
    assert not templated.by_hand("slough") and templated.by_hand("mohe")
    with pytest.raises(MissingInputsError) as info:
        templated.hourly_tables()
    assert len(info.value.missing) == 3
    synthetic = ionosonde_plan({**cfg, "source": "synthetic"}, repo)
    years = default_ionosonde()["synthetic"]["years"]
    assert synthetic.station_years["mohe"] == list(range(years["120E"][0], years["120E"][1] + 1))
    assert synthetic.hourly_tables()[0] == "results/ionosonde/lerwick/hourly.parquet"
