"""The scripts' messages (evidence upload, record autosave) come from the djangojs catalogue, which is
complete in English and served by the platform (nothing fetched from outside).
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

JS = Path(settings.BASE_DIR) / "clearcheck" / "static" / "clearcheck" / "js"
CATALOGUE = Path(settings.BASE_DIR) / "clearcheck" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", ["evidence-upload.js", "record-autosave.js"])
def test_scripts_show_no_chinese_outside_the_catalogue(name):
    for n, line in enumerate((JS / name).read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("//")[0]
        if HAN.search(code) and '_("' not in code and not code.lstrip().startswith(("/*", "*")):
            pytest.fail(f"{name}:{n} shows Chinese that is not a catalogue message: {line.strip()}")


def test_the_english_js_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()


@pytest.mark.django_db
def test_the_catalogue_is_served_in_the_visitors_language():
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/i18n/js/")
    assert english.status_code == 200 and "Uploading" in english.content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/i18n/js/")
    assert chinese.status_code == 200 and "Uploading" not in chinese.content.decode()
