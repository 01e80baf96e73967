"""Reporting: `tables` (paper-style tables), `figures` (theme, glue), `scorecard`, `provenance` (data admonitions)."""
from helpers.report import figures, provenance, scorecard, tables

__all__ = ["figures", "provenance", "scorecard", "tables"]
