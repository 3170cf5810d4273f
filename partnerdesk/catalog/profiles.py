"""A service's effective profile in one workspace: its defaults (catalog.defaults), or the
workspace's own ServiceProfile where the owner changed them. Pure: no database here."""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from urllib.parse import quote

PORTAL_KINDS = ("admin", "health", "ticket")
PLACEHOLDERS = frozenset({"tenant_id", "domain"})


@dataclass(frozen=True)
class Portal:
    """Link templates of one instance; empty where the service has no such page there."""

    admin: str = ""
    health: str = ""
    ticket: str = ""

    def template(self, kind: str) -> str:
        return str(getattr(self, kind, ""))


@dataclass(frozen=True)
class EffectiveProfile:
    service_code: str
    # {instance value (partners.enums.Instance): Portal}
    portals: dict[str, Portal]
    admin_roles: tuple[str, ...]  # Entra role template ids; any one suffices
    escalation: str  # catalog.models.Escalation
    vendor_fee: str  # catalog.models.VendorFee
    health_names: tuple[str, ...]  # names in vendor health feeds, compared case-insensitively
    notes: str = ""
    # Where the values came from: the default's source text, or "edited" for the workspace's.
    source: str = ""
    is_default: bool = True
    extra: dict[str, str] = field(default_factory=dict)
    # {instance: Escalation value} where the instance escalates differently (21Vianet).
    escalation_by_instance: dict[str, str] = field(default_factory=dict)

    def portal(self, instance: str) -> Portal:
        return self.portals.get(instance, Portal())

    def escalation_for(self, instance: str) -> str:
        """How the service escalates on `instance` (21Vianet: to 21Vianet)."""
        return self.escalation_by_instance.get(instance, self.escalation)


def check_template(template: str) -> str | None:
    """Why a link template is not acceptable, or None: it must be an https URL whose only
    placeholders are {tenant_id} and {domain}. An empty template is fine (no such page)."""
    if not template:
        return None
    if not template.startswith("https://") or len(template) <= len("https://"):
        return "https"
    if any(ch.isspace() for ch in template):
        return "spaces"
    try:
        names = template_fields(template)
    except ValueError:
        return "malformed"
    if names - PLACEHOLDERS:
        return "placeholder"
    return None


def template_fields(template: str) -> set[str]:
    """The placeholders a link template uses (raises ValueError on a malformed template)."""
    return {name for _text, name, _spec, _conv in Formatter().parse(template) if name}


def render_link(template: str, *, tenant_id: str, domain: str) -> str:
    """A link template filled with the customer's tenant id and domain ("" if it needs one the
    customer lacks). Values are URL-quoted; the template is trusted (the owner wrote it)."""
    if not template:
        return ""
    try:
        needed = template_fields(template)
    except ValueError:
        return ""
    values = {"tenant_id": tenant_id, "domain": domain}
    if any(name not in PLACEHOLDERS or not values[name] for name in needed):
        return ""
    return template.format(**{k: quote(v, safe="") for k, v in values.items()})
