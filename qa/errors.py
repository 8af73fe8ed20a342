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


class AuthenticationError(QAError):
    """A request without the configured API key (or with a wrong one)."""

    status_code = 401
    kind = "authentication_error"


class MethodNotAllowedError(QAError):
    """A known route called with a method it does not take; `allowed` lists the ones it takes."""

    status_code = 405

    def __init__(self, message: str, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.headers = {"allow": ", ".join(allowed)} if allowed else {}


class RequestTimeoutError(QAError):
    """The client sent its request too slowly."""

    status_code = 408
    kind = "request_timeout"


class RequestTooLargeError(QAError):
    """A request body or an upload over its size limit."""

    status_code = 413
    kind = "request_too_large"


class ConflictError(QAError):
    """The change would silently replace something (a document with the same id, say)."""

    status_code = 409
    kind = "conflict"


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


class IndexWriteError(QAError):
    """The index cannot be written (disk full, read-only folder, another writer holding the lock too long);
    the previous version stays in place."""

    status_code = 503
    kind = "index_write_error"


class NotFoundError(QAError):
    """A named resource (a document id, say) does not exist."""

    status_code = 404
    kind = "not_found"


class ModelError(QAError):
    """A model cannot be loaded or a generation backend cannot be reached."""

    status_code = 503
    kind = "model_error"
