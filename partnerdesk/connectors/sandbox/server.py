"""Running the sandbox vendor: `partnerdesk sandbox-vendor [--bind] [--scenario]
[--clock-scale] [--state FILE]` (or `python -m partnerdesk.connectors.sandbox.server`)."""

from __future__ import annotations

import argparse
import copy
import os
import socketserver
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import SandboxApp
from .scenarios import SCENARIOS
from .state import DEFAULT_REFRESH_TOKEN, DEMO_CLIENT_ID, State


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        if os.environ.get("PARTNERDESK_SANDBOX_LOG"):
            super().log_message(format, *args)


def build_state(
    *, scenario: str = "morning-outage", scale: float = 1.0, state_file: str | None = None
) -> State:
    state = State(
        scenario=copy.deepcopy(SCENARIOS[scenario]),
        scale=scale,
        path=Path(state_file) if state_file else None,
    )
    state.load()
    state.seed(
        os.environ.get("PARTNERDESK_SANDBOX_REFRESH_TOKEN") or DEFAULT_REFRESH_TOKEN,
        client_id=DEMO_CLIENT_ID,
    )
    state.save()  # the scenario's start, so a restart continues its clock
    return state


def serve(host: str, port: int, state: State) -> WSGIServer:
    return make_server(
        host, port, SandboxApp(state), server_class=ThreadingServer, handler_class=QuietHandler
    )


def start_in_thread(state: State, host: str = "127.0.0.1") -> tuple[WSGIServer, str]:
    """A server on a free port in a daemon thread (tests); returns it and its base URL."""
    server = serve(host, 0, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_port}"


def parse_bind(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    return host or "127.0.0.1", int(port)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bind", default="127.0.0.1:8765")
    parser.add_argument("--scenario", default="morning-outage", choices=sorted(SCENARIOS))
    parser.add_argument("--clock-scale", type=float, default=1.0)
    parser.add_argument("--state", default=None, help="JSON file to keep issued tokens in")


def run(bind: str, scenario: str, clock_scale: float, state_file: str | None) -> None:
    host, port = parse_bind(bind)
    state = build_state(scenario=scenario, scale=clock_scale, state_file=state_file)
    server = serve(host, port, state)
    print(
        f"Sandbox vendor ({scenario}, clock x{clock_scale:g}) at http://{host}:{port}/",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="partnerdesk sandbox-vendor")
    add_arguments(parser)
    args = parser.parse_args(argv)
    run(args.bind, args.scenario, args.clock_scale, args.state)


if __name__ == "__main__":
    main()
