using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.OpenAi;

/// <summary>
/// A deployment's RAI policy applied to the classifier's findings: which categories are reported, which are filtered,
/// in the data plane's <c>content_filter_results</c> shape. Only the policy's own entries count (its basePolicyName is
/// not consulted); an entry's missing <c>enabled</c>/<c>blocking</c> reads as false, a missing severityThreshold as Medium.
/// </summary>
internal sealed class ContentFilterPolicy(JsonObject properties, Func<string, IReadOnlyList<(string Pattern, bool IsRegex)>> blocklistItems)
{
    private const string Prompt = "Prompt";
    private const string Completion = "Completion";

    /// <summary>ARM's filter name of each harm category, and its data-plane key.</summary>
    private static readonly (HarmCategory Category, string FilterName, string Key)[] Harms =
    [
        (HarmCategory.Hate, "Hate", "hate"),
        (HarmCategory.SelfHarm, "Selfharm", "self_harm"),
        (HarmCategory.Sexual, "Sexual", "sexual"),
        (HarmCategory.Violence, "Violence", "violence"),
    ];

    /// <summary>Asynchronous_filter and Deferred: completions stream back unchecked (prompts are still filtered).</summary>
    public bool FiltersCompletionsLater =>
        Is(properties.StringAt("mode"), "Asynchronous_filter") || Is(properties.StringAt("mode"), "Deferred");

    /// <summary>The prompt's results; <paramref name="filtered"/> when anything in them blocks the request.</summary>
    public JsonObject PromptResults(PromptFindings findings, out bool filtered)
    {
        var results = HarmResults(findings.Harms, Prompt, out filtered);
        results["jailbreak"] = Detection("Jailbreak", Prompt, findings.Jailbreak, ref filtered);
        results["indirect_attack"] = Detection("Indirect Attack", Prompt, findings.IndirectAttack, ref filtered);
        if (Entry("Profanity", Prompt) is not null)
            results["profanity"] = Detection("Profanity", Prompt, findings.Profanity, ref filtered);
        AddBlocklists(results, Prompt, findings.PromptText, ref filtered);
        return results;
    }

    /// <summary>The completion's results; <paramref name="filtered"/> when the answer must be withheld.</summary>
    public JsonObject CompletionResults(TextFindings findings, string completion, out bool filtered)
    {
        var results = HarmResults(findings.Harms, Completion, out filtered);
        results["protected_material_text"] = Detection("Protected Material Text", Completion, findings.ProtectedMaterialText, ref filtered);
        results["protected_material_code"] = Detection("Protected Material Code", Completion, findings.ProtectedMaterialCode, ref filtered);
        if (Entry("Profanity", Completion) is not null)
            results["profanity"] = Detection("Profanity", Completion, findings.Profanity, ref filtered);
        AddBlocklists(results, Completion, completion, ref filtered);
        return results;
    }

    /// <summary>
    /// Every category, <c>{filtered, severity}</c>: filtered when the entry is enabled, blocking and the severity reaches its
    /// threshold (Low blocks low and up, Medium medium and up, High only high).
    /// </summary>
    private JsonObject HarmResults(IReadOnlyDictionary<HarmCategory, Severity> found, string source, out bool filtered)
    {
        filtered = false;
        var results = new JsonObject();
        foreach (var (category, filterName, key) in Harms)
        {
            var severity = found[category];
            var entry = Entry(filterName, source);
            var blocks = severity > Severity.Safe && entry is not null && Flag(entry, "enabled") && Flag(entry, "blocking")
                && severity >= Threshold(entry);
            filtered |= blocks;
            results[key] = new JsonObject { ["filtered"] = blocks, ["severity"] = severity.ToString().ToLowerInvariant() };
        }
        return results;
    }

    /// <summary><c>{filtered, detected}</c>: detected when found and the entry is enabled; filtered when it also blocks.</summary>
    private JsonObject Detection(string filterName, string source, bool found, ref bool filtered)
    {
        var entry = Entry(filterName, source);
        var detected = found && entry is not null && Flag(entry, "enabled");
        var blocks = detected && Flag(entry!, "blocking");
        filtered |= blocks;
        return new JsonObject { ["filtered"] = blocks, ["detected"] = detected };
    }

    /// <summary>
    /// The policy's customBlocklists of this source: a hit is an item found in the text (substring, or a .NET regex when
    /// isRegex; both case-insensitive). Details list the blocklists hit, each filtered when its entry blocks.
    /// </summary>
    private void AddBlocklists(JsonObject results, string source, string text, ref bool filtered)
    {
        var entries = (properties["customBlocklists"] as JsonArray ?? []).OfType<JsonObject>().Where(b => Is(b.StringAt("source"), source)).ToList();
        if (entries.Count == 0)
            return;
        var details = new JsonArray();
        var any = false;
        foreach (var entry in entries)
        {
            var name = entry.StringAt("blocklistName") ?? "";
            if (!blocklistItems(name).Any(item => Matches(text, item.Pattern, item.IsRegex)))
                continue;
            var blocks = Flag(entry, "blocking");
            any |= blocks;
            details.Add(new JsonObject { ["id"] = name, ["filtered"] = blocks });
        }
        filtered |= any;
        results["custom_blocklists"] = new JsonObject { ["filtered"] = any, ["details"] = details };
    }

    private static bool Matches(string text, string pattern, bool isRegex)
    {
        if (!isRegex)
            return text.Contains(pattern, StringComparison.OrdinalIgnoreCase);
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return false; // a seeded item that does not compile (ARM refuses those) matches nothing
        }
    }

    private JsonObject? Entry(string filterName, string source) =>
        (properties["contentFilters"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(e => Is(e.StringAt("name"), filterName) && Is(e.StringAt("source"), source));

    private static Severity Threshold(JsonObject entry) =>
        entry.StringAt("severityThreshold")?.ToLowerInvariant() switch
        {
            "low" => Severity.Low,
            "high" => Severity.High,
            _ => Severity.Medium,
        };

    private static bool Flag(JsonObject entry, string name) => entry[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
}
