"""A local RFC 3161 time-stamping authority: OpenSSL's own ``openssl ts -reply`` behind HTTP.

Evidence checkpoints can be time-stamped by a TSA named in configuration (``[timestamping]``). The
machines this runs on reach no public TSA, so tests and the sandbox use this one: a real TSA (OpenSSL
builds and signs every response), with its own RSA key and a certificate whose extended key usage is
critical ``timeStamping``, as RFC 3161 requires.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["SandboxTsa", "sandbox_tsa"]

_CONFIG = """\
[ tsa ]
default_tsa = sandbox
[ sandbox ]
dir = {folder}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass(frozen=True)
class SandboxTsa:
    url: str
    certificate: Path  # PEM: what the bot's configuration names to check its tokens


def _certificate(folder: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sandbox TSA (motcua-rpa)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "tsa.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / "tsa.key").chmod(0o600)
    (folder / "tsa.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(_CONFIG.format(folder=folder))


def _handler(folder: Path, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Tsa(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415, "expects application/timestamp-query")
                return
            with lock, tempfile.TemporaryDirectory(dir=folder) as work:
                asked, reply_file = Path(work) / "query.tsq", Path(work) / "reply.tsr"
                asked.write_bytes(query)
                command = ["openssl", "ts", "-reply", "-config", str(folder / "tsa.cnf")]
                command += ["-queryfile", str(asked), "-out", str(reply_file)]
                done = subprocess.run(command, capture_output=True, timeout=30)
                if done.returncode != 0:  # a query OpenSSL cannot parse: a bad request
                    self.send_error(400, done.stderr.decode("utf-8", "replace")[-200:])
                    return
                reply = reply_file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    return Tsa


@contextmanager
def sandbox_tsa(folder: Path) -> Iterator[SandboxTsa]:
    """Serve a TSA on a free port of 127.0.0.1 with its key and certificate kept in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    if not (folder / "tsa.pem").exists():
        _certificate(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(folder, threading.Lock()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SandboxTsa(f"http://127.0.0.1:{server.server_address[1]}/tsa", folder / "tsa.pem")
    finally:
        server.shutdown()
        server.server_close()
