"""Who may change an enterprise's registered data (issue 17, ADR 0018): the agency that keeps the entity's
register (by the USCC's registration-authority code) and the bureau; every other agency keeps only its own
notes. Enforced in the services, so web, API and import alike.
"""

import pytest
from django.test import Client
from django.urls import reverse

from clearcheck.accounts.choices import Role
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.exchange.services import import_run
from clearcheck.registry import services
from clearcheck.registry.models import Enterprise, EnterpriseNote
from clearcheck.registry.validators import uscc_check_digit

from .factories import DONGE, agency_make, enterprise_make, uscc_make, user_make

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _social_organisation_uscc(serial: int = 1) -> str:
    # 5 (民政) 1 (社会团体): a register the market-regulation bureau does not keep.
    body = f"51{DONGE}MJ{serial:07d}"
    return body + uscc_check_digit(body)


@pytest.fixture
def county(bureau, keeper_agency, keeper_admin):
    other = agency_make(actor=bureau, name="东阿县应急管理局(测试)")
    return {
        "bureau": bureau, "keeper": keeper_agency, "keeper_admin": keeper_admin, "other": other,
        "other_admin": user_make(Role.AGENCY_ADMIN, agency=other),
        "enterprise": enterprise_make(actor=bureau, name="东阿县兴业阿胶有限公司"),
    }


def test_another_agencys_admin_cannot_rename_an_enterprise_by_api(county):
    enterprise = county["enterprise"]
    events = AuditEvent.objects.count()
    response = _client(county["other_admin"]).patch(
        f"/api/enterprises/{enterprise.pk}", {"name": "被改名的企业"}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert "登记机关" in response.json()["detail"]
    enterprise.refresh_from_db()
    assert enterprise.name == "东阿县兴业阿胶有限公司"
    assert AuditEvent.objects.count() == events  # nothing written


def test_the_registers_keeper_and_the_bureau_may_change_registered_data(county):
    enterprise = county["enterprise"]
    response = _client(county["keeper_admin"]).patch(
        f"/api/enterprises/{enterprise.pk}", {"address": "山东省聊城市东阿县阿胶街南段8号"},
        content_type="application/json")
    assert response.status_code == 200 and response.json()["address"].endswith("南段8号")
    services.enterprise_update(actor=county["bureau"], enterprise_id=enterprise.pk, name="东阿县兴业阿胶股份有限公司")
    enterprise.refresh_from_db()
    assert enterprise.name == "东阿县兴业阿胶股份有限公司"
    assert AuditEvent.objects.filter(action="enterprise.update", subject_id=enterprise.pk).count() == 2


def test_the_keeper_may_not_touch_another_register_nor_move_an_entity_into_it(county):
    social = enterprise_make(actor=county["bureau"], uscc=_social_organisation_uscc(), entity_type="unincorporated",
                             name="东阿县阿胶行业协会")
    with pytest.raises(PermissionDenied, match="民政"):
        services.enterprise_update(actor=county["keeper_admin"], enterprise_id=social.pk, name="改名")
    with pytest.raises(PermissionDenied, match="民政"):  # moving an entity into a register it does not keep
        services.enterprise_update(actor=county["keeper_admin"], enterprise_id=county["enterprise"].pk,
                                   uscc=_social_organisation_uscc(2))
    with pytest.raises(PermissionDenied, match="民政"):
        enterprise_make(actor=county["keeper_admin"], uscc=_social_organisation_uscc(3), entity_type="unincorporated")
    assert not Enterprise.objects.filter(uscc__in=[_social_organisation_uscc(2), _social_organisation_uscc(3)]).exists()


@pytest.mark.parametrize("role", [Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD, Role.OFFICER, Role.GOVERNMENT,
                                  Role.DISCIPLINE])
def test_other_roles_of_any_agency_cannot_change_registered_data(county, role):
    agency = county["keeper"] if role in (Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD, Role.OFFICER) else None
    officer = None
    if role == Role.OFFICER:
        from .factories import officer_make

        officer = officer_make(actor=county["bureau"], agency=agency)
    actor = user_make(role, agency=agency, officer=officer)
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=actor, enterprise_id=county["enterprise"].pk, name="改名")


def test_an_agency_that_keeps_no_register_cannot_register_an_enterprise(county):
    response = _client(county["other_admin"]).post("/api/enterprises", {
        "uscc": uscc_make(), "name": "东阿县新设阿胶有限公司", "entity_type": "legal_person", "region": DONGE,
        "industry": "2740"}, content_type="application/json")
    assert response.status_code == 403
    page = _client(county["other_admin"]).post(reverse("registry:enterprise_create"), {
        "uscc": uscc_make(), "name": "东阿县新设阿胶有限公司", "entity_type": "legal_person", "region": DONGE,
        "industry": "2740"})
    assert page.status_code == 200 and not Enterprise.objects.filter(name="东阿县新设阿胶有限公司").exists()


