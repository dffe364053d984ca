"""Tables built once per file set equal the per-file tables concatenated (issue 12, item 6).

:func:`estransport.ionosonde.sao.read_sao_files` and
:func:`estransport.ionosonde.hourly.read_raw_files` parse every file and convert the
dtypes once for the set. Their table must be ``pandas.concat`` of the per-file tables
(values, dtypes, row order: file by file, each file sorted by time), their QC counters
the sum of the files', and a bad file must raise the error the per-file loop raises.
The speed is measured by ``tools/benchmark_sao.py``, not here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from estransport.errors import InputFileError
from estransport.ionosonde.hourly import read_raw, read_raw_files
from estransport.ionosonde.sao import read_sao, read_sao_files
from estransport.ionosonde.schema import DTYPES, empty_table, table_from_parts, validate_table
from estransport.ionosonde.stations import load_stations
from estransport.synthetic.ionosonde import (
    generate_station_year,
    simulate,
    station_rng,
    write_sao_files,
)
from estransport.synthetic.ionosonde.writers import sao_records

from .ionosonde_helpers import default_truth
from .workflow_helpers import REPO

REAL_SAO = [
    "sao/BC840_2009336000005.SAO",
    "sao/BL841_2006003000500.SAO",
    "sao/DW41K_2008020070000.SAO",
    "sao/KJ609_2009005001000.SAO",
    "sao/test.sao",
]


def _per_file(paths, read=read_sao) -> pd.DataFrame:
    return pd.concat([read(p) for p in paths], ignore_index=True)


def _assert_same(once: pd.DataFrame, per_file: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(once, per_file, check_exact=True)
    assert {c: str(t) for c, t in once.dtypes.items()} == {
        c: str(t) for c, t in per_file.dtypes.items()
    }
    validate_table(once)


@pytest.fixture(scope="module")
def station():
    """The registry's SAO station with an URSI code (Beijing, BP440)."""
    return next(
        s
        for s in load_stations(REPO / "config" / "stations.tsv")
        if s.format == "sao" and s.ursi_code
    )


@pytest.fixture(scope="module")
def soundings(station):
    """Two days of 15-minute soundings of the planted truth (letters, confidences, gaps in foEs)."""
    times = pd.date_range("2010-06-01", periods=2 * 96, freq="15min")
    return simulate(
        times, station, default_truth(), station_rng(3, station.code, 2010), with_confidence=True
    )


@pytest.fixture(scope="module")
def sao_set(soundings, station, tmp_path_factory):
    """One single-record file per sounding, and one odd file: five records out of time
    order, one of them an exact copy of another (dropped, counted), one letter-only, one
    a year earlier than every other file (so the set is not in time order)."""
    d = tmp_path_factory.mktemp("sao_set")
    paths = write_sao_files(soundings, station, d / "single")
    letter_only = int(np.flatnonzero(soundings["foEs_MHz"].isna())[0])
    lettered = int(np.flatnonzero(soundings["qualifier"] != "")[0])
    odd_rows = soundings.iloc[[40, 7, lettered, 7, letter_only, 0]].copy()
    odd_rows.iloc[-1, odd_rows.columns.get_loc("time_ut")] = pd.Timestamp("2009-06-01 12:00")
    odd = d / "BP440_odd.SAO"
    odd.write_bytes(
        "".join(
            line + "\r\n" for record in sao_records(odd_rows, station) for line in record
        ).encode()
    )
    # the odd file in the middle, the single files in reverse time order
    order = paths[::-1][:100] + [odd] + paths[::-1][100:]
    return {
        "paths": order,
        "odd": odd,
        "odd_rows": odd_rows,
        "letter_only": letter_only,
        "lettered": lettered,
    }


@pytest.mark.realdata
def test_real_samples_once_equals_per_file(realdata):
    paths = [realdata(n) for n in REAL_SAO]
    paths = paths + paths[::-1]  # ten files, each sample twice, out of time order
    once = read_sao_files(paths)
    _assert_same(once, _per_file(paths))
    # the values read by hand from the files (REAL_SAO of tests/test_ionosonde_sao.py)
    assert once["station"].tolist() == [p.stem.split("_")[0] for p in paths]
    assert once["source_file"].tolist() == [str(p) for p in paths]
    foes = dict(zip(once["station"], once["foEs_MHz"], strict=False))
    assert foes["DW41K"] == pytest.approx(4.53) and foes["KJ609"] == pytest.approx(5.1)
    assert foes["test"] == pytest.approx(2.825) and np.isnan(foes["BC840"])
    assert once.attrs["qc"]["duplicates_dropped"] == 0


@pytest.mark.realdata
def test_real_samples_station_given(realdata):
    paths = [realdata(n) for n in REAL_SAO]
    once = read_sao_files(paths, station="xx")
    _assert_same(once, pd.concat([read_sao(p, "xx") for p in paths], ignore_index=True))
    assert set(once["station"]) == {"xx"}


