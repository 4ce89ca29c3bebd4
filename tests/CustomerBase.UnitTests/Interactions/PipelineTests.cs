using CustomerBase.Interactions.Apis;
using CustomerBase.Interactions.Model;

namespace CustomerBase.UnitTests.Interactions;

public sealed class PipelineTests
{
    [Theory]
    [InlineData("new", "paid", true)]
    [InlineData("paid", "shipped", true)]
    [InlineData("shipped", "delivered", true)]
    [InlineData("new", "cancelled", true)]
    [InlineData("delivered", "returned", true)]
    [InlineData("paid", "paid", true)]
    [InlineData("new", "delivered", false)]
    [InlineData("paid", "new", false)]
    [InlineData("cancelled", "paid", false)]
    [InlineData("delivered", "cancelled", false)]
    [InlineData("returned", "delivered", false)]
    public void OrderPipelineAllowsOnlyItsMoves(string from, string to, bool allowed) =>
        Assert.Equal(allowed, OrderPipeline.Allows(from, to));

    [Fact]
    public void StatusChangeOfAKindWithoutStatusIsRefusedOnStatus()
    {
        var note = new Interaction { Kind = InteractionKinds.Note, Payload = "{}" };

        var errors = InteractionValidator.ValidateStatusChange(note, new ChangeStatusRequest("resolved", null, "x"));

        Assert.Equal(["status"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void UnknownOrderStatusIsABadRequestNotAConflict()
    {
        var order = new Interaction { Kind = InteractionKinds.Order, Payload = "{}" };

        var errors = InteractionValidator.ValidateStatusChange(order, new ChangeStatusRequest("teleported", null, null));

        Assert.Equal(["status"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void MapperKeepsStatusInItsColumnAndTheKindsDetailsInThePayload()
    {
        var request = new RecordInteractionRequest(Guid.NewGuid(), "order", new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.FromHours(3)),
            new OrderRequest(" N-7 ", "EUR", 3m, [new OrderLineRequest("A", "Tea", "tea", 3, 1m)], "shipped"));

        var interaction = InteractionMapper.ToInteraction(request, "user-1", DateTimeOffset.UtcNow);

        Assert.Equal("shipped", interaction.Status);
        Assert.Equal(TimeSpan.Zero, interaction.OccurredAt.Offset);
        Assert.Equal("user-1", interaction.Author);
        var order = interaction.Order();
        Assert.Equal(("N-7", "paid", 3m), (order.Number, order.PaymentStatus, order.Total));
    }
}
