"""Sub-commands owned by the `ingest` package (placeholder until implemented)."""


def register(sub) -> None:
    pass
