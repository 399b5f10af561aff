"""Registry pages: who reaches what, forms that call the services, public pages."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from clearcheck.accounts.choices import Role
from clearcheck.registry.models import Agency, AgencyList, Enterprise, Officer

from .factories import (
    agency_list_publish_all,
    agency_make,
    enterprise_make,
    officer_make,
    uscc_make,
    user_make,
)

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_agency_list_page_shows_workflow_buttons_by_role(bureau, government, agency):
    page = _client(bureau).get(reverse("registry:agency_list"))
    assert page.status_code == 200 and agency.name in page.content.decode()
    assert 'value="draft"' in page.content.decode()
    response = _client(bureau).post(reverse("registry:agency_list"), {"action": "draft", "note": "首版"})
    assert response.status_code == 302
    record = AgencyList.objects.get()
    _client(bureau).post(reverse("registry:agency_list"), {"action": "review", "list_id": record.pk})
    page = _client(government).get(reverse("registry:agency_list")).content.decode()
    assert 'value="approve"' in page and 'value="reject"' in page and 'value="draft"' not in page
    _client(government).post(reverse("registry:agency_list"), {"action": "approve", "list_id": record.pk})
    _client(bureau).post(reverse("registry:agency_list"), {"action": "publish", "list_id": record.pk})
    assert Agency.objects.get(pk=agency.pk).listed is True


def test_wrong_role_on_the_page_shows_an_error_and_changes_nothing(bureau, government, agency):
    _client(bureau).post(reverse("registry:agency_list"), {"action": "draft"})
    record = AgencyList.objects.get()
    response = _client(government).post(reverse("registry:agency_list"), {"action": "review", "list_id": record.pk},
                                        follow=True)
    assert "司法局" in response.content.decode()
    assert AgencyList.objects.get().status == "draft"


def test_bureau_creates_and_edits_an_agency_on_the_page(bureau):
    data = {"action": "create", "code": "WJ", "name": "东阿县卫生健康局", "kind": "administrative_organ",
            "legal_basis": "《基本医疗卫生与健康促进法》", "region": "371524", "parent": "", "reason": "确认"}
    assert _client(bureau).post(reverse("registry:agency_list"), data).status_code == 302
    agency = Agency.objects.get(code="WJ")
    page = _client(bureau).post(reverse("registry:agency_detail", args=[agency.pk]),
                                {**data, "status": "active", "name": "东阿县卫生健康局(新)", "reason": ""})
    assert page.status_code == 200 and "请填写变更理由" in page.content.decode()
    _client(bureau).post(reverse("registry:agency_detail", args=[agency.pk]),
                         {**data, "status": "active", "name": "东阿县卫生健康局(新)", "reason": "更名"})
    agency.refresh_from_db()
    assert agency.version == 2 and "更名" in _client(bureau).get(
        reverse("registry:agency_detail", args=[agency.pk])).content.decode()


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.ENTERPRISE])
def test_agency_list_page_is_for_county_roles_only(bureau, agency, role):
    user = user_make(role, agency=agency if role == Role.AGENCY_ADMIN else None,
                     enterprise=enterprise_make(actor=bureau) if role == Role.ENTERPRISE else None)
    assert _client(user).get(reverse("registry:agency_list")).status_code == 404
    assert _client().get(reverse("registry:agency_list")).status_code == 302  # to the login page


def test_officer_list_shows_qualification_badge_with_rule_id(bureau, agency, agency_admin):
    officer_make(agency=agency, actor=bureau, personnel_type="grid_worker", name="网格员甲")
    page = _client(agency_admin).get(reverse("registry:officer_list")).content.decode()
    assert "网格员甲" in page and "R12" in page


def test_agency_admin_creates_an_officer_and_sees_field_errors(agency, agency_admin):
    data = {"name": "赵六", "credential_no": "C-1", "valid_from": "2025-01-01", "valid_to": "2024-01-01",
            "status": "valid", "personnel_type": "enforcement"}
    page = _client(agency_admin).post(reverse("registry:officer_list"), data)
    assert page.status_code == 200 and "有效期止不得早于有效期起" in page.content.decode()
    assert not Officer.objects.exists()
    response = _client(agency_admin).post(reverse("registry:officer_list"), {**data, "valid_to": "2099-01-01"})
    officer = Officer.objects.get()
    assert response.status_code == 302 and officer.agency_id == agency.pk
    detail = _client(agency_admin).get(reverse("registry:officer_detail", args=[officer.pk])).content.decode()
    assert "登记执法人员" in detail and "officer.create" not in detail


def test_officer_detail_of_another_agency_is_404(bureau, other_agency, agency_admin):
    theirs = officer_make(agency=other_agency, actor=bureau)
    assert _client(agency_admin).get(reverse("registry:officer_detail", args=[theirs.pk])).status_code == 404


def test_enterprise_pages_search_create_and_file(bureau, keeper_admin):
    agency_admin = keeper_admin  # ADR 0018: the register's keeper registers enterprises
    enterprise_make(actor=bureau, name="东阿阿胶股份有限公司")
    page = _client(agency_admin).get(reverse("registry:enterprise_list"), {"q": "阿胶"}).content.decode()
    assert "东阿阿胶股份有限公司" in page
    data = {"uscc": uscc_make(), "name": "东阿县某饭店", "entity_type": "individual_business", "region": "371524",
            "industry": "6210", "latitude": "36.33539", "longitude": "116.24758", "coordinate_datum": "gcj02",
            "status": "operating", "legal_representative": "", "address": ""}
    bad = _client(agency_admin).post(reverse("registry:enterprise_create"), {**data, "industry": "9999"})
    assert bad.status_code == 200 and "GB/T 4754-2017" in bad.content.decode()
    response = _client(agency_admin).post(reverse("registry:enterprise_create"), data)
    enterprise = Enterprise.objects.get(uscc=data["uscc"])
    assert response.status_code == 302
    file = _client(agency_admin).get(reverse("registry:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "GCJ-02" in file and "登记企业" in file and str(enterprise.latitude) in file


def test_enterprise_account_sees_its_own_file_only(bureau):
    own, other = enterprise_make(actor=bureau), enterprise_make(actor=bureau)
    account = _client(user_make(Role.ENTERPRISE, enterprise=own))
    assert account.get(reverse("registry:enterprise_detail", args=[own.pk])).status_code == 200
    assert account.get(reverse("registry:enterprise_detail", args=[other.pk])).status_code == 404
    assert account.get(reverse("registry:enterprise_create")).status_code == 404


def test_public_agency_pages(bureau, government):
    listed = agency_make(actor=bureau, name="东阿县市场监督管理局")
    agency_list_publish_all(bureau=bureau, government=government)
    unlisted = agency_make(actor=bureau)
    anonymous = _client()
    page = anonymous.get(reverse("registry_public:agency_list"), {"q": "市场"}).content.decode()
    assert "东阿县市场监督管理局" in page and reverse("registry_public:agency_detail", args=[listed.pk]) in page
    detail = anonymous.get(reverse("registry_public:agency_detail", args=[listed.pk])).content.decode()
    assert f"/public/agencies/{listed.pk}/items/" in detail and "第 1 版" in detail
    assert anonymous.get(reverse("registry_public:agency_detail", args=[unlisted.pk])).status_code == 404
    history = anonymous.get(reverse("registry_public:agency_list_history")).content.decode()
    assert "东阿县市场监督管理局" in history


def test_admin_is_read_only_for_every_registry_model(bureau):
    request = RequestFactory().get("/admin/")
    request.user = bureau
    for model in (Agency, AgencyList, Officer, Enterprise):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
