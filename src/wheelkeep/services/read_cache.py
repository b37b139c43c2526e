"""Brief memory of who a token is and what a project reference names.

Index reads are the hot path, and before this cache most of their time went to
looking up the same token and the same project in the database on every
request. Both answers are kept for ``ttl`` seconds per process:

- a presented secret is remembered by its sha256 (never in clear) and the user
  name sent with it, together with the principal it authenticated as, so a
  token revoked, expired or re-scoped by another process keeps working here for
  at most ``ttl`` seconds; failed authentications are never remembered;
- a project reference (id or path) is remembered with its row, so a visibility
  change made elsewhere shows here within ``ttl`` seconds.

Only reads go through this cache; uploads and management authenticate against
the database every time. A ``ttl`` of 0 turns the cache off.
"""

import threading
import time
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from wheelkeep.db.models import Project
from wheelkeep.domain.access import ANONYMOUS, Principal
from wheelkeep.domain.tokens import secret_digest

Key = TypeVar("Key")
Value = TypeVar("Value")

MAX_ENTRIES = 10_000


class TtlMap(Generic[Key, Value]):
    """A bounded map whose entries expire ``ttl`` seconds after being stored."""

    def __init__(self, ttl: float, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: dict[Key, tuple[float, Value]] = {}
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: Key, value: Value) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max_entries:
                # Dropping everything is crude but bounded, and only a flood
                # of distinct keys within one ttl gets here.
                self._entries.clear()
            self._entries[key] = (time.monotonic() + self._ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class ReadCache:
    """Principals by secret digest and user name, projects by reference.

    A plain store: :mod:`wheelkeep.services.access` decides when to consult it
    and fills it after each successful lookup.
    """

    def __init__(self, ttl: float = 0.0) -> None:
        self._principals: TtlMap[tuple[str, str | None], Principal] = TtlMap(ttl)
        self._projects: TtlMap[str, Project] = TtlMap(ttl)

    def known_principal(
        self, secret: str | None, username: str | None
    ) -> Principal | None:
        """The remembered principal for a secret, without touching the database."""
        if not secret:
            return ANONYMOUS
        return self._principals.get((secret_digest(secret), username))

    def remember_principal(
        self, secret: str | None, username: str | None, principal: Principal
    ) -> None:
        if secret:
            self._principals.put((secret_digest(secret), username), principal)

    def known_project(self, reference: str) -> Project | None:
        return self._projects.get(reference)

    def remember_project(
        self, session: Session, reference: str, project: Project
    ) -> None:
        """Keep the row, detached from its session so it can be read anywhere."""
        session.expunge(project)
        self._projects.put(reference, project)

    def forget(self) -> None:
        """Drop everything, after changes made by this process (revocations)."""
        self._principals.clear()
        self._projects.clear()
