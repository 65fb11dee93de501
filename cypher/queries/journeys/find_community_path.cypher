// params: $customerId, $communityId
// returns: customerCommunity, directTies, nodes, rels, hops — how a customer connects to a community: its own community, how many accounts of that community it follows or is followed by, and a shortest path (at most 5 hops over OWNS, FOLLOWS, REFERRED) to the nearest member account
MATCH (c:Customer {customerId: $customerId})
OPTIONAL MATCH (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]-(tie:SocialAccount {communityId: $communityId})
WITH c, count(DISTINCT tie) AS directTies
OPTIONAL MATCH p = ANY SHORTEST (c)-[:OWNS|FOLLOWS|REFERRED]-{1,5}(m:SocialAccount {communityId: $communityId})
WITH c, directTies, p ORDER BY length(p) LIMIT 1
RETURN c.communityId AS customerCommunity, directTies,
       CASE WHEN p IS NULL THEN [] ELSE [n IN nodes(p) | {label: labels(n)[0], key: coalesce(n.customerId, n.accountId), communityId: n.communityId}] END AS nodes,
       CASE WHEN p IS NULL THEN [] ELSE [r IN relationships(p) | {type: type(r), from: coalesce(startNode(r).customerId, startNode(r).accountId)}] END AS rels,
       CASE WHEN p IS NULL THEN null ELSE length(p) END AS hops
