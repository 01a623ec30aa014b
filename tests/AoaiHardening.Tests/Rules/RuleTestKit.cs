using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>Builds accounts from JSON fragments and evaluates rules on them.</summary>
    internal static class RuleTestKit
    {
        public const string AccountId = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers/Microsoft.CognitiveServices/accounts/acct";

        /// <summary>An account with the given properties JSON (and optional top-level members), kind OpenAI unless overridden.</summary>
        public static InputResource Account(string properties = "{}", string kind = "OpenAI", string? extra = null, string id = AccountId)
        {
            var json = JsonNode.Parse($"{{\"id\":\"{id}\",\"name\":\"acct\",\"type\":\"Microsoft.CognitiveServices/accounts\",\"kind\":{(kind.StartsWith("[") ? $"\"{kind}\"" : $"\"{kind}\"")},\"location\":\"eastus\",\"properties\":{properties}{(extra != null ? "," + extra : string.Empty)}}}")!.AsObject();
            return new InputResource(id, "Microsoft.CognitiveServices/accounts", "acct", json, null);
        }

        /// <summary>The fixing cmdlets this version exports (what the module's manifest gives the engine at run time).</summary>
        public static readonly ISet<string> ModuleCommands = new HashSet<string>(StringComparer.OrdinalIgnoreCase) 
        {
            "Disable-AoaiLocalAuth", "Enable-AoaiLocalAuth",
            "Disable-AoaiPublicNetworkAccess", "Enable-AoaiPublicNetworkAccess", "Set-AoaiNetworkRule", "Set-AoaiOutboundAccess",
        };

        public static IReadOnlyList<AoaiFinding> Evaluate(InputResource account, string ruleId, Baseline? baseline = null, IReadOnlyList<InputResource>? related = null, bool includeAllKinds = false)
        {
            var engine = new HardeningEngine(new EngineOptions
            {
                Baseline = baseline ?? Baseline.Strict,
                Rules = new[] { ruleId },
                IncludeAllKinds = includeAllKinds,
                AvailableCommands = ModuleCommands,
            });
            var types = new HashSet<string>((related ?? Array.Empty<InputResource>()).Select(r => r.Type), StringComparer.OrdinalIgnoreCase);
            return engine.Evaluate(new AccountInput(account, related ?? Array.Empty<InputResource>()), types).ToList();
        }

        public static AoaiFinding One(InputResource account, string ruleId, Baseline? baseline = null, IReadOnlyList<InputResource>? related = null) =>
            Evaluate(account, ruleId, baseline, related).Single();
    }
}
