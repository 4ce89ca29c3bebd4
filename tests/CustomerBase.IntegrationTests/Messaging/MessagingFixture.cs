using CustomerBase.Hosting;
using CustomerBase.Hosting.Servers;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerBase.IntegrationTests.Messaging;

/// <summary>
/// A PostgreSQL and a RabbitMQ of their own (so stopping this broker disturbs no other test) and a host running the
/// shared messaging library exactly as a service does: outbox dispatcher, inbox consumer, retry, error queue.
/// </summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    public const string ServiceName = "messaging-tests";
    private readonly TemporaryDataDirectory _data = new("messaging");

    public PostgresServer Postgres { get; private set; } = null!;
    public RabbitMqServer RabbitMq { get; private set; } = null!;
    public IHost Host { get; private set; } = null!;
    public ConsumeLog ConsumeLog { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Postgres = new PostgresServer(Path.Combine(_data.Path, "postgres"), PortAllocator.GetFreePort(), durable: false);
        RabbitMq = new RabbitMqServer(Path.Combine(_data.Path, "rabbitmq"), PortAllocator.GetFreePort(), PortAllocator.GetFreePort());
        await Task.WhenAll(Postgres.StartAsync(default), RabbitMq.StartAsync(default));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.EventBus}"] = RabbitMq.ConnectionString,
            ["ConnectionStrings:notesdb"] = Postgres.ConnectionString("notesdb"),
            // Short back-offs keep the retry-then-error-queue test quick; the behaviour is the same as in services.
            ["ConsumerRetry:Limit"] = "2",
            ["ConsumerRetry:MinInterval"] = "00:00:00.050",
            ["ConsumerRetry:MaxInterval"] = "00:00:00.200",
            ["ConsumerRetry:Delta"] = "00:00:00.050",
        });
        builder.AddMessaging<NotesDbContext>(ServiceName, bus =>
        {
            bus.AddConsumer<NoteAddedConsumer>();
            bus.AddConsumeObserver(_ => ConsumeLog);
        });
        builder.PublishStoredJson<NoteAdded>();
        builder.AddServiceDatabase<NotesDbContext>("notesdb");
        Host = builder.Build();

        await using (var scope = Host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NotesDbContext>().Database.EnsureCreatedAsync();
        }
        await Host.StartAsync();
        await Host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            Host.Dispose();
        }
        await Task.WhenAll(
            RabbitMq?.DisposeAsync().AsTask() ?? Task.CompletedTask,
            Postgres?.DisposeAsync().AsTask() ?? Task.CompletedTask);
        _data.Dispose();
    }
}
