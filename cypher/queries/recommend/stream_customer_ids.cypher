// params: none
// returns: ids — every customer key, one list (the rows of the recommender's interaction matrix)
MATCH (c:Customer)
WHERE c.placeholder IS NULL
RETURN collect(c.customerId) AS ids
