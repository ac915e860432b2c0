"""wxpay: WeChat Pay API v2 for Python, over the wxpay native library.

Plain dicts of ``str`` go in and come out; every failure is a ``WxPayError``
subclass carrying the library's result code. See README.md.
"""

from ._client import Client
from ._endpoint import BodyKind, EndpointInfo, EndpointMatch, endpoint_info
from ._errors import (
    BusinessError,
    CertificateError,
    CertificateRequired,
    ClientClosed,
    ConflictingField,
    HttpStatusError,
    InvalidInput,
    InvalidResponse,
    LibraryLoadError,
    LibraryVersionMismatch,
    MissingField,
    ProtocolError,
    SignatureError,
    SignatureMissing,
    Timeout,
    TlsError,
    TransportError,
    WxPayError,
    XmlError,
)
from ._nonce import nonce
from ._sign import SignType, sign, verify, verify_xml
from ._version import __version__
from ._xml import build_xml, parse_xml

__all__ = [
    "__version__",
    "Client",
    "endpoint_info",
    "EndpointInfo",
    "EndpointMatch",
    "BodyKind",
    "SignType",
    "sign",
    "verify",
    "verify_xml",
    "parse_xml",
    "build_xml",
    "nonce",
    "WxPayError",
    "InvalidInput",
    "SignatureError",
    "SignatureMissing",
    "XmlError",
    "CertificateError",
    "TransportError",
    "ProtocolError",
    "BusinessError",
    "MissingField",
    "ConflictingField",
    "CertificateRequired",
    "TlsError",
    "Timeout",
    "HttpStatusError",
    "InvalidResponse",
    "ClientClosed",
    "LibraryLoadError",
    "LibraryVersionMismatch",
]

# Tracebacks and pickles name the public path (wxpay.XmlError), not the private module.
for _public in (
    Client,
    EndpointInfo,
    EndpointMatch,
    BodyKind,
    MissingField,
    ConflictingField,
    CertificateRequired,
    TlsError,
    Timeout,
    HttpStatusError,
    InvalidResponse,
    ClientClosed,
    SignType,
    WxPayError,
    InvalidInput,
    SignatureError,
    SignatureMissing,
    XmlError,
    CertificateError,
    TransportError,
    ProtocolError,
    BusinessError,
    LibraryLoadError,
    LibraryVersionMismatch,
):
    _public.__module__ = __name__
del _public
