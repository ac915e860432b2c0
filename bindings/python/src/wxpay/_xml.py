"""Strict WeChat XML: ``parse_xml`` and ``build_xml``."""

from __future__ import annotations

import ctypes
from typing import Dict, List, Mapping, Optional, Union

from . import _native
from ._native import broken_contract, c_string_arg, max_size_arg, pack, raise_last, take_fields, text_bytes

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


def indexed(fields: Mapping[str, str], name: str) -> List[str]:
    """The values of WeChat's numbered fields ``name_0``, ``name_1``, ... in order of their number
    (a refund query's ``refund_fee_$n``, an order's ``coupon_id_$n``). For the second level give the
    first number in ``name``: ``indexed(r, "coupon_refund_fee_0")`` is refund 0's
    ``coupon_refund_fee_0_$m``.

    Raises ``InvalidInput`` rather than drop a value unseen: an empty ``name``, a number with a
    leading zero or of more than 9 digits, a missing number before the last.
    """
    c_name = c_string_arg(name, "name")
    packed, count = pack(fields)
    out = ctypes.c_void_p()
    rc = _lib.wxpay_fields_indexed(packed, len(packed), count, c_name, ctypes.byref(out))
    if rc:
        raise_last(rc)
    return list(take_fields(out.value).values())
