using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

internal enum ScopeKind { Root, ManagementGroup, Subscription, ResourceGroup, Resource }

/// <summary>
/// An RBAC scope: <c>/</c>, <c>/providers/Microsoft.Management/managementGroups/{mg}</c>, <c>/subscriptions/{s}</c>,
/// <c>/subscriptions/{s}/resourceGroups/{rg}</c> or a resource id under a resource group (nested types included).
/// </summary>
internal sealed record ArmScope(ScopeKind Kind, string Path, string? ManagementGroup = null, string? SubscriptionId = null,
    string? ResourceGroup = null, string? ResourceType = null, string? ResourceName = null)
{
    public const string Root = "/";
    public const string ManagementGroupPrefix = "/providers/Microsoft.Management/managementGroups/";

    /// <summary>The scope a text names, or null when it is none of the forms above.</summary>
    public static ArmScope? Parse(string? text)
    {
        if (text is null)
            return null;
        var trimmed = text.Trim().TrimEnd('/');
        if (trimmed.Length == 0)
            return new ArmScope(ScopeKind.Root, Root);
        if (!trimmed.StartsWith('/'))
            return null;
        var s = trimmed[1..].Split('/');
        if (s.Any(segment => segment.Length == 0))
            return null;
        bool Is(int i, string literal) => s[i].Equals(literal, StringComparison.OrdinalIgnoreCase);

        if (s.Length == 4 && Is(0, "providers") && Is(1, "Microsoft.Management") && Is(2, "managementGroups"))
            return new ArmScope(ScopeKind.ManagementGroup, trimmed, ManagementGroup: s[3]);
        if (!Is(0, "subscriptions") || s.Length < 2)
            return null;
        if (s.Length == 2)
            return new ArmScope(ScopeKind.Subscription, trimmed, SubscriptionId: s[1]);
        if (!Is(2, "resourceGroups") || s.Length < 4)
            return null;
        if (s.Length == 4)
            return new ArmScope(ScopeKind.ResourceGroup, trimmed, SubscriptionId: s[1], ResourceGroup: s[3]);
        // providers/{namespace}/{type}/{name}[/{type}/{name}…]: an odd count of segments after "providers".
        var rest = s[5..];
        if (!Is(4, "providers") || rest.Length < 3 || rest.Length % 2 == 0 || rest.Any(r => r.Equals("providers", StringComparison.OrdinalIgnoreCase)))
            return null;
        var types = rest.Skip(1).Where((_, i) => i % 2 == 0).Prepend(rest[0]);
        var names = rest.Skip(1).Where((_, i) => i % 2 == 1);
        return new ArmScope(ScopeKind.Resource, trimmed, SubscriptionId: s[1], ResourceGroup: s[3],
            ResourceType: string.Join('/', types), ResourceName: string.Join('/', names));
    }

    /// <summary>
    /// The scope in its stored spelling (subscription, group, resource id and management group as the scenario has them),
    /// or the ARM not-found error for the missing part. Subscription and group are also checked by the pipeline on
    /// routes that name them; scenario validation relies on this.
    /// </summary>
    public string Canonical(Tenant tenant, Func<string, string?> findResourceId)
    {
        switch (Kind)
        {
            case ScopeKind.Root:
                return Root;
            case ScopeKind.ManagementGroup:
                return ManagementGroupPrefix + (tenant.FindManagementGroup(ManagementGroup!)?.Name
                    ?? throw ArmErrors.ManagementGroupNotFound(ManagementGroup!));
        }
        var subscription = tenant.FindSubscription(SubscriptionId!) ?? throw ArmErrors.SubscriptionNotFound(SubscriptionId!);
        if (Kind == ScopeKind.Subscription)
            return $"/subscriptions/{subscription.SubscriptionId}";
        var group = tenant.FindResourceGroup(subscription.SubscriptionId, ResourceGroup!) ?? throw ArmErrors.ResourceGroupNotFound(ResourceGroup!);
        if (Kind == ScopeKind.ResourceGroup)
            return $"/subscriptions/{subscription.SubscriptionId}/resourceGroups/{group.Name}";
        return findResourceId(Path) ?? throw ArmErrors.ResourceNotFound($"{ResourceType}/{ResourceName}", group.Name);
    }

    /// <summary>
    /// This scope and every scope above it, nearest first, ending with the root: parent resources, resource group,
    /// subscription, the management groups containing the subscription (walking parents). Spelling as in <see cref="Path"/>.
    /// </summary>
    public IReadOnlyList<string> Chain(Tenant tenant)
    {
        var chain = new List<string>();
        if (Kind == ScopeKind.Resource)
        {
            // …/providers/NS/accounts/a/deployments/d → …/providers/NS/accounts/a: each parent is above its children.
            var segments = Path.Split('/');
            var providers = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
            for (var end = segments.Length; end > providers + 2; end -= 2)
                chain.Add(string.Join('/', segments[..end]));
        }
        if (Kind is ScopeKind.Resource or ScopeKind.ResourceGroup)
            chain.Add($"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}");
        if (Kind is ScopeKind.Resource or ScopeKind.ResourceGroup or ScopeKind.Subscription)
            chain.Add($"/subscriptions/{SubscriptionId}");
        var group = Kind == ScopeKind.ManagementGroup
            ? tenant.FindManagementGroup(ManagementGroup!)?.Name ?? ManagementGroup
            : Kind == ScopeKind.Root ? null : tenant.ManagementGroupOf(SubscriptionId!);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (; group is not null && seen.Add(group); group = tenant.FindManagementGroup(group)?.Parent)
            chain.Add(ManagementGroupPrefix + group);
        chain.Add(Root);
        return chain;
    }

    /// <summary>True when <paramref name="other"/> (a canonical scope) is this scope or below it.</summary>
    public bool Contains(string other, Tenant tenant) =>
        Parse(other)?.Chain(tenant).Contains(Path, StringComparer.OrdinalIgnoreCase) == true;
}

