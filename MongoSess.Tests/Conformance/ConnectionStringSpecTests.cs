namespace MongoSessions.Tests.Conformance;

// connection-string/tests/*.json of mongodb/specifications; see UriSpecRunner for what each case checks
public sealed class ConnectionStringSpecTests
{
    public static IEnumerable<TestCaseData> Cases() => UriSpecCases.Cases("connection-string/tests");

    [TestCaseSource(nameof(Cases))]
    public void Connection_string_parses_as_the_spec_says(string testJson) => UriSpecRunner.Run(testJson);
}
