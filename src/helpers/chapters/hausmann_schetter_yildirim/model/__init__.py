"""Hausmann, Schetter & Yildirim (2022): export-ban targeting criterion and a multi-country IO trade model.

Modules: `criterion` (Eq. 3/4, convexity, rankings), `shocks` (Eq. 6/10/11: HS6 bans -> industry iceberg shocks),
`io_model` (nested-CES IO model in changes, Newton solver with analytic Jacobian), `calibration` (WIOD 2008 ->
18 country groups x 16 industries), `scenarios` (the six scenarios of section 6.4 and robustness).
"""
