// params: $ids
// returns: ids — those of the given customer keys whose customer consented to profiling (consentProfiling true)
UNWIND $ids AS id
MATCH (c:Customer {customerId: id})
WHERE c.consentProfiling = true
RETURN collect(id) AS ids
