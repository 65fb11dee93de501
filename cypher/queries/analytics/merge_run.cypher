// params: $runId, $props
// returns: runId — creates or updates an AnalysisRun (algorithm, backend, params JSON, counts, timings…)
MERGE (r:AnalysisRun {runId: $runId})
ON CREATE SET r.startedAt = datetime()
SET r += $props
RETURN r.runId AS runId
