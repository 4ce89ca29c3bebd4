using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.AppHost;

/// <summary><c>./run.sh token marketer</c>: a development token for a built-in role, valid 12 hours, for curl and API tools.</summary>
public static class TokenCommand
{
    public static int Print(string dataDirectory, string role, string? team)
    {
        if (!Roles.All.Contains(role))
        {
            Console.Error.WriteLine($"error: unknown role '{role}'; roles: {string.Join(", ", Roles.All)}");
            return 2;
        }
        Console.WriteLine(new DevelopmentIssuer(dataDirectory).CreateTokenForRole(role, team));
        return 0;
    }
}
