"""pytest plugins of the Wenming Cloud suite, loaded from the root conftest.py."""
