"""Property tests: broken input gives InputFileError naming file and line, never anything else.

Every parser is fed a valid seed file that Hypothesis truncates, overwrites
with garbage bytes or splices; the result must be either a table that passes
the schema or an :class:`~estransport.errors.InputFileError` (a ValueError)
whose message names the file and whose ``line`` is set. A per-example
deadline shows that no input makes a parser hang.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estransport.errors import InputFileError
from estransport.ionosonde import sao
from estransport.ionosonde.didbase import read_didbase_table
from estransport.ionosonde.sao import GROUP_FORMAT, read_sao
from estransport.ionosonde.saoxml import read_saoxml
from estransport.ionosonde.schema import validate_table
from estransport.ionosonde.ukssdc import read_iiwg, read_ukssdc_daily

FUZZ = settings(
    max_examples=int(os.environ.get("ESTRANSPORT_FUZZ_EXAMPLES", "60")),
    deadline=3000,  # ms per example: a hang or runaway loop fails the test
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=not os.environ.get("ESTRANSPORT_FUZZ_EXAMPLES"),  # reproducible in CI
)

IIWG_SEED = (
    "\r\n".join(
        [
            f"{'SLOUGH':<30}{'SL051':<5}{0:4d}{51.5:5.1f}{-0.6:5.1f}{'Manual':<10}{'Edited':<10}{'test':<30}",
            "".join(f"{i:4d}" for i in [2001, 2, 28, 2, 6, 2, 1] + [0] * 23),
            "".join(f"{i:4d}" for i in [0] * 5),
            f"{'foEs':<10}{chr(39) + 'hEs':<10}",
            f"{'0.1 MHz':<10}{'km':<10}",
            "3034",
            "000000120000",
            "060000",
            " 45UA    G",
            "123  ",
            *[" 45  "] * 6,
            "105  110  ",
            "102  ",
            *[" 45  "] * 6,
        ]
    )
    + "\r\n"
)

DATAFILE_SEED = (
    "\n".join(
        f"2003{m:2d}{d:2d}"
        + "".join(f"{(30 + h) % 1000:3d}  " if h % 5 else "    G" for h in range(24))
        for m, d in ((6, 1), (6, 2), (12, 31))
    )
    + "\n"
)

SAOXML_SEED = """<?xml version="1.0" encoding="UTF-8"?>
<SAORecordList>
  <SAORecord FormatVersion="5.0" StartTimeUTC="2009-06-01T12:00:00.000Z" URSICode="SH427" ScalerType="manual">
    <CharacteristicList Num="2">
      <URSI ID="30" Val="4.50" Name="foEs" Units="MHz" QL="U"/>
      <URSI ID="34" Val="105.0" Name="h'Es" Units="km"/>
    </CharacteristicList>
  </SAORecord>
  <SAORecord FormatVersion="5.0" StartTimeUTC="2009-06-01T13:00:00.000Z" URSICode="SH427" ScalerType="auto">
    <CharacteristicList Num="1">
      <URSI ID="30" Val="" Name="foEs" Units="MHz" DL="G"/>
    </CharacteristicList>
  </SAORecord>
