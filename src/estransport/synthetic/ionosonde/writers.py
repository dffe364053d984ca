"""Writers of synthetic soundings in the real archive formats (docs/formats.md 3).

Each writer takes the soundings of one station-year (a table as
:func:`.truth.simulate_station_year` returns it) and writes one raw file that
the parser of that format (:mod:`estransport.ionosonde`) reads back value for
value: IIWG station-month files, UKSSDC 128-byte daily Data Files, SAO 4.3,
SAO.XML 5.0 and GIRO DIDBase ``DIDBGetValues`` exports.
:func:`write_station_year` picks the writer of the station's format.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from ...io.atomic import atomic_path, temporary_path
from ...ionosonde.stations import Station


def _cell(value: float, qualifier: str, descriptor: str, scale: float) -> str:
    """A ``VVVQD`` cell: 3-digit integer in units of ``scale``, then the two letters."""
    q = qualifier or " "
    d = descriptor or " "
    if value is None or not np.isfinite(value):
        return f"   {q}{d}"
    iv = int(round(value / scale))
    if not 0 <= iv <= 999:
        raise ValueError(f"value {value} does not fit I3 in units of {scale}")
    return f"{iv:3d}{q}{d}"


def _lines(items: list[str], per_line: int) -> list[str]:
    return ["".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]


def _fixed(value: float, width: int, decimals: int) -> str:
    text = f"{value:{width}.{decimals}f}"
    if len(text) != width:
        raise ValueError(f"{value} does not fit F{width}.{decimals}")
    return text


def _columns(df: pd.DataFrame, names: tuple[str, ...]) -> dict[str, list]:
    """Columns as plain Python lists (iterating pandas string arrays row by row is slow)."""
    return {n: df[n].tolist() for n in names}


def write_iiwg(
    df: pd.DataFrame,
    station: Station,
    path: str | os.PathLike,
    *,
    meridian_deg: int,
    year: int,
    scaling: str = "Manual",
) -> None:
    """Write soundings as IIWG station-month records (one per month) in one file.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly soundings with ``_local`` (local time of the meridian),
        ``foEs_MHz``, ``hEs_km``, letters; one row per local hour at most.
    station : Station
    path : path-like
        Destination (written atomically, CRLF line ends).
    meridian_deg : int
        Meridian of the local time, degrees E (header I4).
    year : int
        Calendar year of the file (local calendar).
    scaling : str
        Header scaling type (``Manual`` or ``Automatic``).
    """
    out: list[str] = []
    code = (station.ursi_code or station.code.upper())[:5]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor"))
    local = df["_local"]
    months, days = local.dt.month.to_numpy(), local.dt.day.to_numpy()
    stamps = local.dt.strftime("%H%M%S").tolist()
    order: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(months.tolist(), days.tolist(), strict=True)):
        order.setdefault(key, []).append(i)
    for month in range(1, 13):
        ndays = calendar.monthrange(year, month)[1]
        rows_of = {d: order.get((month, d), []) for d in range(1, ndays + 1)}
        per_day = [len(rows_of[d]) for d in range(1, ndays + 1)]
        out.append(
            f"{station.name:<30.30}{code:<5.5}{meridian_deg:4d}"
            f"{_fixed(station.lat, 5, 1)}{_fixed(station.lon, 5, 1)}"
            f"{scaling:<10.10}{'Edited':<10}{'synthetic (estransport)':<30.30}"
        )
        ints = [year, month, ndays, 2, sum(per_day), *per_day]
        out.extend(_lines([f"{i:4d}" for i in ints], 30))
        out.append(f"{'foEs':<10}{chr(39) + 'hEs':<10}")
        out.append(f"{'0.1 MHz':<10}{'km':<10}")
        out.append("3034")
        for d in range(1, ndays + 1):
            if rows_of[d]:
                out.extend(_lines([stamps[i] for i in rows_of[d]], 20))
        for column, scale, letters in (("foEs_MHz", 0.1, True), ("hEs_km", 1.0, False)):
            slots: dict[int, list[float]] = {}
            for d in range(1, ndays + 1):
                rows = rows_of[d]
                if not rows:
                    continue
                cells = [
                    _cell(
                        col[column][i],
                        col["qualifier"][i] if letters else "",
                        col["descriptor"][i] if letters else "",
                        scale,
                    )
                    for i in rows
                ]
                out.extend(_lines(cells, 24))
                for k, i in enumerate(rows):
                    if np.isfinite(col[column][i]):
                        slots.setdefault(k, []).append(col[column][i])
            out.extend(_summary_lines(slots, scale))
    _write_text(path, out)


def _summary_lines(slots: dict[int, list[float]], scale: float) -> list[str]:
    """The six IIWG summary records: medians, counts and range, quartiles, deciles."""
    rows = {q: [] for q in ("median", "count", "uq", "lq", "ud", "ld")}
    for k in range(24):
        v = np.asarray(slots.get(k, []))
        if len(v):
            qs = np.quantile(v, [0.5, 0.75, 0.25, 0.9, 0.1])
            for key, q in zip(("median", "uq", "lq", "ud", "ld"), qs, strict=True):
                rows[key].append(_cell(q, "", "", scale))
            spread = int(round((v.max() - v.min()) / scale))
            rows["count"].append(f"{min(len(v), 99):2d}{min(spread, 999):3d}")
        else:
            for key in ("median", "uq", "lq", "ud", "ld"):
                rows[key].append("     ")
            rows["count"].append(" 0   ")
    return ["".join(rows[key]).rstrip() for key in ("median", "count", "uq", "lq", "ud", "ld")]


def write_ukssdc_daily(
    df: pd.DataFrame,
    path: str | os.PathLike,
    *,
    year: int,
) -> None:
    """Write hourly foEs as a UKSSDC 128-byte daily Data File (``VVVQD`` cells, 0.1 MHz).

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings with ``_local`` (local mean time, on the hour), ``foEs_MHz`` and letters.
    path : path-like
        Destination (written atomically, one 128-character record per line, CRLF).
    year : int
        Year of the file (local calendar); only its days are written.
    """
    col = _columns(df, ("foEs_MHz", "qualifier", "descriptor"))
    local = df["_local"]
    dates, hours = local.dt.date.tolist(), local.dt.hour.tolist()
    records: dict[dt.date, list[str]] = {}
    for i, (day, hour) in enumerate(zip(dates, hours, strict=True)):
        if day.year != year:
            continue
        cells = records.setdefault(day, ["     "] * 24)
        cells[hour] = _cell(col["foEs_MHz"][i], col["qualifier"][i], col["descriptor"][i], 0.1)
    out = [f"{d.year:4d}{d.month:2d}{d.day:2d}" + "".join(c) for d, c in sorted(records.items())]
    _write_text(path, out)


def _sao_static(station: Station) -> tuple[list[str], str]:
    """The lines of an SAO record that do not change between soundings, and the g2 text."""
    counts = [0] * 80
    counts[0], counts[1], counts[2], counts[3], counts[4] = 5, 1, 77, 49, 20
    counts[53], counts[54], counts[79] = 49, 49, 5
    head = [
        "".join(f"{c:3d}" for c in counts[:40]),
        "".join(f"{c:3d}" for c in counts[40:]),
        "".join(_fixed(v, 7, 3) for v in (1.2, 60.0, station.lat, station.lon, 50.0)),
        f"DPS-4D synthetic/{station.ursi_code or station.code.upper()[:5]}, "
        "estransport planted-truth generator",
    ]
    return head, "9999.000"


#: Two equal digits of SAO analysis flag 10 for each synthetic confidence (125 - 25 k).
SAO_CONFIDENCE_DIGIT = {100: 1, 75: 2, 25: 4, 0: 5}


def write_sao(df: pd.DataFrame, station: Station, path: str | os.PathLike) -> None:
    """Write soundings as one multi-record SAO 4.3 file (``FF`` preface, CRLF).

    The records are those of :func:`sao_records`.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km``, ``fbEs_MHz``, letters and ``confidence``.
    station : Station
    path : path-like
        Destination (written atomically).
    """
    _write_text(path, [line for record in sao_records(df, station) for line in record])


def write_sao_files(df: pd.DataFrame, station: Station, directory: str | os.PathLike) -> list[Path]:
    """Write soundings as one single-record SAO 4.3 file each, as a Digisonde archive keeps them.

    The names follow the archives' ``{URSI}_{YYYY}{DDD}{HH}{MM}{SS}.SAO``
    (docs/formats.md 3.2), with the station's ``ursi_code`` (else its code in capitals);
    the records are those of :func:`sao_records`.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT), as :func:`write_sao` takes them; one time per sounding.
    station : Station
    directory : path-like
        Where the files go (made if absent). Each file is written to its
        :func:`~estransport.io.atomic.temporary_path` and renamed: ``atomic_path``
        would look for stale temporary files in the whole directory for every file,
        quadratic in a year of 35,000 files.

    Returns
    -------
    list of pathlib.Path
        The files, in the order of ``df``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    code = station.ursi_code or station.code.upper()
    names = df["time_ut"].dt.strftime(f"{code}_%Y%j%H%M%S.SAO").tolist()
    paths = [directory / name for name in names]
    for path, record in zip(paths, sao_records(df, station), strict=True):
        tmp = temporary_path(path)
        with open(tmp, "w", newline="") as fh:
            fh.write("\r\n".join(record) + "\r\n")
        os.replace(tmp, path)
    return paths


