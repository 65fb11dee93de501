// 05 Serious shoppers who left
// Question: Which sessions had at least $minViews product views, then at least $minEmptySearches searches that
// found nothing, and no cart or purchase afterwards (the customer left)?
// This is the Cypher reading of the `serious_shopper_abandonment` journey pattern, without its 10-event window
// (`graphengine journeys match serious_shopper_abandonment` applies the window).
// Only customers who consented to profiling are listed.
:param minViews => 5;
:param minEmptySearches => 2;
:param limit => 50;

MATCH (e:Event)
WHERE e.sessionId IS NOT NULL AND e.type IN ['view', 'search', 'cart', 'purchase', 'conversion']
WITH e.customerId AS customerId, e.sessionId AS sessionId, e ORDER BY e.at, e.eventId
WITH customerId, sessionId, collect(e) AS events
WHERE EXISTS { (:Customer {customerId: customerId, consentProfiling: true}) }
WITH customerId, sessionId, events, [x IN events WHERE x.type = 'view'] AS views
WHERE size(views) >= $minViews
WITH customerId, sessionId, events, views[$minViews - 1].at AS enoughViewsAt
WITH customerId, sessionId, events, enoughViewsAt,
     [x IN events WHERE x.type = 'search' AND x.resultCount = 0 AND x.at >= enoughViewsAt] AS emptySearches
WHERE size(emptySearches) >= $minEmptySearches
WITH customerId, sessionId, events, enoughViewsAt, emptySearches,
     emptySearches[$minEmptySearches - 1].at AS gaveUpAt
WHERE none(x IN events WHERE x.type IN ['cart', 'purchase', 'conversion'] AND x.at >= enoughViewsAt)
RETURN customerId, sessionId, size([x IN events WHERE x.type = 'view']) AS views, size(emptySearches) AS emptySearches,
       [x IN emptySearches | x.query][..3] AS queries, toString(gaveUpAt) AS gaveUpAt
ORDER BY gaveUpAt DESC, customerId
LIMIT $limit;
