using System.Text.Json;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Segmentation.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Grpc;

/// <summary>Segmentation's part of a data-subject export: what the read model keeps and derived about the person (attributes, orders, metrics, segments).</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(SegmentationDbContext db) : PersonalData.PersonalDataBase
{
    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var id = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var ct = context.CancellationToken;
        var profile = await db.ContactProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == id, ct);
        var orders = await db.Orders.AsNoTracking().Where(o => o.ContactId == id).OrderBy(o => o.OrderedAt).ToListAsync(ct);
        var segments = await db.SegmentMembers.AsNoTracking().Where(m => m.ContactId == id)
            .Join(db.Segments, m => m.SegmentId, s => s.Id, (m, s) => new { s.Id, s.Name, m.Since }).ToListAsync(ct);
        return new PersonalDataExportReply
        {
            Service = ResourceNames.Segmentation,
            Json = JsonSerializer.Serialize(new { profile, orders, segments }, JsonSerializerOptions.Web),
        };
    }
}