def sao_records(df: pd.DataFrame, station: Station) -> list[list[str]]:
    """The lines of one SAO 4.3 record per sounding (``FF`` preface).

    Each record has groups 1-5 and 54-55: group 4 holds 49 characteristics
    (foEs at 6, h'Es at 14, fbEs at 48, others ``9999.000``), the confidence
    goes into analysis flag 10 as two equal digits ``k`` (confidence
    ``125 - 25 k``: 100, 75, 25, 0 for k = 1, 2, 4, 5) and the foEs letters
    into position 6 of groups 54/55.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km``, ``fbEs_MHz``, letters and ``confidence``.
    station : Station

    Returns
    -------
    list of list of str
        One record's lines (without line ends) per row of ``df``.
    """
    head, nd = _sao_static(station)
    col = _columns(df, ("foEs_MHz", "hEs_km", "fbEs_MHz", "qualifier", "descriptor", "confidence"))
    t = df["time_ut"]
    stamps = (
        t.dt.strftime("FF%Y") + t.dt.day_of_year.map("{:03d}".format) + t.dt.strftime("%m%d%H%M%S")
    ).tolist()
    fill = "0" * (77 - 19)

    def f8(v: float) -> str:
        return f"{v:8.3f}" if np.isfinite(v) else nd

    g4_1_pre, g4_1_mid, g4_1_post = nd * 5, nd * 7, nd
    g4_2 = nd * 15
    g4_4_pre, g4_4_post = nd * 2, nd
    out: list[list[str]] = []
    for i, stamp in enumerate(stamps):
        flags = [" 0"] * 20
        flags[9] = f"{11 * SAO_CONFIDENCE_DIGIT[int(col['confidence'][i])]:2d}"
        ql = col["qualifier"][i] or "/"
        dl = col["descriptor"][i] or "/"
        out.append(
            [
                *head,
                stamp + fill,
                g4_1_pre + f8(col["foEs_MHz"][i]) + g4_1_mid + f8(col["hEs_km"][i]) + g4_1_post,
                g4_2,
                g4_2,
                g4_4_pre + f8(col["fbEs_MHz"][i]) + g4_4_post,
                "".join(flags),
                "/////" + ql + "/" * 43,
                "/////" + dl + "/" * 43,
            ]
        )
    return out


