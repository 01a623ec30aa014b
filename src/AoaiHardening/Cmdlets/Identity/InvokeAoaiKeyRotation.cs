using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using Azure.Core;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Rotates the API keys of an account that must keep key authentication for now, one safe step per run: the key that
    /// the Key Vault secret does not hold is regenerated and stored as the secret's new version, so apps that read the
    /// secret move to it while the key they had keeps working until the next run. Keys never reach any stream.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "AoaiKeyRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiKeyRotationResult))]
    public sealed class InvokeAoaiKeyRotation : AccountTargetCmdlet
    {
        private const string Key1 = "Key1";
        private const string Key2 = "Key2";
        private const string Both = "Both";
        private const string Activity = "Rotating account keys";

        // Tags we write on each version, so the next run knows which key the secret holds without reading any key.
        internal const string AccountTag = "aoaiAccount";
        internal const string AccountIdTag = "aoaiAccountId";
        internal const string KeyTag = "aoaiKey";
        internal const string RotatedAtTag = "rotatedAt";
        internal const string RotatedByTag = "rotatedBy";
        private const int MaxTagValueLength = 256; // Key Vault's limit

        // Key Vault's own rule for secret names (data plane); vault names are checked by KeyVaultResourceId.ValidateName.
        private static readonly Regex SecretNamePattern = new Regex("^[0-9a-zA-Z-]{1,127}$", RegexOptions.CultureInvariant);

        private static int _nextActivityId = 4600;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
        private TokenCredential _keyVaultCredential = null!;
        private Uri _vaultUri = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string KeyVaultName { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string SecretName { get; set; } = null!;

        [Parameter]
        [ValidateSet(Key1, Key2, Both, IgnoreCase = true)]
        public string? Key { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // Bad input and a session that cannot reach Key Vault stop the command before any request.
            // The full vault name rule (starts with a letter, no "--"): a name Azure cannot have must not become a host to call.
            ValidateOrThrow(() => KeyVaultResourceId.ValidateName(KeyVaultName), "AoaiHardening.KeyRotation.InvalidKeyVaultName", KeyVaultName);
            ValidateOrThrow(() =>
            {
                if (!SecretNamePattern.IsMatch(SecretName))
                    throw new ArgumentException($"'{SecretName}' is not a Key Vault secret name: 1 to 127 letters, digits and hyphens.");
            }, "AoaiHardening.KeyRotation.InvalidSecretName", SecretName);
            try
            {
                _keyVaultCredential = AoaiSession.KeyVault.RequireCredential();
            }
            catch (InvalidOperationException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: {ex.Message}"),
                    "AoaiHardening.KeyRotation.NoKeyVaultCredential", ErrorCategory.AuthenticationError, null));
            }
            _vaultUri = Arm.Environment.KeyVaultUri(KeyVaultName);
        }

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            var accounts = new AccountService(Arm);
            var store = new KeyVaultSecretStore(KeyVaultName, _vaultUri, _keyVaultCredential, Arm.Settings, AoaiSession.DataPlaneTransport, Call.Trace);
            var where = $"secret '{SecretName}' of Key Vault '{KeyVaultName}'";
            var step = $"reading account '{id.Name}' ({id.Id})";
            var stepErrorId = "AoaiHardening.KeyRotation.ReadAccountFailed";
            var done = new List<string>();
            try
            {
                Progress("Reading the account", id.Name);
                var account = accounts.Get(id, Call);
                if (account.DisableLocalAuth)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{account.Name}' ({account.Id}) has key (local) authentication disabled, " +
                            "so it has no usable keys and there is nothing to rotate. Callers use Microsoft Entra ID, which is the better state: " +
                            "leave it that way and remove the key from the secret if one is still stored."),
                        "AoaiHardening.KeyRotation.LocalAuthDisabled", ErrorCategory.InvalidOperation, account));
                    return;
                }

                step = $"reading {where}";
                stepErrorId = "AoaiHardening.KeyRotation.ReadSecretFailed";
                Progress($"Reading {where}", account.Name);
                var current = store.GetLatest(SecretName, CancellationToken);
                step = $"listing the keys of account '{account.Name}' to find the one {where} holds";
                stepErrorId = "AoaiHardening.KeyRotation.ListKeysFailed";
                var inUse = KeyInUse(account, id, current, accounts, where);
                if (inUse == null) return; // reported
                current?.ForgetValue();

                var plan = Plan(account, inUse, where);
                if (plan == null) return; // refused, reported
                var action = $"Regenerate {string.Join(" then ", plan)} and store the new value as a new version of {where}";
                if (!ShouldProcess($"{account.Name} ({account.Id})", action)) return;

                if (plan.Count == 2)
                    WriteWarning($"Both keys of '{account.Name}' are regenerated: clients still holding the older key value fail until they " +
                                 $"re-read {where}. Without -Key Both, each run rotates only the key the secret does not hold, which breaks no one.");
                else if (plan[0] == inUse)
                    WriteWarning($"{inUse} of '{account.Name}' is the key {where} holds now (-Force): clients using it fail until they re-read the secret.");

                var held = inUse; // the key the secret holds, as each step completes
                var secretExists = current != null;
                foreach (var keyName in plan)
                {
                    step = $"regenerating {keyName} of account '{account.Name}' ({account.Id})" +
                           (done.Count > 0 ? $" ({string.Join(", ", done)} already rotated and stored)" : string.Empty);
                    stepErrorId = "AoaiHardening.KeyRotation.RegenerateFailed";
                    Progress($"Regenerating {keyName}", account.Name);
                    var rotatedAt = DateTimeOffset.UtcNow;
                    StoredSecret stored;
                    var newValue = accounts.RegenerateKey(id, keyName, Call).Get(keyName);
                    try
                    {
                        Progress($"Storing {keyName} in {where}", account.Name);
                        stored = store.Set(SecretName, newValue, $"text/plain; aoai-key={keyName}", Tags(account, keyName, rotatedAt), CancellationToken);
                    }
                    catch (KeyVaultRequestException ex)
                    {
                        WriteError(StoreFailed(ex, account, keyName, held, secretExists, where));
                        return;
                    }
                    finally
                    {
                        newValue = null; // drop this cmdlet's reference as soon as the value is stored (or not)
                    }

                    var heldBefore = held;
                    held = keyName;
                    secretExists = true;
                    done.Add(keyName);
                    WriteVerbose($"{account.Name}: regenerated {keyName} and stored it as version {stored.Version} of {where}.");
                    if (PassThru)
                    {
                        WriteObject(new AoaiKeyRotationResult
                        {
                            AccountName = account.Name,
                            ResourceId = account.Id,
                            KeyName = keyName,
                            KeyVaultName = KeyVaultName,
                            SecretName = stored.Name,
                            SecretVersion = stored.Version,
                            SecretId = stored.Id,
                            RotatedAt = rotatedAt,
                            KeyInUseBefore = heldBefore,
                        });
                    }
                }
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.Method == "GET")
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{id.Name}' ({id.Id})", id.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, stepErrorId, step, id.Id));
            }
            catch (KeyVaultRequestException ex)
            {
                var errorId = ex.Status == 0 && ex.ErrorCode == "ConnectionFailed" ? "AoaiHardening.KeyRotation.VaultUnreachable" : stepErrorId;
                WriteError(new ErrorRecord(ex.Reframed($"{MyInvocation.MyCommand.Name}: account '{id.Name}': {ex.Message}"), errorId, CategoryOf(ex), id.Id));
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                CompleteProgress(_activityId, Activity);
                DrainMessages();
            }
        }

        /// <summary>
        /// Which key the secret holds: our tags say so; a secret without them is compared with the account's keys; no secret
        /// yet means Key1 (the key set up by hand before, most likely). Null when the secret belongs to another account (reported).
        /// </summary>
        private string? KeyInUse(AoaiAccount account, AccountId id, StoredSecret? current, AccountService accounts, string where)
        {
            if (current == null)
            {
                WriteVerbose($"{account.Name}: {where} does not exist yet: Key1 is taken as the key in use, so Key2 is the one to rotate.");
                return Key1;
            }

            if (current.Tags.TryGetValue(KeyTag, out var tagged) && NormalizeKey(tagged) is { } taggedKey)
            {
                var otherAccount = current.Tags.TryGetValue(AccountIdTag, out var taggedId)
                    ? !string.Equals(taggedId, account.Id, StringComparison.OrdinalIgnoreCase)
                    : current.Tags.TryGetValue(AccountTag, out var taggedName) && !string.Equals(taggedName, account.Name, StringComparison.OrdinalIgnoreCase);
                if (otherAccount)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: {where} holds a key of another account ('{(taggedId ?? current.Tags[AccountTag])}'), " +
                            $"not of '{account.Name}' ({account.Id}). Nothing was changed; use a secret of its own for each account."),
                        "AoaiHardening.KeyRotation.SecretOfOtherAccount", ErrorCategory.InvalidOperation, account));
                    return null;
                }
                WriteVerbose($"{account.Name}: {where} holds {taggedKey} (version {current.Version}, from its '{KeyTag}' tag).");
                return taggedKey;
            }

            var keys = accounts.ListKeys(id, Call);
            var inUse = current.ValueEquals(keys.Key1) ? Key1 : current.ValueEquals(keys.Key2) ? Key2 : null;
            keys = null; // not needed past the comparison
            if (inUse != null)
            {
                WriteVerbose($"{account.Name}: {where} holds {inUse} (version {current.Version}, compared with the account's keys).");
                return inUse;
            }
            WriteWarning($"{account.Name}: {where} (version {current.Version}) holds neither key of the account, so clients reading it " +
                         "cannot be using this account's keys. Key1 is taken as the key in use; the rotation stores Key2 in the secret.");
            return Key1;
        }

        /// <summary>The keys to rotate, in order; null when the request is refused (reported).</summary>
        private List<string>? Plan(AoaiAccount account, string inUse, string where)
        {
            var other = inUse == Key1 ? Key2 : Key1;
            var requested = Key == null ? null : NormalizeKey(Key) ?? Both;
            if (requested == null) return new List<string> { other };
            if (requested == Both) return new List<string> { other, inUse };
            if (requested == inUse && !Force)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: {inUse} of account '{account.Name}' ({account.Id}) is the key {where} holds, so clients may be " +
                        $"using it right now; regenerating it breaks them until they re-read the secret. Nothing was changed. Run without -Key to " +
                        $"rotate {other} (the safe step), or add -Force to regenerate {inUse} anyway."),
                    "AoaiHardening.KeyRotation.KeyInUse", ErrorCategory.InvalidOperation, account));
                return null;
            }
            return new List<string> { requested };
        }

        private static string? NormalizeKey(string value) =>
            string.Equals(value, Key1, StringComparison.OrdinalIgnoreCase) ? Key1
            : string.Equals(value, Key2, StringComparison.OrdinalIgnoreCase) ? Key2
            : null;

        private static Dictionary<string, string> Tags(AoaiAccount account, string keyName, DateTimeOffset rotatedAt)
        {
            var tags = new Dictionary<string, string>
            {
                [AccountTag] = account.Name,
                [KeyTag] = keyName,
                [RotatedAtTag] = rotatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                [RotatedByTag] = "AoaiHardening",
            };
            if (account.Id.Length <= MaxTagValueLength) tags[AccountIdTag] = account.Id;
            return tags;
        }

        /// <summary>
        /// The key was regenerated but not stored: say exactly that, whether clients of the secret are affected, and that a
        /// plain re-run completes (it rotates the key the secret does not hold, which stores a working key either way).
        /// </summary>
        private ErrorRecord StoreFailed(KeyVaultRequestException ex, AoaiAccount account, string keyName, string held, bool secretExists, string where)
        {
            var effect = !secretExists
                ? $"{keyName} is not the key in use: there is no secret version yet, and {held} is unchanged, so clients keep working."
                : keyName != held
                    ? $"{keyName} is not the key clients of the secret use: the secret still holds {held}, which is unchanged, so they keep working."
                    : $"The secret still holds the old value of {keyName}, which no longer works: clients that read the secret fail until a rotation completes.";
            var message = $"{MyInvocation.MyCommand.Name}: {keyName} of account '{account.Name}' ({account.Id}) was regenerated, but storing it " +
                          $"as a new version of {where} failed ({(ex.Status == 0 ? ex.ErrorCode : $"{ex.Status} {ex.ErrorCode}")}). {effect} " +
                          $"Run Invoke-AoaiKeyRotation again (without -Key) to complete the rotation. Details: {ex.Message}";
            return new ErrorRecord(ex.Reframed(message), "AoaiHardening.KeyRotation.StoreFailed", CategoryOf(ex), account);
        }

        private void Progress(string status, string target) =>
            WriteProgress(new ProgressRecord(_activityId, Activity, $"{target}: {status}"));

        private static ErrorCategory CategoryOf(KeyVaultRequestException ex)
        {
            switch (ex.Status)
            {
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 409: return ErrorCategory.ResourceBusy;
                case 429: return ErrorCategory.LimitsExceeded;
                case 0: return ex.ErrorCode == "RequestTimeout" ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError;
                default: return ex.Status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation;
            }
        }
    }
}
