using CustomerBase.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CustomerBase.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ from <c>ConnectionStrings__eventbus</c>, with the outbox of <typeparamref name="TDbContext"/>
    /// and kebab-case queues prefixed by the service name (<c>segmentation-contact-created</c>).
    /// A consumer retries with back-off, then its message is parked in the queue's <c>_error</c> queue.
    /// Call before <c>AddServiceDatabase</c> so the outbox interceptor is in place. <paramref name="configureTopology"/>
    /// changes how particular message types are routed (exchange names and types, routing keys).
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDbContext>(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null,
        Action<IRabbitMqBusFactoryConfigurator>? configureTopology = null)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.EventBus)
            ?? throw new InvalidOperationException($"Connection string '{ResourceNames.EventBus}' is not configured (ConnectionStrings__{ResourceNames.EventBus}).");
        var broker = new Uri(connectionString);

        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddOptions<ConsumerRetryOptions>().BindConfiguration("ConsumerRetry");
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<IInterceptor, OutboxSignalInterceptor>();
        builder.Services.AddHostedService<OutboxDispatcher<TDbContext>>();
        builder.Services.AddOptions<MessageLogOptions>().BindConfiguration("MessageLog");
        builder.Services.AddSingleton<MessageLogCleaner<TDbContext>>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MessageLogCleaner<TDbContext>>());

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName + "-", includeNamespace: false));
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)broker.Port, VirtualHost(broker), host =>
                {
                    var (user, password) = Credentials(broker);
                    host.Username(user);
                    host.Password(password);
                    host.PublisherConfirmation = true;
                });
                var retry = context.GetRequiredService<IOptions<ConsumerRetryOptions>>().Value;
                rabbit.UseMessageRetry(r => r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.Delta));
                configureTopology?.Invoke(rabbit);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// The outbox publishes <typeparamref name="TMessage"/> as its stored JSON (ADR 27) instead of reading it back into
    /// the type: for large or numerous events whose exchange does not depend on their content.
    /// </summary>
    public static IHostApplicationBuilder PublishStoredJson<TMessage>(this IHostApplicationBuilder builder) where TMessage : class
    {
        builder.Services.Configure<OutboxOptions>(options => options.StoredJsonTypes.Add(typeof(TMessage)));
        return builder;
    }

    private static string VirtualHost(Uri broker)
    {
        var path = Uri.UnescapeDataString(broker.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }

    private static (string User, string Password) Credentials(Uri broker)
    {
        var parts = broker.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}

/// <summary>How often a failing consumer is retried, with exponential back-off, before its message goes to the error queue.</summary>
public sealed class ConsumerRetryOptions
{
    public int Limit { get; set; } = 5;
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan Delta { get; set; } = TimeSpan.FromMilliseconds(300);
}
