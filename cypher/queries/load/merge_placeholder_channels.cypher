// params: $ids, $source
// returns: created — placeholder Channel nodes made for ids a load referenced (--create-missing)
UNWIND $ids AS id
MERGE (n:Channel {channelId: id})
ON CREATE SET n.placeholder = true, n.sources = [$source]
RETURN count(n) AS created
