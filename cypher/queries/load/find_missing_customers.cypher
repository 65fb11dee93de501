// params: $ids
// returns: missing — the ids among $ids that name no Customer node
UNWIND $ids AS id
OPTIONAL MATCH (n:Customer {customerId: id})
WITH id, n
WHERE n IS NULL
RETURN collect(id) AS missing
