using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using Azure.Core;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Proves that a deployment's content filter works: sends a suite of probe prompts (benign, borderline, harmful,
    /// jailbreak, indirect attack, plus the caller's own) to the account's data plane and reports, per probe, whether the
    /// filter let it through or blocked it and which categories fired. Microsoft Entra ID by default; the account key only
    /// with -UseKey. Reads only: nothing is changed, so no ShouldProcess.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AoaiContentFilter", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentFilterProbeResult))]
    public sealed class TestAoaiContentFilter : AccountChildCmdlet
    {
        private const string Activity = "Probing content filters";
        private const string ErrorIdPrefix = "AoaiHardening.ContentSafety.";

        // What Azure accepts for a deployment name; it becomes a URL path segment, so nothing else gets through.
        private static readonly Regex DeploymentNamePattern = new Regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

        private static int _nextActivityId = 4800;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
        private IReadOnlyList<ContentFilterProbe> _probes = Array.Empty<ContentFilterProbe>();
        private string[] _deployments = Array.Empty<string>();
        private DataPlaneAccess? _entra;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[] DeploymentName { get; set; } = null!;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProbePath { get; set; }

        [Parameter]
        public SwitchParameter SkipBuiltIn { get; set; }

        [Parameter]
        public SwitchParameter UseKey { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // Everything that can be refused without Azure is refused here, before the first request.
            _deployments = DeploymentName.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            foreach (var name in _deployments)
            {
                ValidateOrThrow(() =>
                {
                    if (!DeploymentNamePattern.IsMatch(name))
                        throw new ArgumentException($"'{name}' is not a deployment name: 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or digit.");
                }, ErrorIdPrefix + "InvalidDeploymentName", name);
            }
            _probes = ValidateOrThrow(LoadProbes, ErrorIdPrefix + "InvalidProbeFile", ProbePath);
            if (_probes.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -SkipBuiltIn leaves no probe to run: pass -ProbePath with your own probes."),
                    ErrorIdPrefix + "NoProbes", ErrorCategory.InvalidArgument, null));
            }
            if (!UseKey)
            {
                _entra = AoaiSession.OpenAi;
                if (_entra.Credential == null)
                {
                    ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: {_entra.UnavailableReason} " +
                                                                                       "Or run with -UseKey (the account's API key, where key authentication is enabled)."),
                        ErrorIdPrefix + "NoDataPlaneCredential", ErrorCategory.AuthenticationError, null));
                }
            }
        }

        /// <summary>The built-in suite (unless -SkipBuiltIn), then the file's probes; a name may appear once.</summary>
        private IReadOnlyList<ContentFilterProbe> LoadProbes()
        {
            var probes = new List<ContentFilterProbe>();
            if (!SkipBuiltIn) probes.AddRange(ContentFilterProbes.BuiltIn);
            if (ProbePath == null) return probes;
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ProbePath);
            if (!File.Exists(path)) throw new ArgumentException($"The probe file '{path}' does not exist.");
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { throw new ArgumentException($"The probe file '{path}' could not be read: {ex.Message}"); }
            var own = ContentFilterProbes.Parse(text, $"the probe file '{path}'");
            var clash = own.Where(p => probes.Any(b => string.Equals(b.Name, p.Name, StringComparison.OrdinalIgnoreCase))).Select(p => p.Name).ToArray();
            if (clash.Length > 0)
                throw new ArgumentException($"The probe file '{path}' reuses the name of a built-in probe ({string.Join(", ", clash)}): rename it, or pass -SkipBuiltIn.");
            probes.AddRange(own);
            return probes;
        }

        protected override void ProcessRecord()
        {
            var id = ResolveAccount();
            try
            {
                var account = ReadAccount(id);
                if (account == null) return; // reported
                var endpoint = DataPlaneEndpoint(account);
                if (endpoint == null) return; // reported
                var client = CreateClient(account, id, endpoint);
                if (client == null) return; // reported

                var total = _deployments.Length * _probes.Count;
                var done = 0;
                foreach (var deployment in _deployments)
                {
                    var outcome = ProbeDeployment(client, account, deployment, ref done, total);
                    if (outcome == DeploymentOutcome.StopAccount) break;
                }
            }
            catch (Exception) when (CancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: whatever shape the cancelled request surfaced in (OperationCanceledException, or wrapped by a retry).
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
                CompleteProgress(_activityId, Activity);
            }
        }

        private enum DeploymentOutcome { Done, Skipped, StopAccount }

        /// <summary>The account as given on the pipeline (already read), else one ARM GET; null when that failed (reported).</summary>
        private AoaiAccount? ReadAccount(AccountId id)
        {
            if (InputObject != null) return InputObject;
            try
            {
                WriteProgress(new ProgressRecord(_activityId, Activity, $"Reading account '{id.Name}'"));
                return new AccountService(Arm).Get(id, Call);
            }
            catch (ArmRequestException ex)
            {
                var errorId = ex.Status == 404 ? "AoaiHardening.Account.NotFound" : ErrorIdPrefix + "ReadAccountFailed";
                WriteError(ArmErrorRecord(ex, errorId, $"reading account '{id.Name}' in resource group '{id.ResourceGroupName}'", id.Id));
                return null;
            }
        }

        /// <summary>
        /// The data-plane root (https://{subdomain}.openai.azure.com/), or null with an error. Only custom-subdomain
        /// endpoints accept Microsoft Entra tokens, and the regional ones are shared hosts: refused before any data-plane request.
        /// </summary>
        private Uri? DataPlaneEndpoint(AoaiAccount account)
        {
            string? problem = null;
            Uri? endpoint = null;
            if (!AccountSelector.DefaultKinds.Any(k => string.Equals(k, account.Kind, StringComparison.OrdinalIgnoreCase)))
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: account '{account.Name}' is of kind '{account.Kind}', which serves no Azure OpenAI deployments; " +
                        "content filters are probed on kinds OpenAI and AIServices."),
                    ErrorIdPrefix + "UnsupportedKind", ErrorCategory.InvalidArgument, account.Id));
                return null;
            }
            if (string.IsNullOrEmpty(account.CustomSubDomainName))
            {
                problem = $"has no custom subdomain (its endpoint is {account.Endpoint ?? "not set"}). Microsoft Entra ID tokens work only on " +
                          "custom-subdomain endpoints (https://{name}.openai.azure.com/), so the probes are not sent. Give the account a custom " +
                          "subdomain (it cannot be changed or removed afterwards) and run again";
            }
            else if (!Uri.TryCreate(account.Endpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                problem = $"has no https endpoint ('{account.Endpoint}')";
            }
            else if (!endpoint.Host.StartsWith(account.CustomSubDomainName + ".", StringComparison.OrdinalIgnoreCase))
            {
                // The token goes wherever the endpoint points: only to the account's own subdomain.
                problem = $"has an endpoint ({endpoint.Host}) that is not on its custom subdomain '{account.CustomSubDomainName}'";
            }
            if (problem != null)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: account '{account.Name}' {problem}."),
                    ErrorIdPrefix + "NoCustomSubdomain", ErrorCategory.InvalidOperation, account.Id));
                return null;
            }
            return new Uri(endpoint!.GetLeftPart(UriPartial.Authority) + "/");
        }

        /// <summary>A client with a Microsoft Entra token, or with -UseKey the account's Key1 (listKeys); null when refused (reported).</summary>
        private OpenAiDataPlaneClient? CreateClient(AoaiAccount account, AccountId id, Uri endpoint)
        {
            if (!UseKey)
            {
                return OpenAiDataPlaneClient.WithToken(account.Name, endpoint, _entra!.Credential!, Arm.Environment.DataPlaneScope, Arm.Settings,
                    AoaiSession.DataPlaneTransport, Call.Trace);
            }
            if (account.DisableLocalAuth)
            {
                WriteError(new ErrorRecord(new ContentFilterProbeException(
                        $"{MyInvocation.MyCommand.Name}: key authentication is disabled on account '{account.Name}'; run without -UseKey (Microsoft Entra ID).",
                        401, "AuthenticationTypeDisabled", account.Name, null, null),
                    ErrorIdPrefix + "ProbeUnauthorized", ErrorCategory.AuthenticationError, account.Id));
                return null;
            }
            WriteWarning($"{MyInvocation.MyCommand.Name}: -UseKey: the probes on account '{account.Name}' authenticate with its API key (Key1). " +
                         "Key authentication should be off in production (AOAI-IAM-001, Disable-AoaiLocalAuth); without -UseKey the probes use Microsoft Entra ID.");
            AccountKeys keys;
            try
            {
                WriteProgress(new ProgressRecord(_activityId, Activity, $"Listing the keys of account '{account.Name}'"));
                keys = new AccountService(Arm).ListKeys(id, Call);
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, ErrorIdPrefix + "ListKeysFailed", $"listing the keys of account '{account.Name}' (-UseKey)", account.Id));
                return null;
            }
            return OpenAiDataPlaneClient.WithKey(account.Name, endpoint, keys.Key1, Arm.Settings, AoaiSession.DataPlaneTransport, Call.Trace);
        }

        /// <summary>
        /// Every probe on one deployment, one result each, streamed. A 404 ends the deployment (DeploymentNotFound); a 401,
        /// a 403 or no answer at all ends the account, since every other request would meet the same credential or network.
        /// </summary>
        private DeploymentOutcome ProbeDeployment(OpenAiDataPlaneClient client, AoaiAccount account, string deployment, ref int done, int total)
        {
            var target = $"{account.Id}/deployments/{deployment}";
            var asExpected = 0;
            var missed = new List<string>();
            var ran = 0;
            var outcome = DeploymentOutcome.Done;
            foreach (var probe in _probes)
            {
                WriteProgress(new ProgressRecord(_activityId, Activity, $"{account.Name}/{deployment}: {probe.Name} ({done + 1}/{total})")
                {
                    PercentComplete = total == 0 ? 0 : Math.Min(100, done * 100 / total),
                });
                done++;
                ChatCompletionResponse response;
                try
                {
                    response = client.ChatCompletions(deployment, probe.Messages, ContentFilterProbes.MaxTokens, CancellationToken);
                }
                catch (OpenAiRequestException ex)
                {
                    DrainMessages();
                    var errorId = ex.Status == 401 ? "ProbeUnauthorized" : "ProbeFailed";
                    WriteError(new ErrorRecord(new ContentFilterProbeException(
                            $"{MyInvocation.MyCommand.Name}: probe '{probe.Name}' on deployment '{deployment}' of account '{account.Name}': {ex.Message} " +
                            "The remaining probes of this account were not sent.", ex.Status, ex.ErrorCode, account.Name, deployment, probe.Name),
                        ErrorIdPrefix + errorId, ex.Status == 401 ? ErrorCategory.AuthenticationError : CategoryOf(ex.Status, ex.ErrorCode), target));
                    outcome = DeploymentOutcome.StopAccount;
                    break;
                }
                DrainMessages();
                ran++;

                var verdict = ContentFilterProbes.Classify(response);
                if (verdict.Actual == ContentFilterProbes.Error && (response.Status == 401 || response.Status == 403 || response.Status == 404))
                {
                    WriteError(Refusal(client, account, deployment, probe, response, target));
                    outcome = response.Status == 404 ? DeploymentOutcome.Skipped : DeploymentOutcome.StopAccount;
                    ran--;
                    break;
                }

                var result = new AoaiContentFilterProbeResult
                {
                    AccountName = account.Name,
                    DeploymentName = deployment,
                    ProbeName = probe.Name,
                    Category = probe.Category,
                    Expected = probe.Expected,
                    Actual = verdict.Actual,
                    Passed = verdict.Actual == probe.Expected,
                    FilteredBy = verdict.FilteredBy,
                    CategoriesFired = verdict.CategoriesFired,
                    HttpStatus = verdict.HttpStatus,
                    FinishReason = verdict.FinishReason,
                    ErrorCode = verdict.ErrorCode,
                    Message = ContentFilterProbes.Describe(probe, verdict),
                    RequestId = response.RequestId,
                };
                if (result.Passed) asExpected++;
                else missed.Add(probe.Name);
                WriteObject(result);
                if (verdict.Actual == ContentFilterProbes.Error)
                {
                    // The result says "no verdict"; the error makes it visible and names where it happened.
                    WriteError(new ErrorRecord(new ContentFilterProbeException(
                            $"{MyInvocation.MyCommand.Name}: probe '{probe.Name}' on deployment '{deployment}' of account '{account.Name}' failed: {result.Message}" +
                            (response.RequestId != null ? $" (apim-request-id: {response.RequestId})" : string.Empty),
                            response.Status, response.ErrorCode ?? "HttpError" + response.Status, account.Name, deployment, probe.Name),
                        ErrorIdPrefix + "ProbeFailed", CategoryOf(response.Status, response.ErrorCode), target));
                }
            }

            if (ran > 0)
            {
                var summary = $"{asExpected}/{ran} probes as expected on {deployment} (account {account.Name})" +
                              (missed.Count > 0 ? $"; not as expected: {string.Join(", ", missed)}" : string.Empty) +
                              (ran < _probes.Count ? $"; {_probes.Count - ran} of {_probes.Count} not run" : string.Empty) + ".";
                WriteVerbose(summary);
                WriteInformation(new InformationRecord(summary, MyInvocation.MyCommand.Name), new[] { "AoaiHardening", "ContentFilterSummary" });
            }
            return outcome;
        }

        /// <summary>One clear error for a 401, 403 or 404: what was refused, and what to do about it.</summary>
        private ErrorRecord Refusal(OpenAiDataPlaneClient client, AoaiAccount account, string deployment, ContentFilterProbe probe,
            ChatCompletionResponse response, string target)
        {
            var code = response.ErrorCode ?? "HttpError" + response.Status;
            // The gateway's 401s use the status as their code ("401"): said once.
            var answer = (code == response.Status.ToString() ? code : $"{response.Status} {code}") +
                         (response.ErrorMessage != null ? $": {response.ErrorMessage}" : string.Empty);
            var requestId = response.RequestId != null ? $" (apim-request-id: {response.RequestId})" : string.Empty;
            var cmd = MyInvocation.MyCommand.Name;
            var at = $"probe '{probe.Name}' on deployment '{deployment}'";
            string message, errorId;
            ErrorCategory category;
            switch (response.Status)
            {
                case 404:
                    errorId = "DeploymentNotFound";
                    category = ErrorCategory.ObjectNotFound;
                    message = $"{cmd}: deployment '{deployment}' was not found on account '{account.Name}' ({answer}); its probes were not run{requestId}.";
                    break;
                case 401 when client.UsesKey && Json.EqualsIgnoreCase(code, "AuthenticationTypeDisabled"):
                    errorId = "ProbeUnauthorized";
                    category = ErrorCategory.AuthenticationError;
                    message = $"{cmd}: key authentication is disabled on account '{account.Name}'; run without -UseKey (Microsoft Entra ID). " +
                              $"({at}: {answer}){requestId}";
                    break;
                case 401 when client.UsesKey:
                    errorId = "ProbeUnauthorized";
                    category = ErrorCategory.AuthenticationError;
                    message = $"{cmd}: account '{account.Name}' refused its API key on {at} ({answer}). The key may have been regenerated " +
                              "since it was listed: run again, or run without -UseKey (Microsoft Entra ID). The remaining probes of this account were not sent" + requestId + ".";
                    break;
                case 401:
                    errorId = "ProbeUnauthorized";
                    category = ErrorCategory.AuthenticationError;
                    message = $"{cmd}: account '{account.Name}' refused the Microsoft Entra token on {at} ({answer}). It must be a token for " +
                              $"{AzureEnvironment.Audience(Arm.Environment.DataPlaneScope)}" +
                              (_entra?.IsStaticToken == true ? ", unexpired: check the token passed to Connect-AoaiHardening -DataPlaneAccessToken" : string.Empty) +
                              ". The remaining probes of this account were not sent" + requestId + ".";
                    break;
                default:
                    errorId = "ProbeUnauthorized";
                    category = ErrorCategory.PermissionDenied;
                    message = $"{cmd}: account '{account.Name}' refused {at} ({answer}). " +
                              (client.UsesKey
                                  ? "With a valid key this is the account's network rules (public network access, IP rules, private endpoints) refusing this machine."
                                  : "The identity needs a data-plane role on the account (Cognitive Services OpenAI User is enough), and the account's network rules must let this machine in.") +
                              " The remaining probes of this account were not sent" + requestId + ".";
                    break;
            }
            return new ErrorRecord(new ContentFilterProbeException(message, response.Status, code, account.Name, deployment, probe.Name),
                ErrorIdPrefix + errorId, category, target);
        }

        private static ErrorCategory CategoryOf(int status, string? code)
        {
            switch (status)
            {
                case 0: return code == "RequestTimeout" ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError;
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 429: return ErrorCategory.LimitsExceeded;
                default: return status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidResult;
            }
        }
    }

    /// <summary>A probe that got no verdict: where (account, deployment, probe), the HTTP status (0: no answer) and the code. No key, no token.</summary>
    public sealed class ContentFilterProbeException : Exception
    {
        public ContentFilterProbeException(string message, int status, string? errorCode, string accountName, string? deploymentName, string? probeName)
            : base(message)
        {
            Status = status;
            ErrorCode = errorCode;
            AccountName = accountName;
            DeploymentName = deploymentName;
            ProbeName = probeName;
        }

        public int Status { get; }
        public string? ErrorCode { get; }
        public string AccountName { get; }
        public string? DeploymentName { get; }
        public string? ProbeName { get; }
    }
}
