using System.Net;
using System.Net.Http.Json;
using System.Text;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests;

public sealed class GatewayHardeningTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserOverTheRateLimitGets429WithRetryAfter()
    {
        using var client = fixture.ClientFor(Roles.Support);
        var limit = SystemFixture.RateLimitPermits;
        var accepted = 0;
        HttpResponseMessage? refused = null;

        // Waves of concurrent requests, so that a window's budget is spent within the window even on a busy machine;
        // windows may roll over meanwhile, so the refusal comes after at least `limit` accepted requests.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (refused is null && DateTime.UtcNow < deadline)
        {
            var wave = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct)));
            foreach (var response in wave)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && refused is null)
                {
                    refused = response;
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                    accepted++;
                }
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(accepted >= limit, $"refused after {accepted} accepted requests, fewer than the limit of {limit}");
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), SystemFixture.RateLimitWindow);
            Assert.Equal(429, (await refused.ReadProblemAsync()).GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task AnotherUsersBudgetIsNotSpentByThisOne()
    {
        using var busy = fixture.ClientFor(Roles.Support);
        using var other = fixture.ClientFor(Roles.Support);
        for (var i = 0; i < SystemFixture.RateLimitPermits * 2 + 1; i++)
        {
            using var response = await busy.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }
        }

        using var answer = await other.GetAsync($"/api/contacts/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task BodyOverTheLimitIsRefusedWith413()
    {
        var big = new string('x', 2 * 1024 * 1024);
        using var content = new StringContent($$"""{"firstName":"{{big}}"}""", Encoding.UTF8, "application/json");

        using var response = await fixture.Gateway.PostAsync("/api/contacts", content, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ApiAnswersCarrySecurityHeaders()
    {
        using var response = await fixture.Gateway.PostAsJsonAsync("/api/contacts", new { firstName = "Nina" }, Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
