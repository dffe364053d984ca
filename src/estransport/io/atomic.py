"""Write outputs atomically, so an interrupted job never leaves half a file.

Every writer here writes to a temporary file in the destination directory and
then renames it over the target with :func:`os.replace`, which is atomic on
POSIX file systems. The temporary name is fixed for each target
(``.tmp-<name>``), so a job killed mid-write leaves at most that one file, and
the rerun that Snakemake schedules (the output is absent) writes over it and
renames it away; no run leaves litter behind.

A write that fails for lack of space, on a read-only file system or without
permission raises :class:`~estransport.errors.OutputWriteError` naming the
path and, for a full disk, the space left; the partial file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputWriteError

if TYPE_CHECKING:  # imported lazily: keeps `import estransport.io.atomic` cheap
    import pandas as pd
    import xarray as xr

#: Prefix of the temporary file beside each output.
TMP_PREFIX = ".tmp-"
#: Free space (bytes) below which a failed write is reported as a full disk: libraries
#: such as netCDF/HDF5 turn ENOSPC into their own errors ("NetCDF: HDF error"), so
#: the space left is the only reliable sign.
FULL_DISK_BYTES = 4 * 1024 * 1024


def temporary_path(path: str | os.PathLike) -> Path:
    """The fixed temporary name that :func:`atomic_path` writes before renaming onto ``path``."""
    path = Path(path)
    return path.with_name(TMP_PREFIX + path.name)


def _free_bytes(directory: Path) -> int | None:
    try:
        st = os.statvfs(directory)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def _write_error(path: Path, err: BaseException, free: int | None) -> OutputWriteError | None:
    """An :class:`OutputWriteError` for a failure the user can act on, else ``None``."""
    code = getattr(err, "errno", None)
    if code == errno.EROFS:
        return OutputWriteError(path, f"the file system of {path.parent} is read-only")
    if code in (errno.EACCES, errno.EPERM):
        return OutputWriteError(path, f"no permission to write in {path.parent}")
    # Libraries that hide the errno (netCDF/HDF5) are judged by the space left.
    low_space = code is None and free is not None and free < FULL_DISK_BYTES
    if code in (errno.ENOSPC, errno.EDQUOT) or low_space:
        left = "unknown" if free is None else f"{free / 1e6:.1f} MB"
        return OutputWriteError(
            path,
            f"no space left on the device ({left} free in {path.parent}); "
            f"free some space and rerun: the partial file was removed ({type(err).__name__}: {err})",
        )
    return None


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    Parameters
    ----------
    path : str or os.PathLike
        Final destination. Parent directories are created.

    Yields
    ------
    pathlib.Path
        Temporary file to write to (``.tmp-<name>`` beside ``path``). It is removed
        if the block raises.

    Raises
    ------
    estransport.errors.OutputWriteError
        If the write failed for lack of space, on a read-only file system or
        without permission.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise (_write_error(path, err, None) or err) from err
    tmp_path = temporary_path(path)
    # Left over from a killed write (this name, or the random names of versions
    # before 0.2): removed here, so a rerun leaves nothing behind.
    for stale in path.parent.glob(f"{TMP_PREFIX}{path.name}*"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    try:
        yield tmp_path
        # Give the file the mode a plain open() would (0666 & ~umask), whatever the
        # writing library chose.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except BaseException as err:
        free = _free_bytes(path.parent)  # before the partial file is removed
        with contextlib.suppress(OSError):  # absent, or a read-only file system
            tmp_path.unlink()
        friendly = _write_error(path, err, free) if isinstance(err, Exception) else None
        if friendly is not None:
            raise friendly from err
        raise


def write_parquet(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a DataFrame to Parquet atomically (no index, zstd compression).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to write; ``df.attrs`` is stored in the Parquet metadata by pyarrow.
    path : str or os.PathLike
        Destination ``.parquet`` file.
    """
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, compression="zstd")


def write_csv(df: pd.DataFrame, path: str | os.PathLike, **kwargs) -> None:
    """Write a DataFrame to CSV atomically (no index unless asked)."""
    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        df.to_csv(tmp, **kwargs)


