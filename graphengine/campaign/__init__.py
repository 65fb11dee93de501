"""Campaigns that do not spam: consent- and pressure-aware audiences with next-best offers, and their responses.

* :mod:`~graphengine.campaign.options` — channel, audience options, the contact-pressure cap, the hold-out share;
* :mod:`~graphengine.campaign.audience` — who may be contacted (consent, audience, cap) and the seeded hold-out;
* :mod:`~graphengine.campaign.offers` — each customer's offers from the served recommender;
* :mod:`~graphengine.campaign.build` — the build: record ``Campaign``, ``CONTACTED``, ``HELD_OUT``, write the file;
* :mod:`~graphengine.campaign.export` — the CSV/Parquet campaign file;
* :mod:`~graphengine.campaign.results` — loading responses (``RESPONDED``) and the response-rate report.
"""
