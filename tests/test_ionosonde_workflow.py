"""The ionosonde slice end to end through Snakemake, on a tiny synthetic configuration.

Four stations (two per chain, IIWG, SAO and DIDBase files), two years each
(the smallest range the config accepts: year ranges must be strictly
increasing): synthetic raw files -> hourly tables -> analysis -> regression
table, Figs. 5 and 6. Only the ionosonde targets are requested, so the COSMIC
part of the workflow does not run. Tolerance: with one station-year per
station the all-station slope scatters by about 8 % (one station-year's peak
DOY has an error of about 3 days; two years per station only narrow it), so
the planted slope must come back within 25 %.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

STATIONS = ("lerwick", "ouagadougou", "mohe", "sanya")
PLANTED = 1.0  # deg/day, the schema default of ionosonde.synthetic.slope_deg_per_day
YEARS = {"Greenwich": [1996, 1997], "120E": [2009, 2010]}
TOLERANCE = 0.25


def test_snakemake_ionosonde_slice(repo, tmp_path):
    registry = (repo / "config" / "stations.tsv").read_text().splitlines()
    rows = [ln for ln in registry if ln.startswith("code\t") or ln.split("\t")[0] in STATIONS]
    (tmp_path / "stations.tsv").write_text("\n".join(rows) + "\n")
    config = {
        "seed": 20210407,
        "ionosonde": {
            "stations": str(tmp_path / "stations.tsv"),
            "synthetic": {
                "years": YEARS,
                "didbase_cadence_min": 60,
            },
            "analysis": {"bootstrap_samples": 200},
        },
        "figures": {"extra_formats": []},
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    targets = ["results/ionosonde/regression.csv", "results/figures/fig6_peak_doy_latitude.png",
               "results/figures/fig5_ionosondes.png"]
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(repo / "Snakefile"),
           "--directory", str(tmp_path), "--configfile", str(tmp_path / "config.yaml"),
           "--cores", "2", *targets]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    for code in STATIONS:
        hourly = pd.read_parquet(tmp_path / "results" / "ionosonde" / code / "hourly.parquet")
        years = hourly["time_ut"].dt.year
        assert years.isin([1996, 1997, 2009, 2010]).all()
        for _year, n in hourly["foEs_MHz"].notna().groupby(years).sum().items():
            assert 6000 < n < 8784  # gaps, letter-only, low CS
    peaks = pd.read_csv(tmp_path / "results" / "ionosonde" / "peaks.csv")
    assert sorted(peaks["station"]) == sorted(STATIONS * 2) and peaks["valid"].all()
    assert not peaks["at_window_edge"].any()
    reg = pd.read_csv(tmp_path / "results" / "ionosonde" / "regression.csv").set_index("fit")
    assert list(reg.index) == ["Greenwich", "120E", "all"]
    assert reg.loc["all", "n_points"] == 4
    assert (reg["bootstrap_method"] == "hierarchical").all()  # the schema default, passed through
    assert abs(reg.loc["all", "slope_deg_per_day"] / PLANTED - 1) < TOLERANCE
    assert reg.loc["all", "speed_m_per_s"] == pytest.approx(
        reg.loc["all", "slope_deg_per_day"] * 1.286978, rel=1e-5)
    for name in ("fig6_peak_doy_latitude.png", "fig5_ionosondes.png"):
        png = tmp_path / "results" / "figures" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert not (tmp_path / "results" / "occultation").exists()  # COSMIC untouched
