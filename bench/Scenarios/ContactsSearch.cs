using System.Diagnostics;
using System.Net;
using CustomerBase.ServiceDefaults;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// Search over a large base through the gateway: name prefix, fuzzy name, e-mail and phone look-ups, one request at
/// a time, p50/p95/p99 per kind (target p95 &lt; 20 ms at 1,000,000 contacts). The base is seeded straight into the
/// contacts database with SQL (the import is measured by its own scenario). Options: --contacts N (1000000), --queries Q (300),
/// --warmup W (200): requests per kind before the measured ones, so that they measure a running service (its code
/// compiled at its final tier, its pooled connections past their first statement) rather than one starting.
/// </summary>
public static class ContactsSearch
{
    private static readonly string[] FirstNames = ["anna", "olga", "maria", "irina", "elena", "piotr", "jan", "adam", "ivan", "oleg", "marta", "ewa", "john", "mary", "lena", "sergey", "pavel", "tomasz", "kasia", "nina"];
    private static readonly string[] Syllables = ["ko", "wal", "ski", "no", "vak", "smir", "nov", "pet", "rov", "ma", "zur", "lew", "and", "ers", "son", "gra", "bow", "czyk", "ten", "berg"];

    public static async Task<int> RunAsync(string[] args)
    {
        var contacts = BenchOptions.Option(args, "--contacts", 1_000_000);
        var queries = BenchOptions.Option(args, "--queries", 300);
        var warmup = BenchOptions.Option(args, "--warmup", 200);
        await using var bench = await BenchSystem.StartAsync();

        var seeding = Stopwatch.StartNew();
        await SeedAsync(bench.System.Postgres.ConnectionString(ResourceNames.ContactsDb), contacts);
        Console.WriteLine($"Seeded {contacts:N0} contacts in {seeding.Elapsed.TotalSeconds:0.0} s (with every index in place).");

        var random = new Random(42);
        (string Kind, Func<int, string> Query)[] kinds =
        [
            ("name prefix", i => $"q={LastName(i)[..4]}"),
            ("first + last prefix", i => $"q={FirstNames[i % FirstNames.Length]}%20{LastName(i)[..3]}"),
            ("fuzzy name", i => $"q={Typo(LastName(i))}&fuzzy=true"),
            ("e-mail", i => $"email={Email(i)}"),
            ("phone, other form", i => $"phone={Uri.EscapeDataString(PhoneWritten(i))}"),
        ];

        Console.WriteLine();
        Console.WriteLine($"contacts-search over {contacts:N0} contacts, {queries} sequential requests per kind through the gateway (limit 50), after {warmup} not measured");
        Console.WriteLine($"| {"kind",-20} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"hits/query",10} |");
        Console.WriteLine($"|{new string('-', 22)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 12)}|");
        foreach (var (kind, query) in kinds)
        {
            var latencies = new List<double>();
            long hits = 0;
            for (var q = 0; q < queries + warmup; q++)
            {
                var i = random.Next(1, contacts + 1);
                var clock = Stopwatch.StartNew();
                using var response = await bench.Http.GetAsync($"/api/contacts?{query(i)}&limit=50");
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{kind}: {(int)response.StatusCode} {body}");
                }
                if (q >= warmup)
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    hits += CountItems(body);
                }
            }
            latencies.Sort();
            Console.WriteLine($"| {kind,-20} | {Quantile(latencies, 0.50),7:0.00} | {Quantile(latencies, 0.95),7:0.00} | {Quantile(latencies, 0.99),7:0.00} | {hits / (double)queries,10:0.0} |");
        }
        Console.WriteLine();
        Console.WriteLine("target: p95 < 20 ms for name prefix, e-mail and phone");
        return 0;
    }

    private static string LastName(int i) =>
        Syllables[i % 20] + Syllables[(i / 20) % 20] + Syllables[(i / 400) % 20] + Syllables[(i / 8000) % 20];

    private static string Email(int i) => $"{FirstNames[i % FirstNames.Length]}.{LastName(i)}{i}@example.com";

    private static string PhoneWritten(int i) => $"+48 (60) {i / 10000 % 1000:000}-{i % 10000:0000}";

    private static string Typo(string name) => name.Length > 5 ? name.Remove(name.Length / 2, 1) : name;

    private static async Task SeedAsync(string connectionString, int contacts)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Phones and e-mails are unique per row; names repeat as in life (20 first names × 160,000 surnames).
        const string sql = """
            INSERT INTO contacts (id, first_name, last_name, emails, phones, email_keys, search_name, first_name_key, last_name_key,
                                  tags, interests, created_at, updated_at, version, demographics, source, important_dates, messengers, addresses)
            SELECT v7.id, fn, ln, ARRAY[email], ARRAY[phone], ARRAY[email], fn || ' ' || ln, fn, ln, '{}', '{}',
                   v7.created, v7.created, 1, '{}', '{}', '[]', '[]', '[]'
            FROM (
                SELECT i,
                       (@first)[1 + i % 20] AS fn,
                       (@syl)[1 + i % 20] || (@syl)[1 + (i / 20) % 20] || (@syl)[1 + (i / 400) % 20] || (@syl)[1 + (i / 8000) % 20] AS ln,
                       '+4860' || lpad((i / 10000 % 1000)::text, 3, '0') || lpad((i % 10000)::text, 4, '0') AS phone
                FROM generate_series(@from, @to) AS i
            ) AS s,
            -- The ids the service draws (UUIDv7: creation time in milliseconds, then random bits), one contact a
            -- millisecond since 2026-01-01, so id order is creation order as in a real base (and the table's order too).
            LATERAL (SELECT encode(set_byte(overlay(r.b PLACING substring(int8send(@epoch + s.i) FROM 3) FROM 1 FOR 6), 6, get_byte(r.b, 6) + 48), 'hex')::uuid AS id,
                            to_timestamp((@epoch + s.i) / 1000.0) AS created
                     FROM (SELECT uuid_send(gen_random_uuid()) AS b WHERE s.i IS NOT NULL) AS r) AS v7,
            LATERAL (SELECT s.fn || '.' || s.ln || s.i || '@example.com' AS email) AS e
            """;
        const int batch = 100_000;
        for (var from = 1; from <= contacts; from += batch)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            command.Parameters.AddWithValue("first", FirstNames);
            command.Parameters.AddWithValue("syl", Syllables);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", Math.Min(contacts, from + batch - 1));
            command.Parameters.AddWithValue("epoch", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync();
        }
        // As a base in steady state: GIN pending lists merged, statistics current.
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE contacts", connection) { CommandTimeout = 600 };
        await analyze.ExecuteNonQueryAsync();
    }

    private static int CountItems(string body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();

    private static double Quantile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

}
