using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.Campaigns.Contracts;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// A campaign launched to N recipients (every contact): the audience streamed from segmentation, consent checked,
/// cards fetched, bodies rendered, one row recorded per recipient, and each <see cref="DeliverMessage"/> published
/// to a stand-in SMS gateway in this process that answers every message with a Sent receipt (as tooling must, ADR 16),
/// in bulk (<see cref="DeliveryReceiptBatch"/>, up to a thousand at a time). The gateway is a plain AMQP consumer
/// (<see cref="RawSmsGateway"/>); --masstransit-gateway uses MassTransit's batch consumer instead, --single-receipts a
/// MassTransit handler answering one receipt each. Reported: recorded/s, published/s end to end, the campaigns service's
/// peak memory (VmHWM) and the broker's, and in the same run the ceiling: a bare MassTransit publish loop of the same
/// message type. Contacts, segmentation profiles and consent grants are seeded with SQL.
/// Options: --recipients N (1000000), --ceiling N (100000), --masstransit-gateway, --single-receipts.
/// </summary>
public static class CampaignLaunch
{
    public static async Task<int> RunAsync(string[] args)
    {
        var recipients = BenchOptions.Option(args, "--recipients", 1_000_000);
        var ceilingCount = BenchOptions.Option(args, "--ceiling", Math.Min(recipients, 100_000));
        var singleReceipts = args.Contains("--single-receipts");
        var masstransitGateway = args.Contains("--masstransit-gateway");
        await using var bench = await BenchSystem.StartAsync(environment: new Dictionary<string, string>
        {
            // The channel's throttle is what a deployment sets for its gateway; here it must not be the limit measured.
            ["Campaigns__MessagesPerSecond__sms"] = "1000000",
        });

        var seeding = Stopwatch.StartNew();
        await SeedAsync(bench, recipients);
        Console.WriteLine($"Seeded {recipients:N0} contacts, segmentation profiles and SMS marketing grants in {seeding.Elapsed.TotalSeconds:0.0} s.");

        var rabbit = new Uri(bench.System.RabbitMq.ConnectionString.Replace("amqp://", "rabbitmq://"));
        var gateway = singleReceipts || masstransitGateway
            ? await MassTransitGatewayAsync(rabbit, singleReceipts)
            : (IAsyncDisposable)await RawSmsGateway.StartAsync(bench.System.RabbitMq.ConnectionString, Receive);

        var campaignId = await CreateCampaignAsync(bench);
        var clock = Stopwatch.StartNew();
        (await bench.Http.PostAsync($"/api/campaigns/{campaignId}/launch", null)).EnsureSuccessStatusCode();
        var campaignsDb = bench.System.Postgres.ConnectionString(ResourceNames.CampaignsDb);
        // Progress is watched without counting the campaign's rows: recorded is the run's resolution (one row), and
        // published is what the gateway received (a message the broker delivered was published).
        // (Counting the campaign's rows four times a second had PostgreSQL scanning up to a million rows for the bench.)
        TimeSpan? recordedAt = null;
        while (ReceivedCount() < recipients)
        {
            if (recordedAt is null && await ResolvedAsync(campaignsDb, campaignId))
            {
                recordedAt = clock.Elapsed;
            }
            if (clock.Elapsed > TimeSpan.FromHours(2))
            {
                throw new TimeoutException($"{ReceivedCount():N0} of {recipients:N0} received after two hours.");
            }
            await Task.Delay(250);
        }
        var launch = clock.Elapsed;
        while (recordedAt is null) // the run is marked resolved just after its last batch, which tooling may already have
        {
            recordedAt = await ResolvedAsync(campaignsDb, campaignId) ? clock.Elapsed : null;
            await Task.Delay(50);
        }
        // The kernel keeps each process's high-water mark of resident memory: no sampling needed.
        var servicePeak = HighWaterMarkKb(bench.System.Service(ResourceNames.Campaigns).ProcessId);
        var brokerPeakLaunch = HighWaterMarkKb(bench.System.RabbitMq.ProcessId);
        await gateway.DisposeAsync();
        // Tooling may get the last messages a moment before their release commits.
        var (recorded, released) = await CountAsync(campaignsDb, campaignId);
        for (var wait = Stopwatch.StartNew(); released < recipients && wait.Elapsed < TimeSpan.FromSeconds(30); (recorded, released) = await CountAsync(campaignsDb, campaignId))
        {
            await Task.Delay(250);
        }
        if (recorded != recipients || released != recipients)
        {
            throw new InvalidOperationException($"{recorded:N0} recorded and {released:N0} released of {recipients:N0}.");
        }

        var ceiling = await CeilingAsync(rabbit, ceilingCount);
        Console.WriteLine();
        Console.WriteLine($"campaign-launch: {recipients:N0} recipients ({Environment.ProcessorCount} cores)");
        Console.WriteLine("| step | seconds | messages/s |");
        Console.WriteLine("|------|---------|------------|");
        Console.WriteLine($"| resolved, consent-checked, rendered and recorded | {recordedAt!.Value.TotalSeconds,7:0.0} | {recipients / recordedAt.Value.TotalSeconds,10:N0} |");
        Console.WriteLine($"| … and every DeliverMessage published (end to end) | {launch.TotalSeconds,7:0.0} | {recipients / launch.TotalSeconds,10:N0} |");
        Console.WriteLine($"| ceiling: bare MassTransit publish loop of DeliverMessage (confirms on) | {ceilingCount / ceiling,7:N0}/s over {ceilingCount:N0} | |");
        Console.WriteLine();
        Console.WriteLine($"campaigns service peak memory (VmHWM): {servicePeak / 1024.0:N0} MB; RabbitMQ peak memory (VmHWM of beam): {brokerPeakLaunch / 1024.0:N0} MB");
        Console.WriteLine("target: ≥ 5,000 messages/s (stretch 10,000), service peak < 500 MB");
        return 0;
    }

