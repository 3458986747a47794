"""The glossary rule: every variant is caught, the quote marker and allowed words pass, correct
text passes, lessons and messages comply, and the README's table is the glossary file's."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest

from course_helpers.course import lessons, source_notebook
from course_helpers.instructor import cli, lint
from course_helpers.instructor.lint import (
    QUOTE_MARKER,
    glossary,
    glossary_problems,
    glossary_table,
    message_glossary_problems,
    notebook_glossary_problems,
)
from tests.conftest import ROOT

ZH_VARIANTS = [(t.zh, v) for t in glossary() for v in t.avoid_zh]
EN_VARIANTS = [(t.en, v) for t in glossary() for v in t.avoid_en]


def _zh_sentence(variant: str) -> str:
    if variant.isascii():
        return f"这里写的是 {variant} 这个说法。"
    return f"这里写的是{variant}这个说法。"


def test_the_drifting_terms_of_the_course_are_covered():
    by_zh = {t.zh: t for t in glossary()}
    expected = {
        "轮": {"轮次", "epoch"},
        "均方误差": {"平均平方误差"},
        "零维张量": {"0 维"},
        "单元格": {"单元"},
        "原地": {"就地"},
        "视图": {"视角"},
        "梯度追踪": {"梯度记录"},
        "最小值点": {"最小值"},
    }
    for zh, variants in expected.items():
        assert variants <= set(by_zh[zh].avoid_zh), zh
    assert "0-dim" in by_zh["零维张量"].avoid_en and by_zh["零维张量"].en == "0-d tensor"
    assert by_zh["微批量"].en == "micro-batch" and by_zh["微批量"].pair
    assert by_zh["小批量"].en == "mini-batch"
    assert len({t.en for t in glossary()}) == len(glossary())
    assert len({t.zh for t in glossary()}) == len(glossary())


@pytest.mark.parametrize(("zh", "variant"), ZH_VARIANTS, ids=[v for _, v in ZH_VARIANTS])
def test_every_chinese_variant_is_caught_and_the_marker_lets_a_quote_pass(zh, variant):
    text = _zh_sentence(variant)
    assert any(f"write {zh}" in p and f"not {variant}" in p for p in glossary_problems(text, ""))
    assert glossary_problems(f"{text} {QUOTE_MARKER}", "") == []


@pytest.mark.parametrize(("en", "variant"), EN_VARIANTS, ids=[v for _, v in EN_VARIANTS])
def test_every_english_variant_is_caught_and_the_marker_lets_a_quote_pass(en, variant):
    text = f"Here the text says {variant} on purpose."
    assert any(f"not {variant}" in p for p in glossary_problems("", text))
    assert glossary_problems("", f"{text} {QUOTE_MARKER}") == []


def test_the_marker_exempts_only_its_own_line():
    text = f"引用：“梯度记录”。{QUOTE_MARKER}\n\n这里又写了梯度记录。"
    assert len(glossary_problems(text, "")) == 1


@pytest.mark.parametrize("text", [
    "运行这个单元格，再运行单元测试。",
    "`len(t)` 是第 0 维的长度；`x[-1]` 是零维张量。",
    "每一轮（epoch）做四步，训练 `epochs` 轮，{epochs} 轮之后停下。",
    "梯度下降走到最小值点；均方误差；原地更新；视图共享存储；关掉梯度追踪。",
    "```python\nfor epoch in range(3):  # 0 维 单元 就地\n    pass\n```",
    "公式 $L_{\\text{平均平方误差}}$ 不检查。",
])
def test_correct_chinese_text_passes(text):
    assert glossary_problems(text, "") == []


@pytest.mark.parametrize("text", [
    "A 0-d tensor; a 0-dimensional array; `x.dim() == 0`; the 10 micro-batches.",
    "Call `microbatch_grad(x, y, w, k)` and microbatch_grad again.",
])
def test_correct_english_text_passes(text):
    assert glossary_problems("", text) == []


def test_micro_batch_must_be_rendered_as_such_in_chinese():
    en = "Split the batch into micro-batches."
    problems = glossary_problems("把一批数据分成几个小批量。", en)
    assert any("must say 微批量" in p for p in problems)
    assert glossary_problems("把一批数据分成几个微批量。", en) == []
    assert glossary_problems("把一批数据分成几个小批量（mini-batch）。", "Use mini-batches.") == []


def test_a_variant_in_a_lesson_cell_is_reported_with_its_cell():
    notebook = nbformat.read(source_notebook(ROOT, lessons(ROOT)[0]), as_version=4)
    assert notebook_glossary_problems(notebook) == []
    broken = copy.deepcopy(notebook)
    zh = next(c for c in broken.cells if "lang-zh" in c.metadata.get("tags", []))
    en = broken.cells[broken.cells.index(zh) + 1]
    zh.source += "\n\n把它原地更新，不要就地复制。"
    en.source += "\n\nThe result is a 0-dim tensor."
    problems = notebook_glossary_problems(broken)
    assert any(p.startswith(f"cell {zh.id}: ") and "not 就地" in p for p in problems)
    assert any(p.startswith(f"cell {zh.id}: ") and "not 0-dim" in p for p in problems)


def test_every_lesson_cell_follows_the_glossary():
    for lesson in lessons(ROOT):
        notebook = nbformat.read(source_notebook(ROOT, lesson), as_version=4)
        assert notebook_glossary_problems(notebook) == [], lesson


def test_every_message_follows_the_glossary():
    assert message_glossary_problems() == []


def test_a_variant_in_a_message_is_caught_unless_the_key_is_an_exception(monkeypatch):
    catalogue = {"demo.key": {"zh": "训练 3 个 epoch。", "en": "Train for 3 epochs."}}
    assert message_glossary_problems(catalogue) == ["demo.key: glossary: write 轮 for epoch, "
                                                   "not epoch"]
    monkeypatch.setattr(lint, "glossary_exceptions", lambda: frozenset({"demo.key"}))
    assert message_glossary_problems(catalogue) == []


def test_course_helpers_lint_fails_on_a_message_variant(monkeypatch, capsys):
    from course_helpers import messages

    bad = dict(messages.CATALOGUE)
    bad["demo.key"] = {"zh": "在最小值两侧来回跳。", "en": "Jumps across the minimum."}
    monkeypatch.setattr(messages, "CATALOGUE", bad)
    assert cli.main(["--root", str(ROOT), "lint", lessons(ROOT)[0]]) == 1
    assert "demo.key: glossary: write 最小值点" in capsys.readouterr().err


def _readme_glossary() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^### 术语表 · Glossary\n(.*?)(?=^#)", readme, flags=re.S | re.M)
    assert section, "README has no glossary section"
    return "\n".join(line for line in section.group(1).splitlines() if line.startswith("|"))


def test_the_readme_glossary_is_the_glossary_file():
    assert _readme_glossary() == glossary_table(), (
        "Regenerate the README table with: python -c \"from course_helpers.instructor.lint import "
        "glossary_table; print(glossary_table())\"")
