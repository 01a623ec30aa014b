using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Turns public network access back on: the roll-back of Disable-AoaiPublicNetworkAccess. By default networkAcls stay
    /// as they are, so with default action Deny only the allowed IP ranges and subnets get in; -AllowAllNetworks also sets
    /// the default action to Allow (open to the internet). High impact: it re-opens a public path to the account.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "AoaiPublicNetworkAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class EnableAoaiPublicNetworkAccess : AccountUpdateCmdlet
    {
        /// <summary>Also set networkAcls.defaultAction to Allow: every internet address reaches the endpoint.</summary>
        [Parameter]
        public SwitchParameter AllowAllNetworks { get; set; }

        protected override string ErrorArea => "Network";

        protected override string Action => AllowAllNetworks
            ? "Enable public network access from all networks"
            : "Enable public network access for the allowed networks";

        protected override bool IsDesired(AoaiAccount account) =>
            Json.EqualsIgnoreCase(account.PublicNetworkAccess, "Enabled") && (!AllowAllNetworks || Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Allow"));

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var properties = new JsonObject();
            if (!Json.EqualsIgnoreCase(account.PublicNetworkAccess, "Enabled")) properties["publicNetworkAccess"] = "Enabled";
            if (AllowAllNetworks && !Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Allow"))
            {
                // The whole object, rules included: they stay for when the default action goes back to Deny.
                var acls = NetworkAcls.Copy(account);
                acls["defaultAction"] = "Allow";
                properties["networkAcls"] = acls;
            }
            return new JsonObject { ["properties"] = properties };
        }

        protected override void BeforeChange(AoaiAccount account)
        {
            if (AllowAllNetworks || !Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Deny"))
            {
                WriteWarning($"Account '{account.Name}' will be open to the internet: with public access enabled and default action Allow, every address reaches its endpoint " +
                             "(only authentication stands in the way). AOAI-NET-001 fails.");
                return;
            }
            var rules = NetworkAcls.DescribeRules(account);
            WriteWarning($"Account '{account.Name}': public access is enabled for the allowed networks only (default action Deny, {rules}). " +
                         (account.IpRules.Length == 0 && account.VirtualNetworkRules.Length == 0
                             ? "Nobody gets in that way yet: add IP ranges or subnets with Set-AoaiNetworkRule."
                             : "Change them with Set-AoaiNetworkRule; -AllowAllNetworks would open it to every network."));
        }
    }
}
