using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>The policy PUT shared by the cmdlets that create or edit a content filter: ShouldProcess, the write, its error record.</summary>
    internal static class ContentFilterPolicyWriter
    {
        /// <summary>Server-owned fields of a policy: not sent back on a PUT (everything else round-trips, unknown fields included).</summary>
        private static readonly string[] ReadOnly = { "id", "name", "type", "etag", "systemData" };

        /// <summary>Creates the policy; returns it as stored, or null when ShouldProcess declined or the write failed (error written).</summary>
        public static JsonObject? Create(AoaiCmdlet cmdlet, ContentSafetyService service, AccountId account, string name, JsonObject body) =>
            Put(cmdlet, service, account, name, body, "Create content filter policy", "CreateFailed");

        /// <summary>Replaces the policy with the edited JSON (as received, edited in place).</summary>
        public static JsonObject? Replace(AoaiCmdlet cmdlet, ContentSafetyService service, AccountId account, string name, JsonObject body, string change) =>
            Put(cmdlet, service, account, name, body, change, "UpdateFailed");

        private static JsonObject? Put(AoaiCmdlet cmdlet, ContentSafetyService service, AccountId account, string name, JsonObject body, string action, string reason)
        {
            if (!cmdlet.ShouldProcess($"content filter policy '{name}' of account '{account.Name}' ({account.Id})", action)) return null;
            var sent = (JsonObject)body.DeepClone();
            foreach (var field in ReadOnly) sent.Remove(field);
            (sent["properties"] as JsonObject)?.Remove("type"); // UserManaged/SystemManaged is the service's to say
            try
            {
                var stored = service.PutPolicy(account, name, sent, cmdlet.Call);
                cmdlet.WriteVerbose($"{account.Name}: {action} '{name}': done.");
                return stored;
            }
            catch (ArmRequestException ex)
            {
                cmdlet.WriteError(cmdlet.ArmErrorRecord(ex, ContentFilterAssignment.Area + reason, $"{action} '{name}' on account '{account.Name}'", ContentSafetyService.PolicyPath(account, name)));
                return null;
            }
        }
    }
}
