"""The 一公开 hub (/public/), the home page and the rights guide: public, linked, and showing the audit-chain
head so outsiders can detect rewriting (R30); the guide's numbers come from settings.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_hub_shows_the_audit_chain_head(hb_county):
    from clearcheck.audit.selectors import checkpoint_latest
    from clearcheck.audit.services import audit_seal

    audit_seal()
    checkpoint = checkpoint_latest()
    page = Client().get("/public/").content.decode()
    assert f'<dd id="chain-length">{checkpoint.length}</dd>' in page
    assert checkpoint.head_hash in page
    assert 'href="/public/audit/"' in page


@pytest.mark.parametrize("href", ["/public/agencies/", "/public/special-plans/", "/public/draws/", "/public/outcomes/",
                                  "/public/notices/", "/public/burden/", "/public/rights/", "/public/handbooks/",
                                  "/public/rules/"])
def test_hub_links_every_published_thing(db, href):
    assert f'href="{href}"' in Client().get("/public/").content.decode()


def test_hub_lists_published_handbooks_and_query_count(hb_county, handbook_published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = Client().get("/public/").content.decode()
    assert "阿胶行业依法经营指引" in page


def test_home_links_the_hub(db):
    page = Client().get("/").content.decode()
    assert 'href="/public/"' in page and 'href="/public/rights/"' in page


def test_rights_guide_reads_its_numbers_from_settings(db, settings):
    settings.CLEARCHECK_EVALUATION_WINDOW_DAYS = 20
    settings.CLEARCHECK_CHECKIN_RADIUS_M = 450
    page = Client().get("/public/rights/").content.decode()
    assert "检查结束后 20 日内" in page and "450 米" in page
    for clause in ("四(八)", "四(九)", "五(十二)", "七(二十)"):
        assert clause in page
    for channel in ("12345", "工商联", "企业联系点", "社会监督员"):
        assert channel in page
    assert "严禁逐利检查" in page and "原则上不主动检查" in page


def test_workspace_links_handbooks_for_editors_only(make_user):
    def page(role):
        client = Client()
        client.force_login(make_user(role))
        return client.get("/work/").content.decode()

    assert 'href="/work/handbooks/"' in page("bureau")
    assert 'href="/work/handbooks/"' in page("agency_admin")
    assert 'href="/work/handbooks/"' not in page("officer")


def test_issue19_rule_modes_and_the_audit_time_read_as_words_and_local_time(county):
    import re

    from django.test import Client

    from clearcheck.audit.services import audit_record, audit_seal

    client = Client()
    rules = client.get("/public/rules/").content.decode()
    assert "拒绝办理" in rules and "预警" in rules and ">BLOCK<" not in rules and ">ALERT<" not in rules
    audit_record(actor=None, action="demo.mark", subject=("test", "1"))
    audit_seal()
    head = client.get("/public/audit/").content.decode()
    shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', head)
    assert shown and "T" in shown.group(1) and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", shown.group(2))
    utc_hour = int(shown.group(1)[11:13])
    assert int(shown.group(2)[11:13]) == (utc_hour + 8) % 24  # Asia/Shanghai
