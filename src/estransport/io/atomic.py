"""Write outputs atomically, so an interrupted job never leaves half a file.

Every writer here writes to a temporary file in the destination directory and
then renames it over the target with :func:`os.replace`, which is atomic on
POSIX file systems. A crash leaves at most a ``.tmp-*`` file that the next run
overwrites, and Snakemake reruns the job because its output is absent.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: keeps `import estransport.io.atomic` cheap
    import pandas as pd
    import xarray as xr


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
        Temporary file to write to. It is removed if the block raises.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 & ~umask).
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
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


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike, *, compress: bool = True,
                 encoding: dict | None = None) -> None:
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
    base = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars} if compress else {}
    for name, enc in (encoding or {}).items():
        base[name] = {**base.get(name, {}), **enc}
    encoding = base
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
