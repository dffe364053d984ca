"""Ingest of COSMIC-2/Spire per-sample scintillation days: exactly the planted events and QC."""

from __future__ import annotations

import gzip
import io
import logging
import tarfile

import netCDF4
import numpy as np
import pandas as pd
import pytest

from estransport.errors import InputFileError
from estransport.io.scnlv1_qc import QC_REASONS
from estransport.io.scnlv2 import (
    EVENT_COLUMNS,
    GPS_EPOCH_UNIX_S,
    ingest_scint_day,
    parse_member_name,
    read_scint_day,
)
from estransport.synthetic.cosmic2 import SyntheticStream, write_day_tarball

ES = (90.0, 130.0)
S4_RANGE = (0.0, 5.0)
SEED = 20210407


@pytest.fixture(scope="module")
def c2_day(tmp_path_factory):
    """One synthetic COSMIC-2 scnLv2 day at the real volume (9,000 arcs)."""
    path = tmp_path_factory.mktemp("c2") / "scnLv2_rapid_2022_172.tar.gz"
    arcs = write_day_tarball(path, 2022, 172, SyntheticStream(members_per_day=9000), seed=SEED)
    return path, arcs


def _read(path, product="scnLv2", mode="auto", strict=False):
    logging.getLogger("estransport").setLevel(logging.ERROR)
    try:
        return read_scint_day(
            path,
            product=product,
            mission="cosmic2",
            altitude_km=ES,
            tangent_point=mode,
            strict=strict,
        )
    finally:
        logging.getLogger("estransport").setLevel(logging.NOTSET)


def test_exactly_the_planted_events_and_qc_counts(c2_day, tmp_path):
    path, arcs = c2_day
    events_path, qc_path = tmp_path / "ev.parquet", tmp_path / "qc.csv"
    kept = ingest_scint_day(
        path,
        events_path,
        qc_path,
        product="scnLv2",
        mission="cosmic2",
        altitude_km=ES,
        s4max_range=S4_RANGE,
        tangent_point="auto",
        strict=False,
    )
    planted = arcs[arcs["kind"] == "es"].set_index("member")
    assert list(kept.columns) == list(EVENT_COLUMNS)
    assert set(kept["member"]) == set(planted.index)
    got = kept.set_index("member").loc[planted.index]
    np.testing.assert_array_equal(got["s4max"], planted["s4max"])
    np.testing.assert_array_equal(got["alttp_s4max"], planted["alttp_s4max"])
    np.testing.assert_array_equal(got["lattp_s4max"], planted["lattp_s4max"])
    np.testing.assert_array_equal(got["lontp_s4max"], planted["lontp_s4max"])
    np.testing.assert_array_equal(got["start_time_gps_s"], planted["start_time_gps_s"])
    for col in ("leo_id", "prn_id", "antenna_id"):
        np.testing.assert_array_equal(got[col], planted[col])
    seconds = got["time"].astype("int64").to_numpy() / 1e9 - GPS_EPOCH_UNIX_S
    np.testing.assert_allclose(seconds, planted["time_gps_s"], rtol=0, atol=1e-3)
    assert (got["mission"] == "cosmic2").all()
    assert got["s4max9sec"].isna().all()
    # Every arc ends under exactly the reason its kind plants.
    qc = pd.read_csv(qc_path)
    counts = dict(zip(qc["reason"], qc["count"], strict=True))
    assert counts["total_members"] == len(arcs) == 9000
    expected = arcs["reason"].value_counts().to_dict()
    for reason in QC_REASONS:
        assert counts[reason] == expected.get(reason, 0), reason
    assert set(qc["mission"]) == {"cosmic2"}
    assert qc["day"].iloc[0] == "2022-172"
    # The written table is the returned one.
    pd.testing.assert_frame_equal(pd.read_parquet(events_path), kept, check_dtype=False)


