// params: none
// returns: ids — every Customer key that is not a placeholder
MATCH (n:Customer)
WHERE n.placeholder IS NULL
RETURN collect(n.customerId) AS ids
