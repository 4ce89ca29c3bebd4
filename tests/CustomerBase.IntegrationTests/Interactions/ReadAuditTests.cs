using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>Reads of a person's history reach consent's one audit trail: who read whose timeline, interaction or preferences.</summary>
public sealed class ReadAuditTests(SystemFixture fixture)
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
}
