using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>The whole-base duplicate scan, as a job, against the real contacts database.</summary>
public sealed class DuplicateScanTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scan_groups_contacts_that_share_an_email_a_phone_or_a_name_with_birth_date()
    {
        // A sales manager's scan covers their team's contacts only, so other tests' contacts do not enter it.
        var team = "dedup-" + Guid.NewGuid().ToString("N")[..8];
        var api = fixture.ClientFor(Roles.SalesManager, team: team);
        var run = Guid.NewGuid().ToString("N")[..8];
        var a = await api.CreateContactAsync(new { firstName = "Anna", lastName = run, emails = new[] { $"anna.{run}@example.com" } });
        var b = await api.CreateContactAsync(new { firstName = "Ania", lastName = run, emails = new[] { $"ANNA.{run}@example.com" }, phones = new[] { "+48 601 111 222" } });
        var c = await api.CreateContactAsync(new { firstName = "Anna K.", phones = new[] { "+48601111222" } });
        var d = await api.CreateContactAsync(new { firstName = "Olga", lastName = run, birthDate = "1980-05-05" });
        var e = await api.CreateContactAsync(new { firstName = "Olga", lastName = run, birthDate = "1980-05-05" });
        await api.CreateContactAsync(new { firstName = "Olga", lastName = run, birthDate = "1981-05-05" });
        var outsider = await fixture.ClientFor(Roles.HeadOfSales).CreateContactAsync(new { firstName = "Anna", emails = new[] { $"anna.{run}@example.com" } });

        using var started = await api.PostAsync("/api/contacts/duplicate-scans", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var scan = await Eventually.Until(() => api.GetFromJsonAsync<JsonElement>(started.Headers.Location, Ct),
            s => s.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(60), "scan finished");
        Assert.Equal("completed", scan.GetProperty("status").GetString());
        Assert.Equal(100, scan.GetProperty("percent").GetInt32());

        var page = await api.GetFromJsonAsync<JsonElement>(scan.GetProperty("groupsUrl").GetString(), Ct);
        var groups = page.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("contactIds").EnumerateArray().Select(i => i.GetGuid()).ToHashSet()).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Contains(groups, g => g.SetEquals([a, b, c]));
        Assert.Contains(groups, g => g.SetEquals([d, e]));
        Assert.DoesNotContain(groups, g => g.Contains(outsider));
        Assert.Equal(["same e-mail", "same phone"], page.GetProperty("groups")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }
}
