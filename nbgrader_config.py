"""nbgrader configuration for the course (see README, instructor guide)."""

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "pytorch-autograd"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# What students see where a solution was removed.
c.ClearSolutions.code_stub = {
    "python": "# 在这里写你的代码 / YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "在这里写你的答案 / YOUR ANSWER HERE"

# One slow or looping cell must not hold up a whole class (the limits `course-helpers grade`
# uses, so that plain nbgrader grades alike).
from course_helpers.classroom.worker import Limits  # noqa: E402

c.Execute.timeout = Limits().cell_timeout
c.Execute.startup_timeout = Limits().kernel_startup
c.Execute.shutdown_kernel = "immediate"
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]

# Feedback pages must not show hidden tests (nbgrader's default shows them).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course_helpers.classroom.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