/// <summary>One role assignment, immutable: an update stores a changed copy.</summary>
internal sealed record RoleAssignment
{
    public const string Type = "Microsoft.Authorization/roleAssignments";

    /// <summary>A GUID (lower case, with dashes); unique in the tenant, whatever the scope.</summary>
    public required string Name { get; init; }

    /// <summary>Canonical scope (see <see cref="ArmScope.Canonical"/>).</summary>
    public required string Scope { get; init; }

    /// <summary>The role definition GUID.</summary>
    public required string RoleDefinitionId { get; init; }

    public required string PrincipalId { get; init; }
    public required string PrincipalType { get; init; }
    public string? Description { get; init; }
    public string? Condition { get; init; }
    public string? ConditionVersion { get; init; }
    public required DateTimeOffset CreatedOn { get; init; }
    public required DateTimeOffset UpdatedOn { get; init; }
    public string? CreatedBy { get; init; }
    public string? UpdatedBy { get; init; }

    /// <summary>Creation order, for stable lists.</summary>
    public long Seq { get; init; }

    public string Id => (Scope == ArmScope.Root ? "" : Scope) + $"/providers/{Type}/{Name}";

    /// <summary>The 2022-04-01 shape. The role definition id carries the subscription when the scope is in one, as ARM returns it.</summary>
    public JsonObject Render() => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["type"] = Type,
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = BuiltInRoles.ResourceId(RoleDefinitionId, ArmScope.Parse(Scope)?.SubscriptionId),
            ["principalId"] = PrincipalId,
            ["principalType"] = PrincipalType,
            ["scope"] = Scope,
            ["condition"] = Condition,
            ["conditionVersion"] = ConditionVersion,
            ["createdOn"] = Time(CreatedOn),
            ["updatedOn"] = Time(UpdatedOn),
            ["createdBy"] = CreatedBy,
            ["updatedBy"] = UpdatedBy,
            ["delegatedManagedIdentityResourceId"] = null,
            ["description"] = Description,
        },
    };

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
}

/// <summary>
/// Role assignments by name, and by scope (so listing at a scope looks up its chain and the range of scopes under it
/// instead of testing every assignment of the tenant). Callers hold <see cref="EmulatorState.Gate"/>.
/// </summary>
internal sealed class RoleAssignmentStore
{
    private readonly Dictionary<string, RoleAssignment> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, RoleAssignment>> byScope = new(StringComparer.OrdinalIgnoreCase);

