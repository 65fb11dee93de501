// 16 Channel transitions
// Question: After an event on one channel, on which channel does the customer's next event happen (following the
// NEXT chain), and what share of the steps out of each channel is that?
// With sameSession = true only steps within one session count.
:param since => datetime('2026-01-01T00:00:00Z');
:param sameSession => false;

MATCH (a:Event)-[:NEXT]->(b:Event)
WHERE a.at >= $since AND ($sameSession = false OR a.sessionId = b.sessionId)
WITH a.channelId AS fromChannel, b.channelId AS toChannel, count(*) AS steps
WITH fromChannel, collect({to: toChannel, steps: steps}) AS outgoing, sum(steps) AS total
UNWIND outgoing AS o
RETURN fromChannel, o.to AS toChannel, o.steps AS steps, round(100.0 * o.steps / total, 1) AS percentOfFrom
ORDER BY fromChannel, steps DESC;
