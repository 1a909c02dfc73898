import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Anonymous registration is throttled per IP; each test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()
