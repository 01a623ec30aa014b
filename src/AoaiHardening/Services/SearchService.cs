using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>The REST knowledge of Microsoft.Search/searchServices the module needs (api-version pinned in <see cref="ApiVersions.Search"/>): read one service.</summary>
    internal sealed class SearchService
    {
        private readonly ArmClient _arm;

        public SearchService(ArmClient arm) => _arm = arm;

        /// <summary>GET of the service; an ArmRequestException (404, 403, …) when it cannot be read.</summary>
        public JsonObject Get(SearchServiceResourceId id, ArmCallOptions call) =>
            _arm.Get(id.Id, ApiVersions.Search, call) ?? new JsonObject { ["id"] = id.Id, ["name"] = id.Name };
    }
}
