// params: none
// returns: version — the APOC core version (fails when APOC is not installed)
// requires: apoc
RETURN apoc.version() AS version
