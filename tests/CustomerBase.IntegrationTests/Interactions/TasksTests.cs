using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.IntegrationTests.Interactions;

/// <summary>Tasks and reminders: lists per assignee, and TaskDue published once when a task falls due.</summary>
public sealed class TasksTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _gateway = fixture.Gateway;

    private async Task<JsonElement> CreateTaskAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/interactions/tasks", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetTaskAsync(Guid id)
    {
        using var response = await _gateway.GetAsync($"/api/interactions/tasks/{id}", Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task TaskFallingDuePublishesTaskDueOnce()
    {
        var contactId = await _gateway.CreateContactAsync("Due", "Task");
        var assignee = $"manager-{Guid.NewGuid():N}";
        var task = await CreateTaskAsync(_gateway, new { title = "Congratulate on the birthday", kind = "congratulate", dueAt = DateTimeOffset.UtcNow.AddSeconds(-1), assignee, contactId });
        var id = task.GetProperty("id").GetGuid();

        await Eventually.Until(() => fixture.OutboxAsync("TaskDue", id), rows => rows.Count == 1 && rows[0].Sent, what: "TaskDue written and published");
        // A later task announced proves the scheduler went round again after the first; the first is still announced once.
        var later = (await CreateTaskAsync(_gateway, new { title = "Call back", kind = "call", dueAt = DateTimeOffset.UtcNow, assignee })).GetProperty("id").GetGuid();
        await Eventually.Until(() => fixture.OutboxAsync("TaskDue", later), rows => rows.Count == 1, what: "the later task announced");

        var due = Assert.Single(await fixture.OutboxAsync("TaskDue", id));
        var evt = JsonDocument.Parse(due.Body).RootElement;
        Assert.Equal((assignee, contactId, "congratulate"), (evt.GetProperty("assignee").GetString(), evt.GetProperty("contactId").GetGuid(), evt.GetProperty("kind").GetString()));
        Assert.NotEqual(JsonValueKind.Null, (await GetTaskAsync(id)).GetProperty("dueAnnouncedAt").ValueKind);
    }

    [Fact]
    public async Task RescheduledTaskIsAnnouncedAgainAtItsNewTime()
    {
        var assignee = $"manager-{Guid.NewGuid():N}";
        var id = (await CreateTaskAsync(_gateway, new { title = "Give a gift", kind = "give-a-gift", dueAt = DateTimeOffset.UtcNow.AddSeconds(-1), assignee })).GetProperty("id").GetGuid();
        await Eventually.Until(() => fixture.OutboxAsync("TaskDue", id), rows => rows.Count == 1, what: "first announcement");

        using var moved = await _gateway.PatchAsJsonAsync($"/api/interactions/tasks/{id}", new { dueAt = DateTimeOffset.UtcNow.AddSeconds(-1) }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        await Eventually.Until(() => fixture.OutboxAsync("TaskDue", id), rows => rows.Count == 2, what: "announced again after the move");
    }

    [Fact]
    public async Task DueTodayAndOverdueListsAreTheAssigneesOpenTasks()
    {
        var manager = fixture.ClientFor(Roles.SalesManager, team: "tasks");
        var now = DateTimeOffset.UtcNow;
        var overdue = (await CreateTaskAsync(manager, new { title = "Overdue call", kind = "call", dueAt = now.AddDays(-2) })).GetProperty("id").GetGuid();
        var nextWeek = (await CreateTaskAsync(manager, new { title = "Next week", kind = "call", dueAt = now.AddDays(7) })).GetProperty("id").GetGuid();
        var done = (await CreateTaskAsync(manager, new { title = "Done already", kind = "call", dueAt = now.AddDays(-1) })).GetProperty("id").GetGuid();
        using (var finished = await manager.PatchAsJsonAsync($"/api/interactions/tasks/{done}", new { status = "done" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }

        var overdueList = await manager.GetFromJsonAsync<JsonElement>("/api/interactions/tasks?due=overdue", Ct);
        var all = await manager.GetFromJsonAsync<JsonElement>("/api/interactions/tasks?due=all", Ct);
        using var othersTask = await fixture.ClientFor(Roles.SalesManager, team: "tasks").GetAsync($"/api/interactions/tasks/{overdue}", Ct);

        Assert.Equal([overdue], overdueList.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
        Assert.Equal([overdue, nextWeek], all.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, othersTask.StatusCode);
    }

    [Fact]
    public async Task TaskDueTodayInTheAssigneesTimeZoneIsListed()
    {
        var manager = fixture.ClientFor(Roles.SalesManager, team: "tasks");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var localNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var endOfLocalDay = new DateTimeOffset(localNow.Date.AddDays(1).AddMinutes(-1), zone.BaseUtcOffset);
        var today = (await CreateTaskAsync(manager, new { title = "Later today", kind = "call", dueAt = endOfLocalDay })).GetProperty("id").GetGuid();
        await CreateTaskAsync(manager, new { title = "Tomorrow", kind = "call", dueAt = endOfLocalDay.AddHours(2) });

        var list = await manager.GetFromJsonAsync<JsonElement>("/api/interactions/tasks?due=today&timeZone=Asia/Tokyo", Ct);

        Assert.Contains(today, list.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(list.EnumerateArray(), t => t.GetProperty("title").GetString() == "Tomorrow");
    }

    [Fact]
    public async Task TaskWithoutTitleOrDueTimeIsRefused()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/interactions/tasks", new { kind = "telepathy" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _) && errors.TryGetProperty("dueAt", out _) && errors.TryGetProperty("kind", out _));
    }
}
