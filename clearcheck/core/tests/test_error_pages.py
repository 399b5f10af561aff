"""Issue 19: the error pages speak Chinese in the site's layout — 400, 403, 404, 500 and a CSRF failure
(an expired session) — never Django's bare English pages, and the 500 page needs no database or user.
"""

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_issue19_a_missing_page_is_chinese_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回首页" in body and 'class="top"' in body
    assert "Not Found" not in body and "The requested resource" not in body


def test_issue19_a_domain_404_reads_the_same(county):
    client = Client()
    client.force_login(county["users"]["enterprise"])
    body = client.get("/enterprise/visits/99999999/").content.decode()
    assert "页面不存在" in body and "返回工作台" in body


def test_issue19_an_expired_form_says_what_to_do_in_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in body and "返回上一页" in body
    assert "DEBUG" not in body and "CSRF verification failed" not in body


def test_issue19_the_server_error_page_needs_no_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "系统暂时出错" in body and "Server Error" not in body


@pytest.mark.parametrize("view, text", [(defaults.permission_denied, "无权访问"), (defaults.bad_request, "请求有误")])
def test_issue19_forbidden_and_bad_request_pages(view, text, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/work/")
    request.user = AnonymousUser()
    response = view(request, exception=Exception("x"))
    assert text in response.content.decode()
