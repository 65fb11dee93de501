// 17 Top referrers
// Question: Which customers referred the most new customers, and how much have the referred customers bought?
// Only referrers who consented to profiling are listed; the customers they referred are counted, not named.
:param limit => 20;

MATCH (r:Customer)-[:REFERRED]->(n:Customer)
WHERE r.consentProfiling = true
WITH r, collect(DISTINCT n) AS referred
CALL (referred) {
  UNWIND referred AS n
  OPTIONAL MATCH (n)-[p:PURCHASED]->(:Product)
  RETURN sum(coalesce(p.amount, 0.0)) AS referredRevenue, count(DISTINCT CASE WHEN p IS NOT NULL THEN n END) AS buyers
}
RETURN r.customerId AS referrer, r.name AS name, size(referred) AS referredCustomers, buyers AS referredBuyers,
       round(referredRevenue, 2) AS referredRevenue
ORDER BY referredCustomers DESC, referredRevenue DESC, referrer
LIMIT $limit;
