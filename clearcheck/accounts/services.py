"""Account writes: users with a role, and API bearer tokens."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import connection, transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.rows import Columns, prepared_cursor, table

from .choices import AGENCY_ROLES, Role
from .login import login_succeeded, password_check
from .models import ApiToken, User
from .second_factor import second_step_check

TOKEN_PREFIX = "cc_"


def _user_errors(*, role: str, agency, enterprise, officer) -> list[FieldError]:
    errors = []
    if role not in Role.values:
        errors.append(FieldError("role", f"未知角色:{role}"))
    if role in AGENCY_ROLES and agency is None:
        errors.append(FieldError("agency", "机关用户必须属于一个行政检查主体"))
    if role not in AGENCY_ROLES and agency is not None:
        errors.append(FieldError("agency", "只有机关用户可以关联机关"))
    if role == Role.ENTERPRISE and enterprise is None:
        errors.append(FieldError("enterprise", "企业账户必须关联一个企业"))
    if role != Role.ENTERPRISE and enterprise is not None:
        errors.append(FieldError("enterprise", "只有企业账户可以关联企业"))
    if officer is not None and (role != Role.OFFICER or officer.agency_id != getattr(agency, "pk", None)):
        errors.append(FieldError("officer", "执法人员档案须属于同一机关,且账户角色为执法人员"))
    return errors


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, role: str, display_name: str = "", agency=None, enterprise=None,
    officer=None,
) -> User:
    """Create an account with exactly one role and the scope that role needs."""
    errors = _user_errors(role=role, agency=agency, enterprise=enterprise, officer=officer)
    if not username or User.objects.filter(username=username).exists():
        errors.append(FieldError("username", "用户名为空或已被使用"))
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, role=role, display_name=display_name, agency=agency, enterprise=enterprise,
                officer=officer)
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor, action="user.create", subject=user,
        after={"username": username, "role": role, "agency": getattr(agency, "pk", None),
               "enterprise": getattr(enterprise, "pk", None), "officer": getattr(officer, "pk", None)},
    )
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_issue(*, username: str, password: str, name: str = "", address: str = "unknown",
                    otp: str = "") -> tuple[str, ApiToken]:
    """Exchange a username and password (and, for a role that needs it, a one-time code) for a bearer token
    (returned once, stored as a hash). Throttled like the web login (``accounts.throttle``): the failures it
    counts are committed even though the request is refused, so the check runs outside the token's own
    transaction.
    """
    user, keys = password_check(username=username, password=password, address=address)
    second_step_check(user=user, keys=keys, code=otp)
    login_succeeded(keys)
    return _api_token_create(user=user, name=name)


@transaction.atomic
def _api_token_create(*, user: User, name: str) -> tuple[str, ApiToken]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    record = ApiToken.objects.create(
        user=user, name=name, key_hash=_token_hash(token), prefix=token[:10], created_at=now,
        expires_at=now + dt.timedelta(hours=settings.CLEARCHECK["API_TOKEN_HOURS"]),
    )
    audit_record(actor=user, action="api_token.issue", subject=record,
                 after={"prefix": record.prefix, "expires_at": record.expires_at})
    return token, record


_TOKEN_COLUMNS, _USER_COLUMNS = Columns(ApiToken, "k"), Columns(User, "u")


def api_token_authenticate(*, token: str) -> User | None:
    """The user of a live token, or None (unknown, expired, revoked, inactive user)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # Every API request asks this: one hand-written SELECT instead of the ORM's, whose compilation cost
    # more than the look-up itself (docs/performance.md §4).
    sql = (f"SELECT {_TOKEN_COLUMNS.sql}, {_USER_COLUMNS.sql} FROM {table(ApiToken)} k "  # noqa: S608 — _meta names
           f"JOIN {table(User)} u ON u.id = k.user_id "
           "WHERE k.key_hash = %s AND k.revoked_at IS NULL AND k.expires_at > %s")
    with prepared_cursor() as cursor:
        cursor.execute(sql, [_token_hash(token), connection.ops.adapt_datetimefield_value(clock.now())])
        row = cursor.fetchone()
    if row is None:
        return None
    record = _TOKEN_COLUMNS.build(row)
    record.user = _USER_COLUMNS.build(row, len(_TOKEN_COLUMNS))
    if not record.user.is_active:
        return None
    record.user.api_token = record
    return record.user




@transaction.atomic
def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (the bureau may revoke anyone's)."""
    qs = ApiToken.objects.select_for_update()
    if actor.role != Role.BUREAU:
        qs = qs.filter(user=actor)
    record = qs.filter(pk=token_id).first()
    if record is None:
        raise NotFound("令牌不存在")
    if record.revoked_at is None:
        record.revoked_at = clock.now()
        record.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", subject=record, after={"revoked_at": record.revoked_at})
    return record
