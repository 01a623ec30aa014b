using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AoaiHardening.Model;
using AoaiHardening.Reports;

namespace AoaiHardening.Tests.Reports
{
    /// <summary>Findings of one imagined run, built in code: live and offline, every status, a waiver, deployment targets, hostile text.</summary>
    internal static class ReportFixtures
    {
        public const string AccountId = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-prod/providers/Microsoft.CognitiveServices/accounts/aoai-prod";
        public const string HostileName = "<script>alert(1)</script>|x`y";
        public const string NetFix = "Disable-AoaiPublicNetworkAccess -ResourceId '" + AccountId + "'";
        // As the CSF rules render it: the deployment from the finding's target, the policy name still a placeholder.
        public const string CsfFix = "Set-AoaiDeploymentContentFilter -ResourceId '" + AccountId + "' -DeploymentName 'gpt-4o' -PolicyName '<content filter policy name>' -Preset 'Strict'";
        public const string WaiverReason = "Legacy client needs keys until Q1 | tracked in SEC-42";
        public static readonly DateTimeOffset WaiverExpires = new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero);
        public static readonly DateTimeOffset GeneratedAt = new DateTimeOffset(2026, 11, 24, 21, 30, 0, TimeSpan.Zero);

        /// <summary>The offline input file, under <see cref="BaseDirectory"/>.</summary>
        public static readonly string BaseDirectory = Path.Combine(Path.GetTempPath(), "aoai-repo");
        public static readonly string TemplateFile = Path.Combine(BaseDirectory, "infra", "main template.json");
        public const string HostileId = "/subscriptions/s/resourceGroups/rg-dev/providers/Microsoft.CognitiveServices/accounts/<script>";

        public static IReadOnlyList<AoaiHardeningRule> AllRules { get; } = new[]
        {
            Rule("AOAI-NET-001", "Public network access is restricted", "NET", AoaiSeverity.High, "Disable-AoaiPublicNetworkAccess", "MCSB NS-2", "Azure Policy 037eea7a"),
            Rule("AOAI-NET-005", "Custom subdomain is set", "NET", AoaiSeverity.Medium, null),
            Rule("AOAI-IAM-001", "Key (local) authentication is disabled", "IAM", AoaiSeverity.High, "Disable-AoaiLocalAuth", "MCSB IM-1"),
            Rule("AOAI-IAM-003", "No user holds a management role on the account", "IAM", AoaiSeverity.Medium, "Revoke-AoaiRoleAssignment", "MCSB PA-7"),
            Rule("AOAI-ENC-001", "Customer-managed key encrypts data at rest", "ENC", AoaiSeverity.Low, "Enable-AoaiCustomerManagedKey", "MCSB DP-5"),
            Rule("AOAI-ENC-002", "The CMK vault is recoverable", "ENC", AoaiSeverity.High, null, "MCSB DP-6"),
            Rule("AOAI-CSF-001", "Every deployment filters harmful content", "CSF", AoaiSeverity.High, "Set-AoaiDeploymentContentFilter", "Azure Policy 930f48f9"),
            Rule("AOAI-MON-001", "Audit and request logs are collected", "MON", AoaiSeverity.Medium, "Set-AoaiDiagnosticSetting", "MCSB LT-3"),
        };

        /// <summary>In run order; failures deliberately not sorted by severity.</summary>
        public static IReadOnlyList<AoaiFinding> Findings() => new[]
        {
            Live("AOAI-ENC-001", AoaiSeverity.Low, AoaiFindingStatus.Fail, "Data at rest is encrypted with a Microsoft-managed key.",
                actual: "encryption.keySource=Microsoft.CognitiveServices", expected: "Microsoft.KeyVault"),
            Live("AOAI-NET-001", AoaiSeverity.High, AoaiFindingStatus.Fail, "The account accepts traffic from any network.",
                actual: "publicNetworkAccess=Enabled, networkAcls.defaultAction=Allow", expected: "publicNetworkAccess=Disabled, or networkAcls.defaultAction=Deny", fix: NetFix),
            Live("AOAI-NET-005", AoaiSeverity.Medium, AoaiFindingStatus.Fail, "The account has no custom subdomain.",
                actual: "customSubDomainName=(none)", expected: "a custom subdomain"),
            Live("AOAI-CSF-001", AoaiSeverity.High, AoaiFindingStatus.Fail, "Deployment 'gpt-4o' names no content filter (raiPolicyName is empty).",
                target: "gpt-4o", actual: "raiPolicyName=(none)", expected: "a policy that blocks the four harms", fix: CsfFix),
            Live("AOAI-CSF-001", AoaiSeverity.High, AoaiFindingStatus.Pass, "Deployment 'gpt-35' (policy 'Microsoft.DefaultV2') blocks hate, sexual, violence and self-harm content on prompts and completions.", target: "gpt-35"),
            Live("AOAI-IAM-001", AoaiSeverity.High, AoaiFindingStatus.Waived, "Key authentication is enabled.",
                actual: "disableLocalAuth=false", expected: "true", fix: "Disable-AoaiLocalAuth -ResourceId '" + AccountId + "'", waived: true),
            Live("AOAI-ENC-002", AoaiSeverity.High, AoaiFindingStatus.NotApplicable, "The account does not use a customer-managed key."),
            Live("AOAI-IAM-003", AoaiSeverity.Medium, AoaiFindingStatus.NotEvaluated, "AOAI-IAM-003 needs roleAssignments, which this version does not read yet."),
            Live("AOAI-MON-001", AoaiSeverity.Medium, AoaiFindingStatus.Error, "Reading diagnosticSettings failed: 403 AuthorizationFailed."),
            Offline("AOAI-NET-001", AoaiSeverity.High, AoaiFindingStatus.Fail, "The account accepts traffic from any network.", "$.resources[1]"),
            Offline("AOAI-NET-005", AoaiSeverity.Medium, AoaiFindingStatus.NotEvaluated, "customSubDomainName is a template expression.", "$.resources[1]"),
        };

