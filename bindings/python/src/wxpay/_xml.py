"""Strict WeChat XML: ``parse_xml`` and ``build_xml``."""

from __future__ import annotations

import ctypes
from typing import Dict, Mapping, Optional, Union

from . import _native
from ._native import broken_contract, max_size_arg, pack, raise_last, take_fields, text_bytes

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
