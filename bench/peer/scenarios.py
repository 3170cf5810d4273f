"""The peer's scenarios: what a person does in django-helpdesk, as requests the runner times
(mixed into `PeerSide`, whose fields they read: the base URL, the signed-in cookies, the
manifest and the runner's counts)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import content  # noqa: E402
from load import Browser, Connection, Request, Scenario  # noqa: E402

# The DataTables request ticket_list.html makes for its first page: 25 rows in the library's
# default order (the first column, the id, ascending); draw/search as DataTables sends them.
DATATABLES_PARAMS = {
    "draw": "1",
    "order[0][column]": "0",
    "order[0][dir]": "asc",
    "start": "0",
    "length": "25",
    "search[value]": "",
    "search[regex]": "false",
}
QUEUE_DEPTH = 1_000  # rows before the deep page of the open queue
_DATATABLES_URL = re.compile(rb'"url": "(/datatables_ticket_list/[A-Za-z0-9+/=]*)"')


def log(message: str) -> None:
    print(f"[peer] {message}", file=sys.stderr, flush=True)


class PeerScenarios:
    """The scenario builders of `PeerSide` (bench/peer/side.py)."""

    def _sign_in(self, username: str) -> Browser:
        browser = Browser(self.base_url)
        status, headers, _body = browser.submit(
            "/login/", {"username": username, "password": self.manifest["password"]}
        )
        if status != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"signing in {username} failed: {status} {headers}")
        return browser

    def _check(self, name: str, requests: list[Request], *, expect: int = 200) -> list[bytes]:
        """Send each request once; fail unless it answers `expect` with no login form."""
        conn = Connection(self.base_url, timeout=200)
        bodies = []
        try:
            for request in requests:
                status, _headers, body = conn.send(request)
                if status != expect or b'name="password"' in body:
                    raise RuntimeError(
                        f"{name}: {request.method} {request.path} answered {status}: {body[:300]!r}"
                    )
                bodies.append(body)
        finally:
            conn.close()
        return bodies

    def scenarios(self) -> list[Scenario]:
        """Every scenario, each checked once first (status, no login form, rows where rows are
        due); one that fails its check is left out and named in `skipped` with the reason."""
        m = self.manifest
        agent = self._sign_in(m["agent"]["username"])
        contact = self._sign_in(m["contact"]["username"])
        self._as_agent, self._as_contact = agent.headers(), contact.headers()
        self._csrf = agent.cookies.get("csrftoken", "")
        self.skipped = {}
        out: list[Scenario] = []
        for build, names in (
            (self._queues, "queue_first, queue_deep"),
            (self._ticket_page, "ticket_page"),
            (self._customer_list, "customer_list"),
            (self._api_list, "api_list"),
            (self._home, "home"),
            (self._searches, "search_common, search_rare, search_none"),
            (self._create_api, "create_api"),  # writes last
        ):
            try:
                out += build()
            except RuntimeError as error:
                for name in names.split(", "):
                    self.skipped[name] = str(error)
                log(f"{names}: not measured: {error}")
        return out

    # The counts: the runner's `counts` (reads, read_seconds, writes, write_seconds, warmup),
    # else Partnerdesk's defaults, else tiny ones for the smoke run.

    def _reads(self) -> dict[str, Any]:
        c = self.counts
        if c is not None:
            return {"requests": c.reads, "max_seconds": c.read_seconds, "warmup": c.warmup}
        if self.quick:
            return {"requests": 3, "max_seconds": 10.0, "warmup": 1}
        return {"requests": 100, "max_seconds": 20.0, "warmup": 3}

    def _writes(self) -> dict[str, Any]:
        c = self.counts
        if c is not None:
            return {"requests": c.writes, "max_seconds": c.write_seconds, "warmup": c.warmup}
        if self.quick:
            return {"requests": 16, "max_seconds": 10.0, "warmup": 1}
        return {"requests": 400, "max_seconds": 30.0, "warmup": 3}

    def _get(self, path: str, *, as_contact: bool = False) -> Request:
        return Request("GET", path, self._as_contact if as_contact else self._as_agent)

    def _rows(self, query_path: str, start: int = 0) -> Request:
        return self._get(f"{query_path}?{urlencode({**DATATABLES_PARAMS, 'start': str(start)})}")

    def _rows_of(self, page_path: str, name: str) -> tuple[str, dict[str, Any]]:
        """The ticket list page's own DataTables URL, and its first 25 rows (checked)."""
        (page,) = self._check(name, [self._get(page_path)])
        found = _DATATABLES_URL.search(page)
        if not found:
            raise RuntimeError(f"no DataTables URL in {page_path}")
        query_path = found.group(1).decode()
        first = json.loads(self._check(name, [self._rows(query_path)])[0])
        return query_path, first

    def _queues(self) -> list[Scenario]:
        queue_page = "/tickets/?status=1&status=2"  # Open and Reopened, as the list offers
        query_path, first = self._rows_of(queue_page, "queue_first")
        if not first["data"]:
            raise RuntimeError("the open queue is empty")
        open_count = int(first["recordsFiltered"])
        deep = max(0, min(QUEUE_DEPTH, open_count - 25))
        if not json.loads(self._check("queue_deep", [self._rows(query_path, deep)])[0])["data"]:
            raise RuntimeError(f"no rows at {deep}")
        shell, rows, deep_rows = (
            self._get(queue_page),
            self._rows(query_path),
            self._rows(query_path, deep),
        )
        return [
            Scenario(
                "queue_first",
                lambda i: [shell, rows],
                note=(
                    "2 requests timed as one: the list page /tickets/?status=1&status=2, then "
                    "its DataTables JSON (25 rows, DataTables' default order: id ascending)"
                ),
                **self._reads(),
            ),
            Scenario(
                "queue_deep",
                lambda i: deep_rows,
                note=(
                    f"the DataTables JSON alone (paging fetches no page), start={deep}"
                    + ("" if deep == QUEUE_DEPTH else f": the last page of {open_count} open")
                ),
                **self._reads(),
            ),
        ]

    def _ticket_page(self) -> list[Scenario]:
        ids: list[int] = self.manifest["ticket_ids"]
        (body,) = self._check("ticket_page", [self._get(f"/tickets/{ids[0]}/")])
        if f"/tickets/{ids[0]}/update/".encode() not in body:
            raise RuntimeError("the ticket page has no update form")
        return [
            Scenario(
                "ticket_page",
                lambda i: self._get(f"/tickets/{ids[i % len(ids)]}/"),
                note=f"/tickets/<id>/, {len(ids)} tickets with 2+ messages in turn",
                **self._reads(),
            )
        ]

    def _customer_list(self) -> list[Scenario]:
        steps = [
            self._get("/tickets/my-tickets/", as_contact=True),
            self._get("/api/user_tickets/?page=1", as_contact=True),
        ]
        _page, listing = self._check("customer_list", steps)
        if not json.loads(listing)["results"]:
            raise RuntimeError("the contact has no tickets")
        return [
            Scenario(
                "customer_list",
                lambda i: steps,
                note=(
                    "2 requests timed as one: /tickets/my-tickets/ then /api/user_tickets/ "
                    "(25 rows, newest first, closed ones too: the page hides them in the "
                    "browser), signed in as the contact; the peer has no customers, so a "
                    "person sees the tickets filed with their own address only"
                ),
                **self._reads(),
            )
        ]

    def _api_list(self) -> list[Scenario]:
        # Session cookie as for the pages: DRF's other default, HTTP basic, would hash the
        # password (PBKDF2) on every request. The follow-up list checks the agent's access to
        # the API: /api/tickets/ is too slow to spend a request on (and so is a ticket's
        # detail, which runs the same queryset); each measured request must answer 200.
        (body,) = self._check("api_list", [self._get("/api/followups/?page_size=1")])
        if not json.loads(body).get("results"):
            raise RuntimeError("the API lists no follow-ups")
        listing = self._get("/api/tickets/")
        return [
            Scenario(
                "api_list",
                lambda i: listing,
                requests=2,
                warmup=0,
                max_seconds=150,
                timeout=150,
                note=(
                    "/api/tickets/ (25 rows a page): 2 requests, no warm-up, 150 s timeout; "
                    "its queryset loads every ticket (custom fields) before it pages"
                ),
            )
        ]

    def _home(self) -> list[Scenario]:
        (body,) = self._check("home", [self._get("/dashboard/")])
        if b'id="unassigned-table"' not in body:
            raise RuntimeError("the dashboard has no unassigned tickets table")
        home = self._get("/dashboard/")
        return [
            Scenario(
                "home",
                lambda i: home,
                note="/dashboard/ (own, unassigned and resolved tickets; age statistics)",
                **self._reads(),
            )
        ]

    def _searches(self) -> list[Scenario]:
        out: list[Scenario] = []
        words: dict[str, str] = self.manifest["words"]
        for key in ("common", "rare", "none"):
            name, word = f"search_{key}", words[key]
            page_path = f"/tickets/?q={quote(word)}"
            query_path, first = self._rows_of(page_path, name)
            hits = int(first["recordsFiltered"])
            rare_expected = self.manifest["tickets"] > content.RARE_EVERY // 2
            if (key == "none" and hits) or (key == "common" and not hits):
                raise RuntimeError(f"{hits} tickets found for {word!r}")
            if key == "rare" and rare_expected and not hits:
                raise RuntimeError(f"no ticket found for {word!r}")
            shell, rows = self._get(page_path), self._rows(query_path)
            out.append(
                Scenario(
                    name,
                    lambda i, shell=shell, rows=rows: [shell, rows],
                    note=(
                        f"2 requests timed as one: /tickets/?q={word}, then its DataTables "
                        f"JSON (25 of {hits} tickets; icontains on ten columns)"
                    ),
                    **self._reads(),
                )
            )
        return out

    def _create_api(self) -> list[Scenario]:
        size = int(self.manifest["tickets"])
        queues: dict[str, int] = self.manifest["queues"]
        customers = content.customers()
        headers = {
            **self._as_agent,
            "Content-Type": "application/json",
            "X-CSRFToken": self._csrf,
        }

        def create(i: int) -> Request:
            # The bodies Partnerdesk's side posts: tickets past the end of the stream.
            spec = content.ticket(size + 10 + abs(i), size)
            requester = content.contacts(customers[spec.customer])[spec.requester]
            payload = {
                "queue": queues[spec.category],
                "title": spec.subject[:200],
                "description": spec.description,
                "submitter_email": requester.email,
                "priority": {"A": 1, "B": 2, "C": 4}[spec.severity],
            }
            return Request("POST", "/api/tickets/", headers, json.dumps(payload).encode())

        (body,) = self._check("create_api", [create(-1000)], expect=201)
        if "id" not in json.loads(body):
            raise RuntimeError("no id in the created ticket")
        return [
            Scenario(
                "create_api",
                create,
                concurrency=8,
                expect=(201,),
                note=(
                    "POST /api/tickets/ (session cookie + CSRF header), 8 at once: the ticket, "
                    "its 'Ticket Opened' follow-up, its notification mails rendered inside the "
                    "request (dummy backend: none sent)"
                ),
                **self._writes(),
            )
        ]