    /// <summary>
    /// The stand-in gateway written with MassTransit, as the contract's README shows: one receipt per message
    /// (<paramref name="singleReceipts"/>) or a batch consumer answering with one <see cref="DeliveryReceiptBatch"/>.
    /// </summary>
    private static async Task<IAsyncDisposable> MassTransitGatewayAsync(Uri rabbit, bool singleReceipts)
    {
        var gateway = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(rabbit);
            cfg.ReceiveEndpoint("bench-sms-gateway", e =>
            {
                // As the contract's README tells tooling: this channel's messages only.
                e.ConfigureConsumeTopology = false;
                e.Bind(DeliveryTopology.Exchange, binding => (binding.ExchangeType, binding.RoutingKey) = (DeliveryTopology.ExchangeType, "sms"));
                if (singleReceipts)
                {
                    e.PrefetchCount = 500;
                    e.Handler<DeliverMessage>(async context =>
                    {
                        if (context.Message.CampaignId != Guid.Empty) // the ceiling loop's messages want no receipt
                        {
                            Receive(context.Message.MessageId);
                            await context.Publish(new DeliveryReceipt(context.Message.MessageId, DeliveryStatus.Sent, DateTimeOffset.UtcNow, null));
                        }
                    });
                }
                else
                {
                    // A prefetch's worth of messages handed on, then one DeliveryReceiptBatch for them.
                    e.PrefetchCount = 2 * DeliveryReceiptBatch.MaxReceipts;
                    e.Consumer<BulkReportingGateway>(c => c.Options<BatchOptions>(batch =>
                        batch.SetMessageLimit(DeliveryReceiptBatch.MaxReceipts).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(2)));
                }
            });
        });
        await gateway.StartAsync();
        return new StoppedOnDispose(gateway);
    }

    private sealed class StoppedOnDispose(IBusControl bus) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await bus.StopAsync();
    }

    private static async Task<Guid> CreateCampaignAsync(BenchSystem bench)
    {
        using var created = await bench.Http.PostAsJsonAsync("/api/campaigns", new
        {
            name = "bench", purpose = "marketing", channel = "sms", audience = new { all = true },
            body = "{{ contact.first_name }}, -20% on pedicure this week.",
            policies = new { respectSendWindow = false },
        });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the campaign failed: {body}");
        }
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Whether the launch's run has recorded every recipient (its resolution time is set then).</summary>
    private static async Task<bool> ResolvedAsync(string connectionString, Guid campaignId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM campaign_runs WHERE campaign_id = @id AND resolved_at IS NOT NULL)", connection);
        command.Parameters.AddWithValue("id", campaignId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>After the run: every recipient recorded once and released (ADR 24: released once confirmed).</summary>
    private static async Task<(long Recorded, long Released)> CountAsync(string connectionString, Guid campaignId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*), count(released_at) FROM campaign_messages WHERE campaign_id = @id
            """, connection);
        command.Parameters.AddWithValue("id", campaignId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The ids of the campaign's messages the stand-in gateway received (a copy delivered twice counts once).</summary>
    private static readonly HashSet<Guid> Received = [];

    private static int ReceivedCount()
    {
        lock (Received)
        {
            return Received.Count;
        }
    }

    internal static void Receive(Guid messageId)
    {
        lock (Received)
        {
            Received.Add(messageId);
        }
    }

    /// <summary>Messages per second of a bare publish loop (MassTransit, confirms on, 100 in flight) of the same type and size.</summary>
    private static async Task<double> CeilingAsync(Uri rabbit, int count)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(rabbit, h => h.PublisherConfirmation = true);
            // Routed as campaigns routes it, so the ceiling pays for the same exchange and queue.
            cfg.Message<DeliverMessage>(m => m.SetEntityName(DeliveryTopology.Exchange));
            cfg.Publish<DeliverMessage>(p => p.ExchangeType = DeliveryTopology.ExchangeType);
            cfg.Send<DeliverMessage>(s => s.UseRoutingKeyFormatter(context => context.Message.Channel));
        });
        await bus.StartAsync();
        try
        {
            var message = new DeliverMessage(Guid.NewGuid(), Guid.Empty, Guid.NewGuid(), "sms", "+48600000000", null,
                "Anna, -20% on pedicure this week.\n\nUnsubscribe: https://example.com/unsubscribe/" + new string('x', 120),
                new Uri("https://example.com/unsubscribe/x"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(14), "marketing");
            var clock = Stopwatch.StartNew();
            var inFlight = new List<Task>(100);
            for (var i = 0; i < count; i++)
            {
                inFlight.Add(bus.Publish(message with { MessageId = NewId.NextGuid() }));
                if (inFlight.Count == 100)
                {
                    await Task.WhenAll(inFlight);
                    inFlight.Clear();
                }
            }
            await Task.WhenAll(inFlight);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task SeedAsync(BenchSystem bench, int recipients)
    {
        const int step = 100_000;
        async Task RunAsync(string database, string sql)
        {
            await using var connection = new NpgsqlConnection(bench.System.Postgres.ConnectionString(database));
            await connection.OpenAsync();
            for (var from = 1; from <= recipients; from += step)
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1200 };
                command.Parameters.AddWithValue("from", from);
                command.Parameters.AddWithValue("to", Math.Min(recipients, from + step - 1));
                await command.ExecuteNonQueryAsync();
            }
            await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 1200 };
            await analyze.ExecuteNonQueryAsync();
        }
        // The same ids everywhere: md5 of the contact number, as a UUID.
        await RunAsync(ResourceNames.ContactsDb, """
            INSERT INTO contacts (id, first_name, last_name, emails, phones, email_keys, search_name, first_name_key, last_name_key,
                                  tags, interests, created_at, updated_at, version, demographics, source, important_dates, messengers, addresses)
            SELECT md5(i::text)::uuid, 'Anna', 'Bench' || i, ARRAY['anna' || i || '@example.com'], ARRAY['+4860' || lpad(i::text, 7, '0')],
                   ARRAY['anna' || i || '@example.com'], 'Anna Bench' || i, 'Anna', 'Bench' || i, '{}', '{}', now(), now(), 1, '{}', '{}', '[]', '[]', '[]'
            FROM generate_series(@from, @to) AS i
            """);
        await RunAsync(ResourceNames.SegmentationDb, """
            INSERT INTO contact_profiles (contact_id, first_name, last_name, created_at, order_count, total_spent, updated_at)
            SELECT md5(i::text)::uuid, 'Anna', 'Bench' || i, now(), 0, 0, now() FROM generate_series(@from, @to) AS i
            """);
        await RunAsync(ResourceNames.ConsentDb, """
            WITH granted AS (
                INSERT INTO consent_records (id, sequence, contact_id, purpose, channel, action, legal_basis, source, evidence_form_id, recorded_by, recorded_at, pending)
                SELECT gen_random_uuid(), nextval('consent_record_sequence'), md5(i::text)::uuid, 'marketing', 'sms', 'grant', 'consent', 'import', 'bench', 'bench', now() - interval '1 day', false
                FROM generate_series(@from, @to) AS i
                RETURNING contact_id, recorded_at)
            INSERT INTO consent_states (contact_id, purpose, channel, status, legal_basis, changed_at, version)
            SELECT contact_id, 'marketing', 'sms', 'granted', 'consent', recorded_at, 1 FROM granted
            """);
    }

    /// <summary>Peak resident memory (VmHWM) of a process, in kB.</summary>
    private static long HighWaterMarkKb(int? pid)
    {
        if (pid is null)
        {
            return 0;
        }
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The bench's stand-in SMS gateway in bulk mode: answers each batch of messages with one receipt batch.</summary>
public sealed class BulkReportingGateway : IConsumer<Batch<DeliverMessage>>
{
    public Task Consume(ConsumeContext<Batch<DeliverMessage>> context)
    {
        var now = DateTimeOffset.UtcNow;
        var messages = context.Message.Select(m => m.Message).Where(m => m.CampaignId != Guid.Empty).ToList(); // the ceiling loop's want no receipt
        messages.ForEach(m => CampaignLaunch.Receive(m.MessageId));
        var receipts = messages.Select(m => new DeliveryReceipt(m.MessageId, DeliveryStatus.Sent, now, null)).ToList();
        return receipts.Count == 0 ? Task.CompletedTask : context.Publish(new DeliveryReceiptBatch(receipts));
    }
}
