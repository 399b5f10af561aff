"""A test-only API mounted beside the real one: handlers that raise each kind of domain error."""

from django.urls import path
from ninja import Schema

from clearcheck.core.api import api_create
from clearcheck.core.errors import Conflict, FieldError, RuleViolation, ValidationFailed
from config.urls import urlpatterns as platform_urlpatterns

api = api_create(title="problem test api", version="test", urls_namespace="problem_test_api")


class OfficerIn(Schema):
    """A payload with a required field."""

    credential_no: str
    officers: list[int]


@api.post("/rule", auth=None)
def refuse_by_rule(request, payload: OfficerIn):
    """A rule refuses a particular field."""
    raise RuleViolation("R14", "至少两名执法人员", field="officers")


@api.get("/rule-plain", auth=None)
def refuse_plain(request):
    """A rule refuses without naming a field."""
    raise RuleViolation("R12")


@api.get("/validation", auth=None)
def fail_validation(request):
    """A service reports several bad fields."""
    raise ValidationFailed([FieldError("rows[3].uscc", "校验位错误"), FieldError("valid_to", "早于有效期起")])


@api.get("/conflict", auth=None)
def conflict(request):
    """The subject's state forbids the action."""
    raise Conflict("已发布的版本不可修改")


@api.get("/crash", auth=None)
def crash(request):
    """An unexpected error."""
    raise ValueError("boom")


urlpatterns = [path("api/problem-test/", api.urls), *platform_urlpatterns]
