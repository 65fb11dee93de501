// 08 Churn-risk customers
// Question: Which repeat customers (at least $minOrders order lines) have not bought for $quietDays days before
// $asOf, and how active are they still?
// No events in the quiet period = high risk; some browsing = medium. Only customers who consented to profiling
// are scored and listed (churn scoring is profiling).
// For live data set asOf to datetime().
:param asOf => datetime('2026-04-01T00:00:00Z');
:param quietDays => 45;
:param minOrders => 2;
:param limit => 50;

MATCH (c:Customer)-[p:PURCHASED]->(:Product)
WHERE c.consentProfiling = true
WITH c, sum(p.count) AS orderLines, sum(p.amount) AS revenue, max(p.lastAt) AS lastPurchase
WHERE orderLines >= $minOrders AND lastPurchase < $asOf - duration({days: $quietDays})
CALL (c) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)
  WHERE e.at >= $asOf - duration({days: $quietDays}) AND e.at < $asOf
  RETURN count(e) AS recentEvents
}
RETURN c.customerId AS customerId, c.name AS name, c.segment AS segment, orderLines, round(revenue, 2) AS revenue,
       toString(lastPurchase) AS lastPurchase, duration.inDays(lastPurchase, $asOf).days AS daysQuiet,
       recentEvents, CASE WHEN recentEvents = 0 THEN 'high' ELSE 'medium' END AS risk
ORDER BY risk, revenue DESC, customerId
LIMIT $limit;
