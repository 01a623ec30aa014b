using System;
using System.Text.RegularExpressions;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// The resource ids the monitoring cmdlets take (a Log Analytics workspace, a storage account, an Event Hubs
    /// authorization rule, an action group): checked before any request, each failure an ArgumentException that quotes
    /// the input and says what was expected. Returns the id as given (trimmed of a trailing '/').
    /// </summary>
    internal static class MonitoringIds
    {
        public const string WorkspaceType = "Microsoft.OperationalInsights/workspaces";
        public const string StorageAccountType = "Microsoft.Storage/storageAccounts";
        public const string EventHubRuleType = "Microsoft.EventHub/namespaces/authorizationRules";
        public const string ActionGroupType = "Microsoft.Insights/actionGroups";

        private static readonly Regex Name = new Regex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,259}$", RegexOptions.CultureInvariant);

        public static string Workspace(string id) => Parse(id, WorkspaceType, "Log Analytics workspace id",
            "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>");

        public static string StorageAccount(string id) => Parse(id, StorageAccountType, "storage account id",
            "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>");

        public static string EventHubRule(string id) => Parse(id, EventHubRuleType, "Event Hubs authorization rule id",
            "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.EventHub/namespaces/<namespace>/authorizationRules/<rule>");

        public static string ActionGroup(string id) => Parse(id, ActionGroupType, "action group id",
            "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Insights/actionGroups/<name>");

        /// <summary>A diagnostic setting name: 1-260 characters, letters, digits, '_', '.', '-'.</summary>
        public static void ValidateSettingName(string name)
        {
            if (name == null || !Name.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid diagnostic setting name (1-260 characters: letters, digits, '_', '.', '-'; starting with a letter or digit).");
        }

        /// <summary>An event hub name: 1-256 characters, letters, digits, '.', '_', '-', starting and ending with a letter or digit.</summary>
        public static void ValidateEventHubName(string name)
        {
            if (name == null || !EventHubName.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid event hub name (1-256 characters: letters, digits, '.', '_', '-'; starting and ending with a letter or digit).");
        }

        private static readonly Regex EventHubName = new Regex(@"^[A-Za-z0-9]([A-Za-z0-9._\-]{0,254}[A-Za-z0-9])?$", RegexOptions.CultureInvariant);

        private static string Parse(string id, string type, string noun, string expected) =>
            TypedResourceIds.Parse(id, type, noun, noun, expected, rid =>
            {
                AccountId.ValidateSubscriptionId(rid.SubscriptionId!);
                AccountId.ValidateResourceGroupName(rid.ResourceGroupName!);
                if (!Name.IsMatch(rid.Name)) throw new ArgumentException($"'{rid.Name}' is not a valid name.");
                return id.TrimEnd('/');
            });
    }
}
