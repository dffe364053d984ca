"""The real download rule, run by Snakemake against a CDAAC-layout server on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import stat
import threading

import pandas as pd
import pytest

from estransport.synthetic.cosmic import day_tarball_name, write_day_tarball

from .workflow_helpers import make_workdir, snakemake

pytestmark = pytest.mark.workflow


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def _publish(root, doy, stream, *, arcs_per_day, seed):
    """Put the synthetic 2008 day ``doy`` on the test server in ``stream``; returns its bytes."""
    d = root / "gnss-ro" / "cosmic1" / stream / "level1b" / "2008" / f"{doy:03d}"
    d.mkdir(parents=True)
    path = d / day_tarball_name(2008, doy, stream)
    write_day_tarball(
        path,
        2008,
        doy,
        arcs_per_day=arcs_per_day,
        es_fraction=0.8,
        fill_fraction=0.02,
        empty_member_fraction=0.003,
        seed=seed,
    )
    return path.read_bytes()


@pytest.fixture(scope="module")
def cdaac_server(tmp_path_factory):
    """Serve synthetic day tarballs in CDAAC's tree: DOY 1 in repro2013, DOY 201 only in postProc."""
    root = tmp_path_factory.mktemp("cdaac")
    served = {}
    for doy, stream in ((1, "repro2013"), (201, "postProc")):
        served[doy] = _publish(root, doy, stream, arcs_per_day=200, seed=11)
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/gnss-ro/cosmic1", served
    httpd.shutdown()


def _server(base_url):
    """The run-time part of the configuration: where the test server listens."""
    return {"cosmic": {"cdaac": {"base_url": base_url}}}


def test_download_rule_fetches_both_streams_and_protects(cdaac_server, tmp_path):
    base_url, served = cdaac_server
    wd = make_workdir(tmp_path, "cdaac", _server(base_url))  # 2008 DOY 1 and 201
    snakemake(wd, "--cores", "2", "results/occultation/qc_summary.csv")
    for doy in (1, 201):
        raw = wd / "resources" / "cosmic" / "scnLv1" / "2008" / f"{doy:03d}.tar.gz"
        assert raw.read_bytes() == served[doy]
        # protected(): no write permission for anyone.
        assert not raw.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        events = pd.read_parquet(
            wd / "results" / "occultation" / "events" / "2008" / f"{doy:03d}.parquet"
        )
        assert len(events) > 100
    # One download job for the batch of both days (cosmic.ingest.days_per_job).
    log = (wd / "logs" / "download" / "scnlv1" / "2008_001.log").read_text()
    assert (
        "2008-201 taken from stream postProc" in log
        and "2008-001 taken from stream repro2013" in log
    )
    # Nothing left half-written, and a rerun has nothing to do (no re-download).
    assert not list((wd / "resources").rglob(".tmp-*"))
    assert not list((wd / "resources").rglob(".kept-*"))  # removed once the batch is done
    proc = snakemake(wd, "--cores", "1", "--dry-run", "results/occultation/qc_summary.csv")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_missing_day_fails_naming_day_and_urls(cdaac_server, tmp_path):
    base_url, _ = cdaac_server
    wd = make_workdir(tmp_path, "cdaac_gap", _server(base_url))  # 2009-001 is not served
    proc = snakemake(wd, "--cores", "1", "results/occultation/qc_summary.csv", check=False)
    assert proc.returncode != 0
    log = (wd / "logs" / "download" / "scnlv1" / "2009_001.log").read_text()
    assert "2009-001" in log
    assert "repro2013/level1b/2009/001" in log and "postProc/level1b/2009/001" in log
    assert not (wd / "resources" / "cosmic" / "scnLv1" / "2009" / "001.tar.gz").exists()
    assert not list(wd.rglob(".tmp-*"))


def test_missing_day_policy_empty_records_the_gap(cdaac_server, tmp_path):
    base_url, _ = cdaac_server
    wd = make_workdir(tmp_path, "cdaac_gap_empty", _server(base_url))  # 2009-001, missing_day empty
    snakemake(wd, "--cores", "1", "results/occultation/qc_summary.csv")
    summary = pd.read_csv(wd / "results" / "occultation" / "qc_summary.csv").set_index("reason")[
        "count"
    ]
    assert (
        summary["days"] == 1 and summary["days_without_data"] == 1 and summary["total_members"] == 0
    )
    log = (wd / "logs" / "download" / "scnlv1" / "2009_001.log").read_text()
    assert "WARNING" in log and "2009-001" in log


