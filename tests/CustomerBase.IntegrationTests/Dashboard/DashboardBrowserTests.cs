using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CustomerBase.IntegrationTests.Dashboard;

/// <summary>
/// The developer dashboard of the running test system, in Debian's Chromium driven by Playwright: the resources,
/// one request's trace across the gateway, services and the bus, key metrics, console output and the token buttons.
/// </summary>
public sealed class DashboardBrowserTests(SystemFixture fixture) : IAsyncLifetime
{
    // Telemetry arrives in batches every second; a cold service may take a while for its first.
    private static readonly LocatorAssertionsToBeVisibleOptions Arrives = new() { Timeout = 30_000 };
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    private async Task<IPage> SignedInPageAsync()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(fixture.Dashboard.LoginUrl.ToString());
        return page;
    }

    [Fact]
    public async Task Shows_every_resource_healthy_and_a_gateway_request_as_one_trace_across_services_and_the_bus()
    {
        var page = await SignedInPageAsync();
        foreach (var resource in fixture.System.Resources)
        {
            await Expect(page.Locator($"tr[data-resource='{resource.Name}'] .health")).ToHaveTextAsync("Healthy", new() { Timeout = 30_000 });
            await Expect(page.Locator($"tr[data-resource='{resource.Name}'] .state")).ToHaveTextAsync("Running");
        }

        // Our own trace id, sent to the gateway as W3C trace context, so the test knows which trace to look for.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/contacts")
        {
            Content = JsonContent.Create(new { firstName = "Dash", lastName = $"Board{Guid.NewGuid():N}" }),
        })
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await fixture.Gateway.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await page.ClickAsync("nav a[data-view=traces]");
        await page.FillAsync("#trace-search", traceId);
        var traceRow = page.Locator($"tr.trace-row[data-trace='{traceId}']");
        await Expect(traceRow).ToBeVisibleAsync(Arrives);
        await traceRow.ClickAsync();

        // The event is published from the contacts outbox over RabbitMQ and consumed by segmentation, in the same trace.
        var spans = page.Locator("#waterfall tr.span-row");
        await Expect(spans.Locator("xpath=self::*[@data-resource='segmentation' and @data-category='bus']").First).ToBeVisibleAsync(Arrives);
        await Expect(spans.Locator("xpath=self::*[@data-resource='gateway']").First).ToBeVisibleAsync(Arrives);
        await Expect(spans.Locator("xpath=self::*[@data-resource='contacts' and @data-category='bus']").First).ToBeVisibleAsync(Arrives);
        await Expect(spans.Locator("xpath=self::*[@data-resource='contacts' and @data-category='db']").First).ToBeVisibleAsync(Arrives);
        var services = (await spans.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.resource)")).Distinct().ToList();
        Assert.True(services.Count >= 3, $"spans from {string.Join(", ", services)}");

        // The trace's structured logs are one click away, filtered by its id.
        await page.ClickAsync("text=logs of this trace");
        await Expect(page.Locator("#log-trace")).ToHaveValueAsync(traceId);

        // Key metrics of the service: a request rate needs two exports (every 5 s); queue depth comes from RabbitMQ.
        await page.GotoAsync(new Uri(fixture.Dashboard.Url, $"#metrics/{ResourceNames.Contacts}").ToString());
        await Expect(page.Locator(".chart[data-chart='requests'] .value")).ToHaveTextAsync(new Regex(@"^\d+\.\d\d /s$"), new() { Timeout = 30_000 });
        await Expect(page.Locator(".chart[data-chart='queued messages']")).ToBeVisibleAsync(Arrives);
    }

    [Fact]
    public async Task Stays_closed_without_the_login_token_and_hands_out_working_tokens_per_role()
    {
        using (var anonymous = new HttpClient { BaseAddress = fixture.Dashboard.Url })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/resources", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("login?t=wrong", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("v1/traces", new ByteArrayContent([]), TestContext.Current.CancellationToken)).StatusCode);
        }

        var page = await SignedInPageAsync();
        await page.ClickAsync("nav a[data-view=tokens]");
        await page.ClickAsync($"button[data-role='{Roles.Marketer}']");
        // The token arrives from the dashboard's API after the click: a JWT starts with "ey".
        var tokenBox = page.Locator($"#token-{Roles.Marketer}");
        await Expect(tokenBox).ToHaveValueAsync(new Regex("^ey"));
        var token = await tokenBox.InputValueAsync();

        using var gateway = new HttpClient { BaseAddress = fixture.System.GatewayUrl };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await gateway.GetAsync("api/contacts", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The console of a service shows its own output, live.
        await page.GotoAsync(new Uri(fixture.Dashboard.Url, $"#console/{ResourceNames.Contacts}").ToString());
        await Expect(page.Locator("#console-count")).Not.ToHaveTextAsync(new Regex("^0 of|^$"), new() { Timeout = 10_000 });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
