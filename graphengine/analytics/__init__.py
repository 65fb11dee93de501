"""Graph analytics: projections, centrality, communities, recommendations, journeys and attribution."""
