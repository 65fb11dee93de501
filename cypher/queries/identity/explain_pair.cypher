// params: $a, $b
// returns: shared identifier kinds of two customers, and their active profiles with rules and confidence
MATCH (a:Customer {customerId: $a}), (b:Customer {customerId: $b})
OPTIONAL MATCH (a)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(b)
WITH a, b, collect(i.kind) AS shared
OPTIONAL MATCH (a)-[ra:RESOLVED_TO]->(pa:Profile) WHERE ra.supersededBy IS NULL
OPTIONAL MATCH (b)-[rb:RESOLVED_TO]->(pb:Profile) WHERE rb.supersededBy IS NULL
RETURN shared, pa.profileId AS profileA, pb.profileId AS profileB, ra.rule AS ruleA, rb.rule AS ruleB,
       ra.confidence AS confidenceA, rb.confidence AS confidenceB, ra.kinds AS kindsA, rb.kinds AS kindsB
