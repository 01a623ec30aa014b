using System.Management.Automation;
using AoaiHardening.Auth;

namespace AoaiHardening.Cmdlets.Connection
{
    /// <summary>Forgets the session's credential and context; later cmdlets fall back to the implicit default.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "AoaiHardening")]
    [OutputType(typeof(void))]
    public sealed class DisconnectAoaiHardening : AoaiCmdlet
    {
        protected override void EndProcessing()
        {
            AoaiSession.Clear();
            WriteVerbose("Disconnected; the next command uses DefaultAzureCredential on AzureCloud unless you connect again.");
        }
    }
}
