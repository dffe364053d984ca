"""SAO.XML 5.0, IIWG station-month and UKSSDC Data File readers against the generator's files."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from estransport.errors import InputFileError
from estransport.ionosonde.hourly import read_raw
from estransport.ionosonde.schema import validate_table
from estransport.ionosonde.stations import Station
from estransport.ionosonde.ukssdc import lmt_to_ut, read_iiwg, read_ukssdc_daily, wrap_meridian
from estransport.synthetic.ionosonde import LETTER_ONLY, generate_station_year, iiwg_meridian

from .ionosonde_helpers import default_truth

LISBON = Station("lisbon", "Lisbon", 38.72, -9.27, "Greenwich", 1975, 1998, "ukssdc", "iiwg")
SHAOYANG = Station("shaoyang", "Shaoyang", 27.1, 111.3, "120E", 2006, 2016, "manual", "saoxml")


def _roundtrip(station: Station, year: int, tmp_path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = tmp_path / f"{station.code}_{year}.{station.extension}"
    written = generate_station_year(station, year, path, seed=7, truth=default_truth())
    read = read_raw(path, station)
    validate_table(read)
    return written, read


def _check_same(written: pd.DataFrame, read: pd.DataFrame) -> None:
    assert len(read) == len(written)
    w = written.sort_values("time_ut").reset_index(drop=True)
    r = read.sort_values("time_ut").reset_index(drop=True)
    assert (r["time_ut"].to_numpy() == w["time_ut"].to_numpy()).all()
    np.testing.assert_allclose(r["foEs_MHz"], w["foEs_MHz"], atol=1e-9)  # NaN == NaN
    assert r["qualifier"].tolist() == w["qualifier"].tolist()
    assert r["descriptor"].tolist() == w["descriptor"].tolist()
    # letter-only entries are present, missing, and keep their letter
    letter_only = w["foEs_MHz"].isna() & w["descriptor"].isin(LETTER_ONLY)
    assert letter_only.sum() > 100
    assert r.loc[letter_only, "foEs_MHz"].isna().all()
    assert set(r.loc[letter_only, "descriptor"]) <= set(LETTER_ONLY)
    assert (r["qualifier"] != "").sum() > 100  # qualifying letters on values survive


def test_iiwg_roundtrip(tmp_path):
    written, read = _roundtrip(LISBON, 1996, tmp_path)
    _check_same(written, read)
    # h'Es is tabulated in whole km (URSI code 34)
    np.testing.assert_allclose(read["hEs_km"], np.round(written.sort_values("time_ut")["hEs_km"]))
    assert (read["confidence"] == 999).all()  # header scaling "Manual"


def test_saoxml_roundtrip(tmp_path):
    written, read = _roundtrip(SHAOYANG, 2009, tmp_path)
    _check_same(written, read)
    assert (read["station"] == "shaoyang").all()


def test_ukssdc_daily_roundtrip_and_lmt_by_hand(tmp_path):
    st = dataclasses.replace(LISBON, format="ukssdc_daily")
    written, read = _roundtrip(st, 1996, tmp_path)
    _check_same(written, read)
    # by hand: Lisbon's local mean time is UT - 9.27/15 h = UT - 37 min 4.8 s, so the
    # "0000 LMT" value of 1 July 1996 was observed at 00:37:04.8 UT
    assert lmt_to_ut(dt.datetime(1996, 7, 1), -9.27) == dt.datetime(1996, 7, 1, 0, 37, 4, 800000)
    path = tmp_path / "lisbon_1996.dat"
    line = next(ln for ln in path.read_text().splitlines() if ln.startswith("1996 7 1"))
    assert len(line) == 128
    cell = line[8:13]  # the 0000 LMT value, VVVQD
    row = read.loc[read["time_ut"] == pd.Timestamp("1996-07-01 00:37:04.8")].iloc[0]
    if cell[:3].strip():
        assert row["foEs_MHz"] == int(cell[:3]) / 10
    else:
        assert np.isnan(row["foEs_MHz"]) and row["descriptor"] == cell[4]


def test_iiwg_header_meridian_converts_to_ut(tmp_path):
    """Lisbon's synthetic IIWG files use the -15 meridian: 12:00 local is 13:00 UT."""
    assert iiwg_meridian(LISBON.lon) == -15
    path = tmp_path / "lisbon_1996.iiwg"
    generate_station_year(LISBON, 1996, path, seed=7, truth=default_truth())
    lines = path.read_text().splitlines()
    header = lines[0]
    assert len(header) == 99 and header[35:39] == " -15"
    table = read_iiwg(path, "lisbon")
    # local hours 00..23 of 1 January are 01..24 UT; the first sounding is at 01:00 UT
    assert table["time_ut"].iloc[0] == pd.Timestamp("1996-01-01 01:00")
    assert (table["time_ut"].dt.minute == 0).all()
    # by hand: the row at 13:00 UT of a day with 24 soundings comes from that day's value
    # line (its source_line), cell 12 (local noon), VVVQD in 0.1 MHz
    full = table.groupby(table["time_ut"].dt.floor("D")).size()
    day = full[full == 24].index[5]
    row = table.loc[table["time_ut"] == day + pd.Timedelta(hours=13)].iloc[0]
    cell = lines[row["source_line"] - 1][5 * 12 : 5 * 12 + 5]
    if cell[:3].strip():
        assert row["foEs_MHz"] == int(cell[:3]) / 10
    else:
        assert np.isnan(row["foEs_MHz"])
    assert row["descriptor"] == cell[4].strip() and row["qualifier"] == cell[3].strip()


