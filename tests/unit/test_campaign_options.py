"""Campaign options: the cap, the hold-out share, channels, the send time, the seeded hold-out draw."""

from __future__ import annotations

import datetime as dt

import pytest

from graphengine.campaign.audience import Candidate, split_holdout
from graphengine.campaign.options import Audience, CampaignSpec, Cap, channel_of, holdout_share, send_time
from graphengine.errors import ConfigError


def test_cap_parses_contacts_per_days_and_refuses_the_rest() -> None:
    assert Cap.parse("2/7d") == Cap(2, 7) and Cap.parse(" 10 / 30d ") == Cap(10, 30)
    assert str(Cap(2, 7)) == "2/7d"
    for bad in ("0/7d", "2/0d", "2/7", "2/7h", "two/7d", "-1/7d", "2/9999d", ""):
        with pytest.raises(ConfigError, match="--cap"):
            Cap.parse(bad)


def test_holdout_share_is_a_percentage_below_100() -> None:
    assert holdout_share("10%") == pytest.approx(0.10) and holdout_share("0%") == 0.0
    assert holdout_share("12.5%") == pytest.approx(0.125) and holdout_share("10") == pytest.approx(0.10)
    for bad in ("100%", "150%", "-5%", "ten", "nan%", "inf"):
        with pytest.raises(ConfigError, match="--holdout"):
            holdout_share(bad)


def test_channels_map_to_the_graph_kinds() -> None:
    assert [channel_of(c) for c in ("email", "SMS", "push", "app", "phone", "callcenter")] == [
        "email",
        "sms",
        "app",
        "app",
        "callcenter",
        "callcenter",
    ]
    with pytest.raises(ConfigError, match="--channel is one of"):
        channel_of("fax")


def test_send_time_is_utc_without_a_zone_and_refuses_nonsense() -> None:
    assert send_time("2026-05-01T09:00:00") == dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    assert send_time("2026-05-01T09:00:00+02:00").utcoffset() == dt.timedelta(hours=2)
    assert send_time(None).tzinfo is not None
    with pytest.raises(ConfigError, match="--at"):
        send_time("next tuesday")


def test_profiling_options_and_the_audience_json() -> None:
    assert not Audience().profiling and Audience().describe() == "everybody"
    audience = Audience(segment="champions", min_clv=100)
    assert audience.profiling and audience.used_properties() == ["rfmSegment", "clv"]
    spec = CampaignSpec(channel="email", audience=audience)
    assert spec.audience_json() == '{"min_clv": 100, "segment": "champions"}'
    with pytest.raises(ConfigError, match="--min-clv is a finite number"):
        Audience(min_clv=float("nan"))
    with pytest.raises(ConfigError, match="--min-churn-risk"):
        Audience(min_churn_risk=float("inf"))
    with pytest.raises(ConfigError, match="--items"):
        CampaignSpec(channel="email", items=0)


def test_the_holdout_draw_is_seeded_sized_and_disjoint() -> None:
    people = [Candidate(f"c{i:03d}", True, 0) for i in range(200)]
    contacted, held = split_holdout(list(reversed(people)), 0.1, seed=5)
    assert len(held) == 20 and len(contacted) == 180
    assert not {c.customer_id for c in held} & {c.customer_id for c in contacted}
    again_contacted, again_held = split_holdout(people, 0.1, seed=5)  # the input order does not matter
    assert again_held == held and again_contacted == contacted
    assert split_holdout(people, 0.1, seed=6)[1] != held
    assert split_holdout(people, 0.0, seed=5) == (people, [])
