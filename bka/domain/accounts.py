"""Local accounts: argon2id password hashing, creation and authentication."""

from __future__ import annotations

from contextlib import suppress

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from bka.domain import audit
from bka.domain.errors import FieldError
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.extensions import db
from bka.models import Organisation, User
from bka.models.user import GLOBAL_ROLES

MIN_PASSWORD_LENGTH = 12


def password_hasher(config) -> PasswordHasher:
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def search_users(text: str = "") -> list[User]:
    """Every user by name; with `text`, those whose name or e-mail address contains it, ignoring
    case and taking % and _ literally."""
    query = select(User).order_by(func.lower(User.name))
    if text:
        pattern = like_pattern(text.lower())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    return list(db.session.scalars(query))


def create_user(
    hasher: PasswordHasher,
    *,
    email: str,
    name: str,
    password: str,
    role: str = "member",
    locale: str | None = None,
    actor: User | None = None,
    organisation: Organisation | None = None,
    active: bool = True,
) -> User:
    if role not in GLOBAL_ROLES:
        raise FieldError("role", _l("Unknown role."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(
            "password",
            _l("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        )
    if find_user(email) is not None:
        raise FieldError("email", _l("A user with that e-mail address already exists."))
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        password_hash=hasher.hash(password),
        role=role,
        locale=locale,
        organisation=organisation,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user_created",
        actor=actor,
        actor_label=None if actor else "system",
        object_type="user",
        object_id=user.id,
        details={"email": user.email, "role": role, "active": active},
    )
    return user


def authenticate(hasher: PasswordHasher, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Costs the same whether or not they exist."""
    user = find_user(email)
    if user is None:
        with suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("not a real password")
    return _dummy_hashes[key]


def update_user(
    user: User,
    actor: User,
    *,
    name: str,
    email: str,
    role: str,
    organisation: Organisation | None,
    active: bool,
) -> None:
    """An administrator's change to an account. Disabling ends the user's sessions at once;
    administrators cannot lock themselves out."""
    if role not in GLOBAL_ROLES:
        raise FieldError("role", _l("Unknown role."))
    if user.id == actor.id and role != user.role:
        raise FieldError("role", _l("You cannot change your own role. Ask another administrator."))
    if user.id == actor.id and not active:
        raise FieldError("active", _l("You cannot disable your own account."))
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise FieldError("email", _l("A user with that e-mail address already exists."))
    before = _account_details(user)
    user.name = name.strip()
    user.email = email.strip().lower()
    user.role = role
    user.organisation = organisation
    if user.active and not active:
        user.session_version += 1
    user.active = active
    after = _account_details(user)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit.record(
            "user_updated", actor=actor, object_type="user", object_id=user.id, details=changed
        )
    db.session.flush()


def save_account(
    hasher: PasswordHasher,
    actor: User,
    user: User | None,
    *,
    name: str,
    email: str,
    role: str,
    organisation_id: int | None,
    active: bool,
    password: str | None = None,
) -> User:
    """An administrator's form for an account: creates the user when `user` is None (with the
    initial `password`), otherwise updates them. The one path the administrators' views use."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if user is None:
        return create_user(
            hasher,
            email=email,
            name=name,
            password=password or "",
            role=role,
            actor=actor,
            organisation=organisation,
            active=active,
        )
    update_user(
        user, actor, name=name, email=email, role=role, organisation=organisation, active=active
    )
    return user


def _account_details(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
        "active": user.active,
    }


def create_organisation(name: str, actor: User) -> Organisation:
    name = name.strip()
    if db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
        raise FieldError("name", _l("That organisation is already in the list."))
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation_created",
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        details={"name": name},
    )
    return organisation
