"""Messages of the instructor's commands: collecting, grading, feedback and grades."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- reading a submission -------------------------------------------------------------
    "classroom.unreadable": {"zh": "无法读取文件（{detail}）。", "en": "The file cannot be read ({detail})."},
    "classroom.too_large": {
        "zh": "文件有 {size} MB，超过了 {limit} MB 的上限；通常是输出过多，请清除输出后重新提交。",
        "en": "The file is {size} MB, over the {limit} MB limit; usually too much output: clear the outputs and hand it in again.",
    },
    "classroom.not_utf8": {"zh": "文件不是 UTF-8 文本，不像笔记本。", "en": "The file is not UTF-8 text, so it is not a notebook."},
    "classroom.empty_file": {"zh": "文件是空的。", "en": "The file is empty."},
    "classroom.truncated": {
        "zh": "文件不完整（在结尾处被截断），可能是上传或保存时中断了。",
        "en": "The file is incomplete (cut off at the end); the upload or save was probably interrupted.",
    },
    "classroom.invalid_json": {
        "zh": "文件不是有效的 JSON（第 {line} 行第 {column} 列），可能是在文本编辑器里改坏了。",
        "en": "The file is not valid JSON (line {line}, column {column}); it was probably damaged in a text editor.",
    },
    "classroom.not_a_notebook": {"zh": "文件不是 Jupyter 笔记本。", "en": "The file is not a Jupyter notebook."},
    "classroom.invalid_notebook": {
        "zh": "笔记本的结构无效：{detail}",
        "en": "The notebook's structure is invalid: {detail}",
    },
    "classroom.missing_notebook": {
        "zh": "提交的文件夹里没有笔记本（应为 {expected}）。",
        "en": "The submitted folder holds no notebook (expected {expected}).",
    },
    # --- what was repaired -------------------------------------------------------------------
    "classroom.note.duplicate_ids": {
        "zh": "有 {count} 个单元格的 id 重复（复制或拆分单元格所致），已重新编号。",
        "en": "{count} cells shared an id (copied or split cells); they were given new ids.",
    },
    "classroom.note.duplicate_cells": {
        "zh": "评分单元格 {cells} 出现了不止一次（拆分或复制所致）；按最后一个评分，前面的作为普通代码运行。",
        "en": "Graded cell {cells} appeared more than once (split or copied); the last one is graded, the others run as plain code.",
    },
    "classroom.note.restored_cells": {
        "zh": "被删除的评分单元格已按原样恢复：{cells}。",
        "en": "Deleted graded cells were put back as released: {cells}.",
    },
    "classroom.note.setup_moved": {
        "zh": "课程环境单元格上方有 {count} 个代码单元格；评分时先运行课程环境单元格。",
        "en": "{count} code cells sat above the course setup cell; the setup cell was run first.",
    },
    "classroom.note.renamed": {
        "zh": "笔记本被改名为 {found}，按 {expected} 评分。",
        "en": "The notebook was renamed to {found}; it was graded as {expected}.",
    },
    "classroom.note.set_aside": {
        "zh": "单元格 {cell} 被跳过后重新评分，原因：{why}",
        "en": "Cell {cell} was set aside and the notebook graded again, because: {why}",
    },
    # --- grading failures --------------------------------------------------------------------
    "classroom.hung": {
        "zh": "单元格 {cell} 超过 {seconds} 秒仍未结束，中断也无效（例如忽略中断信号的死循环）。",
        "en": "Cell {cell} was still running after {seconds} s and ignored interrupts (an endless loop that ignores SIGINT, say).",
    },
    "classroom.kernel_died": {
        "zh": "运行单元格 {cell} 时内核退出了（例如调用了 os._exit，或内存耗尽）。",
        "en": "The kernel died while running cell {cell} (os._exit, say, or out of memory).",
    },
    "classroom.worker_died": {
        "zh": "评分进程在运行单元格 {cell} 时意外退出。",
        "en": "The grading process died unexpectedly while running cell {cell}.",
    },
    "classroom.nbgrader_failed": {"zh": "nbgrader 无法评分：{detail}", "en": "nbgrader could not grade it: {detail}"},
    # --- progress and reports -----------------------------------------------------------------
    "classroom.progress": {
        "zh": "已评 {graded} · 失败 {failed} · 剩余 {remaining}",
        "en": "graded {graded} · failed {failed} · remaining {remaining}",
    },
}

MESSAGES.update({
    "classroom.collect.not_notebook": {"zh": "不是笔记本文件（.ipynb），已忽略。", "en": "Not a notebook (.ipynb); ignored."},
    "classroom.collect.too_large": {"zh": "文件过大或为空，已忽略。", "en": "The file is empty or too large; ignored."},
    "classroom.collect.no_lesson": {
        "zh": "无法判断是哪一课：文件名和内容都不对应任何一课。",
        "en": "Cannot tell which lesson it is: neither its name nor its content matches one.",
    },
    "classroom.collect.no_student": {
        "zh": "无法从文件夹或文件名判断是哪位学生。",
        "en": "Cannot tell which student it belongs to from its folder or name.",
    },
    "classroom.collect.older_copy": {
        "zh": "同一学生同一课有较新的文件 {kept}，这一份较旧，未采用。",
        "en": "An older copy: the newer {kept} of the same student and lesson was kept instead.",
    },
})

MESSAGES.update({
    "cli.no_such_path": {"zh": "找不到 {path}。", "en": "{path} does not exist."},
    "cli.collect_done": {
        "zh": "已放入 submitted/：{placed} 份；未能匹配：{skipped} 份（见上）。",
        "en": "Filed into submitted/: {placed}; could not be matched: {skipped} (see above).",
    },
    "cli.nothing_submitted": {
        "zh": "{folder} 里没有可评分的作业。先运行 course-helpers collect。",
        "en": "Nothing to grade in {folder}. Run course-helpers collect first.",
    },
    "cli.feedback_done": {"zh": "已生成 {count} 个反馈页面。", "en": "{count} feedback pages written."},
    "cli.export_done": {"zh": "已导出 {rows} 行成绩到 {path}。", "en": "{rows} grade rows written to {path}."},
})

# --- the mistake report (course-helpers report) ------------------------------------------------
MESSAGES.update({
    "report.diag.timeout": {"zh": "单元格超过时限，被中断了。", "en": "The cell ran past the time limit and was interrupted."},
    "report.diag.kernel_died": {"zh": "运行这个单元格时内核退出了。", "en": "The kernel died while this cell ran."},
    "report.diag.error": {
        "zh": "检查没有完成：测试单元格因 {error} 而停止。",
        "en": "The check did not finish: the test cell stopped with {error}.",
    },
    "report.diag.none": {"zh": "答案不对，但没有具体的诊断。", "en": "The answer is wrong, with no specific diagnosis."},
    "report.title": {"zh": "全班错在哪里", "en": "What the class got wrong"},
    "report.summary": {
        "zh": "{lessons}：{students} 名学生，{submissions} 份作业，其中 {failed} 份未能评分。",
        "en": "{lessons}: {students} students, {submissions} hand-ins, {failed} of which could not be graded.",
    },
    "report.no_code": {"zh": "本报告不含学生的代码。", "en": "This report holds no student code."},
    "report.section.lessons": {"zh": "每一课、每道练习的结果", "en": "Results by lesson and exercise"},
    "report.section.diagnoses": {"zh": "最常见的错误（按学生人数排序）", "en": "The most common mistakes, by number of students"},
    "report.section.difficulty": {"zh": "练习从难到易（按通过率）", "en": "Exercises from hardest to easiest (by pass rate)"},
    "report.section.scores": {"zh": "分数分布", "en": "Score distribution"},
    "report.section.students": {"zh": "每位学生遇到的错误（答疑时用）", "en": "Mistakes by student, for office hours"},
    "report.section.not_run": {"zh": "未能评分的作业", "en": "Hand-ins that could not be graded"},
    "report.column.rank": {"zh": "排名", "en": "Rank"},
    "report.column.lesson": {"zh": "课程", "en": "Lesson"},
    "report.column.exercise": {"zh": "练习", "en": "Exercise"},
    "report.column.correct": {"zh": "通过", "en": "Passed"},
    "report.column.incorrect": {"zh": "未通过", "en": "Failed"},
    "report.column.not_attempted": {"zh": "未作答", "en": "Not attempted"},
    "report.column.not_run": {"zh": "未能运行", "en": "Could not run"},
    "report.column.pass_rate": {"zh": "通过率", "en": "Pass rate"},
    "report.column.students": {"zh": "学生人数", "en": "Students"},
    "report.column.diagnosis": {"zh": "诊断", "en": "Diagnosis"},
    "report.column.where": {"zh": "出现在", "en": "Where"},
    "report.column.student": {"zh": "学生", "en": "Student"},
    "report.column.score": {"zh": "分数", "en": "Score"},
    "report.column.found": {"zh": "遇到的错误", "en": "Mistakes"},
    "report.column.reason": {"zh": "原因", "en": "Reason"},
    "report.hidden": {"zh": "（隐藏输入）", "en": "(hidden inputs)"},
    "report.none": {"zh": "没有。", "en": "None."},
    "report.all_correct": {"zh": "全部正确", "en": "all correct"},
    "report.missing": {"zh": "未提交", "en": "not handed in"},
    "report.failed": {"zh": "未能评分", "en": "could not be graded"},
    "report.figure.diagnoses": {"zh": "每种错误的学生人数", "en": "Students per mistake"},
    "report.figure.difficulty": {"zh": "每道练习的结果", "en": "Results per exercise"},
    "report.figure.scores": {"zh": "{lesson} 的分数分布", "en": "Scores in {lesson}"},
    "report.figure.students": {"zh": "学生人数", "en": "students"},
    "report.figure.hand_ins": {"zh": "作业份数", "en": "hand-ins"},
    "report.figure.score": {"zh": "分数", "en": "score"},
    "report.nothing_graded": {
        "zh": "{lessons} 还没有评过分的作业。先运行 course-helpers grade。",
        "en": "Nothing of {lessons} has been graded yet. Run course-helpers grade first.",
    },
    "cli.report_done": {"zh": "已写出报告 {html}，数据在 {json}。", "en": "Report written to {html}; its numbers are in {json}."},
})

# --- grades for a learning management system (course-helpers export --format) ---------------------
MESSAGES.update({
    "lms.mapping_unreadable": {
        "zh": "无法读取学号对照文件 {path}（{detail}）。",
        "en": "The id mapping file {path} cannot be read ({detail}).",
    },
    "lms.mapping_no_student": {
        "zh": "学号对照文件 {path} 的第一行必须有 student 列（课程里的学生 id）。",
        "en": "The first row of the id mapping file {path} must have a student column (the course's student id).",
    },
    "lms.mapping_unknown_columns": {
        "zh": "学号对照文件 {path} 里有 {lms} 的导入文件没有的列：{columns}。可用的列：{allowed}。",
        "en": "The id mapping file {path} has columns that {lms}'s import file does not: {columns}. Allowed: {allowed}.",
    },
    "lms.mapping_duplicate": {
        "zh": "学号对照文件 {path} 里，学生 {student} 出现了不止一次。",
        "en": "Student {student} appears more than once in the id mapping file {path}.",
    },
    "lms.unmapped": {
        "zh": "学号对照文件里没有这些学生，按课程里的 id 导出：{students}。",
        "en": "Not in the id mapping file, so exported under their course ids: {students}.",
    },
})
