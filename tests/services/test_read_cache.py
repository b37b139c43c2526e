"""The read path's brief memory of tokens and projects, and where it stops."""

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from wheelkeep.db.models import Project, Token, Visibility
from wheelkeep.domain.access import ANONYMOUS, Permission
from wheelkeep.domain.errors import TooManyAttempts, Unauthenticated
from wheelkeep.services.access import (
    Credentials,
    identify,
    known_readable_project,
    open_project,
)
from wheelkeep.services.read_cache import ReadCache, TtlMap
from wheelkeep.services.registry import Registry


@pytest.fixture
def cached(registry: Registry) -> Registry:
    registry.read_cache = ReadCache(ttl=60)
    return registry


def _revoke_all(registry: Registry) -> None:
    with registry.transaction() as session:
        session.execute(update(Token).values(revoked_at=datetime.now(UTC)))


def test_a_remembered_token_outlives_its_revocation_until_forgotten(
    cached: Registry, admin_token: str
) -> None:
    credentials = Credentials(admin_token, "__token__")
    first, _ = identify(cached, credentials, "10.0.0.1", cached=True)
    _revoke_all(cached)

    assert identify(cached, credentials, "10.0.0.1", cached=True) == (first, None)
    cached.read_cache.forget()
    principal, rejected = identify(cached, credentials, "10.0.0.1", cached=True)
    assert principal is ANONYMOUS
    assert isinstance(rejected, Unauthenticated)


def test_writes_ask_the_database_even_when_the_token_is_remembered(
    cached: Registry, admin_token: str
) -> None:
    credentials = Credentials(admin_token, "__token__")
    open_project(cached, credentials, None, "1", Permission.READ)
    _revoke_all(cached)

    open_project(cached, credentials, None, "1", Permission.READ)
    with pytest.raises(Unauthenticated, match="revoked"):
        open_project(cached, credentials, None, "1", Permission.WRITE)


def test_without_a_ttl_every_read_checks_the_database(
    registry: Registry, admin_token: str
) -> None:
    credentials = Credentials(admin_token, "__token__")
    identify(registry, credentials, None, cached=True)
    _revoke_all(registry)

    assert registry.read_cache.known_principal(admin_token, "__token__") is None
    _, rejected = identify(registry, credentials, None, cached=True)
    assert rejected is not None


def test_a_token_is_remembered_with_the_user_name_sent(
    cached: Registry, admin_token: str
) -> None:
    identify(cached, Credentials(admin_token, "__token__"), None, cached=True)

    assert cached.read_cache.known_principal(admin_token, "__token__") is not None
    assert cached.read_cache.known_principal(admin_token, "someone-else") is None


def test_failed_authentication_is_never_remembered(cached: Registry) -> None:
    for _ in range(2):
        _, rejected = identify(cached, Credentials("wkpat_unknown"), None, cached=True)
        assert rejected is not None
    assert cached.read_cache.known_principal("wkpat_unknown", None) is None


def test_no_secret_is_anonymous_without_a_lookup() -> None:
    assert ReadCache(ttl=60).known_principal(None, None) is ANONYMOUS


def test_a_remembered_project_is_a_detached_snapshot(
    cached: Registry, admin_token: str
) -> None:
    credentials = Credentials(admin_token, "__token__")
    _, project = open_project(cached, credentials, None, "1", Permission.READ)
    with cached.transaction() as session:
        session.execute(update(Project).values(visibility=Visibility.PUBLIC))

    assert cached.read_cache.known_project("1") is project
    assert project.visibility is Visibility.PRIVATE
    assert cached.read_cache.known_project("default") is None


def test_memory_refuses_what_the_full_path_would_refuse(
    cached: Registry, admin_token: str
) -> None:
    credentials = Credentials(admin_token, "__token__")
    open_project(cached, credentials, "10.0.0.9", "1", Permission.READ)

    assert known_readable_project(cached, credentials, "10.0.0.9", "1") is not None
    # Anonymous callers may not read the private default project.
    assert known_readable_project(cached, Credentials(), "10.0.0.9", "1") is None
    for _ in range(cached.settings.auth_failure_limit):
        identify(cached, Credentials("wkpat_wrong"), "10.0.0.9")
    # A blocked address gets no answer from memory; the full path says 429.
    assert known_readable_project(cached, credentials, "10.0.0.9", "1") is None
    with pytest.raises(TooManyAttempts):
        open_project(cached, credentials, "10.0.0.9", "1", Permission.READ)


def test_entries_expire_and_the_map_stays_bounded() -> None:
    entries: TtlMap[str, int] = TtlMap(ttl=0.01, max_entries=2)
    entries.put("a", 1)
    time.sleep(0.02)
    assert entries.get("a") is None

    many: TtlMap[str, int] = TtlMap(ttl=60, max_entries=2)
    for index, key in enumerate("abc"):
        many.put(key, index)
    assert many.get("c") == 2
    assert len([key for key in "abc" if many.get(key) is not None]) <= 2
