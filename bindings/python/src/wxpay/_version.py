# Kept in its own module so setuptools can read it without loading the library.
__version__ = "0.2.0"
