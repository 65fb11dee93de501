import re

from graphengine.store.schema import migrations, split_statements

DESIGN_KEYS = {
    "Customer": "customerId",
    "Product": "productId",
    "Category": "name",
    "Channel": "channelId",
    "SocialAccount": "accountId",
    "Identifier": "idKey",
    "Event": "eventId",
    "Profile": "profileId",
    "AnalysisRun": "runId",
}


def test_split_statements_drops_comments_and_splits_on_semicolons() -> None:
    text = (
        "// header\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\n\n"
        "CREATE INDEX b IF NOT EXISTS\nFOR (n:B) ON (n.y);"
    )
    assert split_statements(text) == [
        "CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)",
        "CREATE INDEX b IF NOT EXISTS\nFOR (n:B) ON (n.y)",
    ]


def test_migrations_are_ordered_and_idempotent_by_construction() -> None:
    found = migrations()
    versions = [m.version for m in found]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    for migration in found:
        for statement in migration.statements:
            assert "IF NOT EXISTS" in statement, f"{migration.path.name}: {statement}"


def test_every_node_key_of_the_model_has_a_unique_constraint() -> None:
    text = " ".join(s for m in migrations() for s in m.statements)
    for label, key in DESIGN_KEYS.items():
        pattern = rf"FOR \(n:{label}\) REQUIRE n\.{key} IS UNIQUE"
        assert re.search(pattern, text), f"no unique constraint for {label}.{key}"
