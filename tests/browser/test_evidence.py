"""Browser journey of evidence on a phone (R18): an officer of an open visit takes a photo, says what it
proves, and uploads it in small chunks; one chunk's connection drops, the page asks the server for the
offset and resumes; the photo is then listed with its capture place and its SHA-256.
"""

import hashlib
import re

import pytest

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_bytes() -> bytes:
    """A small JPEG-headed file (about 5 KB, so a 1 KB chunk size makes several chunks)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 20


def test_r18_officer_uploads_a_photo_in_chunks_and_resumes_after_a_dropped_connection(
        phone, screenshot, settings, onsite_county, open_visit):
    from clearcheck.inspections.models import Evidence, EvidenceUpload

    settings.CLEARCHECK_EVIDENCE_CHUNK_BYTES = 1024
    visit = open_visit()
    officer = onsite_county["officer_users"][0]
    page = phone
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.33531, "longitude": 116.24851, "accuracy": 12})

    patches: list[str] = []

    def flaky(route, request):
        if request.method == "PATCH":
            patches.append(request.headers.get("upload-offset", ""))
            if len(patches) == 3:  # the third chunk's connection drops
                return route.abort("connectionreset")
        return route.continue_()

    page.route(re.compile(r".*/api/evidence-uploads/.*"), flaky)

    login(page, officer.username)
    page.goto(f"/work/inspections/visits/{visit.pk}/evidence/")
    form = page.locator("#evidence-form")
    expect(form).to_be_visible()
    expect(page.locator("#evidence-capture")).to_have_attribute("capture", "environment")
    expect(page.locator("#evidence-place")).to_contain_text("当前定位")
    data = photo_bytes()
    page.locator("#evidence-capture").set_input_files(files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                                              "buffer": data}])
    expect(page.locator("#evidence-chosen")).to_contain_text("IMG_0001.jpg")
    form.locator("textarea[name=proves]").fill("成品库地面积水,原料未离地存放")
    assert_fits_phone(page)
    screenshot(page, "journey-evidence-form")
    form.get_by_role("button", name="上传证据").click()

    digest = hashlib.sha256(data).hexdigest()
    card = page.locator(".evidence", has_text=digest)
    expect(card).to_be_visible(timeout=30_000)
    expect(card).to_contain_text("成品库地面积水")
    expect(card).to_contain_text("36.335310, 116.248510")
    expect(card.locator("code.sha256")).to_have_text(digest)
    assert_fits_phone(page)
    screenshot(page, "journey-evidence-listed")

    record = Evidence.objects.get()
    assert record.sha256 == digest and record.size == len(data) and record.content_type == "image/jpeg"
    assert record.captured_by == officer.officer and record.original_name == "IMG_0001.jpg"
    upload = EvidenceUpload.objects.get()
    assert upload.status == "complete" and upload.evidence == record
    # Several 1 KB chunks; the dropped third one was sent again from the offset the server reported.
    assert len(patches) >= len(data) // 1024 + 1 and patches[2] == patches[3] == "2048"
    assert not page.js_errors

    # The file opens with its own content type, checked against its SHA-256.
    response = page.request.get(f"/work/inspections/evidence/{record.pk}/file/")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.body() == data


def test_the_pages_sha256_matches_the_servers_for_large_files(phone, onsite_county, open_visit):
    """The incremental SHA-256 the page uses for files too big to hold in memory agrees with hashlib."""
    visit = open_visit()
    login(phone, onsite_county["officer_users"][0].username)
    phone.goto(f"/work/inspections/visits/{visit.pk}/evidence/")
    for size in (0, 55, 64, 1000, 5 * 1024 * 1024 + 3):
        digest = phone.evaluate(
            """async (size) => {
                 const bytes = new Uint8Array(size);
                 for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 255;
                 return window.ClearCheckEvidence.sha256Incremental(new Blob([bytes]));
               }""", size)
        expected = hashlib.sha256(bytes((i * 31 + 7) & 255 for i in range(size))).hexdigest()
        assert digest == expected, size
