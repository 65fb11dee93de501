// params: none
// returns: segment, customers, consenting, meanMonetary, meanClv, clvScored, meanChurnRisk, churnScored, rfmRunIds,
//   clvRunIds, churnRunIds — one row per RFM segment (largest first): every customer with an rfmSegment is counted;
//   the means (total spend from PURCHASED, clv, churnRisk) and the runIds come from customers with profiling consent
MATCH (c:Customer)
WHERE c.rfmSegment IS NOT NULL
WITH c, c.consentProfiling = true AS shown
OPTIONAL MATCH (c)-[p:PURCHASED]->(:Product)
WITH c, shown, sum(coalesce(p.amount, 0.0)) AS spent
WITH c.rfmSegment AS segment, count(c) AS customers, count(CASE WHEN shown THEN c END) AS consenting,
     avg(CASE WHEN shown THEN spent END) AS meanMonetary,
     avg(CASE WHEN shown THEN c.clv END) AS meanClv, count(CASE WHEN shown THEN c.clv END) AS clvScored,
     avg(CASE WHEN shown THEN c.churnRisk END) AS meanChurnRisk,
     count(CASE WHEN shown THEN c.churnRisk END) AS churnScored,
     collect(DISTINCT CASE WHEN shown THEN c.rfmRunId END) AS rfmRunIds,
     collect(DISTINCT CASE WHEN shown THEN c.clvRunId END) AS clvRunIds,
     collect(DISTINCT CASE WHEN shown THEN c.churnRunId END) AS churnRunIds
RETURN segment, customers, consenting, meanMonetary, meanClv, clvScored, meanChurnRisk, churnScored, rfmRunIds,
       clvRunIds, churnRunIds
ORDER BY customers DESC, segment
