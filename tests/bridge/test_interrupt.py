"""The process's stop: every wait and request asks it, so asking must never queue."""

from __future__ import annotations

import threading

from bridge.infra import interrupt


def test_stopping_follows_the_registered_event() -> None:
    event = threading.Event()
    assert not interrupt.stopping()
    with interrupt.stop_on(event):
        assert not interrupt.stopping()
        event.set()
        assert interrupt.stopping()
    assert not interrupt.stopping()  # no longer registered


def test_asking_answers_while_a_registration_holds_the_lock() -> None:
    """Sixty-four tenants ask for every read of an answer: a lock here queued them all."""
    answers: list[bool] = []
    asking = threading.Thread(target=lambda: answers.append(interrupt.stopping()))
    with interrupt._lock:  # a registration in progress, or a thread paused while holding it
        asking.start()
        asking.join(timeout=5)
        finished = not asking.is_alive()
    asking.join()
    assert finished
    assert answers == [False]


def test_an_event_registered_twice_stays_watched_until_both_end() -> None:
    event = threading.Event()
    with interrupt.stop_on(event):
        with interrupt.stop_on(event):
            pass
        event.set()
        assert interrupt.stopping()


def test_a_sleep_wakes_early_when_stopping() -> None:
    event = threading.Event()
    event.set()
    with interrupt.stop_on(event):
        assert interrupt.sleep(30) is False
    assert interrupt.sleep(0) is True
