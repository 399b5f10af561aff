"""Industry handbooks (一业一册, clause 六(十六)): published versions are immutable (ARCHITECTURE principle 6),
only the bureau and agency admins edit drafts, only the bureau publishes, the public reads the version in
force and the history; drafts never leak.
"""

import pytest
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.disclosure import services
from clearcheck.disclosure.choices import HandbookStatus
from clearcheck.disclosure.models import HandbookVersion

from .conftest import SECTIONS

pytestmark = pytest.mark.django_db


def test_bureau_publishes_v1_with_snapshot_and_audit(handbook_published):
    v1 = handbook_published["v1"]
    assert v1.status == HandbookStatus.PUBLISHED and v1.number == 1 and len(v1.sha256) == 64
    actions = set(AuditEvent.objects.filter(action__startswith="handbook.").values_list("action", flat=True))
    assert actions == {"handbook.create", "handbook.draft_update", "handbook.publish"}


def test_editing_a_published_version_is_refused_and_changes_nothing(hb_county, handbook_published):
    v1 = handbook_published["v1"]
    for actor in (hb_county["users"]["bureau"], hb_county["users"]["agency_admin"]):
        with pytest.raises(Conflict, match="不可修改"):
            services.handbook_draft_update(actor=actor, version_id=v1.pk, sections={"summary": "改写历史"})
    v1.refresh_from_db()
    assert v1.summary == SECTIONS["summary"] and "改写历史" not in v1.snapshot


def test_publishing_again_is_refused(hb_county, handbook_published):
    with pytest.raises(Conflict):
        services.handbook_publish(actor=hb_county["users"]["bureau"], version_id=handbook_published["v1"].pk)


def test_agency_admin_edits_a_draft_but_only_the_bureau_publishes(hb_county, handbook_published):
    admin = hb_county["users"]["agency_admin"]
    draft = services.handbook_draft_start(actor=admin, handbook_id=handbook_published["handbook"].pk)
    assert draft.number == 2 and draft.summary == SECTIONS["summary"]
    assert set(draft.items.values_list("pk", flat=True)) == {hb_county["items"]["drug"].pk}  # copied from v1
    services.handbook_draft_update(actor=admin, version_id=draft.pk, sections={"summary": "第二版概述"},
                                   item_ids=[hb_county["items"]["drug"].pk, hb_county["items"]["licence"].pk])
    with pytest.raises(PermissionDenied):
        services.handbook_publish(actor=admin, version_id=draft.pk)
    v2 = services.handbook_publish(actor=hb_county["users"]["bureau"], version_id=draft.pk)
    assert v2.status == HandbookStatus.PUBLISHED
    handbook_published["v1"].refresh_from_db()
    assert handbook_published["v1"].status == HandbookStatus.SUPERSEDED


@pytest.mark.parametrize("role", ["government", "discipline", "agency_head", "department_head", "officer",
                                  "enterprise"])
def test_other_roles_cannot_edit_or_publish(hb_county, handbook_published, role):
    actor = hb_county["users"][role]
    handbook = handbook_published["handbook"]
    with pytest.raises(PermissionDenied):
        services.handbook_draft_start(actor=actor, handbook_id=handbook.pk)
    draft = services.handbook_draft_start(actor=hb_county["users"]["bureau"], handbook_id=handbook.pk)
    with pytest.raises(PermissionDenied):
        services.handbook_draft_update(actor=actor, version_id=draft.pk, sections={"summary": "x"})
    with pytest.raises(NotFound):
        services.handbook_publish(actor=actor, version_id=draft.pk)
    with pytest.raises(PermissionDenied):
        services.handbook_create(actor=actor, industry_code="1499", slug="food", title="食品")


def test_agency_admin_cannot_add_or_remove_another_agencys_items(hb_county, handbook_published):
    draft = services.handbook_draft_start(actor=hb_county["users"]["bureau"],
                                          handbook_id=handbook_published["handbook"].pk)
    safety = hb_county["items"]["safety"].pk
    with pytest.raises(ValidationFailed, match="本机关"):
        services.handbook_draft_update(actor=hb_county["users"]["agency_admin"], version_id=draft.pk, sections={},
                                       item_ids=[hb_county["items"]["drug"].pk, safety])
    services.handbook_draft_update(actor=hb_county["other_admin"], version_id=draft.pk, sections={},
                                   item_ids=[hb_county["items"]["drug"].pk, safety])
    assert draft.items.filter(pk=safety).exists()


