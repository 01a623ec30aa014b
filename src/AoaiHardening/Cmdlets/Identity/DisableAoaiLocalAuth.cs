using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>Turns off key (local) authentication: callers must use Entra ID tokens. Fixes AOAI-IAM-001.</summary>
    [Cmdlet(VerbsLifecycle.Disable, "AoaiLocalAuth", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class DisableAoaiLocalAuth : AccountUpdateCmdlet
    {
        protected override string ErrorArea => "LocalAuth";
        protected override string Action => "Disable key (local) authentication";
        protected override bool IsDesired(AoaiAccount account) => account.DisableLocalAuth;

        protected override JsonObject BuildPatch(AoaiAccount account) =>
            new JsonObject { ["properties"] = new JsonObject { ["disableLocalAuth"] = true } };

        protected override void BeforeFirstChange(AoaiAccount account) =>
            WriteWarning("Applications that call the account with an API key will get 401 once key authentication is off. " +
                         "Move them to Microsoft Entra ID (a managed identity with the Cognitive Services OpenAI User role) first.");
    }
}
