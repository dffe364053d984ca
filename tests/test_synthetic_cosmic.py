"""The synthetic scnLv1 generator writes the real format and the truth it claims."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tarfile

import netCDF4
import numpy as np
import pytest

from estransport.geomag import geomagnetic_latitude
from estransport.synthetic.cosmic import (
    GPS_EPOCH,
    PlantedEsClimatology,
    dipole_axis,
    dipole_latitude,
    es_intensity,
    planted_mean_s4max,
    write_day_tarball,
)
from estransport.synthetic.nc3 import write_netcdf3

#: Defects of the default configuration (cosmic.synthetic), for the small test days.
DEFECTS = {"es_fraction": 0.8, "fill_fraction": 0.02, "empty_member_fraction": 0.003}

# Member-name pattern of pysatCDAAC (docs/formats.md 1.2), made a regex.
NAME_RE = re.compile(
    r"^scnLv1_C(\d{3})\.(\d{4})\.(\d{3})\.(\d{2})\.(\d{2})\.(\d{4})\.G(\d{2})\.(\d{2})_(\d{4})\.(\d{4})_nc$"
)
# Variables of a real scnLv1 file (the xarray repr in cdaac_scnlv1_evidence/ of the registry
# tests/data/realdata.tsv).
REAL_VARIABLES = {
    "time",
    "S4",
    "elevation",
    "sqrt_I",
    "caL1_SNR",
    "x_LEO",
    "y_LEO",
    "z_LEO",
    "x_GPS",
    "y_GPS",
    "z_GPS",
}


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("syn") / "2008_172.tar.gz"
    arcs = write_day_tarball(
        path,
        2008,
        172,
        arcs_per_day=400,
        es_fraction=0.8,
        empty_member_fraction=0.02,
        fill_fraction=0.05,
        seed=7,
    )
    return path, arcs


def test_members_are_real_format(day):
    path, arcs = day
    by_name = {a["name"]: a for a in arcs}
    with tarfile.open(path, "r:gz") as tar:
        members = tar.getmembers()
        assert len(members) == 400
        assert len({m.name for m in members}) == 400
        n_empty = 0
        for m in members:
            match = NAME_RE.match(m.name)
            assert match, m.name
            assert match.group(2, 3) == ("2008", "172")
            assert match.group(9, 10) == ("2013", "3520")
            arc = by_name[m.name]
            if m.size == 0:
                n_empty += 1
                assert arc["empty"]
                continue
            data = tar.extractfile(m).read()
            assert data[:4] == b"CDF\x01"
            with netCDF4.Dataset("mem", memory=data) as ds:
                assert ds.data_model == "NETCDF3_CLASSIC"
                assert set(ds.variables) == REAL_VARIABLES
                assert list(ds.dimensions) == ["time"]
                # S4 series maximum equals the s4max attribute (both float32 values).
                if arc["s4max"] != -999.0:
                    assert float(ds["S4"][:].max()) == pytest.approx(ds.s4max, rel=1e-7)
                # Calendar attributes agree with GPS start_time and the member name.
                t = GPS_EPOCH + dt.timedelta(seconds=float(ds.start_time))
                assert (t.year, t.month, t.day, t.hour, t.minute) == (
                    ds.year,
                    ds.month,
                    ds.day,
                    ds.hour,
                    ds.minute,
                )
                assert (int(match.group(4)), int(match.group(5))) == (ds.hour, ds.minute)
                assert ds.leo_id == int(match.group(1)) and ds.prn_id == int(match.group(7))
                for key, value in arc["attrs"].items():
                    got = ds.getncattr(key)
                    if isinstance(value, str):
                        assert got == value
                    else:
                        assert float(got) == pytest.approx(float(value), rel=1e-6)
                assert ds["S4"]._FillValue == np.float32(-999.0)
        assert n_empty == sum(a["empty"] for a in arcs) and n_empty > 0


def test_fills_and_outside_arcs_are_planted(day):
    _, arcs = day
    kinds = [a["kind"] for a in arcs]
    fill = [a for a in arcs if a["kind"] == "fill"]
    assert len(fill) > 0 and all(a["attrs"]["alttp_s4max"] == -999.0 for a in fill)
    es = [a for a in arcs if a["kind"] == "es"]
    assert all(90 <= a["attrs"]["alttp_s4max"] <= 130 for a in es)
    outside = [a for a in arcs if a["kind"] == "outside"]
    assert all(not 90 <= a["attrs"]["alttp_s4max"] <= 130 for a in outside)
    assert kinds.count("es") / len(kinds) == pytest.approx(0.8 * 0.95, abs=0.08)


def test_same_seed_same_bytes(tmp_path):
    a, b, c = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz", tmp_path / "c.tar.gz"
    write_day_tarball(a, 2008, 5, arcs_per_day=50, seed=1, **DEFECTS)
    write_day_tarball(b, 2008, 5, arcs_per_day=50, seed=1, **DEFECTS)
    write_day_tarball(c, 2008, 5, arcs_per_day=50, seed=2, **DEFECTS)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]


def test_planted_climatology_has_the_paper_features():
    truth = PlantedEsClimatology()
    lat = np.arange(-89.5, 90, 1.0)
    lon = np.zeros_like(lat) + 120.0
    maglat = dipole_latitude(lat, lon, dt.date(2008, 7, 1))
    july = es_intensity(lat, lon, 196, None, maglat, truth)
    jan = es_intensity(lat, lon, 15, None, maglat, truth)
    # Summer band at 10-60 degrees: July maximum in the north, January maximum in the south.
    assert 10 <= lat[np.argmax(july)] <= 60
    assert -60 <= lat[np.argmax(jan)] <= -10
    # Northern summer peak stronger than the southern one.
    assert july.max() > 1.3 * jan.max()
    # Band centre moves equatorward in both hemispheres from February to April.
    feb, apr = (es_intensity(lat, lon, d, None, maglat, truth) for d in (45, 105))
    north = lat > 0
    assert lat[north][np.argmax(apr[north])] < lat[north][np.argmax(feb[north])]
    assert lat[~north][np.argmax(apr[~north])] > lat[~north][np.argmax(feb[~north])]
    # Winter trough along 60-80 degrees geomagnetic latitude: S4max < 0.3, below its surroundings.
    glat, glon = np.meshgrid(np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0), indexing="ij")
    gmlat = dipole_latitude(glat, glon, dt.date(2008, 1, 1))
    winter_n = es_intensity(glat, glon, 15, None, gmlat, truth)
    trough = (gmlat >= 60) & (gmlat <= 80)
    assert winter_n[trough].mean() < 0.3
    assert winter_n[trough].mean() < winter_n[(gmlat > 82)].mean()


def test_planted_mean_matches_monte_carlo(day):
    """planted_mean_s4max is the expectation of what the generator draws."""
    truth = PlantedEsClimatology(noise_sigma=0.3)
    rng = np.random.default_rng(0)
    lat, lon, doy = 35.0, 120.0, 172
    z = rng.normal(truth.peak_altitude_km, truth.layer_sigma_km, 400_000)
    z = z[(z >= 90) & (z <= 130)]
    maglat = dipole_latitude(lat, lon, dt.date(2008, 7, 1))
    draws = es_intensity(lat, lon, doy, z, maglat, truth) * np.exp(
        truth.noise_sigma * rng.standard_normal(z.size) - 0.5 * truth.noise_sigma**2
    )
    expected = planted_mean_s4max(np.array([lat]), np.array([lon]), [doy], truth)
    assert draws.mean() == pytest.approx(float(expected[0]), rel=0.01)


def test_nc3_writer_read_by_netcdf4():
    attrs = {
        "s": "UCAR/CDAAC",
        "i": np.int32(-7),
        "f": np.float32(1.5),
        "d": 2.25,
        "arr": np.array([1.0, 2.0, 3.0]),
        "b": np.int8(3),
        "h": np.int16(-300),
    }
    data = np.arange(5, dtype=np.float32)
    raw = write_netcdf3(
        {"time": 5, "two": 2},
        {
            "x": (("time",), data, {"units": "m"}),
            "m": (("two", "time"), np.arange(10.0).reshape(2, 5), {}),
        },
        attrs,
    )
    with netCDF4.Dataset("mem", memory=raw) as ds:
        assert ds.data_model == "NETCDF3_CLASSIC"
        assert ds.s == "UCAR/CDAAC" and ds.i == -7 and ds.f == np.float32(1.5) and ds.d == 2.25
        np.testing.assert_array_equal(ds.arr, [1.0, 2.0, 3.0])
        assert ds.b == 3 and ds.h == -300
        np.testing.assert_array_equal(ds["x"][:], data)
        np.testing.assert_array_equal(ds["m"][:], np.arange(10.0).reshape(2, 5))
        assert ds["x"].units == "m"


# --- the generator's own dipole: independent of estransport.geomag ----------------------------


def test_a_wrong_library_dipole_does_not_move_the_planted_truth(monkeypatch):
    """The planted trough is not placed by the function the workflow measures it with.

    With every dipole function of estransport.geomag replaced by a wrong one, the
    generator still draws the same arcs: it has its own dipole.
    """
    from estransport import geomag
    from estransport.synthetic.cosmic import generate_day_arcs

    kwargs = {"arcs_per_day": 300, "seed": 3, **DEFECTS}
    lat = np.arange(-89.5, 90, 1.0)
    before = generate_day_arcs(2008, 15, **kwargs)
    planted_before = planted_mean_s4max(lat, lat * 0 + 100.0, [15])
    monkeypatch.setattr(geomag, "geomagnetic_latitude", lambda lat, lon, date: np.asarray(lat) * 0)
    monkeypatch.setattr(geomag, "dipole_north_pole", lambda date: (90.0, 0.0))
    monkeypatch.setattr(geomag, "dipole_coefficients", lambda date: (-30000.0, 0.0, 0.0))
    after = generate_day_arcs(2008, 15, **kwargs)
    assert [a["s4max"] for a in after] == [a["s4max"] for a in before]
    assert np.array_equal(planted_mean_s4max(lat, lat * 0 + 100.0, [15]), planted_before)


@pytest.mark.parametrize(
    "date",
    [
        dt.date(2006, 4, 22),
        dt.date(2008, 1, 1),
        dt.date(2008, 7, 1),
        dt.date(2010, 1, 1),
        dt.date(2011, 12, 31),
        dt.date(2019, 6, 30),
    ],
)
def test_generator_dipole_agrees_with_estransport_geomag(date):
    """Two independent implementations of the centred dipole agree.

    The generator (coefficients written out, axis as a unit vector, dot product)
    and estransport.geomag (IGRF14.shc of ppigrf, pole angles, spherical cosine
    rule) compute the same quantity by different routes; their measured largest
    difference is ~2e-12 degrees (float rounding, largest near the poles), so
    1e-9 degrees leaves a wide margin while catching any real discrepancy (a
    wrong coefficient or epoch moves the latitude by > 1e-3 degrees).
    """
    rng = np.random.default_rng(date.toordinal())
    lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 2000))), [90.0, -90.0, 0.0]])
    lon = np.concatenate([rng.uniform(-180, 180, 2000), [0.0, 0.0, -72.2]])
    ours = dipole_latitude(lat, lon, date)
    np.testing.assert_allclose(ours, geomagnetic_latitude(lat, lon, date), rtol=0, atol=1e-9)
    # and the trough band of the paper, 60-80 degrees, is crossed by both alike
    band = (np.abs(ours) >= 60) & (np.abs(ours) <= 80)
    assert band.any() and np.array_equal(
        band,
        (np.abs(geomagnetic_latitude(lat, lon, date)) >= 60)
        & (np.abs(geomagnetic_latitude(lat, lon, date)) <= 80),
    )


def test_generator_dipole_reproduces_the_published_2010_pole():
    """IGRF 2010.0 centred-dipole north pole: 80.02 N, 72.21 W.

    Published value: the DGRF-2010 centred-dipole pole table of the WHOI Deep
    Submergence Lab (deeptow.whoi.edu/cdpole.html; 80.02 N, -72.21 E, geocentric),
    the same as tests/test_geomag.py checks (80.0 N, 72.2 W) to two decimals. The
    table is rounded to 0.01 degree, hence the tolerance.
    """
    ax, ay, az = dipole_axis(dt.date(2010, 1, 1))
    assert np.degrees(np.arcsin(az)) == pytest.approx(80.02, abs=0.01)
    assert np.degrees(np.arctan2(ay, ax)) == pytest.approx(-72.21, abs=0.01)
    # The pole itself is at geomagnetic latitude 90, its antipode at -90.
    lat_p, lon_p = np.degrees(np.arcsin(az)), np.degrees(np.arctan2(ay, ax))
    assert dipole_latitude(lat_p, lon_p, dt.date(2010, 1, 1)) == pytest.approx(90.0, abs=1e-6)
    assert dipole_latitude(-lat_p, lon_p + 180, dt.date(2010, 1, 1)) == pytest.approx(
        -90.0, abs=1e-6
    )


def test_generator_dipole_refuses_dates_outside_its_table():
    with pytest.raises(ValueError, match="outside"):
        dipole_axis(dt.date(2030, 1, 1))
