"""Seasonal gridding agrees with a naive per-event reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from estransport.climatology.gridding import SEASONS, SeasonalGrid, grid_event_tables


def _naive(lat, lon, s4, month, res):
    """Reference: a Python loop over events into dicts keyed by (season, i, j)."""
    season_of = {12: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}
    sums, counts = {}, {}
    for la, lo, s, m in zip(lat, lon, s4, month, strict=True):
        i = min(int(np.floor((la + 90) / res)), int(180 / res) - 1)
        j = int(np.floor(((lo + 180) % 360) / res)) % int(360 / res)
        key = (season_of[int(m)], i, j)
        sums[key] = sums.get(key, 0.0) + s
        counts[key] = counts.get(key, 0) + 1
    return sums, counts


@pytest.mark.parametrize("res", [1.0, 2.5, 10.0])
def test_grid_matches_naive_reference(res):
    rng = np.random.default_rng(1)
    n = 20_000
    lat = rng.uniform(-90, 90, n)
    lat[:5] = [90.0, -90.0, 0.0, 89.999, -0.0]  # poles and edges
    lon = rng.uniform(-540, 540, n)  # any range: must wrap
    s4 = rng.gamma(2.0, 0.2, n)
    month = rng.integers(1, 13, n)
    year = np.full(n, 2008)
    grid = SeasonalGrid(res, complete_winters_only=False)
    # Feed in chunks, as the streaming reader does.
    for chunk in np.array_split(np.arange(n), 7):
        grid.add(lat[chunk], lon[chunk], s4[chunk], year[chunk], month[chunk])
    sums, counts = _naive(lat, lon, s4, month, res)
    assert grid.count.sum() == n
    assert len(counts) == int((grid.count > 0).sum())
    ds = grid.to_dataset(min_count=1, smoothing_cells=0)
    for (k, i, j), c in counts.items():
        assert grid.count[k, i, j] == c
        assert ds["s4max_mean"].values[k, i, j] == pytest.approx(sums[(k, i, j)] / c, rel=1e-6)
    # Cells without events are NaN, and the season axis is labelled in order.
    assert np.isnan(ds["s4max_mean"].values[grid.count == 0]).all()
    assert list(ds.season.values) == list(SEASONS)


def test_min_count_and_std():
    grid = SeasonalGrid(10.0, complete_winters_only=False)
    grid.add([5, 5, 5, 45], [5, 5, 5, 45], [1.0, 2.0, 3.0, 9.0], [2008] * 4, [7] * 4)
    ds = grid.to_dataset(min_count=2, smoothing_cells=0)
    jja = ds.sel(season="JJA")
    cell = jja.sel(lat=5, lon=5)
    assert float(cell.s4max_mean) == pytest.approx(2.0)
    assert float(cell.s4max_std) == pytest.approx(1.0)  # sample standard deviation of 1, 2, 3
    assert np.isnan(float(jja.sel(lat=45, lon=45).s4max_mean))  # one event < min_count
    assert int(jja.sel(lat=45, lon=45)["count"]) == 1


def test_djf_convention_complete_winters():
    year = np.array([2006, 2006, 2007, 2007, 2007])
    month = np.array([1, 12, 1, 2, 12])
    pooled = SeasonalGrid(10.0, years=[2006, 2007], complete_winters_only=False)
    pooled.add(np.zeros(5), np.zeros(5), np.ones(5), year, month)
    complete = SeasonalGrid(10.0, years=[2006, 2007], complete_winters_only=True)
    complete.add(np.zeros(5), np.zeros(5), np.ones(5), year, month)
    # Pooled: all five are DJF. Complete winters: only Dec 2006 + Jan/Feb 2007 (winter 2007).
    assert pooled.count[0].sum() == 5
    assert complete.count[0].sum() == 3


def test_years_filter_drops_other_years():
    grid = SeasonalGrid(10.0, years=[2008], complete_winters_only=False)
    grid.add([0, 0], [0, 0], [1.0, 5.0], [2008, 2009], [7, 7])
    assert grid.count.sum() == 1


def test_smoothing_is_count_weighted_and_periodic():
    grid = SeasonalGrid(10.0, complete_winters_only=False)
    # Two events either side of the dateline: smoothing must mix them across it.
    grid.add([5, 5], [-175, 175], [1.0, 3.0], [2008, 2008], [7, 7])
    ds = grid.to_dataset(min_count=1, smoothing_cells=1)
    jja = ds.sel(season="JJA")
    assert float(jja.sel(lat=5, lon=-175).s4max_mean) == pytest.approx(2.0)
    assert float(jja.sel(lat=5, lon=175).s4max_mean) == pytest.approx(2.0)


def test_stream_over_parquet_tables(tmp_path):
    rng = np.random.default_rng(3)
    paths, all_parts = [], []
    for d in range(5):
        n = 500
        df = pd.DataFrame(
            {
                "time": pd.Timestamp("2008-01-01")
                + pd.to_timedelta(rng.uniform(0, 365, n), unit="D"),
                "lattp_s4max": rng.uniform(-90, 90, n),
                "lontp_s4max": rng.uniform(-180, 180, n),
                "s4max": rng.uniform(0, 2, n),
            }
        )
        p = tmp_path / f"{d}.parquet"
        df.to_parquet(p)
        paths.append(p)
        all_parts.append(df)
    grid = grid_event_tables(paths, resolution_deg=5.0, complete_winters_only=False)
    df = pd.concat(all_parts)
    ref = SeasonalGrid(5.0, complete_winters_only=False)
    ref.add(df.lattp_s4max, df.lontp_s4max, df.s4max, df.time.dt.year, df.time.dt.month)
    np.testing.assert_array_equal(grid.count, ref.count)
    np.testing.assert_allclose(grid.total, ref.total)
    assert grid.n_events == len(df)


def test_seasonal_maps_step_unpacks_the_configuration(tmp_path):
    """The rule's step, run with a hand-made job: cosmic.maps and cosmic.qc reach the maps."""
    from estransport.config import load_config
    from estransport.provenance import config_hash
    from estransport.steps import RuleJob
    from estransport.steps.cosmic import provenance_config, seasonal_maps

    from .workflow_helpers import REPO

    cosmic = load_config(REPO / "config" / "config.yaml")["cosmic"]
    rng = np.random.default_rng(4)
    n = 400
    table = tmp_path / "001.parquet"
    pd.DataFrame(
        {
            "time": pd.Timestamp("2008-01-05") + pd.to_timedelta(rng.uniform(0, 1, n), unit="D"),
            "lattp_s4max": rng.uniform(-90, 90, n),
            "lontp_s4max": rng.uniform(-180, 180, n),
            "s4max": rng.uniform(0, 2, n),
        }
    ).to_parquet(table)
    outs = [str(tmp_path / f"maps_{s}.nc") for s in SEASONS]
    seasonal_maps(
        RuleJob(
            input={"events": [str(table)]},
            output={"maps": outs},
            params={
                "maps": cosmic["maps"],
                "qc": cosmic["qc"],
                "years": cosmic["years"],
                "config": provenance_config(cosmic, "maps"),
            },
        )
    )
    import xarray as xr

    with xr.open_dataset(outs[0]) as ds:
        assert ds.attrs["resolution_deg"] == cosmic["maps"]["resolution_deg"] == 5.0
        assert ds.sizes["lat"] == 36 and int(ds["count"].sum()) == n
        assert (ds.attrs["es_altitude_min_km"], ds.attrs["es_altitude_max_km"]) == (90.0, 130.0)
        assert ds.attrs["config_sha256"] == config_hash(provenance_config(cosmic, "maps"))


