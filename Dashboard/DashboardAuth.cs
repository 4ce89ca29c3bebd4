using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CustomerBase.Dashboard;

/// <summary>
/// As Aspire's dashboard: a random token printed at start-up; opening <c>/login?t=TOKEN</c> sets an HttpOnly,
/// same-site cookie, and every page and API call needs that cookie. The OTLP endpoints take an API key header instead.
/// </summary>
public sealed class DashboardAuth(string browserToken)
{
    public const string CookieName = "customerbase-dashboard";
    public const string LoginPath = "/login";

    // The cookie holds a hash, so the token itself is not sent with every request.
    private readonly string _cookieValue = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(browserToken)));

    public string BrowserToken { get; } = browserToken;

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    public bool IsSignedIn(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var value) && value is not null && FixedTimeEquals(value, _cookieValue);

    /// <summary><c>GET /login?t=TOKEN</c>: the right token sets the cookie and opens the dashboard.</summary>
    public IResult Login(HttpContext context, string? t)
    {
        if (t is null || !FixedTimeEquals(t, BrowserToken))
        {
            return Results.Content(SignInPage("That token does not open this dashboard."), "text/html", statusCode: StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(CookieName, _cookieValue, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        return Results.Redirect("/");
    }

    /// <summary>Lets OTLP and the login through; anything else needs the cookie (401 for the API, a hint page otherwise).</summary>
    public async Task Guard(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(LoginPath) || path.StartsWithSegments("/v1") || IsSignedIn(context))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (!path.StartsWithSegments("/api"))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(SignInPage("Open the login URL that ./run.sh printed at start-up."));
        }
    }

    private static string SignInPage(string message) =>
        $"<!doctype html><title>CustomerBase dashboard</title><body style=\"font-family:sans-serif;margin:3em\"><h1>CustomerBase dashboard</h1><p>{message}</p></body>";
}
