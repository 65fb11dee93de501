// params: $customerId, $limit
// returns: accountId, handle, platform, customerId, score, common, via — the accounts with the highest PageRank
//   (followers when no PageRank was written) that the customer neither owns nor already follows or is followed by,
//   leaving out accounts owned by a customer without profiling consent
OPTIONAL MATCH (:Customer {customerId: $customerId})-[:OWNS]->(a:SocialAccount)
WITH collect(a) AS mine
MATCH (b:SocialAccount)
WHERE NOT b IN mine AND NONE(a IN mine WHERE EXISTS { (a)-[:FOLLOWS]-(b) })
  AND NOT EXISTS { (b)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
WITH b, coalesce(b.pagerank, toFloat(COUNT { (b)<-[:FOLLOWS]-() })) AS score
ORDER BY score DESC, b.accountId
LIMIT $limit
OPTIONAL MATCH (owner:Customer)-[:OWNS]->(b)
RETURN b.accountId AS accountId, b.handle AS handle, b.platform AS platform, owner.customerId AS customerId, score,
       0 AS common, [] AS via
ORDER BY score DESC, accountId
