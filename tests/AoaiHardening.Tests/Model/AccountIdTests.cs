using System;
using AoaiHardening.Arm;
using Xunit;

namespace AoaiHardening.Tests.Model
{
    public class AccountIdTests
    {
        private const string Sub = "00000000-1111-2222-3333-444444444444";

        [Theory]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1")]
        [InlineData("/subscriptions/" + Sub + "/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/acct1")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1/")]
        public void Parses_account_ids_in_any_casing(string id)
        {
            var parsed = AccountId.Parse(id);
            Assert.Equal(Sub, parsed.SubscriptionId);
            Assert.Equal("rg", parsed.ResourceGroupName);
            Assert.Equal("acct1", parsed.Name);
            Assert.Equal($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1", parsed.Id);
        }

        [Theory]
        [InlineData("")]
        [InlineData("acct1")]
        [InlineData("subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1")]
        [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct1")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1/deployments/d1")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/-bad")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg./providers/Microsoft.CognitiveServices/accounts/acct1")]
        [InlineData("/subscriptions/" + Sub + "//resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1")]
        [InlineData(" /subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct1")]
        public void Refuses_what_is_not_an_account_id(string id)
        {
            var ex = Assert.Throws<ArgumentException>(() => AccountId.Parse(id));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }

        [Fact]
        public void Tells_other_resource_types_from_malformed_input()
        {
            Assert.True(AccountId.IsOtherResourceType($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s1"));
            Assert.False(AccountId.IsOtherResourceType($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a1"));
            Assert.False(AccountId.IsOtherResourceType("garbage"));
        }
    }
}
