// Provenance: the data sources that loads name (first-, second- or third-party data).
CREATE CONSTRAINT data_source_name IF NOT EXISTS FOR (n:DataSource) REQUIRE n.name IS UNIQUE;
