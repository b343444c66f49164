using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace KlDivergence.Docs.Tests;

/// <summary>
/// Documentation comment IDs (the C# compiler's "ID string" format, ECMA-334 annex D) computed by reflection, so that the
/// IDs expected for the public API can be looked up in the XML documentation file the compiler wrote.
/// </summary>
internal static class XmlDocs
{
    /// <summary>The ID of a type: <c>T:Namespace.Outer.Inner`1</c>.</summary>
    public static string TypeId(Type type) => "T:" + TypeName(type);

    /// <summary>The ID of a method or constructor: <c>M:Type.Name``1(System.Double,System.Int32[])</c>.</summary>
    public static string MethodId(MethodBase method)
    {
        var sb = new StringBuilder("M:").Append(TypeName(method.DeclaringType!)).Append('.');
        sb.Append(method.IsConstructor ? (method.IsStatic ? "#cctor" : "#ctor") : method.Name.Replace('.', '#'));
        if (method.IsGenericMethodDefinition)
        {
            sb.Append("``").Append(method.GetGenericArguments().Length);
        }

        AppendParameters(sb, method.GetParameters());
        if (method is MethodInfo m && method.Name is "op_Implicit" or "op_Explicit")
        {
            sb.Append('~').Append(ParameterTypeName(m.ReturnType));
        }

        return sb.ToString();
    }

    /// <summary>The ID of a property (with the parameters of an indexer).</summary>
    public static string PropertyId(PropertyInfo property)
    {
        var sb = new StringBuilder("P:").Append(TypeName(property.DeclaringType!)).Append('.').Append(property.Name.Replace('.', '#'));
        AppendParameters(sb, property.GetIndexParameters());
        return sb.ToString();
    }

    /// <summary>The ID of a field (an enum member included).</summary>
    public static string FieldId(FieldInfo field) => "F:" + TypeName(field.DeclaringType!) + "." + field.Name;

    /// <summary>The ID of an event.</summary>
    public static string EventId(EventInfo e) => "E:" + TypeName(e.DeclaringType!) + "." + e.Name;

    private static void AppendParameters(StringBuilder sb, ParameterInfo[] parameters)
    {
        if (parameters.Length > 0)
        {
            sb.Append('(').AppendJoin(',', parameters.Select(p => ParameterTypeName(p.ParameterType))).Append(')');
        }
    }

    /// <summary>A type's name where it is declared: namespace, outer types joined by '.', and the `arity suffix.</summary>
    private static string TypeName(Type type)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            type = type.GetGenericTypeDefinition();
        }

        string prefix = type.DeclaringType is { } outer ? TypeName(outer) + "." : (type.Namespace is { } ns ? ns + "." : "");
        return prefix + type.Name;
    }

    /// <summary>A type as it appears in a parameter list: generic arguments in braces, `n / ``n for type parameters.</summary>
    private static string ParameterTypeName(Type type)
    {
        if (type.IsByRef)
        {
            return ParameterTypeName(type.GetElementType()!) + "@";
        }

        if (type.IsPointer)
        {
            return ParameterTypeName(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            int rank = type.GetArrayRank();
            string dims = rank == 1 && type.IsSZArray ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", rank)) + "]";
            return ParameterTypeName(type.GetElementType()!) + dims;
        }

        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        }

        if (type.IsGenericType)
        {
            // Each level of nesting carries its own share of the generic arguments.
            var args = type.GetGenericArguments();
            var levels = new List<Type>();
            for (var t = type.GetGenericTypeDefinition(); t is not null; t = t.DeclaringType)
            {
                levels.Insert(0, t);
            }

            var sb = new StringBuilder(levels[0].Namespace is { } ns ? ns + "." : "");
            int used = 0;
            foreach (var level in levels)
            {
                if (level != levels[0])
                {
                    sb.Append('.');
                }

                int total = level.GetGenericArguments().Length, own = total - used;
                string name = level.Name;
                int tick = name.IndexOf('`', StringComparison.Ordinal);
                sb.Append(tick >= 0 ? name[..tick] : name);
                if (own > 0)
                {
                    sb.Append('{').AppendJoin(',', args[used..total].Select(ParameterTypeName)).Append('}');
                }

                used = total;
            }

            return sb.ToString();
        }

        return TypeName(type);
    }

    /// <summary>Whether a member is part of the public surface (public, protected or protected internal).</summary>
    public static bool IsVisible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    /// <summary>Whether a member was synthesised by the compiler (record members, accessors) rather than written.</summary>
    public static bool IsCompilerGenerated(MemberInfo m) => m.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
}
