"""Lidar formats: CEDAR Madrigal HDF5 and the canonical CF-netCDF layout (docs/formats.md §7).

Files are written by the synthetic generator's own writers (h5py and netCDF4
code of :mod:`estransport.synthetic.lidar`) and read by the library's readers;
defects are planted with h5py and netCDF4 directly. Every defect must raise
:class:`~estransport.errors.InputFileError` naming the file and what is wrong.
"""

from __future__ import annotations

import h5py
import netCDF4
import numpy as np
import pytest

from estransport.errors import InputFileError
from estransport.lidar.canonical import merge_profiles, read_canonical
from estransport.lidar.madrigal import REQUIRED_FIELDS, read_madrigal_lidar
from estransport.synthetic.lidar import (
    MADRIGAL_DENSITY_MNEMONIC,
    LidarSite,
    write_canonical_night,
    write_madrigal_night,
)

SITE = LidarSite("Beijing", 40.3, 116.2, 0.05)
DMNEM = "d" + MADRIGAL_DENSITY_MNEMONIC


def profiles(nt=5, nz=20, start="2009-11-12T10:20", seed=0):
    rng = np.random.default_rng(seed)
    s = np.datetime64(start, "ns") + np.arange(nt) * np.timedelta64(600, "s")
    return {
        "start": s,
        "end": s + np.timedelta64(600, "s"),
        "altitude_km": 100.0 + np.arange(nz, dtype=float),
        "density_m3": rng.normal(1e7, 2e6, (nt, nz)),
        "uncertainty_m3": rng.uniform(1e6, 3e6, (nt, nz)),
        "counts": rng.poisson(200, (nt, nz)).astype(float),
        "background": rng.uniform(140, 160, nt),
    }


@pytest.fixture
def madrigal_file(tmp_path):
    prof = profiles()
    path = tmp_path / "beijing_20091112.hdf5"
    write_madrigal_night(path, prof, SITE)
    return path, prof


def read(path, **kw):
    return read_madrigal_lidar(path, density_parameter=kw.get("density_parameter"), species="Ca+")


def test_madrigal_round_trip(madrigal_file):
    path, prof = madrigal_file
    ds = read(path)
    np.testing.assert_allclose(ds["density"].values, prof["density_m3"])
    np.testing.assert_allclose(ds["density_uncertainty"].values, prof["uncertainty_m3"])
    np.testing.assert_allclose(ds["altitude"].values, prof["altitude_km"])
    mid = prof["start"] + np.timedelta64(300, "s")
    np.testing.assert_array_equal(ds["time"].values, mid)
    assert ds.attrs["station_latitude"] == pytest.approx(40.3)
    assert ds.attrs["madrigal_density_parameter"] == MADRIGAL_DENSITY_MNEMONIC
    assert ds["density"].attrs["units"] == "m-3"


def test_madrigal_layout_is_cedar_madrigal_3(madrigal_file):
    """Table Layout starts with the required columns; _record_layout marks 1D/2D/independent;
    the Array Layout holds 2-D arrays (altitude, time) equal to the table."""
    path, prof = madrigal_file
    with h5py.File(path) as f:
        table = f["Data/Table Layout"][()]
        assert table.dtype.names[: len(REQUIRED_FIELDS)] == REQUIRED_FIELDS
        rl = f["Metadata/_record_layout"][()]
        assert rl["gdalt"][0] == 3 and rl[MADRIGAL_DENSITY_MNEMONIC][0] == 2 and rl["kinst"][0] == 1
        params = f["Metadata/Data Parameters"][()]
        assert [n.decode() for n in params["mnemonic"][:3]] == ["YEAR", "MONTH", "DAY"]
        arr = f["Data/Array Layout/2D Parameters"][MADRIGAL_DENSITY_MNEMONIC][()]
        assert arr.shape == (prof["altitude_km"].size, prof["start"].size)
        np.testing.assert_allclose(arr.T, prof["density_m3"])
        np.testing.assert_allclose(
            f["Data/Array Layout/timestamps"][()], prof["start"].astype("int64") / 1e9
        )
        names = {
            r["name"].decode() if isinstance(r["name"], bytes) else r["name"]
            for r in f["Metadata/Experiment Parameters"][()]
        }
        assert {"instrument latitude", "instrument longitude", "kindat code(s)"} <= names


def _rewrite_table(path, edit):
    with h5py.File(path, "r+") as f:
        t = f["Data/Table Layout"][()]
        t = edit(t)
        del f["Data/Table Layout"]
        f["Data"].create_dataset("Table Layout", data=t)


