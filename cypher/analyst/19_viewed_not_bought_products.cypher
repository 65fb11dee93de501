// 19 Viewed a lot, bought little
// Question: Which products get at least $minViews views but convert worst from view to cart and to purchase?
// (Candidates for better pictures, price checks or stock problems.)
:param minViews => 10;
:param limit => 20;

MATCH (p:Product)<-[:ABOUT]-(e:Event)
WITH p, sum(CASE WHEN e.type = 'view' THEN 1 ELSE 0 END) AS views,
        sum(CASE WHEN e.type = 'cart' THEN 1 ELSE 0 END) AS carts,
        sum(CASE WHEN e.type = 'purchase' THEN 1 ELSE 0 END) AS purchases
WHERE views >= $minViews
RETURN p.productId AS productId, p.name AS name, p.price AS price, p.inStock AS inStock, views, carts, purchases,
       round(toFloat(carts) / views, 3) AS cartRate, round(toFloat(purchases) / views, 3) AS purchaseRate
ORDER BY purchaseRate, cartRate, views DESC, productId
LIMIT $limit;
