"""Fail points: named places in a cycle where a fault test can kill the process outright.

The exactly-once guarantee is only as good as its worst crash, so the fault matrix
(tests/faults/) runs real cycles in a subprocess and has it SIGKILLed at each of these points:

- ``fetched``: the snapshot is read, nothing decided or written yet;
- ``intended``: a letter's intent is in the outbox, the vendor has not been called;
- ``attempted``: the outbox says the request is leaving, the vendor has not been called yet (a
  crash here looks, to the read-back, like one after the request left: outcome unknown);
- ``applied``: the vendor accepted the write, the outbox does not know yet;
- ``recorded``: the outbox recorded the write.

Inside the bridge's own channels, between the act and its record:

- ``handover.renamed``: a case folder was renamed into place, its journal entry still says
  ``staged`` and the store knows nothing (bridge/engine/handover.py);
- ``mail.sent``: the SMTP server accepted a message, the store still says ``sending``
  (bridge/engine/mailer.py).

``DUNNING_BRIDGE_FAILPOINT=applied:2`` kills the process the second time ``applied`` is
reached; ``applied:2:pause=3`` sleeps three seconds there instead (a window for a test to send
SIGTERM mid-cycle). Unset (always, in production) a fail point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

ENV = "DUNNING_BRIDGE_FAILPOINT"  # not BRIDGE_*: those are settings
POINTS = (
    "fetched",
    "intended",
    "attempted",
    "applied",
    "recorded",
    "handover.renamed",
    "mail.sent",
)

_seen: Counter[str] = Counter()


def reached(point: str) -> None:
    """Note that ``point`` was reached; die here if the environment asks for it."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, rest = spec.partition(":")
    if name != point:
        return
    nth, _, action = rest.partition(":")
    _seen[point] += 1
    if _seen[point] != int(nth or "1"):
        return
    if action.startswith("pause="):
        time.sleep(float(action.removeprefix("pause=")))
    else:
        os.kill(os.getpid(), signal.SIGKILL)