def test_only_published_items_of_listed_agencies_may_be_linked(hb_county, handbook_published):
    from clearcheck.catalog import services as catalog

    draft_item = catalog.item_create(actor=hb_county["users"]["agency_admin"], code="SCJG-099", name="草稿事项",
                                     legal_basis="某法", object_scope="企业", method="现场检查")
    draft = services.handbook_draft_start(actor=hb_county["users"]["bureau"],
                                          handbook_id=handbook_published["handbook"].pk)
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_draft_update(actor=hb_county["users"]["bureau"], version_id=draft.pk, sections={},
                                       item_ids=[draft_item.pk], no_penalty_ids=["x"])
    assert [e.field for e in exc.value.errors] == ["no_penalty_ids"]
    with pytest.raises(ValidationFailed, match="已公布清单"):
        services.handbook_draft_update(actor=hb_county["users"]["bureau"], version_id=draft.pk, sections={},
                                       item_ids=[draft_item.pk])


def test_one_draft_at_a_time(hb_county, handbook_published):
    bureau = hb_county["users"]["bureau"]
    services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    with pytest.raises(Conflict, match="已有修订草稿"):
        services.handbook_draft_start(actor=hb_county["users"]["agency_admin"],
                                      handbook_id=handbook_published["handbook"].pk)
    assert HandbookVersion.objects.filter(status=HandbookStatus.DRAFT).count() == 1


def test_publish_needs_the_required_sections(hb_county):
    bureau = hb_county["users"]["bureau"]
    handbook = services.handbook_create(actor=bureau, industry_code="2740", slug="ejiao", title="阿胶")
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_publish(actor=bureau, version_id=handbook.versions.get().pk)
    fields = {e.field for e in exc.value.errors}
    assert {"summary", "licences", "penalties", "credit_repair", "item_ids"} <= fields
    assert handbook.versions.get().status == HandbookStatus.DRAFT


def test_bad_input_is_named(hb_county, handbook_published):
    bureau = hb_county["users"]["bureau"]
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_create(actor=bureau, industry_code="9999", slug="Bad Slug", title="")
    assert {e.field for e in exc.value.errors} == {"slug", "title"}
    with pytest.raises(Conflict):
        services.handbook_create(actor=bureau, industry_code="2740", slug="ejiao-2", title="重复")
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_draft_update(actor=bureau, version_id=draft.pk,
                                       sections={"summary": "a\x00b", "licences": "x" * 20_001, "html": "x"})
    assert {e.field for e in exc.value.errors} == {"html"}
    with pytest.raises(ValidationFailed) as exc:
        services.handbook_draft_update(actor=bureau, version_id=draft.pk,
                                       sections={"summary": "a\x00b", "licences": "x" * 20_001})
    assert {e.field for e in exc.value.errors} == {"summary", "licences"}


# --- public pages ----------------------------------------------------------------------------------


def test_anonymous_reads_the_version_in_force_and_the_history(hb_county, handbook_published):
    bureau = hb_county["users"]["bureau"]
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    services.handbook_draft_update(actor=bureau, version_id=draft.pk, sections={"summary": "草稿中的新概述"})
    client = Client()
    page = client.get("/public/handbooks/ejiao/").content.decode()
    assert "东阿是阿胶的故乡" in page and "草稿中的新概述" not in page  # drafts never leak
    assert "SCJG-002 药品生产质量管理规范符合性检查" in page and "未按规定公示营业执照" in page
    assert f'href="/public/agencies/{hb_county["agency"].pk}/items/"' in page
    services.handbook_publish(actor=bureau, version_id=draft.pk)
    page = client.get("/public/handbooks/ejiao/").content.decode()
    assert "草稿中的新概述" in page and "?v=1" in page
    old = client.get("/public/handbooks/ejiao/?v=1").content.decode()
    assert "东阿是阿胶的故乡" in old and "历史版本" in old
    assert client.get("/public/handbooks/ejiao/?v=9").status_code == 404
    assert client.get("/public/handbooks/ejiao/?v=abc").status_code == 404
    listing = client.get("/public/handbooks/").content.decode()
    assert "阿胶行业依法经营指引" in listing


