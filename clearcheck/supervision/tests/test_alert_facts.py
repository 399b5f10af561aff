"""An alert reads like a report (issue 19): its 触发事实 are labelled fields with local times and links to the
objects by name, its history says what people did, and rules carry their names («R29 拒绝未扫码入企»).
"""

import re

import pytest
from django.test import Client
from django.utils import translation

from clearcheck.supervision.alert_facts import alert_facts_present

DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_facts_are_labelled_formatted_and_never_raw():
    with translation.override("zh-hans"):
        facts = alert_facts_present({
            "refusal": 999999, "occurred_at": "2026-12-07T21:30:00+08:00", "deadline": "2026-03-31",
            "source": "complaint", "limit": "tier:D", "conduct_yes": [], "score": 1, "missing": None,
            "problem": "result not revealed", "enterprise_name": "隐藏", "kind": "urgent_over_cap",
            "agency": "东阿县大数据局", "finding": 4,
        })
    shown = {f.label: f for f in facts}
    assert shown["拒绝入企登记"].text == "#999999" and shown["拒绝入企登记"].url == ""  # gone: no dead link
    assert shown["发生时间"].text == "2026年12月7日 21:30"
    assert shown["期限"].text == "2026年3月31日"
    assert shown["任务来源"].text == "投诉举报"
    assert shown["触及的上限"].text == "风险等级 D 的年度上限"
    assert shown["反映的违规情形"].text == "无"
    assert shown["问题"].text == "抽取结果逾期未公开"
    assert shown["情形"].text == "紧急检查超出年度上限"
    assert shown["其他"].text == "—"
    assert shown["涉及机关"].text == "东阿县大数据局" and shown["检查发现"].text == "#4"
    assert "隐藏" not in {f.text for f in facts}
    assert [f.label for f in facts][:2] == ["涉及机关", "拒绝入企登记"]  # objects first, in the table's order


def test_r29_alert_links_the_refusal_and_reads_as_words(demo_database):
    """The demo's R29 alert (an enterprise refused an unscanned entry): the refusal, enterprise and agency are
    links by name, the time is local, the history says «发出预警»; the inbox names the rules.
    """
    from clearcheck.accounts.models import User
    from clearcheck.alerts.models import Alert

    alert = Alert.objects.filter(rule_id="R29").order_by("pk").first()
    assert alert is not None
    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    page = client.get(f"/work/alerts/{alert.pk}/").content.decode()
    facts = page[page.index('id="alert-facts"'):page.index("</dd>", page.index('id="alert-facts"'))]
    refusal_id = alert.subject_id
    assert f'href="/work/inspections/refusals/{refusal_id}/"' in facts
    assert 'href="/work/registry/enterprises/' in facts and "拒绝入企登记" in facts and "发生时间" in facts
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", facts)
    assert "R29 拒绝未扫码入企" in page
    text = _text(page)
    assert "发出预警" in text and "alert.raise" not in text
    assert not ISO.search(text) and not DOTTED.search(text)
    assert not re.search(r"\b(occurred_at|refusal|agency_name|enterprise_name)\b", text)

    inbox = client.get("/work/alerts/").content.decode()
    assert "R29 拒绝未扫码入企" in inbox and '<option value="R05"' in inbox and "R05 年度计划备案" in inbox
    for other in Alert.objects.exclude(rule_id="R29")[:20]:  # every kind of alert the demo holds renders
        response = client.get(f"/work/alerts/{other.pk}/")
        assert response.status_code == 200
        assert not ISO.search(_text(response.content.decode()))
