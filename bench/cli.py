"""Sub-commands owned by the `bench` package (placeholder until implemented)."""


def register(sub) -> None:
    pass
