"""Running requests or calls at the same moment in real threads, for the race tests.

Each thread gets its own database connection (Django keeps them per thread) and a barrier
releases them together. A 500 raises inside the test client: it is kept as the result,
not lost, and `race_posts` fails the test on it.
"""

import threading

from django.db import connections

from wenming.core.testing import api_client

JOIN_TIMEOUT = 60


def race_calls(fns) -> list:
    """Call each function in its own thread, all released at once; return results or exceptions."""
    barrier = threading.Barrier(len(fns))
    results: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[i] = fn()
        except BaseException as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing call never finished (deadlock?)"
    return results


def post_as(user, url, payload):
    """A call that POSTs `payload` as JSON to `url` as `user` through the API."""
    def call():
        return api_client(user).post(url, payload, format="json")
    return call


def race_posts(calls) -> list:
    """POST each (user, url, payload) at once; every one must answer (no crash, no deadlock)."""
    results = race_calls([post_as(*call) for call in calls])
    crashed = [r for r in results if isinstance(r, BaseException)]
    assert not crashed, f"racing requests crashed: {crashed!r}"
    return results
