using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// A private endpoint to an account as New-AoaiPrivateEndpoint leaves it: where it sits, its private addresses, the
    /// names it answers and the private DNS records that point them at it. Pipe it to Protect-AoaiPrivateEndpointSubnet
    /// (binds by SubnetId).
    /// </summary>
    public sealed class AoaiPrivateEndpoint
    {
        public string Name { get; internal set; } = string.Empty;
        /// <summary>The endpoint's resource id (named so, not Id, so that piping it binds -SubnetId and nothing else).</summary>
        public string PrivateEndpointId { get; internal set; } = string.Empty;
        public string ResourceGroupName { get; internal set; } = string.Empty;
        public string? Location { get; internal set; }
        public string AccountId { get; internal set; } = string.Empty;
        public string AccountName { get; internal set; } = string.Empty;
        public string SubnetId { get; internal set; } = string.Empty;
        public string VirtualNetworkId { get; internal set; } = string.Empty;
        /// <summary>Approved, Pending (awaiting approval on the account) or Rejected.</summary>
        public string? ConnectionStatus { get; internal set; }
        public string? ProvisioningState { get; internal set; }
        public string[] PrivateIpAddresses { get; internal set; } = Array.Empty<string>();
        /// <summary>The account's host names the endpoint serves (customDnsConfigs).</summary>
        public string[] Fqdns { get; internal set; } = Array.Empty<string>();
        public string[] PrivateDnsZoneIds { get; internal set; } = Array.Empty<string>();
        /// <summary>The A records the endpoint's DNS zone group keeps in the private zones.</summary>
        public AoaiDnsRecord[] DnsRecords { get; internal set; } = Array.Empty<AoaiDnsRecord>();
        /// <summary>What this run did (empty when everything was already in place).</summary>
        public string[] Changes { get; internal set; } = Array.Empty<string>();

        public override string ToString() => $"{Name} ({string.Join(", ", PrivateIpAddresses)})";
    }

    /// <summary>One A record set in a private DNS zone, as the endpoint's zone group reports it.</summary>
    public sealed class AoaiDnsRecord
    {
        public string Fqdn { get; internal set; } = string.Empty;
        public string ZoneName { get; internal set; } = string.Empty;
        public string RecordSetName { get; internal set; } = string.Empty;
        public string RecordType { get; internal set; } = "A";
        public string[] IpAddresses { get; internal set; } = Array.Empty<string>();
        public int? Ttl { get; internal set; }

        public override string ToString() => $"{Fqdn} -> {string.Join(", ", IpAddresses)}";
    }
}
