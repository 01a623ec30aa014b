using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using Azure.Core;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    /// <summary>Every official x-ms-example of Microsoft.CognitiveServices parses, and every account in them maps to AoaiAccount.</summary>
    public class ArmExamplesTests
    {
        internal static string ExamplesDir =>
            typeof(ArmExamplesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ArmExamplesDir").Value!;

        public static IEnumerable<object[]> CognitiveServicesExamples() =>
            Directory.GetFiles(Path.Combine(ExamplesDir, "Microsoft.CognitiveServices"), "*.json", SearchOption.AllDirectories)
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new object[] { Path.GetRelativePath(ExamplesDir, f) });

        [Fact]
        public void The_examples_are_there()
        {
            Assert.True(CognitiveServicesExamples().Count() >= 20, $"expected the official examples under {ExamplesDir}");
        }

        [Theory]
        [MemberData(nameof(CognitiveServicesExamples))]
        public void Example_parses(string relativePath)
        {
            var example = JsonNode.Parse(File.ReadAllText(Path.Combine(ExamplesDir, relativePath)))!.AsObject();
            var responses = Assert.IsType<JsonObject>(example["responses"]);
            Assert.NotEmpty(responses);
            foreach (var (status, response) in responses)
            {
                Assert.True(int.TryParse(status, out _), $"status '{status}'");
                if (response?["body"] is not JsonObject body) continue;
                foreach (var resource in Resources(body))
                {
                    var id = Json.Str(resource["id"]);
                    if (id == null) continue;
                    // Some examples write the literal placeholder "subscriptionId"; ARM ids (and Azure.Core) need a GUID there.
                    id = PlaceholderSubscription.Replace(id, "/subscriptions/00000000-0000-0000-0000-000000000000/");
                    resource["id"] = id;
                    Assert.True(ResourceIdentifier.TryParse(id, out var rid), $"{relativePath}: id '{id}'");
                    if (string.Equals(rid!.ResourceType.ToString(), AccountId.ResourceType, StringComparison.OrdinalIgnoreCase))
                    {
                        var account = AoaiAccount.FromJson(resource);
                        Assert.Equal(id, account.Id);
                        Assert.Equal(Json.Str(resource["name"]), account.Name);
                        Assert.Equal(Json.Str(resource["kind"]), account.Kind);
                        Assert.Equal(Json.Str(resource["location"]), account.Location);
                        Assert.False(string.IsNullOrEmpty(account.ResourceGroupName));
                    }
                }
            }
        }

        [Fact]
        public void GetAccount_example_maps_its_fields()
        {
            var example = JsonNode.Parse(File.ReadAllText(Path.Combine(ExamplesDir, "Microsoft.CognitiveServices/2025-06-01/GetAccount.json")))!;
            var account = AoaiAccount.FromJson(example["responses"]!["200"]!["body"]!.AsObject());
            Assert.Equal("myAccount", account.Name);
            Assert.Equal("myResourceGroup", account.ResourceGroupName);
            Assert.Equal("F0", account.Sku);
            Assert.Equal("Succeeded", account.ProvisioningState);
            Assert.Equal("felixwa", account.Tags["Owner"]);
            Assert.StartsWith("W/", account.Etag);
        }

        private static readonly System.Text.RegularExpressions.Regex PlaceholderSubscription =
            new System.Text.RegularExpressions.Regex("^/subscriptions/subscriptionId/", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

        private static IEnumerable<JsonObject> Resources(JsonObject body) =>
            body["value"] is JsonArray items ? items.OfType<JsonObject>() : new[] { body };
    }
}
