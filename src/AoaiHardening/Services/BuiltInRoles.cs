using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace AoaiHardening.Services
{
    /// <summary>What a role means for an Azure OpenAI account, for the access audit.</summary>
    internal enum RoleClass
    {
        /// <summary>Controls the account (or everything): can list keys, change network, content and identity settings, or grant access.</summary>
        Management,
        /// <summary>Calls the model and reads data-plane content only: what a workload needs.</summary>
        DataPlane,
        /// <summary>Data plane plus creating deployments and fine-tunes (not keys, not network).</summary>
        ElevatedDataPlane,
        /// <summary>Cognitive Services User: data plane of every kind, and it includes listKeys.</summary>
        KeyReader,
        /// <summary>Reads configuration only.</summary>
        Reader,
        /// <summary>A role for another service (Key Vault, Search, Storage): irrelevant to the account itself.</summary>
        Unrelated,
        /// <summary>A custom or unknown role: read its definition to judge.</summary>
        Unknown,
    }

    /// <summary>
    /// The built-in role definitions the module names (shared/reference/facts.md, "Built-in role definition ids"; Learn:
    /// Azure built-in roles). Roles are compared by GUID, never by name: published guides mislabel a001fd3d… as
    /// "Cognitive Services Contributor", but it is the OpenAI Contributor.
    /// </summary>
    internal static class BuiltInRoles
    {
        public sealed class Role
        {
            public Role(string name, string id, RoleClass @class)
            {
                Name = name;
                Id = id;
                Class = @class;
            }

            public string Name { get; }
            public string Id { get; }
            public RoleClass Class { get; }
        }

        public const string OpenAiUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
        public const string OpenAiContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";
        public const string CognitiveServicesContributor = "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68";
        public const string CognitiveServicesUser = "a97b65f3-24c7-4388-baec-2e87135dc908";
        public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
        public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
        public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
        public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

        public static IReadOnlyList<Role> All { get; } = new[]
        {
            new Role("Cognitive Services OpenAI User", OpenAiUser, RoleClass.DataPlane),
            new Role("Cognitive Services OpenAI Contributor", OpenAiContributor, RoleClass.ElevatedDataPlane),
            new Role("Cognitive Services Contributor", CognitiveServicesContributor, RoleClass.Management),
            new Role("Cognitive Services User", CognitiveServicesUser, RoleClass.KeyReader),
            new Role("Cognitive Services Usages Reader", "bba48692-92b0-4667-a9ad-c31c7b334ac2", RoleClass.Reader),
            new Role("Key Vault Crypto Service Encryption User", "e147488a-f6f5-4113-8e2d-b22465e65bf6", RoleClass.Unrelated),
            new Role("Key Vault Crypto Officer", "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", RoleClass.Unrelated),
            new Role("Key Vault Secrets Officer", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", RoleClass.Unrelated),
            new Role("Search Index Data Reader", "1407120a-92aa-4202-b7e9-c0e197c71c8f", RoleClass.Unrelated),
            new Role("Search Index Data Contributor", "8ebe5a00-799e-43f5-93ac-243d3dce84a7", RoleClass.Unrelated),
            new Role("Search Service Contributor", "7ca78c08-252a-4471-8644-bb5ff32d4ba0", RoleClass.Unrelated),
            new Role("Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", RoleClass.Unrelated),
            new Role("Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", RoleClass.Unrelated),
            new Role("Contributor", Contributor, RoleClass.Management),
            new Role("Owner", Owner, RoleClass.Management),
            new Role("User Access Administrator", UserAccessAdministrator, RoleClass.Management),
            new Role("Reader", Reader, RoleClass.Reader),
        };

        /// <summary>The roles AOAI-IAM-003 and IAM-004 name: Owner, Contributor, Cognitive Services Contributor (rules.md).</summary>
        public static readonly ISet<string> RuleManagementRoles = new HashSet<string>(new[] { Owner, Contributor, CognitiveServicesContributor }, StringComparer.OrdinalIgnoreCase);

        private static readonly Regex Guid = new Regex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.CultureInvariant);

        public static Role? ById(string? guid) => guid == null ? null : All.FirstOrDefault(r => string.Equals(r.Id, guid, StringComparison.OrdinalIgnoreCase));

        public static Role? ByName(string? name) => name == null ? null : All.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// The role GUID inside a roleDefinitionId in any of its forms (/subscriptions/…/roleDefinitions/{guid},
        /// /providers/…/roleDefinitions/{guid}, a bare GUID, or a template expression naming one); null when none.
        /// </summary>
        public static string? GuidOf(string? roleDefinitionId)
        {
            if (string.IsNullOrEmpty(roleDefinitionId)) return null;
            var matches = Guid.Matches(roleDefinitionId);
            return matches.Count == 0 ? null : matches[matches.Count - 1].Value.ToLowerInvariant();
        }

        public static bool IsGuid(string? value) => value != null && System.Guid.TryParseExact(value, "D", out _);
    }
}
