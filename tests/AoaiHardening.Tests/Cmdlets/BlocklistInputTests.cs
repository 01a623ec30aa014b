using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Cmdlets.ContentSafety;
using AoaiHardening.Model;
using Xunit;

namespace AoaiHardening.Tests.Cmdlets
{
    /// <summary>What the blocklist cmdlets accept before any request, the item names they derive, and the batches.</summary>
    public class BlocklistInputTests
    {
        [Theory]
        [InlineData("Fabrikam", false, "term-81ca068ad36dab0b")]
        [InlineData("PRJ-[0-9]{4}", true, "regex-494c82170f3b8567")]
        public void Item_names_are_the_kind_and_16_hex_digits_of_the_patterns_sha256(string pattern, bool isRegex, string name) =>
            Assert.Equal(name, BlocklistInput.ItemName(pattern, isRegex));

        [Fact]
        public void Item_names_are_valid_arm_names_and_differ_by_text_and_kind()
        {
            var names = new[] { BlocklistInput.ItemName("a", false), BlocklistInput.ItemName("a", true), BlocklistInput.ItemName("A", false), BlocklistInput.ItemName("ä ß/\\?", false) };
            Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var name in names) Assert.Equal(name, BlocklistInput.ValidateItemName(name));
        }

        [Theory]
        [InlineData("competitors")]
        [InlineData("legal_hold.v2-x")]
        [InlineData("a")]
        public void Blocklist_names_of_letters_digits_underscore_dot_dash_are_accepted(string name) =>
            Assert.Equal(name, BlocklistInput.ValidateBlocklistName(name));

        [Theory]
        [InlineData("")]
        [InlineData("bad name")]
        [InlineData("a/b")]
        [InlineData("ünicode")]
        [InlineData(null)]
        public void Other_blocklist_names_are_refused(string? name) =>
            Assert.Throws<ArgumentException>(() => BlocklistInput.ValidateBlocklistName(name));

        [Fact]
        public void Names_longer_than_64_are_refused()
        {
            BlocklistInput.ValidateBlocklistName(new string('n', 64));
            Assert.Throws<ArgumentException>(() => BlocklistInput.ValidateBlocklistName(new string('n', 65)));
        }

        [Fact]
        public void Patterns_keep_their_order_and_drop_exact_duplicates()
        {
            var patterns = BlocklistInput.ValidatePatterns(new[] { "b", "a", "b", "B" }, false);
            Assert.Equal(new[] { "b", "a", "B" }, patterns);
        }

        [Theory]
        [InlineData(new[] { "ok", "" }, false, "pattern #2 is empty")]
        [InlineData(new[] { " \t" }, false, "pattern #1 is empty")]
        [InlineData(new string[0], false, "no pattern given")]
        [InlineData(new[] { "a(" }, true, "not a valid regular expression")]
        [InlineData(new[] { "[z-a]" }, true, "not a valid regular expression")]
        public void Bad_patterns_are_refused_with_a_reason(string[] patterns, bool isRegex, string reason)
        {
            var ex = Assert.Throws<ArgumentException>(() => BlocklistInput.ValidatePatterns(patterns, isRegex));
            Assert.Contains(reason, ex.Message);
        }

        [Fact]
        public void Patterns_are_at_most_1000_characters_and_regex_checks_apply_only_with_regex()
        {
            BlocklistInput.ValidatePatterns(new[] { new string('x', 1000) }, false);
            var ex = Assert.Throws<ArgumentException>(() => BlocklistInput.ValidatePatterns(new[] { new string('x', 1001) }, false));
            Assert.Contains("1001 characters", ex.Message);
            Assert.Equal(new[] { "a(" }, BlocklistInput.ValidatePatterns(new[] { "a(" }, false));
        }

        [Fact]
        public void Missing_compares_text_exactly_and_kind()
        {
            var existing = new[] { Item("Fabrikam", false), Item("Contoso", true) };
            Assert.Equal(new[] { "fabrikam", "Contoso" }, BlocklistInput.Missing(existing, new[] { "Fabrikam", "fabrikam", "Contoso" }, false));
            Assert.Equal(new[] { "Fabrikam" }, BlocklistInput.Missing(existing, new[] { "Fabrikam", "Contoso" }, true));
        }

        [Fact]
        public void Chunks_are_consecutive_slices_of_at_most_the_size()
        {
            var items = Enumerable.Range(1, 250).ToList();
            var chunks = BlocklistInput.Chunk(items, 100).ToList();
            Assert.Equal(new[] { 100, 100, 50 }, chunks.Select(c => c.Count));
            Assert.Equal(items, chunks.SelectMany(c => c));
            Assert.Empty(BlocklistInput.Chunk(Array.Empty<int>(), 100));
        }

        private static AoaiContentBlocklistItem Item(string pattern, bool isRegex) => AoaiContentBlocklistItem.FromJson(
            new JsonObject { ["name"] = "x", ["properties"] = new JsonObject { ["pattern"] = pattern, ["isRegex"] = isRegex } }, "bl");
    }
}
