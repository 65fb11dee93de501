// params: $ids, $source
// returns: created — placeholder Customer nodes made for ids a load referenced (--create-missing)
UNWIND $ids AS id
MERGE (n:Customer {customerId: id})
ON CREATE SET n.placeholder = true, n.sources = [$source]
RETURN count(n) AS created
