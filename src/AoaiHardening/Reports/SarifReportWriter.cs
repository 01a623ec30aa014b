using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AoaiHardening.Model;

namespace AoaiHardening.Reports
{
    /// <summary>
    /// SARIF 2.1.0 (OASIS), shaped for GitHub code scanning and the Azure DevOps SARIF viewer: one run, the rules with
    /// help and levels, one result per failure (waived ones suppressed), located at the input file for offline input
    /// and at the resource id for live input.
    /// </summary>
    internal static class SarifReportWriter
    {
        private const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
        private const string RulesDocUri = ReportWriter.InformationUri + "/blob/main/docs/rules.md#";
        /// <summary>The uriBaseId of paths relative to ReportContext.BaseDirectory.</summary>
        private const string SourceRoot = "SRCROOT";
        /// <summary>Versioned, so a change of what is hashed does not collide with fingerprints already stored.</summary>
        private const string FingerprintName = "aoaiHardeningFinding/v1";

        public static void Write(ReportData data, TextWriter output) => ReportWriter.WriteJson(output, json =>
        {
            var context = data.Context;
            var baseDirectory = context.BaseDirectory != null ? WithTrailingSeparator(Path.GetFullPath(context.BaseDirectory)) : null;

            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            WriteTool(json, data);

            json.WriteStartArray("invocations");
            json.WriteStartObject();
            json.WriteBoolean("executionSuccessful", true);
            json.WriteString("startTimeUtc", UtcText(context.StartedAt ?? context.GeneratedAt));
            json.WriteString("endTimeUtc", UtcText(context.GeneratedAt));
            json.WriteEndObject();
            json.WriteEndArray();

            if (baseDirectory != null)
            {
                json.WriteStartObject("originalUriBaseIds");
                json.WriteStartObject(SourceRoot);
                json.WriteString("uri", new Uri(baseDirectory).AbsoluteUri);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteStartArray("results");
            foreach (var finding in data.Findings)
            {
                var classification = Classify(finding, context.IncludePassing);
                if (classification != null) WriteResult(json, data, finding, classification.Value.Kind, classification.Value.Level, baseDirectory);
            }
            json.WriteEndArray();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });

        private static void WriteTool(Utf8JsonWriter json, ReportData data)
        {
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", ReportWriter.ToolName);
            json.WriteString("version", data.Context.ToolVersion);
            json.WriteString("semanticVersion", SemanticVersion(data.Context.ToolVersion));
            json.WriteString("informationUri", ReportWriter.InformationUri);
            json.WriteStartArray("rules");
            foreach (var rule in data.Rules) WriteRule(json, rule);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        private static void WriteRule(Utf8JsonWriter json, AoaiHardeningRule rule)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Id);
            json.WriteString("name", PascalCase(rule.Title));
            WriteMessage(json, "shortDescription", rule.Title);
            if (!string.IsNullOrEmpty(rule.Condition)) WriteMessage(json, "fullDescription", rule.Condition);
            json.WriteString("helpUri", RulesDocUri + rule.Id.ToLowerInvariant());

            // Code scanning shows help.markdown beside each alert: why it matters, how to fix it, what it maps to.
            var help = new[]
            {
                (Label: (string?)null, Text: rule.Rationale),
                (Label: "Fix", Text: rule.RemediationText),
                (Label: "Controls", Text: string.Join(", ", rule.Controls)),
            }.Where(p => !string.IsNullOrEmpty(p.Text)).ToList();
            json.WriteStartObject("help");
            json.WriteString("text", string.Join("\n\n", help.Select(p => p.Label == null ? p.Text : $"{p.Label}: {p.Text}")));
            json.WriteString("markdown", string.Join("\n\n", help.Select(p => p.Label == null ? p.Text : $"**{p.Label}:** {p.Text}")));
            json.WriteEndObject();

            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", Level(rule.Severity));
            json.WriteEndObject();

            json.WriteStartObject("properties");
            json.WriteStartArray("tags");
            // GitHub rates a rule by security-severity only when it is tagged "security"; SARIF wants tags distinct.
            foreach (var tag in new[] { "security", rule.Area }.Concat(rule.Controls).Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal))
                json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteString("security-severity", SecuritySeverity(rule.Severity));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        /// <summary>
        /// SARIF result kind and level. A failure is "fail" at its severity (waived ones too, with a suppression);
        /// a finding nobody could decide is "review"; passing ones only on request. The spec requires level "none"
        /// for every kind but "fail". Null: not reported.
        /// </summary>
        private static (string Kind, string Level)? Classify(AoaiFinding finding, bool includePassing)
        {
            switch (finding.Status)
            {
                case AoaiFindingStatus.Fail:
                case AoaiFindingStatus.Waived:
                    return ("fail", Level(finding.Severity));
                case AoaiFindingStatus.NotEvaluated:
                case AoaiFindingStatus.Error:
                    return ("review", "none");
                case AoaiFindingStatus.Pass:
                    return includePassing ? ("pass", "none") : ((string, string)?)null;
                case AoaiFindingStatus.NotApplicable:
                    return includePassing ? ("notApplicable", "none") : ((string, string)?)null;
                default:
                    return null;
            }
        }

        private static void WriteResult(Utf8JsonWriter json, ReportData data, AoaiFinding finding, string kind, string level, string? baseDirectory)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            var ruleIndex = data.RuleIndexOf(finding);
            if (ruleIndex >= 0) json.WriteNumber("ruleIndex", ruleIndex);
            json.WriteString("kind", kind);
            json.WriteString("level", level);

            var fix = kind == "fail" ? data.FixOf(finding) : null;
            WriteMessage(json, "message", fix != null ? $"{finding.Message} Fix: {fix}" : finding.Message);

