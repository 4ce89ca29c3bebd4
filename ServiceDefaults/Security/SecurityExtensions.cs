using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace CustomerBase.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// JWT bearer authentication from <see cref="JwtOptions"/> and one authorization policy per permission.
    /// Every service validates the token itself: none trusts a header it cannot verify, not even from the gateway.
    /// </summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(this IHostApplicationBuilder builder)
    {
        var jwt = builder.Configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        if (!jwt.IsValid)
        {
            throw new InvalidOperationException(
                $"Authentication is not configured: set {JwtOptions.Section}:Issuer, :Audience and :Authority (or :SigningKey for development).");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CachingTokenHandler { MapInboundClaims = false });
                options.Authority = string.IsNullOrEmpty(jwt.Authority) ? null : jwt.Authority;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = string.IsNullOrEmpty(jwt.SigningKey) ? null : new SymmetricSecurityKey(Convert.FromBase64String(jwt.SigningKey)),
                    NameClaimType = ClaimNames.Subject,
                    RoleClaimType = ClaimNames.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var permission in Permissions.All)
        {
            authorization.AddPolicy(permission, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasPermission(permission)));
        }
        return builder;
    }

    /// <summary>A user has a permission through one of its roles; a service account only through its scopes.</summary>
    public static bool HasPermission(this ClaimsPrincipal user, string permission)
    {
        foreach (var role in user.FindAll(ClaimNames.Role))
        {
            if (RolePermissions.Grants(role.Value, permission))
            {
                return true;
            }
        }
        return user.IsInRole(Roles.Integration)
            && user.FindAll(ClaimNames.Scope).Any(s => s.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(permission));
    }
}
