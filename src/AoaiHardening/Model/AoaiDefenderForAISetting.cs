using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Services;

namespace AoaiHardening.Model
{
    /// <summary>The Defender for AI setting of an account (Microsoft.CognitiveServices/accounts/defenderForAISettings/Default).</summary>
    public sealed class AoaiDefenderForAISetting
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = MonitoringService.DefenderSettingName;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        /// <summary>Enabled or Disabled.</summary>
        public string? State { get; private set; }

        public override string ToString() => Id;

        internal static AoaiDefenderForAISetting FromJson(JsonObject json, AccountId account) => new AoaiDefenderForAISetting
        {
            Id = Json.Str(json["id"]) ?? MonitoringService.DefenderPath(account),
            Name = AoaiContentBlocklist.LeafName(json) is string n && n.Length > 0 ? n : MonitoringService.DefenderSettingName,
            AccountName = account.Name,
            AccountId = account.Id,
            State = Json.Str((json["properties"] as JsonObject)?["state"]),
        };
    }
}
