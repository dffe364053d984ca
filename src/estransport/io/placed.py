"""Files placed by hand (model history, lidar): resolve paths and patterns, or list what is missing.

Light module (imported while the workflow's DAG is built): no numerical imports.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence

from ..errors import MissingInputsError


def resolve_placed_files(
    patterns: Sequence[str], instructions: str, base: str | os.PathLike = "."
) -> list[str]:
    """Resolve paths and glob patterns of hand-placed files; stop listing every missing one.

    Parameters
    ----------
    patterns : sequence of str
        File paths or glob patterns, relative to ``base``.
    instructions : str
        Where to get the files (the remedy of the error).
    base : path-like
        Directory the patterns are relative to (the working directory).

    Returns
    -------
    list of str
        The matching files joined to ``base``, sorted, duplicates removed.

    Raises
    ------
    MissingInputsError
        Listing every explicit path that does not exist and every pattern that
        matches nothing, with ``instructions``.
    """
    found, missing = [], []
    for pat in patterns:
        full = os.path.join(os.fspath(base), pat)
        if glob.has_magic(pat):
            hits = sorted(glob.glob(full))
            if hits:
                found.extend(hits)
            else:
                missing.append(f"{pat} (pattern matched no file)")
        elif os.path.exists(full):
            found.append(full)
        else:
            missing.append(pat)
    if missing or not found:
        raise MissingInputsError(missing or list(patterns), instructions)
    return sorted(dict.fromkeys(found))
