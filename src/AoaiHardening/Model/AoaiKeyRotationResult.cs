using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// One key rotated by Invoke-AoaiKeyRotation: which key of which account, and the secret version that now holds it.
    /// Never the key itself: read it from the secret.
    /// </summary>
    public sealed class AoaiKeyRotationResult
    {
        public string AccountName { get; internal set; } = string.Empty;
        public string ResourceId { get; internal set; } = string.Empty;
        /// <summary>Key1 or Key2: the key that was regenerated and stored.</summary>
        public string KeyName { get; internal set; } = string.Empty;
        public string KeyVaultName { get; internal set; } = string.Empty;
        public string SecretName { get; internal set; } = string.Empty;
        public string SecretVersion { get; internal set; } = string.Empty;
        /// <summary>The secret id with its version (https://{vault}.vault.azure.net/secrets/{name}/{version}).</summary>
        public Uri? SecretId { get; internal set; }
        public DateTimeOffset RotatedAt { get; internal set; }
        /// <summary>The key the secret held before this step (Key1 when there was no secret yet).</summary>
        public string KeyInUseBefore { get; internal set; } = string.Empty;

        public override string ToString() => $"{AccountName}: {KeyName} -> {KeyVaultName}/{SecretName}/{SecretVersion}";
    }
}
