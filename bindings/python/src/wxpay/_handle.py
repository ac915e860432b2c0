"""The base for Python objects that own a native handle (the client, later).

A handle is freed exactly once, by whichever comes first: ``close()``, the end
of a ``with`` block, or garbage collection (``weakref.finalize`` also covers
interpreter exit). Using a closed object raises instead of passing a dangling
pointer to the library.
"""

from __future__ import annotations

import weakref
from types import TracebackType
from typing import Callable, Optional, Type, TypeVar

_Self = TypeVar("_Self", bound="Handle")


class Handle:
    def __init__(self, pointer: Optional[int], free: Callable[[int], None]) -> None:
        if not pointer:
            raise ValueError(f"{type(self).__name__}: the library returned a NULL handle")
        self._pointer = pointer
        # The finalizer must not reference self, or the object would never be collected.
        self._finalizer = weakref.finalize(self, free, pointer)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Frees the native object now; calling it again does nothing."""
        self._finalizer()

    def _handle(self) -> int:
        """The live pointer, for passing to the library."""
        if not self._finalizer.alive:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._pointer

    def __enter__(self: _Self) -> _Self:
        self._handle()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
