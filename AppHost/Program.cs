using System.Runtime.InteropServices;
using CustomerBase.AppHost;
using CustomerBase.Dashboard;
using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;

// Ctrl-C, SIGTERM and SIGHUP all mean: stop everything cleanly and leave no process behind.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var arguments = AppHostArguments.Parse(args);
if (arguments.TokenRole is { } role)
{
    return TokenCommand.Print(arguments.Options.ResolvedDataDirectory, role, arguments.Team);
}
if (arguments.Fresh)
{
    DataFolder.Wipe(arguments.Options.ResolvedDataDirectory);
}

Console.WriteLine($"Starting CustomerBase ({arguments.Options.Configuration} build, data in {arguments.Options.ResolvedDataDirectory}) …");
DashboardServer? dashboard = null;
CustomerBaseSystem system;
try
{
    // First the dashboard, so the services can send it their telemetry from their first line on.
    dashboard = await DashboardServer.StartAsync(arguments.Dashboard, stop.Token);
    Console.WriteLine($"  Dashboard: {dashboard.LoginUrl}");
    system = await CustomerBaseSystem.StartAsync(dashboard.SendTelemetryHere(arguments.Options), stop.Token, dashboard.Show);
}
catch (Exception ex) when (ex is ResourceStartException or OperationCanceledException)
{
    await (dashboard?.DisposeAsync() ?? ValueTask.CompletedTask);
    Console.Error.WriteLine(ex is ResourceStartException ? $"error: {ex.Message}" : "Start-up cancelled; everything started has been stopped.");
    return ex is ResourceStartException ? 1 : 130;
}

await using (dashboard)
await using (system)
{
    ResourceTable.Print(system, dashboard, Console.Out);
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    Console.WriteLine("Stopping …");
}
Console.WriteLine("Stopped.");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
