"""Certificates made at start, so the emulator can serve ``wss://`` (the official SDK dials it).

A throw-away certificate authority signs one server certificate for the bound host (plus
``localhost`` and ``127.0.0.1``); the CA certificate is written to a file clients trust
(``SSL_CERT_FILE`` or an :class:`ssl.SSLContext`). Needs the ``cryptography`` package, which
google-genai already installs (through google-auth); otherwise ``pip install
'gemlive_nb[tls]'``. Example::

    certs = make_certificates("127.0.0.1")
    server_ctx = certs.server_context()       # for the listening socket
    client_ctx = certs.client_context()       # trusts only this CA
    certs.ca_file                              # PEM path, e.g. for SSL_CERT_FILE
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass

from ..exceptions import ConfigError

__all__ = ["Certificates", "make_certificates"]


@dataclass(frozen=True)
class Certificates:
    """The CA file clients trust and the server's certificate chain and key files."""

    ca_file: str
    cert_file: str
    key_file: str
    temporary: bool = False  # the files are in a folder made for them: remove() deletes it

    def remove(self) -> None:
        """Delete the temporary folder with the server key (nothing for a caller's folder)."""
        if self.temporary:
            shutil.rmtree(os.path.dirname(self.key_file), ignore_errors=True)

    def server_context(self) -> ssl.SSLContext:
        """A TLS server context presenting the emulator's certificate."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this emulator's CA (and nothing else)."""
        return ssl.create_default_context(cafile=self.ca_file)


_CA_KEY_USAGE = dict.fromkeys(
    "digital_signature content_commitment key_encipherment data_encipherment key_agreement "
    "key_cert_sign crl_sign encipher_only decipher_only".split(),
    False,
) | {"digital_signature": True, "key_cert_sign": True, "crl_sign": True}


def _names(host: str) -> list[object]:
    from cryptography import x509

    names: list[object] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            names.append(x509.DNSName(host))
    else:
        if str(ip) != "127.0.0.1":
            names.append(x509.IPAddress(ip))
    return names


def make_certificates(host: str, directory: str | None = None) -> Certificates:
    """A fresh CA and a server certificate for ``host``, written as PEM files.

    They go in ``directory`` (a new private temporary directory by default).
    """
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        raise ConfigError(
            "tls=True needs the 'cryptography' package (google-genai installs it): "
            "pip install 'gemlive_nb[tls]'"
        ) from None
    temporary = directory is None
    directory = directory or tempfile.mkdtemp(prefix="gemlive-emulator-tls-")  # 0700
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=30)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gemlive emulator test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(**_CA_KEY_USAGE),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(_names(host)), critical=False)  # type: ignore[arg-type]
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files = Certificates(
        ca_file=os.path.join(directory, "ca.pem"),
        cert_file=os.path.join(directory, "server.pem"),
        key_file=os.path.join(directory, "server-key.pem"),
        temporary=temporary,
    )
    with open(files.ca_file, "wb") as f:
        f.write(ca_cert.public_bytes(pem))
    with open(files.cert_file, "wb") as f:
        f.write(cert.public_bytes(pem))
    fd = os.open(files.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
    return files
