"""Reading the secret a client presents, however it sends it.

HTTP Basic (the token is the password; the user name may be ``__token__``,
a deploy token's user name, ``gitlab-ci-token`` or anything), a Bearer token,
or GitLab's ``Private-Token``, ``Job-Token`` and ``Deploy-Token`` headers.
"""

import base64
import binascii

from starlette.requests import HTTPConnection

from wheelkeep.domain.errors import Unauthenticated

_SECRET_HEADERS = ("private-token", "job-token", "deploy-token")


def presented_secret(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            return _basic_password(value.strip())
        if scheme.lower() == "bearer":
            return value.strip() or None
        raise Unauthenticated("Unsupported Authorization scheme: use Basic or Bearer.")
    for name in _SECRET_HEADERS:
        if secret := connection.headers.get(name):
            return secret.strip()
    return None


def _basic_password(encoded: str) -> str | None:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("Malformed Basic credentials.") from None
    _, separator, password = decoded.partition(":")
    if not separator:
        raise Unauthenticated("Malformed Basic credentials: no password.")
    return password or None
