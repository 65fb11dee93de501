// params: $rows, $source
// returns: written — products merged, each linked to exactly one Category when the row names one
UNWIND $rows AS row
MERGE (n:Product {productId: row.productId})
SET n += row.props,
    n.placeholder = null,
    n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
WITH n, row
WHERE row.category IS NOT NULL
MERGE (cat:Category {name: row.category})
MERGE (n)-[r:IN_CATEGORY]->(cat)
SET r.source = $source
WITH n, cat
OPTIONAL MATCH (n)-[old:IN_CATEGORY]->(other:Category)
WHERE other <> cat
DELETE old
RETURN count(DISTINCT n) AS written
