using MongoSessions.Cookies;


namespace MongoSessions.Tests.Cookies;

[TestFixture]
public sealed class CookieHeaderParserTests
{
    private static List<string> Values(string header, string name = "sess")
    {
        var values = new List<string>();
        foreach (var value in new CookieHeaderParser(header, name))
        {
            values.Add(value.ToString());
        }
        return values;
    }

    [TestCase("sess=abc", new[] { "abc" })]
    [TestCase("a=1; sess=abc; b=2", new[] { "abc" })]
    [TestCase("  sess =  abc  ;", new[] { "abc" })]
    [TestCase("sess=\"abc\"", new[] { "abc" })]
    [TestCase("sess=a; sess=b", new[] { "a", "b" })]
    [TestCase("x=1, sess=folded", new string[0])]
    [TestCase("x=a,sess=smuggled; sess=real", new[] { "real" })]
    [TestCase("sess=a,b", new[] { "a,b" })]
    [TestCase("session=no; xsess=no; sess2=no", new string[0])]
    [TestCase("sess", new string[0])]
    [TestCase("=sess; ;;", new string[0])]
    [TestCase("", new string[0])]
    [TestCase("sess=", new[] { "" })]
    [TestCase("sess=a=b", new[] { "a=b" })]
    public void Finds_exactly_the_named_cookie(string header, string[] expected)
    {
        Assert.That(Values(header), Is.EqualTo(expected));
    }

    [Test]
    public void Names_are_case_sensitive()
    {
        Assert.That(Values("SESS=upper; sess=lower"), Is.EqualTo(new[] { "lower" }));
    }
}
