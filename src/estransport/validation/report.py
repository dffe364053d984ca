"""The validation tables as one HTML page for the Snakemake report.

Three tables: the default run's error split into bias and chance; bias, RMSE and coverage
of every ionosonde estimator per configuration (the default estimator first and in bold);
and, when given, the other headline numbers.
"""

from __future__ import annotations

import html
import math

import pandas as pd

#: Style of the page (plain, readable in the report's frame).
CSS = (
    "body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse;margin:8px 0 20px}"
    "td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}"
    "td.l,th.l{text-align:left}tr.d td{font-weight:bold}caption{text-align:left;font-weight:bold}"
)


def _pct(x: float, digits: int = 1, sign: bool = True) -> str:
    if x is None or not math.isfinite(x):
        return "–" if x is None or math.isnan(x) else ("∞" if x > 0 else "−∞")
    return f"{100 * x:+.{digits}f} %" if sign else f"{100 * x:.{digits}f} %"


def _num(x: float, digits: int = 3) -> str:
    if x is None or math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}g}"


def _table(caption: str, head: list[str], rows: list[tuple[list[str], bool]]) -> str:
    out = [f"<table><caption>{html.escape(caption)}</caption><tr>"]
    out += [
        f"<th class='l'>{html.escape(h)}</th>" if i < 2 else f"<th>{html.escape(h)}</th>"
        for i, h in enumerate(head)
    ]
    out.append("</tr>")
    for cells, bold in rows:
        out.append("<tr class='d'>" if bold else "<tr>")
        out += [
            f"<td class='l'>{html.escape(c)}</td>" if i < 2 else f"<td>{html.escape(c)}</td>"
            for i, c in enumerate(cells)
        ]
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def validation_html(
    summary: pd.DataFrame,
    split: pd.DataFrame,
    *,
    default_estimator: str,
    default_interval: str,
    headline: pd.DataFrame | None = None,
) -> str:
    """The validation page.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`estransport.validation.ionosonde_mc.summarise_per_seed`.
    split : pandas.DataFrame
        :func:`estransport.validation.ionosonde_mc.default_run_split`.
    default_estimator, default_interval : str
        The configured estimator and interval kind (``ionosonde.analysis``), shown first.
    headline : pandas.DataFrame, optional
        Headline-number validation (:func:`estransport.validation.metrics.headline_summary`).

    Returns
    -------
    str
        A complete HTML document.
    """
    parts = [f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"]
    rows = []
    for r in split.itertuples():
        rows.append(
            (
                [
                    r.estimator,
                    r.configuration,
                    _num(r.estimate_deg_per_day),
                    _pct(r.relative_error),
                    _pct(r.mc_relative_bias),
                    _pct(r.mc_relative_bias_mcse, sign=False),
                    _pct(r.relative_chance),
                    _num(r.chance_in_sd, 2),
                    _pct(r.mc_fraction_further_off, 0, sign=False),
                    f"[{_num(r.analytic_low_deg_per_day)}, {_num(r.analytic_high_deg_per_day)}]",
                    f"[{_num(r.bootstrap_low_deg_per_day)}, {_num(r.bootstrap_high_deg_per_day)}]",
                ],
                r.estimator == default_estimator,
            )
        )
    parts.append(
        _table(
            "The default run (all stations): its error = the estimator's Monte Carlo bias + chance",
            [
                "estimator",
                "MC configuration",
                "estimate °/day",
                "error",
                "MC bias",
                "± (MC s.e.)",
                "chance",
                "chance / MC sd",
                "MC seeds further off",
                "analytic 95 %",
                "bootstrap 95 %",
            ],
            rows,
        )
    )
    order = [default_estimator] + [
        e for e in summary["estimator"].unique() if e != default_estimator
    ]
    rows = []
    for conf, grp in summary.groupby("configuration", sort=False):
        for name in order:
            for kind in ("analytic", "bootstrap"):
                r = grp.loc[(grp["estimator"] == name) & (grp["interval"] == kind)]
                if not len(r):
                    continue
                r = r.iloc[0]
                rows.append(
                    (
                        [
                            conf,
                            f"{name} ({kind})",
                            _num(r["planted_deg_per_day"]),
                            f"{int(r['n_finite'])}/{int(r['n_seeds'])}",
                            _num(r["mean"]),
                            _pct(r["relative_bias"]),
                            _pct(r["relative_bias_mcse"], sign=False),
                            _pct(r["relative_median_bias"]),
                            _num(r["sd"]),
                            _num(r["rmse"]),
                            _pct(r["coverage"], 0, sign=False),
                            _num(r["median_width"]),
                            _pct(r["fraction_unbounded"], 0, sign=False),
                        ],
                        name == default_estimator and kind == default_interval,
                    )
                )
    parts.append(
        _table(
            "Ionosonde drift: bias, spread, RMSE and 95 % interval coverage over seeds",
            [
                "configuration",
                "estimator (interval)",
                "planted °/day",
                "seeds",
                "mean °/day",
                "bias",
                "± (MC s.e.)",
                "median bias",
                "sd °/day",
                "RMSE °/day",
                "coverage",
                "median width °/day",
                "unbounded",
            ],
            rows,
        )
    )
    if headline is not None and len(headline):
        rows = [
            (
                [
                    r.quantity,
                    str(r.resolution),
                    str(int(r.n_seeds)),
                    _num(r.truth),
                    _num(r.mean),
                    _num(r.sd),
                    _num(r.bias),
                    _num(r.tolerance),
                    _pct(r.within_tolerance_fraction, 0, sign=False),
                ],
                False,
            )
            for r in headline.itertuples()
        ]
        parts.append(
            _table(
                "Other headline numbers against the planted truth (tolerance = |bias| + 3 sd)",
                [
                    "quantity",
                    "resolution",
                    "seeds",
                    "planted",
                    "mean",
                    "sd",
                    "bias",
                    "tolerance",
                    "seeds within",
                ],
                rows,
            )
        )
    parts.append("</body></html>")
    return "".join(parts)
