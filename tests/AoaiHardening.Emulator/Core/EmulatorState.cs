using System.Text.Json.Nodes;
using AoaiHardening.Emulator.KeyVault;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// Everything the emulator knows, and the knobs tests turn: the same operations as the /_emulator control API.
/// </summary>
public sealed class EmulatorState
{
    private readonly EmulatorConfig baseConfig;
    private volatile EmulatorConfig config;
    private volatile Tenant tenant = Tenant.From(new Scenario());
    private string lastScenarioJson = "{}";
    private readonly Dictionary<string, Func<SeedResource, IEnumerable<SeedResource>>> seedExpanders = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action> afterLoad = [];

    internal EmulatorState(EmulatorConfig baseConfig)
    {
        this.baseConfig = baseConfig.Validated();
        config = this.baseConfig;
        Resources.RegisterView(ManagedIdentity.UserAssignedType, ManagedIdentity.FillUserAssigned);
    }

    /// <summary>Behaviour knobs, read on every request. Assign a <c>with</c> copy to change them.</summary>
    public EmulatorConfig Config
    {
        get => config;
        set => config = value.Validated();
    }

    public string TenantId => tenant.TenantId;

    /// <summary>Every ARM request the emulator answered (control API calls excluded).</summary>
    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    internal RateLimits RateLimits { get; } = new();

    /// <summary>Guards <see cref="Resources"/> and <see cref="Operations"/>, which change together.</summary>
    internal Lock Gate { get; } = new();
    internal ResourceStore Resources { get; } = new();
    internal OperationStore Operations { get; } = new();
    internal RoleAssignmentStore RoleAssignments { get; } = new();

    /// <summary>Key Vault secrets (data plane) of every vault; also guarded by <see cref="Gate"/>.</summary>
    internal SecretStore Secrets { get; } = new();
    internal Tenant Tenant => tenant;

    /// <summary>
    /// Replaces all state with the scenario (JSON text): subscriptions, resource groups, resources, management groups,
    /// principals, role assignments; clears the request log, faults, operations, Key Vault secrets and rate-limit
    /// counters; config becomes the startup config overlaid with the scenario's "config".
    /// </summary>
    /// <exception cref="ScenarioException">The JSON is not a valid scenario; state is left unchanged.</exception>
    public void LoadScenario(string json)
    {
        var scenario = Scenario.Parse(json);
        var newConfig = scenario.Config?.ApplyTo(baseConfig) ?? baseConfig;
        var seeds = Expand(scenario.Seeds);
        lock (Gate)
        {
            Resources.Clear();
            foreach (var seed in seeds)
                Resources.Add(seed.Id, seed.SubscriptionId, seed.ResourceGroup, seed.Type, seed.Name, (JsonObject)seed.Body.DeepClone());
            foreach (var hook in afterLoad)
                hook();
            Operations.Clear();
            RoleAssignments.Clear();
            foreach (var assignment in scenario.RoleAssignmentSeeds)
                RoleAssignments.Put(assignment);
            Secrets.Clear();
            tenant = Tenant.From(scenario);
            config = newConfig;
            lastScenarioJson = json;
        }
        Requests.Clear();
        Faults.Clear();
        RateLimits.Clear();
    }

    /// <summary>
    /// Lets a provider split a seeded resource the way its API would store it: a virtual network's inline subnets become
    /// subnet resources, so both routes serve them. The expander returns the resource (possibly changed) and any children.
    /// Must be registered before the first scenario loads; may throw <see cref="ScenarioException"/>.
    /// </summary>
    internal void RegisterSeedExpander(string type, Func<SeedResource, IEnumerable<SeedResource>> expand) => seedExpanders[type] = expand;

    /// <summary>
    /// Runs after every scenario load, holding <see cref="Gate"/>, in registration order: lets a provider derive what ARM
    /// would have made on create (an endpoint's private IP, its connection on the account). Must not throw: seeds are
    /// served as given where nothing can be derived.
    /// </summary>
    internal void RegisterAfterLoad(Action hook) => afterLoad.Add(hook);

