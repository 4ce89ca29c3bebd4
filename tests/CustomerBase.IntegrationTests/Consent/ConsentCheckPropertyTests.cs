using System.Text;
using CustomerBase.Consent.Contracts.Grpc;

namespace CustomerBase.IntegrationTests.Consent;

/// <summary>
/// Property: for random histories of grants (immediate, pending double opt-in, legitimate interest, with and without
/// expiry), withdrawals, objections, restrictions and suppressions, ConsentCheck agrees with a small reference model,
/// now, at a later moment (expiry) and at an earlier moment (replayed from the ledger). Thousands of cases run
/// against the real database in a handful of round trips: each case is one contact, all cases go in the same batches.
/// The seed is printed on failure; set CONSENT_PROPERTY_SEED to replay it.
/// </summary>
public sealed class ConsentCheckPropertyTests(SystemFixture fixture)
{
    private const int Cases = 1500;
    private const string Purpose = "marketing";
    private static readonly string[] Channels = ["email", "sms"];

    [Fact]
    public async Task CheckAgreesWithTheReferenceModelForRandomHistories()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONSENT_PROPERTY_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var random = new Random(seed);
        using var consent = new ConsentTestClient(fixture);
        var start = DateTimeOffset.UtcNow;
        // Consecutive numbers from a random start: two cases sharing a phone would see each other's suppression.
        var firstPhone = random.Next(1_000_000, 9_999_999 - Cases);
        var people = Enumerable.Range(0, Cases).Select(i => new Person(Guid.NewGuid(), $"prop-{seed}-{i}-{Guid.NewGuid():N}@example.com", $"+4860{firstPhone + i}")).ToList();

        // Two rounds of operations; the moment between them is checked against the model as it was then.
        await ApplyRoundAsync(consent, people, random, start);
        var between = DateTimeOffset.UtcNow;
        var modelsBetween = people.ToDictionary(p => p.Id, p => p.Model.Clone());
        await Task.Delay(5, TestContext.Current.CancellationToken); // the next round's entries must be recorded after 'between'
        await ApplyRoundAsync(consent, people, random, start);

