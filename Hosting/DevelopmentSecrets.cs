using System.Security.Cryptography;

namespace CustomerBase.Hosting;

/// <summary>
/// The keys of local runs and tests that production takes from its secret store: consent's suppression-hash key and
/// the unsubscribe-link key consent shares with campaigns. Kept in the data folder, so hashes made in one run still
/// match in the next; a fresh data folder gets fresh keys.
/// </summary>
public sealed class DevelopmentSecrets(string dataDirectory)
{
    public string SuppressionKey { get; } = KeyFile(dataDirectory, "consent-suppression.key");
    public string UnsubscribeKey { get; } = KeyFile(dataDirectory, "consent-unsubscribe.key");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Consent__SuppressionKey"] = SuppressionKey,
        ["Consent__UnsubscribeKey"] = UnsubscribeKey,
    };

    private static string KeyFile(string dataDirectory, string name)
    {
        var path = Path.Combine(dataDirectory, name);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return File.ReadAllText(path).Trim();
    }
}
