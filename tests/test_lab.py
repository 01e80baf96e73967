"""`make lab`: the kernel JupyterLab starts imports this clone's helpers, even when the environment (a virtualenv
shared with another clone, whose editable install or PYTHONPATH points at that clone) says otherwise."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import notebooks, paths

ROOT = paths.ROOT


def test_kernelspec_pins_this_clone(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_DATA_MIRROR", "relative/mirror")
    spec = json.loads(notebooks.write_kernelspec(ROOT, sys.executable, jupyter_path=tmp_path).read_text())
    assert spec["argv"][0] == sys.executable and spec["argv"][-2:] == ["-f", "{connection_file}"]
    env = spec["env"]
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT / "src")
    assert env["BOOK_ROOT"] == str(ROOT)
    assert Path(env["BOOK_DATA_MIRROR"]).is_absolute()
    assert (tmp_path / "kernels" / "python3" / "kernel.json").is_file()


def test_kernel_imports_this_clones_helpers_despite_another_clone(tmp_path, monkeypatch):
    """A second clone's helpers first on the inherited PYTHONPATH, and the kernel started from its folder: the kernel
    from our spec (found through JUPYTER_PATH, as `python -m helpers lab` sets it) still imports ours."""
    from jupyter_client.manager import start_new_kernel

    other = tmp_path / "other_clone"
    (other / "src" / "helpers").mkdir(parents=True)
    (other / "src" / "helpers" / "__init__.py").write_text("OTHER_CLONE = True\n")
    jupyter_path = tmp_path / "jupyter"
    notebooks.write_kernelspec(ROOT, sys.executable, jupyter_path=jupyter_path)
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.setenv("PYTHONPATH", str(other / "src"))
    monkeypatch.delenv("BOOK_ROOT", raising=False)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(other), startup_timeout=180)
    try:
        assert km.kernel_spec.resource_dir == str(jupyter_path / "kernels" / "python3")
        printed = []
        kc.execute_interactive("import helpers, helpers.paths as p; print(helpers.__file__); print(p.ROOT)",
                               timeout=120, output_hook=lambda m: printed.append(m["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    lines = "".join(printed).split()
    assert lines == [str(ROOT / "src" / "helpers" / "__init__.py"), str(ROOT)], lines


def test_lab_command_writes_the_spec_and_prints_the_url():
    env = {k: v for k, v in os.environ.items() if k != "BOOK_BUILD"}
    proc = subprocess.run([sys.executable, "-m", "helpers", "lab", "--dry-run", "--port", "8899", "--token", "t0k"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "http://127.0.0.1:8899/lab?token=t0k" in proc.stdout
    assert "--no-browser" in proc.stdout and f"--ServerApp.root_dir={ROOT}" in proc.stdout
    assert ("--allow-root" in proc.stdout) == (os.geteuid() == 0), "as root, Jupyter starts only when allowed"
    spec = json.loads((ROOT / notebooks.LAB_JUPYTER_PATH / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["env"]["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT / "src")


def test_foreign_helpers_is_named():
    assert notebooks.foreign_helpers(ROOT) is None
    message = notebooks.foreign_helpers(ROOT.parent / "another_clone")
    assert message and "another clone" in message and "PYTHONPATH=" in message
