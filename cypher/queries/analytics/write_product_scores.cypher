// params: $rows
// returns: written — sets row.props (scores, communityId, runIds…) on Product nodes keyed by row.id
UNWIND $rows AS row
MATCH (n:Product {productId: row.id})
SET n += row.props
RETURN count(n) AS written
