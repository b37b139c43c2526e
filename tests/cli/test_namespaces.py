"""``wheelkeep group`` and ``wheelkeep project``, as an operator runs them."""

import json

from tests.cli.conftest import Cli


def test_groups_and_projects_are_created_and_listed(wheelkeep: Cli) -> None:
    group = json.loads(wheelkeep("group", "create", "ai", "--json"))
    text = wheelkeep("project", "create", "ai/edge/models", "--visibility", "public")
    groups = json.loads(wheelkeep("group", "list", "--json"))
    projects = json.loads(wheelkeep("project", "list", "--json"))

    assert group["full_path"] == "ai"
    assert text.startswith("Created project ai/edge/models (id ")
    assert [g["full_path"] for g in groups] == ["ai", "ai/edge"]
    assert [(p["path_with_namespace"], p["visibility"]) for p in projects] == [
        ("default", "private"),
        ("ai/edge/models", "public"),
    ]
    assert projects[1]["namespace"]["full_path"] == "ai/edge"
    assert "ai/edge" in wheelkeep("group", "list")
    assert "ai/edge/models" in wheelkeep("project", "list")
