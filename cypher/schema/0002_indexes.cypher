// Lookup indexes for the loaders (event ordering, provenance) and the analytics (run ids, communities).
CREATE INDEX event_at IF NOT EXISTS FOR (n:Event) ON (n.at);
CREATE INDEX event_type IF NOT EXISTS FOR (n:Event) ON (n.type);
CREATE INDEX event_session IF NOT EXISTS FOR (n:Event) ON (n.sessionId);
CREATE INDEX event_customer_at IF NOT EXISTS FOR (n:Event) ON (n.customerId, n.at);
CREATE INDEX customer_community IF NOT EXISTS FOR (n:Customer) ON (n.communityId);
CREATE INDEX customer_segment IF NOT EXISTS FOR (n:Customer) ON (n.segment);
CREATE INDEX social_account_community IF NOT EXISTS FOR (n:SocialAccount) ON (n.communityId);
CREATE INDEX social_account_platform IF NOT EXISTS FOR (n:SocialAccount) ON (n.platform);
CREATE INDEX product_brand IF NOT EXISTS FOR (n:Product) ON (n.brand);
CREATE INDEX identifier_kind IF NOT EXISTS FOR (n:Identifier) ON (n.kind);
CREATE INDEX analysis_run_algorithm IF NOT EXISTS FOR (n:AnalysisRun) ON (n.algorithm);
CREATE INDEX channel_kind IF NOT EXISTS FOR (n:Channel) ON (n.kind);
