"""The pure-Python netCDF-3 header reader agrees with netCDF-C and fails cleanly."""

from __future__ import annotations

import struct

import netCDF4
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from estransport.errors import InputFileError
from estransport.io import netcdf3
from estransport.io.netcdf3 import (
    HeaderTruncatedError,
    read_global_attributes,
    read_header,
)

FORMATS = ["NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET"]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- helpers -------------------------------------------------------------------------


def assert_same_value(ours, theirs, what=""):
    """Our decoded attribute equals netCDF4-python's, with the documented Python types."""
    if isinstance(theirs, str):
        assert type(ours) is str, what
        assert ours == theirs, what
        return
    theirs = np.asarray(theirs)
    if theirs.ndim == 0:
        expected_type = float if theirs.dtype.kind == "f" else int
        assert type(ours) is expected_type, f"{what}: {type(ours)} vs {theirs.dtype}"
        if theirs.dtype.kind == "f" and np.isnan(theirs):
            assert np.isnan(ours), what
        else:
            assert ours == theirs.item(), what
        return
    assert isinstance(ours, np.ndarray), what
    assert ours.dtype == theirs.dtype.newbyteorder("="), what
    assert ours.dtype.isnative, what
    np.testing.assert_array_equal(ours, theirs, err_msg=what)


def assert_matches_netcdf4(buf: bytes, ds: netCDF4.Dataset) -> None:
    """read_header(buf) describes the same file as the netCDF-C library does."""
    header = read_header(buf, path="test")
    assert list(header.attributes) == ds.ncattrs()
    for name in ds.ncattrs():
        assert_same_value(header.attributes[name], ds.getncattr(name), name)
    assert list(header.dimensions) == list(ds.dimensions)
    for name, dim in ds.dimensions.items():
        assert header.dimensions[name].unlimited == dim.isunlimited()
        assert header.dimensions[name].size == len(dim)
    assert list(header.variables) == list(ds.variables)
    for name, var in ds.variables.items():
        ours = header.variables[name]
        assert ours.dimensions == var.dimensions
        assert ours.shape == var.shape
        assert ours.dtype.newbyteorder("=") == var.dtype.newbyteorder("=")
        assert list(ours.attributes) == var.ncattrs()
        for att in var.ncattrs():
            assert_same_value(ours.attributes[att], var.getncattr(att), f"{name}.{att}")
        # `begin` really points at the data: decode it ourselves and compare.
        expected = np.ma.getdata(var[:])
        if ours.is_record:
            recsize = sum(v.vsize for v in header.variables.values() if v.is_record)
            per_record = int(np.prod(ours.shape[1:], dtype=np.int64))
            got = np.stack(
                [
                    np.frombuffer(buf, ours.dtype, per_record, ours.begin + r * recsize)
                    for r in range(header.numrecs)
                ]
            ).reshape(ours.shape)
        else:
            count = int(np.prod(ours.shape, dtype=np.int64))
            got = np.frombuffer(buf, ours.dtype, count, ours.begin).reshape(ours.shape)
            assert ours.vsize == (count * ours.dtype.itemsize + 3) // 4 * 4
        np.testing.assert_array_equal(got, expected, err_msg=name)
    # The fast path gives the same global attributes, cold and warm.
    for _ in range(2):
        netcdf3._clear_layout_cache()
        cold = read_global_attributes(buf)
        warm = read_global_attributes(buf)
        for name in ds.ncattrs():
            assert_same_value(cold[name], ds.getncattr(name), name)
            assert_same_value(warm[name], ds.getncattr(name), name)


def write_nc(tmp_path, fmt, gattrs, *, with_vars=True, name="f.nc"):
    """Write a netCDF-3 file with netCDF4-python; return its path."""
    path = tmp_path / name
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        if with_vars:
            ds.createDimension("time", None)
            ds.createDimension("n", 3)
            t = ds.createVariable("time", "f8", ("time",))
            t.units = "s"
            s4 = ds.createVariable("S4", "f4", ("time",), fill_value=-999.0)
            s4.valid_range = np.array([0, 10], dtype="f4")
            xyz = ds.createVariable("xyz", "i2", ("n",))
            b = ds.createVariable("flags", "i1", ("time", "n"))
            t[:] = np.arange(5) + 8.5e8
            s4[:] = np.linspace(0, 1, 5)
            xyz[:] = [1, -2, 3]
            b[:] = np.arange(15).reshape(5, 3)
            ds.createVariable("scalar", "f8", ())[...] = 3.5
        ds.setncatts(gattrs)
    return path