def test_madrigal_special_error_values(madrigal_file):
    path, prof = madrigal_file

    def edit(t):
        t[DMNEM][0] = -1.0  # assumed: no error known
        t[DMNEM][1] = -2.0  # known bad: the value is not to be used
        return t

    _rewrite_table(path, edit)
    ds = read(path)
    assert np.isnan(ds["density_uncertainty"].values[0, 0])
    assert np.isfinite(ds["density"].values[0, 0])
    assert np.isnan(ds["density"].values[0, 1]) and np.isnan(ds["density_uncertainty"].values[0, 1])


def _rewrite_parameters(path, edit):
    """Rewrite /Metadata/Data Parameters with ``edit(row dict) -> row dict`` (strings widened)."""
    with h5py.File(path, "r+") as f:
        rows = [dict(zip(r.dtype.names, r, strict=True)) for r in f["Metadata/Data Parameters"][()]]
        rows = [
            edit({k: v.decode() if isinstance(v, bytes) else v for k, v in r.items()}) for r in rows
        ]
        dtype = [
            ("mnemonic", "S20"),
            ("description", "S60"),
            ("isError", "<i8"),
            ("units", "S10"),
            ("category", "S60"),
        ]
        data = np.array(
            [
                (
                    r["mnemonic"].encode(),
                    r["description"].encode(),
                    r["isError"],
                    r["units"].encode(),
                    r["category"].encode(),
                )
                for r in rows
            ],
            dtype=dtype,
        )
        del f["Metadata/Data Parameters"]
        f["Metadata"].create_dataset("Data Parameters", data=data)


def test_madrigal_cm3_units_are_converted(madrigal_file):
    path, prof = madrigal_file

    def cm3(r):
        if r["mnemonic"].lower() in (MADRIGAL_DENSITY_MNEMONIC, DMNEM):
            r["units"] = "cm-3"
        return r

    _rewrite_parameters(path, cm3)
    ds = read(path)
    np.testing.assert_allclose(ds["density"].values, prof["density_m3"] * 1e6)


@pytest.mark.parametrize(
    "defect, message",
    [
        (lambda f: f.__delitem__("Data/Table Layout"), "Table Layout"),
        (lambda f: f.__delitem__("Metadata/Data Parameters"), "Data Parameters"),
    ],
)
def test_madrigal_missing_datasets_are_named(madrigal_file, defect, message):
    path, _ = madrigal_file
    with h5py.File(path, "r+") as f:
        defect(f)
    with pytest.raises(InputFileError, match=message) as err:
        read(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t[[n for n in t.dtype.names if n != "ut2_unix"]], "required columns"),
        (lambda t: t[[n for n in t.dtype.names if n != "gdalt"]], "no altitude"),
        (lambda t: np.concatenate([t, t[:1]]), "twice"),
    ],
)
def test_madrigal_table_defects_are_named(madrigal_file, edit, message):
    path, _ = madrigal_file

    def fix(t):
        out = edit(t)
        return (
            np.array(out.tolist(), dtype=[(n, out.dtype[n]) for n in out.dtype.names])
            if out.dtype.names != t.dtype.names
            else out
        )

    _rewrite_table(path, fix)
    with pytest.raises(InputFileError, match=message) as err:
        read(path)
    assert str(path) in str(err.value)


def test_madrigal_bad_values_are_named(madrigal_file):
    path, _ = madrigal_file

    def negative_error(t):
        t[DMNEM][3] = -5.0
        return t

    _rewrite_table(path, negative_error)
    with pytest.raises(InputFileError, match="row 3.*special value"):
        read(path)


def test_madrigal_time_defect_is_named(madrigal_file):
    path, _ = madrigal_file

    def backwards(t):
        t["ut2_unix"][7] = t["ut1_unix"][7] - 100.0
        return t

    _rewrite_table(path, backwards)
    with pytest.raises(InputFileError, match="row 7: impossible record time"):
        read(path)


def test_madrigal_density_candidates(madrigal_file):
    """Two density-unit parameters and no configured one: the error says which and how to choose."""
    path, prof = madrigal_file

    def other(r):
        if r["mnemonic"] == "GDLAT":
            r["mnemonic"], r["units"] = "NOTHER", "m-3"
        return r

    _rewrite_parameters(path, other)
    _rewrite_table(path, lambda t: _rename(t, "gdlat", "nother"))
    with pytest.raises(InputFileError, match="2 .*density_parameter"):
        read(path)
    ds = read(path, density_parameter=MADRIGAL_DENSITY_MNEMONIC)
    np.testing.assert_allclose(ds["density"].values, prof["density_m3"])
    with pytest.raises(InputFileError, match="no parameter 'nope'"):
        read(path, density_parameter="nope")


