using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using Npgsql;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>
/// Checks of the cached slice (<see cref="SystemFixture.CachedConsentSlice"/>) answered from memory must never lag the
/// database: each test first makes the service hold the slice (a check), then changes the ledger and checks at once.
/// </summary>
public sealed class ConsentCheckCacheTests(SystemFixture fixture)
{
    private const string Purpose = "marketing";
    private const string Channel = "email";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheSliceUnderTestIsTheCachedOne() => Assert.Equal($"{Purpose}/{Channel}", SystemFixture.CachedConsentSlice);

    [Fact]
    public async Task GrantsAndWithdrawalsAreSeenByTheVeryNextCheck()
    {
        using var consent = new ConsentTestClient(fixture);
        var people = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        Assert.All((await consent.CheckAsync(people, Purpose, Channel)).Values, d => Assert.Equal(ConsentReason.NoConsent, d.Reason));

        await consent.RecordAsync([.. people.Select(Grant)]);
        Assert.All((await consent.CheckAsync(people, Purpose, Channel)).Values, d => Assert.True(d.Allowed));

        var withdrawn = people.Where((_, i) => i % 4 == 0).ToHashSet();
        await consent.RecordAsync([.. withdrawn.Select(id => (object)new { contactId = id, action = "withdraw", purpose = Purpose, channel = Channel, source = "api" })]);
        var decisions = await consent.CheckAsync(people, Purpose, Channel);

        Assert.Equal(withdrawn.Order(), decisions.Where(d => !d.Value.Allowed).Select(d => d.Key).Order());
        Assert.All(withdrawn, id => Assert.Equal(ConsentReason.Withdrawn, decisions[id].Reason));
    }

    [Fact]
    public async Task DeletedStatesAreForgottenAndAStateGrantedAnewCounts()
    {
        using var consent = new ConsentTestClient(fixture);
        var (erased, regranted, untouched) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await consent.RecordAsync(Grant(erased), Grant(regranted), Grant(untouched));
        Assert.All((await consent.CheckAsync([erased, regranted, untouched], Purpose, Channel)).Values, d => Assert.True(d.Allowed));

        // What an erasure does to the state table (ConsentErasure), done directly so the test needs no other service.
        await using (var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.ConsentDb)))
        {
            await connection.OpenAsync(Ct);
            await using var delete = new NpgsqlCommand("DELETE FROM consent_states WHERE contact_id = ANY(@ids)", connection);
            delete.Parameters.AddWithValue("ids", new[] { erased, regranted });
            Assert.Equal(2, await delete.ExecuteNonQueryAsync(Ct));
        }
        await consent.RecordAsync(Grant(regranted));
        var decisions = await consent.CheckAsync([erased, regranted, untouched], Purpose, Channel);

        Assert.Equal(ConsentReason.NoConsent, decisions[erased].Reason);
        Assert.True(decisions[regranted].Allowed);
        Assert.True(decisions[untouched].Allowed);
    }

    [Fact]
    public async Task DecisionsComeInTheOrderAskedWithEachIdAsWrittenAndOnceEach()
    {
        using var consent = new ConsentTestClient(fixture);
        var (granted, unknown) = (Guid.NewGuid(), Guid.NewGuid());
        await consent.RecordAsync(Grant(granted));
        string[] asked = [unknown.ToString(), granted.ToString().ToUpperInvariant(), unknown.ToString("B")];

        var reply = await consent.CheckRawAsync(asked, Purpose, Channel);

        Assert.Equal([asked[0], asked[1]], reply.Decisions.Select(d => d.ContactId));
        Assert.Equal([false, true], reply.Decisions.Select(d => d.Allowed));
    }

    [Fact]
    public async Task ThePackedFormAnswersAsTheListedOne()
    {
        using var consent = new ConsentTestClient(fixture);
        var (granted, interest, withdrawn, unknown) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await consent.RecordAsync(Grant(granted), Grant(withdrawn),
            new { contactId = interest, action = "grant", purpose = Purpose, channel = Channel, legalBasis = "legitimate-interest", source = "api" });
        await consent.RecordAsync(new { contactId = withdrawn, action = "withdraw", purpose = Purpose, channel = Channel, source = "api" });
        Guid[] asked = [unknown, granted, withdrawn, granted, interest];

        var listed = await consent.CheckRawAsync(asked.Select(id => id.ToString()), Purpose, Channel);
        var packed = await consent.CheckPackedAsync(asked, Purpose, Channel);

        Assert.Empty(packed.Decisions);
        Assert.Equal(listed.Decisions.Select(d => (byte)d.Reason), packed.ReasonsPacked.ToByteArray());
        Assert.Equal(listed.Decisions.Select(d => d.LegalBasis),
            packed.LegalBasesPacked.ToByteArray().Select(b => b == 0 ? "" : packed.LegalBases[b - 1]));
        Assert.Equal([ConsentReason.NoConsent, ConsentReason.Granted, ConsentReason.Withdrawn, ConsentReason.Granted],
            packed.ReasonsPacked.ToByteArray().Select(b => (ConsentReason)b));
    }

    private static object Grant(Guid contactId) => new
    {
        contactId, action = "grant", purpose = Purpose, channel = Channel, legalBasis = "consent", source = "paper-form", // a web form would await double opt-in
        evidence = new { formId = "cache-test" },
    };
}
