"""What a campaign build is asked for: the channel, the audience, the offer, the contact-pressure cap, the hold-out.

Channels use the graph's channel kinds (``Channel.kind``, the vocabulary of analyst question 07); each has one
consent flag on Customer. ``push`` and ``phone`` are accepted as the names of ``app`` and ``callcenter``:

=============  =================  ======================
channel        consent flag       also accepted as
=============  =================  ======================
email          consentEmail
sms            consentSms
app            consentPush        push
callcenter     consentPhone       phone
=============  =================  ======================

Audience options that select customers by what was computed about them (RFM segment, community, CLV, churn
risk) are profiling: a customer is selected by them only with ``consentProfiling = true``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from graphengine.errors import ConfigError

CHANNEL_CONSENT = {"email": "consentEmail", "sms": "consentSms", "app": "consentPush", "callcenter": "consentPhone"}
CHANNEL_ALIASES = {"push": "app", "phone": "callcenter"}
MAX_ITEMS = 50
_CAP = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*d\s*$")
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def channel_of(text: str) -> str:
    """The channel kind for ``text`` (``email``, ``sms``, ``app``/``push``, ``callcenter``/``phone``)."""
    name = text.strip().lower()
    name = CHANNEL_ALIASES.get(name, name)
    if name not in CHANNEL_CONSENT:
        known = ", ".join([*CHANNEL_CONSENT, *CHANNEL_ALIASES])
        raise ConfigError(f"--channel is one of {known}, not {text!r}")
    return name


@dataclass(frozen=True)
class Cap:
    """At most ``contacts`` contacts on the channel in the ``days`` days before the send (the send included)."""

    contacts: int
    days: int

    @classmethod
    def parse(cls, text: str) -> Cap:
        """``2/7d`` → at most 2 contacts in 7 days. ``0/…`` is refused (it would leave everybody out)."""
        found = _CAP.match(text)
        if found is None:
            raise ConfigError(f"--cap is CONTACTS/DAYSd, e.g. 2/7d, not {text!r}")
        contacts, days = int(found.group(1)), int(found.group(2))
        if contacts < 1 or days < 1 or days > 3650:
            raise ConfigError(f"--cap needs at least 1 contact in 1 to 3650 days, not {text!r}")
        return cls(contacts, days)

    def __str__(self) -> str:
        return f"{self.contacts}/{self.days}d"


def holdout_share(text: str) -> float:
    """``10%`` (or ``10``) → 0.10; ``0.1`` is read as 0.1 % only with the ``%`` sign, so say ``10%``."""
    found = _SHARE.match(text)
    share = float(found.group(1)) / 100 if found else -1.0
    if not 0 <= share < 1:
        raise ConfigError(f"--holdout is a percentage from 0% to below 100%, not {text!r}")
    return share


def send_time(text: str | None) -> dt.datetime:
    """The send time: ISO 8601 (a time without zone is UTC), default now."""
    if text is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--at is an ISO 8601 time such as 2026-05-01T09:00:00Z, not {text!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Audience:
    """Who may be selected. ``None`` means the option was not given. Any of the four is profiling."""

    segment: str | None = None
    community: int | None = None
    min_clv: float | None = None
    min_churn_risk: float | None = None

    def __post_init__(self) -> None:
        for option, value in (("--min-clv", self.min_clv), ("--min-churn-risk", self.min_churn_risk)):
            if value is not None and not math.isfinite(value):
                raise ConfigError(f"{option} is a finite number, not {value}")

    @property
    def profiling(self) -> bool:
        return any(v is not None for v in (self.segment, self.community, self.min_clv, self.min_churn_risk))

    def used_properties(self) -> list[str]:
        """The Customer properties the options read (for the 'never computed' check)."""
        pairs = (
            (self.segment, "rfmSegment"),
            (self.community, "communityId"),
            (self.min_clv, "clv"),
            (self.min_churn_risk, "churnRisk"),
        )
        return [prop for value, prop in pairs if value is not None]

    def describe(self) -> str:
        parts = [
            f"RFM segment {self.segment!r}" if self.segment is not None else "",
            f"community {self.community}" if self.community is not None else "",
            f"CLV ≥ {self.min_clv:g}" if self.min_clv is not None else "",
            f"churn risk ≥ {self.min_churn_risk:g}" if self.min_churn_risk is not None else "",
        ]
        return ", ".join(p for p in parts if p) or "everybody"


@dataclass(frozen=True)
class CampaignSpec:
    """One build: channel, audience, items per customer, cap, hold-out share and seed, send time, name."""

    channel: str
    audience: Audience = field(default_factory=Audience)
    items: int = 3
    cap: Cap = field(default_factory=lambda: Cap(2, 7))
    holdout: float = 0.0
    seed: int = 0
    at: dt.datetime = field(default_factory=lambda: send_time(None))
    name: str = ""

    def __post_init__(self) -> None:
        if self.channel not in CHANNEL_CONSENT:
            raise ConfigError(f"unknown channel {self.channel!r}")
        if not 1 <= self.items <= MAX_ITEMS:
            raise ConfigError(f"--items is 1 to {MAX_ITEMS}, not {self.items}")
        if not 0 <= self.holdout < 1:
            raise ConfigError(f"the hold-out share is in [0, 1), not {self.holdout}")
        if self.at.tzinfo is None:
            raise ConfigError("the send time needs a time zone")

    def audience_json(self) -> str:
        """The audience options as a JSON string (Campaign.audience)."""
        chosen: dict[str, Any] = {k: v for k, v in asdict(self.audience).items() if v is not None}
        return json.dumps(chosen, sort_keys=True)


__all__ = ["CHANNEL_CONSENT", "Audience", "CampaignSpec", "Cap", "channel_of", "holdout_share", "send_time"]
