"""Reading the secret a client presents, however it sends it.

HTTP Basic (the token is the password; the user name may be ``__token__``,
a deploy token's user name, ``gitlab-ci-token`` or anything), a Bearer token,
or GitLab's ``Private-Token``, ``Job-Token`` and ``Deploy-Token`` headers.
"""

import base64
import binascii

from starlette.requests import HTTPConnection

from wheelkeep.domain.access import JOB_TOKEN_USERNAME
from wheelkeep.domain.errors import Unauthenticated
from wheelkeep.services.access import NO_CREDENTIALS, Credentials

# Header name, and the user name it implies: a ``Job-Token`` is a job token.
_SECRET_HEADERS = (
    ("private-token", None),
    ("job-token", JOB_TOKEN_USERNAME),
    ("deploy-token", None),
)


def presented_credentials(connection: HTTPConnection) -> Credentials:
    header = connection.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            return _basic(value.strip())
        if scheme.lower() == "bearer":
            return Credentials(secret=value.strip() or None)
        raise Unauthenticated("Unsupported Authorization scheme: use Basic or Bearer.")
    for name, username in _SECRET_HEADERS:
        if secret := connection.headers.get(name):
            return Credentials(secret=secret.strip(), username=username)
    return NO_CREDENTIALS


def _basic(encoded: str) -> Credentials:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("Malformed Basic credentials.") from None
    username, separator, password = decoded.partition(":")
    if not separator:
        raise Unauthenticated("Malformed Basic credentials: no password.")
    return Credentials(secret=password or None, username=username or None)
