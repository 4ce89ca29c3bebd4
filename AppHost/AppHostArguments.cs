using CustomerBase.Dashboard;
using CustomerBase.Hosting;

namespace CustomerBase.AppHost;

/// <summary>
/// The AppHost's command line: <c>--fresh</c> wipes <c>.data/</c> first; <c>token ROLE [--team T]</c> prints a development
/// token and exits. Ports are the developer defaults below; the dashboard's is <see cref="DashboardOptions.DefaultPort"/>.
/// </summary>
public sealed record AppHostArguments(bool Fresh, string? TokenRole, string? Team, SystemOptions Options, DashboardOptions Dashboard)
{
    public const int GatewayPort = 5000;
    public const int PostgresPort = 15432;
    public const int RedisPort = 16379;
    public const int RabbitMqPort = 15673;
    public const int RabbitMqManagementPort = 15672;

    public static AppHostArguments Parse(string[] args)
    {
        var fresh = args.Contains("--fresh");
        var tokenRole = args.Length >= 2 && args[0] == "token" ? args[1] : null;
        var teamIndex = Array.IndexOf(args, "--team");
        var team = teamIndex >= 0 && teamIndex + 1 < args.Length ? args[teamIndex + 1] : null;
        var options = new SystemOptions
        {
            GatewayPort = GatewayPort,
            PostgresPort = PostgresPort,
            RedisPort = RedisPort,
            RabbitMqPort = RabbitMqPort,
            RabbitMqManagementPort = RabbitMqManagementPort,
            Report = line => Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {line}"),
        };
        return new AppHostArguments(fresh, tokenRole, team, options, new DashboardOptions());
    }
}

public static class DataFolder
{
    /// <summary>Removes the data of a previous run. The servers must not be running on it.</summary>
    public static void Wipe(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            Console.WriteLine($"Wiped {path}");
        }
    }
}
