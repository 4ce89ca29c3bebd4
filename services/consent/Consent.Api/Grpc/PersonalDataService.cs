using System.Text.Json;
using CustomerBase.Consent.Apis;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Grpc;

/// <summary>Consent's part of a data-subject export: the ledger, the current state and the transfers of one person.</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(ConsentDbContext db) : PersonalData.PersonalDataBase
{
    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var contactId = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var ct = context.CancellationToken;
        var ledger = await db.ConsentRecords.AsNoTracking().Where(r => r.ContactId == contactId).OrderBy(r => r.Sequence).ToListAsync(ct);
        var states = await db.ConsentStates.AsNoTracking().Where(s => s.ContactId == contactId).ToListAsync(ct);
        var transfers = await db.DataTransfers.AsNoTracking().Where(t => t.ContactId == contactId).ToListAsync(ct);
        var document = new
        {
            consentHistory = ledger.Select(ConsentRecordResponse.From),
            currentConsent = states.Select(s => new { s.Purpose, s.Channel, s.Status, s.LegalBasis, s.ExpiresAt, s.Block, s.ChangedAt }),
            transfers = transfers.Select(t => new { t.Recipient, t.Purpose, t.LegalBasis, t.Categories, t.TransferredAt, t.InformedAt }),
        };
        return new PersonalDataExportReply { Service = ResourceNames.Consent, Json = JsonSerializer.Serialize(document, JsonSerializerOptions.Web) };
    }
}
