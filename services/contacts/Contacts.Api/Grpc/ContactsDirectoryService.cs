using System.Globalization;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using CallWindowMessage = CustomerBase.Contacts.Contracts.Grpc.CallWindow;

namespace CustomerBase.Contacts.Grpc;

/// <summary>Batch look-ups for other services, with the caller's visibility applied (the token travels with the call).</summary>
[Authorize(Policy = Permissions.ContactsRead)]
public sealed class ContactsDirectoryService(ContactsDbContext db) : ContactsDirectory.ContactsDirectoryBase
{
    public const int MaxBatch = 1000;

    public override async Task<GetContactsReply> GetContacts(GetContactsRequest request, ServerCallContext context)
    {
        var ids = GrpcArguments.ParseIds(request.Ids, "ids", MaxBatch);

        var user = context.GetHttpContext().User;
        // Only the columns a directory entry carries: a launch asks for every recipient's card, and reading whole
        // contacts decoded each one's demographics, addresses, dates and custom fields (JSON) only to drop them.
        var found = await db.Contacts.AsNoTracking().VisibleTo(user).Where(c => ids.Contains(c.Id))
            .Select(c => new DirectoryRow(c.Id, c.FirstName, c.MiddleName, c.LastName, c.PreferredChannel, c.TimeZone, c.BirthDate, c.Language,
                c.Emails, c.Phones, c.Tags, c.Messengers, c.CallWindow))
            .ToListAsync(context.CancellationToken);

        var reply = new GetContactsReply();
        reply.Contacts.AddRange(found.Select(ToMessage));
        var foundIds = found.Select(c => c.Id).ToHashSet();
        reply.MissingIds.AddRange(ids.Distinct().Where(id => !foundIds.Contains(id)).Select(id => id.ToString()));
        return reply;
    }

    private sealed record DirectoryRow(Guid Id, string? FirstName, string? MiddleName, string? LastName, string? PreferredChannel,
        string? TimeZone, DateOnly? BirthDate, string? Language, List<string> Emails, List<string> Phones, List<string> Tags,
        List<MessengerHandle> Messengers, Model.CallWindow? CallWindow);

    private static DirectoryContact ToMessage(DirectoryRow c)
    {
        var message = new DirectoryContact
        {
            Id = c.Id.ToString(),
            FirstName = c.FirstName ?? "",
            MiddleName = c.MiddleName ?? "",
            LastName = c.LastName ?? "",
            PreferredChannel = c.PreferredChannel ?? "",
            TimeZone = c.TimeZone ?? "",
            BirthDate = c.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            Language = c.Language ?? "",
        };
        message.Emails.AddRange(c.Emails);
        message.Phones.AddRange(c.Phones);
        message.Tags.AddRange(c.Tags);
        message.Messengers.AddRange(c.Messengers.Select(m => new Messenger { Kind = m.Kind, Handle = m.Handle }));
        if (c.CallWindow is { } window)
        {
            message.CallWindow = new CallWindowMessage
            {
                From = window.From.ToString("HH:mm", CultureInfo.InvariantCulture),
                To = window.To.ToString("HH:mm", CultureInfo.InvariantCulture),
            };
            message.CallWindow.Days.AddRange(window.Days.Select(ContactCardMapper.DayName));
        }
        return message;
    }
}
