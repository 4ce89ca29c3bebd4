using System.Text.Json;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Grpc;

/// <summary>Contacts' part of a data-subject export: the card as the API shows it, and the merges it took part in.</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService(ContactsDbContext db) : PersonalData.PersonalDataBase
{
    public override async Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        var id = GrpcArguments.ParseIds([request.ContactId], "contact_id", 1)[0];
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, context.CancellationToken);
        var merges = await db.Set<ContactMerge>().AsNoTracking()
            .Where(m => m.SurvivorId == id).Select(m => new { m.MergedIds, m.MergedAt }).ToListAsync(context.CancellationToken);
        var document = new { contact = contact?.ToResponse(), merges };
        return new PersonalDataExportReply { Service = ResourceNames.Contacts, Json = JsonSerializer.Serialize(document, ContactJson.Options) };
    }
}
