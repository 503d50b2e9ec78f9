"""A draw the rules refuse: bad proportion, empty frame, seed not matching its commitment, tampered inputs."""
from __future__ import annotations


class DrawError(ValueError):
    """Raised by the pure sampling code; the service maps it to a user error with `rule` as its code."""

    def __init__(self, message: str, field: str | None = None, rule: str = "R-AUD-2"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
