// params: $rows, $source
// returns: written — REFERRED edges between existing customers
UNWIND $rows AS row
MATCH (a:Customer {customerId: row.referrerId})
MATCH (b:Customer {customerId: row.referredId})
MERGE (a)-[r:REFERRED]->(b)
SET r.at = coalesce(datetime(row.at), r.at), r.source = $source
RETURN count(*) AS written
