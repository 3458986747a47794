"""The judge: plain data in, a verdict out, and nothing the kernel writes can raise it.

The exercise tests already hold the judge to the kernel's own verdict on every known right and
wrong answer (``tests/questionkit.py``). Here: the seeds, the limits on what is read, what
forged observations can and cannot do, and why a table of earlier inputs is useless.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_helpers import observe, plaindata
from course_helpers.classroom import judge
from course_helpers.classroom.model import Classroom
from course_helpers.lessons import autograd, declared_lessons, lesson_module
from course_helpers.outcome import Status
from tests.classroom_class import CHEATS
from tests.questionkit import judged, key_of

Q2 = autograd.QUESTIONS[1]


def _observed(tmp_path: Path, question, answer, seed) -> Path:
    path = tmp_path / f"q{question.number}.safetensors"
    observe.observe(question.lesson, int(question.number), answer, seed, str(path))
    return path


def _cheat(name: str):
    space: dict = {"torch": torch}
    exec(CHEATS[name], space)  # the cheat's own source, as a student would hand it in
    return space["grad_of_dot"]


# ---- seeds ---------------------------------------------------------------------------------


def test_a_seed_draws_the_same_cases_in_another_process():
    here = [case.args[0].tolist() for case in Q2.draw(12345)]
    code = ("import json; from course_helpers.lessons import autograd; "
            "print(json.dumps([c.args[0].tolist() for c in autograd.QUESTIONS[1].draw(12345)]))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    import json

    assert json.loads(there) == here


def test_seeds_follow_the_secret_and_the_content():
    one = judge.submission_seed("s" * 64, "digest-a", "02_autograd")
    assert one == judge.submission_seed("s" * 64, "digest-a", "02_autograd")
    assert one != judge.submission_seed("s" * 64, "digest-b", "02_autograd")
    assert one != judge.submission_seed("t" * 64, "digest-a", "02_autograd")
    drawn = [Q2.draw(judge.question_seed(seed, 2))[0].args[0]
             for seed in (one, judge.submission_seed("s" * 64, "digest-b", "02_autograd"))]
    assert not torch.equal(drawn[0], drawn[1])
    template = Q2.hidden_templates()[0].args[0]
    assert drawn[0].shape == template.shape and drawn[0].dtype == template.dtype
    assert torch.equal(torch.sign(drawn[0]), torch.sign(template))


def test_the_secret_is_made_once_and_kept_private(tmp_path):
    course = Classroom(tmp_path, "c")
    secret = course.secret()
    assert len(secret) == 64 and course.secret() == secret
    assert stat.S_IMODE(course.secret_path.stat().st_mode) == 0o600


def test_a_table_of_earlier_inputs_is_of_no_use():
    cheat = _cheat("cheat_lookup")
    # Against inputs that never change, the table would have won full marks...
    assert judged(Q2, cheat, seed=None).status is Status.CORRECT
    # ...against inputs drawn for each submission it is the wrong answer it falls back to.
    for seed in (1, 2, 3):
        verdict = judged(Q2, cheat, seed=seed)
        assert verdict.status is Status.INCORRECT
        assert any(d.key == "outcome.hidden_case" for d in verdict.details)


@pytest.mark.parametrize("lesson", declared_lessons())
def test_right_answers_pass_on_drawn_inputs(lesson):
    """Every question's reference, on the inputs drawn for several submissions."""
    for question in lesson_module(lesson).QUESTIONS:
        for seed in (7, 8, 9, 10):
            verdict = judged(question, question.reference, seed=seed)
            assert verdict.status is Status.CORRECT, (question.key, seed, verdict)


def _numbers(value) -> list[float]:
    """Every number in a case's arguments, tensors and model weights included."""
    import dataclasses

    if isinstance(value, torch.Tensor):
        return value.detach().double().flatten().tolist()
    if isinstance(value, torch.nn.Module):
        return [x for p in value.parameters() for x in _numbers(p)]
    plain = isinstance(value, int | float | list | tuple | dict) or dataclasses.is_dataclass(value)
    if isinstance(value, bool) or not plain:
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if dataclasses.is_dataclass(value):
        return [x for f in dataclasses.fields(value) for x in _numbers(getattr(value, f.name))]
    return [x for v in value for x in _numbers(v)]


def test_drawn_inputs_differ_from_the_templates_wherever_they_may():
    without_inputs = []
    for lesson in declared_lessons():
        for question in lesson_module(lesson).QUESTIONS:
            templates = question.hidden_templates()
            drawn = question.draw(3)
            assert len(drawn) == len(templates) > 0
            if not any(_numbers(t.args) for t in templates):
                without_inputs.append(question.key)
                continue
            # Most cases change; every question has some that do.
            changed = [_numbers(d.args) != _numbers(t.args)
                       for d, t in zip(drawn, templates, strict=True)]
            assert sum(changed) >= len(changed) / 2, (question.key, changed)
            assert question.draw(3)[0].args is not drawn[0].args
            assert _numbers(question.draw(3)[0].args) == _numbers(drawn[0].args)
    assert without_inputs == ["tensors.q6"]  # pick_device() takes no argument


# ---- what is read, and how ----------------------------------------------------------------


