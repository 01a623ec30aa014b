using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using AoaiHardening.Auth;

namespace AoaiHardening.Cmdlets.Connection
{
    /// <summary>
    /// Asks the Az PowerShell session (Az.Accounts) for a token and its context, through the session's own commands: the
    /// module never references Az.Accounts' assemblies, which load in another context and change between versions.
    /// </summary>
    internal static class AzContextTokens
    {
        // -AsSecureString where Az.Accounts has it (2.17+; the default from Az.Accounts 5), so the token never exists as
        // a plain string in PowerShell; older versions return a string, which is converted at once.
        private const string TokenScript = @"
param([string] $ResourceUrl, [string] $TenantId)
$command = Get-Command -Name Get-AzAccessToken -CommandType Cmdlet, Function -ErrorAction Stop
$arguments = @{ ResourceUrl = $ResourceUrl; ErrorAction = 'Stop'; WarningAction = 'SilentlyContinue' }
if ($TenantId) { $arguments.TenantId = $TenantId }
if ($command.Parameters.ContainsKey('AsSecureString')) { $arguments.AsSecureString = $true }
Get-AzAccessToken @arguments
";

        private const string ContextScript = @"
$command = Get-Command -Name Get-AzContext -CommandType Cmdlet, Function -ErrorAction SilentlyContinue
if ($command) { Get-AzContext -ErrorAction SilentlyContinue }
";

        /// <summary>True when Get-AzAccessToken can be called in this session (Az.Accounts imported or auto-loadable).</summary>
        public static bool IsAvailable(PSCmdlet cmdlet) =>
            cmdlet.InvokeCommand.GetCommand("Get-AzAccessToken", CommandTypes.Cmdlet | CommandTypes.Function) != null;

        /// <summary>Fetches tokens on the calling (pipeline) thread, for <see cref="AzContextCredential"/>.</summary>
        public static AzContextCredential.Fetcher For(PSCmdlet cmdlet, string? tenantId) =>
            audience => Fetch(cmdlet, audience, tenantId);

        private static (SecureString Token, DateTimeOffset ExpiresOn) Fetch(PSCmdlet cmdlet, string audience, string? tenantId)
        {
            var result = cmdlet.InvokeCommand.InvokeScript(TokenScript, true, System.Management.Automation.Runspaces.PipelineResultTypes.None, null, audience, tenantId ?? "")
                .LastOrDefault(o => o != null)
                ?? throw new InvalidOperationException("Get-AzAccessToken returned nothing.");
            var raw = result.Properties["Token"]?.Value;
            var token = (raw is PSObject wrapped ? wrapped.BaseObject : raw) switch
            {
                SecureString secure when secure.Length > 0 => secure,
                string plain when plain.Length > 0 => ToSecure(plain),
                _ => throw new InvalidOperationException("Get-AzAccessToken returned no token."),
            };
            var expiresOn = ReadExpiry(result.Properties["ExpiresOn"]?.Value)
                ?? StaticTokenCredential.ReadJwtExpiry(SecureStrings.ToPlain(token))
                ?? DateTimeOffset.UtcNow.AddMinutes(30);
            return (token, expiresOn);
        }

        /// <summary>Subscription, tenant and cloud of the Az session, or null when Az PowerShell is not signed in.</summary>
        public static (string? SubscriptionId, string? TenantId, string? Environment, string? ArmEndpoint)? ReadContext(PSCmdlet cmdlet)
        {
            var context = cmdlet.InvokeCommand.InvokeScript(ContextScript).FirstOrDefault(o => o != null);
            if (context == null || Property(context, "Account") == null) return null;
            var environment = Property(context, "Environment");
            return (Text(Property(context, "Subscription"), "Id"), Text(Property(context, "Tenant"), "Id"),
                Text(environment, "Name"), Text(environment, "ResourceManagerUrl"));
        }

        private static object? Property(object? source, string name) =>
            source == null ? null : PSObject.AsPSObject(source).Properties[name]?.Value;

        private static string? Text(object? source, string name) =>
            Property(source, name) is { } value && value.ToString() is { Length: > 0 } text ? text : null;

        private static DateTimeOffset? ReadExpiry(object? value) => value switch
        {
            PSObject wrapped => ReadExpiry(wrapped.BaseObject),
            DateTimeOffset offset => offset,
            DateTime time => new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time),
            string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
            _ => null,
        };

        private static SecureString ToSecure(string plain)
        {
            var secure = new SecureString();
            foreach (var c in plain) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }
    }
}
