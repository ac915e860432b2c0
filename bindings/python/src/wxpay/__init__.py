"""wxpay: WeChat Pay API v2 for Python, over the wxpay native library.

Plain dicts of ``str`` go in and come out; every failure is a ``WxPayError``
subclass carrying the library's result code. See README.md.
"""

from ._errors import (
    BusinessError,
    CertificateError,
    InvalidInput,
    LibraryLoadError,
    LibraryVersionMismatch,
    ProtocolError,
    SignatureError,
    SignatureMissing,
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
    "LibraryLoadError",
    "LibraryVersionMismatch",
]

# Tracebacks and pickles name the public path (wxpay.XmlError), not the private module.
for _public in (
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
