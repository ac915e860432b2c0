"""Merchant certificates made at test time with the ``cryptography`` package.

Real X.509: a CA and merchant certificates signed by it, valid, expiring or
expired as a test needs, so the library judges real files rather than fixtures.
"""

import datetime
import os
from pathlib import Path
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DAY = datetime.timedelta(days=1)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class Authority:
    """A CA named like WeChat's merchant CA (``MmpaymchCA``), so ``issuer_kind`` reads ``wechatpay``."""

    def __init__(self, cn: str = "MmpaymchCA") -> None:
        self.key = new_key()
        self.cn = cn
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(_name(cn))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - DAY)
            .not_valid_after(now + 3650 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def merchant(
        self,
        cn: str,
        days_left: float,
        key: Optional[rsa.RSAPrivateKey] = None,
        serial: Optional[int] = None,
    ) -> "Merchant":
        """A certificate valid from a day ago until ``days_left`` days and an hour from now."""
        key = key or new_key()
        now = datetime.datetime.now(datetime.timezone.utc)
        not_after = now + datetime.timedelta(days=days_left, hours=1)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(serial or x509.random_serial_number())
            .not_valid_before(min(now - DAY, not_after - DAY))
            .not_valid_after(not_after)
            .sign(self.key, hashes.SHA256())
        )
        return Merchant(cert, key)


class Merchant:
    def __init__(self, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
        self.cert = cert
        self.key = key

    @property
    def serial_hex(self) -> str:
        n = self.cert.serial_number
        return n.to_bytes((n.bit_length() + 7) // 8 or 1, "big").hex().upper()

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def p12(self, password: str) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"apiclient", self.key, self.cert, None, serialization.BestAvailableEncryption(password.encode())
        )


def write(path: Path, data: bytes, mode: int = 0o600) -> Path:
    """Writes ``data`` as a deployment would: a new file with ``mode``, renamed over the old one."""
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return path
