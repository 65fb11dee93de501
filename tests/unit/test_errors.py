import inspect

import graphengine.errors as errors
from graphengine.errors import GraphEngineError, PrivacyViolation, StoreUnavailable, ValidationFailed


def _classes() -> list[type[GraphEngineError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, GraphEngineError)]


def test_every_error_is_in_the_tree_and_documented() -> None:
    doc = errors.__doc__ or ""
    for cls in _classes():
        assert cls.__name__ in doc, f"{cls.__name__} is not drawn in the module docstring"
        assert cls.__doc__ and "raised" in cls.__doc__.lower(), f"{cls.__name__} does not say when it is raised"
        assert cls.__name__ in errors.__all__


def test_codes_are_unique() -> None:
    codes = [c.code for c in _classes()]
    assert len(codes) == len(set(codes))


def test_validation_failed_carries_rows_and_privacy_is_a_validation_failure() -> None:
    exc = PrivacyViolation("special-category columns", rejected=[{"row": 1, "reasons": ["religion"]}])
    assert isinstance(exc, ValidationFailed)
    assert exc.rejected == [{"row": 1, "reasons": ["religion"]}]
    assert exc.code == "privacy_violation"


def test_message_and_details() -> None:
    exc = StoreUnavailable("down", details={"uri": "bolt://x"})
    assert str(exc) == "down"
    assert exc.details == {"uri": "bolt://x"}
