"""Where the raw ionosonde files come from: GIRO and UKSSDC downloads, or files placed by hand.

Every station-year has one raw file, ``{raw_dir}/{code}/{code}_{year}.{ext}``
(:func:`raw_path`), in the station's format. Its origin is the ``source``
column of ``config/stations.tsv``:

``giro``
    GIRO DIDBase, one query per station-year with the documented
    ``DIDBGetValues`` URL (docs/formats.md 3.4, [V3] from several clients); if the
    server answers 404/410 the same query goes to the FastChar ``getbest``
    endpoint, reported to have replaced it ([V3, unconfirmed]).
``ukssdc``
    UKSSDC. No download URL template for historic hourly tabulations was found
    (docs/formats.md 3.1 [GAP]), so by default these files must be placed by hand,
    like ``manual``; ``ionosonde.ukssdc.url_template`` switches on downloads once
    a template is known.
``manual``
    Files placed by hand (archives that need a login: the Chinese Meridian
    Project). :func:`check_manual` stops with the list of what is missing and
    where to get it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import DownloadError, MissingInputsError
from ..io.download import download, download_first_found
from .didbase import read_didbase
from .hourly import read_raw
from .stations import Station

logger = logging.getLogger(__name__)

#: The Chinese Meridian Project data centre (login required): station SAO files.
MERIDIAN_PROJECT_URL = "https://data.meridianproject.ac.cn/"
#: UKSSDC ionosonde pages (the catalogue WDCCAT lists station codes, docs/formats.md 3.1 [S26]).
UKSSDC_URL = "https://www.ukssdc.ac.uk/wdcc1/ionosondes/"
#: GIRO DIDBase home (station list and data rules).
GIRO_URL = "https://giro.uml.edu/didbase/"


def raw_path(raw_dir: str | os.PathLike, station: Station, year: int) -> str:
    """Path of the raw file of one station-year.

    Parameters
    ----------
    raw_dir : path-like
        Root of the raw ionosonde files (config ``ionosonde.raw_dir``).
    station : Station
    year : int

    Returns
    -------
    str
        ``{raw_dir}/{code}/{code}_{year}.{ext}``, ``ext`` from the station's format.
    """
    return str(Path(raw_dir) / station.code / f"{station.code}_{year}.{station.extension}")


def giro_query_url(
    base_url: str,
    ursi_code: str,
    characteristics: Sequence[str],
    start: dt.datetime,
    end: dt.datetime,
) -> str:
    """The DIDBase query URL for one station and interval.

    Parameters
    ----------
    base_url : str
        ``DIDBGetValues`` or FastChar ``getbest`` endpoint.
    ursi_code : str
        GIRO station code, e.g. ``WU430``.
    characteristics : sequence of str
        DIDBase names, e.g. ``("foEs", "hEs")``.
    start, end : datetime.datetime
        Interval, UT.

    Returns
    -------
    str
        ``{base}?ursiCode=..&charName=a,b&DMUF=3000&fromDate=YYYY/MM/DD+HH:MM:SS&toDate=..``
        (docs/formats.md 3.4; ``+`` is the encoded blank between date and time).
    """
    return (
        f"{base_url}?ursiCode={ursi_code}&charName={','.join(characteristics)}&DMUF=3000"
        f"&fromDate={start:%Y/%m/%d}+{start:%H:%M:%S}&toDate={end:%Y/%m/%d}+{end:%H:%M:%S}"
    )


def validate_didbase(path: str | os.PathLike) -> None:
    """Download validator: the body must parse as a DIDBase export (raises InputFileError)."""
    read_didbase(path)


def download_giro_year(
    station: Station,
    year: int,
    dest: str | os.PathLike,
    *,
    base_url: str,
    fallback_url: str | None,
    characteristics: Sequence[str],
    retries: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Download one station-year of GIRO DIDBase characteristics.

    The ``DIDBGetValues`` query is tried first; only if the server says it
    does not exist (HTTP 404/410) is the same query sent to ``fallback_url``.
    Other failures (server errors after retries, a login page, a body that is
    not a DIDBase export, an ``ERROR:`` reply) are raised at once.

    Parameters
    ----------
    station : Station
        Needs ``ursi_code``.
    year : int
        Calendar year (UT), 1 January 00:00:00 to 31 December 23:59:59.
    dest : path-like
        Destination, written atomically after validation.
    base_url, fallback_url : str
        Query endpoints (config ``ionosonde.giro``: ``DIDBGetValues`` and
        FastChar ``getbest``); ``fallback_url`` None disables the fallback.
    characteristics : sequence of str
        DIDBase names to request.
    retries, backoff_s, timeout_s
        See :func:`estransport.io.download.download`.
    sleep : callable
        Injected in tests.

    Returns
    -------
    str
        The URL that delivered the file.

    Raises
    ------
    estransport.errors.DownloadError
        If both endpoints answer 404/410 (naming both URLs) or on any other failure.
    """
    if not station.ursi_code:
        raise DownloadError(base_url, f"station {station.code} has no ursi_code for GIRO")
    start, end = dt.datetime(year, 1, 1), dt.datetime(year, 12, 31, 23, 59, 59)
    urls = [
        giro_query_url(u, station.ursi_code, characteristics, start, end)
        for u in (base_url, fallback_url)
        if u
    ]
    url, tried = download_first_found(
        [("", u) for u in urls],
        dest,
        what=f"GIRO {station.ursi_code} {year}",
        validate=validate_didbase,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        sleep=sleep,
    )
    if url is not None:
        return url
    listing = "\n".join(f"  - {t}" for t in tried)
    raise DownloadError(
        urls[-1],
        f"no GIRO endpoint has this query; tried:\n{listing}",
        what=f"GIRO {station.ursi_code} {year}",
    )


