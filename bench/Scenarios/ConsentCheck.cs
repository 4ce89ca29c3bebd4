using System.Diagnostics;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// ConsentCheck.Check for a large batch in one gRPC call over a large ledger (target p95 ≤ 200 ms for 100,000 ids over
/// 5,000,000 records). The ledger is seeded straight into the consent database with SQL, five entries per contact
/// across purposes and channels, and the current-state table is derived from it as the service derives it.
/// Each call asks about a different random sample of contacts, a tenth of them unknown, with their e-mail addresses
/// for the suppression check when --addresses is given.
/// With --packed the ids go as 16 bytes each and the reply comes as packed reasons (the compact form for large batches).
/// Options: --records N (5000000), --ids N (100000), --calls N (20), --addresses, --packed.
/// </summary>
public static class ConsentCheck
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = BenchOptions.Option(args, "--records", 5_000_000);
        var batch = BenchOptions.Option(args, "--ids", 100_000);
        var calls = BenchOptions.Option(args, "--calls", 20);
        var withAddresses = args.Contains("--addresses");
        var packed = args.Contains("--packed");
        await using var bench = await BenchSystem.StartAsync();
        var connectionString = bench.System.Postgres.ConnectionString(ResourceNames.ConsentDb);

        var seeding = Stopwatch.StartNew();
        var contacts = await SeedAsync(connectionString, records);
        Console.WriteLine($"Seeded {records:N0} ledger records for {contacts:N0} contacts (and their current state) in {seeding.Elapsed.TotalSeconds:0.0} s.");

        using var channel = GrpcChannel.ForAddress(bench.System.Service(ResourceNames.Consent).GrpcUrl!,
            new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
        var client = new Consent.Contracts.Grpc.ConsentCheck.ConsentCheckClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + bench.System.Issuer.CreateToken(Roles.Marketer) } };
        var random = new Random(42);

        var latencies = new List<double>();
        var allowed = 0L;
        for (var call = 0; call < calls + 3; call++) // the first 3 warm up the JIT, the plan and the buffers
        {
            var request = new ConsentCheckRequest { Purpose = "marketing", Channel = "email", At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
            for (var i = 0; i < batch; i++)
            {
                var id = i % 10 == 0 ? Guid.NewGuid() : ContactId(random.Next(1, contacts + 1));
                request.ContactIds.Add(id.ToString());
                if (withAddresses)
                {
                    request.Addresses.Add(new ContactAddress { ContactId = id.ToString(), Address = $"bench{i}@example.com" });
                }
            }
            var distinct = request.ContactIds.Distinct().Count();
            if (packed)
            {
                // Built outside the clock, as the listed request is: the caller holds its ids as Guids anyway.
                var bytes = request.ContactIds.Select(Guid.Parse).SelectMany(id => id.ToByteArray(bigEndian: true)).ToArray();
                request.ContactIds.Clear();
                request.ContactIdsPacked = Google.Protobuf.ByteString.CopyFrom(bytes);
            }
            var clock = Stopwatch.StartNew();
            var reply = await client.CheckAsync(request, headers);
            clock.Stop();
            var answered = packed ? reply.ReasonsPacked.Length : reply.Decisions.Count;
            if (answered != distinct)
            {
                throw new InvalidOperationException($"Asked about {distinct} contacts, got {answered} decisions.");
            }
            if (call >= 3)
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                allowed += packed ? reply.ReasonsPacked.Count(r => r == (byte)ConsentReason.Granted) : reply.Decisions.Count(d => d.Allowed);
            }
        }
        latencies.Sort();
        await PrintPlanAsync(connectionString, Enumerable.Range(0, batch).Select(i => ContactId(random.Next(1, contacts + 1))).ToArray());
        Console.WriteLine();
        Console.WriteLine($"consent-check: {batch:N0} ids per call ({(withAddresses ? "with" : "without")} addresses{(packed ? ", packed" : "")}), {calls} sequential calls, over {records:N0} ledger records ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"| p50 ms | p95 ms | max ms | allowed per call |");
        Console.WriteLine($"|--------|--------|--------|------------------|");
        Console.WriteLine($"| {Quantile(latencies, 0.50),6:0} | {Quantile(latencies, 0.95),6:0} | {latencies[^1],6:0} | {allowed / (double)calls,16:N0} |");
        Console.WriteLine();
        Console.WriteLine("target: p95 ≤ 200 ms for 100,000 ids over 5,000,000 records");
        return 0;
    }

    /// <summary>The same ids the seeding SQL makes: md5 of the contact number, as a UUID.</summary>
    private static Guid ContactId(int i) =>
        Guid.ParseExact(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))), "N");

    private static async Task<int> SeedAsync(string connectionString, int records)
    {
        var contacts = records / 5;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Five entries per contact: marketing by e-mail (granted, withdrawn for every 7th, expired for every 11th),
        // marketing by SMS, profiling by e-mail, service by e-mail under contract, and an objection to profiling for every 13th.
        const string ledger = """
            INSERT INTO consent_records (id, sequence, contact_id, purpose, channel, action, legal_basis, source, evidence_form_id,
                                         recorded_by, recorded_at, expires_at, pending)
            SELECT gen_random_uuid(), nextval('consent_record_sequence'), md5(c::text)::uuid, e.purpose, e.channel, e.action, e.basis, 'import', 'bench',
                   'bench', now() - interval '1 day' + e.n * interval '1 second', e.expires, false
            FROM generate_series(@from, @to) AS c,
            LATERAL (VALUES
                (1, 'marketing', 'email', 'grant', 'consent', CASE WHEN c % 11 = 0 THEN now() - interval '1 hour' END),
                (2, 'marketing', 'sms', 'grant', 'consent', NULL::timestamptz),
                (3, 'profiling', 'email', 'grant', 'legitimate-interest', NULL),
                (4, 'service', 'email', 'grant', 'contract', NULL),
                (5, CASE WHEN c % 7 = 0 THEN 'marketing' ELSE 'profiling' END, 'email', CASE WHEN c % 7 = 0 THEN 'withdraw' ELSE 'objection' END, 'consent', NULL)
            ) AS e(n, purpose, channel, action, basis, expires)
            """;
        const int step = 100_000;
        for (var from = 1; from <= contacts; from += step)
        {
            await using var command = new NpgsqlCommand(ledger, connection) { CommandTimeout = 1200 };
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", Math.Min(contacts, from + step - 1));
            await command.ExecuteNonQueryAsync();
        }
        // The current state, derived from the ledger as ConsentState.Apply derives it for these actions.
        const string states = """
            INSERT INTO consent_states (contact_id, purpose, channel, status, legal_basis, expires_at, block, changed_at, version)
            SELECT contact_id, purpose, channel,
                   CASE WHEN bool_or(action = 'withdraw') THEN 'withdrawn' ELSE 'granted' END,
                   max(legal_basis) FILTER (WHERE action = 'grant'), max(expires_at),
                   max(action) FILTER (WHERE action = 'objection'), max(recorded_at), 1
            FROM consent_records GROUP BY contact_id, purpose, channel
            """;
        await using (var derive = new NpgsqlCommand(states, connection) { CommandTimeout = 1200 })
        {
            await derive.ExecuteNonQueryAsync();
        }
        foreach (var table in new[] { "consent_records", "consent_states" })
        {
            await using var analyze = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection) { CommandTimeout = 1200 };
            await analyze.ExecuteNonQueryAsync();
        }
        return contacts;
    }

    /// <summary>The plan and timing of the service's state query (ConsentChecker) for one batch, as the database runs it.</summary>
    private static async Task PrintPlanAsync(string connectionString, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var noJit = new NpgsqlCommand("SET jit = off", connection))
        {
            await noJit.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("""
            EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)
            SELECT s.contact_id, s.status, s.legal_basis, s.expires_at, s.block, s.changed_at
            FROM unnest(@ids) AS i(id)
            CROSS JOIN LATERAL (
                SELECT * FROM consent_states s
                WHERE s.contact_id = i.id AND s.purpose = 'marketing' AND s.channel = 'email'
                LIMIT 1
            ) AS s
            """, connection);
        Array.Sort(ids);
        explain.Parameters.AddWithValue("ids", ids);
        await using var reader = await explain.ExecuteReaderAsync();
        Console.WriteLine();
        Console.WriteLine("State query plan for one batch:");
        while (await reader.ReadAsync())
        {
            Console.WriteLine("  " + reader.GetString(0));
        }
    }

    private static double Quantile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

}
