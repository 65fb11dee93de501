import graphengine


def test_all_names_are_exported_and_importable() -> None:
    assert graphengine.__all__ == sorted(graphengine.__all__)
    for name in graphengine.__all__:
        assert hasattr(graphengine, name), name


def test_errors_are_re_exported() -> None:
    assert issubclass(graphengine.StoreUnavailable, graphengine.GraphEngineError)
