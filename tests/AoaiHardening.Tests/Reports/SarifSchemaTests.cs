// JsonSchema.Net is referenced under this alias: its root namespace "Json" would hide AoaiHardening.Arm.Json.
extern alias JsonEverything;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AoaiHardening.Model;
using AoaiHardening.Reports;
using AoaiHardening.Rules;
using JsonEverything::Json.Schema;
using Xunit;
using static AoaiHardening.Tests.Reports.ReportFixtures;

namespace AoaiHardening.Tests.Reports
{
    /// <summary>Our SARIF against the official OASIS SARIF 2.1.0 JSON schema (TestData/sarif-schema-2.1.0.json).</summary>
    public class SarifSchemaTests
    {
        private static readonly Lazy<JsonSchema> Schema = new Lazy<JsonSchema>(Load);

        /// <summary>
        /// The schema is draft-04, which JsonSchema.Net does not ship. Its keywords here (type, properties, required,
        /// enum, items, $ref to #/definitions, anyOf, oneOf, minimum, pattern, format, uniqueItems) mean the same in
        /// draft-06, so draft-04 is registered as draft-06 under its own id; only the draft-04 "id" is then ignored.
        /// </summary>
        private static JsonSchema Load()
        {
            var dialects = new DialectRegistry();
            dialects.Register(Dialect.Draft06.With(Array.Empty<IKeywordHandler>(), new Uri("http://json-schema.org/draft-04/schema#")));
            return JsonSchema.FromText(File.ReadAllText(TestDataPath("sarif-schema-2.1.0.json")), new BuildOptions { DialectRegistry = dialects });
        }

        private static IReadOnlyList<string> Errors(string json)
        {
            using (var document = JsonDocument.Parse(json))
            {
                var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions
                {
                    OutputFormat = OutputFormat.List,
                    // format is an annotation by default; SARIF consumers reject a helpUri that is not a URI.
                    RequireFormatValidation = true,
                });
                if (results.IsValid) return Array.Empty<string>();
                return (results.Details ?? new List<EvaluationResults>())
                    .Where(d => d.Errors != null)
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
                    .DefaultIfEmpty("invalid")
                    .ToList();
            }
        }

        private static void AssertValid(string sarif)
        {
            var errors = Errors(sarif);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(true, true)]
        public void Report_is_valid_sarif_2_1_0(bool includePassing, bool relativeToBaseDirectory) => AssertValid(Write(ReportFormat.Sarif, context: Context(c =>
        {
            c.IncludePassing = includePassing;
            c.BaseDirectory = relativeToBaseDirectory ? BaseDirectory : null;
            c.StartedAt = GeneratedAt.AddMinutes(-2);
        })));

        [Fact]
        public void Report_of_the_whole_catalog_is_valid_sarif_2_1_0()
        {
            var rules = RuleCatalog.All.Select(r => r.Info).ToList();
            var findings = rules.Select(r => new AoaiFinding
            {
                RuleId = r.Id, Title = r.Title, Severity = r.Severity, Status = AoaiFindingStatus.Fail,
                ResourceId = AccountId, ResourceName = "aoai-prod", Message = "m", Controls = r.Controls,
            }).ToList();
            AssertValid(Write(ReportFormat.Sarif, findings, Context(), rules));
        }

        [Fact]
        public void Empty_report_is_valid_sarif_2_1_0() => AssertValid(Write(ReportFormat.Sarif, Array.Empty<AoaiFinding>()));

        [Fact]
        public void The_validator_rejects_what_the_schema_forbids()
        {
            var sarif = Write(ReportFormat.Sarif);
            Assert.NotEmpty(Errors(sarif.Replace("\"level\": \"error\"", "\"level\": \"critical\"")));
            Assert.NotEmpty(Errors(sarif.Replace("\"kind\": \"external\"", "\"kind\": \"waiver\"")));
            Assert.NotEmpty(Errors(sarif.Replace("\"ruleId\":", "\"ruleID\":")));
            Assert.NotEmpty(Errors(sarif.Replace("\"executionSuccessful\": true", "\"executionSuccessful\": \"yes\"")));
        }
    }
}
