namespace CustomerBase.Dashboard.Resources;

/// <summary>Runs <see cref="TickAsync"/> at once and then every interval until disposed, for the dashboard's background probes.</summary>
public abstract class PeriodicLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Called by the subclass once its fields are set.</summary>
    protected void Start(TimeSpan interval) => _loop = Task.Run(() => LoopAsync(interval, _stop.Token));

    /// <summary>One round of work; it must handle its own failures (a throw other than for the stop ends the loop).</summary>
    protected abstract Task TickAsync(CancellationToken ct);

    private async Task LoopAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await TickAsync(ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