def ukssdc_url(template: str, station: Station, year: int) -> str:
    """Fill a UKSSDC URL template.

    Parameters
    ----------
    template : str
        Python format string with any of ``{code}``, ``{ursi_code}``,
        ``{name}`` and ``{year}``.
    station : Station
    year : int

    Returns
    -------
    str
    """
    return template.format(
        code=station.code, ursi_code=station.ursi_code or "", name=station.name, year=year
    )


def download_ukssdc_year(
    station: Station,
    year: int,
    dest: str | os.PathLike,
    *,
    url_template: str,
    retries: int,
    backoff_s: float,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Download one station-year from UKSSDC with a URL template and check it parses.

    Parameters
    ----------
    station : Station
        ``station.format`` (``iiwg`` or ``ukssdc_daily``) selects the validating parser.
    year : int
    dest : path-like
    url_template : str
        See :func:`ukssdc_url`.
    retries, backoff_s, timeout_s, sleep
        See :func:`estransport.io.download.download`.

    Returns
    -------
    str
        The URL downloaded.
    """
    url = ukssdc_url(url_template, station, year)
    download(
        url,
        dest,
        retries=retries,
        backoff_s=backoff_s,
        timeout_s=timeout_s,
        validate=lambda p: read_raw(p, station),
        what=f"UKSSDC {station.name} {year}",
        sleep=sleep,
    )
    return url


def instructions(station: Station, raw_dir: str | os.PathLike) -> str:
    """Where to get a station's files by hand and where to put them."""
    where = Path(raw_dir) / station.code
    name = f"{station.code}_<year>.{station.extension}"
    if station.source == "manual":
        origin = (
            f"{station.name} ({station.chain} chain) comes from an archive that needs a login. "
            f"For the Chinese Meridian Project register at {MERIDIAN_PROJECT_URL}, "
            f"download the station's {station.format.upper()} files"
        )
    elif station.source == "ukssdc":
        origin = (
            f"{station.name} comes from UKSSDC ({UKSSDC_URL}); no download URL template is "
            "known (set ionosonde.ukssdc.url_template to download automatically). Request "
            f"the hourly foEs (URSI code 30) tabulations in {station.format} format"
        )
    else:
        origin = f"{station.name} comes from GIRO DIDBase ({GIRO_URL}); export foEs and hEs"
    concat = (
        " A year of SAO files (one per ionogram) becomes one file by concatenation, e.g. "
        f"`cat {station.ursi_code or 'XX000'}_<year>*.SAO > {where / name}`."
        if station.format == "sao"
        else ""
    )
    return (
        f"{origin}, and save one file per year as {where / name} "
        f"(format '{station.format}', see config/README.md).{concat}"
    )


#: Last line of every "missing files" message.
SYNTHETIC_HINT = "Or set ionosonde.source: synthetic to run on the embedded default data."


def check_manual(station: Station, years: Sequence[int], raw_dir: str | os.PathLike) -> list[str]:
    """Check that a hand-placed station's files exist.

    Parameters
    ----------
    station : Station
    years : sequence of int
    raw_dir : path-like

    Returns
    -------
    list of str
        The expected paths (all present).

    Raises
    ------
    estransport.errors.MissingInputsError
        Listing every missing path, with where to get the files.
    """
    expected = [raw_path(raw_dir, station, y) for y in years]
    missing = [p for p in expected if not os.path.exists(p)]
    if missing:
        raise MissingInputsError(missing, f"{instructions(station, raw_dir)}\n{SYNTHETIC_HINT}")
    return expected


def check_manual_all(
    stations_years: Sequence[tuple[Station, Sequence[int]]], raw_dir: str | os.PathLike
) -> None:
    """Check several hand-placed stations at once, so one run lists everything missing.

    Parameters
    ----------
    stations_years : sequence of (Station, sequence of int)
    raw_dir : path-like

    Raises
    ------
    estransport.errors.MissingInputsError
        Listing every missing path of every station, with each affected
        station's instructions.
    """
    missing: list[str] = []
    notes: list[str] = []
    for station, years in stations_years:
        try:
            check_manual(station, years, raw_dir)
        except MissingInputsError as err:
            missing.extend(err.missing)
            notes.append(f"* {instructions(station, raw_dir)}")
    if missing:
        raise MissingInputsError(missing, "\n".join([*notes, SYNTHETIC_HINT]))
