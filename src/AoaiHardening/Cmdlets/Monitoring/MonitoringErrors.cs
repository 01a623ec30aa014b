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

        /// <summary>An ARM failure on one account: a 404 on the account's own read is AoaiHardening.Account.NotFound.</summary>
        public static ErrorRecord Arm(AoaiCmdlet cmdlet, ArmRequestException ex, AccountId account, string step, string reason, object? target)
        {
            if (ex.Status == 404 && ex.Method == "GET" && ex.ErrorCode != null && ex.ErrorCode.IndexOf("NotFound", StringComparison.OrdinalIgnoreCase) >= 0 &&
                ex.ResourcePath.TrimEnd('/').EndsWith(account.Name, StringComparison.OrdinalIgnoreCase))
                return cmdlet.ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{account.Name}' ({account.Id})", account.Id);
            return cmdlet.ArmErrorRecord(ex, Area + reason, $"{step} on account '{account.Name}' ({account.Id})", target);
        }
    }
}
