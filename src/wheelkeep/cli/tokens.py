"""``wheelkeep token``: mint, list and revoke tokens of every kind."""

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from wheelkeep.api.management.schemas import token_out
from wheelkeep.cli import context
from wheelkeep.cli.output import emit, listing
from wheelkeep.db.models import Token
from wheelkeep.domain.access import Role, Scope, TokenKind
from wheelkeep.domain.errors import InvalidRequest
from wheelkeep.domain.tokens import TokenRequest, parse_duration
from wheelkeep.services.groups import find_group
from wheelkeep.services.projects import find_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.tokens import (
    TokenFilter,
    create_token,
    list_tokens,
    revoke_token,
)
from wheelkeep.services.users import find_user

app = typer.Typer(help="Mint, list and revoke tokens.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


class KindChoice(enum.StrEnum):
    """The kinds as the command line names them."""

    DEPLOY = "deploy"
    PERSONAL = "personal"
    PROJECT = "project"
    GROUP = "group"
    JOB = "job"


KINDS = {
    KindChoice.DEPLOY: TokenKind.DEPLOY,
    KindChoice.PERSONAL: TokenKind.PERSONAL,
    KindChoice.PROJECT: TokenKind.PROJECT_ACCESS,
    KindChoice.GROUP: TokenKind.GROUP_ACCESS,
    KindChoice.JOB: TokenKind.JOB,
}


def _expiry(expires_at: str | None, expires_in: str | None) -> datetime | None:
    if expires_at and expires_in:
        raise InvalidRequest("Give --expires-at or --expires-in, not both.")
    if expires_in:
        return datetime.now(UTC) + parse_duration(expires_in)
    if expires_at:
        try:
            moment = datetime.fromisoformat(expires_at)
        except ValueError:
            raise InvalidRequest(
                f"Invalid --expires-at {expires_at!r}: use 2027-01-31 or an ISO time."
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _request(
    registry: Registry,
    kind: KindChoice | None,
    name: str,
    scopes: list[Scope],
    targets: tuple[str | None, str | None, str | None],
    role: Role | None,
    expires_at: datetime | None,
) -> TokenRequest:
    project, group, user = targets
    with registry.session() as session:
        project_id = find_project(session, project).id if project else None
        group_id = find_group(session, group).id if group else None
        user_id = find_user(session, user).id if user else None
    if kind is None:
        kind = KindChoice.PERSONAL if user else KindChoice.DEPLOY
    return TokenRequest(
        kind=KINDS[kind],
        name=name,
        scopes=frozenset(scopes),
        project_id=project_id,
        group_id=group_id,
        user_id=user_id,
        role=role,
        expires_at=expires_at,
    )


def _row(token: Token) -> dict[str, Any]:
    data = token_out(token, datetime.now(UTC)).model_dump(mode="json")
    data.update(
        kind=token.kind.value,
        project_id=token.project_id,
        group_id=token.group_id,
        role=token.role.value if token.role else None,
    )
    return data


@app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="What the token is for.")],
    kind: Annotated[
        KindChoice | None,
        typer.Option(help="Default: personal with --user, else deploy."),
    ] = None,
    project: Annotated[str | None, typer.Option(help="Project id or path.")] = None,
    group: Annotated[str | None, typer.Option(help="Group id or path.")] = None,
    user: Annotated[str | None, typer.Option(help="User (personal tokens).")] = None,
    scope: Annotated[
        list[Scope] | None, typer.Option(help="A scope; repeat for more.")
    ] = None,
    role: Annotated[
        Role | None, typer.Option(help="Role of a project or group access token.")
    ] = None,
    expires_at: Annotated[
        str | None, typer.Option(help="Expiry date or time (ISO 8601, UTC).")
    ] = None,
    expires_in: Annotated[
        str | None, typer.Option(help="Expiry from now: 30m, 1h, 7d, 2w.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Mint a token and print its secret, this once."""
    registry = context.open_bootstrapped()
    request = _request(
        registry,
        kind,
        name,
        scope or [],
        (project, group, user),
        role,
        _expiry(expires_at, expires_in),
    )
    created = create_token(registry, context.OPERATOR, request)
    data = {**_row(created.token), "token": created.secret}
    emit(
        data,
        as_json=as_json,
        text=(
            f"Token {created.token.id} for user name {created.token.username}:\n"
            f"{created.secret}\nIt is shown this once."
        ),
    )


@app.command("list")
def token_list(
    project: Annotated[str | None, typer.Option(help="Project id or path.")] = None,
    group: Annotated[str | None, typer.Option(help="Group id or path.")] = None,
    user: Annotated[str | None, typer.Option(help="User name or id.")] = None,
    kind: Annotated[KindChoice | None, typer.Option(help="Only this kind.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List tokens (never their secrets)."""
    registry = context.open_bootstrapped()
    with registry.session() as session:
        wanted = TokenFilter(
            project_id=find_project(session, project).id if project else None,
            group_id=find_group(session, group).id if group else None,
            user_id=find_user(session, user).id if user else None,
            kind=KINDS[kind] if kind else None,
        )
        rows = [_row(token) for token in list_tokens(session, wanted)]
    columns = ["id", "kind", "name", "username", "prefix", "scopes", "active"]
    listing(rows, [*columns, "expires_at", "last_used_at"], "Tokens", as_json=as_json)


@app.command("revoke")
def token_revoke(token_id: int, as_json: JsonOption = False) -> None:
    """Revoke a token for good."""
    token = revoke_token(context.open_bootstrapped(), context.OPERATOR, token_id)
    emit(_row(token), as_json=as_json, text=f"Revoked token {token.id}.")
