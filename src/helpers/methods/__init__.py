"""Methods (see CONTRIBUTING.md)."""
