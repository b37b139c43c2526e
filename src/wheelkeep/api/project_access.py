"""Authenticating and authorising the routes beside the index on one project.

Snapshots, platform awareness and promotion go through the same door as the
index itself (:func:`wheelkeep.services.access.open_project`): failed
authentications are throttled and audited, the user name sent with a token
is checked, and statuses follow the same rules.
"""

from starlette.requests import HTTPConnection

from wheelkeep.api.credentials import presented_credentials
from wheelkeep.api.dependencies import client_address
from wheelkeep.db.models import Project
from wheelkeep.domain.access import Permission, Principal
from wheelkeep.domain.errors import Unauthenticated
from wheelkeep.services.access import identify, open_project
from wheelkeep.services.registry import Registry


def project_for(
    registry: Registry,
    request: HTTPConnection,
    project_ref: str,
    permission: Permission,
) -> tuple[Principal, Project]:
    """The caller and the project, once the caller may act on it that way."""
    return open_project(
        registry,
        presented_credentials(request),
        client_address(request),
        project_ref,
        permission,
    )


def signed_in(registry: Registry, request: HTTPConnection) -> Principal:
    """The caller, who must present a valid token of any kind."""
    principal, rejected = identify(
        registry, presented_credentials(request), client_address(request)
    )
    if rejected is not None:
        raise rejected
    if principal.is_anonymous:
        raise Unauthenticated("Authentication required: send a token as password.")
    return principal
