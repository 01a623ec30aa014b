using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AoaiHardening.Reports
{
    /// <summary>
    /// { tool, title, generatedAt, baseline, summary, findings }: every finding with all its properties, so scripts
    /// and dashboards read the file with the names they know from the pipeline objects.
    /// </summary>
    internal static class JsonReportWriter
    {
        // Serialized by reflection so a property added to AoaiFinding or AoaiHardeningSummary reaches the file unasked.
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter() },
        };

        public static void Write(ReportData data, TextWriter output) => ReportWriter.WriteJson(output, json =>
        {
            var context = data.Context;
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteString("name", ReportWriter.ToolName);
            json.WriteString("version", context.ToolVersion);
            json.WriteString("informationUri", ReportWriter.InformationUri);
            json.WriteEndObject();
            if (context.Title != null) json.WriteString("title", context.Title);
            json.WriteString("generatedAt", context.GeneratedAt);
            json.WriteString("baseline", context.Baseline);
            json.WritePropertyName("summary");
            JsonSerializer.Serialize(json, data.Summary, Options);
            json.WritePropertyName("findings");
            JsonSerializer.Serialize(json, data.Findings, Options);
            json.WriteEndObject();
        });
    }
}
