using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CustomerBase.ServiceDefaults;

/// <summary>
/// Turns a request body that cannot be read (malformed JSON, a wrong type for a field) into a 400 problem
/// details answer naming the field, e.g. <c>errors: { "phones[0]": ["..."] }</c>. Values are never echoed back.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var (field, message) = Describe(badRequest);
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body could not be read.",
        };
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static (string Field, string Message) Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { Length: > 1 } path } json =>
            (JsonPathToField(path), $"Invalid value at line {json.LineNumber + 1}, position {json.BytePositionInLine}."),
        JsonException json =>
            ("body", $"Malformed JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine}."),
        _ when exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
            ("body", "A JSON body is required."),
        _ => ("request", "The request is not valid."),
    };

    /// <summary><c>$.phones[0]</c> → <c>phones[0]</c>.</summary>
    private static string JsonPathToField(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
