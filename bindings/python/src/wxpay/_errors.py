"""The exception hierarchy, built from the C library's result codes.

The classes are chosen by the code's hundreds group, not by the exact code,
so that a code the library adds later in a known group (say a new 3xx XML
refusal) still raises the right class without a wrapper release.
"""

from __future__ import annotations

import enum
from typing import Any, Dict, Mapping, Optional, Tuple, Type

__all__ = [
    "WxPayError",
    "InvalidInput",
    "SignatureError",
    "SignatureMissing",
    "XmlError",
    "CertificateError",
    "TransportError",
    "ProtocolError",
    "BusinessError",
    "Retry",
    "MissingField",
    "ConflictingField",
    "CertificateRequired",
    "CertificateExpired",
    "CertificatePermissions",
    "NotFound",
    "MerchantMismatch",
    "DecryptionError",
    "TlsError",
    "Timeout",
    "HttpStatusError",
    "InvalidResponse",
    "ClientClosed",
    "SignerClosed",
    "LibraryLoadError",
    "LibraryVersionMismatch",
    "error_class_for",
    "make_error",
]


class WxPayError(Exception):
    """A failure reported by the wxpay library.

    ``code`` is the numeric ``wxpay_result``, ``code_name`` its C name
    (e.g. ``"WXPAY_RESULT_XML_DOCTYPE"``), ``message`` the library's
    explanation (never containing the API key), and ``response`` the peer's
    whole response as a dict when the failure came with one, else ``None``.
    """

    def __init__(
        self,
        message: str,
        code: int = 0,
        code_name: str = "",
        response: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.code_name = code_name
        self.response: Optional[Dict[str, str]] = dict(response) if response is not None else None

    def __str__(self) -> str:
        if self.code_name:
            return f"{self.message} [{self.code_name}]"
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, code_name={self.code_name!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        # The default would call cls(message) and lose the code and response.
        return (type(self), (self.message, self.code, self.code_name, self.response))


class InvalidInput(WxPayError, ValueError):
    """An argument was refused (1xx): wrong type, bad key, NUL byte, bad field name, ..."""


class SignatureError(WxPayError):
    """A signature did not verify (2xx): mismatch, or ``sign_type`` disagreement."""


class SignatureMissing(SignatureError):
    """The message carries no ``sign`` field (``WXPAY_RESULT_SIGNATURE_MISSING``)."""


class MerchantMismatch(SignatureError):
    """A signed message meant for another merchant: its ``appid`` or ``mch_id`` is not the client's (204)."""


class DecryptionError(SignatureError):
    """Encrypted data (a refund notification's ``req_info``) is not ciphertext (211) or does not
    decrypt with the API key (210): a wrong key, or damaged data."""


class XmlError(WxPayError, ValueError):
    """An XML document was refused (3xx): malformed, DOCTYPE/entities, wrong shape, too large."""


class CertificateError(WxPayError):
    """A certificate, private key or TLS setup problem (4xx)."""


class TransportError(WxPayError):
    """The request did not reach WeChat Pay or no answer came back (5xx)."""


class ProtocolError(WxPayError):
    """WeChat Pay answered ``return_code=FAIL`` (6xx); ``return_msg`` says why."""

    @property
    def return_msg(self) -> Optional[str]:
        return self.response.get("return_msg") if self.response is not None else None


class Retry(enum.IntEnum):
    """What a business failure's ``err_code`` says about sending the request again.

    ``RETRYABLE``: WeChat's failure or an outcome not settled yet (``SYSTEMERROR``,
    ``USERPAYING`` from ``pay/micropay``, ...): query, or send the same request
    again later with the same merchant number, never a new one. ``FINAL``: it
    will not succeed as it is (``ORDERPAID``, ``NOTENOUGH``, ...). ``UNKNOWN``: a
    code the library does not list for the endpoint. The C ``WXPAY_RETRY_*``
    numbers; the table is the core's.
    """

    UNKNOWN = 0
    RETRYABLE = 1
    FINAL = 2


class BusinessError(WxPayError):
    """WeChat Pay answered ``result_code=FAIL`` (7xx) with ``err_code`` and ``err_code_des``.

    ``retry`` says what the ``err_code`` means for sending the request again.
    """

    retry: Retry = Retry.UNKNOWN

    @property
    def err_code(self) -> Optional[str]:
        return self.response.get("err_code") if self.response is not None else None

    @property
    def err_code_des(self) -> Optional[str]:
        return self.response.get("err_code_des") if self.response is not None else None


class MissingField(InvalidInput):
    """A field the endpoint requires is missing (110); found before any network I/O."""


class ConflictingField(InvalidInput):
    """A field disagrees with the client's configuration, or is the client's to compute (111)."""


class CertificateRequired(CertificateError):
    """The endpoint needs the merchant certificate and the client has none (403); nothing was sent."""


class CertificateExpired(CertificateError):
    """The merchant certificate has expired (406): certificate endpoints are refused before any
    network I/O, and a reload refuses an expired replacement."""


class CertificatePermissions(CertificateError):
    """A private key or ``.p12`` file is readable by group or others and ``strict_permissions`` is on (407)."""


class NotFound(InvalidInput, LookupError):
    """No such entry (109): an unknown merchant category code or name."""


class TlsError(CertificateError):
    """The TLS handshake failed (410): untrusted server certificate, client certificate refused, ..."""


class Timeout(TransportError, TimeoutError):
    """The connect or total timeout elapsed (501)."""


class HttpStatusError(TransportError):
    """The server answered with an HTTP status other than 200 (502)."""


class InvalidResponse(ProtocolError):
    """The response is neither a success nor a well-formed failure (601)."""


class ClientClosed(InvalidInput):
    """The ``Client`` was used after ``close()``, or in a child process
    forked after it was made (code 112, ``WXPAY_RESULT_CLIENT_FORKED``);
    no request was made."""


class SignerClosed(WxPayError, ValueError):
    """A ``Signer`` was used after ``close()``; nothing was signed or verified."""


class LibraryLoadError(ImportError):
    """The native library could not be found or loaded; the message lists where the loader looked."""


class LibraryVersionMismatch(LibraryLoadError):
    """The native library's ``wxpay_version()`` is not this wrapper's version."""


_SIGNATURE_MISSING = 200

_BY_GROUP: Dict[int, Type[WxPayError]] = {
    1: InvalidInput,
    2: SignatureError,
    3: XmlError,
    4: CertificateError,
    5: TransportError,
    6: ProtocolError,
    7: BusinessError,
}


# Codes with a class of their own; every other code gets its group's class.
_BY_CODE: Dict[int, Type[WxPayError]] = {
    110: MissingField,
    109: NotFound,
    111: ConflictingField,
    112: ClientClosed,
    _SIGNATURE_MISSING: SignatureMissing,
    204: MerchantMismatch,
    210: DecryptionError,
    211: DecryptionError,
    403: CertificateRequired,
    406: CertificateExpired,
    407: CertificatePermissions,
    410: TlsError,
    501: Timeout,
    502: HttpStatusError,
    601: InvalidResponse,
}


def error_class_for(code: int) -> Type[WxPayError]:
    """The exception class for a result code; unknown groups (9xx internal, ...) get the base class."""
    return _BY_CODE.get(code) or _BY_GROUP.get(code // 100, WxPayError)


def make_error(
    code: int,
    message: str,
    code_name: str,
    response: Optional[Mapping[str, str]] = None,
) -> WxPayError:
    return error_class_for(code)(message, code, code_name, response)
