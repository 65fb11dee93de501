// params: none
// returns: version — the Graph Data Science version (fails when GDS is not installed)
// requires: gds
RETURN gds.version() AS version
