"""A private Dovecot IMAP server for the tests, and a tiny OAuth server beside it.

    from tests.support.dovecot import dovecot  # noqa: F401  (the session fixture)

    def test_x(dovecot: Dovecot) -> None:
        user, password = dovecot.new_user()
        uid = dovecot.append(user, raw_bytes)
        ...

Debian's dovecot-imapd (/usr/sbin/dovecot) runs in the foreground with its own configuration
in a temporary directory: 127.0.0.1 only, free ports, users in a passwd-file, maildirs under
the directory, a self-signed certificate for IMAPS and STARTTLS (the CA file the client
trusts is `dovecot.ca_file`), and the XOAUTH2 mechanism checked by Dovecot's oauth2 passdb
against the introspection endpoint of `OAuthServer`, which also issues tokens with the
client-credentials grant. Its log is `dovecot.log_path`; a failing test shows it.

When Dovecot is missing, it is installed as root (`apt-get install dovecot-imapd`, without
starting the system's service: the package's own ports are not ours); otherwise the tests fail
with the command to run.
"""

from __future__ import annotations

import datetime as dt
import getpass
import grp
import itertools
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
DOVEADM = Path("/usr/bin/doveadm")
INSTALL = "apt-get update && apt-get install -y --no-install-recommends dovecot-imapd"
HOST = "127.0.0.1"
SPARE_USERS = 300

_users = itertools.count(1)


