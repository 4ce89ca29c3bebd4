using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>The bulk-read alarm: reading more distinct contacts in an hour than allowed suspends access until lifted.</summary>
public sealed class BulkAccessTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_who_reads_past_the_threshold_is_blocked_until_an_administrator_lifts_it()
    {
        var admin = fixture.ClientFor(Roles.Administrator);
        var ids = new List<Guid>();
        for (var i = 0; i < SystemFixture.SupportReadsPerHour + 5; i++)
        {
            ids.Add(await admin.CreateContactAsync($"Bulk{i}"));
        }
        var subject = $"support-{Guid.NewGuid():N}";
        var reader = fixture.ClientFor(Roles.Support, subject: subject);

        // Reads are counted asynchronously (every 250 ms), so the block lands a little after the threshold is crossed:
        // reads up to it must succeed, those past it may already be refused.
        for (var i = 0; i < ids.Count; i++)
        {
            using var read = await reader.GetAsync($"/api/contacts/{ids[i]}", Ct);
            Assert.True(read.StatusCode == HttpStatusCode.OK || (i >= SystemFixture.SupportReadsPerHour && read.StatusCode == HttpStatusCode.Forbidden),
                $"read {i + 1}: {(int)read.StatusCode}");
        }
        var blocked = await Eventually.Until(() => reader.GetAsync($"/api/contacts/{ids[0]}", Ct), r => r.StatusCode == HttpStatusCode.Forbidden,
            what: "the reader is blocked");
        Assert.Contains("suspended", (await blocked.ReadProblemAsync()).GetProperty("title").GetString());
        using var search = await reader.GetAsync("/api/contacts?q=bulk", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, search.StatusCode);

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var trail = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={subject}", Ct),
            p => p.GetProperty("items").GetArrayLength() > 0, what: "the alarm in the audit trail");
        var alarm = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal("contacts.bulk-read-alarm", alarm.GetProperty("what").GetString());
        Assert.True(alarm.GetProperty("rowCount").GetInt32() > SystemFixture.SupportReadsPerHour);

        using var lifted = await admin.DeleteAsync($"/api/contacts/access-blocks/{subject}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        using var again = await reader.GetAsync($"/api/contacts/{ids[0]}", Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Reading_the_same_contacts_again_and_again_is_not_bulk_access()
    {
        var admin = fixture.ClientFor(Roles.Administrator);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await admin.CreateContactAsync($"Again{i}"));
        }
        var reader = fixture.ClientFor(Roles.Support);
        for (var round = 0; round < 12; round++)
        {
            foreach (var id in ids)
            {
                using var read = await reader.GetAsync($"/api/contacts/{id}", Ct);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode); // 60 reads of 5 distinct contacts, under the 25 allowed
            }
        }
    }
}
