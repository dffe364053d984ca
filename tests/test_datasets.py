"""Unreadable intermediates are named with the remedy, not with xarray's or Arrow's words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.errors import InputFileError
from estransport.io.atomic import write_netcdf, write_parquet
from estransport.io.datasets import open_dataset, read_csv, read_parquet


@pytest.fixture
def good_files(tmp_path):
    nc, pq = tmp_path / "maps_DJF.nc", tmp_path / "events.parquet"
    write_netcdf(xr.Dataset({"s4max": ("lat", np.linspace(0, 1, 1000))}), nc)
    write_parquet(pd.DataFrame({"s4max": np.linspace(0, 1, 1000)}), pq)
    return nc, pq


def test_good_files_open(good_files):
    nc, pq = good_files
    with open_dataset(nc) as ds:
        assert ds["s4max"].size == 1000
    assert len(read_parquet(pq)) == 1000


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_netcdf_and_parquet_are_named(good_files, damage):
    for path, reader in zip(good_files, (open_dataset, read_parquet), strict=True):
        data = path.read_bytes()
        path.write_bytes(
            {"truncate": data[: len(data) // 2], "garbage": b"\x00garbage" * 50, "empty": b""}[
                damage
            ]
        )
        with pytest.raises(InputFileError) as info:
            reader(path)
        assert str(path) in str(info.value)
        assert "rerun" in str(info.value)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such.nc"):
        open_dataset(tmp_path / "no_such.nc")


def test_csv_garbage_is_named(tmp_path):
    path = tmp_path / "regression.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputFileError, match="regression.csv"):
        read_csv(path)
