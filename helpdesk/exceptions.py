"""The one domain exception, mapped once for views (messages) and the API (4xx)."""

from __future__ import annotations


class ApplicationError(Exception):
    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
