"""Reporting: `tables` (paper-style tables), `figures` (theme, glue), `scorecard`, `provenance` (data admonitions),
`speccurve` (specification curves). Submodules are imported on use (`from helpers.report import scorecard`), so
a kernel that needs only the scorecard does not pay for matplotlib."""

import os


def in_book_build() -> bool:
    """True while `python -m helpers build` executes the notebooks (it sets BOOK_BUILD=1): the book pastes glued
    figures and tables where its prose says, so they are not shown where they are made; in JupyterLab or a
    papermill run they are."""
    return bool(os.environ.get("BOOK_BUILD"))