</SAORecordList>
"""


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
            junk = draw(st.binary(min_size=1, max_size=6))
            data[pos : pos + len(junk)] = junk
        elif kind == "insert":
            data[pos:pos] = draw(
                st.binary(min_size=1, max_size=6)
                | st.sampled_from([b"\n", b"\r", b"-", b"9999", b" ", b"\x00", b"\xff", b"<", b"#"])
            )
        else:
            del data[pos : pos + draw(st.integers(1, 20))]
    return bytes(data)


def _check(parse, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        table = parse(path)
    except InputFileError as err:
        assert isinstance(err, ValueError)
        assert str(path) in str(err)
        assert err.line is not None and err.line >= 1, str(err)
        return
    validate_table(table)


@pytest.fixture(scope="module")
def sao_seed(realdata) -> bytes:
    return realdata("sao/KJ609_2009005001000.SAO").read_bytes()


@pytest.fixture(scope="module")
def didbase_seed(realdata) -> bytes:
    lines = realdata("giro_didbase/MilstonHill_2019_part2.txt").read_bytes().split(b"\n")
    return b"\n".join(lines[:30]) + b"\n"


@pytest.mark.realdata
@FUZZ
@given(data=st.data())
def test_fuzz_sao(tmp_path, sao_seed, data):
    _check(lambda p: read_sao(p, "KJ609"), tmp_path / "f.SAO", data.draw(mutations(sao_seed)))


@pytest.mark.realdata
@FUZZ
@given(data=st.data())
def test_fuzz_didbase(tmp_path, didbase_seed, data):
    _check(
        lambda p: read_didbase_table(p, "MHJ45", characteristic="foF2"),
        tmp_path / "f.txt",
        data.draw(mutations(didbase_seed)),
    )


@FUZZ
@given(data=st.data())
def test_fuzz_iiwg(tmp_path, data):
    _check(
        lambda p: read_iiwg(p, "slough"),
        tmp_path / "f.iiwg",
        data.draw(mutations(IIWG_SEED.encode())),
    )


@FUZZ
@given(data=st.data())
def test_fuzz_ukssdc_daily(tmp_path, data):
    _check(
        lambda p: read_ukssdc_daily(p, "slough", meridian_deg_e=-0.6),
        tmp_path / "f.dat",
        data.draw(mutations(DATAFILE_SEED.encode())),
    )


@FUZZ
@given(data=st.data())
def test_fuzz_saoxml(tmp_path, data):
    _check(
        lambda p: read_saoxml(p, "shaoyang"),
        tmp_path / "f.xml",
        data.draw(mutations(SAOXML_SEED.encode())),
    )


def test_seeds_are_valid(tmp_path):
    """The unmutated seeds parse (so the fuzzing starts from real content)."""
    f = tmp_path / "s"
    f.write_text(IIWG_SEED)
    assert read_iiwg(f, "s")["foEs_MHz"].tolist()[0] == 4.5
    f.write_text(DATAFILE_SEED)
    assert len(read_ukssdc_daily(f, "s", meridian_deg_e=0.0)) == 72
    f.write_text(SAOXML_SEED)
    assert read_saoxml(f, "s")["foEs_MHz"].tolist()[0] == 4.5


@pytest.mark.realdata
@settings(
    max_examples=80,
    deadline=3000,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    year=st.integers(1900, 2150),
    doy=st.integers(0, 999),
    month=st.integers(0, 99),
    day=st.integers(0, 99),
    hour=st.integers(0, 99),
    minute=st.integers(0, 99),
    second=st.integers(0, 99),
)
def test_sao_accepts_exactly_the_possible_dates(
    tmp_path, sao_seed, year, doy, month, day, hour, minute, second
):
    stamp = f"FF{year:04d}{doy:03d}{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}"
    text = sao_seed.decode().replace("FF2009005010500100000", stamp, 1)
    f = tmp_path / "d.SAO"
    f.write_text(text)
    try:
        expected = dt.datetime(year, month, day, hour, minute, second)
        ok = 1930 <= year <= 2100 and expected.timetuple().tm_yday == doy
    except ValueError:
        ok = False
    if ok:
        assert read_sao(f)["time_ut"].iloc[0] == expected
    else:
        with pytest.raises(InputFileError) as info:
            read_sao(f)
        assert info.value.line == 5 and str(f) in str(info.value)


# --- the checks of issue 10 (items 13-15): concatenated SAO files, DIDBase rows ---------------

SAO_SAMPLES = (
    "sao/BC840_2009336000005.SAO",
    "sao/BL841_2006003000500.SAO",
    "sao/DW41K_2008020070000.SAO",
    "sao/KJ609_2009005001000.SAO",
    "sao/test.sao",
)
SAO_COLUMNS = ["time_ut", "foEs_MHz", "hEs_km", "fbEs_MHz", "confidence"]


@pytest.fixture(scope="module")
def sao_samples(realdata):
    lines = [realdata(n).read_text().splitlines(keepends=True) for n in SAO_SAMPLES]
    rows = [read_sao(realdata(n), "X")[SAO_COLUMNS].iloc[0] for n in SAO_SAMPLES]
    return lines, rows


@st.composite
def concatenations(draw):
    """Members (sample index, lines kept or None for all, blank lines after it)."""
    members = []
    for _ in range(draw(st.integers(1, 6))):
        k = draw(st.integers(0, 4))
        cut = draw(st.none() | st.integers(1, 200)) if draw(st.integers(0, 3)) == 0 else None
        members.append((k, cut, draw(st.integers(0, 2))))
    return members


@pytest.mark.realdata
@FUZZ
@given(members=concatenations())
def test_fuzz_sao_concatenation_never_merges_records(tmp_path, sao_samples, members):
    """cat of real members, some cut short, some repeated, blank lines between: the result
    is an error naming a line, or exactly the intact members' records, each once."""
    lines, rows = sao_samples
    text, cut_any, start, first_cut = [], False, 1, None
    for k, cut, blanks in members:
        part = lines[k] if cut is None or cut >= len(lines[k]) else lines[k][:cut]
        if len(part) < len(lines[k]):
            cut_any = True
            first_cut = first_cut or start
        text += part + ["\n"] * blanks
        start += len(part) + blanks
    f = tmp_path / "cat.SAO"
    f.write_text("".join(text))
    try:
        table = read_sao(f, "X")
    except InputFileError as err:
        assert str(f) in str(err) and err.line is not None and err.line >= 1, str(err)
        assert cut_any or not "".join(text).strip(), f"error without a cut member: {err}"
        assert re.search(rf"\bline {first_cut}\b", str(err)), str(err)
        return
    assert not cut_any, "a cut member was read without an error"
    distinct = sorted({k for k, _, _ in members})
    expected = pd.DataFrame([rows[k] for k in distinct]).sort_values("time_ut")
    got = table[SAO_COLUMNS]
    assert len(got) == len(expected)
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )
    assert table.attrs["qc"]["duplicates_dropped"] == len(members) - len(distinct)


