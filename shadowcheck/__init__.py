"""shadowcheck: find project files that shadow the stdlib or installed packages."""

__version__ = "0.1.0"
