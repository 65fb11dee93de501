"""How a source marks a test row: a marker column that says yes, or a key with a test prefix (both paths)."""

from __future__ import annotations

TEST_MARKER_COLUMNS = ("isTest", "is_test", "test")
TEST_KEY_PREFIXES = ("test-", "test_", "dummy-", "dummy_")

__all__ = ["TEST_KEY_PREFIXES", "TEST_MARKER_COLUMNS"]