def test_iiwg_layout_by_hand(tmp_path):
    """A hand-written two-day station-month (February 2001, 28 days) read cell by cell."""
    per_day = [2, 1] + [0] * 26
    ints = [2001, 2, 28, 1, 3, *per_day]
    text = [
        f"{'SLOUGH':<30}{'SL051':<5}{0:4d}{51.5:5.1f}{-0.6:5.1f}{'Manual':<10}{'Edited':<10}"
        f"{'test':<30}",
        "".join(f"{i:4d}" for i in ints[:30]),
        "".join(f"{i:4d}" for i in ints[30:]),
        f"{'foEs':<10}",
        f"{'0.1 MHz':<10}",
        "30",
        "000000120000",  # day 1: 00:00 and 12:00
        "060000",  # day 2: 06:00
        " 45UA" + "    G",  # day 1: 4.5 MHz (U, A); letter-only G
        "123  ",  # day 2: 12.3 MHz
        *[""] * 6,  # medians, counts, quartiles, deciles (not used)
    ]
    f = tmp_path / "slough.iiwg"
    f.write_text("\r\n".join(text) + "\r\n")
    t = read_iiwg(f, "slough")
    assert t["time_ut"].tolist() == [
        pd.Timestamp("2001-02-01 00:00"),
        pd.Timestamp("2001-02-01 12:00"),
        pd.Timestamp("2001-02-02 06:00"),
    ]
    assert t["foEs_MHz"].iloc[0] == 4.5 and np.isnan(t["foEs_MHz"].iloc[1])
    assert t["foEs_MHz"].iloc[2] == 12.3
    assert t["qualifier"].tolist() == ["U", "", ""]
    assert t["descriptor"].tolist() == ["A", "G", ""]
    assert t["source_line"].tolist() == [9, 9, 10]
    # a 30-day February is an impossible date
    bad = tmp_path / "bad.iiwg"
    bad.write_text("\n".join([text[0], text[1].replace("  28", "  30", 1), *text[2:]]) + "\n")
    with pytest.raises(InputFileError, match=r"bad\.iiwg, line 2: 30 days given for 2001-02"):
        read_iiwg(bad)
    # an I3 that is neither blank nor an integer is an error, not a silent "missing"
    bad.write_text("\n".join(text[:8] + [" 4x5UA    G"] + text[9:]) + "\n")
    with pytest.raises(InputFileError, match=r"line 9: foEs day 1 value 1: expected an integer"):
        read_iiwg(bad)


def test_saoxml_errors_name_file_and_line(tmp_path):
    f = tmp_path / "x.xml"
    f.write_text(
        '<?xml version="1.0"?>\n<SAORecordList>\n'
        '<SAORecord FormatVersion="5.0" StartTimeUTC="2009-02-29T00:00:00Z" URSICode="AB123">\n'
        "</SAORecord>\n</SAORecordList>\n"
    )
    with pytest.raises(InputFileError, match=r"x\.xml, line 3: impossible date"):
        read_raw(f, SHAOYANG)
    f.write_text(
        '<SAORecordList>\n<SAORecord StartTimeUTC="2009-02-28T00:00:00Z">\n'
        '<CharacteristicList><URSI ID="30" Val="4.5" Units="kHz"/></CharacteristicList>\n'
        "</SAORecord></SAORecordList>\n"
    )
    with pytest.raises(InputFileError, match=r"line 3: foEs_MHz in units 'kHz'"):
        read_raw(f, SHAOYANG)
    f.write_text("<SAORecordList>\n<SAORecord>\n")
    with pytest.raises(InputFileError, match=r"x\.xml, line 2"):
        read_raw(f, SHAOYANG)


def test_meridians_beyond_180_are_wrapped(tmp_path):
    """A header meridian of 345 (= 15 W in 0-360 degrees) gives the same UT as -15."""
    assert [wrap_meridian(m) for m in (345, -15, 180, -180, 360, 0, 190, 120)] == [
        -15,
        -15,
        180,
        180,
        0,
        0,
        -170,
        120,
    ]
    noon = dt.datetime(1996, 7, 1, 12)
    assert lmt_to_ut(noon, 345) == lmt_to_ut(noon, -15) == dt.datetime(1996, 7, 1, 13)
    assert lmt_to_ut(noon, 360) == noon
    path = tmp_path / "lisbon_1996.iiwg"
    generate_station_year(LISBON, 1996, path, seed=7, truth=default_truth())
    text = path.read_text()
    west = read_iiwg(path, "lisbon")
    lines = text.splitlines()
    headers = [i for i, ln in enumerate(lines) if ln[35:39] == " -15" and ln.startswith("Lisbon")]
    assert len(headers) == 12  # one station-month header per month
    for i in headers:
        lines[i] = lines[i][:35] + " 345" + lines[i][39:]
    east = tmp_path / "lisbon_1996_345.iiwg"
    east.write_text("\r\n".join(lines) + "\r\n")
    wrapped = read_iiwg(east, "lisbon")
    assert wrapped["time_ut"].tolist() == west["time_ut"].tolist()
    assert wrapped["time_ut"].iloc[0] == pd.Timestamp("1996-01-01 01:00")
    # the Data File's meridian (registry lon or time_meridian_deg) is wrapped the same way
    st = dataclasses.replace(LISBON, format="ukssdc_daily")
    dat = tmp_path / "lisbon_1996.dat"
    generate_station_year(st, 1996, dat, seed=7, truth=default_truth())
    a = read_ukssdc_daily(dat, "lisbon", meridian_deg_e=-9.27)
    b = read_ukssdc_daily(dat, "lisbon", meridian_deg_e=360 - 9.27)
    assert (b["time_ut"] - a["time_ut"]).abs().max() < pd.Timedelta(microseconds=1)
    assert a["time_ut"].iloc[0] == pd.Timestamp("1996-01-01 00:37:04.8")
