using System.Security.Claims;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Apis;

/// <summary>The suppression list: addresses go in as text and are kept only as keyed hashes; asking is by address too.</summary>
public static class SuppressionsApi
{
    public const int MaxBatch = 10_000;

    public static IEndpointRouteBuilder MapSuppressionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/consent/suppressions");
        api.MapPost("/", AddSuppressions).WithName(nameof(AddSuppressions)).RequireAuthorization(Permissions.ConsentWrite);
        api.MapPost("/lookup", LookUpSuppressions).WithName(nameof(LookUpSuppressions)).RequireAuthorization(Permissions.ConsentRead);
        return app;
    }

    /// <summary>Adds addresses (already listed ones are left as they are); answers how many were new.</summary>
    public static async Task<Results<Ok<SuppressionsAdded>, ValidationProblem>> AddSuppressions(
        SuppressionRequest request, ConsentDbContext db, AddressHasher hasher, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new ValidationErrors().MaxLength("reason", request.Reason, 40);
        var hashes = Hash(request, hasher, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var actor = AuditTrail.Actor(user);
        var added = await AddAsync(db, hashes, request.Reason ?? "request", actor, ct);
        db.Audit(actor, "suppression.add", contactId: null, filter: $"emails={request.Emails?.Count ?? 0};phones={request.Phones?.Count ?? 0}", rowCount: added);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SuppressionsAdded(added));
    }

    /// <summary>Which of the given addresses are suppressed (answered in the form they were given).</summary>
    public static async Task<Results<Ok<SuppressionLookup>, ValidationProblem>> LookUpSuppressions(
        SuppressionRequest request, ConsentDbContext db, AddressHasher hasher, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var hashes = Hash(request, hasher, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var keys = hashes.Select(h => h.Hash).ToList();
        var listed = (await db.Suppressions.AsNoTracking().Where(s => keys.Contains(s.Hash)).Select(s => s.Hash).ToListAsync(ct))
            .Select(Convert.ToBase64String).ToHashSet();
        return TypedResults.Ok(new SuppressionLookup(
            hashes.Where(h => h.Kind == AddressKinds.Email && listed.Contains(Convert.ToBase64String(h.Hash))).Select(h => h.Address).ToList(),
            hashes.Where(h => h.Kind == AddressKinds.Phone && listed.Contains(Convert.ToBase64String(h.Hash))).Select(h => h.Address).ToList()));
    }

    /// <summary>Inserts the hashes not yet listed, in the caller's unit of work; returns how many are new.</summary>
    public static async Task<int> AddAsync(ConsentDbContext db, IReadOnlyList<(string Kind, byte[] Hash, string Address)> hashes, string reason, string actor, CancellationToken ct)
    {
        var keys = hashes.Select(h => h.Hash).ToList();
        var existing = (await db.Suppressions.AsNoTracking().Where(s => keys.Contains(s.Hash)).Select(s => s.Hash).ToListAsync(ct))
            .Select(Convert.ToBase64String).ToHashSet();
        var now = DateTimeOffset.UtcNow;
        var added = 0;
        foreach (var (kind, hash, _) in hashes.DistinctBy(h => Convert.ToBase64String(h.Hash)))
        {
            if (existing.Add(Convert.ToBase64String(hash)))
            {
                db.Suppressions.Add(new Suppression { Hash = hash, Kind = kind, Reason = reason, CreatedBy = actor, CreatedAt = now });
                added++;
            }
        }
        return added;
    }

    private static List<(string Kind, byte[] Hash, string Address)> Hash(SuppressionRequest request, AddressHasher hasher, ValidationErrors errors)
    {
        var emails = request.Emails ?? [];
        var phones = request.Phones ?? [];
        if (emails.Count + phones.Count is 0 or > MaxBatch)
        {
            errors.Add("emails", $"Between 1 and {MaxBatch} addresses (emails and phones together).");
            return [];
        }
        var hashes = new List<(string, byte[], string)>(emails.Count + phones.Count);
        Collect(AddressKinds.Email, "emails", emails, "Not an e-mail address.");
        Collect(AddressKinds.Phone, "phones", phones, "Not a valid phone number (write it with its country code, e.g. +48 601 234 567).");
        return hashes;

        void Collect(string kind, string field, IReadOnlyList<string?> addresses, string why)
        {
            for (var i = 0; i < addresses.Count; i++)
            {
                if (addresses[i] is { Length: <= 320 } address && hasher.Hash(kind, address) is { } hash)
                {
                    hashes.Add((kind, hash, address));
                }
                else
                {
                    errors.Add($"{field}[{i}]", why);
                }
            }
        }
    }
}

public sealed record SuppressionRequest(IReadOnlyList<string?>? Emails, IReadOnlyList<string?>? Phones, string? Reason);

public sealed record SuppressionsAdded(int Added);

public sealed record SuppressionLookup(IReadOnlyList<string> Emails, IReadOnlyList<string> Phones);
