using AoaiHardening.Arm;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;
using AoaiHardening.Tests.Arm;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>The live readers against the ARM emulator: the paths and api-version they list, and a failed list as RelatedReadException.</summary>
    [Collection("ArmEmulator")]
    public sealed class ContentSafetyLiveReaderTests : IClassFixture<ArmTestEmulator>
    {
        private readonly ArmTestEmulator _emu;

        public ContentSafetyLiveReaderTests(ArmTestEmulator emu)
        {
            _emu = emu;
            _emu.Reset();
        }

        [Theory]
        [InlineData("deployments")]
        [InlineData("raiPolicies")]
        public void A_failed_list_is_a_related_read_error_naming_the_account(string child)
        {
            var client = _emu.Client();
            var account = AoaiAccount.FromJson(client.Get(ArmTestEmulator.AccountPath(0), ApiVersions.CognitiveServices, ArmCallOptions.None)!);
            _emu.State.Requests.Clear();
            _emu.State.Faults.Add(new FaultSpec { Path = $"/accounts/acct-0/{child}", Method = "GET", Kind = FaultKind.Status, Status = 403, Code = "AuthorizationFailed", Message = "denied" });
            var service = new ContentSafetyService(client);

            var ex = Assert.Throws<RelatedReadException>(() => child == "deployments"
                ? ContentSafetyRules.ReadDeployments(service, account, ArmCallOptions.None)
                : ContentSafetyRules.ReadPolicies(service, account, ArmCallOptions.None));
            var what = child == "deployments" ? "deployments" : "content filter (RAI) policies";
            Assert.StartsWith($"reading the {what} of 'acct-0' failed (403 AuthorizationFailed): ", ex.Message);
            var request = Assert.Single(_emu.State.Requests.Snapshot());
            Assert.Equal(ArmTestEmulator.AccountPath(0) + "/" + child, request.Path, ignoreCase: true);
            Assert.Equal(ApiVersions.CognitiveServices, request.ApiVersion);
        }
    }
}
