// params: $runId, $batch
// returns: removed — SIMILAR edges not written by run $runId deleted, in transactions of $batch rows
// (auto-commit only)
MATCH (:Product)-[s:SIMILAR]->(:Product)
WHERE s.runId IS NULL OR s.runId <> $runId
CALL (s) {
  DELETE s
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS removed
