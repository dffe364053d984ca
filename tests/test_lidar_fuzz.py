"""Property tests: broken lidar files give InputFileError naming the file, never anything else.

Two kinds of damage, as in tests/test_ionosonde_fuzz.py:

* byte-level: a valid Madrigal HDF5 or canonical netCDF file truncated,
  overwritten with garbage, spliced;
* structural: a valid Madrigal table whose values Hypothesis replaces (NaN,
  infinities, negative or absurd times, altitudes and errors).

The reader must either return a Dataset that passes the canonical checks or
raise :class:`~estransport.errors.InputFileError` (a ValueError) whose message
names the file. A per-example deadline shows that nothing hangs.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import h5py
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estransport.errors import InputFileError
from estransport.lidar.canonical import check_canonical, read_canonical
from estransport.lidar.madrigal import read_madrigal_lidar
from estransport.synthetic.lidar import (
    MADRIGAL_DENSITY_MNEMONIC,
    LidarSite,
    write_canonical_night,
    write_madrigal_night,
)

FUZZ = settings(
    max_examples=int(os.environ.get("ESTRANSPORT_FUZZ_EXAMPLES", "60")),
    deadline=3000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=not os.environ.get("ESTRANSPORT_FUZZ_EXAMPLES"),
)
SITE = LidarSite("Beijing", 40.3, 116.2, 0.05)


def _profiles(nt=4, nz=8):
    rng = np.random.default_rng(1)
    s = np.datetime64("2009-11-12T10:20", "ns") + np.arange(nt) * np.timedelta64(600, "s")
    return {
        "start": s,
        "end": s + np.timedelta64(600, "s"),
        "altitude_km": 120.0 + np.arange(nz, dtype=float),
        "density_m3": rng.normal(1e7, 2e6, (nt, nz)),
        "uncertainty_m3": rng.uniform(1e6, 3e6, (nt, nz)),
        "counts": rng.poisson(200, (nt, nz)).astype(float),
        "background": np.full(nt, 150.0),
    }


@functools.cache
def _seed(kind: str) -> bytes:
    """A valid file of ``kind`` as bytes (not a fixture: Hypothesis would print it)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "seed"
        if kind == "madrigal":
            write_madrigal_night(path, _profiles(), SITE)
        else:
            write_canonical_night(path, _profiles(), SITE, "Ca+")
        return path.read_bytes()


@st.composite
def mutations(draw, seed: bytes) -> bytes:
    """Up to three edits of ``seed``: truncation, garbage overwrite, insertion, deletion."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[:pos]
        elif kind == "overwrite":
            junk = draw(st.binary(min_size=1, max_size=8))
            data[pos : pos + len(junk)] = junk
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[pos : pos + draw(st.integers(1, 64))]
    return bytes(data)


def _check(read, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        ds = read(path)
    except InputFileError as err:
        assert isinstance(err, ValueError)
        assert str(path) in str(err)
        return
    check_canonical(ds, path)  # whatever is returned is a valid canonical Dataset


def _read_madrigal(path):
    return read_madrigal_lidar(path, density_parameter=None, species="Ca+")


def test_seeds_are_valid(tmp_path):
    for name, read in (("madrigal", _read_madrigal), ("canonical", read_canonical)):
        p = tmp_path / name
        p.write_bytes(_seed(name))
        assert read(p).sizes["time"] == 4


@FUZZ
@given(data=st.data())
def test_fuzz_madrigal_bytes(tmp_path, data):
    _check(_read_madrigal, tmp_path / "f.hdf5", data.draw(mutations(_seed("madrigal"))))


@FUZZ
@given(data=st.data())
def test_fuzz_canonical_bytes(tmp_path, data):
    _check(read_canonical, tmp_path / "f.nc", data.draw(mutations(_seed("canonical"))))


_VALUES = st.sampled_from([np.nan, np.inf, -np.inf, -1.0, -2.0, -7.5, 0.0, 1e30, -1e30, 4.2e9, 5e9])


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "ut1_unix",
                    "ut2_unix",
                    "gdalt",
                    MADRIGAL_DENSITY_MNEMONIC,
                    "d" + MADRIGAL_DENSITY_MNEMONIC,
                    "recno",
                    "kinst",
                ]
            ),
            st.integers(0, 31),
            _VALUES,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_fuzz_madrigal_values(tmp_path, edits):
    path = tmp_path / "v.hdf5"
    path.write_bytes(_seed("madrigal"))
    with h5py.File(path, "r+") as f:
        t = f["Data/Table Layout"][()]
        for col, row, value in edits:
            if t[col].dtype.kind == "i":
                value = (
                    np.iinfo(np.int64).min
                    if not np.isfinite(value)
                    else int(np.clip(value, -9e18, 9e18))
                )
            t[col][row] = value
        del f["Data/Table Layout"]
        f["Data"].create_dataset("Table Layout", data=t)
    try:
        ds = _read_madrigal(path)
    except InputFileError as err:
        assert str(path) in str(err)
        return
    check_canonical(ds, path)
    assert np.all(np.isfinite(ds["density"].values) | np.isnan(ds["density"].values))
    assert not (ds["density_uncertainty"].values < 0).any()
