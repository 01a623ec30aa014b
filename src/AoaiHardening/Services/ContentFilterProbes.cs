using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>One probe: the chat messages to send and whether the content filter should let them through.</summary>
    internal sealed class ContentFilterProbe
    {
        internal ContentFilterProbe(string name, string category, string expected, JsonArray messages, bool builtIn)
        {
            Name = name;
            Category = category;
            Expected = expected;
            Messages = messages;
            BuiltIn = builtIn;
        }

        public string Name { get; }
        /// <summary>Benign, Borderline, Harmful, Jailbreak, IndirectAttack or Custom.</summary>
        public string Category { get; }
        /// <summary>Allowed or Filtered.</summary>
        public string Expected { get; }
        /// <summary>The request's messages, validated; the client sends a copy.</summary>
        public JsonArray Messages { get; }
        public bool BuiltIn { get; }

        public override string ToString() => Name;
    }

    /// <summary>What the data plane did with a probe: the verdict and the evidence, read from the answer.</summary>
    internal sealed class ProbeVerdict
    {
        public string Actual { get; internal set; } = ContentFilterProbes.Error;
        public string? FilteredBy { get; internal set; }
        /// <summary>Blocked categories first, then the ones only annotated (marked so).</summary>
        public string[] CategoriesFired { get; internal set; } = Array.Empty<string>();
        public int HttpStatus { get; internal set; }
        public string? FinishReason { get; internal set; }
        public string? ErrorCode { get; internal set; }
        /// <summary>For Error: the service's message (scrubbed, truncated).</summary>
        public string? ErrorMessage { get; internal set; }
    }

    /// <summary>
    /// The probe suite as data: the built-in probes (an embedded JSON resource in the -ProbePath file format, so both go
    /// through one parser), the probe file rules, and how an answer of the data plane becomes a verdict. No dependency on
    /// PowerShell: xunit tests it directly.
    /// </summary>
    internal static class ContentFilterProbes
    {
        public const string Allowed = "Allowed";
        public const string Filtered = "Filtered";
        public const string Error = "Error";
        public const string Prompt = "Prompt";
        public const string Completion = "Completion";
        public const string CustomCategory = "Custom";

        public static readonly string[] Categories = { "Benign", "Borderline", "Harmful", "Jailbreak", "IndirectAttack", CustomCategory };
        public static readonly string[] Expectations = { Allowed, Filtered };

        /// <summary>The system message of a probe given as a bare prompt (the request shape always has one).</summary>
        public const string DefaultSystemMessage = "You are a helpful assistant.";

        /// <summary>Enough to see whether an answer starts; probes are about the filter, not the answer.</summary>
        public const int MaxTokens = 50;

        private const int MaxNameLength = 100;
        private static readonly string[] Roles = { "system", "user", "assistant", "tool" };
        private static readonly string[] ProbeProperties = { "name", "category", "expected", "prompt", "system", "messages" };
        private static readonly string[] MessageProperties = { "role", "content", "name", "tool_call_id", "tool_calls" };
        private const string BuiltInResource = "AoaiHardening.ContentFilterProbes.json";

        private static readonly Lazy<IReadOnlyList<ContentFilterProbe>> BuiltInProbes = new Lazy<IReadOnlyList<ContentFilterProbe>>(() =>
        {
            using var stream = typeof(ContentFilterProbes).Assembly.GetManifestResourceStream(BuiltInResource)
                               ?? throw new InvalidOperationException($"The built-in probe suite ({BuiltInResource}) is missing from the assembly.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), "the built-in probe suite", builtIn: true);
        });

        /// <summary>The hardening guide's suite: benign, borderline security training, harmful, jailbreak, indirect attack.</summary>
        public static IReadOnlyList<ContentFilterProbe> BuiltIn => BuiltInProbes.Value;

        // ------------------------------------------------------------------ probe files
        /// <summary>
        /// Parses and validates a probe file: a JSON array of <c>{name, category?, expected, prompt, system?}</c> or
        /// <c>{name, category?, expected, messages}</c>. Every problem is reported at once in one ArgumentException, so a
        /// bad file costs one edit, and nothing is sent.
        /// </summary>
        public static IReadOnlyList<ContentFilterProbe> Parse(string text, string source, bool builtIn = false)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(text, null, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"{Capitalize(source)} is not valid JSON: {ex.Message}");
            }
            if (!(root is JsonArray array))
                throw new ArgumentException($"{Capitalize(source)} must hold a JSON array of probes ([{{\"name\": …, \"expected\": \"Filtered\", \"prompt\": …}}, …]).");
            if (array.Count == 0) throw new ArgumentException($"{Capitalize(source)} holds no probes.");

            var problems = new List<string>();
            var probes = new List<ContentFilterProbe>();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < array.Count; i++)
            {
                try
                {
                    var probe = ParseProbe(array[i], i, problems, builtIn);
                    if (probe == null) continue;
                    if (!names.Add(probe.Name)) problems.Add($"probe {i + 1} ('{probe.Name}'): the name is used by an earlier probe; names must be unique");
                    else probes.Add(probe);
                }
                catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException)
                {
                    // Duplicate keys in an object surface only when it is read (System.Text.Json's JsonObject).
                    problems.Add($"probe {i + 1}: {ex.Message}");
                }
            }
            if (problems.Count > 0)
                throw new ArgumentException($"{Capitalize(source)} is not a valid probe file ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):" +
                                            string.Concat(problems.Select(p => "\n - " + p)));
            return probes;
        }

        private static ContentFilterProbe? ParseProbe(JsonNode? node, int index, List<string> problems, bool builtIn)
        {
            var at = $"probe {index + 1}";
            if (!(node is JsonObject probe))
            {
                problems.Add($"{at} must be an object");
                return null;
            }
            var name = Json.StringOnly(probe["name"]);
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{at} needs a 'name' (a non-empty string)");
                name = null;
            }
            else if (name!.Length > MaxNameLength || name.Any(char.IsControl))
            {
                problems.Add($"{at}: the name must be at most {MaxNameLength} characters, without control characters");
                name = null;
            }
            else
            {
                at += $" ('{name}')";
            }
            var count = problems.Count;

            foreach (var property in probe)
            {
                if (!ProbeProperties.Contains(property.Key, StringComparer.Ordinal))
                    problems.Add($"{at}: unknown property '{property.Key}' (known: {string.Join(", ", ProbeProperties)})");
            }

            var category = CustomCategory;
            if (probe.ContainsKey("category"))
            {
                var given = Json.StringOnly(probe["category"]);
                var known = given == null ? null : Categories.FirstOrDefault(c => string.Equals(c, given, StringComparison.OrdinalIgnoreCase));
                if (known == null) problems.Add($"{at}: 'category' must be one of {string.Join(", ", Categories)}");
                else category = known;
            }

            var expectedGiven = Json.StringOnly(probe["expected"]);
            var expected = expectedGiven == null ? null : Expectations.FirstOrDefault(e => string.Equals(e, expectedGiven, StringComparison.OrdinalIgnoreCase));
            if (expected == null) problems.Add($"{at}: 'expected' must be Allowed or Filtered");

            JsonArray? messages = null;
            var hasPrompt = probe.ContainsKey("prompt");
            var hasMessages = probe.ContainsKey("messages");
            if (hasPrompt == hasMessages)
            {
                problems.Add($"{at} needs either 'prompt' (a string) or 'messages' (an array of chat messages), not {(hasPrompt ? "both" : "neither")}");
            }
            else if (hasPrompt)
            {
                var prompt = Json.StringOnly(probe["prompt"]);
                if (string.IsNullOrWhiteSpace(prompt)) problems.Add($"{at}: 'prompt' must be a non-empty string");
                var system = DefaultSystemMessage;
                if (probe.ContainsKey("system"))
                {
                    system = Json.StringOnly(probe["system"]) ?? string.Empty;
                    if (string.IsNullOrWhiteSpace(system)) problems.Add($"{at}: 'system' must be a non-empty string");
                }
                messages = new JsonArray
                {
                    new JsonObject { ["role"] = "system", ["content"] = system },
                    new JsonObject { ["role"] = "user", ["content"] = prompt },
                };
            }
            else
            {
                if (probe.ContainsKey("system")) problems.Add($"{at}: 'system' goes with 'prompt'; with 'messages', give a system message in the array");
                messages = ParseMessages(probe["messages"], at, problems);
            }

            if (problems.Count > count || name == null || expected == null || messages == null) return null;
            return new ContentFilterProbe(name, category, expected, messages, builtIn);
        }

        /// <summary>
        /// The chat messages, checked the way the service would refuse them (a 400 would only be a probe error): known
        /// roles, string content, at least one user message, and a tool message only as the answer to a tool call an
        /// earlier assistant message made.
        /// </summary>
        private static JsonArray? ParseMessages(JsonNode? node, string at, List<string> problems)
        {
            if (!(node is JsonArray array) || array.Count == 0)
            {
                problems.Add($"{at}: 'messages' must be a non-empty array of {{\"role\": …, \"content\": …}} objects");
                return null;
            }
            var result = new JsonArray();
            var callIds = new HashSet<string>(StringComparer.Ordinal);
            var hasUser = false;
            for (var i = 0; i < array.Count; i++)
            {
                var where = $"{at}: messages[{i}]";
                if (!(array[i] is JsonObject message))
                {
                    problems.Add($"{where} must be an object");
                    continue;
                }
                foreach (var property in message)
                {
                    if (!MessageProperties.Contains(property.Key, StringComparer.Ordinal))
                        problems.Add($"{where}: unknown property '{property.Key}' (known: {string.Join(", ", MessageProperties)})");
                }
                var roleGiven = Json.StringOnly(message["role"]);
                var role = roleGiven == null ? null : Roles.FirstOrDefault(r => string.Equals(r, roleGiven, StringComparison.OrdinalIgnoreCase));
                if (role == null)
                {
                    problems.Add($"{where}: 'role' must be one of {string.Join(", ", Roles)}");
                    continue;
                }
                hasUser |= role == "user";

                var toolCalls = message["tool_calls"];
                if (toolCalls != null)
                {
                    if (role != "assistant") problems.Add($"{where}: only an assistant message may have 'tool_calls'");
                    else ReadToolCalls(toolCalls, where, callIds, problems);
                }
                var content = message["content"];
                var contentOptional = role == "assistant" && toolCalls != null;
                if (!(contentOptional && content == null) && string.IsNullOrWhiteSpace(Json.StringOnly(content)))
                    problems.Add($"{where}: 'content' must be a non-empty string");

                if (role == "tool")
                {
                    var callId = Json.StringOnly(message["tool_call_id"]);
                    if (string.IsNullOrEmpty(callId)) problems.Add($"{where}: a tool message needs 'tool_call_id'");
                    else if (!callIds.Contains(callId!)) problems.Add($"{where}: 'tool_call_id' '{callId}' answers no tool call of an earlier assistant message");
                }
                else if (message.ContainsKey("tool_call_id"))
                {
                    problems.Add($"{where}: only a tool message may have 'tool_call_id'");
                }
                if (message.ContainsKey("name") && string.IsNullOrWhiteSpace(Json.StringOnly(message["name"])))
                    problems.Add($"{where}: 'name' must be a non-empty string");

                var copy = (JsonObject)message.DeepClone();
                copy["role"] = role;
                result.Add(copy);
            }
            if (!hasUser) problems.Add($"{at}: 'messages' needs at least one user message");
            return result;
        }

        private static void ReadToolCalls(JsonNode node, string where, HashSet<string> callIds, List<string> problems)
        {
            if (!(node is JsonArray calls) || calls.Count == 0)
            {
                problems.Add($"{where}: 'tool_calls' must be a non-empty array");
                return;
            }
            foreach (var call in calls)
            {
                var id = Json.StringOnly(call?["id"]);
                var function = call?["function"] as JsonObject;
                if (string.IsNullOrEmpty(id) || !Json.EqualsIgnoreCase(Json.StringOnly(call?["type"]), "function") ||
                    string.IsNullOrEmpty(Json.StringOnly(function?["name"])) || Json.StringOnly(function?["arguments"]) == null)
                {
                    problems.Add($"{where}: each tool call needs 'id', 'type': \"function\" and 'function' with 'name' and 'arguments' (a JSON string)");
                    continue;
                }
                callIds.Add(id!);
            }
        }

        private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        // ------------------------------------------------------------------ verdicts
        /// <summary>
        /// Reads the data plane's answer: a 400 with error.code content_filter is a prompt filtered (categories in
        /// error.innererror.content_filter_result); a 200 whose choices[0].finish_reason is content_filter is a completion
        /// filtered (categories in choices[0].content_filter_results); any other 2xx is allowed, with what the annotations
        /// (prompt_filter_results, the choice's results) detected without blocking; anything else is an Error.
        /// </summary>
        public static ProbeVerdict Classify(ChatCompletionResponse response)
        {
            var verdict = new ProbeVerdict { HttpStatus = response.Status, ErrorCode = response.ErrorCode };
            var fired = new CategoryList();
            if (response.Status == 400 && Json.EqualsIgnoreCase(response.ErrorCode, "content_filter"))
            {
                var inner = (response.Body?["error"] as JsonObject)?["innererror"] as JsonObject;
                fired.Add(inner?["content_filter_result"] ?? inner?["content_filter_results"]);
                verdict.Actual = Filtered;
                verdict.FilteredBy = Prompt;
            }
            else if (response.Status >= 200 && response.Status < 300)
            {
                foreach (var prompt in Json.Objects(response.Body?["prompt_filter_results"]))
                    fired.Add(prompt["content_filter_results"]);
                var choice = Json.Objects(response.Body?["choices"]).FirstOrDefault();
                fired.Add(choice?["content_filter_results"]);
                verdict.FinishReason = Json.Str(choice?["finish_reason"]);
                verdict.ErrorCode = null;
                if (Json.EqualsIgnoreCase(verdict.FinishReason, "content_filter"))
                {
                    verdict.Actual = Filtered;
                    verdict.FilteredBy = Completion;
                }
                else
                {
                    verdict.Actual = Allowed;
                }
            }
            else
            {
                verdict.ErrorMessage = response.ErrorMessage;
            }
            verdict.CategoriesFired = fired.ToArray();
            return verdict;
        }

        /// <summary>The verdict in words, with the likely cause when it is not what the probe expected.</summary>
        public static string Describe(ContentFilterProbe probe, ProbeVerdict verdict)
        {
            var blocked = verdict.CategoriesFired.Where(c => !c.EndsWith("annotated)", StringComparison.Ordinal)).ToArray();
            var annotated = verdict.CategoriesFired.Where(c => c.EndsWith("annotated)", StringComparison.Ordinal)).ToArray();
            var where = verdict.FilteredBy == Prompt ? "the prompt" : "the completion";
            var what = blocked.Length > 0 ? $" ({string.Join(", ", blocked)})" : string.Empty;
            var also = annotated.Length > 0 ? $" Annotated without blocking: {string.Join(", ", annotated)}." : string.Empty;
            var answered = $"the deployment answered (finish_reason {verdict.FinishReason ?? "none"})";
            switch (verdict.Actual)
            {
                case Filtered when probe.Expected == Filtered:
                    return $"Filtered on {where}{what}, as expected." + also;
                case Allowed when probe.Expected == Allowed:
                    return $"Allowed: {answered}, as expected." + also;
                case Allowed:
                    return $"Not filtered: {answered}." +
                           (annotated.Length > 0 ? also : " Nothing was detected.") + HintFor(probe.Category);
                case Filtered:
                    return $"Over-filtered: {where} was filtered{what}, but the probe expects it to be allowed." + also;
                default:
                    var code = verdict.ErrorCode != null && verdict.ErrorCode != verdict.HttpStatus.ToString() ? " " + verdict.ErrorCode : string.Empty;
                    return $"No verdict: HTTP {verdict.HttpStatus}{code}" +
                           (verdict.ErrorMessage != null ? $": {verdict.ErrorMessage}" : ".");
            }
        }

        private static string HintFor(string category) => category switch
        {
            "Harmful" => " Check the harm filters (Hate, Sexual, Violence, Selfharm): enabled and blocking on Prompt and Completion, at Low or Medium.",
            "Jailbreak" => " Check the Jailbreak filter: enabled and blocking on Prompt.",
            "IndirectAttack" => " Check the Indirect Attack filter: enabled and blocking on Prompt (Microsoft.DefaultV2 does not turn it on).",
            _ => string.Empty,
        };

        /// <summary>
        /// The categories of one or more content_filter_results objects: blocked ones ("violence (high)", "jailbreak",
        /// "custom_blocklists (list)"), then the ones only annotated; a category blocked anywhere is not listed as annotated.
        /// </summary>
        private sealed class CategoryList
        {
            private readonly List<(string Key, string Text)> _blocked = new List<(string, string)>();
            private readonly List<(string Key, string Text)> _annotated = new List<(string, string)>();

            public void Add(JsonNode? results)
            {
                if (!(results is JsonObject categories)) return;
                foreach (var entry in categories)
                {
                    if (entry.Key == "error") continue; // {"error":{"code","message"}}: the filter could not run on this part
                    if (entry.Key == "custom_blocklists")
                    {
                        // 2024-10-21: {"filtered", "details":[{"filtered","id"}]}; older versions: [{"filtered","id"}].
                        var details = entry.Value is JsonArray legacy ? legacy : (entry.Value as JsonObject)?["details"] as JsonArray;
                        foreach (var list in Json.Objects(details))
                        {
                            var id = Json.Str(list["id"]) ?? "?";
                            Record("custom_blocklists/" + id, $"custom_blocklists ({id})", null, Json.Bool(list["filtered"]) == true, true);
                        }
                        if ((details == null || details.Count == 0) && Json.Bool((entry.Value as JsonObject)?["filtered"]) == true)
                            Record("custom_blocklists", "custom_blocklists", null, true, true);
                        continue;
                    }
                    if (!(entry.Value is JsonObject value)) continue;
                    var filtered = Json.Bool(value["filtered"]) == true;
                    var severity = Json.Str(value["severity"]);
                    var detected = Json.Bool(value["detected"]) == true;
                    var notable = filtered || detected || (severity != null && !Json.EqualsIgnoreCase(severity, "safe"));
                    Record(entry.Key, entry.Key, severity, filtered, notable);
                }
            }

            private void Record(string key, string name, string? severity, bool filtered, bool notable)
            {
                if (!notable) return;
                if (filtered)
                {
                    if (_blocked.Any(b => b.Key == key)) return;
                    _annotated.RemoveAll(a => a.Key == key);
                    _blocked.Add((key, severity != null ? $"{name} ({severity})" : name));
                }
                else if (!_blocked.Any(b => b.Key == key) && !_annotated.Any(a => a.Key == key))
                {
                    _annotated.Add((key, severity != null ? $"{name} ({severity}, annotated)" : $"{name} (annotated)"));
                }
            }

            public string[] ToArray() => _blocked.Select(b => b.Text).Concat(_annotated.Select(a => a.Text)).ToArray();
        }
    }
}
