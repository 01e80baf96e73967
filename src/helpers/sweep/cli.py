"""`python -m helpers sweep`: run a notebook over a parameter grid from the command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grid import SweepNotStarted, SweepParameterError, load_grid

EXIT_NOT_STARTED = 101
MAX_FAILED_STATUS = 100

DESCRIPTION = """\
Run a notebook once per parameter combination (papermill, kernel python3) and collect every run's
parameters, status, wall time and glued scalars into results.parquet and results.csv.

examples:
  python -m helpers sweep sweeps/funke_wende.toml
  python -m helpers sweep notebooks/dorff_minhas/02_cox_models.ipynb -p quick=true -p ties=efron,breslow
  python -m helpers sweep --grid sweeps/dorff_minhas.toml --executor dask --workers 2
  python -m helpers sweep --grid sweeps/dorff_minhas.toml --scheduler tcp://10.0.0.5:8786

exit status: 0 when every run succeeded; k (1-100) when k runs failed (100 = 100 or more);
101 when the sweep did not start, with nothing run or written (bad grid, unknown parameter, bad value,
missing notebook, empty grid without --defaults, bad --out or --workers, missing data mirror, another
sweep writing into the same --out); 128+N when signal N stopped it (130 Ctrl-C, 143 SIGTERM): the runs
that finished are kept and the same command resumes.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers sweep", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", nargs="?",
                        help="notebook to sweep, or a grid file (.toml/.yaml) that names its notebook")
    parser.add_argument("-g", "--grid", help="grid file (.toml/.yaml): fixed values, factorial axes, runs")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=V1,V2",
                        help="add a factorial axis (repeatable); values take the type of the default")
    parser.add_argument("-o", "--out", help="output folder (default sweeps/runs/<grid or notebook name>)")
    parser.add_argument("-e", "--executor", choices=["processes", "dask", "serial"], default="processes")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (implies --executor dask)")
    parser.add_argument("-w", "--workers", type=int, help="parallel runs (default: the number of cores)")
    parser.add_argument("--timeout", type=float, help="seconds allowed per cell")
    parser.add_argument("--force", action="store_true", help="rerun runs that already completed")
    parser.add_argument("--store", metavar="DIR",
                        help="copy results.csv and sweep.json there afterwards (e.g. sweeps/results/<slug>)")
    parser.add_argument("--defaults", action="store_true",
                        help="allow a grid with no axes and no runs: one run on the notebook's defaults")
    parser.add_argument("--dry-run", action="store_true", help="validate and list the runs, run nothing")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    from . import core
    from helpers import paths

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors 2
        return 0 if exc.code in (0, None) else EXIT_NOT_STARTED
    paths.absolutize_env()   # relative BOOK_DATA_MIRROR/BOOK_DATA_CACHE: relative to here, once, for every kernel
    if args.notebook and Path(args.notebook).suffix in {".toml", ".yaml", ".yml"} and not args.grid:
        args.grid, args.notebook = args.notebook, None  # `sweep sweeps/<slug>.toml` names a grid file
    try:
        core.check_workers(args.workers)
        grid = load_grid(_from_root(args.grid)) if args.grid else None
        notebook = args.notebook or (grid.notebook if grid else None)
        if not notebook:
            raise SweepParameterError("name a notebook, or a grid file with `notebook = ...`")
        if not args.notebook and grid is not None and grid.notebook:
            notebook = _from_root(grid.notebook)
        nb_path, _, _, combos, _ = core.prepare(notebook, grid, args.param, defaults=args.defaults)
        if args.dry_run:
            try:
                print(f"{nb_path}: {len(combos)} runs, parameters valid")
                for combo in combos:
                    print("  " + ", ".join(f"{k}={v!r}" for k, v in combo.items()))
            except BrokenPipeError:  # `... --dry-run | head`
                sys.stdout = None
            return 0
    except (SweepNotStarted, FileNotFoundError, ValueError) as exc:   # a notebook that does not parse, too
        print(f"sweep: {exc}", file=sys.stderr)
        return EXIT_NOT_STARTED
    try:
        out = args.out or _default_out(args.grid, notebook)
        result = core.run_sweep(notebook, grid, out, executor=args.executor, scheduler=args.scheduler,
                                workers=args.workers, flags=args.param, timeout=args.timeout,
                                progress=not args.no_progress, force=args.force, defaults=args.defaults)
    except (SweepNotStarted, FileNotFoundError) as exc:
        print(f"sweep: {exc}", file=sys.stderr)
        return EXIT_NOT_STARTED
    except core.SweepInterrupted as exc:
        done = exc.result
        kept = f"{done.n_ok} runs finished and are kept in {done.out_dir}; " if done is not None else ""
        print(f"sweep: stopped by {exc.name}; the pool and its kernels were stopped. {kept}"
              "rerun the same command to resume.", file=sys.stderr)
        return 128 + exc.signum
    print(result.summary())
    for _, row in result.failed.iterrows():
        print(f"  failed {row['run_id']}: {row['error']}  (see {result.out_dir / row['executed']})")
    if args.store:
        target = core.store_result(result.out_dir, _from_root(args.store))
        print(f"stored results.csv and sweep.json in {target}")
    return min(result.n_failed, MAX_FAILED_STATUS)


def _from_root(path: str) -> Path:
    from helpers.paths import ROOT

    p = Path(path)
    return p if p.is_absolute() or p.exists() else Path(ROOT) / p


def _default_out(grid_path: str | None, notebook: str | Path) -> Path:
    from helpers.paths import ROOT

    name = Path(grid_path).stem if grid_path else Path(notebook).stem
    return Path(ROOT) / "sweeps" / "runs" / name


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
