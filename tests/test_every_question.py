"""What holds for every exercise of every lesson, whatever it checks."""

from __future__ import annotations

import pytest
import torch

from course_helpers.exercises import exercise_modules
from course_helpers.outcome import Status

QUESTIONS = {f"{module.__name__.rsplit('.', 1)[-1]}.{q.name}": q
             for module in exercise_modules() for q in module.QUESTIONS}


def test_every_lesson_module_has_questions():
    assert len(exercise_modules()) >= 4
    assert all(q.draws and q.visible[0].label for q in QUESTIONS.values())


@pytest.mark.parametrize("name", list(QUESTIONS))
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(name, hidden):
    question = QUESTIONS[name]
    outcome = question.evaluate(question.reference, hidden=hidden)
    assert outcome.status is Status.CORRECT, outcome
    expected = "outcome.correct_hidden" if hidden else "outcome.correct_visible"
    assert [d.key for d in outcome.details] == [expected]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_stub_is_not_attempted(name):
    def stub(*args):
        # YOUR CODE HERE
        raise NotImplementedError()

    for hidden in (False, True):
        outcome = QUESTIONS[name].evaluate(stub, hidden=hidden)
        assert outcome.status is Status.NOT_ATTEMPTED
        assert not outcome.passed
        assert outcome.details[0].key == "outcome.not_attempted_detail"


@pytest.mark.parametrize("name", list(QUESTIONS))
@pytest.mark.parametrize("answer", [torch.ones(3), None, "an answer"],
                         ids=["tensor", "none", "string"])
def test_non_callable_is_incorrect(name, answer):
    question = QUESTIONS[name]
    outcome = question.evaluate(answer)
    assert outcome.status is Status.INCORRECT
    assert outcome.details[0].key == "diag.not_callable"
    assert question.reference.__name__ in outcome.details[0].render("en")