class _RecordingHandler(_QuietHandler):
    """Also records each requested path on the server (``server.requests``)."""

    def do_GET(self):
        self.server.requests.append(self.path)
        super().do_GET()


def test_failed_batch_keeps_finished_days_and_rerun_fetches_only_the_rest(tmp_path):
    """A download batch whose second day fails: the rerun does not fetch the first day again."""
    root = tmp_path / "server"
    # 2008-201 is not on the server yet
    served = {1: _publish(root, 1, "repro2013", arcs_per_day=100, seed=1)}
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_RecordingHandler, directory=str(root))
    )
    httpd.requests = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_address[1]}/gnss-ro/cosmic1"
        wd = make_workdir(
            tmp_path / "wd", "cdaac", _server(base_url)
        )  # 2008-001 + 2008-201, one batch
        raw = wd / "resources" / "cosmic" / "scnLv1" / "2008"
        proc = snakemake(wd, "--cores", "1", "results/occultation/qc_summary.csv", check=False)
        assert proc.returncode != 0
        log = (wd / "logs" / "download" / "scnlv1" / "2008_001.log").read_text()
        assert "1 of 2 item(s) failed" in log and "2008-201" in log
        # Snakemake removed the failed job's outputs; the finished day is kept beside them.
        assert not (raw / "001.tar.gz").exists() and not (raw / "201.tar.gz").exists()
        assert (raw / ".kept-001.tar.gz").read_bytes() == served[1]
        assert sum("/2008/001/" in r for r in httpd.requests) == 1

        served[201] = _publish(root, 201, "postProc", arcs_per_day=100, seed=201)
        httpd.requests.clear()
        snakemake(wd, "--cores", "1", "results/occultation/qc_summary.csv")
        assert not [r for r in httpd.requests if "/2008/001/" in r]  # not fetched again
        assert [r for r in httpd.requests if "/2008/201/" in r]
        for doy in (1, 201):
            assert (raw / f"{doy:03d}.tar.gz").read_bytes() == served[doy]
        assert not list(raw.glob(".kept-*")) and not list(raw.glob(".tmp-*"))
        summary = pd.read_csv(wd / "results" / "occultation" / "qc_summary.csv").set_index(
            "reason"
        )["count"]
        assert summary["days"] == 2 and summary["total_members"] > 150
    finally:
        httpd.shutdown()


def test_full_paper_period_dry_run_is_offline_and_complete(tmp_path):
    """`snakemake -n` for the 2006-2011 cdaac configuration lists the whole graph without network."""
    wd = make_workdir(tmp_path, "cdaac_paper_period")
    # Timing is reported by tools/benchmark_cosmic.py, never asserted in a test.
    proc = snakemake(wd, "--dry-run", "--cores", "2", "--scheduler", "greedy", "paper")
    out = proc.stdout
    n_days = sum(366 if y % 4 == 0 else 365 for y in range(2006, 2012))
    assert n_days == 2191
    line = next(x for x in out.splitlines() if x.split()[:1] == ["seasonal_maps"])
    assert int(line.split()[1]) == 1, line
    # the ingest and the downloads: one job per batch of at most 30 days within a year
    # (13 a year), and the same batches for both (a download job feeds one ingest job)
    names = {}
    for kind in ("ingest_scnlv1_batch_", "download_scnlv1_batch_"):
        batches = {
            tuple(x.split())
            for x in out.splitlines()  # the job-count table's rows
            if len(x.split()) == 2 and x.split()[0].startswith(kind)
        }
        assert len(batches) == 6 * 13 and all(int(n) == 1 for _, n in batches), kind
        names[kind] = {b.removeprefix(kind) for b, _ in batches}
    assert names["ingest_scnlv1_batch_"] == names["download_scnlv1_batch_"]
    assert not (wd / "resources").exists()
