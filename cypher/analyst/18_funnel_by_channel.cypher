// 18 Funnel by channel
// Question: Per channel, how many sessions viewed a product, then put something in the cart, then bought — and
// what are the step conversion rates?
:param steps => ['view', 'cart', 'purchase'];

MATCH (e:Event)
WHERE e.sessionId IS NOT NULL AND e.type IN $steps
WITH e.customerId AS customerId, e.sessionId AS sessionId, e.channelId AS channel,
     min(CASE WHEN e.type = $steps[0] THEN e.at END) AS first,
     collect(e) AS events
WHERE first IS NOT NULL
WITH channel, first,
     [x IN events WHERE x.type = $steps[1] AND x.at >= first] AS seconds,
     events
WITH channel, first, CASE WHEN size(seconds) = 0 THEN null ELSE reduce(m = seconds[0].at, x IN seconds | CASE WHEN x.at < m THEN x.at ELSE m END) END AS second, events
WITH channel, first, second,
     second IS NOT NULL AND any(x IN events WHERE x.type = $steps[2] AND x.at >= second) AS third
WITH channel, count(*) AS step1, count(second) AS step2, sum(CASE WHEN third THEN 1 ELSE 0 END) AS step3
RETURN channel, step1 AS sessionsWithStep1, step2 AS thenStep2, step3 AS thenStep3,
       round(100.0 * step2 / step1, 1) AS pctStep2, round(CASE WHEN step2 = 0 THEN 0.0 ELSE 100.0 * step3 / step2 END, 1) AS pctStep3
ORDER BY sessionsWithStep1 DESC;
