"""One error family: each kind knows its exit code and HTTP status, so the CLI and the web app agree."""

from __future__ import annotations


class IetmError(Exception):
    """An error a user can act on; its message is one line, prefixed by the place it concerns."""

    exit_code = 3
    http_status = 400

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputError(IetmError):
    """A file that cannot be read as an S1000D object: malformed, hostile, too large, wrong kind."""

    exit_code = 3
    http_status = 422


class ConfigError(IetmError):
    """A setting, schema or trust store that is missing or wrong."""

    exit_code = 4
    http_status = 500


class NotFound(IetmError):
    """A code or path that names nothing in the CSDB."""

    exit_code = 5
    http_status = 404


class Refused(IetmError):
    """An operation the rules forbid: signing an in-work issue, overwriting an issue, a role's limit."""

    exit_code = 6
    http_status = 403
