"""The instructor's side: collect a class's notebooks, grade them with nbgrader, report.

nbgrader stays the grading engine and its gradebook the record. These modules wrap it where a
real class needs more: notebooks are repaired or rejected with a reason before nbgrader sees
them (:mod:`intake`), each submission is graded in its own scratch course by a pool of worker
processes with a time and memory limit (:mod:`worker`, :mod:`pool`), and the results are
written into the course's gradebook one submission at a time (:mod:`record`), so an
interrupted run loses nothing and a repeated run changes nothing.
"""
