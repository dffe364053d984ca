"""Bound dask's thread pool to the threads a rule was given.

Without this, ``.compute()`` uses dask's default threaded scheduler with every
CPU it can see, which oversubscribes a cluster node that allotted the job fewer
(SLURM ``cpus_per_task``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def dask_threads(threads: int | None) -> Iterator[None]:
    """Run dask computations inside the block on ``threads`` threads (None: dask's default).

    Parameters
    ----------
    threads : int or None
        Number of worker threads, usually ``snakemake.threads``.
    """
    if threads is None:
        yield
        return
    import dask

    with dask.config.set(scheduler="threads", num_workers=max(1, int(threads))):
        yield
