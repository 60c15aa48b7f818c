"""Build the compiled page walk, ``cleaner.page.walk_compiled``; everything else is in pyproject.toml.

The extension is optional: where Cython, lxml's headers or a C compiler are missing, the
install goes on without it and cleaner runs its pure-Python walk (same blocks, slower),
saying so once when it starts.
"""

from __future__ import annotations

import sys

from setuptools import setup


def compiled_walk() -> list:
    """The extension to build, or none (with a message saying why) when it cannot be prepared."""
    try:
        import lxml
        from Cython.Build import cythonize
        from setuptools import Extension

        sources = [
            Extension(
                "cleaner.page.walk_compiled",
                ["cleaner/page/walk_compiled.pyx"],
                include_dirs=lxml.get_include(),  # lxml's .pxd files and libxml2's headers
            ),
            Extension("cleaner.page.text_counts", ["cleaner/page/text_counts.pyx"]),
        ]
        extensions = cythonize(sources, language_level=3, quiet=True)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the pure-Python path
        print(f"warning: cleaner's compiled page walk is not built ({exc}); the pure-Python one runs", file=sys.stderr)
        return []
    for built in extensions:  # set here: cythonize does not carry it over from the template
        built.optional = True  # a compiler failure is a warning: the pure-Python walk stays
    return extensions


setup(ext_modules=compiled_walk())
