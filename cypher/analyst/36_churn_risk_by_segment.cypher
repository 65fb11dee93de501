// 36 Churn risk by RFM segment
// Question: Which RFM segments carry the most churn risk: how many of their customers are scored, how many are at
// high risk (churnRisk at least $highRisk), how likely they are still active, and which driver tops their list most?
// Needs `graphengine value rfm` and the churn model (`graphengine value churn`: churnRisk and churnDrivers on
// Customer); before it has run the churn columns are null and P(alive) from `graphengine value clv` is the only
// signal. Scores are read for customers with profiling consent only (churn scoring is profiling); `customers`
// counts everyone in the segment.
:param highRisk => 0.5;

MATCH (c:Customer)
WHERE c.rfmSegment IS NOT NULL
WITH c, c.consentProfiling = true AS shown
WITH c.rfmSegment AS segment, count(c) AS customers, count(CASE WHEN shown THEN c END) AS consenting,
     count(CASE WHEN shown THEN c.churnRisk END) AS scored, avg(CASE WHEN shown THEN c.churnRisk END) AS meanChurnRisk,
     count(CASE WHEN shown AND c.churnRisk >= $highRisk THEN c END) AS highRisk,
     avg(CASE WHEN shown THEN c.pAlive END) AS meanPAlive,
     collect(CASE WHEN shown AND c.churnRisk >= $highRisk THEN c.churnDrivers[0] END) AS firstDrivers
CALL (firstDrivers) {
  UNWIND firstDrivers AS driver
  WITH driver, count(*) AS n
  ORDER BY n DESC, driver
  RETURN collect(driver + ' (' + toString(n) + ')')[0..3] AS topDrivers
}
RETURN segment, customers, consenting, scored, round(meanChurnRisk, 3) AS meanChurnRisk, highRisk,
       round(meanPAlive, 3) AS meanPAlive, topDrivers
ORDER BY coalesce(meanChurnRisk, -1.0) DESC, coalesce(1.0 - meanPAlive, -1.0) DESC, segment;