# --- attribute strategies --------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,24}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
DTYPES = ["i1", "i2", "i4", "f4", "f8"]


def numeric_values(dtype):
    elements = None
    if dtype[0] == "f":
        elements = st.floats(width=32 if dtype == "f4" else 64, allow_nan=True)
    return hnp.arrays(np.dtype(dtype), st.integers(1, 6), elements=elements)


ATTR_VALUES = st.one_of(TEXT, *[numeric_values(d) for d in DTYPES])
ATTR_SETS = st.dictionaries(NAMES, ATTR_VALUES, min_size=0, max_size=12)


# --- real CDAAC files ---------------------------------------------------------------------

REAL_CDAAC = [
    "cdaac_ionprf/ionPrf_C001.2015.001.00.11.G06_2021.0390_nc",
    "cdaac_ionprf/ionPrf_C004.2015.001.13.30.G02_2021.0390_nc",
]


@pytest.mark.realdata
def test_real_cdaac_files_agree_with_netcdf4(realdata):
    files = [realdata(name) for name in REAL_CDAAC]
    assert len(files) == 2
    for path in files:
        buf = path.read_bytes()
        with netCDF4.Dataset(path) as ds:
            assert len(ds.ncattrs()) == 51
            assert_matches_netcdf4(buf, ds)
        header = read_header(buf, path=path)
        assert header.version == 1
        assert header.numrecs == 0
        assert list(header.dimensions) == ["MSL_alt"]
        # Values checked by hand against ncdump of this file.
        if path.name.startswith("ionPrf_C001"):
            a = header.attributes
            assert a["fileStamp"] == "C001.2015.001.00.11.G06"
            assert a["fiducial_id"] == "    "  # spaces are data, only NULs are stripped
            assert a["reference_sat_id"] == -999
            assert a["second"] == 37.0
            assert a["year"] == 2015 and a["minute"] == 12
            assert header.dimensions["MSL_alt"].size == 441


@pytest.mark.realdata
def test_real_file_truncated_at_every_offset(realdata):
    path = realdata(REAL_CDAAC[0])
    buf = path.read_bytes()
    header = read_header(buf)
    full = read_global_attributes(buf)
    first_ok = None
    for k in range(header.size):
        with pytest.raises(HeaderTruncatedError) as err:
            read_header(buf[:k], path=path, member="m")
        assert str(path) in str(err.value) and "[member m]" in str(err.value)
        try:
            got = read_global_attributes(buf[:k], path=path)
        except HeaderTruncatedError:
            assert first_ok is None, f"failed at {k} after succeeding at {first_ok}"
            continue
        first_ok = k if first_ok is None else first_ok
        assert list(got) == list(full)
    # The global attributes end well before the header does (variables follow).
    assert first_ok is not None and 1000 < first_ok < header.size
    assert read_header(buf[: header.size]).size == header.size


# --- files written with netCDF4-python ------------------------------------------------------


@FAST
@given(gattrs=ATTR_SETS, fmt=st.sampled_from(FORMATS), with_vars=st.booleans())
def test_generated_files_agree_with_netcdf4(tmp_path_factory, gattrs, fmt, with_vars):
    tmp_path = tmp_path_factory.mktemp("nc")
    path = write_nc(tmp_path, fmt, gattrs, with_vars=with_vars)
    buf = path.read_bytes()
    assert buf[:4] == (b"CDF\x01" if fmt == "NETCDF3_CLASSIC" else b"CDF\x02")
    with netCDF4.Dataset(path) as ds:
        assert_matches_netcdf4(buf, ds)


