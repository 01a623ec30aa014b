using System.Text;
using System.Text.RegularExpressions;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// PowerShell-style wildcards (*, ?, [a-z], backtick escape), case-insensitive, for rule ids and resource ids in
    /// baselines, waivers and -Rule. The engine has its own so it does not depend on System.Management.Automation.
    /// </summary>
    internal sealed class Wildcard
    {
        private readonly Regex _regex;

        private Wildcard(string pattern)
        {
            Pattern = pattern;
            _regex = new Regex("^" + Translate(pattern) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }

        public string Pattern { get; }

        public static Wildcard Get(string pattern) => new Wildcard(pattern);

        public bool IsMatch(string value) => _regex.IsMatch(value);

        public override string ToString() => Pattern;

        private static string Translate(string pattern)
        {
            var regex = new StringBuilder();
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                switch (c)
                {
                    case '*': regex.Append(".*"); break;
                    case '?': regex.Append('.'); break;
                    case '`' when i + 1 < pattern.Length:
                        regex.Append(Regex.Escape(pattern[++i].ToString()));
                        break;
                    case '[':
                        var close = pattern.IndexOf(']', i + 1);
                        if (close < 0)
                        {
                            regex.Append(@"\[");
                            break;
                        }
                        // Keep ranges (a-z); escape what a regex class would otherwise interpret.
                        var set = pattern.Substring(i + 1, close - i - 1).Replace(@"\", @"\\").Replace("^", @"\^").Replace("[", @"\[");
                        regex.Append('[').Append(set).Append(']');
                        i = close;
                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }
            return regex.ToString();
        }
    }
}
