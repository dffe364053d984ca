"""COSMIC scnLv1 day tarball ingest: exact read-back, QC counts, damaged archives."""

from __future__ import annotations

import gzip
import io
import logging
import runpy
import tarfile
from pathlib import Path
from types import SimpleNamespace

import netCDF4
import numpy as np
import pandas as pd
import pytest

from estransport.config import load_config
from estransport.errors import InputFileError
from estransport.io import scnlv1, scnlv1_qc
from estransport.io.scnlv1 import EVENT_COLUMNS, ingest_day, parse_member_name, read_day_tarball
from estransport.io.scnlv1_qc import QC_REASONS, apply_qc, qc_table, summarise_qc

REPO = Path(__file__).resolve().parents[1]
#: The QC ranges of the default configuration (cosmic.qc: 90-130 km, S4max 0-5).
QC = {"altitude_km": (90, 130), "s4max_range": (0.0, 5.0)}


# --- building a day tarball with known content ------------------------------------------------


def _name(minute: int, prn: int, antenna: int = 1, leo: int = 2) -> str:
    return f"scnLv1_C00{leo}.2007.002.{minute // 60:02d}.{minute % 60:02d}.0008.G{prn:02d}.{antenna:02d}_2013.3520_nc"


def _member(tmp_path: Path, name: str, gattrs: dict, n: int = 141) -> bytes:
    path = tmp_path / name.replace("/", "_")
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("time", n)
        ds.createVariable("time", "f8", ("time",))[:] = 851731200.0 + np.arange(n)
        s4 = ds.createVariable("S4", "f4", ("time",), fill_value=-999.0)
        s4.units = "1"
        s4[:] = np.linspace(0, 0.5, n)
        ds.setncatts(gattrs)
    return path.read_bytes()


