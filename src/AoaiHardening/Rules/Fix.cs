using System;
using System.Collections.Generic;
using System.Linq;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>Values Repair-AoaiHardening can pass to fixes that need more than the finding (a subnet, a key vault, …).</summary>
    internal sealed class RepairInputs
    {
        public static readonly RepairInputs None = new RepairInputs();

        public string? SubnetId { get; set; }
        public string? KeyVaultResourceId { get; set; }
        public string? KeyName { get; set; }
        public string[]? AllowedFqdn { get; set; }
        public string? WorkspaceResourceId { get; set; }
        public string? ActionGroupResourceId { get; set; }
        public string? ContentFilterPolicyName { get; set; }
    }

    /// <summary>One parameter of a fix: where its value comes from, and what to show when it is not known yet.</summary>
    internal sealed class FixArgument
    {
        public FixArgument(string parameter, Func<AoaiFinding, RepairInputs, object?> value, string placeholder, string? repairParameter)
        {
            Parameter = parameter;
            Value = value;
            Placeholder = placeholder;
            RepairParameter = repairParameter;
        }

        public string Parameter { get; }
        public Func<AoaiFinding, RepairInputs, object?> Value { get; }
        public string Placeholder { get; }
        /// <summary>The Repair-AoaiHardening parameter that supplies the value; null when it comes from the finding.</summary>
        public string? RepairParameter { get; }
    }

    /// <summary>
    /// How a failing rule is fixed: the cmdlet and its parameters, defined once. The finding's Remediation command line
    /// and Repair-AoaiHardening's invocation are both derived from it, so what is shown is what runs.
    /// </summary>
    internal sealed class Fix
    {
        public Fix(string command, params FixArgument[] arguments)
        {
            Command = command;
            Arguments = arguments;
        }

        public string Command { get; }
        public IReadOnlyList<FixArgument> Arguments { get; }

        /// <summary>The fix removes access (e.g. revokes a role): Repair-AoaiHardening runs it only with -Force.</summary>
        public bool HighImpact { get; set; }

        /// <summary>
        /// Which findings of the rule the cmdlet can fix; null = all. On Your Data rules cover three resources, and a
        /// cmdlet of this module fixes only the OpenAI account's findings (the Search and Storage ones are manual).
        /// </summary>
        public Func<AoaiFinding, bool>? AppliesTo { get; set; }

        public bool Applies(AoaiFinding finding) => AppliesTo == null || AppliesTo(finding);

        public static FixArgument FromInput(string parameter, Func<RepairInputs, object?> value, string placeholder, string? repairParameter = null) =>
            new FixArgument(parameter, (_, inputs) => value(inputs), placeholder, repairParameter ?? parameter);

        public static FixArgument FromFinding(string parameter, Func<AoaiFinding, object?> value) =>
            new FixArgument(parameter, (finding, _) => value(finding), "<value>", null);

        /// <summary>A parameter with a fixed value (e.g. -Preset Strict): neither the finding nor Repair supplies it.</summary>
        public static FixArgument Constant(string parameter, string value) =>
            new FixArgument(parameter, (_, _) => value, value, null);

        /// <summary>A switch parameter that is always set (e.g. -AllowTrustedAzureServices): rendered as the bare name.</summary>
        public static FixArgument Switch(string parameter) =>
            new FixArgument(parameter, (_, _) => true, string.Empty, null);

        /// <summary>The parameters for the fixing cmdlet, and the Repair parameters still missing (empty when it can run).</summary>
        public (Dictionary<string, object> Parameters, string[] Missing) Bind(AoaiFinding finding, RepairInputs inputs)
        {
            var parameters = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase) { ["ResourceId"] = finding.ResourceId };
            var missing = new List<string>();
            foreach (var argument in Arguments)
            {
                var value = argument.Value(finding, inputs);
                if (value == null || (value is string s && s.Length == 0)) missing.Add("-" + (argument.RepairParameter ?? argument.Parameter));
                else parameters[argument.Parameter] = value;
            }
            return (parameters, missing.ToArray());
        }

        /// <summary>A command line ready to paste; unknown inputs appear as &lt;placeholders&gt;.</summary>
        public string Render(AoaiFinding finding, RepairInputs inputs)
        {
            var parts = new List<string> { Command, "-ResourceId", Quote(finding.ResourceId) };
            foreach (var argument in Arguments)
            {
                parts.Add("-" + argument.Parameter);
                var value = argument.Value(finding, inputs);
                if (value is bool) continue;
                parts.Add(value switch
                {
                    null => Quote(argument.Placeholder),
                    string s when s.Length == 0 => Quote(argument.Placeholder),
                    IEnumerable<string> many => string.Join(", ", many.Select(Quote)),
                    _ => Quote(value.ToString()!),
                });
            }
            return string.Join(" ", parts);
        }

        /// <summary>Single-quoted PowerShell string ('' escapes a quote).</summary>
        private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
    }
}
