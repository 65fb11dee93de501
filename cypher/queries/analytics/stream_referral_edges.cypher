// params: since, until
// returns: src, dst — REFERRED edges between customers
//   null = no limit; a referral without `at` is outside any time window
MATCH (a:Customer)-[r:REFERRED]->(b:Customer)
WHERE ($since IS NULL OR r.at >= $since) AND ($until IS NULL OR r.at < $until)
RETURN collect(a.customerId) AS src, collect(b.customerId) AS dst
