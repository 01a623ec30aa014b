using System;
using System.Management.Automation;
using AoaiHardening.Arm;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>The error ids and records the monitoring cmdlets share (AoaiHardening.Monitoring.&lt;Reason&gt;).</summary>
    internal static class MonitoringErrors
    {
        public const string Area = "AoaiHardening.Monitoring.";

        /// <summary>A terminating InvalidArgument error before any request.</summary>
        public static void Refuse(AoaiCmdlet cmdlet, string message, string reason, object? target) =>
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{cmdlet.MyInvocation.MyCommand.Name}: {message}"),
                Area + reason, ErrorCategory.InvalidArgument, target));

        /// <summary>An ARM failure on one account, naming the account and the step; a 404 on a read is AoaiHardening.Account.NotFound.</summary>
        public static ErrorRecord Arm(AoaiCmdlet cmdlet, ArmRequestException ex, AccountId account, string step, string reason, object? target)
        {
            // Reads of a setting or rule that may be absent treat 404 as "absent"; a 404 that reaches here is the account's.
            if (ex.Status == 404 && ex.Method == "GET")
                return cmdlet.ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{account.Name}' ({account.Id})", account.Id);
            return cmdlet.ArmErrorRecord(ex, Area + reason, $"{step} on account '{account.Name}' ({account.Id})", target);
        }
    }
}
