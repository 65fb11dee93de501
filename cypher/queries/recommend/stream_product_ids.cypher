// params: none
// returns: ids — every product key, one list (the columns of the recommender's interaction matrix)
MATCH (p:Product)
WHERE p.placeholder IS NULL
RETURN collect(p.productId) AS ids
