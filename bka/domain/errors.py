"""Errors the domain raises; views map them back onto forms."""


class DomainError(Exception):
    """A rule refused the operation; the message is shown to the user."""


class FieldError(DomainError):
    """A rule refused one field's value."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
