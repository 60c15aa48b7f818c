"""Build the compiled parts: the page walk, the text counts and the trees.

(``cleaner.page.walk_compiled``, ``cleaner.page.text_counts``, ``cleaner.extractors.trees_compiled``;
everything else is in pyproject.toml.) The extensions are optional: where Cython, lxml's
headers or a C compiler are missing, the install goes on without them and cleaner runs its
pure-Python paths (same blocks, features and scores, slower), saying so once when it starts.
"""

from __future__ import annotations

import sys

from setuptools import setup


def compiled_walk() -> list:
    """The extensions to build, or none (with a message saying why) when they cannot be prepared."""
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
            Extension("cleaner.extractors.trees_compiled", ["cleaner/extractors/trees_compiled.pyx"]),
        ]
        extensions = cythonize(sources, language_level=3, quiet=True)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the pure-Python path
        print(f"warning: cleaner's compiled parts are not built ({exc}); the pure-Python ones run", file=sys.stderr)
        return []
    for built in extensions:  # set here: cythonize does not carry it over from the template
        built.optional = True  # a compiler failure is a warning: the pure-Python paths stay
    return extensions


setup(ext_modules=compiled_walk())
