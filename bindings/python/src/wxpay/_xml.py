"""Strict WeChat XML: ``parse_xml`` and ``build_xml``."""

from __future__ import annotations

import ctypes
from typing import Dict, List, Mapping, Optional, Union

from . import _native
from ._native import broken_contract, invalid, max_size_arg, pack, raise_last, take_fields, text_bytes

_lib = _native.lib
_xml_parse = _lib.wxpay_xml_parse
_xml_build = _lib.wxpay_xml_build
_string_free = _lib.wxpay_string_free


def parse_xml(xml: Union[bytes, str], max_size: Optional[int] = None) -> Dict[str, str]:
    """Parses a flat ``<xml>`` document into a dict, in document order.

    Text, CDATA and the five predefined entities are accepted. DOCTYPE and
    entity declarations (XXE, billion laughs), other entities, another root,
    nested elements, repeated fields, non-UTF-8 bytes and documents over
    ``max_size`` bytes (``None``: the library's default, 1 MiB) raise
    ``XmlError``. A ``str`` is parsed as its UTF-8 encoding.
    """
    doc = text_bytes(xml, "xml")
    limit = max_size_arg(max_size)
    handle = ctypes.c_void_p()
    rc = _xml_parse(doc, len(doc), limit, ctypes.byref(handle))
    if rc:
        raise_last(rc)
    return take_fields(handle.value)


def build_xml(fields: Mapping[str, str]) -> str:
    """``<xml><name><![CDATA[value]]></name>...</xml>`` in the dict's order.

    Values round-trip through ``parse_xml`` unchanged (``]]>`` and carriage
    returns included). Names must be ASCII XML names and values free of
    characters XML cannot carry, else ``InvalidInput``.
    """
    packed, count = pack(fields)
    out = ctypes.c_void_p()
    out_len = ctypes.c_size_t()
    rc = _xml_build(packed, len(packed), count, ctypes.byref(out), ctypes.byref(out_len))
    if rc:
        raise_last(rc)
    try:
        if out.value is None:
            raise broken_contract("a NULL string with a success code")
        return ctypes.string_at(out.value, out_len.value).decode("utf-8")
    finally:
        _string_free(out)


# The most digits a field number may have (WeChat's lists hold tens of entries; the same bound in every wrapper).
MAX_INDEX_DIGITS = 9


def indexed(fields: Mapping[str, str], name: str) -> List[str]:
    """The values of WeChat's numbered fields ``name_0``, ``name_1``, ... in order of their number
    (a refund query's ``refund_fee_$n``, an order's ``coupon_id_$n``). For the second level give the
    first number in ``name``: ``indexed(r, "coupon_refund_fee_0")`` is refund 0's
    ``coupon_refund_fee_0_$m``.

    Raises ``InvalidInput`` rather than drop a value unseen: an empty ``name``, a number with a
    leading zero or of more than 9 digits, a missing number before the last.
    """
    if not isinstance(name, str) or not name:
        raise invalid("indexed fields: the name is empty")
    prefix = name + "_"
    numbered = []
    for key, value in fields.items():
        digits = key[len(prefix):] if key.startswith(prefix) else ""
        if not (digits.isascii() and digits.isdigit()):
            continue
        if len(digits) > MAX_INDEX_DIGITS or (digits != "0" and digits.startswith("0")):
            raise invalid(f"indexed fields: `{key[:64]}` is not a field number WeChat writes")
        numbered.append((int(digits), value))
    numbered.sort()
    for at, (number, _) in enumerate(numbered):
        if at != number:
            raise invalid(f"indexed fields: `{name[:64]}_{at}` is missing before a higher number")
    return [value for _, value in numbered]
