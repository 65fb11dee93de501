// params: $customerIds
// returns: ids — those of $customerIds whose customer consented to profiling (consentProfiling = true), for the
//   lists of top customers the value commands print
UNWIND $customerIds AS customerId
MATCH (c:Customer {customerId: customerId})
WHERE c.consentProfiling = true
RETURN collect(customerId) AS ids