def test_the_enterprise_file_offers_the_edit_form_only_to_the_keeper_and_notes_to_the_other(county):
    url = reverse("registry:enterprise_detail", args=[county["enterprise"].pk])
    other = _client(county["other_admin"]).get(url).content.decode()
    assert "修改登记信息" not in other and "本机关备注" in other and "东阿县市场监督管理局(测试)维护" in other
    keeper = _client(county["keeper_admin"]).get(url).content.decode()
    assert "修改登记信息" in keeper
    # A forged edit POST from the other agency changes nothing.
    _client(county["other_admin"]).post(url, {"name": "被改名的企业", "uscc": county["enterprise"].uscc})
    county["enterprise"].refresh_from_db()
    assert county["enterprise"].name == "东阿县兴业阿胶有限公司"


def test_notes_are_the_agencys_own_and_the_bureau_sees_all(county):
    enterprise = county["enterprise"]
    url = reverse("registry:enterprise_detail", args=[enterprise.pk])
    response = _client(county["other_admin"]).post(url, {"action": "note", "text": "入企请走南门",
                                                         "correction_requested": "1"})
    assert response.status_code == 302
    note = EnterpriseNote.objects.get()
    assert note.agency == county["other"] and note.correction_requested
    assert AuditEvent.objects.filter(action="enterprise_note.add", subject_id=note.pk).exists()
    assert "入企请走南门" in _client(county["other_admin"]).get(url).content.decode()
    assert "入企请走南门" in _client(county["bureau"]).get(url).content.decode()
    assert "入企请走南门" not in _client(county["keeper_admin"]).get(url).content.decode()
    account = user_make(Role.ENTERPRISE, enterprise=enterprise)
    assert "入企请走南门" not in _client(account).get(url).content.decode()
    api = _client(county["keeper_admin"]).get(f"/api/enterprises/{enterprise.pk}/notes").json()
    assert api["items"] == []
    api = _client(county["bureau"]).get(f"/api/enterprises/{enterprise.pk}/notes").json()
    assert [n["text"] for n in api["items"]] == ["入企请走南门"]
    assert _client(account).post(f"/api/enterprises/{enterprise.pk}/notes", {"text": "x"},
                                 content_type="application/json").status_code == 403


def test_a_note_keeps_what_was_typed_when_refused(county):
    url = reverse("registry:enterprise_detail", args=[county["enterprise"].pk])
    long_text = "很长的备注" * 500
    page = _client(county["other_admin"]).post(url, {"action": "note", "text": long_text}).content.decode()
    assert "不超过 2000 字" in page and long_text in page
    assert not EnterpriseNote.objects.exists()


def test_import_by_another_agency_is_refused_and_the_keeper_imports_only_its_register(county):
    header = "统一社会信用代码,企业名称,主体类型,行政区划代码,行业代码\r\n"
    social = _social_organisation_uscc()
    data = (header + f"{county['enterprise'].uscc},改名企业,legal_person,{DONGE},2740\r\n"
            f"{social},东阿县阿胶行业协会,unincorporated,{DONGE},2740\r\n").encode()
    with pytest.raises(PermissionDenied, match="不维护企业登记"):
        import_run(actor=county["other_admin"], kind="enterprises", filename="e.csv", data=data)
    job = import_run(actor=county["keeper_admin"], kind="enterprises", filename="e.csv", data=data)
    assert job.status == "rejected" and job.rows_failed == 1
    assert "民政" in job.errors and '"line":3' in job.errors.replace(" ", "")
    county["enterprise"].refresh_from_db()
    assert county["enterprise"].name == "东阿县兴业阿胶有限公司"  # all or nothing
    job = import_run(actor=county["bureau"], kind="enterprises", filename="e.csv", data=data)
    assert job.status == "committed"


def test_a_register_is_kept_by_one_agency_with_known_codes(county):
    with pytest.raises(ValidationFailed, match="一个登记只能由一个机关维护"):
        services.agency_update(actor=county["bureau"], agency_id=county["other"].pk, register_authorities="9",
                               reason="测试")
    with pytest.raises(ValidationFailed, match="登记管理部门代码无效"):
        services.agency_update(actor=county["bureau"], agency_id=county["other"].pk, register_authorities="Q",
                               reason="测试")
    agency = services.agency_update(actor=county["bureau"], agency_id=county["other"].pk,
                                    register_authorities="5, N", reason="民政、农业登记由本机关维护")
    assert agency.register_authorities == "5N" and agency.version == 2
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=county["keeper_admin"], agency_id=county["keeper"].pk,
                               register_authorities="59", reason="越权")
