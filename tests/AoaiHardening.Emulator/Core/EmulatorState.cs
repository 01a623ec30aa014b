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
    private Scenario scenario = new();

    /// <summary>Fleets added since the scenario loaded: <see cref="Reset"/> generates them again.</summary>
    private readonly List<FleetSpec> fleets = [];
    private readonly Dictionary<string, Func<SeedResource, IEnumerable<SeedResource>>> seedExpanders = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IReadOnlyList<ArmResource>>> afterLoad = [];

    internal EmulatorState(EmulatorConfig baseConfig)
    {
        this.baseConfig = baseConfig.Validated();
        config = this.baseConfig;
        Resources.RegisterView(ManagedIdentity.UserAssignedType, ManagedIdentity.FillUserAssigned);
    }

    /// <summary>
    /// Behaviour knobs, read on every request. Assign a <c>with</c> copy to change them. A change refills the throttling
    /// buckets and the Resource Graph quota, so new limits apply from a clean start.
    /// </summary>
    public EmulatorConfig Config
    {
        get => config;
        set
        {
            config = value.Validated();
            RateLimits.Clear();
            GraphQuota.Clear();
        }
    }

    public string TenantId => tenant.TenantId;

    /// <summary>Every ARM request the emulator answered (control API calls excluded).</summary>
    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    internal RateLimits RateLimits { get; } = new();

    /// <summary>The Resource Graph per-user query quota (one caller: the emulator cannot tell users apart).</summary>
    internal GraphQuota GraphQuota { get; } = new();

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
        var parsed = Scenario.Parse(json);
        var newConfig = parsed.Config?.ApplyTo(baseConfig) ?? baseConfig;
        var seeds = Expand(parsed.Seeds);
        lock (Gate)
        {
            Resources.Clear();
            Seed(seeds, clone: true);
            Operations.Clear();
            RoleAssignments.Clear();
            foreach (var assignment in parsed.RoleAssignmentSeeds)
                RoleAssignments.Put(assignment);
            Secrets.Clear();
            scenario = parsed;
            tenant = Tenant.From(parsed);
            config = newConfig;
            lastScenarioJson = json;
            fleets.Clear();
        }
        Requests.Clear();
        Faults.Clear();
        RateLimits.Clear();
        GraphQuota.Clear();
    }

    /// <summary>
    /// Adds a generated fleet (<see cref="Fleet"/>) to the current state: subscriptions, groups and principals join the
    /// tenant; resources are stored the way scenario seeds are (expanders, after-load hooks); role assignments are added.
    /// <see cref="Reset"/> generates it again; loading a scenario drops it.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is out of range, or a fleet subscription already exists.</exception>
    public FleetResult AddFleet(FleetSpec spec)
    {
        spec.Validate();
        lock (Gate)
        {
            var fleet = Fleet.Generate(spec, TenantId);
            if (fleet.Subscriptions.FirstOrDefault(s => tenant.FindSubscription(s.SubscriptionId) is not null) is { } taken)
                throw new ArgumentException($"Subscription '{taken.SubscriptionId}' already exists: a fleet is added once per scenario load.");
            scenario = scenario with
            {
                Subscriptions = [.. scenario.Subscriptions, .. fleet.Subscriptions],
                Principals = [.. scenario.Principals, .. fleet.Principals],
            };
            tenant = Tenant.From(scenario);
            var added = Seed(Expand(fleet.Seeds), clone: false);
            foreach (var assignment in fleet.RoleAssignments)
                RoleAssignments.Put(assignment);
            fleets.Add(spec);
            return new FleetResult([.. fleet.Subscriptions.Select(s => s.SubscriptionId)], fleet.Accounts, added, fleet.RoleAssignments.Count);
        }
    }

    /// <summary>Stores expanded seeds, then runs the after-load hooks over them. Caller holds <see cref="Gate"/>.</summary>
    private int Seed(List<SeedResource> seeds, bool clone)
    {
        var added = new List<ArmResource>(seeds.Count);
        foreach (var seed in seeds)
            added.Add(Resources.Add(seed.Id, seed.SubscriptionId, seed.ResourceGroup, seed.Type, seed.Name,
                clone ? (JsonObject)seed.Body.DeepClone() : seed.Body));
        foreach (var hook in afterLoad)
            hook(added);
        return added.Count;
    }

    /// <summary>
    /// Lets a provider split a seeded resource the way its API would store it: a virtual network's inline subnets become
    /// subnet resources, so both routes serve them. The expander returns the resource (possibly changed) and any children.
    /// Must be registered before the first scenario loads; may throw <see cref="ScenarioException"/>.
    /// </summary>
    internal void RegisterSeedExpander(string type, Func<SeedResource, IEnumerable<SeedResource>> expand) => seedExpanders[type] = expand;

    /// <summary>
    /// Runs after every scenario load (and fleet), holding <see cref="Gate"/>, in registration order, over the resources
    /// just seeded: lets a provider derive what ARM would have made on create (an endpoint's private IP, its connection on
    /// the account). Must not throw: seeds are served as given where nothing can be derived.
    /// </summary>
    internal void RegisterAfterLoad(Action<IReadOnlyList<ArmResource>> hook) => afterLoad.Add(hook);

    private List<SeedResource> Expand(IReadOnlyList<SeedResource> seeds)
    {
        var expanded = new List<SeedResource>(seeds.Count);
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

    /// <summary>Back to the last loaded scenario (or empty), as if it had just been loaded, with its fleets generated again.</summary>
    public void Reset()
    {
        List<FleetSpec> again;
        lock (Gate)
            again = [.. fleets];
        LoadScenario(lastScenarioJson);
        foreach (var spec in again)
            AddFleet(spec);
    }

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
