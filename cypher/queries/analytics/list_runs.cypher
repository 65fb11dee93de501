// params: $limit, $kind
// returns: one row per AnalysisRun, newest first (kind = null for all)
MATCH (r:AnalysisRun)
WHERE $kind IS NULL OR r.kind = $kind
RETURN r.runId AS runId, r.kind AS kind, r.algorithm AS algorithm, r.backend AS backend, r.graph AS graph,
       r.params AS params, r.counts AS counts, r.metrics AS metrics, r.seconds AS seconds, r.status AS status,
       toString(r.startedAt) AS startedAt, toString(r.finishedAt) AS finishedAt
ORDER BY r.startedAt DESC
LIMIT $limit
