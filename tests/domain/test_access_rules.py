"""Pure access rules: user names, paths, durations, grants."""

from datetime import timedelta

import pytest

from wheelkeep.domain.access import Grant, Role, TokenKind, username_fits
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.namespaces import check_path
from wheelkeep.domain.tokens import parse_duration


@pytest.mark.parametrize(
    ("presented", "kind", "username", "fits"),
    [
        ("__token__", TokenKind.DEPLOY, "wheelkeep+deploy-token-3", True),
        (
            "wheelkeep+deploy-token-3",
            TokenKind.DEPLOY,
            "wheelkeep+deploy-token-3",
            True,
        ),
        (
            "wheelkeep+deploy-token-4",
            TokenKind.DEPLOY,
            "wheelkeep+deploy-token-3",
            False,
        ),
        ("gitlab-ci-token", TokenKind.JOB, "gitlab-ci-token", True),
        ("gitlab-ci-token", TokenKind.PERSONAL, "alice", False),
        ("alice", TokenKind.PERSONAL, "alice", True),
        (None, TokenKind.JOB, "gitlab-ci-token", True),
    ],
)
def test_username_fits(
    presented: str | None, kind: TokenKind, username: str, fits: bool
) -> None:
    assert username_fits(presented, kind, username) is fits


def test_group_grant_covers_subgroups_but_not_lookalikes() -> None:
    grant = Grant(Role.READ, group_path="ai")

    assert grant.covers(7, "ai/edge/models")
    assert not grant.covers(7, "ai-lab/models")
    assert grant.covers_group("ai/edge")
    assert not grant.covers_group("aix")


@pytest.mark.parametrize("path", ["ai", "ai/edge", "a_b/c.d-e", "x1/2y"])
def test_valid_paths(path: str) -> None:
    assert check_path(path) == path


@pytest.mark.parametrize(
    "path", ["", "/", "ai//edge", "-ai", "ai/edge.", "ai/x.git", "123", "a b", "ai/é"]
)
def test_invalid_paths(path: str) -> None:
    with pytest.raises(InvalidRequest):
        check_path(path)


def test_durations() -> None:
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("2w") == timedelta(weeks=2)
    with pytest.raises(InvalidRequest):
        parse_duration("1 hour")
