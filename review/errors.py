"""The command line's own error: something it was given cannot be used (exit code 2)."""

from __future__ import annotations

from lib.errors import ReviewError


class UsageError(ReviewError):
    """A command was given something it cannot use (an option, a file, a dataset's name)."""
