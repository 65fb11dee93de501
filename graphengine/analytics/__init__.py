"""Graph analytics: projections and scopes, centrality, communities, influence, identity resolution, segments,
and the AnalysisRun records every analysis writes back with.

Journeys and attribution are in :mod:`graphengine.journeys`, customer value in :mod:`graphengine.value`,
people you may know and products bought together in :mod:`graphengine.recommend.links`.
"""
