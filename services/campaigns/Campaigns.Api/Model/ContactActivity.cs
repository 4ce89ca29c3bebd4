namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Campaigns' own read model of each contact's last visit and last order, kept from interactions' events, so a
/// template's <c>last_visit</c> and <c>last_order</c> cost no call per recipient.
/// </summary>
public sealed class ContactActivity
{
    public Guid ContactId { get; set; }
    public DateTimeOffset? LastVisitAt { get; set; }
    public DateTimeOffset? LastOrderAt { get; set; }
    public string? LastOrderNumber { get; set; }
    public decimal? LastOrderTotal { get; set; }
    public string? LastOrderCurrency { get; set; }
}
