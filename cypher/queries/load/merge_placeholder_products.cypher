// params: $ids, $source
// returns: created — placeholder Product nodes made for ids a load referenced (--create-missing)
UNWIND $ids AS id
MERGE (n:Product {productId: id})
ON CREATE SET n.placeholder = true, n.sources = [$source]
RETURN count(n) AS created
