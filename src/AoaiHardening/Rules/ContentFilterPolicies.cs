using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// What a content filter (RAI policy) must contain, defined once for the CSF rules and the content-safety cmdlets:
    /// filter names as ARM spells them (arm-api.md §1.4: <c>Selfharm</c>, <c>Indirect Attack</c>,
    /// <c>Protected Material Text</c>), the presets, the checks, and in-place edits that keep unknown fields.
    /// </summary>
    internal static class ContentFilterPolicies
    {
        public const string Hate = "Hate";
        public const string Sexual = "Sexual";
        public const string Violence = "Violence";
        public const string Selfharm = "Selfharm";
        public const string Jailbreak = "Jailbreak";
        public const string IndirectAttack = "Indirect Attack";
        public const string ProtectedMaterialText = "Protected Material Text";
        public const string ProtectedMaterialCode = "Protected Material Code";
        public const string Profanity = "Profanity";
        public const string Prompt = "Prompt";
        public const string Completion = "Completion";

        public const string StrictPresetName = "Strict";
        public const string DefaultPresetName = "Default";
        public const string DefaultBasePolicy = "Microsoft.DefaultV2";

        /// <summary>The four multi-level harm categories, each filtered on prompts and completions.</summary>
        public static readonly string[] HarmCategories = { Hate, Sexual, Violence, Selfharm };
        public static readonly string[] Sources = { Prompt, Completion };
        public static readonly string[] Thresholds = { "Low", "Medium", "High" };
        public static readonly string[] Modes = { "Default", "Deferred", "Blocking", "Asynchronous_filter" };

        /// <summary>Every filter name the service catalogue lists, in ARM's spelling.</summary>
        public static readonly string[] KnownFilters = { Hate, Sexual, Violence, Selfharm, Jailbreak, IndirectAttack, ProtectedMaterialText, ProtectedMaterialCode, Profanity };

        // ------------------------------------------------------------------ presets
        /// <summary>
        /// The policy properties of a preset. Strict is the hardening guide's strict-production-filter: the four harm
        /// filters at Low on prompts and completions, blocking; Jailbreak and Indirect Attack blocking on prompts; base
        /// Microsoft.DefaultV2; synchronous mode. Default is the documented default for text models (facts.md): harm at
        /// Medium, Jailbreak on prompts, Protected Material Text and Code on completions.
        /// </summary>
        public static JsonObject Preset(string preset)
        {
            var filters = new JsonArray();
            var strict = string.Equals(preset, StrictPresetName, StringComparison.OrdinalIgnoreCase);
            if (!strict && !string.Equals(preset, DefaultPresetName, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"Unknown preset '{preset}'. Valid presets: {StrictPresetName}, {DefaultPresetName}.");
            foreach (var category in HarmCategories)
                foreach (var source in Sources)
                    filters.Add(Entry(category, source, true, true, strict ? "Low" : "Medium"));
            filters.Add(Entry(Jailbreak, Prompt, true, true, null));
            if (strict)
            {
                filters.Add(Entry(IndirectAttack, Prompt, true, true, null));
            }
            else
            {
                filters.Add(Entry(ProtectedMaterialText, Completion, true, true, null));
                filters.Add(Entry(ProtectedMaterialCode, Completion, true, true, null));
            }
            return new JsonObject
            {
                ["mode"] = "Default",
                ["basePolicyName"] = DefaultBasePolicy,
                ["contentFilters"] = filters,
            };
        }

        /// <summary>What the service applies where a system policy cannot be read (rules.md: the documented default).</summary>
        public static JsonObject DocumentedDefault() => Preset(DefaultPresetName);

        private static JsonObject Entry(string name, string source, bool enabled, bool blocking, string? threshold)
        {
            var entry = new JsonObject { ["name"] = name, ["enabled"] = enabled, ["blocking"] = blocking };
            if (threshold != null) entry["severityThreshold"] = threshold;
            entry["source"] = source;
            return entry;
        }

        // ------------------------------------------------------------------ checks (the CSF conditions)
        /// <summary>The entry for a filter on a source (names compared case-insensitively, as rules.md says), or null.</summary>
        public static JsonObject? Find(JsonObject? properties, string name, string source) =>
            Json.Objects(properties?["contentFilters"]).FirstOrDefault(e => Json.EqualsIgnoreCase(Json.Str(e["name"]), name) && Json.EqualsIgnoreCase(Json.Str(e["source"]), source));

        /// <summary>CSF-001: each harm category on each source must be present, enabled, blocking and not at High. Empty when it is.</summary>
        public static IReadOnlyList<string> HarmProblems(JsonObject? properties)
        {
            var problems = new List<string>();
            foreach (var category in HarmCategories)
            {
                foreach (var source in Sources)
                {
                    var entry = Find(properties, category, source);
                    if (entry == null) problems.Add($"{category}/{source} missing");
                    else if (Json.Bool(entry["enabled"]) != true) problems.Add($"{category}/{source} disabled");
                    else if (Json.Bool(entry["blocking"]) != true) problems.Add($"{category}/{source} not blocking");
                    else if (Json.EqualsIgnoreCase(Json.Str(entry["severityThreshold"]), "High")) problems.Add($"{category}/{source} at High");
                }
            }
            return problems;
        }

        /// <summary>CSF-002/003: a shield (Jailbreak, Indirect Attack) blocks when its Prompt entry is enabled and blocking.</summary>
        public static bool ShieldBlocks(JsonObject? properties, string shield)
        {
            var entry = Find(properties, shield, Prompt);
            return entry != null && Json.Bool(entry["enabled"]) == true && Json.Bool(entry["blocking"]) == true;
        }

        /// <summary>CSF-004: Asynchronous_filter and Deferred return content before it is checked.</summary>
        public static bool IsAsynchronous(string? mode) =>
            Json.EqualsIgnoreCase(mode, "Asynchronous_filter") || Json.EqualsIgnoreCase(mode, "Deferred");

        /// <summary>CSF-005: harm entries whose threshold is not Low (a missing entry counts: its threshold is not Low).</summary>
        public static IReadOnlyList<string> NonLowThresholds(JsonObject? properties)
        {
            var found = new List<string>();
            foreach (var category in HarmCategories)
            {
                foreach (var source in Sources)
                {
                    var threshold = Json.Str(Find(properties, category, source)?["severityThreshold"]);
                    if (!Json.EqualsIgnoreCase(threshold, "Low")) found.Add($"{category}/{source}={threshold ?? "(none)"}");
                }
            }
            return found;
        }

        // ------------------------------------------------------------------ edits (in place; unknown fields kept)
        /// <summary>All four harm categories on both sources at a threshold, blocking; "Off" turns them off (needs Microsoft's approval).</summary>
        public static void SetHarmThreshold(JsonObject properties, string threshold)
        {
            var off = string.Equals(threshold, "Off", StringComparison.OrdinalIgnoreCase);
            foreach (var category in HarmCategories)
            {
                foreach (var source in Sources)
                {
                    var entry = Ensure(properties, category, source);
                    entry["enabled"] = !off;
                    entry["blocking"] = !off;
                    if (!off) entry["severityThreshold"] = Canonical(threshold, Thresholds);
                    else if (entry["severityThreshold"] == null) entry["severityThreshold"] = "High";
                }
            }
        }

        /// <summary>A non-graded filter on one source: Block (enabled, blocking), Annotate (enabled only) or Off.</summary>
        public static void SetFilter(JsonObject properties, string name, string source, string action)
        {
            var entry = Ensure(properties, name, source);
            entry["enabled"] = !string.Equals(action, "Off", StringComparison.OrdinalIgnoreCase);
            entry["blocking"] = string.Equals(action, "Block", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Attach blocklists for the given sources (blocking); an existing attachment is updated, not duplicated.</summary>
        public static void AttachBlocklists(JsonObject properties, IEnumerable<string> names, IEnumerable<string> sources)
        {
            var list = properties["customBlocklists"] as JsonArray;
            if (list == null) properties["customBlocklists"] = list = new JsonArray();
            foreach (var name in names)
            {
                foreach (var source in sources)
                {
                    var entry = Json.Objects(list).FirstOrDefault(e => Json.EqualsIgnoreCase(Json.Str(e["blocklistName"]), name) && Json.EqualsIgnoreCase(Json.Str(e["source"]), source));
                    if (entry == null) list.Add(new JsonObject { ["blocklistName"] = name, ["blocking"] = true, ["source"] = Canonical(source, Sources) });
                    else entry["blocking"] = true;
                }
            }
        }

        /// <summary>Detach blocklists (every source); returns how many attachments were removed.</summary>
        public static int DetachBlocklists(JsonObject properties, IEnumerable<string> names)
        {
            if (!(properties["customBlocklists"] is JsonArray list)) return 0;
            var set = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            var removed = 0;
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i] is JsonObject e && set.Contains(Json.Str(e["blocklistName"]) ?? string.Empty))
                {
                    list.RemoveAt(i);
                    removed++;
                }
            }
            return removed;
        }

        /// <summary>True when two policies' settings match: mode, base policy, filters (by name and source) and blocklists.</summary>
        public static bool SameSettings(JsonObject? a, JsonObject? b) =>
            Json.EqualsIgnoreCase(Json.Str(a?["mode"]), Json.Str(b?["mode"]))
            && Json.EqualsIgnoreCase(Json.Str(a?["basePolicyName"]), Json.Str(b?["basePolicyName"]))
            && Filters(a).SetEquals(Filters(b))
            && Blocklists(a).SetEquals(Blocklists(b));

        private static HashSet<string> Filters(JsonObject? properties) => new HashSet<string>(
            Json.Objects(properties?["contentFilters"]).Select(e =>
                $"{Json.Str(e["name"])}|{Json.Str(e["source"])}|{Json.Bool(e["enabled"]) ?? false}|{Json.Bool(e["blocking"]) ?? false}|{Json.Str(e["severityThreshold"])}".ToLowerInvariant()));

        private static HashSet<string> Blocklists(JsonObject? properties) => new HashSet<string>(
            Json.Objects(properties?["customBlocklists"]).Select(e =>
                $"{Json.Str(e["blocklistName"])}|{Json.Str(e["source"])}|{Json.Bool(e["blocking"]) ?? false}".ToLowerInvariant()));

        private static JsonObject Ensure(JsonObject properties, string name, string source)
        {
            var existing = Find(properties, name, source);
            if (existing != null) return existing;
            var list = properties["contentFilters"] as JsonArray;
            if (list == null) properties["contentFilters"] = list = new JsonArray();
            var entry = new JsonObject { ["name"] = Canonical(name, KnownFilters), ["source"] = Canonical(source, Sources) };
            list.Add(entry);
            return entry;
        }

        /// <summary>The catalogue's spelling of a value given in any case.</summary>
        public static string Canonical(string value, IEnumerable<string> known) =>
            known.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase)) ?? value;
    }
}
