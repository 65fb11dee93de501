// params: $sources, $targets, $scores, $runId
// returns: written — SIMILAR edges merged (one per source and target product; score and runId of this run)
UNWIND range(0, size($sources) - 1) AS i
MATCH (a:Product {productId: $sources[i]})
MATCH (b:Product {productId: $targets[i]})
MERGE (a)-[s:SIMILAR]->(b)
SET s.score = $scores[i], s.runId = $runId
RETURN count(*) AS written
