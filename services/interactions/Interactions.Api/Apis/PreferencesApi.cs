using CustomerBase.Messaging;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Apis;

/// <summary>A contact's buying preferences, derived on read from their orders (cancelled and returned ones do not count).</summary>
public static class PreferencesApi
{
    public static IEndpointRouteBuilder MapPreferencesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/interactions/contacts/{contactId:guid}/preferences", GetBuyingPreferences)
            .WithName(nameof(GetBuyingPreferences)).RequireAuthorization(Permissions.InteractionsRead);
        return app;
    }

    private const string OrdersSql = """
        SELECT id, occurred_at, (payload->>'total')::numeric AS total,
               (SELECT coalesce(sum((l->>'quantity')::numeric), 0) FROM jsonb_array_elements(payload->'lines') l) AS quantity
        FROM interactions
        WHERE contact_id = {0} AND kind = 'order' AND status NOT IN ('cancelled', 'returned')
        """;

    private const string CategoriesSql = """
        SELECT l->>'category' AS name, count(DISTINCT i.id)::int AS orders, sum((l->>'quantity')::numeric) AS quantity,
               sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) AS spent
        FROM interactions i, jsonb_array_elements(i.payload->'lines') l
        WHERE i.contact_id = {0} AND i.kind = 'order' AND i.status NOT IN ('cancelled', 'returned') AND l->>'category' IS NOT NULL
        GROUP BY 1 ORDER BY spent DESC, name LIMIT 5
        """;

    private const string ProductsSql = """
        SELECT l->>'sku' AS sku, max(l->>'name') AS name, count(DISTINCT i.id)::int AS orders, sum((l->>'quantity')::numeric) AS quantity,
               sum((l->>'quantity')::numeric * (l->>'unitPrice')::numeric) AS spent
        FROM interactions i, jsonb_array_elements(i.payload->'lines') l
        WHERE i.contact_id = {0} AND i.kind = 'order' AND i.status NOT IN ('cancelled', 'returned')
        GROUP BY 1 ORDER BY orders DESC, quantity DESC, sku LIMIT 5
        """;

    public static async Task<Results<Ok<BuyingPreferences>, NotFound, ProblemHttpResult>> GetBuyingPreferences(
        Guid contactId, InteractionsDbContext db, ContactChecker contacts, PersonalDataAccessLog<InteractionsDbContext> access, HttpContext http, CancellationToken ct)
    {
        switch (await contacts.ExistsAsync(contactId, ContactCaller.From(http), ct))
        {
            case null: return InteractionsApi.Unavailable();
            case false: return TypedResults.NotFound();
        }
        access.Record(http.User, "interactions.preferences", contactId, 1);

        var orders = await db.Database.SqlQueryRaw<OrderRow>(OrdersSql, contactId).ToListAsync(ct);
        var categories = await db.Database.SqlQueryRaw<CategoryPreference>(CategoriesSql, contactId).ToListAsync(ct);
        var products = await db.Database.SqlQueryRaw<ProductPreference>(ProductsSql, contactId).ToListAsync(ct);

        var dates = orders.Select(o => o.OccurredAt).Order().ToList();
        var intervals = dates.Zip(dates.Skip(1), (a, b) => (b - a).TotalDays).ToList();
        return TypedResults.Ok(new BuyingPreferences(
            contactId,
            orders.Count,
            categories,
            products,
            orders.Count == 0 ? null : Median(orders.Select(o => o.Quantity)),
            orders.Count == 0 ? null : Median(orders.Select(o => o.Total)),
            intervals.Count == 0 ? null : Math.Round((double)Median(intervals.Select(d => (decimal)d)), 1),
            dates.Count == 0 ? null : dates[^1]));
    }

    private static decimal Median(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record OrderRow(Guid Id, DateTimeOffset OccurredAt, decimal Total, decimal Quantity);
}

/// <summary>What a customer usually buys: favourite categories (by spend) and products (by how often), the usual order.</summary>
public sealed record BuyingPreferences(
    Guid ContactId,
    int Orders,
    IReadOnlyList<CategoryPreference> FavouriteCategories,
    IReadOnlyList<ProductPreference> FavouriteProducts,
    decimal? UsualQuantity,
    decimal? UsualSpend,
    double? UsualIntervalDays,
    DateTimeOffset? LastOrderAt);

public sealed record CategoryPreference(string Name, int Orders, decimal Quantity, decimal Spent);

public sealed record ProductPreference(string Sku, string? Name, int Orders, decimal Quantity, decimal Spent);
