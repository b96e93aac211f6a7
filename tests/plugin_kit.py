"""Helpers of the scaffold and tutorial tests: make a plugin distribution with
``jiazheng new-plugin`` and install it for one test only.

Installing goes to a folder of the test's own (``pip install --target``), never into the
test venv's site-packages: tests running in parallel do not see it. A subprocess given
``PYTHONPATH=<that folder>`` finds the plugin's entry point in its ``.dist-info``; so does
this process while the folder is on ``sys.path``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def scaffold(parent: Path, *args: str) -> Path:
    """Run ``jiazheng new-plugin ARGS --dir parent``; returns the distribution's folder."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["new-plugin", *args, "--dir", str(parent)])
    assert result.exit_code == 0, result.output
    made = [p for p in parent.iterdir() if p.name.startswith("jiazheng-")]
    assert len(made) == 1, made
    return made[0]


def pip_install(dist: Path, site: Path) -> None:
    """Build and install the distribution (not editable) into ``site``."""
    run = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-input", "--disable-pip-version-check", "--target", str(site), str(dist)],
        capture_output=True, text=True, timeout=120, cwd=dist.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(site.glob("*.dist-info/entry_points.txt")), list(site.iterdir())


def env_with(site: Path) -> dict:
    """The environment of a subprocess that sees what was installed into ``site``, and
    this checkout's core (not another one the venv may have installed editable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join((str(site), str(ROOT)))
    return env


def run_python(args: list[str], site: Path, cwd: Path, timeout: int = 180):
    """``python ARGS`` in ``cwd`` with ``site`` on the path; returns the finished run."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env_with(site))


def close_app(app, database_url: str | None) -> None:
    """After a test's own app: empty the shared PostgreSQL database, close the pool."""
    from core.extensions import db
    from tests.conftest import empty_database

    if database_url:
        empty_database(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
