"""Provenance attributes carried by every output file.

A netCDF output carries ``estransport_version``, ``config_sha256`` (a hash of
the canonical JSON of the configuration that made it), ``history`` and the
list of input files, so a figure can always be traced back to its inputs.

No attribute records the wall-clock time of a run: the same inputs and config
must give byte-identical files on a rerun, at any ``--cores`` and on a
cluster. Where a date is wanted (a release, an archive), set the standard
``SOURCE_DATE_EPOCH`` (seconds since 1970, https://reproducible-builds.org/specs/source-date-epoch/)
and ``history`` starts with that date.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from . import __version__

PAPER_REFERENCE = (
    "Yu, B., Xue, X., Scott, C. J., Wu, J., Yue, X., Feng, W., Chi, Y., Marsh, D. R., "
    "Liu, H., Dou, X., and Plane, J. M. C. (2021): Interhemispheric transport of metallic "
    "ions within ionospheric sporadic E layers by the lower thermospheric meridional "
    "circulation, Atmos. Chem. Phys., 21, 4219-4230, doi:10.5194/acp-21-4219-2021"
)


def _plain(obj: Any) -> Any:
    """Turn Snakemake's config objects (and tuples, paths) into plain JSON types."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, (_dt.date, _dt.datetime)):
        return obj.isoformat()
    return obj


def config_hash(config: Mapping[str, Any]) -> str:
    """Return the SHA-256 of the canonical JSON of ``config``.

    Parameters
    ----------
    config : mapping
        The (sub-)configuration that determined an output.

    Returns
    -------
    str
        64 hexadecimal digits; equal configs give equal hashes whatever the key order.
    """
    text = json.dumps(_plain(config), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def source_date() -> str:
    """The build date from ``SOURCE_DATE_EPOCH`` (ISO 8601, UTC), or ``""`` when it is unset.

    Returns
    -------
    str
        For example ``"2021-04-07T00:00:00Z"``.

    Raises
    ------
    ValueError
        If ``SOURCE_DATE_EPOCH`` is set but not an integer number of seconds.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return ""
    try:
        seconds = int(value)
    except ValueError:
        raise ValueError(
            f"SOURCE_DATE_EPOCH={value!r} is not an integer number of seconds"
        ) from None
    return _dt.datetime.fromtimestamp(seconds, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance_attrs(
    config: Mapping[str, Any] | None = None,
    inputs: Iterable[str | os.PathLike] = (),
    *,
    step: str = "",
    max_inputs: int = 50,
) -> dict[str, str]:
    """Global attributes describing how an output was made.

    Parameters
    ----------
    config : mapping, optional
        The configuration that determined the output (hashed, not stored).
    inputs : iterable of path-like
        Input files. Long lists are summarised by count, first and last name.
    step : str
        Name of the workflow step or function, for ``history``.
    max_inputs : int
        Lists longer than this are summarised.

    Returns
    -------
    dict of str to str
        CF-style global attributes (``Conventions``, ``history``, ``source``,
        ``references``, ``estransport_version``, ``config_sha256``, ``input_files``).
    """
    names = [os.fspath(p) for p in inputs]
    if len(names) > max_inputs:
        listed = f"{len(names)} files: {names[0]} ... {names[-1]}"
    else:
        listed = " ".join(names)
    attrs = {
        "Conventions": "CF-1.8",
        "history": " ".join(p for p in (source_date(), f"estransport {__version__}", step) if p),
        "source": "estransport (https://doi.org/10.5194/acp-21-4219-2021 reproduction workflow)",
        "references": PAPER_REFERENCE,
        "estransport_version": __version__,
        "input_files": listed,
    }
    if config is not None:
        attrs["config_sha256"] = config_hash(config)
    return attrs