def ensure_dovecot() -> None:
    """Install Debian's dovecot-imapd when missing (as root), or fail saying how."""
    if DOVECOT.exists():
        return
    if os.geteuid() != 0:
        pytest.fail(
            f"The IMAP tests need Debian's Dovecot at {DOVECOT}. As root, run:\n  {INSTALL}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"}
    # A container's policy-rc.d (exit 101) keeps the package from starting the system
    # service; where there is none, the service is stopped again below.
    subprocess.run(["apt-get", "update"], check=False, env=env, capture_output=True)
    result = subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "dovecot-imapd"],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not DOVECOT.exists():
        pytest.fail(f"Installing dovecot-imapd failed:\n{result.stdout[-2000:]}{result.stderr}")
    for stop in (["systemctl", "stop", "dovecot"], ["service", "dovecot", "stop"]):
        if shutil.which(stop[0]):
            subprocess.run(stop, check=False, capture_output=True)
            break


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, signed by itself (so it is its own CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Partnerdesk test IMAP")])
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


# --- the OAuth server ----------------------------------------------------------------------------


class OAuthServer:
    """Issues access tokens (client-credentials grant, as Entra ID's v2.0 endpoint answers)
    and tells Dovecot whose a token is (RFC 7662 introspection)."""

    def __init__(self) -> None:
        self.clients: dict[str, tuple[str, str]] = {}  # client id -> (secret, mailbox user)
        self.tokens: dict[str, str] = {}  # token -> mailbox user
        self.token_requests: list[dict[str, str]] = []
        self.introspections = 0
        self.lifetime = 3600
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path.startswith("/token"):
                    status, body = server.issue(form)
                elif self.path.startswith("/introspect"):
                    status, body = server.introspect(form)
                else:
                    status, body = 404, {"error": "not_found"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def token_url(self) -> str:
        return f"http://{HOST}:{self.port}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://{HOST}:{self.port}/introspect"

    def add_client(self, user: str) -> tuple[str, str]:
        """A client allowed into `user`'s mailbox: (client id, client secret)."""
        client_id = f"client-{secrets.token_hex(6)}"
        secret = secrets.token_urlsafe(24)
        self.clients[client_id] = (secret, user)
        return client_id, secret

    def issue(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        known = self.clients.get(form.get("client_id", ""))
        if known is None or known[0] != form.get("client_secret"):
            return 401, {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace",
            }
        token = secrets.token_urlsafe(32)
        self.tokens[token] = known[1]
        return 200, {"token_type": "Bearer", "expires_in": self.lifetime, "access_token": token}

    def introspect(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.introspections += 1
        user = self.tokens.get(form.get("token", ""))
        return 200, ({"active": True, "username": user} if user else {"active": False})

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- Dovecot -------------------------------------------------------------------------------------


def _accounts() -> dict[str, str]:
    """Who Dovecot's processes run as: its own users when we are root, else us."""
    if os.geteuid() == 0:
        return {
            "internal": "dovecot",
            "internal_group": "dovecot",
            "login": "dovenull",
            "mail_uid": "nobody",
            "mail_gid": grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name,
        }
    me = getpass.getuser()
    group = grp.getgrgid(os.getgid()).gr_name
    return {
        "internal": me,
        "internal_group": group,
        "login": me,
        "mail_uid": me,
        "mail_gid": group,
    }


CONFIG = """\
# Written by tests/support/dovecot.py for one test session.
base_dir = {root}/run
state_dir = {root}/state
instance_name = partnerdesk-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
shutdown_clients = yes
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = {first_uid}
first_valid_gid = 0
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_verbose = yes
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
mail_fsync = never
service imap-login {{
  {chroot}
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {ssl_port}
    ssl = yes
  }}
}}
service imap {{
  process_limit = 64
}}
# No sign-in penalty: tests fail sign-ins on purpose and must not slow down the next ones.
service anvil {{
  {chroot}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
"""

OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
"""

# Without root there is no chroot.
NON_ROOT = "chroot ="


class Dovecot:
    """One running Dovecot; users are made per test so tests do not see each other's mail."""

    def __init__(self, root: Path, oauth: OAuthServer) -> None:
        self.root = root
        self.oauth = oauth
        self.host = HOST
        self.port = free_port()
        self.ssl_port = free_port()
        self.log_path = root / "dovecot.log"
        self.config_path = root / "dovecot.conf"
        self.users_path = root / "users"
        self.passwords: dict[str, str] = {}
        self._spare: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None
        cert, _key = self_signed_certificate(root)
        self.ca_file = cert

    # -- lifecycle --

    def start(self) -> None:
        accounts = _accounts()
        for sub in ("mail", "home"):
            (self.root / sub).mkdir(mode=0o755)
            if os.geteuid() == 0:
                os.chown(self.root / sub, pwd.getpwnam(accounts["mail_uid"]).pw_uid, -1)
        # Users made up front: Dovecot re-reads the passwd-file at most once a second.
        for _ in range(SPARE_USERS):
            self.passwords[f"desk{next(_users)}-{secrets.token_hex(3)}"] = secrets.token_urlsafe(12)
        self._spare = sorted(self.passwords, reverse=True)
        self._write_users()
        (self.root / "oauth2.conf").write_text(
            OAUTH2_CONFIG.format(url=self.oauth.introspection_url)
        )
        self.config_path.write_text(
            CONFIG.format(
                root=self.root,
                host=self.host,
                port=self.port,
                ssl_port=self.ssl_port,
                first_uid=0 if os.geteuid() == 0 else os.getuid(),
                chroot="" if os.geteuid() == 0 else NON_ROOT,
                **accounts,
            )
        )
        self.process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(self.config_path)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "dovecot.stderr", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped at once:\n{self.diagnostics()}")
            if self._listening(self.port) and self._listening(self.ssl_port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not listen within 15 s:\n{self.diagnostics()}")

    def _listening(self, port: int) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def diagnostics(self) -> str:
        stderr = self.root / "dovecot.stderr"
        text = stderr.read_text(errors="replace") if stderr.exists() else ""
        return f"--- {self.log_path}\n{self.log()[-6000:]}\n--- stderr\n{text[-2000:]}"

    # -- users and mail --

    def _write_users(self) -> None:
        lines = "".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.passwords.items())
        staging = self.users_path.with_suffix(".new")
        staging.write_text(lines)
        staging.chmod(0o644)
        staging.replace(self.users_path)

    def new_user(self) -> tuple[str, str]:
        """A fresh mail user with an empty INBOX: (user name, password)."""
        if self._spare:
            user = self._spare.pop()
            return user, self.passwords[user]
        user = f"desk{next(_users)}-{secrets.token_hex(3)}"
        self.passwords[user] = secrets.token_urlsafe(12)
        self._write_users()
        # Dovecot looks at the passwd-file at most once a second: let that second pass.
        time.sleep(1.1)
        return user, self.passwords[user]

    def connect(self, user: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, self.passwords[user])
        return client

    def append(self, user: str, raw: bytes, *, folder: str = "INBOX") -> int:
        """Put a message into the user's folder; its UID."""
        client = self.connect(user)
        try:
            if folder != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
            answer = client.append(folder, raw)
        finally:
            client.logout()
        # "[APPENDUID <validity> <uid>] Append completed."
        text = answer.decode() if isinstance(answer, bytes) else str(answer)
        return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def messages(self, user: str, *, folder: str = "INBOX") -> dict[int, set[bytes]]:
        """UID -> flags of every message in the folder."""
        client = self.connect(user)
        try:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            found = client.fetch(uids, ["FLAGS"]) if uids else {}
            return {uid: set(data[b"FLAGS"]) for uid, data in found.items()}
        finally:
            client.logout()

    def uid_validity(self, user: str, *, folder: str = "INBOX") -> int:
        client = self.connect(user)
        try:
            return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])
        finally:
            client.logout()

    def change_uid_validity(self, user: str, value: int, *, folder: str = "INBOX") -> None:
        """What a rebuilt or restored mailbox looks like to a client."""
        subprocess.run(
            [
                str(DOVEADM),
                "-c",
                str(self.config_path),
                "mailbox",
                "update",
                "-u",
                user,
                "--uid-validity",
                str(value),
                folder,
            ],
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A Dovecot for the whole test session, stopped afterwards."""
    ensure_dovecot()
    root = Path(tempfile.mkdtemp(prefix="partnerdesk-dovecot-"))
    root.chmod(0o755)  # its processes run as other users and must reach the maildirs
    oauth = OAuthServer()
    server = Dovecot(root, oauth)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        oauth.stop()
        shutil.rmtree(root, ignore_errors=True)
