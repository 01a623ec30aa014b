using System.Management.Automation;
using AoaiHardening.Auth;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Connection
{
    /// <summary>Shows the session's cloud, identity method and default subscription; never a token or secret.</summary>
    [Cmdlet(VerbsCommon.Get, "AoaiContext")]
    [OutputType(typeof(AoaiContext))]
    public sealed class GetAoaiContext : AoaiCmdlet
    {
        protected override void EndProcessing() => WriteObject(AoaiSession.Context);
    }
}
