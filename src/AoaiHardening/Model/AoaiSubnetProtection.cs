using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// The network security group protecting a private endpoint subnet, as Protect-AoaiPrivateEndpointSubnet leaves it:
    /// the rules it enforces on inbound traffic and whether the subnet applies them to private endpoints at all.
    /// </summary>
    public sealed class AoaiSubnetProtection
    {
        public string SubnetId { get; internal set; } = string.Empty;
        public string NetworkSecurityGroupId { get; internal set; } = string.Empty;
        /// <summary>Must not be Disabled: with it Disabled, NSG rules do not apply to private endpoint traffic.</summary>
        public string? PrivateEndpointNetworkPolicies { get; internal set; }
        public string[] AllowedSourcePrefixes { get; internal set; } = Array.Empty<string>();
        /// <summary>Every security rule of the NSG (the module's and the ones it kept), by priority.</summary>
        public AoaiSecurityRule[] SecurityRules { get; internal set; } = Array.Empty<AoaiSecurityRule>();
        /// <summary>What this run did (empty when everything was already in place).</summary>
        public string[] Changes { get; internal set; } = Array.Empty<string>();

        public override string ToString() => $"{SubnetId} <- {NetworkSecurityGroupId}";
    }

    /// <summary>One NSG security rule.</summary>
    public sealed class AoaiSecurityRule
    {
        public string Name { get; internal set; } = string.Empty;
        public int Priority { get; internal set; }
        public string Direction { get; internal set; } = string.Empty;
        public string Access { get; internal set; } = string.Empty;
        public string Protocol { get; internal set; } = string.Empty;
        public string[] SourceAddressPrefixes { get; internal set; } = Array.Empty<string>();
        public string[] DestinationAddressPrefixes { get; internal set; } = Array.Empty<string>();
        public string[] DestinationPortRanges { get; internal set; } = Array.Empty<string>();
        public string? Description { get; internal set; }

        public override string ToString() => $"{Priority} {Direction} {Access} {Protocol} {string.Join(",", SourceAddressPrefixes)} -> {string.Join(",", DestinationPortRanges)}";
    }
}
