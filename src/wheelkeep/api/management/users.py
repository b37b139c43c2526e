"""``/users`` and ``/user``: list, get and create users."""

from fastapi import APIRouter, Response

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    Page,
    PerPage,
    RegistryDep,
)
from wheelkeep.api.management.listing import paginate
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import UserIn, UserOut, user_out
from wheelkeep.db.models import User
from wheelkeep.domain.errors import NotFound
from wheelkeep.services.users import create_user, find_user, list_users

router = APIRouter(tags=["users"])


@router.get("/users", responses=ERRORS)
def get_users(
    registry: RegistryDep,
    principal: Caller,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[UserOut]:
    with registry.session() as session:
        users = list_users(session)
    return [user_out(user) for user in paginate(users, page, per_page, response)]


@router.get("/users/{user_ref}", responses=ERRORS)
def get_user(registry: RegistryDep, principal: Caller, user_ref: str) -> UserOut:
    """A user by id or user name."""
    with registry.session() as session:
        return user_out(find_user(session, user_ref))


@router.get("/user", responses=ERRORS)
def get_current_user(registry: RegistryDep, principal: Caller) -> UserOut:
    """The user the token acts for."""
    with registry.session() as session:
        user = session.get(User, principal.user_id) if principal.user_id else None
    if user is None:
        raise NotFound("This token acts for no user.")
    return user_out(user)


@router.post("/users", status_code=201, responses=ERRORS)
def post_user(
    registry: RegistryDep, principal: Caller, body: UserIn, address: Address
) -> UserOut:
    """Create a user (administrators only)."""
    with registry.transaction() as session:
        user = create_user(
            session,
            principal,
            body.username,
            body.password,
            is_admin=body.admin,
            address=address,
        )
    return user_out(user)
