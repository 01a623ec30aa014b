using System.Text.RegularExpressions;

namespace AoaiHardening.Emulator.OpenAi;

/// <summary>Harm severities in the order the service compares them; reported lower-case (safe, low, medium, high).</summary>
internal enum Severity { Safe, Low, Medium, High }

/// <summary>The four multi-level harm categories, by their data-plane names.</summary>
internal enum HarmCategory { Hate, SelfHarm, Sexual, Violence }

/// <summary>One chat message reduced to its role (lower case) and text (string content, or its text parts joined by a space).</summary>
internal sealed record ChatMessage(string Role, string Text);

/// <summary>What the classifier found in one text.</summary>
internal sealed record TextFindings(
    IReadOnlyDictionary<HarmCategory, Severity> Harms,
    bool JailbreakPhrase,
    bool JailbreakMarker,
    bool IndirectAttackMarker,
    bool ProtectedMaterialText,
    bool ProtectedMaterialCode,
    bool Profanity);

/// <summary>
/// What the prompt side reports: harms, jailbreak and profanity in the prompt text; an indirect attack in the document
/// text (or a marker anywhere). <paramref name="PromptText"/> is what prompt-side blocklists are matched against.
/// </summary>
internal sealed record PromptFindings(IReadOnlyDictionary<HarmCategory, Severity> Harms, bool Jailbreak, bool IndirectAttack, bool Profanity, string PromptText);

/// <summary>
/// The emulator's deterministic stand-in for Azure AI Content Safety, so tests and probe files get the same verdict on
/// every run: whole-word, case-insensitive phrase matching plus explicit markers. Documented as a table in README.md
/// ("Content classifier"); keep the two in step.
/// </summary>
internal static partial class ContentClassifier
{
    /// <summary>The model's answer: deterministic, and it repeats the question, so a harmful prompt that passes yields a harmful completion.</summary>
    public const string CompletionPrefix = "Emulated answer to: ";

    /// <summary>(phrase, category, severity): the highest severity found per category counts.</summary>
    internal static readonly (string Phrase, HarmCategory Category, Severity Severity)[] HarmLexicon =
    [
        ("pipe bomb", HarmCategory.Violence, Severity.High),
        ("build a bomb", HarmCategory.Violence, Severity.High),
        ("make a bomb", HarmCategory.Violence, Severity.High),
        ("make a weapon that can kill", HarmCategory.Violence, Severity.High),
        ("kill", HarmCategory.Violence, Severity.Medium),
        ("murder", HarmCategory.Violence, Severity.Medium),
        ("stab", HarmCategory.Violence, Severity.Medium),
        ("fight", HarmCategory.Violence, Severity.Low),
        ("punch", HarmCategory.Violence, Severity.Low),
        ("ways to kill myself", HarmCategory.SelfHarm, Severity.High),
        ("how to end my life", HarmCategory.SelfHarm, Severity.High),
        ("hurt myself", HarmCategory.SelfHarm, Severity.Medium),
        ("feel hopeless", HarmCategory.SelfHarm, Severity.Low),
        ("exterminate them all", HarmCategory.Hate, Severity.High),
        ("despise people of", HarmCategory.Hate, Severity.Medium),
        ("stereotype", HarmCategory.Hate, Severity.Low),
        ("explicit sexual content", HarmCategory.Sexual, Severity.High),
        ("sexual", HarmCategory.Sexual, Severity.Medium),
        ("flirt", HarmCategory.Sexual, Severity.Low),
    ];

    internal static readonly string[] JailbreakPhrases =
    [
        "ignore all previous instructions", "ignore your previous instructions", "ignore your instructions",
        "disregard your rules", "you are now dan", "developer mode enabled",
    ];

    internal static readonly string[] ProtectedMaterialTextPhrases = ["full lyrics of", "entire text of the book"];

    internal static readonly string[] ProfanityWords = ["damn"];

    private static readonly Dictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>Scans one text: lexicon phrases (whole words) and markers, case-insensitively.</summary>
    public static TextFindings Scan(string text)
    {
        var harms = Enum.GetValues<HarmCategory>().ToDictionary(c => c, _ => Severity.Safe);
        foreach (var (phrase, category, severity) in HarmLexicon)
            if (severity > harms[category] && Contains(text, phrase))
                harms[category] = severity;
        foreach (Match marker in HarmMarker().Matches(text))
        {
            var category = Enum.Parse<HarmCategory>(marker.Groups[1].Value.Replace("_", ""), ignoreCase: true);
            var severity = Enum.Parse<Severity>(marker.Groups[2].Value, ignoreCase: true);
            if (severity > harms[category])
                harms[category] = severity;
        }
        return new TextFindings(
            harms,
            JailbreakPhrase: JailbreakPhrases.Any(p => Contains(text, p)),
            JailbreakMarker: HasMarker(text, "jailbreak"),
            IndirectAttackMarker: HasMarker(text, "indirect_attack"),
            ProtectedMaterialText: HasMarker(text, "protected_material_text") || ProtectedMaterialTextPhrases.Any(p => Contains(text, p)),
            ProtectedMaterialCode: HasMarker(text, "protected_material_code"),
            Profanity: HasMarker(text, "profanity") || ProfanityWords.Any(p => Contains(text, p)));
    }

    /// <summary>
    /// The prompt side. Prompt text = system and user messages with their <c>&lt;documents&gt;…&lt;/documents&gt;</c>
    /// sections cut out; document text = tool messages plus those sections, from any message.
    /// </summary>
    public static PromptFindings AnalyzePrompt(IReadOnlyList<ChatMessage> messages)
    {
        var prompt = new List<string>();
        var documents = new List<string>();
        foreach (var message in messages)
        {
            if (message.Role == "tool")
            {
                documents.Add(message.Text);
                continue;
            }
            foreach (Match section in DocumentsSection().Matches(message.Text))
                documents.Add(section.Groups[1].Value);
            if (message.Role is "system" or "user")
                prompt.Add(DocumentsSection().Replace(message.Text, " "));
        }
        var promptText = string.Join("\n", prompt);
        var inPrompt = Scan(promptText);
        var inDocuments = Scan(string.Join("\n", documents));
        return new PromptFindings(
            inPrompt.Harms,
            Jailbreak: inPrompt.JailbreakPhrase || inPrompt.JailbreakMarker,
            IndirectAttack: inDocuments.JailbreakPhrase || inDocuments.IndirectAttackMarker || inPrompt.IndirectAttackMarker,
            Profanity: inPrompt.Profanity,
            promptText);
    }

    /// <summary>The emulated model's answer: the prefix and the last user message's text.</summary>
    public static string Completion(IReadOnlyList<ChatMessage> messages) =>
        CompletionPrefix + (messages.LastOrDefault(m => m.Role == "user")?.Text ?? "");

    /// <summary>Deterministic token count: whitespace-separated words.</summary>
    public static int Tokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>True when <paramref name="text"/> holds <paramref name="phrase"/> as whole words (so "kill" is not found in "skill").</summary>
    private static bool Contains(string text, string phrase)
    {
        Regex? pattern;
        lock (Patterns)
            if (!Patterns.TryGetValue(phrase, out pattern))
                Patterns[phrase] = pattern = new Regex($@"\b{Regex.Escape(phrase).Replace(@"\ ", @"\s+")}\b",
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return pattern.IsMatch(text);
    }

    private static bool HasMarker(string text, string name) => text.Contains($"[[{name}]]", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\[\[(hate|sexual|violence|self_harm):(low|medium|high)\]\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HarmMarker();

    [GeneratedRegex("<documents>(.*?)</documents>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DocumentsSection();
}
