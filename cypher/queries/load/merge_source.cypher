// params: $source, $party, $kind
// returns: name — records a data source, its party (first/second/third) and the kinds it loaded
MERGE (s:DataSource {name: $source})
ON CREATE SET s.firstLoadedAt = datetime()
SET s.party = $party,
    s.lastLoadedAt = datetime(),
    s.kinds = coalesce(s.kinds, []) + CASE WHEN $kind IN coalesce(s.kinds, []) THEN [] ELSE [$kind] END
RETURN s.name AS name
