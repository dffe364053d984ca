"""Where the lidar files and the lidar's model files come from (light: imported at parse time).

Lidar data of the Chinese Meridian Project need a login
(https://data.meridianproject.ac.cn/), and CEDAR Madrigal files are fetched by
hand or with ``madrigalWeb``; WACCM-X output likewise. With ``source: files``
they are placed by hand, and a missing file stops the run before any job with
one list of what is missing and where to put it, together with every other real
source's (``estransport.steps.preflight.check_real_inputs``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..io.placed import resolve_placed_files

#: What to tell a user whose lidar files are missing.
LIDAR_INSTRUCTIONS = (
    "Place the lidar files of the station where lidar.files.paths points (default "
    "resources/lidar/files/*.hdf5): CEDAR Madrigal HDF5 files (lidar.format: madrigal; "
    "e.g. downloaded from a Madrigal site with madrigalWeb's globalDownload.py), or files "
    "in the canonical CF-netCDF layout of docs/formats.md §7.3 (lidar.format: canonical; "
    "convert other formats, such as the Chinese Meridian Project's, to it first). Or set "
    "lidar.source: synthetic for the embedded default."
)
#: What to tell a user whose WACCM-X files for the lidar are missing.
MODEL_INSTRUCTIONS = (
    "Place WACCM-X history files (instantaneous, hourly or finer, with T, U, V, OMEGA, Z3 or "
    "Z3GM, PS and preferably O and O2) that cover the lidar nights and reach above "
    "lidar.detection.top_km over the station, where lidar.model.files.paths points (default "
    "resources/lidar/model/). WACCM without -X stops near 140 km and cannot predict the "
    "descent above it."
)


def placed_files(
    patterns: Sequence[str], instructions: str, base: str | os.PathLike = "."
) -> list[str]:
    """Resolve paths and glob patterns of hand-placed files; stop listing what is missing.

    Parameters
    ----------
    patterns : sequence of str
        Paths or glob patterns relative to ``base``.
    instructions : str
        Where to get the files.
    base : path-like
        The working directory.

    Returns
    -------
    list of str
        Matching files relative to the working directory, sorted, unique.

    Raises
    ------
    MissingInputsError
        Listing every path that does not exist and every pattern that matches nothing.
    """
    return [os.path.relpath(p) for p in resolve_placed_files(patterns, instructions, base)]
