using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

public sealed class PagingTests(EmulatorFixture emu)
    : EmulatorTest(emu, Scenario(Names.Select(n => Account(n)).ToArray()), c => c with { PageSize = 2 })
{
    private static readonly string[] Names = ["acct-0", "acct-1", "acct-2", "acct-3", "acct-4"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lists_come_in_pages_linked_by_absolute_nextLinks(bool bySubscription)
    {
        var path = bySubscription ? $"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/accounts" : AccountsPath();
        var next = new Uri(Emu.Emulator.BaseUri, Api(path));
        var pages = new List<string[]>();

        while (next is not null)
        {
            var page = await (await Emu.Http.GetAsync(next)).JsonAsync();
            pages.Add(page["value"]!.AsArray().Select(a => (string)a!["name"]!).ToArray());
            var link = (string?)page["nextLink"];
            next = link is null ? null : new Uri(link);
            if (next is not null)
            {
                Assert.Equal(Uri.UriSchemeHttps, next.Scheme);
                Assert.Equal(Emu.Emulator.BaseUri.Authority, next.Authority);
                Assert.Contains($"api-version={CsVersion}", next.Query);
                Assert.Contains("$skipToken=", next.Query);
            }
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.Length));
        Assert.Equal(Names, pages.SelectMany(p => p));
        Assert.Equal(3, Emu.State.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task Resource_groups_are_paged_too()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 1 };

        var first = await (await Emu.Http.GetAsync(Api($"/subscriptions/{Subscription}/resourcegroups", "2025-04-01"))).JsonAsync();
        var second = await (await Emu.Http.GetAsync((string)first["nextLink"]!)).JsonAsync();

        Assert.Equal(Group, (string?)first["value"]![0]!["name"]);
        Assert.Equal(OtherGroup, (string?)second["value"]![0]!["name"]);
        Assert.Null(second["nextLink"]);
    }

    [Fact]
    public async Task A_garbled_skip_token_is_400()
    {
        await (await Emu.Http.GetAsync(Api(AccountsPath()) + "&$skipToken=zzz")).AssertErrorAsync(400, "InvalidSkipToken");
    }
}
