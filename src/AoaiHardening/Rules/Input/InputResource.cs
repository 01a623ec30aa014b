using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace AoaiHardening.Rules.Input
{
    /// <summary>Where an offline resource came from: the file and a JSONPath into it (for SARIF and messages).</summary>
    internal sealed class SourceLocation
    {
        public SourceLocation(string file, string jsonPath)
        {
            File = file;
            JsonPath = jsonPath;
        }

        public string File { get; }
        /// <summary>JSONPath of the resource object in the file, e.g. "$", "$[3]", "$.value[0]", "$.resources[1].resources[0]".</summary>
        public string JsonPath { get; }

        public override string ToString() => $"{File}:{JsonPath}";
    }

    /// <summary>
    /// One resource from any input, normalised to the ARM REST shape (camelCase id, name, type, kind, location, sku,
    /// tags, identity, properties). Values are never guessed: a template expression stays the string it was.
    /// </summary>
    internal sealed class InputResource
    {
        public InputResource(string id, string type, string name, JsonObject json, SourceLocation? source)
        {
            Id = id;
            Type = type;
            Name = name;
            Json = json;
            Source = source;
        }

        /// <summary>The resource id; for template resources a synthetic id built from the names (expressions kept as written).</summary>
        public string Id { get; }
        /// <summary>The full resource type, e.g. Microsoft.CognitiveServices/accounts/deployments.</summary>
        public string Type { get; }
        public string Name { get; }
        public JsonObject Json { get; }
        /// <summary>Null for resources read live from ARM.</summary>
        public SourceLocation? Source { get; }
    }

    /// <summary>An account and the related resources found for it in the same input set.</summary>
    internal sealed class AccountInput
    {
        public AccountInput(InputResource account, IReadOnlyList<InputResource> related)
        {
            Account = account;
            Related = related;
        }

        public InputResource Account { get; }
        /// <summary>Children (deployments, raiPolicies, …), extension resources (diagnosticSettings, roleAssignments at its scope) and referenced resources (private endpoints, vaults, keys).</summary>
        public IReadOnlyList<InputResource> Related { get; }
    }
}
