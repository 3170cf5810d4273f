"""Nothing outside selectors/access/actions queries a tenant-owned model, bar listed exemptions."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from partnerdesk.core.tenancy import EXEMPT_MODULES, SCOPED_MODULE_NAMES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "partnerdesk"


def tenant_owned_models() -> set[str]:
    """Every model of ours whose rows belong to a workspace (a partner field or partner_id)."""
    names = set()
    for model in apps.get_models():
        if not model.__module__.startswith("partnerdesk."):
            continue
        fields = {f.name for f in model._meta.get_fields()} | {
            getattr(f, "attname", "") for f in model._meta.get_fields()
        }
        if "partner" in fields or "partner_id" in fields or model._meta.label == "partners.Partner":
            names.add(model.__name__)
    return names


def direct_uses(path: Path, models: set[str]) -> set[str]:
    """Names of tenant-owned models used as `<Model>.objects` in a module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    used = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in models
        ):
            used.add(node.value.id)
    return used


def test_the_walk_knows_the_tenant_owned_models() -> None:
    models = tenant_owned_models()
    assert {"Partner", "Customer", "Membership", "ApiToken", "AuditEntry", "OutboxItem"} <= models


def test_tenant_owned_models_are_queried_only_where_the_rule_allows() -> None:
    models = tenant_owned_models()
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or path.stem in SCOPED_MODULE_NAMES:
            continue
        if path.parent.name in SCOPED_MODULE_NAMES:
            continue
        relative = str(path.relative_to(ROOT))
        allowed = set(EXEMPT_MODULES.get(relative, {}))
        for model in sorted(direct_uses(path, models) - allowed):
            offences.append(f"{relative}: {model}.objects")
    assert not offences, (
        "Query tenant-owned models through selectors.py/access.py (or write them in "
        "actions.py); list true exemptions in partnerdesk/core/tenancy.py:\n" + "\n".join(offences)
    )


def test_every_exemption_is_still_needed() -> None:
    models = tenant_owned_models()
    stale = []
    for relative, exempt in EXEMPT_MODULES.items():
        path = ROOT / relative
        used = direct_uses(path, models) if path.exists() else set()
        stale += [f"{relative}: {model}" for model in exempt if model not in used]
    assert not stale, "Remove exemptions nothing uses any more:\n" + "\n".join(stale)
