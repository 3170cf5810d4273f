"""The ticket token finds its ticket from a subject, a reply address or a Message-ID, and
never a ticket of another workspace."""

from __future__ import annotations

import uuid

from partnerdesk.mail import tokens

WS, OTHER_WS = uuid.uuid4(), uuid.uuid4()
TICKET = uuid.uuid4()


def test_a_token_travels_in_subject_address_and_message_id() -> None:
    token = tokens.token_for(partner_id=WS, ticket_id=TICKET, prefix="PD", number=1042)
    assert token.startswith("PD-1042.")
    address = tokens.reply_address("support+old@nordwind.example", token)
    assert address == f"support+{token}@nordwind.example"
    for carrier in (
        f"AW: [{token}] Drucker offline",
        address,
        tokens.message_id(token),
    ):
        found = tokens.parse(carrier)
        assert found is not None and str(found) == token
        assert tokens.matches(found, partner_id=WS, ticket_id=TICKET)
    assert str(tokens.in_subject(f"Re: [{token}] x")) == token


def test_a_token_of_another_workspace_or_ticket_does_not_match() -> None:
    token = tokens.token_for(partner_id=OTHER_WS, ticket_id=TICKET, prefix="PD", number=1042)
    found = tokens.parse(token)
    assert found is not None
    assert not tokens.matches(found, partner_id=WS, ticket_id=TICKET)
    assert not tokens.matches(found, partner_id=OTHER_WS, ticket_id=uuid.uuid4())


def test_a_bare_reference_or_a_forged_signature_is_no_token() -> None:
    assert tokens.parse("Re: PD-1042 printer") is None
    assert tokens.in_subject("Re: [PD-1042] printer") is None
    forged = tokens.parse("PD-1042.aaaaaa")
    assert forged is not None
    assert not tokens.matches(forged, partner_id=WS, ticket_id=TICKET)
