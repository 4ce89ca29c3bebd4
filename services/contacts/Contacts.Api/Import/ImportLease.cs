using Npgsql;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// PostgreSQL session-level advisory locks held on a connection of their own while an import runs, so that replicas
/// of the service can tell a live import from one a crash left behind (its lock is free once its connection died)
/// and only one bulk load at a time drops and rebuilds the contacts indexes.
/// </summary>
public sealed class ImportLease : IAsyncDisposable
{
    /// <summary>Any 64-bit constant of our own: advisory locks are shared by everything on the database.</summary>
    private const long BulkLoadKey = 0x436F_6E74_6163_7401; // "Contact" + 1

    private readonly NpgsqlConnection _connection;

    private ImportLease(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The job's lock, or null when another replica holds it (that replica is running the job).</summary>
    /// <param name="connect">Opens a new connection like the service's.</param>
    public static async Task<ImportLease?> TryTakeAsync(Func<NpgsqlConnection> connect, Guid jobId, CancellationToken ct)
    {
        var connection = connect();
        await connection.OpenAsync(ct);
        if (await TryLockAsync(connection, JobKey(jobId), ct))
        {
            return new ImportLease(connection);
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Whether this import may bulk-load: no other import (on any replica) is doing so.</summary>
    public Task<bool> TryTakeBulkLoadAsync(CancellationToken ct) => TryLockAsync(_connection, BulkLoadKey, ct);

    /// <summary>Closing the connection releases every lock it holds, also when the process dies.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static long JobKey(Guid jobId) => BitConverter.ToInt64(jobId.ToByteArray(), 8) ^ BulkLoadKey;

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, long key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", key);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
