using System.Security.Claims;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.Consent.Model;

/// <summary>Adds audit entries to the unit of work they describe; they commit with it or not at all.</summary>
public static class AuditTrail
{
    /// <summary>The actor of changes made by the person themselves through a public link.</summary>
    public const string DataSubject = "data-subject";

    /// <summary>The actor of steps consent takes on its own (re-sending an erasure, a service's answer).</summary>
    public const string System = "system";

    public static string Actor(ClaimsPrincipal user) => user.FindFirst(ClaimNames.Subject)?.Value ?? "unknown";

    public static void Audit(this ConsentDbContext db, string actor, string what, Guid? contactId, string? filter = null, int rowCount = 1, DateTimeOffset? at = null)
    {
        var now = at ?? DateTimeOffset.UtcNow;
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(now),
            Service = ResourceNames.Consent,
            Actor = actor,
            At = now,
            What = what,
            ContactId = contactId,
            Filter = filter,
            RowCount = rowCount,
        });
    }
}
