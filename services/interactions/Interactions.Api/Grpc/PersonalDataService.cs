using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Grpc;

/// <summary>Interactions' part of a data-subject export: the person's whole timeline with each kind's payload.</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(InteractionsDbContext db) : PersonalData.PersonalDataBase
{
    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var id = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var timeline = await db.Interactions.AsNoTracking().Where(i => i.ContactId == id).OrderBy(i => i.OccurredAt).ToListAsync(context.CancellationToken);
        var document = new
        {
            interactions = timeline.Select(i => new { i.Id, i.Kind, i.OccurredAt, i.RecordedAt, payload = JsonNode.Parse(i.Payload) }),
        };
        return new PersonalDataExportReply { Service = ResourceNames.Interactions, Json = JsonSerializer.Serialize(document, JsonSerializerOptions.Web) };
    }
}
