using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// What the blocklist cmdlets accept before any request, and the pure decisions behind them: item names derived from
    /// the pattern (so adding a pattern twice never makes two items), which patterns are already there, the batches.
    /// Each check throws an ArgumentException whose message says what is wrong; the cmdlets make it a terminating error.
    /// </summary>
    internal static class BlocklistInput
    {
        /// <summary>The longest pattern accepted.</summary>
        public const int MaxPatternLength = 1000;

        /// <summary>The longest blocklist or item name accepted.</summary>
        public const int MaxNameLength = 64;

        // ARM's name rule for the account's content-safety children: letters, digits, '_', '.', '-'.
        internal static readonly Regex NameRule = new Regex(@"^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant);

        /// <summary>A blocklist name: 1-64 letters, digits, '_', '.', '-'.</summary>
        public static string ValidateBlocklistName(string? name)
        {
            if (name == null || !NameRule.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid blocklist name: use 1-{MaxNameLength} characters, letters, digits, '_', '.' or '-'.");
            return name;
        }

        /// <summary>An item name (Remove-AoaiContentBlocklistItem -ItemName): the same rule as blocklist names.</summary>
        public static string ValidateItemName(string? name)
        {
            if (name == null || !NameRule.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid blocklist item name: use 1-{MaxNameLength} characters, letters, digits, '_', '.' or '-'.");
            return name;
        }

        /// <summary>
        /// The patterns to add, in the order given, duplicates dropped: none may be null, empty or blank, or longer than
        /// <see cref="MaxPatternLength"/>; with <paramref name="isRegex"/> each must compile as a .NET regular expression.
        /// </summary>
        public static IReadOnlyList<string> ValidatePatterns(IEnumerable<string?>? patterns, bool isRegex)
        {
            var result = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var pattern in patterns ?? Enumerable.Empty<string?>())
            {
                index++;
                if (string.IsNullOrWhiteSpace(pattern))
                    throw new ArgumentException($"pattern #{index} is empty: every pattern needs at least one non-blank character.");
                if (pattern!.Length > MaxPatternLength)
                    throw new ArgumentException($"pattern #{index} ('{Shorten(pattern)}') is {pattern.Length} characters long; a blocklist item takes at most {MaxPatternLength}.");
                if (isRegex) ValidateRegex(pattern, index);
                if (seen.Add(pattern)) result.Add(pattern);
            }
            if (result.Count == 0) throw new ArgumentException("no pattern given: pass at least one to -Pattern.");
            return result;
        }

        /// <summary>The patterns to remove: the same length rules, no regex check (they are compared as text).</summary>
        public static IReadOnlyList<string> ValidatePatternsToRemove(IEnumerable<string?>? patterns) => ValidatePatterns(patterns, false);

        private static void ValidateRegex(string pattern, int index)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"pattern #{index} ('{Shorten(pattern)}') is not a valid regular expression: {ex.Message}", ex);
            }
        }

        /// <summary>
        /// The item name for a pattern: "term-" or "regex-" and the first 16 hex digits of the SHA-256 of its UTF-8 text.
        /// The same pattern always gets the same name, so a re-run or a second cmdlet never makes a duplicate item.
        /// </summary>
        public static string ItemName(string pattern, bool isRegex)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(pattern));
            var hex = new StringBuilder(16);
            for (var i = 0; i < 8; i++) hex.Append(hash[i].ToString("x2"));
            return (isRegex ? "regex-" : "term-") + hex;
        }

        /// <summary>The patterns not in the blocklist yet: an item with the same text (ordinal) and the same kind counts as there.</summary>
        public static IReadOnlyList<string> Missing(IEnumerable<AoaiContentBlocklistItem> existing, IEnumerable<string> patterns, bool isRegex)
        {
            var present = new HashSet<string>(existing.Where(i => i.IsRegex == isRegex).Select(i => i.Pattern), StringComparer.Ordinal);
            return patterns.Where(p => !present.Contains(p)).ToList();
        }

        /// <summary>Consecutive slices of at most <paramref name="size"/> items, in order.</summary>
        public static IEnumerable<IReadOnlyList<T>> Chunk<T>(IReadOnlyList<T> items, int size)
        {
            if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
            for (var start = 0; start < items.Count; start += size)
                yield return items.Skip(start).Take(size).ToList();
        }

        /// <summary>"1 pattern", "3 patterns".</summary>
        public static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? string.Empty : "s")}";

        /// <summary>The parts joined with ", ", the first letter capitalised: a ShouldProcess action.</summary>
        public static string Sentence(IReadOnlyList<string> parts)
        {
            var text = string.Join(", ", parts);
            return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
        }

        private static string Shorten(string pattern) => pattern.Length <= 40 ? pattern : pattern.Substring(0, 37) + "...";
    }
}
