using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.OnYourData
{
    /// <summary>Reads the three On Your Data resources and the role assignments the table needs, for the Test and Grant cmdlets.</summary>
    internal static class OnYourDataInput
    {
        /// <summary>Both ids validated before any request: a terminating InvalidArgument error names the bad one.</summary>
        public static (SearchServiceResourceId Search, StorageAccountResourceId Storage) ParseIds(AoaiCmdlet cmdlet, string search, string storage) =>
            (cmdlet.ValidateOrThrow(() => SearchServiceResourceId.Parse(search), "AoaiHardening.OnYourData.InvalidSearchServiceResourceId", search),
             cmdlet.ValidateOrThrow(() => StorageAccountResourceId.Parse(storage), "AoaiHardening.OnYourData.InvalidStorageAccountResourceId", storage));

        public static OydResourceState Account(AoaiCmdlet cmdlet, AccountId id, AoaiAccount? given)
        {
            if (given != null) return new OydResourceState(OydResource.OpenAI, given.Id, given.Name, given.Resource, null);
            try
            {
                var account = new AccountService(cmdlet.Arm).Get(id, cmdlet.Call);
                return new OydResourceState(OydResource.OpenAI, account.Id, account.Name, account.Resource, null);
            }
            catch (ArmRequestException ex)
            {
                return new OydResourceState(OydResource.OpenAI, id.Id, id.Name, null, Describe(ex));
            }
        }

        public static OydResourceState Search(AoaiCmdlet cmdlet, SearchServiceResourceId id) =>
            Read(OydResource.Search, id.Id, id.Name, () => new SearchService(cmdlet.Arm).Get(id, cmdlet.Call));

        public static OydResourceState Storage(AoaiCmdlet cmdlet, StorageAccountResourceId id) =>
            Read(OydResource.Storage, id.Id, id.Name, () => new StorageService(cmdlet.Arm).Get(id, cmdlet.Call));

        private static OydResourceState Read(OydResource kind, string id, string name, Func<JsonObject> get)
        {
            try
            {
                return new OydResourceState(kind, id, name, get(), null);
            }
            catch (ArmRequestException ex)
            {
                return new OydResourceState(kind, id, name, null, Describe(ex));
            }
        }

        /// <summary>
        /// The assignments of the assignee's system-assigned identity that reach the resource (at it or above it: inherited
        /// assignments count), one list per (assignee, resource) pair; pairs whose assignee has no identity are not read.
        /// </summary>
        public static void ReadAssignments(AoaiCmdlet cmdlet, RoleAssignmentService service, OydInput input, IEnumerable<(OydResource Assignee, OydResource Resource)> pairs)
        {
            foreach (var pair in pairs)
            {
                var principal = input.Of(pair.Assignee).SystemPrincipalId;
                if (principal == null) continue;
                var resource = input.Of(pair.Resource);
                try
                {
                    var list = service.ListForPrincipal(resource.Id, principal, input.Account.Id, input.Account.Name, SubscriptionOf(resource.Id), cmdlet.Call).ToList();
                    input.Assignments[pair] = new OydAssignments(list, null);
                }
                catch (ArmRequestException ex)
                {
                    input.Assignments[pair] = new OydAssignments(null, Describe(ex));
                }
            }
        }

        public static string? SubscriptionOf(string resourceId) => ArmScope.TryParse(resourceId, out var scope) ? scope!.SubscriptionId : null;

        public static string Describe(ArmRequestException ex) => ex.Message;
    }
}
