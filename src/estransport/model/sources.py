"""Where the model history files come from (light module: imported while the workflow's DAG is built).

Real WACCM output cannot be downloaded automatically (NSSDC/UKSSDC need a
login), so with ``model.source: files`` the files are placed by hand and a
missing one stops the run with a list of what is missing and where to put it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..io.placed import resolve_placed_files

#: What to tell a user whose real WACCM files are missing.
WACCM_INSTRUCTIONS = (
    "Real WACCM / WACCM-X history files cannot be downloaded automatically "
    "(the NSSDC/UKSSDC archives need a login). Download the monthly (cam.h0) or "
    "instantaneous (cam.h1) history files of your run, with at least T, U, V, OMEGA, "
    "Z3 (or Z3GM) and PS (and Fep for the Fe+ flux; Figs. 1 and 2c,d do not need it), "
    "place them where model.files.paths points (default "
    "resources/model/waccm/), and rerun. Or set model.source: synthetic for the "
    "embedded default."
)


def check_user_files(patterns: Sequence[str], base: str | os.PathLike = ".") -> list[str]:
    """Resolve the configured history files; stop with a "place files here" message if absent.

    Parameters
    ----------
    patterns : sequence of str
        File paths or glob patterns, relative to ``base``.
    base : path-like
        Directory the patterns are relative to (the working directory).

    Returns
    -------
    list of str
        The matching files, sorted, duplicates removed.

    Raises
    ------
    MissingInputsError
        Listing every explicit path that does not exist and every pattern that
        matches nothing, with instructions.
    """
    return resolve_placed_files(patterns, WACCM_INSTRUCTIONS, base)


def history_inputs(
    *, source: str, paths: Sequence[str], synthetic_files: Sequence[str]
) -> list[str]:
    """History files a model rule reads: the synthetic ones, or the user's placed files.

    Called while the workflow's DAG is built, with values from the ``model``
    config section (:func:`estransport.steps.preflight.model_history_files`,
    which checks the placed files together with every other real source).

    Parameters
    ----------
    source : {"synthetic", "files"}
        ``model.source``.
    paths : sequence of str
        ``model.files.paths``: paths or glob patterns of the placed files,
        relative to the working directory (used when ``source`` is files).
    synthetic_files : sequence of str
        The generator's outputs (used when ``source`` is synthetic).

    Returns
    -------
    list of str
        Paths relative to the working directory.

    Raises
    ------
    MissingInputsError
        For ``source: files`` when files are missing (see :func:`check_user_files`).
    ValueError
        For any other ``source``.
    """
    if source == "synthetic":
        return list(synthetic_files)
    if source != "files":
        raise ValueError(f"model source must be 'synthetic' or 'files', not {source!r}")
    return [os.path.relpath(p) for p in check_user_files(paths, base=".")]
