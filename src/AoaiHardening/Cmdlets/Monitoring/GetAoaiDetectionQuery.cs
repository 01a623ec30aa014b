using System;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>The hardening guide's detections as objects: name, description, severity, table, KQL, frequency, window, threshold. No request is sent.</summary>
    [Cmdlet(VerbsCommon.Get, "AoaiDetectionQuery")]
    [OutputType(typeof(AoaiDetectionQuery))]
    public sealed class GetAoaiDetectionQuery : PSCmdlet
    {
        /// <summary>Names of detections; wildcards allowed. Without it, every detection.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DetectionNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                foreach (var detection in Detections.All) WriteObject(detection);
                return;
            }
            var emitted = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = Detections.All.Where(d => pattern.IsMatch(d.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(new ErrorRecord(new ItemNotFoundException(
                        $"{MyInvocation.MyCommand.Name}: there is no detection '{name}'. Detections: {string.Join(", ", Detections.All.Select(d => d.Name))}."),
                        MonitoringErrors.Area + "DetectionNotFound", ErrorCategory.ObjectNotFound, name));
                foreach (var detection in matches.Where(d => emitted.Add(d.Name))) WriteObject(detection);
            }
        }
    }

    /// <summary>Completes detection names.</summary>
    public sealed class DetectionNameCompleter : IArgumentCompleter
    {
        public System.Collections.Generic.IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
            Detections.All.Where(d => d.Name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                .Select(d => new CompletionResult(d.Name, d.Name, CompletionResultType.ParameterValue, d.Description));
    }
}
