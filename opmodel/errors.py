"""Exception base for the whole project.

Every package raises a subclass of ``OpmodelError``; only the edges (CLI, Slack bot)
turn them into user text, so the core never prints and never exits.
"""


class OpmodelError(Exception):
    """Base for every error a user can be told about in one line."""


class ConfigError(OpmodelError):
    """A setting has a value we cannot use."""


class IndexMissingError(OpmodelError):
    """No index has been built yet (run `opmodel ingest`)."""


class IndexCorruptError(OpmodelError):
    """The index on disk or on the server cannot be read."""


class IndexUnreachableError(OpmodelError):
    """The Chroma server did not answer."""


class IndexDiskFullError(OpmodelError):
    """The disk holding the index (or the server's data) has no space left; the index is intact."""


class IngestBusyError(OpmodelError):
    """Another ingest holds the index's ingest lease and did not finish in time."""


class IndexChangedError(OpmodelError):
    """Another ingest published while this one was building: publishing would undo its changes."""


class EmbedderMismatchError(OpmodelError):
    """The collection was built with a different embedding model or dimension."""


class DocumentError(OpmodelError):
    """One source document could not be loaded; the message names the file."""


class QuestionError(OpmodelError):
    """The question itself is unusable (empty, too long, not text)."""
