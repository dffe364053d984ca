"""End to end: synthetic WACCM history files -> CESM reader -> state -> drift / TEM -> Figs. 1, 2c, 2d.

Runs the repository Snakefile on the model test configuration
(``config/test/model.yaml``: a 10 x 30 degree grid), requesting only this
slice's targets, so the COSMIC and ionosonde parts are never built. A second,
dry run on ``config/test/model_files.yaml`` checks the "place files here" stop
of the real-file source.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from .workflow_helpers import REPO, make_workdir, snakemake

pytestmark = pytest.mark.workflow

TARGETS = [
    "results/figures/fig1_ion_drift.png",
    "results/figures/fig2c_residual_circulation_djf.png",
    "results/figures/fig2d_residual_circulation_jja.png",
]
MODEL_RULES = {
    "model_synthetic_history",
    "model_state",
    "model_drift",
    "model_tem",
    "fig1_ion_drift",
    "fig2cd_residual_circulation",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    # the dry run of the real-file source goes on beside the main run
    missing = make_workdir(tmp_path_factory.mktemp("model_files"), "model_files")
    dry = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(REPO / "Snakefile"),
            "--directory",
            str(missing),
            "--cores",
            "1",
            "--dry-run",
            TARGETS[0],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wd = make_workdir(tmp_path_factory.mktemp("model_wf"), "model")
    snakemake(wd, "--cores", "2", *TARGETS)
    out, _ = dry.communicate(timeout=300)
    return wd, dry.returncode, out


def test_figures_written(run):
    wd, _, _ = run
    for t in TARGETS:
        png = wd / t
        assert png.stat().st_size > 10_000, t
        assert png.with_suffix(".pdf").read_bytes()[:4] == b"%PDF"
    assert (wd / "logs" / "model" / "state.log").stat().st_size > 0


def test_state_and_drift_files(run):
    wd, _, _ = run
    with xr.open_dataset(wd / "results" / "model" / "state.nc") as st:
        assert st["U"].dims == ("time", "altitude", "lat", "lon")
        assert st.sizes["altitude"] == 71 and st.sizes["time"] == 12
        assert st.attrs["Conventions"].startswith("CF-") and len(st.attrs["config_sha256"]) == 64
        assert "estransport_waccm_synthetic.cam.h0.2008-01.nc" in st.attrs["input_files"]
        state = st.load()
    with xr.open_dataset(wd / "results" / "drift" / "drift.nc") as d:
        assert list(d["driver"].values) == ["U", "V", "W", "ExB", "pedersen"]
        july = [i for i, t in enumerate(d["time"].values) if t.month == 7][0]
        # parts add up to the total (float32 storage of each part: ~1e-6 m/s)
        total = d["v_ion"].isel(time=july).sum("driver")
        np.testing.assert_allclose(total, d["v_ion_total"].isel(time=july), atol=1e-4)
        # r_i recomputed here from the state's densities and the drift's |B|, with the
        # Langevin rates of Schunk and Nagy (2009, eq. 4.88, no mass factor: the
        # default model.drift.momentum_transfer: false) written out in CGS; float32
        # storage of n and r_i: 1e-6 relative
        st_july = state.isel(time=july)
        e_cgs, u_g, m_fe = 4.80320471257e-10, 1.66053906660e-24, 55.845
        nu = 0.0
        for name, alpha, m_n in (("N2", 1.76, 28.014), ("O2", 1.59, 31.998), ("O", 0.77, 15.999)):
            mu_g = m_fe * m_n / (m_fe + m_n) * u_g
            rate_cm3 = 2.21 * np.pi * np.sqrt(alpha * 1e-24 * e_cgs**2 / mu_g)
            nu = nu + rate_cm3 * 1e-6 * st_july[f"n_{name}"]  # m-3 x cm3/s x 1e-6 m3/cm3
        omega = 1.602176634e-19 * d["B"] / (m_fe * 1.66053906660e-27)
        r_expected = (nu / omega).transpose("altitude", "lat", "lon")
        r = d["r_i"].isel(time=july)
        np.testing.assert_allclose(r.values, r_expected.values, rtol=1e-5)
        # collision dominated at 105 km: the V-driven meridional drift is
        # (r_i^2 + cos^2 D cos^2 I) / (1 + r_i^2) V (Yu et al. 2021, A4), within 1 / (1 + r_i^2) of V
        v = st_july["V"].sel(altitude=105.0)
        vi = d["v_ion"].isel(time=july).sel(driver="V", altitude=105.0)
        r105 = r.sel(altitude=105.0)
        b_north2 = (
            np.cos(np.radians(d["declination"])) * np.cos(np.radians(d["inclination"]))
        ).sel(altitude=105.0) ** 2
        expected = (r105**2 + b_north2) / (1 + r105**2) * v
        np.testing.assert_allclose(vi.values, expected.values, rtol=1e-5, atol=1e-6)
        assert float(r105.min()) > 5  # so |vi - V| < 4 % of |V|
        assert (np.abs(vi - v) <= np.abs(v) / (1 + r105**2) + 1e-6).all()


def _fit(got, planted):
    """(correlation, regression slope of got on planted)."""
    return np.corrcoef(got, planted)[0, 1], np.polyfit(planted, got, 1)[0]


def test_tem_recovers_the_planted_cells(run):
    """tem.nc against planted_truth.nc (same grid as tests/test_tem.py: the same bounds).

    95-115 km: r > 0.999 and slope within 1 % (measured 0.999998, 0.99999). July layer
    means at each latitude of 30-60 N against the planted v* at the same altitudes,
    with the bounds of tests/test_tem.py (0.3 %; 3 % at 82-90 km, where the
    eddy-induced part of the eddy centred at 78 km comes back with psi, 2 % low;
    measured 1.1 %): winter-to-summer (northward) at 100-110 km, summer-to-winter
    above and below.
    """
    wd, _, _ = run
    truth = xr.open_dataset(wd / "resources" / "model" / "synthetic" / "planted_truth.nc")
    tem = xr.open_dataset(wd / "results" / "model" / "tem.nc")
    sel = (truth["z_ref"].values > 95) & (truth["z_ref"].values < 115)
    r, slope = _fit(
        tem["v_star_plev"].values[:, sel, :].ravel(), truth["v_star"].values[:, sel, :].ravel()
    )
    assert r > 0.999 and slope == pytest.approx(1.0, abs=0.01)
    alts, lat = tem["altitude"].values, tem["lat"].values
    z = truth["z_mean"].isel(month=6).values[::-1]  # July, (plev, lat) increasing
    vs = truth["v_star"].isel(month=6).values[::-1]
    planted = np.stack([np.interp(alts, z[:, j], vs[:, j]) for j in range(lat.size)], -1)
    band = (lat >= 30) & (lat <= 60)
    v = tem["v_star"].isel(time=6).values
    for (lo, hi), sign, rtol in (
        ((100, 110), +1, 0.003),
        ((82, 90), -1, 0.03),
        ((125, 150), -1, 0.003),
    ):
        layer = (alts >= lo) & (alts <= hi)
        got, want = v[layer][:, band].mean(axis=0), planted[layer][:, band].mean(axis=0)
        np.testing.assert_allclose(got, want, rtol=rtol, err_msg=f"{lo}-{hi} km")
        assert (got * sign > 1.0).all(), (lo, hi)


def test_real_file_source_stops_with_place_files_here(run):
    _, rc, out = run
    assert rc != 0
    assert "required input file(s) are missing" in out
    assert "resources/model/waccm/*.cam.h0.*.nc" in out and "login" in out


def test_every_model_rule_has_log_benchmark_memory_and_runtime(run):
    """What Snakemake schedules: each model job has a log, a benchmark, mem_mb and runtime.

    Read from the job descriptions of a forced dry run of the run's targets (what a
    cluster profile sees), and the benchmark files of the real run exist.
    """
    wd, _, _ = run
    proc = snakemake(wd, "--dry-run", "--forceall", *TARGETS)
    jobs = re.split(r"\n(?=\[[^\]]+\]\nrule \w+:)", proc.stdout)
    seen = set()
    for job in jobs:
        m = re.search(r"^rule (\w+):", job, flags=re.M)
        if not m:
            continue
        name = m.group(1)
        seen.add(name)
        log = re.search(r"^\s+log: (\S+)", job, flags=re.M)
        bench = re.search(r"^\s+benchmark: (\S+)", job, flags=re.M)
        mem = re.search(r"^\s+resources: .*\bmem_mb=(\d+)", job, flags=re.M)
        runtime = re.search(r"^\s+resources: .*\bruntime=(\d+)", job, flags=re.M)
        assert log and bench and mem and runtime, f"rule {name}:\n{job}"
        assert 200 <= int(mem.group(1)) <= 64_000, name
        assert 1 <= int(runtime.group(1)) <= 24 * 60, name
        assert bench.group(1).startswith("benchmarks/model/"), name
        assert (wd / bench.group(1)).stat().st_size > 0, name  # written by the real run
    assert seen == MODEL_RULES


@pytest.mark.parametrize("momentum_transfer", [False, True])
def test_fig1_caption_states_the_configured_values(momentum_transfer):
    import types

    import jinja2

    from estransport.config import validate_config

    from .workflow_helpers import default_config

    cfg = validate_config(default_config())
    cfg["model"]["drift"]["momentum_transfer"] = momentum_transfer
    cfg["model"]["fig1"].update(months=[1, 4, 7], ratio=20, lat_stride=3)
    cfg["model"]["msis"]["f107"] = 150.0
    text = (REPO / "workflow" / "report" / "fig1.rst").read_text()
    out = jinja2.Template(text).render(snakemake=types.SimpleNamespace(config=cfg))
    out = " ".join(out.split())
    assert "m_n/(m_i+m_n)" in out
    if momentum_transfer:
        assert "near 120 km" in out and "132 km" not in out
    else:
        assert "**without** Schunk and Nagy's momentum-transfer mass factor" in out
        assert "near 132 km instead of about 120 km" in out
        assert "3.0 (N2), 2.7 (O2) and 4.5 (O)" in out
    assert "for January, April, July" in out
    assert "1 m/s vertical as long as 20 m/s meridional" in out
    assert "every 3rd model latitude and every 3 km" in out
    assert "F10.7 = 150.0" in out and "middle of the model period" in out


def test_fig2cd_caption_states_the_configured_values():
    import types

    import jinja2

    from estransport.config import validate_config

    from .workflow_helpers import default_config

    cfg = validate_config(default_config())
    text = (REPO / "workflow" / "report" / "fig2cd.rst").read_text()

    def render(c):
        wc = types.SimpleNamespace(panel="d", season="jja")
        out = jinja2.Template(text).render(snakemake=types.SimpleNamespace(config=c, wildcards=wc))
        return " ".join(out.split())

    out = render(cfg)
    assert "Fig. 2d, JJA mean" in out and "80–150 km shown" in out
    assert "vmax = the 98th percentile of the magnitude of v*" in out
    assert "1 m/s vertical drawn as long as 200 m/s meridional (1 cm/s as long as 2.0 m/s" in out
    assert "H the local scale height" in out
    assert "planted cells are 70.0–95.0, 95.0–115.0 and 115.0–170.0 km" in out
    cfg["model"]["fig2cd"].update(vmax=6.0, ratio=100)
    cfg["model"]["scale_height"] = 7000
    cfg["model"]["synthetic"]["cell_bounds_km"] = [75.0, 100.0, 120.0, 160.0]
    out = render(cfg)
    assert "vmax = 6.0 m/s" in out and "(1 cm/s as long as 1.0 m/s" in out
    assert (
        "H = 7000 m" in out
        and "planted cells are 75.0–100.0, 100.0–120.0 and 120.0–160.0 km" in out
    )
    cfg["model"]["source"] = "files"
    assert "planted cells" not in render(cfg)
