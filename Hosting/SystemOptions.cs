using System.Reflection;

namespace CustomerBase.Hosting;

/// <summary>How to start the whole system: where, on which ports, with which build.</summary>
public sealed record SystemOptions
{
    public string RepositoryRoot { get; init; } = RepositoryLocator.Find();

    /// <summary>Data of PostgreSQL, Redis and RabbitMQ, and every log. Default: <c>.data/</c> in the repository.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The build whose assemblies are started; defaults to the configuration this library was built in.</summary>
    public string Configuration { get; init; } = BuildConfiguration;

    /// <summary>0 picks a free port (tests); the AppHost uses 5000.</summary>
    public int GatewayPort { get; init; }
    public int PostgresPort { get; init; }
    public int RedisPort { get; init; }
    public int RabbitMqPort { get; init; }
    public int RabbitMqManagementPort { get; init; }

    /// <summary>False trades crash safety for speed (fsync off): right for throwaway test data only.</summary>
    public bool Durable { get; init; } = true;

    public string Environment { get; init; } = "Development";
    /// <summary>Where every service sends its logs, traces and metrics (OTLP/HTTP protobuf), e.g. the dashboard; none when null.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>Headers the services send with their telemetry (<c>OTEL_EXPORTER_OTLP_HEADERS</c> form: <c>name=value,…</c>).</summary>
    public string? OtlpHeaders { get; init; }
    public TimeSpan ServiceStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Variables added to every service (e.g. log levels for a benchmark).</summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Where progress and incidents (a crashed service) are reported, one line each.</summary>
    public Action<string> Report { get; init; } = _ => { };

    public string ResolvedDataDirectory => DataDirectory ?? Path.Combine(RepositoryRoot, ".data");

    public static string BuildConfiguration =>
        typeof(SystemOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}

public static class RepositoryLocator
{
    public const string SolutionFile = "CustomerBase.sln";

    /// <summary>The folder holding CustomerBase.sln, searched upwards from the running assembly and the working directory.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException($"{SolutionFile} not found above {AppContext.BaseDirectory}; run from the repository.");
    }
}
