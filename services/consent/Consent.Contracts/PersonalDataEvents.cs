namespace CustomerBase.Consent.Contracts;

/// <summary>
/// A person asked to be erased. Every service in <see cref="Services"/> deletes or anonymises what it holds about
/// <see cref="ContactId"/> and answers <see cref="ErasureCompleted"/> with the same <see cref="RequestId"/>.
/// A re-sent request names only the services that have not answered yet; acting on it twice is harmless.
/// </summary>
public sealed record ErasureRequested(Guid RequestId, Guid ContactId, IReadOnlyList<string> Services, DateTimeOffset RequestedAt)
{
    public bool Addresses(string service) => Services.Count == 0 || Services.Contains(service);
}

/// <summary>
/// A service finished erasing a person; <see cref="Detail"/> says what it did, in counts only. It names the request,
/// not the person, so the answer waiting in the service's outbox is not itself a row about them.
/// </summary>
public sealed record ErasureCompleted(Guid RequestId, string Service, DateTimeOffset CompletedAt, string? Detail);

/// <summary>
/// Someone read personal data: the one audit trail of access, kept by consent (GET /api/consent/audit).
/// <see cref="Actor"/> is the token's subject; <see cref="What"/> names the resource (e.g. "contacts.search");
/// <see cref="Filter"/> the query as given, without personal data where the caller can avoid it;
/// <see cref="ContactId"/> when one person's data was read.
/// </summary>
public sealed record PersonalDataAccessed(
    string Service,
    string Actor,
    DateTimeOffset At,
    string What,
    string? Filter,
    int RowCount,
    Guid? ContactId);
