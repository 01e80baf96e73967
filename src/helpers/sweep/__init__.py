"""Papermill sweeps over alternative specifications, locally or on a Dask cluster.

    from helpers.sweep import run_sweep
    result = run_sweep("notebooks/<slug>/03_main.ipynb", {"lag": [1, 2]}, "sweeps/runs/lags")
    result.table          # one row per run: parameters, status, wall time, every glued scalar

CLI: `python -m helpers sweep --help` (calls `main`).
"""
from .core import SweepInterrupted, SweepResult, code_version, run_sweep, store_result
from .execute import harvest
from .grid import (Grid, SweepBusy, SweepNotStarted, SweepParameterError, SweepSetupError, load_grid, notebook_hash,
                   notebook_parameters)


def main(argv: list[str]) -> int:
    """Entry point of `python -m helpers sweep ...`; returns the exit status."""
    from .cli import main as _main

    return _main(argv)


__all__ = ["Grid", "SweepBusy", "SweepInterrupted", "SweepNotStarted", "SweepParameterError", "SweepResult",
           "SweepSetupError", "code_version", "harvest", "load_grid", "main", "notebook_hash", "notebook_parameters",
           "run_sweep", "store_result"]
