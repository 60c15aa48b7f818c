"""Error types. Each message says what to do about it; each type carries an exit code."""

from __future__ import annotations


class CleanerError(Exception):
    """Base of cleaner's errors; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class UsageError(CleanerError):
    """The user asked for something that cannot be done as asked (bad option, missing path)."""

    exit_code = 2


class InputError(CleanerError):
    """An input file or record cannot be read or decoded; the batch goes on without it."""

    exit_code = 1
