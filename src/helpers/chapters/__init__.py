"""Chapters (see CONTRIBUTING.md)."""
