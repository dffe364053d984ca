"""GIRO DIDBase export reader on the real Millstone Hill file, and its edge cases."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pytest

from estransport.errors import InputFileError
from estransport.ionosonde.didbase import read_didbase, read_didbase_table
from estransport.ionosonde.hourly import build_hourly, filter_confidence
from estransport.ionosonde.schema import COLUMNS, validate_table
from estransport.ionosonde.stations import Station

pytestmark = pytest.mark.realdata

MILLSTONE = "giro_didbase/MilstonHill_2019_part2.txt"


@pytest.fixture(scope="module")
def millstone(realdata):
    return realdata(MILLSTONE)


def test_millstone_hill_parses_to_571_rows(millstone):
    wide = read_didbase(millstone)
    assert len(wide) == 571
    assert list(wide.columns) == ["time_ut", "CS", "foF2", "foF2_QD", "source_line"]
    assert wide.attrs["units"] == {"foF2": "MHz"}
    first, last = wide.iloc[0], wide.iloc[-1]
    assert first["time_ut"] == dt.datetime(2019, 12, 30, 0, 0)
    assert (first["CS"], first["foF2"], first["foF2_QD"]) == (70, 2.575, "//")
    assert first["source_line"] == 21  # 20 header lines
    assert last["time_ut"] == dt.datetime(2019, 12, 31, 23, 55)
    assert (last["CS"], last["foF2"]) == (60, 2.875)
    # the confidence score is kept as it is: 0-90 in this file, modal value 70
    assert (wide["CS"].min(), wide["CS"].max()) == (0, 90)
    assert wide["CS"].mode().iloc[0] == 70
    assert int((wide["CS"] >= 70).sum()) == 310
    assert wide["foF2"].notna().all()


def test_columns_are_mapped_by_header_not_position(millstone, tmp_path):
    """A two-characteristic export with the columns in the server's order, foEs second."""
    text = millstone.read_text().splitlines()
    head = [ln for ln in text if ln.startswith("#")][:-1]
    head.insert(13, "# foEs [MHz] - Es layer critical frequency")
    rows = [
        "#Time                     CS   foF2 QD   foEs QD",
        "2019-12-30T00:00:00.000Z  70  2.575 //   3.40 U/",
        "2019-12-30T00:05:00.000Z 999  2.425 //    --- /A",
        "2019-12-30T00:10:00.000Z  20  2.575 //   9.90 //",
    ]
    f = tmp_path / "two.txt"
    f.write_text("\n".join(head + rows) + "\n")
    table = read_didbase_table(f, station="MHJ45")
    validate_table(table)
    assert table["foEs_MHz"].iloc[0] == 3.40  # not foF2's 2.575
    assert np.isnan(table["foEs_MHz"].iloc[1])  # '---' is missing
    assert table["qualifier"].tolist() == ["U", "", ""]
    assert table["descriptor"].tolist() == ["", "A", ""]
    assert table["confidence"].tolist() == [70, 999, 20]
    assert table["source_line"].tolist() == [len(head) + 2, len(head) + 3, len(head) + 4]


def test_min_confidence_filter_keeps_manual(millstone, tmp_path):
    table = read_didbase_table(millstone, station="MHJ45", characteristic="foF2")
    assert len(table) == 571
    kept = filter_confidence(table, 70, keep_unknown=True)
    assert len(kept) == 310
    assert kept["confidence"].min() >= 70
    # a manual (999) record survives any threshold; an unknown (-1) one only if asked
    lines = millstone.read_text().splitlines()
    lines[20] = lines[20].replace("  70  2.575", " 999  2.575")
    lines[21] = lines[21].replace("  20  2.425", "  -1  2.425")
    f = tmp_path / "manual.txt"
    f.write_text("\n".join(lines) + "\n")
    t = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    strict = filter_confidence(t, 100, keep_unknown=False)
    assert strict["confidence"].tolist() == [999] + [100] * int((t["confidence"] == 100).sum())
    assert -1 in filter_confidence(t, 100, keep_unknown=True)["confidence"].tolist()


def test_no_data_status_is_empty_and_errors_are_errors(tmp_path):
    nodata = tmp_path / "nodata.txt"
    nodata.write_text(
        "# Global Ionospheric Radio Observatory\n"
        "# STATUS: ERROR (No measurement data found for the query)\n"
    )
    assert read_didbase_table(nodata, station="WU430").empty
    err = tmp_path / "err.txt"
    err.write_text("ERROR: unknown URSI code XX000\n")
    with pytest.raises(InputFileError, match=r"err\.txt, line 1: server error"):
        read_didbase(err)


