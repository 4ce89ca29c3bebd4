using System.Security.Claims;

namespace CustomerBase.ServiceDefaults.Security;

/// <summary>
/// Whose contacts a user sees: a sales manager their own and their team's; every other role that may read contacts all
/// of them. Contacts applies the rule to its data; other services use <see cref="Key"/> to keep per-scope answers apart.
/// </summary>
public static class TeamScope
{
    private static readonly string[] SeeEveryone = [Roles.Administrator, Roles.HeadOfSales, Roles.Marketer, Roles.Support, Roles.Integration];

    public static bool IsRestrictedToTeam(ClaimsPrincipal user) =>
        user.IsInRole(Roles.SalesManager) && !SeeEveryone.Any(user.IsInRole);

    /// <summary>Whether the user sees a contact with this owner and team (a read model that keeps both applies the rule itself).</summary>
    public static bool CanSee(ClaimsPrincipal user, string? ownerId, string? team)
    {
        if (!IsRestrictedToTeam(user))
        {
            return true;
        }
        var userTeam = user.FindFirst(ClaimNames.Team)?.Value;
        return ownerId == user.FindFirst(ClaimNames.Subject)?.Value || (userTeam is not null && team == userTeam);
    }

    /// <summary>Users with the same key see the same contacts: "*" for everyone unrestricted, else the user and their team.</summary>
    public static string Key(ClaimsPrincipal user) => IsRestrictedToTeam(user)
        ? $"{user.FindFirst(ClaimNames.Subject)?.Value}|{user.FindFirst(ClaimNames.Team)?.Value}"
        : "*";
}
