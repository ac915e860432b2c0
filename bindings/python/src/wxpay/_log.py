"""Routes the library's log callback into the standard ``logging`` module.

The core builds every message from non-secret parts (path, host, timing,
outcome); this module only forwards them. The callback is called on the
thread making the request, with the GIL taken by ctypes.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any, Dict

from ._ffi import LOG_CALLBACK

LOGGER_NAME = "wxpay"

# WXPAY_LOG_LEVEL_* -> logging levels.
LEVELS: Dict[int, int] = {
    1: logging.ERROR,
    2: logging.WARNING,
    3: logging.INFO,
    4: logging.DEBUG,
}

# The library is asked for everything; the Python logger filters, so a level
# changed after the client was made takes effect at once.
NATIVE_MIN_LEVEL = 4


def make_callback(logger: logging.Logger) -> Any:
    """A ctypes callback object forwarding to ``logger``.

    The caller must keep the returned object alive for as long as a native
    client may call it: ctypes frees the trampoline with the object.
    """

    def on_log(user_data: Any, level: int, message: int, length: int) -> None:
        # An exception cannot cross the C boundary; ctypes would print and
        # drop it, so losing a log line quietly is the better failure.
        try:
            py_level = LEVELS.get(level, logging.WARNING)
            if logger.isEnabledFor(py_level):
                text = ctypes.string_at(message, length).decode("utf-8", "replace")
                logger.log(py_level, "%s", text)
        except Exception:
            pass

    return LOG_CALLBACK(on_log)