def test_bad_lines_name_file_and_line(millstone, tmp_path):
    lines = millstone.read_text().splitlines()
    cases = {
        "2019-02-30T00:00:00.000Z  70  2.575 //": "impossible date",
        "2019-12-30T00:00:00.000Z 170  2.575 //": "confidence score 170",
        "2019-12-30T00:00:00.000Z  70  2.5x5 //": "is not a number",
        "2019-12-30T00:00:00.000Z  70  2.575": "3 fields",
        "2019-12-30T00:00:00.000Z  70  2.575 /": "QD token",
    }
    for k, (bad, message) in enumerate(cases.items()):
        f = tmp_path / f"bad{k}.txt"
        f.write_text("\n".join(lines[:30] + [bad] + lines[30:40]) + "\n")
        with pytest.raises(InputFileError, match=message) as info:
            read_didbase(f)
        assert info.value.line == 31 and info.value.path == str(f)


def test_wrong_unit_is_rejected(millstone, tmp_path):
    text = millstone.read_text().replace(
        "#Time                     CS   foF2 QD", "#Time                     CS   foEs QD"
    )
    text = text.replace("# foF2 [MHz]", "# foEs [kHz]")
    f = tmp_path / "units.txt"
    f.write_text(text)
    with pytest.raises(InputFileError, match=r"foEs is in \[kHz\], expected \[MHz\]"):
        read_didbase_table(f, station="MHJ45")


# --- dates and row checks (issue 10, items 11 and 15) -----------------------------------------

HEADER = "#Time CS foF2 QD\n"


@pytest.mark.parametrize("year", [1, 1066, 1676, 1924, 1929, 2101, 2150, 2263, 3024, 9999])
def test_year_outside_1930_2100_names_file_and_line(tmp_path, year):
    f = tmp_path / "years.txt"
    f.write_text(
        HEADER + "2019-12-30T00:00:00.000Z  70  2.575 //\n"
        f"{year:04d}-02-01T21:00:00.000Z  95 12.400 //\n"
    )
    with pytest.raises(InputFileError, match=rf"years\.txt, line 3: .*year {year}\b") as info:
        read_didbase(f)
    assert info.value.line == 3
    with pytest.raises(InputFileError, match="line 3"):
        read_didbase_table(f, station="X", characteristic="foF2")


@pytest.mark.parametrize("year", [1930, 2100])
def test_years_at_the_bounds_are_read(tmp_path, year):
    f = tmp_path / "bounds.txt"
    f.write_text(HEADER + f"{year}-02-01T21:00:00.000Z  95 12.400 //\n")
    assert read_didbase(f)["time_ut"].iloc[0] == dt.datetime(year, 2, 1, 21)


def _millstone_lines(millstone) -> tuple[list[str], list[str]]:
    lines = millstone.read_text().splitlines()
    return lines[:20], lines[20:]


def _write(path, head, rows):
    path.write_text("\n".join(head + rows) + "\n")
    return path


def test_rows_out_of_order_are_sorted_with_a_warning(millstone, tmp_path, caplog):
    head, rows = _millstone_lines(millstone)
    rows = rows[:10]
    swapped = [rows[0], rows[3], rows[1], rows[2], *rows[4:]]  # line 22 is later than 23, 24
    f = _write(tmp_path / "order.txt", head, swapped)
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.didbase"):
        table = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    assert table["time_ut"].is_monotonic_increasing and len(table) == 10
    assert table["source_line"].tolist()[:4] == [21, 23, 24, 22]
    assert table.attrs["qc"]["out_of_order"] == 2
    assert str(f) in caplog.text and "2 rows out of time order" in caplog.text
    assert "line 23" in caplog.text  # the first row that goes back in time


def test_exact_duplicate_rows_are_dropped_with_a_warning(millstone, tmp_path, caplog):
    head, rows = _millstone_lines(millstone)
    rows = rows[:10]
    f = _write(tmp_path / "dup.txt", head, [*rows[:5], rows[4], rows[4], *rows[5:]])
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.didbase"):
        table = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    assert len(table) == 10 and table["time_ut"].is_unique
    assert table["source_line"].tolist()[4:6] == [25, 28]  # the first copy is kept
    assert table.attrs["qc"]["duplicates_dropped"] == 2
    assert "2 exact duplicate rows" in caplog.text and "line 26" in caplog.text