def test_in_window_maximum_against_netcdf4(c2_day, tmp_path):
    """An independent reading: netCDF4 opens members; the in-window maximum of s4_L1 is ours."""
    path, arcs = c2_day
    events, _ = _read(path)
    by_member = events.set_index("member")
    sample = arcs[arcs["kind"].isin(["es", "outside"])].iloc[::300]
    with tarfile.open(path, "r:gz") as tar:
        for row in sample.itertuples():
            data = tar.extractfile(row.member).read()
            with netCDF4.Dataset("mem", memory=data) as ds:
                s4 = ds["s4_L1"][:].filled(np.nan)
                h = ds["occheight"][:].filled(np.nan)
                start = ds.getncattr("startTime")
                t = ds["time"][:] + start
            win = (h >= ES[0]) & (h <= ES[1]) & np.isfinite(s4)
            ours = by_member.loc[row.member]
            if row.kind == "es":
                k = int(np.nanargmax(np.where(win, s4, -np.inf)))
                assert ours["s4max"] == pytest.approx(float(s4[k]), abs=0)
                assert ours["alttp_s4max"] == pytest.approx(float(h[k]), abs=0)
                assert ours["time"].value / 1e9 - GPS_EPOCH_UNIX_S == pytest.approx(
                    float(t[k]), abs=1e-3
                )
            else:  # no sample in the window: the arc keeps its overall maximum, outside it
                assert not win.any()
                assert ours["s4max"] == pytest.approx(float(np.nanmax(s4)), abs=0)
                assert not ES[0] <= ours["alttp_s4max"] <= ES[1]


def test_f_region_scintillation_is_not_taken(c2_day):
    """Arcs whose S4 maximum lies above 150 km still give their Es-height maximum."""
    path, arcs = c2_day
    events, _ = _read(path)
    es = arcs[arcs["kind"] == "es"].set_index("member")
    got = events.set_index("member").loc[es.index]
    assert (got["alttp_s4max"].between(*ES)).all()
    with tarfile.open(path, "r:gz") as tar:
        stronger_above = 0
        for member in es.index[:400]:
            with netCDF4.Dataset("m", memory=tar.extractfile(member).read()) as ds:
                if ds.getncattr("s4max_L1") > got.loc[member, "s4max"]:
                    stronger_above += 1  # the arc summary is the F-region maximum
    assert stronger_above > 50


def test_podtc2_positions_give_the_planted_tangent_points(tmp_path):
    path = tmp_path / "podTc2_rapid_2022_172.tar.gz"
    arcs = write_day_tarball(
        path, 2022, 172, SyntheticStream(product="podTc2", members_per_day=1500), seed=3
    )
    events, problems = _read(path, product="podTc2", mode="computed")
    assert {p["reason"] for p in problems} <= {"empty_member"}
    got = events.set_index("member")
    es = arcs[arcs["kind"] == "es"].set_index("member")
    sel = got.loc[es.index]
    assert np.abs(sel["lattp_s4max"] - es["lattp_s4max"]).max() < 1e-6
    assert np.abs(sel["alttp_s4max"] - es["alttp_s4max"]).max() < 1e-6
    dlon = (sel["lontp_s4max"] - es["lontp_s4max"] + 180.0) % 360.0 - 180.0
    assert np.abs(dlon).max() < 1e-6
    np.testing.assert_array_equal(sel["s4max"], es["s4max"])
    # "auto" takes the positions too; "product" cannot (podTc2 has no tangent lat/lon).
    auto, _ = _read(path, product="podTc2", mode="auto")
    pd.testing.assert_frame_equal(auto, events)
    _, problems = _read(path, product="podTc2", mode="product")
    assert len(problems) == len(arcs)
    assert {p["reason"] for p in problems} == {"empty_member", "corrupt_member"}
    assert any("neither occheight/lat/lon" in p["detail"] for p in problems)


def test_scnlv2_has_no_positions_for_computed_tangent_points(c2_day):
    path, arcs = c2_day
    events, problems = _read(path, mode="computed")
    assert len(events) == 0
    assert len(problems) == len(arcs)
    assert any("needs x/y/z_LEO" in p["detail"] for p in problems)


