"""The enterprise's forms lose nothing and create nothing twice (issue 19, Deliver 5): limits shown before
sending and matching the services, over-long text refused with the field's label and what was typed kept
(422), never cut; a line break counts once; the evaluation sent twice creates one (R27); its conduct
questions read as the behaviour observed; the forms keep drafts under a per-user key; the CSRF-failure page
offers the login back to the form.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from clearcheck.feedback.choices import CONDUCT_CODES, CONDUCT_QUESTIONS, CONDUCT_RULES
from clearcheck.feedback.models import Complaint, Evaluation
from clearcheck.feedback.services.complaints import MAX_TEXT
from clearcheck.feedback.services.evaluations import MAX_COMMENT
from clearcheck.feedback.tests.fixtures import *  # noqa: F403
from clearcheck.inspections.selectors.visits import CONDUCT_PROHIBITIONS

pytestmark = pytest.mark.django_db

EVALUATION = {"score": "4", "duration_minutes": "45", "conduct_yes": ["eight-5"]}


def _client(user, **kw) -> Client:
    client = Client(**kw)
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_r27_conduct_questions_read_as_the_behaviour_observed_under_the_same_codes():
    """Ticking one reports a breach: each question names what the officers did, not the rule (issue 19)."""
    codes = [code for code, _text in CONDUCT_QUESTIONS]
    assert codes == [f"five-{i}" for i in range(1, 6)] + [f"eight-{i}" for i in range(1, 9)]
    assert frozenset(codes) == CONDUCT_CODES
    for _code, text in CONDUCT_QUESTIONS:
        assert not str(text).startswith(("严禁", "不得")), text
    labels = dict(CONDUCT_QUESTIONS)
    assert str(labels["five-1"]) == "检查人员以罚代管、逐利检查(为罚款、收费而检查)"
    assert str(labels["eight-5"]) == "检查人员刻意要求法定代表人到场"
    # Each keeps the rule it breaches, quoted as the notice has it.
    assert [str(CONDUCT_RULES[c]) for c in codes] == [str(t) for t in CONDUCT_PROHIBITIONS["five"]
                                                      + CONDUCT_PROHIBITIONS["eight"]]


def test_r27_evaluation_form_asks_about_problems_and_shows_the_services_limit(feedback_county, closed_visit):
    visit = closed_visit()
    body = _client(feedback_county["enterprise_user"]).get(f"/enterprise/evaluations/visits/{visit.pk}/")
    html = body.content.decode()
    assert "检查中是否存在下列问题(如有请勾选)" in html and "是否存在下列情形" not in html
    assert "检查人员刻意要求法定代表人到场" in html and "违反“不得刻意要求法定代表人到场”" in html
    assert re.search(r'<textarea name="comment"[^>]* maxlength="(\d+)"', html).group(1) == str(MAX_COMMENT)
    assert re.search(r'<form[^>]*id="evaluation-form"[^>]* data-draft', html)


def test_r27_an_over_long_comment_is_refused_with_its_label_and_kept_never_cut(feedback_county, closed_visit):
    visit = closed_visit()
    client = _client(feedback_county["enterprise_user"])
    comment = "很" * (MAX_COMMENT + 1)
    response = client.post(f"/enterprise/evaluations/visits/{visit.pk}/", {**EVALUATION, "comment": comment})
    assert response.status_code == 422
    assert _messages(response) == [f"意见建议:不超过 {MAX_COMMENT} 字(现为 {MAX_COMMENT + 1} 字)"]
    html = response.content.decode()
    assert comment in html and 'value="eight-5" checked' in html and 'value="45"' in html
    assert not Evaluation.objects.exists()


def test_r27_a_line_break_counts_once_as_the_counter_showed(feedback_county, closed_visit):
    """Browsers send a textarea's line break as CR LF; the limit counts it as the one character shown."""
    visit = closed_visit()
    comment = "甲" * 999 + "\r\n" + "乙" * 1000  # 2,000 characters on the page
    response = _client(feedback_county["enterprise_user"]).post(
        f"/enterprise/evaluations/visits/{visit.pk}/", {**EVALUATION, "comment": comment})
    assert response.status_code == 302
    assert Evaluation.objects.get().comment == "甲" * 999 + "\n" + "乙" * 1000


def test_r27_the_evaluation_sent_twice_creates_one_and_leads_to_it(feedback_county, closed_visit):
    """Back and send (or a double tap): the second send leads to the evaluation given, not to an error."""
    visit = closed_visit()
    client = _client(feedback_county["enterprise_user"])
    data = {**EVALUATION, "comment": "检查规范"}
    first = client.post(f"/enterprise/evaluations/visits/{visit.pk}/", data)
    again = client.post(f"/enterprise/evaluations/visits/{visit.pk}/", data)
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert Evaluation.objects.count() == 1
    assert "这份评价已经提交过,没有重复提交" in client.get(again["Location"]).content.decode()


def test_an_over_long_complaint_comes_back_with_its_label_and_what_was_typed(feedback_county):
    client = _client(feedback_county["enterprise_user"])
    html = client.get("/enterprise/complaints/new/").content.decode()
    assert f'maxlength="{MAX_TEXT}"' in html and re.search(r'<form[^>]*id="complaint-form"[^>]* data-draft', html)
    content = "长" * (MAX_TEXT + 1)
    response = client.post("/enterprise/complaints/new/", {"subject": "检查过于频繁", "content": content})
    assert response.status_code == 422
    assert _messages(response) == [f"内容:不超过 {MAX_TEXT} 字(现为 {MAX_TEXT + 1} 字)"]
    assert content in response.content.decode() and 'value="检查过于频繁"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_draft_key_is_per_user_stable_and_not_the_username(feedback_county):
    from clearcheck.accounts.templatetags.drafts import draft_key

    user, other = feedback_county["enterprise_user"], feedback_county["other_enterprise_user"]
    key = draft_key(user)
    assert re.fullmatch(r"[0-9a-f]{24}", key) and key == draft_key(user) and key != draft_key(other)
    assert user.username not in key and draft_key(AnonymousUser()) == ""
    # Rendered in every page's head for the script; empty for the signed-out.
    signed_in = _client(user).get("/enterprise/complaints/new/").content.decode()
    assert f'<meta name="clearcheck-forms" content="{key}"' in signed_in
    assert '<meta name="clearcheck-forms" content=""' in Client().get("/accounts/login/").content.decode()


def test_the_csrf_failure_page_offers_the_login_back_to_the_form(feedback_county):
    """A send after the session expired (no CSRF cookie left) answers in Chinese, with the login returning to
    the form, where the browser's draft fills it in again."""
    response = Client(enforce_csrf_checks=True).post("/enterprise/complaints/new/", {"content": "未亮证检查"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert 'id="login-again" href="/accounts/login/?next=/enterprise/complaints/new/"' in html
    assert not Complaint.objects.exists()
