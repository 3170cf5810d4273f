"""The demo workspace's shared canned replies (German, like the workspace), written through the
actions as a team lead would write them."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.tickets import actions

DEMO_CANNED_REPLIES: list[tuple[str, str]] = [
    (
        "Eingang bestätigen",
        "Hallo {requester.first_name},\n\n"
        "vielen Dank für Ihre Nachricht. Wir haben Ihr Anliegen unter {ticket.reference} "
        "aufgenommen und melden uns, sobald wir mehr wissen.\n\n"
        "Viele Grüße\n{agent.name}\n{workspace.name}",
    ),
    (
        "Rückfrage: Fehlermeldung und Zeitpunkt",
        "Hallo {requester.first_name},\n\n"
        "damit wir „{ticket.subject}“ eingrenzen können: Können Sie uns bitte die genaue "
        "Fehlermeldung (gern als Screenshot), den Zeitpunkt und die betroffenen Benutzer "
        "schicken?\n\n"
        "Viele Grüße\n{agent.name}",
    ),
    (
        "An Microsoft eskaliert",
        "Hallo {requester.first_name},\n\n"
        "wir haben den Fall an Microsoft weitergegeben und halten Sie unter {ticket.reference} "
        "auf dem Laufenden. Bis Microsoft antwortet, ändert sich am Status nichts.\n\n"
        "Viele Grüße\n{agent.name}",
    ),
    (
        "Gelöst: bitte bestätigen",
        "Hallo {requester.first_name},\n\n"
        "wir gehen davon aus, dass das Problem für {customer.name} behoben ist. Falls nicht, "
        "antworten Sie einfach auf diese Nachricht, dann öffnen wir das Ticket wieder.\n\n"
        "Viele Grüße\n{agent.name}\n{workspace.name} · {workspace.support_phone} · "
        "{workspace.support_email}",
    ),
]


def load_canned_replies(system: Actor) -> None:
    """Add the team's canned replies to the demo workspace."""
    for title, body in DEMO_CANNED_REPLIES:
        actions.create_canned_reply(system, title=title, body=body, shared=True)
