"""The mistake report as one self-contained bilingual HTML page, plus its numbers as JSON.

Figures are matplotlib PNGs embedded as base64, so the page opens anywhere without the
course. Chinese labels use the course's CJK font when one is installed and fall back to
English otherwise (:mod:`course_helpers.plots`), so no glyph warning is ever printed. Every
text comes from the message catalogue, in both languages; no student code appears.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course_helpers import plots
from course_helpers.classroom.mistakes import analyse, gather
from course_helpers.classroom.outcomes import read_message
from course_helpers.i18n import Message, msg

_STATUS_COLOURS = {"correct": "#2e7d32", "incorrect": "#c62828", "not_attempted": "#1565c0",
                   "not_run": "#757575"}
_TOP_DIAGNOSES = 12


class NothingGraded(RuntimeError):
    """No lesson of the report has a graded (or failed) hand-in yet."""


def write_report(root: Path, lessons: Sequence[str], target: Path) -> tuple[Path, Path]:
    """Write ``target`` (HTML) and the same numbers beside it as JSON; return both paths."""
    found, submissions = gather(root, lessons)
    if not submissions:
        raise NothingGraded(", ".join(lessons))
    data = analyse(found, submissions)
    for entry in data["diagnoses"]:
        entry["text"] = _texts(read_message(entry["example"]) or msg("report.diag.none"))
    target.parent.mkdir(parents=True, exist_ok=True)
    numbers = target.with_suffix(".json")
    numbers.write_text(json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False),
                       encoding="utf-8")
    target.write_text(render(data), encoding="utf-8")
    return target, numbers


def _texts(message: Message) -> dict[str, str]:
    return {"zh": message.render("zh"), "en": message.render("en")}


# ---- the page --------------------------------------------------------------------------------


def _both(message: Message, tag: str = "span") -> str:
    """A text in Chinese, then English, each marked with its language."""
    zh, en = html.escape(message.render("zh")), html.escape(message.render("en"))
    return (f"<{tag} lang='zh-CN'>{zh}</{tag}><{tag} lang='en' class='en'>{en}</{tag}>")


def _heading(key: str) -> str:
    message = msg(key)
    return (f"<h2><span lang='zh-CN'>{html.escape(message.render('zh'))}</span> · "
            f"<span lang='en'>{html.escape(message.render('en'))}</span></h2>")


def _header_cell(key: str) -> str:
    message = msg(key)
    return (f"<th><span lang='zh-CN'>{html.escape(message.render('zh'))}</span><br>"
            f"<span lang='en'>{html.escape(message.render('en'))}</span></th>")


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    head = "".join(_header_cell(f"report.column.{c}") for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _diagnosis(data: Any) -> str:
    return _both(read_message(data) or msg("report.diag.none"), "div")


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def render(data: dict[str, Any]) -> str:
    """The whole page."""
    lessons = [entry["lesson"] for entry in data["lessons"]]
    students = len(data["students"])
    hand_ins = sum(entry["hand_ins"] for entry in data["lessons"])
    summary = msg("report.summary", lessons=", ".join(lessons), students=students,
                  submissions=hand_ins, failed=len(data["not_graded"]))
    parts = [f"<h1>{_both(msg('report.title'))}</h1>",
             f"<p class='summary'>{_both(summary)}</p>",
             f"<p class='note'>{_both(msg('report.no_code'))}</p>",
             _heading("report.section.lessons"), _lessons(data),
             _heading("report.section.diagnoses"), _diagnoses(data),
             _heading("report.section.difficulty"), _difficulty(data),
             _heading("report.section.scores"), _figure(_score_figure(data), "scores"),
             _heading("report.section.not_run"), _not_graded(data),
             _heading("report.section.students"), _students(data)]
    title = f"{msg('report.title').render('zh')} · {msg('report.title').render('en')}"
    return (f"<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def _lessons(data: dict[str, Any]) -> str:
    rows = []
    for entry in data["lessons"]:
        for exercise in entry["exercises"]:
            rows.append([html.escape(entry["lesson"]), html.escape(exercise["question"]),
                         *(str(exercise[s]) for s in _STATUS_COLOURS),
                         _percent(exercise["pass_rate"])])
    return _table(("lesson", "exercise", "correct", "incorrect", "not_attempted", "not_run",
                   "pass_rate"), rows, "counts")


def _diagnoses(data: dict[str, Any]) -> str:
    diagnoses = data["diagnoses"]
    if not diagnoses:
        return f"<p>{_both(msg('report.none'))}</p>"
    rows = [[f"#{rank}", str(entry["students"]), _diagnosis(entry["example"]),
             html.escape(", ".join(f"{w} ×{n}" for w, n in entry["where"].items()))]
            for rank, entry in enumerate(diagnoses, 1)]
    table = _table(("rank", "students", "diagnosis", "where"), rows, "diagnoses")
    return _figure(_diagnosis_figure(diagnoses), "diagnoses") + table


def _difficulty(data: dict[str, Any]) -> str:
    rows = [[html.escape(f"{r['lesson']} {r['question']}"), f"{r['correct']}/{r['hand_ins']}",
             _percent(r["pass_rate"])] for r in data["difficulty"]]
    return (_figure(_difficulty_figure(data), "difficulty")
            + _table(("exercise", "correct", "pass_rate"), rows, "difficulty"))


def _not_graded(data: dict[str, Any]) -> str:
    if not data["not_graded"]:
        return f"<p>{_both(msg('report.none'))}</p>"
    rows = [[html.escape(e["student"]), html.escape(e["lesson"]), _diagnosis(e["reason"])]
            for e in data["not_graded"]]
    return _table(("student", "lesson", "reason"), rows, "not-graded")


def _students(data: dict[str, Any]) -> str:
    rows = []
    for entry in data["students"]:
        scores = []
        for lesson, result in entry["lessons"].items():
            name = html.escape(lesson)
            if result["status"] == "graded":
                scores.append(f"{name}: {result['score']:g}/{result['max_score']:g}")
            else:
                key = "report.missing" if result["status"] == "missing" else "report.failed"
                scores.append(f"{name}: {_both(msg(key))}")
        failed = {lesson for lesson, r in entry["lessons"].items() if r["status"] == "failed"}
        shown = [h for h in entry["hits"] if h["lesson"] not in failed]
        blank = [f"{h['lesson']} {h['question']}" for h in shown if h["status"] == "not_attempted"]
        hits = [f"<li><b>{html.escape(h['lesson'])} {html.escape(h['question'])}</b> "
                f"{_hit(h)}</li>" for h in shown if h["status"] != "not_attempted"]
        if blank:  # one line for everything left blank
            hits.append(f"<li><b>{html.escape(', '.join(blank))}</b> "
                        f"{_both(msg('report.column.not_attempted'), 'div')}</li>")
        found = (f"<ul>{''.join(hits)}</ul>" if hits
                 else _both(msg("report.all_correct")) if not failed else "")
        rows.append([html.escape(entry["student"]), "<br>".join(scores), found])
    return _table(("student", "score", "found"), rows, "students")


def _hit(hit: dict[str, Any]) -> str:
    if hit["diagnosis"] is not None:
        text = _diagnosis(hit["diagnosis"])
    else:
        text = _both(msg(f"report.column.{hit['status']}"), "div")
    return text + (_both(msg("report.hidden"), "div") if hit["hidden"] else "")


# ---- figures -----------------------------------------------------------------------------------


def _figure(png: bytes, name: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return (f"<figure><img class='chart' id='chart-{name}' alt='{name}' "
            f"src='data:image/png;base64,{encoded}'></figure>")


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    plots.configure()  # the CJK font, once, before any text is drawn
    return Figure(figsize=(width, height))


def _short(message: Message, limit: int) -> str:
    parts = []
    for language, size in (("zh", limit // 2), ("en", limit)):
        if language == "zh" and not plots.cjk_font():
            continue
        text = message.render(language)
        parts.append(text if len(text) <= size else text[: size - 1] + "…")
    return "\n".join(parts)


def _diagnosis_figure(diagnoses: list[dict[str, Any]]) -> bytes:
    shown = diagnoses[:_TOP_DIAGNOSES]
    fig = _new_figure(9, 0.75 * len(shown) + 1.2)
    ax = fig.subplots()
    labels = [f"#{rank} " + _short(read_message(e["example"]) or msg("report.diag.none"), 48)
              for rank, e in enumerate(shown, 1)]
    ax.barh(range(len(shown)), [e["students"] for e in shown], height=0.6, color="#c62828")
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(plots.label(msg("report.figure.students")))
    ax.set_title(plots.label(msg("report.figure.diagnoses")))
    return _png(fig)


def _difficulty_figure(data: dict[str, Any]) -> bytes:
    rows = data["difficulty"]
    counts = {(e["lesson"], x["question"]): x for e in data["lessons"] for x in e["exercises"]}
    fig = _new_figure(9, 0.4 * len(rows) + 1.5)
    ax = fig.subplots()
    left = [0] * len(rows)
    for status, colour in _STATUS_COLOURS.items():
        values = [counts[(r["lesson"], r["question"])][status] for r in rows]
        ax.barh(range(len(rows)), values, left=left, height=0.7, color=colour,
                label=plots.label(msg(f"report.column.{status}")))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(range(len(rows)), [f"{r['lesson']} {r['question']}" for r in rows],
                  fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(plots.label(msg("report.figure.hand_ins")))
    ax.set_title(plots.label(msg("report.figure.difficulty")))
    ax.legend(loc="lower right", fontsize=8)
    return _png(fig)


def _score_figure(data: dict[str, Any]) -> bytes:
    lessons = data["lessons"]
    columns = min(3, len(lessons))
    rows = -(-len(lessons) // columns)
    fig = _new_figure(4 * columns, 3 * rows)
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, entry in zip(axes.flat, lessons, strict=False):
        top = max(entry["max_score"], 1.0)
        scores = data["scores"][entry["lesson"]]
        ax.hist(scores, bins=[b - 0.5 for b in range(int(top) + 2)], color="#1565c0")
        ax.set_xlim(-0.5, top + 0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(plots.label(msg("report.figure.scores", lesson=entry["lesson"])),
                     fontsize=9)
        ax.set_xlabel(plots.label(msg("report.figure.score")), fontsize=8)
        ax.set_ylabel(plots.label(msg("report.figure.hand_ins")), fontsize=8)
    for ax in list(axes.flat)[len(lessons):]:
        ax.set_visible(False)
    fig.tight_layout()
    return _png(fig)


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",
 sans-serif;margin:24px auto;max-width:1100px;color:#1f1f1f;line-height:1.5;padding:0 16px}
h1{font-size:1.6em}h1 .en{margin-left:.6em;color:#444}
h2{font-size:1.2em;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}
span.en{margin-left:.5em;color:#555}div.en{color:#555;font-size:.92em}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}th span[lang=en]{font-weight:normal;color:#555}
table.counts td:nth-child(n+3){text-align:right}
figure{margin:12px 0}img.chart{max-width:100%;height:auto}
td ul{margin:0;padding-left:18px}p.note{color:#555}
"""