def test_a_damaged_event_table_is_named(tmp_path):
    from estransport.errors import InputFileError

    good = tmp_path / "001.parquet"
    pd.DataFrame(
        {
            "time": pd.to_datetime(["2008-01-01"]),
            "lattp_s4max": [1.0],
            "lontp_s4max": [2.0],
            "s4max": [0.3],
        }
    ).to_parquet(good)
    bad = tmp_path / "002.parquet"
    bad.write_bytes(good.read_bytes()[:40])  # an interrupted copy
    with pytest.raises(InputFileError, match="delete it and rerun") as err:
        grid_event_tables([good, bad], resolution_deg=10.0, complete_winters_only=False)
    assert str(bad) in str(err.value)


def _day_tables(tmp_path, sizes, seed=7):
    """Day tables of ``sizes`` events (0 = an empty day), and their frames."""
    rng = np.random.default_rng(seed)
    paths, frames = [], []
    for d, n in enumerate(sizes, 1):
        df = pd.DataFrame(
            {
                "time": pd.Timestamp("2008-01-01")
                + pd.to_timedelta(d + rng.uniform(0, 1, n), unit="D"),
                "lattp_s4max": rng.uniform(-90, 90, n),
                "lontp_s4max": rng.uniform(-180, 180, n),
                "alttp_s4max": rng.uniform(90, 130, n),
                "s4max": rng.uniform(0, 2, n),
            }
        )
        p = tmp_path / f"{d:03d}.parquet"
        df.to_parquet(p)
        paths.append(p)
        frames.append(df)
    return paths, frames


def test_dataset_reads_give_the_batches_of_a_file_by_file_read(tmp_path, monkeypatch):
    """Read 3 files a call, the batches are those of reading day by day (same events, order, cuts)."""
    from estransport.climatology import events

    sizes = [5, 0, 7, 3, 0, 0, 9, 4, 6, 2]
    paths, frames = _day_tables(tmp_path, sizes)
    monkeypatch.setattr(events, "FILES_PER_READ", 3)
    cols = ["time", "lattp_s4max", "s4max"]
    got = list(events.iter_event_batches(paths, cols, events_per_add=10))
    # by hand: non-empty days joined until a batch holds >= 10 events
    want, pending = [], []
    for df in frames:
        if len(df):
            pending.append(df)
            if sum(map(len, pending)) >= 10:
                want.append(pd.concat(pending))
                pending = []
    want.append(pd.concat(pending))
    assert [len(b["time"]) for b in got] == [len(w) for w in want] == [12, 12, 10, 2]
    for b, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(b["time"], w["time"].to_numpy())
        np.testing.assert_array_equal(b["s4max"], w["s4max"].to_numpy())
        np.testing.assert_array_equal(b["month"], w["time"].dt.month.to_numpy())
    per_day = list(events.iter_event_tables(paths, cols))
    assert [len(d["time"]) for d in per_day] == [n for n in sizes if n]


def test_a_table_lacking_a_column_is_named_not_filled(tmp_path, monkeypatch):
    """A dataset fills a column a later file lacks with nulls; the reader names the file instead."""
    from estransport.climatology import events
    from estransport.errors import InputFileError

    paths, frames = _day_tables(tmp_path, [4, 4, 4])
    frames[1].drop(columns="alttp_s4max").to_parquet(paths[1])
    monkeypatch.setattr(events, "FILES_PER_READ", 8)
    with pytest.raises(InputFileError) as err:
        list(events.iter_event_batches(paths, ["time", "alttp_s4max"]))
    assert str(paths[1]) in str(err.value)
    paths[2].unlink()  # a missing table is named too
    with pytest.raises(InputFileError) as err:
        list(events.iter_event_batches([paths[0], paths[2]], ["time"]))
    assert str(paths[2]) in str(err.value)
