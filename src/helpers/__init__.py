"""Helper library of *Sanctions and Trade: A Replication Book*.

Submodules: `data` (resolve, verify, read external files), `params` (notebook parameter validation),
`methods` (reusable estimators), `models` (structural models), `synth` (calibrated generators),
`chapters` (per-chapter parameters and glue-free logic), `report` (tables, figures, scorecard).
"""
__version__ = "0.1.0"
