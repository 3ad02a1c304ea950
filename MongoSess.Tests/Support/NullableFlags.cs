using System.Collections.ObjectModel;
using System.Reflection;

namespace MongoSessions.Tests.Support;

/// <summary>
/// The nullable annotations the compiler recorded for one declared type, read in order as the type is written out.
/// </summary>
/// <remarks>
/// NullabilityInfoContext answers "can this be null at run time", so it reports an unannotated <c>T</c> as nullable;
/// the listing wants what the declaration says, so this reads the compiler's own encoding
/// (roslyn docs/features/nullable-metadata.md): one byte per reference type, array or type parameter, in pre-order,
/// 2 meaning annotated; a single byte stands for every position; without an attribute, the nearest
/// NullableContextAttribute of the member or its containing types applies.
/// </remarks>
internal sealed class NullableFlags
{
    private const string NullableAttribute = "System.Runtime.CompilerServices.NullableAttribute";
    private const string NullableContextAttribute = "System.Runtime.CompilerServices.NullableContextAttribute";

    private readonly byte[] _flags;
    private int _next;

    private NullableFlags(byte[] flags)
    {
        _flags = flags;
    }

    public static NullableFlags Of(ParameterInfo parameter) =>
        new(Declared(parameter.GetCustomAttributesData()) ?? Context(parameter.Member));

    public static NullableFlags Of(MemberInfo member) =>
        new(Declared(member.GetCustomAttributesData()) ?? Context(member.DeclaringType));

    /// <summary>Whether the next type in pre-order is annotated with <c>?</c>.</summary>
    public bool NextIsAnnotated()
    {
        byte flag = _flags.Length == 1 ? _flags[0] : _next < _flags.Length ? _flags[_next] : (byte)0;
        _next++;
        return flag == 2;
    }

    private static byte[]? Declared(IList<CustomAttributeData> attributes) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == NullableAttribute) is { } attribute
            ? Bytes(attribute.ConstructorArguments[0].Value)
            : null;

    private static byte[] Context(MemberInfo? member)
    {
        for (; member is not null; member = member.DeclaringType)
        {
            if (member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == NullableContextAttribute) is { } context)
            {
                return Bytes(context.ConstructorArguments[0].Value);
            }
        }
        return [0];
    }

    private static byte[] Bytes(object? value) => value switch
    {
        byte single => [single],
        ReadOnlyCollection<CustomAttributeTypedArgument> many => many.Select(b => (byte)b.Value!).ToArray(),
        _ => [0],
    };
}
