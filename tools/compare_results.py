#!/usr/bin/env python3
"""Compare two ``results/`` trees file by file: netCDF, Parquet and CSV/TSV data.

Used by ``.ci/slurm_test.sh`` (a SLURM run against a local run) and by hand to
check that a change leaves the numbers of a run alone::

    .venv/bin/python tools/compare_results.py old/results new/results
    .venv/bin/python tools/compare_results.py old/results new/results --rtol 1e-12

netCDF files are compared variable by variable (data, dimensions,
coordinates; with ``--attrs`` also their attributes and the non-provenance
global attributes); Parquet and CSV files as tables. Figures are only checked to exist in both trees, unless ``--bytes``
asks for every file to be byte-identical (SHA-256), figures included. With ``--rtol 0``
(the default) every value must be equal; a positive ``--rtol`` allows float
rounding where an operation order changed. Exit status 0 when equal, 1 when
something differs (each difference is printed), 2 when nothing was compared.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

#: Global attributes that record when and how a file was made, not what it holds.
PROVENANCE_ATTRS = ("history", "date_created", "estransport_version", "python_version")
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".html")


def _values_equal(a: np.ndarray, b: np.ndarray, rtol: float) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return (
            bool(np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True))
            if rtol
            else bool(np.array_equal(a, b, equal_nan=True))
        )
    return bool(np.array_equal(a, b))


def compare_netcdf(pa: Path, pb: Path, rtol: float, attrs: bool = False) -> list[str]:
    """Differences between two netCDF files (variables, values; attributes with ``attrs``)."""
    problems = []
    with (
        xr.open_dataset(pa, decode_times=False) as da,
        xr.open_dataset(pb, decode_times=False) as db,
    ):
        names_a, names_b = set(da.variables), set(db.variables)
        for name in sorted(names_a ^ names_b):
            problems.append(f"variable {name} only in {'first' if name in names_a else 'second'}")
        for name in sorted(names_a & names_b):
            va, vb = da[name], db[name]
            if va.dims != vb.dims:
                problems.append(f"{name}: dims {va.dims} != {vb.dims}")
            elif not _values_equal(va.values, vb.values, rtol):
                problems.append(f"{name}: values differ")
            if attrs and va.attrs != vb.attrs:
                problems.append(f"{name}: attributes differ")
        ga = {k: v for k, v in da.attrs.items() if k not in PROVENANCE_ATTRS}
        gb = {k: v for k, v in db.attrs.items() if k not in PROVENANCE_ATTRS}
        if attrs and ga.keys() != gb.keys():
            problems.append(f"global attributes differ: {sorted(set(ga) ^ set(gb))}")
    return problems


def compare_tables(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> list[str]:
    """Differences between two tables (columns, dtypes, values)."""
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=not rtol, rtol=rtol or 1e-5, atol=0.0)
    except AssertionError as err:
        return [str(err).strip().splitlines()[0]]
    return []


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compare_bytes(a_root: Path, b_root: Path) -> tuple[list[str], int]:
    """Files of two trees that are not byte-identical, and the number compared."""
    a = {p.relative_to(a_root) for p in a_root.rglob("*") if p.is_file()}
    b = {p.relative_to(b_root) for p in b_root.rglob("*") if p.is_file()}
    problems = [f"only in {a_root}: {p}" for p in sorted(a - b)]
    problems += [f"only in {b_root}: {p}" for p in sorted(b - a)]
    for rel in sorted(a & b):
        if sha256(a_root / rel) != sha256(b_root / rel):
            problems.append(f"{rel}: bytes differ")
    return problems, len(a & b)


def compare_trees(
    a_root: Path, b_root: Path, rtol: float = 0.0, attrs: bool = False
) -> tuple[list[str], Counter]:
    """Compare every data file of two result trees.

    Parameters
    ----------
    a_root, b_root : Path
        The two ``results/`` directories.
    rtol : float
        Relative tolerance for floating-point values (0 = exact).
    attrs : bool
        Compare netCDF attributes too (provenance attributes excepted).

    Returns
    -------
    problems : list of str
        One line per difference, naming the file.
    compared : collections.Counter
        Files compared, per kind.
    """
    a = {p.relative_to(a_root) for p in a_root.rglob("*") if p.is_file()}
    b = {p.relative_to(b_root) for p in b_root.rglob("*") if p.is_file()}
    problems = [f"only in {a_root}: {p}" for p in sorted(a - b)]
    problems += [f"only in {b_root}: {p}" for p in sorted(b - a)]
    compared: Counter = Counter()
    for rel in sorted(a & b):
        pa, pb = a_root / rel, b_root / rel
        suffix = rel.suffix.lower()
        if suffix == ".nc":
            found = compare_netcdf(pa, pb, rtol, attrs)
            compared["netCDF"] += 1
        elif suffix == ".parquet":
            found = compare_tables(pd.read_parquet(pa), pd.read_parquet(pb), rtol)
            compared["Parquet"] += 1
        elif suffix in (".csv", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            found = compare_tables(pd.read_csv(pa, sep=sep), pd.read_csv(pb, sep=sep), rtol)
            compared["CSV"] += 1
        elif suffix in FIGURE_SUFFIXES:
            compared["figures (present in both, not compared)"] += 1
            found = []
        else:
            compared["other (not compared)"] += 1
            found = []
        problems += [f"{rel}: {p}" for p in found]
    return problems, compared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="a results/ directory")
    parser.add_argument("second", type=Path, help="another results/ directory")
    parser.add_argument(
        "--rtol", type=float, default=0.0, help="relative tolerance for floats (0 = exact)"
    )
    parser.add_argument("--attrs", action="store_true", help="compare netCDF attributes too")
    parser.add_argument(
        "--bytes",
        action="store_true",
        help="every file must be byte-identical (SHA-256), figures included",
    )
    args = parser.parse_args(argv)
    if args.bytes:
        problems, n = compare_bytes(args.first, args.second)
        if problems:
            print("\n".join(problems), file=sys.stderr)
            print(f"DIFFERENT: {len(problems)} of {n} files are not byte-identical")
            return 1
        if n == 0:
            print("no files to compare", file=sys.stderr)
            return 2
        print(f"IDENTICAL: all {n} files byte-identical (SHA-256)")
        return 0
    problems, compared = compare_trees(args.first, args.second, args.rtol, args.attrs)
    data = sum(n for kind, n in compared.items() if kind in ("netCDF", "Parquet", "CSV"))
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(compared.items()))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"DIFFERENT: {len(problems)} differences ({summary})")
        return 1
    if data == 0:
        print("no data files to compare", file=sys.stderr)
        return 2
    tol = "exactly" if not args.rtol else f"to rtol {args.rtol:g}"
    print(f"EQUAL: {data} data files equal {tol} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
