// params: $version, $name, $checksum
// returns: version — records (or refreshes) one applied schema migration
MERGE (v:SchemaVersion {version: $version})
ON CREATE SET v.appliedAt = datetime()
SET v.name = $name, v.checksum = $checksum, v.lastAppliedAt = datetime()
RETURN v.version AS version
