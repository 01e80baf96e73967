"""The layers contract (pyproject.toml, [tool.importlinter]): bottom layers import nothing above them, chapters
import no other chapter, and no package's modules import each other in a circle."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import paths


def test_import_layers_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=paths.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
