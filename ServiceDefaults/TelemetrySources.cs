namespace CustomerBase.ServiceDefaults;

/// <summary>Names of our own ActivitySources and Meters, so telemetry registration and emitters agree.</summary>
public static class TelemetrySources
{
    public const string Messaging = "CustomerBase.Messaging";
}
