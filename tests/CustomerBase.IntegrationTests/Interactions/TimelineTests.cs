using System.Net;
using System.Net.Http.Json;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>A contact's timeline: newest first in keyset pages, filters by kind and period, full-text search, merges and deletions.</summary>
public sealed class TimelineTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _gateway = fixture.Gateway;
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PagesGoNewestFirstWithoutGapsOrRepeats()
    {
        var contactId = await _gateway.CreateContactAsync("Pages", "Timeline");
        var recorded = new List<Guid>();
        for (var day = 0; day < 7; day++)
        {
            // Two on the same instant: the id breaks the tie, so neither is lost between pages.
            recorded.Add((await _gateway.RecordAsync(Timeline.Note(contactId, $"note {day}", Start.AddDays(day / 2)))).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        string? next = null;
        do
        {
            var page = await _gateway.TimelineAsync(contactId, $"&limit=3{(next is null ? "" : "&after=" + next)}");
            seen.AddRange(page.Ids());
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);

        Assert.Equal(recorded.Order().ToHashSet(), seen.ToHashSet());
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var expected = recorded.Select((id, day) => (id, at: Start.AddDays(day / 2))).OrderByDescending(x => x.at).ThenByDescending(x => x.id).Select(x => x.id);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task FiltersByKindAndPeriodAndSearchesSubjectsAndNotes()
    {
        var contactId = await _gateway.CreateContactAsync("Filter", "Timeline");
        var order = (await _gateway.RecordAsync(Timeline.Order(contactId, "F-1", occurredAt: Start))).GetProperty("id").GetGuid();
        var lavender = (await _gateway.RecordAsync(Timeline.Note(contactId, "Asked about lavender candles", Start.AddDays(10)))).GetProperty("id").GetGuid();
        var invoice = (await _gateway.RecordAsync(new { contactId, kind = "email", subject = "Invoice for March", occurredAt = Start.AddDays(20) })).GetProperty("id").GetGuid();

        Assert.Equal([order], (await _gateway.TimelineAsync(contactId, "&kind=order")).Ids());
        Assert.Equal([invoice, lavender], (await _gateway.TimelineAsync(contactId, "&kind=note,email")).Ids());
        Assert.Equal([lavender], (await _gateway.TimelineAsync(contactId, $"&from={Start.AddDays(5):O}&to={Start.AddDays(15):O}".Replace("+", "%2B"))).Ids());
        Assert.Equal([lavender], (await _gateway.TimelineAsync(contactId, "&q=lavender")).Ids());
        Assert.Equal([invoice], (await _gateway.TimelineAsync(contactId, "&q=invoice%20march")).Ids());
        Assert.Empty((await _gateway.TimelineAsync(contactId, "&q=roses")).Ids());
    }

    [Theory]
    [InlineData("&kind=telepathy", "kind")]
    [InlineData("&limit=0", "limit")]
    [InlineData("&after=bm9wZQ", "after")]
    public async Task BadTimelineQueryIsRefusedNamingTheParameter(string query, string field)
    {
        using var response = await _gateway.GetAsync($"/api/interactions?contactId={Guid.NewGuid()}{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task MergedContactsTimelineShowsBothHistories()
    {
        var survivor = await _gateway.CreateContactAsync("Survivor", "Merge");
        var merged = await _gateway.CreateContactAsync("Merged", "Merge");
        var survivorNote = (await _gateway.RecordAsync(Timeline.Note(survivor, "survivor's own"))).GetProperty("id").GetGuid();
        var mergedOrder = (await _gateway.RecordAsync(Timeline.Order(merged, "M-1", unitPrice: 25m))).GetProperty("id").GetGuid();

        using var merge = await _gateway.PostAsJsonAsync($"/api/contacts/{survivor}/merge", new { mergedIds = new[] { merged } }, Ct);
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);

        var page = await Eventually.Until(() => _gateway.TimelineAsync(survivor), p => p.Ids().Count == 2, what: "both histories on the survivor");
        Assert.Equal(new HashSet<Guid> { survivorNote, mergedOrder }, page.Ids().ToHashSet());
        using var preferences = await _gateway.GetAsync($"/api/interactions/contacts/{survivor}/preferences", Ct);
        var body = await preferences.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        Assert.Equal(1, body.GetProperty("orders").GetInt32());
    }

    [Fact]
    public async Task DeletedContactsTimelineIsDeleted()
    {
        var contactId = await _gateway.CreateContactAsync("Deleted", "Timeline");
        await _gateway.RecordAsync(Timeline.Note(contactId, "to be forgotten"));
        Assert.Equal(1, await fixture.CountInteractionsAsync(contactId));

        using var deleted = await _gateway.DeleteAsync($"/api/contacts/{contactId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await Eventually.Until(() => fixture.CountInteractionsAsync(contactId), n => n == 0, what: "the deleted contact's interactions removed");
    }
}