def _rename(t, old, new):
    t.dtype.names = tuple(new if n == old else n for n in t.dtype.names)
    return t


def test_not_hdf5_is_named(tmp_path):
    bad = tmp_path / "junk.hdf5"
    bad.write_bytes(b"not an HDF5 file at all\n")
    with pytest.raises(InputFileError, match="not a readable HDF5 file") as err:
        read(bad)
    assert "junk.hdf5" in str(err.value)


# ---------------------------------------------------------------- canonical layout


@pytest.fixture
def canonical_file(tmp_path):
    prof = profiles()
    path = tmp_path / "beijing_20091112.nc"
    write_canonical_night(path, prof, SITE, "Ca+")
    return path, prof


def test_canonical_round_trip(canonical_file):
    path, prof = canonical_file
    ds = read_canonical(path)
    np.testing.assert_allclose(
        ds["density"].values, prof["density_m3"], rtol=1e-6
    )  # float32 on disk
    np.testing.assert_allclose(ds["photon_counts"].values, prof["counts"])
    np.testing.assert_array_equal(ds["time_bnds"].values[:, 0], prof["start"])
    assert ds.attrs["species"] == "Ca+"


def test_canonical_and_madrigal_agree(canonical_file, madrigal_file):
    a = read_canonical(canonical_file[0])
    b = read(madrigal_file[0])
    np.testing.assert_array_equal(a["time"].values, b["time"].values)
    np.testing.assert_allclose(a["density"].values, b["density"].values, rtol=1e-6)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda nc: nc.renameVariable("density", "dens"), "'density': is missing"),
        (lambda nc: setattr(nc["density"], "units", "furlongs"), "'density': units"),
        (lambda nc: setattr(nc["altitude"], "units", "parsec"), "'altitude': units"),
        (
            lambda nc: nc["altitude"].__setitem__(slice(None), np.arange(20)[::-1] + 100.0),
            "strictly increasing",
        ),
        (
            lambda nc: nc["time"].__setitem__(1, nc["time"][0]),
            "'time': must be strictly increasing",
        ),
        (lambda nc: nc.delncattr("station_latitude"), "station_latitude"),
        (lambda nc: nc["density_uncertainty"].__setitem__((0, 0), -1.0), "negative"),
    ],
)
def test_canonical_defects_are_named(canonical_file, edit, message):
    path, _ = canonical_file
    with netCDF4.Dataset(path, "r+") as nc:
        edit(nc)
    with pytest.raises(InputFileError, match=message) as err:
        read_canonical(path)
    assert str(path) in str(err.value)


def test_canonical_cm3_is_converted(canonical_file):
    path, prof = canonical_file
    with netCDF4.Dataset(path, "r+") as nc:
        nc["density"].units = "cm-3"
        nc["density_uncertainty"].units = "cm-3"
    ds = read_canonical(path)
    np.testing.assert_allclose(ds["density"].values, prof["density_m3"] * 1e6, rtol=1e-6)


def test_merge_refuses_other_grids_and_overlaps(tmp_path):
    a, b, c = tmp_path / "a.nc", tmp_path / "b.nc", tmp_path / "c.nc"
    write_canonical_night(a, profiles(), SITE, "Ca+")
    write_canonical_night(b, profiles(nz=21, start="2009-11-13T10:20"), SITE, "Ca+")
    write_canonical_night(c, profiles(start="2009-11-12T10:40"), SITE, "Ca+")
    da, db, dc = (read_canonical(p) for p in (a, b, c))
    with pytest.raises(InputFileError, match="altitude grid differs"):
        merge_profiles([da, db], [a, b])
    with pytest.raises(InputFileError, match="appear twice"):
        merge_profiles([da, dc], [a, c])
    d2 = read_canonical(a)
    write_canonical_night(b, profiles(start="2009-11-13T10:20"), SITE, "Ca+")
    merged = merge_profiles([read_canonical(b), d2], [b, a])
    assert merged.sizes["time"] == 10
    assert np.all(np.diff(merged["time"].values) > np.timedelta64(0, "ns"))
