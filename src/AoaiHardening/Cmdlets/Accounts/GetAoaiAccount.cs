using System;
using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Accounts
{
    /// <summary>
    /// Lists or gets Azure OpenAI / AI Services accounts. Results stream as ARM pages arrive. Listing returns kinds OpenAI
    /// and AIServices unless -Kind says otherwise; an exact name or id returns the account whatever its kind.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiAccount", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class GetAoaiAccount : AccountSelectionCmdlet
    {
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Kind { get; set; } = AccountSelector.DefaultKinds;

        protected override void ProcessRecord()
        {
            try
            {
                foreach (var account in SelectAccounts(Kind, MyInvocation.BoundParameters.ContainsKey(nameof(Kind))))
                {
                    WriteObject(account);
                    DrainMessages();
                }
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }
    }
}
