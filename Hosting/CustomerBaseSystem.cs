using System.Diagnostics;
using CustomerBase.Hosting.Servers;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Hosting;

/// <summary>
/// The whole system as local processes, like Aspire's DistributedApplication: PostgreSQL, Redis and RabbitMQ,
/// then each service's migrations, then the services, then the gateway, each waited for until healthy.
/// The AppHost program, the test fixtures and the benchmarks all start it through here.
/// </summary>
public sealed class CustomerBaseSystem : IAsyncDisposable
{
    private readonly SystemOptions _options;
    private readonly List<ServiceProcess> _services = [];

    private CustomerBaseSystem(SystemOptions options, PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, MailDevServer mailDev)
    {
        MailDev = mailDev;
        _options = options;
        Issuer = new DevelopmentIssuer(options.ResolvedDataDirectory);
        Secrets = new DevelopmentSecrets(options.ResolvedDataDirectory);
        Postgres = postgres;
        Redis = redis;
        RabbitMq = rabbitMq;
    }

    /// <summary>Issues the tokens the gateway and services accept in this run.</summary>
    public DevelopmentIssuer Issuer { get; }
    public DevelopmentSecrets Secrets { get; }

    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }
    public RabbitMqServer RabbitMq { get; }

    /// <summary>The SMTP server campaigns' e-mail adapter sends to, with its web UI (MailDev).</summary>
    public MailDevServer MailDev { get; }
    public IReadOnlyList<ServiceProcess> Services => _services;
    public ServiceProcess Gateway => _services.Single(s => s.Name == ResourceNames.Gateway);
    public Uri GatewayUrl => Gateway.HttpUrl;
    public TimeSpan StartupTime { get; private set; }
    public string LogDirectory => Path.Combine(_options.ResolvedDataDirectory, "logs");

    public ServiceProcess Service(string name) => _services.Single(s => s.Name == name);

    /// <summary>Everything that runs, servers first, for a table or a dashboard.</summary>
    public IReadOnlyList<IResource> Resources => [Postgres, Redis, RabbitMq, MailDev, .. _services];

    /// <summary>Creates and starts the whole system; on failure, stops whatever had started and throws.</summary>
    /// <param name="created">
    /// Called once every resource is known (ports chosen) and before anything starts, so that a dashboard can show
    /// the start-up as it happens.
    /// </param>
    public static async Task<CustomerBaseSystem> StartAsync(SystemOptions options, CancellationToken ct = default,
        Action<CustomerBaseSystem>? created = null)
    {
        var system = Create(options);
        try
        {
            created?.Invoke(system);
            await system.StartAllAsync(ct);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private static CustomerBaseSystem Create(SystemOptions options)
    {
        var data = options.ResolvedDataDirectory;
        Directory.CreateDirectory(Path.Combine(data, "logs"));
        var system = new CustomerBaseSystem(
            options,
            new PostgresServer(Path.Combine(data, "postgres"), Port(options.PostgresPort), options.Durable),
            new RedisServer(Path.Combine(data, "redis"), Port(options.RedisPort)),
            new RabbitMqServer(Path.Combine(data, "rabbitmq"), Port(options.RabbitMqPort), Port(options.RabbitMqManagementPort)),
            new MailDevServer(Path.Combine(data, "maildev"), PortAllocator.GetFreePort(), PortAllocator.GetFreePort(), Path.Combine(options.RepositoryRoot, "tools", "maildev")));
        system.CreateServices();
        return system;
    }

    private static int Port(int configured) => configured == 0 ? PortAllocator.GetFreePort() : configured;

    private void CreateServices()
    {
        var endpoints = ServiceCatalog.Services.ToDictionary(s => s.Name, s => new
        {
            Http = new Uri($"http://127.0.0.1:{PortAllocator.GetFreePort()}"),
            Grpc = s.HasGrpc ? new Uri($"http://127.0.0.1:{PortAllocator.GetFreePort()}") : null,
        });
        var gatewayPort = _options.GatewayPort == 0 ? PortAllocator.GetFreePort() : _options.GatewayPort;
        var gatewayUrl = new Uri($"http://localhost:{gatewayPort}");
        foreach (var definition in ServiceCatalog.Services)
        {
            var urls = endpoints[definition.Name];
            // Services also learn the gateway's public address (campaigns puts it in unsubscribe links).
            var discoverable = endpoints.ToDictionary(e => e.Key, e => (e.Value.Http, e.Value.Grpc));
            discoverable[ResourceNames.Gateway] = (gatewayUrl, null);
            _services.Add(CreateService(definition, urls.Http, urls.Grpc, discoverable));
        }
        _services.Add(CreateService(ServiceCatalog.Gateway, gatewayUrl, null,
            endpoints.ToDictionary(e => e.Key, e => (e.Value.Http, e.Value.Grpc))));
    }

    /// <summary>Starts the servers, applies migrations, then starts the services and last the gateway, each waited for until healthy.</summary>
    private async Task StartAllAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var report = _options.Report;
        if (_options.GatewayPort != 0)
        {
            // The one fixed port of ours: say it is taken before spending seconds on everything else.
            PortAllocator.EnsureFree(_options.GatewayPort, ResourceNames.Gateway);
        }
        // The three servers start in parallel; migrations need only PostgreSQL, so they run while RabbitMQ boots (6–9 s).
        var postgres = StartServerAsync(Postgres, ct);
        var redis = StartServerAsync(Redis, ct);
        var rabbitMq = StartServerAsync(RabbitMq, ct);
        var mailDev = StartServerAsync(MailDev, ct);
        var gateway = Gateway;
        var services = _services.Where(s => s != gateway).ToList();

        await postgres;
        await Task.WhenAll(services.Select(s => s.MigrateAsync(ct)));
        report("migrations applied");
        await Task.WhenAll(redis, rabbitMq, mailDev);

        await Task.WhenAll(services.Select(async s =>
        {
            await s.StartAsync(ct);
            report($"{s.Name} is healthy at {s.HttpUrl}");
        }));
        await gateway.StartAsync(ct);
        report($"gateway is healthy at {gateway.HttpUrl}");
        StartupTime = clock.Elapsed;
    }

    private async Task StartServerAsync(LocalServer server, CancellationToken ct)
    {
        await server.StartAsync(ct);
        _options.Report($"{server.Name} is ready at {string.Join(", ", server.Urls)}");
    }

    private ServiceProcess CreateService(ServiceDefinition definition, Uri http, Uri? grpc, IReadOnlyDictionary<string, (Uri Http, Uri? Grpc)> all)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = _options.Environment,
            ["DOTNET_ENVIRONMENT"] = _options.Environment,
            ["OTEL_SERVICE_NAME"] = definition.Name,
            [$"Kestrel__Endpoints__{ResourceNames.HttpEndpoint}__Url"] = http.ToString(),
            [$"ConnectionStrings__{ResourceNames.EventBus}"] = RabbitMq.ConnectionString,
            [$"ConnectionStrings__{ResourceNames.Redis}"] = Redis.ConnectionString,
        };
        if (grpc is not null)
        {
            env[$"Kestrel__Endpoints__{ResourceNames.GrpcEndpoint}__Url"] = grpc.ToString();
            env[$"Kestrel__Endpoints__{ResourceNames.GrpcEndpoint}__Protocols"] = "Http2";
        }
        if (definition.Database is { } database)
        {
            env[$"ConnectionStrings__{database}"] = Postgres.ConnectionString(database);
        }
        // Every service may discover every other one, as Aspire's WithReference would give it.
        foreach (var (name, urls) in all)
        {
            env[$"services__{name}__{ResourceNames.HttpEndpoint}__0"] = urls.Http.ToString().TrimEnd('/');
            if (urls.Grpc is not null)
            {
                env[$"services__{name}__{ResourceNames.GrpcEndpoint}__0"] = urls.Grpc.ToString().TrimEnd('/');
            }
        }
        foreach (var (key, value) in Issuer.Environment.Concat(Secrets.Environment).Concat(MailDev.Environment))
        {
            env[key] = value;
        }
        if (_options.OtlpEndpoint is { } otlp)
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            if (_options.OtlpHeaders is { } headers)
            {
                env["OTEL_EXPORTER_OTLP_HEADERS"] = headers;
            }
            // A developer watching a dashboard wants spans and logs within a second and charts every few seconds,
            // not the defaults (5 s batches, metrics once a minute), as Aspire sets them too.
            env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            env["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
        }
        foreach (var (key, value) in _options.ExtraEnvironment)
        {
            env[key] = value;
        }

        return new ServiceProcess(
            new ServiceSpec(definition.Name, definition.AssemblyPath(_options.RepositoryRoot, _options.Configuration), _options.Configuration,
                http, grpc, definition.Database is not null, env, LogDirectory, _options.ServiceStartTimeout),
            _options.Report);
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order: the gateway and services first, so nothing talks to a server that is going away.
        var gateway = _services.FirstOrDefault(s => s.Name == ResourceNames.Gateway);
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }
        await Task.WhenAll(_services.Where(s => s != gateway).Select(s => s.DisposeAsync().AsTask()));
        await Task.WhenAll(Postgres.DisposeAsync().AsTask(), Redis.DisposeAsync().AsTask(), RabbitMq.DisposeAsync().AsTask(), MailDev.DisposeAsync().AsTask());
    }
}
