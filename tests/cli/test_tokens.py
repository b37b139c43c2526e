"""``wheelkeep token`` and ``wheelkeep audit``, as an operator runs them."""

import json

from tests.cli.conftest import Cli


def test_tokens_are_minted_listed_revoked_and_audited(wheelkeep: Cli) -> None:
    mint = ["--name", "ci", "--project", "1", "--scope", "read_package_registry"]
    minted = json.loads(wheelkeep("token", "create", *mint, "--json"))
    listed = json.loads(wheelkeep("token", "list", "--kind", "deploy", "--json"))
    table = wheelkeep("token", "list")
    revoked = wheelkeep("token", "revoke", str(minted["id"]))
    events = json.loads(wheelkeep("audit", "list", "--project", "1", "--json"))

    assert minted["token"].startswith("wkdt_")
    assert [(t["id"], t["kind"], t["active"]) for t in listed] == [
        (minted["id"], "deploy", True)
    ]
    assert "Tokens" in table
    assert minted["token"] not in table
    assert revoked.strip() == f"Revoked token {minted['id']}."
    assert [e["action"] for e in events] == [
        "token.revoke",
        "token.create",
        "project.create",
    ]
    assert "token.revoke" in wheelkeep("audit", "list")
