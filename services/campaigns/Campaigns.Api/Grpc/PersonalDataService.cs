using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace CustomerBase.Campaigns.Grpc;

/// <summary>Campaigns' part of a data-subject export: nothing is kept per person yet (messages sent will be listed here).</summary>
[Authorize(Policy = Permissions.PersonalDataRequests)]
public sealed class PersonalDataService : PersonalData.PersonalDataBase
{
    public override Task<PersonalDataExportReply> Export(PersonalDataExportRequest request, ServerCallContext context)
    {
        GrpcArguments.ParseIds([request.ContactId], "contact_id", 1);
        return Task.FromResult(new PersonalDataExportReply { Service = ResourceNames.Campaigns, Json = """{"messages":[]}""" });
    }
}