    private List<SeedResource> Expand(IReadOnlyList<SeedResource> seeds)
    {
        var expanded = new List<SeedResource>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var seed in seeds)
            foreach (var item in seedExpanders.TryGetValue(seed.Type, out var expand) ? expand(seed) : [seed])
            {
                if (!ids.Add(item.Id))
                    throw new ScenarioException($"Resource '{item.Id}' appears twice (seeded inline in its parent and on its own?).");
                expanded.Add(item);
            }
        return expanded;
    }

    /// <summary>Back to the last loaded scenario (or empty), as if it had just been loaded.</summary>
    public void Reset() => LoadScenario(lastScenarioJson);

    /// <summary>Builds an answer while holding <see cref="Gate"/> (reads and writes see one consistent state), then writes it.</summary>
    internal Task ReplyAsync(HttpContext ctx, Func<ArmReply> build)
    {
        ArmReply reply;
        lock (Gate)
            reply = build();
        return reply.WriteAsync(ctx);
    }

    /// <summary>
    /// Stored resources as GET renders them, optionally of one type (case-insensitive), in creation order;
    /// role assignments (type <c>Microsoft.Authorization/roleAssignments</c>) come after the other resources.
    /// </summary>
    public IReadOnlyList<JsonObject> GetResources(string? type = null)
    {
        lock (Gate)
        {
            var resources = Resources.Query(type: type).Select(Resources.Render);
            if (type is null || type.Equals(RoleAssignment.Type, StringComparison.OrdinalIgnoreCase))
                resources = resources.Concat(RoleAssignments.All.Select(a => a.Render()));
            return resources.ToList();
        }
    }

    /// <summary>Every version of a secret (values included), oldest first; empty when the vault has no such secret.</summary>
    public IReadOnlyList<SecretVersion> GetSecretVersions(string vaultName, string secretName)
    {
        lock (Gate)
            return Secrets.Versions(vaultName, secretName);
    }

    /// <summary>
    /// An account's current keys (created on first use, as listKeys does), for assertions; null when there is no such
    /// account. Unlike listKeys it answers even when key auth is off: the keys still exist, they are just refused.
    /// </summary>
    public (string Key1, string Key2)? GetAccountKeys(string accountId)
    {
        lock (Gate)
        {
            if (Resources.Find(accountId) is not { } account || !account.Type.Equals(AccountType, StringComparison.OrdinalIgnoreCase))
                return null;
            var keys = account.Keys ??= ApiKeys.New();
            return (keys.Key1, keys.Key2);
        }
    }

    /// <summary>The stored <c>Microsoft.KeyVault/vaults</c> resource of that name (any subscription), or null. Caller holds <see cref="Gate"/>.</summary>
    internal ArmResource? FindVault(string vaultName) =>
        Resources.Query(type: VaultType).FirstOrDefault(r => r.Name.Equals(vaultName, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when a vault of that name is stored: its data-plane host name then "resolves" (through the proxy).</summary>
    public bool VaultExists(string vaultName)
    {
        lock (Gate)
            return FindVault(vaultName) is not null;
    }

    internal const string VaultType = "Microsoft.KeyVault/vaults";

    internal const string AccountType = "Microsoft.CognitiveServices/accounts";

    /// <summary>
    /// The stored account whose <c>properties.customSubDomainName</c> is <paramref name="subdomain"/> (case-insensitive,
    /// any subscription), or null. Caller holds <see cref="Gate"/>.
    /// </summary>
    internal ArmResource? FindAccountBySubdomain(string subdomain) =>
        Resources.Query(type: AccountType).FirstOrDefault(r =>
            string.Equals(r.Body["properties"].StringAt("customSubDomainName"), subdomain, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when an account has this custom subdomain: its data-plane host names then "resolve" (through the proxy).</summary>
    public bool AccountSubdomainExists(string subdomain)
    {
        lock (Gate)
            return FindAccountBySubdomain(subdomain) is not null;
    }

    /// <summary>One stored resource (or role assignment) as GET renders it, or null.</summary>
    public JsonObject? GetResource(string id)
    {
        lock (Gate)
        {
            if (Resources.Find(id) is { } r)
                return Resources.Render(r);
            var name = id.TrimEnd('/').Split('/')[^1];
            return RoleAssignments.Find(name) is { } a && a.Id.Equals(id.TrimEnd('/'), StringComparison.OrdinalIgnoreCase) ? a.Render() : null;
        }
    }
}

/// <summary>
/// Subscriptions, resource groups, management groups and directory principals of the loaded scenario.
/// Immutable: a new scenario swaps the whole object.
/// </summary>
internal sealed class Tenant
{
    private readonly Dictionary<string, ScenarioSubscription> subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string, string), ScenarioResourceGroup> groups = new(CaseInsensitivePair.Instance);
    private readonly Dictionary<string, ScenarioManagementGroup> managementGroups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> managementGroupOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ScenarioPrincipal> principals = new(StringComparer.OrdinalIgnoreCase);

    private Tenant(string tenantId) => TenantId = tenantId;

    public string TenantId { get; }
    public IReadOnlyList<ScenarioSubscription> Subscriptions { get; private init; } = [];

    public static Tenant From(Scenario scenario)
    {
        var tenant = new Tenant(scenario.TenantId) { Subscriptions = scenario.Subscriptions };
        foreach (var sub in scenario.Subscriptions)
        {
            tenant.subscriptions[sub.SubscriptionId] = sub;
            foreach (var rg in sub.ResourceGroups)
                tenant.groups[(sub.SubscriptionId, rg.Name)] = rg;
        }
        foreach (var mg in scenario.ManagementGroups)
        {
            tenant.managementGroups[mg.Name] = mg;
            foreach (var sub in mg.Subscriptions)
                tenant.managementGroupOf[sub] = mg.Name;
        }
        foreach (var p in scenario.Principals)
            tenant.principals[p.Id] = p with { Type = ScenarioPrincipal.Canonical(p.Type) ?? p.Type };
        return tenant;
    }

    public ScenarioManagementGroup? FindManagementGroup(string name) => managementGroups.GetValueOrDefault(name);

    /// <summary>The management group that lists the subscription, or null (then only the root is above it).</summary>
    public string? ManagementGroupOf(string subscriptionId) => managementGroupOf.GetValueOrDefault(subscriptionId);

    public ScenarioPrincipal? FindPrincipal(string id) => principals.GetValueOrDefault(id);

    public ScenarioSubscription? FindSubscription(string subscriptionId) => subscriptions.GetValueOrDefault(subscriptionId);

    public ScenarioResourceGroup? FindResourceGroup(string subscriptionId, string name) => groups.GetValueOrDefault((subscriptionId, name));

    private sealed class CaseInsensitivePair : IEqualityComparer<(string, string)>
    {
        public static readonly CaseInsensitivePair Instance = new();
        private static readonly StringComparer Cmp = StringComparer.OrdinalIgnoreCase;
        public bool Equals((string, string) x, (string, string) y) => Cmp.Equals(x.Item1, y.Item1) && Cmp.Equals(x.Item2, y.Item2);
        public int GetHashCode((string, string) obj) => HashCode.Combine(Cmp.GetHashCode(obj.Item1), Cmp.GetHashCode(obj.Item2));
    }
}
