"""The exceptions the registry's rules raise.

Every layer above maps them to its own surface exactly once: the HTTP API to a
status code and a plain-text reason, the CLI to an exit code and a message.

    RegistryError
    ├── InvalidUpload         the upload breaks a rule (400)
    │   └── FileAlreadyExists a filename is taken by other bytes, or was deleted
    ├── InvalidRequest        a request or input file is malformed (400)
    ├── UploadTooLarge        the body is over the configured limit (413)
    ├── NotFound              nothing there, or nothing the caller may see (404)
    ├── Conflict              the request contradicts the stored state (409)
    ├── Unauthenticated       no or bad credentials (401)
    ├── Forbidden             credentials valid but not enough (403)
    └── TooManyAttempts       too many failed authentications from one address (429)
"""


class RegistryError(Exception):
    """Base of every error the registry reports to a client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidUpload(RegistryError):
    """An upload was refused because it breaks a rule; nothing was stored."""


class FileAlreadyExists(InvalidUpload):
    """The filename is already used by other bytes or by a deleted file.

    The message always contains ``File already exists``: twine's
    ``--skip-existing`` and uv's publish recognise the phrase.
    """


class InvalidRequest(RegistryError):
    """A request names something invalid, or an input file is malformed."""


class UploadTooLarge(RegistryError):
    """The request body is larger than the configured limit."""


class NotFound(RegistryError):
    """The thing asked for does not exist or the caller may not see it."""


class Conflict(RegistryError):
    """The request contradicts what is stored (for example, a name in use)."""


class Unauthenticated(RegistryError):
    """Credentials are missing, unknown, expired or revoked."""


class Forbidden(RegistryError):
    """Credentials are valid but do not grant what the request needs."""


class TooManyAttempts(RegistryError):
    """The caller's address failed to authenticate too often; it must wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
