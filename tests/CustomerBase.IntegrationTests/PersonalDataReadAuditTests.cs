using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.IntegrationTests.Interactions;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests;

/// <summary>Reads of a person's data in services other than contacts reach consent's one audit trail: who read whose data, when.</summary>
public sealed class PersonalDataReadAuditTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadingATimelineAnInteractionAndPreferencesIsInTheAuditTrail()
    {
        var contactId = await fixture.Gateway.CreateContactAsync("Audited", "Timeline");
        var note = (await fixture.Gateway.RecordAsync(Timeline.Note(contactId, "called about the order"))).GetProperty("id").GetGuid();
        var actor = $"support-{Guid.NewGuid():N}";
        using var reader = fixture.ClientFor(Roles.Support, subject: actor);

        Assert.Single((await reader.TimelineAsync(contactId)).Ids());
        using (var read = await reader.GetAsync($"/api/interactions/{note}", Ct)) read.EnsureSuccessStatusCode();
        using (var preferences = await reader.GetAsync($"/api/interactions/contacts/{contactId}/preferences", Ct)) preferences.EnsureSuccessStatusCode();

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&contactId={contactId}", Ct),
            p => p.GetProperty("items").GetArrayLength() == 3, what: "three reads in the audit trail");
        var entries = trail.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["interactions.preferences", "interactions.read", "interactions.timeline"], entries.Select(e => e.GetProperty("what").GetString()).Order());
        Assert.All(entries, e => Assert.Equal("interactions", e.GetProperty("service").GetString()));
        Assert.Equal(1, entries.Single(e => e.GetProperty("what").GetString() == "interactions.timeline").GetProperty("rowCount").GetInt32());
    }

    [Fact]
    public async Task ReadingAContactsSegmentationEntryIsInTheAuditTrail()
    {
        var contactId = await fixture.Gateway.CreateContactAsync("Audited", "Segment");
        var actor = $"marketer-{Guid.NewGuid():N}";
        using var reader = fixture.ClientFor(Roles.Marketer, subject: actor);

        using var entry = await Eventually.Until(() => reader.GetAsync($"/api/segments/contacts/{contactId}", Ct), r => r.IsSuccessStatusCode,
            what: "the contact in segmentation's read model");

        // Segmentation's outbox is first in, first out: while other tests import tens of thousands of contacts, their
        // LifecycleStageChanged events go out ahead of this one.
        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&contactId={contactId}", Ct),
            p => p.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(90), "the read in the audit trail");
        var read = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal(("segmentation", "segments.contact"), (read.GetProperty("service").GetString(), read.GetProperty("what").GetString()));
    }

    [Fact]
    public async Task PreviewingACampaignMessageForAContactIsInTheAuditTrail()
    {
        using var campaigns = new Campaigns.CampaignsTestClient(fixture);
        var contact = await campaigns.CreateContactAsync();
        var campaign = await campaigns.CreateCampaignAsync(Campaigns.CampaignsTestClient.EmailCampaign([contact.Id]));
        var actor = $"marketer-{Guid.NewGuid():N}";
        using var marketer = fixture.ClientFor(Roles.Marketer, subject: actor);

        using (var preview = await marketer.PostAsJsonAsync($"/api/campaigns/{campaign}/preview", new { contactId = contact.Id }, Ct)) preview.EnsureSuccessStatusCode();

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&contactId={contact.Id}", Ct),
            p => p.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(60), "the preview in the audit trail");
        var read = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal(("campaigns", "campaigns.preview"), (read.GetProperty("service").GetString(), read.GetProperty("what").GetString()));
    }
}
