"""``wxpay_table`` (bills, micropay steps) as Python lists of dicts.

A table crosses the boundary in one call, ``wxpay_table_packed``: the column
names and the cells, each buffer NUL-separated, with their counts.
"""

from __future__ import annotations

from ctypes import byref, c_size_t, c_void_p, string_at
from typing import Dict, List, Optional, Tuple

from . import _native
from ._native import broken_contract, raise_last

_lib = _native.lib
_packed = _lib.wxpay_table_packed
_free = _lib.wxpay_table_free


def _split(address: Optional[int], length: int, count: int, what: str) -> List[str]:
    if count == 0:
        return []
    if address is None:
        raise broken_contract(f"NULL {what} for a table with {count} of them")
    # Each item is followed by a NUL, so the split leaves one empty string at the end.
    parts = string_at(address, length).decode("utf-8").split("\0")
    if len(parts) != count + 1 or parts[-1] != "":
        raise broken_contract(f"{count} {what} packed as {len(parts) - 1}")
    return parts[:-1]


def read_table(handle: Optional[int]) -> Tuple[List[str], List[Dict[str, str]]]:
    """The column names and the rows (one dict per row) of a table the library owns (not freed here)."""
    if not handle:
        raise broken_contract("a NULL table with a success code")
    columns, columns_len, column_count = c_void_p(), c_size_t(), c_size_t()
    cells, cells_len, row_count = c_void_p(), c_size_t(), c_size_t()
    rc = _packed(
        handle,
        byref(columns),
        byref(columns_len),
        byref(column_count),
        byref(cells),
        byref(cells_len),
        byref(row_count),
    )
    if rc:
        raise_last(rc)
    ncols, nrows = column_count.value, row_count.value
    names = _split(columns.value, columns_len.value, ncols, "column names")
    values = _split(cells.value, cells_len.value, ncols * nrows, "cells")
    rows = [dict(zip(names, values[i * ncols : (i + 1) * ncols])) for i in range(nrows)]
    return names, rows


def take_table(handle: Optional[int]) -> Tuple[List[str], List[Dict[str, str]]]:
    """Like ``read_table``, then frees the table, which the caller owned."""
    try:
        return read_table(handle)
    finally:
        _free(handle)
