using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>The REST knowledge of Microsoft.Storage/storageAccounts the module needs (api-version pinned in <see cref="ApiVersions.Storage"/>): read one account.</summary>
    internal sealed class StorageService
    {
        private readonly ArmClient _arm;

        public StorageService(ArmClient arm) => _arm = arm;

        /// <summary>GET of the storage account; an ArmRequestException (404, 403, …) when it cannot be read.</summary>
        public JsonObject Get(StorageAccountResourceId id, ArmCallOptions call) =>
            _arm.Get(id.Id, ApiVersions.Storage, call) ?? new JsonObject { ["id"] = id.Id, ["name"] = id.Name };
    }
}
