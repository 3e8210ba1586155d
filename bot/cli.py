"""Sub-commands owned by the `bot` package (placeholder until implemented)."""


def register(sub) -> None:
    pass
