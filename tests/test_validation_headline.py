"""Validation of the COSMIC headline numbers: the shortcut, and recovery over a few seeds.

* The in-memory day events are what the real ingest reads from the written tarball
  (same seed and day): tangent point, local time and S4max exactly, fills and empty
  members alike.
* Over 4 seeds of the default COSMIC configuration (5-degree cells), the recovered
  seasonal maps correlate with the planted ones (r > 0.95, the bound of
  tests/test_workflow_cosmic.py), the median ratio is within 2 % of 1, the winter trough
  within 5 % of its planted value and the Es band edges at most one 5-degree band from the
  planted ones, in most seeds on them. The measured spread behind these bounds (50 seeds,
  results/validation/cosmic_summary.csv): correlation 0.976-0.982 with sd 0.003, median
  ratio 0.996-1.000 with sd 0.003-0.004, trough within 0.3 % of planted with sd about
  1.5 %; a band edge is one band off in a few seeds (the southern poleward edge sits
  near the threshold).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from estransport.io.scnlv1 import read_day_tarball
from estransport.synthetic.cosmic import PlantedEsClimatology, write_day_tarball
from estransport.validation import cosmic_mc

SETUP = cosmic_mc.CosmicSetup(
    years=(2008,),
    day_step=6,
    arcs_per_day=1500,
    es_fraction=0.8,
    fill_fraction=0.02,
    empty_member_fraction=0.003,
    altitude_km=(90.0, 130.0),
    s4max_range=(0.0, 5.0),
    map_resolutions_deg=(5.0,),
    complete_winters_only=False,
    smoothing_cells=0,
    min_count_compare=(10,),
    lat_resolution_deg=5.0,
    alt_resolution_km=2.0,
    monthly_min_count=3,
    min_valid_fraction=0.5,
    es_band_threshold=1.0,
    trough_maglat_deg=(60.0, 80.0),
)


def test_day_events_equal_the_ingest(tmp_path):
    setup = cosmic_mc.CosmicSetup(
        **{**SETUP.__dict__, "arcs_per_day": 300, "empty_member_fraction": 0.05}
    )
    truth = PlantedEsClimatology()
    path = tmp_path / "day.tar.gz"
    write_day_tarball(
        path,
        2008,
        100,
        arcs_per_day=300,
        es_fraction=0.8,
        fill_fraction=0.02,
        empty_member_fraction=0.05,
        seed=11,
        truth=truth,
    )
    read = read_day_tarball(path)
    events = read[0] if isinstance(read, tuple) else read
    quick = cosmic_mc.day_events(2008, 100, setup=setup, seed=11, truth=truth)
    assert len(quick) == len(events)
    for col in ("lattp_s4max", "lontp_s4max", "alttp_s4max", "lcttp_s4max", "s4max"):
        np.testing.assert_array_equal(quick[col].to_numpy(), events[col].to_numpy(float), col)


def test_maps_trough_and_band_recover_the_planted_climatology():
    truth = PlantedEsClimatology()
    epoch = dt.date(2008, 7, 1)
    rows = cosmic_mc.run_seeds(SETUP, range(1, 5), truth, epoch=epoch, workers=2)
    planted = cosmic_mc.planted_rows(SETUP, truth, epoch=epoch)
    by = rows.groupby("quantity")["value"]
    for season in ("DJF", "JJA"):
        assert by.get_group(f"S4max map {season}: correlation with planted").min() > 0.95
        ratio = by.get_group(f"S4max map {season}: median recovered/planted")
        assert np.all(np.abs(ratio - 1) < 0.02)
    for q, value in planted.items():
        got = by.get_group(q).to_numpy()
        if "trough" in q:
            assert np.all(np.abs(got / value - 1) < 0.05), q
        else:  # edges are band edges: at most one band off, mostly none
            assert np.all(np.abs(got - value) <= SETUP.lat_resolution_deg), q
            assert np.mean(got == value) >= 0.5, q
    assert planted["winter-trough S4max, 60–80° geomagnetic latitude, DJF (north)"] < 0.3
    assert (
        pytest.approx(10.0)
        == planted["latitude band of the summer Es maximum, June–August (north): equatorward edge"]
    )
