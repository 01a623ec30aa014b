using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Defender for AI settings of an account (arm-api.md §1.1, DefenderForAISettings row [sdk]): list, GET, PUT (201/200) and
/// PATCH (200, merge), synchronous; <c>properties.state</c> Enabled|Disabled. A setting never written is 404 (the emulator's
/// choice: whether Azure answers a default Disabled setting is not verified).
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string DefenderForAISettingType = AccountType + "/defenderForAISettings";

    private static readonly ArmApi DefenderForAISettingsApi = new(Namespace, "accounts/defenderForAISettings", Versions);
    private static readonly string[] DefenderStates = ["Enabled", "Disabled"];

    private void RegisterDefenderForAISettings() => RegisterChild(DefenderForAISettingType);

    private void MapDefenderForAISettings(RouteGroupBuilder accounts)
    {
        var settings = accounts.MapGroup("/{accountName}/defenderForAISettings").WithMetadata(DefenderForAISettingsApi);
        settings.MapGet("", ctx => state.ReplyAsync(ctx, () => ListChildren(ctx, Find(ctx), DefenderForAISettingType)));
        settings.MapGet("/{settingName}", ctx => state.ReplyAsync(ctx, () =>
            new ArmReply(200, state.Resources.Render(FindChild(Find(ctx), "defenderForAISettings", Route(ctx, "settingName"), DefenderForAISettingType)))));
        settings.MapPut("/{settingName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var account = Find(ctx);
            var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ChildReadOnlyPaths);
            CheckDefenderState(body);
            var (resource, created) = Upsert(account, "defenderForAISettings", DefenderForAISettingType, Route(ctx, "settingName"), body);
            return new ArmReply(created ? 201 : 200, state.Resources.Render(resource));
        }));
        settings.MapPatch("/{settingName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var account = Find(ctx);
            var setting = FindChild(account, "defenderForAISettings", Route(ctx, "settingName"), DefenderForAISettingType);
            var body = (JsonObject)setting.Body.DeepClone();
            JsonMerge.Apply(body, ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ChildReadOnlyPaths));
            CheckDefenderState(body);
            setting.Body = body;
            setting.Touch();
            return new ArmReply(200, state.Resources.Render(setting));
        }));
    }

    /// <summary>400 InvalidResourceProperties (a guess) unless properties.state is Enabled or Disabled (any case).</summary>
    private static void CheckDefenderState(JsonObject body)
    {
        var value = body["properties"].StringAt("state");
        if (!DefenderStates.Any(s => Is(s, value)))
            throw ArmErrors.BadRequest("InvalidResourceProperties",
                $"properties.state {body["properties"]?["state"]?.ToJsonString() ?? "(missing)"} is invalid; it must be Enabled or Disabled.");
    }
}
