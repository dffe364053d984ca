"""The station registry config/stations.tsv and its schema."""

from __future__ import annotations

import pytest

from estransport.errors import InputFileError
from estransport.ionosonde.stations import load_stations

# docs/science.md 7: chain, name, lat (deg N), lon (deg E), years
PAPER = [
    ("Greenwich", "Lerwick", 60.13, -1.18, 1975, 1998),
    ("Greenwich", "Slough", 51.51, -0.60, 1975, 1998),
    ("Greenwich", "Poitiers", 46.57, 0.35, 1975, 1998),
    ("Greenwich", "Lisbon", 38.72, -9.27, 1975, 1998),
    ("Greenwich", "Ouagadougou", 12.37, -1.53, 1975, 1998),
    ("120E", "Mohe", 52.0, 122.5, 2006, 2016),
    ("120E", "Beijing", 40.3, 116.2, 2006, 2016),
    ("120E", "Wuhan", 30.5, 114.4, 2006, 2016),
    ("120E", "Shaoyang", 27.1, 111.3, 2006, 2016),
    ("120E", "Sanya", 18.3, 109.4, 2006, 2016),
]


def test_registry_is_the_papers_ten_stations(repo):
    stations = load_stations(repo / "config" / "stations.tsv")
    got = [(s.chain, s.name, s.lat, s.lon, s.first_year, s.last_year) for s in stations]
    assert got == PAPER
    by_code = {s.code: s for s in stations}
    assert by_code["wuhan"].ursi_code == "WU430" and by_code["wuhan"].source == "giro"
    assert by_code["mohe"].source == "manual"
    assert {s.format for s in stations if s.chain == "Greenwich"} == {"iiwg"}
    assert by_code["lisbon"].meridian_deg == -9.27  # no override: true local mean time


HEADER = "code\tname\tlat\tlon\tchain\tfirst_year\tlast_year\tsource\tformat\tursi_code"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x\tX\t95\t0\tC\t2000\t2001\tmanual\tsao\t", r"line 3: column lat: 95"),
        ("x\tX\t10\t0\tC\t2001\t2000\tmanual\tsao\t", r"line 3: first_year 2001 is after"),
        (
            "x\tX\t10\t0\tC\t2000\t2001\tgiro\tdidbase\t",
            r"line 3: x: source giro needs a ursi_code",
        ),
        ("x\tX\t10\t0\tC\t2000\t2001\tftp\tsao\t", r"line 3: column source: 'ftp' is not one of"),
        (
            "X Y\tX\t10\t0\tC\t2000\t2001\tmanual\tsao\t",
            r"line 3: column code: 'X Y' does not match",
        ),
        ("x\tX\tten\t0\tC\t2000\t2001\tmanual\tsao\t", r"line 3: column lat: 'ten' is not of type"),
        ("x\tX\t10\t0\tC\t2000\t2001\tmanual\tsao", r"line 3: 9 cells where the header has 10"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, row, message):
    f = tmp_path / "stations.tsv"
    f.write_text(f"# a comment\n{HEADER}\n{row}\n")
    with pytest.raises(InputFileError, match=message):
        load_stations(f)


def test_user_can_add_a_chain_and_duplicate_codes_fail(tmp_path):
    f = tmp_path / "stations.tsv"
    f.write_text(
        f"{HEADER}\nx\tX\t10\t0\t75W\t2000\t2001\tmanual\tsao\t\n"
        "y\tY\t-20\t290\t75W\t2000\t2001\tgiro\tdidbase\tJI91J\n"
    )
    st = load_stations(f)
    assert [s.chain for s in st] == ["75W", "75W"] and st[1].hemisphere == "S"
    f.write_text(
        f"{HEADER}\nx\tX\t10\t0\tC\t2000\t2001\tmanual\tsao\t\n"
        "x\tX\t10\t0\tC\t2000\t2001\tmanual\tsao\t\n"
    )
    with pytest.raises(InputFileError, match=r"line 3: station code 'x' repeats line 2"):
        load_stations(f)
