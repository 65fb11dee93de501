// Unique keys of every node label in the graph model (DESIGN.md §3). Idempotent.
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.customerId IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.productId IS UNIQUE;
CREATE CONSTRAINT category_name IF NOT EXISTS FOR (n:Category) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT channel_id IF NOT EXISTS FOR (n:Channel) REQUIRE n.channelId IS UNIQUE;
CREATE CONSTRAINT social_account_id IF NOT EXISTS FOR (n:SocialAccount) REQUIRE n.accountId IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (n:Identifier) REQUIRE n.idKey IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.eventId IS UNIQUE;
CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (n:Profile) REQUIRE n.profileId IS UNIQUE;
CREATE CONSTRAINT analysis_run_id IF NOT EXISTS FOR (n:AnalysisRun) REQUIRE n.runId IS UNIQUE;
CREATE CONSTRAINT order_line_id IF NOT EXISTS FOR (n:OrderLine) REQUIRE n.lineId IS UNIQUE;
CREATE CONSTRAINT schema_version IF NOT EXISTS FOR (n:SchemaVersion) REQUIRE n.version IS UNIQUE;
