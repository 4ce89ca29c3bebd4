using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CustomerBase.Dashboard;

/// <summary>The page, its script and its style, embedded in this assembly: the AppHost needs no web root on disk.</summary>
public static class StaticFiles
{
    private static readonly Dictionary<string, string> Files = new()
    {
        ["/"] = "index.html",
        ["/app.js"] = "app.js",
        ["/app.css"] = "app.css",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (path, file) in Files)
        {
            var content = Read(file);
            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "text/css; charset=utf-8",
            };
            app.MapGet(path, () => Results.Text(content, type));
        }
    }

    private static string Read(string file)
    {
        using var stream = typeof(StaticFiles).Assembly.GetManifestResourceStream("wwwroot/" + file)
            ?? throw new InvalidOperationException($"wwwroot/{file} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
