using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>
/// The public surface of an assembly as stable text: one line per type and one indented line per member visible
/// outside the assembly, sorted, with full type names and nullable annotations.
/// </summary>
internal static class PublicApiText
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Of(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => TypeNames.Declaration(t), StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            // constructors, fields, properties, events, methods; by name within each, overloads by signature
            foreach (string member in Members(type).OrderBy(m => m.Rank).ThenBy(m => m.Name, StringComparer.Ordinal)
                .ThenBy(m => m.Text, StringComparer.Ordinal).Select(m => m.Text))
            {
                text.Append("    ").Append(member).Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string TypeHeader(Type type)
    {
        string name = TypeNames.Declaration(type);
        if (type.IsEnum)
        {
            var underlying = Enum.GetUnderlyingType(type);
            return underlying == typeof(int) ? $"public enum {name}" : $"public enum {name} : {TypeNames.Of(underlying)}";
        }
        if (typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            var invoke = type.GetMethod("Invoke")!;
            return $"public delegate {TypeNames.Of(invoke.ReturnType, NullableFlags.Of(invoke.ReturnParameter))} {name}{Parameters(invoke)}";
        }
        string kind = type.IsInterface ? "interface"
            : type.IsValueType ? (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly struct" : "struct")
            : IsRecord(type) ? "record"
            : "class";
        string modifiers = type.IsInterface || type.IsValueType ? ""
            : type.IsAbstract && type.IsSealed ? "static "
            : type.IsAbstract ? "abstract "
            : type.IsSealed ? "sealed "
            : "";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            bases.Add(TypeNames.Of(baseType));
        }
        // only the public interfaces the type names itself, not those its base or other public interfaces bring
        var visible = type.GetInterfaces().Where(i => i.IsVisible).ToList();
        var inherited = visible.SelectMany(i => i.GetInterfaces()).Concat(type.BaseType?.GetInterfaces() ?? []).ToHashSet();
        bases.AddRange(visible.Where(i => !inherited.Contains(i)).Select(i => TypeNames.Of(i)).Order(StringComparer.Ordinal));
        string constraints = Constraints(type.IsGenericTypeDefinition ? type.GetGenericArguments() : []);
        return $"public {modifiers}{kind} {name}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}{constraints}";
    }

    private static IEnumerable<(int Rank, string Name, string Text)> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return (0, "", $"{field.Name} = {Convert.ToString(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}");
            }
            yield break;
        }
        if (typeof(Delegate).IsAssignableFrom(type.BaseType))
        {
            yield break;
        }
        foreach (var member in type.GetMembers(Declared).Where(IsVisible))
        {
            switch (member)
            {
                case ConstructorInfo constructor when !constructor.IsStatic:
                    yield return (0, "", $"{Access(constructor)}{TypeNames.Simple(type)}{Parameters(constructor)}");
                    break;
                case FieldInfo field:
                    yield return (1, field.Name, Field(field));
                    break;
                case PropertyInfo property:
                    yield return (2, property.Name, Property(type, property));
                    break;
                case EventInfo @event:
                    yield return (3, @event.Name, $"{Access(@event.AddMethod!)}{Modifiers(type, @event.AddMethod!)}event " +
                        $"{TypeNames.Of(@event.EventHandlerType!, NullableFlags.Of(@event))} {@event.Name}");
                    break;
                case MethodInfo method when !IsAccessor(method):
                    yield return (4, method.Name, Method(type, method));
                    break;
            }
        }
    }

    private static string Field(FieldInfo field)
    {
        string type = TypeNames.Of(field.FieldType, NullableFlags.Of(field));
        if (field.IsLiteral)
        {
            return $"{Access(field)}const {type} {field.Name} = {Literal(field.GetRawConstantValue(), field.FieldType)}";
        }
        string modifiers = (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
        return $"{Access(field)}{modifiers}{type} {field.Name}";
    }

    private static string Property(Type owner, PropertyInfo property)
    {
        var getter = property.GetMethod is { } g && IsVisible(g) ? g : null;
        var setter = property.SetMethod is { } s && IsVisible(s) ? s : null;
        var any = getter ?? setter!;
        string type = TypeNames.Of(property.PropertyType, NullableFlags.Of(property));
        var indexParameters = property.GetIndexParameters();
        string name = indexParameters.Length == 0
            ? property.Name
            : "this[" + string.Join(", ", indexParameters.Select(Parameter)) + "]";
        var accessors = new List<string>();
        if (getter is not null)
        {
            accessors.Add(AccessorAccess(any, getter) + "get;");
        }
        if (setter is not null)
        {
            bool init = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
            accessors.Add(AccessorAccess(any, setter) + (init ? "init;" : "set;"));
        }
        string required = property.IsDefined(typeof(RequiredMemberAttribute)) ? "required " : "";
        return $"{Access(any)}{Modifiers(owner, any)}{required}{type} {name} {{ {string.Join(" ", accessors)} }}";
    }

    private static string Method(Type owner, MethodInfo method)
    {
        string returnType = TypeNames.Of(method.ReturnType, NullableFlags.Of(method.ReturnParameter));
        string generics = method.IsGenericMethodDefinition
            ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">"
            : "";
        string constraints = Constraints(method.IsGenericMethodDefinition ? method.GetGenericArguments() : []);
        return $"{Access(method)}{Modifiers(owner, method)}{returnType} {method.Name}{generics}{Parameters(method)}{constraints}";
    }

    private static string Parameters(MethodBase method)
    {
        string extension = method.IsDefined(typeof(ExtensionAttribute)) ? "this " : "";
        return "(" + extension + string.Join(", ", method.GetParameters().Select(Parameter)) + ")";
    }

    private static string Parameter(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        string modifier = "";
        if (type.IsByRef)
        {
            modifier = parameter.IsOut ? "out "
                : parameter.IsDefined(typeof(IsReadOnlyAttribute)) ? "in "
                : "ref ";
        }
        else if (parameter.IsDefined(typeof(ParamArrayAttribute)))
        {
            modifier = "params ";
        }
        string text = $"{modifier}{TypeNames.Of(type, NullableFlags.Of(parameter))} {parameter.Name}";
        if (parameter.HasDefaultValue)
        {
            text += " = " + Literal(parameter.RawDefaultValue, type);
        }
        return text;
    }

    private static string Constraints(Type[] genericParameters)
    {
        var text = new StringBuilder();
        foreach (var parameter in genericParameters)
        {
            var constraints = new List<string>();
            var attributes = parameter.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add(parameter.IsDefined(typeof(IsUnmanagedAttribute)) ? "unmanaged" : "struct");
            }
            else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            {
                constraints.Add("class");
            }
            constraints.AddRange(parameter.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(c => TypeNames.Of(c)));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) &&
                !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint))
            {
                constraints.Add("new()");
            }
            if (constraints.Count > 0)
            {
                text.Append($" where {parameter.Name} : {string.Join(", ", constraints)}");
            }
        }
        return text.ToString();
    }

    private static string Literal(object? value, Type type)
    {
        var plain = type.IsByRef ? type.GetElementType()! : type;
        plain = Nullable.GetUnderlyingType(plain) ?? plain;
        return value switch
        {
            null when Nullable.GetUnderlyingType(type.IsByRef ? type.GetElementType()! : type) is not null => "null",
            null => plain.IsValueType || plain.IsGenericParameter ? "default" : "null",
            string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
            bool b => b ? "true" : "false",
            char c => $"'{c}'",
            _ when plain.IsEnum => TypeNames.Of(plain) + "." + (Enum.GetName(plain, value) ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => new[] { p.GetMethod, p.SetMethod }.Any(a => a is not null && IsVisible(a)),
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        Type => false,
        _ => false,
    } && !member.Name.Contains('<', StringComparison.Ordinal);

    private static bool IsAccessor(MethodInfo method) =>
        method.IsSpecialName && (method.Name.StartsWith("get_", StringComparison.Ordinal) ||
            method.Name.StartsWith("set_", StringComparison.Ordinal) ||
            method.Name.StartsWith("add_", StringComparison.Ordinal) ||
            method.Name.StartsWith("remove_", StringComparison.Ordinal));

    // records carry a compiler-made clone method; there is no other trace of the keyword in metadata
    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$", Declared) is not null;

    private static string Access(MethodBase method) =>
        method.DeclaringType!.IsInterface ? "" : method.IsPublic ? "public " : "protected ";

    private static string Access(FieldInfo field) => field.IsPublic ? "public " : "protected ";

    private static string AccessorAccess(MethodBase property, MethodBase accessor) =>
        Access(property) == Access(accessor) ? "" : Access(accessor);

    private static string Modifiers(Type owner, MethodInfo method)
    {
        string text = method.IsStatic ? "static " : "";
        if (owner.IsInterface)
        {
            return text + (method.IsAbstract ? "" : method.IsStatic ? "" : "virtual ");
        }
        bool overrides = method.GetBaseDefinition().DeclaringType != method.DeclaringType;
        if (method.IsAbstract)
        {
            text += overrides ? "abstract override " : "abstract ";
        }
        else if (method.IsVirtual && overrides)
        {
            text += method.IsFinal ? "sealed override " : "override ";
        }
        else if (method.IsVirtual && !method.IsFinal)
        {
            text += "virtual ";
        }
        return text;
    }
}
