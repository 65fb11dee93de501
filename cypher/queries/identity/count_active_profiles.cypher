// params: none
// returns: profiles, links — active profiles and resolution links
MATCH (:Customer)-[r:RESOLVED_TO]->(p:Profile)
WHERE r.supersededBy IS NULL
RETURN count(DISTINCT p) AS profiles, count(r) AS links
