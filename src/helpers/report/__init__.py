"""Reporting: `tables` (the one table renderer), `figures` (theme, glue), `claims` (claims and verdicts),
`provenance` (data admonitions), `speccurve` (specification curves). Submodules are imported on use
(`from helpers.report import claims`), so a kernel that needs only the claims does not pay for matplotlib."""

import os


def in_book_build() -> bool:
    """True while `python -m helpers build` executes the notebooks (it sets BOOK_BUILD=1): the book pastes glued
    figures and tables where its prose says, so they are not shown where they are made; in JupyterLab or a
    papermill run they are."""
    return bool(os.environ.get("BOOK_BUILD"))
