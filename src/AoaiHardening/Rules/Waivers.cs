using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AoaiHardening.Rules
{
    /// <summary>An accepted exception: a failing rule on matching resources becomes Waived until it expires.</summary>
    internal sealed class Waiver
    {
        private readonly Wildcard _resource;
        private readonly Wildcard _rule;

        public Waiver(string resourceIdPattern, string ruleIdPattern, string reason, DateTimeOffset? expires)
        {
            ResourceIdPattern = resourceIdPattern;
            RuleIdPattern = ruleIdPattern;
            Reason = reason;
            Expires = expires;
            _resource = Wildcard.Get(resourceIdPattern);
            _rule = Wildcard.Get(ruleIdPattern);
        }

        public string ResourceIdPattern { get; }
        public string RuleIdPattern { get; }
        public string Reason { get; }
        /// <summary>The waiver applies up to and including this day (UTC); null: no expiry.</summary>
        public DateTimeOffset? Expires { get; }

        public bool Matches(string ruleId, string resourceId) => _rule.IsMatch(ruleId) && _resource.IsMatch(resourceId);

        public bool IsExpired(DateTimeOffset now) => Expires.HasValue && now > Expires.Value;

        public override string ToString() => $"{RuleIdPattern} on {ResourceIdPattern}";

        /// <summary>Waivers from a file's data: a list of { ResourceId, RuleId, Reason, Expires } (or { Waivers = @(...) }).</summary>
        public static IReadOnlyList<Waiver> FromData(object data, string source)
        {
            var items = data is IDictionary wrapper && Baseline.Get(wrapper, "Waivers") is object inner ? inner : data;
            var list = items is IDictionary single ? new object[] { single } : (items as IEnumerable)?.Cast<object>().ToArray() ?? Array.Empty<object>();
            var waivers = new List<Waiver>();
            for (var i = 0; i < list.Length; i++)
            {
                if (!(list[i] is IDictionary entry)) throw new ArgumentException($"Waiver file '{source}': entry {i + 1} is not an object.");
                string Required(string key) => Baseline.Get(entry, key)?.ToString() is string s && s.Trim().Length > 0
                    ? s.Trim() : throw new ArgumentException($"Waiver file '{source}': entry {i + 1} has no {key}.");
                var expiresText = Baseline.Get(entry, "Expires")?.ToString();
                DateTimeOffset? expires = null;
                if (!string.IsNullOrWhiteSpace(expiresText))
                {
                    if (!DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                        throw new ArgumentException($"Waiver file '{source}': entry {i + 1} has an unreadable Expires '{expiresText}' (use yyyy-MM-dd).");
                    // A date alone means "through the end of that day".
                    expires = parsed.TimeOfDay == TimeSpan.Zero ? parsed.AddDays(1).AddTicks(-1) : parsed;
                }
                waivers.Add(new Waiver(Required("ResourceId"), Required("RuleId"), Required("Reason"), expires));
            }
            return waivers;
        }
    }
}
