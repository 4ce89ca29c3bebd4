using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.IntegrationEvents;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerBase.Interactions.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Reads of a person's timeline, interactions and preferences go to consent's audit trail.
        builder.Services.AddPersonalDataAccessLog<InteractionsDbContext>(ResourceNames.Interactions);
        builder.AddMessaging<InteractionsDbContext>(ResourceNames.Interactions, bus =>
        {
            bus.AddConsumer<ContactMergedConsumer>();
            bus.AddConsumer<ContactDeletedConsumer>();
            bus.AddConsumer<IntegrationEvents.ErasureRequestedConsumer>();
        });
        // Imports write 500 orders per event: published as written, never read back into objects (ADR 27).
        builder.PublishStoredJson<OrdersImported>();
        builder.AddServiceDatabase<InteractionsDbContext>(ResourceNames.InteractionsDb);
        builder.Services.AddServiceGrpcClient<ContactsDirectory.ContactsDirectoryClient>(ResourceNames.Contacts);
        builder.Services.AddScoped<ContactChecker>();
        builder.Services.AddGrpc();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddOptions<TaskSchedulerOptions>().BindConfiguration("TaskScheduler");
        builder.Services.AddSingleton<TaskDueScheduler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskDueScheduler>());

        builder.Services.AddOptions<ImportOptions>().BindConfiguration("Import");
        builder.Services.AddSingleton<ImportRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ImportRunner>());
        return builder;
    }
}
