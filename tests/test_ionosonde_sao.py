"""Digisonde SAO 4.x reader: the real sample files and their traps."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re

import pandas as pd
import pytest

from estransport.errors import InputFileError
from estransport.ionosonde.sao import iter_sao_records, read_sao
from estransport.ionosonde.schema import COLUMNS, validate_table

pytestmark = pytest.mark.realdata

# Read by hand from the files of the registry tests/data/realdata.tsv:
# registry name -> (time UT, number of scaled values, foEs MHz or None, h'Es km or None, preface)
REAL_SAO = {
    "sao/BC840_2009336000005.SAO": (dt.datetime(2009, 12, 2, 0, 0, 5), 43, None, None, "FE"),
    "sao/BL841_2006003000500.SAO": (dt.datetime(2006, 1, 3, 0, 5, 0), 40, None, None, "AA"),
    "sao/DW41K_2008020070000.SAO": (dt.datetime(2008, 1, 20, 7, 0, 0), 49, 4.530, 106.400, "AA"),
    "sao/KJ609_2009005001000.SAO": (dt.datetime(2009, 1, 5, 0, 10, 0), 49, 5.100, 104.000, "FF"),
    "sao/test.sao": (dt.datetime(2017, 9, 5, 12, 45, 0), 49, 2.825, 107.500, "FF"),
}


def _same(value: float, expected: float | None) -> bool:
    return math.isnan(value) if expected is None else value == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("name", sorted(REAL_SAO))
def test_real_file_matches_readme_table(realdata, name):
    when, count, foes, hes, preface = REAL_SAO[name]
    path = realdata(name)
    records = list(iter_sao_records(path))
    assert len(records) == 1
    rec = records[0]
    assert rec.time == when
    assert rec.preface == preface
    assert len(rec.characteristics) == count
    table = read_sao(path, station="X")
    validate_table(table)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["time_ut"] == when
    assert _same(row["foEs_MHz"], foes)
    assert _same(row["hEs_km"], hes)
    assert row["source_line"] == 1 and row["source_file"] == str(path)


def test_values_running_together_are_sliced_by_width(realdata):
    # BC840 group 4 line 1 is "   3.7509999.000   3.828  14.353 ..." (foF2 then a missing foF1)
    rec = next(iter_sao_records(realdata("sao/BC840_2009336000005.SAO")))
    assert rec.characteristics[0] == pytest.approx(3.750)
    assert math.isnan(rec.characteristics[1])
    assert rec.characteristics[2] == pytest.approx(3.828)
    assert rec.characteristics[3] == pytest.approx(14.353)


def test_dynasonde_three_line_group2_is_skipped_by_line_count(realdata):
    rec = next(iter_sao_records(realdata("sao/BL841_2006003000500.SAO")))
    assert len(rec.system) == 3 and rec.system[0].strip() == ""
    assert rec.system[1].startswith("DYNASONDE")
    assert rec.characteristics[0] == pytest.approx(4.639)  # foF2, first element after group 3


def test_fbes_and_confidence(realdata):
    dw = read_sao(realdata("sao/DW41K_2008020070000.SAO")).iloc[0]
    assert dw["fbEs_MHz"] == pytest.approx(4.105)  # group 4 element 48
    assert dw["confidence"] == -1  # no analysis flags (group 5 absent)
    # analysis flag 10 "11" -> 125 - 25 = 100; "22" -> 75 (Perl Data::SAO4 rule, [V3])
    assert read_sao(realdata("sao/KJ609_2009005001000.SAO")).iloc[0]["confidence"] == 100
    assert read_sao(realdata("sao/test.sao")).iloc[0]["confidence"] == 75


def test_crlf_variant_reads_identically(realdata, tmp_path):
    src = realdata("sao/KJ609_2009005001000.SAO")
    data = src.read_bytes()
    assert b"\r" not in data
    crlf = tmp_path / "KJ609_crlf.SAO"
    crlf.write_bytes(data.replace(b"\n", b"\r\n"))
    a = read_sao(src, station="KJ609")
    b = read_sao(crlf, station="KJ609")
    cols = ["time_ut", "foEs_MHz", "hEs_km", "fbEs_MHz", "confidence", "source_line"]
    assert a[cols].equals(b[cols])
    assert b.iloc[0]["foEs_MHz"] == pytest.approx(5.1)


def test_multi_record_file_yields_all_records(realdata, tmp_path):
    names = [
        "sao/KJ609_2009005001000.SAO",
        "sao/BL841_2006003000500.SAO",
        "sao/DW41K_2008020070000.SAO",
        "sao/test.sao",
    ]
    parts = [realdata(n).read_bytes() for n in names]
    multi = tmp_path / "multi.SAO"
    multi.write_bytes(b"".join(parts))
    table = read_sao(multi, station="M")
    assert len(table) == 4
    # rows come sorted by time; every record keeps the line where its index starts
    by_time = table.set_index("time_ut")
    assert by_time.loc[dt.datetime(2009, 1, 5, 0, 10), "foEs_MHz"] == pytest.approx(5.1)
    assert by_time.loc[dt.datetime(2017, 9, 5, 12, 45), "hEs_km"] == pytest.approx(107.5)
    starts = sorted(table["source_line"])
    n = [p.count(b"\n") for p in parts]
    assert starts == [1, 1 + n[0], 1 + n[0] + n[1], 1 + n[0] + n[1] + n[2]]


def test_truncated_record_names_file_and_line(realdata, tmp_path):
    lines = realdata("sao/test.sao").read_text().splitlines(keepends=True)
    cut = tmp_path / "cut.SAO"
    cut.write_text("".join(lines[:20]))
    with pytest.raises(InputFileError, match=r"cut\.SAO, line 20: .*truncated") as info:
        read_sao(cut)
    assert info.value.line == 20


def test_impossible_date_and_doy_mismatch(realdata, tmp_path):
    text = realdata("sao/KJ609_2009005001000.SAO").read_text()
    bad = tmp_path / "bad.SAO"
    # FF2009 005 01 05 ... -> month 13
    bad.write_text(text.replace("FF2009005010500", "FF2009005130500", 1))
    with pytest.raises(InputFileError, match=r"bad\.SAO, line 5: impossible date"):
        read_sao(bad)
    bad.write_text(text.replace("FF2009005010500", "FF2009006010500", 1))
    with pytest.raises(InputFileError, match="day of year 6 disagrees"):
        read_sao(bad)


def test_unknown_preface_and_not_an_sao_file(realdata, tmp_path):
    text = realdata("sao/KJ609_2009005001000.SAO").read_text()
    bad = tmp_path / "bad.SAO"
    bad.write_text(text.replace("FF2009005", "ZZ2009005", 1))
    with pytest.raises(InputFileError, match="unknown group-3 preface 'ZZ'"):
        read_sao(bad)
    other = tmp_path / "other.SAO"
    other.write_text(realdata("giro_didbase/MilstonHill_2019_part2.txt").read_text())
    with pytest.raises(InputFileError, match=r"other\.SAO, line 1: index element"):
        read_sao(other)


# --- concatenated year files (issue 10, items 12-14) -----------------------------------------

SAO_NAMES = sorted(REAL_SAO)
#: Columns that identify a record's content in the comparisons below.
RECORD_COLUMNS = [
    "time_ut",
    "foEs_MHz",
    "hEs_km",
    "fbEs_MHz",
    "confidence",
    "qualifier",
    "descriptor",
]


@pytest.fixture(scope="module")
def sao_members(realdata):
    """Each real sample as a list of lines with their LF endings, and its one parsed row."""
    lines = {n: realdata(n).read_text().splitlines(keepends=True) for n in SAO_NAMES}
    rows = {n: read_sao(realdata(n), station="X")[RECORD_COLUMNS].iloc[0] for n in SAO_NAMES}
    return lines, rows


def _expected(rows, names, starts):
    table = pd.DataFrame([rows[n] for n in names]).assign(source_line=starts)
    return table.sort_values("time_ut", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("text", ["\n", "\n\n\n", "   \r\n  \r\n", " " * 120 + "\n"])
def test_file_of_blank_lines_is_an_error(tmp_path, text):
    f = tmp_path / "blank.SAO"
    f.write_bytes(text.encode())
    with pytest.raises(InputFileError, match=r"blank\.SAO, line 1: no SAO record") as info:
        read_sao(f)
    assert info.value.path == str(f)


def test_blank_lines_between_members_are_accepted(sao_members, tmp_path):
    lines, rows = sao_members
    a, b, c = (lines[n] for n in SAO_NAMES[:3])
    f = tmp_path / "blanks.SAO"
    # a writer that ends its files with a blank line (LF or CRLF), whitespace-only lines,
    # blank lines before the first record and after the last
    f.write_text("".join(["\n", *a, "\n", *b, "   \n", "\n", *c, "\n", "\n"]))
    table = read_sao(f, station="X")
    starts = [2, 2 + len(a) + 1, 2 + len(a) + 1 + len(b) + 2]
    expected = _expected(rows, SAO_NAMES[:3], starts)
    pd.testing.assert_frame_equal(
        table[[*RECORD_COLUMNS, "source_line"]], expected, check_dtype=False
    )
    crlf = tmp_path / "blanks_crlf.SAO"
    crlf.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    assert read_sao(crlf, station="X")["source_line"].tolist() == table["source_line"].tolist()


def test_exact_duplicate_member_is_dropped_with_a_warning(sao_members, tmp_path, caplog):
    lines, rows = sao_members
    a, b = lines[SAO_NAMES[0]], lines[SAO_NAMES[1]]
    f = tmp_path / "dup.SAO"
    f.write_text("".join([*a, *b, *a, *a]))
    with caplog.at_level(logging.WARNING, logger="estransport.ionosonde.sao"):
        table = read_sao(f, station="X")
    expected = _expected(rows, SAO_NAMES[:2], [1, 1 + len(a)])
    pd.testing.assert_frame_equal(
        table[[*RECORD_COLUMNS, "source_line"]], expected, check_dtype=False
    )
    assert table.attrs["qc"]["duplicates_dropped"] == 2
    dup_start = 1 + len(a) + len(b)
    assert str(f) in caplog.text and "2 exact duplicate" in caplog.text
    assert f"line {dup_start} (copy of line 1)" in caplog.text
    assert f"line {dup_start + len(a)} (copy of line 1)" in caplog.text


def test_same_time_with_different_content_names_both_lines(sao_members, tmp_path):
    lines, _ = sao_members
    a, b = lines["sao/KJ609_2009005001000.SAO"], lines[SAO_NAMES[0]]
    edited = "".join(a).replace("   6.8009999.000   2.796", "   6.9009999.000   2.796", 1)
    assert edited != "".join(a)
    f = tmp_path / "conflict.SAO"
    f.write_text("".join([*a, *b]) + edited)
    second = 1 + len(a) + len(b)
    with pytest.raises(InputFileError, match=rf"line {second}: .*2009-01-05 00:10:00.*line 1\b"):
        read_sao(f, station="X")


def _cut_files(lines):
    """Every way of cutting one real record at a line end, between intact neighbours.

    The cut member follows one intact record and is followed by the three others, in
    every rotation, so that it can swallow one, two or three whole records.
    """
    for cut in SAO_NAMES:
        others = [n for n in SAO_NAMES if n != cut]
        for rot in range(len(others)):
            order = others[rot:] + others[:rot]
            head, tail = order[0], order[1:]
            start = 1 + len(lines[head])
            for k in range(1, len(lines[cut])):
                text = "".join(
                    [*lines[head], *lines[cut][:k], *(s for n in tail for s in lines[n])]
                )
                yield cut, k, start, text, order


def test_cut_member_never_swallows_the_next_records(sao_members, tmp_path):
    """A member cut at any line end raises an error naming it; it never merges silently.

    1,800 cut positions (5 members, 450 line ends between their first and last line, 4
    orders of the neighbours): each must raise an InputFileError naming the line where
    the cut member starts (or yield exactly the intact records, which no cut here can).
    """
    lines, rows = sao_members
    f = tmp_path / "year.SAO"
    tried, wrong = 0, []
    for cut, k, start, text, order in _cut_files(lines):
        tried += 1
        f.write_text(text)
        try:
            table = read_sao(f, station="X")
        except InputFileError as err:
            if not (err.line == start or re.search(rf"\bline {start}\b", str(err))):
                wrong.append(f"{cut} cut after {k} lines: error does not name line {start}: {err}")
            continue
        starts = [1, start + k]
        for n in order[1:-1]:
            starts.append(starts[-1] + len(lines[n]))
        expected = _expected(rows, order, starts)  # the intact records only
        got = table[[*RECORD_COLUMNS, "source_line"]]
        if not (len(got) == len(expected) and got.equals(expected.astype(got.dtypes))):
            wrong.append(
                f"{cut} cut after {k} lines: no error and {len(got)} records that "
                f"are not the {len(expected)} intact ones (silent merge)"
            )
    assert tried == 1800
    assert not wrong, f"{len(wrong)} of {tried} cuts:\n" + "\n".join(wrong[:20])