def test_conflicting_duplicates_keep_the_most_confident_row(millstone, tmp_path, caplog):
    head, rows = _millstone_lines(millstone)
    rows = rows[:10]
    assert rows[4] == "2019-12-30T00:20:00.000Z  70  2.675 //"
    other = "2019-12-30T00:20:00.000Z  90  2.700 //"  # same time, another scaling
    f = _write(tmp_path / "conflict.txt", head, [*rows[:5], other, *rows[5:]])
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.didbase"):
        table = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    assert len(table) == 10 and table["time_ut"].is_unique
    kept = table.loc[table["time_ut"] == dt.datetime(2019, 12, 30, 0, 20)].iloc[0]
    assert (kept["confidence"], kept["foEs_MHz"], kept["source_line"]) == (90, 2.7, 26)
    assert table.attrs["qc"]["conflicting_duplicates"] == 1
    assert "line 25" in caplog.text and "line 26" in caplog.text
    # a manual scaling (999) wins over any autoscaling confidence; a tie keeps the first line
    manual = "2019-12-30T00:20:00.000Z 999  2.650 //"
    tie = "2019-12-30T00:20:00.000Z  70  2.600 //"
    f = _write(tmp_path / "conflict2.txt", head, [*rows[:5], other, manual, tie, *rows[5:]])
    kept = read_didbase_table(f, station="MHJ45", characteristic="foF2").iloc[4]
    assert (kept["confidence"], kept["foEs_MHz"]) == (999, 2.65)
    f = _write(tmp_path / "tie.txt", head, [*rows[:5], tie, *rows[5:]])
    kept = read_didbase_table(f, station="MHJ45", characteristic="foF2").iloc[4]
    assert (kept["foEs_MHz"], kept["source_line"]) == (2.675, 25)


def test_rows_outside_the_query_interval_are_dropped_with_a_warning(millstone, tmp_path, caplog):
    head, rows = _millstone_lines(millstone)
    assert head[8] == "# 2019-12-30T00:00:00.000Z - 2019-12-31T23:59:00.000Z"
    before = "2019-12-29T23:55:00.000Z  70  2.500 //"
    after = "2020-01-01T00:00:00.000Z  70  2.500 //"
    last = "2019-12-31T23:59:00.000Z  70  2.500 //"  # the end of the interval is inside
    f = _write(tmp_path / "outside.txt", head, [before, *rows, last, after])
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.didbase"):
        table = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    assert len(table) == 572
    assert table["time_ut"].min() == dt.datetime(2019, 12, 30)
    assert table["time_ut"].max() == dt.datetime(2019, 12, 31, 23, 59)
    assert table.attrs["qc"]["outside_query"] == 2
    assert "2 rows outside the query interval" in caplog.text
    assert "line 21" in caplog.text  # the first of them


def test_query_interval_with_a_bad_date_names_the_header_line(millstone, tmp_path):
    head, rows = _millstone_lines(millstone)
    head[8] = "# 2019-12-30T00:00:00.000Z - 2019-13-31T23:59:00.000Z"
    f = _write(tmp_path / "badquery.txt", head, rows[:3])
    with pytest.raises(InputFileError, match=r"badquery\.txt, line 9: .*impossible date"):
        read_didbase(f)


def test_header_only_file_is_empty_with_a_warning_and_counted(millstone, tmp_path, caplog):
    head, _ = _millstone_lines(millstone)
    f = _write(tmp_path / "MHJ45_2019.txt", head, [])
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.didbase"):
        table = read_didbase_table(f, station="MHJ45", characteristic="foF2")
    assert table.empty and list(table.columns) == list(COLUMNS)
    assert table.attrs["qc"]["header_only"] == 1
    assert str(f) in caplog.text and "no data rows" in caplog.text


def test_build_hourly_counts_the_qc_of_every_file(millstone, tmp_path, caplog):
    """The per-file counts add up in the hourly table's attrs (stored in its Parquet)."""
    head, rows = _millstone_lines(millstone)
    empty = _write(tmp_path / "MHJ45_2018.txt", head, [])
    dup = _write(tmp_path / "MHJ45_2019.txt", head, [rows[0], rows[0], *rows[1:]])
    station = Station(
        "mhj45", "Millstone Hill", 42.6, -71.5, "X", 2018, 2019, "giro", "didbase", "MHJ45"
    )
    # the station's column is foEs: rename the sample's foF2
    for p in (empty, dup):
        p.write_text(p.read_text().replace("foF2", "foEs"))
    with caplog.at_level(logging.INFO, logger="estransport.ionosonde.hourly"):
        hourly = build_hourly(
            [empty, dup],
            station,
            confidence_filter="ionogram",
            min_confidence=0,
            keep_unknown_confidence=True,
            method="nearest",
            tolerance_min=30,
        )
    assert hourly.attrs["qc"]["header_only"] == 1
    assert hourly.attrs["qc"]["duplicates_dropped"] == 1
    assert "1 header-only file" in caplog.text and "1 exact duplicate" in caplog.text
