"""Helpers for thin Django views: role gates and turning domain errors into form messages."""

import hashlib
import re
import time
from functools import lru_cache, wraps

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .context import refusal_note
from .errors import DomainError, RuleViolation, ValidationFailed

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ROW = re.compile(r"rows?\[(\d+)\]")
# Names that mean different things in different models (or are not model fields): the plain word for each.
GENERIC_LABELS = {
    "name": "名称", "code": "编码", "title": "标题", "content": "内容", "description": "描述", "note": "说明",
    "reason": "理由", "comment": "意见", "feedback": "反馈意见", "deadline": "期限", "score": "评分",
    "window_start": "开始日期", "window_end": "结束日期", "annual_cap": "年度上限", "legal_person": "法定代表人",
    "address": "地址", "phone": "联系电话", "place": "地点", "people": "来访人员", "items": "检查事项",
    "entries": "条目", "officers": "执法人员", "username": "用户名", "password": "密码", "region": "行政区划",
    "industry": "行业", "agency": "检查机关", "enterprise": "企业", "status": "状态", "kind": "类别",
    "year": "年度", "file": "文件", "data": "文件内容", "legal_basis": "法律依据", "conditions": "适用条件",
}


def role_required(*roles: str):
    """Allow only signed-in users with one of ``roles``; others get the login page (anonymous) or 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def permission_required(permission: str):
    """Like ``role_required``, for apps below accounts, which know no role: allow only signed-in users that
    hold ``permission`` (``user.has_perm``; the accounts app grants it by role); others get the login page
    (anonymous) or 404.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_perm(permission):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@lru_cache(maxsize=1)
def _field_labels() -> dict[str, str]:
    """Field name → its Chinese label (the models' ``verbose_name``), for names that mean one thing everywhere."""
    seen: dict[str, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            label = str(getattr(field, "verbose_name", "") or "")
            if _CJK.search(label):
                seen.setdefault(field.name, set()).add(label)
    unique = {name: labels.pop() for name, labels in seen.items() if len(labels) == 1}
    return {**unique, **GENERIC_LABELS}


def field_error_text(field: str, message: str, labels: dict[str, str] | None = None) -> str:
    """One field's error as a person reads it: the field's Chinese label (never its code name), or the message
    alone when it already names the field or no label is known; a row of an import keeps its number.
    """
    name = field.rsplit(".", 1)[-1]
    label = (labels or {}).get(name) or _field_labels().get(name, "")
    text = message if not label or label in message else f"{label}:{message}"
    row = _ROW.search(field)
    return f"第 {int(row.group(1)) + 1} 行 {text}" if row else text


def error_text(exc: DomainError, labels: dict[str, str] | None = None) -> str:
    """A domain error as one line for a page: the rule ID and clause when a rule refused; Chinese field labels
    for a validation failure (the API keeps the field names in its problem documents).
    """
    if isinstance(exc, RuleViolation):
        refusal_note(rule=exc.rule.id, clause=exc.rule.clause)  # the request's log line names the rule (issue 21)
        return f"{exc.rule.id}({exc.rule.clause}):{exc.plain}"
    if isinstance(exc, ValidationFailed) and exc.errors:
        return ";".join(field_error_text(e.field, e.message, labels) for e in exc.errors)
    return exc.detail


def form_labels(form) -> dict[str, str]:
    """A Django form's field labels by field name, for ``error_text``."""
    return {name: str(field.label) for name, field in form.fields.items() if field.label}


def error_message(request, exc: DomainError, labels: dict[str, str] | None = None) -> None:
    """Show a domain error on the next page (``error_text``)."""
    messages.error(request, error_text(exc, labels))


# --- Create forms submitted once (issue 19) ---------------------------------------------------------------
# The first POST of a create form creates; the user's session remembers where it led under a key made of the
# form's path and everything typed. The same form sent again within the hour (Back and send, a double tap, a
# reload of the POST) leads there instead of creating a second record, even when the browser fetched the
# form anew. Kept in the session: officers share phones, and a logout forgets it.
_FORM_ONCE_SESSION = "form_once"
_FORM_ONCE_KEEP = 50
_FORM_ONCE_SECONDS = 3600
_FORM_ONCE_IGNORED = {"csrfmiddlewaretoken"}


def _form_once_key(request) -> str:
    typed = sorted((name, value) for name, values in request.POST.lists() if name not in _FORM_ONCE_IGNORED
                   for value in values)
    return hashlib.sha256(repr((request.path, typed)).encode()).hexdigest()[:32]


def form_once_done(request) -> str | None:
    """Where the same form with the same content led when it was sent within the hour; else None."""
    seen = request.session.get(_FORM_ONCE_SESSION, {}).get(_form_once_key(request))
    if seen and time.time() - seen[1] < _FORM_ONCE_SECONDS:
        return seen[0]
    return None


def form_once_record(request, url: str) -> None:
    """Remember that this POST created what ``url`` shows (the newest ``_FORM_ONCE_KEEP`` are kept)."""
    used = dict(request.session.get(_FORM_ONCE_SESSION, {}))
    used[_form_once_key(request)] = [url, int(time.time())]
    request.session[_FORM_ONCE_SESSION] = dict(list(used.items())[-_FORM_ONCE_KEEP:])
