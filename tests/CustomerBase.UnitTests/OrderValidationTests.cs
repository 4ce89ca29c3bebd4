using CustomerBase.Interactions.Apis;

namespace CustomerBase.UnitTests;

public sealed class OrderValidationTests
{
    private static RecordInteractionRequest Order(decimal total, params OrderLineRequest[] lines) =>
        new(Guid.NewGuid(), "order", null, new OrderRequest("N-1", "EUR", total, [.. lines]));

    private static OrderLineRequest Line(string sku, decimal quantity, decimal unitPrice) => new(sku, null, null, quantity, unitPrice);

    [Fact]
    public void OrderWhoseTotalEqualsItsLinesIsValid()
    {
        var errors = InteractionValidator.Validate(Order(12.75m, Line("A", 3, 2.25m), Line("B", 1, 6m)));

        Assert.True(errors.IsEmpty);
    }

    [Fact]
    public void OrderWhoseTotalDiffersFromItsLinesIsRefusedOnTheTotal()
    {
        var errors = InteractionValidator.Validate(Order(10m, Line("A", 3, 2.25m)));

        Assert.Equal(["order.total"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void EachBadLineIsNamedByItsIndex()
    {
        var errors = InteractionValidator.Validate(Order(1m, Line("A", 1, 1m), Line("", 0, -1m)));

        var fields = errors.ToDictionary().Keys.Order().ToArray();
        Assert.Equal(["order.lines[1].quantity", "order.lines[1].sku", "order.lines[1].unitPrice"], fields);
    }

    [Fact]
    public void UnsupportedKindIsRefused()
    {
        var errors = InteractionValidator.Validate(new RecordInteractionRequest(Guid.NewGuid(), "telepathy", null, null));

        Assert.Equal(["kind"], errors.ToDictionary().Keys);
    }

    [Theory]
    [InlineData(0.125, 1, 0.13)]   // half a cent rounds away from zero
    [InlineData(0.333, 3, 1.00)]
    public void TotalsRoundToCents(double unitPrice, int quantity, double expected)
    {
        Assert.Equal((decimal)expected, OrderMath.Total([(quantity, (decimal)unitPrice)]));
    }
}
