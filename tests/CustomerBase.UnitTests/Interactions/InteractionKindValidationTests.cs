using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Model;

namespace CustomerBase.UnitTests.Interactions;

public sealed class InteractionKindValidationTests
{
    private static readonly Guid Contact = Guid.NewGuid();

    private static RecordInteractionRequest Of(string kind) => new(Contact, kind, null, null);

    private static string[] Fields(RecordInteractionRequest request) => [.. InteractionValidator.Validate(request).ToDictionary().Keys.Order()];

    public static TheoryData<RecordInteractionRequest> ValidOfEachKind => new()
    {
        Of("call") with { Call = new CallRequest(60, "answered", "https://x.example/r.mp3") },
        Of("email") with { Subject = "Hello", Email = new EmailRequest("t-1") },
        Of("meeting") with { Meeting = new MeetingRequest(30, "Office", ["a"]) },
        Of("visit") with { Visit = new VisitRequest("Salon", 60, ["haircut"]) },
        Of("message") with { Message = new MessageRequest("whatsapp", null) },
        Of("order") with { Order = new OrderRequest("N-1", "EUR", 2m, [new OrderLineRequest("A", null, null, 2, 1m)]) },
        Of("complaint") with { Complaint = new CaseRequest("delivery", "resolved", "Refunded") },
        Of("request"),
        Of("review") with { Review = new ReviewRequest(1, null) },
        Of("survey") with { Survey = new SurveyRequest("nps", null, "9", 9) },
        Of("note") with { Note = "Allergic to lavender" },
    };

    [Theory]
    [MemberData(nameof(ValidOfEachKind))]
    public void EveryKindWithItsDetailsIsValid(RecordInteractionRequest request) => Assert.Empty(Fields(request));

    [Fact]
    public void EveryKindHasAValidExample() =>
        Assert.Equal(InteractionKinds.All.Order(), ValidOfEachKind.Select(row => row.Data.Kind!).Order());

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void ReviewRatingOutsideOneToFiveIsRefused(int rating) =>
        Assert.Equal(["review.rating"], Fields(Of("review") with { Review = new ReviewRequest(rating, null) }));

    [Fact]
    public void DetailsOfAnotherKindAreRefusedNotDropped() =>
        Assert.Equal(["review"], Fields(Of("note") with { Note = "x", Review = new ReviewRequest(5, null) }));

    [Fact]
    public void UnknownCurrencyCodeIsRefused() =>
        Assert.Equal(["order.currency"], Fields(Of("order") with { Order = new OrderRequest("N", "EUX", 1m, [new OrderLineRequest("A", null, null, 1, 1m)]) }));

    [Fact]
    public void NegativeQuantityIsRefusedOnItsLine() =>
        Assert.Equal(["order.lines[0].quantity"], Fields(Of("order") with { Order = new OrderRequest("N", "EUR", -1m, [new OrderLineRequest("A", null, null, -1, 1m)]) }));

    [Fact]
    public void ResolvedCaseNeedsItsResolution() =>
        Assert.Equal(["request.resolution"], Fields(Of("request") with { Request = new CaseRequest(null, "resolved", null) }));

    [Fact]
    public void EmailNeedsASubjectAndANoteNeedsItsText()
    {
        Assert.Equal(["subject"], Fields(Of("email")));
        Assert.Equal(["note"], Fields(Of("note")));
    }

    [Fact]
    public void UnknownChannelAndDirectionAreRefused() =>
        Assert.Equal(["channel", "direction"], Fields(Of("note") with { Note = "x", Channel = "pigeon", Direction = "sideways" }));

    [Fact]
    public void RecordingLinkMustBeAnHttpLink() =>
        Assert.Equal(["call.recordingUrl"], Fields(Of("call") with { Call = new CallRequest(1, null, "javascript:alert(1)") }));
}
