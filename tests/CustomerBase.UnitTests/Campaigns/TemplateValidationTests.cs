using Microsoft.Extensions.Time.Testing;
using CustomerBase.Campaigns.Apis;
using CustomerBase.Campaigns.Model;
using CustomerBase.Campaigns.Model.Templates;

namespace CustomerBase.UnitTests.Campaigns;

public sealed class TemplateValidationTests
{
    [Fact]
    public void KnownFieldsRenderWithDatesInTheContactsZone()
    {
        var (template, errors) = MessageTemplate.Parse("{{ contact.first_name }}, hello! You were our guest on {{ last_visit.date | date: \"%d.%m\" }}.");
        Assert.Empty(errors);
        var card = new RecipientCard(Guid.NewGuid(), "Irina", null, null, "i@example.com", null, [], "Asia/Tokyo", null, null, [], null, null);
        var visit = new ContactActivity { LastVisitAt = new DateTimeOffset(2026, 2, 14, 20, 0, 0, TimeSpan.Zero) }; // 15 February in Tokyo

        var text = template!.Render(TemplateFields.For(card, visit, Guid.NewGuid(), "Pedicure", null));

        Assert.Equal("Irina, hello! You were our guest on 15.02.", text);
    }

    [Fact]
    public void UnknownFieldIsReportedWithItsLineAndName()
    {
        var (template, errors) = MessageTemplate.Parse("Hi {{ contact.first_name }}\n\n{% if contact.vip %}VIP{% endif %}");

        Assert.Null(template);
        var error = Assert.Single(errors);
        Assert.Contains("line 3", error);
        Assert.Contains("contact.vip", error);
    }

    [Fact]
    public void LoopVariablesAndAssignmentsAreNotUnknownFields()
    {
        var (_, errors) = MessageTemplate.Parse("{% assign n = contact.first_name %}{% for tag in contact.tags %}{{ tag }}{{ forloop.index }}{% endfor %}{{ n }}");

        Assert.Empty(errors);
    }

    [Fact]
    public void ParseErrorGivesTheLine()
    {
        var (template, errors) = MessageTemplate.Parse("Hello\n{{ contact.first_name ");

        Assert.Null(template);
        Assert.Contains("line 2", Assert.Single(errors));
    }

    [Fact]
    public void SmsLongerThanItsLimitIsRefusedOnTheBodyField()
    {
        var request = new CampaignRequest("x", "service", "sms", new CampaignAudienceRequest(null, [Guid.NewGuid()]), null,
            "{{ contact.full_name }} " + new string('x', 300), null, null, null);

        var errors = CampaignValidator.Validate(request, smsMaxLength: 306, new FakeTimeProvider().GetUtcNow()).ToDictionary();

        Assert.Contains("SMS", Assert.Single(errors["body"]));
    }

    [Fact]
    public void ScheduleAtAMomentAlreadyPastIsRefused()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 9, 0, 0, TimeSpan.Zero));
        var request = new CampaignRequest("x", "marketing", "email", new CampaignAudienceRequest(null, [Guid.NewGuid()]), "s", "b",
            new CampaignScheduleRequest("at", clock.GetUtcNow().AddMinutes(-1), null, null), null, null);

        Assert.True(CampaignValidator.Validate(request, 306, clock.GetUtcNow()).ToDictionary().ContainsKey("schedule.at"));
        Assert.False(CampaignValidator.Validate(request, 306, clock.GetUtcNow().AddMinutes(-2)).ToDictionary().ContainsKey("schedule.at"));
    }
}
