"""``wheelkeep snapshot`` and ``wheelkeep promote``."""

import json

from tests.cli.conftest import Cli
from tests.conftest import Api
from tests.factories import Dist
from tests.projects import create_project
from wheelkeep.services.registry import Registry


def test_snapshot_create_list_delete(api: Api, wheelkeep: Cli) -> None:
    assert api.upload(Dist()).status_code == 200

    created = wheelkeep("snapshot", "create", "before")
    listed = json.loads(wheelkeep("snapshot", "list", "--json"))
    deleted = wheelkeep("snapshot", "delete", "before")

    assert created == (
        "Created snapshot before of project 1 at serial 1: 1 packages, 1 files.\n"
    )
    assert [(s["name"], s["serial"], s["files"]) for s in listed] == [("before", 1, 1)]
    assert deleted == "Deleted snapshot before.\n"
    assert wheelkeep("snapshot", "list") == "No snapshots.\n"
    assert wheelkeep.error("snapshot", "delete", "before") == (
        "No snapshot named 'before' in this project."
    )


def test_promote(api: Api, registry: Registry, wheelkeep: Cli) -> None:
    dev = create_project(registry, "ai/dev")
    create_project(registry, "ai/prod")
    api.upload(Dist(name="vetted"), path=f"/api/v4/projects/{dev}/packages/pypi")

    first = wheelkeep("promote", "vetted", "1.0", "--from", "ai/dev", "--to", "ai/prod")
    second = json.loads(
        wheelkeep(
            "promote", "vetted", "1.0", "--from", "ai/dev", "--to", "ai/prod", "--json"
        )
    )

    assert first == (
        "Promoted vetted 1.0 from ai/dev to ai/prod: vetted-1.0-py3-none-any.whl.\n"
    )
    assert second["files"][0]["copied"] is False
