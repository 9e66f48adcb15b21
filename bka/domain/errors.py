"""Errors the domain raises; views map them back onto forms."""


class DomainError(Exception):
    """A rule refused the operation; the message is shown to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class FieldError(DomainError):
    """A rule refused one field's value."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


class Throttled(DomainError):
    """Too many failed attempts: refused without checking, for `wait` more seconds."""

    def __init__(self, wait: int):
        super().__init__(f"throttled for {wait} s")
        self.wait = wait