    // Scopes in case-insensitive order: the scopes under one (its path + "/…") are one contiguous range.
    private readonly SortedSet<string> orderedScopes = new(StringComparer.OrdinalIgnoreCase);
    private long seq;

    public RoleAssignment? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>Stores a new assignment (next in order) or replaces one of the same name (keeping its place).</summary>
    public RoleAssignment Put(RoleAssignment assignment)
    {
        assignment = assignment with { Seq = byName.TryGetValue(assignment.Name, out var existing) ? existing.Seq : ++seq };
        if (existing is not null)
            Unindex(existing);
        byName[assignment.Name] = assignment;
        if (!byScope.TryGetValue(assignment.Scope, out var atScope))
        {
            byScope[assignment.Scope] = atScope = new(StringComparer.OrdinalIgnoreCase);
            orderedScopes.Add(assignment.Scope);
        }
        atScope[assignment.Name] = assignment;
        return assignment;
    }

    public bool Remove(string name)
    {
        if (!byName.Remove(name, out var removed))
            return false;
        Unindex(removed);
        return true;
    }

    public void Clear()
    {
        byName.Clear();
        byScope.Clear();
        orderedScopes.Clear();
    }

    public IEnumerable<RoleAssignment> All => byName.Values.OrderBy(a => a.Seq);

    /// <summary>The assignments made exactly at one of these scopes (case-insensitive), unordered.</summary>
    public IEnumerable<RoleAssignment> At(IEnumerable<string> scopes) =>
        scopes.Distinct(StringComparer.OrdinalIgnoreCase).SelectMany(s => byScope.TryGetValue(s, out var at) ? at.Values : Enumerable.Empty<RoleAssignment>());

    /// <summary>
    /// The assignments whose scope continues <paramref name="scope"/> textually (<c>{scope}/…</c>), unordered: what is
    /// below a subscription, resource group or resource scope. '0' follows '/', so the range [scope/, scope0] holds them.
    /// </summary>
    public IEnumerable<RoleAssignment> Under(string scope)
    {
        var prefix = scope.TrimEnd('/') + "/";
        return orderedScopes.GetViewBetween(prefix, scope.TrimEnd('/') + "0")
            .Where(s => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .SelectMany(s => byScope[s].Values)
            .ToList();
    }

    private void Unindex(RoleAssignment assignment)
    {
        if (byScope.TryGetValue(assignment.Scope, out var atScope) && atScope.Remove(assignment.Name) && atScope.Count == 0)
        {
            byScope.Remove(assignment.Scope);
            orderedScopes.Remove(assignment.Scope);
        }
    }
}

/// <summary>
/// Who exists in the tenant's directory, and as what: the scenario's principals, plus every managed identity the
/// emulator holds (system-assigned principals of any resource, user-assigned identity resources and the entries
/// resources carry for them), all of which Entra lists as service principals.
/// </summary>
internal static class PrincipalDirectory
{
    public const string ServicePrincipal = "ServicePrincipal";

    /// <summary>Principal types ARM accepts on a role assignment, in their canonical spelling.</summary>
    public static readonly string[] PrincipalTypes = ["User", "Group", ServicePrincipal, "ForeignGroup", "Device"];

    /// <summary>The principal's type, or null when the directory has no such principal.</summary>
    public static string? TypeOf(string principalId, Tenant tenant, IEnumerable<(string Id, string Type, JsonObject Body)> resources)
    {
        if (tenant.FindPrincipal(principalId) is { } declared)
            return declared.Type;
        foreach (var (id, type, body) in resources)
        {
            var identity = body["identity"] as JsonObject;
            if (Same(identity.StringAt("principalId"), principalId)
                || (identity?["userAssignedIdentities"] as JsonObject)?.Any(e => Same(e.Value.StringAt("principalId"), principalId)) == true
                || (type.Equals(ManagedIdentity.UserAssignedType, StringComparison.OrdinalIgnoreCase)
                    && Same(ManagedIdentity.UserAssignedIds(id, body).PrincipalId, principalId)))
                return ServicePrincipal;
        }
        return null;
    }

    private static bool Same(string? a, string b) => a is not null && a.Equals(b, StringComparison.OrdinalIgnoreCase);
}
