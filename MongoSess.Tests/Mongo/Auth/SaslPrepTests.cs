using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

[TestFixture]
public sealed class SaslPrepTests
{
    // RFC 4013 section 3, examples 1 to 5
    [TestCase("I\u00ADX", "IX", Description = "soft hyphen mapped to nothing")]
    [TestCase("user", "user", Description = "no transformation")]
    [TestCase("USER", "USER", Description = "case preserved")]
    [TestCase("\u00AA", "a", Description = "output is NFKC")]
    [TestCase("\u2168", "IX", Description = "output is NFKC, matches example 1")]
    public void Rfc4013_examples_prepare_as_the_rfc_says(string input, string expected)
    {
        Assert.That(SaslPrep.Prepare(input), Is.EqualTo(expected));
    }

    // RFC 4013 section 3, examples 6 and 7
    [TestCase("\u0007", "prohibits")]
    [TestCase("\u0627\u0031", "bidirectional")]
    public void Rfc4013_error_examples_are_refused(string input, string rule)
    {
        var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare(input));
        Assert.That(ex!.Message, Does.Contain(rule));
    }

    [TestCase("\uFB01", "fi", Description = "ligature")]
    [TestCase("\uFF21\uFF22", "AB", Description = "fullwidth letters")]
    [TestCase("A\u030A", "\u00C5", Description = "canonical composition")]
    [TestCase("\U0001D400", "A", Description = "mathematical bold capital A, outside the BMP")]
    [TestCase("\u2163", "IV", Description = "roman numeral four, from the auth spec's test plan")]
    public void Output_is_nfkc(string input, string expected)
    {
        Assert.That(SaslPrep.Prepare(input), Is.EqualTo(expected));
    }

    [TestCase("a\u00A0b")]
    [TestCase("a\u2003b")]
    [TestCase("a\u3000b")]
    [TestCase("a\u1680b")]
    public void Non_ascii_spaces_become_ascii_spaces(string input)
    {
        Assert.That(SaslPrep.Prepare(input), Is.EqualTo("a b"));
    }

    [TestCase("a\u200Bb", Description = "zero width space: in B.1 and C.1.2, mapped to nothing")]
    [TestCase("a\uFEFFb", Description = "zero width no-break space")]
    [TestCase("a\uFE0Fb", Description = "variation selector")]
    public void Commonly_mapped_to_nothing_characters_vanish(string input)
    {
        Assert.That(SaslPrep.Prepare(input), Is.EqualTo("ab"));
    }

    [TestCase("a\u0085", Description = "C.2.2 non-ASCII control")]
    [TestCase("\u007F", Description = "C.2.1 delete")]
    [TestCase("\uE000", Description = "C.3 private use")]
    [TestCase("\uFDD0", Description = "C.4 non-character")]
    [TestCase("\uFFFD", Description = "C.6 replacement character")]
    [TestCase("\u2FF0", Description = "C.7 ideographic description character")]
    [TestCase("a\u200E", Description = "C.8 left-to-right mark")]
    [TestCase("\U000E0001", Description = "C.9 language tag")]
    [TestCase("\U0010FFFD", Description = "C.3 supplementary private use")]
    public void Prohibited_characters_are_refused(string input)
    {
        var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare(input));
        Assert.That(ex!.Message, Does.Contain("prohibits"));
    }

    [Test]
    public void Unpaired_surrogates_are_refused()
    {
        // built at run time: attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD
        string[] inputs = [new string(['a', (char)0xD800, 'b']), new string([(char)0xDC00]), new string(['x', (char)0xDBFF])];
        foreach (string input in inputs)
        {
            var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare(input));
            Assert.That(ex!.Message, Does.Contain("surrogate"));
        }
    }

    [TestCase("\u0221", Description = "assigned in Unicode 4.0")]
    [TestCase("x\U0001F600", Description = "an emoji, assigned in Unicode 6.1")]
    [TestCase("\u0378", Description = "still unassigned")]
    public void Code_points_unassigned_in_unicode_3_2_are_refused(string input)
    {
        var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare(input));
        Assert.That(ex!.Message, Does.Contain("unassigned"));
    }

    [TestCase("\u0627\u0628", Description = "all right-to-left")]
    [TestCase("\u05D0 1 \u05D1", Description = "neutral and numbers inside right-to-left")]
    [TestCase("\U00010400", Description = "Deseret, left-to-right, outside the BMP")]
    public void Strings_that_pass_the_bidi_rules_are_kept(string input)
    {
        Assert.That(SaslPrep.Prepare(input), Is.EqualTo(input));
    }

    [TestCase("\u05D0a\u05D1", Description = "right-to-left mixed with left-to-right")]
    [TestCase("1\u0627", Description = "does not start right-to-left")]
    public void Strings_that_fail_the_bidi_rules_are_refused(string input)
    {
        var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare(input));
        Assert.That(ex!.Message, Does.Contain("bidirectional"));
    }

    [Test]
    public void Refusals_never_show_the_string()
    {
        var ex = Assert.Throws<SaslPrepException>(() => SaslPrep.Prepare("hunter2\u0007secret"));
        Assert.That(ex!.Message, Does.Not.Contain("hunter2").And.Not.Contain("secret"));
    }

    [Test]
    public void Every_table_is_sorted_and_its_ranges_do_not_overlap()
    {
        int[][] tables =
        [
            StringprepTables.UnassignedA1, StringprepTables.MappedToNothingB1, StringprepTables.NonAsciiSpaceC12,
            StringprepTables.ProhibitedC, StringprepTables.RandALCatD1, StringprepTables.LCatD2,
        ];
        foreach (var table in tables)
        {
            Assert.That(table.Length % 2, Is.Zero);
            for (int i = 0; i < table.Length; i += 2)
            {
                Assert.That(table[i], Is.LessThanOrEqualTo(table[i + 1]));
                if (i > 0)
                {
                    Assert.That(table[i], Is.GreaterThan(table[i - 1]));
                }
            }
        }
    }

    [Test]
    public void The_range_search_finds_both_ends_and_nothing_between_ranges()
    {
        int[] ranges = [0x10, 0x20, 0x30, 0x30, 0x40, 0x4F];
        int[] inside = [0x10, 0x15, 0x20, 0x30, 0x40, 0x4F];
        int[] outside = [0x0F, 0x21, 0x2F, 0x31, 0x3F, 0x50];
        Assert.That(inside.All(c => CodePointRanges.Contains(ranges, c)), Is.True);
        Assert.That(outside.Any(c => CodePointRanges.Contains(ranges, c)), Is.False);
    }
}
