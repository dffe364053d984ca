"""Before any job runs: every missing input of every real source, in one list.

A *real source* reads files that the workflow cannot make itself:

==========================  ==========================================================
config                      files
==========================  ==========================================================
``cosmic.source: local``    day tarballs of an archive in CDAAC's layout
                            (``cosmic.local_archive``)
``model.source: files``     WACCM/CESM history files placed by hand (``model.files.paths``)
``ionosonde.source: real``  station-years of the stations placed by hand (registry
                            ``source`` manual, or ukssdc without ``ionosonde.ukssdc.url_template``)
``lidar.source: files``     lidar files of the second study (``lidar.files.paths``)
``lidar.model.source:       WACCM-X history files over the lidar (``lidar.model.files.paths``)
files``
==========================  ==========================================================

:func:`check_real_inputs` looks for all of them at once and raises one
:class:`~estransport.errors.MissingInputsError` that lists every missing file,
source by source, so that one run names everything to fetch instead of one
source (or, for a local archive, one day) per attempt. The workflow calls it
through ``real_inputs()`` in ``workflow/rules/common.smk`` the first time a rule
asks for a real source's files while the DAG is built, before any job: a run
whose targets need no real source is not stopped, and one that needs any of
them learns about all of them.

Days missing from a local COSMIC archive follow ``cosmic.cdaac.missing_day``
as missing downloads do: ``error`` lists them; ``empty`` lets the day's ingest
read an empty day tarball (:data:`LOCAL_GAP_PATTERN`, made by the rule
``empty_scnlv1_day``), which the QC summary counts under ``days_without_data``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MissingInputsError

__all__ = [
    "LOCAL_GAP_PATTERN",
    "RealInputs",
    "check_real_inputs",
    "cosmic_local_days",
    "ionosonde_hand_placed",
    "lidar_placed_files",
    "model_history_files",
]

#: Empty day tarball that stands in for a day the local archive lacks (``missing_day: empty``).
LOCAL_GAP_PATTERN = "resources/cosmic/local_gaps/{year}/{doy}.tar.gz"

#: Headings of the sources in a combined list.
COSMIC_SOURCE = "COSMIC local archive, cosmic.local_archive"
MODEL_SOURCE = "model history files, model.files.paths"
IONOSONDE_SOURCE = "ionosonde stations placed by hand, ionosonde.raw_dir"
LIDAR_SOURCE = "lidar files, lidar.files.paths"
LIDAR_MODEL_SOURCE = "WACCM-X history files over the lidar, lidar.model.files.paths"


@dataclass(frozen=True)
class RealInputs:
    """The files of the configured real sources, every one present.

    Attributes
    ----------
    cosmic_days : dict of (str, str) to str
        ``cosmic.source: local``: the day tarball each ingest job reads, by
        zero-padded ``(year, doy)``: the archive's file, or for a missing day
        with ``missing_day: empty`` its :data:`LOCAL_GAP_PATTERN`. Empty otherwise.
    cosmic_gaps : list of (str, str)
        The days of ``cosmic_days`` that the archive lacks (``missing_day: empty``).
    model_history : list of str or None
        ``model.source: files``: the history files, relative to the working
        directory; None for the synthetic source.
    lidar_raw, lidar_history : list of str or None
        ``lidar.source: files`` / ``lidar.model.source: files`` (second study):
        the lidar files and the WACCM-X files over the lidar, relative to the
        working directory; None for the synthetic sources or a disabled slice.
    """

    cosmic_days: dict[tuple[str, str], str] = field(default_factory=dict)
    cosmic_gaps: list[tuple[str, str]] = field(default_factory=list)
    model_history: list[str] | None = None
    lidar_raw: list[str] | None = None
    lidar_history: list[str] | None = None


def cosmic_local_days(
    cosmic: Mapping[str, Any],
) -> tuple[dict[tuple[str, str], str], list[tuple[str, str]]]:
    """The day tarball of every day of the period from a local archive, and the days it lacks.

    Parameters
    ----------
    cosmic : mapping
        The validated ``cosmic`` section with ``source: local`` (``years``,
        ``day_step``, ``local_archive``, ``cdaac.streams``, ``cdaac.missing_day``).

    Returns
    -------
    days : dict of (str, str) to str
        Zero-padded ``(year, doy)`` -> the tarball to ingest: the archive's, or
        :data:`LOCAL_GAP_PATTERN` for a missing day (``missing_day: empty``).
    gaps : list of (str, str)
        The missing days, in order (empty unless ``missing_day`` is ``empty``).

    Raises
    ------
    estransport.errors.MissingInputsError
        If ``local_archive`` is not a directory, or (``missing_day: error``)
        listing every missing day with the paths looked for, and the choices.
    """
    from ..io.cdaac import days_of_period, scan_local_archive

    root = os.fspath(cosmic["local_archive"])
    streams = list(cosmic["cdaac"]["streams"])
    period = days_of_period(cosmic["years"], day_step=cosmic["day_step"])
    layout = f"{root}/{{YYYY}}/{{DDD}}/scnLv1_{{stream}}_{{YYYY}}_{{DDD}}.tar.gz"
    if not os.path.isdir(root):
        raise MissingInputsError(
            [f"{root} (directory)"],
            f"cosmic.local_archive = {root} is not a directory; the {len(period)} days of "
            f"the period are looked for as {layout}. Set cosmic.local_archive to the root "
            "of your archive, or cosmic.source: cdaac to download the days.",
            source=COSMIC_SOURCE,
        )
    found, missing = scan_local_archive(root, period, streams)
    if missing and cosmic["cdaac"]["missing_day"] != "empty":
        listing = [
            paths[0]
            + (f" (or {', '.join(os.path.basename(p) for p in paths[1:])})" if paths[1:] else "")
            for paths in missing.values()
        ]
        raise MissingInputsError(
            listing,
            f"The archive lacks {len(missing)} of the {len(period)} days of the period "
            f"(cosmic.years, cosmic.day_step). Each day is looked for as {layout}, for the "
            f"streams {streams} in that order (cosmic.cdaac.streams). Copy the missing days "
            "there, or, since CDAAC itself has no file for some days, set "
            "cosmic.cdaac.missing_day: empty to run without them: each becomes a day without "
            "data, logged as a warning and counted as days_without_data in "
            "results/occultation/qc_summary.csv.",
            source=COSMIC_SOURCE,
        )
    days: dict[tuple[str, str], str] = {}
    gaps: list[tuple[str, str]] = []
    for year, doy in period:
        key = (f"{year:04d}", f"{doy:03d}")
        if (year, doy) in found:
            days[key] = found[(year, doy)]
        else:
            days[key] = LOCAL_GAP_PATTERN.format(year=key[0], doy=key[1])
            gaps.append(key)
    return days, gaps


def model_history_files(model: Mapping[str, Any]) -> list[str]:
    """The placed history files of ``model.source: files`` (paths relative to the working directory).

    Raises
    ------
    estransport.errors.MissingInputsError
        Listing every path that does not exist and every pattern that matches
        nothing, with where to get the files.
    """
    from ..model.sources import history_inputs

    try:
        return history_inputs(source="files", paths=model["files"]["paths"], synthetic_files=[])
    except MissingInputsError as err:
        raise MissingInputsError(err.missing, err.instructions, source=MODEL_SOURCE) from None


def ionosonde_hand_placed(ionosonde: Mapping[str, Any], basedir: str | os.PathLike) -> None:
    """Check the files of every hand-placed station of ``ionosonde.source: real``.

    Raises
    ------
    estransport.errors.MissingInputsError
        Listing every missing station-year, with each station's instructions.
    estransport.errors.ConfigError, estransport.errors.InputFileError
        From the station plan (:func:`estransport.steps.ionosonde.ionosonde_plan`).
    """
    from .ionosonde import ionosonde_plan

    try:
        ionosonde_plan(ionosonde, basedir).check_hand_placed()
    except MissingInputsError as err:
        raise MissingInputsError(err.missing, err.instructions, source=IONOSONDE_SOURCE) from None


def lidar_placed_files(lidar: Mapping[str, Any], which: str) -> list[str]:
    """The hand-placed files of the lidar slice (``which``: ``"lidar"`` or ``"model"``).

    Parameters
    ----------
    lidar : mapping
        The validated ``lidar`` section.
    which : {"lidar", "model"}
        ``lidar.files.paths`` (the lidar's files) or ``lidar.model.files.paths``
        (WACCM-X history files over the lidar).

    Returns
    -------
    list of str
        The files, relative to the working directory.

    Raises
    ------
    estransport.errors.MissingInputsError
        Listing every path that does not exist and every pattern that matches
        nothing, with where to get the files.
    """
    from ..lidar.sources import LIDAR_INSTRUCTIONS, MODEL_INSTRUCTIONS, placed_files

    if which == "lidar":
        paths, instructions, source = lidar["files"]["paths"], LIDAR_INSTRUCTIONS, LIDAR_SOURCE
    else:
        paths, instructions, source = (
            lidar["model"]["files"]["paths"],
            MODEL_INSTRUCTIONS,
            LIDAR_MODEL_SOURCE,
        )
    try:
        return placed_files(paths, instructions)
    except MissingInputsError as err:
        raise MissingInputsError(err.missing, err.instructions, source=source) from None


def check_real_inputs(config: Mapping[str, Any], *, basedir: str | os.PathLike) -> RealInputs:
    """Look for the files of every configured real source; one error lists all that are missing.

    Parameters
    ----------
    config : mapping
        The validated configuration (:func:`estransport.config.validate_config`).
    basedir : path-like
        The workflow's directory (where a relative station registry is also looked up).

    Returns
    -------
    RealInputs
        The files found (empty for synthetic and downloaded sources).

    Raises
    ------
    estransport.errors.MissingInputsError
        Every missing file of every real source, source by source
        (:meth:`~estransport.errors.MissingInputsError.combine`).
    """
    errors: list[MissingInputsError] = []
    cosmic_days: dict[tuple[str, str], str] = {}
    cosmic_gaps: list[tuple[str, str]] = []
    model_history = None
    if config["cosmic"]["source"] == "local":
        try:
            cosmic_days, cosmic_gaps = cosmic_local_days(config["cosmic"])
        except MissingInputsError as err:
            errors.append(err)
    if config["model"]["source"] == "files":
        try:
            model_history = model_history_files(config["model"])
        except MissingInputsError as err:
            errors.append(err)
    if config["ionosonde"]["source"] == "real":
        try:
            ionosonde_hand_placed(config["ionosonde"], basedir)
        except MissingInputsError as err:
            errors.append(err)
    lidar = config["lidar"]
    placed: dict[str, list[str] | None] = {"lidar": None, "model": None}
    for which, source in (("lidar", lidar["source"]), ("model", lidar["model"]["source"])):
        if lidar["enabled"] and source == "files":
            try:
                placed[which] = lidar_placed_files(lidar, which)
            except MissingInputsError as err:
                errors.append(err)
    if errors:
        raise MissingInputsError.combine(errors)
    return RealInputs(
        cosmic_days=cosmic_days,
        cosmic_gaps=cosmic_gaps,
        model_history=model_history,
        lidar_raw=placed["lidar"],
        lidar_history=placed["model"],
    )