@st.composite
def row_edits(draw, n: int):
    """Edits of the Millstone data rows: swap, copy, conflicting copy, shift out of range."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["swap", "copy", "conflict", "outside"]),
                st.integers(0, n - 1),
                st.integers(0, n - 1),
            ),
            max_size=6,
        )
    )


@pytest.mark.realdata
@FUZZ
@given(data=st.data())
def test_fuzz_didbase_rows_are_one_per_time_sorted_and_inside_the_query(
    tmp_path, didbase_seed, data
):
    text = didbase_seed.decode().splitlines()
    head, rows = text[:20], text[20:]
    for kind, i, j in data.draw(row_edits(len(rows))):
        if kind == "swap":
            rows[i], rows[j] = rows[j], rows[i]
        elif kind == "copy":
            rows.insert(j, rows[i])
        elif kind == "conflict":  # same time, another confidence and value
            cs = data.draw(st.sampled_from([" -1", "  0", " 50", "100", "999"]))
            rows.insert(j, f"{rows[i][:24]} {cs}  9.999 //")
        else:  # a day after the query interval
            rows[i] = "2020-01-01" + rows[i][10:]
    f = tmp_path / "rows.txt"
    f.write_text("\n".join(head + rows) + "\n")
    table = read_didbase_table(f, "MHJ45", characteristic="foF2")
    validate_table(table)
    times = table["time_ut"]
    assert times.is_monotonic_increasing and times.is_unique
    assert times.min() >= dt.datetime(2019, 12, 30) and times.max() <= dt.datetime(
        2019, 12, 31, 23, 59
    )
    qc = table.attrs["qc"]
    dropped = qc["outside_query"] + qc["duplicates_dropped"] + qc["conflicting_duplicates"]
    assert len(table) + dropped == len(rows)
    # of each time, the kept row has the highest confidence of the rows of that time
    by_time: dict[str, list[int]] = {}
    for r in rows:
        by_time.setdefault(r[:24], []).append(int(r.split()[1]))
    for when, cs in zip(
        times.dt.strftime("%Y-%m-%dT%H:%M:%S.000Z"), table["confidence"], strict=True
    ):
        assert cs == max(by_time[when])


@pytest.mark.parametrize("fmt", sorted({f for f in GROUP_FORMAT.values() if "A" not in f}))
@settings(max_examples=300, deadline=None, derandomize=True)
@given(data=st.data())
def test_fast_element_check_never_accepts_what_the_format_rejects(fmt, data):
    """The per-file bytes check of SAO data lines is never more lenient than the regex."""
    per, kind, width, decimals = sao._descriptor(fmt)
    element = re.compile(sao._element_regex(kind, width, decimals))
    field = data.draw(st.text(alphabet="0123456789 -.+EeD*x", min_size=width, max_size=width))
    picture = sao._picture(fmt, field.encode())
    if picture is not None and sao._elements_ok(field.encode(), picture):
        assert element.fullmatch(field), field
