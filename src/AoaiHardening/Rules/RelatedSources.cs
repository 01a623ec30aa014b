using System;
using System.Collections.Generic;
using System.Linq;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Rules
{
    /// <summary>Where a rule's related resources come from: null means "not available" (the rule is NotEvaluated).</summary>
    internal interface IRelatedSource
    {
        IReadOnlyList<InputResource>? Get(string type);
    }

    /// <summary>Offline: the resources joined to the account; a type absent from the whole input is "not available".</summary>
    internal sealed class OfflineRelatedSource : IRelatedSource
    {
        private readonly IReadOnlyList<InputResource> _related;
        private readonly ISet<string> _typesInInput;

        public OfflineRelatedSource(IReadOnlyList<InputResource> related, ISet<string> typesInInput)
        {
            _related = related;
            _typesInInput = typesInInput;
        }

        public IReadOnlyList<InputResource>? Get(string type) =>
            _typesInInput.Contains(type)
                ? _related.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList()
                : null;
    }

    /// <summary>
    /// Live: each related type is read through ARM only when a selected rule asks for it, and once per account.
    /// Capabilities register a reader per type (deployments, raiPolicies, diagnosticSettings, …); an unregistered type
    /// is "not available".
    /// </summary>
    internal sealed class LiveRelatedSource : IRelatedSource
    {
        private readonly AoaiAccount _account;
        private readonly IReadOnlyDictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>> _readers;
        private readonly Dictionary<string, IReadOnlyList<InputResource>?> _cache = new Dictionary<string, IReadOnlyList<InputResource>?>(StringComparer.OrdinalIgnoreCase);
        // A failed read is remembered too: every rule that needs the type reports the same error without asking ARM again.
        private readonly Dictionary<string, RelatedReadException> _failures = new Dictionary<string, RelatedReadException>(StringComparer.OrdinalIgnoreCase);

        public LiveRelatedSource(AoaiAccount account, IReadOnlyDictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>> readers)
        {
            _account = account;
            _readers = readers;
        }

        public IReadOnlyList<InputResource>? Get(string type)
        {
            if (_cache.TryGetValue(type, out var cached)) return cached;
            if (_failures.TryGetValue(type, out var failed)) throw failed;
            try
            {
                var result = _readers.TryGetValue(type, out var read) ? read(_account) : null;
                _cache[type] = result;
                return result;
            }
            catch (RelatedReadException ex)
            {
                _failures[type] = ex;
                throw;
            }
        }
    }
}

namespace AoaiHardening.Rules
{
    /// <summary>A live read of related resources failed: the rules that need them report Error, the others still run.</summary>
    internal sealed class RelatedReadException : InvalidOperationException
    {
        public RelatedReadException(string message, Exception inner) : base(message, inner)
        {
        }
    }
}
