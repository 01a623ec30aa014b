using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using AoaiHardening.Model;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// Which rules run and at what severity. Default = the rules marked Default; Strict = the Default and Strict rules,
    /// with Strict severities (the OnYourData rules are evaluated by Test-AoaiOnYourDataSecurity, in neither). A baseline file extends one of them: { Name, Extends, Include, Exclude, Severity = { id = level } }.
    /// </summary>
    internal sealed class Baseline
    {
        private readonly HashSet<string> _enabled;
        private readonly Dictionary<string, AoaiSeverity> _severity;

        private Baseline(string name, bool strict, IEnumerable<string> enabled, IDictionary<string, AoaiSeverity> severity)
        {
            Name = name;
            IsStrict = strict;
            _enabled = new HashSet<string>(enabled, StringComparer.OrdinalIgnoreCase);
            _severity = new Dictionary<string, AoaiSeverity>(severity, StringComparer.OrdinalIgnoreCase);
        }

        public string Name { get; }
        public bool IsStrict { get; }

        public bool Includes(Rule rule) => _enabled.Contains(rule.Id);

        public AoaiSeverity SeverityOf(Rule rule) =>
            _severity.TryGetValue(rule.Id, out var overridden) ? overridden
            : IsStrict && rule.Info.StrictSeverity.HasValue ? rule.Info.StrictSeverity.Value
            : rule.Info.Severity;

        public static Baseline Default { get; } = Builtin("Default", strict: false);
        public static Baseline Strict { get; } = Builtin("Strict", strict: true);

        private static Baseline Builtin(string name, bool strict) => new Baseline(name, strict,
            // Strict = Default + Strict rules; the On Your Data rules (baseline OnYourData) belong to Test-AoaiOnYourDataSecurity.
            RuleCatalog.All.Where(r => r.Info.Baseline == "Default" || (strict && r.Info.Baseline == "Strict")).Select(r => r.Id),
            new Dictionary<string, AoaiSeverity>());

        /// <summary>
        /// A baseline from the data of a .json or .psd1 file (already parsed into a dictionary). Unknown keys, rule ids and
        /// severities are refused with a message naming them: a typo must not silently weaken a compliance check.
        /// </summary>
        public static Baseline FromData(IDictionary data, string source)
        {
            string? Text(string key) => Get(data, key)?.ToString();
            foreach (var key in data.Keys.Cast<object>().Select(k => k.ToString()!))
            {
                if (!new[] { "Name", "Extends", "Include", "Exclude", "Severity", "Description" }.Contains(key, StringComparer.OrdinalIgnoreCase))
                    throw new ArgumentException($"Baseline '{source}': unknown key '{key}' (expected Name, Extends, Include, Exclude, Severity, Description).");
            }
            var extends = Text("Extends") ?? "Default";
            var parent = string.Equals(extends, "Strict", StringComparison.OrdinalIgnoreCase) ? Strict
                : string.Equals(extends, "Default", StringComparison.OrdinalIgnoreCase) ? Default
                : throw new ArgumentException($"Baseline '{source}': Extends must be Default or Strict, not '{extends}'.");

            var enabled = new HashSet<string>(RuleCatalog.All.Where(parent.Includes).Select(r => r.Id), StringComparer.OrdinalIgnoreCase);
            foreach (var pattern in Strings(Get(data, "Include"))) enabled.UnionWith(Match(pattern, source));
            foreach (var pattern in Strings(Get(data, "Exclude"))) enabled.ExceptWith(Match(pattern, source));

            var severity = new Dictionary<string, AoaiSeverity>(StringComparer.OrdinalIgnoreCase);
            if (Get(data, "Severity") is IDictionary overrides)
            {
                foreach (DictionaryEntry entry in overrides)
                {
                    var id = entry.Key.ToString()!;
                    if (RuleCatalog.Find(id) == null) throw new ArgumentException($"Baseline '{source}': Severity names unknown rule '{id}'.");
                    if (!Enum.TryParse<AoaiSeverity>(entry.Value?.ToString(), true, out var level) || !Enum.IsDefined(typeof(AoaiSeverity), level))
                        throw new ArgumentException($"Baseline '{source}': severity '{entry.Value}' of {id} must be Low, Medium or High.");
                    severity[id] = level;
                }
            }
            else if (Get(data, "Severity") != null)
            {
                throw new ArgumentException($"Baseline '{source}': Severity must map rule ids to Low, Medium or High.");
            }
            return new Baseline(Text("Name") ?? System.IO.Path.GetFileNameWithoutExtension(source), parent.IsStrict, enabled,
                severity.Count == 0 ? new Dictionary<string, AoaiSeverity>() : severity);
        }

        private static IEnumerable<string> Match(string pattern, string source)
        {
            var ids = RuleCatalog.Matching(pattern).Select(r => r.Id).ToList();
            if (ids.Count == 0) throw new ArgumentException($"Baseline '{source}': '{pattern}' matches no rule id.");
            return ids;
        }

        internal static object? Get(IDictionary data, string key)
        {
            foreach (DictionaryEntry entry in data)
            {
                if (string.Equals(entry.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase)) return entry.Value;
            }
            return null;
        }

        internal static IEnumerable<string> Strings(object? value) => value switch
        {
            null => Enumerable.Empty<string>(),
            string s => new[] { s },
            IEnumerable items => items.Cast<object?>().Where(i => i != null).Select(i => i!.ToString()!),
            _ => new[] { value.ToString()! },
        };
    }
}
