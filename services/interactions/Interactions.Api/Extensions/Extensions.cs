using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Interactions.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<InteractionsDbContext>(ResourceNames.Interactions, bus => bus.AddConsumer<IntegrationEvents.ErasureRequestedConsumer>());
        builder.Services.AddGrpc();
        builder.AddServiceDatabase<InteractionsDbContext>(ResourceNames.InteractionsDb);
        builder.Services.AddServiceGrpcClient<ContactsDirectory.ContactsDirectoryClient>(ResourceNames.Contacts);
        builder.Services.AddScoped<ContactChecker>();
        return builder;
    }
}
