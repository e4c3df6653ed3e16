"""What every part of the meetings package shares: the error a user must put right."""

from __future__ import annotations


class MeetingError(ValueError):
    """Something the user must put right; the message says what, in words for a page.

    ``field``, when given, names the form field the message belongs to.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
