"""Uploaded documents the platform keeps and may publish: only what they claim to be.

A document (an inspection report, a credit event's evidence) is a PDF or an image. The name's
extension is not trusted: the first bytes decide (a ``.txt`` renamed ``.pdf`` is refused), so
nothing else is ever served back to the public from these files.
"""

from django.utils.translation import gettext as _

from procurement.core.errors import DomainError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Leading bytes of each accepted type, and the extensions its name may have.
_SIGNATURES = (
    (b"%PDF-", (".pdf",)),
    (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", (".png",)),
)


def check_document(upload, *, field: str) -> None:
    """Refuse anything but a PDF, JPEG or PNG of at most 20 MB whose name matches its content."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="file_too_large",
            field=field,
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(16)
    upload.seek(position)
    for signature, extensions in _SIGNATURES:
        if head.startswith(signature) and name.endswith(extensions):
            return
    raise DomainError(
        _("Attach a PDF or an image (JPEG, PNG); “%(name)s” is not one.") % {"name": name.rsplit("/", 1)[-1]},
        code="not_a_document",
        field=field,
    )
