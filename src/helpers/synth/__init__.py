"""Synth (see CONTRIBUTING.md)."""
