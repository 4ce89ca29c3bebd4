using System.Globalization;
using Cronos;
using CustomerBase.Campaigns.Model;
using CustomerBase.Campaigns.Model.Templates;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Campaigns.Apis;

public sealed record CampaignAudienceRequest(Guid? SegmentId, List<Guid>? ContactIds, bool? All = null);
public sealed record CampaignScheduleRequest(string? Kind, DateTimeOffset? At, string? Cron, string? TimeZone);
public sealed record CampaignTriggerRequest(string? Kind, int? DaysBefore, int? LocalHour, int? DaysAfter, string? InteractionKind, Guid? SegmentId, string? TaskKind);
public sealed record CampaignPoliciesRequest(bool? RespectSendWindow, string? QuietHoursEnd, string? QuietHoursStart, bool? ApplyFrequencyCap, int? MessagesPerSecond, TimeSpan? ValidFor);

public sealed record CampaignRequest(
    string? Name, string? Purpose, string? Channel, CampaignAudienceRequest? Audience, string? Subject, string? Body,
    CampaignScheduleRequest? Schedule, CampaignTriggerRequest? Trigger, CampaignPoliciesRequest? Policies);

public sealed record CampaignResponse(
    Guid Id, string Name, string Purpose, string Channel, CampaignAudienceRequest Audience, string? Subject, string Body,
    CampaignSchedule Schedule, CampaignTrigger? Trigger, CampaignPolicies Policies, string Status, DateTimeOffset? NextRunAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CampaignResponse From(Campaign c) => new(c.Id, c.Name, c.Purpose, c.Channel, new CampaignAudienceRequest(c.SegmentId, c.ContactIds, c.AllContacts ? true : null),
        c.Subject, c.Body, c.Schedule, c.Trigger, c.Policies, c.Status, c.NextRunAt, c.CreatedAt, c.UpdatedAt);
}

/// <summary>
/// Checks a campaign as a person wrote it and fills the entity; every problem names its field. Templates are parsed
/// and checked against the known merge fields (line and name), an SMS is measured on a sample recipient.
/// </summary>
public static class CampaignValidator
{
    public const int MaxListedContacts = 100_000;

    public static ValidationErrors Validate(CampaignRequest request, int smsMaxLength, DateTimeOffset now)
    {
        var errors = new ValidationErrors()
            .Required("name", request.Name).MaxLength("name", request.Name, 200)
            .OneOf("purpose", request.Purpose, CampaignPurposes.All, required: true)
            .OneOf("channel", request.Channel, CampaignChannels.All, required: true)
            .Required("body", request.Body).MaxLength("subject", request.Subject, 1000);

        switch (request.Audience)
        {
            case null or { SegmentId: null, ContactIds: null or { Count: 0 }, All: not true }:
                errors.Add("audience", "This field is required: { \"segmentId\": \"…\" }, { \"contactIds\": [...] } or { \"all\": true }.");
                break;
            case { } audience when (audience.SegmentId is not null ? 1 : 0) + (audience.ContactIds is { Count: > 0 } ? 1 : 0) + (audience.All == true ? 1 : 0) > 1:
                errors.Add("audience", "Give one of segmentId, contactIds or all.");
                break;
            case { ContactIds.Count: > MaxListedContacts }:
                errors.Add("audience.contactIds", $"At most {MaxListedContacts} contacts; use a segment for more.");
                break;
        }

        CheckTemplate(errors, "subject", request.Subject);
        var body = CheckTemplate(errors, "body", request.Body);
        if (request.Channel == CampaignChannels.Email && string.IsNullOrWhiteSpace(request.Subject))
        {
            errors.Add("subject", "An e-mail needs a subject.");
        }
        if (request.Channel == CampaignChannels.Sms && body is not null)
        {
            var length = body.Render(TemplateFields.Sample(Guid.Empty, request.Name ?? "")).Length;
            if (length > smsMaxLength)
            {
                errors.Add("body", $"An SMS is at most {smsMaxLength} characters; this one renders to {length} for a sample recipient.");
            }
        }

        CheckSchedule(errors, request, now);
        CheckPolicies(errors, request.Policies);
        return errors;
    }

    /// <summary>What launching adds: a moment that is still to come.</summary>
    public static ValidationErrors ValidateLaunch(Campaign campaign, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (campaign.Status is CampaignStatus.Cancelled or CampaignStatus.Completed)
        {
            errors.Add("status", $"The campaign is {campaign.Status}; it cannot be launched. Create a new one.");
        }
        else if (campaign.Status != CampaignStatus.Draft)
        {
            errors.Add("status", $"The campaign is already {campaign.Status}.");
        }
        if (campaign.Schedule.Kind == ScheduleKinds.At && campaign.Schedule.At <= now)
        {
            errors.Add("schedule.at", $"The moment {campaign.Schedule.At:O} is in the past.");
        }
        return errors;
    }