def write_netcdf(
    ds: xr.Dataset, path: str | os.PathLike, *, compress: bool = True, encoding: dict | None = None
) -> None:
    """Write a Dataset to netCDF-4 atomically, with zlib compression on data variables.

    Parameters
    ----------
    ds : xarray.Dataset
        Dataset to write; CF attributes should already be set.
    path : str or os.PathLike
        Destination ``.nc`` file.
    compress : bool, default True
        Apply ``zlib`` level 4 to every data variable.
    encoding : dict, optional
        Per-variable encodings (e.g. ``{"T": {"dtype": "float32"}}``), merged
        over the compression settings.
    """
    ds, cf_encoding = cf_conform(ds)
    base = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars} if compress else {}
    for name, enc in cf_encoding.items():
        base[name] = {**base.get(name, {}), **enc}
    for name, enc in (encoding or {}).items():
        base[name] = {**base.get(name, {}), **enc}
    ds = _loaded_for_stable_bytes(ds, path)
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=base)


#: Dask-backed datasets up to this size (bytes in memory) are computed before the
#: write. xarray hands dask chunks to HDF5 in an order that depends on random task
#: names, so the same values would land at different file offsets on every run.
STABLE_BYTES_LIMIT = 2 * 1024**3


def _loaded_for_stable_bytes(ds: xr.Dataset, path: Path | str) -> xr.Dataset:
    """``ds`` computed into memory when it is dask-backed and small enough (see above)."""
    if not any(getattr(v.data, "dask", None) is not None for v in ds.variables.values()):
        return ds
    if ds.nbytes <= STABLE_BYTES_LIMIT:
        return ds.load()  # computed with the caller's dask scheduler (threads)
    import logging

    logging.getLogger(__name__).warning(
        "%s: %.1f GB is written chunk by chunk from dask; its values are reproducible "
        "but its bytes may differ between runs (HDF5 chunk order)",
        path,
        ds.nbytes / 1e9,
    )
    return ds


#: CF attributes of the coordinates every product shares, set where a writer left
#: them out (CF-1.8 §4: standard_name and axis identify coordinate types).
COORDINATE_ATTRS = {
    "time": {"standard_name": "time", "axis": "T"},
    "lat": {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"},
    "lon": {"standard_name": "longitude", "units": "degrees_east", "axis": "X"},
    "altitude": {"standard_name": "altitude", "positive": "up", "axis": "Z"},
    "month": {"long_name": "calendar month", "units": "1"},
}


def cf_conform(ds: xr.Dataset) -> tuple[xr.Dataset, dict]:
    """The dataset and encodings that make a CF-1.8 file of it (what every product shares).

    - coordinate and cell-bounds variables get no ``_FillValue`` (CF-1.8 §2.5.1, §7.1);
    - 64-bit integers are written as 32-bit (CF-1.8 §2.2 allows no int64), times as
      double-precision offsets;
    - the shared coordinates get their ``standard_name``, ``units`` and ``axis``
      (:data:`COORDINATE_ATTRS`) where the writer left them out;
    - ``Conventions`` names CF-1.8.

    Parameters
    ----------
    ds : xarray.Dataset
        Dataset about to be written.

    Returns
    -------
    dataset : xarray.Dataset
        A shallow copy with the attributes filled in.
    encoding : dict
        Per-variable encodings for :meth:`xarray.Dataset.to_netcdf`.
    """
    import numpy as np

    ds = ds.copy()
    encoding: dict = {}
    bounds = {v.attrs["bounds"] for v in ds.variables.values() if "bounds" in v.attrs}
    for name, var in ds.variables.items():
        enc: dict = {}
        if name in ds.coords or name in bounds:
            enc["_FillValue"] = None
        is_cftime = var.dtype == object and var.size and hasattr(var.values.flat[0], "calendar")
        if np.issubdtype(var.dtype, np.datetime64) or is_cftime:
            enc["dtype"] = "float64"
        elif var.dtype == np.int64 or var.dtype == np.uint64:
            info = np.iinfo(np.int32)
            values = var.values
            if values.size == 0 or (values.min() >= info.min and values.max() <= info.max):
                enc["dtype"] = "int32"
        if enc:
            encoding[name] = enc
        for key, value in COORDINATE_ATTRS.get(name, {}).items() if name in ds.coords else ():
            var.attrs.setdefault(key, value)
    ds.attrs["Conventions"] = "CF-1.8"
    return ds, encoding
