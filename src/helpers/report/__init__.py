"""Reporting: `tables` (paper-style tables), `figures` (theme, glue), `scorecard`, `provenance` (data admonitions),
`speccurve` (specification curves). Submodules are imported on use (`from helpers.report import scorecard`), so
a kernel that needs only the scorecard does not pay for matplotlib."""
