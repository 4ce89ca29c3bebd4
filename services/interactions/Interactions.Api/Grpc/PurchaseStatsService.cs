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
        var ids = GrpcArguments.ParseIds(request.ContactIds, "contact_ids", MaxContacts);
        var ct = context.CancellationToken;
        var http = context.GetHttpContext();
        if (TeamScope.IsRestrictedToTeam(http.User))
        {
            var visible = await contacts.VisibleAsync(ids, ContactCaller.From(http), ct)
                ?? throw new RpcException(new Status(StatusCode.Unavailable, "Contacts cannot be asked right now."));
            ids = ids.Where(visible.Contains).ToList();
        }

        var rows = await db.PurchaseStats.AsNoTracking().Where(s => ids.Contains(s.ContactId)).ToListAsync(ct);
        var reply = new GetPurchaseStatsReply();
        foreach (var s in rows)
        {
            var stats = new ContactPurchaseStats
            {
                ContactId = s.ContactId.ToString(),
                FirstOrderAt = s.FirstOrderAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                LastOrderAt = s.LastOrderAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                OrderCount = s.OrderCount,
                Total = s.Total.ToString(CultureInfo.InvariantCulture),
                AverageOrderValue = Math.Round(s.Total / s.OrderCount, 2, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture),
                MedianIntervalDays = s.MedianIntervalDays,
            };
            stats.TopCategories.AddRange(s.TopCategories);
            reply.Stats.Add(stats);
        }
        var found = rows.Select(r => r.ContactId).ToHashSet();
        reply.NoOrdersIds.AddRange(request.ContactIds.Where(id => !found.Contains(Guid.Parse(id))));
        return reply;
    }
}
