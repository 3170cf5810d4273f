"""What other apps know about one ticket, for its API answer, without tickets importing them.

An app (health: the service incidents a ticket is linked to, so a requester filing through the
API is told of the outage at once) registers a provider in its `AppConfig.ready`; the API's
single-ticket answer lists what the providers return for the acting person. Lists leave it
out, as they leave out the SLA clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from partnerdesk.core.actor import Actor


@dataclass(frozen=True)
class Related:
    kind: str  # e.g. "incident"
    id: str
    reference: str  # the vendor's or our reference, e.g. EX226792
    title: str
    status: str
    state: str = ""  # e.g. linked, suggested


class RelatedProvider(Protocol):
    def __call__(self, actor: Actor, ticket: Any) -> list[Related]: ...


providers: list[RelatedProvider] = []


def register(provider: RelatedProvider) -> None:
    if provider not in providers:
        providers.append(provider)


def related_to(actor: Actor, ticket: Any) -> list[Related]:
    found: list[Related] = []
    for provider in providers:
        found.extend(provider(actor, ticket))
    return found
