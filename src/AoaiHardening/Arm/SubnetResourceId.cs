using System;
using System.Text.RegularExpressions;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A validated Microsoft.Network/virtualNetworks/subnets resource id. Parsed before any request, so a typo in a
    /// subnet id is refused without touching Azure.
    /// </summary>
    public sealed class SubnetResourceId
    {
        // Virtual network and subnet names: 1-80 chars, letters, digits, '_', '.', '-'; start alphanumeric, end alphanumeric or '_'.
        private static readonly Regex NetworkName = new Regex(@"^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$", RegexOptions.CultureInvariant);

        private SubnetResourceId(string subscriptionId, string resourceGroupName, string virtualNetworkName, string name)
        {
            SubscriptionId = subscriptionId;
            ResourceGroupName = resourceGroupName;
            VirtualNetworkName = virtualNetworkName;
            Name = name;
        }

        public string SubscriptionId { get; }
        public string ResourceGroupName { get; }
        public string VirtualNetworkName { get; }
        public string Name { get; }

        public string VirtualNetworkId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/Microsoft.Network/virtualNetworks/{VirtualNetworkName}";

        public string Id => $"{VirtualNetworkId}/subnets/{Name}";

        public override string ToString() => Id;

        public static SubnetResourceId Create(string subscriptionId, string resourceGroupName, string virtualNetworkName, string subnetName)
        {
            AccountId.ValidateSubscriptionId(subscriptionId);
            AccountId.ValidateResourceGroupName(resourceGroupName);
            ValidateName(virtualNetworkName, "virtual network");
            ValidateName(subnetName, "subnet");
            return new SubnetResourceId(subscriptionId, resourceGroupName, virtualNetworkName, subnetName);
        }

        /// <summary>Parses a subnet id; throws ArgumentException saying what is wrong.</summary>
        public static SubnetResourceId Parse(string resourceId) =>
            TypedResourceIds.Parse(resourceId, "Microsoft.Network/virtualNetworks/subnets", "subnet id", "subnet id",
                "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
                rid => Create(rid.SubscriptionId!, rid.ResourceGroupName!, rid.Parent!.Name, rid.Name));

        /// <summary>Network resource names (virtual networks, subnets, private endpoints, NSGs, rules): ARM's 1-80 character rule.</summary>
        public static void ValidateName(string name, string what)
        {
            if (name == null || !NetworkName.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid {what} name (1-80 characters: letters, digits, '_', '.', '-'; starting with a letter or digit, ending with a letter, digit or '_').");
        }

        /// <summary>True when <paramref name="otherId"/> names this subnet (ARM ids compare case-insensitively).</summary>
        public bool Is(string? otherId) => ArmScope.SameScope(Id, otherId);
    }
}