        var now = DateTimeOffset.UtcNow;
        var failures = new StringBuilder();
        foreach (var channel in Channels)
        {
            var addresses = people.Select(p => (p.Id, channel == "email" ? p.Email : p.Phone)).ToList();
            foreach (var (at, models) in new[]
            {
                (now, people.ToDictionary(p => p.Id, p => p.Model)),
                (start + TimeSpan.FromMinutes(90), people.ToDictionary(p => p.Id, p => p.Model)),
                (start + TimeSpan.FromMinutes(200), people.ToDictionary(p => p.Id, p => p.Model)),
                (between, modelsBetween),
            })
            {
                var decisions = await consent.CheckAsync(people.Select(p => p.Id), Purpose, channel, at, addresses);
                foreach (var person in people)
                {
                    var expected = models[person.Id].Decide(channel, at);
                    var actual = decisions[person.Id];
                    if (actual.Reason != expected || actual.Allowed != (expected == ConsentReason.Granted))
                    {
                        failures.AppendLine($"channel {channel} at {at:O}: expected {expected}, got {actual.Reason}; history: {person.History}");
                    }
                }
            }
        }
        Assert.True(failures.Length == 0, $"seed {seed}:\n{failures}");
    }

    private static async Task ApplyRoundAsync(ConsentTestClient consent, List<Person> people, Random random, DateTimeOffset start)
    {
        var records = new List<object>();
        var suppressedEmails = new List<string>();
        var suppressedPhones = new List<string>();
        foreach (var person in people)
        {
            for (var op = random.Next(0, 4); op > 0; op--)
            {
                var channel = Channels[random.Next(Channels.Length)];
                // Expiries at start + 1 h, 2 h or 3 h: the later checks fall before, between and after them.
                DateTimeOffset? expires = random.Next(3) == 0 ? start + TimeSpan.FromHours(random.Next(1, 4)) : null;
                switch (random.Next(8))
                {
                    case 0 or 1:
                        records.Add(Grant(person.Id, channel, "consent", "paper-form", expires));
                        person.Model.Grant(channel, "consent", expires);
                        person.Note($"grant {channel} until {expires:t}");
                        break;
                    case 2:
                        records.Add(Grant(person.Id, channel, "consent", "web-form", expires));
                        person.Model.Pending(channel);
                        person.Note($"pending {channel}");
                        break;
                    case 3:
                        records.Add(Grant(person.Id, channel, "legitimate-interest", "api", expires));
                        person.Model.Grant(channel, "legitimate-interest", expires);
                        person.Note($"interest {channel} until {expires:t}");
                        break;
                    case 4:
                        records.Add(new { contactId = person.Id, action = "withdraw", purpose = Purpose, channel, source = "api" });
                        person.Model.Withdraw(channel);
                        person.Note($"withdraw {channel}");
                        break;
                    case 5:
                        var block = random.Next(2) == 0 ? "objection" : "restriction";
                        records.Add(new { contactId = person.Id, action = block, purpose = Purpose, source = "paper-form" });
                        person.Model.Block(block);
                        person.Note(block);
                        break;
                    case 6:
                        suppressedEmails.Add(person.Email.ToUpperInvariant()); // any written form of the address suppresses it
                        person.Model.Suppress("email");
                        person.Note("suppress email");
                        break;
                    default:
                        suppressedPhones.Add(person.Phone);
                        person.Model.Suppress("sms");
                        person.Note("suppress phone");
                        break;
                }
            }
        }
        foreach (var chunk in records.Chunk(2000))
        {
            await consent.RecordAsync(chunk);
        }
        if (suppressedEmails.Count + suppressedPhones.Count > 0)
        {
            await consent.SuppressAsync(suppressedEmails, suppressedPhones);
        }
    }

    private static object Grant(Guid contactId, string channel, string basis, string source, DateTimeOffset? expiresAt) => new
    {
        contactId, action = "grant", purpose = Purpose, channel, legalBasis = basis, source,
        evidence = new { formId = "property-test" }, expiresAt,
    };

    private sealed record Person(Guid Id, string Email, string Phone)
    {
        public ReferenceModel Model { get; } = new();
        private readonly StringBuilder _history = new();
        public string History => _history.ToString();
        public void Note(string step) => _history.Append(step).Append("; ");
    }

    /// <summary>The rules, stated as plainly as possible, independent of the service's code.</summary>
    private sealed class ReferenceModel
    {
        private sealed record Channel(string Status, string? Basis, DateTimeOffset? Expires, string? Block);

        private Dictionary<string, Channel> _channels = Channels.ToDictionary(c => c, _ => new Channel("none", null, null, null));
        private HashSet<string> _suppressed = [];

        public ReferenceModel Clone() => new() { _channels = new(_channels), _suppressed = [.. _suppressed] };

        // The person's own consent lifts their objection or restriction; a business's legitimate interest does not.
        public void Grant(string c, string basis, DateTimeOffset? expires) =>
            _channels[c] = new Channel("granted", basis, expires, basis == "consent" ? null : _channels[c].Block);

        public void Pending(string c) => _channels[c] = _channels[c] with { Status = "pending" };

        public void Withdraw(string c) => _channels[c] = _channels[c] with { Status = "withdrawn" };

        public void Block(string block)
        {
            foreach (var c in Channels)
            {
                _channels[c] = _channels[c] with { Block = block };
            }
        }

        public void Suppress(string channel) => _suppressed.Add(channel);

        public ConsentReason Decide(string c, DateTimeOffset at)
        {
            var state = _channels[c];
            if (_suppressed.Contains(c)) return ConsentReason.Suppressed;
            if (state.Block == "objection") return ConsentReason.Objection;
            if (state.Block == "restriction") return ConsentReason.Restricted;
            return state.Status switch
            {
                "withdrawn" => ConsentReason.Withdrawn,
                "pending" => ConsentReason.PendingDoubleOptIn,
                "granted" when state.Expires <= at => ConsentReason.Expired,
                "granted" => ConsentReason.Granted,
                _ => ConsentReason.NoConsent,
            };
        }
    }
}
