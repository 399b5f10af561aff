"""Evidence over HTTP (R18): the API (multipart add, tus-like chunks with 409 + offset, HEAD, verified
download, keyset list) and the pages (list with upload form, the no-script form post, the verified file);
roles and scoping (an officer not in the visit gets 404, the enterprise sees hashes but not the files).
"""

import json

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import flip_byte, jpeg, meta, pdf, sha
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

CHUNK = "application/offset+octet-stream"


def client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def form_meta(officer, **overrides) -> dict:
    values = meta(officer, **overrides)
    if values["captured_at"] is not None:
        values["captured_at"] = values["captured_at"].isoformat()
    return {k: v for k, v in values.items() if v is not None}


def api_add(team, data: bytes, name="现场.jpg", who="first", **overrides):
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = team[who]
    body = {**form_meta(team["first"].officer, **overrides), "file": SimpleUploadedFile(name, data)}
    body.pop("captured_by")  # the uploading officer by default
    return client(user).post(f"/api/visits/{team['visit'].pk}/evidence", body)


def api_create(c, visit, data: bytes, officer, **overrides):
    body = {**form_meta(officer, **overrides), "size": len(data), "sha256": sha(data)}
    return c.post(f"/api/visits/{visit.pk}/evidence-uploads", json.dumps(body), content_type="application/json")


def patch(c, upload_id, data: bytes, offset: int):
    return c.patch(f"/api/evidence-uploads/{upload_id}", data, content_type=CHUNK,
                   headers={"Upload-Offset": str(offset)})


# --- API ----------------------------------------------------------------------------------------------

