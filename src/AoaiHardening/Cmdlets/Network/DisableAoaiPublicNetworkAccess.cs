using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Turns public network access off (publicNetworkAccess Disabled, networkAcls.defaultAction Deny): the account is
    /// then reached through private endpoints only. Existing IP and virtual network rules and bypass are kept;
    /// -AllowTrustedAzureServices also sets bypass AzureServices. Fixes AOAI-NET-001 and AOAI-NET-002.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "AoaiPublicNetworkAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class DisableAoaiPublicNetworkAccess : AccountUpdateCmdlet
    {
        /// <summary>Also let trusted Azure services (e.g. AI Search for On Your Data) in: networkAcls.bypass AzureServices.</summary>
        [Parameter]
        public SwitchParameter AllowTrustedAzureServices { get; set; }

        protected override string ErrorArea => "Network";

        protected override string Action => AllowTrustedAzureServices
            ? "Disable public network access (trusted Azure services allowed)"
            : "Disable public network access";

        private bool BypassDesired(AoaiAccount account) => !AllowTrustedAzureServices || Json.EqualsIgnoreCase(account.NetworkBypass, "AzureServices");

        protected override bool IsDesired(AoaiAccount account) =>
            Json.EqualsIgnoreCase(account.PublicNetworkAccess, "Disabled") && Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Deny") && BypassDesired(account);

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var properties = new JsonObject();
            if (!Json.EqualsIgnoreCase(account.PublicNetworkAccess, "Disabled")) properties["publicNetworkAccess"] = "Disabled";
            if (!Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Deny") || !BypassDesired(account))
            {
                var acls = NetworkAcls.Copy(account);
                acls["defaultAction"] = "Deny";
                if (AllowTrustedAzureServices) acls["bypass"] = "AzureServices";
                properties["networkAcls"] = acls;
            }
            return new JsonObject { ["properties"] = properties };
        }

        protected override void BeforeFirstChange(AoaiAccount account) =>
            WriteWarning("With public network access disabled, clients that do not reach the account through a private endpoint lose access: " +
                         "IP and virtual network rules no longer let anyone in.");

        protected override void BeforeChange(AoaiAccount account)
        {
            if (!NetworkAcls.HasApprovedPrivateEndpoint(account))
                WriteWarning($"Account '{account.Name}' has no approved private endpoint connection: once public access is off, no client can reach it " +
                             "until one exists. Create one with New-AoaiPrivateEndpoint.");
        }

        protected override void AfterChange(AoaiAccount updated)
        {
            if (!Json.EqualsIgnoreCase(updated.NetworkBypass, "AzureServices"))
                WriteVerbose($"{updated.Name}: trusted Azure services are not allowed through (bypass {updated.NetworkBypass ?? "not set"}); -AllowTrustedAzureServices lets them in.");
        }
    }
}
