// params: none
// returns: src, dst — FOLLOWS edges as two aligned lists of account keys (follower → followee)
MATCH (a:SocialAccount)-[:FOLLOWS]->(b:SocialAccount)
RETURN collect(a.accountId) AS src, collect(b.accountId) AS dst
