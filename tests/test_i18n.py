"""The message catalogue: both languages everywhere, and the language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import course_helpers
from course_helpers import i18n
from course_helpers.exercises import exercise_modules
from course_helpers.messages import CATALOGUE

PACKAGE = Path(course_helpers.__file__).parent


def test_every_key_has_both_languages_with_the_same_placeholders():
    assert i18n.catalogue_problems() == []


def test_parity_check_catches_a_missing_translation(monkeypatch):
    monkeypatch.setitem(CATALOGUE, "test.half", {"zh": "只有中文", "en": ""})
    monkeypatch.setitem(CATALOGUE, "test.mismatch", {"zh": "{a}", "en": "{b}"})
    problems = i18n.catalogue_problems()
    assert any(p.startswith("test.half") for p in problems)
    assert any(p.startswith("test.mismatch") for p in problems)


def test_every_key_used_in_the_code_is_in_the_catalogue():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= set(re.findall(r"""msg\(\s*["']([a-z0-9_.]+)["']""", path.read_text()))
    for module in exercise_modules():
        used |= {f"{q.key}.hint" for q in module.QUESTIONS}
    assert used, "the scan found no keys at all"
    assert sorted(used - set(CATALOGUE)) == []


def test_chinese_texts_use_full_width_punctuation():
    for key, entry in CATALOGUE.items():
        zh = entry["zh"]
        assert not re.search(r"[\u4e00-\u9fff] ?[,;:!?]|[,;:!?] ?[\u4e00-\u9fff]", zh), key
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", zh), key


def test_language_switch(monkeypatch):
    message = i18n.msg("outcome.correct")
    assert str(message) == "正确！\nCorrect!"
    i18n.set_language("en")
    assert str(message) == "Correct!"
    i18n.set_language("zh")
    assert str(message) == "正确！"
    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.setenv("COURSE_LANG", "en")
    assert str(message) == "Correct!"
    monkeypatch.setenv("COURSE_LANG", "nonsense")
    assert str(message) == "正确！\nCorrect!"


def test_unknown_language_is_refused_in_both_languages():
    with pytest.raises(ValueError) as caught:
        i18n.set_language("fr")
    assert "未知的语言" in str(caught.value) and "Unknown language" in str(caught.value)


def test_nested_messages_render_in_the_same_language():
    message = i18n.msg("compare.shape", what=i18n.msg("what.gradient"), expected="(3,)",
                       actual="(4,)")
    assert message.render("zh").startswith("梯度的形状")
    assert message.render("en").startswith("The gradient should have shape")