def test_every_type_explicitly(tmp_path):
    gattrs = {
        "text": "UCAR/CDAAC",
        "empty": "",
        "utf8": "Kühlungsborn",
        "b1": np.int8(-5),
        "bN": np.array([-128, 0, 127], "i1"),
        "s1": np.int16(-32768),
        "sN": np.array([1, 2], "i2"),
        "i1": np.int32(2147483647),
        "iN": np.array([-999, 7, 8, 9], "i4"),
        "f1": np.float32(15.4),
        "fN": np.array([0.0, np.inf], "f4"),
        "d1": -999.0,
        "dN": np.array([np.nan, 1e300], "f8"),
    }
    for fmt in FORMATS:
        path = write_nc(tmp_path, fmt, gattrs, name=f"{fmt}.nc")
        buf = path.read_bytes()
        header = read_header(buf)
        assert header.version == (1 if fmt == "NETCDF3_CLASSIC" else 2)
        a = header.attributes
        assert a["text"] == "UCAR/CDAAC" and a["empty"] == "" and a["utf8"] == "Kühlungsborn"
        assert a["b1"] == -5 and type(a["b1"]) is int
        assert a["s1"] == -32768 and a["i1"] == 2147483647
        assert a["f1"] == float(np.float32(15.4)) and type(a["f1"]) is float
        assert a["d1"] == -999.0
        assert a["bN"].tolist() == [-128, 0, 127] and a["bN"].dtype == np.int8
        assert a["iN"].tolist() == [-999, 7, 8, 9] and a["iN"].dtype == np.int32
        assert np.isnan(a["dN"][0]) and a["dN"][1] == 1e300
        assert a["fN"].dtype == np.float32 and a["fN"][1] == np.inf
        assert header.dimensions["time"].unlimited and header.numrecs == 5
        assert header.variables["flags"].shape == (5, 3)
        assert header.variables["scalar"].shape == ()
        assert header.variables["S4"].attributes["_FillValue"] == -999.0
        with netCDF4.Dataset(path) as ds:
            assert_matches_netcdf4(buf, ds)


@FAST
@given(
    schema=st.lists(
        st.tuples(NAMES, st.sampled_from(["S", *DTYPES]), st.integers(1, 4)),
        min_size=1,
        max_size=10,
        unique_by=lambda t: t[0],
    ),
    seeds=st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
)
def test_cached_layout_decodes_like_netcdf4(tmp_path_factory, schema, seeds):
    """Two files with one layout but different values: the second read uses the cache."""
    tmp_path = tmp_path_factory.mktemp("nc")
    bufs = []
    for k, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        gattrs = {}
        for name, kind, n in schema:
            if kind == "S":
                gattrs[name] = "".join(rng.choice(list("abcXYZ019 ./"), n))
            else:
                gattrs[name] = (
                    rng.normal(0, 100, n) if kind[0] == "f" else rng.integers(-99, 99, n)
                ).astype(kind)
        bufs.append(write_nc(tmp_path, "NETCDF3_CLASSIC", gattrs, name=f"{k}.nc"))
    netcdf3._clear_layout_cache()
    for path in bufs:
        buf = path.read_bytes()
        got = read_global_attributes(buf)
        with netCDF4.Dataset(path) as ds:
            assert list(got) == ds.ncattrs()
            for name in ds.ncattrs():
                assert_same_value(got[name], ds.getncattr(name), name)
    assert len(netcdf3._LAYOUTS) == 1  # the second file reused the first one's layout


