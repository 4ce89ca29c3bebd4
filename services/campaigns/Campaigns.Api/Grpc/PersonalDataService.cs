using System.Text.Json;
using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Grpc;

/// <summary>Campaigns' part of a data-subject export: every message recorded for the person (what, where, when, what became of it) and their last visit and order as campaigns knows them.</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(CampaignsDbContext db) : PersonalData.PersonalDataBase
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var contactId = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var ct = context.CancellationToken;
        var messages = await db.Messages.AsNoTracking().Where(m => m.ContactId == contactId).OrderBy(m => m.CreatedAt)
            .Select(m => new
            {
                m.Id, m.CampaignId, m.Occurrence, m.Channel, m.Purpose, m.Status, m.ExcludedReason, m.Address, m.Subject, m.Body,
                m.CreatedAt, m.ReleasedAt, m.SentAt, m.DeliveredAt, m.OpenedAt, m.ClickedAt, m.BouncedAt, m.FailedAt, m.UnsubscribedAt, m.OutcomeDetail,
            })
            .ToListAsync(ct);
        var activity = await db.ContactActivities.AsNoTracking().SingleOrDefaultAsync(a => a.ContactId == contactId, ct);
        return new PersonalDataExportReply
        {
            Service = ResourceNames.Campaigns,
            Json = JsonSerializer.Serialize(new { messages, activity }, Json),
        };
    }
}
