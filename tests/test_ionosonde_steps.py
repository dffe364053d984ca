"""The ionosonde steps (estransport.steps.ionosonde) and the rules that call them.

The analysis step runs on hourly tables written by hand (no parser, no
generator): each station's foEs is a Gaussian summer bump whose peak day is
known exactly, so the peak DOY of every station-year, and which of them lie
outside the summer window, are known before the analysis runs. The rules are
read back from Snakemake itself (not from the text of the rules file).
"""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from estransport.ionosonde import analysis
from estransport.ionosonde.schema import table_from_columns
from estransport.ionosonde.stations import load_stations
from estransport.steps import RuleJob
from estransport.steps.ionosonde import ionosonde_analysis

from .ionosonde_helpers import default_ionosonde
from .workflow_helpers import REPO, make_workdir
from .workflow_helpers import test_config as overlay  # not a test

YEARS = (2001, 2002, 2003)
#: Year-to-year offsets of the peak DOY (days), rotated by station, so that both the
#: station means and the years scatter about the planted line.
OFFSETS = (-6.0, 1.0, 5.0, -2.0)
#: Station-year whose peak is planted after the end of the summer window (DOY 273).
EDGE_STATION, EDGE_YEAR, EDGE_PEAK_DOY = "lerwick", 2002, 300.0


def planted_peak(lat: float, k: int, year: int) -> float:
    """Peak DOY of station number ``k`` at ``lat`` in ``year`` (1 deg/day about 185 at 40 N)."""
    return 185.0 + (lat - 40.0) + OFFSETS[(k + year) % len(OFFSETS)]


@pytest.fixture(scope="module")
def analysis_defaults():
    """The schema's ``ionosonde.analysis`` section."""
    return default_ionosonde()["analysis"]


@pytest.fixture(scope="module")
def hourly_files(repo, tmp_path_factory):
    """One hand-made hourly.parquet per station of config/stations.tsv, three years each."""
    out = tmp_path_factory.mktemp("hourly")
    stations = load_stations(repo / "config" / "stations.tsv")
    times = pd.date_range(f"{YEARS[0]}-01-01", f"{YEARS[-1]}-12-31 23:00", freq="h")
    doy = (times.day_of_year + (times.hour - 12) / 24).to_numpy()
    paths, peaks = {}, {}
    for k, st in enumerate(stations):
        foes = np.full(len(times), 2.0)
        for y in YEARS:
            peak = planted_peak(st.lat, k, y)
            if (st.code, y) == (EDGE_STATION, EDGE_YEAR):
                peak = EDGE_PEAK_DOY
            peaks[(st.code, y)] = peak
            this = times.year == y
            foes[this] += 4.0 * np.exp(-0.5 * ((doy[this] - peak) / 30.0) ** 2)
        table = table_from_columns(
            {
                "time_ut": times,
                "station": [st.code] * len(times),
                "foEs_MHz": foes,
                "confidence": np.full(len(times), 999),
                "source_file": ["hand"] * len(times),
                "source_line": np.arange(1, len(times) + 1),
            }
        )
        paths[st.code] = out / f"{st.code}.parquet"
        table.to_parquet(paths[st.code])
    return {"paths": paths, "stations": stations, "peaks": peaks}


def _run(repo, files, params, tmp_path, name, seed=11):
    """The analysis step as the rule runs it; returns the three CSVs it writes."""
    d = tmp_path / name
    d.mkdir()
    outs = {k: d / f"{k}.csv" for k in ("peaks", "means", "regression")}
    codes = list(files["paths"])
    ionosonde_analysis(
        RuleJob(
            input={
                "hourly": [files["paths"][c] for c in codes],
                "stations": repo / "config" / "stations.tsv",
            },
            output={**outs, "daily": d / "daily.parquet"},
            params={
                "codes": codes,
                "station_years": {c: list(YEARS) for c in codes},
                "analysis": params,
                "seed": seed,
            },
        )
    )
    return {k: pd.read_csv(p) for k, p in outs.items()}