def _attrs(minute: int, *, second=15.0, **tp) -> dict:
    """Global attributes of one arc; tp overrides s4max, alttp_s4max, ... (float64)."""
    attrs = {
        "processing_center": "UCAR/CDAAC",
        "creation_time": "25-JUN-14 18:46",
        "mission": "COSMIC",
        "leo_id": np.int32(2),
        "antenna_id": np.int32(1),
        "prn_id": np.int32(minute % 32 + 1),
        "start_time": 851731200.0 + 60.0 * minute + second,
        "year": np.int32(2007),
        "month": np.int32(1),
        "day": np.int32(2),
        "hour": np.int32(minute // 60),
        "minute": np.int32(minute % 60),
        "second": np.float32(second),
        "s4max": 0.5,
        "s4max9sec": 0.25,
        "alt_s4max": 810.0,
        "alttp_s4max": 105.0,
        "lattp_s4max": 30.0,
        "lontp_s4max": 100.0,
        "lcttp_s4max": 12.0,
    }
    attrs.update(tp)
    return attrs


# (member name, attribute overrides, expected QC fate)
PLANTED = [
    (_name(10, 5), {"s4max": 1.25, "alttp_s4max": 101.5, "lattp_s4max": -45.0}, "kept"),
    (_name(11, 6), {"lontp_s4max": 200.0}, "kept"),  # wraps to -160
    (
        _name(12, 7),
        {"lontp_s4max": 180.0, "s4max": 0.0},
        "kept",
    ),  # wraps to -180; S4max 0 is in range
    (_name(13, 8), {"alttp_s4max": 90.0, "s4max": 5.0}, "kept"),  # both limits inclusive
    (_name(14, 9), {"alttp_s4max": 130.0, "second": 15.4}, "kept"),
    ("2007.002/" + _name(15, 10), {"lcttp_s4max": 23.5}, "kept"),  # in a sub-directory
    (_name(16, 11), {"history": "x" * 20000}, "kept"),  # header longer than the first read
    (_name(20, 12), {"alttp_s4max": -999.0}, "fill_value"),
    (_name(21, 13), {"lontp_s4max": -999.0}, "fill_value"),
    (_name(22, 14), {"s4max": -999.0, "alttp_s4max": 200.0}, "fill_value"),  # first reason wins
    (_name(23, 15), {"lcttp_s4max": float("nan")}, "fill_value"),
    (_name(30, 16), {"s4max": 5.5}, "s4max_out_of_range"),
    (_name(31, 17), {"s4max": -0.1, "alttp_s4max": 300.0}, "s4max_out_of_range"),
    (_name(40, 18), {"alttp_s4max": 89.9}, "altitude_out_of_range"),
    (_name(41, 19), {"alttp_s4max": 130.1}, "altitude_out_of_range"),
    (_name(42, 20), {"alttp_s4max": 350.0, "s4max": 2.0}, "altitude_out_of_range"),
]
EMPTY = _name(50, 21)
CORRUPT_HTML = _name(51, 22)
CORRUPT_TRUNCATED = _name(52, 23)
CORRUPT_NO_S4MAX = _name(53, 24)
CORRUPT_BAD_DATE = _name(54, 25)


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    """A day tarball with planted arcs, problem members and non-scnLv1 members."""
    tmp = tmp_path_factory.mktemp("day")
    members: list[tuple[str, bytes]] = []
    expected = {}
    for i, (name, over, fate) in enumerate(PLANTED):
        attrs = _attrs(10 + i, **over)
        members.append((name, _member(tmp, name, attrs)))
        expected[name] = (attrs, fate)
    good = _member(tmp, "good", _attrs(60))
    no_s4max = {k: v for k, v in _attrs(53).items() if k != "s4max"}
    problems = [
        (EMPTY, b"", "empty_member"),
        (CORRUPT_HTML, b"<html><body>Internal Server Error</body></html>\n", "corrupt_member"),
        (CORRUPT_TRUNCATED, good[:100], "corrupt_member"),
        (CORRUPT_NO_S4MAX, _member(tmp, "nos4", no_s4max), "corrupt_member"),
        (CORRUPT_BAD_DATE, _member(tmp, "date", _attrs(54, month=np.int32(13))), "corrupt_member"),
    ]
    # Problems go first, so strict mode must stop at EMPTY.
    ordered = [(n, b) for n, b, _ in problems] + members
    ordered.insert(3, ("README.txt", b"not an arc"))
    ordered.insert(5, ("podTec_C002.2007.002.00.16.0008.G22.01_2013.3520_nc", good))
    path = tmp / "scnLv1_repro2013_2007_002.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as tf:
        d = tarfile.TarInfo("2007.002")
        d.type = tarfile.DIRTYPE
        tf.addfile(d)
        for name, data in ordered:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return SimpleNamespace(
        path=path,
        expected=expected,
        problems={n: reason for n, _, reason in problems},
        first_problem=EMPTY,
        n_members=len(PLANTED) + len(problems),
    )


# --- member names -------------------------------------------------------------------------------


@pytest.mark.realdata
def test_every_real_member_name_parses(realdata):
    names = realdata("cdaac_scnlv1_evidence/filenames_scnLv1_repro2013_2007_002.txt")
    names = names.read_text().split()
    assert len(names) == 1316
    parsed = [parse_member_name(n) for n in names]
    assert {p["leo"] for p in parsed} == {"C002"}
    assert {(p["year"], p["doy"]) for p in parsed} == {(2007, 2)}
    first = parse_member_name("2007.002/" + names[5])
    assert first == {
        "leo": "C002",
        "leo_id": 2,
        "year": 2007,
        "doy": 2,
        "hour": 0,
        "minute": 16,
        "duration_min": 8,
        "gnss_system": "G",
        "prn": 22,
        "antenna": 1,
        "subtype": "2013",
        "version": "3520",
    }


@pytest.mark.parametrize(
    "bad",
    [
        "scnLv1_C002.2007.002.00.16.0008.G22.01_2013.3520.nc",  # .nc, not _nc
        "scnLv1_C002.2007.002.00.16.G22.01_2013.3520_nc",  # no duration
        "scnLv1_C002.2007.002.24.16.0008.G22.01_2013.3520_nc",  # hour 24
        "scnLv1_C002.2007.367.00.16.0008.G22.01_2013.3520_nc",  # doy 367
        "scnLv1_C002.2007.002.00.60.0008.G22.01_2013.3520_nc",  # minute 60
        "ionPrf_C002.2007.002.00.16.G22_2013.3520_nc",
    ],
)
def test_bad_member_names_raise(bad):
    with pytest.raises(InputFileError) as err:
        parse_member_name(bad, path="day.tar.gz")
    assert "day.tar.gz" in str(err.value) and bad in str(err.value)
    assert err.value.member == bad


# --- reading the day tarball ------------------------------------------------------------------


def test_day_tarball_reads_back_exactly(day, caplog):
    with caplog.at_level(logging.WARNING, logger="estransport.io.scnlv1"):
        events, problems = read_day_tarball(day.path)
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events.attrs["n_members"] == day.n_members == 21
    assert {p["member"]: p["reason"] for p in problems} == day.problems
    for p in problems:  # each problem is logged with its member name
        assert p["member"] in caplog.text
    assert "month must be in 1..12" in next(
        p["detail"] for p in problems if p["member"] == CORRUPT_BAD_DATE
    )
    assert "'s4max' is missing" in next(
        p["detail"] for p in problems if p["member"] == CORRUPT_NO_S4MAX
    )
    assert list(events["member"]) == [name for name, _, _ in PLANTED]  # archive order
    for _, row in events.iterrows():
        attrs, _ = day.expected[row["member"]]
        minute = int(attrs["hour"]) * 60 + int(attrs["minute"])
        second_ms = round(float(attrs["second"]) * 1000)
        assert row["time"] == pd.Timestamp("2007-01-02") + pd.Timedelta(
            minutes=minute, milliseconds=second_ms
        )
        assert row["start_time_gps_s"] == attrs["start_time"]
        assert (row["leo_id"], row["prn_id"], row["antenna_id"]) == (2, attrs["prn_id"], 1)
        for col in ("s4max", "s4max9sec", "alttp_s4max", "lattp_s4max", "lcttp_s4max"):
            np.testing.assert_equal(row[col], attrs[col], err_msg=f"{row['member']} {col}")
        lon = attrs["lontp_s4max"]
        expected_lon = lon if lon == -999.0 else (lon + 180.0) % 360.0 - 180.0
        assert row["lontp_s4max"] == expected_lon
    by_member = events.set_index("member")
    assert by_member.loc[_name(11, 6), "lontp_s4max"] == -160.0
    assert by_member.loc[_name(12, 7), "lontp_s4max"] == -180.0
    assert by_member.loc[_name(21, 13), "lontp_s4max"] == -999.0  # fill kept, not wrapped
    assert by_member.loc[_name(14, 9), "time"] == pd.Timestamp("2007-01-02 00:14:15.400")
    for col in EVENT_COLUMNS[1:-1]:
        expected = np.int32 if col.endswith("_id") else np.float64
        assert events[col].dtype == expected, col
    assert events["time"].dtype == "datetime64[ns]"


def test_qc_counts_equal_what_was_planted(day):
    events, problems = read_day_tarball(day.path)
    kept, counts = apply_qc(events, altitude_km=(90, 130), s4max_range=(0, 5))
    fates = {name: fate for name, (_, fate) in day.expected.items()}
    planted = {reason: sum(f == reason for f in fates.values()) for reason in QC_REASONS}
    assert counts == {
        k: planted[k]
        for k in (
            "fill_value",
            "position_out_of_range",
            "s4max_out_of_range",
            "altitude_out_of_range",
        )
    }
    assert counts == {
        "fill_value": 4,
        "position_out_of_range": 0,
        "s4max_out_of_range": 2,
        "altitude_out_of_range": 3,
    }
    assert sorted(kept["member"]) == sorted(n for n, f in fates.items() if f == "kept")
    table = qc_table("2007-002", events.attrs["n_members"], problems, counts, len(kept))
    assert table["day"].unique().tolist() == ["2007-002"]
    assert dict(zip(table["reason"], table["count"], strict=True)) == {
        "total_members": 21,
        "empty_member": 1,
        "corrupt_member": 4,
        "fill_value": 4,
        "position_out_of_range": 0,
        "s4max_out_of_range": 2,
        "altitude_out_of_range": 3,
        "kept": 7,
    }
    with pytest.raises(ValueError, match="do not add up"):
        qc_table("2007-002", 22, problems, counts, len(kept))


def test_qc_ranges_are_configurable(day):
    events, _ = read_day_tarball(day.path)
    kept, counts = apply_qc(events, altitude_km=(80, 400), s4max_range=(0, 10))
    assert counts == {
        "fill_value": 4,
        "position_out_of_range": 0,
        "s4max_out_of_range": 1,
        "altitude_out_of_range": 0,
    }
    assert len(kept) == 16 - 4 - 1


def test_impossible_tangent_point_is_rejected(day):
    """A corrupt latitude or local time is rejected, not clipped into the polar row."""
    events, _ = read_day_tarball(day.path)
    _, base = apply_qc(events, altitude_km=(80, 400), s4max_range=(0, 10))
    bad = events.copy()
    ok = ~(
        bad[["s4max", "alttp_s4max", "lattp_s4max", "lontp_s4max", "lcttp_s4max"]] == -999.0
    ).any(axis=1)
    rows = bad.index[ok][:2]
    bad.loc[rows[0], "lattp_s4max"] = 95.0
    bad.loc[rows[1], "lcttp_s4max"] = 25.5
    kept, counts = apply_qc(bad, altitude_km=(80, 400), s4max_range=(0, 10))
    assert counts["position_out_of_range"] == 2
    assert counts["fill_value"] == base["fill_value"]
    assert (kept["lattp_s4max"].abs() <= 90).all() and kept["lcttp_s4max"].between(0, 24).all()


def _member_by_member(path):
    """Reference reader: each member alone through read_global_attributes and _event_row."""
    from estransport.io.netcdf3 import read_global_attributes
    from estransport.io.tarstream import iter_tar_gz

    times, rows, names, problems = [], [], [], []
    for name, data in iter_tar_gz(path):
        if not scnlv1._MEMBER_SELECT.match(name.rsplit("/", 1)[-1]):
            continue
        try:
            if not data:
                raise scnlv1._Problem("empty_member", "member is empty (0 bytes)")
            try:
                ns, values = scnlv1._event_row(read_global_attributes(data))
            except InputFileError as err:
                raise scnlv1._Problem("corrupt_member", scnlv1._what(err)) from None
        except scnlv1._Problem as prob:
            problems.append((name, prob.reason, prob.detail))
            continue
        times.append(ns)
        rows.append(values)
        names.append(name)
    return scnlv1._events_frame(np.array(times, np.int64), np.array(rows), names), problems


def test_whole_layout_decoding_equals_member_by_member(tmp_path):
    """The day decoded a layout at a time gives, bit for bit, what each member alone gives.

    Members of one layout with an impossible calendar (30 February, second 61.5,
    hour 24) or a year outside the fast path fall back to one-at-a-time decoding
    and are named as before (a year that datetime64[ns] cannot hold is a corrupt
    member, no longer an OverflowError that stops the day); a layout with a float year or a text start_time is
    decoded member by member.
    """
    from estransport.synthetic.cosmic import write_day_tarball

    syn = tmp_path / "syn.tar.gz"
    write_day_tarball(
        syn,
        2008,
        60,
        arcs_per_day=300,
        es_fraction=0.8,
        fill_fraction=0.1,
        empty_member_fraction=0.02,
        seed=5,
    )
    with tarfile.open(syn) as tf:
        members = [(m.name, tf.extractfile(m).read()) for m in tf.getmembers() if m.isreg()]
    odd = [
        dict(month=np.int32(2), day=np.int32(30)),
        dict(second=61.5),
        dict(hour=np.int32(24)),
        dict(year=np.int32(1600)),
        dict(second=float("nan")),
        dict(year=2007.0),  # another layout: integer-valued float, accepted
        dict(start_time="soon"),  # another layout: not a number
        dict(lontp_s4max=np.int32(200)),  # an integer where a float is usual: accepted
    ]
    for k, over in enumerate(odd):
        members.insert(
            7 * k + 3, (_name(100 + k, 1 + k), _member(tmp_path, f"odd{k}", _attrs(k, **over)))
        )
    path = tmp_path / "day.tar.gz"
    path.write_bytes(gzip.compress(_tar_bytes(members)))
    events, problems = read_day_tarball(path)
    expected, expected_problems = _member_by_member(path)
    pd.testing.assert_frame_equal(events, expected, check_exact=True)
    assert [(p["member"], p["reason"], p["detail"]) for p in problems] == expected_problems
    details = " | ".join(p["detail"] for p in problems)
    assert "day is out of range for month" in details and "second=61.5" in details
    assert "hour must be in 0..23" in details and "second=nan" in details
    assert "'start_time' is 'soon'" in details and "outside the years 1678-2261" in details
    assert sum(p["reason"] == "empty_member" for p in problems) >= 1
    assert len(events) + len(problems) == events.attrs["n_members"] == len(members)


def test_strict_mode_names_the_member(day):
    with pytest.raises(InputFileError) as err:
        read_day_tarball(day.path, strict=True)
    assert err.value.member == day.first_problem
    assert str(day.path) in str(err.value) and day.first_problem in str(err.value)
    assert "empty_member" in str(err.value)


# --- damaged archives -------------------------------------------------------------------------


def _tar_bytes(members: list[tuple[str, bytes]], *, eof_marker: bool = True) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    if not eof_marker:  # cut after the last member's data: no end-of-archive blocks
        raw = raw[: sum(512 + -(-len(d) // 512) * 512 for _, d in members)]
    return raw


@pytest.fixture(scope="module")
def small_members(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    return [(_name(m, m), _member(tmp, f"m{m}", _attrs(m))) for m in (1, 2, 3)]


def _flip_crc(gz: bytes) -> bytes:
    return gz[:-8] + bytes([gz[-8] ^ 0xFF]) + gz[-7:]


def _damaged(tmp_path, small_members, kind: str) -> Path:
    good_tar = _tar_bytes(small_members)
    gz = gzip.compress(good_tar)
    path = tmp_path / f"{kind}.tar.gz"
    data = {
        "truncated_gzip": gz[: len(gz) // 2],
        "truncated_gzip_tail": gz[:-4],  # only the gzip trailer (length) is missing
        "html": b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n",
        "plain_tar": good_tar,
        "empty_file": b"",
        "gzip_of_text": gzip.compress(b"this is not a tar archive\n" * 100),
        "tar_cut_mid_member": gzip.compress(good_tar[: 512 + 4000]),
        "tar_without_eof_marker": gzip.compress(_tar_bytes(small_members, eof_marker=False)),
        "bad_crc": _flip_crc(gz),
        # Zeros after the end-of-archive blocks are legal; the CRC is only read at the very end.
        "bad_crc_after_padding": _flip_crc(gzip.compress(good_tar + bytes(300_000))),
        "corrupt_deflate": gz[:200] + bytes(64) + gz[264:],
    }[kind]
    path.write_bytes(data)
    return path


def test_small_tarball_is_fine(tmp_path, small_members):
    path = tmp_path / "ok.tar.gz"
    path.write_bytes(gzip.compress(_tar_bytes(small_members)))
    events, problems = read_day_tarball(path)
    assert len(events) == 3 and problems == []
    assert events["prn_id"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "kind",
    [
        "truncated_gzip",
        "truncated_gzip_tail",
        "html",
        "plain_tar",
        "empty_file",
        "gzip_of_text",
        "tar_cut_mid_member",
        "tar_without_eof_marker",
        "bad_crc",
        "bad_crc_after_padding",
        "corrupt_deflate",
    ],
)
def test_unreadable_tarballs_raise_input_file_error(tmp_path, small_members, kind):
    path = _damaged(tmp_path, small_members, kind)
    with pytest.raises(InputFileError) as err:
        read_day_tarball(path)
    assert str(err.value).startswith(f"{path}: ")
    assert err.value.path == str(path)


@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html>\n<html><head><title>CDAAC - Sign in</title></head></html>\n",
        b"\n\n<!-- login portal -->\n<HTML><BODY>Please log in</BODY></HTML>",
    ],
    ids=["doctype", "comment-first"],
)
def test_an_html_page_saved_as_a_day_tarball_is_named_with_the_remedy(tmp_path, page):
    """A login page fetched by hand into the tarball's place: say so, and how to recover."""
    path = tmp_path / "resources" / "cosmic" / "scnLv1" / "2008" / "001.tar.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(page)
    path.chmod(0o444)  # as protected() leaves a downloaded day
    events, qc = tmp_path / "events.parquet", tmp_path / "qc.csv"
    with pytest.raises(InputFileError) as info:
        ingest_day(path, events, qc, **QC, strict=False)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and info.value.path == str(path)
    assert "HTML" in text and "login" in text
    assert f"chmod u+w {path} && rm {path}" in text  # the file is write-protected
    assert "BadGzipFile" not in text and "b'<" not in text
    assert not events.exists() and not qc.exists()


def test_missing_tarball_raises_input_file_error(tmp_path):
    with pytest.raises(InputFileError, match="cannot open"):
        read_day_tarball(tmp_path / "nope.tar.gz")


def test_empty_archive_gives_empty_table(tmp_path):
    path = tmp_path / "empty.tar.gz"
    path.write_bytes(gzip.compress(_tar_bytes([])))
    events, problems = read_day_tarball(path)
    assert len(events) == 0 and problems == [] and list(events.columns) == list(EVENT_COLUMNS)
    kept, counts = apply_qc(events, **QC)
    assert len(kept) == 0 and sum(counts.values()) == 0


# --- one day end to end, the QC summary and the rule scripts ------------------------------------


def test_ingest_day_writes_events_and_qc(day, tmp_path, caplog):
    events_path = tmp_path / "events" / "2007" / "002.parquet"
    qc_path = tmp_path / "qc" / "2007" / "002.csv"
    with caplog.at_level(logging.INFO, logger="estransport.io.scnlv1"):
        kept = ingest_day(day.path, events_path, qc_path, **QC, strict=False)
    back = pd.read_parquet(events_path)
    pd.testing.assert_frame_equal(back, kept, check_dtype=True)
    assert len(back) == 7
    assert back.attrs["units"]["alttp_s4max"] == "km"
    assert back.attrs["units"]["lontp_s4max"] == "degrees_east"
    assert back.attrs["day"] == "2007-002"
    assert back.attrs["qc"] == {"altitude_km": [90.0, 130.0], "s4max_range": [0.0, 5.0]}
    qc = pd.read_csv(qc_path)
    assert qc["count"].tolist() == [21, 1, 4, 4, 0, 2, 3, 7]
    assert "21 members, 7 kept" in caplog.text


@pytest.mark.parametrize("rows", ["day", "none"])
def test_event_table_written_without_pandas_equals_pandas_bytes(day, tmp_path, rows):
    """The batch ingest writes Parquet with pyarrow alone: byte for byte what pandas writes.

    Guards the pandas metadata that the writer reproduces (column descriptions,
    attributes, versions) against a pandas or pyarrow upgrade; NaN (absent
    start_time, s4max9sec) is stored as null either way.
    """
    from estransport.io.atomic import write_parquet

    times, values, members, _, _ = scnlv1._read_day(day.path, strict=False)
    if rows == "none":  # a day without events, e.g. a failed day
        times, values, members = times[:0], values[:0], []
    values[::3, 0] = np.nan
    attrs = {"units": dict(scnlv1.UNITS), "day": "2007-002", "n_members": len(members)}
    frame = scnlv1._events_frame(times, values, members)
    frame.attrs = attrs
    write_parquet(frame, tmp_path / "pandas.parquet")
    scnlv1._write_events(tmp_path / "arrow.parquet", times, values, members, attrs)
    assert (tmp_path / "arrow.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
    table = qc_table("2007-002", 3, [], {"fill_value": 1}, 2)
    table.to_csv(tmp_path / "pandas.csv", index=False)
    scnlv1._write_qc_csv(tmp_path / "plain.csv", "2007-002", list(table["reason"]), table["count"])
    assert (tmp_path / "plain.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_batch_ingest_imports_no_pandas(tmp_path):
    """The batch ingest (scripts/ingest_scnlv1_batch.py) runs without importing pandas or xarray."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from estransport.steps.cosmic import ingest_scnlv1_batch\n"
        "from estransport.io.scnlv1 import ingest_days\n"
        "from estransport.synthetic.cosmic import write_day_tarball\n"
        f"p = {str(tmp_path / '2008' / '001.tar.gz')!r}\n"
        "write_day_tarball(p, 2008, 1, arcs_per_day=50, es_fraction=0.8, fill_fraction=0.1,"
        " empty_member_fraction=0.02, seed=1)\n"
        f"ingest_days([p], [{str(tmp_path / 'e.parquet')!r}], [{str(tmp_path / 'q.csv')!r}],"
        " altitude_km=(90, 130), s4max_range=(0, 5), strict=False)\n"
        "print(sorted(m for m in ('pandas', 'xarray') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "e.parquet").stat().st_size > 0


def test_ingest_day_rejects_inverted_qc_range(day, tmp_path):
    # The workflow stops such a configuration before any rule runs (test_config.py);
    # the library refuses it too, before writing anything.
    with pytest.raises(ValueError, match="empty QC range"):
        ingest_day(
            day.path,
            tmp_path / "e.parquet",
            tmp_path / "q.csv",
            altitude_km=(130, 90),
            s4max_range=(0.0, 5.0),
            strict=False,
        )
    assert not (tmp_path / "e.parquet").exists() and not (tmp_path / "q.csv").exists()


def test_qc_names_still_importable_from_the_reader_module():
    """The QC moved to io.scnlv1_qc; callers importing it from io.scnlv1 keep working."""
    for name in ("QC_REASONS", "FILL_VALUE", "apply_qc", "qc_table", "summarise_qc"):
        assert getattr(scnlv1, name) is getattr(scnlv1_qc, name)


def test_day_label_from_path():
    empty = pd.DataFrame({"time": pd.Series([], dtype="datetime64[ns]")})
    assert scnlv1._day_label("resources/cosmic/scnLv1/2007/002.tar.gz", empty) == "2007-002"
    assert scnlv1._day_label("/a/scnLv1_repro2013_2008_123.tar.gz", empty) == "2008-123"
    assert scnlv1._day_label("/a/scnLv1_postProc_2014_300.tar.gz", empty) == "2014-300"


def test_summarise_qc(tmp_path):
    paths = []
    for i, counts in enumerate(([10, 1, 0, 2, 0, 1, 3, 3], [5, 0, 1, 0, 0, 0, 1, 3], [0] * 8)):
        table = pd.DataFrame(
            {"day": f"2007-00{i}", "reason": ["total_members", *QC_REASONS], "count": counts}
        )
        paths.append(tmp_path / f"{i}.csv")
        table.to_csv(paths[-1], index=False)
    summary = summarise_qc(paths)
    assert dict(zip(summary["reason"], summary["count"], strict=True)) == {
        "days": 3,
        "days_without_data": 1,
        "total_members": 15,
        "empty_member": 1,
        "corrupt_member": 1,
        "fill_value": 2,
        "position_out_of_range": 0,
        "s4max_out_of_range": 1,
        "altitude_out_of_range": 4,
        "kept": 6,
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("day,reason,count\n2007-001,cosmic_rays,3\n")
    with pytest.raises(InputFileError, match="unknown reason") as err:
        summarise_qc([*paths, bad])
    assert str(bad) in str(err.value)
    assert summarise_qc([])["count"].sum() == 0


@pytest.fixture
def restore_logging():
    """setup_logging() replaces the root handlers, level and sys.excepthook: put them back."""
    import sys

    root = logging.getLogger()
    saved = (list(root.handlers), root.level, sys.excepthook)
    yield
    for handler in root.handlers:
        if handler not in saved[0]:
            handler.close()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    sys.excepthook = saved[2]


def test_rule_scripts_run_with_a_snakemake_object(day, tmp_path, restore_logging):
    """The two rule scripts, run as Snakemake runs them, with the default config's sections."""
    cosmic = load_config(REPO / "config" / "config.yaml")["cosmic"]
    qc_path = tmp_path / "qc" / "2007" / "002.csv"
    ingest = SimpleNamespace(
        input=SimpleNamespace(tarballs=[str(day.path)]),
        output=SimpleNamespace(events=[str(tmp_path / "ev.parquet")], qc=[str(qc_path)]),
        params=SimpleNamespace(qc=cosmic["qc"], ingest=cosmic["ingest"]),
        wildcards=SimpleNamespace(),
        threads=1,
        log=[str(tmp_path / "logs" / "ingest.log")],
    )
    runpy.run_path(
        str(REPO / "scripts" / "ingest_scnlv1_batch.py"), init_globals={"snakemake": ingest}
    )
    assert "21 members, 7 kept" in (tmp_path / "logs" / "ingest.log").read_text()
    summary = SimpleNamespace(
        input=SimpleNamespace(qc=[str(qc_path)]),
        output=SimpleNamespace(summary=str(tmp_path / "summary.csv")),
        params=SimpleNamespace(),
        wildcards=SimpleNamespace(),
        threads=1,
        log=[str(tmp_path / "logs" / "summary.log")],
    )
    runpy.run_path(
        str(REPO / "scripts" / "cosmic_qc_summary.py"), init_globals={"snakemake": summary}
    )
    out = pd.read_csv(tmp_path / "summary.csv")
    assert out["count"].tolist() == [1, 0, 21, 1, 4, 4, 0, 2, 3, 7]


def test_other_attribute_types_and_missing_optional_attributes(tmp_path):
    """Calendar stored as doubles, ids as shorts, no start_time/s4max9sec: still one exact row."""
    attrs = _attrs(5, second=59.5)
    for key in ("year", "month", "day", "hour", "minute"):
        attrs[key] = float(attrs[key])
    for key in ("leo_id", "prn_id", "antenna_id"):
        attrs[key] = np.int16(attrs[key])
    del attrs["start_time"], attrs["s4max9sec"]
    odd = dict(attrs, leo_id=2.5)  # a non-integer id is a corrupt member
    path = tmp_path / "odd.tar.gz"
    members = [
        (_name(5, 6), _member(tmp_path, "a", attrs)),
        (_name(6, 7), _member(tmp_path, "b", odd)),
    ]
    path.write_bytes(gzip.compress(_tar_bytes(members)))
    events, problems = read_day_tarball(path)
    assert len(events) == 1
    row = events.iloc[0]
    assert row["time"] == pd.Timestamp("2007-01-02 00:05:59.500")
    assert np.isnan(row["start_time_gps_s"]) and np.isnan(row["s4max9sec"])
    assert (row["leo_id"], row["prn_id"], row["s4max"]) == (2, 6, 0.5)
    assert [p["member"] for p in problems] == [_name(6, 7)]
    assert "'leo_id' is 2.5, not an integer" in problems[0]["detail"]


def test_strict_corrupt_member_message_names_it_once(tmp_path):
    path = tmp_path / "c.tar.gz"
    path.write_bytes(
        gzip.compress(_tar_bytes([(_name(1, 1), b"CDF\x01" + bytes(7) + b"\x0b" + bytes(20))]))
    )
    with pytest.raises(InputFileError) as err:
        read_day_tarball(path, strict=True)
    text = str(err.value)
    assert text.startswith(
        f"{path} [member {_name(1, 1)}]: corrupt_member: malformed netCDF-3 header"
    )
    assert text.count(str(path)) == 1
