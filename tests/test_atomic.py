"""Atomic writes: nothing half-written, normal permissions."""

from __future__ import annotations

import os
import stat
import subprocess

import numpy as np
import pytest
import xarray as xr

from estransport.errors import OutputWriteError
from estransport.io.atomic import atomic_path, temporary_path, write_netcdf


def test_success_renames_with_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "sub" / "out.txt"
        with atomic_path(target) as tmp:
            tmp.write_text("data")
            assert not target.exists()
        assert target.read_text() == "data"
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_failure_leaves_nothing(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_previous_version(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("new, half")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_killed_write_leaves_one_fixed_name_that_the_rerun_removes(tmp_path):
    # A SIGKILL mid-write cannot run cleanup code: simulate what it leaves behind,
    # a partial file under the fixed temporary name, plus an old random-suffix name.
    target = tmp_path / "maps_DJF.nc"
    temporary_path(target).write_text("partial")
    (tmp_path / ".tmp-maps_DJF.nc.k3j2h1").write_text("partial, older version")
    with atomic_path(target) as tmp:
        assert tmp == temporary_path(target)
        tmp.write_text("complete")
    assert [p.name for p in tmp_path.iterdir()] == ["maps_DJF.nc"]
    assert target.read_text() == "complete"


def test_stale_temporaries_of_other_outputs_are_left_alone(tmp_path):
    other = temporary_path(tmp_path / "maps_JJA.nc")
    other.write_text("another job is writing this")
    with atomic_path(tmp_path / "maps_DJF.nc") as tmp:
        tmp.write_text("x")
    assert other.exists()


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 1 MiB tmpfs (root only: CI runs as root); unmounted afterwards."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_full_disk_names_path_and_space_and_leaves_nothing(tiny_filesystem):
    target = tiny_filesystem / "results" / "big.bin"
    with pytest.raises(OutputWriteError) as info:
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                fh.write(b"\0" * (4 * 1024 * 1024))  # 4 MiB into 1 MiB
    message = str(info.value)
    assert str(target) in message and "no space left" in message and "MB free" in message
    assert list(target.parent.iterdir()) == []  # the partial file is gone
    # after freeing space (here: a smaller write), the rerun completes
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"\0" * 1000)
    assert target.stat().st_size == 1000


def test_full_disk_inside_netcdf_is_named_too(tiny_filesystem):
    # netCDF/HDF5 turns ENOSPC into "RuntimeError: NetCDF: HDF error"; the space left
    # is what tells a full disk apart.
    ds = xr.Dataset({"x": ("n", np.random.default_rng(0).random(400_000))})
    target = tiny_filesystem / "x.nc"
    with pytest.raises(OutputWriteError, match="no space left"):
        write_netcdf(ds, target, compress=False)
    assert list(tiny_filesystem.iterdir()) == []


def test_read_only_directory_is_named(tmp_path):
    if os.geteuid() == 0:
        # root writes through permission bits: use a read-only bind of a tmpfs instead
        mnt = tmp_path / "ro"
        mnt.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(mnt)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs: {proc.stderr.strip()}")
        try:
            with pytest.raises(OutputWriteError, match="read-only"):
                with atomic_path(mnt / "out.csv") as tmp:
                    tmp.write_text("a,b\n")
        finally:
            subprocess.run(["umount", str(mnt)], check=False)
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        with pytest.raises(OutputWriteError, match="no permission"):
            with atomic_path(ro / "out.csv") as tmp:
                tmp.write_text("a,b\n")


def test_dask_backed_netcdf_gives_the_same_bytes_every_time(tmp_path):
    # xarray hands dask chunks to HDF5 in an order set by random task names: without
    # loading first, two writes of the same values differ in their chunk offsets.
    import dask

    rng = np.random.default_rng(1)
    ds = xr.Dataset({"u": (("time", "lat"), rng.random((24, 90)))}).chunk({"time": 1})
    paths = []
    for i, workers in enumerate((1, 2, 2)):
        with dask.config.set(scheduler="threads", num_workers=workers):
            paths.append(tmp_path / f"u{i}.nc")
            write_netcdf(ds, paths[-1])
    blobs = {p.read_bytes() for p in paths}
    assert len(blobs) == 1
