"""Models and migrations agree, whatever the hash seed (no set order leaks into a migration)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("seed", ["1", "2"])
def test_no_model_change_lacks_a_migration(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PARTNERDESK_ENV": "test"}
    result = subprocess.run(
        [sys.executable, "-m", "partnerdesk.cli", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
