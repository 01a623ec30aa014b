using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace AoaiHardening.Tests.Emulator;

/// <summary>The demo tenant's monitoring and On Your Data seeds, and what it deliberately lacks (MON-001..003 fail).</summary>
public sealed class MonitoringDemoTenantTests(EmulatorFixture emu) : EmulatorTest(emu, ScenarioTests.DemoTenantJson())
{
    private const string Group = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-ai-prod";
    private const string Prod = $"{Group}/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod";

    [Fact]
    public async Task The_workspace_action_group_search_service_and_storage_account_are_served()
    {
        var workspace = await Emu.GetJsonAsync($"{Group}/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod?api-version=2023-09-01");
        var actionGroup = await Emu.GetJsonAsync($"{Group}/providers/Microsoft.Insights/actionGroups/ag-ai-security?api-version=2023-01-01");
        var search = await Emu.GetJsonAsync($"{Group}/providers/Microsoft.Search/searchServices/srch-contoso-oyd?api-version=2025-05-01");
        var storage = await Emu.GetJsonAsync($"{Group}/providers/Microsoft.Storage/storageAccounts/stcontosooyd?api-version=2025-08-01");

        Assert.Equal("Microsoft.OperationalInsights/workspaces", (string?)workspace["type"]);
        Assert.Equal("global", (string?)actionGroup["location"]);
        Assert.Equal("basic", (string?)search["sku"]!["name"]);
        Assert.NotNull(search["properties"]!["authOptions"]!["apiKeyOnly"]);
        Assert.Equal("enabled", (string?)search["properties"]!["publicNetworkAccess"]);
        Assert.Null(search["identity"]);
        Assert.Equal("succeeded", (string?)search["properties"]!["provisioningState"]);
        Assert.Equal("StorageV2", (string?)storage["kind"]);
        Assert.Equal("Enabled", (string?)storage["properties"]!["publicNetworkAccess"]);
        Assert.Equal("Allow", (string?)storage["properties"]!["networkAcls"]!["defaultAction"]);
        Assert.Equal("AzureServices", (string?)storage["properties"]!["networkAcls"]!["bypass"]);
        Assert.Null(storage["identity"]);
    }

    [Fact]
    public async Task No_account_has_diagnostic_settings_defender_settings_or_alert_rules_yet()
    {
        Assert.Empty((await Emu.GetJsonAsync($"{Prod}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview"))["value"]!.AsArray());
        Assert.Empty((await Emu.GetJsonAsync($"{Prod}/defenderForAISettings?api-version=2025-09-01"))["value"]!.AsArray());
        Assert.Empty((await Emu.GetJsonAsync($"{Group}/providers/Microsoft.Insights/scheduledQueryRules?api-version=2023-12-01"))["value"]!.AsArray());
    }

    [Fact]
    public async Task A_setting_to_the_demo_workspace_is_accepted()
    {
        var body = new JsonObject { ["properties"] = new JsonObject
        {
            ["workspaceId"] = $"{Group}/providers/Microsoft.OperationalInsights/workspaces/law-contoso-prod",
            ["logs"] = new JsonArray(new JsonObject { ["categoryGroup"] = "audit", ["enabled"] = true }),
        } };

        var put = await Emu.SendAsync(HttpMethod.Put, $"{Prod}/providers/Microsoft.Insights/diagnosticSettings/to-law?api-version=2021-05-01-preview", body);

        Assert.Equal(200, (int)put.StatusCode);
        Assert.Equal(["to-law"], (await Emu.GetJsonAsync($"{Prod}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview"))["value"]!.AsArray().Select(s => (string)s!["name"]!));
    }
}