def _tar(path, members):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(raw.getvalue(), mtime=0))


def _netcdf4_member(tmp_path, *, n=50, relative=True, start=1.34e9):
    """A scnLv2-like member written by the netCDF library (record dimension, own layout)."""
    p = tmp_path / "lib.nc"
    h = np.linspace(140.0, 80.0, n)
    s4 = np.full(n, 0.05, dtype="f4")
    s4[n // 2] = 0.7  # at h[25] ~ 109 km
    with netCDF4.Dataset(p, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("time", None)
        for name, values, typ in (
            ("time", np.arange(n) + (0.0 if relative else start), "f8"),
            ("s4_L1", s4, "f4"),
            ("occheight", h, "f8"),
            ("lat", np.full(n, 12.5), "f8"),
            ("lon", np.full(n, 190.0), "f8"),
        ):
            ds.createVariable(name, typ, ("time",), fill_value=-999.0)[:] = values
        ds.startTime = start
        ds.leoId = np.int32(4)
        ds.occsatId = np.int32(17)
        ds.antenna_id = np.int32(1)
    return p.read_bytes(), h[n // 2]


def test_damaged_members_and_other_layouts(c2_day, tmp_path):
    lib, h_peak = _netcdf4_member(tmp_path)
    absolute, _ = _netcdf4_member(tmp_path, relative=False)
    path = tmp_path / "mixed.tar.gz"
    _tar(
        path,
        [
            ("scnLv2_2022.172.004.10.00.G17.SC001_0001.0001_nc", lib),
            ("scnLv2_2022.172.004.11.00.G17.SC001_0001.0001_nc", absolute),
            ("scnLv2_2022.172.004.12.00.G17.SC001_0001.0001_nc", b"<html>oops</html>"),
            ("scnLv2_2022.172.004.13.00.G17.SC001_0001.0001_nc", lib[:200]),
            ("scnLv2_2022.172.004.14.00.G17.SC001_0001.0001_nc", b""),
            ("README.txt", b"not a member"),
        ],
    )
    events, problems = _read(path)
    assert events.attrs["n_members"] == 5
    assert [p["reason"] for p in problems] == ["corrupt_member", "corrupt_member", "empty_member"]
    assert len(events) == 2
    for row in events.itertuples():
        assert row.s4max == pytest.approx(0.7, rel=1e-6)
        assert row.alttp_s4max == h_peak
        assert row.lontp_s4max == pytest.approx(-170.0)  # wrapped
        assert row.start_time_gps_s == 1.34e9
        assert row.time.value / 1e9 - GPS_EPOCH_UNIX_S == pytest.approx(1.34e9 + 25)
    with pytest.raises(InputFileError, match=r"mixed.tar.gz \[member scnLv2_2022.172.004.12"):
        _read(path, strict=True)


def test_truncated_day_is_an_error(c2_day, tmp_path):
    path, _ = c2_day
    blob = path.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputFileError, match="cut.tar.gz"):
        _read(cut)


def test_member_names():
    # Real names: scnLv2 of COSMIC-2 [S64], podTc2 [S9] [S15], scnLv2 CDAAC template [S14].
    a = parse_member_name("2026.200/scnLv2_2026.200.006.01.01.R16.SC001_0001.0001_nc")
    assert (a["product"], a["year"], a["doy"], a["leo"], a["gnss_system"], a["prn"]) == (
        "scnLv2",
        2026,
        200,
        "006",
        "R",
        16,
    )
    b = parse_member_name("podTc2_C2E3.2021.020.23.47.0010.R21.02_0001.0001_nc")
    assert (b["leo"], b["hour"], b["minute"], b["duration_min"], b["antenna"]) == (
        "C2E3",
        23,
        47,
        10,
        "02",
    )
    c = parse_member_name("scnLv2_C001.2008.100.12.34.0003.G05.01_2013.3520_nc")
    assert c["leo"] == "C001" and c["prn"] == 5
    with pytest.raises(ValueError, match="no known CDAAC template"):
        parse_member_name("scnLv2_garbage_nc")
