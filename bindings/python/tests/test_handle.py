"""The owned-handle base, exercised with a real native object (wxpay_fields)."""

import gc
import os

import pytest

from wxpay import _native
from wxpay._handle import Handle

lib = _native.lib


class Fields(Handle):
    def __init__(self) -> None:
        super().__init__(lib.wxpay_fields_new(), self.record_free)

    frees = []

    @staticmethod
    def record_free(pointer):
        Fields.frees.append(pointer)
        lib.wxpay_fields_free(pointer)

    def set(self, name: str, value: str) -> None:
        rc = lib.wxpay_fields_set(self._handle(), name.encode(), value.encode())
        if rc:
            _native.raise_last(rc)

    def read(self):
        return _native.read_fields(self._handle())


def test_close_frees_once_and_blocks_further_use():
    Fields.frees.clear()
    f = Fields()
    f.set("a", "1")
    assert f.read() == {"a": "1"} and not f.closed
    f.close()
    f.close()
    assert f.closed and len(Fields.frees) == 1
    with pytest.raises(ValueError, match="closed"):
        f.read()


def test_with_block_frees_on_exit_even_on_error():
    Fields.frees.clear()
    with pytest.raises(RuntimeError):
        with Fields() as f:
            f.set("a", "1")
            raise RuntimeError("boom")
    assert f.closed and len(Fields.frees) == 1
    with pytest.raises(ValueError):
        with f:
            pass


def test_garbage_collection_frees():
    Fields.frees.clear()
    f = Fields()
    pointer = f._handle()
    del f
    gc.collect()
    assert Fields.frees == [pointer]


def test_null_pointer_is_refused():
    with pytest.raises(ValueError, match="NULL"):
        Handle(None, lambda p: None)


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")
def test_dropped_handles_do_not_leak():
    from test_memory import assert_flat

    def step(i):
        f = Fields()
        f.set("k", "v" * 100)
        if i % 2:
            f.close()
        Fields.frees.clear()

    assert_flat(step, total=40_000, warmup=5_000)
