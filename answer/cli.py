"""Sub-commands owned by the `answer` package (placeholder until implemented)."""


def register(sub) -> None:
    pass