def write_saoxml(df: pd.DataFrame, station: Station, path: str | os.PathLike) -> None:
    """Write soundings as an SAO.XML 5.0 ``SAORecordList`` (manual scaling, LF).

    A letter-only entry is a foEs ``URSI`` element with an empty ``Val`` and its letter.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km`` and letters.
    station : Station
    path : path-like
        Destination (written atomically).
    """
    code = station.ursi_code or station.code.upper()[:5]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor"))
    stamps = df["time_ut"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").tolist()
    opening = (
        f"URSICode={quoteattr(code)} StationName={quoteattr(station.name)} "
        f'GeoLatitude="{station.lat:.3f}" GeoLongitude="{station.lon % 360:.3f}" '
        'Source="Ionosonde" SourceType="DPS4D" ScalerType="manual">'
    )
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<SAORecordList>"]
    for i, stamp in enumerate(stamps):
        out.append(f'  <SAORecord FormatVersion="5.0" StartTimeUTC="{stamp}" {opening}')
        chars = []
        q, d = col["qualifier"][i], col["descriptor"][i]
        letters = (f' QL="{q}"' if q else "") + (f' DL="{d}"' if d else "")
        fo, he = col["foEs_MHz"][i], col["hEs_km"][i]
        if np.isfinite(fo):
            chars.append(f'<URSI ID="30" Val="{fo:.2f}" Name="foEs" Units="MHz"{letters}/>')
        elif letters:
            chars.append(f'<URSI ID="30" Val="" Name="foEs" Units="MHz"{letters}/>')
        if np.isfinite(he):
            chars.append(f'<URSI ID="34" Val="{he:.1f}" Name="h\'Es" Units="km"/>')
        out.append(f'    <CharacteristicList Num="{len(chars)}">')
        out.extend(f"      {c}" for c in chars)
        out.append("    </CharacteristicList>")
        out.append("  </SAORecord>")
    out.append("</SAORecordList>")
    _write_text(path, out, newline="\n")


def write_didbase(
    df: pd.DataFrame, station: Station, path: str | os.PathLike, *, year: int
) -> None:
    """Write soundings as a GIRO ``DIDBGetValues`` export (foEs and hEs, LF).

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings (UT) with ``foEs_MHz``, ``hEs_km``, letters and ``confidence``.
    station : Station
    path : path-like
        Destination (written atomically).
    year : int
        Year of the query interval in the header.
    """
    code = station.ursi_code or station.code.upper()[:5]
    lon = station.lon % 360
    out = [
        "# Global Ionospheric Radio Observatory",
        "# GIRO Tabulated Ionospheric Characteristics, Version 1.0 Revision B",
        "# Generated by DIDBGetValues on 2025-01-29T09:29:46.594Z (synthetic: estransport generator)",
        "#",
        f"# Location: GEO {abs(station.lat):.1f}{'N' if station.lat >= 0 else 'S'} {lon:.1f}E, "
        f"URSI-Code {code} {station.name.upper()}",
        "# Instrument: Ionosonde, Model: DPS-4D",
        "#",
        "# Query for measurement intervals of time:",
        f"# {year}-01-01T00:00:00.000Z - {year}-12-31T23:59:59.000Z",
        "#",
        "# Data Selection:",
        "# CS is Autoscaling Confidence Score (from 0 to 100, 999 if manual scaling, -1 if unknown)",
        "# foEs [MHz] - Es layer critical frequency",
        "# hEs [km] - Es layer virtual height",
        "#",
        "# All GIRO measurements are released under CC-BY-NC-SA 4.0 license",
        "# Please follow the Lowell GIRO Data Center RULES OF THE ROAD",
        "# https://ulcar.uml.edu/DIDBase/RulesOfTheRoadForDIDBase.htm",
        f"# Requires acknowledgement of {code} data provider",
        "#",
        "#Time                     CS   foEs QD    hEs QD",
    ]
    col = _columns(df, ("foEs_MHz", "hEs_km", "qualifier", "descriptor", "confidence"))
    stamps = df["time_ut"].dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").tolist()
    for i, stamp in enumerate(stamps):
        qd = (col["qualifier"][i] or "/") + (col["descriptor"][i] or "/")
        fo, he = col["foEs_MHz"][i], col["hEs_km"][i]
        fo = f"{fo:6.2f}" if np.isfinite(fo) else "   ---"
        he = f"{he:6.1f}" if np.isfinite(he) else "   ---"
        out.append(f"{stamp} {int(col['confidence'][i]):3d} {fo} {qd} {he} //")
    _write_text(path, out, newline="\n")


def _write_text(path, lines: list[str], newline: str = "\r\n") -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as fh:
        fh.write(newline.join(lines) + newline)


def write_station_year(
    df: pd.DataFrame, station: Station, dest: str | os.PathLike, *, year: int, meridian_deg: float
) -> None:
    """Write one station-year's soundings in the station's format.

    Parameters
    ----------
    df : pandas.DataFrame
        Soundings with ``_local`` (:func:`.truth.simulate_station_year`).
    station : Station
        Registry row; ``station.format`` chooses the writer.
    dest : path-like
        Destination file (written atomically; parent directories are made).
    year : int
        Calendar year of the file.
    meridian_deg : float
        Meridian of the local times in ``_local`` (the IIWG header's meridian).

    Raises
    ------
    ValueError
        For a format without a writer.
    """
    fmt = station.format
    Path(dest).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "iiwg":
        write_iiwg(df, station, dest, meridian_deg=int(meridian_deg), year=year)
    elif fmt == "ukssdc_daily":
        write_ukssdc_daily(df, dest, year=year)
    elif fmt == "sao":
        write_sao(df, station, dest)
    elif fmt == "saoxml":
        write_saoxml(df, station, dest)
    elif fmt == "didbase":
        write_didbase(df, station, dest, year=year)
    else:
        raise ValueError(f"no synthetic writer for format {fmt!r}")
