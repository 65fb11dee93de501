// params: none
// returns: productId, name, category, price, inStock — every real product, for the recommender's in-memory product
//   table (filters by category, price and stock, and the names shown in answers)
MATCH (q:Product)
WHERE q.placeholder IS NULL
OPTIONAL MATCH (q)-[:IN_CATEGORY]->(cat:Category)
WITH q, min(cat.name) AS category
RETURN q.productId AS productId, q.name AS name, category, q.price AS price, q.inStock AS inStock
ORDER BY productId
