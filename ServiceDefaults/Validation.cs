namespace CustomerBase.ServiceDefaults;

/// <summary>
/// Collects field errors for a request and turns them into the dictionary a validation problem needs.
/// Field names are the JSON (camelCase) names a client sent, so a person can find the field.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public ValidationErrors Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
        }
        return this;
    }

    public ValidationErrors MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"At most {max} characters.");
        }
        return this;
    }

    /// <summary>The value, when given (or when <paramref name="required"/>), must be one of <paramref name="allowed"/>.</summary>
    public ValidationErrors OneOf(string field, string? value, IReadOnlySet<string> allowed, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"This field is required; one of: {string.Join(", ", allowed)}.");
            }
        }
        else if (!allowed.Contains(value))
        {
            Add(field, $"Must be one of: {string.Join(", ", allowed)}.");
        }
        return this;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
