using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model.Templates;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Contacts.Contracts.Grpc;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// Turns a batch of up to 1000 contact ids into recorded messages of one occurrence: their cards (contacts, one call),
/// their consent for the campaign's purpose and channel with the addresses about to be used (consent, one call),
/// the rendered text, and one row each, excluded ones with their reason. Rows already recorded are left alone
/// (unique per campaign, occurrence and contact), so the same batch recorded twice yields the same messages.
/// </summary>
public sealed class RecipientRecorder(
    ContactsDirectory.ContactsDirectoryClient contacts,
    ConsentCheck.ConsentCheckClient consent,
    UnsubscribeLinks unsubscribeLinks,
    IOptions<CampaignsOptions> options,
    TimeProvider time)
{
    public const int MaxBatch = 1000;

    public sealed record Counts(int Recorded, int Excluded);

    /// <summary>What a batch needs from other services (cards, consent), fetched without the database, so a launch can fetch the next batch while it records this one.</summary>
    public sealed record PreparedBatch(IReadOnlyList<Guid> ContactIds, Dictionary<Guid, RecipientCard> Cards, Dictionary<Guid, ConsentDecision> Decisions);

    public async Task<PreparedBatch> PrepareAsync(Campaign campaign, IReadOnlyList<Guid> contactIds, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return new PreparedBatch(contactIds, [], []);
        }
        var cards = await CardsAsync(contactIds, ct);
        return new PreparedBatch(contactIds, cards, await ConsentAsync(campaign, contactIds, cards, ct));
    }

    public async Task<Counts> RecordAsync(CampaignsDbContext db, Campaign campaign, CompiledCampaign compiled, string occurrence,
        IReadOnlyList<Guid> contactIds, DateTimeOffset notBefore, CancellationToken ct) =>
        await RecordAsync(db, campaign, compiled, occurrence, await PrepareAsync(campaign, contactIds, ct), notBefore, ct);

    public async Task<Counts> RecordAsync(CampaignsDbContext db, Campaign campaign, CompiledCampaign compiled, string occurrence,
        PreparedBatch batch, DateTimeOffset notBefore, CancellationToken ct)
    {
        var (contactIds, cards, decisions) = (batch.ContactIds, batch.Cards, batch.Decisions);
        if (contactIds.Count == 0)
        {
            return new Counts(0, 0);
        }
        var activities = await db.ContactActivities.AsNoTracking().Where(a => contactIds.Contains(a.ContactId)).ToDictionaryAsync(a => a.ContactId, ct);
        var validFor = campaign.Policies.ValidFor ?? options.Value.DefaultValidFor;

        var rows = new List<CampaignMessage>(contactIds.Count);
        foreach (var contactId in contactIds.Distinct())
        {
            var row = new CampaignMessage
            {
                Id = Guid.CreateVersion7(),
                CampaignId = campaign.Id,
                Occurrence = occurrence,
                ContactId = contactId,
                Channel = campaign.Channel,
                Purpose = campaign.Purpose,
                NotBefore = notBefore,
                NotAfter = notBefore + validFor,
            };
            rows.Add(row);
            if (!cards.TryGetValue(contactId, out var card))
            {
                Exclude(row, ExclusionReasons.UnknownContact);
                continue;
            }
            row.Address = card.AddressFor(campaign.Channel);
            row.TimeZone = card.TimeZone;
            if (card.CallWindow is { } window)
            {
                (row.WindowDays, row.WindowFrom, row.WindowTo) = (window.Days, window.From, window.To);
            }
            if (row.Address is null)
            {
                Exclude(row, ExclusionReasons.NoAddress);
                continue;
            }
            if (decisions.GetValueOrDefault(contactId) is not { Allowed: true })
            {
                Exclude(row, decisions.TryGetValue(contactId, out var decision) ? AudiencePreview.ReasonName(decision.Reason) : "noConsent");
                continue;
            }
            row.UnsubscribeUrl = unsubscribeLinks.For(campaign, contactId);
            var values = TemplateFields.For(card, activities.GetValueOrDefault(contactId), campaign.Id, campaign.Name, row.UnsubscribeUrl);
            row.Subject = compiled.Subject?.Render(values);
            row.Body = compiled.Body.Render(values);
            if (campaign.Purpose == CampaignPurposes.Marketing && row.UnsubscribeUrl is { } link && !row.Body.Contains(link, StringComparison.Ordinal))
            {
                // Every marketing message carries its way out, even when the template forgot it.
                row.Body += "\n\nUnsubscribe: " + link;
            }
            if (campaign.Channel == CampaignChannels.Sms && row.Body.Length > options.Value.SmsMaxLength)
            {
                Exclude(row, ExclusionReasons.TooLong);
            }
        }
        var recorded = await InsertAsync(db, rows, time.GetUtcNow(), ct);
        return new Counts(recorded, rows.Count(r => r.Status == MessageStatus.Excluded));
    }

    private static void Exclude(CampaignMessage row, string reason)
    {
        row.Status = MessageStatus.Excluded;
        row.ExcludedReason = reason;
        // An excluded message keeps no text and no address: nothing personal is stored for someone who said no.
        (row.Subject, row.Body, row.Address, row.UnsubscribeUrl) = (null, null, null, null);
    }

    private async Task<Dictionary<Guid, RecipientCard>> CardsAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var cards = new Dictionary<Guid, RecipientCard>(ids.Count);
        foreach (var chunk in ids.Chunk(MaxBatch))
        {
            var request = new GetContactsRequest();
            request.Ids.AddRange(chunk.Select(id => id.ToString()));
            var reply = await contacts.GetContactsAsync(request, cancellationToken: ct);
            foreach (var contact in reply.Contacts)
            {
                var card = RecipientCard.From(contact);
                cards[card.Id] = card;
            }
        }
        return cards;
    }

    private async Task<Dictionary<Guid, ConsentDecision>> ConsentAsync(Campaign campaign, IReadOnlyList<Guid> ids,
        Dictionary<Guid, RecipientCard> cards, CancellationToken ct)
    {
        var request = new ConsentCheckRequest
        {
            Purpose = campaign.Purpose,
            Channel = CampaignChannels.ConsentChannel(campaign.Channel),
            At = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        request.ContactIds.AddRange(ids.Select(id => id.ToString()));
        foreach (var card in cards.Values)
        {
            if (card.AddressFor(campaign.Channel) is { } address)
            {
                request.Addresses.Add(new ContactAddress { ContactId = card.Id.ToString(), Address = address });
            }
        }
        var reply = await consent.CheckAsync(request, cancellationToken: ct);
        return reply.Decisions.ToDictionary(d => Guid.Parse(d.ContactId));
    }

    private const string InsertSql = """
        INSERT INTO campaign_messages (id, campaign_id, occurrence, contact_id, channel, purpose, status, excluded_reason,
            address, subject, body, unsubscribe_url, time_zone, window_days, window_from, window_to, not_before, not_after, created_at)
        SELECT m.id, @campaign, @occurrence, m.contact_id, @channel, @purpose, m.status, m.excluded_reason,
            m.address, m.subject, m.body, m.unsubscribe_url, m.time_zone, m.window_days, m.window_from, m.window_to, @not_before, @not_after, @now
        FROM unnest(@ids, @contacts, @statuses, @reasons, @addresses, @subjects, @bodies, @links, @zones, @days, @froms, @tos)
            AS m(id, contact_id, status, excluded_reason, address, subject, body, unsubscribe_url, time_zone, window_days, window_from, window_to)
        ON CONFLICT (campaign_id, occurrence, contact_id) DO NOTHING
        """;

    /// <summary>One statement for the batch; returns how many rows were new.</summary>
    private static async Task<int> InsertAsync(CampaignsDbContext db, List<CampaignMessage> rows, DateTimeOffset now, CancellationToken ct)
    {
        var first = rows[0];
        NpgsqlParameter Array<T>(string name, NpgsqlDbType type, Func<CampaignMessage, T> value) =>
            new(name, NpgsqlDbType.Array | type) { Value = rows.Select(value).ToArray() };
        NpgsqlParameter[] parameters =
        [
            new("campaign", first.CampaignId), new("occurrence", first.Occurrence), new("channel", first.Channel), new("purpose", first.Purpose),
            new("not_before", first.NotBefore), new("not_after", first.NotAfter), new("now", now),
            Array("ids", NpgsqlDbType.Uuid, r => r.Id),
            Array("contacts", NpgsqlDbType.Uuid, r => r.ContactId),
            Array("statuses", NpgsqlDbType.Text, r => r.Status),
            Array("reasons", NpgsqlDbType.Text, r => r.ExcludedReason),
            Array("addresses", NpgsqlDbType.Text, r => r.Address),
            Array("subjects", NpgsqlDbType.Text, r => r.Subject),
            Array("bodies", NpgsqlDbType.Text, r => r.Body),
            Array("links", NpgsqlDbType.Text, r => r.UnsubscribeUrl),
            Array("zones", NpgsqlDbType.Text, r => r.TimeZone),
            Array("days", NpgsqlDbType.Integer, r => r.WindowDays),
            Array("froms", NpgsqlDbType.Time, r => r.WindowFrom),
            Array("tos", NpgsqlDbType.Time, r => r.WindowTo),
        ];
        return await db.Database.ExecuteSqlRawAsync(InsertSql, parameters, ct);
    }
}

