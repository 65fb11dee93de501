// 32 Top customers by lifetime value
// Question: Which customers have the highest expected value over the forecast horizon, and are they still active?
// Needs `graphengine value clv` (expectedPurchases, pAlive and clv on Customer). Lists customers with profiling
// consent only (lifetime value is profiling).
:param minPAlive => 0.0;
:param limit => 20;

MATCH (c:Customer)
WHERE c.clv IS NOT NULL AND c.pAlive >= $minPAlive AND c.consentProfiling = true
RETURN c.customerId AS customerId, c.name AS name, c.rfmSegment AS rfmSegment,
       round(c.expectedPurchases, 2) AS expectedPurchases, round(c.pAlive, 3) AS pAlive, round(c.clv, 2) AS clv,
       c.clvRunId AS runId
ORDER BY clv DESC, customerId
LIMIT $limit;
