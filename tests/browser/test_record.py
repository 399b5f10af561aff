"""Browser journey of the on-site record on a phone (R16): an officer of the open visit fills the checklist
(each tap saved at once), the header and the enterprise's opinion; both officers sign on their own
accounts; the enterprise representative draws a signature on the officer's phone; the officer closes.
"""

import re

import pytest

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def draw_signature(page, canvas) -> None:
    """Sign with a finger: a few strokes across the pad."""
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for stroke in ([(0.1, 0.7), (0.25, 0.3), (0.4, 0.7), (0.55, 0.3)], [(0.6, 0.5), (0.75, 0.4), (0.9, 0.6)]):
        page.mouse.move(x + w * stroke[0][0], y + h * stroke[0][1])
        page.mouse.down()
        for px, py in stroke[1:]:
            page.mouse.move(x + w * px, y + h * py, steps=6)
        page.mouse.up()


def test_r16_officer_fills_the_record_enterprise_signs_officer_closes(phone, screenshot, onsite_county, open_visit):
    from clearcheck.core.blobs import blob_read
    from clearcheck.inspections.models import Visit

    county = onsite_county
    visit = open_visit()
    first, second = county["officer_users"][:2]
    page = phone

    # The checklist: one tap per entry, saved at once (htmx), nothing else to press.
    login(page, first.username)
    page.goto(f"/work/inspections/visits/{visit.pk}/record/")
    entry = page.locator(".entry").first
    expect(entry).to_contain_text("查看许可证")
    entry.locator("label", has_text=re.compile(r"^符合$")).click()
    expect(page.locator(".entry").first.locator(".save-state")).to_contain_text("已保存")
    note = page.locator(".entry").first.locator("textarea[name=note]")
    note.fill("食品生产许可证在有效期内,已在显著位置公示")
    note.blur()
    expect(page.locator(".entry").first.locator("textarea[name=note]")).to_have_value(
        "食品生产许可证在有效期内,已在显著位置公示")
    assert_fits_phone(page)
    screenshot(page, "journey-record-checklist")

    # The header: place, findings, who was present for the enterprise, and its opinion.
    header = page.locator("#header")
    header.locator("input[name=place]").fill("生产车间及原料库房")
    header.locator("textarea[name=findings_summary]").fill("现场检查许可证照、进货查验记录,未发现问题")
    header.locator("input[name=enterprise_representative]").fill("刘强")
    header.locator("input[name=representative_title]").fill("质量负责人")
    header.locator("textarea[name=enterprise_opinion]").fill("对检查情况无异议")
    header.get_by_role("button", name="保存笔录信息").click()
    expect(page.locator("#header")).to_contain_text("已保存")
    record = visit.record
    record.refresh_from_db()
    entry_row = record.entries.get()
    assert (entry_row.result, record.enterprise_representative) == ("compliant", "刘强")

    # Signatures: the officer on their own account, then the representative draws on the officer's phone.
    page.get_by_role("link", name="下一步:签名").click()
    expect(page).to_have_url(re.compile(r"/record/sign/$"))
    page.get_by_role("button", name="本人签名").click()
    expect(page.locator(".messages")).to_contain_text("已签名")
    pad = page.locator("canvas[data-signature-pad]")
    # An empty pad is not sent.
    page.get_by_role("button", name="确认签名").click()
    expect(page.locator("#signature-empty")).to_be_visible()
    draw_signature(page, pad)
    assert_fits_phone(page)
    screenshot(page, "journey-record-sign")
    page.get_by_role("button", name="确认签名").click()
    expect(page.locator(".messages")).to_contain_text("企业代表已签名")
    expect(page.locator("img.sig-img")).to_be_visible()
    signature = record.signatures.get(signer_kind="enterprise")
    assert blob_read(signature.image_sha256).startswith(b"\x89PNG")

    # Closing is refused while the second officer has not signed (R16), naming who.
    page.goto(f"/work/inspections/visits/{visit.pk}/close/")
    expect(page.locator("#close-check")).to_contain_text("尚未签名")
    login(page, second.username)
    page.goto(f"/work/inspections/visits/{visit.pk}/record/sign/")
    page.get_by_role("button", name="本人签名").click()
    expect(page.locator(".messages")).to_contain_text("已签名")

    # The officer closes the visit; the outcomes page follows.
    login(page, first.username)
    page.goto(f"/work/inspections/visits/{visit.pk}/close/")
    expect(page.locator("#close-check")).to_contain_text("笔录已填写完整")
    assert_fits_phone(page)
    screenshot(page, "journey-record-close")
    page.get_by_role("button", name="结束检查").click()
    expect(page).to_have_url(re.compile(rf"/visits/{visit.pk}/outcomes/$"))
    assert Visit.objects.get(pk=visit.pk).status == "closed"
    assert not page.js_errors, page.js_errors


def test_a_result_tapped_without_signal_is_saved_when_the_network_returns(phone, onsite_county, open_visit):
    """A workshop without signal: the tap is kept on the phone and sent once the network is back."""
    county = onsite_county
    visit = open_visit()
    page = phone
    login(page, county["officer_users"][0].username)
    page.goto(f"/work/inspections/visits/{visit.pk}/record/")
    page.wait_for_load_state("load")
    page.context.set_offline(True)
    page.locator(".entry").first.locator("label", has_text=re.compile(r"^不适用$")).click()
    expect(page.locator("#offline-state")).to_contain_text("已暂存在本机")
    entry = visit.record.entries.get()
    entry.refresh_from_db()
    assert entry.result == ""
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # what the phone fires when signal returns
    expect(page.locator("#offline-state")).to_have_text("")
    expect(page.locator(".entry").first.locator(".save-state")).to_contain_text("已保存")
    entry.refresh_from_db()
    assert entry.result == "not_applicable"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('clearcheck:record:')).length") == 0
