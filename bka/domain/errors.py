"""Errors the domain raises; views map them back onto forms."""


class DomainError(Exception):
    """A rule refused the operation; the message is shown to the user."""


class FieldError(DomainError):
    """A rule refused one field's value."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Throttled(DomainError):
    """Too many failed attempts: refused without checking, for `wait` more seconds."""

    def __init__(self, wait: int):
        super().__init__(f"throttled for {wait} s")
        self.wait = wait
