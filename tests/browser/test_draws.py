"""Browser journey of a double-random draw on a phone (R24, 双随机、一公开): the agency admin drafts a draw,
commits it (the secret is shown once and downloaded), selects with the 快乐8 numbers and makes the tasks;
after the inspection window the admin reveals it; a visitor who is not signed in sees 一致 from the
platform's re-computation, downloads the published JSON and the standalone verifier, and runs it.
"""

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, freeze
from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_admin_runs_a_draw_and_a_visitor_verifies_it(
        phone, browser, live_server, screenshot, draw_county, monkeypatch, tmp_path):
    from clearcheck.sampling import algorithm
    from clearcheck.sampling.models import Draw

    page = phone
    login(page, draw_county["admin"].username)

    # Draft: the only pool is preselected, the sample defaults to the tier scheme's ratios.
    page.goto("/work/sampling/draws/new/")
    form = page.locator("#draw-form")
    form.locator("input[name=title]").fill("2026年第一批营业执照和经营范围双随机抽查")
    expect(form.locator(f"#own-pools input[value='{draw_county['pool'].pk}']")).to_be_checked()
    form.locator(f"#items input[value='{draw_county['routine'].pk}']").check()
    expect(form.locator("input[name=sample_D]")).to_have_value("0.2")
    form.locator("input[name=public_source]").fill("中国福利彩票快乐8 第2026318期")
    assert_fits_phone(page)
    screenshot(page, "journey-draw-form")
    form.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"/work/sampling/draws/\d+/$"))
    draw_id = int(re.search(r"/draws/(\d+)/$", page.url).group(1))
    detail_url = page.url
    expect(page.locator("h1")).to_contain_text("草稿")

    # Commit: the secret is on this page only, with a warning and a .txt to keep.
    page.locator("#draw-commit").click()
    expect(page.locator("#secret-warning")).to_contain_text("密钥只显示这一次")
    secret = page.locator("#secret").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert_fits_phone(page)
    screenshot(page, "journey-draw-secret")
    with page.expect_download() as download:
        page.locator("#secret-download").click()
    kept = tmp_path / download.value.suggested_filename
    download.value.save_as(kept)
    assert kept.name == f"draw-{draw_id}-secret.txt" and secret in kept.read_text(encoding="utf-8")
    assert Draw.objects.get(pk=draw_id).secret == ""  # the platform keeps only SHA-256(secret)
    page.locator("#secret-done").click()
    expect(page.locator("#commitment")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(secret)

    # Select with the secret and the numbers of the named 快乐8 draw; then file the tasks.
    select = page.locator("#form-select")
    select.locator("input[name=secret]").fill(secret)
    select.locator("input[name=public_value]").fill(KENO)
    select.get_by_role("button", name="抽取").click()
    expect(page.locator(".messages")).to_contain_text("已抽取:4 户企业")
    expect(page.locator("#picks > li")).to_have_count(4)
    expect(page.locator("#reveal-wait")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "journey-draw-selected")
    page.locator("#draw-tasks-make").click()
    expect(page.locator(".messages")).to_contain_text("已生成 4 项检查任务")
    picks = list(Draw.objects.get(pk=draw_id).picks.values_list("uscc", flat=True))

    # Before the window ends the public sees the commitment, never the selection.
    visitor_context = browser.new_context(base_url=live_server.url, **PHONE)
    visitor_context.set_default_timeout(15_000)
    visitor = visitor_context.new_page()
    visitor_errors: list[str] = []
    visitor.on("pageerror", lambda exc: visitor_errors.append(str(exc)))
    try:
        visitor.goto(f"/public/draws/{draw_id}/")
        expect(visitor.locator("#not-revealed")).to_be_visible()
        for uscc in picks:
            expect(visitor.locator("body")).not_to_contain_text(uscc)

        # After the window the admin reveals with the same secret.
        window_end = Draw.objects.get(pk=draw_id).window_end
        freeze(monkeypatch, window_end + dt.timedelta(days=1))
        page.goto(detail_url)
        reveal = page.locator("#form-reveal")
        reveal.locator("input[name=secret]").fill(secret)
        reveal.get_by_role("button", name="公开").click()
        expect(page.locator(".messages")).to_contain_text("已公开密钥")
        expect(page.locator("h1")).to_contain_text("已公开")

        # A visitor verifies: on the platform, then at home with the downloaded verifier.
        visitor.goto("/")
        visitor.get_by_role("link", name="双随机抽查公示").click()
        visitor.locator("#public-draws").get_by_role("link", name=re.compile("营业执照和经营范围")).click()
        expect(visitor.locator("#secret")).to_have_text(secret)
        expect(visitor.locator("#public-picks > li")).to_have_count(4)
        for uscc in picks:
            expect(visitor.locator("#public-picks")).to_contain_text(uscc)
        visitor.locator("#verify-button").click()
        expect(visitor.locator("#verify-result")).to_have_text("一致")
        assert_fits_phone(visitor)
        screenshot(visitor, "journey-draw-verified")
        files = {}
        for button in ("#download-json", "#download-verifier"):
            with visitor.expect_download() as download:
                visitor.locator(button).click()
            files[button] = tmp_path / download.value.suggested_filename
            download.value.save_as(files[button])
        assert files["#download-json"].name == f"draw-{draw_id}.json"
        assert files["#download-verifier"].name == "clearcheck_draw_verify.py"
    finally:
        visitor_context.close()

    # The verifier needs nothing but Python: run it away from the project, on the downloaded JSON.
    python = shutil.which("python3") or sys.executable
    result = subprocess.run([python, files["#download-verifier"].name, files["#download-json"].name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MATCH" in result.stdout and "4 户企业" in result.stdout
    assert files["#download-verifier"].read_bytes() == Path(algorithm.__file__).read_bytes()
    assert not page.js_errors and not visitor_errors, page.js_errors + visitor_errors
