using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets
{
    /// <summary>Tab completion of resource group names from ARM (bounded in time; failures complete nothing).</summary>
    public sealed class ResourceGroupNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.Complete(wordToComplete, (service, subscription, call) => service.ListResourceGroupNames(subscription, call), fakeBoundParameters);
    }

    /// <summary>Tab completion of account names, within -ResourceGroupName when it is bound.</summary>
    public sealed class AccountNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var group = fakeBoundParameters["ResourceGroupName"] as string;
            return Completion.Complete(wordToComplete, (service, subscription, call) =>
                (group != null && !WildcardPattern.ContainsWildcardCharacters(group)
                    ? service.ListByResourceGroup(subscription, group, call)
                    : service.ListBySubscription(subscription, call)).Select(a => a.Name), fakeBoundParameters);
        }
    }

    internal static class Completion
    {
        public static IEnumerable<CompletionResult> Complete(string word, Func<AccountService, string, ArmCallOptions, IEnumerable<string>> list, IDictionary bound)
        {
            var subscription = FirstSubscription(bound["SubscriptionId"]) ?? AoaiSession.Context.SubscriptionId;
            if (subscription == null) return Array.Empty<CompletionResult>();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var pattern = WildcardPattern.Get((word ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            try
            {
                return list(new AccountService(AoaiSession.Client), subscription, new ArmCallOptions { CancellationToken = cts.Token })
                    .Where(pattern.IsMatch)
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                    .Select(n => new CompletionResult(n.IndexOfAny(new[] { ' ', '(', ')' }) >= 0 ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n))
                    .ToList();
            }
            catch (Exception)
            {
                // Completion must never throw into the user's prompt; no suggestions is the honest answer.
                return Array.Empty<CompletionResult>();
            }
        }

        private static string? FirstSubscription(object? value) => value switch
        {
            string s => s,
            string[] many when many.Length > 0 => many[0],
            object[] objects when objects.Length > 0 => objects[0]?.ToString(),
            _ => null,
        };
    }
}
