using System.Globalization;
using CustomerBase.Interactions.Contracts.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using ContactPurchaseStats = CustomerBase.Interactions.Contracts.Grpc.ContactPurchaseStats;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerBase.Interactions.Grpc;

/// <summary>
/// Purchase statistics for a batch of contacts, read from <c>contact_purchase_stats</c> (one row per contact, kept on
/// write). A sales manager gets only the contacts contacts says they may see; others all.
/// </summary>
[Authorize(Policy = Permissions.InteractionsRead)]
public sealed class PurchaseStatsService(InteractionsDbContext db, ContactChecker contacts) : PurchaseStats.PurchaseStatsBase
{
    public const int MaxContacts = 10_000;

    public override async Task<GetPurchaseStatsReply> GetPurchaseStats(GetPurchaseStatsRequest request, ServerCallContext context)
    {
        var requested = GrpcArguments.ParseIds(request.ContactIds, "contact_ids", MaxContacts);
        var ids = requested;
        var ct = context.CancellationToken;
        var http = context.GetHttpContext();
        if (TeamScope.IsRestrictedToTeam(http.User))
        {
            var visible = await contacts.VisibleAsync(ids, ContactCaller.From(http), ct)
                ?? throw new RpcException(new Status(StatusCode.Unavailable, "Contacts cannot be asked right now."));
            ids = ids.Where(visible.Contains).ToList();
        }

        // Read straight into the reply, one array parameter (= ANY): this is the hot path of a 10,000-contact call, and a
        // LINQ Contains would send 10,000 parameters to plan and materialise entities only to copy them.
        var reply = new GetPurchaseStatsReply();
        var found = new HashSet<Guid>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT contact_id, first_order_at, last_order_at, order_count, total, median_interval_days, top_categories " +
                "FROM contact_purchase_stats WHERE contact_id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var contactId = reader.GetGuid(0);
                var count = reader.GetInt32(3);
                var total = reader.GetDecimal(4);
                var stats = new ContactPurchaseStats
                {
                    ContactId = contactId.ToString(),
                    FirstOrderAt = reader.GetFieldValue<DateTime>(1).ToString("O", CultureInfo.InvariantCulture),
                    LastOrderAt = reader.GetFieldValue<DateTime>(2).ToString("O", CultureInfo.InvariantCulture),
                    OrderCount = count,
                    Total = total.ToString(CultureInfo.InvariantCulture),
                    AverageOrderValue = Math.Round(total / count, 2, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture),
                    MedianIntervalDays = reader.GetDouble(5),
                };
                stats.TopCategories.AddRange(reader.GetFieldValue<string[]>(6));
                reply.Stats.Add(stats);
                found.Add(contactId);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        // Contacts outside the caller's reach are reported as having no orders, as unknown ones are.
        foreach (var id in requested.Where(id => !found.Contains(id)))
        {
            reply.NoOrdersIds.Add(id.ToString());
        }
        return reply;
    }
}
