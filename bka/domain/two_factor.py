"""Two-factor authentication: TOTP (RFC 6238, 30-second steps, 6 digits) and recovery codes.

A code is accepted for the current step and one step either side (clock drift), and never twice:
the last accepted step is stored and only later steps are accepted after it. Ten recovery codes
of 80 random bits are shown once when TOTP is switched on; only their SHA-256 is stored and each
works once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from bka.domain import audit, throttle
from bka.domain.errors import DomainError, FieldError, Throttled
from bka.extensions import db
from bka.models import RecoveryCode, User

ISSUER = "bka"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand
_RECOVERY_LENGTH = 24  # 24 characters from 31: about 119 bits (ASVS 6.5.2: 112 or more); 6 x 4
_TOTP_PATTERN = re.compile(r"^\d{6}$")


def required(user: User, roles) -> bool:
    """Whether configuration (REQUIRE_TOTP_FOR) makes TOTP compulsory for the user's role."""
    return user.role in set(roles or ())


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an authenticator app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step (±1 around now) whose code is `code` and which comes after `after`."""
    code = _clean(code)
    if not _TOTP_PATTERN.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_code(user: User, code: str, now: datetime) -> str | None:
    """'totp' or 'recovery_code' if `code` is a current TOTP code not used before or an unused
    recovery code (which is then spent), else None."""
    if not user.has_totp:
        return None
    step = _matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "totp"
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = now
        audit.record("recovery_code_used", actor=user, object_type="user", object_id=user.id)
        return "recovery_code"
    return None


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(c)) for c in codes)
    return codes


def enable(user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Switch TOTP on once the user shows a code from the new secret; returns the recovery
    codes, to be shown once."""
    if user.has_totp:
        raise DomainError(_l("Two-factor authentication is already on."))
    step = _matching_step(secret, code, now, None)
    if step is None:
        raise FieldError(
            "code",
            _l("The code is not right. Enter the 6 digits your app shows now."),
        )
    user.totp_secret = secret
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    audit.record("totp_enabled", actor=user, object_type="user", object_id=user.id)
    db.session.flush()
    return codes


def disable(
    hasher, config, user: User, *, password: str, code: str, address: str | None, now: datetime
) -> None:
    """Switch TOTP off with the password and a current code or a recovery code. Wrong ones
    count as failed logins (bka.domain.throttle); the caller commits even when this raises."""
    if required(user, config["REQUIRE_TOTP_FOR"]):
        raise DomainError(
            _l("Your role requires two-factor authentication, so it cannot be turned off.")
        )
    keys = throttle.keys_for(user.email, address)
    wait = throttle.wait_seconds(keys, now)
    if wait:
        raise Throttled(wait)
    error = None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        error = FieldError("password", _l("The password is incorrect."))
    if error is None and check_code(user, code, now) is None:
        error = FieldError("code", _l("The code is not right or has already been used."))
    if error is not None:
        audit.record("totp_disabled", actor=user, outcome=audit.FAILURE)
        wait = throttle.record_failure(config, keys, now)
        if wait:
            raise Throttled(wait)
        raise error
    turn_off_for(user)
    audit.record("totp_disabled", actor=user, object_type="user", object_id=user.id)
    db.session.flush()


def turn_off_for(user: User) -> None:
    """Forget the secret and the recovery codes (the caller audits)."""
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )
