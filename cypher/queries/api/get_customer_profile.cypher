// params: $customerId, $recent
// returns: customer, consent, identity, identifiers, accounts, channels, totals, purchases, events, value — the unified
//   profile of one customer: active identity profile and its members, identifier kinds, owned accounts with their
//   influence scores, channels used, purchase totals, the $recent latest purchases and events, and the customer-value
//   results (RFM, CLV, referral value, churn risk with their runIds; null without profiling consent)
MATCH (c:Customer {customerId: $customerId})
CALL (c) {
  OPTIONAL MATCH (c)-[r:RESOLVED_TO]->(p:Profile)
  WHERE r.supersededBy IS NULL
  WITH r, p
  LIMIT 1
  RETURN CASE WHEN p IS NULL THEN null ELSE {
    profileId: p.profileId, runId: p.runId, confidence: r.confidence, rule: r.rule,
    members: COLLECT {
      MATCH (m:Customer)-[rm:RESOLVED_TO]->(p)
      WHERE rm.supersededBy IS NULL
      RETURN {customerId: m.customerId, confidence: rm.confidence, rule: rm.rule} AS member ORDER BY member.customerId
    }
  } END AS identity
}
CALL (c) {
  OPTIONAL MATCH (c)-[h:HAS_IDENTIFIER]->(i:Identifier)
  WITH i.kind AS kind, count(i) AS n
  WHERE kind IS NOT NULL
  RETURN collect({kind: kind, count: n}) AS identifiers
}
CALL (c) {
  RETURN COLLECT {
    MATCH (c)-[:OWNS]->(a:SocialAccount)
    RETURN a {.accountId, .platform, .handle, .pagerank, .betweenness, .reach2, .advocateLevel, .communityId,
              followers: COUNT { (a)<-[:FOLLOWS]-() }, follows: COUNT { (a)-[:FOLLOWS]->() }} AS account
    ORDER BY account.accountId
  } AS accounts
}
CALL (c) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)-[:VIA]->(ch:Channel)
  WITH ch, count(e) AS events, max(e.at) AS lastAt
  WHERE ch IS NOT NULL
  ORDER BY events DESC, ch.channelId
  RETURN collect({channelId: ch.channelId, kind: ch.kind, events: events, lastAt: toString(lastAt)}) AS channels
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:PURCHASED]->(:Product)
  RETURN {products: count(r), lines: coalesce(sum(r.count), 0), amount: coalesce(sum(r.amount), 0.0),
          lastAt: toString(max(r.lastAt))} AS totals
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:PURCHASED]->(p:Product)
  WITH r, p
  ORDER BY r.lastAt DESC, p.productId
  LIMIT $recent
  RETURN [x IN collect({productId: p.productId, name: p.name, count: r.count, amount: r.amount,
                        lastAt: toString(r.lastAt)}) WHERE x.productId IS NOT NULL] AS purchases
}
CALL (c) {
  OPTIONAL MATCH (c)-[:PERFORMED]->(e:Event)
  WITH e
  ORDER BY e.at DESC, e.eventId
  LIMIT $recent
  RETURN [x IN collect({eventId: e.eventId, type: e.type, at: toString(e.at), channelId: e.channelId,
                        productId: e.productId, sessionId: e.sessionId}) WHERE x.eventId IS NOT NULL] AS events
}
RETURN c {.customerId, .name, .country, .city, .segment, .communityId, .sources, signupAt: toString(c.signupAt)}
         AS customer,
       {email: c.consentEmail, sms: c.consentSms, push: c.consentPush, phone: c.consentPhone, post: c.consentPost,
        profiling: c.consentProfiling} AS consent,
       identity, identifiers, accounts, channels, totals, purchases, events,
       CASE WHEN c.consentProfiling = true THEN c {.rfmRecency, .rfmFrequency, .rfmMonetary, .rfmSegment, .rfmRunId,
         .expectedPurchases, .pAlive, .clv, .clvRunId, .referralValue, .referralValueDirect, .referredCustomers,
         .referralRunId, .churnRisk, .churnDrivers, .churnRunId} END AS value
