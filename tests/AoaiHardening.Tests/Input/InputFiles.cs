using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Rules.Input;

namespace AoaiHardening.Tests.Input
{
    /// <summary>A temporary input folder for one test; deleted when the test ends.</summary>
    internal sealed class InputFiles : IDisposable
    {
        public InputFiles() => Directory.CreateDirectory(Root);

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "aoai-input-" + Guid.NewGuid().ToString("N"));

        /// <summary>Writes the text as UTF-8 (with a BOM when asked) and returns the full path.</summary>
        public string Write(string relativePath, string text, bool bom = false)
        {
            var path = Path.Combine(Root, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new UTF8Encoding(bom));
            return path;
        }

        public List<InputResource> Read(string text, string relativePath = "input.json") =>
            OfflineInputReader.Read(new[] { Write(relativePath, text) }).ToList();

        public void Dispose() => Directory.Delete(Root, recursive: true);

        /// <summary>A fixture file next to the tests (found through this source file, since the csproj does not copy them).</summary>
        public static string TestData(string name, [CallerFilePath] string source = "") =>
            Path.Combine(Path.GetDirectoryName(source)!, "TestData", name);

        /// <summary>The body of an official x-ms-example's 200 response.</summary>
        public static string ExampleBody(string relativePath) =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(Arm.ArmExamplesTests.ExamplesDir, relativePath)))!["responses"]!["200"]!["body"]!.ToJsonString();
    }
}
