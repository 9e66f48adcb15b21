"""Single sign-on with OpenID Connect: who a provider's claims are in bka.

The web layer (bka/web/oidc.py, bka/views/sso.py) runs the protocol with Authlib and hands the
validated claims (ID token, completed from the userinfo endpoint) to `sign_in` here, which
finds, links, creates or updates the user:

1. an account already linked to this (issuer, sub) is the one;
2. otherwise, at the first login, an account with the same e-mail address is linked, when the
   provider vouches for the address (email_verified, or OIDC_TRUST_EMAIL for providers that do
   not send it) and the account is not linked to another identity;
3. otherwise a new account is created (without a usable password).

At every login the name is kept as it is, and the role and organisation follow the mapping: the
role from the groups claim when OIDC_GROUP_ROLES is set (the highest mapped role; none mapped:
member), the organisation from its claim when OIDC_ORGANISATION_CLAIM is set and the claim is
there (a new name adds the organisation). Disabled accounts stay refused, and so is a login
whose token leaves the groups out (too many to list) while roles follow the groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit
from bka.domain.accounts import create_organisation, find_user, organisation_named
from bka.domain.errors import DomainError
from bka.extensions import db
from bka.models import Organisation, User
from bka.models.user import GLOBAL_ROLES, ROLE_ADMIN, ROLE_MEMBER, ROLE_REVIEWER

# Not an argon2 hash: no password ever matches it (accounts.authenticate refuses it).
NO_PASSWORD = "!sso"  # noqa: S105 - a marker, not a password
SSO_ACTOR = "sso"
# Highest first: a person in several mapped groups gets the highest of their roles.
ROLE_ORDER = (ROLE_ADMIN, ROLE_REVIEWER, ROLE_MEMBER)
NAME_LENGTH = 120
EMAIL_LENGTH = 254
ORGANISATION_LENGTH = 200
SUBJECT_LENGTH = 255


class SsoRefused(DomainError):
    """The provider said who the person is, but bka does not let them in. `reason` is a short
    code for the audit log; the message is for the person."""

    def __init__(self, reason: str, message):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ClaimMapping:
    """How a provider's claims become a bka user (the OIDC_* settings)."""

    issuer: str
    email_claim: str = "email"
    name_claim: str = "name"
    groups_claim: str | None = "groups"
    organisation_claim: str | None = None
    group_roles: Mapping[str, str] = field(default_factory=dict)
    trust_email: bool = False

    @classmethod
    def from_config(cls, config) -> ClaimMapping:
        return cls(
            issuer=config["OIDC_ISSUER"],
            email_claim=config["OIDC_EMAIL_CLAIM"],
            name_claim=config["OIDC_NAME_CLAIM"],
            groups_claim=config["OIDC_GROUPS_CLAIM"] or None,
            organisation_claim=config["OIDC_ORGANISATION_CLAIM"] or None,
            group_roles=dict(config["OIDC_GROUP_ROLES"]),
            trust_email=config["OIDC_TRUST_EMAIL"],
        )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def groups_of(claims: Mapping[str, Any], mapping: ClaimMapping) -> list[str]:
    """The groups claim as a list of strings (a single string counts as one group)."""
    if not mapping.groups_claim:
        return []
    value = claims.get(mapping.groups_claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def groups_left_out(claims: Mapping[str, Any], mapping: ClaimMapping) -> bool:
    """Whether the provider left the groups out of the token because there are too many: Entra
    ID then names a source to fetch them from (a distributed claim, `_claim_names`) or sends
    `hasgroups`. The role cannot be told from such a token."""
    if not mapping.group_roles or not mapping.groups_claim or mapping.groups_claim in claims:
        return False
    sources = claims.get("_claim_names")
    named = isinstance(sources, Mapping) and mapping.groups_claim in sources
    return named or claims.get("hasgroups") is True


def role_for(groups: list[str], mapping: ClaimMapping) -> str | None:
    """The role the groups give, or None when no mapping is configured (roles are then kept as
    administrators set them in bka)."""
    if not mapping.group_roles:
        return None
    mapped = {mapping.group_roles[group] for group in groups if group in mapping.group_roles}
    return next((role for role in ROLE_ORDER if role in mapped), ROLE_MEMBER)


def _organisation(name: str) -> Organisation:
    name = name[:ORGANISATION_LENGTH]
    return organisation_named(name) or create_organisation(name, None, actor_label=SSO_ACTOR)


def _refuse(reason: str, message, *, label: str, user: User | None = None) -> SsoRefused:
    audit.record(
        "login",
        actor=user,
        actor_label=None if user else label[:EMAIL_LENGTH],
        outcome=audit.FAILURE,
        details={"method": "oidc", "reason": reason},
    )
    return SsoRefused(reason, message)


def record_protocol_failure(reason: str) -> None:
    """A login through the provider that failed before anyone was known (a tampered or stale
    state, a wrong nonce, an error from the provider): audited as a refusal, which is counted
    rather than chained when the same address repeats it (anyone can call the callback), so it
    cannot flood the log. The caller commits."""
    audit.record_denied("login", details={"method": "oidc", "reason": reason[:200]})


def _linked(issuer: str, subject: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )


def sign_in(mapping: ClaimMapping, claims: Mapping[str, Any]) -> User:
    """The user these validated claims sign in (found, linked or created, and updated per the
    mapping), audited; raises SsoRefused. Flushes; the caller commits either way (a refusal is
    audited)."""
    subject = _text(claims.get("sub"))
    email = _text(claims.get(mapping.email_claim)).lower()
    if not subject or len(subject) > SUBJECT_LENGTH:
        raise _refuse(
            "no_subject",
            _l("The sign-in service did not say who you are. Ask your administrator."),
            label=email or SSO_ACTOR,
        )
    label = email or f"{SSO_ACTOR}:{subject}"
    user = _linked(mapping.issuer, subject)
    if groups_left_out(claims, mapping):
        # Refused rather than read as "in no mapped group": that would silently make an
        # administrator with many groups a member.
        raise _refuse(
            "groups_left_out",
            _l(
                "The sign-in service did not list your groups (you are in too many), so bka "
                "cannot tell your role. Ask your administrator to send only the groups "
                "assigned to bka."
            ),
            label=label,
            user=user,
        )
    created = False
    if user is None:
        if not email or "@" not in email or len(email) > EMAIL_LENGTH:
            raise _refuse(
                "no_email",
                _l(
                    "The sign-in service did not send your e-mail address, which bka needs for "
                    "your first login. Ask your administrator."
                ),
                label=label,
            )
        user = find_user(email)
        if user is not None:
            verified = claims.get("email_verified") is True or mapping.trust_email
            if user.oidc_subject is not None:
                raise _refuse(
                    "email_linked_elsewhere",
                    _l(
                        "An account with your e-mail address is already linked to another "
                        "login. Ask an administrator."
                    ),
                    label=label,
                    user=user,
                )
            if not verified:
                raise _refuse(
                    "email_not_verified",
                    _l(
                        "An account with your e-mail address exists, but the sign-in service "
                        "has not confirmed that the address is yours. Ask an administrator."
                    ),
                    label=label,
                    user=user,
                )
            user.oidc_issuer = mapping.issuer
            user.oidc_subject = subject
            audit.record(
                "user_updated",
                actor_label=SSO_ACTOR,
                object_type="user",
                object_id=user.id,
                details={"linked": "oidc"},
            )
        else:
            user = _create(mapping, claims, email=email, subject=subject)
            created = True
    if not user.active:
        raise _refuse(
            "inactive",
            _l("Your account in bka is turned off. Ask an administrator if you need it again."),
            label=label,
            user=user,
        )
    if not created:
        _apply_mapping(mapping, claims, user)
    audit.record("login", actor=user, details={"method": "oidc"})
    db.session.flush()
    return user


def _create(mapping: ClaimMapping, claims: Mapping[str, Any], *, email: str, subject: str) -> User:
    name = _text(claims.get(mapping.name_claim)) or email.partition("@")[0]
    role = role_for(groups_of(claims, mapping), mapping) or ROLE_MEMBER
    organisation_name = (
        _text(claims.get(mapping.organisation_claim)) if mapping.organisation_claim else ""
    )
    user = User(
        email=email,
        name=name[:NAME_LENGTH],
        password_hash=NO_PASSWORD,
        role=role,
        organisation=_organisation(organisation_name) if organisation_name else None,
        active=True,
        oidc_issuer=mapping.issuer,
        oidc_subject=subject,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user_created",
        actor_label=SSO_ACTOR,
        object_type="user",
        object_id=user.id,
        details={"email": user.email, "role": role, "active": True, "method": "oidc"},
    )
    return user


def _apply_mapping(mapping: ClaimMapping, claims: Mapping[str, Any], user: User) -> None:
    """The role and organisation as the provider says now (where a mapping is configured)."""
    changed = {}
    role = role_for(groups_of(claims, mapping), mapping)
    if role is not None and role in GLOBAL_ROLES and role != user.role:
        changed["role"] = [user.role, role]
        user.role = role
    if mapping.organisation_claim:
        name = _text(claims.get(mapping.organisation_claim))
        current = user.organisation.name if user.organisation else None
        if name and name[:ORGANISATION_LENGTH].lower() != (current or "").lower():
            user.organisation = _organisation(name)
            changed["organisation"] = [current, user.organisation.name]
    if changed:
        audit.record(
            "user_updated",
            actor_label=SSO_ACTOR,
            object_type="user",
            object_id=user.id,
            details=changed,
        )
