"""Chinese by default, English available; every message translated (issue 2)."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalog = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_compiled_catalog_matches_the_source():
    source = {
        (entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values()))
        for entry in polib.pofile(str(PO))
        if not entry.obsolete
    }
    compiled = {
        (entry.msgid, entry.msgstr or tuple(entry.msgstr_plural.values()))
        for entry in polib.mofile(str(PO.with_suffix(".mo")))
        if entry.msgid
    }
    assert source == compiled, "run `manage.py compilemessages --ignore=.venv`"


@pytest.mark.django_db
def test_pages_are_in_chinese_by_default_and_english_on_request(world, client):
    client.force_login(world.user("hospital_admin"))
    chinese = client.get(reverse("home")).content.decode()
    assert "待办事项" in chinese and "药品阳光采购和综合监管平台" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home")).content.decode()
    assert "Waiting for you" in english and "待办事项" not in english


@pytest.mark.django_db
def test_api_errors_follow_the_language(world, api_client):
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION="Token his_000000000000_" + "a" * 43)
    assert response.json()["errors"][0]["message"] == "未知的接口密钥。"
    response = api_client.get(
        reverse("api:me"), HTTP_AUTHORIZATION="Token his_000000000000_" + "a" * 43, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["errors"][0]["message"] == "Unknown API key."
