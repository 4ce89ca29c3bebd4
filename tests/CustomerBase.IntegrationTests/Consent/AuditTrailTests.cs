using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Consent.Contracts;
using CustomerBase.ServiceDefaults.Security;
using MassTransit;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>The one audit trail: reads of personal data reported by other services arrive over the bus and are filtered for auditors.</summary>
public sealed class AuditTrailTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AccessReportedByAnotherServiceIsKeptAndFoundByActor()
    {
        var actor = $"analyst-{Guid.NewGuid():N}";
        var contact = Guid.NewGuid();
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(fixture.System.RabbitMq.ConnectionString)));
        await bus.StartAsync(Ct);
        try
        {
            await bus.Publish(new PersonalDataAccessed("contacts", actor, DateTimeOffset.UtcNow, "contacts.search", "q=iva", 12, null), Ct);
            await bus.Publish(new PersonalDataAccessed("contacts", actor, DateTimeOffset.UtcNow, "contacts.read", null, 1, contact), Ct);
        }
        finally
        {
            await bus.StopAsync(Ct);
        }

        using var auditor = fixture.ClientFor(Roles.Auditor);
        var page = await Eventually.Until(() => auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}", Ct),
            p => p.GetProperty("items").GetArrayLength() == 2, what: "both reads in the audit trail");
        Assert.Equal(["contacts.search", "contacts.read"], page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("what").GetString()));
        Assert.Equal(12, page.GetProperty("items")[0].GetProperty("rowCount").GetInt32());

        var byContact = await auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&contactId={contact}", Ct);
        Assert.Equal("contacts.read", Assert.Single(byContact.GetProperty("items").EnumerateArray()).GetProperty("what").GetString());

        var first = await auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&limit=1", Ct);
        var next = first.GetProperty("next").GetGuid();
        var second = await auditor.GetFromJsonAsync<JsonElement>($"/api/consent/audit?actor={actor}&limit=1&after={next}", Ct);
        Assert.Equal("contacts.read", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("what").GetString());
    }
}