def test_synthetic_set_once_equals_per_file(sao_set, soundings):
    paths = sao_set["paths"]
    once = read_sao_files(paths)
    _assert_same(once, _per_file(paths))
    # rows come file by file in the order given; the odd file's own rows sorted by time
    assert once["source_file"].drop_duplicates().tolist() == [str(p) for p in paths]
    odd = once.loc[once["source_file"] == str(sao_set["odd"])]
    assert odd.index.tolist() == list(range(100, 105))  # 6 records, one exact copy dropped
    assert odd["time_ut"].is_monotonic_increasing
    assert odd["time_ut"].iloc[0] == pd.Timestamp("2009-06-01 12:00")
    assert not once["time_ut"].is_monotonic_increasing  # the set is not in time order
    assert once.attrs["qc"]["duplicates_dropped"] == 1
    # every single-record file gives back its sounding: foEs, letters, confidence
    single = once.loc[once["source_file"] != str(sao_set["odd"])].sort_values("time_ut")
    np.testing.assert_array_equal(single["foEs_MHz"].to_numpy(), soundings["foEs_MHz"].to_numpy())
    assert single["descriptor"].tolist() == soundings["descriptor"].tolist()
    assert single["qualifier"].tolist() == soundings["qualifier"].tolist()
    assert single["confidence"].tolist() == soundings["confidence"].tolist()
    # the letter-only record of the odd file: no value, its descriptive letter kept
    row = soundings.iloc[sao_set["letter_only"]]
    hit = odd.loc[odd["time_ut"] == row["time_ut"]]
    assert len(hit) == 1 and np.isnan(hit["foEs_MHz"].iloc[0])
    assert hit["descriptor"].iloc[0] == row["descriptor"] != ""


def test_synthetic_file_names_are_the_archive_names(sao_set, soundings, station):
    single = sorted(p for p in sao_set["paths"] if p != sao_set["odd"])
    first = soundings["time_ut"].iloc[0]
    assert single[0].name == f"{station.ursi_code}_{first:%Y%j%H%M%S}.SAO"
    assert set(read_sao_files(single[:3])["station"]) == {station.ursi_code}


def test_empty_set_and_single_file():
    empty = read_sao_files([])
    _assert_same(empty, empty_table())
    assert table_from_parts([]).columns.tolist() == list(DTYPES)


def _bad_copies(sao_set, tmp_path):
    """A file with foEs out of its physical range (its first record) and a truncated file."""
    lines = sao_set["odd"].read_bytes().decode().split("\r\n")
    g4 = 5  # the first group-4 line: foEs is element 6 (columns 41-48)
    lines[g4] = lines[g4][:40] + f"{450.0:8.3f}" + lines[g4][48:]
    out_of_range = tmp_path / "BP440_range.SAO"
    out_of_range.write_bytes("\r\n".join(lines).encode())
    truncated = tmp_path / "BP440_cut.SAO"
    truncated.write_bytes("\r\n".join(lines[:30]).encode())
    return out_of_range, truncated


def _first_error(read):
    with pytest.raises(InputFileError) as info:
        read()
    return str(info.value), info.value.line


@pytest.mark.parametrize("order", ["range first", "cut first"])
def test_a_bad_file_raises_what_the_per_file_loop_raises(sao_set, tmp_path, order):
    out_of_range, truncated = _bad_copies(sao_set, tmp_path)
    bad = [out_of_range, truncated] if order == "range first" else [truncated, out_of_range]
    paths = sao_set["paths"][:3] + bad + sao_set["paths"][3:5]
    once = _first_error(lambda: read_sao_files(paths))
    assert once == _first_error(lambda: _per_file(paths))
    if order == "range first":
        assert once == (
            f"{out_of_range}, line 1: foEs_MHz = 450 outside the physical range 0.0-50.0",
            1,
        )
    else:
        assert once[0].startswith(f"{truncated}, ")


@pytest.fixture(scope="module")
def station_years(tmp_path_factory):
    """Two synthetic station-years in each raw format (the UKSSDC Data File on a copy of
    an IIWG station), as the workflow writes them."""
    d = tmp_path_factory.mktemp("raw")
    registry = list(load_stations(REPO / "config" / "stations.tsv"))
    chosen = {}
    for s in registry:
        chosen.setdefault(s.format, s)
    chosen["ukssdc_daily"] = dataclasses.replace(chosen["iiwg"], code="ukd", format="ukssdc_daily")
    out = {}
    for fmt, s in sorted(chosen.items()):
        years = [s.first_year, s.first_year + 1]
        paths = [d / s.code / f"{s.code}_{y}.{s.extension}" for y in years]
        for y, p in zip(years, paths, strict=True):
            generate_station_year(s, y, p, seed=11, truth=default_truth())
        out[fmt] = (s, paths)
    return out


@pytest.mark.parametrize("fmt", ["didbase", "iiwg", "sao", "saoxml", "ukssdc_daily"])
def test_every_format_once_equals_per_file(station_years, fmt):
    station, paths = station_years[fmt]
    paths = paths[::-1]  # later year first: order follows the list, not the time
    once = read_raw_files(paths, station)
    _assert_same(once, _per_file(paths, lambda p: read_raw(p, station)))
    assert once["source_file"].drop_duplicates().tolist() == [str(p) for p in paths]
    assert once["time_ut"].dt.year.nunique() >= 2
