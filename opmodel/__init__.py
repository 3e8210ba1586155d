"""opmodel: answers questions about the NHS England GP IT operating model with cited passages."""

__version__ = "0.1.0"
