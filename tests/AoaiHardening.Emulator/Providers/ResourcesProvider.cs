using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>Microsoft.Resources: subscriptions and resource groups, read-only (the scenario defines them).</summary>
internal sealed class ResourcesProvider(EmulatorState state)
{
    private static readonly ArmApi Subscriptions = new("Microsoft.Resources", "subscriptions", ["2022-12-01", "2021-01-01", "2020-01-01"]);
    private static readonly ArmApi ResourceGroups = new("Microsoft.Resources", "resourceGroups", ["2025-04-01", "2024-03-01", "2022-09-01", "2021-04-01"]);

    public void Map(IEndpointRouteBuilder routes)
    {
        var subscriptions = routes.MapGroup("/subscriptions").WithMetadata(Subscriptions);
        subscriptions.MapGet("", ListSubscriptions);
        subscriptions.MapGet($"/{{{ArmPipeline.SubscriptionId}}}", GetSubscription);

        var groups = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups").WithMetadata(ResourceGroups);
        groups.MapGet("", ListResourceGroups);
        groups.MapGet($"/{{{ArmPipeline.ResourceGroupName}}}", GetResourceGroup);
    }

    private Task ListSubscriptions(HttpContext ctx)
    {
        var tenant = state.Tenant;
        var items = tenant.Subscriptions.Select(s => (JsonNode)RenderSubscription(s, tenant.TenantId)).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize).WriteAsync(ctx);
    }

    private Task GetSubscription(HttpContext ctx)
    {
        var tenant = state.Tenant;
        var subscription = tenant.FindSubscription(Route(ctx, ArmPipeline.SubscriptionId))!; // existence checked by the pipeline
        return HttpJson.WriteAsync(ctx, 200, RenderSubscription(subscription, tenant.TenantId));
    }

    private Task ListResourceGroups(HttpContext ctx)
    {
        var subscription = state.Tenant.FindSubscription(Route(ctx, ArmPipeline.SubscriptionId))!;
        var items = subscription.ResourceGroups.Select(rg => (JsonNode)RenderResourceGroup(subscription, rg)).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize).WriteAsync(ctx);
    }

    private Task GetResourceGroup(HttpContext ctx)
    {
        var tenant = state.Tenant;
        var subscription = tenant.FindSubscription(Route(ctx, ArmPipeline.SubscriptionId))!;
        var group = tenant.FindResourceGroup(subscription.SubscriptionId, Route(ctx, ArmPipeline.ResourceGroupName))!;
        return HttpJson.WriteAsync(ctx, 200, RenderResourceGroup(subscription, group));
    }

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    /// <summary>The 2022-12-01 shape; scenario extras (state, tags, subscriptionPolicies…) override the defaults.</summary>
    private static JsonObject RenderSubscription(ScenarioSubscription s, string tenantId)
    {
        var json = new JsonObject
        {
            ["id"] = $"/subscriptions/{s.SubscriptionId}",
            ["authorizationSource"] = "RoleBased",
            ["managedByTenants"] = new JsonArray(),
            ["subscriptionId"] = s.SubscriptionId,
            ["tenantId"] = tenantId,
            ["displayName"] = s.DisplayName ?? s.SubscriptionId,
            ["state"] = "Enabled",
            ["subscriptionPolicies"] = new JsonObject
            {
                ["locationPlacementId"] = "Public_2014-09-01",
                ["quotaId"] = "PayAsYouGo_2014-09-01",
                ["spendingLimit"] = "Off",
            },
        };
        if (s.Extra is not null)
            JsonMerge.Apply(json, s.Extra);
        return json;
    }

    private static JsonObject RenderResourceGroup(ScenarioSubscription s, ScenarioResourceGroup rg)
    {
        var json = new JsonObject
        {
            ["id"] = $"/subscriptions/{s.SubscriptionId}/resourceGroups/{rg.Name}",
            ["name"] = rg.Name,
            ["type"] = "Microsoft.Resources/resourceGroups",
            ["location"] = rg.Location,
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
        };
        if (rg.Extra is not null)
            JsonMerge.Apply(json, rg.Extra);
        return json;
    }
}
