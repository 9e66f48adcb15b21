"""Local accounts: argon2id password hashing, password rules, creation, signing in (with the
throttle and the second factor) and password changes."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from zxcvbn import zxcvbn

from bka.domain import audit, throttle, two_factor
from bka.domain.errors import FieldError, Throttled
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.extensions import db
from bka.models import Organisation, User
from bka.models.base import utcnow
from bka.models.user import GLOBAL_ROLES

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score (0-4) below which a password is refused: 3 is "safely unguessable".
MIN_PASSWORD_SCORE = 3
_ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are judged

# zxcvbn's warnings (English only) mapped onto messages in our catalogs.
_GUESSABLE_REASONS = {
    "This is a top-10 common password.": _l("It is one of the most common passwords."),
    "This is a top-100 common password.": _l("It is one of the most common passwords."),
    "This is a very common password.": _l("It is a very common password."),
    "This is similar to a commonly used password.": _l(
        "It is similar to a commonly used password."
    ),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l(
        "Names and surnames by themselves are easy to guess."
    ),
    "Common names and surnames are easy to guess.": _l(
        "Common names and surnames are easy to guess."
    ),
    "Straight rows of keys are easy to guess.": _l(
        "Rows of keys on the keyboard are easy to guess."
    ),
    "Short keyboard patterns are easy to guess.": _l("Keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l("Repeated characters are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        "Repeated characters are easy to guess."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l(
        'Sequences such as "abc" or "6543" are easy to guess.'
    ),
    "Recent years are easy to guess.": _l("Years and dates are easy to guess."),
    "Dates are often easy to guess.": _l("Years and dates are easy to guess."),
}


def check_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    """Refuse short, common (zxcvbn's offline lists of common and breached passwords, names and
    words) and otherwise guessable passwords, and those containing the user's name or e-mail."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(
            field,
            _l("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldError(
            field,
            _l("The password must be at most %(count)d characters.", count=MAX_PASSWORD_LENGTH),
        )
    lowered = password.lower()
    local_part = (email or "").strip().lower().partition("@")[0]
    own = [local_part, *re.split(r"[\s._-]+", local_part)] if len(local_part) >= 3 else []
    own += [part for part in re.split(r"\s+", (name or "").strip().lower()) if len(part) >= 3]
    if any(len(part) >= 3 and part in lowered for part in own):
        raise FieldError(
            field, _l("The password must not contain your name or your e-mail address.")
        )
    result = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=[*own, "bka", "barnkonsekvens"])
    if result["score"] < MIN_PASSWORD_SCORE:
        reason = _GUESSABLE_REASONS.get(result["feedback"]["warning"])
        if reason is None:
            raise FieldError(
                field,
                _l(
                    "This password is too easy to guess. Use a passphrase of three or four "
                    "uncommon words."
                ),
            )
        raise FieldError(
            field,
            _l(
                "This password is too easy to guess: %(reason)s Use a passphrase of three or "
                "four uncommon words.",
                reason=reason,
            ),
        )


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
    check_rules: bool = True,
) -> User:
    """A new account. `check_rules=False` is for the documented local demo accounts only, whose
    passwords contain their names."""
    if role not in GLOBAL_ROLES:
        raise FieldError("role", _l("Unknown role."))
    if check_rules:
        check_password(password, email=email, name=name)
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


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in step: `user` is set when the step succeeded; `wait` (seconds)
    when the attempt was refused by the throttle (then nothing else is said)."""

    user: User | None = None
    wait: int = 0
    second_factor: bool = False  # the password was right; a TOTP or recovery code is next


def sign_in(
    hasher: PasswordHasher,
    config,
    email: str,
    password: str,
    address: str | None,
    now: datetime | None = None,
) -> SignIn:
    """Check a sign-in by password, throttled per account and per address (bka.domain.throttle).
    A user with TOTP gets `second_factor` and is not signed in yet; see `sign_in_second_factor`."""
    now = now or utcnow()
    keys = throttle.keys_for(email, address)
    wait = throttle.wait_seconds(keys, now)
    if wait:
        return SignIn(wait=wait)
    user = authenticate(hasher, email, password)
    if user is None:
        audit.record("login", actor_label=email[:254], outcome=audit.FAILURE)
        return SignIn(wait=throttle.record_failure(config, keys, now))
    if user.has_totp:
        return SignIn(user=user, second_factor=True)
    throttle.reset(throttle.ACCOUNT, throttle.normalise_email(email))
    audit.record("login", actor=user)
    return SignIn(user=user)


def sign_in_second_factor(
    config, user: User, code: str, address: str | None, now: datetime | None = None
) -> SignIn:
    """The second step: a current TOTP code or an unused recovery code, throttled on the same
    counters as the password."""
    now = now or utcnow()
    keys = throttle.keys_for(user.email, address)
    wait = throttle.wait_seconds(keys, now)
    if wait:
        return SignIn(wait=wait)
    method = two_factor.check_code(user, code, now)
    if method is None or not user.active:
        audit.record("login", actor=user, outcome=audit.FAILURE, details={"step": "totp"})
        return SignIn(wait=throttle.record_failure(config, keys, now))
    throttle.reset(throttle.ACCOUNT, throttle.normalise_email(user.email))
    audit.record("login", actor=user, details={"second_factor": method})
    return SignIn(user=user)


def change_password(
    hasher: PasswordHasher,
    config,
    user: User,
    *,
    current: str,
    new: str,
    address: str | None,
    now: datetime | None = None,
) -> None:
    """The user's own change: the current password first (a wrong one counts as a failed login,
    so a borrowed session cannot guess it), then the rules. Ends the user's other sessions (the
    session version is raised; the view signs the current one in again). Raises Throttled or
    FieldError; either way the caller commits, to keep the count."""
    now = now or utcnow()
    keys = throttle.keys_for(user.email, address)
    wait = throttle.wait_seconds(keys, now)
    if wait:
        raise Throttled(wait)
    try:
        hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        audit.record("password_changed", actor=user, outcome=audit.FAILURE)
        wait = throttle.record_failure(config, keys, now)
        if wait:
            raise Throttled(wait) from None
        raise FieldError("current_password", _l("The current password is incorrect.")) from None
    check_password(new, email=user.email, name=user.name, field="new_password")
    if new == current:
        raise FieldError("new_password", _l("The new password must differ from the current one."))
    user.password_hash = hasher.hash(new)
    user.must_change_password = False
    user.session_version += 1
    audit.record("password_changed", actor=user, object_type="user", object_id=user.id)
    db.session.flush()


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
    new_password: str | None = None,
    hasher: PasswordHasher | None = None,
    turn_off_totp: bool = False,
) -> None:
    """An administrator's change to an account. Disabling ends the user's sessions at once;
    administrators cannot lock themselves out. A new password ends the user's sessions and must
    be changed by the user at the next sign-in. Turning off TOTP (a lost phone and lost recovery
    codes) also ends the user's sessions."""
    if role not in GLOBAL_ROLES:
        raise FieldError("role", _l("Unknown role."))
    if user.id == actor.id and role != user.role:
        raise FieldError("role", _l("You cannot change your own role. Ask another administrator."))
    if user.id == actor.id and not active:
        raise FieldError("active", _l("You cannot disable your own account."))
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise FieldError("email", _l("A user with that e-mail address already exists."))
    if new_password and user.id == actor.id:
        raise FieldError(
            "new_password", _l("Change your own password under Account, with your current one.")
        )
    if new_password:
        check_password(new_password, email=email, name=name, field="new_password")
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
    if new_password:
        if hasher is None:
            raise ValueError("a new password needs the hasher")
        user.password_hash = hasher.hash(new_password)
        user.must_change_password = True
        user.session_version += 1
        changed["password"] = "reset"  # noqa: S105 - what happened, not a password
    if turn_off_totp and user.has_totp:
        two_factor.turn_off_for(user)
        user.session_version += 1
        changed["totp"] = "turned off"
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
    new_password: str | None = None,
    turn_off_totp: bool = False,
) -> User:
    """An administrator's form for an account: creates the user when `user` is None (with the
    initial `password`), otherwise updates them (optionally resetting the password or turning
    off TOTP). The one path the administrators' views use."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if user is None:
        created = create_user(
            hasher,
            email=email,
            name=name,
            password=password or "",
            role=role,
            actor=actor,
            organisation=organisation,
            active=active,
        )
        # The administrator knows this password: the user replaces it at the first login.
        created.must_change_password = True
        return created
    update_user(
        user,
        actor,
        name=name,
        email=email,
        role=role,
        organisation=organisation,
        active=active,
        new_password=new_password,
        hasher=hasher,
        turn_off_totp=turn_off_totp,
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


def organisation_named(name: str) -> Organisation | None:
    """The organisation of that name, whatever its case."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


def create_organisation(
    name: str, actor: User | None, *, actor_label: str | None = None
) -> Organisation:
    """A new organisation, audited as made by `actor` (or, made by no one in bka, such as a
    single sign-on's claim, as `actor_label`)."""
    name = name.strip()
    if organisation_named(name):
        raise FieldError("name", _l("That organisation is already in the list."))
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        "organisation_created",
        actor=actor,
        actor_label=actor_label,
        object_type="organisation",
        object_id=organisation.id,
        details={"name": name},
    )
    return organisation
