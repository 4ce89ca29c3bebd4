using CustomerBase.Bench.Scenarios;

var scenarios = new Dictionary<string, Func<string[], Task<int>>>
{
    ["gateway-overhead"] = GatewayOverhead.RunAsync,
    ["contacts-read"] = ContactsRead.RunAsync,
    ["contacts-search"] = ContactsSearch.RunAsync,
    ["contacts-import"] = ContactsImport.RunAsync,
    ["interactions-ingest"] = InteractionsIngest.RunAsync,
    ["timeline"] = Timeline.RunAsync,
    ["purchase-stats"] = PurchaseStatsScenario.RunAsync,
    ["consent-check"] = ConsentCheck.RunAsync,
    ["segment-count"] = SegmentScenarios.CountAsync,
    ["segment-freshness"] = SegmentScenarios.FreshnessAsync,
    ["segment-rebuild"] = SegmentScenarios.RebuildAsync,
    ["campaign-launch"] = CampaignLaunch.RunAsync,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench -- <scenario> [options]\nscenarios: {string.Join(", ", scenarios.Keys)}");
    return 2;
}
return await scenario(args[1..]);
