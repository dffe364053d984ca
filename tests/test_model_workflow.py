"""End to end: synthetic WACCM history files -> CESM reader -> state -> drift / TEM -> Figs. 1, 2c, 2d.

Runs the repository Snakefile on a tiny configuration (10 x 30 degree grid),
requesting only this slice's targets, so the COSMIC and ionosonde parts are
never built. A second, dry run checks the "place files here" stop of the
real-file source.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from .workflow_helpers import REPO, make_workdir, snakemake

pytestmark = pytest.mark.workflow

RUN = {
    "figures": {"extra_formats": ["pdf"], "dpi": 60},
    "model": {"synthetic": {"lat_step_deg": 10.0, "lon_step_deg": 30.0}},
}
TARGETS = [
    "results/figures/fig1_ion_drift.png",
    "results/figures/fig2c_residual_circulation_djf.png",
    "results/figures/fig2d_residual_circulation_jja.png",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    # the dry run of the real-file source goes on beside the main run
    missing = make_workdir(tmp_path_factory.mktemp("model_files"), {"model": {"source": "files"}})
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
    wd = make_workdir(tmp_path_factory.mktemp("model_wf"), RUN)
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
    with xr.open_dataset(wd / "results" / "drift" / "drift.nc") as d:
        assert list(d["driver"].values) == ["U", "V", "W", "ExB", "pedersen"]
        july = [i for i, t in enumerate(d["time"].values) if t.month == 7][0]
        # parts add up to the total
        total = d["v_ion"].isel(time=july).sum("driver")
        np.testing.assert_allclose(total, d["v_ion_total"].isel(time=july), atol=1e-4)
        # r_i at 106 km, 40 N in July: SCIENCE.md 4 gives 24 over Beijing (same MSIS inputs)
        r = float(d["r_i"].isel(time=july).sel(altitude=106.0, lat=35.0).mean("lon"))
        assert 15 < r < 35
        # collision dominated at 100-110 km: the meridional drift follows V
        with xr.open_dataset(wd / "results" / "model" / "state.nc") as st:
            v = st["V"].isel(time=july).sel(altitude=105.0)
            vi = d["v_ion"].isel(time=july).sel(driver="V", altitude=105.0)
            np.testing.assert_allclose(vi, v, rtol=0.05, atol=0.05)


def test_tem_recovers_the_planted_cells(run):
    wd, _, _ = run
    truth = xr.open_dataset(wd / "resources" / "model" / "synthetic" / "planted_truth.nc")
    tem = xr.open_dataset(wd / "results" / "model" / "tem.nc")
    sel = (truth["z_ref"].values > 95) & (truth["z_ref"].values < 115)
    got = tem["v_star_plev"].values[:, sel, :].ravel()
    planted = truth["v_star"].values[:, sel, :].ravel()
    assert np.corrcoef(got, planted)[0, 1] > 0.95
    assert np.polyfit(planted, got, 1)[0] == pytest.approx(1.0, abs=0.1)
    # July, 30-60 N: winter-to-summer (northward) at 100-110 km, summer-to-winter above and below
    v = tem["v_star"].isel(time=6).sel(lat=slice(30, 60)).mean("lat")
    assert float(v.sel(altitude=slice(100, 110)).mean()) > 1.0
    assert float(v.sel(altitude=slice(82, 90)).mean()) < -1.0
    assert float(v.sel(altitude=slice(125, 150)).mean()) < -1.0


def test_real_file_source_stops_with_place_files_here(run):
    _, rc, out = run
    assert rc != 0
    assert "required input file(s) are missing" in out
    assert "resources/model/waccm/*.cam.h0.*.nc" in out and "login" in out


def _rule_blocks(text: str) -> dict[str, str]:
    """Rule name -> its text, for a .smk file (rules may be indented inside if blocks)."""
    import re

    heads = list(re.finditer(r"^\s*rule (\w+):", text, flags=re.M))
    ends = [h.start() for h in heads[1:]] + [len(text)]
    return {h.group(1): text[h.start() : end] for h, end in zip(heads, ends, strict=True)}


def test_every_model_rule_declares_memory_and_runtime():
    """Cluster profiles need mem_mb (MB) and runtime (minutes) on every rule of the slice."""
    import re

    blocks = _rule_blocks((REPO / "workflow" / "rules" / "model.smk").read_text())
    assert {"fig1_ion_drift", "fig2cd_residual_circulation", "model_state"} <= set(blocks)
    for name, block in blocks.items():
        mem = re.search(r"^\s*mem_mb=(\d+),", block, flags=re.M)
        runtime = re.search(r"^\s*runtime=(\d+),", block, flags=re.M)
        assert mem and runtime, f"rule {name} lacks resources mem_mb/runtime"
        assert 200 <= int(mem.group(1)) <= 64_000, name
        assert 1 <= int(runtime.group(1)) <= 24 * 60, name


@pytest.mark.parametrize("momentum_transfer", [False, True])
def test_fig1_caption_states_the_collision_frequency_form(momentum_transfer):
    import types

    import jinja2

    from .workflow_helpers import default_config

    cfg = default_config()
    cfg["model"]["drift"]["momentum_transfer"] = momentum_transfer
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
