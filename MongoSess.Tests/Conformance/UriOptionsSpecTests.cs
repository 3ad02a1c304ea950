namespace MongoSessions.Tests.Conformance;

// uri-options/tests/*.json of mongodb/specifications; see UriSpecRunner for what each case checks
public sealed class UriOptionsSpecTests
{
    public static IEnumerable<TestCaseData> Cases() => UriSpecCases.Cases("uri-options/tests");

    [TestCaseSource(nameof(Cases))]
    public void Uri_options_parse_as_the_spec_says(string testJson) => UriSpecRunner.Run(testJson);
}
