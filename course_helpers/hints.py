"""An IPython extension that explains the classic autograd errors (``%load_ext course_helpers``).

The original traceback stays exactly as IPython shows it; a short bilingual explanation and
fix is added underneath. Only the errors listed in :mod:`course_helpers.diagnose` get one;
every other exception is shown untouched.
"""

from __future__ import annotations

from typing import Any

from course_helpers.diagnose import explain_error
from course_helpers.i18n import languages_shown, msg

_YELLOW = "\x1b[33m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def explanation_lines(error: BaseException) -> list[str]:
    """Coloured lines explaining ``error``, or an empty list when we have nothing to add."""
    diagnosis = explain_error(error)
    if diagnosis is None:
        return []
    title = msg("hints.title")
    lines = [""]
    for language in languages_shown():
        lines.append(f"{_YELLOW}{_BOLD}{title.render(language)}{_RESET}")
        lines.append(f"{_YELLOW}  {diagnosis.render(language)}{_RESET}")
    return lines


def _explain(shell: Any, etype: type, value: BaseException, tb: Any,
             tb_offset: int | None = None) -> list[str]:
    stb = list(shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset))
    stb += explanation_lines(value)
    # IPython hands the custom handler's result to nobody: showing it is the handler's job.
    shell._showtraceback(etype, value, stb)
    return stb


def load(shell: Any) -> None:
    """Install the explanations in an IPython shell (idempotent).

    The handler covers ``RuntimeError`` only; the tamper guard accepts it as the course's own
    and treats any other custom exception handler as tampering.
    """
    from course_helpers import guard

    shell.set_custom_exc((RuntimeError,), _explain)
    guard.accept_custom_exc(shell)


def unload(shell: Any) -> None:
    """Remove the explanations again."""
    from course_helpers import guard

    shell.set_custom_exc((), None)
    guard.accept_custom_exc(shell)
