using System;
using System.Linq;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A private DNS zone for Cognitive Services private endpoints (shared/reference/facts.md, "Private DNS zones"): the
    /// zone (privatelink.openai.azure.com) and the public suffix whose names it answers (openai.azure.com).
    /// </summary>
    public sealed class PrivateLinkZone
    {
        private readonly string[] _kinds;

        public PrivateLinkZone(string name, string publicSuffix, params string[] kinds)
        {
            Name = name;
            PublicSuffix = publicSuffix;
            _kinds = kinds;
        }

        public string Name { get; }
        public string PublicSuffix { get; }

        /// <summary>Kinds the zone is listed for; empty: every kind.</summary>
        public string[] Kinds => (string[])_kinds.Clone();

        public bool AppliesTo(string? kind) => _kinds.Length == 0 || _kinds.Any(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));

        public override string ToString() => Name;
    }
}
