namespace CustomerBase.Consent.Contracts;

/// <summary>
/// A consent record was appended to the ledger for a contact, purpose and channel.
/// <see cref="Action"/>: grant, withdraw, objection, restriction or confirmation (a double opt-in came back).
/// </summary>
public sealed record ConsentChanged(
    Guid ContactId,
    string Purpose,
    string Channel,
    string Action,
    DateTimeOffset At);
