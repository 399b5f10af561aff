"""The enterprise's day on a phone (390×844, zh-CN), issue 19 Deliver 5: no lost input, no duplicates.

- A complaint typed before the session expired is not lost: the send is refused (the CSRF-failure page, or
  the login page when only the session went), the login returns to the form and the form is filled in again
  from the draft the browser kept; sent, it creates exactly one complaint and the draft is gone.
- The limits are shown before sending (a counter under every limited field) and nothing is cut: an over-long
  comment is not sent until it fits.
- Back and send again creates nothing, for every create form of the enterprise (complaint, evaluation,
  refusal report, recusal request).
- Logging out forgets every draft (officers and staff share phones).
"""

import datetime as dt
import re

import pytest

from tests.browser.helpers import PASSWORD, assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPLAINT = "检查人员未出示执法证件即进入车间,并要求停产半天配合检查。"
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('clearcheck:draft:'))"


def _sign_in_here(page, username: str) -> None:
    """Fill the login form the page shows (keeping its ``next``) and send it."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def ejiao(make_agency, make_enterprise, make_user):
    agency = make_agency("东阿县市场监督管理局")
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    make_user("enterprise", enterprise=enterprise, username="ejiao")
    return {"agency": agency, "enterprise": enterprise}


def test_a_complaint_typed_before_the_session_expired_is_sent_once_after_the_login(phone, screenshot, ejiao):
    from clearcheck.feedback.models import Complaint

    page = phone
    login(page, "ejiao")
    page.goto("/enterprise/complaints/new/")
    form = page.locator("#complaint-form")
    form.locator("input[name=subject]").fill("未亮证检查")
    form.locator("textarea[name=content]").fill(COMPLAINT)
    form.locator("select[name=agency_id]").select_option(label=ejiao["agency"].name)
    # The limit is shown before sending.
    expect(form.locator(".char-count").nth(1)).to_have_text(f"已输入 {len(COMPLAINT)} / 4000 字")
    assert_fits_phone(page)

    # The session is gone (cookies cleared): the send is refused, with a way back through the login.
    page.context.clear_cookies()
    form.get_by_role("button", name="提交").click()
    expect(page.locator("#error-page")).to_contain_text("页面已过期")
    assert_fits_phone(page)
    screenshot(page, "journey-enterprise-day-expired")
    page.locator("#login-again").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/enterprise/complaints/new/"))
    _sign_in_here(page, "ejiao")

    # Back at the form, with what was typed.
    expect(page).to_have_url(re.compile(r"/enterprise/complaints/new/$"))
    form = page.locator("#complaint-form")
    expect(form.locator("textarea[name=content]")).to_have_value(COMPLAINT)
    expect(form.locator("input[name=subject]")).to_have_value("未亮证检查")
    expect(form.locator("select[name=agency_id]")).to_have_value(str(ejiao["agency"].pk))
    expect(form.locator(".draft-note")).to_contain_text("已填回上次未提交的内容")
    screenshot(page, "journey-enterprise-day-restored")
    assert Complaint.objects.count() == 0
    form.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/enterprise/complaints/\d+/$"))
    expect(page.locator("main")).to_contain_text("已登记")
    assert Complaint.objects.count() == 1 and Complaint.objects.get().content == COMPLAINT
    assert page.evaluate(DRAFTS) == []  # sent: the draft is gone

    # Back and send again: still one complaint, and the page says so.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/enterprise/complaints/new/$"))
    form = page.locator("#complaint-form")
    if not form.locator("textarea[name=content]").input_value():  # the browser fetched the form anew
        form.locator("input[name=subject]").fill("未亮证检查")
        form.locator("textarea[name=content]").fill(COMPLAINT)
        form.locator("select[name=agency_id]").select_option(label=ejiao["agency"].name)
    form.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/enterprise/complaints/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("已经提交过")
    assert Complaint.objects.count() == 1

    # Its list says where each complaint stands: registered, and the days left to the reply.
    page.goto("/enterprise/complaints/")
    row = page.locator("#complaints li", has_text="未亮证检查")
    expect(row).to_contain_text("已登记")
    expect(row).to_contain_text("前答复,还剩")
    assert_fits_phone(page)
    assert not page.js_errors


def test_only_the_session_expired_the_login_returns_to_the_filled_form(phone, ejiao):
    from clearcheck.feedback.models import Complaint

    page = phone
    login(page, "ejiao")
    page.goto("/enterprise/complaints/new/")
    form = page.locator("#complaint-form")
    form.locator("input[name=subject]").fill("检查时间过长")
    form.locator("textarea[name=content]").fill("检查持续一整天。")
    page.context.clear_cookies(name="sessionid")  # the CSRF cookie stays: the login page answers
    form.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/enterprise/complaints/new/"))
    _sign_in_here(page, "ejiao")
    form = page.locator("#complaint-form")
    expect(form.locator("textarea[name=content]")).to_have_value("检查持续一整天。")
    form.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/enterprise/complaints/\d+/$"))
    assert Complaint.objects.count() == 1
    assert not page.js_errors


def test_logout_forgets_every_draft_and_another_user_never_sees_one(phone, ejiao, make_user):
    make_user("enterprise", enterprise=ejiao["enterprise"], username="ejiao-2")
    page = phone
    login(page, "ejiao")
    page.goto("/enterprise/complaints/new/")
    page.locator("textarea[name=content]").fill("写了一半的投诉")
    assert len(page.evaluate(DRAFTS)) == 1
    page.get_by_role("button", name=re.compile("退出")).click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    assert page.evaluate(DRAFTS) == []

    # A session that ran out keeps the draft in the browser, but not for the next person who signs in.
    login(page, "ejiao")
    page.goto("/enterprise/complaints/new/")
    page.locator("textarea[name=content]").fill("另一份写了一半的投诉")
    login(page, "ejiao-2")
    page.goto("/enterprise/complaints/new/")
    expect(page.locator("textarea[name=content]")).to_have_value("")
    assert page.evaluate(DRAFTS) == []
    assert not page.js_errors


def _closed_visit(make_officer, make_user, agency, enterprise):
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.visits import visit_start_non_inspection

    officer = make_officer(agency, "张明")
    officer_user = make_user("officer", agency=agency, officer=officer, username="scjg-officer")
    visit = visit_start_non_inspection(actor=officer_user, kind="patrol", purpose="日常巡查", officer_ids=[],
                                       idempotency_key="enterprise-day", enterprise_id=enterprise.pk,
                                       latitude="36.335210", longitude="116.248390")
    visit_close(actor=officer_user, visit_id=visit.pk, summary="巡查生产车间")
    return visit, officer


def test_the_evaluation_shows_its_limit_cuts_nothing_and_back_and_send_creates_nothing(
        phone, screenshot, ejiao, make_officer, make_user):
    from clearcheck.feedback.models import Evaluation

    visit, _officer = _closed_visit(make_officer, make_user, ejiao["agency"], ejiao["enterprise"])
    page = phone
    login(page, "ejiao")
    page.goto(f"/enterprise/evaluations/visits/{visit.pk}/")
    form = page.locator("#evaluation-form")
    expect(form.locator("legend", has_text="检查中是否存在下列问题(如有请勾选)")).to_be_visible()
    form.get_by_label("4 满意").check()
    form.get_by_label("检查人员刻意要求法定代表人到场").check()
    form.locator("input[name=duration_minutes]").fill("60")
    comment = form.locator("textarea[name=comment]")
    expect(form.locator(".char-count")).to_have_text("已输入 0 / 2000 字")

    # Over the limit: nothing is cut, the counter says by how much, and the form is not sent.
    comment.fill("很" * 2001)
    expect(comment).to_have_value("很" * 2001)
    expect(form.locator(".char-count")).to_have_text("超出 1 字,请删减后再提交")
    form.get_by_role("button", name="提交评价").click()
    expect(page).to_have_url(re.compile(rf"/enterprise/evaluations/visits/{visit.pk}/$"))
    assert Evaluation.objects.count() == 0
    assert_fits_phone(page)
    screenshot(page, "journey-enterprise-day-evaluation-over")

    comment.fill("很" * 2000)
    expect(form.locator(".char-count")).to_have_text("已输入 2000 / 2000 字")
    form.get_by_role("button", name="提交评价").click()
    expect(page).to_have_url(re.compile(r"/enterprise/evaluations/\d+/$"))
    evaluation = Evaluation.objects.get()
    assert evaluation.comment == "很" * 2000 and evaluation.conduct_yes == ["eight-5"]
    expect(page.locator("#conduct-answers")).to_contain_text("检查人员刻意要求法定代表人到场")

    page.go_back()
    form = page.locator("#evaluation-form")
    if not form.locator("textarea[name=comment]").input_value():  # the browser fetched the form anew
        form.get_by_label("4 满意").check()
        form.get_by_label("检查人员刻意要求法定代表人到场").check()
        form.locator("input[name=duration_minutes]").fill("60")
        form.locator("textarea[name=comment]").fill("很" * 2000)
    form.get_by_role("button", name="提交评价").click()
    expect(page).to_have_url(re.compile(rf"/enterprise/evaluations/{evaluation.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("已经提交过")
    assert Evaluation.objects.count() == 1
    assert not page.js_errors


def _send_back_and_send_again(page, fill, button: str, detail: re.Pattern) -> None:
    fill()
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(detail)
    first = page.url
    page.go_back()
    fill()  # the same again (the browser may or may not have kept what was typed)
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(first)
    expect(page.locator(".messages")).to_contain_text("已经提交过")


def test_back_and_send_again_files_one_refusal_report_and_one_recusal_request(phone, ejiao, make_officer):
    from clearcheck.core import clock
    from clearcheck.inspections.models import EntryRefusal
    from clearcheck.registry.models import RecusalRequest

    zhang = make_officer(ejiao["agency"], "张明")
    page = phone
    login(page, "ejiao")
    when = (clock.local_now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    def refusal():
        form = page.locator("#refusal-record form")
        form.locator("textarea[name=people]").fill("王某")
        form.locator("input[name=occurred_at]").fill(when)
        form.locator("textarea[name=feedback]").fill("未扫码即要求进入车间")

    page.goto("/work/inspections/refusals/")
    _send_back_and_send_again(page, refusal, "提交记录", re.compile(r"/work/inspections/refusals/\d+/$"))
    assert EntryRefusal.objects.count() == 1

    def recusal():
        form = page.locator("#recusal-file")
        form.locator("input[name=credential_no]").fill(zhang.credential_no)
        form.locator("textarea[name=reason]").fill("张明系本企业法定代表人的近亲属")

    page.goto("/work/inspections/recusals/")
    _send_back_and_send_again(page, recusal, "提交回避申请", re.compile(r"/work/inspections/recusals/\d+/$"))
    assert RecusalRequest.objects.count() == 1
    assert not page.js_errors
