"""Polling against a real Dovecot: each new message reaches the intake once, and is marked or
deleted on the server only after the intake returned; nothing is skipped, nothing doubled."""

from __future__ import annotations

import re
from typing import Any

import pytest

from partnerdesk.mail import imap
from partnerdesk.mail.models import Mailbox
from tests.kit import Workspace
from tests.mail.imap_helpers import Recorder, imap_mailbox, message
from tests.support.dovecot import Dovecot, dovecot  # noqa: F401

pytestmark = pytest.mark.django_db

SEEN, FLAGGED = b"\\Seen", b"\\Flagged"


def _fresh(mailbox: Mailbox) -> Mailbox:
    return Mailbox.objects.get(pk=mailbox.pk)


def test_new_messages_reach_the_intake_once_and_are_flagged(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    sent = [message(n) for n in range(3)]
    uids = [dovecot.append(user, raw) for raw in sent]
    mailbox = imap_mailbox(ws, dovecot, user)
    intake = Recorder()

    report = imap.poll(mailbox, ingest=intake)

    assert report.ok and report.imported == 3 and report.waiting == 3
    assert intake.raws == sent  # the exact bytes, in order
    assert {c["workspace_id"] for c in intake.calls} == {ws.partner.pk}
    assert {c["source"] for c in intake.calls} == {"imap"}
    assert all(c["mailbox"].pk == mailbox.pk for c in intake.calls)
    flags = dovecot.messages(user)
    assert all({SEEN, FLAGGED} <= flags[uid] for uid in uids)
    stored = _fresh(mailbox)
    assert stored.last_uid == uids[-1]
    assert stored.uid_validity == dovecot.uid_validity(user)
    assert stored.last_polled_at is not None and stored.last_error == ""

    # Polled again: nothing new, nothing handed over twice.
    assert imap.poll(stored, ingest=intake).imported == 0
    assert len(intake.calls) == 3

    # A message arriving later is the only one the next poll brings.
    late = message(9)
    dovecot.append(user, late)
    assert imap.poll(_fresh(mailbox), ingest=intake).imported == 1
    assert intake.raws[-1] == late and len(intake.calls) == 4


def test_a_message_already_read_in_outlook_is_still_imported(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    """The position decides, not the read flag: an agent reading the mailbox elsewhere must
    not make mail disappear from the desk."""
    user, _ = dovecot.new_user()
    uid = dovecot.append(user, message(1))
    client = dovecot.connect(user)
    client.select_folder("INBOX")
    client.add_flags([uid], [SEEN])
    client.logout()
    intake = Recorder()
    assert imap.poll(imap_mailbox(ws, dovecot, user), ingest=intake).imported == 1


@pytest.mark.parametrize("after_import", ["flag", "delete"])
def test_marked_or_deleted_only_after_the_intake_returned(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    after_import: str,
) -> None:
    user, _ = dovecot.new_user()
    uids = [dovecot.append(user, message(n)) for n in range(2)]
    mailbox = imap_mailbox(ws, dovecot, user, after_import=after_import)
    seen_meanwhile: list[dict[int, set[bytes]]] = []
    intake = Recorder(before=lambda n, call: seen_meanwhile.append(dovecot.messages(user)))

    report = imap.poll(mailbox, ingest=intake)

    assert report.imported == 2
    # While the intake had message n in hand, it was on the server, neither read nor flagged.
    for n, state in enumerate(seen_meanwhile):
        assert uids[n] in state
        assert not ({SEEN, FLAGGED} & state[uids[n]])
    after = dovecot.messages(user)
    if after_import == "delete":
        assert after == {}
    else:
        assert all({SEEN, FLAGGED} <= after[uid] for uid in uids)


def test_an_intake_that_fails_leaves_the_message_for_the_next_poll(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, _ = dovecot.new_user()
    sent = [message(n) for n in range(3)]
    uids = [dovecot.append(user, raw) for raw in sent]
    mailbox = imap_mailbox(ws, dovecot, user)

    def refuse_second(n: int, call: dict[str, Any]) -> None:
        if n == 1:
            raise RuntimeError("database went away")

    failing = Recorder(before=refuse_second)
    report = imap.poll(mailbox, ingest=failing)

    assert report.imported == 1
    assert f"Message {uids[1]} could not be imported" in report.error
    assert "database went away" not in report.error  # the log has it; the admin gets words
    stored = _fresh(mailbox)
    assert stored.last_uid == uids[0]
    assert "fetched again on the next poll" in stored.last_error
    flags = dovecot.messages(user)
    assert {SEEN, FLAGGED} <= flags[uids[0]]
    assert not ({SEEN, FLAGGED} & flags[uids[1]]) and not ({SEEN, FLAGGED} & flags[uids[2]])

    # The next poll delivers the refused message and the one after it, and clears the error.
    intake = Recorder()
    report = imap.poll(stored, ingest=intake)
    assert report.ok and intake.raws == sent[1:]
    stored = _fresh(mailbox)
    assert stored.last_uid == uids[2] and stored.last_error == ""


def test_a_message_the_server_does_not_deliver_is_fetched_next_time(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, _ = dovecot.new_user()
    sent = [message(n) for n in range(2)]
    uids = [dovecot.append(user, raw) for raw in sent]
    mailbox = imap_mailbox(ws, dovecot, user)
    real_fetch = imap.IMAPClient.fetch

    def fetch_losing_the_second(self: Any, messages: Any, data: Any, *a: Any, **k: Any) -> Any:
        answer = real_fetch(self, messages, data, *a, **k)
        if "BODY.PEEK[]" in data:
            answer.pop(uids[1], None)
        return answer

    monkeypatch.setattr(imap.IMAPClient, "fetch", fetch_losing_the_second)
    intake = Recorder()
    report = imap.poll(mailbox, ingest=intake)
    assert report.imported == 1 and f"did not deliver message {uids[1]}" in report.error
    assert _fresh(mailbox).last_uid == uids[0]

    monkeypatch.setattr(imap.IMAPClient, "fetch", real_fetch)
    assert imap.poll(_fresh(mailbox), ingest=intake).imported == 1
    assert intake.raws == sent


def test_a_changed_uidvalidity_reads_the_folder_again_without_doubles(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    """A rebuilt mailbox renumbers its messages: the poller starts over from the first, and
    the intake recognises what it already has (by bytes or Message-ID), so nothing doubles."""
    user, _ = dovecot.new_user()
    sent = [message(n) for n in range(2)]
    for raw in sent:
        dovecot.append(user, raw)
    mailbox = imap_mailbox(ws, dovecot, user)
    stored: dict[bytes, int] = {}

    def deduplicating(**call: Any) -> int:
        return stored.setdefault(call["raw"], len(stored))

    assert imap.poll(mailbox, ingest=deduplicating).imported == 2
    old_validity = _fresh(mailbox).uid_validity
    assert old_validity is not None
    dovecot.change_uid_validity(user, old_validity + 1000)
    late = message(3)
    dovecot.append(user, late)

    calls: list[bytes] = []

    def counting(**call: Any) -> int:
        calls.append(call["raw"])
        return deduplicating(**call)

    report = imap.poll(_fresh(mailbox), ingest=counting)

    assert report.restarted and report.ok
    assert calls == [*sent, late]  # read again from the first message
    assert len(stored) == 3  # but stored once each
    again = _fresh(mailbox)
    assert again.uid_validity == old_validity + 1000


def test_the_workspace_is_always_the_mailboxs_own(
    ws: Workspace,
    other_ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    mine, _ = dovecot.new_user()
    theirs, _ = dovecot.new_user()
    dovecot.append(mine, message(1, subject="Ours"))
    dovecot.append(theirs, message(2, subject="Secret of Alpen Cloud"))
    my_mailbox = imap_mailbox(ws, dovecot, mine)
    their_mailbox = imap_mailbox(other_ws, dovecot, theirs)
    intake = Recorder()

    imap.poll(my_mailbox, ingest=intake)

    assert len(intake.calls) == 1
    assert intake.calls[0]["workspace_id"] == ws.partner.pk
    assert b"Secret of Alpen Cloud" not in intake.calls[0]["raw"]
    assert _fresh(their_mailbox).last_polled_at is None

    imap.poll(their_mailbox, ingest=intake)
    assert intake.calls[1]["workspace_id"] == other_ws.partner.pk


def test_wrong_password_is_recorded_in_words_and_the_next_poll_tries_again(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    user, password = dovecot.new_user()
    dovecot.append(user, message(1))
    mailbox = imap_mailbox(ws, dovecot, user, password="not the password")
    intake = Recorder()

    report = imap.poll(mailbox, ingest=intake)

    assert not report.ok and intake.calls == []
    assert f"The server refused the sign-in of {user}" in report.error
    assert "not the password" not in report.error
    stored = _fresh(mailbox)
    assert stored.last_error == report.error and stored.last_polled_at is not None
    assert re.search(rf"\(auth failed, 1 attempts in \d+ secs\): user=<{user}>", dovecot.log())

    # Corrected in the settings: the next poll imports and the error is gone.
    from partnerdesk.mail.actions.mailboxes import MailboxSettings, update_mailbox

    update_mailbox(
        ws.actor("global_admin"),
        mailbox=stored,
        config=MailboxSettings(
            name=stored.name,
            address=stored.address,
            host=stored.host,
            port=stored.port,
            security=stored.security,
            username=stored.username,
            auth_method="password",
            secret=password,
        ),
    )
    report = imap.poll(_fresh(mailbox), ingest=intake)
    assert report.ok and report.imported == 1 and _fresh(mailbox).last_error == ""


def test_with_the_real_intake_each_message_is_stored_once(
    ws: Workspace,
    dovecot: Dovecot,  # noqa: F811
) -> None:
    """The poller and mail.actions' ingest together: stored, then flagged; read again after a
    UIDVALIDITY change, and still stored once."""
    from partnerdesk.mail.models import InboundMessage

    user, _ = dovecot.new_user()
    uids = [dovecot.append(user, message(n)) for n in range(2)]
    mailbox = imap_mailbox(ws, dovecot, user)

    report = imap.poll(mailbox)

    assert report.ok and report.imported == 2
    stored = InboundMessage.objects.filter(partner=ws.partner, mailbox=mailbox)
    assert stored.count() == 2 and {m.source for m in stored} == {"imap"}
    assert all({SEEN, FLAGGED} <= flags for flags in dovecot.messages(user).values())

    dovecot.change_uid_validity(user, dovecot.uid_validity(user) + 1)
    again = imap.poll(_fresh(mailbox))
    assert again.restarted and again.imported == 2
    assert InboundMessage.objects.filter(partner=ws.partner).count() == 2
    assert _fresh(mailbox).last_uid == uids[-1]
