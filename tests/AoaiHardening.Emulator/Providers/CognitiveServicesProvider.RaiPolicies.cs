using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Account RAI (content filter) policies (arm-api.md §1.4). Every account has the two system policies Microsoft.Default
/// and Microsoft.DefaultV2: computed, never stored, listed first and refused as PUT or DELETE targets. Custom policies
/// (UserManaged) are child resources written synchronously; deleting one is a location-style operation, refused while a
/// deployment uses it.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string RaiPolicyType = AccountType + "/raiPolicies";
    public const string DefaultPolicy = "Microsoft.Default";
    public const string DefaultV2Policy = "Microsoft.DefaultV2";

    internal static readonly string[] SystemPolicies = [DefaultPolicy, DefaultV2Policy];
    internal static readonly string[] PolicyModes = ["Default", "Deferred", "Blocking", "Asynchronous_filter"];
    internal static readonly string[] FilterSources = ["Prompt", "Completion"];
    internal static readonly string[] SeverityThresholds = ["Low", "Medium", "High"];

    private static readonly ArmApi RaiPoliciesApi = new(Namespace, "accounts/raiPolicies", Versions);

    private void RegisterRaiPolicies() => RegisterChild(RaiPolicyType, (json, _) => json.ObjectAt("properties")["type"] = "UserManaged");

    private void MapRaiPolicies(RouteGroupBuilder accounts)
    {
        var policies = accounts.MapGroup("/{accountName}/raiPolicies").WithMetadata(RaiPoliciesApi);
        policies.MapGet("", ctx => state.ReplyAsync(ctx, () =>
        {
            var account = Find(ctx);
            return ListChildren(ctx, account, RaiPolicyType, SystemPolicies.Select(p => (JsonNode)SystemPolicy(account, p)));
        }));
        policies.MapGet("/{raiPolicyName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var account = Find(ctx);
            var name = Route(ctx, "raiPolicyName");
            return new ArmReply(200, FindPolicy(account, name) ?? throw ChildNotFound(account, "raiPolicies", name));
        }));
        policies.MapPut("/{raiPolicyName}", ctx => state.ReplyAsync(ctx, () => PutPolicy(ctx)));
        policies.MapDelete("/{raiPolicyName}", ctx => state.ReplyAsync(ctx, () => DeletePolicy(ctx)));
    }

    /// <summary>RaiPolicies_CreateOrUpdate, synchronous: 201 new, 200 replaced, the policy with its etag.</summary>
    private ArmReply PutPolicy(HttpContext ctx)
    {
        var account = Find(ctx);
        var name = Route(ctx, "raiPolicyName");
        RefuseSystemPolicy(name, "updated");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without([.. ChildReadOnlyPaths, "properties.type"]);
        ValidatePolicy(account, body);
        var (resource, created) = Upsert(account, "raiPolicies", RaiPolicyType, name, body);
        return new ArmReply(created ? 201 : 200, state.Resources.Render(resource));
    }

    /// <summary>202 + Location (final-state-via location); 204 when absent; 409 while a deployment names the policy.</summary>
    private ArmReply DeletePolicy(HttpContext ctx)
    {
        var account = Find(ctx);
        var name = Route(ctx, "raiPolicyName");
        RefuseSystemPolicy(name, "deleted");
        var policy = TryFindChild(account, "raiPolicies", name, RaiPolicyType);
        if (policy is not null)
        {
            var users = Deployments(state.Resources, account)
                .Where(d => Is(d.Body["properties"].StringAt("raiPolicyName"), ShortName(policy))).Select(ShortName).ToList();
            if (users.Count > 0)
                throw new ArmException(409, "RaiPolicyInUse",
                    $"The RAI policy '{ShortName(policy)}' is used by deployment(s) {string.Join(", ", users.Select(u => $"'{u}'"))}; assign them another policy first.");
        }
        return DeleteChild(ctx, account, policy, LroHeaders.Location);
    }

    private static void RefuseSystemPolicy(string name, string verb)
    {
        if (SystemPolicies.Any(p => Is(p, name)))
            throw ArmErrors.BadRequest("SystemRaiPolicyUpdateNotAllowed",
                $"The system RAI policy '{name}' cannot be {verb}. Create a custom policy (basePolicyName '{name}') instead.");
    }

    /// <summary>
    /// The checks, in body order: mode, each contentFilters entry (name from the catalogue, source, severityThreshold), each
    /// customBlocklists entry (an existing blocklist, source). Values compare case-insensitively and are stored as given.
    /// </summary>
    private void ValidatePolicy(ArmResource account, JsonObject body)
    {
        if (body["properties"] is not JsonObject properties)
            throw ArmErrors.BadRequest("InvalidResourceProperties", "The RAI policy's properties are required.");
        if (properties.ContainsKey("mode") && !PolicyModes.Any(m => Is(m, properties.StringAt("mode"))))
            throw ArmErrors.BadRequest("InvalidRaiPolicyMode",
                $"The RAI policy mode {properties["mode"]?.ToJsonString() ?? "null"} is invalid; it must be one of {string.Join(", ", PolicyModes)}.");

        var filters = properties["contentFilters"] switch
        {
            null => [],
            JsonArray array => array,
            _ => throw ArmErrors.BadRequest("InvalidResourceProperties", "properties.contentFilters must be an array."),
        };
        for (var i = 0; i < filters.Count; i++)
        {
            var entry = filters[i] as JsonObject ?? throw ArmErrors.BadRequest("InvalidResourceProperties", $"properties.contentFilters[{i}] must be an object.");
            var filterName = entry.StringAt("name");
            if (!ContentFilterCatalogue.Any(f => Is(f.Name, filterName)))
                throw ArmErrors.BadRequest("InvalidContentFilterName",
                    $"properties.contentFilters[{i}].name {entry["name"]?.ToJsonString() ?? "null"} is not a content filter; valid names: " +
                    string.Join(", ", ContentFilterCatalogue.Select(f => f.Name)) + ".");
            CheckSource(entry, $"properties.contentFilters[{i}]");
            if (entry.ContainsKey("severityThreshold") && !SeverityThresholds.Any(s => Is(s, entry.StringAt("severityThreshold"))))
                throw ArmErrors.BadRequest("InvalidSeverityThreshold",
                    $"properties.contentFilters[{i}].severityThreshold {entry["severityThreshold"]?.ToJsonString() ?? "null"} is invalid; it must be Low, Medium or High.");
        }

        var blocklists = properties["customBlocklists"] switch
        {
            null => [],
            JsonArray array => array,
            _ => throw ArmErrors.BadRequest("InvalidResourceProperties", "properties.customBlocklists must be an array."),
        };
        for (var i = 0; i < blocklists.Count; i++)
        {
            var entry = blocklists[i] as JsonObject ?? throw ArmErrors.BadRequest("InvalidResourceProperties", $"properties.customBlocklists[{i}] must be an object.");
            var blocklist = entry.StringAt("blocklistName");
            if (blocklist is null || TryFindChild(account, "raiBlocklists", blocklist, RaiBlocklistType) is null)
                throw ArmErrors.BadRequest("RaiBlocklistNotFound",
                    $"properties.customBlocklists[{i}].blocklistName {entry["blocklistName"]?.ToJsonString() ?? "null"} is not a blocklist of account '{account.Name}'.");
            CheckSource(entry, $"properties.customBlocklists[{i}]");
        }
    }

    private static void CheckSource(JsonObject entry, string where)
    {
        if (!FilterSources.Any(s => Is(s, entry.StringAt("source"))))
            throw ArmErrors.BadRequest("InvalidContentFilterSource",
                $"{where}.source {entry["source"]?.ToJsonString() ?? "(missing)"} is invalid; it must be Prompt or Completion.");
    }

    private JsonObject? FindPolicy(ArmResource account, string name) => FindPolicy(state.Resources, account, name);

    /// <summary>The policy as GET renders it: a system policy (computed) or a stored custom one; null when neither.</summary>
    internal static JsonObject? FindPolicy(ResourceStore store, ArmResource account, string name)
    {
        if (SystemPolicies.FirstOrDefault(p => Is(p, name)) is { } system)
            return SystemPolicy(account, system);
        return store.Find($"{account.Id}/raiPolicies/{name}", RaiPolicyType) is { } custom ? store.Render(custom) : null;
    }

    /// <summary>
    /// A system policy: the documented default for text models (Hate, Sexual, Violence, Selfharm at Medium on prompts and
    /// completions; Jailbreak on prompts; Protected Material Text and Code on completions; all enabled and blocking). Both
    /// system policies carry the same filters: whether Microsoft.Default lacks the shields DefaultV2 added is not verified.
    /// </summary>
    internal static JsonObject SystemPolicy(ArmResource account, string name)
    {
        var filters = new JsonArray();
        foreach (var harm in new[] { "Hate", "Sexual", "Violence", "Selfharm" })
            foreach (var source in FilterSources)
                filters.Add(new JsonObject
                {
                    ["name"] = harm, ["blocking"] = true, ["enabled"] = true, ["severityThreshold"] = "Medium", ["source"] = source,
                });
        foreach (var (shield, source) in new[] { ("Jailbreak", "Prompt"), ("Protected Material Text", "Completion"), ("Protected Material Code", "Completion") })
            filters.Add(new JsonObject { ["name"] = shield, ["blocking"] = true, ["source"] = source, ["enabled"] = true });
        return new JsonObject
        {
            ["id"] = $"{account.Id}/raiPolicies/{name}",
            ["name"] = name,
            ["type"] = RaiPolicyType,
            ["properties"] = new JsonObject { ["type"] = "SystemManaged", ["mode"] = "Default", ["contentFilters"] = filters },
        };
    }
}
