"""One module of exercises per lesson (``from course_helpers.exercises import autograd``)."""
