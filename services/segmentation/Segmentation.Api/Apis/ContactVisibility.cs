using System.Security.Claims;
using CustomerBase.ServiceDefaults.Security;
using Npgsql;

namespace CustomerBase.Segmentation.Apis;

/// <summary>
/// The contacts rule (<see cref="TeamScope"/>) applied to the read model, which keeps each contact's owner and team:
/// a sales manager sees their own and their team's contacts in samples, member lists and contact-level answers.
/// </summary>
public static class ContactVisibility
{
    /// <summary>A SQL condition over <c>contact_profiles p</c>, with its parameters.</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) For(ClaimsPrincipal user)
    {
        if (!TeamScope.IsRestrictedToTeam(user))
        {
            return ("TRUE", []);
        }
        var subject = new NpgsqlParameter("visible_owner", user.FindFirst(ClaimNames.Subject)?.Value ?? "");
        return user.FindFirst(ClaimNames.Team)?.Value is { } team
            ? ("(p.owner_id = @visible_owner OR p.team = @visible_team)", [subject, new NpgsqlParameter("visible_team", team)])
            : ("p.owner_id = @visible_owner", [subject]);
    }
}
