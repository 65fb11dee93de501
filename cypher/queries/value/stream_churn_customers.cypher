// params: none
// returns: ids, profiling, communities — every Customer that is not a placeholder, as parallel lists: key,
//   profiling consent (true only when consentProfiling = true) and communityId (-1 when none was written;
//   collect skips nulls, so no list holds one)
MATCH (c:Customer)
WHERE c.placeholder IS NULL
RETURN collect(c.customerId) AS ids, collect(coalesce(c.consentProfiling = true, false)) AS profiling,
       collect(coalesce(toInteger(c.communityId), -1)) AS communities
