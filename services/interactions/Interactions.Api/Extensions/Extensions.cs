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
        builder.AddMessaging<InteractionsDbContext>(ResourceNames.Interactions);
        builder.AddServiceDatabase<InteractionsDbContext>(ResourceNames.InteractionsDb);
        builder.Services.AddServiceGrpcClient<ContactsDirectory.ContactsDirectoryClient>(ResourceNames.Contacts);
        builder.Services.AddScoped<ContactChecker>();
        return builder;
    }
}
