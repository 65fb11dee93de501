// params: $customerId, $accountId
// returns: nodes, rels, hops — a shortest path (at most 6 hops) from a customer to a social account (an influencer) over OWNS, FOLLOWS and REFERRED, either direction
MATCH (c:Customer {customerId: $customerId}), (a:SocialAccount {accountId: $accountId})
MATCH p = ANY SHORTEST (c)-[:OWNS|FOLLOWS|REFERRED]-{1,6}(a)
RETURN [n IN nodes(p) | {label: labels(n)[0], key: coalesce(n.customerId, n.accountId), name: coalesce(n.name, n.handle)}] AS nodes,
       [r IN relationships(p) | {type: type(r), from: coalesce(startNode(r).customerId, startNode(r).accountId)}] AS rels,
       length(p) AS hops
