"""Sub-commands owned by the `eval` package (placeholder until implemented)."""


def register(sub) -> None:
    pass
