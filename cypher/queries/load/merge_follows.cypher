// params: $rows, $source
// returns: written — FOLLOWS edges merged between existing accounts
UNWIND $rows AS row
MATCH (a:SocialAccount {accountId: row.follower})
MATCH (b:SocialAccount {accountId: row.followee})
MERGE (a)-[r:FOLLOWS]->(b)
SET r.since = coalesce(datetime(row.since), r.since), r.source = $source
RETURN count(*) AS written
