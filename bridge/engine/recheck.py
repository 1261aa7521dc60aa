"""The safety re-check before a write, one re-read per batch of letters.

A payment registered between the fetch and a write must cancel that write. The cycle used to
re-read each letter's invoices just before writing it: one request per letter, as many as the
writes themselves. Here the invoices of the next ``BATCH`` letters are re-read together, in
one call to the session's ``recheck`` (each connector reads a batch in one or a few requests:
e-conomic ``$in`` lists, Tripletex id lists, Fortnox ``lastmodified`` and Dinero
``changesSince`` since the fetch), and each letter of the batch is held to that answer.

What stays the same: every write is preceded by a re-read taken after the fetch, so a payment
registered between the fetch and the re-read cancels the write, as before. What widens is the
gap between the re-read and the write, from one letter to at most one batch; ``MAX_AGE``
bounds it in time as well, so a slow batch (a vendor pacing the writes) is re-read again before
its answer grows old.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from bridge.vocab.connector import Session
from bridge.vocab.domain import Letter

# Letters re-read together: e-conomic takes 200 numbers per $in list, and a letter seldom
# covers more than two invoices, so a batch is one or two requests there.
BATCH = 100
# The oldest a batch's answer may be when a letter is written (seconds).
MAX_AGE = 30.0


class BatchRecheck:
    """Re-read the invoices of the letters about to be written, a batch at a time."""

    def __init__(
        self,
        session: Session,
        letters: Sequence[Letter],
        *,
        batch: int = BATCH,
        max_age: float = MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._letters = letters
        self._batch = max(1, batch)
        self._max_age = max_age
        self._clock = clock
        self._covers = range(0)
        self._at = float("-inf")
        self._reasons: dict[str, str | None] = {}
        self.reads = 0  # how many batches were re-read (for tests and the bench)

    def changed(self, position: int) -> dict[str, str]:
        """Why the letter at ``position`` should not go: invoice -> reason; empty if it may."""
        if position not in self._covers or self._clock() - self._at > self._max_age:
            self._read(position)
        letter = self._letters[position]
        ids = dict.fromkeys(d.invoice_id for d in letter.decisions)
        return {i: reason for i in ids if (reason := self._reasons.get(i))}

    def _read(self, position: int) -> None:
        end = min(len(self._letters), position + self._batch)
        ids = dict.fromkeys(
            d.invoice_id for letter in self._letters[position:end] for d in letter.decisions
        )
        self._at = self._clock()
        self._reasons = self._session.recheck(list(ids))
        self._covers = range(position, end)
        self.reads += 1
