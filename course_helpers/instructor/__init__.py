"""What only the instructor runs: the command line, the release, the assessed edition, lint,
and the texts of the instructor's commands and of grading (``texts/``).

Grading itself is in :mod:`course_helpers.classroom` and the answer key in
:mod:`course_helpers.key`; none of the three is part of the assessed edition.
"""
