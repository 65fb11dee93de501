// params: $rows, $source
// returns: written — identifier links merged (idKey is kind + ':' + a salted hash)
UNWIND $rows AS row
MATCH (c:Customer {customerId: row.customerId})
MERGE (i:Identifier {idKey: row.idKey})
ON CREATE SET i.kind = row.kind
MERGE (c)-[h:HAS_IDENTIFIER]->(i)
SET h.source = $source, h.at = coalesce(h.at, datetime(row.at)), h.confidence = row.confidence
RETURN count(*) AS written
