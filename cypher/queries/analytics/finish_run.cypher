// params: $runId, $props
// returns: runId — marks an AnalysisRun finished and records its results
MATCH (r:AnalysisRun {runId: $runId})
SET r += $props, r.finishedAt = datetime()
RETURN r.runId AS runId
