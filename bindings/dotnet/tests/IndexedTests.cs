using System.Collections.Generic;
using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary><see cref="WxPay.Indexed"/> against tests/vectors/indexed.json, which every suite reads.</summary>
    [TestFixture]
    public class IndexedTests
    {
        [DataContract]
        public sealed class Group
        {
            [DataMember(Name = "fields")] public string[][] Fields;
            [DataMember(Name = "cases")] public Case[] Cases;
        }

        [DataContract]
        public sealed class Case
        {
            [DataMember(Name = "index")] public string Index;
            [DataMember(Name = "values")] public string[] Values;
            [DataMember(Name = "error")] public string Error;
        }

        [Test]
        public void NumberedFieldsComeOutAsListsPerTheSharedVectors()
        {
            Group[] groups;
            using (FileStream file = File.OpenRead(TestData.RepositoryFile("tests/vectors/indexed.json")))
            {
                groups = (Group[])new DataContractJsonSerializer(typeof(Group[])).ReadObject(file);
            }
            int checkedCases = 0;
            foreach (Group group in groups)
            {
                var fields = new Dictionary<string, string>();
                foreach (string[] pair in group.Fields)
                {
                    fields.Add(pair[0], pair[1]);
                }
                foreach (Case c in group.Cases)
                {
                    if (c.Values != null)
                    {
                        CollectionAssert.AreEqual(c.Values, WxPay.Indexed(fields, c.Index), c.Index);
                    }
                    else
                    {
                        var e = Assert.Throws<WxPayInvalidInputException>(() => WxPay.Indexed(fields, c.Index), c.Index);
                        Assert.AreEqual(101, e.Code);
                        StringAssert.Contains(c.Error, e.Message, c.Index);
                    }
                    checkedCases++;
                }
            }
            Assert.AreEqual(12, checkedCases);
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.Indexed(null, "a"));
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.Indexed(new Dictionary<string, string>(), null));
        }
    }
}
