"""The error hierarchy: every error a user may see derives from QAError and carries a safe message."""


class QAError(Exception):
    """Base error; `str(err)` is safe to show to users (no paths beyond what they gave, no traces)."""

    status_code = 400
    kind = "invalid_request_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(QAError):
    """The request itself is wrong: empty question, too long, bad parameter."""


class DocumentError(QAError):
    """A document cannot be read: wrong type, undecodable, binary, too large."""

    status_code = 415
    kind = "unsupported_document"


class IndexNotFoundError(QAError):
    """No index exists where one was expected."""

    status_code = 503
    kind = "index_not_found"


class IndexCorruptError(QAError):
    """An index exists but is unreadable, stale or built with other settings."""

    status_code = 503
    kind = "index_error"


class NotFoundError(QAError):
    """A named resource (a document id, say) does not exist."""

    status_code = 404
    kind = "not_found"


class ModelError(QAError):
    """A model cannot be loaded or a generation backend cannot be reached."""

    status_code = 503
    kind = "model_error"
