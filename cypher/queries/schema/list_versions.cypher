// params: none
// returns: version, checksum, appliedAt — the schema migrations recorded in the graph, in order
MATCH (v:SchemaVersion)
RETURN v.version AS version, v.checksum AS checksum, v.appliedAt AS appliedAt
ORDER BY version
