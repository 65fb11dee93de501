// params: $runId, $batch
// returns: deleted — the BOUGHT_WITH edges of every run other than $runId, removed in transactions of $batch
//   rows (auto-commit only)
MATCH (:Product)-[r:BOUGHT_WITH]->(:Product)
WHERE r.runId IS NULL OR r.runId <> $runId
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS deleted
