"""A real SMTP server on loopback for the e-mail tests: aiosmtpd with STARTTLS and AUTH.

The server certificate is self-signed, made per test session with ``cryptography``; the client
trusts it through the tenant option ``smtp_ca_file``, so TLS is verified exactly as in
production (hostname included), only against a private CA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
USER = "bridge@example.dk"
PASSWORD = "s3cret-smtp-pass"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1/localhost and its key; return both paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Inbox:
    """What the server received, and how to reach it."""

    port: int
    ca_file: Path
    messages: list[Message] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients the server rejects

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        # handled=False makes the server answer 535 itself (True would leave the client hanging).
        return AuthResult(success=ok, handled=False)

    def options(self, **extra: str) -> dict[str, str]:
        """Tenant options that point the bridge at this server."""
        return {
            "smtp_host": HOST,
            "smtp_port": str(self.port),
            "smtp_user": USER,
            "smtp_from": USER,
            "smtp_ca_file": str(self.ca_file),
            **extra,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(folder: Path, *, starttls: bool = True) -> Iterator[Inbox]:
    """Run a loopback SMTP server (STARTTLS required, AUTH only over TLS) for the block."""
    cert, key = make_certificate(folder)
    inbox = Inbox(port=_free_port(), ca_file=cert)
    tls: ssl.SSLContext | None = None
    if starttls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
    controller = Controller(
        inbox,
        hostname=HOST,
        port=inbox.port,
        tls_context=tls,
        require_starttls=starttls,
        auth_require_tls=starttls,
        authenticator=inbox.authenticate,
        ready_timeout=5.0,
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
