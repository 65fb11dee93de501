// params: $customerId, $method, $maxNeighbours, $maxFanout, $limit
// returns: accountId, handle, platform, customerId, score, common, via — "people you may know": accounts two hops
//   from the customer's own accounts in the undirected follow graph and not yet linked to them, scored by $method:
//   'cn' common neighbours, 'aa' Adamic–Adar Σ 1/log d_z, 'ra' resource allocation Σ 1/d_z, 'jaccard', 'pa'
//   (preferential attachment d_c · d_b); at most $maxNeighbours neighbours z, each expanded to $maxFanout accounts.
//   Consent: accounts owned by a customer without profiling consent (consentProfiling not true) are never suggested
//   nor named in `via` (they still count in `common`); accounts nobody owns are not customers and stay.
MATCH (c:Customer {customerId: $customerId})-[:OWNS]->(a:SocialAccount)
WITH collect(a) AS mine
CALL (mine) {
  UNWIND mine AS a
  MATCH (a)-[:FOLLOWS]-(z:SocialAccount)
  WHERE NOT z IN mine
  RETURN collect(DISTINCT z) AS known
}
UNWIND known[..$maxNeighbours] AS z
WITH mine, size(known) AS da, z, toFloat(COUNT { MATCH (z)-[:FOLLOWS]-(x:SocialAccount) RETURN DISTINCT x }) AS dz
CALL (z) {
  MATCH (z)-[:FOLLOWS]-(b:SocialAccount)
  WITH DISTINCT b
  LIMIT $maxFanout
  RETURN b
}
WITH mine, da, z, dz, b
WHERE NOT b IN mine AND NONE(a IN mine WHERE EXISTS { (a)-[:FOLLOWS]-(b) })
  AND NOT EXISTS { (b)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
WITH da, b, collect(z) AS via, count(z) AS cn, sum(1.0 / log(CASE WHEN dz < 2 THEN 2.0 ELSE dz END)) AS aa,
     sum(1.0 / dz) AS ra
WITH b, via, cn, aa, ra, toFloat(da) AS da,
     CASE WHEN $method IN ['jaccard', 'pa']
          THEN toFloat(COUNT { MATCH (b)-[:FOLLOWS]-(x:SocialAccount) RETURN DISTINCT x }) END AS db
WITH b, via, cn, CASE $method WHEN 'cn' THEN toFloat(cn) WHEN 'aa' THEN aa WHEN 'ra' THEN ra
                              WHEN 'jaccard' THEN cn / (da + db - cn) ELSE da * db END AS score
ORDER BY score DESC, b.accountId
LIMIT $limit
OPTIONAL MATCH (owner:Customer)-[:OWNS]->(b)
WITH b, owner, score, cn,
     [z IN via WHERE NOT EXISTS { (z)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }] AS shown
RETURN b.accountId AS accountId, b.handle AS handle, b.platform AS platform, owner.customerId AS customerId, score,
       cn AS common, [z IN shown[..3] | z.handle] AS via
ORDER BY score DESC, accountId
