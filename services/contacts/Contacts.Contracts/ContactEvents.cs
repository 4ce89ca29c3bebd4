namespace CustomerBase.Contacts.Contracts;

/// <summary>A contact was created. Carries what other services keep in their read models; no channels (e-mails, phones).</summary>
public sealed record ContactCreated(
    Guid ContactId,
    string? FirstName,
    string? LastName,
    DateTimeOffset CreatedAt);

/// <summary>A contact's card changed; <see cref="ChangedFields"/> names the fields (camelCase, as in the API).</summary>
public sealed record ContactUpdated(Guid ContactId, IReadOnlyList<string> ChangedFields, DateTimeOffset UpdatedAt);

/// <summary>A contact was deleted: other services drop or anonymise what they hold about it.</summary>
public sealed record ContactDeleted(Guid ContactId, DateTimeOffset DeletedAt);
