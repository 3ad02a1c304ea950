namespace MongoSessions.Tests.Support;

/// <summary>C# spellings of types for the public API listing: full names, keywords, generics and nullable annotations.</summary>
internal static class TypeNames
{
    private static readonly Dictionary<Type, string> s_keywords = new()
    {
        [typeof(void)] = "void",
        [typeof(object)] = "object",
        [typeof(string)] = "string",
        [typeof(bool)] = "bool",
        [typeof(char)] = "char",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint",
    };

    /// <summary>
    /// The type as C# writes it at a use site; with <paramref name="flags"/>, types the declaration marks as nullable get
    /// a <c>?</c>, at every level of generic arguments and array elements.
    /// </summary>
    public static string Of(Type type, NullableFlags? flags = null)
    {
        if (type.IsByRef || type.IsPointer)
        {
            return Of(type.GetElementType()!, flags) + (type.IsPointer ? "*" : "");
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Of(underlying, flags) + "?";
        }
        if (type.IsValueType && !type.IsGenericType)
        {
            return s_keywords.TryGetValue(type, out string? valueKeyword) ? valueKeyword : QualifiedName(type);
        }
        // reference types, arrays, type parameters and generic structs each take one flag, before their parts
        string mark = flags?.NextIsAnnotated() == true && !type.IsValueType ? "?" : "";
        if (type.IsArray)
        {
            string rank = type.GetArrayRank() == 1 ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]";
            return Of(type.GetElementType()!, flags) + rank + mark;
        }
        if (type.IsGenericParameter)
        {
            return type.Name + mark;
        }
        if (s_keywords.TryGetValue(type, out string? keyword))
        {
            return keyword + mark;
        }
        string name = QualifiedName(type);
        if (type.IsGenericType)
        {
            name += "<" + string.Join(", ", type.GetGenericArguments().Select(a => Of(a, flags))) + ">";
        }
        return name + mark;
    }

    /// <summary>The type's full name as declared, with its generic parameter names: <c>MongoSessions.Foo&lt;T&gt;</c>.</summary>
    public static string Declaration(Type type)
    {
        string name = QualifiedName(type);
        return type.IsGenericTypeDefinition
            ? name + "<" + string.Join(", ", type.GetGenericArguments().Select(a => a.Name)) + ">"
            : name;
    }

    /// <summary>The name without namespace and generic arity, as a constructor is written.</summary>
    public static string Simple(Type type) => StripArity(type.Name);

    // nested types are written Outer.Inner, and generic types without the `1 arity suffix
    private static string QualifiedName(Type type)
    {
        string name = StripArity(type.Name);
        if (type.DeclaringType is { } outer && !type.IsGenericParameter)
        {
            return QualifiedName(outer) + "." + name;
        }
        return string.IsNullOrEmpty(type.Namespace) ? name : type.Namespace + "." + name;
    }

    private static string StripArity(string name)
    {
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
