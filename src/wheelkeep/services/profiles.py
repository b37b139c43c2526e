"""Environment profiles kept by the registry: add, list, remove, look up."""

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import EnvironmentProfile
from wheelkeep.domain.access import Principal
from wheelkeep.domain.errors import Conflict, NotFound
from wheelkeep.domain.profiles import Profile
from wheelkeep.services import audit
from wheelkeep.services.registry import Registry

log = logging.getLogger(__name__)


def _domain(row: EnvironmentProfile) -> Profile:
    return Profile(
        name=row.name,
        implementation=row.implementation,
        python_version=row.python_version,
        platforms=tuple(row.platforms),
    )


def add_profile(registry: Registry, principal: Principal, profile: Profile) -> Profile:
    """Store a checked profile; Conflict if the name is taken."""
    with registry.transaction() as session:
        taken = session.scalar(
            select(EnvironmentProfile.id).where(EnvironmentProfile.name == profile.name)
        )
        if taken is not None:
            raise Conflict(f"A profile named {profile.name!r} exists already.")
        session.add(
            EnvironmentProfile(
                name=profile.name,
                implementation=profile.implementation,
                python_version=profile.python_version,
                platforms=list(profile.platforms),
            )
        )
        audit.record(
            session,
            action="profile.add",
            principal=principal,
            target=profile.name,
            profile=profile.as_dict(),
        )
    log.info("profile.added name=%s actor=%s", profile.name, principal.actor)
    return profile


def remove_profile(registry: Registry, principal: Principal, name: str) -> None:
    with registry.transaction() as session:
        row = session.scalar(
            select(EnvironmentProfile).where(EnvironmentProfile.name == name)
        )
        if row is None:
            raise NotFound(f"No profile named {name!r}.")
        session.delete(row)
        audit.record(session, action="profile.remove", principal=principal, target=name)
    log.info("profile.removed name=%s actor=%s", name, principal.actor)


def list_profiles(session: Session) -> list[Profile]:
    rows = session.scalars(select(EnvironmentProfile).order_by(EnvironmentProfile.name))
    return [_domain(row) for row in rows]


def find_profiles(session: Session, names: Iterable[str]) -> list[Profile]:
    """The named profiles in the order given; NotFound names the unknown ones."""
    wanted = list(dict.fromkeys(names))
    known = {profile.name: profile for profile in list_profiles(session)}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise NotFound(
            "No profile named " + ", ".join(repr(name) for name in unknown) + "."
        )
    return [known[name] for name in wanted]
