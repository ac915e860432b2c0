"""The optional C accelerator; everything else is declared in pyproject.toml.

``wxpay._speedups`` is built when a C compiler and the interpreter's headers
are there, on CPython with the GIL. ``optional=True`` turns a failed build into
a warning, so ``pip install`` still succeeds and the package runs on its
ctypes path alone (see the README, "Optional accelerator").
"""

import platform
import sysconfig

from setuptools import Extension, setup


def speedups():
    if platform.python_implementation() != "CPython" or sysconfig.get_config_var("Py_GIL_DISABLED"):
        return []
    return [Extension("wxpay._speedups", ["src/wxpay/_speedups.c"], optional=True)]


setup(ext_modules=speedups())
