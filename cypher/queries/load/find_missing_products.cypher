// params: $ids
// returns: missing — the ids among $ids that name no Product node
UNWIND $ids AS id
OPTIONAL MATCH (n:Product {productId: id})
WITH id, n
WHERE n IS NULL
RETURN collect(id) AS missing
