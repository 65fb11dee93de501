// params: none
// returns: removed — churn scores taken off customers without profiling consent (consentProfiling not true), so a
//   customer who withdrew consent keeps no churnRisk from an earlier run
MATCH (c:Customer)
WHERE c.churnRisk IS NOT NULL AND coalesce(c.consentProfiling = true, false) = false
REMOVE c.churnRisk, c.churnDrivers, c.churnDriverEffects, c.churnRunId
RETURN count(c) AS removed
