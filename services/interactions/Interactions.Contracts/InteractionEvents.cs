namespace CustomerBase.Interactions.Contracts;

/// <summary>
/// Any interaction (call, e-mail, meeting, visit, message, order, complaint, request, review, survey answer, note) was
/// recorded on a contact's timeline. Ids and typed fields only: subjects, notes and bodies stay in the service.
/// </summary>
public sealed record InteractionRecorded(
    Guid InteractionId,
    Guid ContactId,
    Guid? CompanyId,
    string Kind,
    DateTimeOffset OccurredAt,
    string? Channel,
    string? Direction,
    string? Author,
    string? Status);

/// <summary>An interaction was corrected (its contact may have changed: <see cref="PreviousContactId"/>).</summary>
public sealed record InteractionCorrected(Guid InteractionId, Guid ContactId, Guid PreviousContactId, string Kind, DateTimeOffset OccurredAt, DateTimeOffset CorrectedAt);

/// <summary>An interaction was deleted from a contact's timeline.</summary>
public sealed record InteractionDeleted(Guid InteractionId, Guid ContactId, string Kind, DateTimeOffset DeletedAt);
