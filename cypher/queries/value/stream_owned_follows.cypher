// params: none
// returns: accounts, owners, src, dst, timed, sinceMs — the social accounts with their owning customer ('' when
//   no customer owns one), and every FOLLOWS edge (follower → followee) with whether it has a `since` and its
//   time in epoch milliseconds (0 without one), as parallel lists
CALL () {
  MATCH (a:SocialAccount)
  OPTIONAL MATCH (c:Customer)-[:OWNS]->(a)
  WITH a, min(c.customerId) AS owner
  RETURN collect(a.accountId) AS accounts, collect(coalesce(owner, '')) AS owners
}
CALL () {
  MATCH (a:SocialAccount)-[r:FOLLOWS]->(b:SocialAccount)
  RETURN collect(a.accountId) AS src, collect(b.accountId) AS dst,
         collect(r.since IS NOT NULL) AS timed, collect(coalesce(r.since.epochMillis, 0)) AS sinceMs
}
RETURN accounts, owners, src, dst, timed, sinceMs
