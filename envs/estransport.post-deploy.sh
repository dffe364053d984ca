#!/usr/bin/env bash
# Snakemake runs this once, inside the new conda environment of envs/estransport.yaml
# (`snakemake --sdm conda`), from the working directory of the run. It installs the
# estransport package itself (editable, without dependencies: the environment pins
# them), so that rule scripts import the library as they do in the uv venv.
# Run Snakemake from the repository root, or set ESTRANSPORT_SOURCE to the checkout.
set -euo pipefail
src="${ESTRANSPORT_SOURCE:-$PWD}"
if [ ! -f "$src/pyproject.toml" ] || ! grep -q '^name = "estransport"' "$src/pyproject.toml"; then
    echo "estransport post-deploy: $src is not an estransport checkout;" \
         "set ESTRANSPORT_SOURCE=/path/to/estransport and rerun with --conda-create-envs-only" >&2
    exit 1
fi
python -m pip install --no-deps --editable "$src"
