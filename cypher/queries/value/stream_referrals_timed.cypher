// params: none
// returns: src, dst, timed, atMs — REFERRED edges between customers (referrer → referred) with whether the
//   referral has an `at` and its time in epoch milliseconds (0 without one), as parallel lists
MATCH (a:Customer)-[r:REFERRED]->(b:Customer)
RETURN collect(a.customerId) AS src, collect(b.customerId) AS dst,
       collect(r.at IS NOT NULL) AS timed, collect(coalesce(r.at.epochMillis, 0)) AS atMs