def test_columns_of_many_files_equal_their_decode(tmp_path):
    """One array per attribute over files of one layout: the values decode() gives, natively."""
    bufs = []
    for k in range(5):
        gattrs = {
            "name": f"arc {k}",
            "n": np.int32(k - 2),
            "s": np.int16(3 * k),
            "x": np.float32(0.1 * k),
            "y": 1e10 + k,
            "v": np.arange(3, dtype="f8") + k,
        }
        path = tmp_path / f"{k}.nc"
        with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
            ds.createDimension("time", 10 + k)
            ds.createVariable("S4", "f4", ("time",))[:] = np.zeros(10 + k)
            ds.setncatts(gattrs)
        bufs.append(path.read_bytes())
    netcdf3._clear_layout_cache()
    layouts = {id(netcdf3.global_attribute_layout(b)) for b in bufs}
    assert len(layouts) == 1  # other dimension lengths, one layout
    layout = netcdf3.global_attribute_layout(bufs[0])
    cols = layout.columns(bufs, ["n", "s", "x", "y", "name", "v", "absent"])
    assert cols[4:] == (None, None, None)  # text, several values, absent
    for name, col in zip(["n", "s", "x", "y"], cols[:4], strict=True):
        assert col.dtype.isnative
        assert col.tolist() == [read_global_attributes(b)[name] for b in bufs]


def test_a_second_record_dimension_is_not_matched_by_the_cached_layout():
    """The cached layout ignores dimension lengths, but not two of them being 0."""

    def header(x, y):
        body = struct.pack(">4sI", b"CDF\x01", 0) + struct.pack(">ii", 10, 2)
        body += struct.pack(">i4si", 1, b"x\0\0\0", x) + struct.pack(">i4si", 1, b"y\0\0\0", y)
        body += struct.pack(">ii", 12, 1) + struct.pack(">i4siii", 1, b"a\0\0\0", 4, 1, 7)
        return body + struct.pack(">ii", 0, 0)

    netcdf3._clear_layout_cache()
    assert read_global_attributes(header(0, 3)) == {"a": 7}  # one record dimension
    assert read_global_attributes(header(5, 0)) == {"a": 7}
    with pytest.raises(InputFileError, match="second record dimension"):
        read_global_attributes(header(0, 0))


# --- malformed input ---------------------------------------------------------------------------


def _minimal_header(version=1, numrecs=0):
    """dim 'x'=2, one global int attribute 'a'=7, no variables."""
    body = struct.pack(">4sI", b"CDF" + bytes([version]), numrecs)
    body += struct.pack(">ii", 10, 1) + struct.pack(">i4si", 1, b"x\0\0\0", 2)
    body += struct.pack(">ii", 12, 1) + struct.pack(">i4siii", 1, b"a\0\0\0", 4, 1, 7)
    body += struct.pack(">ii", 0, 0)
    return body


def test_minimal_and_streaming_headers():
    h = read_header(_minimal_header())
    assert h.attributes == {"a": 7} and h.dimensions["x"].size == 2 and h.variables == {}
    assert h.size == len(_minimal_header())
    streaming = bytearray(_minimal_header())
    streaming[4:8] = b"\xff\xff\xff\xff"
    assert read_header(bytes(streaming)).numrecs is None
    # A record variable in a STREAMING file has an unknown first dimension.
    rec = bytearray(_minimal_header(version=2))
    rec[4:8] = b"\xff\xff\xff\xff"
    rec[24:28] = b"\0\0\0\0"  # dim 'x' becomes the record dimension
    rec[-8:] = struct.pack(">ii", 11, 1)
    rec += struct.pack(">i4si", 1, b"v\0\0\0", 1) + struct.pack(">i", 0)
    rec += struct.pack(">ii", 0, 0) + struct.pack(">iIq", 6, 8, 1 << 33)
    h = read_header(bytes(rec))
    assert h.dimensions["x"].unlimited and h.dimensions["x"].size is None
    v = h.variables["v"]
    assert v.shape == (None,) and v.is_record and v.begin == 1 << 33 and v.dtype == np.dtype(">f8")


