// params: $rows
// returns: written — sets row.props (scores, communityId, runIds…) on Customer nodes keyed by row.id
UNWIND $rows AS row
MATCH (n:Customer {customerId: row.id})
SET n += row.props
RETURN count(n) AS written