/// <summary>A campaign's subject and body, parsed once per run rather than once per recipient.</summary>
public sealed record CompiledCampaign(MessageTemplate? Subject, MessageTemplate Body)
{
    public static CompiledCampaign Compile(Campaign campaign) => new(
        campaign.Subject is { Length: > 0 } subject ? MessageTemplate.Parse(subject).Template ?? throw new InvalidOperationException($"Campaign {campaign.Id}: subject does not parse.") : null,
        MessageTemplate.Parse(campaign.Body).Template ?? throw new InvalidOperationException($"Campaign {campaign.Id}: body does not parse."));
}

/// <summary>Consent's signed unsubscribe links for a campaign's messages (ADR 11): no call to consent per message.</summary>
public sealed class UnsubscribeLinks(IOptions<CampaignsOptions> options, IConfiguration configuration)
{
    private readonly UnsubscribeToken _tokens = UnsubscribeToken.FromBase64Key(options.Value.UnsubscribeKey ?? configuration["Consent:UnsubscribeKey"]);
    private readonly Uri _base = options.Value.PublicBaseUrl
        ?? (configuration["services:gateway:http:0"] is { } gateway ? new Uri(gateway) : new Uri("http://localhost:5000"));

    public string? For(Campaign campaign, Guid contactId) =>
        campaign.Channel == CampaignChannels.CallTask
            ? null
            : _tokens.Url(_base, new UnsubscribeRequest(contactId, campaign.Purpose, CampaignChannels.ConsentChannel(campaign.Channel), campaign.Id));
}
