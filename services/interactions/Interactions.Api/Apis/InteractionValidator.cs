using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Interactions.Apis;

/// <summary>Field-level checks of a recorded interaction; an order's total must equal its lines.</summary>
public static class InteractionValidator
{
    public const int MaxLines = 500;

    public static ValidationErrors Validate(RecordInteractionRequest request)
    {
        var errors = new ValidationErrors();
        if (request.ContactId is null || request.ContactId == Guid.Empty)
        {
            errors.Add("contactId", "This field is required.");
        }
        if (string.IsNullOrWhiteSpace(request.Kind))
        {
            errors.Add("kind", "This field is required.");
        }
        else if (request.Kind != InteractionKinds.Order)
        {
            errors.Add("kind", $"Unsupported kind '{request.Kind}'; supported: {InteractionKinds.Order}.");
        }
        else if (request.Order is null)
        {
            errors.Add("order", "An interaction of kind 'order' needs an order.");
        }
        else
        {
            ValidateOrder(request.Order, errors);
        }
        return errors;
    }

    private static void ValidateOrder(OrderRequest order, ValidationErrors errors)
    {
        errors.Required("order.number", order.Number).MaxLength("order.number", order.Number, 100);
        if (order.Currency is null || order.Currency.Length != 3 || !order.Currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add("order.currency", "A three-letter ISO 4217 code in capitals, e.g. EUR.");
        }

        var lines = order.Lines ?? [];
        if (lines.Count == 0)
        {
            errors.Add("order.lines", "An order needs at least one line.");
        }
        else if (lines.Count > MaxLines)
        {
            errors.Add("order.lines", $"At most {MaxLines} lines.");
        }

        var linesValid = true;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var field = $"order.lines[{i}]";
            if (string.IsNullOrWhiteSpace(line.Sku)) { errors.Add($"{field}.sku", "This field is required."); linesValid = false; }
            if (line.Quantity is not > 0) { errors.Add($"{field}.quantity", "Must be greater than zero."); linesValid = false; }
            if (line.UnitPrice is not >= 0) { errors.Add($"{field}.unitPrice", "Must be zero or more."); linesValid = false; }
        }

        if (order.Total is null)
        {
            errors.Add("order.total", "This field is required.");
        }
        else if (linesValid && lines.Count > 0)
        {
            var sum = OrderMath.Total(lines.Select(l => (l.Quantity!.Value, l.UnitPrice!.Value)));
            if (sum != order.Total.Value)
            {
                errors.Add("order.total", $"Must equal the sum of the lines ({sum}).");
            }
        }
    }
}

public static class OrderMath
{
    /// <summary>Sum of quantity × unit price, rounded half away from zero to cents as invoices are.</summary>
    public static decimal Total(IEnumerable<(decimal Quantity, decimal UnitPrice)> lines) =>
        Math.Round(lines.Sum(l => l.Quantity * l.UnitPrice), 2, MidpointRounding.AwayFromZero);
}
