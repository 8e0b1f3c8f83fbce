"""Per-file errors with a stable code, so the build can report every failed file and go on."""

from __future__ import annotations


class ReportError(Exception):
    """A file that cannot be read as a report. ``code`` is stable; ``message`` says what to do."""

    code = "report_error"

    def __init__(self, message: str, *, line: int | None = None, page: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.page = page


class EmptyFileError(ReportError):
    code = "empty_file"


class UndecodableError(ReportError):
    code = "undecodable"


class BinaryFileError(ReportError):
    code = "binary_file"


class NotAReportError(ReportError):
    code = "not_a_report"


class UnsupportedFormatError(ReportError):
    code = "unsupported_format"


class EncryptedError(ReportError):
    code = "encrypted"


class NoTextLayerError(ReportError):
    code = "no_text_layer"


class GarbledTextError(ReportError):
    code = "garbled_text"


class BrokenFileError(ReportError):
    code = "broken_file"


class UnreadableFileError(ReportError):
    code = "unreadable_file"
