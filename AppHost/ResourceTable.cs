using CustomerBase.Dashboard;
using CustomerBase.Hosting;
using CustomerBase.ServiceDefaults.Security;

namespace CustomerBase.AppHost;

/// <summary>Prints the table of everything that runs, its state, process id and where to reach it.</summary>
public static class ResourceTable
{
    public static void Print(CustomerBaseSystem system, DashboardServer dashboard, TextWriter output)
    {
        var rows = system.Resources;
        output.WriteLine();
        output.WriteLine($"CustomerBase is running (started in {system.StartupTime.TotalSeconds:0.0} s). Ctrl-C stops everything.");
        output.WriteLine();
        output.WriteLine($"  {"resource",-14}{"state",-10}{"pid",-9}url");
        output.WriteLine($"  {new string('-', 14)}{new string('-', 10)}{new string('-', 9)}{new string('-', 40)}");
        foreach (var row in rows)
        {
            var urls = row.Urls.Count == 0 ? [""] : row.Urls;
            output.WriteLine($"  {row.Name,-14}{row.State,-10}{row.ProcessId?.ToString() ?? "",-9}{urls[0]}");
            foreach (var extra in urls.Skip(1))
            {
                output.WriteLine($"  {"",-33}{extra}");
            }
        }
        output.WriteLine();
        output.WriteLine($"  Dashboard: {dashboard.LoginUrl}  (resources, console and structured logs, traces, metrics, tokens)");
        output.WriteLine($"  API:  {system.GatewayUrl}api/...  (a bearer token is required)");
        output.WriteLine($"  Token for another role: ./run.sh token <role>   roles: {string.Join(", ", Roles.All)}");
        output.WriteLine($"  An administrator token for this session (12 h):");
        output.WriteLine($"    export TOKEN={system.Issuer.CreateToken(Roles.Administrator)}");
        output.WriteLine($"    curl -X POST {system.GatewayUrl}api/contacts -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"firstName\":\"Irina\"}}'");
        output.WriteLine($"  RabbitMQ management: {system.RabbitMq.ManagementUrl} (guest / guest)");
        output.WriteLine($"  MailDev (e-mail campaigns send locally): {system.MailDev.WebUrl}");
        output.WriteLine($"  Logs: {system.LogDirectory}/<resource>.log");
        output.WriteLine();
    }
}
