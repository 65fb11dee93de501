// params: $rows, $source
// returns: written — channels merged
UNWIND $rows AS row
MERGE (n:Channel {channelId: row.channelId})
SET n += row.props,
    n.placeholder = null,
    n.sources = coalesce(n.sources, []) + CASE WHEN $source IN coalesce(n.sources, []) THEN [] ELSE [$source] END
RETURN count(*) AS written
