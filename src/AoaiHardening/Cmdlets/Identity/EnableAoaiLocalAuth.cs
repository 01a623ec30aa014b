using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>Turns key (local) authentication back on: the roll-back of Disable-AoaiLocalAuth. High impact: it re-opens key access.</summary>
    [Cmdlet(VerbsLifecycle.Enable, "AoaiLocalAuth", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class EnableAoaiLocalAuth : AccountUpdateCmdlet
    {
        protected override string ErrorArea => "LocalAuth";
        protected override string Action => "Enable key (local) authentication";
        protected override bool IsDesired(AoaiAccount account) => !account.DisableLocalAuth;

        protected override JsonObject BuildPatch(AoaiAccount account) =>
            new JsonObject { ["properties"] = new JsonObject { ["disableLocalAuth"] = false } };

        protected override void BeforeFirstChange(AoaiAccount account) =>
            WriteWarning("Key authentication lets anyone holding an account key call the account, with no identity in the logs. " +
                         "Both keys become valid again: rotate them if they may have leaked, and keep them in Key Vault.");
    }
}