        public static ReportContext Context(Action<ReportContext>? change = null)
        {
            var context = new ReportContext { ToolVersion = "0.3.0", GeneratedAt = GeneratedAt, Baseline = "Default" };
            change?.Invoke(context);
            return context;
        }

        public static string Write(ReportFormat format, IReadOnlyList<AoaiFinding>? findings = null, ReportContext? context = null,
            IReadOnlyList<AoaiHardeningRule>? rules = null)
        {
            var output = new StringWriter();
            ReportWriter.Write(format, findings ?? Findings(), rules ?? AllRules, context ?? Context(), output);
            return output.ToString();
        }

        public static JsonElement WriteJson(ReportFormat format, IReadOnlyList<AoaiFinding>? findings = null, ReportContext? context = null) =>
            JsonDocument.Parse(Write(format, findings, context)).RootElement;

        /// <summary>A file in Reports/TestData, found from this source file (the test csproj does not copy test data).</summary>
        public static string TestDataPath(string name, [CallerFilePath] string sourceFile = "") =>
            Path.Combine(Path.GetDirectoryName(sourceFile)!, "TestData", name);

        public static AoaiFinding Live(string ruleId, AoaiSeverity severity, AoaiFindingStatus status, string message,
            string? target = null, string? actual = null, string? expected = null, string? fix = null, bool waived = false,
            string resourceId = AccountId, string resourceName = "aoai-prod")
        {
            var rule = AllRules.Single(r => r.Id == ruleId);
            return new AoaiFinding
            {
                RuleId = ruleId,
                Title = rule.Title,
                Severity = severity,
                Status = status,
                ResourceId = resourceId,
                ResourceName = resourceName,
                ResourceGroupName = "rg-prod",
                SubscriptionId = "00000000-1111-2222-3333-444444444444",
                Kind = "OpenAI",
                Target = target,
                Actual = actual,
                Expected = expected,
                Message = message,
                Remediation = fix,
                RemediationCommand = status == AoaiFindingStatus.Fail || status == AoaiFindingStatus.Waived ? rule.RemediationCommand : null,
                Controls = rule.Controls,
                WaiverReason = waived ? WaiverReason : null,
                WaiverExpires = waived ? WaiverExpires : (DateTimeOffset?)null,
            };
        }

        private static AoaiFinding Offline(string ruleId, AoaiSeverity severity, AoaiFindingStatus status, string message, string sourcePath)
        {
            var finding = Live(ruleId, severity, status, message, resourceId: HostileId, resourceName: HostileName,
                actual: status == AoaiFindingStatus.Fail ? "publicNetworkAccess=Enabled | `Allow`" : null);
            finding.ResourceGroupName = "rg-dev";
            finding.SourceFile = TemplateFile;
            finding.SourcePath = sourcePath;
            return finding;
        }

        private static AoaiHardeningRule Rule(string id, string title, string area, AoaiSeverity severity, string? command, params string[] controls) => new AoaiHardeningRule
        {
            Id = id,
            Title = title,
            Area = area,
            Severity = severity,
            Condition = $"The condition of {id}.",
            Rationale = $"Why {id} matters.",
            Controls = controls,
            RemediationCommand = command,
            RemediationText = command != null ? $"Run {command}." : $"Fix {id} by hand.",
            Implemented = true,
        };
    }
}
