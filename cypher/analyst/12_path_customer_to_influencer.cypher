// 12 How does a customer reach an influencer?
// Question: What is the shortest chain of account ownership, follows and referrals (at most 6 hops, either
// direction) between customer $customerId and an influencer ($accountId; null = the top account by PageRank)?
// Shown as a graph in Neo4j Browser; `via` spells it out. The customer must have consented to profiling, and the
// path only goes through consenting customers and accounts whose owners (if any) consented.
:param customerId => 'C000001';
:param accountId => null;

MATCH (c:Customer {customerId: $customerId})
WHERE c.consentProfiling = true
MATCH (star:SocialAccount)
WHERE (($accountId IS NULL AND star.pagerank IS NOT NULL) OR star.accountId = $accountId)
  AND NOT EXISTS { (star)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }
WITH c, star ORDER BY star.pagerank DESC LIMIT 1
MATCH p = ANY SHORTEST (c) (()-[:OWNS|FOLLOWS|REFERRED]-(n WHERE n.consentProfiling = true
      OR (n:SocialAccount AND NOT EXISTS { (n)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }))){1,6} (star)
RETURN p, length(p) AS hops, star.handle AS influencer,
       [n IN nodes(p) | coalesce(n.handle, n.customerId)] AS via;
