using System.Text.Json;

namespace CustomerBase.Contacts.Contracts;

/// <summary>
/// What other services keep of a contact in their own read models (segmentation's rules and portraits).
/// No channels (e-mails, phones): those are asked for over gRPC when a message is sent.
/// <see cref="Language"/> and <see cref="CustomFields"/> were added later and are null in messages written before them.
/// </summary>
public sealed record ContactSnapshot(
    string? FirstName,
    string? LastName,
    string? Gender,
    DateOnly? BirthDate,
    string? City,
    string? TimeZone,
    string? PreferredChannel,
    IReadOnlyList<string> Tags,
    string? OwnerId,
    string? Team,
    string? Language = null,
    IReadOnlyDictionary<string, JsonElement>? CustomFields = null);

/// <summary>A contact was created.</summary>
public sealed record ContactCreated(Guid ContactId, ContactSnapshot Contact, DateTimeOffset CreatedAt);

/// <summary>A contact's card changed; <see cref="ChangedFields"/> names the fields (camelCase, as in the API).</summary>
public sealed record ContactUpdated(Guid ContactId, IReadOnlyList<string> ChangedFields, ContactSnapshot Contact, DateTimeOffset UpdatedAt);

/// <summary>A contact was deleted: other services drop or anonymise what they hold about it.</summary>
public sealed record ContactDeleted(Guid ContactId, DateTimeOffset DeletedAt);

/// <summary>
/// Contacts were merged into <see cref="SurvivorId"/> and no longer exist: services re-point what they hold of
/// <see cref="MergedIds"/> (timeline, statistics, consent) to the survivor.
/// </summary>
public sealed record ContactMerged(Guid SurvivorId, IReadOnlyList<Guid> MergedIds, ContactSnapshot Survivor, DateTimeOffset MergedAt);

/// <summary>
/// Contacts created or changed by an import, up to 1,000 per message, so that a million-row import is a thousand
/// messages rather than a million; every contact an import touches is in exactly one of them.
/// </summary>
public sealed record ContactsImported(Guid ImportId, IReadOnlyList<ImportedContact> Contacts, DateTimeOffset ImportedAt);

/// <summary>One contact of a <see cref="ContactsImported"/> batch: created, or updated with the fields that changed.</summary>
public sealed record ImportedContact(Guid ContactId, bool Created, IReadOnlyList<string> ChangedFields, ContactSnapshot Contact);


/// <summary>
/// A user read more distinct contacts within an hour than the deployment allows: the pattern of someone taking the
/// base with them. <see cref="Blocked"/> says whether their access to contacts was suspended automatically.
/// </summary>
public sealed record SuspiciousBulkAccess(string UserId, string? Role, long DistinctContacts, long Threshold, DateTimeOffset HourStart, bool Blocked, DateTimeOffset At);
