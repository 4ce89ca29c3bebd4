using System.Security.Claims;
using System.Security.Cryptography;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerBase.Hosting;

/// <summary>
/// The token issuer of local runs and tests: an HMAC key kept in the data folder, shared with the gateway and the
/// services through <c>Authentication__Jwt__*</c>. Production replaces it with the company's identity provider.
/// </summary>
public sealed class DevelopmentIssuer
{
    public const string Issuer = "https://customerbase.local/dev-issuer";
    public const string Audience = "customerbase-api";
    private readonly SymmetricSecurityKey _key;

    public DevelopmentIssuer(string dataDirectory)
    {
        var keyFile = Path.Combine(dataDirectory, "dev-issuer.key");
        if (!File.Exists(keyFile))
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        SigningKey = File.ReadAllText(keyFile).Trim();
        _key = new SymmetricSecurityKey(Convert.FromBase64String(SigningKey));
    }

    public string SigningKey { get; }

    /// <summary>The variables that make a service or the gateway accept this issuer's tokens.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Authentication__Jwt__Issuer"] = Issuer,
        ["Authentication__Jwt__Audience"] = Audience,
        ["Authentication__Jwt__SigningKey"] = SigningKey,
    };

    /// <summary>
    /// The token a developer asks for by role (<c>./run.sh token</c>, the dashboard): a person in that role, or for
    /// <see cref="Roles.Integration"/> a service account with every permission as its scopes.
    /// </summary>
    public string CreateTokenForRole(string role, string? team = null) =>
        CreateToken(role, team: team, scopes: role == Roles.Integration ? Permissions.All : null);

    /// <summary>A token for a person in <paramref name="role"/>, or for a service account (role integration) with scopes.</summary>
    public string CreateToken(string role, string? subject = null, string? team = null, IEnumerable<string>? scopes = null,
        TimeSpan? lifetime = null, DateTime? notBefore = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimNames.Subject, subject ?? $"dev-{role}"),
            new(ClaimNames.Role, role),
        };
        if (team is not null)
        {
            claims.Add(new Claim(ClaimNames.Team, team));
        }
        if (scopes is not null)
        {
            claims.Add(new Claim(ClaimNames.Scope, string.Join(' ', scopes)));
        }
        var start = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = start,
            IssuedAt = start,
            Expires = start + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }
}
