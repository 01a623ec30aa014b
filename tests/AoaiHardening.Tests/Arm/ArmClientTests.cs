using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Emulator.Core;
using Azure.Core;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    [Collection("ArmEmulator")]
    public class ArmClientTests : IClassFixture<ArmTestEmulator>
    {
        private readonly ArmTestEmulator _emu;
        private static readonly string Acct0 = ArmTestEmulator.AccountPath(0);
        private static readonly string AccountsPath = $"/subscriptions/{ArmTestEmulator.Subscription}/resourceGroups/{ArmTestEmulator.Group}/providers/Microsoft.CognitiveServices/accounts";

        public ArmClientTests(ArmTestEmulator emu)
        {
            _emu = emu;
            _emu.Reset();
        }

        private static JsonObject DisableLocalAuth => new JsonObject { ["properties"] = new JsonObject { ["disableLocalAuth"] = true } };

        [Fact]
        public void Get_sends_the_pinned_api_version_user_agent_and_bearer_token()
        {
            var json = _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None)!;
            Assert.Equal("acct-0", Json.Str(json["name"]));
            var request = Assert.Single(_emu.State.Requests.Snapshot());
            Assert.Equal(ApiVersions.CognitiveServices, request.ApiVersion);
            Assert.StartsWith("AoaiHardening/9.9.9 (", request.UserAgent);
            Assert.True(request.HasAuthorization);
        }

        [Fact]
        public void List_follows_nextLink_across_pages()
        {
            _emu.Reset(c => c with { PageSize = 2 });
            var names = _emu.Client().List(AccountsPath, ApiVersions.CognitiveServices, ArmCallOptions.None).Select(a => Json.Str(a["name"])).ToList();
            Assert.Equal(Enumerable.Range(0, ArmTestEmulator.AccountCount).Select(i => $"acct-{i}"), names.OrderBy(n => n));
            Assert.Equal(3, _emu.State.Requests.Snapshot().Count(r => r.Method == "GET"));
        }

        [Theory]
        [InlineData(LroStyle.Both, "operationStatuses")]
        [InlineData(LroStyle.Async, "operationStatuses")]
        [InlineData(LroStyle.Location, "operationResults")]
        [InlineData(LroStyle.Sync, null)]
        public void Patch_waits_for_the_long_running_operation_in_every_header_style(LroStyle style, string? pollSegment)
        {
            _emu.Reset(c => c with { LroStyle = style, LroPolls = 2 });
            var progress = 0;
            var final = _emu.Client().SendLongRunning(RequestMethod.Patch, Acct0, ApiVersions.CognitiveServices, DisableLocalAuth, LroFinalState.OriginalUri,
                new ArmCallOptions { Progress = _ => progress++ })!;
            var props = final["properties"]!.AsObject();
            Assert.True(Json.Bool(props["disableLocalAuth"]));
            Assert.Equal("Succeeded", Json.Str(props["provisioningState"]));
            Assert.True((bool)props["unknownProperty"]!["kept"]!, "PATCH must not drop fields it did not name");
            var log = _emu.State.Requests.Snapshot();
            if (pollSegment == null)
            {
                Assert.DoesNotContain(log, r => r.Path.Contains("operation", StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                Assert.Equal(2, log.Count(r => r.Path.Contains(pollSegment, StringComparison.OrdinalIgnoreCase)));
                Assert.True(progress >= 2);
            }
        }

        [Fact]
        public void Delete_completes_through_the_Location_header()
        {
            _emu.Reset(c => c with { LroStyle = LroStyle.Location });
            var result = _emu.Client().SendLongRunning(RequestMethod.Delete, Acct0, ApiVersions.CognitiveServices, null, LroFinalState.OriginalUri, ArmCallOptions.None);
            Assert.Null(result);
            var ex = Assert.Throws<ArmRequestException>(() => _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None));
            Assert.Equal(404, ex.Status);
        }

        [Fact]
        public void A_failed_operation_surfaces_its_error_code()
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Method = "PATCH", Kind = FaultKind.LroFail, Code = "KeyVaultAccessDenied", Message = "no access" });
            var ex = Assert.Throws<ArmRequestException>(() =>
                _emu.Client().SendLongRunning(RequestMethod.Patch, Acct0, ApiVersions.CognitiveServices, DisableLocalAuth, LroFinalState.OriginalUri, ArmCallOptions.None));
            Assert.Equal("KeyVaultAccessDenied", ex.ErrorCode);
            Assert.Contains("Failed", ex.Message);
            Assert.Contains("no access", ex.Message);
        }

        [Fact]
        public void An_operation_that_never_finishes_times_out()
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Method = "PATCH", Kind = FaultKind.LroStuck });
            var client = _emu.Client(configure: s => s.LroTimeout = TimeSpan.FromMilliseconds(300));
            var ex = Assert.Throws<ArmRequestException>(() =>
                client.SendLongRunning(RequestMethod.Patch, Acct0, ApiVersions.CognitiveServices, DisableLocalAuth, LroFinalState.OriginalUri, ArmCallOptions.None));
            Assert.Equal("OperationTimedOut", ex.ErrorCode);
        }

        [Fact]
        public void Throttling_is_retried_after_Retry_After()
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Kind = FaultKind.Status, Status = 429, Code = "TooManyRequests", RetryAfter = 1 });
            var sw = Stopwatch.StartNew();
            _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None);
            // The client's own backoff is 20 ms here; waiting about a second can only come from the server's Retry-After.
            Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {sw.ElapsedMilliseconds} ms");
            Assert.Equal(new int?[] { 429, 200 }, _emu.State.Requests.Snapshot().Select(r => r.Status));
        }

        [Theory]
        [InlineData(500)]
        [InlineData(503)]
        public void Transient_server_errors_are_retried(int status)
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Kind = FaultKind.Status, Status = status, Count = 2 });
            _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None);
            Assert.Equal(new int?[] { status, status, 200 }, _emu.State.Requests.Snapshot().Select(r => r.Status));
        }

        [Fact]
        public void A_connection_reset_is_retried()
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Kind = FaultKind.Reset });
            var json = _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None);
            Assert.Equal("acct-0", Json.Str(json!["name"]));
            Assert.Equal(2, _emu.State.Requests.Snapshot().Count);
        }

        [Fact]
        public void Retries_give_up_after_MaxRetries_with_the_last_error()
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Kind = FaultKind.Status, Status = 503, Count = 10, Code = "ServiceUnavailable", Message = "down" });
            var ex = Assert.Throws<ArmRequestException>(() => _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None));
            Assert.Equal(503, ex.Status);
            Assert.Equal(4, _emu.State.Requests.Snapshot().Count); // 1 + MaxRetries (3)
        }

        [Theory]
        [InlineData(400, "InvalidRequestContent")]
        [InlineData(401, "InvalidAuthenticationToken")]
        [InlineData(403, "AuthorizationFailed")]
        [InlineData(404, "ResourceNotFound")]
        [InlineData(409, "Conflict")]
        public void Client_errors_are_not_retried_and_map_to_one_exception(int status, string code)
        {
            _emu.State.Faults.Add(new FaultSpec { Path = "/accounts/acct-0", Kind = FaultKind.Status, Status = status, Code = code, Message = "the message", Count = 5 });
            var ex = Assert.Throws<ArmRequestException>(() => _emu.Client().Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None));
            Assert.Equal(status, ex.Status);
            Assert.Equal(code, ex.ErrorCode);
            Assert.Equal("the message", ex.ServiceMessage);
            Assert.False(string.IsNullOrEmpty(ex.RequestId));
            Assert.Equal("GET", ex.Method);
            Assert.Equal(Acct0, ex.ResourcePath);
            Assert.Single(_emu.State.Requests.Snapshot());
        }

        [Fact]
        public void An_expired_token_is_a_401_that_is_not_retried()
        {
            var ex = Assert.Throws<ArmRequestException>(() => _emu.Client(token: "expired").Get(Acct0, ApiVersions.CognitiveServices, ArmCallOptions.None));
            Assert.Equal(401, ex.Status);
            Assert.Equal("ExpiredAuthenticationToken", ex.ErrorCode);
            Assert.Single(_emu.State.Requests.Snapshot());
        }

        [Fact]
        public void A_real_ARM_error_envelope_is_read()
        {
            var ex = Assert.Throws<ArmRequestException>(() => _emu.Client().Get(ArmTestEmulator.AccountPath(99), ApiVersions.CognitiveServices, ArmCallOptions.None));
            Assert.Equal(404, ex.Status);
            Assert.Equal("ResourceNotFound", ex.ErrorCode);
            Assert.Contains("acct-99", ex.Message);
            var badVersion = Assert.Throws<ArmRequestException>(() => _emu.Client().Get(Acct0, "1999-01-01", ArmCallOptions.None));
            Assert.Equal("InvalidApiVersionParameter", badVersion.ErrorCode);
        }

        [Fact]
        public void Trace_lines_carry_no_token()
        {
            var lines = new System.Collections.Generic.List<string>();
            _emu.Client(token: "secret-token-value").Get(Acct0, ApiVersions.CognitiveServices, new ArmCallOptions { Trace = lines.Add });
            var line = Assert.Single(lines);
            Assert.Contains("GET", line);
            Assert.Contains("200", line);
            Assert.DoesNotContain("secret-token-value", line);
        }

        [Fact]
        public void Links_to_other_hosts_are_not_followed()
        {
            var client = _emu.Client();
            var ex = Assert.Throws<ArmRequestException>(() => client.BuildUri("https://attacker.example/subscriptions/x?api-version=1", ApiVersions.CognitiveServices));
            Assert.Equal("UntrustedLink", ex.ErrorCode);
            Assert.Throws<ArmRequestException>(() => client.BuildUri(_emu.Emulator.BaseUri.ToString().Replace("https://", "http://") + "x", ApiVersions.CognitiveServices));
            Assert.Contains("api-version=2025-09-01", client.BuildUri("/subscriptions/x", ApiVersions.CognitiveServices).Query);
        }
    }

    [CollectionDefinition("ArmEmulator", DisableParallelization = true)]
    public class ArmEmulatorCollection
    {
    }
}