def test_a_handbook_in_its_first_draft_is_not_public(hb_county):
    services.handbook_create(actor=hb_county["users"]["bureau"], industry_code="2740", slug="ejiao", title="阿胶")
    client = Client()
    assert client.get("/public/handbooks/ejiao/").status_code == 404
    assert "阿胶" not in client.get("/public/handbooks/").content.decode().split("<main>")[1]


def test_sections_are_plain_text_never_html(hb_county, handbook_published):
    bureau = hb_county["users"]["bureau"]
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    services.handbook_draft_update(actor=bureau, version_id=draft.pk,
                                   sections={"summary": '<script>alert(1)</script>第一段\n\n第二段'})
    services.handbook_publish(actor=bureau, version_id=draft.pk)
    page = Client().get("/public/handbooks/ejiao/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<p>第二段</p>" in page


def test_published_page_shows_the_frozen_snapshot_after_the_catalog_changes(hb_county, handbook_published):
    from clearcheck.catalog.models import InspectionItem

    # A later rename in the catalog does not rewrite what v1 published (principle 6).
    InspectionItem.objects.filter(pk=hb_county["items"]["drug"].pk).update(name="改名后的事项")
    page = Client().get("/public/handbooks/ejiao/").content.decode()
    assert "药品生产质量管理规范符合性检查" in page and "改名后的事项" not in page


def test_public_pages_query_counts(hb_county, handbook_published, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(6):
        assert client.get("/public/handbooks/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/public/handbooks/ejiao/").status_code == 200


# --- workspace pages -------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bureau_creates_edits_and_publishes_through_the_pages(hb_county):
    client = _client(hb_county["users"]["bureau"])
    response = client.post("/work/handbooks/new/", {"industry_code": "2740", "slug": "ejiao", "title": "阿胶指引"})
    assert response.status_code == 302
    version = HandbookVersion.objects.get()
    data = {**SECTIONS, "item_ids": [hb_county["items"]["drug"].pk], "change_note": "首次发布"}
    assert client.post(f"/work/handbooks/versions/{version.pk}/", data).status_code == 302
    assert client.post(f"/work/handbooks/versions/{version.pk}/publish/").status_code == 302
    version.refresh_from_db()
    assert version.status == HandbookStatus.PUBLISHED
    page = client.get(f"/work/handbooks/versions/{version.pk}/").content.decode()
    assert "不可修改" in page and 'name="summary"' not in page
    response = client.post(f"/work/handbooks/versions/{version.pk}/", {**data, "summary": "改写"}, follow=True)
    assert "不可修改" in response.content.decode()
    version.refresh_from_db()
    assert version.summary == SECTIONS["summary"]


def test_agency_admin_sees_no_publish_button_and_is_refused(hb_county, handbook_published):
    bureau, admin = hb_county["users"]["bureau"], hb_county["users"]["agency_admin"]
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    client = _client(admin)
    page = client.get(f"/work/handbooks/versions/{draft.pk}/").content.decode()
    assert 'name="summary"' in page and "/publish/" not in page
    client.post(f"/work/handbooks/versions/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == HandbookStatus.DRAFT


@pytest.mark.parametrize("role", ["government", "agency_head", "officer", "enterprise"])
def test_workspace_is_the_editors_only(hb_county, handbook_published, role):
    client = _client(hb_county["users"][role])
    assert client.get("/work/handbooks/").status_code == 404
    assert client.get(f"/work/handbooks/versions/{handbook_published['v1'].pk}/").status_code == 404


def test_agency_admin_form_locks_other_agencies_items_and_keeps_them(hb_county, handbook_published):
    bureau, admin = hb_county["users"]["bureau"], hb_county["users"]["agency_admin"]
    drug, safety = hb_county["items"]["drug"].pk, hb_county["items"]["safety"].pk
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook_published["handbook"].pk)
    services.handbook_draft_update(actor=bureau, version_id=draft.pk, sections={}, item_ids=[drug, safety])
    client = _client(admin)
    page = client.get(f"/work/handbooks/versions/{draft.pk}/").content.decode()
    assert f'value="{safety}" checked disabled' in page and f'<input type="hidden" name="item_ids" value="{safety}">' in page
    # What the browser submits: its own ticked item, the other agency's kept by the hidden field.
    response = client.post(f"/work/handbooks/versions/{draft.pk}/", {**SECTIONS, "item_ids": [drug, safety]})
    assert response.status_code == 302
    assert set(draft.items.values_list("pk", flat=True)) == {drug, safety}
