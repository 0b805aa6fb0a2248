"""What the guard raises: both carry a message a regional officer can act on."""


class UnreadableFile(Exception):
    """The file is not a spreadsheet this pipeline can read; the message says why."""

    check = "unreadable"


class UnsafeFile(UnreadableFile):
    """A spreadsheet refused before parsing: over a limit, or built to mislead a reader."""

    check = "unsafe_file"
