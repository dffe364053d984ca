"""The synthetic COSMIC-2/Spire generator writes the known format and the truth it claims."""

from __future__ import annotations

import hashlib
import tarfile

import netCDF4
import numpy as np
import pytest

from estransport.io.scnlv2 import parse_member_name
from estransport.synthetic.cosmic import ES_ALTITUDE_KM, planted_mean_s4max
from estransport.synthetic.cosmic2 import (
    COSMIC2_LAT_LIMIT_DEG,
    KINDS,
    SyntheticStream,
    generate_day,
    write_day_tarball,
)

# Names of docs/formats.md §2.3: the CDAAC page's attributes [V] [S14] and those a public
# reader takes from real files [V3] [S64]; variables of real files read by third parties [V3].
SCNLV2_GLOBALS = {
    "center",
    "timeOfProcessing",
    "missionId",
    "dump_id",
    "leoId",
    "antenna_id",
    "occsatId",
    "startTime",
    "stopTime",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "duration",
    "conId",
    "s4max_L1",
    "s4max_L2",
    "alt_s4max_L1",
    "lat_s4max_L1",
    "lon_s4max_L1",
    "lct_s4max_L1",
    "sigmaphimax_L1",
    "elevmin",
    "elevmax",
}
SCNLV2_VARIABLES = {
    "time",
    "s4_L1",
    "s4_L2",
    "sigma_phi_L1",
    "sigma_phi_L2",
    "L1_SNR",
    "elevation",
    "occheight",
    "lat",
    "lon",
    "slip_L1",
    "slip_L2",
}
PODTC2_VARIABLES = {
    "leveling_offset",
    "time",
    "TEC",
    "S4",
    "elevation",
    "occheight",
    "caL1_SNR",
    "x_LEO",
    "y_LEO",
    "z_LEO",
    "x_GPS",
    "y_GPS",
    "z_GPS",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("syn2") / "scnLv2_rapid_2022_100.tar.gz"
    stream = SyntheticStream(members_per_day=600, fill_fraction=0.05, empty_member_fraction=0.02)
    arcs = write_day_tarball(path, 2022, 100, stream, seed=11)
    return path, arcs, stream


def test_same_seed_same_bytes(small, tmp_path):
    path, _, stream = small
    again = tmp_path / "again.tar.gz"
    write_day_tarball(again, 2022, 100, stream, seed=11)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()
    other = tmp_path / "other.tar.gz"
    write_day_tarball(other, 2022, 100, stream, seed=12)
    assert path.read_bytes() != other.read_bytes()


def test_members_are_the_known_format(small):
    path, arcs, _ = small
    with tarfile.open(path, "r:gz") as tar:
        members = [m for m in tar.getmembers()]
        assert [m.name for m in members] == arcs["member"].tolist()
        assert len({m.name for m in members}) == len(members)
        for m, row in zip(members, arcs.itertuples(), strict=True):
            fields = parse_member_name(m.name)
            assert fields["product"] == "scnLv2" and (fields["year"], fields["doy"]) == (2022, 100)
            assert m.name.endswith("_0001.0001_nc")
            if row.kind == "empty":
                assert m.size == 0
                continue
            with netCDF4.Dataset("m", memory=tar.extractfile(m).read()) as ds:
                assert ds.file_format == "NETCDF3_CLASSIC"
                assert set(ds.ncattrs()) == SCNLV2_GLOBALS
                assert set(ds.variables) == SCNLV2_VARIABLES
                assert ds.leoId == row.leo_id and ds.occsatId == row.prn_id
                assert ds.startTime == row.start_time_gps_s
                t = ds["time"][:]
                assert t[0] == 0 and np.all(np.diff(t) == 1)  # seconds from startTime, 1 Hz
                assert ds.stopTime == ds.startTime + t[-1]
                lat = ds["lat"][:]
                assert np.abs(lat).max() < COSMIC2_LAT_LIMIT_DEG
                assert ds["s4_L1"]._FillValue == np.float32(-999.0)


def test_planted_peak_is_the_unique_es_maximum(small):
    path, arcs, _ = small
    with tarfile.open(path, "r:gz") as tar:
        for row in arcs[arcs["kind"].isin(["es", "outlier"])].itertuples():
            with netCDF4.Dataset("m", memory=tar.extractfile(row.member).read()) as ds:
                s4 = ds["s4_L1"][:].filled(np.nan)
                h = ds["occheight"][:]
            win = (h >= ES_ALTITUDE_KM[0]) & (h <= ES_ALTITUDE_KM[1])
            assert s4[row.i_peak] == np.float32(row.s4max)
            assert h[row.i_peak] == row.alttp_s4max
            others = np.delete(np.where(win, s4, -np.inf), row.i_peak)
            assert others.max() < s4[row.i_peak]


def test_kinds_and_coverage_at_real_volume():
    day = generate_day(2022, 182, SyntheticStream(), seed=5)
    arcs = day["arcs"]
    assert len(arcs) == 9000
    share = arcs["kind"].value_counts(normalize=True)
    assert share["es"] == pytest.approx(0.8 * 0.98 * 0.997, abs=0.02)
    assert share["fill"] == pytest.approx(0.02, abs=0.005)
    assert set(arcs["reason"]) <= set(KINDS.values())
    # Every sample's tangent point inside the coverage; peaks uniform in area within it.
    assert np.abs(day["lat"]).max() < COSMIC2_LAT_LIMIT_DEG
    es = arcs[arcs["kind"] == "es"]
    frac_low = (np.abs(es["lattp_s4max"]) < 20.0).mean()
    expected = np.sin(np.radians(20.0)) / np.sin(np.radians(COSMIC2_LAT_LIMIT_DEG - 2.4))
    assert frac_low == pytest.approx(expected, abs=0.03)
    # Outside arcs never touch the Es window; every tangent height stays below the LEO.
    off = day["offsets"]
    for k in np.flatnonzero((arcs["kind"] == "outside").to_numpy())[:500]:
        h = day["alt"][off[k] : off[k + 1]]
        assert not ((h >= 90.0) & (h <= 130.0)).any()
    assert day["alt"].max() <= 500.0 + 1e-9


def test_planted_climatology_is_the_cosmic1_one():
    """Mean planted S4max of Es arcs in latitude bands follows planted_mean_s4max."""
    doys = [172, 173, 174]
    lat, s4 = [], []
    for doy in doys:
        arcs = generate_day(2022, doy, SyntheticStream(), seed=9)["arcs"]
        es = arcs[arcs["kind"] == "es"]
        lat.append(es["lattp_s4max"].to_numpy())
        s4.append(es["s4max"].to_numpy())
    lat, s4 = np.concatenate(lat), np.concatenate(s4)
    for lo in (-40, -20, 0, 20, 30):
        sel = (lat >= lo) & (lat < lo + 10)
        band = np.linspace(lo + 0.5, lo + 9.5, 10)
        truth = planted_mean_s4max(
            band[:, None], np.linspace(-177.5, 177.5, 72)[None, :], doys
        ).mean()
        assert s4[sel].mean() == pytest.approx(truth, rel=0.08), lo


def test_podtc2_members(tmp_path):
    path = tmp_path / "podTc2_rapid_2022_100.tar.gz"
    arcs = write_day_tarball(
        path, 2022, 100, SyntheticStream(product="podTc2", members_per_day=50), seed=2
    )
    with tarfile.open(path, "r:gz") as tar:
        m = next(x for x in tar.getmembers() if x.size)
        assert parse_member_name(m.name)["leo"].startswith("C2E")
        with netCDF4.Dataset("m", memory=tar.extractfile(m).read()) as ds:
            assert set(ds.variables) == PODTC2_VARIABLES
            assert ds["time"][0] > 1e9  # absolute GPS seconds
            r_leo = np.sqrt(ds["x_LEO"][:] ** 2 + ds["y_LEO"][:] ** 2 + ds["z_LEO"][:] ** 2)
            assert np.all((r_leo > 6378.0 + 500) & (r_leo < 6378.2 + 560))
            assert np.all(ds["elevation"][:] < 0)  # occulting links look below the horizon
    assert len(arcs) == 50