    private static MessageTemplate? CheckTemplate(ValidationErrors errors, string field, string? source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return null;
        }
        var (template, problems) = MessageTemplate.Parse(source);
        foreach (var problem in problems)
        {
            errors.Add(field, problem);
        }
        return template;
    }

    private static void CheckSchedule(ValidationErrors errors, CampaignRequest request, DateTimeOffset now)
    {
        var schedule = request.Schedule;
        var kind = schedule?.Kind ?? ScheduleKinds.Now;
        errors.OneOf("schedule.kind", kind, ScheduleKinds.All);
        if (schedule?.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors.Add("schedule.timeZone", $"Unknown time zone '{zone}'; give an IANA name such as Europe/Warsaw.");
        }
        switch (kind)
        {
            case ScheduleKinds.At when schedule?.At is null:
                errors.Add("schedule.at", "This field is required for a schedule at a moment.");
                break;
            case ScheduleKinds.At when schedule.At <= now:
                errors.Add("schedule.at", $"The moment {schedule.At:O} is in the past.");
                break;
            case ScheduleKinds.Cron when string.IsNullOrWhiteSpace(schedule?.Cron):
                errors.Add("schedule.cron", "This field is required for a recurring schedule, e.g. \"0 9 * * MON\".");
                break;
            case ScheduleKinds.Cron:
                try
                {
                    CronExpression.Parse(schedule!.Cron!);
                }
                catch (CronFormatException ex)
                {
                    errors.Add("schedule.cron", ex.Message);
                }
                break;
            case ScheduleKinds.Trigger:
                CheckTrigger(errors, request.Trigger);
                break;
        }
        if (kind != ScheduleKinds.Trigger && request.Trigger is not null)
        {
            errors.Add("trigger", "A trigger needs schedule.kind \"trigger\".");
        }
    }

    private static void CheckTrigger(ValidationErrors errors, CampaignTriggerRequest? trigger)
    {
        if (trigger is null)
        {
            errors.Add("trigger", "This field is required for a triggered campaign.");
            return;
        }
        errors.OneOf("trigger.kind", trigger.Kind, TriggerKinds.All, required: true);
        if (trigger.DaysBefore is < 0 or > 60)
        {
            errors.Add("trigger.daysBefore", "Between 0 and 60.");
        }
        if (trigger.LocalHour is < 0 or > 23)
        {
            errors.Add("trigger.localHour", "Between 0 and 23.");
        }
        if (trigger.DaysAfter is < 0 or > 365)
        {
            errors.Add("trigger.daysAfter", "Between 0 and 365.");
        }
        if (trigger.Kind == TriggerKinds.FollowUp)
        {
            errors.OneOf("trigger.interactionKind", trigger.InteractionKind, new HashSet<string> { "visit", "order" }, required: true);
        }
        if (trigger.Kind == TriggerKinds.SegmentEntered && trigger.SegmentId is null)
        {
            errors.Add("trigger.segmentId", "This field is required for a segment-entered trigger.");
        }
    }

    private static void CheckPolicies(ValidationErrors errors, CampaignPoliciesRequest? policies)
    {
        foreach (var (field, value) in new[] { ("policies.quietHoursEnd", policies?.QuietHoursEnd), ("policies.quietHoursStart", policies?.QuietHoursStart) })
        {
            if (value is not null && !TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add(field, "A local time as HH:mm.");
            }
        }
        if (policies?.MessagesPerSecond is <= 0)
        {
            errors.Add("policies.messagesPerSecond", "At least 1.");
        }
        if (policies?.ValidFor is { } validFor && (validFor <= TimeSpan.Zero || validFor > TimeSpan.FromDays(90)))
        {
            errors.Add("policies.validFor", "More than zero and at most 90 days.");
        }
    }

    /// <summary>Copies a valid request onto the entity.</summary>
    public static void Apply(CampaignRequest request, Campaign campaign)
    {
        campaign.Name = request.Name!.Trim();
        campaign.Purpose = request.Purpose!;
        campaign.Channel = request.Channel!;
        campaign.SegmentId = request.Audience!.SegmentId;
        campaign.AllContacts = request.Audience.All == true;
        campaign.ContactIds = request.Audience.ContactIds is { Count: > 0 } ids ? ids.Distinct().ToList() : null;
        campaign.Subject = string.IsNullOrEmpty(request.Subject) ? null : request.Subject;
        campaign.Body = request.Body!;
        campaign.Schedule = new CampaignSchedule
        {
            Kind = request.Schedule?.Kind ?? ScheduleKinds.Now,
            At = request.Schedule?.At,
            Cron = request.Schedule?.Cron,
            TimeZone = request.Schedule?.TimeZone,
        };
        campaign.Trigger = request.Trigger is { } t
            ? new CampaignTrigger
            {
                Kind = t.Kind!, DaysBefore = t.DaysBefore ?? 0, LocalHour = t.LocalHour ?? 10, DaysAfter = t.DaysAfter ?? 0,
                InteractionKind = t.InteractionKind, SegmentId = t.SegmentId, TaskKind = t.TaskKind,
            }
            : null;
        var defaults = new CampaignPolicies();
        campaign.Policies = new CampaignPolicies
        {
            RespectSendWindow = request.Policies?.RespectSendWindow ?? defaults.RespectSendWindow,
            QuietHoursEnd = request.Policies?.QuietHoursEnd ?? defaults.QuietHoursEnd,
            QuietHoursStart = request.Policies?.QuietHoursStart ?? defaults.QuietHoursStart,
            ApplyFrequencyCap = request.Policies?.ApplyFrequencyCap,
            MessagesPerSecond = request.Policies?.MessagesPerSecond,
            ValidFor = request.Policies?.ValidFor,
        };
    }
}
