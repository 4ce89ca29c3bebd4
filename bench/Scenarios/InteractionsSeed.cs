using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CustomerBase.Bench.Scenarios;

/// <summary>
/// Seeds contacts (in contacts' database, so its gRPC directory knows them) and orders (in interactions' database)
/// straight with SQL, for the scenarios that measure reads. Contact i has the id md5('bench-contact-' || i).
/// </summary>
public static class InteractionsSeed
{
    public static Guid ContactId(int i) =>
        Guid.ParseExact(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"bench-contact-{i}"))), "N");

    public static async Task SeedContactsAsync(string contactsDb, int contacts)
    {
        const string sql = """
            INSERT INTO contacts (id, first_name, last_name, emails, phones, email_keys, search_name, first_name_key, last_name_key,
                                  tags, interests, created_at, updated_at, version, demographics, source, important_dates, messengers, addresses)
            SELECT md5('bench-contact-' || i)::uuid, 'bench', 'contact' || i, '{}', '{}', '{}', 'bench contact' || i, 'bench', 'contact' || i,
                   '{}', '{}', now(), now(), 1, '{}', '{}', '[]', '[]', '[]'
            FROM generate_series(@from, @to) AS i
            ON CONFLICT DO NOTHING
            """;
        await InBatchesAsync(contactsDb, sql, contacts, 200_000);
    }

    /// <summary>Orders spread round-robin over contacts 1..<paramref name="contacts"/>, one to three lines in five categories, over ~3 years.</summary>
    public static async Task SeedOrdersAsync(string interactionsDb, int orders, int contacts)
    {
        var sql = $"""
            INSERT INTO interactions (id, contact_id, kind, occurred_at, recorded_at, channel, direction, status, payload)
            SELECT gen_random_uuid(), md5('bench-contact-' || (1 + i % {contacts}))::uuid, 'order',
                   timestamptz '2023-01-01' + (i::bigint * 7919 % 1000) * interval '1 day' + (i % 86400) * interval '1 second', now(), 'web', 'in', 'delivered',
                   jsonb_build_object('number', 'B-' || i, 'currency', 'EUR', 'total', (1 + i % 3) * (5 + i % 40), 'paymentStatus', 'paid',
                       'lines', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (i % 500), 'name', 'Product ' || (i % 500),
                           'category', (ARRAY['care', 'tea', 'coffee', 'gifts', 'books'])[1 + i % 5], 'quantity', 1 + i % 3, 'unitPrice', 5 + i % 40)))
            FROM generate_series(@from, @to) AS i
            """;
        await InBatchesAsync(interactionsDb, sql, orders, 250_000);
    }

    public static async Task InBatchesAsync(string connectionString, string sql, int count, int batch)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var from = 1; from <= count; from += batch)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1800 };
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", Math.Min(count, from + batch - 1));
            await command.ExecuteNonQueryAsync();
        }
    }

    public static async Task VacuumAnalyzeAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync();
    }

    public static double Quantile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];


    /// <summary>Resident memory of a process in MiB, from /proc (Linux).</summary>
    public static double ResidentMiB(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}

/// <summary>
/// CPU seconds (user + system) used by processes and all their descendants, from /proc (Linux). On a machine shared
/// with other work, CPU spent per row is a steadier measure than wall-clock rows/s.
/// </summary>
public static class ProcessCpu
{
    /// <summary>
    /// CPU seconds so far of every process under <paramref name="roots"/> (label → pid), by label; PostgreSQL's backends
    /// (root label "postgres") are told apart by database ("postgres interactionsdb"), its own processes are "postgres".
    /// Subtract two of these to see where a run spent its CPU; a process that ended in between is not counted.
    /// </summary>
    public static Dictionary<string, double> SecondsByLabel(IReadOnlyDictionary<string, int> roots)
    {
        var (parents, ticks) = ReadProcesses();
        var labels = roots.ToDictionary(r => r.Value, r => r.Key);
        var seconds = new Dictionary<string, double>();
        foreach (var (pid, t) in ticks)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (labels.TryGetValue(p, out var label))
                {
                    if (label == "postgres" && p != pid && BackendDatabase(pid) is { } database)
                    {
                        label = "postgres " + database;
                    }
                    seconds[label] = seconds.GetValueOrDefault(label) + t / 100.0;
                    break;
                }
            }
        }
        return seconds;
    }

    /// <summary>"postgres: user database host state" → database; null for PostgreSQL's own processes.</summary>
    private static string? BackendDatabase(int pid)
    {
        try
        {
            var words = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.Length >= 4 && words[0] == "postgres:" && words[2].EndsWith("db", StringComparison.Ordinal) ? words[2] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static double TreeSeconds(IEnumerable<int> roots)
    {
        var (parents, ticks) = ReadProcesses();
        var rootSet = roots.ToHashSet();
        long total = 0;
        foreach (var (pid, t) in ticks)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (rootSet.Contains(p))
                {
                    total += t;
                    break;
                }
            }
        }
        return total / 100.0; // USER_HZ
    }

    /// <summary>Every process's parent and CPU ticks (user + system, in USER_HZ), from /proc.</summary>
    private static (Dictionary<int, int> Parents, Dictionary<int, long> Ticks) ReadProcesses()
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command (which may contain spaces) in parentheses: state ppid … utime(14) stime(15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
                ticks[pid] = long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return (parents, ticks);
    }
}
