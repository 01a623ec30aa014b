namespace AoaiHardening.Arm
{
    /// <summary>
    /// Every ARM api-version the module speaks, pinned in one place (see shared/reference/arm-api.md §0).
    /// Changing one is a deliberate act: the emulator and the tests pin the same contract.
    /// </summary>
    internal static class ApiVersions
    {
        public const string CognitiveServices = "2025-09-01";
        public const string Subscriptions = "2022-12-01";
        public const string ResourceGroups = "2021-04-01";
        public const string KeyVault = "2026-02-01";
        /// <summary>The Key Vault secrets data plane (key rotation), pinned rather than left to the SDK's default.</summary>
        public const Azure.Security.KeyVault.Secrets.SecretClientOptions.ServiceVersion KeyVaultData = Azure.Security.KeyVault.Secrets.SecretClientOptions.ServiceVersion.V2026_04_01;
        /// <summary>The Azure OpenAI inference data plane ({endpoint}openai/deployments/{name}/chat/completions): the GA version.</summary>
        public const string OpenAiDataPlane = "2024-10-21";
        public const string Network = "2025-07-01";
        public const string PrivateDns = "2024-06-01";
        public const string DiagnosticSettings = "2021-05-01-preview";
        public const string ScheduledQueryRules = "2023-12-01";
        public const string Authorization = "2022-04-01";
        public const string Search = "2025-05-01";
        public const string Storage = "2025-08-01";
        public const string ResourceGraph = "2024-04-01";
    }
}
