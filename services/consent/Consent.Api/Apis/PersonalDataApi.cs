using System.Security.Claims;
using System.Text.Json.Nodes;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Apis;

/// <summary>Data-subject requests: one export document from every service, and erasure across every service.</summary>
public static class PersonalDataApi
{
    public static IEndpointRouteBuilder MapPersonalDataApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/consent").RequireAuthorization(Permissions.PersonalDataRequests);
        api.MapPost("/{contactId:guid}/export", ExportPersonalData).WithName(nameof(ExportPersonalData));
        api.MapPost("/{contactId:guid}/erasure", RequestErasure).WithName(nameof(RequestErasure));
        api.MapGet("/erasures/{requestId:guid}", GetErasure).WithName(nameof(GetErasure));
        return app;
    }

    /// <summary>What every service holds about the person, as one JSON document (portable, machine-readable).</summary>
    public static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> ExportPersonalData(
        Guid contactId, GrpcClientFactory clients, IOptions<PersonalDataOptions> options, ConsentDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var parts = await Task.WhenAll(options.Value.Services.Select(async service =>
        {
            try
            {
                var client = clients.CreateClient<PersonalData.PersonalDataClient>(service);
                var reply = await client.ExportAsync(new PersonalDataExportRequest { ContactId = contactId.ToString() },
                    deadline: DateTime.UtcNow + options.Value.ExportTimeout, cancellationToken: ct);
                return (Service: service, Json: JsonNode.Parse(reply.Json), Failed: (StatusCode?)null);
            }
            catch (RpcException ex)
            {
                return (Service: service, Json: (JsonNode?)null, Failed: ex.StatusCode);
            }
        }));
        if (parts.Where(p => p.Failed is not null).ToList() is { Count: > 0 } failed)
        {
            // An export with a part missing would mislead the person: say which services did not answer.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not every service answered; try again.",
                extensions: new Dictionary<string, object?> { ["services"] = failed.ToDictionary(p => p.Service, p => p.Failed.ToString()) });
        }
        var services = new JsonObject();
        foreach (var (service, json, _) in parts)
        {
            services[service] = json;
        }
        db.Audit(AuditTrail.Actor(user), "personal-data.exported", contactId, rowCount: parts.Length);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new JsonObject
        {
            ["contactId"] = contactId,
            ["exportedAt"] = DateTimeOffset.UtcNow,
            ["services"] = services,
        });
    }

    /// <summary>Erases the person everywhere; answers at once with the request to follow (202), or the one already open.</summary>
    public static async Task<Results<Accepted<ErasureResponse>, ProblemHttpResult>> RequestErasure(
        Guid contactId, ContactsDirectory.ContactsDirectoryClient contacts, ErasureCoordinator coordinator, ClaimsPrincipal user, CancellationToken ct)
    {
        GetContactsReply card;
        try
        {
            // The addresses go onto the suppression list before the card is gone, so the person is never written to again.
            card = await contacts.GetContactsAsync(new GetContactsRequest { Ids = { contactId.ToString() } }, cancellationToken: ct);
        }
        catch (RpcException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: $"Contacts could not be asked for the person's addresses ({ex.StatusCode}); nothing was erased. Try again.");
        }
        var found = card.Contacts.FirstOrDefault();
        var request = await coordinator.StartAsync(contactId, found?.Emails.ToList() ?? [], found?.Phones.ToList() ?? [], AuditTrail.Actor(user), ct);
        return TypedResults.Accepted($"/api/consent/erasures/{request.Id}", ErasureResponse.From(request));
    }

    public static async Task<Results<Ok<ErasureResponse>, NotFound>> GetErasure(Guid requestId, ConsentDbContext db, CancellationToken ct)
    {
        var request = await db.ErasureRequests.AsNoTracking().Include(r => r.Answers).FirstOrDefaultAsync(r => r.Id == requestId, ct);
        return request is null ? TypedResults.NotFound() : TypedResults.Ok(ErasureResponse.From(request));
    }
}

public sealed record ErasureResponse(
    Guid Id, Guid ContactId, string Status, DateTimeOffset RequestedAt, DateTimeOffset Deadline, DateTimeOffset? CompletedAt,
    IReadOnlyList<ErasureServiceResponse> Services)
{
    public static ErasureResponse From(ErasureRequest r) => new(
        r.Id, r.ContactId, r.Status(DateTimeOffset.UtcNow), r.RequestedAt, r.Deadline, r.CompletedAt,
        r.Answers.OrderBy(a => a.Service).Select(a => new ErasureServiceResponse(a.Service, a.Attempts, a.LastSentAt, a.CompletedAt, a.Detail)).ToList());
}

public sealed record ErasureServiceResponse(string Service, int Attempts, DateTimeOffset LastSentAt, DateTimeOffset? CompletedAt, string? Detail);
