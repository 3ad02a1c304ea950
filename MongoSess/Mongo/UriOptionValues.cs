using System.Globalization;
using System.Text;

namespace MongoSessions.Mongo;

/// <summary>
/// Reads one option value of a given type. An invalid value is ignored with a warning (connection string spec,
/// "Values"); warnings name the option, never the value, which may be a secret typed into the wrong place.
/// </summary>
internal sealed class UriOptionValues(List<string> warnings)
{
    /// <summary>The longest time a <see cref="TimeSpan"/> holds, in whole milliseconds (wTimeoutMS is 64-bit).</summary>
    public const long MaxMilliseconds = 922_337_203_685_477;

    public bool? Bool(string name, string value)
    {
        // the spec's legacy spellings ("1", "yes", ...) are not accepted: its tests expect loadBalanced=1 to be ignored
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        Reject(name, "must be true or false");
        return null;
    }

    public int? Int(string name, string value, int minimum)
    {
        long? number = Long(name, value, minimum, int.MaxValue);
        return number is null ? null : (int)number.Value;
    }

    public TimeSpan? Milliseconds(string name, string value, long minimum, long maximum = int.MaxValue)
    {
        long? ms = Long(name, value, minimum, maximum);
        return ms is null ? null : TimeSpan.FromMilliseconds(ms.Value);
    }

    public string? Text(string name, string value)
    {
        if (value.Length == 0)
        {
            Reject(name, "must not be empty");
            return null;
        }
        return value;
    }

    public string? AppName(string name, string value)
    {
        // handshake spec: client.application.name must not exceed 128 bytes, or the server refuses the handshake
        if (Encoding.UTF8.GetByteCount(value) > 128)
        {
            Reject(name, "must be at most 128 bytes of UTF-8");
            return null;
        }
        return Text(name, value);
    }

    public WriteConcernOption? W(string name, string value)
    {
        if (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] == '-'))
        {
            int? count = Int(name, value, minimum: 0);
            return count is null ? null : WriteConcernOption.Members(count.Value);
        }
        string? mode = Text(name, value);
        return mode is null ? null : WriteConcernOption.Named(mode);
    }

    /// <summary>
    /// "key:value,key:value" (connection string spec, "Key value pairs"): a value may hold further colons but no commas.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Pairs(string name, string value)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string item in value.Split(','))
        {
            int colon = item.IndexOf(':');
            if (colon <= 0 || !pairs.TryAdd(item[..colon], item[(colon + 1)..]))
            {
                Reject(name, "must be a list of key:value pairs separated by commas, with no comma inside a value and no key twice");
                return null;
            }
        }
        return pairs;
    }

    /// <summary>The canonical name of a supported mechanism; any other mechanism is an error, not a warning, since
    /// falling back to another mechanism would not be what the user asked for.</summary>
    public string AuthMechanism(string value)
    {
        if (UriOptionNames.SupportedAuthMechanisms.FirstOrDefault(m => m.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } supported)
        {
            return supported;
        }
        string supportedList = string.Join(" and ", UriOptionNames.SupportedAuthMechanisms);
        if (UriOptionNames.UnsupportedAuthMechanisms.TryGetValue(value, out var known))
        {
            throw new MongoSessConfigurationException(
                $"authMechanism={known} is not supported by MongoSess; it authenticates with {supportedList} (leave authMechanism out to negotiate).");
        }
        throw new MongoSessConfigurationException(
            $"The connection string option authMechanism names an unknown mechanism; MongoSess supports {supportedList}.");
    }

    /// <summary>An SRV service name (RFC 6335 section 5.1, without its 15-character limit, per the seedlist spec).</summary>
    public string? SrvServiceName(string name, string value)
    {
        bool valid = value.Length is > 0 and <= 62
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && value.Any(char.IsAsciiLetter)
            && value[0] != '-' && value[^1] != '-' && !value.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            Reject(name, "must be letters, digits and single inner hyphens, at most 62 characters");
            return null;
        }
        return value;
    }

    public void Warn(string message) => warnings.Add(message);

    private long? Long(string name, string value, long minimum, long maximum)
    {
        string range = maximum >= int.MaxValue
            ? $"an integer of at least {minimum}"
            : $"an integer from {minimum} to {maximum}";
        if (value.Length == 0)
        {
            Reject(name, $"must be {range} (it is empty)");
            return null;
        }
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
            || number < minimum || number > maximum)
        {
            Reject(name, $"must be {range}");
            return null;
        }
        return number;
    }

    private void Reject(string name, string rule) =>
        Warn($"The connection string option {name} {rule}; the value given is ignored.");
}
