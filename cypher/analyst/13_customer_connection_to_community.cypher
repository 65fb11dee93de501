// 13 How is a customer connected to a community?
// Question: Is customer $customerId in community $community, how many accounts of that community does it follow
// or get followed by, and what is the shortest path (at most 5 hops) to the nearest member account?
// The customer must have consented to profiling; the path only goes through consenting customers and accounts
// whose owners (if any) consented (others still count in directTies).
:param customerId => 'C000001';
:param community => 1;

MATCH (c:Customer {customerId: $customerId})
WHERE c.consentProfiling = true
OPTIONAL MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]-(tie:SocialAccount {communityId: $community})
WITH c, count(DISTINCT tie) AS directTies
MATCH p = ANY SHORTEST (c) (()-[:OWNS|FOLLOWS|REFERRED]-(n WHERE n.consentProfiling = true
      OR (n:SocialAccount AND NOT EXISTS { (n)<-[:OWNS]-(o:Customer) WHERE coalesce(o.consentProfiling, false) <> true }))){1,5} (m:SocialAccount {communityId: $community})
WITH c, directTies, p ORDER BY length(p) LIMIT 1
RETURN c.customerId AS customerId, c.communityId AS ownCommunity, c.communityId = $community AS member,
       directTies, length(p) AS hops, [n IN nodes(p) | coalesce(n.handle, n.customerId)] AS via, p;
