"""Errors of the organisation's rules (identity proof)."""


class IdentityError(Exception):
    """A request the identity rules refuse; `message` is Chinese and shown to the user."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, *, field: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
