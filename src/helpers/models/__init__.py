"""Models (see CONTRIBUTING.md)."""
