// params: none
// returns: values, withheld, runIds — the clv of every customer with profiling consent that has one, how many
//   customers with a clv were left out for lack of that consent, and the runIds of the values shown
MATCH (c:Customer)
WHERE c.clv IS NOT NULL
WITH c, c.consentProfiling = true AS shown
RETURN collect(CASE WHEN shown THEN c.clv END) AS values,
       count(CASE WHEN NOT coalesce(shown, false) THEN c END) AS withheld,
       collect(DISTINCT CASE WHEN shown THEN c.clvRunId END) AS runIds
