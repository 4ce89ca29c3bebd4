using System.Text.Json;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Grpc;

/// <summary>Segmentation's part of a data-subject export: what the read model derived about the person.</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(SegmentationDbContext db) : PersonalData.PersonalDataBase
{
    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var id = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var profile = await db.ContactProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == id, context.CancellationToken);
        return new PersonalDataExportReply
        {
            Service = ResourceNames.Segmentation,
            Json = JsonSerializer.Serialize(new { profile }, JsonSerializerOptions.Web),
        };
    }
}