@pytest.mark.parametrize(
    ("buf", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "not a netCDF-3 file"),
        (b"\x89HDF\r\n\x1a\n" + bytes(100), "netCDF-4/HDF5"),
        (b"CDF\x05" + bytes(100), "CDF-5"),
        (b"CDF\x03" + bytes(100), "unknown netCDF-3 format version 3"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "not a netCDF-3 file"),
        (b"XY", "not a netCDF file"),
        (b"CDF\x01\x80\0\0\x00" + bytes(16), "numrecs"),
        (b"CDF\x01\0\0\0\0\0\0\0\x0b\0\0\0\0" + bytes(16), "dimension list tag is 11"),
        (b"CDF\x01\0\0\0\0\0\0\0\0\0\0\0\x05" + bytes(16), "ABSENT"),
        (b"CDF\x01\0\0\0\0\0\0\0\x0a\xff\xff\xff\xff" + bytes(16), "count is negative"),
        (_minimal_header().replace(b"a\0\0\0\0\0\0\x04", b"a\0\0\0\0\0\0\x09"), "nc_type 9"),
        (_minimal_header().replace(b"\0\0\0\x01x", b"\0\0\x01\x01x"), "name length 257"),
        (_minimal_header().replace(b"x\0\0\0", b"\xff\0\0\0"), "not valid UTF-8"),
        (
            _minimal_header()[:-8]
            + struct.pack(">ii", 11, 1)
            + struct.pack(">i4si", 1, b"v\0\0\0", 1)
            + struct.pack(">i", 5)
            + bytes(40),
            "dimension id 5",
        ),
    ],
)
def test_malformed_headers_raise_input_file_error(buf, message):
    with pytest.raises(InputFileError) as err:
        read_header(buf, path="day.tar.gz", member="scnLv1_x_nc")
    text = str(err.value)
    assert message in text
    assert text.startswith("day.tar.gz [member scnLv1_x_nc]: ")
    assert err.value.member == "scnLv1_x_nc"


def test_huge_counts_do_not_allocate_or_hang():
    # 2**31 - 1 dimensions / attributes / a 2 GB attribute, in a 40-byte buffer.
    for buf in (
        b"CDF\x01\0\0\0\0\0\0\0\x0a\x7f\xff\xff\xff" + bytes(24),
        b"CDF\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x0c\x7f\xff\xff\xff" + bytes(16),
        _minimal_header()[:-20] + struct.pack(">ii", 6, 0x7FFFFFFF) + bytes(8),
    ):
        with pytest.raises(HeaderTruncatedError):
            read_global_attributes(buf)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"CDF\x01", b"CDF\x02"]))
def test_garbage_raises_input_file_error_only(junk, prefix):
    for func in (read_header, read_global_attributes):
        try:
            func(prefix + junk)
        except InputFileError:
            pass


@pytest.fixture(scope="module")
def sample_header(tmp_path_factory):
    return write_nc(
        tmp_path_factory.mktemp("nc"),
        "NETCDF3_64BIT_OFFSET",
        {"s4max": 1.5, "leo_id": np.int32(2), "mission": "COSMIC", "arr": np.arange(3, dtype="i2")},
    ).read_bytes()


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_mutated_headers_fail_cleanly_and_cache_agrees(sample_header, data):
    """Random byte edits give InputFileError or a header; the cached path agrees with the loop."""
    buf = bytearray(sample_header)
    size = read_header(sample_header).size
    for _ in range(data.draw(st.integers(1, 3))):
        buf[data.draw(st.integers(0, size - 1))] = data.draw(st.integers(0, 255))
    buf = bytes(buf)
    try:
        read_header(buf)
    except InputFileError:
        pass
    netcdf3._clear_layout_cache()
    read_global_attributes(sample_header)  # warm the cache with the unmutated layout
    results = []
    for clear in (False, True):
        if clear:
            netcdf3._clear_layout_cache()
        try:
            results.append(("ok", read_global_attributes(buf)))
        except InputFileError as err:
            results.append(("error", type(err)))
    (kind_a, a), (kind_b, b) = results
    assert kind_a == kind_b
    if kind_a == "ok":
        assert list(a) == list(b)
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])
            assert type(a[name]) is type(b[name])
    else:
        assert a is b


def test_memoryview_and_bytearray_inputs(sample_header):
    expected = read_global_attributes(sample_header)
    for buf in (bytearray(sample_header), memoryview(sample_header)):
        got = read_global_attributes(buf)
        assert got["s4max"] == expected["s4max"] == 1.5
        assert got["mission"] == "COSMIC"
    with pytest.raises(TypeError):
        read_global_attributes("CDF\x01")  # type: ignore[arg-type]
