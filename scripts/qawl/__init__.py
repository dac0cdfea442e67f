"""qawl: an annotated corpus of Arabic news, and the toolkit that builds it."""

__version__ = "0.1.0"
