"""Messages of the instructor's commands (release, lint, execute); not part of the assessed
edition that students install."""

MESSAGES: dict[str, dict[str, str]] = {
    "cli.release_done": {
        "zh": "已从 solutions/ 生成学生版：{lessons}",
        "en": "Student release regenerated from solutions/: {lessons}",
    },
    "cli.release_stale": {
        "zh": "notebooks/ 与 solutions/ 不一致：{files}。请运行 course-helpers release 并提交结果。",
        "en": "notebooks/ is out of date with solutions/: {files}. Run course-helpers release "
        "and commit the result.",
    },
    "cli.release_fresh": {
        "zh": "notebooks/ 与 solutions/ 一致。",
        "en": "notebooks/ matches solutions/.",
    },
    "cli.lint_result": {
        "zh": "发现 {count} 个问题。",
        "en": "{count} problem(s) found.",
    },
    "cli.execute_done": {
        "zh": "已重新运行并保存输出：{lesson}",
        "en": "Re-executed and saved with outputs: {lesson}",
    },
    "cli.execute_failed": {
        "zh": "运行 {lesson} 时出错：{detail}",
        "en": "Running {lesson} failed: {detail}",
    },
    "cli.unknown_lesson": {
        "zh": "找不到课程 {lesson}。现有课程：{known}",
        "en": "No lesson called {lesson}. Lessons: {known}",
    },
    "cli.nbgrader_failed": {
        "zh": "nbgrader 生成学生版失败：{detail}",
        "en": "nbgrader could not generate the release: {detail}",
    },
    "cli.assessed_all_lessons": {
        "zh": "计分版总是包含全部课程：去掉课程名再运行。",
        "en": "The assessed edition always holds every lesson: run it without lesson names.",
    },
    "cli.assessed_bad_folder": {
        "zh": "不能把计分版写进课程文件夹本身或它的上级目录：{folder}。请用 --into 另选一个文件夹。",
        "en": "The assessed edition cannot go into the course folder itself or a folder "
        "above it: {folder}. Choose another folder with --into.",
    },
    "cli.assessed_failed": {
        "zh": "无法生成计分版：{detail} 缺失或与清单不符。请先运行 course-helpers release。",
        "en": "Could not write the assessed edition: {detail} is missing or does not match "
        "its manifest. Run course-helpers release first.",
    },
    "cli.assessed_done": {
        "zh": "计分版已写入 {folder}（课程：{lessons}）。把这个文件夹发给学生；答案和隐藏测试不在其中。",
        "en": "Assessed edition written to {folder} (lessons: {lessons}). Hand this folder "
        "to students; the answer key and the hidden tests are not in it.",
    },
}
