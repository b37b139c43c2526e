"""Token secrets: minted once, stored as a sha256, recognised by their prefix.

A secret looks like ``wkdt_<43 random url-safe characters>``; the prefix names
the kind so secret scanners can spot a leaked token. The registry keeps only the
sha256 of the secret, which is enough to find the token again: the secret has
256 bits of entropy, so a fast hash does not weaken it.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

from wheelkeep.db.models import TokenKind

PREFIXES = {
    TokenKind.PERSONAL: "wkpat_",
    TokenKind.DEPLOY: "wkdt_",
    TokenKind.PROJECT_ACCESS: "wkpat_",
    TokenKind.GROUP_ACCESS: "wkpat_",
    TokenKind.JOB: "wkjob_",
}


def mint_secret(kind: TokenKind) -> str:
    return PREFIXES[kind] + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def digests_match(stored: str, presented: str) -> bool:
    return hmac.compare_digest(stored, presented)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now
