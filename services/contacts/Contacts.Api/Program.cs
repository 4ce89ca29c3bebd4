using CustomerBase.Contacts.Access;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Extensions;
using CustomerBase.Contacts.Grpc;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAccessBlocks();
app.MapContactsApi();
app.MapGrpcService<ContactsDirectoryService>();
app.MapGrpcService<PersonalDataService>();

await app.RunServiceAsync<ContactsDbContext>(args);
