using System.Security.Claims;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Apis;

/// <summary>
/// Tasks and reminders for staff. A sales manager sees the tasks assigned to them or created by them; other roles see all.
/// When a task falls due, <c>TaskDue</c> is published once (<see cref="TaskDueScheduler"/>).
/// </summary>
public static class TasksApi
{
    public const int MaxListed = 500;

    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/interactions/tasks");
        api.MapPost("/", CreateTask).WithName(nameof(CreateTask)).RequireAuthorization(Permissions.TasksWrite);
        api.MapGet("/{id:guid}", GetTask).WithName(nameof(GetTask)).RequireAuthorization(Permissions.TasksRead);
        api.MapPatch("/{id:guid}", UpdateTask).WithName(nameof(UpdateTask)).RequireAuthorization(Permissions.TasksWrite);
        api.MapDelete("/{id:guid}", DeleteTask).WithName(nameof(DeleteTask)).RequireAuthorization(Permissions.TasksWrite);
        api.MapGet("/", ListTasks).WithName(nameof(ListTasks)).RequireAuthorization(Permissions.TasksRead);
        return app;
    }

    public static async Task<Results<Created<TaskResponse>, ValidationProblem, ProblemHttpResult>> CreateTask(
        TaskRequest request, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var errors = Validate(request, creating: true);
        if (errors.IsEmpty && request.ContactId is { } contactId
            && await InteractionsApi.CheckContactAsync(contactId, contacts, http, errors, ct) is { } unavailable)
        {
            return unavailable;
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        var caller = InteractionsApi.Caller(http.User);
        var task = new FollowUpTask
        {
            Id = Guid.CreateVersion7(now),
            Title = request.Title!.Trim(),
            Kind = request.Kind ?? "other",
            DueAt = request.DueAt!.Value.ToUniversalTime(),
            // A sales manager's tasks are their own: they may not hand work to someone they cannot see tasks of.
            Assignee = TeamScope.IsRestrictedToTeam(http.User) ? caller ?? "" : request.Assignee?.Trim() ?? caller ?? "",
            ContactId = request.ContactId,
            Status = request.Status ?? TaskStatuses.Open,
            Note = request.Note,
            CreatedAt = now,
            CreatedBy = caller,
        };
        db.Tasks.Add(task);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/interactions/tasks/{task.Id}", TaskResponse.From(task));
    }

    public static async Task<Results<Ok<TaskResponse>, NotFound>> GetTask(Guid id, InteractionsDbContext db, HttpContext http, CancellationToken ct)
    {
        var task = await db.Tasks.AsNoTracking().VisibleTo(http.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        return task is null ? TypedResults.NotFound() : TypedResults.Ok(TaskResponse.From(task));
    }

    /// <summary>Changes the fields given (absent ones stay). A new due time is announced again when it comes.</summary>
    public static async Task<Results<Ok<TaskResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateTask(
        Guid id, TaskRequest request, InteractionsDbContext db, ContactChecker contacts, HttpContext http, CancellationToken ct)
    {
        var task = await db.Tasks.VisibleTo(http.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return TypedResults.NotFound();
        }
        var errors = Validate(request, creating: false);
        if (errors.IsEmpty && request.ContactId is { } contactId && contactId != task.ContactId
            && await InteractionsApi.CheckContactAsync(contactId, contacts, http, errors, ct) is { } unavailable)
        {
            return unavailable;
        }
        if (request.Assignee is not null && TeamScope.IsRestrictedToTeam(http.User) && request.Assignee != InteractionsApi.Caller(http.User))
        {
            errors.Add("assignee", "A sales manager's tasks stay assigned to them.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        task.Title = request.Title?.Trim() ?? task.Title;
        task.Kind = request.Kind ?? task.Kind;
        task.Assignee = request.Assignee?.Trim() ?? task.Assignee;
        task.ContactId = request.ContactId ?? task.ContactId;
        task.Note = request.Note ?? task.Note;
        if (request.DueAt?.ToUniversalTime() is { } due && due != task.DueAt)
        {
            task.DueAt = due;
            task.DueNotifiedAt = null;
        }
        if (request.Status is { } status && status != task.Status)
        {
            task.Status = status;
            task.CompletedAt = status == TaskStatuses.Done ? DateTimeOffset.UtcNow : null;
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteTask(Guid id, InteractionsDbContext db, HttpContext http, CancellationToken ct) =>
        await db.Tasks.VisibleTo(http.User).Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0 ? TypedResults.NotFound() : TypedResults.NoContent();

    /// <param name="assignee">Whose tasks; <c>me</c> (the default) for the caller's.</param>
    /// <param name="due"><c>today</c> (open, due today in <paramref name="timeZone"/>), <c>overdue</c> (open, due before now), or <c>all</c> (open).</param>
    /// <param name="timeZone">IANA time zone that decides what "today" is (UTC).</param>
    /// <param name="contactId">Only tasks about this contact.</param>
    public static async Task<Results<Ok<List<TaskResponse>>, ValidationProblem>> ListTasks(
        string? assignee, string? due, string? timeZone, Guid? contactId, InteractionsDbContext db, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors().OneOf("due", due, DueFilters);
        TimeZoneInfo? zone = TimeZoneInfo.Utc;
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            errors.Add("timeZone", "Not a known IANA time zone, e.g. Europe/Warsaw.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var who = assignee is null or "me" ? InteractionsApi.Caller(http.User) ?? "" : assignee;
        var query = db.Tasks.AsNoTracking().VisibleTo(http.User).Where(t => t.Assignee == who && t.Status == TaskStatuses.Open);
        if (contactId is not null)
        {
            query = query.Where(t => t.ContactId == contactId);
        }
        var now = clock.GetUtcNow();
        switch (due)
        {
            case "today":
                var localToday = TimeZoneInfo.ConvertTime(now, zone!).Date;
                var start = new DateTimeOffset(localToday, zone!.GetUtcOffset(localToday)).ToUniversalTime();
                var end = new DateTimeOffset(localToday.AddDays(1), zone.GetUtcOffset(localToday.AddDays(1))).ToUniversalTime();
                query = query.Where(t => t.DueAt >= start && t.DueAt < end);
                break;
            case "overdue":
                query = query.Where(t => t.DueAt < now);
                break;
        }
        var tasks = await query.OrderBy(t => t.DueAt).ThenBy(t => t.Id).Take(MaxListed).ToListAsync(ct);
        return TypedResults.Ok(tasks.Select(TaskResponse.From).ToList());
    }

    private static readonly IReadOnlySet<string> DueFilters = new SortedSet<string>(StringComparer.Ordinal) { "today", "overdue", "all" };

    private static ValidationErrors Validate(TaskRequest request, bool creating)
    {
        var errors = new ValidationErrors();
        if (creating)
        {
            errors.Required("title", request.Title);
            if (request.DueAt is null)
            {
                errors.Add("dueAt", "This field is required.");
            }
        }
        else if (request.Title is not null)
        {
            errors.Required("title", request.Title);
        }
        if (request.ContactId == Guid.Empty)
        {
            errors.Add("contactId", "Not a valid id.");
        }
        return errors.MaxLength("title", request.Title, 300).MaxLength("assignee", request.Assignee, 200).MaxLength("note", request.Note, 5000)
            .OneOf("kind", request.Kind, TaskKinds.All).OneOf("status", request.Status, TaskStatuses.All);
    }

    private static IQueryable<FollowUpTask> VisibleTo(this IQueryable<FollowUpTask> tasks, ClaimsPrincipal user)
    {
        if (!TeamScope.IsRestrictedToTeam(user))
        {
            return tasks;
        }
        var me = InteractionsApi.Caller(user) ?? "";
        return tasks.Where(t => t.Assignee == me || t.CreatedBy == me);
    }
}

/// <summary>A task to create, or the fields to change (absent ones stay as they are).</summary>
public sealed record TaskRequest(string? Title, string? Kind, DateTimeOffset? DueAt, string? Assignee, Guid? ContactId, string? Status, string? Note);

public sealed record TaskResponse(Guid Id, string Title, string Kind, DateTimeOffset DueAt, string Assignee, Guid? ContactId, string Status,
    string? Note, DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? CompletedAt, DateTimeOffset? DueAnnouncedAt)
{
    public static TaskResponse From(FollowUpTask t) =>
        new(t.Id, t.Title, t.Kind, t.DueAt, t.Assignee, t.ContactId, t.Status, t.Note, t.CreatedAt, t.CreatedBy, t.CompletedAt, t.DueNotifiedAt);
}
