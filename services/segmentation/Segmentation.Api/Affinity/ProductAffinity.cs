using CustomerBase.Segmentation.Infrastructure;
using Npgsql;

namespace CustomerBase.Segmentation.Affinity;

/// <summary>
/// A product bought together with another: <c>support</c> = share of all orders holding both, <c>confidence</c> =
/// share of the orders holding the first that also hold this one, <c>lift</c> = confidence ÷ this product's own share
/// of orders (above 1: bought together more often than chance).
/// </summary>
public sealed record AlsoBought(string Sku, long Orders, double Support, double Confidence, double Lift);

/// <summary>A product others who bought what the contact bought also bought, with how many of those orders.</summary>
public sealed record Recommendation(string Sku, long Orders, double Lift);

/// <summary>Product affinity from the stored orders (cancelled and returned ones do not count), by set-based SQL over the GIN index on skus.</summary>
public static class ProductAffinity
{
    private const string Counted = "status NOT IN ('cancelled', 'returned')";

    public static async Task<List<AlsoBought>> AlsoBoughtAsync(SegmentationDbContext db, string sku, int limit, CancellationToken ct) =>
        await db.QueryAsync($"""
            WITH total AS (SELECT count(*)::float8 AS n FROM orders WHERE {Counted}),
            with_x AS (SELECT skus FROM orders WHERE skus @> ARRAY[@sku]::text[] AND {Counted}),
            nx AS (SELECT count(*)::float8 AS n FROM with_x),
            pairs AS (
                SELECT y, count(*) AS n_xy FROM with_x, unnest(skus) AS y WHERE y <> @sku
                GROUP BY y ORDER BY count(*) DESC, y LIMIT @limit
            )
            SELECT pairs.y, pairs.n_xy, pairs.n_xy / total.n, pairs.n_xy / nx.n,
                   (pairs.n_xy / nx.n) / (ny.n / total.n)
            FROM pairs, total, nx,
                 LATERAL (SELECT count(*)::float8 AS n FROM orders WHERE skus @> ARRAY[pairs.y] AND {Counted}) AS ny
            ORDER BY pairs.n_xy DESC, 5 DESC, pairs.y
            """, [new NpgsqlParameter("sku", sku), new NpgsqlParameter("limit", limit)],
            r => new AlsoBought(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)), ct);

    /// <summary>
    /// Products found in other people's orders that share a product with the contact's, which the contact has not
    /// bought, ranked by how many such orders hold them, then by lift.
    /// </summary>
    public static async Task<List<Recommendation>> RecommendAsync(SegmentationDbContext db, Guid contactId, int limit, CancellationToken ct) =>
        await db.QueryAsync($"""
            WITH mine AS (SELECT coalesce(array_agg(DISTINCT s), ARRAY[]::text[]) AS skus FROM orders, unnest(skus) AS s WHERE contact_id = @contact AND {Counted}),
            total AS (SELECT count(*)::float8 AS n FROM orders WHERE {Counted}),
            baskets AS (SELECT o.skus FROM orders o, mine WHERE o.skus && mine.skus AND o.contact_id <> @contact AND o.{Counted}),
            nb AS (SELECT count(*)::float8 AS n FROM baskets),
            candidates AS (
                SELECT y, count(*) AS n FROM baskets, unnest(skus) AS y, mine WHERE NOT (y = ANY(mine.skus))
                GROUP BY y ORDER BY count(*) DESC, y LIMIT @limit
            )
            SELECT c.y, c.n, (c.n / nb.n) / (ny.n / total.n)
            FROM candidates c, nb, total,
                 LATERAL (SELECT count(*)::float8 AS n FROM orders WHERE skus @> ARRAY[c.y] AND {Counted}) AS ny
            ORDER BY c.n DESC, 3 DESC, c.y
            """, [new NpgsqlParameter("contact", contactId), new NpgsqlParameter("limit", limit)],
            r => new Recommendation(r.GetString(0), r.GetInt64(1), r.GetDouble(2)), ct);
}
