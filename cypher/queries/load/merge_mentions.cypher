// params: $rows, $source
// returns: written — MENTIONED edges (one per account, product and time)
UNWIND $rows AS row
MATCH (a:SocialAccount {accountId: row.accountId})
MATCH (p:Product {productId: row.productId})
MERGE (a)-[r:MENTIONED {at: coalesce(datetime(row.at), datetime({epochSeconds: 0}))}]->(p)
SET r.sentiment = row.sentiment, r.source = $source
RETURN count(*) AS written
