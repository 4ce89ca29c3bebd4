using System.Runtime.InteropServices;
using CustomerBase.AppHost;
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
CustomerBaseSystem system;
try
{
    system = await CustomerBaseSystem.StartAsync(arguments.Options, stop.Token);
}
catch (ResourceStartException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Start-up cancelled; everything started has been stopped.");
    return 130;
}

await using (system)
{
    ResourceTable.Print(system, Console.Out);
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
