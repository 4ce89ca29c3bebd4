namespace CustomerBase.Contacts.Contracts;

/// <summary>A contact was created. Carries what other services keep in their read models; no channels (e-mails, phones).</summary>
public sealed record ContactCreated(
    Guid ContactId,
    string? FirstName,
    string? LastName,
    DateTimeOffset CreatedAt);