def test_an_observation_is_plain_data_within_limits(tmp_path):
    path = _observed(tmp_path, Q2, Q2.reference, 5)
    header, tensors = plaindata.read_file(path)
    assert header["format"] == plaindata.FORMAT and header["complete"] is True
    assert all(isinstance(t, torch.Tensor) for t in tensors.values())
    small = plaindata.Limits(file_bytes=path.stat().st_size - 1)
    with pytest.raises(plaindata.Unreadable):
        plaindata.read_file(path, small)


def test_links_devices_and_damage_are_refused(tmp_path):
    good = _observed(tmp_path, Q2, Q2.reference, 5)
    link = tmp_path / "link.safetensors"
    link.symlink_to(good)
    fifo = tmp_path / "fifo.safetensors"
    os.mkfifo(fifo)
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(good.read_bytes()[:-10])
    pickled = tmp_path / "pickled.safetensors"
    import pickle

    pickled.write_bytes(pickle.dumps({"format": plaindata.FORMAT}))
    for path in (link, fifo, damaged, pickled, tmp_path / "absent.safetensors"):
        with pytest.raises(plaindata.Unreadable):
            plaindata.read_file(path)


def test_non_finite_numbers_in_the_header_are_refused():
    writer = plaindata.Writer()
    data = bytearray(writer.to_bytes({"complete": True, "x": 1.5}))
    at = data.index(b"1.5")
    data[at:at + 3] = b"NaN"
    with pytest.raises(plaindata.Unreadable):
        plaindata.parse(bytes(data))


def test_no_observation_is_a_wrong_answer(tmp_path):
    verdict = judge.decide(Q2, None, 1, "absent")
    assert verdict.status is Status.INCORRECT and key_of(verdict) == "judge.no_observation"


# ---- forged observations -------------------------------------------------------------------


def _forge(header_changes: dict, tensors: dict | None = None) -> tuple[dict, dict]:
    writer = plaindata.Writer()
    header = {"lesson": "autograd", "number": 2, "complete": True, "defined": True,
              "callable": True, "type": "function", "visible": [], "hidden": [],
              "grad_left_off": False, **header_changes}
    return plaindata.parse(writer.to_bytes(header))


def test_a_forged_observation_that_claims_success_gains_nothing():
    # The header has no place for a verdict: claims of success are ignored, and the cases
    # it leaves out count as not run.
    forged = _forge({"passed": True, "status": "correct", "score": 2})
    verdict = judge.decide(Q2, forged, 1)
    assert verdict.status is Status.INCORRECT
    assert key_of(verdict) == "judge.not_observed"


def test_a_forged_observation_of_another_question_is_refused():
    forged = _forge({"number": 3})
    assert key_of(judge.decide(Q2, forged, 1)) == "judge.no_observation"


def test_forged_results_must_still_be_right(tmp_path):
    # A kernel can write any values; only the right ones for inputs it could not know pass.
    path = _observed(tmp_path, Q2, lambda x: 4 * x, 11)
    assert judge.decide(Q2, plaindata.read_file(path), 11).status is Status.CORRECT
    assert judge.decide(Q2, plaindata.read_file(path), 12).status is Status.INCORRECT


def test_an_unknown_diagnosis_is_shown_as_data_not_trusted_text(tmp_path):
    forged = _forge({"visible": [[{"status": "raised",
                                   "diagnosis": {"key": "no.such.key", "params": {}}}]]})
    verdict = judge.decide(Q2, forged, 1)
    assert verdict.status is Status.INCORRECT
    assert key_of(verdict) == "judge.unknown_diagnosis"


def _forged_values(node: dict, tensors: dict | None = None) -> tuple[dict, dict]:
    """An observation of q2 whose one visible case returned ``node`` (a forged tree)."""
    from safetensors.torch import save

    header = {"format": plaindata.FORMAT, "lesson": "autograd", "number": 2,
              "complete": True, "defined": True, "callable": True, "type": "function",
              "visible": [[{"status": "returned",
                            "values": {"k": "tuple", "items": [node, {"k": "tuple",
                                                                      "items": []}]}}]],
              "hidden": [], "grad_left_off": False}
    import json

    data = save(tensors or {"t0": torch.zeros(1)},
                metadata={"observation": json.dumps(header)})
    return plaindata.parse(data)


@pytest.mark.parametrize("node", [
    # memory claimed far past any real tensor: rebuilt without sharing, nothing allocated
    {"k": "tensor", "id": 0, "values": "t0", "dtype": "float32", "shape": [1],
     "requires_grad": False, "leaf": True, "grad_fn": None, "parameter": False,
     "inference": False, "grad": {"k": "none"},
     "memory": {"start": 0, "bytes": 2**60, "offset": 0, "stride": [1]}},
    # an array of a billion-byte dtype
    {"k": "ndarray_other", "id": 0, "dtype": "V1000000000", "shape": [2000000]},
    # a shape of giant size on another device
    {"k": "elsewhere", "id": 0, "dtype": "float32", "shape": [2**40], "device": "cuda",
     "requires_grad": False},
    # a reference to nothing, and a kind that does not exist
    {"k": "ref", "id": 7},
    {"k": "pickle", "v": "cos\nsystem\n"},
])
def test_forged_trees_cost_the_grader_nothing_and_score_nothing(node):
    verdict = judge.decide(Q2, _forged_values(node), 1)
    assert verdict.status is Status.INCORRECT
