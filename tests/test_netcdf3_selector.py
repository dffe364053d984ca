"""HeaderSelector: layout-cached reading of chosen attributes and variables, against netCDF4."""

from __future__ import annotations

import netCDF4
import numpy as np
import pytest

from estransport.errors import InputFileError
from estransport.io.netcdf3 import HeaderSelector

ATTRS = ("startTime", "leoId", "center", "year", "coeffs", "absent")
VARS = ("time", "s4_L1", "slip", "lat", "absent_var")


def _write(
    path,
    *,
    n=7,
    unlimited=False,
    fmt="NETCDF3_CLASSIC",
    start=1.25e9,
    leo=3,
    center="UCAR/CDAAC",
    seed=0,
    extra_record=True,
):
    rng = np.random.default_rng(seed)
    values = {}
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.createDimension("time", None if unlimited else n)
        ds.createDimension("two", 2)
        specs = [("time", "f8"), ("s4_L1", "f4"), ("lat", "f8")]
        if extra_record:
            specs.append(("slip", "i2"))  # 2-byte values: records padded to 4 bytes
        for name, typ in specs:
            var = ds.createVariable(name, typ, ("time",), fill_value=-999 if typ != "i2" else None)
            data = (
                (rng.random(n) * 100).astype(typ)
                if typ != "i2"
                else rng.integers(0, 9, n).astype(typ)
            )
            var[:] = data
            var.units = "1"
            values[name] = data
        ds.createVariable("pair", "f4", ("two",))[:] = [1.0, 2.0]
        ds.startTime = np.float64(start)
        ds.leoId = np.int32(leo)
        ds.center = center
        ds.year = np.int16(2022)
        ds.coeffs = np.array([1.5, 2.5], dtype="f4")
    return values


@pytest.mark.parametrize("unlimited", [False, True])
@pytest.mark.parametrize("fmt", ["NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET"])
def test_read_matches_netcdf4(tmp_path, unlimited, fmt):
    sel = HeaderSelector(ATTRS, VARS)
    for seed in range(3):  # the second and third file use the cached layout
        path = tmp_path / f"f{seed}.nc"
        values = _write(
            path, unlimited=unlimited, fmt=fmt, start=1.25e9 + seed, leo=seed, seed=seed
        )
        attrs, arrays = sel.read(path.read_bytes(), path=str(path))
        assert attrs[:4] == (1.25e9 + seed, seed, "UCAR/CDAAC", 2022)
        np.testing.assert_array_equal(attrs[4], [1.5, 2.5])
        assert attrs[5] is None and arrays[4] is None
        for k, name in enumerate(("time", "s4_L1", "slip", "lat")):
            np.testing.assert_array_equal(arrays[k], values[name])


def test_single_record_variable_is_unpadded(tmp_path):
    """With one record variable its records are not padded (NetCDF Classic Format Spec)."""
    path = tmp_path / "one.nc"
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("time", None)
        ds.createDimension("k", 3)
        ds.createVariable("slip", "i2", ("time",))[:] = np.arange(5, dtype="i2")
        ds.createVariable("lat", "f8", ("k",))[:] = [1.0, 2.0, 3.0]
    _, arrays = HeaderSelector(ATTRS, VARS).read(path.read_bytes())
    np.testing.assert_array_equal(arrays[2], np.arange(5))
    np.testing.assert_array_equal(arrays[3], [1.0, 2.0, 3.0])


def test_batch_equals_one_by_one(tmp_path):
    sel = HeaderSelector(ATTRS, VARS)
    bufs = []
    for seed in range(5):
        path = tmp_path / f"b{seed}.nc"
        _write(path, start=1e9 + seed, leo=10 + seed, seed=seed)
        bufs.append(path.read_bytes())
    layouts = {id(sel.layout(b)) for b in bufs}
    assert len(layouts) == 1  # one dimension length, one string length: one layout
    layout = sel.layout(bufs[0])
    attrs, arrays = layout.decode_batch(bufs)
    np.testing.assert_array_equal(attrs[0], 1e9 + np.arange(5))
    np.testing.assert_array_equal(attrs[1], 10 + np.arange(5))
    assert attrs[2] is None and attrs[4] is None  # text and arrays are not batched
    for k, buf in enumerate(bufs):
        _, one = sel.read(buf)
        for col in (0, 1, 2, 3):
            np.testing.assert_array_equal(arrays[col][k], one[col])
    assert arrays[1].dtype == np.float32 and arrays[1].dtype.byteorder in ("=", "<", "|")


def test_new_structure_gets_a_new_layout(tmp_path):
    sel = HeaderSelector(ATTRS, VARS)
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    _write(a, center="UCAR")
    _write(b, center="UCAR/CDAAC-longer")  # same length n, other string length
    assert sel.read(a.read_bytes())[0][2] == "UCAR"
    assert sel.read(b.read_bytes())[0][2] == "UCAR/CDAAC-longer"
    assert sel.layout(a.read_bytes()) is not sel.layout(b.read_bytes())
    c = tmp_path / "c.nc"
    values = _write(c, n=11)
    np.testing.assert_array_equal(sel.read(c.read_bytes())[1][0], values["time"])


def test_damage_is_named(tmp_path):
    path = tmp_path / "d.nc"
    _write(path)
    buf = path.read_bytes()
    sel = HeaderSelector(ATTRS, VARS)
    sel.read(buf)
    with pytest.raises(InputFileError, match="truncated"):
        sel.read(buf[:-20], path="day.tar.gz", member="m_nc")
    with pytest.raises(InputFileError, match=r"day.tar.gz \[member m_nc\]"):
        sel.read(b"<html>not netcdf</html>", path="day.tar.gz", member="m_nc")
    with pytest.raises(InputFileError):
        sel.read(b"CDF\x01" + b"\xff" * 40)


def test_other_lengths_are_derived_not_parsed(tmp_path, monkeypatch):
    """A new sample count of a known family is derived from its predicted variable list."""
    import estransport.io.netcdf3 as nc3

    sel = HeaderSelector(ATTRS, VARS)
    first = tmp_path / "n7.nc"
    _write(first, n=7, extra_record=False)
    sel.read(first.read_bytes())
    parsed = []
    real = nc3.read_header
    monkeypatch.setattr(nc3, "read_header", lambda *a, **k: parsed.append(1) or real(*a, **k))
    for n in (3, 11, 40):
        path = tmp_path / f"n{n}.nc"
        values = _write(path, n=n, extra_record=False, seed=n)
        attrs, arrays = sel.read(path.read_bytes())
        for k, name in enumerate(("time", "s4_L1")):
            np.testing.assert_array_equal(arrays[k], values[name])
        np.testing.assert_array_equal(arrays[3], values["lat"])
    assert parsed == []  # every new length derived from the family of the first file
    # A file of another structure (an extra variable attribute) is parsed, not derived.
    other = tmp_path / "other.nc"
    _write(other, n=5, extra_record=False)
    with netCDF4.Dataset(other, "a") as ds:
        ds["lat"].comment = "x"
    sel.read(other.read_bytes())
    assert parsed == [1]
