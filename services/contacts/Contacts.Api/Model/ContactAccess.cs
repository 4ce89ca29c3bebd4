using System.Security.Claims;
using CustomerBase.ServiceDefaults.Security;

using CustomerBase.Contacts.Apis;

namespace CustomerBase.Contacts.Model;

/// <summary>
/// Who sees which contacts. A sales manager sees their own contacts and their team's; every other role that may
/// read contacts sees all of them. A contact outside a user's reach does not exist for them (404, and absent from lists).
/// </summary>
public static class ContactAccess
{
    public static bool IsRestrictedToTeam(ClaimsPrincipal user) => TeamScope.IsRestrictedToTeam(user);

    public static IQueryable<Contact> VisibleTo(this IQueryable<Contact> contacts, ClaimsPrincipal user)
    {
        if (!IsRestrictedToTeam(user))
        {
            return contacts;
        }
        var subject = user.FindFirst(ClaimNames.Subject)?.Value ?? "";
        var team = user.FindFirst(ClaimNames.Team)?.Value;
        return team is null
            ? contacts.Where(c => c.OwnerId == subject)
            : contacts.Where(c => c.OwnerId == subject || c.Team == team);
    }

    /// <summary>The same rule as <see cref="VisibleTo"/>, for a card already in hand (from the cache).</summary>
    public static bool CanSee(ClaimsPrincipal user, string? ownerId, string? team) => TeamScope.CanSee(user, ownerId, team);

    /// <summary>A sales manager's new contact is theirs and their team's, whatever the card says.</summary>
    public static ContactCard AssignOwnership(ContactCard card, ClaimsPrincipal user) => IsRestrictedToTeam(user)
        ? card with { OwnerId = user.FindFirst(ClaimNames.Subject)?.Value, Team = user.FindFirst(ClaimNames.Team)?.Value }
        : card;
}
