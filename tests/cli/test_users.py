"""``wheelkeep user`` and ``wheelkeep member``, as an operator runs them."""

import json

from tests.cli.conftest import Cli


def test_users_are_created_and_listed(wheelkeep: Cli) -> None:
    created = json.loads(wheelkeep("user", "create", "dev", "--no-password", "--json"))
    text = wheelkeep("user", "create", "ops", "--no-password", "--admin")
    listed = json.loads(wheelkeep("user", "list", "--json"))

    assert created["username"] == "dev"
    assert text.strip() == f"Created user ops (id {created['id'] + 1})."
    assert [(u["username"], u["is_admin"]) for u in listed] == [
        ("admin", True),
        ("dev", False),
        ("ops", True),
    ]
    assert "dev" in wheelkeep("user", "list")


def test_members_are_added_listed_and_removed(wheelkeep: Cli) -> None:
    wheelkeep("user", "create", "dev", "--no-password")
    wheelkeep("group", "create", "ai")

    added = wheelkeep("member", "add", "dev", "--role", "write", "--group", "ai")
    on_project = json.loads(
        wheelkeep("member", "add", "dev", "--role", "read", "--project", "1", "--json")
    )
    listed = json.loads(wheelkeep("member", "list", "--group", "ai", "--json"))
    table = wheelkeep("member", "list", "--project", "default")
    removed = wheelkeep("member", "remove", "dev", "--group", "ai")

    assert added.strip() == "dev is write on group ai."
    assert on_project == {
        "username": "dev",
        "target": "project default",
        "role": "read",
    }
    assert [(m["username"], m["role"]) for m in listed] == [("dev", "write")]
    assert "Members of project default" in table
    assert removed.strip() == "Removed dev from group ai."
    assert json.loads(wheelkeep("member", "list", "--group", "ai", "--json")) == []
    assert wheelkeep.error("member", "remove", "dev", "--group", "ai") == (
        "dev is not a member of group ai."
    )
    assert wheelkeep.error("member", "list") == "Name either a project or a group."