def test_r18_api_adds_a_small_file_with_its_metadata(team):
    data = jpeg(2000)
    response = api_add(team, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == sha(data) and body["content_type"] == "image/jpeg" and body["size"] == 2000
    assert body["captured_by_id"] == team["first"].officer_id and body["original_name"] == "现场.jpg"
    assert body["file_url"] == f"/api/evidence/{body['id']}/file"
    file = client(team["second"]).get(body["file_url"])
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"
    assert b"".join(file.streaming_content) == data
    assert file["ETag"] == f'"{sha(data)}"'


def test_r18_api_names_every_missing_field_in_the_problem(team):
    response = api_add(team, jpeg(), proves="", latitude=None, captured_at=None)
    assert response.status_code == 422
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert problem["rule"] == "R18"
    assert {e["field"] for e in problem["errors"]} == {"proves", "latitude", "captured_at"}


def test_api_refuses_a_jpg_that_is_really_a_pdf(team):
    response = api_add(team, pdf(), name="photo.jpg")
    assert response.status_code == 422
    assert "PDF" in response.json()["errors"][0]["message"]


def test_chunked_upload_over_the_api_with_409_and_resume(team):
    data = jpeg(10_000)
    c = client(team["first"])
    created = api_create(c, team["visit"], data, team["first"].officer)
    assert created.status_code == 201, created.content
    upload = created.json()
    assert created["Location"] == f"/api/evidence-uploads/{upload['id']}" and upload["offset"] == 0
    first = patch(c, upload["id"], data[:4096], 0)
    assert first.status_code == 200 and first.json()["offset"] == 4096 and first["Upload-Offset"] == "4096"
    # A retry of the same chunk (its answer was lost): 409 with where to continue.
    again = patch(c, upload["id"], data[:4096], 0)
    assert again.status_code == 409 and again["Upload-Offset"] == "4096" and again.json()["offset"] == 4096
    assert again["Content-Type"].startswith("application/problem+json")
    head = c.head(f"/api/evidence-uploads/{upload['id']}")
    assert head.status_code == 200 and head["Upload-Offset"] == "4096" and head["Upload-Length"] == "10000"
    done = patch(c, upload["id"], data[4096:], 4096)
    assert done.status_code == 200 and done.json()["status"] == "complete"
    evidence_id = done.json()["evidence_id"]
    assert c.get(f"/api/evidence/{evidence_id}").json()["sha256"] == sha(data)
    resumed = api_create(c, team["visit"], data, team["first"].officer)
    assert resumed.status_code == 409  # already evidence of this visit


def test_api_create_again_resumes_with_200(team):
    data = jpeg(9000)
    c = client(team["first"])
    upload = api_create(c, team["visit"], data, team["first"].officer).json()
    patch(c, upload["id"], data[:5000], 0)
    again = api_create(c, team["visit"], data, team["first"].officer)
    assert again.status_code == 200 and again.json()["id"] == upload["id"] and again.json()["offset"] == 5000


def test_api_chunk_errors_are_problems(team, settings):
    settings.CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES = 1000
    data = jpeg(9000)
    c = client(team["first"])
    upload = api_create(c, team["visit"], data, team["first"].officer).json()
    too_big = patch(c, upload["id"], data[:1001], 0)
    assert too_big.status_code == 413 and too_big["Content-Type"].startswith("application/problem+json")
    missing = c.patch(f"/api/evidence-uploads/{upload['id']}", data[:10], content_type=CHUNK)
    assert missing.status_code == 422
    abort = c.delete(f"/api/evidence-uploads/{upload['id']}")
    assert abort.status_code == 204
    assert c.get(f"/api/evidence-uploads/{upload['id']}").json()["status"] == "aborted"
    assert c.get("/api/evidence-uploads/not-a-uuid").status_code in (404, 422)


def test_uploads_are_the_uploaders_own(team, outsider):
    data = jpeg(9000)
    upload = api_create(client(team["first"]), team["visit"], data, team["first"].officer).json()
    for user in (team["second"], outsider, team["county"]["bureau"]):
        c = client(user)
        assert c.get(f"/api/evidence-uploads/{upload['id']}").status_code == 404
        assert patch(c, upload["id"], data[:10], 0).status_code == 404
        assert c.delete(f"/api/evidence-uploads/{upload['id']}").status_code == 404


def test_list_is_keyset_paged(team):
    for i in range(3):
        assert api_add(team, jpeg(seed=bytes([i]))).status_code == 201
    c = client(team["second"])
    page = c.get(f"/api/visits/{team['visit'].pk}/evidence?limit=2").json()
    assert len(page["items"]) == 2 and page["next_cursor"] == page["items"][1]["id"]
    rest = c.get(f"/api/visits/{team['visit'].pk}/evidence?limit=2&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_corrupted_file_answers_409_and_raises_the_r18_alert(team):
    from clearcheck.alerts.models import Alert

    evidence = api_add(team, jpeg(3000)).json()
    flip_byte(evidence["sha256"])
    response = client(team["first"]).get(evidence["file_url"])
    assert response.status_code == 409
    assert response.json()["type"].endswith("evidence-corrupted") and "已损坏" in response.json()["detail"]
    assert Alert.objects.filter(rule_id="R18", subject_id=str(evidence["id"])).count() == 1
    page = client(team["first"]).get(f"/work/inspections/evidence/{evidence['id']}/file/")
    assert page.status_code == 409 and "证据文件已损坏" in page.content.decode()


def test_large_files_are_checked_while_streaming(team, settings):
    settings.CLEARCHECK_EVIDENCE_VERIFY_FIRST_MAX_BYTES = 1000
    data = jpeg(300_000)
    evidence = api_add(team, data).json()
    response = client(team["first"]).get(evidence["file_url"])
    assert response.status_code == 200 and response["Content-Length"] == "300000"
    assert b"".join(response.streaming_content) == data


# --- roles and scoping ---------------------------------------------------------------------------------

def test_an_officer_not_in_the_visit_gets_404(team, outsider):
    evidence = api_add(team, jpeg()).json()
    c = client(outsider)
    assert c.get(f"/api/visits/{team['visit'].pk}/evidence").status_code == 404
    assert c.get(f"/api/evidence/{evidence['id']}").status_code == 404
    assert c.get(f"/api/evidence/{evidence['id']}/file").status_code == 404
    assert c.get(f"/work/inspections/visits/{team['visit'].pk}/evidence/").status_code == 404
    assert c.get(f"/work/inspections/evidence/{evidence['id']}/file/").status_code == 404
    assert api_create(c, team["visit"], jpeg(), outsider.officer).status_code == 404


def test_the_enterprise_sees_the_hashes_but_only_the_files_it_provided(team):
    photo = api_add(team, jpeg()).json()
    licence = api_add(team, pdf(), name="许可证.pdf", kind="document", origin="enterprise").json()
    c = client(team["county"]["enterprise_user"])
    items = {e["id"]: e for e in c.get(f"/api/visits/{team['visit'].pk}/evidence").json()["items"]}
    assert items[photo["id"]]["sha256"] == photo["sha256"] and items[photo["id"]]["file_url"] is None
    assert items[licence["id"]]["file_url"]
    assert c.get(f"/api/evidence/{photo['id']}/file").status_code == 404
    assert c.get(f"/api/evidence/{licence['id']}/file").status_code == 200
    page = c.get(f"/work/inspections/visits/{team['visit'].pk}/evidence/").content.decode()
    assert photo["sha256"] in page and 'id="evidence-form"' not in page
    refused = api_add({**team, "company": team["county"]["enterprise_user"]}, pdf(seed=b"e"), who="company",
                      kind="document", origin="enterprise")
    assert refused.status_code == 403  # the enterprise's documents are handed to an officer, who uploads them


@pytest.mark.parametrize(("role", "status"), [("bureau", 200), ("head", 200), ("admin", 200)])
def test_supervisors_and_the_agency_read_evidence(team, role, status):
    evidence = api_add(team, jpeg()).json()
    user = team["county"][role]
    c = client(user)
    assert c.get(f"/api/evidence/{evidence['id']}").status_code == status
    assert c.get(f"/api/evidence/{evidence['id']}/file").status_code == status
    page = c.get(f"/work/inspections/visits/{team['visit'].pk}/evidence/")
    assert page.status_code == status and 'id="evidence-form"' not in page.content.decode()


def test_the_county_government_reads_no_evidence(team, make_user_plain):
    evidence = api_add(team, jpeg()).json()
    c = client(make_user_plain("government"))
    assert c.get(f"/api/evidence/{evidence['id']}").status_code == 404
    assert c.get(f"/work/inspections/visits/{team['visit'].pk}/evidence/").status_code == 404


# --- pages ---------------------------------------------------------------------------------------------

def test_the_page_offers_the_phone_upload_form_to_a_confirmed_officer(team):
    page = client(team["first"]).get(f"/work/inspections/visits/{team['visit'].pk}/evidence/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="evidence-form"' in html and 'capture="environment"' in html
    assert "evidence-upload.js" in html and team["visit"].enterprise.name in html
    config = json.loads(page.context["config"])
    assert config["createUrl"] == f"/api/visits/{team['visit'].pk}/evidence-uploads"
    assert config["maxBytes"]["photo"] == 20 * 1024 * 1024 and config["maxBytes"]["video"] == 2048 * 1024 * 1024


def test_the_form_post_without_script_adds_evidence(team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = jpeg(1500)
    local = clock.local_now().strftime("%Y-%m-%dT%H:%M:%S")
    c = client(team["first"])
    response = c.post(f"/work/inspections/visits/{team['visit'].pk}/evidence/", {
        "kind": "photo", "proves": "灭火器过期", "captured_at": local, "latitude": "36.335210",
        "longitude": "116.248390", "datum": "wgs84", "captured_by": team["first"].officer_id,
        "origin": "captured", "file": SimpleUploadedFile("fire.jpg", data),
    }, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and sha(data) in html and "灭火器过期" in html
    refused = c.post(f"/work/inspections/visits/{team['visit'].pk}/evidence/", {
        "kind": "photo", "proves": "", "file": SimpleUploadedFile("x.jpg", jpeg(seed=b"r")),
    }, follow=True)
    assert "R18" in refused.content.decode() and "证明事项" in refused.content.decode()


def test_the_form_without_a_position_says_so_and_stamps_no_address(team):
    """No position: the page says 未取得位置 before and after; the enterprise's address never stands in."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clearcheck.inspections.models import Evidence

    url = f"/work/inspections/visits/{team['visit'].pk}/evidence/"
    c = client(team["first"])
    form = c.get(url).content.decode()
    enterprise = team["visit"].enterprise
    assert "未取得位置" in form and str(enterprise.latitude) not in form
    local = clock.local_now().strftime("%Y-%m-%dT%H:%M:%S")
    response = c.post(url, {
        "kind": "photo", "proves": "消防通道堵塞", "captured_at": local, "latitude": "", "longitude": "",
        "no_position": "1", "datum": "wgs84", "captured_by": team["first"].officer_id, "origin": "captured",
        "file": SimpleUploadedFile("exit.jpg", jpeg(1700)),
    }, follow=True)
    record = Evidence.objects.get(proves="消防通道堵塞")
    assert record.latitude is None and record.longitude is None
    html = response.content.decode()
    card = html.split(f'id="evidence-{record.pk}"')[1].split("</section>")[0]
    assert "未取得位置" in card and "WGS-84" not in card


def test_the_api_upload_states_no_position(team):
    data = jpeg(1800)
    response = client(team["first"]).post(
        f"/api/visits/{team['visit'].pk}/evidence-uploads", json.dumps({
            "kind": "photo", "proves": "无定位", "captured_at": clock.now().isoformat(), "size": len(data),
            "sha256": sha(data), "no_position": True}), content_type="application/json")
    assert response.status_code in (200, 201), response.content


def test_the_file_page_serves_the_verified_bytes_with_their_type(team):
    evidence = api_add(team, pdf(), name="笔录附件.pdf", kind="document").json()
    response = client(team["first"]).get(f"/work/inspections/evidence/{evidence['id']}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf()
    assert "inline" in response["Content-Disposition"]
    photo = api_add(team, jpeg()).json()
    response = client(team["first"]).get(f"/work/inspections/evidence/{photo['id']}/file/")
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
