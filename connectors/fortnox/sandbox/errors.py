"""The Fortnox sandbox's error answers: Fortnox's ``ErrorInformation`` envelope and its codes.

2000434 (no such invoice), 2000433 (no such customer) and 2000587 (invalid filter) are codes
Fortnox is recorded sending; the others are the sandbox's own, in the same range. Clients must
classify by HTTP status, never by these codes.
"""

from __future__ import annotations

from typing import Any

CODE_NO_CUSTOMER = 2000433
CODE_NO_INVOICE = 2000434
CODE_BAD_FILTER = 2000587
CODE_INVALID = 2000359  # a field has the wrong type, length or value
CODE_NOT_ALLOWED = 2000360  # the invoice's state does not allow the action
CODE_BAD_PAGING = 2000361
CODE_NO_RESOURCE = 2000362
# Assumed codes (docs/connectors/fortnox.md): a missing account or article, a scope not granted.
CODE_NO_ACCOUNT = 2000204
CODE_NO_ARTICLE = 2000428
CODE_NO_SCOPE = 2000663


class ApiError(Exception):
    """An error answer in Fortnox's ``ErrorInformation`` envelope.

    ``lower`` writes the keys in lower case, as Fortnox does for an invalid filter.
    """

    def __init__(self, status: int, message: str, code: int, *, lower: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.lower = lower

    def body(self) -> dict[str, Any]:
        """The JSON body Fortnox sends."""
        keys = ("error", "message", "code") if self.lower else ("Error", "Message", "Code")
        return {"ErrorInformation": dict(zip(keys, (1, self.message, self.code), strict=True))}
