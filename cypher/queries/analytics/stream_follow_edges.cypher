// params: platform, since, until
// returns: src, dst — FOLLOWS edges in scope as two aligned lists of account keys (follower → followee)
//   null = no limit; a follow without `since` is outside any time window
MATCH (a:SocialAccount)-[r:FOLLOWS]->(b:SocialAccount)
WHERE ($platform IS NULL OR (a.platform = $platform AND b.platform = $platform))
  AND ($since IS NULL OR r.since >= $since)
  AND ($until IS NULL OR r.since < $until)
RETURN collect(a.accountId) AS src, collect(b.accountId) AS dst