def test_bootstrap_method_reaches_the_fits(repo, hourly_files, analysis_defaults, tmp_path):
    """The configured bootstrap design is the one used: the interval changes with it."""
    ci = {}
    for method in analysis.BOOTSTRAP_METHODS:
        params = {**analysis_defaults, "bootstrap_method": method, "bootstrap_samples": 400}
        out = _run(repo, hourly_files, params, tmp_path, method)
        reg = out["regression"]
        reg = reg.loc[reg["estimator"] == "paper"].set_index("fit")  # the paper's rows
        assert (reg["bootstrap_method"] == method).all()
        ci[method] = reg[["slope_ci_low_deg_per_day", "slope_ci_high_deg_per_day"]]
        # the written interval is regression_table's with this method on the written peaks
        ref = analysis.regression_table(
            out["peaks"],
            chains=["Greenwich", "120E"],
            earth_radius_km=params["earth_radius_km"],
            fit_points=params["fit_points"],
            ci_level=params["ci_level"],
            bootstrap_samples=400,
            seed=11,
            bootstrap_method=method,
        ).set_index("fit")
        np.testing.assert_allclose(
            ci[method].to_numpy(),
            ref[["slope_ci_low_deg_per_day", "slope_ci_high_deg_per_day"]].to_numpy(),
            rtol=1e-5,
        )
    width = {m: (c.iloc[:, 1] - c.iloc[:, 0]).loc["all"] for m, c in ci.items()}
    assert all(w > 0 for w in width.values()), width
    # three designs, three different intervals (before the fix all three were hierarchical's)
    for a, b in (("hierarchical", "stations"), ("hierarchical", "years"), ("stations", "years")):
        assert abs(width[a] - width[b]) > 0.05 * width[a], (a, b, width)


def test_every_analysis_key_is_read(repo, hourly_files, analysis_defaults, tmp_path):
    """A key of the schema that the step does not read is a silently ignored option."""
    for key in analysis_defaults:
        params = copy.deepcopy(analysis_defaults)
        del params[key]
        with pytest.raises(KeyError, match=key):
            _run(repo, hourly_files, params, tmp_path, f"missing_{key}")


def test_edge_peaks_drop_and_keep(repo, hourly_files, analysis_defaults, tmp_path, caplog):
    """A maximum on the window edge is listed with its reason (drop) or used and flagged (keep)."""
    base = {**analysis_defaults, "bootstrap_samples": 0}
    with caplog.at_level(logging.INFO, logger="estransport.ionosonde.analysis"):
        drop = _run(repo, hourly_files, {**base, "edge_peaks": "drop"}, tmp_path, "drop")
    assert "1 station-years with the maximum on the summer-window edge dropped" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="estransport.ionosonde.analysis"):
        keep = _run(repo, hourly_files, {**base, "edge_peaks": "keep"}, tmp_path, "keep")
    assert "1 station-years with the maximum on the summer-window edge kept" in caplog.text

    for out in (drop, keep):
        peaks = out["peaks"].set_index(["station", "year"])
        assert len(peaks) == 30  # nothing removed from the table
        edge = peaks.loc[(EDGE_STATION, EDGE_YEAR)]
        assert bool(edge["at_window_edge"]) and edge["peak_doy"] == 273  # last window day
        others = peaks.drop(index=(EDGE_STATION, EDGE_YEAR))
        assert not others["at_window_edge"].any() and others["valid"].all()
        # every other peak is found on its planted day (noon-centred daily means: exact)
        planted = np.array([hourly_files["peaks"][i] for i in others.index])
        assert np.max(np.abs(others["peak_doy_local"] - planted)) <= 1
    d = drop["peaks"].set_index(["station", "year"]).loc[(EDGE_STATION, EDGE_YEAR)]
    assert not bool(d["valid"]) and "window edge" in d["drop_reason"]
    k = keep["peaks"].set_index(["station", "year"]).loc[(EDGE_STATION, EDGE_YEAR)]
    assert bool(k["valid"]) and k.isna()["drop_reason"]  # empty reason (CSV: NaN)

    # the dropped year is left out of Lerwick's mean; the kept one pulls it to DOY 273
    lerwick = [hourly_files["peaks"][(EDGE_STATION, y)] for y in YEARS]
    means = {
        n: o["means"].set_index("station").loc[EDGE_STATION]
        for n, o in (("drop", drop), ("keep", keep))
    }
    assert means["drop"]["n_years"] == 2 and means["keep"]["n_years"] == 3
    assert means["drop"]["mean_peak_doy"] == pytest.approx((lerwick[0] + lerwick[2]) / 2, abs=1)
    assert means["keep"]["mean_peak_doy"] == pytest.approx(
        (lerwick[0] + 273 + lerwick[2]) / 3, abs=1
    )
    slope = {
        n: o["regression"]
        .loc[o["regression"]["default"]]
        .set_index("fit")
        .loc["all", "slope_deg_per_day"]
        for n, o in (("drop", drop), ("keep", keep))
    }
    assert slope["drop"] != pytest.approx(slope["keep"], rel=1e-3)


