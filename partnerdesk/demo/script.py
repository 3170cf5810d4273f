"""The vocabulary of the demo's ticket stories: who does what, how long after the last step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Step:
    """One thing that happens to a ticket, `after` the previous step.

    kind: reply / note (staff), answer (the requester writes back), status, assign, severity,
    tag (staff), close (the requester closes it), merge (staff merges this ticket into the
    story named by `value`).
    """

    kind: str
    after: timedelta
    by: str = ""
    text: str = ""
    value: str = ""


@dataclass(frozen=True)
class Story:
    """A ticket from filing to where the demo leaves it.

    `days_ago` and `at` (local time of the workspace) place its filing; a weekend day moves
    to the Friday before unless the ticket is severity A. `filed_by` names the staff member
    who took it on the phone; otherwise the requester files through the portal (if they have
    a login) or by e-mail.
    """

    key: str
    customer: str
    requester: str
    subject: str
    description: str
    service: str
    category: str
    severity: str
    days_ago: int
    at: str
    steps: tuple[Step, ...] = ()
    tags: tuple[str, ...] = ()
    channel: str = "email"
    filed_by: str = ""
    on_friday: bool = False


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


# How long after the previous step each kind of step usually comes.
_SOON = timedelta(minutes=1)
_REPLY = timedelta(minutes=40)
_NOTE = timedelta(minutes=5)
_ANSWER = timedelta(hours=2)
_ASSIGN = timedelta(minutes=8)
_CHANGE = timedelta(minutes=2)
_MERGE = timedelta(minutes=15)
_NEXT_DAY = timedelta(days=1)


def reply(by: str, text: str, after: timedelta = _REPLY) -> Step:
    return Step("reply", after, by=by, text=text)


def note(by: str, text: str, after: timedelta = _NOTE) -> Step:
    return Step("note", after, by=by, text=text)


def answer(text: str, after: timedelta = _ANSWER) -> Step:
    return Step("answer", after, text=text)


def status(by: str, value: str, after: timedelta = _SOON) -> Step:
    return Step("status", after, by=by, value=value)


def assign(by: str, to: str, after: timedelta = _ASSIGN) -> Step:
    return Step("assign", after, by=by, value=to)


def severity(by: str, value: str, after: timedelta = _CHANGE) -> Step:
    return Step("severity", after, by=by, value=value)


def tag(by: str, *names: str, after: timedelta = _SOON) -> Step:
    return Step("tag", after, by=by, value=",".join(names))


def close(after: timedelta = _NEXT_DAY) -> Step:
    return Step("close", after)


def merge(by: str, into: str, after: timedelta = _MERGE) -> Step:
    return Step("merge", after, by=by, value=into)
