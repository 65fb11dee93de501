"""Who may read what, against a real uvicorn server on a small demo graph: personal endpoints need a key with
the ``read`` scope (401 without a key, 403 with a key that lacks it), writes need ``write``, keys can be given
as SHA-256 hashes, nothing personal is served when no keys are configured (unless GRAPHENGINE_API_OPEN), and
aggregate endpoints answer without ``read`` but with account ids, handles and customer ids left out — also
when the full answer is in the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from graphengine.analytics.identity import run_identity_resolution
from graphengine.api import create_app
from graphengine.api.app import ApiOptions
from graphengine.api.keys import KeyRing, parse_entry
from graphengine.api.redact import rules
from graphengine.api.schemas import CommunityProfileOut, InfluencersOut
from graphengine.api.schemas_journeys import PatternMatchesOut
from graphengine.api.server import access_summary
from graphengine.config import Settings
from graphengine.errors import ConfigError
from graphengine.store import Store
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import api_client, load_small_demo
from tests.integration.test_api_read import _error

FULL, READER, WRITER, HASHED = "full-key", "reader-key", "writer-key", "hashed-secret"
KEYS = [FULL, f"{READER}:read", f"{WRITER}:write", f"sha256:{hashlib.sha256(HASHED.encode()).hexdigest()}:read"]


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    truth = load_small_demo(session_store, settings, tmp_path_factory.mktemp("demo"), customers=120)
    run_identity_resolution(session_store)
    row = session_store.run_text(
        "MATCH (c:Customer {consentProfiling: true})-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->() "
        "RETURN c.customerId AS id ORDER BY id LIMIT 1"
    )
    truth["someone"] = row[0]["id"]
    truth["models"] = tmp_path_factory.mktemp("models")
    train_and_promote(session_store, truth["models"])  # recommendations are served from a promoted model
    return truth


@pytest.fixture(scope="module")
def client(demo: dict[str, Any], settings: Settings) -> Iterator[httpx.Client]:
    with api_client(settings.model_copy(update={"api_keys": KEYS}), ApiOptions(models_home=demo["models"])) as client:
        yield client


def personal(someone: str) -> list[str]:
    return [
        f"/customers/{someone}",
        f"/customers/{someone}/journey",
        f"/customers/{someone}/recommendations",
        f"/customers/{someone}/people-you-may-know",
    ]


def test_personal_reads_need_a_key_with_read(client: httpx.Client, demo: dict[str, Any]) -> None:
    for path in personal(demo["someone"]):
        response = client.get(path)
        _error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "X-API-Key"
        _error(client.get(path, headers=key("not-a-key")), 401, "unauthorized")
        assert "'read' scope" in _error(client.get(path, headers=key(WRITER)), 403, "forbidden")["message"]
        for good in (FULL, READER, HASHED):
            assert client.get(path, headers=key(good)).status_code == 200, (path, good)


def test_the_identity_profile_members_are_behind_read(client: httpx.Client, demo: dict[str, Any]) -> None:
    rows = client.get(f"/customers/{demo['someone']}", headers=key(READER)).json()
    assert "identity" in rows
    # the same profile without a key: refused, so its members are never listed
    _error(client.get(f"/customers/{demo['someone']}?recent=1"), 401, "unauthorized")


def test_writes_need_write(client: httpx.Client, demo: dict[str, Any]) -> None:
    batch = {"purchases": [{"orderId": "o", "customerId": "nobody", "productId": "p", "amount": 1, "at": "2026-01-01"}]}
    _error(client.post("/events", json=batch), 401, "unauthorized")
    for reader in (READER, HASHED):
        _error(client.post("/events", json=batch, headers=key(reader)), 403, "forbidden")
        _error(client.delete("/customers/nobody", headers=key(reader)), 403, "forbidden")
    _error(client.post("/events", json=batch, headers=key(WRITER)), 422, "validation_failed")  # past the gate
    _error(client.delete("/customers/nobody", headers=key(WRITER)), 404, "not_found")
    _error(client.delete("/customers/nobody", headers=key(FULL)), 404, "not_found")


def test_a_wrong_key_is_refused_everywhere(client: httpx.Client) -> None:
    for path in ("/health", "/influencers", "/attribution", "/products/P00001/similar"):
        _error(client.get(path, headers=key("nope")), 401, "unauthorized")
        assert client.get(path).status_code == 200


def _people_fields(items: list[dict[str, Any]], *fields: str) -> set[Any]:
    return {item[field] for item in items for field in fields}


def test_aggregates_hide_people_without_read(client: httpx.Client, demo: dict[str, Any]) -> None:
    # the full answer first, so a cached copy exists that the keyless request must not get
    full = client.get("/influencers", params={"limit": 20}, headers=key(READER)).json()["items"]
    owned = [item for item in full if item["customerId"] is not None]
    assert owned and all(item["accountId"] and item["handle"] for item in full)
    for _ in range(2):  # the second answer comes from the cache-first layer
        for headers in ({}, key(WRITER)):
            bare = client.get("/influencers", params={"limit": 20}, headers=headers).json()["items"]
            assert len(bare) == len(full)
            assert _people_fields(bare, "accountId", "handle", "customerId") == {None}
            assert [item["score"] for item in bare] == [item["score"] for item in full]

    community = client.get("/communities").json()["items"][0]["communityId"]
    profile = client.get(f"/communities/{community}", headers=key(FULL)).json()
    assert profile["influencers"] and None not in _people_fields(profile["influencers"], "accountId", "handle")
    bare_profile = client.get(f"/communities/{community}").json()
    assert _people_fields(bare_profile["influencers"], "accountId", "handle") == {None}
    assert (bare_profile["size"], bare_profile["customers"]) == (profile["size"], profile["customers"])

    name = "serious_shopper_abandonment"
    matched = client.get(f"/journeys/patterns/{name}", params={"limit": 100}, headers=key(READER)).json()
    assert matched["matches"] and {m["customer"] for m in matched["matches"]} <= set(demo["communities"])
    counts = client.get(f"/journeys/patterns/{name}", params={"limit": 100}).json()
    assert counts["matches"] == []
    assert (counts["total"], counts["customers"]) == (matched["total"], matched["customers"])

    for path in ("/attribution", "/channels/transitions", "/communities"):  # no person in them: the same answer
        assert client.get(path).json() == client.get(path, headers=key(READER)).json()


def test_no_keys_configured_serves_nothing_personal(settings: Settings, demo: dict[str, Any]) -> None:
    with api_client(settings.model_copy(update={"api_keys": []}), ApiOptions(models_home=demo["models"])) as client:
        for path in personal(demo["someone"]):
            assert "GRAPHENGINE_API_KEYS" in _error(client.get(path), 403, "forbidden")["message"]
        assert client.get("/influencers").json()["items"][0]["customerId"] is None
        _error(client.post("/events", json={"events": []}), 403, "forbidden")


def test_open_reads_are_an_explicit_development_setting(settings: Settings, demo: dict[str, Any]) -> None:
    options = ApiOptions(models_home=demo["models"])
    with api_client(settings.model_copy(update={"api_keys": [], "api_open": True}), options) as client:
        for path in personal(demo["someone"]):
            assert client.get(path).status_code == 200, path
        assert any(item["customerId"] for item in client.get("/influencers").json()["items"])
        _error(client.delete(f"/customers/{demo['someone']}"), 403, "forbidden")  # writes still need a key


def test_key_entries() -> None:
    digest = hashlib.sha256(b"s3cret").hexdigest()
    assert parse_entry("plain").scopes == {"read", "write"}
    assert parse_entry("plain:read").scopes == {"read"}
    assert parse_entry("plain:read,write").scopes == {"read", "write"}
    assert parse_entry(f"sha256:{digest}").scopes == {"read", "write"}
    assert parse_entry(f"sha256:{digest.upper()}:write").scopes == {"write"}
    assert parse_entry("with:colons:in:it:read").digest == hashlib.sha256(b"with:colons:in:it").digest()
    assert parse_entry("tail:X9").digest == hashlib.sha256(b"tail:X9").digest()  # not a scope list: part of the key
    ring = KeyRing(["a:read", "a:write", f"sha256:{digest}:read"])
    assert ring.scopes_of("a") == frozenset({"read", "write"})  # the same key twice: both entries' scopes
    assert ring.scopes_of("s3cret") == frozenset({"read"})
    assert ring.scopes_of(digest) is None  # the digest itself is not the key
    assert ring.scopes_of("") is None
    for bad in ("", "k:admin", "sha256:abc", f"sha256:{digest}:read,root", f"sha256:{digest}:"):
        with pytest.raises(ConfigError) as refused:
            parse_entry(bad)
        assert "s3cret" not in str(refused.value)


def test_serve_says_how_access_is_configured_without_the_keys(settings: Settings) -> None:
    keyed = access_summary(settings.model_copy(update={"api_keys": KEYS}))
    assert "4 API key(s)" in keyed and "X-API-Key: $GRAPHENGINE_KEY" in keyed
    assert not any(secret in keyed for secret in (FULL, READER, WRITER, HASHED))
    assert "refused" in access_summary(settings.model_copy(update={"api_keys": []}))
    assert "WITHOUT a key" in access_summary(settings.model_copy(update={"api_keys": [], "api_open": True}))


def test_a_malformed_key_entry_stops_the_app(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="unknown scope"):
        create_app(settings.model_copy(update={"api_keys": ["k:reed"]}))


def test_the_redaction_rules_name_real_fields() -> None:
    models: dict[str, type[BaseModel]] = {
        "InfluencersOut": InfluencersOut,
        "CommunityProfileOut": CommunityProfileOut,
        "PatternMatchesOut": PatternMatchesOut,
    }
    assert set(rules()) == set(models)
    for name, rule in rules().items():
        for list_field, fields in rule.items():
            assert list_field in models[name].model_fields
            if fields != "drop":
                item: type[BaseModel] = models[name].model_fields[list_field].annotation.__args__[0]  # type: ignore[union-attr]
                assert set(fields) <= set(item.model_fields), (name, fields)
