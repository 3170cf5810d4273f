"""Scenario scripts of the sandbox vendor, by name."""

from __future__ import annotations

from typing import Any

from . import morning_outage

SCENARIOS: dict[str, dict[str, Any]] = {"morning-outage": morning_outage.SCENARIO}
