"""Open the workflow's intermediate files with errors that name the file.

xarray reports a truncated or corrupt netCDF file as "did not find a match in
any of xarray's currently installed IO backends", and pandas a damaged Parquet
file with an Arrow error; neither names the file nor says what to do. Steps and
science functions open intermediates (``results/...``) through these wrappers,
which raise :class:`~estransport.errors.InputFileError` naming the path and the
remedy: an intermediate is the output of an earlier rule, so deleting it makes
Snakemake remake it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputFileError

if TYPE_CHECKING:  # imported lazily: keeps `import estransport.io.datasets` cheap
    import pandas as pd
    import xarray as xr

REMEDY = "delete it and rerun, so that the rule that makes it runs again"


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputFileError(path, f"the file is empty (an interrupted copy?); {REMEDY}")


def open_dataset(path: str | os.PathLike, **kwargs: Any) -> xr.Dataset:
    """:func:`xarray.open_dataset` with an error that names an unreadable file.

    Parameters
    ----------
    path : path-like
        A netCDF file.
    **kwargs
        Passed on to :func:`xarray.open_dataset` (``chunks``, ``decode_times``, ...).

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    estransport.errors.InputFileError
        If the file is empty, truncated or not netCDF.
    """
    import xarray as xr

    path = Path(path)
    _check_exists(path)
    try:
        return xr.open_dataset(path, **kwargs)
    except (OSError, ValueError, RuntimeError) as err:
        raise InputFileError(
            path, f"not a readable netCDF file (truncated or corrupt?): {REMEDY} [{err}]"
        ) from err


def read_parquet(path: str | os.PathLike, **kwargs: Any) -> pd.DataFrame:
    """:func:`pandas.read_parquet` with an error that names an unreadable file.

    Raises
    ------
    estransport.errors.InputFileError
        If the file is empty, truncated or not Parquet.
    """
    import pandas as pd

    path = Path(path)
    _check_exists(path)
    try:
        return pd.read_parquet(path, **kwargs)
    except (OSError, ValueError) as err:  # pyarrow.ArrowInvalid derives from ValueError
        raise InputFileError(
            path, f"not a readable Parquet file (truncated or corrupt?): {REMEDY} [{err}]"
        ) from err


def read_csv(path: str | os.PathLike, **kwargs: Any) -> pd.DataFrame:
    """:func:`pandas.read_csv` with an error that names an unreadable file.

    Raises
    ------
    estransport.errors.InputFileError
        If the file is empty or not a table pandas can parse.
    """
    import pandas as pd

    path = Path(path)
    _check_exists(path)
    try:
        return pd.read_csv(path, **kwargs)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputFileError(path, f"not a readable CSV table: {REMEDY} [{err}]") from err
