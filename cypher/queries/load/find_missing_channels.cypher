// params: $ids
// returns: missing — the ids among $ids that name no Channel node
UNWIND $ids AS id
OPTIONAL MATCH (n:Channel {channelId: id})
WITH id, n
WHERE n IS NULL
RETURN collect(id) AS missing
