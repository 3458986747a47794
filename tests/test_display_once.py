"""``check``, ``hint`` and ``solution`` show their result once, as a cell's last line or not."""

from __future__ import annotations

import pytest

from tests.conftest import run_cells

SETUP = "import torch\nfrom course_helpers.exercises import autograd as ex\n"
RIGHT = (
    "def make_leaf(values):\n"
    "    return torch.tensor(values, dtype=torch.float32, requires_grad=True)\n"
)
CALLS = ["ex.q1.check(make_leaf)", "ex.q1.check(lambda values: None)", "ex.q1.hint()",
         "ex.q1.solution()"]


def _shown(cell) -> list[dict]:
    return [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]


@pytest.mark.notebook
def test_each_helper_displays_exactly_once():
    # Each call twice: as the cell's last line, and followed by another statement.
    sources = [SETUP, RIGHT]
    for call in CALLS:
        sources += [call, f"{call}\nNone"]
    cells = run_cells(sources, {"COURSE_LANG": "both"})
    assert not [o for c in cells for o in c.outputs if o.output_type in ("error", "stream")]
    for call, last, middle in zip(CALLS, cells[2::2], cells[3::2], strict=True):
        for cell in (last, middle):
            shown = _shown(cell)
            assert len(shown) == 1, (call, cell.source, shown)
            assert shown[0].output_type == "display_data", (call, shown)
    check, wrong, hint, solution = (_shown(cell)[0].data for cell in cells[2::2])
    assert "course-correct" in check["text/html"]
    assert "course-incorrect" in wrong["text/html"]
    assert "course-hint" in hint["text/html"]
    assert "def make_leaf(" in solution["text/markdown"]


@pytest.mark.notebook
def test_what_the_helpers_return_is_still_usable():
    cells = run_cells([SETUP + "from course_helpers.outcome import Note\n", RIGHT,
                       "outcome = ex.q1.check(make_leaf)\n"
                       "note = ex.q1.hint()\n"
                       "source = ex.q1.solution()\n"
                       "print(outcome.passed, isinstance(note, Note), source.startswith('def '))"],
                      {"COURSE_LANG": "en"})
    printed = [o.text for o in cells[-1].outputs if o.output_type == "stream"]
    assert printed == ["True True True\n"]