            json.WriteStartArray("locations");
            json.WriteStartObject();
            if (finding.SourceFile != null)
            {
                var relative = RelativeUri(finding.SourceFile, baseDirectory);
                WritePhysicalLocation(json, relative ?? new Uri(Path.GetFullPath(finding.SourceFile)).AbsoluteUri, relative != null ? SourceRoot : null);
                if (finding.SourcePath != null) WriteLogicalLocation(json, null, finding.SourcePath, "element");
            }
            else
            {
                // GitHub code scanning requires a file location on every result; a live resource has none, so it is
                // placed at a stable pseudo-path made of its resource id (the logical location carries the id itself).
                WritePhysicalLocation(json, ResourceUri(finding.ResourceId), null);
                WriteLogicalLocation(json, finding.ResourceName, finding.ResourceId, "resource");
            }
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartObject("partialFingerprints");
            json.WriteString(FingerprintName, Fingerprint(finding));
            json.WriteEndObject();

            if (finding.Status == AoaiFindingStatus.Waived)
            {
                json.WriteStartArray("suppressions");
                json.WriteStartObject();
                json.WriteString("kind", "external");
                json.WriteString("status", "accepted");
                json.WriteString("justification", finding.WaiverReason ?? "Waived.");
                if (finding.WaiverExpires.HasValue)
                {
                    json.WriteStartObject("properties");
                    json.WriteString("expires", UtcText(finding.WaiverExpires.Value));
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteStartObject("properties");
            json.WriteString("status", finding.Status.ToString());
            json.WriteString("resourceId", finding.ResourceId);
            WriteIfSet(json, "target", finding.Target);
            WriteIfSet(json, "actual", finding.Actual);
            WriteIfSet(json, "expected", finding.Expected);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        private static void WritePhysicalLocation(Utf8JsonWriter json, string uri, string? uriBaseId)
        {
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", uri);
            if (uriBaseId != null) json.WriteString("uriBaseId", uriBaseId);
            json.WriteEndObject();
            // The resource's line is not known; line 1 keeps viewers that need a region (GitHub) working.
            json.WriteStartObject("region");
            json.WriteNumber("startLine", 1);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        /// <summary>"azure/subscriptions/…/accounts/name": a relative URI per resource, segments escaped.</summary>
        internal static string ResourceUri(string resourceId) =>
            "azure/" + string.Join("/", resourceId.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));

        private static void WriteLogicalLocation(Utf8JsonWriter json, string? name, string fullyQualifiedName, string kind)
        {
            json.WriteStartArray("logicalLocations");
            json.WriteStartObject();
            WriteIfSet(json, "name", name);
            json.WriteString("fullyQualifiedName", fullyQualifiedName);
            json.WriteString("kind", kind);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        private static void WriteMessage(Utf8JsonWriter json, string property, string text)
        {
            json.WriteStartObject(property);
            json.WriteString("text", text);
            json.WriteEndObject();
        }

        private static void WriteIfSet(Utf8JsonWriter json, string property, string? value)
        {
            if (value != null) json.WriteString(property, value);
        }

        private static string Level(AoaiSeverity severity) =>
            severity == AoaiSeverity.High ? "error" : severity == AoaiSeverity.Medium ? "warning" : "note";

        /// <summary>GitHub's scale: 7.0 and above is high, 4.0 to 6.9 medium, below 4.0 low.</summary>
        private static string SecuritySeverity(AoaiSeverity severity) =>
            severity == AoaiSeverity.High ? "8.0" : severity == AoaiSeverity.Medium ? "5.0" : "2.0";

        /// <summary>
        /// A stable identity across runs, so code scanning keeps one alert per rule, account and deployment. Lower-cased
        /// because ARM returns ids and names in varying case.
        /// </summary>
        internal static string Fingerprint(AoaiFinding finding)
        {
            var identity = $"{finding.RuleId}\n{finding.ResourceId}\n{finding.Target}".ToLowerInvariant();
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(identity));
                var hex = new StringBuilder(hash.Length * 2);
                foreach (var b in hash) hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                return hex.ToString();
            }
        }

        /// <summary>"Key (local) authentication is disabled" → "KeyLocalAuthenticationIsDisabled".</summary>
        internal static string PascalCase(string title)
        {
            var name = new StringBuilder(title.Length);
            var startOfWord = true;
            foreach (var c in title)
            {
                if (!char.IsLetterOrDigit(c))
                {
                    startOfWord = true;
                    continue;
                }
                name.Append(startOfWord ? char.ToUpperInvariant(c) : c);
                startOfWord = false;
            }
            return name.ToString();
        }

        /// <summary>"1.2.3.0" → "1.2.3"; anything else (e.g. "1.2.3-preview1") is kept.</summary>
        private static string SemanticVersion(string version) =>
            Version.TryParse(version, out var parsed) && parsed.Build >= 0
                ? $"{parsed.Major}.{parsed.Minor}.{parsed.Build}"
                : version;

        /// <summary>The spec's form: UTC with a Z.</summary>
        private static string UtcText(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

        private static string WithTrailingSeparator(string directory) =>
            directory.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || directory.EndsWith(Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal)
                ? directory
                : directory + Path.DirectorySeparatorChar;

        /// <summary>The file as a relative URI ("infra/main.json") when it lies under the base directory; otherwise null.</summary>
        private static string? RelativeUri(string file, string? baseDirectory)
        {
            if (baseDirectory == null) return null;
            var full = Path.GetFullPath(file);
            // Windows paths compare without case, as the file system does; elsewhere case matters.
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!full.StartsWith(baseDirectory, comparison)) return null;
            var segments = full.Substring(baseDirectory.Length).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return string.Join("/", segments.Select(Uri.EscapeDataString));
        }
    }
}
