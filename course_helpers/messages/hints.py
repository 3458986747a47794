"""Messages of the error-explanation extension (``%load_ext course_helpers``)."""

MESSAGES: dict[str, dict[str, str]] = {
    "hints.title": {"zh": "💡 怎么回事？", "en": "💡 What happened?"},
}