#: The rules of workflow/rules/ionosonde.smk (the download rules exist only for source real;
#: the UKSSDC one only with a URL template).
IONOSONDE_RULES = {
    "ionosonde_synthetic",
    "ionosonde_download_giro",
    "ionosonde_download_ukssdc",
    "ionosonde_hourly",
    "ionosonde_qc_summary",
    "ionosonde_analysis",
    "fig5_ionosondes",
    "fig6_peak_doy_latitude",
}
#: Prints, as JSON, what Snakemake made of every rule of the workflow in the current directory.
_RULES_SCRIPT = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import (ConfigSettings, OutputSettings, ResourceSettings,
                                      StorageSettings)
def value(resource):
    try:
        return resource.value
    except ValueError:  # a function of the job's input (e.g. the model rules): not known here
        return None
out = {}
with SnakemakeApi(OutputSettings()) as api:
    wf = api.workflow(resource_settings=ResourceSettings(cores=1),
                      config_settings=ConfigSettings(configfiles=[Path("config/config.yaml")]),
                      storage_settings=StorageSettings(), snakefile=Path(sys.argv[1]),
                      workdir=Path("."))
    for rule in wf._workflow.rules:  # the parsed rules (no public accessor in snakemake 9)
        res = {k: value(v) for k, v in rule.resources.items() if k in ("mem_mb", "runtime")}
        out[rule.name] = {
            "log": [str(x) for x in rule.log],
            "benchmark": None if rule.benchmark is None else str(rule.benchmark),
            "resources": {k: v if isinstance(v, (int, float)) else None for k, v in res.items()},
            "inputs": {n: str(getattr(rule.input, n)) for n in rule.input._names},
            "params": repr(list(rule.params)),
        }
print(json.dumps(out))
"""


def _parsed_rules(workdir) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _RULES_SCRIPT, str(REPO / "Snakefile")],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def parsed_rules(tmp_path_factory):
    """The ionosonde rules as Snakemake parses them: config/test/ionosonde.yaml, and with
    config/test/ionosonde_real.yaml on top (real sources: the download rules)."""
    synthetic = _parsed_rules(make_workdir(tmp_path_factory.mktemp("wf_syn"), "ionosonde"))
    real = _parsed_rules(
        make_workdir(
            tmp_path_factory.mktemp("wf_real"), "ionosonde", overrides=overlay("ionosonde_real")
        )
    )
    rules = {**synthetic, **real}
    return {name: rules[name] for name in rules if name in IONOSONDE_RULES}


def test_every_ionosonde_rule_has_log_benchmark_and_resources(parsed_rules):
    """Cluster profiles schedule by mem_mb and runtime; logs and benchmarks say what ran how long."""
    assert set(parsed_rules) == IONOSONDE_RULES
    for name, rule in parsed_rules.items():
        assert rule["log"], name
        assert rule["benchmark"] and rule["benchmark"].startswith("benchmarks/ionosonde/"), name
        mem, runtime = rule["resources"].get("mem_mb"), rule["resources"].get("runtime")
        assert mem and runtime, f"rule {name} has no mem_mb/runtime"
        assert 100 <= mem <= 8000 and 1 <= runtime <= 120, name


def test_the_station_registry_is_an_input_never_a_param(parsed_rules):
    registry = str(REPO / "config" / "test" / "stations_ionosonde.tsv")
    for name in ("ionosonde_analysis", "fig5_ionosondes"):
        assert parsed_rules[name]["inputs"]["stations"] == registry, name
    for name, rule in parsed_rules.items():
        assert "stations_ionosonde.tsv" not in rule["params"], name
