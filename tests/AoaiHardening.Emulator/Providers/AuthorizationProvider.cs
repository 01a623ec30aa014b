using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Authorization (2022-04-01): role assignments (create, get, delete, list with $filter) and the built-in
/// role definitions, at any scope: root, management group, subscription, resource group or resource.
/// Role assignment writes are synchronous in ARM, so no operations here.
/// </summary>
internal sealed partial class AuthorizationProvider(EmulatorState state)
{
    public const string Namespace = "Microsoft.Authorization";

    /// <summary>
    /// The object id recorded as createdBy/updatedBy for writes made through the API (the emulator cannot read a caller
    /// from its unvalidated tokens). Seeded assignments have none, like assignments older than the field.
    /// </summary>
    public const string Caller = "ca11e200-0000-4000-8000-0000000000ff";

    private static readonly ArmApi AssignmentsApi = new(Namespace, "roleAssignments", ["2022-04-01"]);
    private static readonly ArmApi DefinitionsApi = new(Namespace, "roleDefinitions", ["2022-04-01"]);
    private const string Marker = "/providers/" + Namespace + "/";

    /// <summary>
    /// Every scope form as a route prefix (a catch-all cannot sit in the middle of a route). Resources go three types
    /// deep (e.g. accounts/deployments); subscription and group are named so the pipeline checks they exist.
    /// </summary>
    private static readonly string[] ScopePrefixes =
    [
        "",
        "/providers/Microsoft.Management/managementGroups/{managementGroupId}",
        $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}",
        $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}",
        $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{{resourceNamespace}}/{{type1}}/{{name1}}",
        $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{{resourceNamespace}}/{{type1}}/{{name1}}/{{type2}}/{{name2}}",
        $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{{resourceNamespace}}/{{type1}}/{{name1}}/{{type2}}/{{name2}}/{{type3}}/{{name3}}",
    ];

    public void Map(IEndpointRouteBuilder routes)
    {
        foreach (var scope in ScopePrefixes)
        {
            var assignments = $"{scope}/providers/{Namespace}/roleAssignments";
            routes.MapGet(assignments, ctx => state.ReplyAsync(ctx, () => ListAssignments(ctx))).WithMetadata(AssignmentsApi);
            routes.MapGet(assignments + "/{roleAssignmentName}", ctx => state.ReplyAsync(ctx, () => GetAssignment(ctx))).WithMetadata(AssignmentsApi);
            routes.MapPut(assignments + "/{roleAssignmentName}", ctx => state.ReplyAsync(ctx, () => PutAssignment(ctx))).WithMetadata(AssignmentsApi);
            routes.MapDelete(assignments + "/{roleAssignmentName}", ctx => state.ReplyAsync(ctx, () => DeleteAssignment(ctx))).WithMetadata(AssignmentsApi);

            var definitions = $"{scope}/providers/{Namespace}/roleDefinitions";
            routes.MapGet(definitions, ctx => state.ReplyAsync(ctx, () => ListDefinitions(ctx))).WithMetadata(DefinitionsApi);
            routes.MapGet(definitions + "/{roleDefinitionId}", ctx => state.ReplyAsync(ctx, () => GetDefinition(ctx))).WithMetadata(DefinitionsApi);
        }
    }

    private ArmReply GetAssignment(HttpContext ctx)
    {
        var scope = Scope(ctx, mustExist: true);
        var name = Route(ctx, "roleAssignmentName");
        return new ArmReply(200, (FindAt(scope, name) ?? throw RoleAssignmentNotFound(name)).Render());
    }

    /// <summary>200 with the deleted assignment, 204 when there is none. The scope need not exist: assignments outlive a deleted resource.</summary>
    private ArmReply DeleteAssignment(HttpContext ctx)
    {
        var assignment = FindAt(Scope(ctx, mustExist: false), Route(ctx, "roleAssignmentName"));
        if (assignment is null)
            return new ArmReply(204);
        state.RoleAssignments.Remove(assignment.Name);
        return new ArmReply(200, assignment.Render());
    }

    /// <summary>Create (201), idempotent re-PUT (200, description and condition may change), or ARM's refusals, in ARM's order.</summary>
    private ArmReply PutAssignment(HttpContext ctx)
    {
        var scope = Scope(ctx, mustExist: true);
        var rawName = Route(ctx, "roleAssignmentName");
        if (!Guid.TryParse(rawName, out var nameGuid))
            throw ArmErrors.BadRequest("InvalidRoleAssignmentId",
                $"The role assignment ID '{rawName}' is not valid. The role assignment ID must be a GUID.");
        var name = nameGuid.ToString();

        var properties = RequestBody.RequireObject(ctx)["properties"] as JsonObject
            ?? throw ArmErrors.InvalidRequestContent("The 'properties' object with roleDefinitionId and principalId is required.");
        var roleReference = properties.StringAt("roleDefinitionId");
        var role = BuiltInRoles.ParseReference(roleReference) ?? throw ArmErrors.BadRequest("InvalidRoleDefinitionId",
            $"The role definition ID '{roleReference}' is not valid. Use /subscriptions/{{subscriptionId}}/providers/Microsoft.Authorization/roleDefinitions/{{guid}}.");
        if (BuiltInRoles.Find(role) is null)
            throw ArmErrors.BadRequest("RoleDefinitionDoesNotExist", $"The specified role definition with ID '{role}' does not exist.");

        var rawPrincipal = properties.StringAt("principalId");
        if (string.IsNullOrWhiteSpace(rawPrincipal))
            throw ArmErrors.BadRequest("InvalidPrincipalId", "A valid principal ID must be provided for role assignment.");
        if (!Guid.TryParse(rawPrincipal, out var principalGuid))
            throw ArmErrors.BadRequest("InvalidPrincipalId", $"The principal ID '{rawPrincipal}' is not valid. The principal ID must be a GUID.");
        var principalId = principalGuid.ToString();
        var givenType = properties.StringAt("principalType") is { } rawType
            ? PrincipalDirectory.PrincipalTypes.FirstOrDefault(t => t.Equals(rawType, StringComparison.OrdinalIgnoreCase))
              ?? throw ArmErrors.InvalidRequestContent($"principalType '{rawType}' is not one of {string.Join(", ", PrincipalDirectory.PrincipalTypes)}")
            : null;

        // Unknown with a principalType is ARM's replication-delay path: accepted, the type taken on trust.
        var knownType = PrincipalDirectory.TypeOf(principalId, state.Tenant,
            state.Resources.Query().Select(r => (r.Id, r.Type, r.Body)));
        if (knownType is null && givenType is null)
            throw ArmErrors.BadRequest("PrincipalNotFound",
                $"Principal {rawPrincipal} does not exist in the directory {state.TenantId}. Check that you have the correct principal ID. " +
                "If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. " +
                "In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. " +
                "See https://aka.ms/docs-principaltype");
        if (knownType is not null && givenType is not null && knownType != givenType)
            throw ArmErrors.BadRequest("UnmatchedPrincipalType",
                $"The PrincipalId '{rawPrincipal}' has type '{knownType}' , which is different from specified PrincipalType '{givenType}'.");

        var now = DateTimeOffset.UtcNow;
        if (state.RoleAssignments.Find(name) is { } existing)
        {
            // Names are unique in the tenant: the same name elsewhere, or for another role or principal, is an update ARM refuses.
            if (!existing.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase) || existing.RoleDefinitionId != role || existing.PrincipalId != principalId)
                throw ArmErrors.BadRequest("RoleAssignmentUpdateNotPermitted",
                    "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
            var updated = existing with
            {
                Description = properties.StringAt("description"),
                Condition = properties.StringAt("condition"),
                ConditionVersion = properties.StringAt("conditionVersion"),
                UpdatedOn = now,
                UpdatedBy = Caller,
            };
            return new ArmReply(200, state.RoleAssignments.Put(updated).Render());
        }

        if (state.RoleAssignments.All.FirstOrDefault(a =>
                a.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase) && a.RoleDefinitionId == role && a.PrincipalId == principalId) is { } duplicate)
            throw new ArmException(409, "RoleAssignmentExists",
                $"The role assignment already exists. The ID of the existing role assignment is {Guid.Parse(duplicate.Name):N}.");

        var created = state.RoleAssignments.Put(new RoleAssignment
        {
            Name = name,
            Scope = scope,
            RoleDefinitionId = role,
            PrincipalId = principalId,
            PrincipalType = knownType ?? givenType!,
            Description = properties.StringAt("description"),
            Condition = properties.StringAt("condition"),
            ConditionVersion = properties.StringAt("conditionVersion"),
            CreatedOn = now,
            UpdatedOn = now,
            CreatedBy = Caller,
            UpdatedBy = Caller,
        });
        return new ArmReply(201, created.Render());
    }

    /// <summary>
    /// Assignments at, above and below the scope; <c>atScope()</c> keeps at-or-above; a principal filter keeps that
    /// principal's. Above = parent resources, resource group, subscription, its management groups and the root.
    /// </summary>
    private ArmReply ListAssignments(HttpContext ctx)
    {
        var scope = ArmScope.Parse(Scope(ctx, mustExist: true))!;
        var (atScope, principal) = ParseAssignmentFilter(ctx.Request.Query["$filter"].ToString());
        var tenant = state.Tenant;
        var chain = scope.Chain(tenant);
        var above = chain.ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Below a subscription, group or resource is a textual continuation of its path; below the root or a management
        // group depends on the tenant's layout, so those look at every assignment.
        var candidates = scope.Kind is ScopeKind.Root or ScopeKind.ManagementGroup
            ? state.RoleAssignments.All
            : state.RoleAssignments.At(chain).Concat(atScope ? [] : state.RoleAssignments.Under(scope.Path)).OrderBy(a => a.Seq);
        var items = candidates
            .Where(a => principal is null || a.PrincipalId.Equals(principal, StringComparison.OrdinalIgnoreCase))
            .Where(a => above.Contains(a.Scope) || (!atScope && scope.Contains(a.Scope, tenant)))
            .Select(a => (JsonNode)a.Render())
            .ToList();
        return Paging.Page(ctx, items, state.Config.PageSize);
    }

    private ArmReply GetDefinition(HttpContext ctx)
    {
        var scope = ArmScope.Parse(Scope(ctx, mustExist: true))!;
        var id = Route(ctx, "roleDefinitionId");
        var role = (Guid.TryParse(id, out var guid) ? BuiltInRoles.Find(guid.ToString()) : null)
            ?? throw new ArmException(404, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{id}' does not exist.");
        return new ArmReply(200, role.Render(scope.SubscriptionId));
    }

    private ArmReply ListDefinitions(HttpContext ctx)
    {
        var scope = ArmScope.Parse(Scope(ctx, mustExist: true))!;
        var filter = ctx.Request.Query["$filter"].ToString().Trim();
        Func<RoleDefinition, bool> keep = _ => true;
        if (filter.Length > 0)
        {
            if (RoleNameFilter().Match(filter) is { Success: true } byName)
            {
                var roleName = Unquote(byName.Groups["value"].Value);
                keep = r => r.RoleName.Equals(roleName, StringComparison.OrdinalIgnoreCase);
            }
            else if (TypeFilter().Match(filter) is { Success: true } byType)
            {
                var type = Unquote(byType.Groups["value"].Value);
                keep = _ => type.Equals("BuiltInRole", StringComparison.OrdinalIgnoreCase); // the emulator has no custom roles
            }
            else
                throw UnsupportedQuery(filter, "roleName eq '{name}', type eq 'BuiltInRole'");
        }
        var items = BuiltInRoles.All.Where(keep).Select(r => (JsonNode)r.Render(scope.SubscriptionId)).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize);
    }

    /// <summary>
    /// The scope the request path names (everything before <c>/providers/Microsoft.Authorization/</c>), in its stored
    /// spelling. <paramref name="mustExist"/> false keeps an unknown resource or management group as written.
    /// </summary>
    private string Scope(HttpContext ctx, bool mustExist)
    {
        var path = ctx.Request.Path.Value ?? "";
        var written = path[..path.LastIndexOf(Marker, StringComparison.OrdinalIgnoreCase)];
        var scope = ArmScope.Parse(written)
            ?? throw ArmErrors.BadRequest("InvalidScope", $"The scope '{written}' is not a management group, subscription, resource group or resource id.");
        try
        {
            return scope.Canonical(state.Tenant, id => state.Resources.Find(id)?.Id);
        }
        catch (ArmException) when (!mustExist && scope.Kind is ScopeKind.Resource or ScopeKind.ManagementGroup)
        {
            return scope.Path;
        }
    }

    private RoleAssignment? FindAt(string scope, string name) =>
        state.RoleAssignments.Find(Guid.TryParse(name, out var guid) ? guid.ToString() : name) is { } a
        && a.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase) ? a : null;

    /// <summary>
    /// The role assignment filters ARM supports: <c>atScope()</c>, <c>principalId eq '{id}'</c>, <c>assignedTo('{id}')</c>,
    /// and atScope() joined to one principal filter by <c>and</c>. Spacing and case do not matter.
    /// </summary>
    private static (bool AtScope, string? PrincipalId) ParseAssignmentFilter(string filter)
    {
        filter = filter.Trim();
        if (filter.Length == 0)
            return (false, null);
        bool atScope = false;
        string? principal = null;
        foreach (var term in AndSeparator().Split(filter))
        {
            if (AtScopeTerm().IsMatch(term) && !atScope)
                atScope = true;
            else if (PrincipalTerm().Match(term) is { Success: true } match && principal is null && Guid.TryParse(match.Groups["id"].Value, out var id))
                principal = id.ToString();
            else
                throw UnsupportedQuery(filter, "atScope(), principalId eq '{id}', assignedTo('{id}'), atScope() and principalId eq '{id}', atScope() and assignedTo('{id}')");
        }
        return (atScope, principal);
    }

    private static string Unquote(string odataString) => odataString.Replace("''", "'", StringComparison.Ordinal);

    private static ArmException UnsupportedQuery(string filter, string supported) =>
        ArmErrors.BadRequest("UnsupportedQuery", $"The filter '{filter}' is not supported. Supported filters: {supported}.");

    private static ArmException RoleAssignmentNotFound(string name) =>
        new(404, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSeparator();

    [GeneratedRegex(@"^\s*atScope\s*\(\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex AtScopeTerm();

    [GeneratedRegex(@"^\s*(?:principalId\s+eq\s+'(?<id>[^']*)'|assignedTo\s*\(\s*'(?<id>[^']*)'\s*\))\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PrincipalTerm();

    [GeneratedRegex(@"^roleName\s+eq\s+'(?<value>(?:[^']|'')*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex RoleNameFilter();

    [GeneratedRegex(@"^type\s+eq\s+'(?<value>(?:[^']|'')*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex TypeFilter();
}
