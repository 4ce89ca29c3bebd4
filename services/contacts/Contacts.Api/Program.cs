using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Extensions;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactsApi();

await app.RunServiceAsync<ContactsDbContext>(args);
